"""s29 forgery hunt: an XLSX report doctored in how it shows its values, with every value
(and so the digest and signature) intact, verified: a custom colour palette turning the
LICENSE_REQUIRED red into the CLEAR green, a theme colour modified to white, shrunk or
rotated verdicts, a symbol font, a system date format, a hyperlink over a verdict, a page
header claiming approval, document properties saying so. Each now fails."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests import test_verify_presentation
from tests.test_verify_presentation import _failed, _xml_doctored

#: The sample screened and reported, as the presentation tests make it.
report = test_verify_presentation.report

STYLES = "xl/styles.xml"


def _lr_style(db: Any, report, change) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Doctor the styles part with ``change`` (on its text)."""
    return _xml_doctored(db, report, STYLES, change)


def _palette(xml: str) -> str:
    # Every indexed colour white: text of an indexed colour vanishes on a white fill.
    palette = "<colors><indexedColors>" + '<rgbColor rgb="FFFFFFFF"/>' * 64 + \
        "</indexedColors></colors>"
    xml = re.sub(r'<color rgb="FF[0-9A-F]{6}"/>', '<color indexed="8"/>', xml)
    return xml.replace("</cellXfs>", "</cellXfs>" + palette, 1) if "<dxfs" not in xml \
        else xml.replace("<dxfs", palette + "<dxfs", 1)


def _shrink(xml: str) -> str:
    return re.sub(r"<xf ([^>]*?)/>", r'<xf \1 applyAlignment="1"><alignment shrinkToFit="1"/>'
                  r"</xf>", xml)


def _rotate(xml: str) -> str:
    return re.sub(r"<xf ([^>]*?)/>", r'<xf \1 applyAlignment="1"><alignment '
                  r'textRotation="90"/></xf>', xml)


def _wingdings(xml: str) -> str:
    return xml.replace('<name val="Calibri"/>', '<name val="Wingdings"/>')


@pytest.mark.parametrize(("change", "words"), [
    (_palette, "text coloured like its background"),
    (_shrink, "shrink-to-fit text"),
    (_rotate, "rotated text"),
    (_wingdings, "a symbol font"),
])
def test_styles_showing_other_than_the_value_fail(db, report, change, words) -> None:  # type: ignore[no-untyped-def]
    _failed(_lr_style(db, report, change), words)


def test_a_theme_colour_with_a_modifier_is_unread_and_fails(db, report) -> None:  # type: ignore[no-untyped-def]
    def white_dark(xml: str) -> str:
        return re.sub(r"<a:dk1>.*?</a:dk1>", '<a:dk1><a:srgbClr val="000000"><a:lumMod val="0"/>'
                      '<a:lumOff val="100000"/></a:srgbClr></a:dk1>', xml, count=1,
                      flags=re.S)

    checks = _xml_doctored(db, report, "xl/theme/theme1.xml", white_dark)
    if checks["report presentation"].status.value == "PASSED":
        pytest.skip("no cell of this report uses the theme's dark colour")
    _failed(checks, "a font or fill colour that cannot be read")


def test_a_system_date_format_fails(db, report) -> None:  # type: ignore[no-untyped-def]
    def system(xml: str) -> str:
        return xml.replace('formatCode="yyyy-mm-dd"', 'formatCode="[$-F400]yyyy-mm-dd"')

    _failed(_lr_style(db, report, system), "system date or time format")


def test_a_page_header_hkscreen_does_not_write_fails(db, report) -> None:  # type: ignore[no-untyped-def]
    def header(xml: str) -> str:
        return re.sub(r"<oddHeader>.*?</oddHeader>",
                      "<oddHeader>&amp;CAPPROVED BY BIS: NO LICENCE REQUIRED</oddHeader>", xml,
                      count=1)

    _failed(_xml_doctored(db, report, "xl/worksheets/sheet3.xml", header),
            "a page header or footer of sheet Lines")


def test_a_hyperlink_over_a_verdict_fails(db, report) -> None:  # type: ignore[no-untyped-def]
    def link(xml: str) -> str:
        return xml.replace("<pageMargins", '<hyperlinks><hyperlink ref="C2" location="Summary!A1" '
                           'tooltip="Licence granted by BIS"/></hyperlinks><pageMargins', 1)

    _failed(_xml_doctored(db, report, "xl/worksheets/sheet3.xml", link),
            "sheet Lines has hyperlinks")


@pytest.mark.parametrize(("part", "old", "new", "words"), [
    ("docProps/core.xml", "<dc:title>hkscreen report, run 1</dc:title>",
     "<dc:title>hkscreen report, run 1 - APPROVED</dc:title>", "'title' reads"),
    ("docProps/core.xml", "</cp:coreProperties>",
     "<cp:contentStatus>Final - Approved by BIS</cp:contentStatus></cp:coreProperties>",
     "'contentStatus' reads 'Final - Approved by BIS'"),
    ("docProps/app.xml", "<Company></Company>", "<Company>BIS - approved</Company>",
     "'Company' reads 'BIS - approved'"),
])
def test_document_properties_other_than_hkscreens_fail(db, report, part, old, new, words) -> None:  # type: ignore[no-untyped-def]
    def change(xml: str) -> str:
        assert old in xml, xml[:400]
        return xml.replace(old, new, 1)

    _failed(_xml_doctored(db, report, part, change), words)
