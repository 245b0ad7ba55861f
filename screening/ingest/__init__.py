"""Reading shipment spreadsheets: file safety checks, header detection, column mapping and
row normalisation into ShipmentLine records."""

from screening.ingest.errors import IngestError
from screening.ingest.pipeline import PreparedInput, prepare_input

__all__ = ["IngestError", "PreparedInput", "prepare_input"]
