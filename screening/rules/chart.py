"""The Commerce Country Chart's reasons-for-control columns (15 CFR part 738, Supplement
No. 1), in the chart's order. A module of its own so the rule engine needs no table
definitions to know them."""

from __future__ import annotations

CHART_COLUMNS: tuple[str, ...] = (
    "CB1", "CB2", "CB3", "NP1", "NP2", "NS1", "NS2", "MT1",
    "RS1", "RS2", "FC1", "CC1", "CC2", "CC3", "AT1", "AT2",
)
