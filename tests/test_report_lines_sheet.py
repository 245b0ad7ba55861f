"""The Lines sheet's rows, rendered a chunk at a time as columns (fastsheet.ColumnsWriter),
are exactly the XML and digest text of the row-by-row writer they replace; that writer is
kept here as the reference."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest

from screening.reports import fastsheet
from screening.reports.canonical import CellDigest, cell_text
from screening.reports.fastsheet import ColumnsWriter, column_letters, inline_text

_EPOCH = dt.datetime(1899, 12, 30)
_encode = json.JSONEncoder(ensure_ascii=False).encode
STYLES = {"num": 2, "date": 3, "datetime": 4, "text": 5, "v:CLEAR": 10, "v:ERROR": 8}


def reference_rows(first: int, rows: list[list[object]], verdict_col: int | None,
                   digest: CellDigest) -> str:
    """The earlier row-by-row writer: each row's XML, cell by cell."""
    out = []
    hashed = []
    cols = column_letters(max(len(r) for r in rows))
    styles = STYLES
    for r, values in enumerate(rows, start=first):
        n = str(r)
        parts = [f'<row r="{n}">']
        texts: list[str] = []
        for index, value in enumerate(values):
            if value.__class__ is str:
                texts.append(value)  # type: ignore[arg-type]
                if not value:
                    continue
                style = (styles.get(f"v:{value}", styles["text"]) if index == verdict_col
                         else styles["text"])
                parts.append(f'<c r="{cols[index]}{n}" s="{style}" t="inlineStr">'
                             f"{inline_text(value)}</c>")  # type: ignore[arg-type]
            elif value is None:
                texts.append("")
            elif value is True or value is False:
                texts.append(cell_text(value))
                parts.append(f'<c r="{cols[index]}{n}" s="{styles["num"]}" t="b">'
                             f"<v>{int(value)}</v></c>")
            elif isinstance(value, int | float):
                texts.append(cell_text(value))
                parts.append(f'<c r="{cols[index]}{n}" s="{styles["num"]}"><v>{value!r}</v></c>')
            elif isinstance(value, dt.datetime):
                texts.append(cell_text(value))
                serial = (value - _EPOCH).total_seconds() / 86400
                parts.append(f'<c r="{cols[index]}{n}" s="{styles["datetime"]}">'
                             f"<v>{serial!r}</v></c>")
            elif isinstance(value, dt.date):
                texts.append(cell_text(value))
                parts.append(f'<c r="{cols[index]}{n}" s="{styles["date"]}">'
                             f"<v>{(value - _EPOCH.date()).days}</v></c>")
            else:
                text = str(value)
                texts.append(cell_text(value))
                if text:
                    parts.append(f'<c r="{cols[index]}{n}" s="{styles["text"]}" '
                                 f't="inlineStr">{inline_text(text)}</c>')
        parts.append("</row>")
        out.append("".join(parts))
        while texts and not texts[-1]:
            texts.pop()
        hashed.append(f"{_encode([r - 1, texts])}\n")
    digest.encoded_rows("Lines", first - 1, first - 2 + len(rows), "".join(hashed))
    return "".join(out)


class _Sink:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, data: bytes) -> None:
        self.parts.append(data.decode("utf-8"))


HOSTILE = ["", " lead", "trail ", "\tTab", "a&b<c>d", "_x0041_ literal", "ctl\x0bvt", "cr\rlf\n",
           "del\x7fchar", "nul\x00", "\ufffe odd", "caf\u00e9 \u2013 \U0001f600", '"quoted", "x"',
           "back\\slash", "=1+2", "@SUM(A1)", "{brace}", "x" * 300, "CLEAR", "ERROR", "\u00a0nbsp"]


def _columns(rng: random.Random, count: int) -> tuple[list[str], list[list[object]]]:
    kinds = ["number", "text", "verdict", "text", "date", "number", "any", "text", "text"]
    pool = [*HOSTILE, *(f"value {i}" for i in range(40))]
    rows = []
    for i in range(count):
        rows.append([
            1000 + i,
            f"L{i:05d}" if i % 7 else "",
            rng.choice(["CLEAR", "ERROR", "REVIEW", ""]),
            rng.choice(pool),
            rng.choice([None, dt.date(2020, 6, 30), dt.date(1999, 1, 1),
                        dt.datetime(2021, 3, 1, 12, 30)]),  # a datetime: typed cell by cell
            rng.choice([None, 5, 5.0, 0.1, 1e20, -3.25, 123456789012345678.0]),
            rng.choice([None, True, False, 7, dt.datetime(2022, 1, 2, 3, 4, 5), "note"]),
            rng.choice([None, *pool]) if i % 3 else f"unique {i} {rng.random()}",
            rng.choice(["", None]) if i % 5 else rng.choice(pool),  # mostly empty last column
        ])
    return kinds, rows


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_columns_writer_equals_the_row_by_row_writer(seed, monkeypatch) -> None:
    monkeypatch.setattr(fastsheet, "CACHE", 30)  # the per-column caches are cleared too
    rng = random.Random(seed)
    kinds, rows = _columns(rng, 700)
    sink = _Sink()
    digest, expected_digest = CellDigest(), CellDigest()
    writer = ColumnsWriter(sink, kinds, STYLES, digest)
    expected = []
    first = 2
    for size in [1, 5, 300, 44, 350]:  # chunks of several sizes, caches kept between them
        chunk = rows[first - 2:first - 2 + size]
        writer.write(first, [list(column) for column in zip(*chunk, strict=True)])
        expected.append(reference_rows(first, chunk, 2, expected_digest))
        first += size
    assert "".join(sink.parts) == "".join(expected)
    assert digest.hexdigest(["Lines"]) == expected_digest.hexdigest(["Lines"])


def test_a_column_holding_the_join_character_is_escaped_text_by_text() -> None:
    texts = ["a\x7fb", "plain", "\x7f", "c&d"]
    assert fastsheet.text_cells("Q", 5, texts) == [
        f'<c r="Q\0" s="5" t="inlineStr">{inline_text(t)}</c>' for t in texts]
    assert fastsheet.escape_all(texts) == [fastsheet.escape(t) for t in texts]


def test_an_empty_first_column_is_refused() -> None:
    writer = ColumnsWriter(_Sink(), ["text", "text"], STYLES, CellDigest())
    with pytest.raises(ValueError, match="first column"):
        writer.write(2, [["a", ""], ["b", "c"]])


def test_hashing_on_the_worker_thread_gives_the_same_digest() -> None:
    """Cells, rows and encoded rows hashed in the background, in their order per sheet."""
    digests = []
    for background in (False, True):
        digest = CellDigest()
        if background:
            digest.hash_in_background()
        digest.cell("Lines", 0, 0, "Row")
        digest.encoded_rows("Lines", 1, 2, '[1, ["a"]]\n[2, ["b"]]\n')
        digest.encoded_rows("Findings", 1, 1, b'[1, ["x" ]]\n' * 5000)
        digest.row("Summary", 0, ["t", 5, dt.date(2020, 6, 30)])
        digests.append(digest.hexdigest(["Summary", "Findings", "Lines"]))
        digest.close()  # again: nothing left to stop
    assert digests[0] == digests[1]


def test_a_failing_background_hash_is_reported() -> None:
    digest = CellDigest()
    digest.hash_in_background()
    digest.encoded_rows("Lines", 0, 0, "x")
    digest._sheets["Lines"] = object()  # the worker's update now fails
    with pytest.raises(AttributeError):  # when the next piece is handed over, or at the end
        digest.encoded_rows("Lines", 1, 1, "y")
        digest.hexdigest(["Lines"])
    digest.close()
