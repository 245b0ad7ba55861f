"""Citations: joining a finding's sources without repeats, naming rule data not fully
verified, and links from Federal Register cites and CFR sections to their public pages."""

from __future__ import annotations

import functools
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


NOT_VERIFIED = ("PARTIAL", "INFERRED", "UNVERIFIED")
_FR_KEY = re.compile(r"^(\d+ FR \d+)")


@functools.lru_cache(maxsize=4096)  # the same few hundred combinations, a million times
def cites(*texts: str) -> tuple[str, ...]:
    """Split '; '-joined citation strings into a de-duplicated tuple; two forms of one
    Federal Register citation ("85 FR 23459" and "85 FR 23459 (2020-04-28)") count once,
    the fuller form kept."""
    out: dict[str, str] = {}
    for text in texts:
        for raw in (text or "").split(";"):
            part = raw.strip()
            if not part:
                continue
            m = _FR_KEY.match(part)
            key = m.group(1) if m else part
            if key not in out or len(part) > len(out[key]):
                out[key] = part
    return tuple(out.values())


def unverified_note(label: str, verification: str) -> tuple[str, ...]:
    """("<label> (PARTIAL)",) for rule data not fully verified, else ()."""
    return (f"{label} ({verification})",) if verification in NOT_VERIFIED else ()
