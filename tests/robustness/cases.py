"""The hostile-input corpus: each case one file dropped into the tiny programme's inbox, as data.

A case names the file, what is in it (bytes, or a writer for workbooks, links and big files), the
exact rejections it must produce as (row_number, column, value, rule) — row None and column None
for a problem with the whole file — and what must still be accepted from it. The test
(test_hostile_input.py) puts each case into a fresh copy of tests/fixtures/tiny, ingests, and also
checks that every other file of the inbox was ingested exactly as without the case.

The tiny programme's channels: driving joint_campaign, talent_pool; hunting own_website, agency.
Its partners: alpha, beta, gamma; first_period 2025Q1 (01-01-2025 .. 31-03-2025).
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import xlsxwriter

Rejection = tuple[int | None, str | None, str | None, str]  # row_number, column, value, rule
Writer = Callable[[Path], Path]  # gets the path the case file must have; returns the file written


@dataclass(frozen=True)
class Case:
    name: str
    file_name: str  # in inbox/<period>/
    content: bytes | Writer
    expected: tuple[Rejection, ...]  # exactly these, for this file; () = none
    replaces: str | None = None  # the tiny file this one stands for (removed first)
    accepted: int = 0  # rows of this file that reach the raw row table
    stored: dict[str, tuple] = field(default_factory=dict)  # column -> accepted values by row
    period: str = "2025Q1"
    stage: str = "ingest"  # clean: the rule is applied by build_clean_tables, across periods
    also_rejected: tuple[str, ...] = ()  # other files of the inbox that the case makes rejected
    slow: bool = False


def file_level(rule: str, value: str | None = None) -> tuple[Rejection, ...]:
    return ((None, None, value, rule),)


def D(text: str) -> Decimal:
    return Decimal(text)


VACANCY_HEADER = "vacancy_id;role;opened_on;filled_on;channel;cost;hours"
COMMA_HEADER = VACANCY_HEADER.replace(";", ",")
GAMMA = "vacancies_gamma.csv"  # tiny 2025Q1: one clean row


def text(*lines: str, header: str = VACANCY_HEADER, newline: str = "\n", encoding: str = "utf-8") -> bytes:
    return newline.join([header, *lines, ""]).encode(encoding)


# --- workbooks, links and big files: written by the test into the inbox ----------------------

XLSX_HEADER = ["vacancy_id", "role", "opened_on", "filled_on", "channel", "cost", "hours"]


def openpyxl_workbook(build: Callable[[openpyxl.Workbook], None]) -> Writer:
    def write(path: Path) -> Path:
        workbook = openpyxl.Workbook()
        build(workbook)
        workbook.save(path)
        return path

    return write


def xlsxwriter_workbook(build: Callable[[xlsxwriter.Workbook], None]) -> Writer:
    def write(path: Path) -> Path:
        workbook = xlsxwriter.Workbook(path)
        build(workbook)
        workbook.close()
        return path

    return write


def _merged(workbook: openpyxl.Workbook) -> None:
    sheet = workbook.active
    sheet.append(XLSX_HEADER)
    sheet.append(["G1", "Ecoloog", "02-01-2025", None, "agency", 100, 1])
    sheet.append(["G2", "Planner", "03-01-2025", None, None, 200, 2])
    sheet.merge_cells("E2:E3")  # one channel 'agency' shown for both rows


def _formula_without_value(workbook: openpyxl.Workbook) -> None:
    # openpyxl writes formulas without calculating them: the file holds no cached value
    sheet = workbook.active
    sheet.append(XLSX_HEADER)
    sheet.append(["G1", "Ecoloog", "02-01-2025", None, "agency", "=100*12", 1])
    sheet.append(["G2", "Planner", "03-01-2025", None, "agency", 200, 2])


def _formula_with_value(workbook: xlsxwriter.Workbook) -> None:
    sheet = workbook.add_worksheet("Vacatures")
    sheet.write_row(0, 0, XLSX_HEADER)
    sheet.write_row(1, 0, ["G1", "Ecoloog", "02-01-2025", None, "agency"])
    sheet.write_formula(1, 5, "=100*12", None, 1200)  # as Excel saves it: formula and its value
    sheet.write_formula(1, 6, "=2+3", None, 5)


def _formula_error(workbook: xlsxwriter.Workbook) -> None:
    sheet = workbook.add_worksheet("Vacatures")
    sheet.write_row(0, 0, XLSX_HEADER)
    sheet.write_row(1, 0, ["G1", "Ecoloog", "02-01-2025", None, "agency", 100])
    sheet.write_formula(1, 6, "=10/0", None, "#DIV/0!")
    sheet.write_row(2, 0, ["G2", "Planner", "03-01-2025", None, "agency", 200, 2])


def _notes_sheet_first(workbook: openpyxl.Workbook) -> None:
    notes = workbook.active
    notes.title = "Toelichting"
    notes.append(["Vul het blad Vacatures in; één rij per vacature."])
    data = workbook.create_sheet("Vacatures")
    data.append(XLSX_HEADER)
    data.append(["G1", "Ecoloog", "02-01-2025", None, "agency", 100, 1])


def _two_data_sheets(workbook: openpyxl.Workbook) -> None:
    first = workbook.active
    first.title = "Q1"
    first.append(XLSX_HEADER)
    first.append(["G1", "Ecoloog", "02-01-2025", None, "agency", 100, 1])
    second = workbook.create_sheet("Q2")
    second.append(XLSX_HEADER)
    second.append(["G2", "Planner", "03-04-2025", None, "agency", 200, 2])


def _title_above_header(workbook: openpyxl.Workbook) -> None:
    sheet = workbook.active
    sheet["A1"] = "Vacatures Ingenieursbureau Gamma, 2025Q1"
    for column, header in enumerate(XLSX_HEADER, start=1):
        sheet.cell(row=3, column=column, value=header)
    for column, value in enumerate(["G1", "Ecoloog", "02-01-2025", None, "agency", 100, 1], start=1):
        sheet.cell(row=4, column=column, value=value)
    for column, value in enumerate(["G2", "Planner", "03-01-2025", None, "agency", "n.v.t.", 1], start=1):
        sheet.cell(row=5, column=column, value=value)


def _number_in_text_column(workbook: xlsxwriter.Workbook) -> None:
    # calamine reads a column holding numbers and text as text, a float with 17 digits
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, XLSX_HEADER)
    sheet.write_row(1, 0, ["G1", "Ecoloog", "02-01-2025", None, "agency", 12345678.12, 1])
    sheet.write_row(2, 0, ["G2", "Planner", "03-01-2025", None, "agency", "n.v.t.", 1])


def _text_that_looks_like_code(workbook: openpyxl.Workbook) -> None:
    sheet = workbook.active
    sheet.append(XLSX_HEADER)
    sheet.append(["G1", None, "02-01-2025", None, "agency", 100, 1])
    sheet.append(["G2", "<img src=x onerror=alert(1)>", "03-01-2025", None, "agency", 100, 1])
    sheet["B2"] = "=1+2"
    sheet["B2"].data_type = "s"  # typed as text (Excel: '=1+2), not a formula


def _empty_workbook(workbook: xlsxwriter.Workbook) -> None:
    workbook.add_worksheet("Vacatures")


def _valid_workbook(workbook: xlsxwriter.Workbook) -> None:
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, XLSX_HEADER)
    sheet.write_row(1, 0, ["G1", "Ecoloog", "02-01-2025", None, "agency", 100, 1])


def truncated_workbook(path: Path) -> Path:
    xlsxwriter_workbook(_valid_workbook)(path)
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    return path


# An encrypted .xlsx is an OLE compound file (magic D0 CF 11 E0 A1 B1 1A E1) whose directory
# names the streams EncryptionInfo and EncryptedPackage. This fake has the magic, the stream name
# and junk: enough for what the reader looks at, not a real encrypted workbook.
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
FAKE_ENCRYPTED_XLSX = (
    OLE_MAGIC
    + bytes(504)
    + "EncryptionInfo".encode("utf-16-le").ljust(128, b"\0")
    + "EncryptedPackage".encode("utf-16-le").ljust(128, b"\0")
    + bytes(range(256)) * 8
)
FAKE_XLS = OLE_MAGIC + bytes(504) + "Workbook".encode("utf-16-le").ljust(128, b"\0") + bytes(512)


def symlink_outside(path: Path) -> Path:
    """A link in inbox/2025Q1 to a valid file next to the programme folder."""
    secret = path.parents[3] / "secret" / "vacancies.csv"
    secret.parent.mkdir(exist_ok=True)
    secret.write_bytes(text("S1;Spion;02-01-2025;;agency;1;1"))
    path.symlink_to("../../../secret/vacancies.csv")
    return path


MILLION = 1_000_000


def million_rows(path: Path) -> Path:
    """1,000,000 vacancy rows (~45 MB) with three bad ones, written in blocks."""
    bad = {
        500_000: "G500000;Monteur;02-01-2025;;agency;n.v.t.;1",
        750_000: "G750000;Monteur;02-01-2025;;tiktok;10;1",
        MILLION - 1: "G999999;Monteur;15-03-2025;01-03-2025;agency;10;1",
    }
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(VACANCY_HEADER + "\n")
        block = []
        for i in range(MILLION):
            line = bad.get(i)
            if line is None:
                day = i % 28 + 1
                filled = f"{day:02d}-03-2025" if i % 3 == 0 else ""
                cost = f"{i % 900}.{i % 1000:03d},{i % 100:02d}"
                line = f"G{i};Monteur;{day:02d}-01-2025;{filled};talent_pool;{cost};{i % 40}"
            block.append(line)
            if len(block) == 100_000:
                handle.write("\n".join(block) + "\n")
                block = []
        handle.write("\n".join(block) + "\n" if block else "")
    return path


CASES: list[Case] = [
    # --- separators ---------------------------------------------------------------------------
    Case(
        "wrong_delimiter_pipe",
        GAMMA,
        b"vacancy_id|role|opened_on|filled_on|channel|cost|hours\nG1|Ecoloog|02-01-2025||agency|100|1\n",
        file_level("separator", "|"),
        replaces=GAMMA,
    ),
    Case(
        "wrong_delimiter_in_one_row",
        GAMMA,
        text("G1;Ecoloog;02-01-2025;;agency;100;1", "G2,Planner,03-01-2025,,agency,200,2"),
        (
            (3, "vacancy_id", "G2,Planner,03-01-2025,,agency,200,2", "separator"),
            (3, "opened_on", None, "required"),
            (3, "channel", None, "required"),
            (3, "cost", None, "required"),
            (3, "hours", None, "required"),
        ),
        replaces=GAMMA,
        accepted=1,
        stored={"vacancy_id": ("G1",)},
    ),
    Case(
        "unquoted_decimal_comma_in_comma_file",
        "ledger.csv",
        b"date,activity,cost,channel\n2025-02-01,Beurs,1250,50,joint_campaign\n",
        ((2, None, "joint_campaign", "too_many_fields"), (2, "channel", "50", "channel_in_driving")),
        replaces="ledger.csv",
    ),
    # --- numbers ------------------------------------------------------------------------------
    Case(
        "decimal_comma_vs_point_dutch",  # ;-separated: a dot groups thousands, a comma is decimal
        GAMMA,
        text("G1;Ecoloog;02-01-2025;;agency;1.234;1", "G2;Planner;02-01-2025;;agency;1,234;1"),
        ((3, "cost", "1,234", "decimal_places"),),
        replaces=GAMMA,
        accepted=1,
        stored={"cost": (D("1234.00"),)},
    ),
    Case(
        "decimal_point_in_comma_file",  # ,-separated: the dot is the decimal point
        GAMMA,
        text(
            "G1,Ecoloog,2025-01-02,,agency,1.234,1",
            "G2,Planner,2025-01-02,,agency,1.5,1",
            header=COMMA_HEADER,
        ),
        ((2, "cost", "1.234", "decimal_places"),),
        replaces=GAMMA,
        accepted=1,
        stored={"cost": (D("1.50"),)},
    ),
    Case(
        "thousands_separators_dutch",
        GAMMA,
        text(
            "G1;a;02-01-2025;;agency;1.234.567,89;1",
            "G2;b;02-01-2025;;agency;1 234,50;1",
            "G3;c;02-01-2025;;agency;1,234.50;1",
            "G4;d;02-01-2025;;agency;12.345;1.000",
        ),
        (),
        replaces=GAMMA,
        accepted=4,
        stored={
            "cost": (D("1234567.89"), D("1234.50"), D("1234.50"), D("12345.00")),
            "hours": (D("1.00"), D("1.00"), D("1.00"), D("1000.00")),
        },
    ),
    Case(
        "thousands_separators_comma_file",
        GAMMA,
        text(
            'G1,a,2025-01-02,,agency,"1,234,567.89",1',
            'G2,b,2025-01-02,,agency,"1,234",1',
            header=COMMA_HEADER,
        ),
        (),
        replaces=GAMMA,
        accepted=2,
        stored={"cost": (D("1234567.89"), D("1234.00"))},
    ),
    Case(
        "non_numeric_costs",
        GAMMA,
        text(
            "G1;a;02-01-2025;;agency;n.v.t.;1",
            "G2;b;02-01-2025;;agency;€ 1.200,-;1",
            "G3;c;02-01-2025;;agency;(50);1",
            "G4;d;02-01-2025;;agency;1e3;1",
            "G5;e;02-01-2025;;agency;#N/A;1",
            "G6;f;02-01-2025;;agency;gratis;1",
        ),
        (
            (2, "cost", "n.v.t.", "decimal"),
            (4, "cost", "(50)", "decimal"),
            (5, "cost", "1e3", "decimal"),
            (6, "cost", "#N/A", "decimal"),
            (7, "cost", "gratis", "decimal"),
        ),
        replaces=GAMMA,
        accepted=1,
        stored={"vacancy_id": ("G2",), "cost": (D("1200.00"),)},
    ),
    Case(
        "negative_amounts",
        GAMMA,
        text(
            "G1;a;02-01-2025;;agency;-50;1",
            "G2;b;02-01-2025;;agency;10;-1,5",
            "G3;c;02-01-2025;;agency;\u221220;1",  # a typographic minus sign
            "G4;d;02-01-2025;;agency;50-;1",  # a trailing minus (SAP) is not read as negative
        ),
        (
            (2, "cost", "-50.00", "not_negative"),
            (3, "hours", "-1.50", "not_negative"),
            (4, "cost", "-20.00", "not_negative"),
            (5, "cost", "50-", "decimal"),
        ),
        replaces=GAMMA,
    ),
    Case(
        "negative_contribution",
        "contributions_gamma.csv",  # gamma sent none in tiny 2025Q1: an added file
        b"soort;taak;aantal;toelichting\ngeld;;2.000;\nuren;;-5;correctie\n",
        ((3, "amount", "-5.00", "not_negative"),),
        accepted=1,
        stored={"amount": (D("2000.00"),)},
    ),
    # --- encodings ----------------------------------------------------------------------------
    Case(
        "utf8_bom_dutch_headers",
        GAMMA,
        codecs.BOM_UTF8
        + text(
            "G1;Ecoloog;02-01-2025;15-03-2025;joint_campaign;1.200,00;5",
            header="Vacature_ID;Rol;Geopend_op;Vervuld_op;Kanaal;Kosten;Uren",
        ),
        (),
        replaces=GAMMA,
        accepted=1,
        stored={"role": ("Ecoloog",), "cost": (D("1200.00"),), "filled_on": (date(2025, 3, 15),)},
    ),
    Case(
        "windows_1252",
        GAMMA,
        text("G1;Coördinator – €-beheer;02-01-2025;;agency;100;1", encoding="cp1252"),
        (),
        replaces=GAMMA,
        accepted=1,
        stored={"role": ("Coördinator – €-beheer",)},
    ),
    Case(
        "latin_1",  # the printable Latin-1 characters are the same bytes in Windows-1252
        GAMMA,
        text("G1;Ingénieur ½ Maßnahmen;02-01-2025;;agency;100;1", encoding="latin-1"),
        (),
        replaces=GAMMA,
        accepted=1,
        stored={"role": ("Ingénieur ½ Maßnahmen",)},
    ),
    Case(
        "utf16_excel_unicode_text",  # Excel's "Unicode text": UTF-16 with BOM, tabs, CRLF
        "vacancies_gamma.txt",
        text(
            "G1\tEcoloog één\t02-01-2025\t\tagency\t1.200,50\t1",
            header=VACANCY_HEADER.replace(";", "\t"),
            newline="\r\n",
            encoding="utf-16",
        ),
        (),
        replaces=GAMMA,
        accepted=1,
        stored={"role": ("Ecoloog één",), "cost": (D("1200.50"),)},
    ),
    Case(
        "utf16_without_bom",
        GAMMA,
        text("G1;Ecoloog;02-01-2025;;agency;100;1", encoding="utf-16-le"),
        (),
        replaces=GAMMA,
        accepted=1,
        stored={"vacancy_id": ("G1",)},
    ),
    Case(
        "utf8_bom_then_windows_1252",
        GAMMA,
        codecs.BOM_UTF8 + text("G1;Coördinator;02-01-2025;;agency;100;1", encoding="cp1252"),
        file_level("encoding"),
        replaces=GAMMA,
    ),
    # --- line endings and quoting ---------------------------------------------------------------
    Case(
        "cr_only_line_endings",
        GAMMA,
        text("G1;a;02-01-2025;;agency;100;1", "G2;b;02-01-2025;;agency;n.v.t.;1", newline="\r"),
        ((3, "cost", "n.v.t.", "decimal"),),
        replaces=GAMMA,
        accepted=1,
        stored={"row_number": (2,)},
    ),
    Case(
        "mixed_line_endings",
        GAMMA,
        (
            VACANCY_HEADER
            + "\r\nG1;a;02-01-2025;;agency;100;1\nG2;b;02-01-2025;;agency;200;1\r"
            + "G3;c;02-01-2025;;agency;x;1\r\n"
        ).encode(),
        ((4, "cost", "x", "decimal"),),
        replaces=GAMMA,
        accepted=2,
        stored={"row_number": (2, 3)},
    ),
    Case(
        "quoted_separator_and_newline",
        GAMMA,
        text(
            'G1;"Monteur; nacht\nen ""weekend""";02-01-2025;;agency;100;1',
            "G2;Planner;03-01-2025;;agency;n.v.t.;1",
        ),
        ((3, "cost", "n.v.t.", "decimal"),),  # the quoted line break does not shift the row
        replaces=GAMMA,
        accepted=1,
        stored={"role": ('Monteur; nacht\nen "weekend"',)},
    ),
    Case(
        "unclosed_quote",
        GAMMA,
        text('G1;"Monteur;02-01-2025;;agency;100;1', "G2;Planner;03-01-2025;;agency;200;1"),
        file_level("unclosed_quote", 'G1;"Monteur;02-01-2025;;agency;100;1'),
        replaces=GAMMA,
    ),
    # --- headers and shape ------------------------------------------------------------------------
    Case(
        "preamble_lines_above_header",  # skipped; rows keep the numbers a spreadsheet shows
        GAMMA,
        b"Export vacatures Gamma;;;;;;\nPeriode: 2025Q1\n"
        + text("G1;a;02-01-2025;;agency;100;1", "G2;b;02-01-2025;;agency;n.v.t.;1"),
        ((5, "cost", "n.v.t.", "decimal"),),
        replaces=GAMMA,
        accepted=1,
        stored={"row_number": (4,)},
    ),
    Case(
        "duplicate_headers_synonyms",
        GAMMA,
        text("G1;a;02-01-2025;;agency;100;200;1", header=VACANCY_HEADER.replace(";cost;", ";cost;kosten;")),
        file_level("duplicate_header", "cost, kosten"),
        replaces=GAMMA,
    ),
    Case(
        "duplicate_headers_identical",
        GAMMA,
        text("G1;a;02-01-2025;;agency;100;1;2", header=VACANCY_HEADER + ";hours"),
        file_level("duplicate_header", "hours, hours"),
        replaces=GAMMA,
    ),
    Case(
        "missing_column",
        GAMMA,
        text("G1;a;02-01-2025;;agency;100", header=VACANCY_HEADER.removesuffix(";hours")),
        file_level("required_columns", "hours"),
        replaces=GAMMA,
    ),
    Case(
        "wrong_kind_of_file",  # a contributions file under a vacancies name
        GAMMA,
        b"soort;taak;aantal;toelichting\ngeld;;2000;\n",
        file_level("required_columns", "vacancy_id, opened_on, filled_on, channel, cost, hours"),
        replaces=GAMMA,
    ),
    Case(
        "extra_columns",
        GAMMA,
        text("G1;a;02-01-2025;;agency;100;1;let op;X-77", header=VACANCY_HEADER + ";opmerking;intern nummer"),
        (),
        replaces=GAMMA,
        accepted=1,
        stored={"vacancy_id": ("G1",), "hours": (D("1.00"),)},
    ),
    Case(
        "row_longer_than_header",
        GAMMA,
        text("G1;a;02-01-2025;;agency;100;1;surplus", "G2;b;02-01-2025;;agency;100;1;;"),
        ((2, None, "surplus", "too_many_fields"),),  # empty trailing fields are harmless
        replaces=GAMMA,
        accepted=1,
        stored={"vacancy_id": ("G2",)},
    ),
    Case(
        "row_shorter_than_header",
        GAMMA,
        text("G1;Ecoloog;02-01-2025"),
        ((2, "channel", None, "required"), (2, "cost", None, "required"), (2, "hours", None, "required")),
        replaces=GAMMA,
    ),
    Case("empty_file_zero_bytes", GAMMA, b"", file_level("empty_file"), replaces=GAMMA),
    Case("blank_lines_only", GAMMA, b"\r\n\r\n \t\r\n", file_level("empty_file"), replaces=GAMMA),
    Case("header_only", GAMMA, text(), (), replaces=GAMMA),
    Case(
        "million_rows",
        GAMMA,
        million_rows,
        (
            (500_002, "cost", "n.v.t.", "decimal"),
            (750_002, "channel", "tiktok", "channel_in_fields"),
            (MILLION + 1, "filled_on", "01-03-2025", "filled_after_opened"),
        ),
        replaces=GAMMA,
        accepted=MILLION - 3,
        slow=True,
    ),
    # --- dates and the period -----------------------------------------------------------------
    Case(
        "dates_in_five_notations",
        GAMMA,
        text(
            "G1;a;02-01-2025;15-03-2025 14:30;agency;1;1",
            "G2;b;02/01/2025;;agency;1;1",
            "G3;c;02.01.2025;;agency;1;1",
            "G4;d;2025-01-02;;agency;1;1",
            "G5;e;2-1-2025;;agency;1;1",
        ),
        (),
        replaces=GAMMA,
        accepted=5,
        stored={
            "opened_on": (date(2025, 1, 2),) * 5,
            "filled_on": (date(2025, 3, 15), None, None, None, None),
        },
    ),
    Case(
        "impossible_and_unreadable_dates",
        GAMMA,
        text(
            "G1;a;31-02-2025;;agency;1;1",
            "G2;b;01-01-2025;2025-02-30;agency;1;1",
            "G3;c;03/31/2025;;agency;1;1",  # month first
            "G4;d;02-01-25;;agency;1;1",  # two-digit year
            "G5;e;45658;;agency;1;1",  # an Excel day number in a CSV
        ),
        (
            (2, "opened_on", "31-02-2025", "date"),
            (3, "filled_on", "2025-02-30", "date"),
            (4, "opened_on", "03/31/2025", "date"),
            (5, "opened_on", "02-01-25", "date"),
            (6, "opened_on", "45658", "date"),
        ),
        replaces=GAMMA,
    ),
    Case(
        "filled_before_opened",
        GAMMA,
        text("G1;a;15-02-2025;01-02-2025;agency;1;1"),
        ((2, "filled_on", "01-02-2025", "filled_after_opened"),),
        replaces=GAMMA,
    ),
    Case(
        "filled_or_opened_outside_the_period",
        GAMMA,
        text(
            "G1;a;02-01-2025;02-04-2025;agency;1;1",
            "G2;b;01-12-2024;31-12-2024;agency;1;1",
            "G3;c;01-04-2025;;agency;1;1",
            "G4;d;01-10-2024;05-01-2025;agency;1;1",  # opened in an earlier period: fine
        ),
        (
            (2, "filled_on", "02-04-2025", "filled_on_within_period"),
            (3, "filled_on", "31-12-2024", "filled_on_within_period"),
            (4, "opened_on", "01-04-2025", "opened_on_not_after_period"),
        ),
        replaces=GAMMA,
        accepted=1,
        stored={"vacancy_id": ("G4",)},
    ),
    Case(
        "duplicate_vacancy_ids_in_one_file",
        GAMMA,
        text("G1;a;02-01-2025;;agency;1;1", "G1;b;03-01-2025;;agency;2;1", "G2;c;03-01-2025;;agency;2;1"),
        ((2, "vacancy_id", "G1", "unique_vacancy_id"), (3, "vacancy_id", "G1", "unique_vacancy_id")),
        replaces=GAMMA,
        accepted=1,
        stored={"vacancy_id": ("G2",)},
    ),
    Case(
        "filled_twice_across_periods",  # G1 was filled in 2025Q1 already (tiny fixture)
        GAMMA,
        text(
            "G1;Ecologist;02-01-2025;10-04-2025;joint_campaign;0;0",
            "G2;Ecologist;01-04-2025;;joint_campaign;0;0",
        ),
        ((2, "vacancy_id", "G1", "filled_once"),),
        replaces=GAMMA,
        accepted=2,  # both pass ingestion; the clean stage rejects G1
        period="2025Q2",
        stage="clean",
    ),
    # --- values against programme.yaml ----------------------------------------------------------
    Case(
        "unknown_channel",
        GAMMA,
        text("G1;a;02-01-2025;;tiktok;1;1", "G2;b;02-01-2025;;Talent Pool;1;1"),
        ((2, "channel", "tiktok", "channel_in_fields"),),
        replaces=GAMMA,
        accepted=1,
        stored={"channel": ("talent_pool",)},
    ),
    Case(
        "unknown_contribution_kind_and_missing_task",
        "contributions_gamma.csv",
        b"kind;task;amount;note\ndonatie;;100;\ntaak;;1;\ntask;open_day;1;\n",
        ((2, "kind", "donatie", "kind_in_set"), (3, "task", None, "task_required")),
        accepted=1,
        stored={"task": ("open_day",)},
    ),
    Case(
        "ledger_outside_period_and_hunting_channel",
        "ledger.csv",
        b"datum;activiteit;kosten;kanaal\n01-04-2025;Beurs;100;joint_campaign\n"
        b"01-02-2025;Advertentie;200;agency\n15-02-2025;Flyers;50;\n",
        ((2, "date", "01-04-2025", "date_within_period"), (3, "channel", "agency", "channel_in_driving")),
        replaces="ledger.csv",
        accepted=1,
        stored={"activity": ("Flyers",)},
    ),
    # --- file names and the inbox ---------------------------------------------------------------
    Case(
        "unknown_partner_in_file_name",
        "vacancies_delta.csv",
        text("D1;a;02-01-2025;;agency;1;1"),
        file_level("unknown_partner", "delta"),
    ),
    Case(
        "period_before_the_programme",
        GAMMA,
        text("G0;a;02-10-2024;;agency;1;1"),
        file_level("period_in_programme", "2024Q4"),
        period="2024Q4",
    ),
    Case(
        "two_files_of_one_kind",
        "vacancies_gamma.xlsx",
        xlsxwriter_workbook(_valid_workbook),
        file_level("one_file_per_kind", "vacancies_gamma.xlsx"),
        also_rejected=(GAMMA,),
    ),
    Case(
        "file_name_with_dot_dot_and_backslashes",  # a Windows path squeezed into one name
        "vacancies_..\\..\\gamma.csv",
        text("G1;a;02-01-2025;;agency;1;1"),
        file_level("file_name", "vacancies_..\\..\\gamma.csv"),
    ),
    Case(
        "file_name_with_spaces",
        "vacancies gamma.csv",
        text("G1;a;02-01-2025;;agency;1;1"),
        file_level("file_name", "vacancies gamma.csv"),
    ),
    Case(
        "file_name_of_a_browser_copy",
        "vacancies_gamma (1).csv",
        text("G1;a;02-01-2025;;agency;1;1"),
        file_level("file_name", "vacancies_gamma (1).csv"),
    ),
    Case(
        "file_name_with_unicode",
        "vacancies_gämma.csv",
        text("G1;a;02-01-2025;;agency;1;1"),
        file_level("file_name", "vacancies_gämma.csv"),
    ),
    Case(
        "file_name_with_cyrillic_lookalike",  # the a of gamma is U+0430
        "vacancies_g\u0430mma.csv",
        text("G1;a;02-01-2025;;agency;1;1"),
        file_level("file_name", "vacancies_g\u0430mma.csv"),
    ),
    Case(
        "symlink_outside_the_inbox",
        GAMMA,
        symlink_outside,
        file_level("symlink_outside_inbox", "../../../secret/vacancies.csv"),
        replaces=GAMMA,
    ),
    Case(
        "binary_file",
        GAMMA,
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
        file_level("file_type"),
        replaces=GAMMA,
    ),
    # --- Excel ----------------------------------------------------------------------------------
    Case(
        "xlsx_that_is_really_a_csv",
        "vacancies_gamma.xlsx",
        text("G1;a;02-01-2025;;agency;1;1"),
        file_level("file_type", ".xlsx"),
        replaces=GAMMA,
    ),
    Case(
        "xlsx_corrupt_zip",
        "vacancies_gamma.xlsx",
        b"PK\x03\x04" + bytes(range(256)) * 4,
        file_level("file_unreadable"),
        replaces=GAMMA,
    ),
    Case(
        "xlsx_truncated",
        "vacancies_gamma.xlsx",
        truncated_workbook,
        file_level("file_unreadable"),
        replaces=GAMMA,
    ),
    Case(
        "xlsx_password_protected",  # faked: OLE magic + EncryptedPackage stream name + junk
        "vacancies_gamma.xlsx",
        FAKE_ENCRYPTED_XLSX,
        file_level("file_encrypted", ".xlsx"),
        replaces=GAMMA,
    ),
    Case(
        "xls_named_xlsx",  # faked: OLE magic without the encryption streams
        "vacancies_gamma.xlsx",
        FAKE_XLS,
        file_level("file_type", ".xlsx"),
        replaces=GAMMA,
    ),
    Case(
        "xlsx_notes_sheet_before_the_data",
        "vacancies_gamma.xlsx",
        openpyxl_workbook(_notes_sheet_first),
        (),
        replaces=GAMMA,
        accepted=1,
        stored={"vacancy_id": ("G1",)},
    ),
    Case(
        "xlsx_two_sheets_with_data",
        "vacancies_gamma.xlsx",
        openpyxl_workbook(_two_data_sheets),
        file_level("several_sheets", "Q1, Q2"),
        replaces=GAMMA,
    ),
    Case(
        "xlsx_merged_cells",
        "vacancies_gamma.xlsx",
        openpyxl_workbook(_merged),
        ((3, "channel", "E2:E3", "merged_cells"),),
        replaces=GAMMA,
        accepted=1,
        stored={"vacancy_id": ("G1",)},
    ),
    Case(
        "xlsx_formula_without_cached_value",
        "vacancies_gamma.xlsx",
        openpyxl_workbook(_formula_without_value),
        ((2, "cost", "=100*12", "formula_without_value"),),
        replaces=GAMMA,
        accepted=1,
        stored={"vacancy_id": ("G2",)},
    ),
    Case(
        "xlsx_formula_with_cached_value",
        "vacancies_gamma.xlsx",
        xlsxwriter_workbook(_formula_with_value),
        (),
        replaces=GAMMA,
        accepted=1,
        stored={"cost": (D("1200.00"),), "hours": (D("5.00"),)},
    ),
    Case(
        "xlsx_formula_error_value",
        "vacancies_gamma.xlsx",
        xlsxwriter_workbook(_formula_error),
        ((2, "hours", "#DIV/0!", "formula_error"),),
        replaces=GAMMA,
        accepted=1,
        stored={"vacancy_id": ("G2",)},
    ),
    Case(
        "xlsx_title_above_header",
        "vacancies_gamma.xlsx",
        openpyxl_workbook(_title_above_header),
        ((5, "cost", "n.v.t.", "decimal"),),
        replaces=GAMMA,
        accepted=1,
        stored={"row_number": (4,)},
    ),
    Case(
        "xlsx_numbers_and_text_in_one_column",
        "vacancies_gamma.xlsx",
        xlsxwriter_workbook(_number_in_text_column),
        ((3, "cost", "n.v.t.", "decimal"),),
        replaces=GAMMA,
        accepted=1,
        stored={"cost": (D("12345678.12"),)},
    ),
    Case(
        "xlsx_empty_workbook",
        "vacancies_gamma.xlsx",
        xlsxwriter_workbook(_empty_workbook),
        file_level("empty_file"),
        replaces=GAMMA,
    ),
    # --- text that is code elsewhere: accepted and stored verbatim ------------------------------
    Case(
        "formula_and_script_in_text_csv",
        GAMMA,
        text(
            'G1;"=HYPERLINK(""http://evil.example"",""klik"")";02-01-2025;;agency;1;1',
            "G2;<script>alert('x')</script>;02-01-2025;;agency;1;1",
            "G3;+cmd|' /C calc'!A0;02-01-2025;;agency;1;1",
            "G4;@SUM(1+1);02-01-2025;;agency;1;1",
        ),
        (),
        replaces=GAMMA,
        accepted=4,
        stored={
            "role": (
                '=HYPERLINK("http://evil.example","klik")',
                "<script>alert('x')</script>",
                "+cmd|' /C calc'!A0",
                "@SUM(1+1)",
            )
        },
    ),
    Case(
        "formula_text_and_html_in_xlsx",
        "vacancies_gamma.xlsx",
        openpyxl_workbook(_text_that_looks_like_code),
        (),
        replaces=GAMMA,
        accepted=2,
        stored={"role": ("=1+2", "<img src=x onerror=alert(1)>")},
    ),
]


# --- programme.yaml: (old text, new text, the exact problems parse_programme must list) ---------

PROGRAMME_CASES: list[tuple[str, str, str, list[str]]] = [
    (
        "typo_in_a_key",
        "valuation: {hour_rate: 75",
        "valuation: {hour_rte: 75",
        [
            "valuation.hour_rate: required key is missing",
            "valuation.hour_rte: unknown key (a typo?) (value: 75)",
        ],
    ),
    ("typo_in_a_section", "privacy:", "privcy:", ["privcy: unknown key (a typo?)"]),
    (
        "duplicated_partner_id",
        "{id: gamma, name",
        "{id: beta, name",
        [
            "partners: id(s) beta used more than once",
            "baselines[2].partner: unknown partner 'gamma'",
            "commitments[2].partner: unknown partner 'gamma'",
        ],
    ),
    (
        "overlapping_commitment",
        "  - {partner: beta, from: 2025Q1, money: 3000, hours: 20}",
        "  - {partner: beta, from: 2025Q1, money: 3000, hours: 20}\n"
        "  - {partner: beta, from: 2025Q3, until: 2026Q2, money: 1000}",
        [
            "commitments[1] and commitments[2]: both cover partner 'beta' in the same period "
            "(periods must not overlap)"
        ],
    ),
    (
        "duplicated_yaml_key",  # PyYAML alone would keep the last one silently
        "privacy: {min_group_size: 3}",
        "privacy: {min_group_size: 3}\nprivacy: {min_group_size: 1}",
        [
            "not valid YAML: key 'privacy' appears twice in one mapping\n"
            '  in "<unicode string>", line 22, column 1:\n'
            "    privacy: {min_group_size: 1}\n"
            "    ^"
        ],
    ),
    (
        "commitment_before_first_period",
        "{partner: beta, from: 2025Q1",
        "{partner: beta, from: 2024Q4",
        ["commitments[1].from: 2024Q4 is before the programme's first_period 2025Q1"],
    ),
]
