"""Links for citations: Federal Register cites and CFR sections to their public pages."""

from __future__ import annotations

import re

_FR_RE = re.compile(r"\b(\d{2,3}) FR (\d{3,6})\b")
_CFR_SECTION_RE = re.compile(r"\b15 CFR (\d{3})\.(\d+)")
_CFR_PART_RE = re.compile(r"\b15 CFR part (\d{3})", re.IGNORECASE)


def citation_url(citation: str) -> str | None:
    """A public URL for the first recognisable cite in ``citation``, else None."""
    if match := _FR_RE.search(citation):
        return f"https://www.federalregister.gov/citation/{match.group(1)}-FR-{match.group(2)}"
    if match := _CFR_SECTION_RE.search(citation):
        return (f"https://www.ecfr.gov/current/title-15/section-"
                f"{match.group(1)}.{match.group(2)}")
    if match := _CFR_PART_RE.search(citation):
        return f"https://www.ecfr.gov/current/title-15/part-{match.group(1)}"
    return None
