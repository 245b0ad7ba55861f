"""s28 hunt: cells read as something harmless that say more (each line was CLEAR)."""

from __future__ import annotations

import pytest

from screening.normalize import EndUserType, normalize_end_user_type
from tests.conftest import screen_text

HEAD = "Line ID,Ship Date,Ship-to Country,ECCN,End User,End-User Type"


@pytest.mark.parametrize("cell", ["Germany?", "~Germany", "Germany (*)", "Germany #",
                                  "¿Germany?", "?Germany", "Germany (?)"])
def test_a_country_marked_as_in_doubt_is_an_error(tmp_path, cell) -> None:
    _run, lines = screen_text(tmp_path, f'{HEAD}\nL1,2021-03-01,"{cell}",3A001.a.2,Rhein '
                              f'GmbH,commercial\n')
    found = {f.code: f.message for f in lines["L1"].findings}
    assert lines["L1"].verdict == "ERROR", found
    assert "is not a country or territory hkscreen knows" in found["INVALID_VALUE"]


@pytest.mark.parametrize(("cell", "kind"), [
    ("MIEU end user", EndUserType.MILITARY_INTELLIGENCE),
    ("Customer - MIEU", EndUserType.MILITARY_INTELLIGENCE),
    ("Govt end user", EndUserType.GOVERNMENT),
    ("End user (MI)", EndUserType.UNRECOGNISED),
    ("MI customer", EndUserType.UNRECOGNISED),
    ("GSD end user", EndUserType.UNRECOGNISED),
    ("2PLA end user", EndUserType.UNRECOGNISED),
    ("Commercial; MI end user", EndUserType.UNRECOGNISED),
    ("Intel agency", EndUserType.UNRECOGNISED),
    # Still read as before: kinds of party, their abbreviations among them.
    ("OEM manufacturer", EndUserType.OTHER),
    ("IT services company", EndUserType.OTHER),
    ("Robot arms maker", EndUserType.OTHER),
    ("Commercial end user", EndUserType.CIVIL),
])
def test_an_end_user_type_with_a_code_beside_kind_words(cell, kind) -> None:
    assert normalize_end_user_type(cell) is kind


@pytest.mark.parametrize(("cell", "code"), [
    ("MIEU end user", "MIEU_LICENSE_REQUIRED"), ("GSD end user", "END_USER_TYPE_NOT_UNDERSTOOD"),
    ("SSF end user", "END_USER_TYPE_NOT_UNDERSTOOD")])
def test_ear99_to_hong_kong_for_such_an_end_user_is_not_clear(tmp_path, cell, code) -> None:
    _run, lines = screen_text(tmp_path, f"{HEAD}\nL1,2022-03-01,Hong Kong,EAR99,Victoria "
                              f"Ltd,{cell}\n")
    found = {f.code for f in lines["L1"].findings}
    assert lines["L1"].verdict != "CLEAR" and code in found, found
