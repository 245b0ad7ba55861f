"""Lines that cite licence numbers: each line's own number is checked, also where many
lines share everything else (the screening works out their common result once)."""

from __future__ import annotations

import json
from pathlib import Path

from screening.cli import main


def _screen(tmp_path: Path, capsys, rows: list[str]) -> dict[str, dict]:
    path = tmp_path / "licences.csv"
    path.write_text("Line,Destination,Export Date,ECCN,License No.,Consignee\n"
                    + "".join(f"{row},Victoria Components\n" for row in rows), encoding="utf-8")
    out = tmp_path / "out.json"
    main(["--database-url", f"sqlite:///{tmp_path / 'hk.sqlite3'}", "screen", str(path),
          "--json", str(out), "--quiet"])
    capsys.readouterr()
    return {line["line_id"]: line for line in json.loads(out.read_text("utf-8"))["lines"]}


def _cited(line: dict) -> list[str]:
    return [f["message"] for f in line["findings"] if f["code"] == "LICENSE_CITED"]


def test_each_line_cites_its_own_licence_number(tmp_path, capsys) -> None:
    lines = _screen(tmp_path, capsys, [
        "A,HK,2021-03-01,3A001.a.2,D1111111",   # needs a licence: number checked
        "B,HK,2021-03-01,3A001.a.2,D2222222",   # same key, another number
        "C,HK,2021-03-01,3A001.a.2,",           # same key, none cited
        "D,HK,2021-03-01,3A001.a.2,D1111111",   # the first number again
        "E,Hong Kong,2021-03-02,3a001a2,D3333333",  # written otherwise, a day later
        "F,Germany,2021-03-01,EAR99,D4444444",  # needs none: nothing to check
    ])
    for line_id, number in (("A", "D1111111"), ("B", "D2222222"), ("D", "D1111111"),
                            ("E", "D3333333")):
        cited = _cited(lines[line_id])
        assert len(cited) == 1 and f"Licence {number} is cited" in cited[0], line_id
        assert lines[line_id]["verdict"] == "REVIEW", line_id
    assert lines["C"]["verdict"] == "LICENSE_REQUIRED" and not _cited(lines["C"])
    assert lines["F"]["verdict"] == "CLEAR" and not _cited(lines["F"])
    # Apart from the citation, the lines needing a licence share their findings.
    def rest(line_id: str) -> list[str]:
        return [f["code"] for f in lines[line_id]["findings"] if f["code"] != "LICENSE_CITED"]
    assert rest("A") == rest("B") == rest("D") == rest("E")
