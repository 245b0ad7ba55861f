"""Spreadsheet column letters, for modules that must not load the ingest package (the
run store is imported by the GUI's ordering helper process)."""

from __future__ import annotations


def column_letter(index: int) -> str:
    """0-based column index -> spreadsheet letters (0 -> A, 27 -> AB)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_number(letters: str) -> int:
    """Spreadsheet letters (capitals) -> 0-based column index (A -> 0, AB -> 27)."""
    index = 0
    for ch in letters:
        index = index * 26 + (ord(ch) - 64)
    return index - 1
