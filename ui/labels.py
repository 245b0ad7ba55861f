"""Translated names for things the core names in English: review dispositions, review
states and input fields. The core's English words stay the stored values (reviews in the
database, reports for auditors); only what the window shows goes through ``tr``.

Verdict codes (LICENSE_REQUIRED, CLEAR, …) are shown untranslated on purpose: they are the
vocabulary of the audit reports and the CLI's JSON, and an officer quotes them as codes."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from screening.ingest.columns import Field
from screening.store.reviews import Disposition
from ui.models.ordering import UNREVIEWED

CONTEXT = "labels"

_DISPOSITIONS = {
    Disposition.LICENSE_OBTAINED: QT_TRANSLATE_NOOP("labels", "Licence obtained"),
    Disposition.EXCEPTION_CONFIRMED: QT_TRANSLATE_NOOP("labels", "Licence exception confirmed"),
    Disposition.CLEARED: QT_TRANSLATE_NOOP("labels", "Not subject / cleared"),
    Disposition.HOLD: QT_TRANSLATE_NOOP("labels", "Hold"),
    Disposition.ESCALATE: QT_TRANSLATE_NOOP("labels", "Escalate"),
    Disposition.NOTE: QT_TRANSLATE_NOOP("labels", "Note"),
}
_BY_ENGLISH = {d.label: text for d, text in _DISPOSITIONS.items()}
_BY_ENGLISH[UNREVIEWED] = QT_TRANSLATE_NOOP("labels", "Unreviewed")

_RUN_STATUS = {
    "running": QT_TRANSLATE_NOOP("labels", "running"),
    "complete": QT_TRANSLATE_NOOP("labels", "complete"),
    "cancelled": QT_TRANSLATE_NOOP("labels", "cancelled"),
    "failed": QT_TRANSLATE_NOOP("labels", "failed"),
    "interrupted": QT_TRANSLATE_NOOP("labels", "interrupted"),
}

FIELDS = {
    Field.LINE_ID: QT_TRANSLATE_NOOP("labels", "Line ID"),
    Field.DESTINATION: QT_TRANSLATE_NOOP("labels", "Destination (ship-to)"),
    Field.ULTIMATE_DESTINATION: QT_TRANSLATE_NOOP("labels", "Ultimate destination"),
    Field.EXPORT_DATE: QT_TRANSLATE_NOOP("labels", "Export / ship date"),
    Field.ECCN: QT_TRANSLATE_NOOP("labels", "ECCN / classification"),
    Field.LICENSE_EXCEPTION: QT_TRANSLATE_NOOP("labels", "Licence exception"),
    Field.LICENSE_NUMBER: QT_TRANSLATE_NOOP("labels", "Licence number"),
    Field.END_USER: QT_TRANSLATE_NOOP("labels", "End user"),
    Field.END_USER_TYPE: QT_TRANSLATE_NOOP("labels", "End-user type"),
    Field.CONSIGNEE: QT_TRANSLATE_NOOP("labels", "Consignee"),
    Field.CONSIGNEE_ADDRESS: QT_TRANSLATE_NOOP("labels", "Consignee address"),
    Field.VALUE: QT_TRANSLATE_NOOP("labels", "Value"),
    Field.QUANTITY: QT_TRANSLATE_NOOP("labels", "Quantity"),
    Field.DESCRIPTION: QT_TRANSLATE_NOOP("labels", "Description"),
    Field.HS_CODE: QT_TRANSLATE_NOOP("labels", "HS code"),
    Field.PARENT_COMPANY: QT_TRANSLATE_NOOP("labels", "Parent company"),
    Field.ULTIMATE_PARENT: QT_TRANSLATE_NOOP("labels", "Ultimate parent"),
    Field.OWNER: QT_TRANSLATE_NOOP("labels", "Owner"),
    Field.BENEFICIAL_OWNER: QT_TRANSLATE_NOOP("labels", "Beneficial owner"),
    Field.OWNERSHIP_PCT: QT_TRANSLATE_NOOP("labels", "Ownership %"),
    Field.PURCHASER: QT_TRANSLATE_NOOP("labels", "Purchaser"),
    Field.INTERMEDIATE_CONSIGNEE: QT_TRANSLATE_NOOP("labels", "Intermediate consignee"),
    Field.NOTIFY_PARTY: QT_TRANSLATE_NOOP("labels", "Notify party"),
    Field.FORWARDER: QT_TRANSLATE_NOOP("labels", "Forwarder or carrier"),
}


def tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def disposition(d: Disposition) -> str:
    return tr(_DISPOSITIONS[d])


def review_state(english: str) -> str:
    """A review status as the table shows it (a disposition's label, Unreviewed or blank)."""
    text = _BY_ENGLISH.get(english)
    return tr(text) if text else english


def field(f: Field) -> str:
    return tr(FIELDS[f])


def run_status(status: str) -> str:
    text = _RUN_STATUS.get(status)
    return tr(text) if text else status
