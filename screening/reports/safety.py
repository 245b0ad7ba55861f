"""Export safety: formula-injection neutralising and atomic file replacement."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from screening.formulas import DANGEROUS_PREFIXES, neutralise

__all__ = ["DANGEROUS_PREFIXES", "ExportError", "atomic_path", "file_mode", "neutralise"]


class ExportError(Exception):
    """An export could not be written; any earlier file at the target is untouched."""


def _umask() -> int:
    try:  # Linux states it without changing it
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere: read it by setting it, then put it back
    os.umask(mask)
    return mask


def file_mode(target: Path) -> int:
    """The mode a report gets, the same for every format: an earlier file's mode when it is
    replaced, else what the user's umask gives a new file (temporary files are 0600). The
    ``screen --json`` results file gets it too."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        return 0o666 & ~_umask()


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success it replaces ``target``.
    On any failure the temporary file is removed and an earlier ``target`` stays as it was."""
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(f"cannot write {target}: folder {folder} does not exist")
    try:
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.",
                                        suffix=".part")
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, file_mode(target))
        os.replace(tmp, target)
    except ExportError:
        tmp.unlink(missing_ok=True)
        raise
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
