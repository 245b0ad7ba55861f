"""The XLSX package writer: members written whole or from deflate streams compressed while
the rows were written, CRC-32 of joined pieces, ZIP64 records; read back by zipfile and by
Info-ZIP's unzip when installed."""

from __future__ import annotations

import random
import shutil
import subprocess
import zipfile
import zlib

import pytest

from screening.reports import package
from screening.reports.package import DeflatedRows, ZipWriter, crc32_combine, deflate


def test_crc32_combine_equals_the_crc_of_the_joined_data() -> None:
    rnd = random.Random(7)
    for size_a, size_b in [(0, 0), (0, 5), (5, 0), (1, 1), (13, 1000), (4096, 77777)]:
        a, b = rnd.randbytes(size_a), rnd.randbytes(size_b)
        assert crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)


def _rows(tmp_path, texts: list[str]) -> DeflatedRows:  # type: ignore[no-untyped-def]
    rows = DeflatedRows(tmp_path)
    rows.CHUNK = 100  # several pieces through the worker
    for text in texts:
        rows.write(text)
    rows.close()
    return rows


@pytest.mark.parametrize("zip64", [False, True])
def test_members_whole_and_spliced_read_back(tmp_path, monkeypatch, zip64) -> None:
    if zip64:  # every size and offset past the limit: the ZIP64 records are written
        monkeypatch.setattr(package, "ZIP64_LIMIT", 0)
    texts = [f"<row r=\"{i}\">caf\u00e9 {i} {'x' * (i % 50)}</row>" for i in range(2000)]
    rows = _rows(tmp_path, texts)
    body = "".join(texts).encode("utf-8")
    assert (rows.size, rows.crc) == (len(body), zlib.crc32(body))
    head, tail = b"<sheetData>", b"</sheetData>"
    target = tmp_path / "p.zip"
    out = ZipWriter(target)
    out.add("[Content_Types].xml", b"<Types/>", (1980, 1, 1, 0, 0, 0))
    crc = zlib.crc32(tail, crc32_combine(zlib.crc32(head), rows.crc, rows.size))
    out.add_deflated("xl/worksheets/sheet1.xml", (2024, 5, 6, 7, 8, 10), crc,
                     len(head) + rows.size + len(tail),
                     [deflate(head, 1, final=False), rows.path, deflate(tail, 1)])
    out.add("xl/\u00e9.xml", b"", (1980, 1, 1, 0, 0, 0))
    out.close()
    rows.discard()
    assert not rows.path.exists()
    with zipfile.ZipFile(target) as archive:
        assert archive.testzip() is None
        assert archive.namelist() == ["[Content_Types].xml", "xl/worksheets/sheet1.xml",
                                      "xl/\u00e9.xml"]
        assert archive.read("xl/worksheets/sheet1.xml") == head + body + tail
        assert archive.getinfo("xl/worksheets/sheet1.xml").date_time == (2024, 5, 6, 7, 8, 10)
    if shutil.which("unzip"):
        result = subprocess.run(["unzip", "-t", str(target)], check=False,
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def test_a_failing_worker_is_reported_and_its_file_removed(tmp_path) -> None:
    rows = DeflatedRows(tmp_path)
    rows.file.close()  # the worker's writes now fail
    rows.write("x" * (DeflatedRows.CHUNK + 1))
    with pytest.raises(ValueError):
        rows.close()
    rows.discard()
    assert not rows.path.exists()
