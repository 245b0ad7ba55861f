"""Where hkscreen keeps its files (overridable for tests and portable installs)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import platformdirs

ENV_DATA_DIR = "HKSCREEN_DATA_DIR"
ENV_RESOURCES = "HKSCREEN_RESOURCES"


def data_dir() -> Path:
    path = Path(os.environ.get(ENV_DATA_DIR) or platformdirs.user_data_dir("hkscreen", False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def resources_dir() -> Path:
    """The repository's ``resources/`` (seed rules, samples)."""
    if env := os.environ.get(ENV_RESOURCES):
        return Path(env)
    return Path(__file__).resolve().parent.parent / "resources"


def seed_rules_dir() -> Path:
    return resources_dir() / "rules"


#: The bundled rules' version and date, beside them (``rules.store.refresh_bundled``).
SEED_STAMP = "SEED_VERSION.json"


def seed_stamp() -> tuple[str, str]:
    """(rules version, date) of the bundled rules, from the stamp beside them (a test holds
    it to the files: reading them all to know takes a tenth of a second)."""
    stamp = json.loads((seed_rules_dir() / SEED_STAMP).read_text(encoding="utf-8"))
    return str(stamp["version"]), str(stamp["date"])


def samples_dir() -> Path:
    return resources_dir() / "samples"


def bundled_sample() -> Path:
    """The sample shipment workbook the README and the app's start screen offer."""
    return samples_dir() / "hk_shipments_2020_2025.xlsx"
