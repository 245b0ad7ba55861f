"""The detail pane's content for one line, as HTML (pure: testable without widgets)."""

from __future__ import annotations

from html import escape

from screening.citations import citation_url
from screening.ingest.readers import column_letter
from screening.store.reviews import ReviewRecord
from screening.store.runs import StoredLine

_SEVERITY_COLOUR = {"prohibited": "#7B1113", "license": "#B00020", "error": "#B45F06",
                    "review": "#7F6000", "info": "#555555"}
_LABELS = {
    "destination": "Shipped to", "ultimate_destination": "Ultimate destination",
    "export_date": "Export date", "date_assumed": "Date assumed (as-of)", "eccn": "ECCN",
    "license_exception": "Licence exception", "license_number": "Licence number",
    "end_user": "End user", "end_user_type": "End-user type", "consignee": "Consignee",
    "value": "Value", "quantity": "Quantity", "description": "Description", "hs_code": "HS code",
}


def _cite(text: str) -> str:
    url = citation_url(text)
    return f'<a href="{escape(url)}">{escape(text)}</a>' if url else escape(text)


def line_html(line: StoredLine, headers: list[str], sheet: str,
              history: list[ReviewRecord]) -> str:
    route = escape(line.destination or "?")
    if line.licensing_destination and line.licensing_destination != line.destination:
        route = f"shipped to {route}, licensed as {escape(line.licensing_destination)}"
    parts = [f"<h3>Row {line.row} · {escape(line.line_id)} · {line.verdict.value}</h3>",
             f"<p>{route}{' · <b>newly licensable</b>' if line.newly_licensable else ''}</p>",
             "<h4>Findings</h4><ul>"]
    order = ("prohibited", "license", "error", "review", "info")  # most severe first
    for f in sorted(line.findings, key=lambda f: order.index(f.severity.value)):
        colour = _SEVERITY_COLOUR.get(f.severity.value, "#000")
        cites = ", ".join(_cite(c) for c in f.citations)
        unverified = (f"<br><i>Relies on unverified rule data: "
                      f"{escape('; '.join(f.unverified))}</i>" if f.unverified else "")
        parts.append(f'<li><span style="color:{colour}"><b>{f.severity.value.upper()}</b> '
                     f"{escape(f.code)}</span>: {escape(f.message)}"
                     f"{'<br><small>' + cites + '</small>' if cites else ''}{unverified}</li>")
    if not line.findings:
        parts.append("<li>No findings under the rules applied.</li>")
    parts.append("</ul><h4>Review history</h4>")
    if history:
        parts.append("<ul>")
        for r in history:
            extra = " ".join(x for x in (r.license_number, r.license_exception) if x)
            state = " <i>(superseded)</i>" if r.superseded else ""
            parts.append(f"<li>{escape(str(r.created_at)[:19])} UTC · <b>{escape(r.reviewer)}"
                         f"</b> · {escape(r.disposition.label)} {escape(extra)}{state}"
                         f"{': ' + escape(r.reason) if r.reason else ''}</li>")
        parts.append("</ul>")
    else:
        parts.append("<p>No reviews yet.</p>")
    parts.append("<h4>Normalised values</h4><table cellspacing=2>")
    for key, label in _LABELS.items():
        value = line.normalized.get(key)
        if value not in (None, "", False):
            parts.append(f"<tr><td><b>{label}</b></td><td>{escape(str(value))}</td></tr>")
    parts.append("</table><h4>Original cells</h4><table cellspacing=2>")
    for col, (header, value) in enumerate(zip(headers, line.raw, strict=False)):
        ref = f"{sheet}!{column_letter(col)}{line.row}" if sheet else \
            f"row {line.row} col {column_letter(col)}"
        parts.append(f"<tr><td><small>{escape(ref)}</small></td><td><b>{escape(header)}</b>"
                     f"</td><td>{escape(value)}</td></tr>")
    parts.append("</table>")
    return "".join(parts)
