"""The ``hkscreen`` console script: ``hkscreen gui`` opens the desktop app, every other
command is the screening CLI (``screening.cli``), which never imports Qt."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["gui"]:
        from ui.app import main as gui_main
        return gui_main([sys.argv[0], *args[1:]])
    from screening.cli import main as cli_main
    return cli_main(args)


if __name__ == "__main__":
    raise SystemExit(main())
