"""The separate Hong Kong Country Chart rows cite the chart itself, naming the rule that
changed the row, not that rule alone (s33 review: an NS1 export of 2013 and a CC1 item of
2019 cited 79 FR 76867, which only added the NS2 X, from 2014-12-23)."""

from __future__ import annotations

import pytest

from screening.engine import screen_line
from screening.rules.ruleset import RuleSet
from tests.conftest import make_line


@pytest.mark.parametrize(("date", "eccn", "row"), [
    ("2013-03-01", "5A002.a", "Hong Kong row before 2014-12-23"),
    ("2019-03-01", "0A979", "Hong Kong row 2014-12-23 to 2020-12-22"),
    ("2018-03-01", "3A001.a.7", "Hong Kong row 2014-12-23 to 2020-12-22")])
def test_a_hong_kong_row_requirement_cites_the_country_chart_row(
        rules: RuleSet, date: str, eccn: str, row: str) -> None:
    result = screen_line(make_line("HK", date, eccn), rules)
    chart = next(f for f in result.findings if f.code == "CHART_LICENSE_REQUIRED")
    cited = [c for c in chart.citations if "79 FR 76867" in c]
    assert len(cited) == 1 and cited[0].startswith("15 CFR part 738 Supp. No. 1")
    assert row in cited[0]


@pytest.mark.parametrize(("date", "cited", "not_cited"), [
    ("2020-07-01", "BIS notice of 2020-06-30", "85 FR 83765"),
    ("2020-12-22", "BIS notice of 2020-06-30", "85 FR 83765"),
    ("2021-03-01", "85 FR 83765", "BIS notice of 2020-06-30")])
def test_newly_licensable_cites_the_rule_in_force_on_the_export_date(
        rules: RuleSet, date: str, cited: str, not_cited: str) -> None:
    """Before 2020-12-23 Hong Kong kept its own row: a line newly licensable then was so by
    the suspension of its license exceptions, not by the rule of 2020-12-23 (s33 review)."""
    line = make_line("HK", date, "5A001.j", exception="GBS")
    newly = next(f for f in screen_line(line, rules).findings if f.code == "NEWLY_LICENSABLE")
    assert cited in newly.citations and not_cited not in newly.citations
