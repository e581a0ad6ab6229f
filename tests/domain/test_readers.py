"""Reading what partners really send: separators, decimal commas, dates, encodings, Excel."""

from __future__ import annotations

import codecs
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from domain import readers
from domain.readers import Problem, canonical_schema, parse_file_name, read_partner_file

FILES = Path(__file__).parents[1] / "fixtures" / "files"
LEDGER_HEADER = "datum;activiteit;kosten;kanaal"


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def cell_problems(parsed) -> list[tuple[int | None, str | None, str | None, str]]:
    return [(p.row_number, p.column, p.value, p.rule) for p in parsed.problems]


# --- file names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("vacancies_hhnk.csv", ("vacancies", "hhnk")),
        ("contributions_hhnk.xlsx", ("contributions", "hhnk")),
        ("ledger.xlsx", ("ledger", None)),
        ("ledger.csv", ("ledger", None)),
        ("vacatures_HHNK.csv", ("vacancies", "hhnk")),
        ("bijdragen_wetterskip-fryslan.csv", ("contributions", "wetterskip-fryslan")),
        ("grootboek.xlsx", ("ledger", None)),
        ("Vacancies_rijnland.CSV", ("vacancies", "rijnland")),
    ],
)
def test_file_name_gives_kind_and_partner(name, expected):
    assert parse_file_name(name) == expected


@pytest.mark.parametrize(
    "name", ["budget_hhnk.csv", "vacancies.csv", "ledger_hhnk.csv", "vacancies hhnk.csv", ".csv"]
)
def test_bad_file_name_is_a_problem(name):
    problem = parse_file_name(name)
    assert isinstance(problem, Problem)
    assert problem.rule == "file_name"
    assert problem.row_number is None
    assert name in problem.message


# --- a realistic Dutch export -------------------------------------------------------------


def test_dutch_export_reads_every_quirk():
    parsed = read_partner_file(FILES / "vacancies_dutch.csv", "vacancies")
    assert parsed.problems == []
    assert parsed.rows == 3
    assert parsed.source_columns == {
        "vacancy_id": "VACATURE_ID",
        "channel": "Kanaal",
        "role": "Rol",
        "opened_on": "Geopend_op",
        "filled_on": "Vervuld_op",
        "cost": "Kosten",
        "hours": "Uren",
    }
    assert parsed.frame.schema == canonical_schema("vacancies")
    # the quoted role spans two lines and the blank line keeps its number: rows 2, 3, 5
    assert parsed.frame.rows() == [
        (
            2,
            "H-101",
            "Hydroloog",
            date(2026, 1, 6),
            date(2026, 2, 20),
            "talent_pool",
            Decimal("1200.00"),
            Decimal("10.00"),
        ),
        (
            3,
            "H-102",
            "Monteur; nachtdienst\nen weekend",
            date(2026, 3, 1),
            None,
            "own_website",
            Decimal("1234.50"),
            Decimal("7.50"),
        ),
        (
            5,
            "H-103",
            "Adviseur",
            date(2026, 2, 1),
            date(2026, 3, 31),
            "joint_campaign",
            Decimal("500.00"),
            Decimal("0.00"),
        ),
    ]


def test_comma_separated_english_headers_and_dutch_kinds():
    parsed = read_partner_file(FILES / "contributions_english.csv", "contributions")
    assert parsed.problems == []
    assert parsed.frame.rows() == [
        (2, "money", None, Decimal("5000.00"), "kwartaal"),
        (3, "hours", None, Decimal("40.00"), None),
        (4, "task", "guest_lecture", Decimal("2.00"), "HZ, Aeres"),
        (5, "money", None, Decimal("1250.75"), None),
    ]


def test_unknown_kind_is_kept_lower_cased_for_validation(tmp_path):
    path = write(tmp_path, "contributions_a.csv", "soort;aantal\nDonatie;5\n")
    parsed = read_partner_file(path, "contributions")
    assert parsed.problems == []
    assert parsed.frame["kind"].to_list() == ["donatie"]
    assert parsed.frame["task"].to_list() == [None]  # optional column absent: null


# --- numbers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("separator", "cell", "expected"),
    [
        (";", "1234,5", "1234.50"),
        (";", "1.234,50", "1234.50"),
        (";", "1.234", "1234.00"),  # the Dutch reading: a dot groups thousands
        (";", "1.234.567", "1234567.00"),
        (";", "12.5", "12.50"),  # a dot not followed by 3 digits can only be a decimal point
        (";", "1,234.50", "1234.50"),  # both separators: the last one is the decimal one
        (";", "€ 1.200,-", "1200.00"),
        (";", "EUR 99,95", "99.95"),
        (";", "1.200,- €", "1200.00"),
        (";", "1 234,50", "1234.50"),
        (";", "1\u00a0234,50", "1234.50"),
        (";", "-12,5", "-12.50"),
        (";", "0", "0.00"),
        (",", '"1,234"', "1234.00"),  # comma-separated: a comma groups thousands
        (",", '"12,5"', "12.50"),
        (",", "12.50", "12.50"),
        (",", '"1.234,50"', "1234.50"),
        ("\t", "1.234,50", "1234.50"),
    ],
)
def test_amount_notations(tmp_path, separator, cell, expected):
    content = f"date{separator}activity{separator}cost\n01-01-2026{separator}x{separator}{cell}\n"
    parsed = read_partner_file(write(tmp_path, "ledger.csv", content), "ledger")
    assert parsed.problems == []
    assert parsed.frame["cost"].to_list() == [Decimal(expected)]


@pytest.mark.parametrize(
    ("separator", "cell", "rule"),
    [
        (";", "n.v.t.", "decimal"),
        (";", "-", "decimal"),
        (";", "12,345", "decimal_places"),
        (";", "1.234,567", "decimal_places"),
        (";", "12,500", "decimal_places"),
        (",", "1.234", "decimal_places"),  # comma-separated: the dot is the decimal point
        (";", "1e5", "decimal"),
        (";", "12345678901234567", "decimal"),  # more than DECIMAL(18,2) holds
        (";", "1.23.4", "decimal"),
    ],
)
def test_bad_amounts_are_cell_problems(tmp_path, separator, cell, rule):
    content = (
        f"date{separator}activity{separator}cost\n01-01-2026{separator}ok{separator}5\n"
        f"02-01-2026{separator}bad{separator}{cell}\n"
    )
    parsed = read_partner_file(write(tmp_path, "ledger.csv", content), "ledger")
    assert cell_problems(parsed) == [(3, "cost", cell, rule)]
    problem = parsed.problems[0]
    assert problem.source_column == "cost"
    assert f"'{cell}'" in problem.message
    # the row is kept with a null in that cell, so validation and rejection can see it
    assert parsed.frame.rows() == [
        (2, date(2026, 1, 1), "ok", Decimal("5.00"), None),
        (3, date(2026, 1, 2), "bad", None, None),
    ]


@settings(max_examples=300, deadline=None)
@given(
    texts=st.lists(
        st.text(alphabet="0123456789.,", min_size=1, max_size=22)
        | st.from_regex(r"\A[0-9]{1,3}([.,][0-9]{3}){0,5}([.,][0-9]{0,3})?\Z"),
        min_size=1,
        max_size=40,
    ),
    dutch=st.booleans(),
)
def test_plain_amounts_read_as_the_full_rules_read_them(texts, dutch):
    """The short path for plainly written amounts gives the value and the reason of the full one."""
    frame = pl.DataFrame({"cost": texts})
    value, reason = readers._decimal_expr(pl.col("cost"), dutch)
    plain, plain_value = readers._plain_decimal("cost", dutch)
    both = frame.filter(plain).select(
        "cost",
        value.alias("full"),
        reason.alias("full_reason"),
        plain_value.alias("short"),
        pl.when(plain_value.is_null()).then(pl.lit("decimal_range")).alias("short_reason"),
    )
    assert both["full"].to_list() == both["short"].to_list()
    assert both["full_reason"].to_list() == both["short_reason"].to_list()


def test_plain_amounts_are_most_amounts():
    texts = ["1.234,50", "12", "0,5", "1.234", "99999999999999999", "-1", "1 234", "12,345", "€ 5"]
    frame = pl.DataFrame({"cost": texts})
    plain, _ = readers._plain_decimal("cost", True)
    assert frame.filter(plain)["cost"].to_list() == ["1.234,50", "12", "0,5", "1.234", "99999999999999999"]


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("31-03-2026", date(2026, 3, 31)),
        ("2026-03-31", date(2026, 3, 31)),
        ("31/03/2026", date(2026, 3, 31)),
        ("31.03.2026", date(2026, 3, 31)),
        ("1-3-2026", date(2026, 3, 1)),
        ("2026-3-1", date(2026, 3, 1)),
        ("29-02-2028", date(2028, 2, 29)),
        ("2026-03-31 00:00:00", date(2026, 3, 31)),
        (" 31-03-2026 ", date(2026, 3, 31)),
    ],
)
def test_date_notations(tmp_path, cell, expected):
    content = f"{LEDGER_HEADER}\n{cell};x;1;\n"
    parsed = read_partner_file(write(tmp_path, "ledger.csv", content), "ledger")
    assert parsed.problems == []
    assert parsed.frame["date"].to_list() == [expected]


@pytest.mark.parametrize(
    ("cell", "words"),
    [
        ("31-02-2026", "does not exist"),
        ("29-02-2026", "does not exist"),
        ("03/31/2026", "does not exist"),  # month first cannot be read day first
        ("31-03-26", "not a date"),
        ("maart 2026", "not a date"),
        ("45000", "not a date"),
    ],
)
def test_bad_dates_are_cell_problems(tmp_path, cell, words):
    content = f"{LEDGER_HEADER}\n{cell};x;1;\n"
    parsed = read_partner_file(write(tmp_path, "ledger.csv", content), "ledger")
    assert cell_problems(parsed) == [(2, "date", cell, "date")]
    assert words in parsed.problems[0].message
    assert parsed.frame["date"].to_list() == [None]


# --- encodings and line endings -------------------------------------------------------------

VACANCY_TEXT = (
    "vacature_id;rol;geopend_op;vervuld_op;kanaal;kosten;uren\n"
    "V1;Ingénieur;01-01-2026;;agency;1.000,50;3\n"
    "V2;Coördinator;02-01-2026;;agency;0;0\n"
)


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-8"),
        lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
        lambda text: text.encode("cp1252"),
        lambda text: text.encode("latin-1"),
        lambda text: text.encode("utf-16"),  # with its BOM, as Excel's "Unicode text"
        lambda text: text.encode("utf-16-le"),  # without a BOM
        lambda text: text.replace("\n", "\r\n").encode("utf-8"),
        lambda text: text.replace("\n", "\r").encode("cp1252"),  # CR only (old Mac)
        lambda text: text.replace("\n", "\r\n", 1).replace(";0\n", ";0\r").encode("utf-8"),
    ],
    ids=["utf8", "utf8-bom", "cp1252", "latin1", "utf16-bom", "utf16-le", "crlf", "cr", "mixed"],
)
def test_encodings_and_line_endings(tmp_path, encode):
    parsed = read_partner_file(write(tmp_path, "vacancies_a.csv", encode(VACANCY_TEXT)), "vacancies")
    assert parsed.problems == []
    assert parsed.frame.select("row_number", "role", "cost").rows() == [
        (2, "Ingénieur", Decimal("1000.50")),
        (3, "Coördinator", Decimal("0.00")),
    ]


def test_excel_unicode_text_is_tab_separated_utf16(tmp_path):
    text = VACANCY_TEXT.replace(";", "\t").replace("\n", "\r\n")
    parsed = read_partner_file(write(tmp_path, "vacancies_a.txt", text.encode("utf-16")), "vacancies")
    assert parsed.problems == []
    assert parsed.frame["cost"].to_list() == [Decimal("1000.50"), Decimal("0.00")]


def test_mixed_line_endings_keep_row_numbers(tmp_path):
    content = 'datum;activiteit;kosten\r\n01-01-2026;a;1\n02-01-2026;b;2\r03-01-2026;"c\r\nd";x\n'
    parsed = read_partner_file(write(tmp_path, "ledger.csv", content), "ledger")
    assert cell_problems(parsed) == [(4, "cost", "x", "decimal")]
    assert parsed.frame.select("row_number", "activity").rows() == [(2, "a"), (3, "b"), (4, "c\nd")]


def test_embedded_newlines_count_as_one_row(tmp_path):
    content = (
        'datum,activiteit,kosten\n2026-01-01,"line one\nline two\nline three",1\n'
        '2026-01-02,"says ""hi""; ok",oops\n'
    )
    parsed = read_partner_file(write(tmp_path, "ledger.csv", content), "ledger")
    assert cell_problems(parsed) == [(3, "cost", "oops", "decimal")]
    assert parsed.frame["activity"].to_list() == ["line one\nline two\nline three", 'says "hi"; ok']


# --- headers --------------------------------------------------------------------------------


def test_headers_in_any_case_order_and_language(tmp_path):
    content = (
        " Uren ;KOSTEN;Vacancy ID;kanaal;Opened On;vervuld op;Extra kolom\n"
        "2;3;X1;agency;01-01-2026;;whatever\n"
    )
    parsed = read_partner_file(write(tmp_path, "vacancies_a.csv", content), "vacancies")
    assert parsed.problems == []
    assert parsed.source_columns["hours"] == "Uren"
    assert parsed.source_columns["vacancy_id"] == "Vacancy ID"
    assert "role" not in parsed.source_columns
    assert parsed.frame.rows() == [
        (2, "X1", None, date(2026, 1, 1), None, "agency", Decimal("3.00"), Decimal("2.00"))
    ]


def test_missing_required_columns_is_one_file_problem(tmp_path):
    content = "vacature_id;kanaal;kosten\nV1;agency;5\n"
    parsed = read_partner_file(write(tmp_path, "vacancies_a.csv", content), "vacancies")
    assert cell_problems(parsed) == [(None, None, "opened_on, filled_on, hours", "required_columns")]
    message = parsed.problems[0].message
    assert "opened_on (or geopend_op)" in message
    assert "'vacature_id', 'kanaal', 'kosten'" in message
    assert parsed.frame.is_empty()
    assert parsed.frame.schema == canonical_schema("vacancies")


def test_duplicate_header_is_a_file_problem(tmp_path):
    content = "datum;activiteit;kosten;cost\n01-01-2026;a;1;2\n"
    parsed = read_partner_file(write(tmp_path, "ledger.csv", content), "ledger")
    assert cell_problems(parsed) == [(None, None, "kosten, cost", "duplicate_header")]
    assert parsed.frame.is_empty()


def test_header_only_is_a_valid_empty_submission(tmp_path):
    parsed = read_partner_file(
        write(tmp_path, "contributions_a.csv", "soort;taak;aantal;toelichting\n"),
        "contributions",
    )
    assert parsed.problems == []
    assert parsed.rows == 0
    assert parsed.frame.schema == canonical_schema("contributions")


def test_row_with_more_fields_than_the_header(tmp_path):
    content = "date,activity,cost\n2026-01-01,a,12,50\n2026-01-02,b,3,\n"
    parsed = read_partner_file(write(tmp_path, "ledger.csv", content), "ledger")
    # the unquoted decimal comma makes an extra field; a trailing empty field is harmless
    assert cell_problems(parsed) == [(2, None, "50", "too_many_fields")]
    assert parsed.frame["cost"].to_list() == [Decimal("12.00"), Decimal("3.00")]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_blank_rows_are_skipped_but_keep_their_number(tmp_path, newline):
    content = "\n\ndatum;activiteit;kosten\n;;\n01-01-2026;a;1\n\n".replace("\n", newline)
    parsed = read_partner_file(write(tmp_path, "ledger.csv", content), "ledger")
    assert parsed.problems == []
    assert parsed.rows == 1
    assert parsed.frame["row_number"].to_list() == [5]


# --- files that are not what they claim -----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "rule"),
    [
        ("ledger.csv", b"", "empty_file"),
        ("ledger.csv", b"\n\n  \n", "empty_file"),
        ("ledger.xlsx", b"datum;activiteit;kosten\n01-01-2026;a;1\n", "file_type"),
        ("ledger.xlsx", b"PK\x03\x04 this is not really a zip", "file_unreadable"),
        ("ledger.csv", b"PK\x03\x04\x14\x00\x00\x00", "file_type"),
        ("ledger.csv", bytes(range(256)) * 8, "file_type"),
        ("ledger.pdf", b"%PDF-1.4", "file_type"),
        ("ledger.xls", b"\xd0\xcf\x11\xe0", "file_type"),
    ],
)
def test_unreadable_files_give_one_file_problem(tmp_path, name, content, rule):
    parsed = read_partner_file(write(tmp_path, name, content), "ledger")
    assert [(p.row_number, p.rule) for p in parsed.problems] == [(None, rule)]
    assert name in parsed.problems[0].message
    assert parsed.frame.is_empty()
    assert parsed.rows == 0


def test_broken_text_after_a_byte_order_mark(tmp_path):
    content = codecs.BOM_UTF8 + "datum;activiteit;kosten\n01-01-2026;café;1\n".encode("cp1252")
    parsed = read_partner_file(write(tmp_path, "ledger.csv", content), "ledger")
    assert [p.rule for p in parsed.problems] == ["encoding"]


def test_missing_file_is_a_problem_not_an_exception(tmp_path):
    parsed = read_partner_file(tmp_path / "ledger.csv", "ledger")
    assert [p.rule for p in parsed.problems] == ["file_unreadable"]


def test_limits(tmp_path):
    content = "datum;activiteit;kosten\n" + "01-01-2026;a;1\n" * 10
    path = write(tmp_path, "ledger.csv", content)
    too_large = read_partner_file(path, "ledger", max_bytes=len(content) - 1)
    assert [(p.rule, p.value) for p in too_large.problems] == [("file_too_large", str(len(content)))]
    too_many = read_partner_file(path, "ledger", max_rows=9)
    assert [p.rule for p in too_many.problems] == ["too_many_rows"]
    assert too_many.frame.is_empty()
    at_limit = read_partner_file(path, "ledger", max_rows=10, max_bytes=len(content))
    assert at_limit.problems == []
    assert at_limit.rows == 10


# --- Excel ----------------------------------------------------------------------------------


def test_xlsx_first_sheet_with_real_dates_and_numbers(tmp_path):
    path = tmp_path / "vacancies_a.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet("Vacatures")
    day = workbook.add_format({"num_format": "dd-mm-yyyy"})
    # a title row and an empty row above the header: calamine skips them, row numbers must not
    sheet.write_row(2, 0, ["Vacature ID", "Rol", "Geopend op", "Vervuld op", "Kanaal", "Kosten", "Uren"])
    sheet.write_row(3, 0, [101, "Monteur"])
    sheet.write_datetime(3, 2, datetime(2026, 1, 5), day)
    sheet.write_datetime(3, 3, datetime(2026, 2, 5, 13, 30), day)
    sheet.write_row(3, 4, ["Talent Pool", 1234.5, 0.1 + 0.2])
    sheet.write_row(5, 0, ["V2", "x", "31-01-2026", None, "agency", "1.234,50", 1 / 3])
    sheet.write_row(6, 0, ["V3", "x", 46000, "", "agency", "n.v.t.", 2])
    workbook.add_worksheet("Notities").write(0, 0, "not read")
    workbook.close()

    parsed = read_partner_file(path, "vacancies")
    assert parsed.frame.rows() == [
        (
            4,
            "101",
            "Monteur",
            date(2026, 1, 5),
            date(2026, 2, 5),
            "talent_pool",
            Decimal("1234.50"),
            Decimal("0.30"),
        ),
        (6, "V2", "x", date(2026, 1, 31), None, "agency", Decimal("1234.50"), None),
        (7, "V3", "x", None, None, "agency", None, Decimal("2.00")),
    ]
    assert cell_problems(parsed) == [
        (6, "hours", "0.333333333333333", "decimal_places"),
        (7, "opened_on", "46000", "date"),
        (7, "cost", "n.v.t.", "decimal"),
    ]
    assert parsed.source_columns["opened_on"] == "Geopend op"


def test_xlsx_row_limit(tmp_path):
    path = tmp_path / "ledger.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["datum", "activiteit", "kosten"])
    for row in range(1, 6):
        sheet.write_row(row, 0, ["2026-01-01", "a", row])
    workbook.close()
    assert [p.rule for p in read_partner_file(path, "ledger", max_rows=4).problems] == ["too_many_rows"]
    parsed = read_partner_file(path, "ledger", max_rows=5)
    assert parsed.problems == []
    assert parsed.frame["cost"].to_list() == [Decimal(n) for n in range(1, 6)]


def test_xlsx_header_only_and_empty_sheet(tmp_path):
    header_only = tmp_path / "contributions_a.xlsx"
    workbook = xlsxwriter.Workbook(header_only)
    workbook.add_worksheet().write_row(0, 0, ["soort", "taak", "aantal"])
    workbook.close()
    parsed = read_partner_file(header_only, "contributions")
    assert parsed.problems == []
    assert parsed.rows == 0

    empty = tmp_path / "contributions_b.xlsx"
    workbook = xlsxwriter.Workbook(empty)
    workbook.add_worksheet()
    workbook.close()
    assert [p.rule for p in read_partner_file(empty, "contributions").problems] == ["empty_file"]


# --- speed ----------------------------------------------------------------------------------


def test_two_hundred_thousand_rows_parse_quickly(tmp_path):
    rows = [
        f"V{i};Monteur;{i % 28 + 1:02d}-01-2026;{i % 28 + 1}-3-2026;talent_pool;"
        f"{i % 900 + 1}.{i % 1000:03d},{i % 100:02d};{i % 40},5"
        for i in range(200_000)
    ]
    path = write(
        tmp_path,
        "vacancies_big.csv",
        "vacature_id;rol;geopend_op;vervuld_op;kanaal;kosten;uren\n" + "\n".join(rows),
    )
    started = time.perf_counter()
    parsed = read_partner_file(path, "vacancies")
    elapsed = time.perf_counter() - started
    assert parsed.problems == []
    assert parsed.rows == 200_000
    assert parsed.frame.row(-1) == (
        200_001,
        "V199999",
        "Monteur",
        date(2026, 1, 24),
        date(2026, 3, 24),
        "talent_pool",
        Decimal("200999.99"),
        Decimal("39.50"),
    )
    assert parsed.frame["cost"].sum() == sum(
        Decimal(f"{(i % 900 + 1) * 1000 + i % 1000}.{i % 100:02d}") for i in range(200_000)
    )
    assert elapsed < 3, f"200k rows took {elapsed:.1f} s"


def test_frame_is_typed_even_when_every_cell_is_bad(tmp_path):
    content = "datum;activiteit;kosten;kanaal\nnooit;a;veel;Talent Pool\n"
    parsed = read_partner_file(write(tmp_path, "ledger.csv", content), "ledger")
    assert parsed.frame.schema == canonical_schema("ledger")
    assert parsed.frame.rows() == [(2, None, "a", None, "talent_pool")]
    assert parsed.frame.schema["cost"] == pl.Decimal(18, 2)
