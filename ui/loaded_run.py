"""What the workbench needs to show a run: its lines (read off the GUI thread) and access to
the input file's own cells. No Qt: the ordering helper process uses it too."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from screening.db import Database
from screening.runtime import cyclic_gc_paused
from screening.service import LineChange
from screening.store import runs as run_store
from screening.store.reviews import ReviewRecord, current_dispositions
from ui.memory import release_free_memory
from ui.models.run_lines import LoadCancelled, RunLines, read_run_lines
from ui.models.stored_rows import read_raw_cells

if TYPE_CHECKING:
    from ui.models.order_server import OrderServer


@dataclass(frozen=True)
class InputCells:
    """A run's original cells, read from the database when asked, each read in its own
    session (the window paints a block; sorting and searching stream them all)."""

    db: Database
    run_id: int

    def block(self, first_row: int, last_row: int) -> dict[int, list[str]]:
        with self.db.sessions() as session:
            return run_store.raw_cells(session, self.run_id, first_row, last_row)

    def stream(self) -> Iterator[list[str]]:
        with self.db.sessions() as session:
            for batch in read_raw_cells(session, self.run_id):
                yield from batch


@dataclass(frozen=True)
class LoadedRun:
    run: run_store.RunInfo
    lines: RunLines
    reviews: dict[int, ReviewRecord]
    compared_with: run_store.RunInfo | None = None  # a re-screen: the run screened again
    changes: list[LineChange] | None = None
    server: OrderServer | None = None  # the ordering helper of a big run, already loading

    def discard(self) -> None:
        """Not shown after all (the window closed, or another run was opened meanwhile):
        stop the helper started for it."""
        if self.server is not None:
            self.server.close()


#: progress(lines read so far, lines in the run)
LoadProgress = Callable[[int, int], None]


def load_run_data(db: Database, run_id: int, *, helper_above: int | None = None,
                  progress: LoadProgress | None = None,
                  cancelled: Callable[[], bool] | None = None) -> LoadedRun | None:
    """Everything the workbench needs for a run (runs in a worker thread). A run of more
    than ``helper_above`` lines gets its ordering helper process started first, so that it
    reads the run while this thread does (two cores, not one after the other). Raises
    ``LoadCancelled`` (the helper stopped) as soon as ``cancelled()`` says so."""
    with cyclic_gc_paused(), db.sessions() as session:
        run = run_store.get_run(session, run_id)
        if run is None:
            return None
        server = None
        if helper_above is not None and run.line_count > helper_above and db.shareable:
            from ui.models.order_server import OrderServer
            server = OrderServer(db.url, run_id)
        total = run.line_count
        try:
            lines = read_run_lines(
                session, run_id, total, cancelled=cancelled,
                progress=None if progress is None else lambda n: progress(n, total))
            if cancelled is not None and cancelled():
                raise LoadCancelled
            loaded = LoadedRun(run, lines, current_dispositions(session, run_id),
                               server=server)
        except BaseException:
            if server is not None:
                server.close()
            raise
    # The batches read are freed: hand that memory back (glibc keeps it in the heap).
    release_free_memory()
    return loaded
