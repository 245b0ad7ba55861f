"""Field definitions, header-name synonyms, header-row detection and column mapping."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from screening.ingest.readers import column_index, column_letter
from screening.normalize import alias_key, clean_text


class Field(StrEnum):
    LINE_ID = "line_id"
    DESTINATION = "destination"
    ULTIMATE_DESTINATION = "ultimate_destination"
    EXPORT_DATE = "export_date"
    ECCN = "eccn"
    LICENSE_EXCEPTION = "license_exception"
    LICENSE_NUMBER = "license_number"
    END_USER = "end_user"
    END_USER_TYPE = "end_user_type"
    CONSIGNEE = "consignee"
    CONSIGNEE_ADDRESS = "consignee_address"
    VALUE = "value"
    QUANTITY = "quantity"
    DESCRIPTION = "description"
    HS_CODE = "hs_code"
    PARENT_COMPANY = "parent_company"
    ULTIMATE_PARENT = "ultimate_parent"
    OWNER = "owner"
    BENEFICIAL_OWNER = "beneficial_owner"
    OWNERSHIP_PCT = "ownership_pct"
    PURCHASER = "purchaser"
    INTERMEDIATE_CONSIGNEE = "intermediate_consignee"
    NOTIFY_PARTY = "notify_party"
    FORWARDER = "forwarder"


#: Owner columns, screened against the restricted-party lists like the consignee.
OWNER_FIELDS: tuple[Field, ...] = (Field.PARENT_COMPANY, Field.ULTIMATE_PARENT, Field.OWNER,
                                   Field.BENEFICIAL_OWNER)


#: Other parties to the transaction (15 CFR 748.5: purchaser, intermediate consignee), the
#: notify party and the forwarder or carrier, screened against the lists like the consignee:
#: a listed purchaser in a column hkscreen did not read left the line CLEAR (an independent
#: review), and so did a forwarder on the Denied Persons List (s21 hunt), whom a denial
#: order bars from forwarding and carrying too.
OTHER_PARTY_FIELDS: tuple[Field, ...] = (Field.PURCHASER, Field.INTERMEDIATE_CONSIGNEE,
                                         Field.NOTIFY_PARTY, Field.FORWARDER)


#: Fields a file must map (export date may instead come from --as-of).
REQUIRED: tuple[Field, ...] = (Field.DESTINATION, Field.EXPORT_DATE, Field.ECCN)

#: The day the goods left, as forwarders and ERP systems head it (an independent review:
#: "B/L Date" was overridden by --as-of without a word). Taken for the export date only
#: where no column of the plain export-date names is there: "Ship Date" and "B/L Date", or
#: "ETD" and "ATD", are one file's two dates (read as before these names were known), not
#: a choice to refuse.
_EVENT_DATES = (
    "b l date", "bl date", "bill of lading date", "awb date", "air waybill date",
    "loading date", "date of loading", "on board date", "shipped on board date",
    "actual ship date", "actual shipping date", "actual departure date", "atd",
    "despatch date", "date of despatch", "pgi date", "goods issue date",
    "post goods issue date", "gi date", "装运日期", "裝運日期")


#: Names a party column also goes by (s19 hunt: each held listed names, ignored without a
#: word). Each is the field only where no column has one of the field's own names: beside
#: "Consignee", a "Receiver" column is left unmapped (and named as not read) rather than
#: the file refused as holding two consignee columns.
SECONDARY_SYNONYMS: dict[Field, tuple[str, ...]] = {
    Field.END_USER: ("final consignee", "final consignee name", "ultimate customer",
                     "final customer", "ultimate customer name", "final customer name",
                     "endkunde", "end kunde", "endabnehmer", "client final",
                     "utilisateur final", "usuario final", "cliente final",
                     # (s20 hunt: each held a listed name, not read)
                     "enduser", "enduser name", "final user", "ultimate user", "final recipient",
                     "ultimate recipient", "second end user", "final cust", "ult customer",
                     "ult end user", "endverwender", "最终用户单位", "最終用戶單位",
                     # (s27 hunt: each held "Huawei Technologies Co., Ltd.", not read)
                     "real end user", "true end user", "actual user", "actual end customer",
                     "end client", "end client name", "final client", "ultimate client",
                     "ultimate receiver", "final receiver", "end receiver", "endnutzer",
                     "实际用户", "實際用戶", "最终客户", "最終客戶"),
    Field.CONSIGNEE: ("receiver", "receiver name", "recipient", "recipient name",
                      "goods recipient", "deliver to name", "delivery party", "ship to party",
                      "ship to company", "ship to customer", "warenempfänger", "empfänger",
                      "destinataire", "destinatario", "receiving party", "empfaenger",
                      "warenempfaenger", "收货方", "收貨方", "客户", "客戶"),
    Field.PURCHASER: ("bill to name", "bill to party", "bill to customer", "bill to company",
                      "payer", "payer name", "bill to", "invoice to", "invoice to name",
                      # (s24 hunt: each held a listed name, not read)
                      "applicant", "applicant name", "l c applicant", "lc applicant",
                      "for account of", "on behalf of", "account of"),
    Field.NOTIFY_PARTY: ("also notify", "also notify party", "second notify party"),
    Field.INTERMEDIATE_CONSIGNEE: ("distributor", "distributor name", "reseller",
                                   "reseller name", "dealer", "dealer name"),
}


def _date_rank(header: str) -> int:
    """0: a plain export-date name; 1: the day of an event of leaving."""
    return 1 if header_key(header) in _EVENT_DATE_KEYS else 0


SYNONYMS: dict[Field, tuple[str, ...]] = {
    Field.LINE_ID: (
        "line id", "line", "line no", "line number", "line #", "shipment id", "shipment line",
        "order line", "invoice line", "item no", "item number", "ref", "reference",
        "shipment ref", "shipment reference", "id", "order no", "order number", "so line",
        "delivery", "delivery no", "document no", "invoice no", "record id",
    ),
    Field.DESTINATION: (
        "dest", "destination", "destination country", "ship to country", "country of destination",
        "consignee country", "ship to", "country", "to country", "dest country", "dest ctry",
        "shipto country", "delivery country", "ship to ctry", "destination ctry", "目的地",
        "receiver country", "recipient country", "ship to party country",
        "目的地国家", "目的國", "bestimmungsland", "zielland", "pays de destination",
        "pais de destino", "país de destino",
        # (s25 hunt: Japanese "destination", the column not read)
        "仕向地", "仕向国", "仕向け地", "仕向け国",
    ),
    Field.ULTIMATE_DESTINATION: (
        "country of ultimate destination", "ultimate destination", "ultimate consignee country",
        "end user country", "final destination", "ultimate country", "ultimate dest",
        "end destination", "final destination country", "最终目的地", "最終目的地",
        # (Not "Transshipment Country": a hub the goods pass through; not a bare "Deliver
        # To" or "End Market": a customer's site, a market segment.)
        "deliver to country", "delivery country", "country of delivery", "final stop",
        "country where used", "country of use", "use country", "country of end use",
        "最终目的国", "最終目的國", "最终目的国家", "最終目的國家",
        # (s21 hunt: CLEAR, the column named as not read)
        "end customer country", "eu country", "end user land", "endverwender land",
        "endverbleibsland", "endbestimmungsland", "pays de destination finale",
        "destination finale", "pais de destino final", "país de destino final",
        "onward shipment", "onward country", "re export to",
        "end customer ctry", "eu ctry", "endkunde land", "land des endverbleibs", "endziel",
        "pays utilisateur final", "pais de uso final", "país de uso final",
        "最终用户国家", "最終用戶國家", "next destination",
        # (s25 hunt: CLEAR, the column named as not read)
        "destino final", "pais final", "país final", "pays final", "最終仕向地", "最終仕向国",
        "最终国家", "最終國家", "endverbleib", "land endverwendung", "end country",
        "final country", "ultimately shipped to", "country of final destination",
    ),
    Field.EXPORT_DATE: (
        "export date", "ship date", "shipment date", "date shipped", "shipping date",
        "date of export", "exported", "exported on", "departure date", "dispatch date",
        "date", "shipped on", "shipped", "ship dt", "export dt", "出口日期", "出貨日期",
        "etd", *_EVENT_DATES,
    ),
    Field.ECCN: (
        "eccn", "classification", "export classification", "eccn ear99",
        "export control classification number", "ear classification", "ccl", "eccn code",
        "export class", "export control classification", "eccn classification",
    ),
    Field.LICENSE_EXCEPTION: (
        "license exception", "licence exception", "lic exception", "exception",
        "license exception code", "le", "license type", "licence type", "authorization",
        "export authorization", "license exception nlr", "lic exc", "license exc",
    ),
    Field.LICENSE_NUMBER: (
        "license number", "licence number", "license no", "licence no", "license",
        "licence", "export license", "bis license", "license #", "license nbr", "lic no",
    ),
    Field.END_USER: ("end user", "end user name", "ultimate consignee", "end customer",
                     "ultimate end user", "final end user", "actual end user",
                     "name of end user", "end user company", "ultimate end user name",
                     "eu name", "end customer name", "最终用户", "最終用戶", "最终用户名称",
                     "最終用戶名稱"),
    Field.END_USER_TYPE: (
        "end user type", "end use", "end user category", "customer type", "end use type",
        "end user class", "end use category",
    ),
    Field.CONSIGNEE: (
        "consignee", "consignee name", "ship to name", "customer", "customer name", "sold to",
        "buyer", "client", "client name", "收货人", "收貨人",
    ),
    Field.CONSIGNEE_ADDRESS: ("consignee address", "ship to address", "address",
                              "delivery address"),
    Field.VALUE: (
        "value", "value usd", "total value", "amount", "line value", "extended value",
        "invoice value", "usd value", "value in usd", "net value", "amount usd",
    ),
    Field.QUANTITY: ("qty", "quantity", "units", "qty shipped", "quantity shipped"),
    Field.DESCRIPTION: (
        "description", "item description", "product description", "goods description",
        "part description", "commodity", "commodity description", "product", "item",
    ),
    Field.HS_CODE: (
        "hs code", "hts", "hs", "schedule b", "hts code", "tariff code", "hs tariff",
        "schedule b number", "hts number",
    ),
    Field.PARENT_COMPANY: (
        "parent company", "parent", "parent co", "parent company name", "immediate parent",
        "parent entity", "parent name", "母公司",
    ),
    Field.ULTIMATE_PARENT: (
        "ultimate parent", "ultimate parent company", "ultimate parent name",
        "ultimate holding company", "group parent", "ultimate owner", "最终母公司", "最終母公司",
    ),
    Field.OWNER: (
        "owner", "owner name", "owned by", "shareholder", "majority owner",
        "majority shareholder", "controlling shareholder", "股东", "股東",
    ),
    Field.BENEFICIAL_OWNER: (
        "beneficial owner", "beneficial owners", "ultimate beneficial owner", "ubo",
        "beneficial owner name", "实益拥有人", "實益擁有人",
    ),
    Field.PURCHASER: ("purchaser", "purchaser name", "importer", "importer name",
                      "importer of record", "ordering party", "ordered by", "order party",
                      "买方", "買方"),
    # (A forwarder is the exporter's agent, not an intermediate consignee: it has a field
    # of its own.)
    Field.INTERMEDIATE_CONSIGNEE: ("intermediate consignee", "intermediate consignee name",
                                   "intermediary", "intermediary name", "intermediate party",
                                   "中间收货人", "中間收貨人"),
    Field.NOTIFY_PARTY: ("notify party", "notify", "notify party name", "notify name",
                         "通知方"),
    Field.FORWARDER: ("forwarder", "forwarder name", "freight forwarder",
                      "freight forwarder name", "forwarding agent", "shipping agent", "agent",
                      "agent name", "carrier", "carrier name", "logistics provider", "3pl",
                      "customs broker", "spediteur", "transitaire", "货代", "貨代", "承运人",
                      "承運人",
                      # (s21 second hunt)
                      "airline", "air carrier", "ocean carrier", "shipping line", "vessel",
                      "vessel name", "courier", "trucker", "haulier", "hauler", "consolidator",
                      "nvocc", "broker", "broker name", "forwarding company", "shipper s agent",
                      "spedition", "frachtführer", "frachtfuehrer", "transporteur",
                      "zollagent", "货运代理", "貨運代理", "船公司", "承运商", "承運商", "报关行",
                      "報關行"),
    Field.OWNERSHIP_PCT: (
        "ownership", "ownership pct", "ownership percentage", "ownership percent",
        "ownership share", "owned", "percent owned", "pct owned", "owner share",
        "shareholding", "shareholding pct", "equity share", "equity", "stake",
        "持股比例",
    ),
}

_EVENT_DATE_KEYS = frozenset(alias_key(d) for d in _EVENT_DATES)
_SYNONYM_INDEX: dict[str, Field] = {
    alias_key(s): f for f, names in (*SECONDARY_SYNONYMS.items(), *SYNONYMS.items())
    for s in names
}
_SECONDARY_KEYS = tuple(alias_key(s) for names in SECONDARY_SYNONYMS.values() for s in names)


def _secondary(header: str) -> bool:
    """Whether a header is the field only by one of its other names ("Receiver Name")."""
    key = header_key(header)
    return any(key == k or key.startswith(k + " ") for k in _SECONDARY_KEYS)


def header_key(text: object) -> str:
    return alias_key(clean_text(text))


def guess_field(header: object) -> Field | None:
    key = header_key(header)
    if not key:
        return None
    if key in _SYNONYM_INDEX:
        return _SYNONYM_INDEX[key]
    # Headers with units or notes: "Value (USD)", "ECCN / EAR99", "Ship Date (dd/mm/yyyy)".
    if "eccn" in key:
        return Field.ECCN
    words = key.split()
    if _is_onward_place(key, words):
        # ("Final Destination Notes" is free text about it, not the country.)
        return Field.ULTIMATE_DESTINATION if _FREE_TEXT.isdisjoint(words) else None
    for prefix_len in (3, 2):  # a field's own name, then a note: "Export Date (per invoice)"
        if len(words) > prefix_len:
            shorter = " ".join(words[:prefix_len])
            if shorter in _SYNONYM_INDEX:
                found = _SYNONYM_INDEX[shorter]
                rest = words[prefix_len:]
                if not _FREE_TEXT.isdisjoint(rest):
                    return None  # "Ship-To Notes": free text
                if found is Field.ULTIMATE_DESTINATION and not _NOT_A_PLACE.isdisjoint(rest):
                    return None  # "Deliver To Name", "Final Destination Date"
                # "Notify Party Country" is no name; "Consignee Name & Address" says it is
                # (and "Export Date (per invoice)" stays the export date).
                return _unless_other_meaning(found, rest) \
                    if found in NAME_FIELDS and "name" not in words[:prefix_len] else found
    if len(words) > 1 and words[0] in _SYNONYM_INDEX and words[0] not in ("id", "le"):
        return _unless_other_meaning(_SYNONYM_INDEX[words[0]], words[1:])
    return None


#: Words saying a country is where the item goes in the end ("Final Dest.", "Ult. Dest.",
#: "Country of End Use", "Re-export Country"): the ultimate destination, which decides the
#: licence when it is not the ship-to country. (A review found eight such headers ignored
#: without a word: a Singapore ship-to went CLEAR with Hong Kong as the final destination.)
_ONWARD_WORDS = frozenset({"ultimate", "ult", "final", "onward", "reexport", "reexported",
                           "eventual"})
_ONWARD_PHRASES = ("end use", "end user", "re export")
# ("Port" is left out: a port of discharge is a city, and a column of cities read as the
# destination would make every line ERROR.)
_PLACE_WORDS = frozenset({"country", "ctry", "cty", "dest", "destination", "destinations",
                          "place", "location"})
#: Words that make such a header something else than where the goods go ("Country of Final
#: Assembly" is where they were made; "Final Delivery Date", "Final Ship To Name").
_NOT_A_PLACE = frozenset({
    "origin", "date", "time", "qty", "quantity", "value", "amount", "price", "weight",
    "assembly", "assembled", "manufacture", "manufactured", "manufacturing", "mfg", "made",
    "production", "produced", "test", "testing", "tested", "inspection", "processing",
    "parent", "owner", "invoice", "invoiced", "payment", "billing", "bill", "sold",
    "name", "address", "contact", "city", "port", "phone", "email", "id", "no", "number",
})
#: Endings that name where the goods go on to ("Re-export To", "Onward To", "Final Ship-to").
_ONWARD_TO = ("ship to", "export to", "onward to", "reexport to", "deliver to")


def _is_onward_place(key: str, words: list[str]) -> bool:
    onward = not _ONWARD_WORDS.isdisjoint(words) or any(p in key for p in _ONWARD_PHRASES)
    place = not _PLACE_WORDS.isdisjoint(words) or key.endswith(_ONWARD_TO) \
        or "ship to" in key
    return onward and place and _NOT_A_PLACE.isdisjoint(words)


def _unless_other_meaning(guess: Field, rest: list[str]) -> Field | None:
    """``guess`` from a header's first word alone ("Country", "Date", "Customer"), unless
    the words after it say it is something else."""
    if not _FREE_TEXT.isdisjoint(rest):
        return None  # "License Remarks", "Product Application": free text (s22 review)
    if guess in _COUNTRY_FIELDS:
        # "Country of Origin / Mfg / Assembly / Dispatch ...": only a country that says
        # nothing else, or how it is written, is taken for the destination.
        return guess if _DESTINATION_NOTES.issuperset(rest) else None
    if guess in NAME_FIELDS and not _NOT_A_NAME.isdisjoint(rest):
        return None  # "Owner Country", "Customer No" are not a party's name
    if guess is Field.EXPORT_DATE and not _NOT_EXPORT_DATE.isdisjoint(rest):
        return None  # "Date Ordered" is earlier than the export, and the rules changed
    return guess


#: Words after a field's first word that make the column free text, looked at for embargoed
#: places and end uses (``rows.says_what_for``), not read as the field.
_FREE_TEXT = frozenset({"remarks", "remark", "notes", "note", "comment", "comments",
                        "purpose", "application", "applications", "instructions"})
_COUNTRY_FIELDS = frozenset({Field.DESTINATION, Field.ULTIMATE_DESTINATION})
#: Words after "Country" / "Destination" that still leave it the destination: how the
#: country is written. Anything else ("of Origin", "of Mfg", "Bill To") is another country.
_DESTINATION_NOTES = frozenset({
    "code", "codes", "name", "iso", "iso2", "iso3", "iso 2", "alpha", "alpha2", "alpha3", "2",
    "3", "cd", "abbr", "abbreviation", "short", "full", "text", "desc", "description",
    "ship", "to", "shipto",  # "Destination (Ship-to)"
})
#: Words that make a "Date ..." header some other date than the export's.
_NOT_EXPORT_DATE = frozenset({
    "created", "creation", "ordered", "order", "approved", "approval", "invoice", "invoiced",
    "entered", "entry", "modified", "updated", "booked", "booking", "requested", "request",
    "required", "due", "delivery", "delivered", "arrival", "arrived", "eta", "expected",
    "planned", "promised", "po", "contract", "payment", "paid", "received", "receipt",
    "birth", "expiry", "expiration", "expires", "valid", "issued", "issue", "license",
    "licence", "printed", "report", "run",
})
#: Columns naming a party (screened against the lists).
NAME_FIELDS = frozenset({Field.END_USER, Field.CONSIGNEE, *OWNER_FIELDS,
                          *OTHER_PARTY_FIELDS})
#: Words that make a party header something other than the party's name.
_NOT_A_NAME = frozenset({
    "country", "ctry", "land", "address", "flag", "imo", "voyage", "flight", "awb",
    "tracking", "city", "state", "province", "region", "code", "no",
    "number", "nbr", "num", "id", "type", "category", "class", "email", "phone", "contact",
    "ref", "reference", "tel", "telephone", "fax", "mobile", "eori", "vat", "tax", "booking",
    "account", "acct", "po", "date",
    # "Vessel Departure", "Carrier ETD", "Flight Arrival": a day, not the carrier's name
    # (s29: a departure date in 2021 under "Vessel Departure" was screened as a forwarder
    # and the line as of its 2020 export date).
    "departure", "departed", "depart", "departs", "sailed", "sailing", "etd", "atd", "eta",
    "ata", "arrival", "arrive", "arrived", "time", "day", "cutoff", "schedule", "onboard",
    # "Customer Remarks", "End User Notes": free text, looked at for embargoed places and end
    # uses (``rows.says_what_for``), not a name to screen.
    "remarks", "remark", "notes", "note", "comment", "comments", "instructions", "purpose",
})


@dataclass(frozen=True)
class ColumnMapping:
    """Field -> 0-based column index, with the header texts for messages and reports."""

    columns: dict[Field, int]
    headers: tuple[str, ...]
    header_row: int  # 1-based
    source: str = "detected"  # detected | mapping file | profile NAME
    unmapped: tuple[str, ...] = field(default=())
    #: Fields more than one column looks like (all their columns), until a mapping chooses.
    duplicates: tuple[tuple[Field, tuple[int, ...]], ...] = field(default=())

    def duplicate_message(self) -> str:
        """'' or the mapping error naming every header that claims the same field."""
        if not self.duplicates:
            return ""
        parts = []
        for f, indices in self.duplicates:
            named = " and ".join(f"{self.headers[i]!r} (column {column_letter(i)})"
                                 for i in indices)
            parts.append(f"{named} both map to {f.value}")
        example = self.duplicates[0]
        first = self.headers[example[1][0]]
        return (f"ambiguous columns: {'; '.join(parts)}. hkscreen will not pick one: name the "
                f"column to use in a mapping file, e.g. "
                f'{{"columns": {{"{example[0].value}": "{first}"}}}}, or rename the other')

    def missing(self, *, have_as_of: bool) -> list[Field]:
        return [f for f in REQUIRED if f not in self.columns
                and not (f is Field.EXPORT_DATE and have_as_of)]

    def header_for(self, f: Field) -> str:
        index = self.columns.get(f)
        return self.headers[index] if index is not None and index < len(self.headers) else ""

    def to_json(self) -> dict[str, str]:
        return {f.value: self.headers[i] for f, i in sorted(self.columns.items())}


def header_signature(headers: Sequence[str]) -> str:
    keys = sorted(header_key(h) for h in headers if header_key(h))
    return hashlib.sha256(json.dumps(keys).encode()).hexdigest()


def score_row(cells: Sequence[object]) -> tuple[int, bool]:
    """(number of cells that look like known headers, has destination or ECCN)."""
    found = {guess_field(c) for c in cells} - {None}
    return len(found), bool(found & {Field.DESTINATION, Field.ECCN,
                                     Field.ULTIMATE_DESTINATION})


def detect_header(rows: Sequence[Sequence[object]]) -> int | None:
    """Index (0-based) of the most header-like row among ``rows``, or None."""
    best, best_score = None, 1
    for i, cells in enumerate(rows):
        score, key_field = score_row(cells)
        if key_field and score > best_score:
            best, best_score = i, score
    return best


def auto_mapping(headers: Sequence[object], header_row: int) -> ColumnMapping:
    columns: dict[Field, int] = {}
    claims: dict[Field, list[int]] = {}
    texts = tuple(clean_text(h) for h in headers)
    for index, text in enumerate(texts):
        f = guess_field(text)
        if f is not None:
            claims.setdefault(f, []).append(index)
        if f is not None and f not in columns:
            columns[f] = index
    dates = claims.get(Field.EXPORT_DATE, [])
    if len(dates) > 1:  # the plain names only ("Ship Date" over "B/L Date")
        best = min(_date_rank(texts[i]) for i in dates)
        kept = [i for i in dates if _date_rank(texts[i]) == best]
        claims[Field.EXPORT_DATE] = kept
        columns[Field.EXPORT_DATE] = kept[0]
    for f, indices in list(claims.items()):  # "Consignee" over "Receiver": no ambiguity
        own = [i for i in indices if not _secondary(texts[i])]
        if own and len(own) < len(indices):
            claims[f], columns[f] = own, own[0]
        if f in NAME_FIELDS and len(claims[f]) == 2:
            # "Payer" and "Payer Name", as SAP writes a party's number and its name: the
            # name is screened, the number column named as not read.
            a, b = claims[f]
            keys = header_key(texts[a]), header_key(texts[b])
            named = b if keys[1] == keys[0] + " name" else a if keys[0] == keys[1] + " name" \
                else None
            if named is not None:
                claims[f], columns[f] = [named], named
    # "Country of Ultimate Destination" alone is the destination.
    if Field.DESTINATION not in columns and Field.ULTIMATE_DESTINATION in columns:
        columns[Field.DESTINATION] = columns.pop(Field.ULTIMATE_DESTINATION)
        claims[Field.DESTINATION] = claims.pop(Field.ULTIMATE_DESTINATION)
    duplicates = tuple((f, tuple(indices)) for f, indices in claims.items()
                       if len(indices) > 1)
    used = set(columns.values())
    unmapped = tuple(text for i, text in enumerate(texts) if text and i not in used)
    return ColumnMapping(columns, texts, header_row, "detected", unmapped, duplicates)


def extra_party_columns(mapping: ColumnMapping) -> tuple[int, ...]:
    """Columns naming a party that map to no field: another name of a party already read
    from its own column ("Receiver" beside "Consignee", "Final Customer" beside "End
    User"). Each is screened as a further party of the line under its header, as the
    purchaser and notify party are: a listed name in it left the line CLEAR (s19 note). So
    is a party's number column beside its name column ("Payer" beside "Payer Name"): it may
    hold a name too (s20 hunt)."""
    used = set(mapping.columns.values())
    return tuple(i for i, text in enumerate(mapping.headers)
                 if i not in used and text and guess_field(text) in NAME_FIELDS)


#: Headers of the day the goods really left, beside a planned or plain one.
_ACTUAL_DATE_KEYS = frozenset({
    "actual ship date", "actual shipping date", "actual shipment date", "actual departure date",
    "actual export date", "atd", "actual date of departure", "revised ship date",
    "actual dispatch date", "actual despatch date", "shipped on board date", "on board date",
    "sailing date", "actual sailing date"})


#: Words of the goods leaving ("Departure", "Sailed", "Flight Date", "Goods left on"), and
#: of a shipping day moved ("Rescheduled Ship Date", "New Ship Date", "Delayed to"): s28 hunt,
#: a later day there, on the other side of a rule's start, was left unread and CLEAR.
_LEFT_WORDS = frozenset({"departure", "departed", "depart", "departs", "sailed", "sailing",
                         "flight", "left", "atd", "etd", "onboard"})
_MOVED_WORDS = frozenset({"rescheduled", "new", "delayed", "postponed", "revised", "actual",
                          "real", "moved", "changed", "corrected", "updated", "deferred",
                          "final"})
_SHIP_WORDS = frozenset({"ship", "shipping", "shipment", "shipped", "export", "exported",
                         "dispatch", "dispatched", "despatch", "despatched", "departure",
                         "loading", "sailing"})
#: Words of arriving, and of a place or number rather than a day ("Departure Port",
#: "Flight No."; "Vessel Departure" is a day).
_ARRIVING = frozenset({"arrival", "arrive", "arrived", "eta", "ata", "delivery", "delivered",
                       "receipt", "received", "return", "returned"})
_NOT_A_DAY = frozenset({"port", "airport", "terminal", "city", "country", "no", "number",
                        "ref", "reference", "by", "from"})


def says_actual_date(header: str) -> bool:
    """Whether a header names the day the goods really left ("Actual Ship Date", "ATD",
    "Departure", "Rescheduled Ship Date", "Delayed to")."""
    key = header_key(header)
    if key in _ACTUAL_DATE_KEYS:
        return True
    words = set(key.split())
    if not words.isdisjoint(_ARRIVING) or (
            not words.isdisjoint(_NOT_A_DAY) and "date" not in words):
        return False
    return not words.isdisjoint(_LEFT_WORDS) or bool(words & {"delayed", "postponed",
                                                               "rescheduled"}) or (
        not words.isdisjoint(_MOVED_WORDS) and not words.isdisjoint(_SHIP_WORDS))


#: Header words of a column that may give the item's classification ("Reclassified as",
#: "CCATS Classification", "ECN", "Export Control No.", "Dual-use Code", "AL-Nummer") or
#: free remarks: another ECCN there than the line's is a finding (s28 hunt: "3A001.a.2"
#: under "Reclassified as" on an EAR99 line to Hong Kong was CLEAR).
_CLASSIFICATION_WORDS = frozenset({
    "classification", "classifications", "classified", "reclassified", "reclassification",
    "class", "ccats", "eccn", "eccns", "ecn", "ccl", "ear", "control", "ctrl", "controls",
    "dual", "al", "ausfuhrliste", "ausfuhrlistennummer", "remark", "remarks", "note", "notes",
    "comment", "comments"})


def says_classification(header: str) -> bool:
    """Whether a header may name the item's classification or hold free remarks."""
    return not _CLASSIFICATION_WORDS.isdisjoint(header_key(header).split())


def further_party_role(header: str) -> str:
    """The role a further party column's cells are screened under: its header, unless that
    is the consignee's or end user's own name ("Consignee" beside "Consignee Name"), whose
    cells would then be held to name a party (a customer number names none)."""
    return f"{header} column" if header_key(header) in ("consignee", "end user") else header


#: A column given by its letters in a mapping ("C", "ab"): Excel's columns run to XFD.
_COLUMN_LETTERS_RE = re.compile(r"[A-Za-z]{1,3}")


def apply_overrides(base: ColumnMapping, overrides: dict[str, str], source: str) -> ColumnMapping:
    """Overrides map field name -> header text (or column letter); raise ValueError if bad."""
    columns = dict(base.columns)
    keys = [header_key(h) for h in base.headers]
    for name, header in overrides.items():
        try:
            f = Field(name)
        except ValueError:
            valid = ", ".join(x.value for x in Field)
            raise ValueError(f"unknown field {name!r} in mapping (fields: {valid})") from None
        if header in ("", None):
            columns.pop(f, None)
            continue
        key = header_key(header)
        if key in keys:
            index = keys.index(key)
        elif _COLUMN_LETTERS_RE.fullmatch(str(header).strip()):
            index = column_index(str(header).strip().upper())
            if index >= len(base.headers):  # (or a header name mistyped: both are said)
                last = column_letter(len(base.headers) - 1) if base.headers else "none"
                seen = ", ".join(repr(h) for h in base.headers if h)
                raise ValueError(f"mapping names column {header!r} for {name}, but the header "
                                 f"row has {len(base.headers)} columns (A to {last}) and no "
                                 f"header {header!r}; its headers: {seen}")
        else:
            seen = ", ".join(repr(h) for h in base.headers if h)
            raise ValueError(f"mapping names column {header!r} for {name}, but the header row "
                             f"has only: {seen}")
        columns = {k: v for k, v in columns.items() if v != index}
        columns[f] = index
    chosen = {name for name in overrides}
    duplicates = tuple((f, indices) for f, indices in base.duplicates if f.value not in chosen)
    return ColumnMapping(columns, base.headers, base.header_row, source, base.unmapped,
                         duplicates)



def accepted_names() -> str:
    return "; ".join(f"{f.value}: {', '.join(SYNONYMS[f][:6])}" for f in REQUIRED)
