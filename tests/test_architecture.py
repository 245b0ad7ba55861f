"""The screening core never imports Qt or the ui package (enforced two ways)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_screening_never_imports_qt_or_ui() -> None:
    offenders = []
    for path in (ROOT / "screening").rglob("*.py"):
        for name in _imports(path):
            top = name.split(".")[0]
            if top in ("PySide6", "ui", "PyQt5", "PyQt6", "shiboken6"):
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_screening_runs_without_qt_loaded() -> None:
    code = ("import sys, screening.cli, screening.service, screening.engine;"
            "assert not any(m.split('.')[0] in ('PySide6', 'ui') for m in sys.modules)")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


@pytest.mark.skipif(shutil.which("lint-imports") is None, reason="import-linter not installed")
def test_import_linter_contract() -> None:
    result = subprocess.run(["lint-imports"], check=False, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_docs_stay_inside_the_repository() -> None:
    """The README and docs point to docs/ARCHITECTURE.md, never to files outside the
    repository."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "../shared" not in readme and "/work/shared" not in readme
    assert "docs/ARCHITECTURE.md" in readme
    architecture = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    assert "## Where each rule lives" in architecture and "../shared" not in architecture
