"""Reading what partners really send: CSV and Excel files from Dutch and English systems.

Pure functions, no Dagster. A file is read as text first (every cell a string), then each column
is converted with vectorised Polars expressions; a cell that cannot be converted becomes null and
a `Problem` that names the row, the column, the value and the rule. A file that cannot be read at
all gives one file-level `Problem` (row_number None), never an exception.

Choices the data contract left open (also in docs/methodology.md):

- **Row numbers** are the line a spreadsheet shows: header = 1, first data row = 2. In a CSV
  that is the record index + 1, so a quoted value with a line break inside still counts as one
  row. Blank lines and rows whose every known column is empty keep their number but are skipped
  silently (spreadsheets and exports leave them at the end). In an `.xlsx` the rows above the
  first used row are counted too.
- **Numbers.** Spaces (also non-breaking), a `€`/`EUR` before or after, and the Dutch `,-`
  (whole euros: `€ 1.200,-` = 1200.00) are accepted. When a value has both `.` and `,`, the last
  one is the decimal separator and the other groups thousands (`1.234,50` and `1,234.50` are
  both 1234.50). When it has only one of them, the file decides: in a `;`- or tab-separated file
  (Dutch exports) the comma is the decimal separator and a dot followed by groups of exactly
  three digits groups thousands, so **`1.234` means 1234** and `1,5` means 1.5; in a
  `,`-separated file and in text cells of an `.xlsx` the dot is the decimal separator and a comma
  followed by groups of three digits groups thousands, so `1,234` means 1234 and `1.234` is
  1.234. A value that ends up with more than 2 decimals written (also `12,500`) is rejected with
  rule `decimal_places` rather than rounded, because it is either a typo or the other reading of
  the ambiguity. Anything else (`n.v.t.`, `-`, `1e5`) is rule `decimal`. At most 16 digits before
  the decimal separator fit (DECIMAL(18,2)).
- **Excel numbers** arrive as binary floats; they become decimals through their representation
  with 15 significant digits, the precision Excel itself shows and stores on input, so that
  `=0,1+0,2` is 0.3 and not 0.30000000000000004. They are never summed as floats.
- **Dates** are day first: `31-03-2026`, `31/03/2026`, `31.03.2026`, `1-3-2026`, or ISO
  `2026-03-31`; a time of day after the date (Excel exports) is ignored. Two-digit years, month
  first (US) dates that cannot be day first and dates that do not exist (`31-02-2026`) are rule
  `date`.
- **Text.** Cells are trimmed; an empty cell is null. `channel` and `task` are identifiers: also
  lower-cased, with runs of spaces turned into `_` (`Talent pool` = `talent_pool`). `kind` is
  lower-cased and the Dutch `geld`/`uren`/`taak` become `money`/`hours`/`task`; other values stay
  as written (lower-cased) so that validation rejects them by name.
- **Encodings.** A byte-order mark decides (UTF-8, or UTF-16 from Excel's "Unicode text");
  otherwise strict UTF-8, and if that fails Windows-1252 (then Latin-1 for the five bytes
  Windows-1252 leaves undefined). Line endings may be LF, CRLF, CR or mixed.
- **Header only** (no data rows) is a valid, empty submission for every kind: a partner that
  filled or opened no vacancies, contributed nothing, or a ledger without spending. It is not a
  problem; the cordon reports missing contributions by itself. A file without even a header
  is rule `empty_file`.
- **A row with more fields than the header** (typically an unquoted decimal comma in a
  `,`-separated file) is rule `too_many_fields`, because its values cannot be trusted.
  Separators at the end of a row (empty extra fields) are harmless and ignored.
- **File types.** `.csv`, `.txt` and `.tsv` are read as delimited text (separator sniffed from the
  header: `;`, tab or `,`), `.xlsx`/`.xlsm` as a workbook (first sheet). A workbook named `.csv`,
  text named `.xlsx`, a corrupt workbook, a binary file or any other extension is one file-level
  problem (rule `file_type` or `file_unreadable`).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import polars as pl

KINDS = ("vacancies", "contributions", "ledger")
KIND_SYNONYMS = {
    "vacancies": "vacancies",
    "vacatures": "vacancies",
    "contributions": "contributions",
    "bijdragen": "contributions",
    "ledger": "ledger",
    "grootboek": "ledger",
}
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
DECIMAL_TYPE = pl.Decimal(18, 2)
MAX_INTEGER_DIGITS = 16
EXCEL_SIGNIFICANT_DIGITS = 15
CONTRIBUTION_KINDS = {"geld": "money", "uren": "hours", "taak": "task"}
SNIFF_CHARS = 64 * 1024
EXTRA_FIELD = "__extra__"


@dataclass(frozen=True)
class Problem:
    """One thing wrong, in words a partner understands."""

    row_number: int | None  # as a spreadsheet shows it: header = 1; None = the whole file
    column: str | None  # canonical column (vacancy_id, cost, ...)
    source_column: str | None  # the header as written in the file (kosten)
    value: str | None
    rule: str  # short stable id: date, decimal, required_columns, ...
    message: str  # a full sentence that names the value and the rule


@dataclass
class ParsedFile:
    """A partner file as typed rows, with every problem found while reading it."""

    kind: str
    frame: pl.DataFrame  # row_number Int64 + the kind's canonical columns, typed
    problems: list[Problem] = field(default_factory=list)
    source_columns: dict[str, str] = field(default_factory=dict)  # canonical -> as written
    rows: int = 0  # data rows read (blank rows not counted)


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    convert: str  # text | slug | kind | date | decimal
    required: bool
    synonyms: tuple[str, ...]


def _spec(name: str, convert: str, required: bool, dutch: str, *others: str) -> ColumnSpec:
    return ColumnSpec(name, convert, required, (name, dutch, *others))


SPECS: dict[str, tuple[ColumnSpec, ...]] = {
    # the first synonym is the Dutch header that messages suggest
    "vacancies": (
        _spec(
            "vacancy_id",
            "text",
            True,
            "vacature_id",
            "vacancy id",
            "vacature",
            "vacaturenummer",
            "vacancy",
            "vacancy number",
        ),
        _spec("role", "text", False, "rol", "functie", "function"),
        _spec("opened_on", "date", True, "geopend_op", "geopend", "opened", "datum geopend", "open date"),
        _spec(
            "filled_on",
            "date",
            True,
            "vervuld_op",
            "vervuld",
            "filled",
            "datum vervuld",
            "ingevuld_op",
            "fill date",
        ),
        _spec("channel", "slug", True, "kanaal", "wervingskanaal"),
        _spec("cost", "decimal", True, "kosten", "costs", "wervingskosten"),
        _spec("hours", "decimal", True, "uren", "hour", "uur"),
    ),
    "contributions": (
        _spec("kind", "kind", True, "soort", "type"),
        _spec("task", "slug", False, "taak"),
        _spec("amount", "decimal", True, "aantal", "bedrag", "hoeveelheid", "quantity"),
        _spec("note", "text", False, "toelichting", "opmerking", "opmerkingen", "notes", "remark", "comment"),
    ),
    "ledger": (
        _spec("date", "date", True, "datum"),
        _spec("activity", "text", True, "activiteit", "omschrijving", "description"),
        _spec("cost", "decimal", True, "kosten", "costs", "bedrag"),
        _spec("channel", "slug", False, "kanaal"),
    ),
}
DTYPES = {"text": pl.String, "slug": pl.String, "kind": pl.String, "date": pl.Date, "decimal": DECIMAL_TYPE}


def canonical_schema(kind: str) -> dict[str, pl.DataType]:
    """The typed columns of a parsed file of `kind`, row_number first."""
    return {"row_number": pl.Int64, **{s.name: DTYPES[s.convert] for s in SPECS[kind]}}


def _header_key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.replace("\ufeff", "").lower())


def _file_problem(rule: str, message: str, value: str | None = None) -> Problem:
    return Problem(None, None, None, value, rule, message)


def parse_file_name(name: str) -> tuple[str, str | None] | Problem:
    """`vacancies_hhnk.csv` -> ('vacancies', 'hhnk'); `ledger.xlsx` -> ('ledger', None).

    Dutch prefixes (vacatures_, bijdragen_, grootboek) mean the same. The extension is not judged
    here: reading the file does that. The partner id is lower-cased.
    """
    stem = Path(name).stem if "." in name else name
    match = re.fullmatch(r"([A-Za-z]+)(?:[_-]([A-Za-z0-9][A-Za-z0-9_-]*))?", stem.strip())
    expected = (
        "name it vacancies_<partner>.csv, contributions_<partner>.csv or ledger.csv "
        "(.xlsx also works; Dutch vacatures_, bijdragen_, grootboek too)"
    )
    if not match:
        return _file_problem("file_name", f"file name '{name}' is not understood: {expected}", name)
    kind = KIND_SYNONYMS.get(match.group(1).lower())
    partner = match.group(2).lower() if match.group(2) else None
    if kind is None:
        return _file_problem(
            "file_name", f"file name '{name}' does not start with a known kind: {expected}", name
        )
    if kind == "ledger" and partner is not None:
        return _file_problem(
            "file_name",
            f"file name '{name}': the ledger belongs to the programme, not to a "
            "partner; name it ledger.csv or ledger.xlsx",
            name,
        )
    if kind != "ledger" and partner is None:
        return _file_problem("file_name", f"file name '{name}' names no partner: {expected}", name)
    return kind, partner


def _empty(kind: str) -> pl.DataFrame:
    return pl.DataFrame(schema=canonical_schema(kind))


def _rejected(kind: str, problem: Problem) -> ParsedFile:
    return ParsedFile(kind=kind, frame=_empty(kind), problems=[problem])


def read_partner_file(
    path: Path, kind: str, *, max_rows: int | None = None, max_bytes: int | None = None
) -> ParsedFile:
    """Read one partner file of `kind` into typed rows; every problem is in `.problems`."""
    if kind not in SPECS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as error:
        return _rejected(
            kind, _file_problem("file_unreadable", f"{name} cannot be opened: {error.strerror or error}")
        )
    if max_bytes is not None and size > max_bytes:
        return _rejected(
            kind,
            _file_problem(
                "file_too_large",
                f"{name} is {size:,} bytes, more than the limit of {max_bytes:,} bytes: "
                "split it or ask the regisseur to raise limits.max_file_bytes",
                str(size),
            ),
        )
    if size == 0:
        return _rejected(kind, _file_problem("empty_file", f"{name} is empty (0 bytes)"))
    suffix = path.suffix.lower()
    with path.open("rb") as handle:
        head = handle.read(8)
    is_zip = head.startswith(b"PK\x03\x04")
    if suffix in EXCEL_SUFFIXES:
        if not is_zip:
            looks = "a text (CSV) file" if _looks_like_text(path) else "not an Excel workbook"
            return _rejected(
                kind,
                _file_problem(
                    "file_type",
                    f"{name} is named {suffix} but is {looks}: save it from Excel as .xlsx, "
                    "or give it the extension .csv if it is a CSV file",
                    suffix,
                ),
            )
        table = _read_excel(path, max_rows)
    elif suffix in TEXT_SUFFIXES:
        if is_zip:
            return _rejected(
                kind,
                _file_problem(
                    "file_type",
                    f"{name} is named {suffix} but is an Excel workbook (or another zip file): "
                    "give it the extension .xlsx",
                    suffix,
                ),
            )
        table = _read_text(path, max_rows)
    else:
        return _rejected(
            kind,
            _file_problem(
                "file_type",
                f"{name} has the extension '{suffix or '(none)'}': send a .csv or .xlsx file",
                suffix or None,
            ),
        )
    if isinstance(table, Problem):
        return _rejected(kind, table)
    return _convert(kind, name, table, max_rows)


@dataclass
class _Table:
    """A file as text: the header as written and the data rows as string columns c0..cN."""

    headers: list[str]
    data: pl.DataFrame  # String columns c0..c{n-1} (+ EXTRA_FIELD); row_number Int64
    dutch: bool  # the decimal comma is the file's default (see the module docstring)


def _looks_like_text(path: Path) -> bool:
    with path.open("rb") as handle:
        sample = handle.read(4096)
    return _decode(sample, sample=True) is not None


def _decode(raw: bytes, *, sample: bool = False) -> str | None:
    """Text of `raw`, or None when it is not text. `sample`: raw may end mid-character."""
    errors = "ignore" if sample else "strict"
    try:
        if raw.startswith(codecs.BOM_UTF8):
            return raw[3:].decode("utf-8", errors)
        if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return raw.decode("utf-16", errors)
    except UnicodeDecodeError:
        return None
    probe = raw[:4096]
    if b"\x00" in probe:
        # Excel's "Unicode text" without its BOM: every other byte is zero
        if probe[1::2].count(0) > 0.9 * len(probe[1::2]) and probe[::2].count(0) == 0:
            try:
                return raw.decode("utf-16-le", errors)
            except UnicodeDecodeError:
                return None
        return None
    try:
        text = raw.decode("utf-8", errors)
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\t\r\n\f")
    if controls > 0.05 * max(1, len(text[:4096])):
        return None
    return text


def _sniff_separator(first_line: str) -> str:
    counts = {sep: 0 for sep in (";", "\t", ",")}
    quoted = False
    for ch in first_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts.values())
    if best == 0:
        return ";"
    return next(sep for sep in (";", "\t", ",") if counts[sep] == best)


def _read_text(path: Path, max_rows: int | None) -> _Table | Problem:
    name = path.name
    raw = path.read_bytes()
    is_utf8 = False
    if not raw.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            raw.decode("utf-8")
            is_utf8 = b"\x00" not in raw[:4096]
        except UnicodeDecodeError:
            pass
    if is_utf8:
        text = raw.decode("utf-8") if len(raw) <= SNIFF_CHARS else raw[:SNIFF_CHARS].decode("utf-8", "ignore")
        data = raw
    else:
        decoded = _decode(raw)
        if decoded is None and raw.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return _file_problem(
                "encoding",
                f"{name} starts with a Unicode byte-order mark but its text does not follow it: "
                "save it again as CSV UTF-8",
            )
        if decoded is None:
            return _file_problem(
                "file_type",
                f"{name} is not a text file (it holds binary data): send a .csv or .xlsx file",
            )
        text = decoded[:SNIFF_CHARS]
        data = decoded.encode("utf-8")
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    if data.count(b"\r") != data.count(b"\r\n"):
        # CR-only (old Mac) or mixed line endings: Polars only splits on \n
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    stripped = text.lstrip("\n")
    if not stripped.strip():
        return _file_problem("empty_file", f"{name} has no header and no rows")
    separator = _sniff_separator(stripped.split("\n", 1)[0])
    headers = next(csv.reader(io.StringIO(stripped), delimiter=separator))
    width = len(headers)
    # An extra column catches rows with more fields than the header (see too_many_fields);
    # reading the real header as the first data row keeps Polars from judging it.
    names = [f"c{i}" for i in range(width)] + [EXTRA_FIELD]
    synthetic = separator.join(names).encode("utf-8") + b"\n"
    blank_prefix = data[: len(data) - len(data.lstrip(b"\r\n"))]
    leading_blank = blank_prefix.count(b"\n")
    try:
        frame = pl.read_csv(
            synthetic + data[len(blank_prefix) :],
            separator=separator,
            has_header=True,
            infer_schema=False,
            truncate_ragged_lines=True,
            n_rows=None if max_rows is None else max_rows + 2,
            raise_if_empty=False,
        )
    except pl.exceptions.PolarsError as error:
        return _file_problem(
            "file_unreadable",
            f"{name} cannot be read as a '{_separator_name(separator)}'-separated file: "
            f"{str(error).splitlines()[0]}",
        )
    frame = frame.slice(1).with_row_index("row_number", offset=2 + leading_blank)
    frame = frame.with_columns(pl.col("row_number").cast(pl.Int64))
    return _Table(headers=headers, data=frame, dutch=separator != ",")


def _separator_name(separator: str) -> str:
    return {"\t": "tab"}.get(separator, separator)


def _read_excel(path: Path, max_rows: int | None) -> _Table | Problem:
    name = path.name
    options = dict(engine="calamine", drop_empty_rows=False, drop_empty_cols=False, raise_if_empty=False)
    try:
        head = pl.read_excel(path, has_header=False, read_options={"n_rows": 1}, **options)
        if head.is_empty():
            return _file_problem("empty_file", f"{name}: the first sheet is empty")
        limit = {} if max_rows is None else {"n_rows": max_rows + 1}
        frame = pl.read_excel(path, has_header=True, infer_schema_length=None, read_options=limit, **options)
        offset = _first_used_row(path)
    except Exception as error:  # fastexcel and zipfile raise many kinds: each means unreadable
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        return _file_problem(
            "file_unreadable",
            f"{name} is not a readable Excel workbook ({first}): open it in Excel and save it again as .xlsx",
        )
    headers = ["" if v is None else str(v) for v in head.row(0)]
    columns = [_excel_text(frame.get_column(c)).alias(f"c{i}") for i, c in enumerate(frame.columns)]
    data = pl.DataFrame(columns) if columns else pl.DataFrame()
    data = data.with_row_index("row_number", offset=offset + 1)
    data = data.with_columns(pl.col("row_number").cast(pl.Int64))
    return _Table(headers=headers, data=data, dutch=False)


def _first_used_row(path: Path) -> int:
    """The spreadsheet row of the first row with a value (calamine leaves empty rows above out)."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(max_row=1000, values_only=True), start=1):
            if any(v not in (None, "") for v in row):
                return number
        return 1
    finally:
        workbook.close()


def _excel_text(series: pl.Series) -> pl.Series:
    """An Excel column as text, in the forms the text converters read."""
    dtype = series.dtype
    if dtype == pl.String:
        return series
    if dtype.is_float():
        return pl.Series(
            series.name,
            [None if v is None else _float_text(v) for v in series.to_list()],
            dtype=pl.String,
        )
    if dtype == pl.Date:
        return series.dt.strftime("%Y-%m-%d")
    if dtype == pl.Datetime:
        return series.dt.strftime("%Y-%m-%d %H:%M:%S")
    return series.cast(pl.String)


def _float_text(value: float) -> str:
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    try:
        exact = Decimal(f"{value:.{EXCEL_SIGNIFICANT_DIGITS}g}")
    except InvalidOperation:
        return str(value)
    text = format(exact, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _convert(kind: str, name: str, table: _Table, max_rows: int | None) -> ParsedFile:
    specs = SPECS[kind]
    by_key: dict[str, ColumnSpec] = {}
    for spec in specs:
        for synonym in spec.synonyms:
            by_key[_header_key(synonym)] = spec
    found: dict[str, list[tuple[int, str]]] = {}
    for index, header in enumerate(table.headers):
        spec = by_key.get(_header_key(header))
        if spec is not None:
            found.setdefault(spec.name, []).append((index, header.strip().lstrip("\ufeff")))
    problems: list[Problem] = []
    for canonical, hits in found.items():
        if len(hits) > 1:
            written = " and ".join(f"'{h}'" for _, h in hits)
            problems.append(
                _file_problem(
                    "duplicate_header",
                    f"{name}: columns {written} both mean {canonical}: keep one of them",
                    ", ".join(h for _, h in hits),
                )
            )
    missing = [s.name for s in specs if s.required and s.name not in found]
    if missing:
        seen = ", ".join(f"'{h}'" for h in table.headers if h.strip()) or "none"
        wanted = ", ".join(f"{s.name} (or {s.synonyms[1]})" for s in specs if s.name in missing)
        problems.append(
            _file_problem(
                "required_columns",
                f"{name} lacks the required column(s) {', '.join(missing)}: expected {wanted}; found {seen}",
                ", ".join(missing),
            )
        )
    if max_rows is not None and table.data.height > max_rows:
        problems.append(
            _file_problem(
                "too_many_rows",
                f"{name} has more than {max_rows:,} rows, the limit of this programme: split it "
                "or ask the regisseur to raise limits.max_rows_per_file",
                str(max_rows),
            )
        )
        return ParsedFile(kind=kind, frame=_empty(kind), problems=problems)
    source_columns = {c: hits[0][1] for c, hits in found.items()}
    if problems:
        return ParsedFile(kind=kind, frame=_empty(kind), problems=problems, source_columns=source_columns)

    data = table.data
    raw = {c: pl.col(f"c{hits[0][0]}") for c, hits in found.items()}
    texts = [
        (raw[s.name].str.strip_chars() if s.name in raw else pl.lit(None, pl.String)).alias(s.name)
        for s in specs
    ]
    extra = pl.col(EXTRA_FIELD) if EXTRA_FIELD in data.columns else pl.lit(None, pl.String)
    cells = data.select(
        "row_number",
        *texts,
        extra.str.strip_chars().alias(EXTRA_FIELD),
    ).with_columns(pl.col(s.name).replace("", None) for s in specs)
    blank = pl.all_horizontal(pl.col(s.name).is_null() for s in specs) & pl.col(EXTRA_FIELD).is_null()
    cells = cells.filter(~blank)

    typed = cells
    for spec in specs:
        if spec.convert == "text":
            continue
        typed, bad = _convert_column(typed, spec, table.dutch)
        for row_number, value, reason in bad.iter_rows():
            problems.append(
                _cell_problem(spec, source_columns[spec.name], row_number, value, reason, table.dutch)
            )
    too_long = cells.filter(pl.col(EXTRA_FIELD).is_not_null())
    width = len(table.headers)
    for row_number, value in too_long.select("row_number", EXTRA_FIELD).iter_rows():
        problems.append(
            Problem(
                row_number,
                None,
                None,
                value,
                "too_many_fields",
                f"row {row_number} has more values than the {width} column(s) of the header "
                f"(the first extra value is '{value}'); often a decimal comma in a comma-separated "
                "file: put such values in quotes or use ; as separator",
            )
        )
    problems.sort(key=lambda p: (p.row_number or 0, _order(kind, p.column)))
    frame = typed.select(
        pl.col("row_number").cast(pl.Int64),
        *[pl.col(s.name).cast(DTYPES[s.convert]) for s in specs],
    )
    return ParsedFile(
        kind=kind, frame=frame, problems=problems, source_columns=source_columns, rows=frame.height
    )


def _convert_column(frame: pl.DataFrame, spec: ColumnSpec, dutch: bool) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Convert one text column; return the frame and its bad cells (row_number, value, reason).

    Conversion runs over the distinct values only (dates, channels and amounts repeat a lot)
    and is joined back, which makes a million-row file several times faster.
    """
    value, reason = _converter(spec, dutch)
    # lazy, so that Polars computes the shared sub-expressions (the cleaned text) only once
    distinct = (
        frame.lazy()
        .select(pl.col(spec.name).unique())
        .drop_nulls()
        .with_columns(value.alias("__value"), reason.alias("__reason"))
        .collect()
    )
    joined = frame.join(distinct, on=spec.name, how="left", maintain_order="left")
    bad = joined.filter(pl.col("__reason").is_not_null()).select("row_number", spec.name, "__reason")
    converted = joined.with_columns(pl.col("__value").alias(spec.name)).drop("__value", "__reason")
    return converted, bad


def _order(kind: str, column: str | None) -> int:
    names = [s.name for s in SPECS[kind]]
    return names.index(column) if column in names else -1


def _converter(spec: ColumnSpec, dutch: bool) -> tuple[pl.Expr, pl.Expr]:
    """(typed value, reason it failed or null) for one column; input is trimmed text or null."""
    text = pl.col(spec.name)
    no_reason = pl.lit(None, pl.String)
    if spec.convert == "text":
        return text, no_reason
    if spec.convert == "slug":
        return text.str.to_lowercase().str.replace_all(r"\s+", "_"), no_reason
    if spec.convert == "kind":
        return text.str.to_lowercase().replace(CONTRIBUTION_KINDS), no_reason
    if spec.convert == "date":
        return _date_expr(text)
    return _decimal_expr(text, dutch)


TIME_OF_DAY = r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$"
DAY_FIRST = r"^(?P<d>\d{1,2})[-/.](?P<m>\d{1,2})[-/.](?P<y>\d{4})$"
YEAR_FIRST = r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})$"


def _date_expr(text: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    bare = text.str.replace(TIME_OF_DAY, "")
    iso = pl.coalesce(
        _iso_from(bare.str.extract_groups(DAY_FIRST)),
        _iso_from(bare.str.extract_groups(YEAR_FIRST)),
    )
    value = iso.str.to_date("%Y-%m-%d", strict=False)
    reason = (
        pl.when(text.is_null())
        .then(None)
        .when(iso.is_null())
        .then(pl.lit("date_format"))
        .when(value.is_null())
        .then(pl.lit("date_impossible"))
        .otherwise(None)
    )
    return value, reason


def _iso_from(groups: pl.Expr) -> pl.Expr:
    return pl.concat_str(
        groups.struct.field("y"),
        pl.lit("-"),
        groups.struct.field("m").str.zfill(2),
        pl.lit("-"),
        groups.struct.field("d").str.zfill(2),
    )


NUMBER_FORMS = {
    "integer": r"^[+-]?\d+$",
    "dot_thousands": r"^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?$",
    "comma_decimal": r"^[+-]?\d*,\d+$",
    "comma_thousands": r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$",
    "dot_decimal": r"^[+-]?\d*\.\d+$",
}
DUTCH_ORDER = ("integer", "dot_thousands", "comma_decimal", "comma_thousands", "dot_decimal")
ENGLISH_ORDER = ("integer", "comma_thousands", "dot_decimal", "dot_thousands", "comma_decimal")


def _decimal_expr(text: pl.Expr, dutch: bool) -> tuple[pl.Expr, pl.Expr]:
    bare = (
        text.str.replace_all(r"(?i)\s|€|eur", "")
        .str.replace_all("\u2212", "-", literal=True)
        .str.replace(r"([,.])-{1,2}$", "${1}00")
    )
    forms = {
        "integer": bare,
        "dot_thousands": bare.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True),
        "comma_decimal": bare.str.replace(",", ".", literal=True),
        "comma_thousands": bare.str.replace_all(",", "", literal=True),
        "dot_decimal": bare,
    }
    normal: pl.Expr | pl.When | pl.Then = pl
    for form in DUTCH_ORDER if dutch else ENGLISH_ORDER:
        normal = normal.when(bare.str.contains(NUMBER_FORMS[form])).then(forms[form])
    normal = normal.otherwise(None)
    too_precise = normal.str.contains(r"\.\d{3,}$")
    value = pl.when(too_precise).then(None).otherwise(normal).cast(DECIMAL_TYPE, strict=False)
    reason = (
        pl.when(text.is_null())
        .then(None)
        .when(normal.is_null())
        .then(pl.lit("decimal_format"))
        .when(too_precise)
        .then(pl.lit("decimal_places"))
        .when(value.is_null())
        .then(pl.lit("decimal_range"))
        .otherwise(None)
    )
    return value, reason


def _cell_problem(
    spec: ColumnSpec, source: str, row_number: int, value: str, reason: str, dutch: bool
) -> Problem:
    example = "1.234,50" if dutch else "1234.50"
    messages = {
        "date_format": (
            "date",
            f"{source} '{value}' is not a date: write it day first as 31-03-2026 (or 2026-03-31)",
        ),
        "date_impossible": (
            "date",
            f"{source} '{value}' does not exist as a date: check the day and the month "
            "(day first, e.g. 31-03-2026)",
        ),
        "decimal_format": (
            "decimal",
            f"{source} '{value}' is not a number: write an amount such as {example}, "
            "or 0 when there is nothing",
        ),
        "decimal_places": (
            "decimal_places",
            f"{source} '{value}' has more than 2 decimals: round it to two decimals"
            + (" — a dot groups thousands in this file, a comma separates decimals" if dutch else ""),
        ),
        "decimal_range": (
            "decimal",
            f"{source} '{value}' is too large: at most {MAX_INTEGER_DIGITS} digits before the "
            "decimal separator",
        ),
    }
    rule, message = messages[reason]
    return Problem(row_number, spec.name, source, value, rule, message)
