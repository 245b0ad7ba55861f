"""One-line messages for errors the user can act on (no traceback ever reaches them), and
the error types the CLI reports as such that would otherwise cost it an import of the module
raising them (signing loads cryptography, verification the report readers)."""

from __future__ import annotations

import errno

from screening.db import first_line


class SigningError(Exception):
    """A signing key cannot be used or read; the message names the file and the fix."""


class ReportUnreadable(Exception):
    """Not an hkscreen XLSX report (or damaged beyond reading)."""


_HINTS = {errno.ENOSPC: " (the disk is full: free some space and run again)",
          errno.EDQUOT: " (the disk quota is used up)",
          errno.EROFS: " (the file system is read-only)",
          errno.EACCES: " (permission denied: check the folder's permissions or set "
                        "HKSCREEN_DATA_DIR to a writable folder)",
          errno.EPERM: " (operation not permitted)"}


def os_error_message(exc: OSError) -> str:
    """One line for an operating-system error: what failed, on which path, and why."""
    paths = " -> ".join(str(p) for p in (exc.filename, exc.filename2) if p)
    reason = exc.strerror or str(exc)
    return f"cannot write or read {paths or 'a file'}: {reason}{_HINTS.get(exc.errno or 0, '')}"


def user_message(exc: BaseException) -> str | None:
    """The one-line message for an error that is the user's environment or input (a file,
    the disk, the database), or None for a genuine bug (which deserves its details)."""
    from sqlalchemy.exc import SQLAlchemyError

    from screening.db import DatabaseError
    from screening.ingest.errors import IngestError
    from screening.service import RunAbandoned
    if isinstance(exc, IngestError | RunAbandoned | DatabaseError):
        return str(exc)
    if isinstance(exc, OSError):
        return os_error_message(exc)
    if isinstance(exc, SQLAlchemyError):
        return f"database error: {first_line(exc)}"
    return None
