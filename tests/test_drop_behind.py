"""Big output files dropped from memory behind the writer (screening.drop_behind)."""

from __future__ import annotations

import os

import pytest

from screening import drop_behind
from screening.drop_behind import LAG, DropBehind, write_behind


def test_each_call_advises_the_last_stretches_written(monkeypatch) -> None:
    calls: list[tuple[int, int, int, int]] = []
    monkeypatch.setattr(drop_behind, "_ADVISE", lambda *a: calls.append(a))
    behind = DropBehind(7, start=100)
    ends = [200, 350, 600, 900, 1000]
    for end in ends:
        behind.written(end)
    marks = [100, *ends]
    # From the end of the stretch LAG calls back (or the start) to the newest end.
    assert calls == [(7, marks[max(0, k - LAG)], end - marks[max(0, k - LAG)],
                      drop_behind._DONTNEED) for k, end in enumerate(ends, start=1)]


def test_nothing_written_advises_nothing_and_errors_are_only_hints(monkeypatch) -> None:
    calls: list[tuple[int, ...]] = []

    def refuse(*args: int) -> None:
        calls.append(args)
        raise OSError(29, "Illegal seek")

    monkeypatch.setattr(drop_behind, "_ADVISE", refuse)
    behind = DropBehind(3)
    behind.written(0)  # nothing yet
    assert calls == []
    behind.written(10)  # a pipe refuses it: no error reaches the writer
    assert calls == [(3, 0, 10, drop_behind._DONTNEED)]


@pytest.mark.skipif(not hasattr(os, "posix_fadvise"), reason="no posix_fadvise here")
def test_the_file_keeps_every_byte(tmp_path) -> None:
    path = tmp_path / "out.json"
    chunks = [bytes([65 + i % 26]) * (1 << 16) for i in range(40)]
    with path.open("wb") as handle:
        behind = DropBehind(handle.fileno())
        for chunk in chunks:
            write_behind(handle, chunk, behind)
    assert path.read_bytes() == b"".join(chunks)


def test_without_posix_fadvise_nothing_happens(monkeypatch) -> None:
    monkeypatch.setattr(drop_behind, "_ADVISE", None)
    DropBehind(-1).written(10)  # a closed or invalid descriptor is never touched
