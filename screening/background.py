"""A call run on a thread of its own while the caller goes on (file copies and hashes:
their reads, writes and hashing release the interpreter lock, so they cost the screening
thread next to nothing)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Background(Generic[T]):
    def __init__(self, name: str, call: Callable[..., T], *args: Any):
        self._outcome: list[Any] = []
        self._thread = threading.Thread(target=self._run, args=(call, args), name=name,
                                        daemon=True)
        self._thread.start()

    def _run(self, call: Callable[..., T], args: tuple[Any, ...]) -> None:
        try:
            self._outcome.append((True, call(*args)))
        except BaseException as exc:  # raised in the caller, by result()
            self._outcome.append((False, exc))

    def result(self) -> T:
        """The call's value once it has returned; raises what it raised."""
        self._thread.join()
        done, value = self._outcome[0]
        if not done:
            raise value
        return value  # type: ignore[no-any-return]

    def wait(self) -> None:
        """Wait for the call to end, whatever its outcome (when its result is not needed)."""
        self._thread.join()
