"""Normalisers for the messy values found in shipment spreadsheets.

Every function here is total: it never raises on any input, and returns either a clean value
or ``None`` with a reason. Normalising an already-normalised value returns it unchanged.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from enum import StrEnum

from screening.model import Eccn

# --- text -------------------------------------------------------------------------------

_SPACE_RE = re.compile(r"\s+")


def clean_text(value: object) -> str:
    """Cell value as trimmed single-spaced text ('' for blanks)."""
    if value.__class__ is str:  # the common case, kept cheap: big files have millions
        text = value.strip()  # type: ignore[attr-defined]
        if "  " not in text and "\u00a0" not in text and "\n" not in text and "\t" not in text \
                and "\r" not in text:
            return text
        return _SPACE_RE.sub(" ", text.replace("\u00a0", " ")).strip()
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))  # calamine hands integers over as floats
        return str(value)  # never holds spaces
    if value.__class__ is dt.date:
        return value.isoformat()
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()
    text = str(value).replace("\u00a0", " ")
    return _SPACE_RE.sub(" ", text).strip()


# --- countries --------------------------------------------------------------------------

_KEY_DROP_RE = re.compile(r"[^\w\s]", re.UNICODE)


def alias_key(text: str) -> str:
    """Lookup key for a country name: NFKC, case-folded, punctuation dropped, single spaces."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _KEY_DROP_RE.sub(" ", text).replace("_", " ")
    return _SPACE_RE.sub(" ", text).strip()


#: Marks of doubt or of a footnote (s28 hunt: "Germany?", "~Germany", "Germany (*)", "Germany #"
#: were read as Germany, CLEAR, where "Germany (TBC)" was an error).
_DOUBT_RE = re.compile(r"[?¿？~～*＊#＃†‡]")


def build_alias_index(aliases: Mapping[str, str]) -> dict[str, str]:
    """Index alias text -> country code by both spaced and space-free keys."""
    index: dict[str, str] = {}
    for alias, code in aliases.items():
        key = alias_key(alias)
        if key:
            index.setdefault(key, code)
            index.setdefault(key.replace(" ", ""), code)
    return index


#: Regions of Ukraine under the embargo of 15 CFR 746.6, as shipment files write them: the
#: Crimea region and the so-called Donetsk and Luhansk People's Republics. Not countries:
#: a line to one is never screened as Ukraine.
_EMBARGOED_REGION_RE = re.compile(
    r"\b(?:crimea|crimean|crimée|krym|krim|qırım|sevastopol|sevastopil|simferopol"
    r"|kerch|yalta|feodosia|feodosiya|yevpatoria|evpatoria|dzhankoi"
    r"|donetsk|donetska|donetskaya|luhansk|luhanska|lugansk|luganskaya|dnr|lnr|ua-43|ua-40)"
    r"\b|крым|крим|севастопол|керч|ялт|феодоси|евпатори|донецк|донецьк|луганск|луганськ"
    r"|днр|лнр",
    re.IGNORECASE)  # (not "DPR": "DPR Korea")


def embargoed_region(text: str) -> bool:
    """Whether a destination cell names a region of 15 CFR 746.6 (Crimea, DNR, LNR)."""
    return _EMBARGOED_REGION_RE.search(text) is not None


#: Places under the embargoes of 15 CFR part 746, as an address names them: (code, name,
#: section). Countries and their best-known cities; "746.6" for the regions of Ukraine.
_EMBARGOED_PLACES: tuple[tuple[str, str, str, str], ...] = (
    ("IR", "Iran", "15 CFR 746.7", r"iran|iranian|persia|tehran|teheran|isfahan|bandar abbas|"
                                   r"mashhad|tabriz"),
    ("KP", "North Korea", "15 CFR 746.4", r"north korea|north korean|dprk|dpr korea|"
                                          r"pyongyang|nampo|nordkorea|cor[ée]e du nord|"
                                          r"corea del norte"),
    ("SY", "Syria", "15 CFR 746.9", r"syria|syrian|syrien|syrie|siria|"
                                    r"syrian arab republic|damascus|aleppo|latakia"),
    ("CU", "Cuba", "15 CFR 746.2", r"cuba|cuban|kuba|havana|la habana"),
    ("BY", "Belarus", "15 CFR 746.8", r"belarus|belarusian|byelorussia|wei(?:ss|ß)russland|"
                                      r"bi[ée]lorussie|bielorrusia|minsk"),
    ("RU", "Russia", "15 CFR 746.8", r"russia|russian|russland|russie|rusia|"
                                     r"russian federation|moscow|moskva|moskau|"
                                     r"(?:saint|st\.?) petersburg(?!,?\s*(?:fl|florida)\b)|"
                                     r"sankt peterburg|"
                                     r"yekaterinburg|novosibirsk|kaliningrad|vladivostok"),
)
#: A whole cell that is the country's code ("IR", "RUS" in a transit column), capitals only
#: ("by" is a word).
_CODE_CELLS = {"IR": "IR", "IRN": "IR", "KP": "KP", "PRK": "KP", "SY": "SY", "SYR": "SY",
               "CU": "CU", "CUB": "CU", "BY": "BY", "BLR": "BY", "RU": "RU", "RUS": "RU"}
#: Country code -> (name, section) of the places above.
_EMBARGOED_NAMES = {code: (name, section) for code, name, section, _w in _EMBARGOED_PLACES}
_PLACE_RES = tuple((code, name, section, re.compile(rf"(?<![\w])(?:{words})(?![\w])",
                                                     re.IGNORECASE))
                   for code, name, section, words in _EMBARGOED_PLACES)
#: Cyrillic and Chinese names, found inside words (Chinese writes none apart; Belarus before
#: Russia: 白俄罗斯 holds 俄罗斯).
_CYRILLIC_PLACES = (("IR", "Iran", "15 CFR 746.7", re.compile(r"иран|伊朗")),
                    ("KP", "North Korea", "15 CFR 746.4",
                     re.compile(r"кндр|северная корея|朝鲜|朝鮮|北韩|北韓")),
                    ("SY", "Syria", "15 CFR 746.9", re.compile(r"сири|叙利亚|敘利亞")),
                    ("CU", "Cuba", "15 CFR 746.2", re.compile(r"(?<!\w)куб[аеу](?!\w)|古巴")),
                    ("BY", "Belarus", "15 CFR 746.8",
                     re.compile(r"беларус|белорус|минск|白俄罗斯|白俄羅斯")),
                    ("RU", "Russia", "15 CFR 746.8",
                     re.compile(r"росси|москв|(?<!\w)рф(?!\w)|俄罗斯|俄羅斯")))


#: Lower-case text that every place ``embargoed_place`` finds holds one of: a column's
#: cells joined and lowered are searched for them (a substring search each), and only if
#: one is there is each cell looked at (the case-blind regexes took 20 to 40 ms a column of
#: 5,000 cells). A test checks every alternative of the patterns against them. (None holds
#: another: "syri" stands for Syria, Syrien, Syrie; "russ" for Russia, Byelorussia.)
PLACE_TRIGGERS = (
    "iran", "persia", "tehran", "teheran", "isfahan", "bandar abbas", "mashhad", "tabriz",
    "korea", "corée", "coree", "corea", "syri", "siria", "kuba", "russ", "rusia", "moskau",
    "иран", "伊朗", "кндр", "северная корея", "朝鲜", "朝鮮", "北韩", "北韓", "сири", "叙利亚",
    "敘利亞",
    "куб", "古巴", "белорус", "白俄", "рф", "俄罗斯", "俄羅斯", "dprk", "pyongyang", "nampo",
    "damascus", "aleppo", "latakia", "cuba", "havana", "habana", "moscow", "moskva",
    "petersburg", "peterburg", "yekaterinburg", "novosibirsk", "kaliningrad", "vladivostok",
    "belarus", "minsk", "crim", "krym", "krim", "qırım", "qirim", "sevastop", "simferopol",
    "donetsk", "luhansk", "lugansk", "dnr", "lnr", "ua-43", "ua-40", "kerch", "yalta",
    "feodosi", "patoria", "dzhankoi", "керч", "ялт", "феодоси", "евпатори", "крым", "крим",
    "севастопол", "донецк", "донецьк", "луганск", "луганськ", "днр", "лнр", "росси",
    "москв", "беларус", "минск")


_ASCII_PLACE_RE = re.compile("|".join(t for t in PLACE_TRIGGERS if t.isascii()))


def may_name_place(name: str) -> bool:
    """``may_name_embargoed_place`` of one text, quicker for the ASCII ones."""
    if name.isascii():
        return _ASCII_PLACE_RE.search(name.lower()) is not None or \
            name.strip() in _CODE_CELLS
    return may_name_embargoed_place((name,))


def may_name_embargoed_place(cells: Iterable[object]) -> bool:
    """Whether any of ``cells`` may name a place ``embargoed_place`` finds (False: none
    does; True: look at each)."""
    distinct = set(map(str, cells))
    text = "\n".join(distinct).lower()
    return any(trigger in text for trigger in PLACE_TRIGGERS) or \
        any(c.strip() in _CODE_CELLS for c in distinct if len(c) < 8)


def embargoed_place(text: str) -> tuple[str, str, str] | None:
    """(country code, name, section) of a place under a part 746 embargo an address names
    ("746.6" for Crimea, Donetsk, Luhansk), or None."""
    if embargoed_region(text):
        return "746.6", "a region of Ukraine under 15 CFR 746.6 (Crimea, DNR, LNR)", \
            "15 CFR 746.6"
    low = text.casefold()
    for code, name, section, pattern in (*_PLACE_RES, *_CYRILLIC_PLACES):
        if pattern.search(low):
            return code, name, section
    if (code := _CODE_CELLS.get(text.strip())) is not None:
        return code, *_EMBARGOED_NAMES[code]
    return None


#: Cities a destination column may name instead of the country (lowercase, as written in
#: English): those of China, Hong Kong and Macau first of all.
_CITY_COUNTRIES = {
    **dict.fromkeys((
        "beijing", "shanghai", "shenzhen", "guangzhou", "dongguan", "foshan", "zhuhai",
        "xiamen", "fuzhou", "hangzhou", "ningbo", "suzhou", "wuxi", "nanjing", "hefei",
        "wuhan", "changsha", "chengdu", "chongqing", "xi'an", "xian", "tianjin", "qingdao",
        "jinan", "dalian", "shenyang", "harbin", "changchun", "zhengzhou", "kunming",
        "nanning", "haikou", "urumqi", "lhasa", "zhongshan", "huizhou", "shantou",
        "changzhou", "nantong", "kunshan", "yantai", "weihai", "taiyuan", "shijiazhuang",
        "guiyang", "lanzhou", "hohhot", "yinchuan", "xining", "nanchang"), "CN"),
    **dict.fromkeys(("kowloon", "tsuen wan", "kwun tong", "sha tin", "tuen mun", "kwai chung",
                     "tsim sha tsui", "wan chai", "causeway bay", "lantau", "chek lap kok",
                     "new territories"), "HK"),
    **dict.fromkeys(("macau", "taipa", "cotai"), "MO"),
    # Cities of other destinations under the military end-use rule (15 CFR 744.21) or
    # group D:5, spelt so that no other country has a city of the name.
    **dict.fromkeys(("caracas", "maracaibo", "barquisimeto", "maracay"), "VE"),
    **dict.fromkeys(("yangon", "rangoon", "naypyidaw", "nay pyi taw", "mandalay"), "MM"),
    **dict.fromkeys(("phnom penh", "sihanoukville", "siem reap"), "KH"),
    **dict.fromkeys(("managua",), "NI"),
    **dict.fromkeys(("kabul", "kandahar"), "AF"),
    **dict.fromkeys(("baghdad", "basra", "erbil", "mosul"), "IQ"),
    **dict.fromkeys(("beirut",), "LB"),
    **dict.fromkeys(("benghazi", "misrata"), "LY"),
    **dict.fromkeys(("mogadishu",), "SO"),
    **dict.fromkeys(("asmara",), "ER"),
    **dict.fromkeys(("khartoum", "port sudan"), "SD"),
    **dict.fromkeys(("juba",), "SS"),
    **dict.fromkeys(("harare", "bulawayo"), "ZW"),
    **dict.fromkeys(("kinshasa", "lubumbashi"), "CD"),
    **dict.fromkeys(("bangui",), "CF"),
    **dict.fromkeys(("port-au-prince", "port au prince"), "HT"),
    **dict.fromkeys(("sanaa", "sana'a", "aden"), "YE"),
}
#: Codes a destination column's whole cell may be written as for China and Hong Kong (s24:
#: "HK" under "Ultimate Destination City" on a line to Germany was CLEAR). Other codes are
#: not read so: "No", "CA" (a state), "MO" (Missouri) mean other things there.
_CHINA_CODES = {"HK": "HK", "HKG": "HK", "HKSAR": "HK", "CN": "CN", "CHN": "CN",
                "PRC": "CN"}
_PLACE_PARTS_RE = re.compile(r"[,;/|()\[\]\n]+|\s+-\s+")


def country_named_in(text: str, index: Mapping[str, str]) -> str | None:
    """The country a place written freely names ("Shenzhen, China", "Kowloon, Hong Kong"):
    the whole text, or a part of it between commas, slashes or brackets, as a country's name
    (not a code: "No", "N/A", "CA" in "San Jose, CA", "CN" for Cuneo are other things in
    free text; but a whole text "HK", "H.K.", "PRC" is China's or Hong Kong's), or a city of
    China, Hong Kong, Macau or another destination under 15 CFR 744.21; else None. Of
    several, Hong Kong or Macau before China ("Kowloon, Hong Kong, China"), else the last
    ("Munich, Germany")."""
    if (code := _CHINA_CODES.get(text.strip(" .").upper().replace(".", ""))) is not None:
        return code
    found: list[str] = []
    for piece in (text, *_PLACE_PARTS_RE.split(text)):
        part = piece.strip(" .")
        if len(part) <= 3:
            continue
        code = normalize_country(part, index) or _CITY_COUNTRIES.get(part.casefold())
        if code is not None:
            if piece is text:  # the whole text names one
                return code
            found.append(code)
    for special in ("HK", "MO"):
        if special in found:
            return special
    return found[-1] if found else None


def normalize_country(value: object, index: Mapping[str, str]) -> str | None:
    """Country code for a spelling ("HK", "HKG", "Hong Kong SAR", "香港"), else None (also
    for a country marked as in doubt or footnoted: "Germany?", "~Germany", "Germany (*)")."""
    text = clean_text(value)
    key = alias_key(text)
    if not key or _DOUBT_RE.search(text) is not None:
        return None
    return index.get(key) or index.get(key.replace(" ", ""))


# --- ECCNs ------------------------------------------------------------------------------

_EAR99_RE = re.compile(r"^EAR\s*[-_.]?\s*99$", re.IGNORECASE)
_ECCN_RE = re.compile(r"^([0-9])\s*([A-E])\s*([0-9]{3})(.*)$", re.IGNORECASE)
_PARA_TOKEN_RE = re.compile(r"[a-z]+|[0-9]+")
_PARA_ALLOWED_RE = re.compile(r"^[a-z0-9.\s\-]*$")
_ECCN_PREFIX_RE = re.compile(r"^(ECCN|CLASSIFICATION)\s*[:#]?\s*", re.IGNORECASE)


_ECCN_IN_TEXT_RE = re.compile(
    r"(?<![A-Za-z0-9])([0-9][A-Ea-e][0-9]{3})(?:\.([a-z]))?(?![0-9A-Za-z])|"
    # After the word ECCN, spaced, hyphenated or run on: "ECCN: 3A-001", "ECCN3A001a2".
    r"ECCN\s*[:#]?\s*([0-9])\s*-?\s*([A-Ea-e])\s*-?\s*([0-9]{3})\.?([A-Za-z])?(?![A-Za-z])",
    re.IGNORECASE)


def names_no_eccn(texts: str) -> bool:
    """True when no text of ``texts`` (texts joined by line breaks) can name an ECCN
    (``eccns_named_in`` finds none in any of them), told by one search: ASCII text in which
    the pattern matches nowhere (a match in one text is one in the joined text, its line
    breaks ending words as a text's ends do). False: look at each text."""
    return texts.isascii() and _ECCN_IN_TEXT_RE.search(texts) is None


def eccns_named_in(text: str) -> frozenset[str]:
    """The ECCNs free text names, with their first paragraph if it gives one: "ECCN 3A001.a.2
    radiation-hardened ICs" names 3A001.a; "ECCN: 3A-001" 3A001."""
    if not text:
        return frozenset()
    found = set()
    for plain, para, digit, letter, number, letter_para in _ECCN_IN_TEXT_RE.findall(
            unicodedata.normalize("NFKC", text)):
        base = plain.upper() if plain else f"{digit}{letter.upper()}{number}"
        first = (para or letter_para).lower()
        found.add(f"{base}.{first}" if first else base)
    return frozenset(found)


def eccns_other_than(named: frozenset[str], eccn: Eccn) -> frozenset[str]:
    """Of the ECCNs a text names (``eccns_named_in``), those that are not ``eccn``: another
    entry, or another first paragraph where both give one (9A610.a against 9A610.y.1)."""
    own = eccn.paragraph.split(".", 1)[0] if eccn.paragraph else ""
    return frozenset(n for n in named if n.split(".", 1)[0] != eccn.base
                     or (own and "." in n and n.split(".", 1)[1] != own))


def normalize_eccn(value: object) -> Eccn | None:
    """``"5a992c"`` -> 5A992.c, ``" 3a001.a.7 "`` -> 3A001.a.7, ``"EAR 99"`` -> EAR99."""
    text = _ECCN_PREFIX_RE.sub("", unicodedata.normalize("NFKC", clean_text(value)))
    if not text:
        return None
    if _EAR99_RE.match(text):
        return Eccn("EAR99")
    match = _ECCN_RE.match(text)
    if not match:
        return None
    base = f"{match.group(1)}{match.group(2).upper()}{match.group(3)}"
    rest = match.group(4).lower()
    if not _PARA_ALLOWED_RE.match(rest):
        return None
    tokens = _PARA_TOKEN_RE.findall(rest)
    # Paragraph labels on the Control List are one letter or one or two digits ("a.7",
    # "b.12"): anything longer is a word or a second ECCN ("5A992.c 5A002.a", "5A992 also
    # 3A001"), not this ECCN's paragraph, and the cell is not one ECCN read exactly.
    if any(len(t) > (1 if t.isalpha() else 2) for t in tokens):
        return None
    return Eccn(base, ".".join(tokens))


# --- dates ------------------------------------------------------------------------------


class DateOrder(StrEnum):
    """How to read an all-numeric date such as 03/04/2021 (YMD: a two-digit year first, as
    in 21-03-02; a four-digit year first is always read year-first)."""

    DMY = "DMY"
    MDY = "MDY"
    YMD = "YMD"


_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIAL_MIN, _SERIAL_MAX = 1, 2958465  # 1900-01-01 .. 9999-12-31
#: A time of day after a date: 00:00 to 23:59:59.9 (s27 hunt: "2020-12-22 24:00", the first
#: moment of 2020-12-23 when Hong Kong became China, was read as 2020-12-22, and "47:00"
#: or "23:60" as a time at all).
_TIME = r"(?:[ Tt](?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?)?"
_ISO_RE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME + "$")
_COMPACT_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_NUMERIC_RE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})" + _TIME + "$")
_DAY_COUNT_RE = re.compile(r"\d+(\.\d+)?")  # after the patterns above: an Excel day count
_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}
_DAY_MON_YEAR_RE = re.compile(r"^(\d{1,2})[\s\-/.]+([a-z]+)[\s\-/.,]+(\d{2}|\d{4})$")
_MON_DAY_YEAR_RE = re.compile(
    r"^([a-z]+)[\s\-/.]+(\d{1,2})(?:st|nd|rd|th)?[\s,\-/.]+(\d{2}|\d{4})$")


class DateProblem(StrEnum):
    AMBIGUOUS = "ambiguous"
    INVALID = "invalid"
    OUT_OF_RANGE = "out_of_range"  # a real date, but not a plausible export date


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if len(text) == 2 else year  # two-digit years are 20xx in shipment data


def _make(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def excel_serial_to_date(serial: float) -> dt.date | None:
    if not math.isfinite(serial) or not _SERIAL_MIN <= serial <= _SERIAL_MAX:
        return None
    return _EXCEL_EPOCH + dt.timedelta(days=int(serial))


def reads_as_day_count(value: object) -> bool:
    """Whether ``parse_date`` reads ``value`` as an Excel day count: a number, or digits that
    are not an eight-digit yyyymmdd date."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    if not isinstance(value, str):
        return False
    text = clean_text(value)
    return _DAY_COUNT_RE.fullmatch(text) is not None and not _COMPACT_RE.match(text)


def shown_as_next_day(value: object) -> bool:
    """Whether a date and time is so close to midnight that a spreadsheet, rounding it to
    the second as it shows it, shows the next day (23:59:59.5 and later)."""
    return value.__class__ is dt.datetime and value.hour == 23 and \
        value.minute == 59 and value.second == 59 and \
        value.microsecond >= 500_000  # type: ignore[attr-defined]


def parse_date(
    value: object, order: DateOrder | None = None, latest: dt.date | None = None
) -> tuple[dt.date | None, DateProblem | None]:
    """Parse a date cell. Returns (date, None), (None, problem) or (None, None) for blank.

    A numeric day/month date that reads differently in DMY and MDY is never guessed: without
    an ``order`` it is reported AMBIGUOUS; so is one with a two-digit year that also reads
    year-first (21-03-02), unless that reading is after ``latest`` (the last plausible
    export date), when it cannot be meant.
    """
    order = DateOrder(order) if order is not None and not isinstance(order, DateOrder) \
        else order
    if value is None:
        return None, None
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if isinstance(value, bool):
        return None, DateProblem.INVALID
    if isinstance(value, int | float):
        date = excel_serial_to_date(float(value))
        return (date, None) if date else (None, DateProblem.INVALID)
    text = clean_text(value).lower()
    if not text:
        return None, None
    if not text.isascii():  # \d also takes other scripts' digits (BENGALI FOUR looks like 8)
        return _parse_non_ascii(text, order, latest)
    if match := _ISO_RE.match(text):
        date = _make(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        return (date, None) if date else (None, DateProblem.INVALID)
    if match := _COMPACT_RE.match(text):
        date = _make(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        return (date, None) if date else (None, DateProblem.INVALID)
    if match := _NUMERIC_RE.match(text):
        first, second, year = int(match.group(1)), int(match.group(2)), _year(match.group(3))
        as_dmy = _make(year, second, first)
        as_mdy = _make(year, first, second)
        as_ymd = _make(_year(match.group(1)), second, int(match.group(3))) \
            if len(match.group(3)) == 2 and len(match.group(1)) == 2 else None
        if order is DateOrder.YMD:
            return (as_ymd, None) if as_ymd else (None, DateProblem.INVALID)
        if order is DateOrder.DMY:
            return (as_dmy, None) if as_dmy else (None, DateProblem.INVALID)
        if order is DateOrder.MDY:
            return (as_mdy, None) if as_mdy else (None, DateProblem.INVALID)
        if as_dmy and as_mdy and as_dmy != as_mdy:
            return None, DateProblem.AMBIGUOUS
        date = as_dmy or as_mdy
        # "21-03-02" may be year-first (2021-03-02, as written in East Asia and Sweden) as
        # well as day-first (2002-03-21): with a two-digit year that reading is not ruled out.
        if date and as_ymd not in (None, date) and (latest is None or as_ymd <= latest):
            return None, DateProblem.AMBIGUOUS
        return (date, None) if date else (None, DateProblem.INVALID)
    if match := _DAY_MON_YEAR_RE.match(text):
        month = _MONTHS.get(match.group(2))
        date = _make(_year(match.group(3)), month, int(match.group(1))) if month else None
        return (date, None) if date else (None, DateProblem.INVALID)
    if match := _MON_DAY_YEAR_RE.match(text):
        month = _MONTHS.get(match.group(1))
        date = _make(_year(match.group(3)), month, int(match.group(2))) if month else None
        return (date, None) if date else (None, DateProblem.INVALID)
    if _DAY_COUNT_RE.fullmatch(text):
        date = excel_serial_to_date(float(text))
        return (date, None) if date else (None, DateProblem.INVALID)
    return None, DateProblem.INVALID


def _parse_non_ascii(text: str, order: DateOrder | None, latest: dt.date | None
                     ) -> tuple[dt.date | None, DateProblem | None]:
    """A date cell with characters beyond ASCII, read once they are folded to ASCII (full-
    width digits and dashes). A digit of another script is refused: it would be read by its
    value, not by the digit it looks like (BENGALI DIGIT FOUR looks like an 8)."""
    folded = unicodedata.normalize("NFKC", text)
    if not folded.isascii():
        return None, DateProblem.INVALID
    return parse_date(folded, order, latest)


# --- numbers ----------------------------------------------------------------------------

_CURRENCY_CODES = r"usd|us\$|hkd|hk\$|eur|gbp|cny|rmb|chf|jpy|sgd|twd|nt\$|mop|krw|[$€£¥₩]"
#: A currency before or after the amount ("€ 1.234,50", "1.234,50 €", "5,00€", "USD 1,234.50").
_CURRENCY_RE = re.compile(rf"(?i)^({_CURRENCY_CODES})\s*|\s*({_CURRENCY_CODES})$")
_THOUSANDS_COMMA_RE = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
_THOUSANDS_DOT_RE = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$")
_THOUSANDS_APOSTROPHE_RE = re.compile(r"^-?\d{1,3}(['’]\d{3})+(\.\d+)?$")  # Swiss 1'234.50
_SPACES_RE = re.compile(r"\s+")  # thousands spaced (also no-break and thin spaces)
_PLAIN_NUMBER_RE = re.compile(r"^-?\d+(\.\d+)?$")


def parse_number(value: object) -> tuple[float | None, bool]:
    """Parse a value/quantity cell. Returns (number, ok); blank is (None, True)."""
    if value is None or isinstance(value, bool):
        return None, value is None
    if isinstance(value, int | float):
        number = float(value)
        return (number, True) if math.isfinite(number) else (None, False)
    if value.__class__ is str and _PLAIN_NUMBER_RE.match(value):  # the common case, cheaply
        return float(value), True  # type: ignore[arg-type]
    text = _SPACES_RE.sub("", clean_text(value))
    if not text:
        return None, True
    negative = text.startswith("(") and text.endswith(")")
    text = text.strip("()")
    text = _CURRENCY_RE.sub("", text).strip()
    if _THOUSANDS_COMMA_RE.match(text):
        text = text.replace(",", "")
    elif _THOUSANDS_APOSTROPHE_RE.match(text):
        text = text.replace("'", "").replace("’", "")
    elif _THOUSANDS_DOT_RE.match(text):
        text = text.replace(".", "").replace(",", ".")
    elif text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    if not _PLAIN_NUMBER_RE.match(text):
        return None, False
    number = float(text)
    return (-number if negative else number), True


# --- license exceptions and end users ---------------------------------------------------

_NLR_WORDS = {"nlr", "no license required", "no licence required", "nolicenserequired"}
_EXCEPTION_PREFIX_RE = re.compile(
    r"^(license exception|licence exception|lic exc|exception|le)\b\s*[:\-]?\s*", re.IGNORECASE
)


def normalize_license_exception(value: object) -> str | None:
    """``"N.L.R."`` / ``"nlr"`` -> NLR, ``"License Exception GBS"`` -> GBS; blank -> None.

    Unknown codes come back upper-cased so the engine can report them; it never guesses.
    """
    whole = clean_text(unicodedata.normalize("NFKC", clean_text(value)))  # "ＧＢＳ" is GBS
    if not whole:
        return None
    text = _EXCEPTION_PREFIX_RE.sub("", whole) or whole
    compact = re.sub(r"[\s.\-_/]", "", text).lower()
    if compact in _NLR_WORDS or text.lower() in _NLR_WORDS:
        return "NLR"
    if not compact:
        return None
    if compact.isascii() and _CODE_RE.fullmatch(code := compact.upper()):
        return code
    # Anything else (Cyrillic look-alikes, an invisible character, two codes) is handed on
    # as written, for the engine to report as a code it does not know: dropping what is not
    # A-Z made "ГБС" no claim at all and read "G\u200bBS" as GBS without a word. Only
    # ASCII letters are upper-cased: "CıV".upper() is "CIV".
    return "".join(c.upper() if c.isascii() else c for c in whole)


_CODE_RE = re.compile(r"[A-Z0-9]+")


class EndUserType(StrEnum):
    MILITARY = "military"
    #: 15 CFR 744.22 'military-intelligence end user' (e.g. a military intelligence service)
    MILITARY_INTELLIGENCE = "mil-intelligence"  # fits the stored 20 characters
    GOVERNMENT = "government"
    CIVIL = "civil"
    #: A kind of party that is not a military, government or civil end user as such
    #: (a distributor, a hospital, "unknown"): the end use is left to review.
    OTHER = "other"
    #: Text with no word hkscreen reads ("MI", "Comercial"): the cell was not understood,
    #: so no end-use rule may take it as civil (15 CFR 744.22 covers EAR99 items too).
    UNRECOGNISED = "unrecognised"
    #: An end use part 744 controls for every item, EAR99 included, wherever it names:
    #: nuclear (744.2), rockets, missiles and unmanned aerial vehicles (744.3), chemical or
    #: biological weapons (744.4), supercomputers and advanced chips (744.23): "Nuclear
    #: weapons research", "Missile development" (s21 hunt: read as OTHER, CLEAR).
    PART_744_END_USE = "744-end-use"
    #: Both military and such an end use ("PLA Rocket Force"): the military end-user rules
    #: read it as military.
    MILITARY_744_END_USE = "military-744-end-use"  # fits the stored 20 characters


#: The end-user types the military end-user rules (15 CFR 744.21) read as military.
MILITARY_TYPES = frozenset({EndUserType.MILITARY, EndUserType.MILITARY_INTELLIGENCE,
                            EndUserType.MILITARY_744_END_USE})
#: The end-user types naming an end use part 744 controls for every item.
PART_744_TYPES = frozenset({EndUserType.PART_744_END_USE, EndUserType.MILITARY_744_END_USE})


_END_USER_WORDS: dict[str, EndUserType] = {
    "military": EndUserType.MILITARY, "mil": EndUserType.MILITARY,
    "military end user": EndUserType.MILITARY, "armed forces": EndUserType.MILITARY,
    "defense": EndUserType.MILITARY, "defence": EndUserType.MILITARY, "pla": EndUserType.MILITARY,
    # 15 CFR 744.21(g): "the national armed services ..., as well as the national guard and
    # national police, government intelligence or reconnaissance organizations" (s25 rules
    # hunt: read as OTHER or not understood, REVIEW where a licence is required).
    "national police": EndUserType.MILITARY, "national guard": EndUserType.MILITARY,
    "government intelligence": EndUserType.MILITARY,
    "government intelligence organization": EndUserType.MILITARY,
    "government intelligence organisation": EndUserType.MILITARY,
    "reconnaissance": EndUserType.MILITARY,
    "reconnaissance organization": EndUserType.MILITARY,
    "reconnaissance organisation": EndUserType.MILITARY,
    "military intelligence": EndUserType.MILITARY_INTELLIGENCE,
    "military intelligence end user": EndUserType.MILITARY_INTELLIGENCE,
    "mieu": EndUserType.MILITARY_INTELLIGENCE,
    "military intelligence service": EndUserType.MILITARY_INTELLIGENCE,
    "government": EndUserType.GOVERNMENT, "gov": EndUserType.GOVERNMENT,
    "govt": EndUserType.GOVERNMENT, "public sector": EndUserType.GOVERNMENT,
    "civil": EndUserType.CIVIL, "civilian": EndUserType.CIVIL, "commercial": EndUserType.CIVIL,
    "private": EndUserType.CIVIL, "comm": EndUserType.CIVIL, "civ": EndUserType.CIVIL,
    "coml": EndUserType.CIVIL, "comml": EndUserType.CIVIL,
    "university": EndUserType.CIVIL, "academic": EndUserType.CIVIL,
    "civil end user": EndUserType.CIVIL, "commercial end user": EndUserType.CIVIL,
    # (A distributor or reseller is not the end user, and "End user" says nothing of it:
    # read as OTHER, a type that leaves the end use to review, no longer as civil.)
    "non military": EndUserType.CIVIL, "nonmilitary": EndUserType.CIVIL,
    "not military": EndUserType.CIVIL, "non military end user": EndUserType.CIVIL,
    "民用": EndUserType.CIVIL, "商业": EndUserType.CIVIL, "商業": EndUserType.CIVIL,
    "政府": EndUserType.GOVERNMENT,
}
#: Words of a civil end user or use, alone or together ("Commercial use", "Civil end use").
_CIVIL_WORDS = frozenset({"civil", "civilian", "commercial", "private", "end", "use", "user",
                          "only", "purposes", "purpose", "for", "sector", "industrial",
                          "industry"})
_CIVIL_KINDS = frozenset({"civil", "civilian", "commercial", "private", "industrial",
                          "industry"})
#: Words of an end-user type cell that say only that it is one ("MIEU end user").
_TYPE_FILLERS = frozenset({"end", "user", "users", "customer", "customers", "client",
                           "clients", "entity", "party", "type", "the", "a", "an", "of", "and",
                           "or", "is", "as"})
#: A word in capitals, or letters and digits: an abbreviation or code.
_CODE_RE = re.compile(r"\b(?:[A-Z]{2,6}|[A-Za-z]*\d[A-Za-z\d]*)\b")
#: End-user type cells read as blank ("unknown", "TBD" stay: a type to review).
_NOT_GIVEN = frozenset({"n/a", "na", "n.a.", "#n/a", "-", "--", "none", "null", "nil"})
#: Words of a military end user, and of military intelligence (15 CFR 744.21, 744.22):
#: "PLA intelligence", "Mil. intelligence", "Intelligence Bureau, Joint Staff Dept",
#: 军事情报 were read as OTHER, and an EAR99 line to such an end user was CLEAR.
_MILITARY_WORDS = frozenset({"military", "mil", "pla", "army", "navy", "armed", "forces",
                             "defense", "defence", "air force", "joint staff", "marines",
                             "naval", "militia", "ministry of defense",
                             "ministry of defence", "people s liberation army",
                             "rocket force", "space force", "strategic support force",
                             "armed police", "coast guard", "national guard",
                             "national police", "ministry of public security"})
#: Words and phrases of an end use part 744 controls for every item (``PART_744_END_USE``);
#: "nuclear" alone, not in "nuclear medicine" or "nuclear magnetic resonance".
_PART_744_WORDS = frozenset({
    "nuclear", "atomic", "enrichment", "centrifuge", "centrifuges", "reprocessing", "uranium",
    "plutonium", "heavy water", "missile", "missiles", "rocket", "rockets", "ballistic",
    "launch vehicle", "space launch", "uav", "uavs", "drone", "drones", "unmanned aerial",
    "unmanned aircraft", "hypersonic", "chemical weapon", "chemical weapons",
    "biological weapon", "biological weapons", "bioweapon", "bioweapons", "nerve agent",
    "wmd", "mass destruction", "supercomputer", "supercomputers", "supercomputing",
    "advanced node", "exascale",
    # (s21 second hunt)
    "cw", "bw", "cbw", "icbm", "slbm", "irbm", "slv", "uas", "hpc", "super computer",
    "euv", "7nm", "5nm", "3nm", "research reactor", "fuel cycle", "kernwaffen",
    "kernwaffe", "urananreicherung", "nucleaire", "nucléaire", "nuclear fuel", "reactor",
    "enrichment plant", "hypersonic glide"})
_NOT_PART_744 = ("nuclear medicine", "nuclear magnetic")
_PART_744_SCRIPT = ("核武", "核电", "核電", "核能", "核工业", "核工業", "核燃料", "核技术",
                    "核技術", "导弹", "導彈", "火箭", "无人机", "無人機", "超算", "超级计算",
                    "超級計算", "化学武器", "化學武器", "生物武器", "铀浓缩", "鈾濃縮", "离心机",
                    "離心機", "弹道", "彈道", "生化武器", "原子能", "核反应", "核反應",
                    "ядерн", "ракет", "беспилот")
#: Weapons makers and traders are military end users ("Munitions factory", "Arms dealer").
_WEAPONS_WORDS = frozenset({"weapon", "weapons", "munition", "munitions", "ammunition",
                            "armament", "armaments", "arms dealer", "arms manufacturer",
                            "arms trade", "arms trader", "arms factory", "arms producer",
                            "warship", "warships", "ordnance", "explosives"})
_MILITARY_SCRIPT = ("军事", "軍事", "军队", "軍隊", "军方", "軍方", "军工", "軍工", "军区",
                    "軍區", "解放军", "解放軍", "国防", "國防", "部队", "部隊", "武警")
_INTELLIGENCE_SCRIPT = ("情报", "情報", "军情", "軍情")


#: Words naming a kind of party or use that is neither military nor government: a cell
#: holding one is read (OTHER), a cell holding none was not understood (UNRECOGNISED).
_OTHER_WORDS = frozenset({
    "distributor", "distributors", "distribution", "reseller", "resale", "dealer", "agent",
    "trader", "trading", "wholesaler", "wholesale", "retailer", "retail", "importer",
    "end", "user", "users", "customer", "business", "company", "corporate", "corporation",
    "enterprise", "firm", "manufacturer", "manufacturing", "factory", "oem", "odm",
    "integrator", "contractor", "subcontractor", "service", "services", "provider",
    "hospital", "medical", "healthcare", "health", "clinic", "pharmaceutical", "bank",
    "banking", "financial", "finance", "insurance", "school", "education", "educational",
    "college", "institute", "institution", "research", "laboratory", "lab", "scientific",
    "individual", "consumer", "personal", "person", "nonprofit", "non", "profit", "ngo",
    "charity", "telecom", "telecommunications", "carrier", "operator", "utility",
    "energy", "oil", "gas", "mining", "agriculture", "automotive", "logistics",
    "forwarder", "freight", "shipping", "airline", "hotel", "media", "internal", "own",
    "affiliate", "subsidiary", "parent", "group", "other", "others", "mixed", "various",
    "unknown", "tbd", "tba", "tbc", "pending", "not", "known", "applicable",
    "technology", "tech", "it", "data", "center", "centre", "software", "electronics",
    "semiconductor", "academic", "industrial", "industry", "public", "state", "owned",
    "soe", "municipal", "local", "ministry", "agency", "police", "law", "enforcement",
    # (s19 review: industries as companies write them)
    "pharma", "pharmaceuticals", "biotech", "power", "plant", "foundry", "fab", "auto",
    "automaker", "maker", "chemical", "chemicals", "petrochemical", "aerospace", "aviation",
    "electric", "electrical", "solar", "renewable", "ems", "var", "isp", "cloud", "hosting",
    "academia", "r", "d", "rnd", "steel", "mill", "textile", "textiles", "ecommerce",
    "e", "commerce", "construction", "food", "beverage", "farm", "farming", "shipyard",
    "marine", "maritime", "railway", "transport", "transportation", "utilities", "water",
    "mobile", "hospitality", "tourism", "laboratories",
})
_OTHER_SCRIPT = ("工业", "工業", "制药", "製藥", "电力", "電力", "化工",
                 "经销", "經銷", "分销", "分銷", "代理", "贸易", "貿易", "公司", "企业", "企業",
                 "工厂", "工廠", "制造", "製造", "医院", "醫院", "银行", "銀行", "学校", "學校",
                 "大学", "大學", "研究", "科研", "个人", "個人", "用户", "用戶", "客户", "客戶",
                 "科技", "技术", "技術", "电子", "電子", "零售", "批发", "批發", "未知")


#: Words of intelligence work: a type naming one without a military word is not taken as
#: any kind of party (a review where 744.22 reaches every item), unless it is a business's.
_SPYING_WORDS = frozenset({"intelligence", "intel", "surveillance", "reconnaissance",
                           "espionage", "security"})
_NOT_SPYING = frozenset({"business", "artificial", "market", "marketing", "competitive",
                         "cyber", "it", "information", "network", "data"})


def _names_a_kind(key: str) -> bool:
    """Whether end-user type text (an ``alias_key``) holds a word naming a kind of party."""
    return not _OTHER_WORDS.isdisjoint(key.split()) or any(
        word in key for word in _OTHER_SCRIPT)


#: Words of a party's name that make it a military one (15 CFR 744.21(g): the national
#: armed services, national guard and national police): stricter than the end-user type's
#: words, as a company name may hold "forces" or "armed" ("Market Forces Ltd").
_MILITARY_NAME_WORDS = frozenset({"military", "pla", "army", "navy", "naval", "marines",
                                  "militia", "garrison", "defense", "defence", "plaaf",
                                  "plarf", "plassf", "plagf", "rosgvardia",
                                  "spetsnaz", "fanb", "cavim", "ejercito", "ejército"})
_MILITARY_NAME_PHRASES = ("people s liberation army", "peoples liberation army", "air force",
                          "armed forces", "armed police", "rocket force", "space force",
                          "strategic support force", "joint staff", "coast guard",
                          "national guard", "national police", "ministry of defense",
                          "ministry of defence", "theater command", "theatre command",
                          "marine corps", "military unit", "central military commission",
                          "fuerza armada", "guardia nacional", "ministerio de defensa",
                          "national defense", "national defence")
#: "Unit 61398", "в/ч 12345": the military's numbered units (five digits: "Unit 1203, 12/F"
#: is a Hong Kong office, s24 hunt).
_MILITARY_UNIT_RE = re.compile(r"(?i)\bunit\s+\d{5,6}\b|в\s*/\s*ч\s*\d|войсков")
_MILITARY_NAME_SCRIPT = ("军委", "战区", "戰區", "火箭军", "火箭軍", "海军", "海軍", "空军", "空軍",
                         "陆军", "陸軍", "министерство обороны", "минобороны", "росгвард",
                         "вооруж", "воинск")


_MILITARY_NAME_TEXTS = (*_MILITARY_SCRIPT, *_MILITARY_NAME_SCRIPT)
#: A word of each phrase and every word above: an ASCII name holding none of them is no
#: military name (one search instead of the whole check for most names of a run).
_MILITARY_HINT_RE = re.compile("|".join(sorted(
    {max(phrase.split(), key=len) for phrase in _MILITARY_NAME_PHRASES}
    | set(_MILITARY_NAME_WORDS) | {"unit"}, key=len, reverse=True)))


def military_name_word(name: str) -> str | None:
    """The word that names the party ``name`` a military one ("PLA Navy Hospital No. 401":
    "pla"; "Armed Police Corps"; 解放军), or None (s21 hunt: such end users were CLEAR where
    the end-user type column said "commercial")."""
    if name.isascii() and _MILITARY_HINT_RE.search(name.lower()) is None:
        return None  # (an ASCII name's key is its lower-case words)
    key = alias_key(name)
    for phrase in _MILITARY_NAME_PHRASES:
        if phrase in key:
            return phrase
    for word in key.split():
        if word in _MILITARY_NAME_WORDS:
            return word
    if (unit := _MILITARY_UNIT_RE.search(name)) is not None:
        return unit.group(0)
    low = name.lower()
    return next((word for word in _MILITARY_NAME_TEXTS if word in low), None)


def _names_part_744_end_use(key: str, words: set[str]) -> bool:
    """Whether end-user type text (an ``alias_key``) names a ``PART_744_END_USE``."""
    found = not words.isdisjoint(_PART_744_WORDS) or any(
        phrase in key for phrase in _PART_744_WORDS if " " in phrase) or any(
        word in key for word in _PART_744_SCRIPT)
    if found and "nuclear" in words and any(p in key for p in _NOT_PART_744):
        rest = key
        for phrase in _NOT_PART_744:
            rest = rest.replace(phrase, " ")
        return _names_part_744_end_use(rest, set(rest.split()))
    return found


def normalize_end_user_type(value: object) -> EndUserType | None:
    key = alias_key(clean_text(value))
    if not key or clean_text(value).casefold() in _NOT_GIVEN:  # "N/A" is a blank cell
        return None
    if key in _END_USER_WORDS:
        return _END_USER_WORDS[key]
    for negated in ("non military", "not military", "nonmilitary", "non defense",
                    "non defence"):
        key = key.replace(negated, " ")  # "Commercial (non-military)" says civil
    key = " ".join(key.split())
    if key in _END_USER_WORDS:
        return _END_USER_WORDS[key]
    # "MIEU end user", "Govt customer": the type with the words saying it is one (s28 hunt:
    # read as OTHER, an EAR99 line to a military-intelligence end user was CLEAR).
    core = " ".join(word for word in key.split() if word not in _TYPE_FILLERS)
    if core in _END_USER_WORDS:
        return _END_USER_WORDS[core]
    words = set(key.split())
    if words and words <= _CIVIL_WORDS and not words.isdisjoint(_CIVIL_KINDS):
        return EndUserType.CIVIL
    military = ("military" in key or "defen" in key or not words.isdisjoint(_MILITARY_WORDS)
                or any(phrase in key for phrase in _MILITARY_WORDS if " " in phrase)
                or any(word in key for word in _MILITARY_SCRIPT))
    part_744 = _names_part_744_end_use(key, words)
    weapons = not words.isdisjoint(_WEAPONS_WORDS) or any(
        phrase in key for phrase in _WEAPONS_WORDS if " " in phrase)
    if part_744:  # before the types below: the end use decides for every item
        return EndUserType.MILITARY_744_END_USE if military or weapons \
            else EndUserType.PART_744_END_USE
    if "军情" in key or "軍情" in key or (
            any(word in key for word in _INTELLIGENCE_SCRIPT) and military):
        return EndUserType.MILITARY_INTELLIGENCE
    if "intelligence" in key and military:
        return EndUserType.MILITARY_INTELLIGENCE
    if military or weapons:
        return EndUserType.MILITARY
    if not words.isdisjoint(_SPYING_WORDS) and words.isdisjoint(_NOT_SPYING):
        return EndUserType.UNRECOGNISED  # "Intelligence agency": 744.22 may reach it
    if not _names_a_kind(key):
        return EndUserType.UNRECOGNISED
    # A kind of party beside a code not understood ("MI customer", "GSD end user", "2PLA
    # end user"): not read, as the code may be the word that matters (an agency's).
    codes = {word.casefold() for word in _CODE_RE.findall(clean_text(value))}
    unknown = [word for word in words if word not in _OTHER_WORDS and word not in _CIVIL_WORDS
               and word not in _TYPE_FILLERS and not word.isdigit()
               and (word in codes or any(ch.isdigit() for ch in word))]
    return EndUserType.UNRECOGNISED if unknown else EndUserType.OTHER
