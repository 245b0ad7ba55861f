"""Restricted-party matching benchmark: 10,000 distinct party names against a generated
15,000-entry list; reports names/s, recall on labelled variants of listed names (suffix,
case, punctuation, word order, spacing, one typo) and the match rate of unrelated names.
Usage: python3 bench/bench_parties.py"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from screening.model import Severity
from screening.parties import PartyEntry, PartyIndex, party_findings

SYLLABLES = ("ka ri mo to na shi lu wen tai hua xin li an de ro ve sa mi ko zen bo pa ge "
             "fu jin long yu mei ta no ra chen wei kang tek sol var en is ul om ar").split()
TRADES = ("Electronics Microsystems Trading Logistics Shipping Semiconductor Technology "
          "Instruments Aviation Optics Precision Engineering Industrial Materials Chemical "
          "Networks Telecom Computing Robotics Energy Power Systems Components Devices "
          "International Holdings Group Import Export").split()
SUFFIXES = ["Co., Ltd.", "Limited", "Ltd", "Company", "Corporation", "Inc.", "Holdings Ltd",
            "Group Limited", ""]
COUNTRIES = ["HK", "CN", "MO", "SG", "RU", "IR", "AE", "TR", "MY", "TH"]


def pseudo_word(rnd: random.Random) -> str:
    """A brand-like word ("Kawenlu"): real lists have many distinctive words like these."""
    return "".join(rnd.choice(SYLLABLES) for _ in range(rnd.choice((2, 3)))).capitalize()


def make_name(rnd: random.Random) -> str:
    words = [pseudo_word(rnd) for _ in range(rnd.choice((1, 2, 2, 3)))]
    return " ".join([*words, rnd.choice(TRADES), rnd.choice(SUFFIXES)]).strip()


def variant(rnd: random.Random, name: str) -> str:
    core = name
    for suffix in sorted(SUFFIXES, key=len, reverse=True):
        if suffix and core.endswith(suffix):
            core = core[: -len(suffix)].strip()
            break
    kind = rnd.randrange(6)
    if kind == 0:
        return f"{core} {rnd.choice(SUFFIXES)}".upper()
    if kind == 1:
        return core.replace(" ", "-") + ", Ltd."
    if kind == 2:
        words = core.split()
        return " ".join(words[1:] + words[:1]) + " Limited"
    if kind == 3:
        return core.replace(" ", "", 1) + " Co"
    if kind == 4:  # one typo
        i = rnd.randrange(1, len(core) - 1)
        return core[:i] + core[i + 1] + core[i] + core[i + 2:]
    return core.lower()


def main() -> None:
    rnd = random.Random(7)
    names: dict[str, None] = {}
    while len(names) < 15_000:
        names[make_name(rnd)] = None
    entries = [PartyEntry(f"EL:{i}", "ENTITY_LIST", "Entity List", Severity.LICENSE,
                          "Entity List (EL) - Bureau of Industry and Security", n, (),
                          (rnd.choice(COUNTRIES),)) for i, n in enumerate(names)]
    started = time.perf_counter()
    index = PartyIndex.build(entries)
    build = time.perf_counter() - started
    listed = rnd.sample(entries, 3000)
    queries: dict[str, tuple[str | None, str]] = {}
    for e in listed:
        queries[variant(rnd, e.name)] = (e.key, e.countries[0])
    while len(queries) < 10_000:
        n = make_name(rnd)
        if n not in names:
            queries[n] = (None, rnd.choice(COUNTRIES))
    started = time.perf_counter()
    found = {q: party_findings((("Consignee", q),), country, index)
             for q, (_key, country) in queries.items()}
    seconds = time.perf_counter() - started
    hits = sum(1 for q, (key, _c) in queries.items() if key and found[q])
    correct = 0
    for q, (key, country) in queries.items():
        if key is None:
            continue
        top = index.match(q, country)
        if top and top[0].entry.key == key:
            correct += 1
    variants = sum(1 for k, _c in queries.values() if k)
    unrelated = [q for q, (k, _c) in queries.items() if k is None]
    flagged_unrelated = sum(1 for q in unrelated if found[q])
    print(f"list: {len(entries):,} entries ({len(index.names):,} names), index built in "
          f"{build:.2f} s")
    print(f"screened {len(queries):,} distinct names in {seconds:.2f} s = "
          f"{len(queries) / seconds:,.0f} names/s (target >= 5,000)")
    print(f"recall on {variants:,} labelled variants: {correct / variants:.1%} top match "
          f"correct, {hits / variants:.1%} flagged")
    print(f"unrelated names flagged for review: {flagged_unrelated / len(unrelated):.1%} "
          f"of {len(unrelated):,}")


if __name__ == "__main__":
    main()
