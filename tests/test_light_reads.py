"""What a run reads without loading the rule table definitions (screening.rules.schema) gives
exactly what reading through them gives."""

from __future__ import annotations

from sqlalchemy import select, text

from screening import affiliates
from screening.affiliates import load_affiliate_rules, rows_from_table
from screening.db import _rules_missing
from screening.rules.schema import AffiliateRule


def test_affiliate_rules_read_as_through_the_model(db) -> None:
    model = AffiliateRule.__table__
    light = affiliates._TABLE
    for column in light.c:  # every column read exists in the model, with its type
        assert column.type.python_type is model.c[column.name].type.python_type, column.name
    with db.sessions() as session:
        through_model = rows_from_table(
            dict(r) for r in session.execute(select(model)).mappings())
        read = load_affiliate_rules(session)
    assert read == through_model and read  # the seed rules have rows
    assert any(r.valid_from is not None for r in read)


def test_rules_missing_is_the_seeding_test(db) -> None:
    with db.sessions() as session:
        assert not _rules_missing(session)
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM rule_eccns"))
    with db.sessions() as session:
        assert _rules_missing(session)
