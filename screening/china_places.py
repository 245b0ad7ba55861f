"""Hong Kong, Macau and mainland China as free text names them: an address, a party's name,
a remark. Used to flag a line screened to another country whose cells say the goods go
there (s27 hunt: "Kowloon, Hong Kong" as the delivery address of a line to Germany was
CLEAR).

Three readings, from strict to broad, because the same words are noise elsewhere (s27
second look: "Made in China", "FOB Shanghai", "China Airlines Cargo", "1 China Street,
Singapore" flagged every line of a China-linked ERP export):

- ``place_in_parts``: a part of the text between commas, brackets or slashes that is a
  place (its postcode aside): "Unit 5, 12 Nathan Road, Kowloon" or "Victoria Components
  (Hong Kong) Limited", not "China Steel Corporation";
- ``place_sent_to``: a place after words saying the goods go there ("Re-export to Hong
  Kong", "Transit via HKG", "End user located in Shenzhen"), not "Made in China";
- ``place_anywhere``: any place named, for a column whose header already says it is where
  the goods go.
"""

from __future__ import annotations

import re
import unicodedata

_HK = (
    "hong kong", "hongkong", "hong kong sar", "hksar", "hong kong china", "xianggang",
    "heung kong", "kowloon", "kowloon bay", "kowloon tong", "new territories", "lantau",
    "chek lap kok", "tsuen wan", "kwun tong", "kwuntong", "sha tin", "shatin", "tuen mun",
    "kwai chung", "kwai fong", "kwai hing", "tsim sha tsui", "tst", "tst east",
    "wan chai", "causeway bay", "mong kok", "mongkok", "yau ma tei", "sheung wan",
    "yuen long", "tai po", "chai wan", "quarry bay", "north point", "admiralty",
    "lai chi kok", "cheung sha wan", "sham shui po", "tsing yi", "fo tan", "sai kung",
    "tseung kwan o", "hung hom", "to kwa wan", "san po kong", "wong tai sin", "tai kok tsui",
    "ap lei chau", "tung chung", "fanling", "sheung shui", "tin shui wai", "siu sai wan",
    "kennedy town", "central hong kong", "aberdeen hong kong",
    # Abbreviations of Hong Kong addresses ("Kwun Tong, Kln", "Kln Bay").
    "kln", "kln bay", "kowloon city")
_MO = ("macau", "macao", "taipa", "cotai", "coloane")
_CN = (
    "china", "prc", "pr china", "p r china", "peoples republic of china",
    "people s republic of china", "chinese mainland", "mainland china", "chine",
    "volksrepublik china", "prchina",
    # Cities and districts (where the goods are made or go: free text names them alone).
    "beijing", "shanghai", "shenzhen", "guangzhou", "dongguan", "foshan", "zhuhai", "xiamen",
    "fuzhou", "hangzhou", "ningbo", "suzhou", "wuxi", "nanjing", "hefei", "wuhan", "changsha",
    "chengdu", "chongqing", "xi an", "xian", "tianjin", "qingdao", "jinan", "dalian",
    "shenyang", "harbin", "changchun", "zhengzhou", "kunming", "nanning", "haikou", "urumqi",
    "lhasa", "zhongshan", "huizhou", "shantou", "changzhou", "nantong", "kunshan", "yantai",
    "weihai", "taiyuan", "shijiazhuang", "guiyang", "lanzhou", "hohhot", "yinchuan", "xining",
    "nanchang", "wuhu", "jiangmen", "yiwu", "wenzhou", "quanzhou", "shunde", "pudong",
    "shekou", "futian", "yantian", "nansha", "bao an", "baoan", "longgang", "luohu",
    "songjiang", "minhang", "jiading", "zhangjiagang", "jiangyin", "taizhou", "shaoxing",
    "jiaxing", "huzhou", "jinhua", "zhuzhou", "luoyang", "tangshan", "baoding", "langfang",
    "zibo", "weifang", "linyi", "liuzhou", "guilin", "sanya", "mianyang", "baotou",
    "anshan", "daqing", "ganzhou", "bengbu", "zhaoqing", "qingyuan", "chaozhou", "jieyang",
    "zhanjiang", "maoming", "putian", "zhangzhou", "xuzhou", "yangzhou", "zhenjiang",
    "yancheng", "lianyungang", "huai an", "suqian",
    # Provinces and regions.
    "guangdong", "fujian", "jiangsu", "zhejiang", "shandong", "henan", "hebei", "hubei",
    "hunan", "anhui", "jiangxi", "sichuan", "yunnan", "guizhou", "shaanxi", "shanxi", "gansu",
    "qinghai", "hainan", "liaoning", "jilin", "heilongjiang", "inner mongolia", "guangxi",
    "ningxia", "xinjiang", "tibet", "xizang")
_PLACES = {**dict.fromkeys(_CN, "CN"), **dict.fromkeys(_MO, "MO"), **dict.fromkeys(_HK, "HK")}
#: Codes a part may be written as, in capitals only ("HK", not the word "hk").
#: "N.T." (the New Territories) with its stops only: "NT" is also Australia's Northern
#: Territory ("Darwin NT 0800").
_CODES = {"HK": "HK", "HKG": "HK", "HKSAR": "HK", "H K": "HK", "MO": None, "CN": "CN",
          "CHN": "CN", "PRC": "CN", "P R C": "CN", "MAC": None, "N T": "HK"}
#: Chinese script: Hong Kong and its districts, Macau, and the mainland's name, provinces and
#: big cities. 中国 alone is not read in a party's name (中国電力 is a Japanese company).
_CJK = (("HK", ("香港", "九龍", "九龙", "新界", "旺角", "沙田", "荃灣", "荃湾", "觀塘", "观塘",
                "葵涌", "尖沙咀", "銅鑼灣", "铜锣湾", "灣仔", "湾仔", "屯門", "屯门")),
        ("MO", ("澳門", "澳门")),
        ("CN", ("中华人民共和国", "中華人民共和國", "中国大陆", "中國大陸", "广东", "廣東", "福建",
                "江苏", "江蘇", "浙江", "山东", "山東", "北京", "上海", "深圳", "广州", "廣州",
                "东莞", "東莞", "天津", "重庆", "重慶", "苏州", "蘇州", "杭州", "武汉", "武漢",
                "成都", "西安", "南京", "厦门", "廈門", "青岛", "青島", "大连", "大連", "新疆",
                "西藏")))
_CJK_COUNTRY = ("中国", "中國")
_PARTS_RE = re.compile(r"[,;/|()\[\]\n:]+|\s+-\s+")
_POSTCODE_RE = re.compile(r"^(?:\d[\d\s-]*\s)?(.*?)(?:\s[\d\s-]*\d)?$")
#: Words saying the goods go to the place named after them (within a few words).
_SENT_RE = re.compile(
    r"(?<![a-z])(?:to|via|into|transit(?:ing)?|tran?s-?ship(?:ment|ped)?|re-?export(?:ed)?|"
    r"onward|forward(?:ed)?|deliver(?:y|ed)?|destination|destined|consolidat\w*|bound|"
    r"end[- ]?users?|consignee|final|ultimate|located in|based in)(?![a-z])"
    r"((?:\W+\w+){1,4})")


#: The first words of the names above: ASCII text holding none of them names none of the
#: places (a set look-up instead of the full reading: the bench's 25,000 party names).
_FIRST_WORDS = frozenset(name.split()[0] for name in _PLACES) | {
    word.split()[0].casefold() for word in _CODES}
_WORD_RE = re.compile(r"[a-z]+")


def _may_name(text: str) -> bool:
    return not text.isascii() or not _FIRST_WORDS.isdisjoint(
        _WORD_RE.findall(text.casefold()))


def names_no_place(texts: str) -> bool:
    """True when no text of ``texts`` (texts joined by line breaks) can name Hong Kong,
    Macau or China: each reading here starts with ``_may_name``, and ASCII text's words
    are those of the texts joined. False: read each text."""
    return not _may_name(texts)


def _plain(text: str) -> str:
    """Lower case, accents and invisible characters taken out, punctuation as spaces."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    kept = "".join(ch for ch in text if not unicodedata.combining(ch)
                   and unicodedata.category(ch) != "Cf")
    return " ".join(re.sub(r"[^\w\s]|_", " ", kept.casefold()).split())


def _cjk(text: str, party: bool) -> str | None:
    text = "".join(text.split())  # "香 港"
    for code, names in _CJK:
        if any(name in text for name in names):
            return code
    if not party and any(name in text for name in _CJK_COUNTRY):
        return "CN"
    return None


def _part(part: str) -> str | None:
    """The place a part of a text is, its postcode aside ("Guangdong 529000"), or None."""
    stripped = part.strip(" .")
    letters = " ".join(re.sub(r"[^\w]", " ", stripped).split())
    if (code := _CODES.get(letters)) is not None and stripped.upper() == stripped:
        return code
    if letters.upper() in ("HK", "HKG", "HKSAR"):  # "Central, Hk": Hong Kong in any case
        return "HK"
    plain = _plain(stripped)
    match = _POSTCODE_RE.match(plain)
    return _PLACES.get(match.group(1) if match else plain) or _PLACES.get(plain)


def _first(codes: list[str]) -> str | None:
    """Of several places, Hong Kong, then Macau, then China."""
    for code in ("HK", "MO", "CN"):
        if code in codes:
            return code
    return None


def place_in_parts(text: str, *, party: bool = False) -> str | None:
    """"HK", "MO" or "CN" when a part of ``text`` is one of those places (see the module);
    ``party``: the text is a party's name (中国 alone does not count)."""
    if not text or not _may_name(text):
        return None
    if (code := _cjk(text, party)) is not None:
        return code
    return _first([c for c in map(_part, (text, *_PARTS_RE.split(text))) if c])


_ANY_RE = re.compile(r"(?<![a-z])(" + "|".join(
    re.escape(name).replace(r"\ ", r"\s+") for name in sorted(_PLACES, key=len, reverse=True))
    + r")(?![a-z])")
_ANY_CODE_RE = re.compile(r"(?<![\w.])(HKG?|HKSAR|PRC|CHN)(?![\w])")


def place_anywhere(text: str) -> str | None:
    """"HK", "MO" or "CN" for any place of those named in ``text``."""
    if not text or not _may_name(text):
        return None
    if (code := _cjk(text, False)) is not None:
        return code
    found = [_PLACES[" ".join(m.split())] for m in _ANY_RE.findall(_plain(text))]
    found += [_CODES[m] for m in _ANY_CODE_RE.findall(text) if _CODES[m]]
    return _first(found)  # type: ignore[arg-type]


def place_sent_to(text: str) -> str | None:
    """"HK", "MO" or "CN" for a place ``text`` says goods go to (see the module), or for a
    text that is only a place (a country column's "Hong Kong")."""
    if not text or not _may_name(text):
        return None
    if (code := place_in_parts(text)) is not None and all(
            _part(p) or not p.strip(" .") for p in _PARTS_RE.split(text)):
        return code  # the text is places only ("Kowloon, Hong Kong", "香港")
    if (code := _cjk(text, True)) is not None:
        return code
    plain_sent = [m for m in _SENT_RE.findall(" " + text.casefold().replace("\n", " "))]
    found = [c for after in plain_sent if (c := place_anywhere(after.strip()))
             or (c := _code_after(text, after))]
    return _first(found)


def _code_after(text: str, after: str) -> str | None:
    """A code in capitals among the words after a going word ("via HKG")."""
    start = text.casefold().find(after.casefold())
    window = text[start:start + len(after)] if start >= 0 else ""
    codes = [_CODES[m] for m in _ANY_CODE_RE.findall(window) if _CODES[m]]
    return codes[0] if codes else None
