"""The ``hkscreen`` console script: ``hkscreen gui`` opens the desktop app, every other
command is the screening CLI (``screening.cli``), which never imports Qt."""

from __future__ import annotations

import gc
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["gui"]:
        from ui.app import main as gui_main
        return gui_main([sys.argv[0], *args[1:]])
    return _load_cli(args)(args)


#: The ``screen`` options (and the global one) that take a value.
_VALUED = frozenset({"--sheet", "--mapping", "--as-of", "--date-order", "--json",
                     "--database-url", "--party-strong", "--party-weak", "--list-max-age",
                     "--report"})


def screen_workbook(args: list[str]) -> tuple[Path, str | None] | None:
    """(input, ``--sheet``) of ``hkscreen [--database-url URL] screen ... BOOK.xlsx ...``,
    read from the words alone (the parser is not loaded yet); None for anything else or
    anything unclear (a mapping file without ``--sheet`` may name the sheet)."""
    words = list(args)
    while words[:1] != ["screen"]:  # the global option before the command
        if words[:1] == ["--database-url"]:
            words = words[2:]
        elif words[:1] and words[0].startswith("--database-url="):
            words = words[1:]
        else:
            return None
    path: str | None = None
    sheet: str | None = None
    mapping = False
    rest = iter(words[1:])
    for word in rest:
        name, equals, value = word.partition("=")
        if name in _VALUED:
            if not equals:
                value = next(rest, "")
            sheet = value if name == "--sheet" else sheet
            mapping = mapping or name == "--mapping"
        elif word.startswith("-"):
            if word not in ("--quiet",):
                return None  # --help, an abbreviation, "--": left to the parser
        elif path is None:
            path = word
        else:
            return None
    if path is None or (mapping and sheet is None) or \
            not path.lower().endswith((".xlsx", ".xlsm")):
        return None
    return Path(path), sheet


def _warm_workbook(args: list[str]) -> None:
    """``hkscreen screen BOOK.xlsx``: the workbook's checks and its sheet's load start now,
    on a thread, while the command's modules import (python-calamine reads without the
    interpreter lock): about a second earlier than the screening would start them. The
    screening uses that load only if the file's content is what it then hashes
    (``readers.warm_xlsx``)."""
    found = screen_workbook(args)
    if found is not None:  # (a path that is no file is the thread's to skip, quietly)
        from screening.ingest.readers import warm_xlsx
        warm_xlsx(*found)


def _load_cli(args: list[str]):  # type: ignore[no-untyped-def]
    """``screening.cli.main`` (a workbook to screen starts loading first). Importing the
    core allocates a few hundred thousand objects that live as long as the process; the
    cyclic collector would walk them again and again meanwhile (a sixth of a small run's
    start-up). It is paused for the imports and what they built is frozen out of its
    reach."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        _warm_workbook(args)
        from screening.cli import main as cli_main
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
    return cli_main


if __name__ == "__main__":
    raise SystemExit(main())
