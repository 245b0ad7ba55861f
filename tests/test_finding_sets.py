"""A run's findings sets are numbered once each, and their JSON (stored, and copied into
``--json`` output and reports) is exactly the JSON of the list of the findings: built from
each finding's own JSON text, kept per finding, it must not differ by a byte."""

from __future__ import annotations

import itertools
import json

from screening.engine import screen_line
from screening.model import Finding, Severity
from screening.normalize import EndUserType
from screening.rules.ruleset import RuleSet
from screening.store.runs import FindingSets
from tests.conftest import make_line

_whole = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _expected(findings: tuple[Finding, ...]) -> str:
    return _whole([f.to_json() for f in findings])


def test_hand_made_sets_with_awkward_text() -> None:
    sets = FindingSets(run_id=7)
    awkward = [
        Finding("A", Severity.INFO, 'quote " backslash \\ tab \t newline \n'),
        Finding("B", Severity.REVIEW, "香港 — Hong Kong SAR \u2028 \x00", ("15 CFR 738.4",)),
        Finding("C", Severity.ERROR, "relies", ("85 FR 83765", "x"), ("row (INFERRED)", "b")),
    ]
    numbered: dict[str, int] = {}
    for size in range(4):
        for combo in itertools.permutations(awkward, size):
            number, text = sets.number(tuple(combo))
            assert text == _expected(tuple(combo))
            assert json.loads(text) == [f.to_json() for f in combo]
            numbered.setdefault(text, number)
            assert numbered[text] == number  # an equal set keeps its number
    assert sets.number(())[1] == "[]"
    pending = sets.take_pending()
    assert [n for _run, n, _text in pending] == list(range(1, len(pending) + 1))
    assert {run for run, _n, _text in pending} == {7}


def test_engine_results_keep_their_json(rules: RuleSet) -> None:
    """The sets real screenings make (shared findings, cited licences, unverified notes)."""
    sets = FindingSets(run_id=1)
    seen = 0
    for dest, date, eccn, exception, licence, user in itertools.product(
            ("HK", "CN", "DE", "MO"), ("2019-05-01", "2020-08-01", "2021-03-01", "2024-06-01"),
            ("EAR99", "5A992.c", "3A090.a", "3A001.a.2", "4A994", "9A991"),
            (None, "LVS", "GBS", "ENC"), (None, "D1234567"),
            (None, EndUserType.MILITARY)):
        line = make_line(dest, date, eccn, exception=exception, license_number=licence,
                         end_user_type=user)
        findings = screen_line(line, rules).findings
        assert sets.number(findings)[1] == _expected(findings)
        seen += 1
    assert seen == 4 * 4 * 6 * 4 * 2 * 2
    assert len(sets.take_pending()) > 50  # many distinct sets, sharing findings
