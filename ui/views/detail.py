"""The detail pane's content for one line, as HTML (pure: testable without widgets).
Finding messages come from the core in English, as the audit reports state them."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from screening.citations import citation_url
from screening.ingest.readers import column_letter
from screening.store.reviews import ReviewRecord
from screening.store.runs import StoredLine
from ui import labels

_SEVERITY_COLOUR = {"prohibited": "#7B1113", "license": "#B00020", "error": "#B45F06",
                    "review": "#7F6000", "info": "#555555"}
CONTEXT = "detail"
_LABELS = {
    "destination": QT_TRANSLATE_NOOP("detail", "Shipped to"),
    "ultimate_destination": QT_TRANSLATE_NOOP("detail", "Ultimate destination"),
    "export_date": QT_TRANSLATE_NOOP("detail", "Export date"),
    "date_assumed": QT_TRANSLATE_NOOP("detail", "Date assumed (as-of)"),
    "eccn": QT_TRANSLATE_NOOP("detail", "ECCN"),
    "license_exception": QT_TRANSLATE_NOOP("detail", "Licence exception"),
    "license_number": QT_TRANSLATE_NOOP("detail", "Licence number"),
    "end_user": QT_TRANSLATE_NOOP("detail", "End user"),
    "end_user_type": QT_TRANSLATE_NOOP("detail", "End-user type"),
    "consignee": QT_TRANSLATE_NOOP("detail", "Consignee"),
    "value": QT_TRANSLATE_NOOP("detail", "Value"),
    "quantity": QT_TRANSLATE_NOOP("detail", "Quantity"),
    "description": QT_TRANSLATE_NOOP("detail", "Description"),
    "hs_code": QT_TRANSLATE_NOOP("detail", "HS code"),
}
QT_TRANSLATE_NOOP("detail", "Yes")


def _t(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def _cite(text: str) -> str:
    url = citation_url(text)
    return f'<a href="{escape(url)}">{escape(text)}</a>' if url else escape(text)


def shown_value(value: object) -> str:
    """A normalised value as an officer reads it: 12500.0 is 12500, 0.5 stays 0.5."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def line_html(line: StoredLine, headers: list[str], sheet: str,
              history: list[ReviewRecord], mapping: dict[str, str] | None = None) -> str:
    """``mapping`` (field -> input header) lets a normalised value show the cell it came
    from when they differ ("civil", from the cell "commercial")."""
    route = escape(line.destination or "?")
    if line.licensing_destination and line.licensing_destination != line.destination:
        route = QCoreApplication.translate("detail", "shipped to %1, licensed as %2") \
            .replace("%1", route).replace("%2", escape(line.licensing_destination))
    newly = " · <b>" + QCoreApplication.translate("detail", "newly licensable") + "</b>" \
        if line.newly_licensable else ""
    title = QCoreApplication.translate("detail", "Row %1").replace("%1", str(line.row))
    parts = [f"<h3>{title} · {escape(line.line_id)} · {line.verdict.value}</h3>",
             f"<p>{route}{newly}</p>",
             "<h4>" + QCoreApplication.translate("detail", "Findings") + "</h4><ul>"]
    order = ("prohibited", "license", "error", "review", "info")  # most severe first
    for f in sorted(line.findings, key=lambda f: order.index(f.severity.value)):
        colour = _SEVERITY_COLOUR.get(f.severity.value, "#000")
        cites = ", ".join(_cite(c) for c in f.citations)
        unverified = ("<br><i>" + QCoreApplication.translate(
            "detail", "Relies on unverified rule data:") + " "
            f"{escape('; '.join(f.unverified))}</i>" if f.unverified else "")
        parts.append(f'<li><span style="color:{colour}"><b>{f.severity.value.upper()}</b> '
                     f"{escape(f.code)}</span>: {escape(f.message)}"
                     f"{'<br><small>' + cites + '</small>' if cites else ''}{unverified}</li>")
    if not line.findings:
        parts.append("<li>" + QCoreApplication.translate(
            "detail", "No findings under the rules applied.") + "</li>")
    parts.append("</ul><h4>" + QCoreApplication.translate("detail", "Review history") + "</h4>")
    if history:
        parts.append("<ul>")
        for r in history:
            extra = " ".join(x for x in (r.license_number, r.license_exception) if x)
            state = " <i>(" + QCoreApplication.translate("detail", "superseded") + ")</i>" \
                if r.superseded else ""
            override = (' <b style="color:#B00020">' + QCoreApplication.translate(
                "detail", "OVERRIDE of a finding:") + "</b> " + escape(r.override_reason)
                if r.override else "")
            account = f" ({escape(r.account)})" if r.account else ""
            parts.append(f"<li>{escape(str(r.created_at)[:19])} UTC · <b>{escape(r.reviewer)}"
                         f"</b>{account} · {escape(labels.disposition(r.disposition))} "
                         f"{escape(extra)}{state}"
                         f"{': ' + escape(r.reason) if r.reason else ''}{override}</li>")
        parts.append("</ul>")
    else:
        parts.append("<p>" + QCoreApplication.translate("detail", "No reviews yet.") + "</p>")
    parts.append("<h4>" + QCoreApplication.translate("detail", "Normalised values")
                 + "</h4><table cellspacing=2>")
    columns = {h: i for i, h in enumerate(headers)}
    for key, label in _LABELS.items():
        value = line.normalized.get(key)
        if value in (None, "", False):
            continue
        text = shown_value(value) if value is not True else _t("Yes")
        index = columns.get((mapping or {}).get(key, ""))
        cell = line.raw[index].strip() if index is not None and index < len(line.raw) else ""
        source = ""
        if cell and cell.casefold() != text.casefold():
            source = " <small>" + QCoreApplication.translate(
                "detail", "(from the cell \u201c%1\u201d)").replace("%1", escape(cell)) \
                + "</small>"
        parts.append(f"<tr><td><b>{_t(label)}</b></td><td>{escape(text)}{source}</td></tr>")
    parts.append("</table><h4>" + QCoreApplication.translate("detail", "Original cells")
                 + "</h4><table cellspacing=2>")
    for col, (header, value) in enumerate(zip(headers, line.raw, strict=False)):
        ref = f"{sheet}!{column_letter(col)}{line.row}" if sheet else \
            QCoreApplication.translate("detail", "row %1 col %2").replace(
                "%1", str(line.row)).replace("%2", column_letter(col))
        parts.append(f"<tr><td><small>{escape(ref)}</small></td><td><b>{escape(header)}</b>"
                     f"</td><td>{escape(value)}</td></tr>")
    parts.append("</table>")
    return "".join(parts)
