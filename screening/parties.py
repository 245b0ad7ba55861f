"""Restricted-party screening: list import (Consolidated Screening List CSV/JSON, a simple
custom watch-list CSV), name normalisation, fuzzy matching with rapidfuzz, and findings.

Matching is blocked by tokens (only names sharing a token with the party are scored), so a
party is compared with tens of list names, not thousands."""

from __future__ import annotations

import contextlib
import csv
import functools
import gzip
import hashlib
import importlib
import io
import json
import re
import threading
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import filterfalse
from operator import itemgetter
from pathlib import Path
from typing import Any

from anyascii import anyascii
from rapidfuzz import fuzz, process

from screening.model import Finding, Severity
from screening.normalize import may_name_place, military_name_word
from screening.paths import resources_dir

#: (code, label, severity of a strong match). Matched against the CSL "source" text.
LIST_KINDS: tuple[tuple[str, str, str, Severity], ...] = (
    ("entity list", "ENTITY_LIST", "Entity List", Severity.LICENSE),
    ("military end user", "MEU_LIST", "Military End-User List", Severity.LICENSE),
    ("specially designated nationals", "SDN", "SDN List", Severity.PROHIBITED),
    ("denied persons", "DENIED_PERSONS", "Denied Persons List", Severity.PROHIBITED),
    ("unverified list", "UNVERIFIED_LIST", "Unverified List", Severity.REVIEW),
    ("debarred", "DEBARRED", "ITAR Debarred", Severity.PROHIBITED),
)
CUSTOM = ("CUSTOM", "Custom watch list", Severity.REVIEW)
#: The government lists a CLEAR needs the parties checked against (codes of ``LIST_KINDS``):
#: a licence requirement (Entity List) and the two prohibitions (Denied Persons, SDN). The
#: Consolidated Screening List holds all three. (s21 hunt: with only a custom watch list of
#: one name loaded, every line was CLEAR.)
REQUIRED_LISTS = (("ENTITY_LIST", "Entity List"), ("DENIED_PERSONS", "Denied Persons List"),
                  ("SDN", "SDN List"))


def missing_government_lists(formats_and_sources: Iterable[tuple[str, Mapping[str, int]]]
                             ) -> list[str]:
    """The ``REQUIRED_LISTS`` that the lists given do not hold in full, each list as
    (format, its entries by source), described ("Entity List", or "Entity List in full (3
    entries, where the Consolidated Screening List of 2026-07-31 had 3,420)"). A custom watch
    list holds none, whatever its rows say; fewer than half the entries the bundled list
    had is a part of the list (s22 second review: a three-row file naming the three lists
    as sources, or a China-only extract, left Mahan Air CLEAR)."""
    held: Counter[str] = Counter()
    for fmt, sources in formats_and_sources:
        if fmt != "custom-csv":
            for source, count in sources.items():
                held[list_kind(source)[0]] += count
    sizes, edition = bundled_list_sizes()
    missing = []
    for code, label in REQUIRED_LISTS:
        if not held[code]:
            missing.append(label)
        elif held[code] * 2 < sizes.get(code, 0):
            missing.append(f"{label} in full ({held[code]:,} entries, where the "
                           f"{edition} had {sizes[code]:,})")
    return missing


@functools.lru_cache(maxsize=1)
def bundled_list_sizes() -> tuple[dict[str, int], str]:
    """The bundled list's entries of each required list, and its name and date."""
    manifest = json.loads((resources_dir() / "lists" / "bundled.json").read_text("utf-8"))
    return (dict(manifest.get("entries_by_list") or {}),
            f"{manifest['name']} of {manifest['list_date']}")


STRONG, WEAK = 92.0, 85.0  # scores (0-100) for a strong match and for one worth a look
MAX_POSTING = 200
CACHE_LIMIT = 200_000  # distinct party names whose candidate scores a run keeps
_LEGAL = {
    "ltd", "limited", "co", "company", "corp", "corporation", "inc", "incorporated", "llc",
    "plc", "gmbh", "ag", "sa", "srl", "bv", "pte", "pty", "llp", "lp", "jsc", "ooo", "oao",
    "the", "and", "group", "holding", "holdings",
    # (s19 hunt: "PAO Sberbank", "AO Kontsern Kalashnikov" were CLEAR, "PJSC Sberbank" not)
    "pjsc", "ojsc", "cjsc", "pao", "zao", "ao",
}
#: Legal forms written out, dropped as the abbreviations are ("Tactical Missile Corp. JSC
#: Plant Kulakov" against the listed "..., Joint Stock Company Plant Kulakov" was CLEAR).
_LEGAL_PHRASES = sorted((tuple(p.split()) for p in (
    "joint stock company", "open joint stock company", "closed joint stock company",
    "public joint stock company", "non public joint stock company",
    "limited liability company", "limited liability partnership",
    "aktsionernoe obshchestvo", "otkrytoe aktsionernoe obshchestvo",
    "zakrytoe aktsionernoe obshchestvo", "publichnoe aktsionernoe obshchestvo",
    "obshchestvo s ogranichennoi otvetstvennostyu",
    "obshchestvo s ogranichennoy otvetstvennostyu")), key=len, reverse=True)
_LEGAL_PHRASE_WORDS = frozenset({"joint", "liability", "obshchestvo"})
_CJK_SUFFIXES = ("股份有限公司", "有限责任公司", "有限責任公司", "有限公司", "公司")
_PUNCT_RE = re.compile(r"[^\w\s]|_")
_SPACE_RE = re.compile(r"\s+")
_CJK_RE = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af]")
_CJK_RUN_RE = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af]+")
#: Chinese words of company and institute names (simplified and traditional) by the English
#: the lists write, and places by the romanisation the lists use; longest first.
_CJK_WORDS = sorted({
    "技术": "technology", "技術": "technology", "科技": "technology",
    "微电子": "microelectronics", "微電子": "microelectronics", "光电": "optoelectronics",
    "光電": "optoelectronics", "电子": "electronics", "電子": "electronics",
    "微系统": "microsystems", "微系統": "microsystems", "半导体": "semiconductor",
    "半導體": "semiconductor", "集成电路": "integrated circuit",
    "集成電路": "integrated circuit", "国际": "international", "國際": "international",
    "贸易": "trading", "貿易": "trading", "物流": "logistics", "研究院": "research institute",
    "研究所": "research institute", "大学": "university", "大學": "university",
    "工业": "industrial", "工業": "industrial", "实业": "industrial", "實業": "industrial",
    "工程": "engineering", "设备": "equipment", "設備": "equipment", "系统": "systems",
    "系統": "systems", "电力": "power", "電力": "power", "通信": "communications",
    "通讯": "communications", "通訊": "communications", "网络": "network", "網絡": "network",
    "信息": "information", "软件": "software", "軟件": "software", "航空": "aviation",
    "航天": "aerospace", "投资": "investment", "投資": "investment", "制造": "manufacturing",
    "製造": "manufacturing", "集团": "group", "集團": "group", "控股": "holdings",
    "香港": "hong kong", "中国": "china", "中國": "china", "深圳": "shenzhen",
    "上海": "shanghai", "北京": "beijing", "广州": "guangzhou", "廣州": "guangzhou",
    "杭州": "hangzhou", "南京": "nanjing", "天津": "tianjin", "武汉": "wuhan",
    "武漢": "wuhan", "成都": "chengdu", "西安": "xian", "重庆": "chongqing",
    "重慶": "chongqing", "苏州": "suzhou", "蘇州": "suzhou", "东莞": "dongguan",
    "東莞": "dongguan", "珠海": "zhuhai", "厦门": "xiamen", "廈門": "xiamen",
    "合肥": "hefei", "长沙": "changsha", "長沙": "changsha", "哈尔滨": "harbin",
    "哈爾濱": "harbin", "澳门": "macau", "澳門": "macau", "市场": "market", "市場": "market",
    # Administrative suffixes the English names leave out ("深圳市" is Shenzhen).
    "省": "", "市": "", "自治区": "", "自治區": "", "特别行政区": "", "特別行政區": "",
}.items(), key=lambda kv: -len(kv[0]))


class PartyListError(Exception):
    """A list file that cannot be imported; ``problems`` names each bad row and field."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@functools.lru_cache(maxsize=256)
def list_kind(source: str) -> tuple[str, str, Severity]:
    text = source.casefold()
    for needle, code, label, severity in LIST_KINDS:
        if needle in text:
            return code, label, severity
    # Other lists by the abbreviation the CSL gives them: "... List (SSI) - Treasury" -> SSI.
    abbreviation = re.search(r"\(([A-Z][A-Za-z-]*(?: List)?)\)", source or "")
    code = abbreviation.group(1) if abbreviation else source.upper()
    return (re.sub(r"[^A-Z0-9]+", "_", code.upper()).strip("_")[:40] or "OTHER_LIST",
            source or "Other list", Severity.REVIEW)


def normalize_party(name: str) -> str:
    """Case, punctuation, legal suffixes (Ltd, Co., 有限公司 ...) and script folded away:
    "Kowloon Trading Co., Ltd." and "KOWLOON TRADING LIMITED" give the same text."""
    return party_forms(name)[0]


@functools.lru_cache(maxsize=1 << 16)  # a run reads each new name here twice
def party_forms(name: str) -> tuple[str, str]:
    """(the name normalised with its abbreviations written out, the same as written).

    Both are matched: the written-out form finds "Harbin Inst. of Tech." as the listed
    Harbin Institute of Technology, but it also changes the lengths and first letters the
    fuzzy score reads, and 6 of 3,000 near spellings of listed names that matched as written
    ("PLUS ETCH AUTO SUPPLY" for PLUS TECH AUTO SUPPLY) no longer did."""
    words = _party_words(name)
    plain = " ".join(t for t in words if t not in _LEGAL)
    if not _LEGAL_PHRASE_WORDS.isdisjoint(words):  # the written-out form drops them too
        words = _without_legal_phrases(words)
    elif _ABBREVIATIONS.keys().isdisjoint(words):
        return plain, plain
    expanded = " ".join(map(_expanded, words)).split()  # "state corporation": two words
    return " ".join(t for t in expanded if t not in _LEGAL), plain


def _without_legal_phrases(words: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(words):
        phrase = next((p for p in _LEGAL_PHRASES if tuple(words[i:i + len(p)]) == p), None)
        if phrase is None:
            out.append(words[i])
            i += 1
        else:
            i += len(phrase)
    return out


def _expanded(word: str) -> str:
    return _ABBREVIATIONS.get(word, word)


def _party_words(name: str) -> list[str]:
    text = name or ""
    if text.isascii():  # most names: nothing to fold but case and punctuation
        text = text.lower().replace("&", " and ")
    else:
        text = _fold_look_alikes(unicodedata.normalize("NFKC", text).strip())
        for suffix in _CJK_SUFFIXES:
            text = text.replace(suffix, " ")
        if _CJK_RE.search(text):
            # Words the English names of the lists spell out (技术 Technology, 香港 Hong
            # Kong), then each remaining run (a brand, "华为") as one word, as the lists
            # romanise it ("Huawei"): read one syllable a word, "華為技術有限公司" (Huawei
            # Technologies) was CLEAR (an independent review).
            for word, english in _CJK_WORDS:
                if word in text:
                    text = text.replace(word, f" {english} ")
            text = _CJK_RUN_RE.sub(lambda m: " " + anyascii(m.group()) + " ", text)
        text = anyascii(text).casefold().replace("&", " and ")
    if "'" in text or "\u2019" in text:  # "Int'l", "Nat'l" are words, not two
        text = _APOSTROPHE_WORD_RE.sub(lambda m: m.group(1) + m.group(2), text)
    return [t for t in _SPACE_RE.split(_PUNCT_RE.sub(" ", text)) if t]


def in_other_script(name: str) -> bool:
    """Whether ``name`` is written (partly) in Chinese, Japanese or Korean script: the lists
    write names in English, and a name read across scripts can be missed however it is
    romanised (杭州海康威视 is "Hikvision"), so no match is not a clean result for it."""
    return _CJK_RE.search(name) is not None


#: Letters of the Latin script: ASCII, Latin-1 and Latin Extended-A/B, IPA, Latin Extended
#: Additional, and full-width Latin (the forms ``normalize_party`` folds).
_LATIN_RE = re.compile("[A-Za-z\u00aa\u00b5\u00ba\u00c0-\u024f\u0250-\u02af\u1e00-\u1eff"
                       "\uff21-\uff3a\uff41-\uff5a]")
_CJK_SCRIPTS = ("CJK", "HANGUL", "HIRAGANA", "KATAKANA", "BOPOMOFO", "IDEOGRAPHIC")


def script_not_listed(name: str) -> str | None:
    """The script, other than Latin, that ``name`` has letters of ("Arabic", "Cyrillic",
    "Chinese, Japanese or Korean" ...), or None. The lists write names in Latin letters: a
    name in another script read across into them can be missed (s21 hunt: Mahan Air
    written in Persian, Hebrew, Greek or as "Махан Эйр" was CLEAR), so no match is not a
    clean result for it."""
    if name.isascii():
        return None
    for ch in name:
        if ch.isalpha() and _LATIN_RE.match(ch) is None:
            script = unicodedata.name(ch, "").split(" ")[0]
            if script in _CJK_SCRIPTS or _CJK_RE.match(ch):
                return "Chinese, Japanese or Korean"
            return script.title() or "another"
    return None


def names_no_party(name: str) -> str | None:
    """Why ``name`` (a consignee or end-user cell) names no party the lists could be checked
    against, or None: a placeholder ("TBD", "Unknown", "to be advised"), no letter at all
    ("-", "1234"), question marks where letters were (Excel's ANSI CSV writes "????" for
    Chinese it cannot hold), or only a legal form ("Ltd"). An unknown party is also a red
    flag of its own (15 CFR part 732, Supplement No. 3)."""
    text = name.strip()
    if not text:
        return None
    folded = text.casefold().strip(" .:")
    if folded in _NO_PARTY or folded.startswith(_ROW_ABOVE):
        return "a placeholder"
    if "??" in text or "\ufffd" in text:
        return _LOST_LETTERS
    if not any(ch.isalpha() for ch in text):
        return "no letters"
    if not normalize_party(text):
        return "only a legal form"
    return None


_LOST_LETTERS = ("question marks or replacement characters where letters were (a file saved "
                 "as ANSI text loses the characters it cannot hold)")
#: Cell texts of a party column that name no party.
_NO_PARTY = frozenset({
    "n/a", "na", "n.a", "#n/a", "n/d", "tbd", "tba", "tbc", "none", "unknown", "unk", "null",
    "nil", "pending", "xx", "xxx", "to be advised", "to be confirmed", "to be determined",
    "to be announced", "not known", "not available", "not applicable", "unspecified",
    "various", "varies", "multiple", "several", "misc", "miscellaneous",
    # (Another row's party, not screened on this line. "Same as consignee" is not here: the
    # consignee it names is screened on the line.)
    "same as above", "see above", "as above", "ditto", "test", "dummy",
    # (s21 second hunt: a Denied Person in the row above was lost under these)
    "dito", "dto", "d°", "wie oben", "siehe oben", "as previous", "same as previous",
    "as before", "same as before", "comme ci dessus", "comme ci-dessus", "ut supra", "〃",
    "同上", "如上",
    "n.n.", "nn", "cash customer",
    "one time customer", "one-time customer", "walk in", "walk-in", "various customers",
    "stock", "for stock", "own stock", "inventory", "warehouse", "confidential", "x", "xxxx",
    "未知", "待定", "不详",
})


#: A cell beginning so points at the row above ("ditto (see row 2)").
_ROW_ABOVE = ("ditto (", "ditto(", "ditto -", "ditto,", "ditto see", "same as above",
              "see above", "wie oben", "as previous", "same as previous")


def _cell_key(name: str) -> str:
    """A party cell's words as a pointer to another cell is compared ("Same-as consignee."
    reads "same as consignee")."""
    return " ".join(name.casefold().replace("-", " ").replace(".", " ").split())


def _names_itself(name: str, role: str) -> str | None:
    """A consignee cell saying "Same as consignee" (an end user saying so names the
    consignee, screened on the line) refers to itself: it names nobody."""
    return "a reference to itself" if _cell_key(name) in _self_references(role) else None


@functools.cache
def _self_references(role: str) -> frozenset[str]:
    own = role.casefold()
    return frozenset({own, f"same as {own}", f"as {own}", f"see {own}"})


def names_nobody(name: str, role: str) -> bool:
    """Whether a ``role`` cell gets its own PARTY_NOT_NAMED (a placeholder, no letters, a
    reference to itself)."""
    return names_no_party(name) is not None or _names_itself(name, role) is not None


@functools.lru_cache(maxsize=4096)
def refers_elsewhere(name: str) -> bool:
    """Whether a consignee or end-user cell points at another cell instead of naming a
    party ("Same as consignee", "s/a ship-to", "= end user", "Idem", "Consignee is end
    user"): with that cell empty too, the line names nobody."""
    key = _cell_key(name)
    if key in _POINTERS or key.startswith(("same as ", "s/a ", "= ", "as per ")) \
            or _POINTS_AT_RE.fullmatch(key) is not None:
        return True
    # (s20 hunt:) "Refer to consignee", '"Same as consignee"', "Idem consignee", "s.a.
    # consignee", "Consignee itself", "Buyer", "Ship-to", "wie Empfänger", "see column E":
    # words naming a role or pointing, and nothing else.
    words = _WORD_RE.findall(key)
    if not words or not all(w in _ROLE_WORDS or w in _POINTING_WORDS or len(w) == 1
                            for w in words):
        return False
    return not _ROLE_WORDS.isdisjoint(words) or (
        len(words) > 1 and not _POINTING_ALONE.isdisjoint(words))


_WORD_RE = re.compile(r"\w+")
#: Words naming a party's role in a shipment file (English, German, French, Spanish).
_ROLE_WORDS = frozenset({
    "consignee", "consignees", "end", "user", "enduser", "customer", "buyer", "receiver",
    "recipient", "ship", "shipto", "sold", "soldto", "purchaser", "importer", "client",
    "consignatario", "consignataire", "destinatario", "destinataire", "empfänger",
    "warenempfänger", "empfaenger", "endkunde", "kunde", "käufer", "comprador", "acheteur",
    "ultimate", "final", "cnee", "party", "bill", "billto", "invoice"})
#: Words pointing at another cell or column.
_POINTING_WORDS = frozenset({
    "same", "sama", "like", "as", "see", "refer", "referred", "to", "idem", "ditto", "do",
    "ibid", "sa", "s", "a", "itself", "is", "the", "per", "above", "below", "column", "col",
    "field", "cell", "wie", "mismo", "misma", "que", "el", "la", "le", "meme", "même",
    "cf", "also", "and", "or", "of", "voir", "siehe", "ver", "identical", "identique",
    "identisch", "mit", "au", "aux", "igual", "al", "gleich", "vide", "supra", "own", "use"})
#: Of those, the ones that point on their own ("vide supra", "own use", "see column E").
_POINTING_ALONE = frozenset({"see", "refer", "column", "col", "vide", "supra", "own"})
_POINTERS = frozenset({"same", "idem", "ídem", "ditto", "ibid", "do", "itself", "sac", "s/a",
                       "same as", "as consignee",
                       "see consignee", "as end user", "see end user", "="})
_POINTS_AT_RE = re.compile(r"(?:the )?(?:consignee|end user|customer|buyer|receiver|ship to"
                           r"(?: party)?|sold to(?: party)?|purchaser) (?:is|=) (?:the )?"
                           r"(?:ultimate )?(?:end user|consignee|customer|buyer)")


#: The roles whose cell naming nobody is a finding: for the other parties (intermediate
#: consignee, notify party), "None" or "N/A" says there is none.
NAMED_ROLES = frozenset({"Consignee", "End user"})
#: What a cell of one of those roles says when it refers to itself.
_NAMED_ROLES_THEMSELVES = frozenset().union(*map(_self_references, NAMED_ROLES))


def needs_a_finding(name: str) -> bool:
    """Whether ``name`` gets party findings even when no list name may match it: written
    in another script, naming no party, or text of another code page read as Western."""
    return script_not_listed(name) is not None or names_no_party(name) is not None \
        or military_name_word(name) is not None or may_name_place(name) \
        or _cell_key(name) in _NAMED_ROLES_THEMSELVES or looks_misread(name)


_HIGH = "[\u00a1-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e]"
#: Text of another code page read as Windows-1252, which the file's own check misses past
#: the sample it reads or among Western accents (s19 hunt: Рособоронэкспорт past the
#: first megabyte was CLEAR): three or more characters in a row from the upper half of
#: Windows-1252 (À-ÿ, ª, », Š ...), as Cyrillic saved as Windows-1251 ("ÀÐÇ" for АРЗ) or
#: Chinese saved as GBK ("»ªÎª") read; a word of two such letters ("ÀÎ" for АО); four of
#: them each one ASCII character apart, as Big5 or GBK with ASCII second bytes read
#: ("¥|¤t¤j¾Ç" for 四川大學; s20 hunt). Western names hold their accented letters one or
#: two at a time, and seldom three a letter apart ("Séléné": three).
_MISREAD_RE = re.compile(
    f"{_HIGH}{{3,}}|(?<![\\w\u00a1-\u00ff])[\u00c0-\u00ff]{{2}}(?![\\w\u00a1-\u00ff])"
    f"|(?:{_HIGH}[\\x21-\\x7e]){{3,}}{_HIGH}")


def lost_letters_finding(who: str, name: str) -> Finding | None:
    """REVIEW PARTY_NOT_NAMED for a party (``who``: its role) whose name lost its letters
    to question marks, in any party column (s20 hunt: a purchaser "????" was CLEAR)."""
    if names_no_party(name) is not _LOST_LETTERS:
        return None
    return Finding(
        "PARTY_NOT_NAMED", Severity.REVIEW,
        f"{who} {name!r} names no party ({_LOST_LETTERS}): the restricted-party check had no "
        f"name to check. Save the file as CSV UTF-8 (Excel: Save As, CSV UTF-8) and screen "
        f"it again, or record a decision.",
        ("15 CFR 744.11 (Entity List)", "15 CFR part 732, Supplement No. 3"))


def misread_finding(who: str) -> Finding:
    """REVIEW PARTY_NAME_MISREAD for a party (``who``: its role and name) whose name
    ``looks_misread``."""
    return Finding(
        "PARTY_NAME_MISREAD", Severity.REVIEW,
        f"{who} looks like text in another code page (Cyrillic, Turkish or Chinese saved as "
        f"ANSI text, or a Mac's CSV (Macintosh)) read as Western (Windows-1252): no listed name "
        f"could be checked against it as written. Save the file as CSV UTF-8 (Excel: Save "
        f"As, CSV UTF-8) and screen it again.",
        ("15 CFR 744.11 (Entity List)", "15 CFR part 732, Supplement No. 3"))


#: A Mac's "CSV (Macintosh)" (Mac Roman) read as Windows-1252: é, ü, á, à, â, ã, å inside a
#: word read as Ž, Ÿ, ‡, ˆ, ‰, ‹, Œ ("SociŽtŽ GŽnŽrale"), the apostrophe as Õ between
#: letters ("McDonaldÕs"), curly double quotes as Ò ... Ó around words ("ÒHuawei Co.Ó").
#: None of these stands inside a word of Western text.
_MAC_ROMAN_RE = re.compile(
    "[A-Za-z][\u017d\u0178\u2021\u02c6\u2030\u2039\u0152\u00d5][a-z]"
    "|(?:^|[\\s(])\u00d2[A-Za-z0-9].*?[A-Za-z0-9.)]\u00d3(?:$|[\\s,;.)])")


#: Turkish read as Windows-1252 (s23 hunt): ğ ş Ğ Ş as ð þ Ð Þ beside a letter ("Doðan",
#: "Þirketi"), İ as Ý starting a word ("Ýstanbul"). (ý alone is Czech and Slovak too; ð
#: and þ are Icelandic, whose names mostly hold á, é, í, ó, ú or æ, which Turkish has not.)
_TURKISH_MISREAD_RE = re.compile(
    "(?<=[A-Za-z\u00c0-\u00ff])[\u00f0\u00fe\u00d0\u00de]|[\u00f0\u00fe\u00d0\u00de](?=[a-z])"
    "|(?<![A-Za-z\u00c0-\u00ff])\u00dd(?=[a-z])")
_ICELANDIC_VOWELS = frozenset("\u00e1\u00e9\u00ed\u00f3\u00fa\u00e6"
                              "\u00c1\u00c9\u00cd\u00d3\u00da\u00c6")


#: Icelandic legal forms and patronymics: a name with ð or þ and one of these is Icelandic.
_ICELANDIC_RE = re.compile(r"\b(?:e?hf|ohf|sf|slf)\b|(?:sson|d\u00f3ttir)\b", re.IGNORECASE)


def looks_misread(name: str) -> bool:
    """Whether a party name looks like another code page's text read as Windows-1252."""
    return not name.isascii() and (_MISREAD_RE.search(name) is not None
                                   or _MAC_ROMAN_RE.search(name) is not None
                                   or (_TURKISH_MISREAD_RE.search(name) is not None
                                       and _ICELANDIC_VOWELS.isdisjoint(name)
                                       and _ICELANDIC_RE.search(name) is None))


#: Words companies and institutes abbreviate, by the word the lists mostly write out ("Harbin
#: Inst. of Tech." is the listed Harbin Institute of Technology; an independent review found
#: 188 of 300 listed names shipped to Hong Kong CLEAR with one such word shortened). Both the
#: list's names and the line's are read this way.
_ABBREVIATIONS = {
    # (Russian words as romanised from Cyrillic, by the English the lists write:
    # "Kontsern Kalashnikov" is the listed Concern Kalashnikov.)
    "kontsern": "concern", "kontserna": "concern", "goskorporatsiya": "state corporation",
    "goskorporatsii": "state corporation", "rostekh": "rostec", "rostech": "rostec",
    "tech": "technology", "techn": "technology", "technol": "technology",
    "techs": "technology", "technologies": "technology", "intl": "international",
    "intnl": "international",
    "int'l": "international", "inst": "institute", "instit": "institute",
    "univ": "university", "eng": "engineering", "engg": "engineering",
    "engr": "engineering", "mfg": "manufacturing", "manuf": "manufacturing",
    "natl": "national", "nat'l": "national", "sci": "science", "scient": "scientific",
    "acad": "academy", "assn": "association", "assoc": "association",
    "sys": "systems", "syst": "systems", "svc": "services", "svcs": "services",
    "equip": "equipment", "aero": "aerospace", "aerosp": "aerospace",
    "corp": "corporation", "co": "company", "inds": "industries", "rsch": "research",
    "lab": "laboratory", "labs": "laboratories",
    "mgmt": "management", "semicond": "semiconductor", "hk": "hong kong",
    "comms": "communications", "telecomms": "telecommunications", "semi": "semiconductor",
    "semis": "semiconductors", "log": "logistics", "logis": "logistics",
    # Electronics distributors in Hong Kong fill the Entity List; "Elec" is mostly theirs
    # (a Shanghai "Elec" for Electric still scores close to Electric).
    "elec": "electronics", "electr": "electronics", "electron": "electronics",
    "electronic": "electronics",
}
# (Left out on purpose: words that shorten several ways -- "Ind", "Res", "Dev", "Uni" --
# expanded wrongly they would part names that are the same; and spellings ("Centre" and
# "Center"): a name written as one word, "CentreBright", is found by its first letters.)
_APOSTROPHE_WORD_RE = re.compile(r"\b(int|nat)['\u2019](l)\b")


#: Cyrillic and Greek letters drawn like Latin ones (after Unicode TR39's confusables),
#: by the Latin letter they look like. Transliteration goes by sound: CYRILLIC EN "Н" looks
#: like H but becomes N, so "Нuawei" would not be Huawei.
_SHAPES = str.maketrans({
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "Х": "X", "У": "Y", "Ү": "Y", "Ѕ": "S", "І": "I", "Ӏ": "I", "Ј": "J", "Һ": "H",
    "Ԛ": "Q", "Ԝ": "W", "Ԁ": "D", "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y",
    "х": "x", "ѕ": "s", "і": "i", "ј": "j", "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ү": "y",
    "ӏ": "l", "ɡ": "g", "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K",
    "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "ο": "o", "ν": "v",
    "ι": "i", "κ": "k", "ρ": "p", "υ": "u", "χ": "x", "ϲ": "c", "ϳ": "j", "ı": "i",
})
_LOOK_ALIKES = frozenset(k for k in map(chr, _SHAPES))


def _fold_look_alikes(text: str) -> str:
    """Each word mixing Latin letters with look-alike Cyrillic or Greek ones ("Нuawei",
    "Rоѕnеft") read by the letters' shapes, as a reader sees it; words of one script as
    they are (a Russian name is transliterated by sound)."""
    if _LOOK_ALIKES.isdisjoint(text):
        return text
    return " ".join(
        word.translate(_SHAPES) if not _LOOK_ALIKES.isdisjoint(word)
        and any(c.isascii() and c.isalpha() for c in word) else word
        for word in text.split(" "))


@dataclass(frozen=True, slots=True)  # slots: a 500,000-entry list is held in memory
class PartyEntry:
    key: str  # list code + entity number (or a content hash)
    list_code: str
    list_label: str
    severity: Severity
    source: str
    name: str
    alt_names: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    license_requirement: str = ""
    license_policy: str = ""
    federal_register_notice: str = ""
    start_date: str = ""
    source_url: str = ""
    number: str = ""  # the list's own entity number, when it gives one

    @property
    def reference(self) -> str:
        """How a finding names the entry: its list number, or the content-derived key."""
        return (f"{self.list_label} no. {self.number}" if self.number
                else f"{self.key} (the list gives no entity number)")

    @property
    def content_hash(self) -> str:
        """Changes when the entry changes: a false positive is then raised again."""
        data = json.dumps([self.name, self.alt_names, self.countries, self.addresses,
                           self.license_requirement, self.license_policy, self.start_date],
                          ensure_ascii=False)
        return hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]

    def to_row(self) -> dict[str, Any]:
        return {"key": self.key, "list_code": self.list_code, "source": self.source,
                "name": self.name, "alt_names": json.dumps(self.alt_names, ensure_ascii=False),
                "countries": json.dumps(self.countries),
                "addresses": json.dumps(self.addresses, ensure_ascii=False),
                "license_requirement": self.license_requirement,
                "license_policy": self.license_policy,
                "federal_register_notice": self.federal_register_notice,
                "start_date": self.start_date, "source_url": self.source_url,
                "number": self.number, "content_hash": self.content_hash}


def _json_tuple(text: str | None) -> tuple[Any, ...]:
    return tuple(json.loads(text)) if text and text != "[]" else ()


def entry_from_row(row: Any) -> PartyEntry:
    """An entry from a ``party_entries`` row (a mapping)."""
    code, label, severity = list_kind(row["source"]) if row["list_code"] != CUSTOM[0] \
        else CUSTOM
    return PartyEntry(row["key"], code, label, severity, row["source"], row["name"],
                      _json_tuple(row["alt_names"]), _json_tuple(row["countries"]),
                      _json_tuple(row["addresses"]), row["license_requirement"],
                      row["license_policy"], row["federal_register_notice"],
                      row["start_date"], row["source_url"], row.get("number") or "")


# --- reading list files -------------------------------------------------------------------

def _split(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return tuple(p.strip() for p in str(value or "").split(";") if p.strip())


def _countries(addresses: Any, extra: Iterable[str] = ()) -> tuple[str, ...]:
    found = []
    if isinstance(addresses, list):
        found = [a.get("country", "") for a in addresses if isinstance(a, dict)]
    return tuple(sorted({c.strip().upper() for c in [*found, *extra] if c and c.strip()}))


MAX_FIELD = 32_768  # characters; the longest field of the real list is about 3,000
_CSV_LIMIT = 1 << 20  # the csv module's own limit (an unterminated quote meets it first)
_TEXT_FIELDS = ("name", "source", "entity_number", "id", "_id", "type", "country",
                "license_requirement", "license_policy", "federal_register_notice",
                "start_date", "source_list_url", "programs")


def _check_json_types(row: dict[str, Any], where: str, problems: list[str]) -> bool:
    """A CSL JSON result's fields have the published types: text (or a number for ids),
    lists of text, addresses as objects."""
    ok = True
    for key in _TEXT_FIELDS:
        value = row.get(key)
        if value is None or isinstance(value, str) or (
                key in ("entity_number", "id", "_id") and isinstance(value, int)
                and not isinstance(value, bool)):
            continue
        problems.append(f"{where}, field {key}: expected text, got {type(value).__name__}")
        ok = False
    for key in ("alt_names", "address_countries", "programs"):
        value = row.get(key)
        if value is None or isinstance(value, str) or (
                isinstance(value, list) and all(isinstance(v, str) for v in value)):
            continue
        problems.append(f"{where}, field {key}: expected a list of text, got "
                        f"{type(value).__name__}")
        ok = False
    addresses = row.get("addresses")
    if not (addresses is None or isinstance(addresses, str) or (
            isinstance(addresses, list) and all(isinstance(a, dict) for a in addresses))):
        problems.append(f"{where}, field addresses: expected a list of address objects")
        ok = False
    return ok


def _oversized(row: dict[str, Any], where: str, problems: list[str],
               word: str = "column") -> bool:
    for key, value in row.items():
        if isinstance(value, str) and len(value) > MAX_FIELD:
            problems.append(f"{where}, {word} {key}: {len(value):,} characters, more than "
                            f"the {MAX_FIELD:,} a list field may have")
            return True
    return False


def _csl_entry(row: dict[str, Any], where: str, problems: list[str],
               word: str = "column") -> PartyEntry | None:
    if _oversized(row, where, problems, word):
        return None
    name = str(row.get("name") or "").strip()
    source = str(row.get("source") or "").strip()
    if not name or not source:
        missing = "name" if not name else "source"
        problems.append(f"{where}, {word} {missing}: value required")
        return None
    code, label, severity = list_kind(source)
    number = str(row.get("entity_number") or row.get("id") or row.get("_id") or "").strip()
    addresses = row.get("addresses")
    if isinstance(addresses, list):
        address_texts = tuple(", ".join(str(a.get(k) or "") for k in
                                        ("address", "city", "state", "postal_code", "country")
                                        if a.get(k)) for a in addresses if isinstance(a, dict))
    else:
        address_texts = _split(addresses)
    countries = _countries(addresses, (*_split(row.get("country")),
                                       *_split(row.get("address_countries"))))
    if not countries:  # CSV addresses end with the country code: "..., Shenzhen, CN"
        countries = tuple(sorted({a.rsplit(",", 1)[-1].strip().upper() for a in address_texts
                                  if len(a.rsplit(",", 1)[-1].strip()) == 2}))
    entry = PartyEntry("", code, label, severity, source, name, _split(row.get("alt_names")),
                       countries, address_texts, str(row.get("license_requirement") or ""),
                       str(row.get("license_policy") or ""),
                       str(row.get("federal_register_notice") or ""),
                       str(row.get("start_date") or ""),
                       str(row.get("source_list_url") or ""), number)
    return replace(entry, key=f"{code}:{number}" if number else f"{code}:{entry.content_hash}")


def _open_text(path: Path) -> io.TextIOWrapper:
    """The file as text (UTF-8, with or without BOM; ``.gz`` decompressed)."""
    raw: Any = gzip.open(path, "rb") if path.suffix.lower() == ".gz" else path.open("rb")  # noqa: SIM115 (the wrapper closes it)
    return io.TextIOWrapper(raw, encoding="utf-8-sig", errors="strict", newline="")


def list_digest(path: Path) -> str:
    """SHA-256 of the list's content (of the decompressed text for a ``.gz`` file, so the
    bundled copy has the hash of the file as published)."""
    digest = hashlib.sha256()
    opener: Any = gzip.open if path.suffix.lower() == ".gz" else open
    with opener(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def read_list_file(path: Path) -> tuple[str, list[PartyEntry]]:
    """(format, entries) for a CSL CSV, a CSL JSON or a custom watch-list CSV. A file with any
    bad row is refused whole, listing every problem."""
    fmt, entries = scan_list_file(path)
    return fmt, list(entries)


def scan_list_file(path: Path) -> tuple[str, Iterator[PartyEntry]]:
    """(format, entries as they are read). The iterator raises PartyListError at the end
    (listing every problem) if any row was bad: a caller storing entries as they come does
    so inside a transaction and lets the error roll it back."""
    path = Path(path)
    try:
        handle = _open_text(path)
        head = handle.read(4096)
    except (OSError, EOFError) as exc:
        raise PartyListError([f"{path}: cannot be read ({getattr(exc, 'strerror', None) or exc})"]
                             ) from exc
    except UnicodeDecodeError as exc:
        raise PartyListError([f"{path}: not UTF-8 text ({exc})"]) from exc
    if head.lstrip().startswith(("{", "[")):
        handle.close()
        return "csl-json", _json_entries(path)
    handle.seek(0)
    first = csv.reader(io.StringIO(head.split("\n", 1)[0]))
    header = {h.strip().casefold() for h in next(first, [])}
    if {"source", "name"} <= header:
        return "csl-csv", _csv_entries(path, handle, custom=False)
    if "name" in header:
        return "custom-csv", _csv_entries(path, handle, custom=True)
    handle.close()
    raise PartyListError([f"{path}: not a screening list: need a 'name' column (and "
                          f"'source' for the Consolidated Screening List format)"])


def _json_entries(path: Path) -> Iterator[PartyEntry]:
    try:
        with _open_text(path) as handle:
            data = json.load(handle)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise PartyListError([f"{path.name}: not valid JSON ({exc})"]) from exc
    results = data.get("results") if isinstance(data, dict) else data
    if not isinstance(results, list):
        raise PartyListError([f"{path.name}: expected a 'results' list (CSL JSON format)"])
    problems: list[str] = []
    count = 0
    for i, row in enumerate(results, start=1):
        where = f"{path.name}: result {i}"
        if not isinstance(row, dict):
            problems.append(f"{where}: expected an object, got {type(row).__name__}")
            continue
        if not _check_json_types(row, where, problems):
            continue
        entry = _csl_entry(row, where, problems, "field")
        if entry and not problems:
            count += 1
            yield entry
    _finish(path, problems, count)


def _finish(path: Path, problems: list[str], count: int) -> None:
    if problems:
        raise PartyListError(problems[:200] + ([f"... and {len(problems) - 200:,} more "
                                                f"problems"] if len(problems) > 200 else []))
    if not count:
        raise PartyListError([f"{path.name}: the list has no entries"])


def _csv_entries(path: Path, handle: io.TextIOWrapper, *, custom: bool
                 ) -> Iterator[PartyEntry]:
    problems: list[str] = []
    count = 0
    previous = csv.field_size_limit(_CSV_LIMIT)
    try:
        reader = csv.reader(handle, strict=True)
        header = [h.strip() for h in next(reader)]
        keys = [h.casefold() if custom else h for h in header]
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                text = str(exc)
                if "end of data" in text:
                    problems.append(f"{path.name}: row {start}: unterminated quote (a quoted "
                                    f"field that starts on this row never ends)")
                elif "field limit" in text or "larger than" in text:
                    problems.append(f"{path.name}: row {start}: a field is longer than "
                                    f"{_CSV_LIMIT:,} characters (or a quote never ends)")
                else:
                    problems.append(f"{path.name}: row {start}: not valid CSV ({text})")
                break  # the reader cannot find the next row reliably after this
            except UnicodeDecodeError as exc:
                problems.append(f"{path.name}: near row {start}: not UTF-8 text ({exc})")
                break
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(header):
                problems.append(f"{path.name}: row {start}: has {len(cells)} fields, the "
                                f"header has {len(header)}")
                continue
            row = dict(zip(keys, cells, strict=False))
            where = f"{path.name}: row {start}"
            entry = _custom_entry(row, where, problems) if custom else \
                _csl_entry(row, where, problems)
            if entry and not problems:
                count += 1
                yield entry
    finally:
        csv.field_size_limit(previous)
        handle.close()
    _finish(path, problems, count)


def _custom_entry(cells: dict[str, str], where: str, problems: list[str]) -> PartyEntry | None:
    if _oversized(cells, where, problems):
        return None
    row = {k.strip(): (v or "").strip() for k, v in cells.items() if k}
    if not row.get("name"):
        problems.append(f"{where}, column name: value required")
        return None
    country = row.get("country", "").upper()
    if country and not re.fullmatch(r"[A-Z]{2}", country):
        problems.append(f"{where}, column country: {country!r} is not a two-letter code")
        return None
    base = PartyEntry("", CUSTOM[0], CUSTOM[1], CUSTOM[2], row.get("list") or CUSTOM[1],
                      row["name"], _split(row.get("alt_names")), (country,) if country else (),
                      _split(row.get("address")), "", "", "", "", "", row.get("id", ""))
    return replace(base, key=f"CUSTOM:{row.get('id') or base.content_hash}")


# --- matching -----------------------------------------------------------------------------

@dataclass(frozen=True)
class PartyMatch:
    entry: PartyEntry
    matched_name: str
    score: float
    country_agrees: bool | None  # None: no country on one side
    #: "" for a match of the whole name; WITHIN: the listed name is a run of the party's
    #: words ("Huawei Technologies Co Ltd c/o DHL"); PART: the party's words are a run of
    #: the listed name ("Huawei", "Yangtze Memory"). Never more than worth a review.
    partial: str = ""


WITHIN, PART, SAME_CORE = "within", "part", "core"
#: Words that say where a company is or what kind it is, not who it is: left out of a name,
#: what remains is its distinctive part ("Dahua" of "Zhejiang Dahua Technology Co., Ltd."
#: and of "Dahua Hong Kong Ltd"). Countries, regions, China's provinces and big cities, and
#: the general words of company names (legal forms are gone already: ``party_forms``).
_GENERIC_WORDS = frozenset({
    "concern", "kontsern",  # (Russian groups: "Kalashnikov Concern")
    "hong", "kong", "hk", "hksar", "china", "chinese", "prc", "macau", "macao", "taiwan",
    "beijing", "shanghai", "shenzhen", "guangzhou", "guangdong", "zhejiang", "hangzhou",
    "jiangsu", "suzhou", "nanjing", "wuxi", "wuhan", "hubei", "chengdu", "sichuan", "xian",
    "shaanxi", "tianjin", "chongqing", "dongguan", "foshan", "xiamen", "fujian", "fuzhou",
    "hefei", "anhui", "changsha", "hunan", "harbin", "heilongjiang", "shandong", "qingdao",
    "jinan", "liaoning", "dalian", "shenyang", "henan", "zhengzhou", "hebei", "jilin",
    "changchun", "yunnan", "kunming", "guizhou", "guangxi", "hainan", "jiangxi", "shanxi",
    "ningbo", "zhuhai", "singapore", "europe", "european", "eu", "asia", "asian", "pacific",
    "apac", "emea", "america", "americas", "latam", "africa", "middle", "east", "north",
    "south", "west", "northern", "southern", "eastern", "western", "central", "nordic", "usa",
    "us", "uk", "germany", "deutschland", "france", "italia", "italy", "espana", "spain",
    "iberia", "nederland", "netherlands", "benelux", "japan", "korea", "india", "russia",
    "rus", "moscow", "dubai", "uae", "emirates", "malaysia", "thailand", "vietnam",
    "indonesia", "philippines", "australia", "canada", "mexico", "brasil", "brazil", "turkey",
    "international", "intl", "global", "worldwide", "overseas", "trading", "trade",
    "technology", "technologies", "tech", "industrial", "industries", "industry", "enterprise",
    "enterprises", "development", "science", "sciences", "electronic", "electronics", "state",
    "branch", "office", "subsidiary", "hq", "headquarters", "sales", "services", "service",
    "solutions", "systems", "digital", "network", "networks", "information", "communications",
    "communication", "import", "export", "imp", "exp", "investment", "investments",
    "manufacturing", "products", "equipment", "engineering", "sdn", "bhd", "kk", "gk", "sarl",
    "sas", "spa", "oy", "ab", "as", "nv", "kft", "sro", "doo", "zrt", "de", "of", "and", "&"})
#: Words of a trade, left out beside ``_GENERIC_WORDS`` to find a listed company's brand
#: in a subsidiary's name ("Dahua Security", "Rostec Aviation"), when the brand is no
#: English word (bench/bench_parties.py: 69.9% of such names found, 19.0% before; false
#: positives unchanged, on unrelated names and on English words beside a trade's word).
_SECTOR_WORDS = frozenset({
    "security", "aviation", "aerospace", "aero", "defense", "defence", "semiconductor",
    "semiconductors", "microelectronics", "optics", "optical", "photonics", "telecom",
    "telecoms", "robotics", "automation", "instruments", "instrument", "devices", "device",
    "components", "materials", "logistics", "shipping", "holdings", "holding", "group",
    "company", "lab", "labs", "laboratory", "laboratories", "research", "software",
    "hardware", "machinery", "machine", "machines", "energy", "power", "vision",
    "intelligence", "ai", "cloud", "data", "computing", "computer", "computers", "chips",
    "chip", "microsystems", "precision"})
#: How close (rapidfuzz partial_ratio) a word of a party's name must come to one of a list
#: name's distinctive words for a near match of the two names to count (``match``).
DISTINCTIVE_SCORE = 65.0
#: A brand word that more entries' names hold than this is an ordinary word.
BRAND_ENTRIES = 40
#: The least score a person's name without its middle names must reach (``_short_form``).
SHORT_FORM_SCORE = 95.0
#: At most so many entries hold a word of one company's family of names (``_family_word``).
FAMILY_ENTRIES = 8
_AGREEMENT_ORDER = {True: 0, None: 1, False: 2}
#: A word naming more list names than this is too common to find a shortened name by.
PARTIAL_POSTING = 300
#: List names looked at for a name's distinctive word (Huawei's entries have hundreds).
CORE_POSTING = 3000


@dataclass
class PartyIndex:
    entries: list[PartyEntry]
    strong: float = STRONG
    weak: float = WEAK
    names: list[str] = field(default_factory=list)  # normalised names
    compact: list[str] = field(default_factory=list)  # the same without spaces
    #: The same with their words in sorted order: token_sort_ratio is the plain ratio of
    #: these, so sorting each list name once spares every query re-sorting all candidates.
    sorted_names: list[str] = field(default_factory=list)
    #: The sorted-word and compact texts of each name as written, where its abbreviations
    #: make them differ ("" where not): scored too (``party_forms``).
    plain_sorted: list[str] = field(default_factory=list)
    plain_compact: list[str] = field(default_factory=list)
    owners: list[tuple[int, str]] = field(default_factory=list)  # (entry index, shown name)
    tokens: dict[str, list[int]] = field(default_factory=dict)
    _cache: dict[str, tuple[tuple[int, float], ...]] = field(default_factory=dict, repr=False)
    #: Per party name: (name number, WITHIN or PART) of list names sharing a run of words.
    _partial_cache: dict[str, tuple[tuple[int, str], ...]] = field(default_factory=dict,
                                                                  repr=False)
    #: Per list name of one word: whether it is a company's own (``_own_word``).
    _own_words: dict[int, bool] = field(default_factory=dict, repr=False)
    #: Per search key: how many list names hold it, other forms not counted (``_held``).
    _held_counts: dict[str, int] = field(default_factory=dict, repr=False)
    #: Per list name: whether it is a person's name without its middle names.
    _shorts: dict[int, bool] = field(default_factory=dict, repr=False)
    #: Per list name: its distinctive words (``_distinctive``).
    _distinctive_words: dict[int, tuple[str, ...]] = field(default_factory=dict, repr=False)
    #: Per word: whether it is an ordinary word (``_ordinary``).
    _ordinary_words: dict[str, bool] = field(default_factory=dict, repr=False)
    #: Per list name: its distinctive part (``_core``).
    _cores: dict[int, str] = field(default_factory=dict, repr=False)
    #: Per list name: its core without the words of a trade (``_brand``).
    _brands: dict[int, str] = field(default_factory=dict, repr=False)
    #: Per list name and word of it: whether the name spells the word out (``_spells_out``).
    _acronyms: dict[tuple[int, str], bool] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, entries: list[PartyEntry], strong: float = STRONG,
              weak: float = WEAK) -> PartyIndex:
        index = cls(entries, strong, weak)
        tokens: dict[str, list[int]] = defaultdict(list)
        names, compact, owners = index.names, index.compact, index.owners
        sorted_names = index.sorted_names
        seen: dict[str, tuple[str, str]] = {}  # the same alias text recurs across entries
        plain_sorted, plain_compact = index.plain_sorted, index.plain_compact
        for e, entry in enumerate(entries):
            start = len(names)
            for shown, written in _names_and_forms(entry):
                forms = seen.get(written)
                if forms is None:
                    forms = seen[written] = party_forms(written)
                normalized, plain = forms
                if not normalized or (written is not shown and normalized in names[start:]):
                    continue
                n = len(names)
                names.append(normalized)
                flat = normalized.replace(" ", "")
                compact.append(flat)
                sorted_names.append(_sort_words(normalized))
                owners.append((e, shown))
                # The keys of _block_keys, inline: this runs for every name of the list.
                for word in normalized.split():
                    tokens[word].append(n)
                    if len(word) > 3:
                        tokens["~" + word[:3]].append(n)
                tokens["#" + flat[:6]].append(n)
                if plain == normalized:
                    plain_sorted.append("")
                    plain_compact.append("")
                    continue
                plain_sorted.append(_sort_words(plain))
                plain_compact.append(plain.replace(" ", ""))
                # The name as written is found by its own keys too; each name once per key,
                # so that no key's posting grows past MAX_POSTING by a name counted twice.
                for key in _block_keys(plain) - _block_keys(normalized):
                    tokens[key].append(n)
        index.tokens = dict(tokens)  # a word twice in one name repeats it: harmless
        return index

    def match(self, name: str, country: str | None = None) -> list[PartyMatch]:
        """Best match per list entry at or above the weak threshold, best first."""
        best: dict[int, PartyMatch] = {}
        compacts: tuple[str, ...] | None = None
        for n, base in self.candidates(name):
            if base < 100 and self._distinctive(n):
                # A near match must hold the listed name's distinctive words: the places
                # and general words two names share make them look alike ("HSBC Hong
                # Kong" and "SMIC Hong Kong", 86; "Hong Kong Electric Company" and "Taihe
                # Electric (Hong Kong) Limited", 89).
                if compacts is None:
                    compacts = tuple(dict.fromkeys(
                        f.replace(" ", "") for f in party_forms(name) if f))
                if not self._holds_distinctive(n, compacts):
                    continue
            score = base
            e, shown = self.owners[n]
            entry = self.entries[e]
            # Another form of a listed name (a person's given names first, a shortening spelt
            # out) follows the name in the index.
            other_form = n > 0 and self.owners[n - 1] == (e, shown)
            short = other_form and self._short_form(n)
            if short and base < SHORT_FORM_SCORE:
                continue
            agrees = None
            if country and entry.countries:
                agrees = country_agrees(country, entry.countries)
                # The same name in another country is a weaker match, never none (s21
                # hunt: "Mahan Airlines" to the UAE, 95 before, was CLEAR): a listed party
                # trades abroad, and the SDN and Denied Persons lists bind everywhere.
                score = min(score + (3 if agrees else -10), 100.0)
            if " " not in self.names[n] and is_english_word(self.names[n]):
                # A list name that is one English word (the SDN List's vessels CRYSTAL,
                # STAR, HARMONY) matches ordinary companies' names once their legal forms
                # are left out ("Crystal Group Ltd": s24 hunt, PROHIBITED): a review.
                score = min(score, self.strong - 1)
            if short or (other_form and base < 100):
                # A person's name without the middle names ("Ahmed ALI" of "ALI, Ahmed
                # Khalfan"), or near another form ("Mohammad Ali", "Mohammad WALI"): many
                # people are so named (s24 review: both were PROHIBITED). A match to review
                # at most; the name exactly as the list writes it, reordered, is strong.
                score = min(score, self.strong - 1)
            if max(score, base) >= self.weak and (e not in best or score > best[e].score):
                best[e] = PartyMatch(entry, shown, score, agrees)
        found = sorted(best.values(), key=lambda m: -m.score)
        partial: list[PartyMatch] = []
        for n, how in self.partials(name):  # closest first
            e, shown = self.owners[n]
            if e not in best:  # a match of the whole name says more
                entry = self.entries[e]
                best[e] = PartyMatch(entry, shown, 0.0, country_agrees(country, entry.countries)
                                     if country and entry.countries else None, how)
                partial.append(best[e])
        # Entries in the line's country first ("Huawei" to Hong Kong: the listed Huawei
        # Technologies of CN/HK before Huawei Cuba), each group closest first.
        return found + sorted(partial, key=lambda m: _AGREEMENT_ORDER[m.country_agrees])

    def may_match(self, name: str) -> bool:
        """Whether any list name may match ``name`` whatever the country (most have none)."""
        return bool(self.candidates(name) or self.partials(name))

    def partials(self, name: str) -> tuple[tuple[int, str], ...]:
        """(name number, WITHIN or PART) of the list names sharing a run of words with
        ``name``, closest in length first. Cached per distinct name."""
        found = self._partial_cache.get(name)
        if found is None:
            self.candidates(name)  # works out both
            found = self._partial_cache.get(name)
            if found is None:  # the caches are full
                found = self._partial_runs(normalize_party(name))
        return found

    def _partial_runs(self, query: str) -> tuple[tuple[int, str], ...]:
        """WITHIN: a listed name of two words or more is a run of the query's words. PART:
        the query's words are a run of a longer listed name, and one of them (three letters
        or more, not a number) names few list names. Exact words: near spellings are the
        fuzzy match's work."""
        words = query.split()
        if not words:
            return ()
        tokens, names = self.tokens, self.names
        found: dict[int, str] = {}
        if len(words) > 1:
            # A listed name of one word that is a company's own ("AFOX Corporation Limited"
            # is "afox"; "Hikvision", a word of its entry's longer name), in a cell with
            # more words ("AFOX Corporation Limited, Hong Kong", "Hikvision Hong Kong Ltd"):
            # s21 hunt, CLEAR.
            for word in dict.fromkeys(words):
                posting = tokens.get(word, ()) if len(word) >= 3 and not word.isdigit() \
                    else ()
                if len(posting) <= PARTIAL_POSTING or self._held(word) <= PARTIAL_POSTING:
                    for n in posting:
                        if names[n] == word and self._own_word(n):
                            found.setdefault(n, WITHIN)
        if len(words) > 2:
            # Listed names of one word are left out: many are ordinary words (vessels named
            # CRYSTAL, HARMONY, PHOENIX), and a quarter of ordinary company names hold one.
            for size in range(len(words) - 1, 1, -1):  # longest runs first
                for start in range(len(words) - size + 1):
                    run = " ".join(words[start:start + size])
                    # The names starting with the run's first six letters hold it if any does.
                    for n in tokens.get("#" + run.replace(" ", "")[:6], ()):
                        if names[n] == run:
                            found.setdefault(n, WITHIN)
        # (Single letters too: "B.V." reads "b v". Not of list names: "K Logistics".)
        core = [w for w in words if w not in _GENERIC_WORDS and len(w) > 1]
        if len(core) == 1 and len(core[0]) >= 4 and not core[0].isdigit() and len(words) > 1:
            # "Dahua Hong Kong Ltd", "Huawei Deutschland GmbH", "Inspur International": the
            # listed company's distinctive word with places and general words (s21 hunt:
            # CLEAR). A list name whose own distinctive part is that word alone. An
            # ordinary word is no company's name ("Central Bank Systems Ltd" drew the SDN
            # List's "Middle East Bank" and four other banks, for each of its roles).
            word = core[0]
            if not self._ordinary(word):
                for n in tokens.get(word, ())[:CORE_POSTING]:
                    if self._stands_for(n, self._core(n), word):
                        found.setdefault(n, SAME_CORE)
        elif len(core) > 1 and (len(core) < len(words) or any(
                w in _SECTOR_WORDS for w in core)):
            # "Yangtze Memory Hong Kong", "Yangtze Memory Europe GmbH": the listed name's
            # distinctive words ("Yangtze Memory Technologies") with places and general
            # words (s22 second review: CLEAR), or those words within the name's own.
            joined = f" {' '.join(core)} "
            # (A trade's word no list name holds does not stop it: "Yangtze Memory
            # Semiconductor". Any other word does: a second distinctive word makes another
            # company.)
            posting = min((tokens.get(w, ()) for w in core
                           if len(w) >= 3 and w not in _SECTOR_WORDS), key=len, default=())
            for n in posting[:CORE_POSTING]:
                listed = self._core(n)
                if " " in listed and f" {listed} " in joined:
                    found.setdefault(n, SAME_CORE)
        brand = [w for w in core if w not in _SECTOR_WORDS]
        if len(brand) == 1 and len(brand[0]) >= 4 and not brand[0].isdigit() and \
                len(brand) < len(core):
            # "Dahua Security Hong Kong", "Kaspersky Security GmbH", "Rostec Aviation": the
            # listed company's distinctive word with words of a trade (s22 note: CLEAR). An
            # English word ("Eagle Security", "Phoenix Aviation": s23 review, twice the
            # partial matches on such names), or one many entries' names hold, is no brand.
            word = brand[0]
            posting = tokens.get(word, ())
            if posting and len({self.owners[n][0] for n in posting}) <= BRAND_ENTRIES and \
                    not is_english_word(word):  # (the words are read only if asked)
                for n in posting[:CORE_POSTING]:
                    if self._stands_for(n, self._brand(n), word):
                        found.setdefault(n, SAME_CORE)
        postings = [tokens.get(w, ()) for w in words]
        if all(postings):
            rare = [(held, w, p) for w, p in zip(words, postings, strict=True)
                    if len(w) >= 3 and not w.isdigit()
                    and (held := self._held(w)) <= PARTIAL_POSTING]
            if rare:
                _size, _word, posting = min(rare, key=itemgetter(0))
                padded = f" {query} "
                for n in dict.fromkeys(posting):
                    text = names[n]
                    if len(text) > len(query) and padded in f" {text} ":
                        found.setdefault(n, PART)
        return tuple(sorted(found.items(),
                            key=lambda item: (abs(len(names[item[0]]) - len(query)), item[0])))

    def _distinctive(self, n: int) -> tuple[str, ...]:
        """List name ``n``'s distinctive words: its core (``_core``) without words of a
        trade, numbers and words under three letters. (Words many entries hold count:
        "Shahid" names a family of sanctioned companies.)"""
        words = self._distinctive_words.get(n)
        if words is None:
            words = self._distinctive_words[n] = tuple(
                w for w in self._core(n).split() if len(w) >= 3 and not w.isdigit()
                and w not in _SECTOR_WORDS)
        return words

    def _holds_distinctive(self, n: int, compacts: tuple[str, ...]) -> bool:
        """Whether a party's name (``compacts``: its forms without spaces) holds one of list
        name ``n``'s distinctive words, or a word like it (a typo, a transliteration)."""
        return any(fuzz.partial_ratio(word, compact) >= DISTINCTIVE_SCORE
                   for word in self._distinctive(n) for compact in compacts)

    def _ordinary(self, word: str) -> bool:
        """Whether ``word`` is an ordinary word, no company's distinctive name: an English
        word the names of more than ``BRAND_ENTRIES`` entries hold ("bank", "shipping",
        "institute", "aviation"). Brands held by many entries are no English words
        ("huawei", "cetc"); one that is, held by few, still counts ("eagle")."""
        ordinary = self._ordinary_words.get(word)
        if ordinary is None:
            posting = self.tokens.get(word, ())
            ordinary = self._ordinary_words[word] = len(posting) > BRAND_ENTRIES and len(
                {self.owners[n][0] for n in posting}) > BRAND_ENTRIES and \
                is_english_word(word)
        return ordinary

    def _core(self, n: int) -> str:
        """List name ``n`` without its ``_GENERIC_WORDS`` ("zhejiang dahua technology":
        "dahua"), worked out when first asked."""
        core = self._cores.get(n)
        if core is None:
            core = self._cores[n] = " ".join(w for w in self.names[n].split()
                                             if w not in _GENERIC_WORDS)
        return core

    def _brand(self, n: int) -> str:
        """List name ``n``'s core (``_core``) without the words of a trade
        (``_SECTOR_WORDS``): "kaspersky" of "AO Kaspersky Lab"."""
        brand = self._brands.get(n)
        if brand is None:
            brand = self._brands[n] = " ".join(w for w in self._core(n).split()
                                               if w not in _SECTOR_WORDS)
        return brand

    def _stands_for(self, n: int, part: str, word: str) -> bool:
        """Whether ``word`` names list name ``n``, whose distinctive ``part`` (``_core`` or
        ``_brand``) it is: a list name of that word alone only if it is a company's own
        (vessels are named CRYSTAL); or ``n`` spells the word out."""
        return (part == word and (self.names[n] != word or self._own_word(n))) or \
            self._spells_out(n, word)

    def _spells_out(self, n: int, word: str) -> bool:
        """Whether list name ``n`` holds ``word`` as the initials of its words before it
        ("National University of Defense Technology (NUDT)", "China Aerospace Science and
        Industry Corporation (CASIC) 3rd Academy"): the acronym names the company."""
        key = (n, word)
        spelt = self._acronyms.get(key)
        if spelt is None:
            shown = self.owners[n][1]
            head = re.split(rf"(?i)\b{re.escape(word)}\b", shown, maxsplit=1)
            spelt = self._acronyms[key] = len(head) == 2 and _spelt_out(word, head[0])
        return spelt

    def _own_word(self, n: int) -> bool:
        """Whether list name ``n``, of one word, is a company's own name: a word no other
        entry's names hold, on a list of companies and organisations (every list but the
        SDN List, which names vessels too) or written with more words (a legal form: "AFOX
        Corporation Limited"); or a word of another name of its entry that one other entry
        at most holds ("Hikvision" beside "Hangzhou Hikvision Digital Technology Co.,
        Ltd."); or the initials of another name of its entry, of four letters or more,
        however many entries hold it ("CASIC" of "China Aerospace Science and Industry
        Corporation", whose academies are listed as "... (CASIC) 3rd Academy"). Ordinary
        words ("STAR", "CRYSTAL", "Phoenix") are in many entries' names: left out, as they
        were (a cell holding one matched them)."""
        kept = self._own_words.get(n)
        if kept is None:
            e, shown = self.owners[n]
            word = self.names[n]
            entry = self.entries[e]
            # The other entries whose names hold the word: an ordinary word ("star",
            # "crystal", "auto") is in many; a company's own in its entry's alone.
            holders = self.tokens.get(word, ())
            shared = len({self.owners[m][0] for m in holders} - {e})
            others = [other for other in (entry.name, *entry.alt_names) if other != shown]
            company = entry.list_code != "SDN" or len(shown.split()) > 1
            kept = (shared == 0 and company) or (
                shared <= 1 and any(word in normalize_party(other).split()
                                    for other in others)) or (
                len(word) >= 4 and any(_spelt_out(word, other) for other in others)) or (
                company and self._family_word(word, holders))
            self._own_words[n] = kept
        return kept

    def _held(self, key: str) -> int:
        """How many list names hold a search key, a name's other forms (a person's given
        names first, a shortening spelt out) not counted: they would make a person's words
        look common, and a rare word's partial matches were lost (s24 review: "Ali Reza"
        lost its Entity List and Debarred matches)."""
        posting = self.tokens.get(key, ())
        if len(posting) <= MAX_POSTING // 2:
            return len(posting)
        held = self._held_counts.get(key)
        if held is None:
            owners = self.owners
            held = self._held_counts[key] = len(posting) - sum(
                1 for m in posting if m and owners[m] == owners[m - 1])
        return held

    def _short_form(self, n: int) -> bool:
        """Whether list name ``n`` is a person's name the list writes with middle names,
        without them (``given_names_first``)."""
        short = self._shorts.get(n)
        if short is None:
            shown = self.owners[n][1]
            short = self._shorts[n] = bool(given_names_first(shown)) and \
                len(self.names[n].split()) < len(party_forms(shown)[0].split())
        return short

    def _family_word(self, word: str, holders: Sequence[int]) -> bool:
        """Whether every list name holding ``word`` starts with it, in a few entries, and
        it is no English word: one company's name, listed on several lists or with its
        subsidiaries ("Shvabe JSC", "JOINT STOCK COMPANY SHVABE", "Shvabe Opto-Electronics
        Co. LTD."; "TFASA Group Limited", "TFASA Services FZCO": s24 hunt, "Shvabe Hong
        Kong Limited" was CLEAR). A place or an ordinary word starts few of its names."""
        names = self.names
        return len(word) >= 4 and \
            len({self.owners[m][0] for m in holders}) <= FAMILY_ENTRIES and \
            all(names[m].startswith(word + " ") or names[m] == word for m in holders) and \
            not is_english_word(word)

    def candidates(self, name: str) -> tuple[tuple[int, float], ...]:
        """(name number, score before the country adjustment) of the list names that may
        match ``name``; empty for most parties. Cached per distinct name."""
        scores = self._cache.get(name)
        if scores is None:
            query, plain = party_forms(name)
            scores = self._scores(query, plain)
            if len(self._cache) < CACHE_LIMIT:
                self._cache[name] = scores
                self._partial_cache[name] = self._partial_runs(query)
        return scores

    def _keys_in_order(self, query: str) -> list[str]:
        get = self.tokens.get
        return sorted(_block_keys(query), key=lambda k: len(get(k, ())))

    def _scores(self, query: str, plain: str | None = None, keys: list[str] | None = None
                ) -> tuple[tuple[int, float], ...]:
        """(name number, score before the country adjustment) of every candidate name that
        may reach the weak threshold; ``plain``: the name as written, if its abbreviations
        make it differ from ``query`` (``party_forms``); ``keys``: ``_keys_in_order(query)``
        if the caller has it. Shipment files repeat their parties, so this is computed once
        per distinct name."""
        if not query:
            return ()
        plain = plain if plain and plain != query else None
        candidates = self._candidate_ids(query, keys)
        if plain is not None:
            candidates |= self._candidate_ids(plain)
        if not candidates:
            return ()
        ids = sorted(candidates)  # a fixed order: ties at the limit do not depend on hashing
        pick = itemgetter(*ids) if len(ids) > 1 else lambda seq: (seq[ids[0]],)
        self._sorted_names_ready()
        cutoff = self.weak - 10
        first = process.extract(_sort_words(query), pick(self.sorted_names),
                                scorer=fuzz.ratio, score_cutoff=cutoff, limit=LIMIT)
        # "Hong Kong" / "Hongkong", "Nato Import" / "NatoImport": compare without spaces too.
        second = process.extract(query.replace(" ", ""), pick(self.compact),
                                 scorer=fuzz.ratio, score_cutoff=cutoff, limit=LIMIT)
        scores = _merge(ids, [(pos, score) for _t, score, pos in first],
                        [(pos, score) for _t, score, pos in second])
        # The name as written against each list name as written, where either has an
        # abbreviation: writing them out must never lose a match the words as written make.
        plain_sorted = self.plain_sorted  # (a descriptor: read once, not per name)
        written = ids if plain is not None else [i for i in ids if plain_sorted[i]]
        if written:
            text = plain or query
            third = process.extract(_sort_words(text), self._written(written, sort=True),
                                    scorer=fuzz.ratio, score_cutoff=cutoff, limit=LIMIT)
            fourth = process.extract(text.replace(" ", ""), self._written(written, sort=False),
                                     scorer=fuzz.ratio, score_cutoff=cutoff, limit=LIMIT)
            scores = _higher(scores, _merge(written, [(pos, score) for _t, score, pos in third],
                                            [(pos, score) for _t, score, pos in fourth]))
        return scores

    def _candidate_ids(self, query: str, keys: list[str] | None = None) -> set[int]:
        # Rare keys find the candidates; a key shared by hundreds of names (a word such as
        # "trading") adds nothing once rarer keys have found some.
        candidates: set[int] = set()
        keys = self._keys_in_order(query) if keys is None else keys
        get = self.tokens.get
        for at, key in enumerate(keys):
            posting = get(key, ())
            if candidates and len(posting) > MAX_POSTING and self._held(key) > MAX_POSTING:
                # ... but a misspelt word ("Tschnology") has rare keys that find unrelated
                # names, and the listed one sits behind common words ("Beijing", "Institute":
                # s24 hunt, "Beijing Institute of Tschnology" was CLEAR): the names holding
                # the two rarest common words of the query are candidates too.
                common = [self.tokens[k] for k in keys[at:] if not k.startswith(("~", "#"))
                          and self._held(k) > MAX_POSTING][:2]
                if len(common) == 2:
                    both = set(common[0]).intersection(common[1])
                    if len(both) <= MAX_POSTING:
                        candidates.update(both)
                break
            candidates.update(posting)
        return candidates

    def _written(self, ids: list[int], *, sort: bool) -> list[str]:
        """The list names ``ids`` as written (sorted words or compact): each one's own form
        where its abbreviations make it differ, else the one form it has."""
        own, shared = ((self.plain_sorted, self.sorted_names) if sort
                       else (self.plain_compact, self.compact))
        return [own[i] or shared[i] for i in ids]

    def _sorted_names_ready(self) -> None:
        if len(self.sorted_names) != len(self.names):  # an index built before they were kept
            self.sorted_names = [_sort_words(n) for n in self.names]
        if len(self.plain_sorted) != len(self.names):  # the same
            written = [party_forms(shown)[1] for _e, shown in self.owners]
            self.plain_sorted = [_sort_words(w) if w != n else ""
                                 for w, n in zip(written, self.names, strict=True)]
            self.plain_compact = [w.replace(" ", "") if w != n else ""
                                  for w, n in zip(written, self.names, strict=True)]

    def _lone_posting(self, keys: list[str]) -> str | None:
        """The key whose posting alone makes the candidates of a query whose keys are
        ``keys`` (``_keys_in_order``), if that posting is one of the large ones (every rarer
        key of the query finds nothing)."""
        get = self.tokens.get
        for key in keys:
            posting = get(key, ())
            if posting:
                return key if len(posting) > MAX_POSTING else None
        return None

    def prefetch(self, names: Iterable[str]) -> None:
        """Work out ``candidates`` for many names at once. Names whose candidates are one
        large posting (a common word or prefix, hundreds of list names) are scored together
        against it, one matrix per posting on every core (rapidfuzz cdist), which gives the
        same scores, in the same order, as scoring each name alone."""
        groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for name in filterfalse(self._cache.__contains__, names):  # the new ones
            if len(self._cache) >= CACHE_LIMIT:
                break
            query, plain = party_forms(name)
            if plain != query:  # few names: each scored both ways by ``candidates``
                self.candidates(name)
                continue
            self._partial_cache[name] = self._partial_runs(query)
            keys = self._keys_in_order(query) if query else []
            key = self._lone_posting(keys)
            if key is None:
                self._cache[name] = self._scores(query, keys=keys)
            else:
                groups[key].append((name, query))
        for key, members in groups.items():
            if len(members) < BATCH_MIN:
                for name, query in members:
                    self._cache[name] = self._scores(query)
                continue
            import numpy  # only here: numpy takes 0.1 s to import, small runs never need it

            ids = sorted(set(self.tokens[key]))
            self._sorted_names_ready()
            cutoff = self.weak - 10
            first = process.cdist([_sort_words(q) for _n, q in members],
                                  [self.sorted_names[i] for i in ids], scorer=fuzz.ratio,
                                  score_cutoff=cutoff, dtype=numpy.float64, workers=-1)
            second = process.cdist([q.replace(" ", "") for _n, q in members],
                                   [self.compact[i] for i in ids], scorer=fuzz.ratio,
                                   score_cutoff=cutoff, dtype=numpy.float64, workers=-1)
            best_first, best_second = _best(first, cutoff), _best(second, cutoff)
            # List names with an abbreviation, as written too (``_scores``).
            written = [i for i in ids if self.plain_sorted[i]]
            best_third: dict[int, list[tuple[int, float]]] = {}
            best_fourth: dict[int, list[tuple[int, float]]] = {}
            if written:
                best_third = _best(process.cdist(
                    [_sort_words(q) for _n, q in members], self._written(written, sort=True),
                    scorer=fuzz.ratio, score_cutoff=cutoff, dtype=numpy.float64,
                    workers=-1), cutoff)
                best_fourth = _best(process.cdist(
                    [q.replace(" ", "") for _n, q in members],
                    self._written(written, sort=False), scorer=fuzz.ratio,
                    score_cutoff=cutoff, dtype=numpy.float64, workers=-1), cutoff)
            for row, (name, _query) in enumerate(members):
                scores = _merge(ids, best_first.get(row, []), best_second.get(row, []))
                if written:
                    scores = _higher(scores, _merge(written, best_third.get(row, []),
                                                    best_fourth.get(row, [])))
                self._cache[name] = scores


#: A person as the SDN List writes one: "DERIPASKA, Oleg Vladimirovich" (the surname in
#: capitals, the given names not).
_SURNAME_FIRST_RE = re.compile(r"([^,a-z]*[A-Z][^,a-z]*),\s*([^,]*[a-z][^,]*)")


def given_names_first(name: str) -> tuple[str, ...]:
    """The ways papers write a person the list writes surname first: "Oleg Vladimirovich
    Deripaska" and, without the middle names, "Oleg Deripaska" (s24 hunt: both, and "Attn:
    Xiaoxun Hu", were CLEAR; 65% of the SDN List's people with a middle name were CLEAR
    written so). Empty for any other name."""
    match = _SURNAME_FIRST_RE.fullmatch(name.strip())
    if match is None:
        return ()
    surname, given = match.group(1).strip(), match.group(2).split()
    if not given:
        return ()
    forms = [f"{' '.join(given)} {surname}"]
    if len(given) > 1:
        forms.append(f"{given[0]} {surname}")
    return tuple(forms)


def _names_and_forms(entry: PartyEntry) -> Iterator[tuple[str, str]]:
    """(name as the list writes it, name to match) of an entry: each of its names, and a
    person's names with the given names first (found as the name the list writes)."""
    shown_names = dict.fromkeys((entry.name, *entry.alt_names)) if entry.alt_names \
        else (entry.name,)
    for shown in shown_names:
        yield shown, shown
        for form in given_names_first(shown):
            yield shown, form
        if "." in shown and (spelt := _LIST_SHORT_RE.sub(_spelt_short, shown)) != shown:
            yield shown, spelt


#: Shortenings the lists write with a full stop that ``_ABBREVIATIONS`` leaves out, as
#: they shorten several words ("Ind" for Industry, Industrial, Indonesia): spelt out in a
#: list name that writes them so (s24 hunt: "Fuhua Precision Manufacturing Co., Ltd." for
#: the MEU List's "Fuhua Precision Man. Co" was CLEAR).
_LIST_SHORT = {"man": "Manufacturing", "std": "Standard", "ind": "Industry",
               "dev": "Development", "nat": "National", "prec": "Precision",
               "res": "Research", "mach": "Machinery", "inf": "Information"}
_LIST_SHORT_RE = re.compile(r"\b(" + "|".join(_LIST_SHORT) + r")\.", re.IGNORECASE)


def _spelt_short(match: re.Match[str]) -> str:
    return _LIST_SHORT[match.group(1).casefold()]


@functools.cache
def _english_words() -> frozenset[str]:
    from english_words import get_english_words_set

    return frozenset(get_english_words_set(["web2"], lower=True))


def is_english_word(word: str) -> bool:
    """Whether ``word`` (lowercase) is an English word of Webster's Second International
    (235,000 words and names, read when first asked: 50 ms)."""
    return word in _english_words()


_INITIALS_SKIPPED = frozenset({"and", "of", "the", "for"})


def _spelt_out(word: str, name: str) -> bool:
    """Whether a run of the words of ``name`` (as written, or as ``normalize_party``
    writes them) has ``word`` as its initials, its small words ("and", "of") counted or
    not: "casic" of "China Aerospace Science and Industry Corporation", "mcst" of "JSC
    Moscow Center of SPARC Technologies", "nudt" of "National University of Defense
    Technology (NUDT)"."""
    if len(word) < 4:
        return False
    for words in (re.findall(r"[^\W_]+", name.lower()), normalize_party(name).split()):
        for start in range(len(words)):
            if words[start][0] != word[0]:
                continue
            every = small = ""
            for w in words[start:]:
                if w == word:
                    break
                every += w[0]
                small += "" if w in _INITIALS_SKIPPED else w[0]
                if word in (every, small):
                    return True
                if len(small) > len(word):
                    break
    return False


def import_numpy_meanwhile() -> None:
    """Import numpy (``prefetch`` needs it to score many names at once) on a thread: for a
    big input its 0.1-0.3 s then overlap the run's start (a workbook loading on another
    thread) instead of falling in the middle of screening its first batch."""
    def load() -> None:
        with contextlib.suppress(ImportError):  # prefetch will say so, if it needs it
            importlib.import_module("numpy")
    threading.Thread(target=load, daemon=True, name="hkscreen-numpy").start()


#: Candidates kept per name and way of comparing (the best ones).
LIMIT = 30  # (20 before session 24: people's given-name-first forms take more places)
#: Fewer names than this sharing a large posting are scored one by one (80 us each): cheaper
#: than importing numpy (0.1 s) for a small file.
BATCH_MIN = 200


def _best(matrix: Any, cutoff: float) -> dict[int, list[tuple[int, float]]]:
    """Per row of a cdist matrix, (position, score) of its LIMIT best scores, best first,
    ties in position order: what process.extract returns for the same choices."""
    rows, cols = (matrix >= cutoff).nonzero()  # most rows have none
    found: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for row, col, score in zip(rows.tolist(), cols.tolist(), matrix[rows, cols].tolist(),
                               strict=True):
        found[row].append((col, score))
    return {row: sorted(pairs, key=lambda p: (-p[1], p[0]))[:LIMIT]
            for row, pairs in found.items()}


def _merge(ids: list[int], first: list[tuple[int, float]], second: list[tuple[int, float]]
           ) -> tuple[tuple[int, float], ...]:
    scores: dict[int, float] = dict(first)
    for pos, score in second:
        scores[pos] = max(scores.get(pos, 0.0), score)
    return tuple((ids[pos], score) for pos, score in scores.items())


def _higher(first: tuple[tuple[int, float], ...], second: tuple[tuple[int, float], ...]
            ) -> tuple[tuple[int, float], ...]:
    """Candidates of both forms of a name, each list name at its higher score."""
    scores = dict(first)
    for n, score in second:
        scores[n] = max(scores.get(n, 0.0), score)
    return tuple(scores.items())


def _sort_words(normalized: str) -> str:
    """What rapidfuzz's token_sort_ratio compares: the words sorted, single-spaced."""
    return " ".join(sorted(normalized.split()))


#: Places one party may be at for a shipment to the other: Hong Kong is licensed as China
#: (85 FR 83765), and mainland companies buy through Hong Kong ones and the reverse, so an
#: Entity List entry in CN shipped to in HK (or one in HK shipped to in CN) is not "another
#: country" making the match weaker.
SAME_PLACE = {"HK": frozenset({"HK", "CN"}), "CN": frozenset({"CN", "HK"})}


def country_agrees(country: str, entry_countries: Iterable[str]) -> bool:
    """Whether a line shipped to ``country`` (ISO code) is where a listed entry is."""
    places = SAME_PLACE.get(country) or frozenset((country,))
    return not places.isdisjoint(_LIST_PLACES.get(c, c) for c in entry_countries)


#: Places the Consolidated Screening List writes as words where others have ISO codes (an
#: exact SDN name in Macau, "MACAU", was only REVIEW, "not MO": an independent review).
_LIST_PLACES = {"PRC": "CN", "REGION: CHINA": "CN", "MACAU": "MO", "MACAO": "MO",
                "HONG KONG": "HK", "TURKIYE": "TR", "REGION: IRAN": "IR",
                "REGION: RUSSIA": "RU", "MAN, ISLE OF": "IM", "REGION: NORTHERN MALI": "ML",
                "REGION: WEST BANK": "PS", "REGION: NORTHERN GAZA": "PS",
                "REGION: NORTH GAZA": "PS"}


def _block_keys(normalized: str) -> set[str]:
    """Words, their first three letters (a typo later in the word still meets), and the
    start of the name without spaces ("Hong Kong" / "Hongkong")."""
    words = normalized.split()
    keys = set(words)
    keys.update("~" + w[:3] for w in words if len(w) > 3)
    keys.add("#" + normalized.replace(" ", "")[:6])
    return keys


def party_findings(parties: Iterable[tuple[str, str]], country: str | None,
                   index: PartyIndex, suppressed: frozenset[tuple[str, str, str]] = frozenset(),
                   ) -> tuple[Finding, ...]:
    """Findings for (role, name) parties of one line. ``suppressed`` holds (normalised party
    name, entry key, entry content hash) marked false positive by a reviewer."""
    findings: list[Finding] = []
    for role, name in parties:
        if not name:
            continue
        first = len(findings)  # this party's findings start here
        normalized = normalize_party(name) if suppressed else ""
        for m, hidden, more in shown_matches(
                index.match(name, country), normalized, suppressed):
            entry = m.entry
            same = country in {_LIST_PLACES.get(c, c) for c in entry.countries}
            agree = {True: f", country agrees ({country})" if same else
                     f", country agrees ({country}; the entry is in "
                     f"{'/'.join(entry.countries)}, and Hong Kong is licensed as China)",
                     False: f", but the entry is in {'/'.join(entry.countries)}, not {country}",
                     None: ""}[m.country_agrees]
            cites = f" Federal Register: {entry.federal_register_notice}." \
                if entry.federal_register_notice else ""
            text = (f"{role} {name!r} {match_verb(m)} {entry.list_label} entry "
                    f"{entry.name!r}, {entry.reference} ({how_matched(m)}{agree}).{cites}")
            if hidden:
                findings.append(Finding("PARTY_MATCH_SUPPRESSED", Severity.INFO,
                                        text + " Marked a false positive by a reviewer.",
                                        party_cites(entry), subject=(role, name, entry.key)))
                continue
            strong = is_strong(m, name, index)
            severity = entry.severity if strong else Severity.REVIEW
            extra = ""
            if entry.license_requirement:
                extra += f" Licence requirement: {entry.license_requirement}."
            if entry.license_policy:
                extra += f" Licence policy: {entry.license_policy}."
            if not strong:
                extra += f" {'Partial' if m.partial else 'Weaker'} match: confirm or mark it " \
                         f"a false positive.{more}"
            findings.append(Finding(f"PARTY_MATCH_{entry.list_code}", severity, text + extra,
                                    party_cites(entry), subject=(role, name, entry.key)))
        if (script := script_not_listed(name)) is not None and not any(
                f.severity in (Severity.LICENSE, Severity.PROHIBITED) for f in findings[first:]):
            findings.append(other_script_finding(f"{role} {name!r}", "party", script))
        if looks_misread(name):
            findings.append(misread_finding(f"{role} {name!r}"))
        why = names_no_party(name)
        if role in NAMED_ROLES:
            why = why or _names_itself(name, role)
        elif why is not None and why is not _LOST_LETTERS:
            why = None  # "None", "N/A": no intermediate consignee (lost letters: a name)
        if why is not None:
            findings.append(Finding(
                "PARTY_NOT_NAMED", Severity.REVIEW,
                f"{role} {name!r} names no party ({why}): the restricted-party check had "
                f"no name to check, and an unknown {role.lower()} is a red flag. Enter the "
                f"party's name, or record a decision.",
                ("15 CFR 744.11 (Entity List)", "15 CFR part 732, Supplement No. 3")))
    return tuple(findings)


def is_strong(m: PartyMatch, name: str, index: PartyIndex) -> bool:
    """Whether ``m`` is the listed party itself for ``name`` (else worth a review only). A
    name in another script is read through its romanisation, which loses what tells
    companies apart ("深圳市海思半导体" and Shenzhen Huashuo Semiconductor score 92): only
    the same name is the list's own finding, the rest a review."""
    return m.score >= index.strong and not m.partial and (
        m.score >= 100 or not in_other_script(name))


def other_script_finding(who: str, what: str, script: str) -> Finding:
    """REVIEW for a party (``who``: how the message names it; ``what``: "party", "owner")
    whose name is in another script (``script_not_listed``) and that no listed name matched
    as that party."""
    return Finding(
        "PARTY_NAME_OTHER_SCRIPT", Severity.REVIEW,
        f"{who} is written in {script} script and no listed name matched it as that party: "
        f"the lists write names in English, and a name read across scripts can be missed. "
        f"Check the {what} by its English name and record a decision.",
        ("15 CFR 744.11 (Entity List)", "15 CFR part 744, Supplement No. 4"))


#: Partial matches of one party made findings (the closest); the rest are counted.
PARTIAL_SHOWN = 5


def shown_matches(matches: list[PartyMatch], normalized: str,
                  suppressed: frozenset[tuple[str, str, str]]
                  ) -> Iterator[tuple[PartyMatch, bool, str]]:
    """(match, marked a false positive, note) for the matches a party's findings show:
    every whole-name match and every one marked a false positive, but only the closest
    PARTIAL_SHOWN partial ones (a word can be part of a hundred listed names); the last of
    those notes how many more there are. ``normalized``: the party's normalised name."""
    def hidden(entry: PartyEntry) -> bool:
        return (normalized, entry.key, entry.content_hash) in suppressed

    left = sum(1 for m in matches if m.partial and not hidden(m.entry))
    shown = 0
    for m in matches:
        if hidden(m.entry):
            yield m, True, ""
        elif not m.partial:
            yield m, False, ""
        elif shown < PARTIAL_SHOWN:
            shown, left = shown + 1, left - 1
            more = (f" {left} more listed entr{'y shares' if left == 1 else 'ies share'} "
                    f"these words.") if shown == PARTIAL_SHOWN and left else ""
            yield m, False, more


def match_verb(m: PartyMatch) -> str:
    return {"": "matches", WITHIN: "contains the name of", PART: "is part of the name of",
            SAME_CORE: "has the distinctive name of"}[m.partial]


def how_matched(m: PartyMatch) -> str:
    """How the names met, for a finding's text."""
    if m.partial == WITHIN:
        return f"the listed name {m.matched_name!r} is among its words; partial match"
    if m.partial == PART:
        return f"its words are part of the listed name {m.matched_name!r}; partial match"
    if m.partial == SAME_CORE:
        return (f"both it and the listed name {m.matched_name!r} come down to the same "
                f"distinctive word once places, legal forms, general words and words of a "
                f"trade are left out, or one spells out the other's initials; partial match")
    return f"matched {m.matched_name!r}, score {m.score:.0f}"


def party_cites(entry: PartyEntry) -> tuple[str, ...]:
    cites = [c.strip() for c in entry.federal_register_notice.split(";") if c.strip()]
    return (*cites, entry.source) if entry.source else tuple(cites)
