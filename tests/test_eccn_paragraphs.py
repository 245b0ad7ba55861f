"""A paragraph the Control List does not have is not screened on its parent entry's
requirements as if it were one: found by an independent review, "5A992.z.l" (for .z.1),
"5A992.z.3", "4A994.q" and others to Hong Kong came out CLEAR where the real paragraphs need a
licence or a closer look. Such a line is REVIEW, saying why."""

from __future__ import annotations

import pytest

from tests.conftest import screen_text

_HEAD = "Line,Destination,Export Date,ECCN,End-User Type\n"
_CODES = {"ECCN_PARAGRAPH_NOT_IN_CCL", "ECCN_PARAGRAPH_UNKNOWN", "ECCN_PARAGRAPH_RESERVED"}


def _screened(tmp_path, eccns: list[str]) -> dict[str, object]:
    text = _HEAD + "".join(f"L{i},HK,2024-01-02,{e},commercial\n" for i, e in enumerate(eccns))
    _run, lines = screen_text(tmp_path, text)
    return {e: lines[f"L{i}"] for i, e in enumerate(eccns)}


@pytest.mark.parametrize(("eccn", "code", "said"), [
    ("5A992.z.l", "ECCN_PARAGRAPH_NOT_IN_CCL", "alternate letters and numbers"),
    ("5A992.z.I", "ECCN_PARAGRAPH_NOT_IN_CCL", ".z.i cannot be a Control List paragraph"),
    ("5A992.2", "ECCN_PARAGRAPH_NOT_IN_CCL", ".2 cannot be"),
    ("5A992.c.z", "ECCN_PARAGRAPH_NOT_IN_CCL", ".c.z cannot be"),
    ("5A992.z.3", "ECCN_PARAGRAPH_UNKNOWN", "5A992 has no paragraph .z.3 in the Control "
                                            "List text of 2026-07-23 (it has .z.1, .z.2)"),
    ("4A994.q", "ECCN_PARAGRAPH_UNKNOWN", "4A994 has no paragraph .q"),
    ("4A994.z", "ECCN_PARAGRAPH_UNKNOWN", "(it has .a, .b, .c"),
    ("3A991.z", "ECCN_PARAGRAPH_UNKNOWN", "3A991 has no paragraph .z"),
    ("5A992.a", "ECCN_PARAGRAPH_RESERVED", "paragraph 5A992.a is [Reserved]"),
    ("5A992.y", "ECCN_PARAGRAPH_RESERVED", "5A992.y is [Reserved]"),  # "d. through y."
    ("5D992.q", "ECCN_PARAGRAPH_RESERVED", "5D992.q is [Reserved]"),
    # Second review (s17): entries without "Items" text, and below a paragraph that has no
    # sub-paragraphs.
    ("7A994.z", "ECCN_PARAGRAPH_UNKNOWN", "names a paragraph .z of 7A994"),
    ("6A991.y", "ECCN_PARAGRAPH_UNKNOWN", "names a paragraph .y of 6A991"),
    # Categories 0, 2 and 6-9 from the eCFR text of 2026-09-24 (s27).
    ("0A999.z", "ECCN_PARAGRAPH_UNKNOWN", "0A999 has no paragraph .z in the Control List "
                                          "text of 2026-09-24"),
    ("9A991.z", "ECCN_PARAGRAPH_UNKNOWN", "9A991 has no paragraph .z"),
    ("2B991.y", "ECCN_PARAGRAPH_UNKNOWN", "(it has .a, .b, .c, .d)"),
    ("0A501.y.3", "ECCN_PARAGRAPH_RESERVED", "0A501.y.3 is [Reserved]"),  # y.2 through y.5
    ("9A991.f", "ECCN_PARAGRAPH_UNKNOWN", "(it has .a, .b, .c, .d, .e)"),
    ("5A992.c.1", "ECCN_PARAGRAPH_UNKNOWN", "5A992.c has no sub-paragraphs"),
    ("4A994.b.1", "ECCN_PARAGRAPH_UNKNOWN", "4A994.b has no sub-paragraphs"),
])
def test_a_paragraph_the_list_does_not_have_is_review(tmp_path, eccn, code, said) -> None:
    line = _screened(tmp_path, [eccn])[eccn]
    assert line.verdict == "REVIEW"
    found = [f for f in line.findings if f.code == code]
    assert found and said in found[0].message and found[0].severity == "review"


def test_real_paragraphs_are_not_questioned(tmp_path) -> None:
    """Paragraphs in the text, in the rules' scopes or named by other entries' text (the
    extraction missed some: 1B613's .y, 3A001.a.15), and gaps between listed ones."""
    eccns = ["5A992.c", "5A992.z", "5A992.z.1", "5A992.z.2", "3A001.a.7", "3A001.a.15",
             "3A001.z.1.a", "4A994.l", "1B613.y", "1B003.a", "3A090.a", "5A002.z.6",
             "0A501.a", "0A501.y.7", "9A515.x", "9A610.y", "0A606.x", "6A003.b.4",
             "7A003.a", "8A001.c", "2B001.a", "3A001.b.1.a.1", "5A002.a.1.a", "1C010.a.1"]
    for eccn, line in _screened(tmp_path, eccns).items():
        assert not _CODES & {f.code for f in line.findings}, eccn


def test_a_questioned_paragraph_does_not_hide_a_licence_the_entry_needs(tmp_path) -> None:
    """3A001 needs a licence to China for most paragraphs; a .q (reserved) adds a question,
    the licence requirement the chart shows stays."""
    line = _screened(tmp_path, ["3A001.q"])["3A001.q"]
    assert line.verdict == "LICENSE_REQUIRED"
    assert "ECCN_PARAGRAPH_RESERVED" in {f.code for f in line.findings}


def test_an_exception_code_that_is_not_plain_letters_is_reported(tmp_path) -> None:
    """(Review, s17:) a licence-exception cell of "ГБС" read as no claim; now REVIEW as a code
    the rules do not know, and the full-width "ＧＢＳ" is GBS (not available to China)."""
    text = ("Line,Destination,Export Date,ECCN,License Exception,End-User Type\n"
            "C,HK,2021-03-01,3A001.a.2,ГБС,commercial\n"
            "W,HK,2021-03-01,3A001.a.2,ＧＢＳ,commercial\n")
    _run, lines = screen_text(tmp_path, text)
    assert "UNKNOWN_LICENSE_EXCEPTION" in {f.code for f in lines["C"].findings}
    assert lines["W"].verdict == "LICENSE_REQUIRED"
    assert "GBS" in " ".join(f.message for f in lines["W"].findings)


def test_paragraphs_worked_out_per_entry_equal_those_of_every_text_at_once(rules) -> None:
    """``known_paragraphs``/``mentioned_paragraphs`` look only at the texts holding the
    ECCN (a run names a few entries; scanning every text cost each start 16 ms): the same
    sets as reading every text and rule for every entry, as they were worked out before."""
    from collections import defaultdict

    from screening.rules.ruleset import (
        _MENTION_RE,
        PARAGRAPH_TEXT_GAPS,
        _items_rows,
        _known_paragraphs,
    )

    mentioned: dict[str, set[str]] = defaultdict(set)
    for text in rules._texts:
        for base, path in _MENTION_RE.findall(text):
            mentioned[base].add(path.lstrip("."))
    for entry in rules.eccns.values():
        for rule in (*entry.controls, *entry.specials):
            mentioned[entry.eccn].update(
                p for p in (*rule.paragraphs, *rule.except_paragraphs) if p != "?")
        for created in entry.created:
            mentioned[entry.eccn].update(created.paragraphs)
    expected = {base: frozenset(".".join(p.split(".")[:i + 1]) for p in paths if p
                                for i in range(p.count(".") + 1))
                for base, paths in mentioned.items()}
    editions: dict[str, str] = {}
    for r in rules.paragraph_rows:
        editions[r["eccn"]] = max(editions.get(r["eccn"], ""), str(r.get("edition") or ""))
    bases = set(expected) | set(rules.eccns) | set(rules.paragraphs) | {"5A992", "9Z999"}
    assert len(bases) > 600  # every entry of the Control List
    for base in sorted(bases):
        assert rules.mentioned_paragraphs(base) == expected.get(base, frozenset()), base
        known = None if base not in rules.paragraphs or base in PARAGRAPH_TEXT_GAPS else \
            _known_paragraphs(rules.eccns.get(base), _items_rows(base, rules.paragraphs[base]),
                              expected.get(base, ()), editions.get(base, ""))
        assert rules.known_paragraphs(base) == known, base
    assert rules.known_paragraphs("5A992") is not None
    assert "z.1" in rules.mentioned_paragraphs("5A992")
