"""Review (s10): a restricted party's name written with look-alike letters of another script
passes the restricted-party check: CLEAR.

``parties.normalize_party`` folds non-ASCII names with NFKC and ``anyascii``, which
transliterates by sound, not by shape: CYRILLIC CAPITAL LETTER EN "Н" (it looks like H)
becomes "N", Cyrillic "В" becomes "V", "Ѕ" becomes "DZ", "Р" becomes "R". An end user written
"Нuawei Technologies Co., Ltd." (one Cyrillic letter; on screen it is Huawei) is matched as
"nuawei technologies" and found on no list; so are "Ѕberbank", "Rоѕnеft" and "Вank of Kunlun
Co Ltd". Each line is CLEAR, with the party check recorded as made against the list.

The destination, ECCN and date cells refuse untrusted characters (UNTRUSTED_CHARACTERS);
party names have no such guard. A name mixing scripts within a word should be folded to its
confusable skeleton (Unicode TR39) before matching, or make its line REVIEW naming the cell,
never CLEAR.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import screen_text

SPOOFED = {
    "\u041duawei Technologies Co., Ltd.": "Huawei Technologies Co., Ltd.",  # Cyrillic EN
    "\u0405berbank": "Sberbank",  # Cyrillic DZE
    "R\u043e\u0455n\u0435ft": "Rosneft",  # Cyrillic o, dze, ie
    "\u0412ank of Kunlun Co Ltd": "Bank of Kunlun Co Ltd",  # Cyrillic VE
}


@pytest.mark.usefixtures("bundled_lists")
def test_s10_a_listed_party_spelled_with_look_alike_letters_is_never_clear(tmp_path: Path
                                                                           ) -> None:
    rows = [f'{tag}{i},2021-03-01,Germany,EAR99,"{name}"\n'
            for i, (spoofed, plain) in enumerate(SPOOFED.items())
            for tag, name in (("PLAIN", plain), ("SPOOF", spoofed))]
    run, by_id = screen_text(tmp_path, "Line ID,Ship Date,Ship-to Country,ECCN,End User\n" +
                             "".join(rows), "parties.csv")
    lines = list(by_id.values())
    assert run.party_check  # the check was made and recorded
    plain = [ln for ln in lines if ln.line_id.startswith("PLAIN")]
    assert all(ln.verdict.value == "REVIEW" for ln in plain), [
        (ln.line_id, ln.verdict.value) for ln in plain]  # each name is on a list
    spoofed = list(SPOOFED)
    clear = [spoofed[int(ln.line_id[5:])] for ln in lines
             if ln.line_id.startswith("SPOOF") and ln.verdict.value == "CLEAR"]
    assert not clear, f"listed parties in look-alike letters screened CLEAR: {clear}"
