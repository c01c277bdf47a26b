"""Reading outside tables: encodings, delimiters, header rows, aliases, formulas as text, and bad files refused."""
import re
import zipfile

import openpyxl
import pytest

from csrdesk.exchange.tables import TableError, clean_text, decode_text, read_table
from csrdesk.errors import UserError

ALIASES = {
    "name": ("supplier name", "factory name", "工厂名称"),
    "local_name": ("chinese name", "中文名称"),
    "country": ("country name",),
    "days": ("timeline (days)", "days allowed"),
    "note": ("remarks",),
}


def read(path, **kw):
    return read_table(path, ALIASES, required_any=("name",), what="supplier name column", **kw)


@pytest.mark.parametrize("encoding, bom, label", [
    ("utf-8", b"", "utf-8"),
    ("utf-8", b"\xef\xbb\xbf", "utf-8-bom"),
    ("gb18030", b"", "gb18030"),
    ("utf-16-le", b"\xff\xfe", "utf-16"),
])
def test_chinese_text_in_every_supported_encoding(tmp_path, encoding, bom, label):
    """A supplier list saved as UTF-8, UTF-8 with BOM, GB18030 or UTF-16 reads back with its Chinese names intact."""
    text = "工厂名称,中文名称,Country\r\nGolden Thread,金线服装有限公司,中国\r\n东莞鞋厂,东莞市鞋业有限公司,CHINA\r\n"
    path = tmp_path / f"list-{label}.csv"
    path.write_bytes(bom + text.encode(encoding))
    table = read(path)
    assert table.encoding == label
    assert [r.get("local_name") for r in table.rows] == ["金线服装有限公司", "东莞市鞋业有限公司"]
    assert table.rows[1].get("name") == "东莞鞋厂"
    assert table.columns["name"] == "工厂名称" and table.rows[0].number == 2


def test_western_export_in_windows_1252_is_not_read_as_chinese(tmp_path):
    """A Western Excel export (Windows-1252) keeps 'Türkiye' and 'Fábrica' instead of turning them into Chinese."""
    path = tmp_path / "west.csv"
    path.write_bytes("Supplier name;Country\nFábrica Têxtil Ltda;Türkiye\n".encode("cp1252"))
    table = read(path)
    assert table.encoding == "cp1252" and table.delimiter == ";"
    assert table.rows[0].get("name") == "Fábrica Têxtil Ltda" and table.rows[0].get("country") == "Türkiye"


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_is_sniffed(tmp_path, delimiter):
    """Comma, semicolon, tab and pipe separated lists all split into the right columns, commas in names kept."""
    path = tmp_path / "d.csv"
    quoted = '"Alpha Co., Ltd"' if delimiter == "," else "Alpha Co., Ltd"
    path.write_text(delimiter.join(["Factory Name", "Country Name"]) + "\n" + delimiter.join([quoted, "China"]) + "\n",
                    encoding="utf-8")
    table = read(path)
    assert table.delimiter == delimiter
    assert table.rows[0].get("name") == "Alpha Co., Ltd" and table.rows[0].get("country") == "China"


def test_excel_sep_hint_line_is_honoured(tmp_path):
    """A CSV starting with Excel's 'sep=;' line uses that delimiter and does not take the hint for a header."""
    path = tmp_path / "sep.csv"
    path.write_text("sep=;\nName;Country\nAlpha, Beta & Co;Vietnam\n", encoding="utf-8")
    table = read(path)
    assert table.delimiter == ";" and table.rows[0].get("name") == "Alpha, Beta & Co"


def test_header_row_found_below_title_rows_and_row_numbers_match_the_sheet(tmp_path):
    """Title lines above the header are passed over; each row keeps the number the user sees in Excel."""
    path = tmp_path / "titled.csv"
    path.write_text("Approved vendor list,,\nPrinted 2024-05-01,,\nSupplier Name,Country,Remarks\n"
                    "Alpha,China,first\n,,\nBeta,Vietnam,\"two\nlines\"\nGamma,India,x\n", encoding="utf-8")
    table = read(path, multiline=("note",))
    assert table.header_row == 3
    assert [(r.number, r.get("name")) for r in table.rows] == [(4, "Alpha"), (6, "Beta"), (7, "Gamma")]
    assert table.rows[1].get("note") == "two\nlines"


def test_header_aliases_case_brackets_and_bilingual(tmp_path):
    """Headers match their field whatever the case, a bracketed note, or a second language; others are listed."""
    path = tmp_path / "h.csv"
    path.write_text("FACTORY NAME 工厂名称,Country Name (English),Timeline (days),Colour\nAlpha,China,30,red\n",
                    encoding="utf-8")
    table = read(path)
    assert set(table.columns) == {"name", "country", "days"}
    assert table.ignored_columns == ["Colour"]
    assert table.rows[0].get("days") == "30"


def test_stray_characters_and_odd_spaces_are_cleaned():
    """The □ boxes, zero-width and full-width spaces real lists carry never reach a stored name or address."""
    assert clean_text("NHON TRACH DIST.,\u25a1 DONG NAI\u00a0PROVINCE\u3000VIET NAM\u25a1\u200b") == \
        "NHON TRACH DIST., DONG NAI PROVINCE VIET NAM"
    assert clean_text("  line one  \r\n\r\n line   two ", multiline=True) == "line one\n\nline two"


def test_xlsx_with_title_rows_gaps_and_number_cells(tmp_path):
    """An XLSX is read on the sheet that has the header; numbers read as a user sees them; row numbers are the sheet's."""
    path = tmp_path / "list.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Cover"
    wb.active["A1"] = "This workbook lists our suppliers"
    ws = wb.create_sheet("Suppliers")
    ws["A1"] = "Supplier list 2024"
    ws.append([])
    ws.append(["Supplier Name", "Country Name", "Days allowed"])
    ws.append(["Alpha", "China", 30.0])
    ws["A7"], ws["B7"], ws["C7"] = "Beta", "Vietnam", 7.5
    wb.save(path)
    table = read(path)
    assert table.sheet == "Suppliers" and table.header_row == 3
    assert [(r.number, r.get("name"), r.get("days")) for r in table.rows] == [(4, "Alpha", "30"), (7, "Beta", "7.5")]


def test_formula_cells_are_text_never_evaluated(tmp_path):
    """A formula in an incoming workbook comes back as its text (no saved value) or the value Excel saved; never run."""
    path = tmp_path / "formulas.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Factory name", "Remarks"])
    ws.append(["Alpha", '=HYPERLINK("http://evil.example/x","click")'])
    ws.append(["Beta", "=1+1"])
    ws.append(["Gamma", "=2+2"])
    ws["B4"].data_type = "s"  # a plain string that merely looks like a formula
    wb.save(path)
    # Give B3 a value as Excel would have saved it with the formula.
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet, count = re.subn(r'(<c r="B3"[^>]*>)<f>1\+1</f><v\s*/?>(?:</v>)?', r'\1<f>1+1</f><v>2</v>', sheet)
    assert count == 1, sheet
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)
    table = read(path)
    notes = {r.get("name"): r.get("note") for r in table.rows}
    assert notes == {"Alpha": '=HYPERLINK("http://evil.example/x","click")', "Beta": "2", "Gamma": "=2+2"}


def one_line_refusal(path, *fragments):
    with pytest.raises(TableError) as info:
        read(path)
    message = str(info.value)
    assert isinstance(info.value, UserError)
    assert "\n" not in message and path.name in message
    for fragment in fragments:
        assert fragment in message, message
    return message


def test_empty_and_blank_files_are_refused(tmp_path):
    """An empty file, or one with only blank lines, is refused saying so."""
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    one_line_refusal(empty, "is empty")
    blank = tmp_path / "blank.csv"
    blank.write_text("\n\n ,, \n", encoding="utf-8")
    one_line_refusal(blank, "no rows")


def test_binary_junk_is_refused(tmp_path):
    """Random bytes named .csv are refused as a binary file, not read as a garbled table."""
    junk = tmp_path / "junk.csv"
    junk.write_bytes(bytes(range(256)) * 40)
    one_line_refusal(junk, "binary")


def test_truncated_xlsx_is_refused_as_damaged(tmp_path):
    """A workbook cut short (an interrupted download) is refused as damaged."""
    path = tmp_path / "list.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Factory name"])
    wb.active.append(["Alpha"])
    wb.save(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    one_line_refusal(path, "damaged")


def test_word_document_renamed_xlsx_is_refused(tmp_path):
    """A .docx renamed to .xlsx is recognised as a Word document."""
    import docx

    path = tmp_path / "findings.xlsx"
    document = docx.Document()
    document.add_paragraph("Factory name: Alpha")
    document.save(str(path))
    one_line_refusal(path, "Word document")


@pytest.mark.parametrize("head, what", [
    (b"%PDF-1.7\n", "PDF"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "97-2003"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "image"),
])
def test_other_formats_are_named(tmp_path, head, what):
    """A PDF, an old .xls or an image given as a supplier list is refused with what it really is."""
    path = tmp_path / "list.xls"
    path.write_bytes(head)
    one_line_refusal(path, what)


def test_text_renamed_xlsx_is_refused(tmp_path):
    """A CSV saved under a .xlsx name is refused rather than guessed at."""
    path = tmp_path / "list.xlsx"
    path.write_text("Factory name\nAlpha\n", encoding="utf-8")
    one_line_refusal(path, "not an Excel workbook")


def test_wrong_columns_are_refused_naming_what_was_looked_for(tmp_path):
    """A table without a name column is refused, and the message says which headers would do."""
    path = tmp_path / "orders.csv"
    path.write_text("PO number,Style,Quantity\n4500012,T-shirt,1200\n", encoding="utf-8")
    one_line_refusal(path, "no column", "'supplier name'")
    xlsx = tmp_path / "orders.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["PO number", "Quantity"])
    wb.active.append([1, 2])
    wb.save(xlsx)
    one_line_refusal(xlsx, "no column")


def test_missing_file_is_a_user_error(tmp_path):
    """A path that does not exist is a one-line user error, not a traceback."""
    with pytest.raises(TableError, match="no file"):
        read(tmp_path / "nowhere.csv")


def test_decode_text_refuses_text_with_nul_bytes():
    """Text with NUL bytes (a binary file) is refused even when it happens to decode."""
    with pytest.raises(TableError, match="binary"):
        decode_text(b"name\x00\x00,country\n", "x.csv")
