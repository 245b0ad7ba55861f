"""Dialogs are deleted on the GUI thread as soon as they are done with.

A closed dialog left to Python becomes cyclic garbage (its signal connections refer back to
it). Python's cyclic garbage collector runs on whichever thread happens to allocate when it
triggers: often a background job's thread (File > Export, screening). Deleting a widget there
kills the app with a segmentation fault. So every dialog the window opens is deleted here, on
the GUI thread, and everything it owns is its Qt child (a table model included): what is
left for the collector is Python wrappers of deleted objects, which are safe anywhere."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

import shiboken6
from PySide6.QtCore import QObject

D = TypeVar("D", bound=QObject)


def delete_now(obj: QObject) -> None:
    """Delete ``obj`` (and its children) now, on this thread; harmless if already gone."""
    if shiboken6.isValid(obj):
        shiboken6.delete(obj)


@contextmanager
def deleted_after(dialog: D) -> Iterator[D]:
    """``with deleted_after(Dialog(...)) as dialog: dialog.exec() ...``: read what the
    dialog holds inside the block; the dialog is deleted when the block ends."""
    try:
        yield dialog
    finally:
        delete_now(dialog)
