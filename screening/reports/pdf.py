"""Printable PDF: the summary, then every flagged line with its findings and disposition.
Page header with run id and input hash, "page N of M" footer. Drawn on a reportlab canvas
(platypus tables are far too slow for tens of thousands of lines); text wrapping is cached
because findings repeat across lines."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy.orm import Session

from screening.model import Verdict
from screening.reports.canonical import DIGEST_LABEL, SIGNATURE_LABEL, canon
from screening.reports.content import ReportContent
from screening.store import runs as run_store

PAGE_W, PAGE_H = A4
MARGIN = 15 * mm
TOP = PAGE_H - MARGIN - 8 * mm
BOTTOM = MARGIN + 6 * mm
WIDTH = PAGE_W - 2 * MARGIN
_FONT_FILES = {
    "Body": ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"],
    "Bold": ["/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"],
    "CJK": ["/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
            "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc"],
}
_FALLBACK = {"Body": "Helvetica", "Bold": "Helvetica-Bold", "CJK": "Helvetica"}


@lru_cache(maxsize=1)
def _fonts() -> dict[str, str]:
    names: dict[str, str] = {}
    for role, paths in _FONT_FILES.items():
        names[role] = _FALLBACK[role]
        for path in paths:
            if Path(path).exists():
                try:
                    name = f"hk{role}"
                    pdfmetrics.registerFont(TTFont(name, path, subfontIndex=0))
                    names[role] = name
                    break
                except Exception:  # a broken font file: fall back, the text still prints
                    continue
    return names


def _font_for(text: str, role: str) -> str:
    fonts = _fonts()
    if any(ord(ch) >= 0x2E80 for ch in text):
        return fonts["CJK"]
    return fonts[role]


@lru_cache(maxsize=50_000)
def _wrap(text: str, role: str, size: float, width: float) -> tuple[str, ...]:
    font = _font_for(text, role)
    words = text.split(" ")
    lines: list[str] = []
    current = ""
    for token in words:
        word = token
        trial = f"{current} {word}" if current else word
        if stringWidth(trial, font, size) <= width:
            current = trial
            continue
        if current:
            lines.append(current)
        while stringWidth(word, font, size) > width and len(word) > 1:  # break long tokens
            cut = max(1, int(len(word) * width / stringWidth(word, font, size)) - 1)
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    lines.append(current)
    return tuple(lines)


@dataclass(frozen=True)
class _Line:
    text: str
    role: str = "Body"
    size: float = 8.5
    indent: float = 0.0
    colour: tuple[float, float, float] = (0, 0, 0)

    @property
    def height(self) -> float:
        return self.size * 1.3


Block = list[_Line]
_VERDICT_RGB = {"PROHIBITED": (0.48, 0.07, 0.07), "LICENSE_REQUIRED": (0.75, 0.1, 0.1),
                "ERROR": (0.8, 0.4, 0.0), "REVIEW": (0.55, 0.45, 0.0),
                "CLEAR": (0.1, 0.45, 0.1)}


def _para(text: str, role: str = "Body", size: float = 8.5, indent: float = 0.0,
          colour: tuple[float, float, float] = (0, 0, 0)) -> Block:
    return [_Line(t, role, size, indent, colour)
            for t in _wrap(text, role, size, WIDTH - indent)]


def _blocks(session: Session, content: ReportContent) -> Iterator[Block]:
    yield [*_para("hkscreen screening report", "Bold", 16), _Line("", size=6)]
    for label, value in content.summary_rows():
        yield _para(f"{label}: {canon(value)}", size=8.5)
    yield [_Line("", size=8), *_para("Flagged lines (every line that is not CLEAR)", "Bold", 12)]
    omitted = 0
    for line in run_store.iter_lines(session, content.run.id):
        if line.verdict is Verdict.CLEAR:
            omitted += 1
            continue
        route = line.destination or "?"
        if line.licensing_destination and line.licensing_destination != line.destination:
            route += f", licensed as {line.licensing_destination}"
        head = (f"Row {line.row} · {line.line_id} · {line.verdict.value} · shipped to {route}"
                f" · ECCN {line.eccn or '?'} · {line.export_date or 'no date'}"
                + (" · newly licensable" if line.newly_licensable else ""))
        colour = _VERDICT_RGB[line.verdict.value]
        block = [_Line("", size=3), *_para(head, "Bold", 9, colour=colour)]
        for f in line.findings:
            cites = f" [{'; '.join(f.citations)}]" if f.citations else ""
            block += _para(f"• {f.severity.value}: {f.code}: {f.to_json()['message']}{cites}",
                           size=7.5, indent=10)
        review = content.current.get(line.row)
        if review:
            extra = " ".join(x for x in (review.license_number, review.license_exception) if x)
            text = (f"Disposition: {review.disposition.label}{' ' + extra if extra else ''} by "
                    f"{review.reviewer} at {canon(review.created_at)} UTC"
                    + (f": {review.reason}" if review.reason else ""))
        else:
            text = "Disposition: none recorded"
        block += _para(text, "Bold", 7.5, indent=10)
        yield block
    note = (f"{omitted:,} CLEAR lines are omitted here; every line is in the XLSX and CSV "
            f"reports.")
    yield [_Line("", size=8), *_para(note, "Bold", 9)]


def _paginate(blocks: Iterator[Block]) -> list[list[_Line]]:
    pages: list[list[_Line]] = [[]]
    space = TOP - BOTTOM
    for block in blocks:
        height = sum(ln.height for ln in block)
        # Keep a block on one page when it fits on one.
        if height > space and pages[-1] and height <= TOP - BOTTOM:
            pages.append([])
            space = TOP - BOTTOM
        for ln in block:
            if ln.height > space:
                pages.append([])
                space = TOP - BOTTOM
            pages[-1].append(ln)
            space -= ln.height
    return pages


def _sealed(blocks: Iterator[Block], seal: Any) -> Iterator[Block]:
    """The blocks, then the signature block: the digest covers every line of text before
    it (SHA-256 of the lines, each ending in LF), signed by ``seal.sign``."""
    digest = hashlib.sha256()
    for block in blocks:
        for ln in block:
            digest.update(ln.text.encode("utf-8") + b"\n")
        yield block
    value = digest.hexdigest()
    yield signature_block(value, seal.sign(value))


def signature_block(digest: str, signature: str) -> Block:
    """The report's digest and signature as text, at the end of the PDF."""
    return [_Line("", size=8), *_para("Signature", "Bold", 12),
            *_para(f"{DIGEST_LABEL}: {digest}", size=8),
            *_para(f"{SIGNATURE_LABEL}: {signature}", size=8),
            *_para("The digest covers the text above; the signing key is named in the "
                   "summary. Check this file with: hkscreen verify FILE.pdf", size=8)]


def write_pdf(session: Session, content: ReportContent, target: Path,
              seal: Any = None) -> int:
    """Write the PDF to ``target``; returns the number of pages. With a ``seal`` (an
    object with ``sign(digest) -> signature``) the PDF ends with its signed digest."""
    blocks = _blocks(session, content)
    pages = _paginate(_sealed(blocks, seal) if seal is not None else blocks)
    canvas = Canvas(str(target), pagesize=A4, pageCompression=1,
                    invariant=True)  # invariant: no creation time or random id in the file
    canvas.setTitle(f"hkscreen report, run {content.run.id}")
    canvas.setAuthor(content.generated_by)
    canvas.setSubject(f"Input SHA-256 {content.run.input_sha256}")
    run = content.run
    header = (f"hkscreen report · run {run.id} · {run.input_name} · input SHA-256 "
              f"{run.input_sha256}")
    generated = canon(content.generated_at.astimezone(dt.UTC).replace(tzinfo=None))
    for number, lines in enumerate(pages, start=1):
        canvas.setFont(_font_for(header, "Body"), 7)
        canvas.setFillColorRGB(0.3, 0.3, 0.3)
        canvas.drawString(MARGIN, PAGE_H - MARGIN, header)
        canvas.drawString(MARGIN, MARGIN, f"rules version {run.rules_version[:16]}... · "
                                          f"generated {generated} UTC")
        canvas.drawRightString(PAGE_W - MARGIN, MARGIN, f"Page {number} of {len(pages)}")
        y = TOP
        for ln in lines:
            y -= ln.height
            if ln.text:
                canvas.setFillColorRGB(*ln.colour)
                canvas.setFont(_font_for(ln.text, ln.role), ln.size)
                canvas.drawString(MARGIN + ln.indent, y, ln.text)
        canvas.showPage()
    canvas.save()
    return len(pages)
