"""The ``hkscreen`` console script: ``hkscreen gui`` opens the desktop app, every other
command is the screening CLI (``screening.cli``), which never imports Qt."""

from __future__ import annotations

import gc
import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["gui"]:
        from ui.app import main as gui_main
        return gui_main([sys.argv[0], *args[1:]])
    return _load_cli()(args)


def _load_cli():  # type: ignore[no-untyped-def]
    """``screening.cli.main``. Importing the core allocates a few hundred thousand objects
    that live as long as the process; the cyclic collector would walk them again and again
    meanwhile (a sixth of a small run's start-up). It is paused for the imports and what
    they built is frozen out of its reach."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        from screening.cli import main as cli_main
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
    return cli_main


if __name__ == "__main__":
    raise SystemExit(main())
