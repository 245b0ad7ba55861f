"""Turning one raw row into a ShipmentLine: every bad cell becomes an ERROR finding that names
the cell, never a dropped row or a silent blank.

This runs once per input line (millions for big files), so it is written for speed: each
distinct cell text is normalised once (shipment files repeat the same countries, ECCNs and
dates on thousands of rows), and the slow path that builds messages runs only for bad cells.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from screening.china_places import place_anywhere, place_in_parts, place_sent_to
from screening.ingest.columns import (
    NAME_FIELDS,
    OTHER_PARTY_FIELDS,
    OWNER_FIELDS,
    ColumnMapping,
    Field,
    auto_mapping,
    extra_party_columns,
    further_party_role,
    header_key,
    says_actual_date,
    says_classification,
    score_row,
)
from screening.ingest.errors import IngestError
from screening.ingest.readers import TableSource, column_letter, first_cell
from screening.ingest.xlsx_package import DRAWN_OVER, digits_beside_date, yearless_date_format
from screening.model import HK_AS_CHINA_FROM, Eccn, Finding, Severity, ShipmentLine
from screening.normalize import (
    MILITARY_TYPES,
    PART_744_TYPES,
    DateOrder,
    DateProblem,
    clean_text,
    country_named_in,
    eccns_named_in,
    eccns_other_than,
    embargoed_place,
    embargoed_region,
    normalize_country,
    normalize_eccn,
    normalize_end_user_type,
    normalize_license_exception,
    parse_date,
    parse_number,
    reads_as_day_count,
    shown_as_next_day,
)

_MISSING = object()
_CACHE_LIMIT = 200_000

#: Export dates hkscreen accepts: from 1990 (older dates in a shipment file are typos or
#: small numbers read as Excel day counts: 1 is 1899-12-31, 60 is 1900-02-28) to two years
#: after the run.
EARLIEST_EXPORT_DATE = dt.date(1990, 1, 1)
LATEST_EXPORT_YEARS = 2

#: Cell texts that stand for "no value" (compared case-insensitively). "NA" is also
#: Namibia's code, so it is never read as a country either.
PLACEHOLDERS = frozenset({
    "n/a", "na", "n.a.", "n.a", "#n/a", "n/d", "tbd", "tba", "tbc", "-", "--", "---", "\u2013",
    "\u2014", "?", "??", "???", "none", "unknown", "unk", "null", "nil", "pending", "xx",
})
#: Licence cell texts that say no licence is held: read as a blank licence cell (a line
#: needing one stays LICENSE_REQUIRED), never as a licence cited.
LICENCE_PLACEHOLDERS = PLACEHOLDERS | frozenset({
    "0", "00", "000", "x", "no", "applied", "applied for", "to be applied", "requested",
    "in process", "in progress", "not required", "not applicable", "no license", "no licence",
    "none required", "y", "yes", "n", ".", "ear99", "nlr required", "license not required",
    "licence not required", "not needed", "exempt", "awaiting", "under review", "tba",
    "true", "false",
})
#: First words of a licence cell that say the licence is not (or no longer) held: "Denied",
#: "Expired D123456", "Returned without action" (an independent review: each was taken
#: for a licence cited, and a line needing one dropped from LICENSE_REQUIRED to REVIEW).
_NOT_HELD = frozenset({"denied", "rejected", "revoked", "suspended", "expired", "returned",
                       "rwa", "withdrawn", "cancelled", "canceled", "pending", "awaiting",
                       "applied", "applying", "requested", "waiting", "tbd",
                       # (s28 hunt: "Will apply", "See PO", "OK", "Application Z123456"
                       # were taken for a licence cited)
                       "will", "see", "ok", "okay", "tbf", "tbc", "application",
                       "submitted", "verbal"})
#: Words anywhere in a licence cell that say the number is not a licence held ("D123456
#: (denied)", "D123456 revoked", "void"), or that the cell names no US export licence
#: ("n/a - NLR", "Hong Kong import licence"): each was taken for a licence cited.
_NOT_HELD_ANYWHERE = _NOT_HELD - {"pending", "awaiting", "applied", "applying", "requested",
                                  "waiting", "tbd", "returned"} | frozenset({
                                      "void", "voided", "invalid", "refused", "nlr", "import",
                                      "n/a",
                                      # Not held, or no US export licence: "License
                                      # required", "BIS pending" (s28 hunt), an ITAR,
                                      # EU, BAFA or UK licence, a CCATS ruling.
                                      "required", "needed", "submitted", "itar", "dsp",
                                      "ccats", "bafa", "eu", "siel", "ogel", "ecju", "tid"})
_WORD_RE = re.compile(r"[\w/]+")
#: First words that say none is held only when no number follows ("Under review", "No
#: licence"; but "Under license D123456", "No. D123456" cite one).
_NOT_HELD_UNLESS_NUMBERED = frozenset({"under", "not", "no", "none", "to"})


def no_licence_held(text: str) -> bool:
    """Whether a licence cell's text says no licence is held (read as a blank cell)."""
    key = text.casefold()
    if key in LICENCE_PLACEHOLDERS:
        return True
    first = key.replace(":", " ").replace("-", " ").replace(".", " ").split(maxsplit=1)
    if first and (first[0] in _NOT_HELD or (first[0] in _NOT_HELD_UNLESS_NUMBERED
                                            and not any(ch.isdigit() for ch in key))):
        return True
    words = _WORD_RE.findall(key)
    if not _NOT_HELD_ANYWHERE.isdisjoint(words):
        return True
    if "pending" in words and not any(ch.isdigit() for ch in key):
        return True  # "BIS pending" (s28 hunt); "D123456 pending renewal" cites one
    return not any(ch.isalnum() for ch in key) or not key.strip("0 -/.")


#: Words a header row naming a destination or ECCN column holds (``score_row`` is asked
#: only of a row holding one: it is the slow part of ``_refuse_other_header``).
_HEADER_WORD_RE = re.compile(r"eccn|dest|country|ctry|ship|class|stop|export control|ccl|"
                             r"目的|国家|國家|出口管制")


#: Fields no screening step reads (shown in reports only).
_NOT_SCREENED = frozenset({Field.LINE_ID, Field.VALUE, Field.QUANTITY, Field.DESCRIPTION,
                           Field.HS_CODE, Field.CONSIGNEE_ADDRESS})


#: Why a formula's saved value is not trusted (xlsx_package.SheetScan.stale_cells).
_STALE_WHY = {
    "volatile": "it changes each time the workbook is opened",
    "depends": "the sheet holds formulas that change each time the workbook is opened "
               "(such as TODAY()), and this one may read them",
    "recalculates": "the workbook tells Excel to recalculate every formula when opened",
    "older engine": "the workbook's formulas were last calculated by an older version of "
                    "Excel or by another program, so Excel recalculates every one of them "
                    "when it opens the workbook",
}
_KEEP_CONTROLS = frozenset("\t\n\r")  # ordinary line breaks and tabs: read as spaces
_UNTRUSTED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"})


def latest_export_date(run_date: dt.date) -> dt.date:
    try:
        return run_date.replace(year=run_date.year + LATEST_EXPORT_YEARS)
    except ValueError:  # 29 February
        return run_date.replace(year=run_date.year + LATEST_EXPORT_YEARS, day=28)


def untrusted_characters(text: str) -> list[str]:
    """Control, bidirectional-override, zero-width and other invisible characters: a cell
    holding one may display differently from what it is (U+202E before "KH" shows "HK")."""
    if text.isprintable():
        return []
    return [ch for ch in text if ch not in _KEEP_CONTROLS
            and unicodedata.category(ch) in _UNTRUSTED_CATEGORIES]


#: Invisible characters that change no name's look or reading: a soft hyphen, zero-width
#: (non-)joiners, which Persian and Indic names need, and spaces; party matching reads past
#: them. Bidirectional controls and the rest are never so.
_HARMLESS_IN_NAMES = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")


def hides_in_a_name(text: str) -> bool:
    """Whether a party name holds a character that can make it display as another name."""
    return any(ch not in _HARMLESS_IN_NAMES for ch in untrusted_characters(text))


def escaped(text: str) -> str:
    """``text`` quoted, with every untrusted character written as an escape (\\u202e)."""
    bad = set(untrusted_characters(text))
    shown = "".join(f"\\u{ord(ch):04x}" if ch in bad and ord(ch) > 0xFF else
                    f"\\x{ord(ch):02x}" if ch in bad else ch for ch in text)
    return _quote(shown)


def _quote(text: str) -> str:
    return '"' + (text if len(text) <= 60 else text[:57] + "...") + '"'


def _memo(compute: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Bounded cache in front of a normaliser."""
    cache: dict[Any, Any] = {}
    get = cache.get

    def lookup(key: Any) -> Any:
        value = get(key, _MISSING)
        if value is _MISSING:
            value = compute(key)
            if len(cache) < _CACHE_LIMIT:
                cache[key] = value
        return value

    return lookup


#: Text columns whose cells are refused (ERROR) if they hold invisible or control
#: characters, besides destinations, ECCN and date.
GUARDED_TEXT = (Field.END_USER_TYPE, Field.LICENSE_NUMBER, *NAME_FIELDS)

_PLACEHOLDER_FIELDS = frozenset({Field.DESTINATION, Field.ULTIMATE_DESTINATION, Field.ECCN,
                                 Field.EXPORT_DATE})
_COUNTRY_FIELDS = frozenset({Field.DESTINATION, Field.ULTIMATE_DESTINATION})
#: Header words of a column saying where the goods come from, not where they go: not looked
#: at for embargoed places (an origin or a Russian-made part is no destination).
_NOT_WHERE_GOODS_GO = frozenset({
    "origin", "coo", "made", "manufactured", "manufacturer", "mfg", "maker", "exporter",
    "shipper", "seller", "supplier", "vendor", "loading", "sender", "from", "source",
    "producer", "factory", "plant", "warehouse"})
#: ... unless it says where they go too ("Ship From / Ship To", "Port of Loading / Port of
#: Discharge", "Consignee Warehouse Address", "Remarks from customer": s21 second hunt).
_WHERE_GOODS_GO = frozenset({
    "to", "discharge", "destination", "dest", "consignee", "delivery", "deliver",
    "remarks", "remark", "notes", "note", "comment", "comments", "customer", "receiver",
    "buyer", "end", "final", "ultimate", "user", "transit", "via"})


#: Header words of a column saying what the goods are for, or holding free remarks ("Intended
#: End Use", "Purpose", "Application", "Remarks", 用途): its cells are looked at for a military
#: end use or one part 744 controls (s21 hunt: "For nuclear weapons development" under
#: "Intended End Use" was CLEAR; only the end-user type column was read for end uses).
_USE_WORDS = frozenset({
    "use", "uses", "usage", "used", "enduse", "purpose", "purposes", "application",
    "applications", "intended", "project", "program", "programme", "reason", "remarks",
    "remark", "notes", "note", "comment", "comments", "verwendung", "verwendungszweck",
    "endverwendung", "zweck", "bemerkung", "bemerkungen", "utilisation", "utilization",
    "remarques", "uso", "finalidad", "observaciones", "notas", "comentarios", "назначение",
    "примечание", "применение", "용도", "비고"})
_USE_SCRIPT = ("用途", "备注", "備註", "备考", "備考", "應用", "应用", "使用目的", "目的")
#: Words and phrases of a military end use, or one part 744 controls for every item, as
#: free remarks write them: stricter than the end-user type column's words, as a remark
#: may say "navy blue", "CW 45", "chemical reactor spare parts" or "atomic clock" (s22
#: second review: both ways round).
_USE_LATIN = (
    r"nuclear (?:weapon|bomb|explosive|warhead|submarine|test)s?|atomic bombs?"
    r"|hydrogen bombs?|(?:chemical|biological|bio) weapons?|bioweapons?|nerve agents?|sarin"
    r"|anthrax|vx gas|weapons? of mass destruction|wmd|missiles?|missle|ballistic"
    r"|rockets?|warheads?|torpedo(?:es)?|guided bombs?|bombs? kits?|munitions?|ammunition|ordnance"
    r"|weapons?|weaponry|armaments?|icbm|slbm|irbm|ucav|uavs?|drones?|unmanned aerial"
    r"|unmanned aircraft|loitering munitions?|shahed|hypersonic|supercomputers?"
    r"|supercomputing|exascale|uranium enrichment|enrichment plant|plutonium|centrifuge cascade"
    r"|research reactor|fuel reprocessing|military|militär|militärisch\w*|militar|militaire"
    r"|bundeswehr|rüstung\w*|atomwaffen?|kernwaffen?|raketen\w*|misil(?:es)?|armed forces"
    r"|air force|people'?s liberation army|pla (?:army|navy|air force|rocket force|units?)"
    r"|plaaf|plarf|ministry of defen[cs]e|armed police"
    r"|for (?:the )?(?:army|navy|marines)|army|navy (?:ship|vessel|base|use)|naval|defen[cs]e "
    r"(?:ministry|forces|industry|contractor|use|application)s?")
_USE_CJK = (
    r"军用|軍用|军事|軍事|军工|軍工|导弹|導彈|核武|核潜艇|核潛艇|武器|弹药|彈藥|无人机|無人機"
    r"|火箭军|火箭軍|解放军|解放軍|国防|國防|超算|超级计算|超級計算|铀浓缩|鈾濃縮"
    r"|военн|ракет|ядерн|оруж|боеприпас|беспилот|ミサイル|軍用|兵器|核兵器|군사|군용|미사일"
    r"|무기|핵무기")
_USE_RE = re.compile(rf"(?i)\b(?:{_USE_LATIN})\b|{_USE_CJK}")
#: In a description, which says what the item is ("Model rocket kit", "Drone camera
#: gimbal"), only words saying what it is for or who will use it: a use word after "for",
#: "to", "at", "in" and the like ("Servers for missile guidance", "For use in nuclear
#: weapons design"), a military end user ("Resale to People's Liberation Army Rocket
#: Force", "Routers for installation at PLA Navy base"), or "military use" in Chinese.
_PURPOSE_RE = re.compile(
    rf"(?i)\b(?:for|to|at|in|into|by|supporting|destined|intended|end[- ]?uses?"
    rf"|end[- ]?users?)\b[^.;|\n]{{0,40}}?\b(?:{_USE_LATIN})\b"
    r"|\b(?:people'?s liberation army|pla (?:army|navy|air force|rocket force|units?|bases?)"
    r"|plaaf|plarf|armed forces|armed police|ministry of defen[cs]e|bundeswehr"
    r"|military (?:end[- ]?users?|end[- ]?uses?|bases?|units?|use|purposes?|applications?"
    r"|intelligence)|naval bases?|navy bases?|air force bases?)\b"
    r"|军用|軍用|军事用途|軍事用途|解放军|解放軍|火箭军|火箭軍|国防|國防"
    rf"|(?:用于|用於|供)[^。；|]{{0,12}}(?:{_USE_CJK})")
#: Uses of those words that say nothing of an end use: colours, units, clocks, salad.
_USE_NOT = re.compile(
    r"(?i)\b(?:navy blue|army green|military green|military (?:grade|spec|specification|"
    r"standard|style|time)|mil[- ]?spec|mil[- ]?std|drone (?:bee|fly)|rocket salad|atomic "
    r"clock|swiss army|salvation army|weapons?[- ]free|no (?:military|weapons?) use"
    r"|not for (?:military|weapons?|nuclear) (?:use|purposes?)|non[- ]military"
    r"|civil(?:ian)? use only)\b")


def says_what_for(header: str) -> bool:
    """Whether a header names what the goods are for, or free remarks (``_USE_WORDS``)."""
    key = header_key(header)
    return not _USE_WORDS.isdisjoint(key.split()) or "used for" in key or \
        "end use" in key or any(word in header for word in _USE_SCRIPT)


def may_name_use(text: str) -> bool:
    """Whether ``text`` (clean: single spaces) may name an end use ``names_flagged_use`` or
    ``describes_flagged_use`` flags: False only if none of ``_USE_RE``'s words and phrases
    is in it, so cells joined by line breaks and cleaned that give False each give False
    (joining can only add a phrase spanning two cells, never take one away)."""
    return _USE_RE.search(text) is not None


def names_flagged_use(text: str) -> bool:
    """Whether a cell of such a column names a military end use or one part 744 controls
    for every item (``_USE_RE``, less the phrases of ``_USE_NOT``)."""
    if _USE_RE.search(text) is None:
        return False
    return _USE_RE.search(_USE_NOT.sub(" ", text)) is not None


def describes_flagged_use(text: str) -> bool:
    """Whether a description says its item is for a military end use or one part 744
    controls for every item (``_PURPOSE_RE``, less the phrases of ``_USE_NOT``): what
    the item is ("Model rocket kit") does not count."""
    if _USE_RE.search(text) is None:  # (every purpose holds a use word)
        return False
    return _PURPOSE_RE.search(_USE_NOT.sub(" ", text)) is not None


def _use_kind(text: str) -> str:
    """How ``_use_named`` names the end use of a flagged cell."""
    kind = normalize_end_user_type(text)
    if kind in PART_744_TYPES or (kind not in MILITARY_TYPES and re.search(
            r"(?i)nuclear|atomic|missil|ballistic|warhead|chemical|biolog|nerve|sarin|anthrax"
            r"|uav|drone|unmanned|supercomput|hypersonic|uranium|plutonium|reactor|导弹|導彈"
            r"|核|无人机|無人機|超算|ракет|ядерн|ミサイル|미사일", text)):
        return "744" if kind not in MILITARY_TYPES else "both"
    return "military"


#: Header words saying where the goods end up ("Ultimate Destination City", "Delivery
#: Address", "Ship To City"); not where they pass (transit, transshipment, port of
#: discharge: Rotterdam for Germany, Hong Kong for China).
_DESTINATION_WORDS = frozenset({"destination", "dest", "delivery", "deliver", "ultimate",
                                # (s24 hunt: "Diverted To: Hong Kong" was CLEAR)
                                "diverted", "diversion", "rerouted", "redirected",
                                "final",
                                # (s28 hunt: "Re-routed to", "Reroute", "Relocated to",
                                # "Importing Country", "Country of Import": Pakistan there,
                                # on a 3A001.a.2 line to Germany, was CLEAR)
                                "reroute", "routed", "relocated", "import", "importing"})
#: A country column corrected or overriding the one read ("Country (actual)", "Ctry
#: (upd.)", "Land (korrigiert)", "Pays (corrigé)"): where the goods end up too.
_COUNTRY_WORDS = frozenset({"country", "ctry", "cntry", "land", "pays", "pais", "país",
                            "nation", "territory"})
_REVISED_WORDS = frozenset({"actual", "corrected", "correction", "revised", "revision", "new",
                            "override", "overridden", "updated", "upd", "update", "changed",
                            "amended", "real", "true", "korrigiert", "neu", "aktuell",
                            "corrigé", "corrige", "nouveau", "nuevo", "corregido",
                            "actualizado"})
_CHINA_NAMES = {"HK": "Hong Kong", "MO": "Macau", "CN": "China"}
#: Header words of columns naming places the goods leave from or pass through on paper (an
#: Incoterms place, a place of receipt, an issuing office, a carrier or a bank): Hong Kong
#: or China there is not where the goods go (s27 second look: every line of a China-linked
#: ERP export was flagged by "FOB Shanghai", "Issuing Office: Hong Kong", "China Airlines").
_NOT_WHERE_SENT = frozenset({
    "receipt", "payable", "issuing", "issued", "office", "incoterm", "incoterms", "carrier",
    "vessel", "airline", "payment", "bank", "sales", "rep", "marks", "packing", "point",
    "org", "organisation", "organization", "currency", "invoice", "origin", "made",
    "manufacturer", "manufactured", "supplier", "vendor", "shipper", "loading"})


def _says_not_where_sent(header: str) -> bool:
    return not set(header_key(header).split()).isdisjoint(_NOT_WHERE_SENT)


def _party_place(text: str) -> str | None:
    return place_in_parts(text, party=True)
#: A time after a date that is no time of day ("24:00", "47:00", "23:60").
_CLOCK_RE = re.compile(r"(?<=\d[ T])(?:2[4-9]|[3-9]\d):\d\d(?::\d\d)?|"
                       r"(?<=\d[ T])\d{1,2}:(?:[6-9]\d)(?::\d\d)?|"
                       r"(?<=\d[ T])\d{1,2}:\d\d:(?:[6-9]\d)")


#: Words saying where the goods go when "to" follows ("Ship To", "Sent To", "Goes To";
#: s26: "Sent To", "Transfer To" and "Final" holding "Hong Kong" were not read).
_GOING_TO_WORDS = frozenset({"ship", "shipped", "sent", "send", "goes", "going", "go",
                             "transfer", "transferred", "forwarded", "forward", "moved",
                             "onward", "onwards", "shipping"})


def _says_where_goods_end_up(header: str) -> bool:
    """Whether a header names where the goods end up (a column no field reads)."""
    words = header_key(header).split()
    return not _DESTINATION_WORDS.isdisjoint(words) or (
        "to" in words and not _GOING_TO_WORDS.isdisjoint(words)) or (
        not _COUNTRY_WORDS.isdisjoint(words) and not _REVISED_WORDS.isdisjoint(words))


def _says_only_where_from(header: str) -> bool:
    """Whether a header names only where the goods come from (an origin, a maker)."""
    words = set(header_key(header).split())
    return not words.isdisjoint(_NOT_WHERE_GOODS_GO) and words.isdisjoint(_WHERE_GOODS_GO)


def is_ditto(text: str) -> bool:
    """"do.", "do", "-do-", "id." in a country cell: a ledger's "ditto" or "idem" (same as
    above), not the code of the Dominican Republic or Indonesia, written "DO" and "ID" (s21
    hunts: "do." under a 3A090.a line to China was screened to the Dominican Republic,
    CLEAR; so were "-do-", "…do…", and "id." to Indonesia)."""
    if text in ("DO", "ID"):
        return False
    core = "".join(ch for ch in text.casefold() if ch.isalnum())
    # ("id" or "Id", not in capitals, is "idem" as much as Indonesia; "s.a." is "same as" as
    # much as Saudi Arabia or South Africa: s27 hunt, each CLEAR to Indonesia or Saudi Arabia
    # under a line to Hong Kong.)
    return (core in ("do", "id", "idem", "dito", "dto", "sa") and core != text.casefold()) or \
        text.casefold() in ("do", "id", "idem", "dito", "dto")


#: What a ditto mark could be taken for, as the finding says it ("DO" or "Dominican Republic").
_DITTO_ALIKE = {"do": '"DO" or "Dominican Republic"', "dito": '"DO" or "Dominican Republic"',
                "dto": '"DO" or "Dominican Republic"', "id": '"ID" or "Indonesia"',
                "idem": '"ID" or "Indonesia"',
                "sa": '"SA" or "Saudi Arabia", "ZA" or "South Africa"'}


def _ditto_alike(text: str) -> str:
    core = "".join(ch for ch in text.casefold() if ch.isalnum())
    return _DITTO_ALIKE.get(core, '"DO" or "Dominican Republic"')


#: English words that are also two-letter country codes: written in capitals they are the
#: codes ("NO" Norway, "IN" India, "IT" Italy), otherwise the word ("no", "In", "to": a
#: remark, not Tonga); s21 hunt: "no" under a line to Norway's code was read, CLEAR.
_WORD_CODES = frozenset({"no", "in", "is", "it", "to", "be", "am", "at", "by", "me", "my",
                         "so", "as", "us", "pe", "re"})


def _code_country(text: str) -> str:
    """The country whose code ``text`` is, in capitals ("Norway" for "no")."""
    import pycountry

    country = pycountry.countries.get(alpha_2=text.upper())
    return getattr(country, "name", text.upper())


def is_word_code(text: str) -> bool:
    """A country cell holding an English word that is a country code only in capitals, as
    written or with a full stop or in full-width letters ("no.", "It.", "ｎｏ": s22 second
    review, read as Norway and Italy)."""
    if len(text) > 3:
        return False
    core = unicodedata.normalize("NFKC", text).rstrip(".")
    return len(core) == 2 and (core != core.upper() or core != text) and \
        core.casefold() in _WORD_CODES


class RowConverter:
    """Converts raw rows of one source with one mapping."""

    def __init__(self, source: TableSource, mapping: ColumnMapping, aliases: dict[str, str],
                 exception_codes: frozenset[str], date_order: DateOrder | None,
                 as_of: dt.date | None, run_date: dt.date | None = None,
                 notes_above: Sequence[tuple[int, int, str]] = ()):
        """``notes_above``: (row, column, text) of the cells above the header row."""
        self.source, self.mapping = source, mapping
        #: Notes above the header row that send the goods to Hong Kong, Macau or China, or
        #: name an ECCN: (row, column, text, place code or None, ECCNs named). Every line is
        #: held against them (s28 hunt: "Re-export to Hong Kong" and "Reclassified
        #: 3A001.a.2" above the header of an EAR99 file to Germany: every line CLEAR).
        self.notes = tuple(
            (row, column, text, place_sent_to(text), eccns_named_in(text))
            for row, column, text in notes_above
            if place_sent_to(text) is not None or eccns_named_in(text))
        self.codes = exception_codes
        self.as_of = as_of
        self.width = len(mapping.headers)
        #: The columns up to the header row's last named one: a cell right of them is in no
        #: column (a workbook's rows come as wide as its sheet, which may reach further).
        self.headed = 1 + max((i for i, h in enumerate(mapping.headers) if clean_text(h)),
                              default=-1)
        cols = mapping.columns
        self.i = {f: cols.get(f) for f in Field}
        self.has_date_column = Field.EXPORT_DATE in cols
        extras = extra_party_columns(mapping)
        self.latest_date = latest_export_date(run_date or dt.date.today())
        #: Columns whose cells must be plain text to be trusted (others are only recorded):
        #: what decides a line's licensing, and the names screened against the lists (a
        #: listed name written backwards after U+202E displays as itself).
        self.guarded = tuple(index for f in (Field.DESTINATION, Field.ULTIMATE_DESTINATION,
                                             Field.ECCN, Field.EXPORT_DATE, *GUARDED_TEXT)
                             if (index := cols.get(f)) is not None) + extras
        #: Of those, the party names (``hides_in_a_name``).
        self.names = frozenset(index for f in NAME_FIELDS
                               if (index := cols.get(f)) is not None) | set(extras)
        self._country = _memo(lambda text: None if text.casefold() in PLACEHOLDERS
                              or is_ditto(text) or is_word_code(text)
                              else normalize_country(text, aliases))
        self._eccn = _memo(normalize_eccn)
        # A workbook counting dates from 1904: its day counts are 1,462 days later than
        # the 1900 system reads them (s23 hunt: a number in the date column was read, and
        # shown for confirmation, four years early).
        shift = 1462 if source.date1904 else 0
        self._date = _memo(lambda value: parse_date(
            (float(value) + shift if value.__class__ is str else value + shift)
            if shift and reads_as_day_count(value) else value,
            date_order, self.latest_date))
        self._exception = _memo(normalize_license_exception)
        self._end_user = _memo(normalize_end_user_type)
        self.owner_columns = [(f, cols[f]) for f in OWNER_FIELDS if f in cols]
        #: Other parties (purchaser, notify party, and party columns under another name
        #: beside one read: ``extra_party_columns``): (role as headed, column).
        self.other_party_columns = [(mapping.header_for(f), cols[f])
                                    for f in OTHER_PARTY_FIELDS if f in cols] + \
            [(further_party_role(mapping.headers[i]), i) for i in extras]
        #: Columns whose cell, covered by a merged range, makes the line ERROR: those the
        #: screening reads (an invoice number or value merged over its lines is read empty,
        #: as before: nothing is decided on it).
        self.merge_checked = frozenset(index for f, index in cols.items()
                                       if f not in _NOT_SCREENED) | set(extras)
        #: Columns whose cells are looked at for a place under a part 746 embargo: the
        #: consignee address, and every column no field reads but one saying where the
        #: goods come from ("End User Address", "Transshipment Country", "Remarks": s21 hunt,
        #: "Tehran, Iran" there was CLEAR).
        mapped = set(cols.values()) | self.names
        self.place_columns = tuple(
            ([cols[Field.CONSIGNEE_ADDRESS]] if Field.CONSIGNEE_ADDRESS in cols else []) + [
                index for index in range(self.headed) if index not in mapped
                and not _says_only_where_from(mapping.headers[index])])
        #: Of those, the columns no field reads whose header says where the goods end up:
        #: a country, or a city of China, Hong Kong or Macau, there that is not the line's
        #: destination is a finding (s23 hunt: "Shenzhen, China" under "Ultimate
        #: Destination City" on a line to Germany was CLEAR).
        self.destination_columns = tuple(
            index for index in self.place_columns if index not in mapped
            and _says_where_goods_end_up(mapping.headers[index]))
        self._named_country = _memo(lambda text: country_named_in(text, aliases))
        #: Columns whose cells are looked at for Hong Kong, Macau or mainland China where
        #: the line is not screened to: the place columns and the party names (s27 hunt:
        #: "Kowloon, Hong Kong" as the delivery address, "Re-export to Hong Kong" as a remark,
        #: "Victoria Components (Hong Kong) Limited" as the end user, on lines to Germany,
        #: were CLEAR).
        #: How each is read (``screening.china_places``): an address or a party's name by
        #: its parts, a column saying where goods end up for any place, any other for a
        #: place the goods are sent to (or only a place), so that "Made in China" or "China
        #: Steel Corporation" are not read as a destination.
        address = cols.get(Field.CONSIGNEE_ADDRESS)
        readings: dict[int, Callable[[str], str | None]] = {}
        if (described := cols.get(Field.DESCRIPTION)) is not None:
            readings[described] = place_sent_to  # "Rad-hard ICs for re-export to Hong Kong"
        for index in sorted(set(self.place_columns) | self.names):
            if index == address:
                readings[index] = place_in_parts
            elif index in self.names:
                readings[index] = _party_place
            elif index in self.destination_columns:
                readings[index] = place_anywhere
            elif not _says_not_where_sent(mapping.headers[index]):
                readings[index] = place_sent_to
        self.china_columns = tuple(sorted(readings))
        self._china = {index: _memo(reading) for index, reading in readings.items()}
        self._described = _memo(eccns_named_in)
        #: Columns looked at for an ECCN other than the line's: the description, and the
        #: columns no field reads whose header may give a classification or remarks.
        described = cols.get(Field.DESCRIPTION)
        self.eccn_columns = ((described,) if described is not None else ()) + tuple(
            index for index in range(self.headed) if index not in mapped
            and says_classification(mapping.headers[index]))
        #: Columns no field reads whose header names the day the goods really left
        #: ("Actual Ship Date", "ATD") beside the export date read (s24 hunt: "Ship Date"
        #: 2020-12-01 was read, "Actual Ship Date" 2021-01-05 left unread: CLEAR).
        date_column = cols.get(Field.EXPORT_DATE)
        self.actual_date_columns = tuple(
            index for index in range(self.headed) if index not in mapped and
            date_column is not None and says_actual_date(mapping.headers[index]))
        #: The description, and the columns no field reads that say what the goods are for
        #: ("Intended End Use", "Remarks"): a military or part 744 end use there is a
        #: finding (``says_what_for``; s33 review: "Routers for installation at PLA Navy
        #: base" and "For use in nuclear weapons design" as descriptions were CLEAR).
        self.description_column = described
        self.use_columns = ((described,) if described is not None else ()) + tuple(
            index for index in range(self.headed) if index not in mapped
            and says_what_for(clean_text(mapping.headers[index])))
        #: Of the columns looked at for places and end uses, those no field reads: a cell of
        #: them a merged range covers is empty in the file, though Excel shows the range's
        #: text there (s23 hunt: "For nuclear weapons development" merged over three lines
        #: was a finding on the first only, the others CLEAR); a formula's is what it saved,
        #: if anything (s23 review: one saved without its value read as blank, CLEAR).
        self.looked_at_only = frozenset((*self.place_columns, *self.use_columns)) \
            - self.merge_checked
        #: Every column read, by header: formula, merged and untrusted cells in any of
        #: them are findings (the further party columns have no field).
        self.read_columns = [(mapping.header_for(f), index) for f, index in self.i.items()
                             if index is not None] + \
            [(mapping.headers[index], index) for index in extras]

    def convert(self, number: int, values: list[Any]) -> ShipmentLine | None:
        """None for an entirely blank row (not a data row)."""
        texts = [clean_text(v) for v in values]
        if not any(texts) and number not in self.source.formula_rows:
            return None
        if len(texts) < self.width:
            texts.extend([""] * (self.width - len(texts)))
            values = list(values) + [""] * (self.width - len(values))
        i = self.i
        if self.source.formula_cells:
            blocked = {index for _header, index in self.read_columns
                       if (number, index) in self.source.formula_cells}
        else:
            blocked = set()
        if self.source.merged_cells:  # shown as the range's first cell, empty in the file
            blocked |= {index for index in self.merge_checked
                        if (number, index) in self.source.merged_cells}
        tainted: dict[int, str] = {}
        for index in self.guarded:
            raw = values[index]
            if raw.__class__ is str and not raw.isprintable() and (
                    hides_in_a_name(raw) if index in self.names else untrusted_characters(raw)):
                tainted[index] = raw
        if tainted:  # never normalised: the line is ERROR, the finding shows the escapes
            blocked |= set(tainted)
        get = [texts[index] if index is not None and index not in blocked else ""
               for index in (i[Field.LINE_ID], i[Field.DESTINATION],
                             i[Field.ULTIMATE_DESTINATION], i[Field.ECCN],
                             i[Field.LICENSE_EXCEPTION], i[Field.LICENSE_NUMBER],
                             i[Field.END_USER_TYPE])]
        line_id, dest_text, ult_text, eccn_text, exc_text, lic_text, eut_text = get
        destination = self._country(dest_text) if dest_text else None
        ultimate = self._country(ult_text) if ult_text else None
        eccn = self._eccn(eccn_text) if eccn_text else None

        export_date, assumed, date_problem = None, False, None
        day_number = False  # the date was a number, read as an Excel day count
        near_midnight = False  # a date and time a spreadsheet shows as the next day
        out_of_range: dt.date | None = None
        date_index = i[Field.EXPORT_DATE]
        if not self.has_date_column:
            export_date, assumed = self.as_of, True
        elif date_index not in blocked:
            raw = values[date_index]
            date_value = raw if raw.__class__ is not str else texts[date_index]
            export_date, date_problem = self._date(date_value)
            if export_date is not None and not (
                    EARLIEST_EXPORT_DATE <= export_date <= self.latest_date):
                date_problem, out_of_range = DateProblem.OUT_OF_RANGE, export_date
                export_date = None
            day_number = export_date is not None and reads_as_day_count(date_value)
            if export_date is not None and shown_as_next_day(date_value):
                near_midnight = True

        exception = self._exception(exc_text) if exc_text else None
        license_number = None
        if lic_text and not no_licence_held(lic_text):
            as_code = self._exception(lic_text)
            if as_code == "NLR" or as_code in self.codes:
                exception = exception or as_code  # "NLR" typed in the licence column
            else:
                license_number = lic_text
        value, value_ok = self._amount(values, texts, i[Field.VALUE], blocked)
        quantity, quantity_ok = self._amount(values, texts, i[Field.QUANTITY], blocked)

        problems: tuple[Finding, ...] = ()
        if (blocked or destination is None or eccn is None or date_problem is not None
                or export_date is None or (ult_text and ultimate is None)
                or not value_ok or not quantity_ok):
            problems = self._problems(number, texts, blocked, tainted, destination, ultimate,
                                      eccn, export_date, date_problem, out_of_range,
                                      value_ok, quantity_ok)
        if problems and destination is None:
            self._refuse_other_header(number, values)
        if day_number and export_date is not None:
            problems = (*problems, self._day_number(number, texts, export_date))
        elif export_date is not None and self.source.dayless_cells and \
                (shown := self.source.dayless_cells.get((number, date_index))) is not None:
            problems = (*problems, self._dayless(number, export_date, shown))
        if self.source.comments:
            problems = (*problems, *(
                self._commented(number, index, text) for index in range(self.width)
                if (text := self.source.comments.get((number, index))) is not None))
        if self.source.masked_cells:
            for shown, index in self.read_columns:
                if (code := self.source.masked_cells.get((number, index))) is not None:
                    problems = (*problems, self._masked(number, index, shown, texts[index],
                                                        code))
        if export_date is not None:
            for index in self.actual_date_columns:
                other = values[index]
                if other not in (None, "") and other != values[date_index] and (
                        found := self._actual_date(number, index, other, export_date)):
                    problems = (*problems, found)
        if near_midnight and export_date is not None:
            problems = (*problems, self._near_midnight(number, values, export_date))
        if len(texts) > self.headed and any(texts[self.headed:]):
            problems = (*problems, self._beyond_header(number, texts))
        flagged: set[int] = set()  # columns already named in a finding of where goods go
        for index in self.place_columns:
            if texts[index] and index not in blocked and \
                    (elsewhere := self._place_elsewhere(number, index, texts[index],
                                                        destination, ultimate)) is not None:
                problems = (*problems, elsewhere)
                flagged.add(index)
        for index in self.use_columns:
            if texts[index] and index not in blocked and self.flags_use(index, texts[index]):
                problems = (*problems, self._use_named(number, index, texts[index]))
        for index in self.destination_columns:
            if texts[index] and index not in blocked and \
                    (other := self._destination_elsewhere(
                        number, index, texts[index], destination, ultimate,
                        export_date)) is not None:
                problems = (*problems, other)
                flagged.add(index)
        for index in self.eccn_columns if eccn is not None else ():
            if texts[index] and index not in blocked and \
                    (other := eccns_other_than(self._described(texts[index]), eccn)):
                problems = (*problems, self._eccn_described(number, index, texts[index],
                                                            other, eccn))
        for note in self.notes:
            if (found := self._note_above(note, destination, ultimate, export_date,
                                          eccn)) is not None:
                problems = (*problems, found)
        if destination is not None:
            for index in self.china_columns:
                text = texts[index]
                if text and index not in blocked and index not in flagged and \
                        (code := self._china[index](text)) is not None and \
                        self.china_elsewhere(code, destination, ultimate, export_date):
                    problems = (*problems, self._china_named(number, index, text, code,
                                                             destination, ultimate))
        if self.source.merged_cells:
            for index in sorted(self.looked_at_only):
                if (merged := self.source.merged_cells.get((number, index))) is not None:
                    problems = (*problems, *self._merged_shown(number, index, merged,
                                                               destination, ultimate,
                                                               export_date))
        if self.source.formula_cells:
            for index in sorted(self.looked_at_only):
                where = (number, index)
                if where in self.source.formula_cells and where not in self.source.error_cells:
                    problems = (*problems, self._formula_not_looked_at(number, index))
        eut = self._end_user(eut_text) if eut_text else None
        owners: tuple[tuple[str, str], ...] = ()
        share = None
        if self.owner_columns:
            owners = tuple((self.mapping.header_for(f), texts[index])
                           for f, index in self.owner_columns
                           if texts[index] and index not in blocked)
            share, share_problem = self._share(number, values, texts, blocked)
            if share_problem:
                problems = (*problems, share_problem)

        others = tuple((role, texts[index]) for role, index in self.other_party_columns
                       if texts[index] and index not in blocked)

        def text(f: Field) -> str | None:
            index = i[f]
            return texts[index] or None if index is not None and index not in blocked else None

        return ShipmentLine(
            number, line_id or str(number), tuple(texts), destination, ultimate, export_date,
            eccn, exception, license_number, text(Field.END_USER), eut, text(Field.CONSIGNEE),
            value, quantity, text(Field.DESCRIPTION), text(Field.HS_CODE), assumed, problems,
            owners, share, others)

    def _refuse_other_header(self, number: int, values: list[Any]) -> None:
        """A row that is a header row naming the columns otherwise than the header row (a
        second table pasted below the first): the rows below it would be read with the
        first table's columns, a listed end user as the end-user type (an independent
        review: two lines CLEAR). Refused, naming what moved. The same header repeated
        (a page break's) is left to its line's own ERROR."""
        texts = [clean_text(v) for v in values]
        if not _HEADER_WORD_RE.search(" ".join(texts).casefold()):
            return  # no destination or ECCN header in it (the test below costs more)
        score, names_key_field = score_row(values)
        if not names_key_field or score < 3:
            return
        headers = [clean_text(h) for h in self.mapping.headers]
        if [t.casefold() for t in texts if t] == [h.casefold() for h in headers if h]:
            return  # the header row again
        other = auto_mapping(values, number).columns
        read = self.mapping.columns
        # A field it places elsewhere, or one the header row does not read there (a column
        # read as the description that it heads "End User").
        moved = [(f, other[f], read.get(f)) for f in other if other[f] != read.get(f)]
        if not moved:
            return
        read_as = {index: f.value for f, index in read.items()}
        said = "; ".join(f"{f.value} in column {column_letter(new)}, "
                         + (f"not {column_letter(old)}" if old is not None else
                            f"read above as {read_as[new]}" if new in read_as else
                            "unread above")
                         for f, new, old in moved[:3])
        raise IngestError(
            str(self.source.path), f"a second header row, placing the columns otherwise "
            f"than the header row (row {self.mapping.header_row}): {said}. The rows below it "
            f"are another table (or a summary), and would be read with the first table's "
            f"columns. Put each table in a sheet of its own and screen each one (--sheet), "
            f"give both tables the same columns, or delete the summary", sheet=self.source.sheet,
            row=number)

    def _day_number(self, number: int, texts: list[str], date: dt.date) -> Finding:
        """A number in the date column is Excel's count of days, most likely: but the cell
        does not say so, and the rules for Hong Kong changed on 2020-06-30 and 2020-12-23,
        so the reading is shown for the officer to confirm (the line cannot be CLEAR)."""
        index = self.i[Field.EXPORT_DATE]
        assert index is not None
        return Finding("DATE_FROM_DAY_NUMBER", Severity.REVIEW, (
            f"{self.source.cell_ref(number, index)}: the export date {_quote(texts[index])} "
            f"is a number, not a date; it was read as an Excel day count: "
            f"{date.isoformat()}. Confirm the export date (format the "
            f"{self.mapping.header_for(Field.EXPORT_DATE)!r} column as dates in the "
            f"spreadsheet, or write dates such as {date.isoformat()})."))

    def _place_elsewhere(self, number: int, index: int, text: str, destination: str | None,
                         ultimate: str | None) -> Finding | None:
        """REVIEW for a consignee address, or a cell of a column no field reads, naming a
        place under a part 746 embargo the line is not screened to ("Tehran, Iran" on a line
        to Hong Kong; "Simferopol, Crimea" to Ukraine): where the goods go is in doubt, a
        red flag (s20 hunt: CLEAR)."""
        found = embargoed_place(text)
        if found is None or found[0] in (destination, ultimate):
            return None
        _code, name, section = found
        cell = self.source.cell_ref(number, index)
        screened = (f"but the line is screened to {destination or 'no readable destination'}: "
                    f"confirm where the goods go and who receives them (a red flag, 15 CFR "
                    f"part 732 Supp. No. 3); a shipment to the embargoed place needs the "
                    f"licence that section requires.")
        if index == self.i[Field.CONSIGNEE_ADDRESS]:
            shown = self.mapping.header_for(Field.CONSIGNEE_ADDRESS)
            return Finding("ADDRESS_IN_EMBARGOED_PLACE", Severity.REVIEW, (
                f"{cell}: the consignee address {_quote(text)} ({shown!r} column) names "
                f"{name}, under the embargo of {section}, {screened}"))
        shown = self._column_shown(index)
        return Finding("EMBARGOED_PLACE_NAMED", Severity.REVIEW, (
            f"{cell}: {_quote(text)} ({shown!r} column, which no field reads) names {name}, "
            f"under the embargo of {section}, {screened}"))

    def _commented(self, number: int, index: int, text: str) -> Finding:
        """REVIEW for a line with a note or comment on one of its cells: the sheet shows it
        beside the cell, and it may change what the line is (s28 hunt: "Goods re-exported
        to Hong Kong" noted on a "Germany" cell was passed over: CLEAR)."""
        shown = self._column_shown(index) if index < len(self.mapping.headers) else ""
        column = f" (the {shown!r} column)" if shown else ""
        return Finding("CELL_COMMENT", Severity.REVIEW, (
            f"{self.source.cell_ref(number, index)}{column} has a comment: "
            f"{_quote(text[:300])}. A comment may change where the goods go, what they are or "
            f"who gets them: confirm it changes nothing screened, or correct the line."))

    def _note_above(self, note: tuple[int, int, str, str | None, frozenset[str]],
                    destination: str | None, ultimate: str | None, date: dt.date | None,
                    eccn: Eccn | None) -> Finding | None:
        """REVIEW for a line a note above the header row may be about: it sends goods to
        Hong Kong, Macau or China where the line is screened elsewhere, or names another
        ECCN than the line's."""
        row, column, text, code, named = note
        says = []
        if code is not None and destination is not None and \
                self.china_elsewhere(code, destination, ultimate, date):
            says.append(f"names {_CHINA_NAMES[code]}, but the line is screened to "
                        f"{ultimate or destination}")
        if eccn is not None and named and (other := eccns_other_than(named, eccn)):
            says.append(f"names ECCN {', '.join(sorted(other))}, but the line is "
                        f"classified {eccn.text}")
        if not says:
            return None
        return Finding("NOTE_ABOVE_HEADER", Severity.REVIEW, (
            f"{self.source.cell_ref(row, column)}, above the header row: {_quote(text)} "
            f"{' and '.join(says)}. A note above the header row may be about every line: "
            f"confirm where the goods go and how they are classified."))

    def _eccn_described(self, number: int, index: int, text: str, named: frozenset[str],
                        eccn: Eccn) -> Finding:
        """REVIEW for a description naming another ECCN than the line's classification (s27
        hunt: "ECCN 3A001.a.2 radiation-hardened ICs" on an EAR99 line to Hong Kong was
        CLEAR): one of the two is wrong, and the licence follows the right one."""
        if index == self.i[Field.DESCRIPTION]:
            return Finding("DESCRIPTION_NAMES_ECCN", Severity.REVIEW, (
                f"{self.source.cell_ref(number, index)}: the description {_quote(text)} names "
                f"ECCN {', '.join(sorted(named))}, but the line is classified {eccn.text}. "
                f"Confirm the item's classification: the licence follows it."))
        # (s28 hunt: "3A001.a.2" under "Reclassified as" beside an EAR99 line was CLEAR.)
        return Finding("ECCN_NAMED_ELSEWHERE", Severity.REVIEW, (
            f"{self.source.cell_ref(number, index)}: {_quote(text)} (the "
            f"{self._column_shown(index)!r} column, which no field reads) names ECCN "
            f"{', '.join(sorted(named))}, but the line is classified {eccn.text} (the "
            f"{self.mapping.header_for(Field.ECCN)!r} column). Confirm the item's "
            f"classification: the licence follows it. If that column holds it, map it as "
            f"the ECCN (--mapping eccn=...)."))

    @staticmethod
    def china_elsewhere(code: str, destination: str | None, ultimate: str | None,
                        date: dt.date | None) -> bool:
        """Whether Hong Kong, Macau or China (``code``), named in a cell, is a place the line
        is not screened to: neither of its destinations, nor licensed as one of them on
        ``date`` (Hong Kong as China from 2020-12-23)."""
        if code in (destination, ultimate):
            return False
        return not (code in ("HK", "CN") and {destination, ultimate} & {"HK", "CN"}
                    and date is not None and date >= HK_AS_CHINA_FROM)

    def _china_named(self, number: int, index: int, text: str, code: str,
                     destination: str, ultimate: str | None) -> Finding:
        """REVIEW for a party's name, a consignee address or a cell no field reads naming
        Hong Kong, Macau or China on a line screened elsewhere: the goods may go there."""
        place = _CHINA_NAMES[code]
        shown = self._column_shown(index)
        if index == self.i[Field.CONSIGNEE_ADDRESS]:
            what = f"the consignee address ({shown!r} column)"
        elif index in self.names:
            what = f"a party's name ({shown!r} column)"
        else:
            what = f"{shown!r} column, which no field reads"
        screened = destination + (f", ultimate destination {ultimate}"
                                  if ultimate and ultimate != destination else "")
        return Finding("PLACE_NAMED_ELSEWHERE", Severity.REVIEW, (
            f"{self.source.cell_ref(number, index)}: {_quote(text)} ({what}) names {place}, "
            f"but the line is screened to {screened}. Confirm where the goods go and who "
            f"receives them (a red flag, 15 CFR part 732 Supp. No. 3): if they go to "
            f"{place}, the licence this line needs is {place}'s (Hong Kong is licensed as "
            f"China from 2020-12-23)."))

    def _column_shown(self, index: int) -> str:
        """A column no field reads, as a finding names it: its header, else its letter."""
        return self.mapping.headers[index] or f"column {column_letter(index)}"

    def named_elsewhere(self, text: str, destination: str | None, ultimate: str | None,
                        date: dt.date | None) -> str | None:
        """The country a destination column's cell names, if it is neither of the line's
        destinations, nor licensed as one of them on ``date`` (Hong Kong as China); a
        placeholder or a place under an embargo (its own finding) is none."""
        if text.casefold() in PLACEHOLDERS or is_ditto(text):
            return None
        code = self._named_country(text)
        if code is None or code in (destination, ultimate) or embargoed_place(text):
            return None
        if code in ("HK", "CN") and ({destination, ultimate} & {"HK", "CN"}) and \
                date is not None and date >= HK_AS_CHINA_FROM:
            return None
        return code

    def _destination_elsewhere(self, number: int, index: int, text: str,
                               destination: str | None, ultimate: str | None,
                               date: dt.date | None) -> Finding | None:
        """REVIEW for a cell of a column saying where the goods end up that names another
        country than the line is screened to: the licence may be that country's."""
        code = self.named_elsewhere(text, destination, ultimate, date)
        if code is None:
            return None
        shown = self._column_shown(index)
        screened = destination or "no readable destination"
        if ultimate and ultimate != destination:
            screened += f", ultimate destination {ultimate}"
        return Finding("DESTINATION_NAMED_ELSEWHERE", Severity.REVIEW, (
            f"{self.source.cell_ref(number, index)}: {_quote(text)} ({shown!r} column, which "
            f"no field reads) names {_code_country(code)} ({code}), but the line is screened "
            f"to {screened}. If the goods go there, the licence this line needs is that "
            f"destination's: map the column as the ultimate destination, or correct the "
            f"line's destination."))

    def flags_use(self, index: int, text: str) -> bool:
        """Whether ``text`` (clean), in column ``index`` of ``use_columns``, names an end
        use to review: a description only as what its item is for."""
        return describes_flagged_use(text) if index == self.description_column \
            else names_flagged_use(text)

    def _use_named(self, number: int, index: int, text: str) -> Finding:
        """REVIEW for a description, or a cell of a column no field reads, that names a
        military end use, or an end use part 744 controls whatever the item ("For nuclear
        weapons development" under "Intended End Use"): the licence may not be the Country
        Chart's."""
        kind = _use_kind(text)
        uses = [] if kind == "744" else ["a military end use (15 CFR 744.21, 744.22)"]
        if kind != "military":
            uses.append("an end use part 744 controls for every item, EAR99 included (15 CFR "
                        "744.2 nuclear, 744.3 rockets, missiles and unmanned aerial vehicles, "
                        "744.4 chemical and biological weapons, 744.23 supercomputers and "
                        "advanced chips)")
        shown = self._column_shown(index)
        which = "read as the description" if index == self.description_column else \
            "which no field reads"
        return Finding("END_USE_NAMED", Severity.REVIEW, (
            f"{self.source.cell_ref(number, index)}: {_quote(text)} ({shown!r} column, "
            f"{which}) names {' and '.join(uses)}. Confirm the end use "
            f"and end user before shipping: the licence this line needs may not be the one "
            f"its classification and destination give (15 CFR part 732 Supp. No. 3)."),
            ("15 CFR 744.21", "15 CFR 744.2-744.4, 744.23"))

    def _merged_shown(self, number: int, index: int, merged: str, destination: str | None,
                      ultimate: str | None, date: dt.date | None) -> tuple[Finding, ...]:
        """The findings of the text Excel shows in a cell of a column looked at for places
        and end uses that a merged range covers: its first cell's, read with its row
        (the cell itself is empty in the file)."""
        if merged not in self.source.merged_text:  # not read (yet): say so
            return (self._merged_unread(number, index, merged),)
        if first_cell(merged) in self.source.formula_cells:  # no value, or in doubt
            return (self._formula_not_looked_at(number, index, merged),)
        text = clean_text(self.source.merged_text[merged])
        if not text:
            return ()
        found = []
        if index in self.place_columns and (elsewhere := self._place_elsewhere(
                number, index, text, destination, ultimate)) is not None:
            found.append(elsewhere)
        if index in self.use_columns and self.flags_use(index, text):
            found.append(self._use_named(number, index, text))
        if index in self.destination_columns and (other := self._destination_elsewhere(
                number, index, text, destination, ultimate, date)) is not None:
            found.append(other)
        first = merged.split(":", 1)[0]
        return tuple(replace(f, message=f"{f.message} (The cell is covered by the merged "
                                        f"range {merged}: Excel shows {first}'s text there.)")
                     for f in found)

    def _formula_not_looked_at(self, number: int, index: int, merged: str = ""
                               ) -> Finding:
        """REVIEW for a formula cell of a column looked at for places and end uses whose
        saved value is missing or may not be what Excel shows (``merged``: the range whose
        first cell it is, covering this one)."""
        shown = self._column_shown(index)
        where = first_cell(merged) if merged else (number, index)
        said = "may not be what Excel shows (it recalculates)" \
            if where in self.source.stale_cells \
            else "was not saved with it (the workbook was saved without recalculating)"
        cell = f"the merged range {merged} over the {shown!r} cell" if merged else \
            f"the {shown!r} cell"
        return Finding("FORMULA_NOT_LOOKED_AT", Severity.REVIEW, (
            f"{self.source.cell_ref(number, index)}: {cell} shows a formula whose value "
            f"{said}, so what it shows was not looked at for embargoed places, end uses or "
            f"destinations on this line. Open the workbook in Excel, let it calculate, save "
            f"and screen it again, or check the cell."))

    def _merged_unread(self, number: int, index: int, merged: str) -> Finding:
        """REVIEW for a cell of a column looked at for places and end uses that a merged
        range covers, whose first cell's text was not read."""
        shown = self._column_shown(index)
        first = merged.split(":", 1)[0]
        return Finding("MERGED_CELL_NOT_LOOKED_AT", Severity.REVIEW, (
            f"{self.source.cell_ref(number, index)}: the {shown!r} cell is covered by the "
            f"merged range {merged}: Excel shows {first}'s text across it, but this cell is "
            f"empty in the file, so what it shows was not looked at for embargoed places or "
            f"end uses on this line. Check {first} for this line, or unmerge the cells "
            f"(Home > Merge & Center > Unmerge Cells), fill the text into each row and "
            f"save."))

    def _actual_date(self, number: int, index: int, other: Any,
                     date: dt.date) -> Finding | None:
        """REVIEW for a line whose column of the day the goods really left holds another
        day than the export date read: the licence is that day's."""
        actual, _problem = self._date(other if other.__class__ is not str else
                                      clean_text(other))
        if actual is None or actual == date or actual < EARLIEST_EXPORT_DATE:
            # Blank, the same day, or no day yet: "TBD", "Open", SAP's "00.00.0000",
            # Excel's day 0 (s24 review: such cells flagged every line of a file screened
            # before shipment).
            return None
        shown = self._column_shown(index)
        read = self.mapping.header_for(Field.EXPORT_DATE)
        return Finding("ACTUAL_DATE_DIFFERS", Severity.REVIEW, (
            f"{self.source.cell_ref(number, index)}: the {shown!r} column says the goods "
            f"left on {actual.isoformat()}, but the "
            f"line was screened as of {date.isoformat()} (the {read!r} "
            f"column). The rules in force on the day of export decide the licence: map "
            f"{shown!r} as the export date (--mapping export_date={shown!r}) or correct it."))

    def _masked(self, number: int, index: int, shown: str, text: str, code: str) -> Finding:
        """REVIEW for a text cell the screening reads whose number format shows other text
        (s24 hunt: "Germany" under '0;-0;0;"Hong Kong"' shows as Hong Kong, and was read as
        Germany: CLEAR)."""
        if code.startswith(DRAWN_OVER):  # a shape drawn over the cell (s25 hunt)
            how = (f"{code[len(DRAWN_OVER):]} is drawn over it: what the sheet shows there "
                   f"may not be")
            fix = "move or delete the shape"
        else:
            how = (f"its number format ({code!r}) shows text cells as other text (or none): "
                   f"what the sheet shows is not")
            fix = "set the cell's format to General or Text"
        return Finding("VALUE_SHOWN_OTHERWISE", Severity.REVIEW, (
            f"{self.source.cell_ref(number, index)}: the {shown!r} cell holds "
            f"{_quote(text)}, but {how} what was screened. Confirm the value, {fix}, and "
            f"screen the file again."))

    def _near_midnight(self, number: int, values: list[Any], date: dt.date) -> Finding:
        """REVIEW for an export date held with a time half a second or less before
        midnight: spreadsheets round it to the second when they show it, so the sheet shows
        the next day (s24 hunt: 2020-12-22 23:59:59.999 to Hong Kong, shown as 2020-12-23,
        was CLEAR; from 2020-12-23 the line needs China's licence)."""
        index = self.i[Field.EXPORT_DATE]
        assert index is not None
        held = values[index]
        return Finding("DATE_AT_MIDNIGHT", Severity.REVIEW, (
            f"{self.source.cell_ref(number, index)}: the export date holds "
            f"{held.isoformat(sep=' ')}, which the sheet shows as "
            f"{(date + dt.timedelta(days=1)).isoformat()} (the time rounds to midnight); "
            f"the line was screened as of {date.isoformat()}. Confirm the day of export and "
            f"enter it without a time."))

    def _dayless(self, number: int, date: dt.date, shown: str) -> Finding:
        """A date cell formatted to show no day ("Nov-23" for 2023-11-01): the day it holds
        may be Excel's stand-in, not the export's, and the rules changed on given days
        (a 3A090 line to Vietnam shown as "Nov-23" was CLEAR; from 2023-11-17 it needs a
        licence)."""
        index = self.i[Field.EXPORT_DATE]
        assert index is not None
        if digits_beside_date(shown):
            return Finding("DATE_SHOWN_OTHERWISE", Severity.REVIEW, (
                f"{self.source.cell_ref(number, index)}: the export date's number format "
                f"({shown!r}) writes digits of its own beside the date, so the sheet may show "
                f"another date than the {date.isoformat()} it holds and was screened as of. "
                f"Confirm the export date and set the "
                f"{self.mapping.header_for(Field.EXPORT_DATE)!r} column's format to a plain "
                f"date (yyyy-mm-dd)."))
        if yearless_date_format(shown):
            # (s23 hunt: "1-Mar" holding 2020-03-01 to Hong Kong was CLEAR, the same day of
            # 2021 needs a licence; a date typed without its year takes the current one.)
            return Finding("DATE_WITHOUT_YEAR", Severity.REVIEW, (
                f"{self.source.cell_ref(number, index)}: the export date is formatted to "
                f"show no year (number format {shown!r}); the cell holds {date.isoformat()}, "
                f"whose year the sheet does not show (a date typed without one takes the "
                f"current year). Confirm the export date and format the "
                f"{self.mapping.header_for(Field.EXPORT_DATE)!r} column to show the year."))
        return Finding("DATE_WITHOUT_DAY", Severity.REVIEW, (
            f"{self.source.cell_ref(number, index)}: the export date is formatted to show no "
            f"day (number format {shown!r}); the cell holds {date.isoformat()}, which may "
            f"not be the day of export (typing \"Nov-23\" stores the 1st). Confirm the "
            f"export date and format the {self.mapping.header_for(Field.EXPORT_DATE)!r} "
            f"column to show the day."))

    def _beyond_header(self, number: int, texts: list[str]) -> Finding:
        """A row holding cells beyond the columns its header row names: a separator inside
        a cell that was not quoted shifts every cell after it, so the mapped columns may
        hold the wrong values (the line cannot be CLEAR)."""
        extra = [(col, text) for col, text in enumerate(texts) if col >= self.headed and text]
        shown = ", ".join(f"{self.source.cell_ref(number, col)} {_quote(text)}"
                          for col, text in extra[:3])
        more = f" and {len(extra) - 3} more" if len(extra) > 3 else ""
        if self.source.kind == "xlsx":  # (a note, another party or country typed beside it)
            return Finding("CELLS_BEYOND_HEADER", Severity.REVIEW, (
                f"{shown}{more}: right of the table's last named column "
                f"({column_letter(self.headed - 1)}), under no header, so not read. Check "
                f"whether they change this line (another destination, party or end use), "
                f"or give the column a header."))
        return Finding("CELLS_BEYOND_HEADER", Severity.REVIEW, (
            f"{shown}{more}: the row has {len(texts)} cells but the header row names "
            f"{self.headed} columns, so these cells are in no column. A separator inside a "
            f"cell that is not quoted shifts the cells after it: check that this row's "
            f"values are in the right columns."))

    def _share(self, number: int, values: list[Any], texts: list[str], blocked: set[int]
               ) -> tuple[float | None, Finding | None]:
        """The ownership percentage: "60", "60 %", or a spreadsheet percentage cell (0.6)."""
        index = self.i[Field.OWNERSHIP_PCT]
        if index is None or index in blocked or not texts[index]:
            return None, None
        raw = values[index]
        text = texts[index].replace("%", "").strip()
        share, ok = parse_number(raw if raw.__class__ is not str else text)
        if ok and share is not None and raw.__class__ is not str and 0 < share <= 1:
            share *= 100  # a cell formatted as a percentage holds the fraction
        if ok and share is not None and raw.__class__ is str and "%" not in texts[index] \
                and 0 < share <= 1 and any(texts[i] for _f, i in self.owner_columns):
            # "0.6" or "1" as text: a fraction (60%, 100%) or a percentage (0.6%, 1%)? The
            # 50% affiliates rule turns on it, so the share is left unknown for review.
            return None, Finding("OWNERSHIP_SHARE_AMBIGUOUS", Severity.REVIEW, (
                f"{self.source.cell_ref(number, index)}: the ownership share "
                f"{_quote(texts[index])} may be a fraction ({share * 100:g}%) or a percentage "
                f"({share:g}%) ({self.mapping.header_for(Field.OWNERSHIP_PCT)!r} column); "
                f"write it as {share * 100:g}% or {share:g}%."))
        if not ok or share is None or not 0 <= share <= 100:
            return None, Finding("INVALID_VALUE", Severity.ERROR, (
                f"{self.source.cell_ref(number, index)}: "
                f"{_quote(texts[index])} is not an ownership percentage from 0 to 100 "
                f"({self.mapping.header_for(Field.OWNERSHIP_PCT)!r} column)."))
        return round(share, 4), None

    @staticmethod
    def _amount(values: list[Any], texts: list[str], index: int | None,
                blocked: set[int]) -> tuple[float | None, bool]:
        if index is None or index in blocked or not texts[index]:
            return None, True
        raw = values[index]
        return parse_number(raw if raw.__class__ is not str else texts[index])

    def _problems(self, number: int, texts: list[str], blocked: set[int],
                  tainted: dict[int, str], destination: str | None, ultimate: str | None,
                  eccn: Any, export_date: dt.date | None, date_problem: DateProblem | None,
                  out_of_range: dt.date | None, value_ok: bool,
                  quantity_ok: bool) -> tuple[Finding, ...]:
        """The slow path: one finding per bad cell, naming the cell."""
        i, ref, header = self.i, self.source.cell_ref, self.mapping.header_for
        out: list[Finding] = []

        def add(code: str, index: int, message: str) -> None:
            out.append(Finding(code, Severity.ERROR, f"{ref(number, index)}: {message}"))

        for shown, index in self.read_columns:
            if index in tainted:
                chars = ", ".join(dict.fromkeys(
                    f"U+{ord(ch):04X} {unicodedata.name(ch, 'control character')}"
                    for ch in untrusted_characters(tainted[index])))
                add("UNTRUSTED_CHARACTERS", index,
                    f"{escaped(tainted[index])} holds invisible or control characters "
                    f"({chars}) that can make it display as something it is not; the "
                    f"{shown!r} cell was not read. Retype the value.")
        formulas = blocked - set(tainted)
        for f, index in i.items():
            if index is None or index in blocked or f not in _PLACEHOLDER_FIELDS:
                continue
            key = texts[index].casefold()
            if key == "na":
                add("PLACEHOLDER_VALUE", index, f'"{texts[index]}" is ambiguous: Namibia\'s '
                    f'code or "not available" ({header(f)!r} column). Write "Namibia" or '
                    f'"NAM" if Namibia is meant, otherwise the real value.')
            elif key in PLACEHOLDERS:
                add("PLACEHOLDER_VALUE", index, f"{_quote(texts[index])} is a placeholder, "
                    f"not a value ({header(f)!r} column); enter the real value.")
            elif f in _COUNTRY_FIELDS and is_ditto(texts[index]):
                add("DITTO_MARK", index, f"{_quote(texts[index])} reads as \"ditto\" (same "
                    f"as above), not as a country ({header(f)!r} column): enter the country "
                    f"on each line ({_ditto_alike(texts[index])} if that is meant).")
            elif f in _COUNTRY_FIELDS and is_word_code(texts[index]):
                add("COUNTRY_CODE_AS_WORD", index, f"{_quote(texts[index])} is a word, and "
                    f"the code of {_code_country(texts[index])} only in capitals "
                    f"({header(f)!r} column): write the country's code in capitals "
                    f"({texts[index].upper()!r}) or its name.")
        blocked = blocked | {index for f, index in i.items() if index is not None
                             and f in _PLACEHOLDER_FIELDS
                             and (texts[index].casefold() in PLACEHOLDERS
                                  or (f in _COUNTRY_FIELDS and (is_ditto(texts[index])
                                                                or is_word_code(texts[index]))))}
        for shown, index in self.read_columns:
            if index in formulas \
                    and (merged := self.source.merged_cells.get((number, index))) is not None:
                add("MERGED_CELL", index,
                    f"the {shown!r} cell is covered by the merged range {merged}: Excel "
                    f"shows the range's first cell across it, but this cell is empty in the "
                    f"file, so it was not read. Unmerge the cells (Home > Merge & Center > "
                    f"Unmerge Cells), fill the value into each row and save.")
            elif index in formulas \
                    and (error := self.source.error_cells.get((number, index))) is not None:
                add("EXCEL_ERROR_VALUE", index,
                    f"the {shown!r} cell holds the Excel error {error} instead of a "
                    f"value; correct the formula or the value in the workbook and save.")
            elif index in formulas \
                    and (stale := self.source.stale_cells.get((number, index))) is not None:
                formula, why = stale
                add("FORMULA_VALUE_STALE", index,
                    f"the {shown!r} cell is the formula ={formula[:80]}, whose saved "
                    f"value ({_quote(texts[index])}) may not be what Excel shows: "
                    + _STALE_WHY.get(why, _STALE_WHY["recalculates"])
                    + f"; enter the value itself ({shown!r} cell was not read).")
            elif index in formulas:
                add("FORMULA_NO_VALUE", index,
                    f"the {shown!r} cell is a formula with no calculated value (the "
                    f"workbook was saved without recalculating); open it in Excel, "
                    f"recalculate and save.")
        for f, code, what in ((Field.DESTINATION, destination, "the destination"),
                              (Field.ULTIMATE_DESTINATION, ultimate, None)):
            index = i[f]
            if index is None or index in blocked or code is not None:
                continue
            if texts[index] and embargoed_region(texts[index]):
                add("EMBARGOED_REGION", index, f"{_quote(texts[index])} ({header(f)!r} "
                    f"column) names a region of Ukraine under (or that may lie in) the "
                    f"embargo of 15 CFR 746.6 "
                    f"(the Crimea region, or the so-called Donetsk or Luhansk People's "
                    f"Republic), not a country: a licence is required for every item subject "
                    f"to the EAR but food and medicine designated EAR99 and certain "
                    f"internet-communications software. The line is not screened; hold it "
                    f"and review it (do not re-enter the destination as Ukraine).")
            elif texts[index]:
                add("INVALID_VALUE", index, f"{_quote(texts[index])} is not a country or "
                    f"territory hkscreen knows ({header(f)!r} column).")
            elif what:
                add("MISSING_VALUE", index, f"{what} is empty ({header(f)!r} column).")
        index = i[Field.EXPORT_DATE]
        if index is not None and index not in blocked:
            shown = _quote(texts[index])
            if date_problem is DateProblem.AMBIGUOUS:
                add("AMBIGUOUS_DATE", index, f"{shown} could be read day-first or "
                    f"month-first (or, with a two-digit year, year-first); set the date order "
                    f"(DMY, MDY or YMD) in the mapping or with --date-order, or write the "
                    f"year in full.")
            elif date_problem is DateProblem.OUT_OF_RANGE and out_of_range is not None:
                serial = (" (a small number is read as an Excel day count)"
                          if texts[index].replace(".", "", 1).isdigit() else "")
                add("DATE_OUT_OF_RANGE", index,
                    f"{shown} reads as {out_of_range.isoformat()}{serial}, outside the export "
                    f"dates hkscreen accepts ({EARLIEST_EXPORT_DATE.isoformat()} to "
                    f"{self.latest_date.isoformat()}, two years after this run); enter the "
                    f"real export date.")
            elif date_problem is DateProblem.INVALID:
                clock = _CLOCK_RE.search(texts[index])
                add("INVALID_VALUE", index, f"{shown} is not a date" + (
                    f": {clock.group(0)} is no time of day (00:00 to 23:59; 24:00 is the "
                    f"next day's 00:00, and the rules changed at midnight on 2020-06-30 and "
                    f"2020-12-23). Write the export date without the time, or the day the "
                    f"goods left." if clock else "."))
            elif export_date is None:
                add("MISSING_VALUE", index,
                    f"the export date is empty ({header(Field.EXPORT_DATE)!r} column).")
        index = i[Field.ECCN]
        if index is not None and index not in blocked and eccn is None:
            if texts[index]:
                add("INVALID_VALUE", index, f"{_quote(texts[index])} is not an ECCN "
                    f"(expected e.g. 5A992.c or EAR99).")
            else:
                add("MISSING_VALUE", index, f"the classification (ECCN or EAR99) is empty "
                    f"({header(Field.ECCN)!r} column).")
        for f, ok in ((Field.VALUE, value_ok), (Field.QUANTITY, quantity_ok)):
            if not ok:
                index = i[f]
                assert index is not None
                add("INVALID_VALUE", index, f"{_quote(texts[index])} is not a number "
                    f"({header(f)!r} column).")
        return tuple(out)
