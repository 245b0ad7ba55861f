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

#: A consignee named on every line: the restricted-party check runs, so a line can be CLEAR.
HEAD = ["Line ID", "Ship Date", "Ship-to Country", "ECCN", "End User Type", "Consignee"]


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
    sheet.write_row(1, 0, ["L1", "2021-03-15", "Germany", "3A991", "military", "Mueller GmbH"])
    sheet.write_row(2, 0, ["L2", "2021-03-15", "Germany", "3A991", "military", "Mueller GmbH"])
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


def test_a_text_box_linked_to_a_cell_is_a_review(tmp_path) -> None:
    """(s26) A text box showing another cell's text (a cell link, "=$H$1"), with no text of
    its own saved, over the destination cell."""
    def draw(sheet) -> None:  # type: ignore[no-untyped-def]
        sheet.write("H1", "Hong Kong")
        sheet.insert_textbox("C2", "", {"textlink": "=$H$1", "width": 100, "height": 18})

    found = _lines(tmp_path, draw)
    verdict, codes = found["L1"]
    assert verdict == "REVIEW"
    assert "a text box showing the text of cell $H$1" in codes["VALUE_SHOWN_OTHERWISE"]
    assert found["L2"][0] == "CLEAR"


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


def _edit_drawing(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    import zipfile
    with zipfile.ZipFile(path) as src:
        parts = {i.filename: src.read(i) for i in src.infolist()}
    member = "xl/drawings/drawing1.xml"
    parts[member] = change(parts[member].decode()).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)


def _text_box(sheet) -> None:  # type: ignore[no-untyped-def]
    sheet.insert_textbox("C2", "Hong Kong", {"width": 100, "height": 18})


def test_a_text_box_over_a_header_cell_refuses_the_file(tmp_path) -> None:
    import pytest

    from screening.ingest.errors import IngestError
    with pytest.raises(IngestError, match=r"header cell Shipments!C1 .* text box reading "
                                          r"'Ultimate Destination'"):
        _lines(tmp_path, lambda sheet: sheet.insert_textbox(
            "C1", "Ultimate Destination", {"width": 100, "height": 18}))


def test_wrapped_and_grouped_text_boxes_are_seen(tmp_path) -> None:
    """(s25 review) A text box inside <mc:AlternateContent>, as Excel writes one, and a
    group holding a hidden empty shape beside the visible box, were passed over."""
    import re
    for how in ("wrapped", "grouped"):
        folder = tmp_path / how
        folder.mkdir()
        path = _book(folder / "in.xlsx", _text_box)
        if how == "wrapped":
            _edit_drawing(path, lambda s: re.sub(
                r"(<xdr:twoCellAnchor.*?</xdr:twoCellAnchor>)",
                r'<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/'
                r'markup-compatibility/2006"><mc:Choice Requires="a14">\1</mc:Choice>'
                r"</mc:AlternateContent>", s, count=1, flags=re.DOTALL))
        else:
            _edit_drawing(path, lambda s: re.sub(
                r"(<xdr:sp\b.*?</xdr:sp>)",
                r'<xdr:grpSp><xdr:nvGrpSpPr><xdr:cNvPr id="9" name="G"/><xdr:cNvGrpSpPr/>'
                r'</xdr:nvGrpSpPr><xdr:grpSpPr/><xdr:sp><xdr:nvSpPr><xdr:cNvPr id="8" '
                r'name="H" hidden="1"/><xdr:cNvSpPr/></xdr:nvSpPr><xdr:spPr/></xdr:sp>\1'
                r"</xdr:grpSp>", s, count=1, flags=re.DOTALL))
        _run, lines = screen_file(folder, path)
        assert lines["L1"].verdict == "REVIEW", (how, lines["L1"].findings)


def test_odd_numbers_in_a_drawing_are_no_traceback(tmp_path) -> None:
    path = _book(tmp_path / "in.xlsx", _text_box)
    _edit_drawing(path, lambda s: s.replace("<xdr:row>1</xdr:row>", "<xdr:row>\u00b2</xdr:row>",
                                            1))
    from screening.ingest.errors import IngestError
    try:  # read as row 0, the box lies over the header: refused, or screened; no traceback
        _run, lines = screen_file(tmp_path, path)
    except IngestError as refused:
        assert "header cell Shipments!C1" in str(refused)
    else:
        assert set(lines) == {"L1", "L2"}
