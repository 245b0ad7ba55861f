"""End uses part 744 controls for every item, named in the end-user type cell."""

from __future__ import annotations


def test_an_end_use_part_744_controls_is_never_clear(tmp_path) -> None:
    """(s21 hunt:) an end-user type cell naming a nuclear, missile, chemical weapons or
    supercomputer end use was read as another kind of party: EAR99 to China or Singapore
    was CLEAR. Those end uses need a licence for any item (15 CFR 744.2-744.4, 744.23): a
    REVIEW on every destination, and the military rules still read a military one. The
    memo of results keeps the type apart for destinations with no end-use rule, too."""
    from tests.conftest import screen_text

    rows = ("S1,Singapore,2023-05-02,EAR99,commercial\n"
            "S2,Singapore,2023-05-02,EAR99,Missile development\n"
            "S3,Singapore,2023-05-02,EAR99,Nuclear weapons research\n"
            "S4,Singapore,2023-05-02,EAR99,commercial\n"
            "C1,China,2023-05-02,EAR99,Supercomputer centre\n"
            "C2,China,2023-05-02,5A992.c,PLA Rocket Force\n"
            "C3,China,2023-05-02,5A992.c,Munitions factory\n")
    _run, lines = screen_text(tmp_path, "Line,Destination,Export Date,ECCN,End User Type,"
                                        "Consignee\n" + rows.replace("\n", ",Lim Trading\n"))
    codes = {k: {f.code for f in line.findings} for k, line in lines.items()}
    assert lines["S1"].verdict == lines["S4"].verdict == "CLEAR"
    for key in ("S2", "S3", "C1", "C2"):
        assert "END_USE_PART_744" in codes[key], key
        assert lines[key].verdict != "CLEAR", key
    assert lines["S2"].verdict == "REVIEW"
    assert lines["C2"].verdict == lines["C3"].verdict == "LICENSE_REQUIRED"
    assert "END_USE_PART_744" not in codes["C3"]  # military, no part 744 end use named
    message = next(f.message for f in lines["S2"].findings if f.code == "END_USE_PART_744")
    assert "744.3" in message and "EAR99 included" in message
