"""Reading the Control List's licence-requirement prose into data the engine can apply.

Each ECCN's "License Requirements" table has rows such as ``NS applies to 4A003.b, .c, and
.z.1`` / ``NS Column 1``. Two pieces of prose matter:

* the **scope** (which paragraphs of the entry a row covers): the whole entry, the whole entry
  except some paragraphs, a list of paragraphs, or words the data cannot check ("when usable in
  missiles"), kept verbatim as a *condition*;
* the **requirement**: a Country Chart column, or destination wording that the chart does not
  show ("To or within any destination worldwide", "Macau or a destination specified in Country
  Group D:5", "China, Russia, or Venezuela", ...).

Anything not recognised is never dropped: it becomes a condition (scope) or a worldwide
review requirement (destinations), so the engine says REVIEW and quotes the regulation.
"""

from __future__ import annotations

import functools
import re
import string
from dataclasses import dataclass

_ECCN = r"[0-9][A-E][0-9]{3}"
_REASONS = r"(?:NS|MT|NP|RS|CB|AT|CC|FC|UN|SL|EI|CW|SS|SI|SA)"
_PREFIX_RE = re.compile(
    rf"^(?:Country Chart\.\s*)?{_REASONS}(?:\s*(?:,|and)\s*{_REASONS})*"
    r"\s+appl(?:y|ies)\s+(?:to\s+)?")
_OTHER_PREFIX_RE = re.compile(r"^.*?\bappl(?:y|ies)\s+(?:to\s+)?", re.IGNORECASE)
_SENTENCE_END_RE = re.compile(r"\.\s+(?=[A-Z(])")
_ENTIRE_RE = re.compile(r"^(?:the\s+)?entire\s+entry$", re.IGNORECASE)
_EXCEPT_RE = re.compile(r"^(?:the\s+)?entire\s+entry,?\s+except:?\s+(.+)$", re.IGNORECASE)
_REFER_NOTE_RE = re.compile(r"\s*\((?:refer|see)\b[^)]*\)\s*$", re.IGNORECASE)
_LEADING_WORDS_RE = re.compile(
    r"^(?:items\s+controlled\s+(?:by|in)\s+|items\s+in\s+|paragraphs?\s+)", re.IGNORECASE)
_TRAILING_WORDS_RE = re.compile(r"\s*(?:\bonly|\bof this entry)\s*$", re.IGNORECASE)
_PARA = r"[a-z](?:\.[a-z0-9]+)*"
_TOKEN_RE = re.compile(rf"^(?:(?P<eccn>{_ECCN})\.|\.)?(?P<para>{_PARA})\.?$")
_RANGE_RE = re.compile(
    rf"^(?:(?P<eccn>{_ECCN})\.|\.)?(?P<a>{_PARA})\s+(?:to|through)\s+\.?(?P<b>{_PARA})$")
_SPLIT_RE = re.compile(r"\s*(?:,|;|\band\b|\bor\b)\s*")
_SIBLING_RE = re.compile(r"^\.([0-9]+)\.?$")
_ANY_ECCN_RE = re.compile(rf"\b({_ECCN})(?:\.({_PARA}))?")


@dataclass(frozen=True, slots=True)
class Scope:
    """Which paragraphs a requirement row covers.

    ``paragraphs`` empty means the whole entry (less ``except_paragraphs``). With a
    ``condition`` the row applies only when words the data cannot check are true; its
    ``paragraphs`` then name the paragraphs the words mention (the row covers nothing else).
    """

    paragraphs: tuple[str, ...] = ()
    except_paragraphs: tuple[str, ...] = ()
    condition: str = ""


@functools.lru_cache(maxsize=8192)  # the same entries' lines, line after line
def parse_paragraph_list(eccn: str, text: str) -> tuple[str, ...] | None:
    """``"4A003.b, .c, and .z.1"`` -> ("b", "c", "z.1"); None when anything is not a paragraph
    of ``eccn`` (another ECCN, prose)."""
    text = _TRAILING_WORDS_RE.sub("", _LEADING_WORDS_RE.sub("", text.strip())).strip(" .")
    if not text:
        return None
    out: list[str] = []
    for raw in _SPLIT_RE.split(text):
        token = raw.strip().removeprefix("and ").removeprefix("or ").strip()
        if not token:
            continue
        if m := _RANGE_RE.match(token):
            if m.group("eccn") not in (None, eccn):
                return None
            expanded = _expand_range(m.group("a"), m.group("b"))
            if expanded is None:
                return None
            out.extend(expanded)
            continue
        if (sibling := _SIBLING_RE.match(token)) and out and \
                out[-1].rpartition(".")[2].isdigit():
            # "1C351.d.15 and .16": the next item at the same depth, d.16 (s20 audit: the
            # list was not read, and saxitoxin d.16 was left out of the CB row).
            out.append(f"{out[-1].rpartition('.')[0]}.{sibling.group(1)}")
            continue
        m = _TOKEN_RE.match(token)
        if not m or m.group("eccn") not in (None, eccn):
            return None
        out.append(m.group("para").rstrip("."))
    return tuple(dict.fromkeys(out)) or None


def _expand_range(first: str, last: str) -> list[str] | None:
    """``k`` to ``n`` -> k, l, m, n; ``a.1`` through ``a.8`` -> a.1 ... a.8."""
    a_head, _, a_tail = first.rpartition(".")
    b_head, _, b_tail = last.rpartition(".")
    if a_head != b_head:
        return None
    prefix = f"{a_head}." if a_head else ""
    if a_tail.isdigit() and b_tail.isdigit() and int(a_tail) <= int(b_tail):
        return [f"{prefix}{n}" for n in range(int(a_tail), int(b_tail) + 1)]
    letters = string.ascii_lowercase
    if (len(a_tail) == len(b_tail) == 1 and a_tail in letters and b_tail in letters
            and a_tail <= b_tail):
        return [f"{prefix}{c}" for c in letters[letters.index(a_tail):letters.index(b_tail) + 1]]
    return None


def _scope_body(words: str) -> tuple[str, bool]:
    """(the scope sentence after "NS applies to", less a closing reference note, whether
    such a beginning was there) of a row's words, spaces folded."""
    body = words
    prefixed = (m := _PREFIX_RE.match(body)) is not None or \
        (m := _OTHER_PREFIX_RE.match(body)) is not None
    if m is not None:
        body = body[m.end():]
    body = _SENTENCE_END_RE.split(body, maxsplit=1)[0]
    return _REFER_NOTE_RE.sub("", body).strip().rstrip(".").strip(), prefixed


def parse_scope(eccn: str, text: str) -> Scope:
    """The scope prose of one licence-requirement row."""
    original = " ".join(text.split())
    if not original:
        return Scope()
    body, prefixed = _scope_body(original)
    if not prefixed:
        return Scope(_mentioned(eccn, original), (), original)
    if _ENTIRE_RE.match(body):
        return Scope()
    if m := _EXCEPT_RE.match(body):
        excepted = parse_paragraph_list(eccn, m.group(1))
        if excepted is not None:
            return Scope((), excepted, "")
        split = _worded_excepts(eccn, m.group(1))
        if split is not None:  # the worded ones come back under words (``extra_scope``)
            return Scope((), split[0] + split[1], "")
        return Scope((), (), original)
    listed = parse_paragraph_list(eccn, body)
    if listed is not None:
        return Scope(listed, (), "")
    # "5A001.b (except .b.5), .c, .d, .f (except f.3), .g, and .j": paragraphs, each perhaps
    # less some of its own, named as paragraphs (an exception in words stays a condition).
    inner = [m.group(1) for m in _PAREN_EXCEPT_RE.finditer(body)]
    if inner:
        excepted = [parse_paragraph_list(eccn, text) for text in inner]
        listed = parse_paragraph_list(eccn, _PAREN_EXCEPT_RE.sub(" ", body))
        if listed is not None and all(e is not None for e in excepted):
            return Scope(listed, tuple(dict.fromkeys(
                p for e in excepted if e is not None for p in e)), "")
    return Scope(_mentioned(eccn, original), (), original)


def _worded_excepts(eccn: str, listed: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(paragraphs excepted outright, paragraphs excepted only under words) of an
    exception list of items parted by ";" ("9A610.b; parts and components controlled in
    9A610.x if being exported ... for use in an aircraft controlled in 9A610.b; and
    9A610.y"); None unless each item is a paragraph list or words naming paragraphs of the
    entry only in one place."""
    items = [item.strip().removeprefix("and ").strip() for item in listed.split(";")]
    if len(items) < 2:
        return None
    outright: list[str] = []
    worded: list[str] = []
    for item in items:
        paragraphs = parse_paragraph_list(eccn, item)
        if paragraphs is not None:
            outright.extend(paragraphs)
            continue
        named = [para for code, para in _ANY_ECCN_RE.findall(item) if para]
        if not named or any(code != eccn for code, _para in _ANY_ECCN_RE.findall(item)):
            return None
        # "parts ... in 9A610.x if ... for an aircraft in 9A610.b": the first names the
        # items excepted, the rest the condition.
        worded.append(named[0])
    if not worded:
        return None
    return tuple(dict.fromkeys(outright)), tuple(dict.fromkeys(worded))


def extra_scope(eccn: str, text: str, scope: Scope) -> Scope | None:
    """A second, conditional row a requirement row's words make: the paragraphs its
    exception takes out only under words (9A610.x "if being exported ... for an aircraft
    in 9A610.b": licensed unless so, REVIEW), or that a note after it brings back
    (``note_scope``). None for most rows."""
    words = " ".join(text.split())
    body, _prefixed = _scope_body(words)
    if (m := _EXCEPT_RE.match(body)) and parse_paragraph_list(eccn, m.group(1)) is None and \
            (split := _worded_excepts(eccn, m.group(1))) is not None:
        return Scope(split[1], (), words)
    return note_scope(eccn, text, scope)


def note_scope(eccn: str, text: str, scope: Scope) -> Scope | None:
    """The paragraphs a note after the scope sentence brings back under words the data
    cannot check, of those the sentence excepts: "MT applies to entire entry, except
    1B001.d.4, e and f. Note: MT applies to equipment in 1B001.d that meet or exceed the
    parameters of 1B101" brings back d.4 (s20 audit: d.4 was excepted outright and CLEAR
    where MT1 has an X). None if the note brings back none."""
    note = re.search(r"\bNote:\s*(.+)$", " ".join(text.split()))
    if note is None or not scope.except_paragraphs:
        return None
    named = [para for code, para in _ANY_ECCN_RE.findall(note.group(1)) if code == eccn and para]
    back = tuple(p for p in scope.except_paragraphs
                 if any(p == q or p.startswith(q + ".") for q in named))
    return Scope(back, (), " ".join(text.split())) if back else None


def _mentioned(eccn: str, text: str) -> tuple[str, ...]:
    """Paragraphs of ``eccn`` a conditional scope mentions, when it mentions nothing else.

    ``NP applies to pulse discharge capacitors in 3A001.e.2 and ... in 3A001.e.3`` can only
    cover 3A001.e.2 and .e.3; a text about the whole entry narrows
    nothing. Other ECCNs named as parameters do not widen it. Shorthand after a mention
    (``6A003.a.3 or a.4``, ``2B116.b, .c, and .d``, ``3A001.b to 3A001.h``) counts too; a
    stray word taken for a paragraph only widens the set, which is the safe direction. A
    paragraph written anywhere else in the text (``1C010.a (aramid ...), b (carbon ...), and
    e.1 for ...``) is one the set could miss: then the whole entry (s20: ``.c, .d ... and .j``
    of 5A001's NS2 row were left out, and 5A001.c to China was CLEAR)."""
    if re.search(r"entire entry", text, re.IGNORECASE):
        return ()
    # A parenthetical exception narrows the paragraph before it; an "except ..." clause
    # after the list only narrows the row further: the mentions before it bound it.
    whole = _PAREN_EXCEPT_RE.sub(" ", text)
    head = re.split(r"\bexcept\b", whole, maxsplit=1, flags=re.IGNORECASE)[0]
    # Mentions of other ECCNs ("parameters in 3A201.a") qualify this entry's paragraphs;
    # a bare mention of this entry ("technology for 3A001") bounds nothing.
    found = [(code, para) for code, para in _ANY_ECCN_RE.findall(head) if code == eccn]
    if not found or any(not para for _, para in found):
        return ()
    # "... machines that meet or exceed the parameters of 2B009.a": a paragraph named as a
    # measure, not as the items covered (s20 audit: 2B009.b was CLEAR where MT1 has an X).
    if re.search(rf"\b(?:parameters?|criteria|characteristics|defined)"
                 rf"\s+(?:\w+\s+)?(?:of|in|by)\s+(?:ECCN\s+)?{eccn}\.", head, re.IGNORECASE):
        return ()
    out: list[str] = []
    for m in _LISTED_RE.finditer(head):
        if m.group(1) == eccn:
            paragraphs = _chain(eccn, m.group(2), m.group(3))
            if paragraphs is None:
                return ()
            out.extend(paragraphs)
    # Every paragraph of this entry the text writes, also in an exception after the list,
    # must lie within those: else the set may miss one.
    written: list[str] = []
    rest = whole
    for m in _LISTED_RE.finditer(whole):
        rest = rest[:m.start()] + " " * (m.end() - m.start()) + rest[m.end():]
        if m.group(1) == eccn:
            written.extend(_chain(eccn, m.group(2), m.group(3)) or [""])
    written.extend(dotted or letter or f"?{number}" for dotted, letter, number
                   in _LOOSE_PARAGRAPH_RE.findall(rest)
                   if (dotted, letter, number) not in _NOT_PARAGRAPHS)
    if not all(any(p == q or p.startswith(q + ".") for q in out) for p in written):
        return ()
    return tuple(dict.fromkeys(out))


def _chain(eccn: str, first: str, tail: str) -> list[str] | None:
    """The paragraphs of a mention and its shorthand list (a range written out: "k to n",
    "a.1 through a.3"; "and to" is no range); None for a range that cannot be. The list
    ends at a paragraph of another ECCN."""
    out = [first.rstrip(".")]
    separators: list[str] = []
    for separator, other, written in _CHAIN_TOKEN_RE.findall(tail):
        if separator:
            separators.append(separator.lower())
            continue
        if other and other != eccn:
            break
        paragraph = written.rstrip(".")
        if separators in (["to"], ["through"]):
            expanded = _expand_range(out[-1], paragraph)
            if expanded is None:
                return None
            out.extend(expanded[1:])
        else:
            out.append(paragraph)
        separators = []
    return out


_PAREN_EXCEPT_RE = re.compile(r"\(\s*(?:except|excluding)\b:?\s*([^()]*)\)", re.IGNORECASE)
_LIST_SEPARATOR = r"(?:,|;|\band\b|\bor\b|\bto\b|\bthrough\b)"
#: An ECCN's paragraph and the shorthand list after it: "2B116.b, .c, and .d".
_LISTED_RE = re.compile(
    rf"\b({_ECCN})\.({_PARA})((?:(?:\s*{_LIST_SEPARATOR})+\s*(?:{_ECCN}\.|\.)?"
    rf"{_PARA}(?![\w]))*)")
_CHAIN_TOKEN_RE = re.compile(rf"({_LIST_SEPARATOR})|(?:({_ECCN})\.|\.)?({_PARA})(?![\w])",
                             re.IGNORECASE)
#: A paragraph written outside such a list: ".c", "e.1", "a.3.d".
#: (A number after a dot, ".16", is a sibling the set cannot place: "?16" matches nothing.)
_LOOSE_PARAGRAPH_RE = re.compile(r"(?<![\w.])\.?([a-z]\.[a-z0-9]+(?:\.[a-z0-9]+)*)(?![\w])"
                                 r"|(?<![\w.])\.([a-z])(?![\w])"
                                 r"|(?<![\w.])\.([0-9]+)(?![\w.])")
_NOT_PARAGRAPHS = frozenset({("e.g", "", ""), ("i.e", "", "")})


# --- requirements ----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Requirement:
    """Where a requirement row applies. ``column`` for Country Chart rows; otherwise the
    destination rule. ``severity`` is "license" when the words are clear, "review" when the
    destinations depend on prose the data cannot express; "none" for rows that state no
    requirement ("N/A"); "itar" for rows that send the item to the USML."""

    column: str = ""
    destinations: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    except_groups: tuple[str, ...] = ()
    except_destinations: tuple[str, ...] = ()
    severity: str = "license"
    section: str = ""
    kind: str = ""


_SECTION_RE = re.compile(
    r"(?:§§?|[Ss]ections?|part)\s*([0-9]{3}(?:\.[0-9]+)?(?:\([A-Za-z0-9]+\))*)")
_COLUMN_RE = re.compile(r"^(?:([A-Z]{2})\s+)?Column\s+([123])\b")
#: Destinations the off-chart wording names, by the words the regulation uses.
NAMED_DESTINATIONS: dict[str, str] = {
    "North Korea": "KP", "Iran": "IR", "Iraq": "IQ", "Pakistan": "PK", "Syria": "SY",
    "Cuba": "CU", "Russia": "RU", "Belarus": "BY", "Venezuela": "VE", "China": "CN",
    "United Arab Emirates": "AE", "Macau": "MO", "Canada": "CA",
}


def _sections(text: str) -> str:
    # "supplement no. 1 to part 740" names where the Country Groups are, not a requirement
    found = [f"15 CFR {'part ' if '.' not in s else ''}{s}" for s in _SECTION_RE.findall(text)
             if s not in ("738", "740")]
    return "; ".join(dict.fromkeys(found))


def classify_requirement(text: str, chart_column: str, reasons: tuple[str, ...] = (),
                         un_destinations: tuple[str, ...] = ()) -> Requirement:
    """The destination rule of one requirement row (``un_destinations``: the destinations the
    Country Chart sends to § 746.1(b) for UN controls, i.e. its footnote 1)."""
    words = " ".join(text.split())
    section = _sections(words)
    if chart_column:
        return Requirement(column=chart_column, section=section, kind="chart")
    low = words.lower()
    if not words or low in ("n/a", "n/a."):
        return Requirement(severity="none", kind="none")
    if m := _COLUMN_RE.match(words):
        reason = m.group(1) or (reasons[0] if len(reasons) == 1 else "")
        if reason:
            return Requirement(column=f"{reason}{m.group(2)}", section=section, kind="chart")
    if "subject to the itar" in low or "department of state" in low:
        # Everywhere: the State Department licenses it (s20 audit: with no destination the
        # row applied nowhere, and 0D001 / 0E001 were CLEAR to 194 destinations).
        return Requirement(destinations=("*",), severity="itar", section="22 CFR parts 120-130",
                           kind="usml")
    if "united arab emirates" in low and "d:1" in low:
        return Requirement(destinations=("AE",), groups=("D:1", "D:4", "D:5"),
                           except_groups=("A:5", "A:6"), section=section, kind="groups")
    if "d:1" in low and "d:4" in low and "d:5" in low and "a:5" in low:
        return Requirement(groups=("D:1", "D:4", "D:5"), except_groups=("A:5", "A:6"),
                           section=section, kind="groups")
    if "macau" in low and "d:5" in low:
        return Requirement(destinations=("MO",), groups=("D:5",), section=section,
                           kind="groups")
    if "except canada" in low or "except for canada" in low:
        return Requirement(destinations=("*",), except_destinations=("CA",), section=section,
                           kind="worldwide")
    if ("all destinations" in low or "any destination worldwide" in low
            or low.startswith("worldwide")):
        return Requirement(destinations=("*",), section=section, kind="worldwide")
    if "742.15" in low:  # encryption items (EI): all destinations except Canada, § 742.15(a)
        return Requirement(destinations=("*",), except_destinations=("CA",), section=section,
                           kind="worldwide")
    if "746.8" in low:  # Russian/Belarusian industry sector sanctions
        return Requirement(destinations=("RU", "BY"), section=section, kind="named")
    if "un controls" in low and un_destinations:
        return Requirement(destinations=un_destinations, section=section or "15 CFR 746.1(b)",
                           kind="un")
    named = tuple(code for name, code in NAMED_DESTINATIONS.items()
                  if re.search(rf"\b{name}\b", words) and code != "CA")
    groups = tuple(g for g in ("E:1", "E:2") if g.lower() in low)
    if (named or groups) and ("license is required" in low or low.startswith(
            ("china", "to ")) or "(see §" in low):
        return Requirement(destinations=named, groups=groups, section=section, kind="named")
    # Short supply (part 754), chemical weapons (742.18), significant items (742.14) and
    # anything else: the destinations depend on prose; review everywhere, quoting it.
    return Requirement(destinations=("*",), severity="review", section=section, kind="prose")


_ONLY_RE = re.compile(r"^yes,?\s+(?:for|to)\s+(?P<list>.+?)\.?$", re.IGNORECASE)
_YES_EXCEPT_RE = re.compile(r"^yes,?\s+except\s+(?:for\s+)?(?P<list>.+?)\.?$", re.IGNORECASE)
_NA_FOR_RE = re.compile(r"(?:^|;\s*|,?\s*except\s+)N/A\s+for\s+(?P<list>[^;]+?)\.?\s*(?:;|$)",
                        re.IGNORECASE)
#: An LVS line giving its amount for some paragraphs only ("$3000: 3A002.a, .e, .f, and
#: .g", "$5000 for 4A001.a; N/A for MT"): LVS is for those at most (s29 rules hunt: LVS on
#: 3A002.c to Hong Kong in 2019 was "available").
_AMOUNT_FOR_RE = re.compile(r"^\$\s?[\d,]+\s*(?::|for)\s+(?P<list>[^;]+?)\.?\s*(?:;|$)",
                            re.IGNORECASE)


_BRACKETS_RE = re.compile(r"\s*\(([^()]*)\)")
_CONDITION_WORDS_RE = re.compile(r"\b(?:if|when|unless|provided|only)\b|^\s*for\b",
                                 re.IGNORECASE)


def _listed(eccn: str, text: str, *, sure_only: bool) -> tuple[str, ...] | None:
    """The paragraphs of a list that may describe its items in brackets ("a.3 (molecular
    beam epitaxial growth equipment)"). ``sure_only``: leave out the items whose brackets
    set a condition (".e (... only if connected to ...)"): they are in the list only
    sometimes."""
    marked = _BRACKETS_RE.sub(
        lambda m: " \u00a7" if _CONDITION_WORDS_RE.search(m.group(1)) else "", text)
    items = [item for item in _SPLIT_RE.split(marked) if item.strip()]
    if sure_only:
        items = [item for item in items if "\u00a7" not in item]
    kept = ", ".join(item.replace("\u00a7", "").strip() for item in items)
    return parse_paragraph_list(eccn, kept) if kept else None


@functools.lru_cache(maxsize=8192)  # the same entries' lines, line after line
def exception_paragraphs(eccn: str, flag: str) -> tuple[str, tuple[str, ...]] | None:
    """What an entry's List Based License Exceptions line says of paragraphs, when it is a
    list: ("only", paragraphs) for "Yes for 1A004.a, .b, and .c.2" (the exception is for
    those at most: a bracket's condition on one of them leaves the others out all the
    same), ("not", paragraphs) for "Yes, except 5A001.a, b.5, e, and h" or "$5000; N/A for
    4A003.b, c, and z" (those whose brackets set no condition). None for anything else
    (items named in words, a condition after the list): the engine then reads the line as
    before."""
    text = " ".join(flag.split())
    if match := _ONLY_RE.match(text):
        listed = _listed(eccn, match.group("list"), sure_only=False)
        return ("only", listed) if listed else None
    if match := _YES_EXCEPT_RE.match(text):
        listed = _listed(eccn, match.group("list"), sure_only=True)
        return ("not", listed) if listed else None
    if _AMOUNT_FOR_RE.match(text):
        # Every amount clause names its paragraphs ("$3,000 for .a through .c; $6,000 for
        # .d"), or the line is no list.
        amounts = [part for part in text.split(";") if "$" in part]
        found: list[str] = []
        for part in amounts:
            match = _AMOUNT_FOR_RE.match(part.strip())
            listed = _listed(eccn, match.group("list"), sure_only=False) if match else None
            if not listed:
                return None
            found.extend(listed)
        return "only", tuple(dict.fromkeys(found))
    if match := _NA_FOR_RE.search(text):
        listed = _listed(eccn, match.group("list"), sure_only=True)
        return ("not", listed) if listed else None
    return None
