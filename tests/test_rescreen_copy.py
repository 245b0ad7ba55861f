"""Review of the kept input copy (s10): the copy is hashed again before a new run of the same
file relies on it, but not before ``runs rescreen`` (CLI) or Rescreen (run history) screens
it in the old run's name.

Defect: ``service.rescreen_options`` returns the stored copy's path after checking only that
it exists. A copy damaged or edited on disk since the run (the case the new check exists for)
is screened as if it were the run's input: ``runs rescreen`` prints "run N ... screened again
as run M" and lists the lines that differ as if the rules had changed them, though the new
run's input SHA-256 is not the old run's. It should refuse (the copy is not the run's input:
name the path and both hashes), as it does for a missing copy.
"""

from __future__ import annotations

from pathlib import Path

from screening.cli import main
from screening.service import ScreenOptions, run_screening
from screening.store import runs as run_store
from tests.conftest import SAMPLE_CSV


def test_s10_rescreen_refuses_a_kept_copy_that_is_not_the_runs_input(capsys, db, db_url,
                                                                   tmp_path) -> None:
    source = tmp_path / "s.csv"
    source.write_bytes(SAMPLE_CSV.read_bytes())
    first = run_screening(db, source, ScreenOptions()).run
    copy = Path(first.input_copy)
    assert copy.read_bytes() == source.read_bytes()
    # The copy changed on disk after the run (a restore, an edit, a damaged sector).
    copy.write_bytes(copy.read_bytes().replace(b"Hong Kong", b"Germany"))
    capsys.readouterr()
    code = main(["--database-url", db_url, "runs", "rescreen", str(first.id)])
    captured = capsys.readouterr()
    with db.sessions() as session:
        runs = run_store.list_runs(session, 10)
    rescreened = [r for r in runs if r.id != first.id]
    assert all(r.input_sha256 == first.input_sha256 for r in rescreened), (
        f"runs rescreen screened a stored copy that is not run {first.id}'s input "
        f"(exit {code}): {captured.out.splitlines()[:2]}")
    assert code == 2 and str(copy) in captured.err
