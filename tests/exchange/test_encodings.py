"""Text encodings of supplier lists from the sourcing countries: read right, or refused asking which one.

The files are made here with Python's codecs from real-looking supplier names (and one real Open Supply Hub list
re-saved as GB18030, with its en dash, en space, white square and full-width comma), as each country's Excel
saves a CSV."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from csrdesk.cli import main
from csrdesk.exchange.tables import EncodingUnsureTable, TableError, read_table
from csrdesk.services.supplier_import import SUPPLIER_COLUMNS, import_suppliers

OSH = Path(__file__).resolve().parents[1] / "data" / "open-supply-hub" / "summer-2019-compliance-list.csv"


def windows_1258(text: str) -> bytes:
    """Vietnamese as Windows-1258 holds it: vowels with their shape precomposed, tone marks as combining ones."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", ch)
        for i, mark in enumerate(marks):
            rest = "".join(marks[:i] + marks[i + 1:])
            try:
                out.append((unicodedata.normalize("NFC", base + rest) + mark).encode("cp1258"))
                break
            except UnicodeEncodeError:
                continue
        else:
            raise ValueError(ch)
    return b"".join(out)


LISTS = {
    "gb18030": ("工厂名称,国家,地址\n宁波华美服装有限公司,中国,浙江省宁波市鄞州区–工业园□ 8号，A栋\n"
                "东莞市长安镇锦华鞋业有限公司,中国,广东省东莞市长安镇\n", ["宁波华美服装有限公司", "东莞市长安镇锦华鞋业有限公司"]),
    "big5": ("Factory name,Local name,Country\nTaiwan Textile Co.,台灣紡織股份有限公司,Taiwan\n"
             "Formosa Knit,福爾摩沙針織廠,Taiwan\nHsin Chu Garment,新竹成衣製造有限公司,Taiwan\n",
             ["Taiwan Textile Co.", "Formosa Knit", "Hsin Chu Garment"]),
    "cp932": ("Factory name,Local name,Country\nOsaka Sewing,大阪縫製株式会社,Japan\nKyoto Textile,京都織物有限会社,Japan\n"
              "Nagoya Knit,名古屋ニット工業,Japan\n", ["Osaka Sewing", "Kyoto Textile", "Nagoya Knit"]),
    "cp1254": ("Factory name,Country,City\nİplik Tekstil Sanayi A.Ş.,Türkiye,İstanbul\nGüneş Örme Ltd. Şti.,Türkiye,Bursa\n"
               "Çağlar Konfeksiyon,Türkiye,Denizli\nBaşak Dokuma,Türkiye,Uşak\n",
               ["İplik Tekstil Sanayi A.Ş.", "Güneş Örme Ltd. Şti.", "Çağlar Konfeksiyon", "Başak Dokuma"]),
    "cp1258": ("Factory name,Local name,Country\nSaigon Stitch,Công ty May Sài Gòn,Vietnam\n"
               "Hanoi Garment,Tổng Công ty May Hà Nội,Vietnam\nDa Nang Textile,Dệt may Đà Nẵng,Vietnam\n",
               ["Saigon Stitch", "Hanoi Garment", "Da Nang Textile"]),
    "cp1252": ("Factory name,Country,City\nConfecciones Andinas S.A.,Perú,Lima\nMaquiladora Nuñez,México,Puebla\n"
               "Café Couture Société,France,Roubaix\n",
               ["Confecciones Andinas S.A.", "Maquiladora Nuñez", "Café Couture Société"]),
}


def _encode(text: str, encoding: str) -> bytes:
    return windows_1258(text) if encoding == "cp1258" else text.encode(encoding)


@pytest.mark.parametrize("encoding", sorted(LISTS))
def test_each_sourcing_countrys_encoding_is_read_right(db, tmp_path, encoding):
    """Big5 (was '¥xÆWÂ´³y...'), Windows-1254 (was 'Ýplik'), GB18030, Shift-JIS, Windows-1258 and -1252 lists
    import with their names as written, and the report says which encoding was read."""
    text, names = LISTS[encoding]
    path = tmp_path / f"{encoding}.csv"
    path.write_bytes(_encode(text, encoding))
    report = import_suppliers(db, path, dry_run=True)
    assert report.encoding == encoding
    created = [c.name for c in report.created]
    assert created == names
    utf8 = tmp_path / "utf8.csv"
    utf8.write_text(text, encoding="utf-8")

    def cells(file):
        table = read_table(file, SUPPLIER_COLUMNS, required_any=("name", "local_name"))
        return [{k: unicodedata.normalize("NFC", v) for k, v in r.values.items()} for r in table.rows]
    assert cells(path) == cells(utf8)


def test_a_real_open_supply_hub_list_saved_as_gb18030_is_read(db, tmp_path):
    """The real list with an en dash, en space, white square and full-width comma among its text, re-saved as
    GB18030 by a Chinese Excel (it was refused as 'not a text table in a known encoding')."""
    original = OSH.read_text(encoding="utf-8")
    assert all(ch in original for ch in "\u2013\u2002\u25a1\uff0c")
    path = tmp_path / "list-gb18030.csv"
    path.write_bytes(original.encode("gb18030"))
    table = read_table(path, SUPPLIER_COLUMNS, required_any=("name",))
    assert table.encoding == "gb18030"
    utf8 = read_table(OSH, SUPPLIER_COLUMNS, required_any=("name",))
    assert [r.values for r in table.rows] == [r.values for r in utf8.rows]


@pytest.mark.parametrize("codec, bom", [("utf-16-le", False), ("utf-16-be", False), ("utf-16", True),
                                        ("utf-8-sig", True)])
def test_utf16_and_utf8_with_or_without_bom(tmp_path, codec, bom):
    text, names = LISTS["cp1254"]
    path = tmp_path / "list.csv"
    path.write_bytes(text.encode(codec))
    table = read_table(path, SUPPLIER_COLUMNS, required_any=("name",))
    assert [r.get("name") for r in table.rows] == names


AMBIGUOUS = "Factory name,Local name\nGuangming Garment,光明\nChangcheng Knit,长城\nFuli Textile,富丽\nMeihua Apparel,美华\n"


def test_an_unsure_encoding_is_refused_and_asks(capsys, db, tmp_path):
    """A short list that reads as real characters in GB18030 and in Big5 (光明 or 嫖隴) is not guessed: exit 2,
    one line asking for --encoding; with --encoding gb18030 it imports as written."""
    path = tmp_path / "short.csv"
    path.write_bytes(AMBIGUOUS.encode("gb18030"))
    with pytest.raises(EncodingUnsureTable) as info:
        read_table(path, SUPPLIER_COLUMNS, required_any=("name",))
    encodings = [r[0] for r in info.value.readings]
    assert encodings[0] == "gb18030" and "big5" in encodings
    assert "光明" in info.value.readings[0][2]
    code = main(["--db", db.url, "suppliers", "import", str(path)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "--encoding" in err
    code = main(["--db", db.url, "suppliers", "import", str(path), "--encoding", "gb18030", "--json"])
    out = capsys.readouterr().out
    assert code == 0 and "Guangming Garment" in out and '"encoding": "gb18030"' in out
    from csrdesk.services.suppliers import list_suppliers

    assert {r.local_name for r in list_suppliers(db)} == {"光明", "长城", "富丽", "美华"}


@pytest.mark.parametrize("name, says", [("klingon", "not a text encoding"), ("big5", "is not Chinese, traditional")])
def test_a_wrong_encoding_name_is_one_line(capsys, db, tmp_path, name, says):
    path = tmp_path / "list.csv"
    path.write_bytes(LISTS["cp1254"][0].encode("cp1254"))
    code = main(["--db", db.url, "suppliers", "import", str(path), "--encoding", name])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and says in err


def test_findings_import_takes_encoding_too(capsys, db, supplier, tmp_path):
    """assessments import --encoding reads a Big5 findings file as written."""
    path = tmp_path / "findings.csv"
    path.write_bytes("Finding,Severity\n消防通道堵塞,major\n".encode("big5"))
    code = main(["--db", db.url, "assessments", "import", str(path), "--supplier", supplier.row.code,
                 "--date", "2026-03-01", "--type", "periodic", "--encoding", "big5", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "消防通道堵塞" in out
