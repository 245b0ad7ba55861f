"""Named column-mapping profiles kept in the database."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from screening.ingest.pipeline import MappingSpec
from screening.store.schema import MappingProfile


def save_profile(session: Session, name: str, spec: MappingSpec, signature: str,
                 user: str) -> None:
    profile = session.scalars(select(MappingProfile).where(MappingProfile.name == name)).first()
    payload = json.dumps(spec.to_json(), ensure_ascii=False, sort_keys=True)
    if profile is None:
        session.add(MappingProfile(name=name, mapping_json=payload,
                                   date_order=spec.date_order.value if spec.date_order else "",
                                   header_signature=signature,
                                   created_at=dt.datetime.now(dt.UTC), created_by=user))
    else:
        profile.mapping_json = payload
        profile.header_signature = signature
        profile.date_order = spec.date_order.value if spec.date_order else ""


def load_profile(session: Session, name: str) -> MappingSpec | None:
    profile = session.scalars(select(MappingProfile).where(MappingProfile.name == name)).first()
    if profile is None:
        return None
    return MappingSpec.from_json(json.loads(profile.mapping_json), f"profile {name}")


def profiles_for_headers(session: Session, signature: str) -> list[str]:
    return list(session.scalars(select(MappingProfile.name)
                                .where(MappingProfile.header_signature == signature)))


def profile_names(session: Session) -> list[str]:
    return list(session.scalars(select(MappingProfile.name).order_by(MappingProfile.name)))
