"""Text that a spreadsheet program would evaluate when it opens a CSV file.

A CSV cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return is run as a
formula by Excel and LibreOffice (``=HYPERLINK(...)`` becomes a live link). Every CSV file
hkscreen writes passes its text through ``neutralise`` (reports: one way) or ``quote_cell``
(rule bundles: reversible with ``unquote_cell`` when the bundle is imported again).
"""

from __future__ import annotations

#: A cell starting with one of these may be evaluated by a spreadsheet program.
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Prefix a quote so Excel/LibreOffice show the text instead of evaluating it."""
    if text and text.startswith(DANGEROUS_PREFIXES):
        return "'" + text
    return text


def quote_cell(text: str) -> str:
    """Like ``neutralise``, and a leading quote is doubled, so ``unquote_cell`` gives the
    text back exactly."""
    if text and text.startswith((*DANGEROUS_PREFIXES, "'")):
        return "'" + text
    return text


def unquote_cell(text: str) -> str:
    return text[1:] if text.startswith("'") else text
