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
- **The header** is the first of the top 20 lines (or rows of a sheet) that names every required
  column; title lines and export dates above it are skipped, and rows keep the numbers a
  spreadsheet shows. Without such a line the first non-blank line is judged: rule
  `required_columns`, or rule `separator` when splitting it on another character (`|`, `;`,
  `,`, tab) would have made it a header. A data row whose values all sit in its first column,
  separated by another separator than the header's, is rule `separator` on that row.
- **A quote that is never closed** swallows the rest of the file: rule `unclosed_quote` for the
  file, naming the row where it opens.
- **File types.** `.csv`, `.txt` and `.tsv` are read as delimited text (separator sniffed from the
  header: `;`, tab or `,`), `.xlsx`/`.xlsm` as a workbook. A workbook named `.csv`, text named
  `.xlsx`, a corrupt workbook, a binary file or any other extension is one file-level problem
  (rule `file_type` or `file_unreadable`). An OLE compound file named `.xlsx` is a
  password-protected workbook (rule `file_encrypted`, when it holds an `EncryptedPackage`
  stream) or an old `.xls` (rule `file_type`).
- **Sheets.** The sheet whose header names every required column is read, whatever its place (a
  notes sheet first is fine). Two such sheets are ambiguous: rule `several_sheets`. Without any,
  the first sheet with cells is judged.
- **What a workbook holds beyond values** never becomes a silent empty cell: a cell covered by
  merged cells (only the first cell of a merge holds the value) is rule `merged_cells` with the
  merged range as value; a formula without a calculated value (written by a program that does
  not calculate, such as openpyxl) is rule `formula_without_value` with the formula as value; an
  error value (`#DIV/0!`, `#N/A`) is rule `formula_error`. Only cells below the header and in a
  column the kind knows count. A formula with its calculated value is read as that value.
  Numbers in a column that also holds text come from calamine as text with up to 17
  significant digits (`12345678.119999999`); such text is read with 15, like a number cell.
- **Text that is code elsewhere** (`=HYPERLINK(...)`, `+cmd|...`, `<script>`) is accepted and
  stored verbatim: escaping belongs to the pages and the CSV downloads that show it.
"""

from __future__ import annotations

import codecs
import csv
import functools
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from xml.etree import ElementTree

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
HEADER_SEARCH_LINES = 20  # a header lower than this in a file is not looked for
FOREIGN_SEPARATORS = ("|", ";", ",", "\t")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: .xls, or an encrypted .xlsx
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")  # stream name in an encrypted workbook
FILE_INDEX = "file_index"  # which of the files read together a row comes from
FILE_MARKER = "\x1fdrijfjacht-file-"  # a line no export writes (see _parse_texts)
GROUP_FILE_BYTES = 4 << 20  # a larger file is read alone: its own query costs little next to its rows
GROUP_BYTES = 64 << 20  # text joined into one read at most (bounds the copy it takes)


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


@dataclass
class ReadBatch:
    """Files of one kind read together: all their typed rows in one frame, the rest per file."""

    rows: pl.DataFrame  # file_index (position in the list read) + row_number + the kind's columns
    files: list[ParsedFile]  # per file, in order: problems, source_columns, rows; `frame` empty


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


@functools.cache
def _empty(kind: str) -> pl.DataFrame:
    # shared: Polars frames are not changed in place, and one per file cost ~0.1 ms each
    return pl.DataFrame(schema=canonical_schema(kind))


def _rejected(kind: str, problem: Problem) -> ParsedFile:
    return ParsedFile(kind=kind, frame=_empty(kind), problems=[problem])


def read_partner_file(
    path: Path, kind: str, *, max_rows: int | None = None, max_bytes: int | None = None
) -> ParsedFile:
    """Read one partner file of `kind` into typed rows; every problem is in `.problems`."""
    batch = read_partner_files([path], kind, max_rows=max_rows, max_bytes=max_bytes)
    parsed = batch.files[0]
    parsed.frame = batch.rows.drop(FILE_INDEX)
    return parsed


def _open(
    path: Path, kind: str, max_rows: int | None, max_bytes: int | None, content: bytes | None = None
) -> ParsedFile | _Table | _TextSource:
    """A file's header and not yet parsed text (a workbook: its table), or the file rejected.

    `content`: the file's bytes when the caller already read them (to hash them)."""
    name = path.name
    try:
        size = path.stat().st_size if content is None else len(content)
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
    head = _leading_bytes(path, 8, content)
    is_zip = head.startswith(b"PK\x03\x04")
    if suffix in EXCEL_SUFFIXES:
        if head.startswith(OLE_MAGIC):
            return _rejected(kind, _ole_problem(path, suffix))
        if not is_zip:
            looks = "a text (CSV) file" if _looks_like_text(path, content) else "not an Excel workbook"
            return _rejected(
                kind,
                _file_problem(
                    "file_type",
                    f"{name} is named {suffix} but is {looks}: save it from Excel as .xlsx, "
                    "or give it the extension .csv if it is a CSV file",
                    suffix,
                ),
            )
        table = _read_excel(path, kind, max_rows)
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
        table = _prepare_text(path, kind, content)
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
    return table


@dataclass(frozen=True)
class _CellNote:
    """A cell that a workbook holds in a way the values alone do not show (merged, formula)."""

    row_number: int
    position: int  # index into the header
    reference: str  # E3
    rule: str
    value: str
    explanation: str


@dataclass
class _Table:
    """A file as text: the header as written and the data rows as string columns c0..cN."""

    headers: list[str]
    data: pl.DataFrame  # String columns c0..c{n-1} (+ EXTRA_FIELD); row_number Int64
    dutch: bool  # the decimal comma is the file's default (see the module docstring)
    separator: str | None = None  # of a text file
    notes: list[_CellNote] = field(default_factory=list)
    sheet_remark: str = ""  # which sheet of a workbook was read, when it had several


def _ole_problem(path: Path, suffix: str) -> Problem:
    """An OLE compound file under an Excel name: a password-protected workbook or an old .xls."""
    name = path.name
    if _contains(path, ENCRYPTED_STREAM):
        return _file_problem(
            "file_encrypted",
            f"{name} is protected with a password (an encrypted workbook) and cannot be read: "
            "remove the password in Excel (File > Info > Protect Workbook) and save it again",
            suffix,
        )
    return _file_problem(
        "file_type",
        f"{name} is named {suffix} but is an old Excel 97-2003 workbook (.xls): "
        "save it in Excel as 'Excel Workbook (.xlsx)'",
        suffix,
    )


def _contains(path: Path, needle: bytes, chunk: int = 1 << 20) -> bool:
    tail = b""
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(chunk), b""):
            if needle in tail + block:
                return True
            tail = block[-len(needle) :]
    return False


def _recognised(kind: str, headers: list[str]) -> set[str]:
    by_key = _synonym_index(kind)
    return {by_key[key].name for key in map(_header_key, headers) if key in by_key}


@functools.cache
def _synonym_index(kind: str) -> dict[str, ColumnSpec]:
    return {_header_key(synonym): spec for spec in SPECS[kind] for synonym in spec.synonyms}


def _is_header(kind: str, headers: list[str]) -> bool:
    return {s.name for s in SPECS[kind] if s.required} <= _recognised(kind, headers)


def _looks_like_text(path: Path, content: bytes | None = None) -> bool:
    sample = _leading_bytes(path, 4096, content)
    return _decode(sample, sample=True) is not None


def _leading_bytes(path: Path, size: int, content: bytes | None) -> bytes:
    """The first `size` bytes of the file: of `content` when the caller already read it."""
    if content is not None:
        return content[:size]
    with path.open("rb") as handle:
        return handle.read(size)


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


@dataclass
class _TextSource:
    """A delimited text file decoded to UTF-8 with its header found, not yet split into cells."""

    name: str
    headers: list[str]
    separator: str
    line_index: int  # of the header line (0 = the first line of the file)
    text: bytes | memoryview  # UTF-8 with \n line ends, from the header line on

    @property
    def size(self) -> int:
        return len(self.text)


def _prepare_text(path: Path, kind: str, content: bytes | None = None) -> _TextSource | Problem:
    name = path.name
    raw = path.read_bytes() if content is None else content
    boms = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    if not raw.startswith(boms) and b"\x00" not in raw[:4096] and _is_utf8(raw):
        text = raw[:SNIFF_CHARS].decode("utf-8", "ignore")
        data = raw
    else:
        decoded = _decode(raw)
        if decoded is None and raw.startswith(boms):
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
        del decoded
    del raw
    if data.count(b"\r") != data.count(b"\r\n"):
        # CR-only (old Mac) or mixed line endings: Polars only splits on \n
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return _file_problem("empty_file", f"{name} has no header and no rows")
    found = _find_text_header(name, kind, text)
    if isinstance(found, Problem):
        return found
    line_index, separator, headers = found
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    for _ in range(line_index):
        start = data.index(b"\n", start) + 1
    # a view, not a slice: one copy of the file in memory
    return _TextSource(name, headers, separator, line_index, memoryview(data)[start:])


def _column_names(width: int) -> list[str]:
    # An extra column catches rows with more fields than the header (see too_many_fields)
    return [f"c{i}" for i in range(width)] + [EXTRA_FIELD]


def _cells_of(content: bytes, separator: str, n_rows: int | None = None) -> pl.DataFrame:
    """Delimited text with a synthetic header line as string columns; one file or many joined
    (_parse_texts) are split alike."""
    return pl.read_csv(
        content,
        separator=separator,
        has_header=True,
        infer_schema=False,
        truncate_ragged_lines=True,
        n_rows=n_rows,
        raise_if_empty=False,
    )


def _parse_text(source: _TextSource, max_rows: int | None) -> _Table | Problem:
    """One file's text split into cells; a file Polars cannot split is one Problem."""
    name, separator = source.name, source.separator
    # reading the real header as the first data row keeps Polars from judging it
    synthetic = separator.join(_column_names(len(source.headers))).encode("utf-8") + b"\n"
    content = synthetic + source.text
    source.text = b""
    try:
        frame = _cells_of(content, separator, None if max_rows is None else max_rows + 2)
    except pl.exceptions.PolarsError as error:
        rest = content[len(synthetic) :].decode("utf-8", "replace")
        unclosed = _unclosed_quote(rest, source.line_index + 1)
        if unclosed is not None:
            row_number, line = unclosed
            return _file_problem(
                "unclosed_quote",
                f"{name}: the quote (\") opened in row {row_number} is never closed, so the rest "
                f"of the file cannot be read; row {row_number} starts with '{line}': remove the "
                "quote or close it",
                line,
            )
        return _file_problem(
            "file_unreadable",
            f"{name} cannot be read as a '{_separator_name(separator)}'-separated file: "
            f"{str(error).splitlines()[0]}",
        )
    frame = frame.slice(1).with_row_index("row_number", offset=source.line_index + 2)
    frame = frame.with_columns(pl.col("row_number").cast(pl.Int64))
    return _Table(headers=source.headers, data=frame, dutch=separator != ",", separator=separator)


def _parse_texts(sources: list[tuple[int, _TextSource]]) -> _Table | None:
    """Files that share separator and header split into cells by one Polars read.

    Per file, a Polars query costs ~10 ms of fixed overhead whatever its size, which is what a
    sector's tens of thousands of small quarterly files are made of. Their texts are joined, each
    behind a marker line that names it; the markers find each row's file and row number again.
    When a file's quoting runs over its end (a marker is swallowed) or Polars cannot split the
    whole, None: the caller reads each file alone, which names the file that is at fault.
    """
    first = sources[0][1]
    separator, width = first.separator, len(first.headers)
    parts = [separator.join(_column_names(width)).encode("utf-8") + b"\n"]
    for file_index, source in [*sources, (-1, None)]:  # -1: the end of the last file
        parts.append(f"{FILE_MARKER}{file_index}\n".encode())
        if source is not None:
            parts.append(source.text)
            if source.text[-1:] != b"\n":
                parts.append(b"\n")
    try:
        frame = _cells_of(b"".join(parts), separator)
    except pl.exceptions.PolarsError:
        return None
    del parts
    others = [c for c in frame.columns if c != "c0"]
    marker = pl.col("c0").str.starts_with(FILE_MARKER) & pl.all_horizontal(
        pl.col(c).is_null() for c in others
    )
    frame = frame.with_columns(
        pl.when(marker)
        .then(pl.col("c0").str.strip_prefix(FILE_MARKER).cast(pl.Int64))
        .forward_fill()
        .alias(FILE_INDEX)
    )
    found = frame.filter(marker).get_column(FILE_INDEX).to_list()
    if found != [file_index for file_index, _ in sources] + [-1]:
        return None
    offsets = pl.DataFrame(
        {FILE_INDEX: [i for i, _ in sources], "__offset": [s.line_index for _, s in sources]},
        schema={FILE_INDEX: pl.Int64, "__offset": pl.Int64},
    )
    # per file: the marker is row 0 and the header row 1, so data row k (from 2) is line k + index
    frame = (
        frame.with_columns(pl.int_range(pl.len(), dtype=pl.Int64).over(FILE_INDEX).alias("__k"))
        .filter((pl.col(FILE_INDEX) >= 0) & (pl.col("__k") >= 2))
        .join(offsets, on=FILE_INDEX, how="left", maintain_order="left")
        .with_columns((pl.col("__k") + pl.col("__offset")).alias("row_number"))
        .drop("__k", "__offset")
    )
    for _, source in sources:
        source.text = b""
    return _Table(headers=first.headers, data=frame, dutch=separator != ",", separator=separator)


def _find_text_header(name: str, kind: str, text: str) -> tuple[int, str, list[str]] | Problem:
    """(line index, separator, headers) of the header: the first line naming every required column.

    Exports often put a title or a date above the header; those lines are skipped (their row
    numbers still count). Without such a line the first non-blank line is the header, and
    `required_columns` later says what it lacks, unless another separator would have made it one.
    """
    lines = text.split("\n", HEADER_SEARCH_LINES)[:HEADER_SEARCH_LINES]
    first: tuple[int, str, list[str]] | None = None
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        separator, headers, is_header = _line_as_header(kind, line)
        if is_header:
            return index, separator, list(headers)
        if first is None:
            first = (index, separator, list(headers))
    assert first is not None  # the text is not blank
    index, separator, headers = first
    line = lines[index]
    for other in FOREIGN_SEPARATORS:
        if other != separator and _is_header(kind, line.split(other)):
            return _file_problem(
                "separator",
                f"{name}: the columns of the header '{_clip(line)}' are separated by '{other}': "
                "separate them by ';' (or ',' or tab)",
                other,
            )
    return first


@functools.lru_cache(maxsize=256)
def _line_as_header(kind: str, line: str) -> tuple[str, tuple[str, ...], bool]:
    """(separator, cells, whether they name every required column) of one line; remembered,
    because a sector's files of one kind mostly share their header line."""
    separator = _sniff_separator(line)
    headers = tuple(next(csv.reader([line], delimiter=separator), []))
    return separator, headers, _is_header(kind, list(headers))


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _unclosed_quote(text: str, header_row: int) -> tuple[int, str] | None:
    """(row, start of its line) where a quote opens that no later quote closes, or None."""
    row = header_row
    quoted = False
    opened_at = opened_line = line_start = 0
    for match in re.finditer(r'["\n]', text):
        if match.group() == '"':
            quoted = not quoted
            if quoted:
                opened_at, opened_line = row, line_start
        elif not quoted:
            row += 1
            line_start = match.end()
    if not quoted:
        return None
    return opened_at, _clip(text[opened_line:].split("\n", 1)[0])


def _is_utf8(raw: bytes, chunk: int = 1 << 20) -> bool:
    """Strict UTF-8, checked in pieces so that the whole file is never decoded at once."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(raw)
    try:
        for start in range(0, len(raw), chunk):
            decoder.decode(view[start : start + chunk])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _separator_name(separator: str) -> str:
    return {"\t": "tab"}.get(separator, separator)


def _read_excel(path: Path, kind: str, max_rows: int | None) -> _Table | Problem:
    """The one sheet that holds the kind's columns, with merged and formula cells noted.

    The header is the first of a sheet's top rows that names every required column, so a title
    above it is skipped. With several sheets, the sheet that has such a header is read; two such
    sheets are ambiguous and rejected. Without any, the first sheet is judged (required_columns).
    """
    import fastexcel

    name = path.name
    try:
        reader = fastexcel.read_excel(path)
        sheet_names = list(reader.sheet_names)
        tops = [
            reader.load_sheet(index, header_row=None, n_rows=HEADER_SEARCH_LINES, dtypes="string")
            .to_polars()
            .rows()
            for index in range(len(sheet_names))
        ]
    except Exception as error:  # fastexcel and zipfile raise many kinds: each means unreadable
        return _unreadable_workbook(name, error)
    found: list[tuple[int, int]] = []  # (sheet index, header row within the sheet's used range)
    for index, top in enumerate(tops):
        for offset, row in enumerate(top):
            if _is_header(kind, _texts(row)):
                found.append((index, offset))
                break
    if len(found) > 1:
        listed = ", ".join(f"'{sheet_names[index]}'" for index, _ in found)
        return _file_problem(
            "several_sheets",
            f"{name} has {len(found)} sheets with {kind} columns ({listed}): keep the rows in one "
            "sheet, or send one file per sheet",
            ", ".join(sheet_names[index] for index, _ in found),
        )
    remark = ""
    if found:
        index, offset = found[0]
    else:
        filled = [i for i, top in enumerate(tops) if any(v is not None for row in top for v in row)]
        if not filled:
            return _file_problem("empty_file", f"{name}: the workbook has no filled cells")
        index = filled[0]
        offset = next(i for i, row in enumerate(tops[index]) if any(v is not None for v in row))
        if len(sheet_names) > 1:
            remark = f" (read sheet '{sheet_names[index]}' of {', '.join(sheet_names)})"
    headers = _texts(tops[index][offset])
    try:
        header_row = _first_used_row(path, sheet_names[index]) + offset  # as the spreadsheet numbers it
        sheet = reader.load_sheet(
            index,
            header_row=header_row - 1,
            n_rows=None if max_rows is None else max_rows + 1,
            schema_sample_rows=None,
        )
        positions = {c.absolute_index: c.index for c in sheet.available_columns()}
        frame = sheet.to_polars()
        notes = _cell_notes(path, sheet_names[index], header_row, positions)
    except Exception as error:
        return _unreadable_workbook(name, error)
    columns = [_excel_text(frame.get_column(c)).alias(f"c{i}") for i, c in enumerate(frame.columns)]
    data = pl.DataFrame(columns) if columns else pl.DataFrame()
    data = data.with_row_index("row_number", offset=header_row + 1)
    data = data.with_columns(pl.col("row_number").cast(pl.Int64))
    return _Table(headers=headers, data=data, dutch=False, notes=notes, sheet_remark=remark)


def _unreadable_workbook(name: str, error: Exception) -> Problem:
    first = str(error).splitlines()[0] if str(error) else type(error).__name__
    return _file_problem(
        "file_unreadable",
        f"{name} is not a readable Excel workbook ({first}): open it in Excel and save it again as .xlsx",
    )


def _texts(row: tuple) -> list[str]:
    return ["" if v is None else str(v) for v in row]


def _first_used_row(path: Path, sheet_name: str) -> int:
    """The spreadsheet row of a sheet's first row with a value (calamine leaves empty rows above out)."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook[sheet_name]
        for number, row in enumerate(sheet.iter_rows(max_row=1000, values_only=True), start=1):
            if any(v not in (None, "") for v in row):
                return number
        return 1
    finally:
        workbook.close()


SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIP_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PACKAGE_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# only sheets with one of these markers are parsed cell by cell (a big plain sheet is not)
NOTE_MARKERS = (b"<mergeCell ", b"<f>", b"<f ", b't="e"')


def _sheet_member(archive: zipfile.ZipFile, sheet_name: str) -> str:
    """The zip member of the sheet named `sheet_name`, through workbook.xml and its relationships."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    sheets = workbook.findall(f"{SHEET_NS}sheets/{SHEET_NS}sheet")
    sheet = next(s for s in sheets if s.get("name") == sheet_name)
    target_id = sheet.get(f"{RELATIONSHIP_NS}id")
    relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    target = next(
        r.get("Target") for r in relations.iter(f"{PACKAGE_NS}Relationship") if r.get("Id") == target_id
    )
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _has_marker(archive: zipfile.ZipFile, member: str) -> bool:
    tail = b""
    with archive.open(member) as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            window = tail + block
            if any(marker in window for marker in NOTE_MARKERS):
                return True
            tail = block[-8:]
    return False


def _cell_notes(path: Path, sheet_name: str, header_row: int, positions: dict[int, int]) -> list[_CellNote]:
    """Cells below the header that merged cells cover, formulas without a value, error values.

    calamine returns all three as empty cells; a partner would see a value in Excel (or a formula
    that was never calculated, when a program other than Excel wrote the file), so each becomes a
    problem that says what is in the cell instead of a silent empty.
    """
    from openpyxl.utils.cell import (
        column_index_from_string,
        coordinate_from_string,
        get_column_letter,
        range_boundaries,
    )

    notes: list[_CellNote] = []
    with zipfile.ZipFile(path) as archive:
        member = _sheet_member(archive, sheet_name)
        if not _has_marker(archive, member):
            return notes
        with archive.open(member) as stream:
            for _, element in ElementTree.iterparse(stream):
                tag = element.tag
                if tag == f"{SHEET_NS}c":
                    note = _formula_note(element)
                    if note is not None:
                        letters, row = coordinate_from_string(element.get("r"))
                        column = column_index_from_string(letters) - 1
                        if row > header_row and column in positions:
                            rule, value, explanation = note
                            notes.append(
                                _CellNote(row, positions[column], element.get("r"), rule, value, explanation)
                            )
                elif tag == f"{SHEET_NS}row":
                    element.clear()
                elif tag == f"{SHEET_NS}mergeCell":
                    reference = element.get("ref", "")
                    low_column, low_row, high_column, high_row = range_boundaries(reference)
                    for row in range(max(low_row, header_row + 1), high_row + 1):
                        for column in range(low_column, high_column + 1):
                            if (row, column) == (low_row, low_column) or column - 1 not in positions:
                                continue
                            notes.append(
                                _CellNote(
                                    row,
                                    positions[column - 1],
                                    f"{get_column_letter(column)}{row}",
                                    "merged_cells",
                                    reference,
                                    f"is part of the merged cells {reference}, and only the first "
                                    "cell of a merge holds a value: unmerge the cells and fill in "
                                    "every row",
                                )
                            )
    return notes


def _formula_note(cell: ElementTree.Element) -> tuple[str, str, str] | None:
    formula = cell.find(f"{SHEET_NS}f")
    value = cell.find(f"{SHEET_NS}v")
    cached = None if value is None else value.text
    written = f"={formula.text}" if formula is not None and formula.text else None
    if cell.get("t") == "e":
        source = f" of the formula {written}" if written else ""
        return (
            "formula_error",
            cached or "#VALUE!",
            f"holds the error {cached}{source}: correct it or type the value",
        )
    if formula is None or (cached not in (None, "") or cell.get("t") == "str"):
        return None
    shown = written or "(a shared formula)"
    return (
        "formula_without_value",
        shown,
        f"holds the formula {shown} but no calculated value (the program that wrote the file "
        "did not calculate it): open the file in Excel and save it, or paste the values",
    )


def _excel_text(series: pl.Series) -> pl.Series:
    """An Excel column as text, in the forms the text converters read."""
    dtype = series.dtype
    if dtype == pl.String:
        return _unspill_floats(series)
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


def _unspill_floats(series: pl.Series) -> pl.Series:
    """Numbers in a column that also holds text, as Excel shows them.

    calamine turns such a column into text and writes its numbers with up to 17 significant
    digits (12345678.12 becomes '12345678.119999999'). A cell of 16 or more significant digits
    with a decimal point is such a float, never typed text (Excel keeps 15), so it is written
    again with 15 digits, like a number cell.
    """
    digits = series.str.replace_all(r"[^0-9]", "").str.strip_chars_start("0").str.len_chars()
    spilled = series.str.contains(r"^-?\d+\.\d+$") & (digits >= 16)
    if not spilled.any():
        return series
    pairs = zip(series.to_list(), spilled.fill_null(False).to_list(), strict=True)
    return pl.Series(series.name, [_float_text(float(v)) if hit else v for v, hit in pairs], dtype=pl.String)


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


@dataclass
class _Layout:
    """Which column of a file holds which of the kind's columns."""

    found: dict[str, tuple[tuple[int, str], ...]]  # canonical -> (position, header as written), all hits
    source_columns: dict[str, str]  # canonical -> header as written (the first hit)
    problems: list[Problem]  # duplicate_header, required_columns: the whole file is rejected


@functools.lru_cache(maxsize=1024)
def _columns_in(kind: str, headers: tuple[str, ...]) -> dict[str, tuple[tuple[int, str], ...]]:
    """canonical -> every (position, header as written) that names it; remembered per header."""
    by_key = _synonym_index(kind)
    found: dict[str, tuple[tuple[int, str], ...]] = {}
    for index, header in enumerate(headers):
        spec = by_key.get(_header_key(header))
        if spec is not None:
            found[spec.name] = (*found.get(spec.name, ()), (index, header.strip().lstrip("\ufeff")))
    return found


def _layout(kind: str, name: str, headers: list[str], sheet_remark: str = "") -> _Layout:
    specs = SPECS[kind]
    found = _columns_in(kind, tuple(headers))
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
        seen = ", ".join(f"'{h}'" for h in headers if h.strip()) or "none"
        wanted = ", ".join(f"{s.name} (or {s.synonyms[1]})" for s in specs if s.name in missing)
        problems.append(
            _file_problem(
                "required_columns",
                f"{name} lacks the required column(s) {', '.join(missing)}: expected {wanted}; found {seen}"
                f"{sheet_remark}",
                ", ".join(missing),
            )
        )
    source_columns = {c: hits[0][1] for c, hits in found.items()}
    return _Layout(found, source_columns, problems)


def _too_many_rows(name: str, max_rows: int) -> Problem:
    return _file_problem(
        "too_many_rows",
        f"{name} has more than {max_rows:,} rows, the limit of this programme: split it "
        "or ask the regisseur to raise limits.max_rows_per_file",
        str(max_rows),
    )


def read_partner_files(
    paths: list[Path],
    kind: str,
    *,
    max_rows: int | None = None,
    max_bytes: int | None = None,
    contents: Sequence[bytes | None] | None = None,
) -> ReadBatch:
    """Read many partner files of one `kind`; the same result as reading each alone, faster.

    Small text files that share separator and header are split into cells and converted
    together (see _parse_texts); a workbook, a large file, and a group that cannot be read as
    a whole are read alone. `contents`: per path, its bytes when the caller already has them
    (None: read from disk).
    """
    if kind not in SPECS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    files: list[ParsedFile] = [ParsedFile(kind=kind, frame=_empty(kind)) for _ in paths]
    layouts: dict[int, _Layout] = {}
    alone: list[tuple[int, _Table | _TextSource]] = []
    groups: dict[tuple[str, tuple[str, ...]], list[tuple[int, _TextSource]]] = {}
    # Path(path) of a Path parses it again: ~20 us a file, for tens of thousands of files a run
    paths = [path if isinstance(path, Path) else Path(path) for path in paths]
    for file_index, path in enumerate(paths):
        content = contents[file_index] if contents is not None else None
        opened = _open(path, kind, max_rows, max_bytes, content)
        if isinstance(opened, ParsedFile):
            files[file_index] = opened
            continue
        layout = _layout(kind, path.name, opened.headers, getattr(opened, "sheet_remark", ""))
        files[file_index].source_columns = layout.source_columns
        if layout.problems:
            files[file_index].problems = layout.problems
            continue
        layouts[file_index] = layout
        if isinstance(opened, _TextSource) and opened.size <= GROUP_FILE_BYTES:
            groups.setdefault((opened.separator, tuple(opened.headers)), []).append((file_index, opened))
        else:
            alone.append((file_index, opened))
    frames: list[pl.DataFrame] = []

    def convert(table: _Table, names: dict[int, str]) -> None:
        counts = dict(table.data.group_by(FILE_INDEX).len().iter_rows())
        over = [i for i, n in counts.items() if max_rows is not None and n > max_rows]
        for file_index in over:
            files[file_index].problems = [_too_many_rows(names[file_index], max_rows)]
        if over:
            table.data = table.data.filter(~pl.col(FILE_INDEX).is_in(over))
        if table.data.is_empty():
            return
        layout = layouts[next(iter(names))]
        typed, problems = _convert_rows(kind, table, layout, names)
        for file_index, found in problems.items():
            files[file_index].problems = found
        for file_index, rows in typed.group_by(FILE_INDEX).len().iter_rows():
            files[file_index].rows = rows
        frames.append(typed)

    pending = [chunk for members in groups.values() for chunk in _chunked(members)]
    while pending:
        chunk = pending.pop()
        table = _parse_texts(chunk) if len(chunk) > 1 else None
        if table is not None:
            convert(table, {i: source.name for i, source in chunk})
        elif len(chunk) > 1:
            # halves until the file at fault is alone: one bad file costs a few reads, not all
            pending += [chunk[: len(chunk) // 2], chunk[len(chunk) // 2 :]]
        else:
            alone.extend(chunk)
    for file_index, opened in sorted(alone, key=lambda pair: pair[0]):
        name = paths[file_index].name
        table = _parse_text(opened, max_rows) if isinstance(opened, _TextSource) else opened
        if isinstance(table, Problem):
            files[file_index] = _rejected(kind, table)
            continue
        table.data = table.data.with_columns(pl.lit(file_index, pl.Int64).alias(FILE_INDEX))
        convert(table, {file_index: name})
    schema = {FILE_INDEX: pl.Int64, **canonical_schema(kind)}
    rows = pl.concat(frames, how="vertical") if frames else pl.DataFrame(schema=schema)
    return ReadBatch(rows=rows.select(list(schema)), files=files)


def _chunked(members: list[tuple[int, _TextSource]]) -> list[list[tuple[int, _TextSource]]]:
    chunks: list[list[tuple[int, _TextSource]]] = [[]]
    size = 0
    for member in members:
        if size + member[1].size > GROUP_BYTES and chunks[-1]:
            chunks.append([])
            size = 0
        chunks[-1].append(member)
        size += member[1].size
    return chunks


def _convert_rows(
    kind: str, table: _Table, layout: _Layout, names: dict[int, str]
) -> tuple[pl.DataFrame, dict[int, list[Problem]]]:
    """The rows of one or more files that share a layout, typed; the problems per file."""
    specs = SPECS[kind]
    found, source_columns = layout.found, layout.source_columns
    at_position = {hits[0][0]: canonical for canonical, hits in found.items()}
    problems: dict[int, list[Problem]] = {i: [] for i in names}
    for file_index, problem in _squeezed_rows(table, at_position, source_columns):
        problems[file_index].append(problem)
    cells = _cells(table, found, specs)
    table.data = pl.DataFrame()  # the text of every column is no longer needed: free it
    kept = set(cells.get_column("row_number").to_list()) if table.notes else set()
    too_long = cells.filter(pl.col(EXTRA_FIELD).is_not_null()).select(FILE_INDEX, "row_number", EXTRA_FIELD)
    # `typed` then holds the only reference to the text, so each column's text is freed as soon
    # as it is converted instead of all of it living until the end (~20 MB less at 1M rows)
    typed = cells.drop(EXTRA_FIELD)
    del cells
    for spec in specs:
        if spec.convert == "text":
            continue
        typed, bad = _convert_column(typed, spec, table.dutch)
        for file_index, row_number, value, reason in bad.iter_rows():
            problems[file_index].append(
                _cell_problem(spec, source_columns[spec.name], row_number, value, reason, table.dutch)
            )
    for note in table.notes:  # workbooks only, read one at a time
        canonical = at_position.get(note.position)
        if canonical is not None and note.row_number in kept:
            source = source_columns[canonical]
            problems[next(iter(names))].append(
                Problem(
                    note.row_number,
                    canonical,
                    source,
                    note.value,
                    note.rule,
                    f"{source} (cell {note.reference}) {note.explanation}",
                )
            )
    width = len(table.headers)
    for file_index, row_number, value in too_long.iter_rows():
        problems[file_index].append(
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
    for found_problems in problems.values():
        found_problems.sort(key=lambda p: (p.row_number or 0, _order(kind, p.column)))
    frame = typed.select(
        pl.col(FILE_INDEX).cast(pl.Int64),
        pl.col("row_number").cast(pl.Int64),
        *[pl.col(s.name).cast(DTYPES[s.convert]) for s in specs],
    )
    return frame, {i: found_problems for i, found_problems in problems.items() if found_problems}


def _squeezed_rows(
    table: _Table, at_position: dict[int, str], source_columns: dict[str, str]
) -> list[tuple[int, Problem]]:
    """Rows of a text file written with another separator than its header: all in the first cell.

    Only looked for when the first column is one the kind knows, so that such a row is one of
    the rows kept (see _cells).
    """
    width = len(table.headers)
    canonical = at_position.get(0)
    if table.separator is None or width < 3 or canonical is None:
        return []
    others = [c for c in FOREIGN_SEPARATORS if c != table.separator]
    rest_empty = pl.all_horizontal(
        pl.col(f"c{i}").str.strip_chars().replace("", None).is_null() for i in range(1, width)
    )
    foreign = pl.max_horizontal(pl.col("c0").str.count_matches(c, literal=True) for c in others)
    data = table.data
    if EXTRA_FIELD in data.columns:
        rest_empty = rest_empty & pl.col(EXTRA_FIELD).is_null()
    squeezed = data.filter(rest_empty & (foreign >= 2)).select(
        FILE_INDEX, "row_number", pl.col("c0").str.strip_chars()
    )
    problems = []
    for file_index, row_number, value in squeezed.iter_rows():
        used = max(others, key=value.count)
        problems.append(
            (
                file_index,
                Problem(
                    row_number,
                    canonical,
                    source_columns[canonical],
                    value,
                    "separator",
                    f"row {row_number} has all its values in its first column ('{_clip(value)}'): "
                    f"they are separated by '{_separator_name(used)}' but the header by "
                    f"'{_separator_name(table.separator)}': use one separator in the whole file",
                ),
            )
        )
    return problems


def _cells(
    table: _Table, found: dict[str, tuple[tuple[int, str], ...]], specs: tuple[ColumnSpec, ...]
) -> pl.DataFrame:
    """row_number, the kind's columns as trimmed text (empty = null) and EXTRA_FIELD; no blank rows.

    Each step runs only where it changes something, so that a clean big file is not copied
    column by column several times over.
    """
    data = table.data
    raw = {c: f"c{hits[0][0]}" for c, hits in found.items()}
    extra = [EXTRA_FIELD] if EXTRA_FIELD in data.columns else []
    cells = data.select(
        FILE_INDEX,
        "row_number",
        *[(pl.col(raw[s.name]) if s.name in raw else pl.lit(None, pl.String)).alias(s.name) for s in specs],
        *extra,
    )
    if not extra:
        cells = cells.with_columns(pl.lit(None, pl.String).alias(EXTRA_FIELD))
    names = [s.name for s in specs if s.name in raw] + [EXTRA_FIELD]
    untidy = cells.select(
        pl.col(name).str.contains(r"^\s|\s$|^$").any().alias(name) for name in names
    ).row(0, named=True)
    tidy = [name for name, needed in untidy.items() if needed]
    if tidy:
        cells = cells.with_columns(pl.col(name).str.strip_chars().replace("", None) for name in tidy)
    blank = pl.all_horizontal(pl.col(s.name).is_null() for s in specs) & pl.col(EXTRA_FIELD).is_null()
    if cells.select(blank.any()).item():
        cells = cells.filter(~blank)
    return cells


def _convert_column(frame: pl.DataFrame, spec: ColumnSpec, dutch: bool) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Convert one text column; return the frame and its bad cells (row_number, value, reason).

    Conversion runs over the distinct values only (dates, channels and amounts repeat a lot) and
    is mapped back onto the column, which makes a million-row file several times faster and
    leaves the other columns of the frame untouched (no copy).
    """
    value, reason = _converter(spec, dutch)
    values = frame.lazy().select(pl.col(spec.name).unique()).drop_nulls()
    if spec.convert == "decimal":
        # most amounts are written plainly, and the full expression costs ~15 string passes
        plain, plain_value = _plain_decimal(spec.name, dutch)
        distinct = pl.concat(
            [
                values.filter(plain).with_columns(
                    plain_value.alias("__value"),
                    pl.when(plain_value.is_null())
                    .then(pl.lit("decimal_range"))
                    .otherwise(None)
                    .alias("__reason"),
                ),
                values.filter(~plain).with_columns(value.alias("__value"), reason.alias("__reason")),
            ]
        ).collect()
    else:
        # lazy, so that Polars computes the shared sub-expressions (the cleaned text) only once
        distinct = values.with_columns(value.alias("__value"), reason.alias("__reason")).collect()
    dtype = DTYPES[spec.convert]
    converted = frame.with_columns(
        pl.col(spec.name).replace_strict(
            distinct.get_column(spec.name), distinct.get_column("__value"), default=None, return_dtype=dtype
        )
    )
    failed = distinct.filter(pl.col("__reason").is_not_null())
    if failed.is_empty():
        none = pl.DataFrame(
            schema={FILE_INDEX: pl.Int64, "row_number": pl.Int64, spec.name: pl.String, "__reason": pl.String}
        )
        return converted, none
    bad = (
        frame.select(FILE_INDEX, "row_number", spec.name)
        .filter(pl.col(spec.name).is_in(failed.get_column(spec.name).implode()))
        .join(failed.select(spec.name, "__reason"), on=spec.name, how="left", maintain_order="left")
    )
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


# An amount as most files write it: ASCII digits, thousands grouped or not, at most two decimals,
# no sign, currency or spaces. _decimal_expr reads such text the same way (its "integer",
# thousands and decimal forms), so _plain_decimal may stand in for it on these values.
PLAIN_DECIMAL = {
    True: r"^(?:[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,[0-9]{1,2})?$",
    False: r"^(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]{1,2})?$",
}


def _plain_decimal(column: str, dutch: bool) -> tuple[pl.Expr, pl.Expr]:
    """(text is a plain amount, its value): two string operations instead of _decimal_expr's ~15.
    Too many digits give null, as in _decimal_expr (its reason: decimal_range)."""
    text = pl.col(column)
    if dutch:
        normal = text.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True)
    else:
        normal = text.str.replace_all(",", "", literal=True)
    return text.str.contains(PLAIN_DECIMAL[dutch]), normal.cast(DECIMAL_TYPE, strict=False)


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
