"""Shapes drawn over a sheet's cells (s25 input hunt): a borderless white text box reading
"Hong Kong" anchored over a "Germany" destination cell shows Hong Kong, on screen and in
print; the line was CLEAR. A line whose read cell lies under a text box, picture or chart is
REVIEW VALUE_SHOWN_OTHERWISE naming the shape; shapes elsewhere change nothing."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import xlsxwriter

from tests.conftest import screen_file

HEAD = ["Line ID", "Ship Date", "Ship-to Country", "ECCN", "End User Type"]


def _png(path: Path) -> Path:
    """A 40 x 20 white PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + b"\xff" * 40 * 3 for _ in range(20))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 40, 20, 8,
                                                                        2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return path


def _book(path: Path, draw) -> Path:  # type: ignore[no-untyped-def]
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Shipments")
    sheet.write_row(0, 0, HEAD)
    sheet.write_row(1, 0, ["L1", "2021-03-15", "Germany", "3A991", "military"])
    sheet.write_row(2, 0, ["L2", "2021-03-15", "Germany", "3A991", "military"])
    sheet.set_column(0, 8, 14)
    draw(sheet)
    book.close()
    return path


def _lines(tmp_path: Path, draw) -> dict:  # type: ignore[no-untyped-def,type-arg]
    _run, lines = screen_file(tmp_path, _book(tmp_path / "in.xlsx", draw))
    return {key: (line.verdict, {f.code: f.message for f in line.findings})
            for key, line in lines.items()}


def test_a_text_box_over_a_read_cell_is_a_review(tmp_path) -> None:
    found = _lines(tmp_path, lambda sheet: sheet.insert_textbox(
        "C2", "Hong Kong", {"width": 100, "height": 18, "fill": {"color": "#FFFFFF"},
                            "line": {"none": True}}))
    verdict, codes = found["L1"]
    assert verdict == "REVIEW"
    assert "a text box reading 'Hong Kong'" in codes["VALUE_SHOWN_OTHERWISE"]
    assert "Shipments!C2" in codes["VALUE_SHOWN_OTHERWISE"]
    assert found["L2"][0] == "CLEAR"  # the box ends within row 2


def test_a_picture_over_a_read_cell_is_a_review(tmp_path) -> None:
    picture = _png(tmp_path / "p.png")
    found = _lines(tmp_path, lambda sheet: sheet.insert_image("C3", str(picture)))
    assert found["L2"][0] == "REVIEW"
    assert "a picture" in found["L2"][1]["VALUE_SHOWN_OTHERWISE"]
    assert found["L1"][0] == "CLEAR"


def test_shapes_beside_the_data_change_nothing(tmp_path) -> None:
    picture = _png(tmp_path / "p.png")

    def draw(sheet) -> None:  # type: ignore[no-untyped-def]
        sheet.insert_textbox("H2", "Checked by JS", {"width": 100, "height": 18})
        sheet.insert_image("H5", str(picture))

    found = _lines(tmp_path, draw)
    assert found["L1"][0] == "CLEAR" and found["L2"][0] == "CLEAR", found


def test_a_logo_over_the_header_row_is_no_refusal(tmp_path) -> None:
    picture = _png(tmp_path / "p.png")
    found = _lines(tmp_path, lambda sheet: sheet.insert_image("B1", str(picture)))
    assert found["L1"][0] == "CLEAR" and found["L2"][0] == "CLEAR", found
