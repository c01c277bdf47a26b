"""Supplier list and findings imports: real Open Supply Hub files, duplicates, encodings, bad files, the command line."""
import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from csrdesk import paths
from csrdesk.errors import UserError
from csrdesk.domain.countries import normalise_country
from csrdesk.services.findings_import import import_assessment
from csrdesk.services.supplier_import import import_suppliers
from csrdesk.progress import Cancelled, Progress
from csrdesk.services.suppliers import SupplierInput, create_supplier, list_suppliers, supplier_detail
from csrdesk.storage.models import Assessment, Supplier

OSH = "open-supply-hub"
# file -> (rows, created, {row: (kind, row of the first copy)}) on an empty database
EXPECTED = {
    "spring-2017-apparel-list.csv": (54, 54, {}),
    "summer-2019-affiliate-list.csv": (77, 76, {20: ("near", 14)}),
    "summer-2019-compliance-list.csv": (75, 71, {48: ("exact", 36), 51: ("exact", 43), 64: ("exact", 40),
                                                 75: ("exact", 3)}),
    "winter-2019-compliance-list.csv": (62, 62, {}),
}


def supplier_count(db):
    with db.reading() as s:
        return s.scalar(select(func.count()).select_from(Supplier))


def backups():
    return sorted(paths.backups_dir().glob("*supplier-import*"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_shared_open_supply_hub_file_imports(db, reference_data, name):
    """Each real Open Supply Hub list imports: the right number created, its known duplicates flagged, none skipped."""
    rows, created, dups = EXPECTED[name]
    report = import_suppliers(db, reference_data / OSH / name)
    data = report.to_json()
    assert data["rows"] == rows and data["created_count"] == created and data["skipped_count"] == 0
    assert {d["row"]: (d["kind"], d["matches"]["row"]) for d in data["duplicates"]} == dups
    assert data["duplicate_count"] == len(dups)
    assert supplier_count(db) == created
    assert all(c["code"] and c["country"] and c["row"] >= 2 for c in data["created"])
    rows_by_code = {r.code: r for r in list_suppliers(db)}
    assert {c["code"] for c in data["created"]} == set(rows_by_code)
    assert {r.status for r in rows_by_code.values()} == {"prospect"}


def test_known_duplicates_in_the_compliance_list_are_named(db, reference_data):
    """The repeated factories of the compliance list point at the code their first copy was created with."""
    report = import_suppliers(db, reference_data / OSH / "summer-2019-compliance-list.csv")
    by_row = {c.row: c for c in report.created}
    dup = {d.row: d for d in report.duplicates}
    assert dup[51].name == "BAI NA SHOES INDUSTRY CO.,LTD"
    assert dup[51].matches.name == "BAI NA SHOES INDUSTRY CO., LTD" and dup[51].matches.code == by_row[43].code
    assert dup[75].matches.code == by_row[3].code and dup[75].reason == "same name"
    text = report.summary()
    assert "4 duplicates not created" in text and "row 64: CLARA SHOE" in text


def test_near_duplicate_with_a_misspelt_name_is_flagged(db, reference_data):
    """'Eypllion Style Ltd.' is flagged as a near duplicate of 'Epyllion Style Ltd.' and not created twice."""
    report = import_suppliers(db, reference_data / OSH / "summer-2019-affiliate-list.csv")
    (dup,) = report.duplicates
    assert dup.name == "Eypllion Style Ltd." and dup.kind == "near" and dup.matches.name == "Epyllion Style Ltd."
    names = [r.name for r in list_suppliers(db)]
    assert "Eypllion Style Ltd." not in names and "Epyllion Style Ltd." in names
    # numbered units of one group are different factories, not duplicates
    assert {"Jeans Knit Private Ltd Unit 3", "Jeans Knit Private Ltd Unit 4", "Jeans Knit Private Ltd Unit 6"} <= set(names)


def test_dry_run_changes_nothing(db, reference_data):
    """--dry-run reports what would be created, with codes, and creates nothing and takes no backup."""
    report = import_suppliers(db, reference_data / OSH / "summer-2019-compliance-list.csv", dry_run=True)
    data = report.to_json()
    assert data["dry_run"] is True and data["created_count"] == 71 and data["duplicate_count"] == 4
    assert data["created"][0]["code"].startswith("CN-")
    assert supplier_count(db) == 0 and backups() == []
    assert "nothing was changed" in report.summary()


def test_reimporting_a_file_creates_nothing_and_flags_every_row(db, reference_data):
    """Importing the same list twice: the second time 0 are created and every row is flagged as a duplicate."""
    path = reference_data / OSH / "summer-2019-compliance-list.csv"
    import_suppliers(db, path)
    report = import_suppliers(db, path)
    assert len(report.created) == 0 and len(report.duplicates) == 75 and not report.skipped
    assert supplier_count(db) == 71
    assert all(d.matches.row is None for d in report.duplicates)  # all point at suppliers in the database


def test_all_four_lists_together_catch_a_factory_listed_twice_across_files(db, reference_data):
    """After the compliance list, the winter list's 'Taizhou Baolite Shoes Co. Ltd' is the factory already there."""
    import_suppliers(db, reference_data / OSH / "summer-2019-compliance-list.csv")
    report = import_suppliers(db, reference_data / OSH / "winter-2019-compliance-list.csv")
    (dup,) = report.duplicates
    assert dup.row == 33 and dup.matches.name == "TAIZHOU BAOLITE SHOES CO.,LTD" and dup.matches.row is None
    assert len(report.created) == 61


def test_import_cleans_countries_names_and_addresses(db, reference_data):
    """Upper-case countries are stored as 'China', 'Vietnam'; stray □ never reaches an address; coordinates are kept."""
    report = import_suppliers(db, reference_data / OSH / "summer-2019-compliance-list.csv")
    countries = {r.country for r in list_suppliers(db)}
    assert {"China", "Vietnam", "India", "Bangladesh", "Thailand", "Indonesia"} == countries
    duc = next(c for c in report.created if c.name.startswith("DUC THANH"))
    detail = supplier_detail(db, duc.code)
    assert "\u25a1" not in detail.address and detail.address.endswith("DONG NAI PROVINCE, VIET NAM")
    assert detail.latitude == pytest.approx(10.7211524) and detail.longitude == pytest.approx(106.8473377)
    assert duc.code.startswith("VN-")


@pytest.mark.parametrize("text, expected", [
    ("CHINA", "China"), ("VIET NAM", "Vietnam"), ("Turkey", "Türkiye"), ("TÜRKIYE", "Türkiye"), ("cn", "China"),
    ("P.R. China", "China"), ("中国", "China"), ("NEW ZEALAND", "New Zealand"), ("BOSNIA AND HERZEGOVINA",
                                                                                 "Bosnia and Herzegovina"),
    ("Mauritius", "Mauritius"), ("", ""),
])
def test_countries_are_normalised(text, expected):
    """Country names are stored one way whatever the list wrote."""
    assert normalise_country(text) == expected


def test_backup_is_taken_before_writing(db, reference_data):
    """A real import first copies the database to the backups folder, and says where."""
    report = import_suppliers(db, reference_data / OSH / "spring-2017-apparel-list.csv")
    assert report.backup is not None and report.backup.exists() and backups() == [report.backup]
    assert str(report.backup) in report.summary()


@pytest.mark.parametrize("encoding, bom", [("gb18030", b""), ("utf-8", b"\xef\xbb\xbf")])
def test_chinese_list_in_gb18030_and_utf8_bom(db, tmp_path, encoding, bom):
    """A Chinese supplier list (GB18030 or UTF-8 with BOM) imports with Chinese names and the country 中国 as China."""
    text = ("工厂名称,中文名称,国家,地址,联系人,邮箱\r\n"
            "\"Dongguan Huali Shoes Co., Ltd\",东莞华利鞋业有限公司,中国,东莞市厚街镇,王芳,wang.fang@example.cn\r\n"
            "宁波美达服饰有限公司,,中国,宁波市鄞州区,,\r\n"
            "宁波美达服饰厂,,中国,宁波,,\r\n")
    path = tmp_path / "suppliers.csv"
    path.write_bytes(bom + text.encode(encoding))
    report = import_suppliers(db, path)
    assert [c.name for c in report.created] == ["Dongguan Huali Shoes Co., Ltd", "宁波美达服饰有限公司"]
    (dup,) = report.duplicates
    assert dup.row == 4 and dup.kind == "near" and dup.matches.name == "宁波美达服饰有限公司"
    detail = supplier_detail(db, report.created[0].code)
    assert detail.row.local_name == "东莞华利鞋业有限公司" and detail.row.country == "China"
    assert detail.contacts[0].name == "王芳" and detail.contacts[0].email == "wang.fang@example.cn"
    assert detail.contacts[0].language == "zh"


def test_xlsx_with_aliased_headers(db, tmp_path, supplier):
    """An XLSX with a title row and headers like 'Factory Name', 'Vendor ID', 'Latitude' imports every field."""
    path = tmp_path / "vendors.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Vendor master list - exported 2024-05-01"])
    ws.append(["Vendor ID", "Factory Name", "Chinese Name", "Country Name", "Full Address", "Industry",
               "OS ID", "Latitude", "Longitude", "Contact Person", "E-mail", "Telephone", "Internal rating"])
    ws.append(["VN-0100", "Saigon Stitch Co., Ltd", "", "VIET NAM", "12 Road 5, Thu Duc", "Apparel",
               "vn2019123abcdef", 10.85, 106.77, "Nguyen Lan", "lan@example.vn", "+84 28 1234", "A"])
    ws.append([None, "GOLDEN THREAD GARMENT FACTORY", "", "China", "", "", "", "", "", "", "", "", ""])
    ws.append([None, "Golden Thread Garments Co., Ltd", "", "Bangladesh", "", "", "", "", "", "", "", "", ""])
    ws.append(["VN-0101", "Saigon Stitch Two", "", "Vietnam", "", "", "VN2019123ABCDEF", "", "", "", "", "", ""])
    wb.save(path)
    report = import_suppliers(db, path)
    assert report.ignored_columns == ["Internal rating"]
    assert [(c.row, c.code) for c in report.created] == [(3, "VN-0100"), (5, "BD-0001")]
    dups = {d.row: d for d in report.duplicates}
    assert dups[4].kind == "near" and dups[4].matches.code == "CN-0001"  # same factory as the existing supplier
    assert dups[6].reason.startswith("same OS ID") and dups[6].matches.code == "VN-0100"
    d = supplier_detail(db, "VN-0100")
    assert (d.row.country, d.os_id, d.sector, d.latitude, d.longitude) == (
        "Vietnam", "VN2019123ABCDEF", "Apparel", 10.85, 106.77)
    assert d.contacts[0].email == "lan@example.vn" and d.contacts[0].phone == "+84 28 1234"


def test_rows_that_cannot_be_used_are_reported_with_their_reason(db, tmp_path):
    """No name: skipped with the reason; bad coordinates or e-mail: created without them and a warning."""
    path = tmp_path / "messy.csv"
    path.write_text(
        "name,country,lat,lng,email\n"
        "Alpha Garments,China,22.5,114.1,alpha@example.cn\n"
        ",China,22.5,114.1,\n"
        "N/A,China,,,\n"
        "Beta Knit,Bangladesh,north,90.1,\n"
        "Gamma Shoes,China,95.0,114.0,not-an-email\n"
        "Delta Toys,China,-33.9,151.2,\n"
        "name,country,lat,lng,email\n"
        "Epsilon Home,India,0,0,\n",
        encoding="utf-8")
    report = import_suppliers(db, path)
    assert [c.name for c in report.created] == ["Alpha Garments", "Beta Knit", "Gamma Shoes", "Delta Toys",
                                                "Epsilon Home"]
    assert [(s.row, s.reason) for s in report.skipped] == [
        (3, "no supplier name"), (4, "no supplier name (the cell says 'N/A')"), (8, "repeats the header row")]
    warned = {}
    for w in report.warnings:
        warned[w.row] = warned.get(w.row, "") + w.message + "; "
    assert set(warned) == {5, 6, 7, 9}
    assert "not two numbers" in warned[5] and "out of range" in warned[6] and "not an e-mail" in warned[6]
    assert "outside China" in warned[7] and "placeholder" in warned[9]
    by_name = {c.name: c.code for c in report.created}
    assert supplier_detail(db, by_name["Delta Toys"]).latitude is None
    assert supplier_detail(db, by_name["Alpha Garments"]).latitude == 22.5
    data = report.to_json()
    assert data["skipped"][0] == {"row": 3, "reason": "no supplier name", "name": ""}
    assert data["warning_count"] == 5


def test_codes_follow_the_supplier_service(db, tmp_path):
    """Generated codes use the country prefix the supplier service uses and continue after existing ones."""
    create_supplier(db, SupplierInput(name="Existing One", country="China"))  # gets CN-0001
    path = tmp_path / "codes.csv"
    path.write_text("name,country,code\nNew A,China,\nNew B,China,CN-0002\nNew C,China,\nNew D,,\n", encoding="utf-8")
    report = import_suppliers(db, path)
    assert [(c.name, c.code) for c in report.created] == [
        ("New A", "CN-0003"), ("New B", "CN-0002"), ("New C", "CN-0004"), ("New D", "SU-0001")]


def test_cancelling_rolls_everything_back(db, reference_data):
    """Cancelling while suppliers are being written leaves the database as it was: all or nothing."""
    progress = Progress()
    seen = []

    def callback(done, total, message):
        seen.append(message)
        if message.startswith("Creating") and done >= 25:
            progress.cancel()

    progress._callback = callback
    with pytest.raises(Cancelled):
        import_suppliers(db, reference_data / OSH / "spring-2017-apparel-list.csv", progress=progress)
    assert supplier_count(db) == 0
    assert any(m.startswith("Checking row") for m in seen)


def _docx(path):
    import docx

    document = docx.Document()
    document.add_paragraph("not a supplier list")
    document.save(str(path))


def _truncated_xlsx(path):
    wb = openpyxl.Workbook()
    wb.active.append(["Factory name", "Country"])
    for i in range(200):
        wb.active.append([f"Factory {i}", "China"])
    wb.save(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])


@pytest.mark.parametrize("filename, make, fragment", [
    ("empty.csv", lambda p: p.write_bytes(b""), "is empty"),
    ("junk.csv", lambda p: p.write_bytes(bytes(range(256)) * 50), "binary"),
    ("truncated.xlsx", _truncated_xlsx, "damaged"),
    ("renamed.xlsx", _docx, "Word document"),
    ("orders.csv", lambda p: p.write_text("PO,Style,Qty\n1,T-shirt,3\n", encoding="utf-8"), "no column"),
    ("header-only.csv", lambda p: p.write_text("Factory name,Country\n", encoding="utf-8"), "no supplier rows"),
])
def test_bad_files_are_refused_and_change_nothing(db, supplier, tmp_path, filename, make, fragment):
    """Empty, binary, damaged, mis-named and wrong-column files give one line naming the problem; nothing changes."""
    path = tmp_path / filename
    make(path)
    before = supplier_count(db)
    with pytest.raises(UserError) as info:
        import_suppliers(db, path)
    assert fragment in str(info.value) and "\n" not in str(info.value) and filename in str(info.value)
    assert supplier_count(db) == before and backups() == []


# ------------------------------------------------------------------------------------------------------------------
# assessments


FINDINGS_CSV = (
    "Findings of the periodic audit\n"
    "\n"
    "Category,Finding Title,Description,Risk Level,Local Law,Code of Conduct,CAP suggestion,Timeline (days)\n"
    "Fire safety,Emergency exit blocked in sewing hall,\"Cartons stacked at exit 3\nsee photo 12\",Critical,"
    "Fire Code art. 5,Exits kept clear,Clear and mark the exit,7\n"
    "Management systems and transparency,No written social compliance policy,,,,,,\n"
    "HOURS,Overtime above 60 hours a week,Records show 72 hours,major,Labour Law art. 41,60 hours at most,"
    "Plan production against capacity,30 days\n"
)


def assessments_count(db):
    with db.reading() as s:
        return s.scalar(select(func.count()).select_from(Assessment))


def test_findings_sheet_becomes_assessment_findings_and_draft_cap(db, supplier, tmp_path):
    """An auditor's CSV with aliased headers creates the assessment, its findings, the rating and a draft CAP."""
    from csrdesk.services.caps import cap_detail

    path = tmp_path / "audit.csv"
    path.write_text(FINDINGS_CSV, encoding="utf-8")
    d = import_assessment(db, path, supplier_code="CN-0001", on=date(2024, 5, 2), assessment_type="periodic",
                          audit_firm="Audit Co", auditor="J. Auditor", standard="SMETA")
    assert (d.score, d.rating) == (39, "Unsatisfactory") and d.cap_id is not None
    assert [(f.category, f.severity, f.violation_type is not None) for f in d.findings] == [
        ("health-safety", "critical", False), ("management", "minor", True), ("hours", "major", False)]
    first = d.findings[0]
    assert first.description == "Cartons stacked at exit 3\nsee photo 12"
    assert first.legal_requirement == "Fire Code art. 5" and first.code_requirement == "Exits kept clear"
    cap = cap_detail(db, d.cap_id)
    assert cap.status == "draft" and len(cap.items) == 3
    assert [i.days_allowed for i in cap.items][::2] == [7, 30]
    assert cap.items[0].row.due_date == date(2024, 5, 9)
    assert cap.items[0].suggested_remediation == "Clear and mark the exit"


def test_formula_looking_cells_are_stored_as_plain_text(db, supplier, tmp_path):
    """A findings workbook with '=HYPERLINK(...)' cells stores the formula's text; nothing is evaluated."""
    path = tmp_path / "audit.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Finding", "Severity", "Description", "Remediation"])
    ws.append(["No fire drill in the last 12 months", "Major", '=HYPERLINK("http://evil.example/x","photo")',
               "=cmd|' /C calc'!A0"])
    wb.save(path)
    d = import_assessment(db, path, supplier_code="CN-0001", on=date(2024, 5, 2), assessment_type="periodic")
    assert d.findings[0].description == '=HYPERLINK("http://evil.example/x","photo")'
    from csrdesk.services.caps import cap_detail

    assert cap_detail(db, d.cap_id).items[0].suggested_remediation == "=cmd|' /C calc'!A0"


@pytest.mark.parametrize("row, problem", [
    (",Major,,", "row 3: no finding text"),
    ("Blocked exit,Severe-ish,", "row 3: unknown severity 'Severe-ish'"),
    ("Blocked exit,Major,,soon", "row 3: days allowed 'soon' is not a number of days"),
    ("Blocked exit,Major,,1000", "row 3: days allowed must be from 0 to 730"),
    ("Blocked exit,,", "row 3: no severity"),
])
def test_a_bad_findings_row_refuses_the_whole_file(db, supplier, tmp_path, row, problem):
    """One unusable row refuses the file naming the row and the problem; no assessment is created."""
    path = tmp_path / "audit.csv"
    path.write_text("Finding,Severity,Description,Days allowed\nPayslips not given,minor,,\n" + row + "\n",
                    encoding="utf-8")
    with pytest.raises(UserError) as info:
        import_assessment(db, path, supplier_code="CN-0001", on=date(2024, 5, 2), assessment_type="periodic")
    message = str(info.value)
    assert problem in message and "audit.csv" in message and "nothing was imported" in message
    assert assessments_count(db) == 0


def test_unknown_category_is_refused_unless_the_library_knows_the_finding(db, supplier, tmp_path):
    """A category no default category resembles refuses the file; a library title gives its own category."""
    path = tmp_path / "audit.csv"
    path.write_text("Category,Finding,Severity\nCatering,Canteen menu boring,minor\n", encoding="utf-8")
    with pytest.raises(UserError, match="row 2: category 'Catering' is not one of"):
        import_assessment(db, path, supplier_code="CN-0001", on=date(2024, 5, 2), assessment_type="periodic")
    path.write_text("Category,Finding,Severity\nCatering,No written social compliance policy,minor\n",
                    encoding="utf-8")
    d = import_assessment(db, path, supplier_code="CN-0001", on=date(2024, 5, 2), assessment_type="periodic")
    assert d.findings[0].category == "management"


def test_denied_access_without_a_file(db, supplier):
    """With denied access and no file the assessment is rated Denied with no findings and no CAP."""
    d = import_assessment(db, None, supplier_code="CN-0001", on=date(2024, 5, 2), assessment_type="periodic",
                          denied=True)
    assert d.rating == "Denied" and d.findings == () and d.cap_id is None
    with pytest.raises(UserError, match="findings file is needed"):
        import_assessment(db, None, supplier_code="CN-0001", on=date(2024, 5, 2), assessment_type="periodic")


def test_unknown_supplier_is_refused_before_reading_the_file(db, tmp_path):
    """An unknown supplier code is reported first and nothing is created."""
    path = tmp_path / "audit.csv"
    path.write_text("Finding,Severity\nX,minor\n", encoding="utf-8")
    with pytest.raises(UserError, match="No supplier with code 'XX-9'"):
        import_assessment(db, path, supplier_code="XX-9", on=date(2024, 5, 2), assessment_type="periodic")
    assert assessments_count(db) == 0


# ------------------------------------------------------------------------------------------------------------------
# command line


def run(capsys, *argv):
    from csrdesk.cli import main

    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_assessment_import_and_denied(capsys, tmp_path):
    """`assessments import FILE --json` prints id, score, rating, cap_id; `--denied -` needs no file."""
    dbfile = tmp_path / "cli.sqlite3"
    code, out, err = run(capsys, "--db", dbfile, "suppliers", "add", "Dhaka Knit Ltd", "--code", "BD-0001",
                         "--country", "Bangladesh")
    assert code == 0, err
    path = tmp_path / "audit.csv"
    path.write_text(FINDINGS_CSV, encoding="utf-8")
    code, out, err = run(capsys, "--db", dbfile, "assessments", "import", path, "--supplier", "BD-0001",
                         "--date", "2024-05-02", "--type", "periodic", "--json")
    assert code == 0, err
    a = json.loads(out)
    assert {"id", "score", "rating", "cap_id"} <= set(a)
    assert (a["score"], a["rating"]) == (39, "Unsatisfactory") and isinstance(a["cap_id"], int)
    code, out, _ = run(capsys, "--db", dbfile, "assessments", "show", a["id"], "--json")
    assert code == 0 and len(json.loads(out)["findings"]) == 3
    code, out, err = run(capsys, "--db", dbfile, "assessments", "import", "-", "--supplier", "BD-0001",
                         "--date", "2024-06-02", "--type", "follow-up", "--denied", "--json")
    assert code == 0, err
    denied = json.loads(out)
    assert denied["rating"] == "Denied" and denied["score"] == 800 and denied["cap_id"] is None


def test_cli_bad_findings_file_exits_2_with_one_line(capsys, tmp_path):
    """A bad findings file exits 2 with one line on stderr naming the row, and no traceback."""
    dbfile = tmp_path / "cli.sqlite3"
    run(capsys, "--db", dbfile, "suppliers", "add", "Dhaka Knit Ltd", "--code", "BD-0001")
    path = tmp_path / "audit.csv"
    path.write_text("Finding,Severity\nBlocked exit,terrible\n", encoding="utf-8")
    code, out, err = run(capsys, "--db", dbfile, "assessments", "import", path, "--supplier", "BD-0001",
                         "--date", "2024-05-02", "--type", "periodic", "--json")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "row 2: unknown severity 'terrible'" in err and "Traceback" not in err


def test_cli_supplier_import_json(capsys, tmp_path, reference_data):
    """`suppliers import FILE --json` prints created, duplicates and skipped with their counts; --dry-run too."""
    dbfile = tmp_path / "cli.sqlite3"
    path = reference_data / OSH / "summer-2019-compliance-list.csv"
    code, out, err = run(capsys, "--db", dbfile, "suppliers", "import", path, "--dry-run", "--json")
    assert code == 0, err
    dry = json.loads(out)
    assert dry["dry_run"] is True and dry["created_count"] == 71
    code, out, err = run(capsys, "--db", dbfile, "suppliers", "import", path, "--json")
    data = json.loads(out)
    assert code == 0 and data["dry_run"] is False
    assert {"created", "duplicates", "skipped", "created_count", "duplicate_count", "skipped_count"} <= set(data)
    assert {"code", "name", "country", "row"} <= set(data["created"][0])
    assert {"row", "name", "matches", "kind"} <= set(data["duplicates"][0])
    assert (data["created_count"], data["duplicate_count"], data["skipped_count"]) == (71, 4, 0)
    code, out, _ = run(capsys, "--db", dbfile, "suppliers", "list", "--json")
    assert len(json.loads(out)) == 71
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    code, out, err = run(capsys, "--db", dbfile, "suppliers", "import", junk, "--json")
    assert code == 2 and err.count("\n") == 1 and "damaged" in err
