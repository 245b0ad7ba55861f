"""What is screened is what was hashed: a workbook is read into memory once, hashed and parsed
from those bytes; a CSV file is hashed as it is parsed. Before, the file was hashed, then read
again by the parsers, then hashed a last time: a file changed and changed back in between
(which a coarse-timestamp file system does not show) was screened as the other version under
the first one's hash."""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from pathlib import Path

import openpyxl
import pytest

from screening.ingest import IngestError, readers, xlsx_package
from screening.ingest.content import MAX_WORKBOOK_BYTES, Content, HashingFile, read_content
from screening.reports import verify as verify_module
from screening.reports import write_report
from screening.reports.verify import Status, verify_report
from screening.service import ScreenOptions, run_screening
from screening.store.report_lines import iter_line_records
from tests.conftest import big_csv


def _book(eccn: str) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Line ID", "Ship-to Country", "Ship Date", "ECCN"])
    ws.append(["L1", "HK", "2021-03-01", eccn])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _eccns(db, run_id: int) -> list[str]:
    with db.sessions() as session:
        return [record.eccn for record in iter_line_records(session, run_id)]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_hashing_file_gives_the_digest_and_start_of_what_was_read(tmp_path) -> None:
    path = big_csv(tmp_path / "a.csv", 3000)
    data = path.read_bytes()
    with HashingFile(path, head_size=1000) as raw, io.BufferedReader(raw, 4096) as buffered:
        assert buffered.read(10) == data[:10] and buffered.tell() == 10
        rest = buffered.read()
        assert raw.sha256() == _sha(data) and bytes(raw.head) == data[:1000]
        assert data[:10] + rest == data
        with pytest.raises(io.UnsupportedOperation):
            raw.seek(0)  # going back would hash bytes twice


def test_a_csv_changed_and_changed_back_while_read_is_not_taken_for_the_first(
        tmp_path, monkeypatch) -> None:
    """V1 hashed, V2's tail read after the first megabyte, V1 again afterwards: the digest of
    the bytes read is not V1's (before, only the file was hashed, twice: V1 both times)."""
    path = big_csv(tmp_path / "aba.csv", 50_000)
    first = path.read_bytes()
    cut = (1 << 20) + 100  # beyond the start the encoding was chosen from
    assert len(first) > cut + 65536
    second = first[:cut] + first[cut:].replace(b"2A290", b"3A001")

    class ChangedBack(readers.HashingFile):
        reads = 0

        def readinto(self, buffer):  # type: ignore[no-untyped-def]
            ChangedBack.reads += 1
            count = super().readinto(buffer)
            if ChangedBack.reads == 1 or not count:  # V2 from here on; V1 once read
                with path.open("r+b") as out:
                    out.write(first if not count else second)
            return count

    monkeypatch.setattr(readers, "HashingFile", ChangedBack)
    source = readers.open_csv(path)
    rows = list(source.rows())
    assert path.read_bytes() == first and len(rows) == 50_001
    assert any("3A001" in values for _n, values in rows)  # V2's rows were read ...
    assert source.content_sha256 not in (None, _sha(first))  # ... and the digest says so


def test_a_csv_whose_start_changed_after_its_encoding_was_chosen_is_refused(tmp_path) -> None:
    path = tmp_path / "start.csv"
    path.write_text("Line;Destination;Export Date;ECCN\n1;HK;2021-03-01;EAR99\n",
                    encoding="utf-8")
    source = readers.open_csv(path)  # delimiter ";" chosen from this start
    path.write_text("Line,Destination,Export Date,ECCN\n1,HK,2021-03-01,EAR99\n",
                    encoding="utf-8")
    with pytest.raises(IngestError, match="changed while it was being read"):
        list(source.rows())


def test_a_csv_read_to_its_end_states_the_digest_of_its_bytes(tmp_path) -> None:
    path = big_csv(tmp_path / "a.csv", 5000)
    source = readers.open_csv(path)
    assert source.content_sha256 is None  # not known before the end
    assert len(list(source.rows())) == 5001
    assert source.content_sha256 == _sha(path.read_bytes())


def test_a_workbook_is_screened_from_the_bytes_it_was_hashed_from(db, tmp_path,
                                                                  monkeypatch) -> None:
    """The file replaced right after it was read: the run screens, records and keeps the
    version it read (before, the parsers read the file again: the new version, and the run
    failed at best; changed back before the last hash, it screened that version under the
    first one's hash)."""
    path = tmp_path / "book.xlsx"
    first, second = _book("5A992"), _book("3A001")
    path.write_bytes(first)
    real = read_content

    def read_then_replace(p: Path) -> Content:
        content = real(p)
        p.write_bytes(second)
        return content

    monkeypatch.setattr("screening.service.read_content", read_then_replace)
    run = run_screening(db, path, ScreenOptions()).run
    assert run.status == "complete" and run.input_sha256 == _sha(first)
    assert run.input_size == len(first)
    assert _eccns(db, run.id) == ["5A992"]
    assert Path(run.input_copy).read_bytes() == first  # the copy is the bytes screened


def test_a_package_known_by_its_digest_is_checked_whatever_its_file_shows(
        tmp_path, monkeypatch) -> None:
    """Bytes are checked under their own digest: a package of other bytes is checked again
    even where the file's identity stays the same (coarse times)."""
    monkeypatch.setattr(xlsx_package, "file_identity", lambda _p: (7, 7, 7))
    path = tmp_path / "book.xlsx"
    path.write_bytes(_book("5A992"))
    xlsx_package.check_zip(path).close()  # checked, by identity
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * (60 * 1024**2) + b"</a>")
    content = Content(bomb.getvalue(), _sha(bomb.getvalue()))
    with pytest.raises(IngestError, match="zip bomb"):
        xlsx_package.check_zip(path, content)


def test_a_file_too_big_for_any_workbook_is_refused_before_it_is_read(tmp_path) -> None:
    path = tmp_path / "huge.xlsx"
    with path.open("wb") as out:
        out.write(b"PK\x03\x04")
        out.truncate(MAX_WORKBOOK_BYTES + 1)  # sparse: takes no disk space
    with pytest.raises(IngestError, match="refused: the workbook file is"):
        read_content(path)
    os.unlink(path)


def test_verify_re_screens_from_the_bytes_whose_hash_it_checked(db, tmp_path,
                                                                monkeypatch) -> None:
    path = tmp_path / "book.xlsx"
    path.write_bytes(_book("5A992"))
    run = run_screening(db, path, ScreenOptions()).run
    write_report(db, run.id, tmp_path / "r.xlsx", generated_by="auditor")
    checks = {c.name: c for c in verify_report(tmp_path / "r.xlsx", path, db).checks}
    assert checks["re-screen"].status is Status.PASSED
    # The file replaced between the hash check and the re-screen's read: not compared.
    real = read_content

    def replaced(p: Path) -> Content:
        p.write_bytes(_book("3A001"))
        return real(p)

    monkeypatch.setattr(verify_module, "read_content", replaced)
    checks = {c.name: c for c in verify_report(tmp_path / "r.xlsx", path, db).checks}
    assert checks["re-screen"].status is Status.NOT_MADE
    assert "changed after its hash was checked" in checks["re-screen"].detail


@pytest.mark.parametrize(("codec", "label"), [("big5", "Big5"), ("gbk", "GBK"),
                                              ("gb18030", "GB18030"), ("gb18030-only", "GB18030")])
def test_a_chinese_csv_not_in_utf8_is_refused_not_read_as_western(tmp_path, codec,
                                                                 label) -> None:
    """(Review, s17:) Excel on Chinese Windows saves CSV in Big5 or GBK; read as
    Windows-1252 (which takes any byte), an Entity List consignee's name and "中國香港"
    became mojibake and the line CLEAR."""
    path = tmp_path / f"{codec}.csv"
    extra = "𠀀" if codec == "gb18030" else ""  # a character only GB18030's 4 bytes hold
    text = f"1,中國香港,2021-03-01,EAR99,華為技術有限公司{extra}\n"
    if codec == "gb18030-only":  # only four-byte characters (CJK extension B)
        codec, text = "gb18030", "1,HK,2021-03-01,EAR99,Huawei 𠀀𠀁𠀂\n"
    path.write_bytes(("Line,Destination,Export Date,ECCN,Consignee\n" + text).encode(codec))
    with pytest.raises(IngestError, match=f"Korean text \\({label}, for one\\).*CSV UTF-8"):
        readers.open_csv(path)


def test_a_western_csv_in_windows_1252_is_still_read(tmp_path) -> None:
    path = tmp_path / "w.csv"
    path.write_bytes("Line,Destination,Export Date,ECCN,Consignee\n"
                     "1,Österreich,2021-03-01,EAR99,Müller Straße GmbH\n"
                     "2,Côte d'Ivoire,2021-03-01,EAR99,“Société Générale” Ltée – 5€\n"
                     .encode("cp1252"))
    assert readers.open_csv(path).encoding == "cp1252"


def test_portuguese_in_windows_1252_is_not_taken_for_chinese(tmp_path) -> None:
    """(Review, s17:) "Exportação / Importação": two high bytes side by side ("çã") read as
    a Chinese pair; Western letters stand alone or in twos, Chinese names run longer."""
    path = tmp_path / "pt.csv"
    path.write_bytes("Line,Destination,Export Date,ECCN,Description\n"
                     "1,Portugal,2021-03-01,EAR99,Exportação / Importação de peças\n"
                     "2,Brasil,2021-03-01,EAR99,Ação nº 5 – São Paulo\n".encode("cp1252"))
    assert readers.open_csv(path).encoding == "cp1252"


@pytest.mark.parametrize(("codec", "text", "label"), [
    ("cp1251", "1,RU,2021-03-01,EAR99,АО Концерн Калашников\n2,HK,2021-03-01,EAR99,ООО Ромашка\n",
     "Cyrillic, Greek, Hebrew or Arabic text \\(read as Windows-1251: 'Концерн'"),
    ("cp1250", "1,HK,2021-03-01,EAR99,Zakłady Łączności Spółka\n",
     "Central European text \\(Windows-1250: 'Zakłady'"),
    # (s23 hunt: "Ağ Yıldız Kargo", on the Entity List, read as "Að Yýldýz Kargo": CLEAR)
    ("cp1254", "1,TR,2024-03-01,EAR99,Ağ Yıldız Kargo\n", "Turkish text \\(Windows-1254: 'Ağ'"),
    ("cp1254", "1,TR,2024-03-01,EAR99,İstanbul Şişecam Dış Ticaret\n",
     "Turkish text \\(Windows-1254: 'İstanbul'"),
])
def test_a_cyrillic_or_polish_csv_not_in_utf8_is_refused(tmp_path, codec, text, label) -> None:
    """(s18:) Read as Windows-1252, "АО Концерн Калашников" (on the SDN list) came through
    as "ÀÎ Êîíöåðí Êàëàøíèêîâ" and "Zakłady" as "Zak³ady": no listed name could match."""
    path = tmp_path / f"{codec}.csv"
    path.write_bytes(("Line,Destination,Export Date,ECCN,Consignee\n" + text).encode(codec))
    with pytest.raises(IngestError, match=f"reads as {label}.*CSV UTF-8"):
        readers.open_csv(path)


def test_czech_y_with_acute_is_not_taken_for_turkish(tmp_path) -> None:
    """(s23 review:) "Nový Bor Sklo" in Windows-1252 was refused as Turkish ("Novı")."""
    path = tmp_path / "cz.csv"
    path.write_bytes("Line,Destination,Export Date,ECCN,Consignee\n"
                     "1,CZ,2021-03-01,EAR99,Nový Bor Sklo\n2,CZ,2021-03-01,EAR99,Malý Dvůr\n"
                     .encode("cp1252", "replace"))
    assert readers.open_csv(path).encoding == "cp1252"


def test_western_signs_are_not_taken_for_polish_letters(tmp_path) -> None:
    path = tmp_path / "w.csv"
    path.write_bytes("Line,Destination,Export Date,ECCN,Description\n"
                     "1,GB,2021-03-01,EAR99,Crate 2 m³ / 10 m² – GBP£5 – ¼ inch; 1¼\"\n"
                     "2,ES,2021-03-01,EAR99,¿Qué? Señor Ñandú; cœur £100 3³ ¾in\n"
                     # (review: amounts in thousands and millions of pounds and yen)
                     "3,GB,2021-03-01,EAR99,Value (£k) 12; Cost (£k) 10; ¥m 5; ¥m 7\n"
                     .encode("cp1252"))
    assert readers.open_csv(path).encoding == "cp1252"
