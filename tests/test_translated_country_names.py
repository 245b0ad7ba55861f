"""Country names in the languages of the branches that write shipment files (a review found
"Chine" ERROR where "China" and "中国" were read)."""

from __future__ import annotations

import csv
import subprocess
import sys
from collections import defaultdict

import pytest

from screening.normalize import alias_key
from screening.paths import seed_rules_dir
from tests.conftest import screen_text


@pytest.mark.parametrize(("written", "code", "verdict"), [
    ("Chine", "CN", "LICENSE_REQUIRED"), ("Cina", "CN", "LICENSE_REQUIRED"),
    ("Китай", "CN", "LICENSE_REQUIRED"), ("중국", "CN", "LICENSE_REQUIRED"),
    ("Гонконг", "HK", "LICENSE_REQUIRED"), ("홍콩", "HK", "LICENSE_REQUIRED"),
    ("Allemagne", "DE", "CLEAR"), ("Alemania", "DE", "CLEAR"), ("Duitsland", "DE", "CLEAR"),
    ("Singapour", "SG", "CLEAR"), ("Japon", "JP", "CLEAR"), ("ドイツ", "DE", "CLEAR"),
    ("Federación Rusa", "RU", "LICENSE_REQUIRED"), ("Nordkorea", "KP", "LICENSE_REQUIRED"),
])
def test_a_country_written_in_another_language_is_read(tmp_path, written, code,
                                                       verdict) -> None:
    _run, lines = screen_text(tmp_path, "Line,Ship-to Country,Ship Date,ECCN,End User\n"
                              f"T1,{written},2023-05-02,3A090.a,Acme Trading\n")
    assert lines["T1"].destination == code
    assert lines["T1"].verdict == verdict, lines["T1"].findings


def test_each_translated_name_names_one_country_and_says_where_it_comes_from() -> None:
    with (seed_rules_dir() / "country_aliases.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    codes: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        codes[alias_key(row["alias"])].add(row["country_code"])
    translated = [row for row in rows if row["source"].startswith("ISO 3166-1 name in ")]
    assert len(translated) > 1000
    assert all("pycountry" in row["source"] for row in translated)
    assert not [row for row in translated if len(codes[alias_key(row["alias"])]) > 1]
    # "Congo" names two countries in French too: it is left out, as in English.
    assert "congo" not in {alias_key(row["alias"]) for row in translated}


def test_the_generator_reproduces_the_file(tmp_path) -> None:
    """The rows come from the script beside them, run on the installed pycountry."""
    import pycountry

    path = seed_rules_dir() / "country_aliases.csv"
    before = path.read_bytes()
    if f"pycountry {pycountry.__version__})".encode() not in before:
        pytest.skip(f"the names were made with another pycountry than {pycountry.__version__}")
    copy = tmp_path / "make_translated_aliases.py"
    script = (seed_rules_dir() / "make_translated_aliases.py").read_text(encoding="utf-8")
    copy.write_text(script.replace(
        'PATH = Path(__file__).resolve().parent / "country_aliases.csv"',
        f'PATH = Path({str(tmp_path / "country_aliases.csv")!r})').replace(
        "sys.path.insert(0, str(Path(__file__).resolve().parents[2]))",
        f"sys.path.insert(0, {str(seed_rules_dir().parents[1])!r})"), encoding="utf-8")
    (tmp_path / "country_aliases.csv").write_bytes(before)
    subprocess.run([sys.executable, str(copy)], check=True, capture_output=True)
    assert (tmp_path / "country_aliases.csv").read_bytes() == before


@pytest.mark.parametrize("written", ["no", "in", "It", "to", "Is", "by", "so", "no.", "It.",
                                     "ｎｏ"])
def test_a_word_that_is_a_country_code_only_in_capitals_is_an_error(tmp_path,
                                                                   written) -> None:
    """(s21 hunt:) "no", "in", "is" in a country cell were read as Norway, India, Iceland:
    a remark ("no"), not a country. In capitals they are the codes."""
    _run, lines = screen_text(tmp_path, "Line,Ship-to Country,Ship Date,ECCN,End User\n"
                              f"T1,{written},2023-05-02,EAR99,Acme Trading\n"
                              f"T2,{written.upper()},2023-05-02,EAR99,Acme Trading\n")
    found = {f.code: f.message for f in lines["T1"].findings}
    assert lines["T1"].verdict == "ERROR"
    assert found["COUNTRY_CODE_AS_WORD"].startswith("in.csv row 2 col B: ")
    assert f"({written.upper()!r})" in found["COUNTRY_CODE_AS_WORD"]
    if written.isascii() and written.isalpha():
        assert lines["T2"].destination == written.upper()
