"""Adds to country_aliases.csv each country's name in the languages shipment files of
European and Asian branches are written in, from the ISO 3166-1 translations pycountry ships
(the Debian iso-codes project): "Chine", "Allemagne", "Cina", "Duitsland", "Китай", "ドイツ".

A review found "Chine" ERROR where "China" and "中国" were read. Each row's source names
the language and the pycountry version. A name left out: shorter than four letters, or read
as another country by a name already listed or by another translation (its key, as
``normalize.alias_key`` makes it, must name one country only).

Usage: python3 resources/rules/make_translated_aliases.py   (rewrites the file in place;
run again after a pycountry upgrade, then review the diff)
"""

from __future__ import annotations

import csv
import gettext
import sys
from collections import defaultdict
from pathlib import Path

import pycountry

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from screening.normalize import alias_key

PATH = Path(__file__).resolve().parent / "country_aliases.csv"
LANGUAGES = {"fr": "French", "de": "German", "es": "Spanish", "it": "Italian",
             "pt": "Portuguese", "nl": "Dutch", "zh_CN": "Chinese (simplified)",
             "zh_TW": "Chinese (traditional)", "ja": "Japanese", "ko": "Korean",
             "ru": "Russian"}
PREFIX = "ISO 3166-1 name in "


def main() -> None:
    with PATH.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if not row["source"].startswith(PREFIX)]
    taken = {alias_key(row["alias"]): row["country_code"] for row in rows}
    offered: dict[str, set[str]] = defaultdict(set)
    found: list[tuple[str, str, str]] = []
    for lang, language in LANGUAGES.items():
        names = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
        for country in pycountry.countries:
            # (In this order, not a set's: the first language to give a name is its source.)
            for english in dict.fromkeys((country.name,
                                          getattr(country, "common_name", country.name))):
                name = names.gettext(english).strip()
                if name == english or (len(name) < 4 and name.isascii()):
                    continue
                key = alias_key(name)
                offered[key].add(country.alpha_2)
                found.append((name, country.alpha_2, language))
    added: dict[str, tuple[str, str, str]] = {}
    for name, code, language in found:
        key = alias_key(name)
        if len(offered[key]) > 1 or taken.get(key, code) != code or key in added:
            continue  # names two countries, or one listed already
        if key in taken:
            continue  # listed already, for the same country
        added[key] = (name, code, f"{PREFIX}{language} (iso-codes, pycountry "
                                  f"{pycountry.__version__})")
    with PATH.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["alias", "country_code", "source"])
        for row in rows:
            writer.writerow([row["alias"], row["country_code"], row["source"]])
        for name, code, source in sorted(added.values(), key=lambda r: (r[1], r[0])):
            writer.writerow([name, code, source])
    print(f"{len(added)} translated names added to {PATH.name}")


if __name__ == "__main__":
    main()
