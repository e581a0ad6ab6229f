"""Static HTML pages from the warehouse tables: the regisseur's, one per partner, and the funders'.

`render_site(data, site_dir)` writes

    index.html                      regisseur, latest period
    periods/<period>.html           regisseur, one page per period (the period selector links them)
    partners/<id>/index.html        one partner's own figures, against programme totals
    partners/<id>/data/<table>.csv|.parquet   that partner's own rows only (in its restatements,
                                    a file another partner sent is not named); with
                                    `partner_downloads=False` the caller writes these itself
    funders/index.html              outcomes, period status, decisions, restatements, method,
                                    input manifest, validation, provenance
    plotly.min.js, static/site.css  shared by every page (relative links, so it works offline)

Pages take plain Polars frames: no Dagster, no warehouse. A page's size and build time grow with
partners and periods, not with the vacancies sent: each table is split by partner (or period) once,
a partner's page lists only its open vacancies and those filled in the latest period, and long
tables are capped (the downloads hold every row). Every text from a partner or
programme.yaml reaches the page through Jinja's autoescaping, or through `figures.plot_text` for
chart labels; figure JSON is embedded with `<`, `>` and `&` escaped so no text can close the
script element it sits in.
"""

from __future__ import annotations

import pickle
import re
import shutil
import threading
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar

import markdown
import plotly
import polars as pl
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape
from plotly.io.json import to_json_plotly

from dashboards import figures
from dashboards import workers as dashboard_workers
from dashboards.figures import (
    MONEY_INDICATORS,
    RATIO_INDICATORS,
    commitment_label,
    commitment_order,
    format_commitment,
    format_indicator,
    status_label,
)
from dashboards.i18n import MISSING, Locale

PACKAGE = Path(__file__).parent
TEMPLATES = PACKAGE / "templates"
STATIC = PACKAGE / "static"
PLOTLY_JS = "plotly.min.js"

# The site-wide tables the publish step writes to data/<name>.csv|.parquet (linked from the funders).
SITE_TABLES = (
    "submissions",
    "rejections",
    "vacancies",
    "partner_period",
    "programme_period",
    "target_progress",
    "cordon",
    "cordon_integrity",
    "fair_share",
    "joint_pot",
    "warnings",
    "validation_results",
    "period_status",
    "decisions",
    "restatements",
)
# A partner's own downloads: file name -> (SiteData attribute, column naming the partner).
PARTNER_TABLES = {
    "vacancies": ("vacancies", "partner"),
    "partner_period": ("partner_period", "partner"),
    "cordon": ("cordon", "partner"),
    "cordon_integrity": ("cordon_integrity", "scope"),
    "fair_share": ("fair_share", "partner"),
    "target_progress": ("target_progress", "scope"),
    "warnings": ("warnings", "scope"),
    "rejections": ("rejections", "partner"),
    "submissions": ("submissions", "partner"),
    "restatements": ("restatements", "partner"),
}
PARTNER_DOWNLOADS = (
    "vacancies",
    "partner_period",
    "cordon",
    "fair_share",
    "rejections",
    "submissions",
    "restatements",
)

Built = TypeVar("Built")  # what _Site.memo keeps
# render_site's worker processes from this many partners on; see render_site
PAGE_WORKERS = 1
PARALLEL_PARTNERS = 50

# Tables are capped so that a page grows with partners, not with rows sent; the downloads hold all.
MAX_ISSUE_ROWS = 200
MAX_VACANCY_ROWS = 1000
MAX_MANIFEST_ROWS = 1000
MAX_VALUE_CHARS = 120

# both become path segments of the site, so nothing else may pass
PARTNER_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
PERIOD = re.compile(r"^\d{4}Q[1-4]$")
FORMULA_START = re.compile(r"^[=+\-@\t\r]")
# a partner's input file by its name, for paths the submissions table does not know
PARTNER_FILE = re.compile(r"(?:^|/)(?:vacancies|contributions)_([a-z0-9][a-z0-9_-]*)\.(?:csv|xlsx)$")
LEDGER_FILE = re.compile(r"(?:^|/)ledger\.(?:csv|xlsx)$")
# how a restated figure is shown: a ratio as a percentage, money with its currency, any other as a number
RATIO_FIGURES = RATIO_INDICATORS | {"contribution_share", "benefit_share", "share_gap"}
MONEY_FIGURES = MONEY_INDICATORS | {
    "baseline_cost_per_hire",
    "settlement",
    "contributed",
    "spent",
    "balance",
}
SAFE_URL_SCHEMES = ("http", "https", "mailto")


def _empty() -> pl.DataFrame:
    return pl.DataFrame()


@dataclass
class SiteData:
    """Everything the pages show; plain Polars frames, any of which may be empty."""

    programme: dict
    periods: list[str]
    partner_period: pl.DataFrame = field(default_factory=_empty)
    programme_period: pl.DataFrame = field(default_factory=_empty)
    vacancies: pl.DataFrame = field(default_factory=_empty)
    rejections: pl.DataFrame = field(default_factory=_empty)
    submissions: pl.DataFrame = field(default_factory=_empty)
    target_progress: pl.DataFrame = field(default_factory=_empty)
    cordon: pl.DataFrame = field(default_factory=_empty)
    cordon_integrity: pl.DataFrame = field(default_factory=_empty)
    fair_share: pl.DataFrame = field(default_factory=_empty)
    joint_pot: pl.DataFrame = field(default_factory=_empty)
    warnings: pl.DataFrame = field(default_factory=_empty)
    run: dict = field(default_factory=dict)
    methodology_md: str = ""
    validation_results: pl.DataFrame = field(default_factory=_empty)
    # the audit trail: one row per period (period, status 'provisional'|'final', decided_by,
    # decided_at, reason, accepted_rejections); the regisseur's decisions in order (seq, action
    # 'approve'|'reopen', period, by, at, reason, accepted_rejections, files); and one row per
    # published figure that changed (version, period, partner, figure, old_value, new_value as
    # exact decimal text, reason_file: comma-separated paths or null for programme.yaml/method, run_id)
    period_status: pl.DataFrame = field(default_factory=_empty)
    decisions: pl.DataFrame = field(default_factory=_empty)
    restatements: pl.DataFrame = field(default_factory=_empty)
    # Filled vacancies counted per (period, partner, channel, field) in a column `hires`, for the
    # channel Sankey. None: counted from `vacancies`, which must then hold every filled vacancy.
    # When it is given, `vacancies` need only hold what a partner's page lists: every vacancy
    # still open and those filled in the latest period (more rows are allowed; the page picks).
    hires_by_channel: pl.DataFrame | None = None


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    json: Markup | None
    note: str = ""
    wide: bool = False


@dataclass(frozen=True)
class Badge:
    """A table cell shown as a coloured label (a status)."""

    text: str
    kind: str


@dataclass(frozen=True)
class PeriodStatus:
    """Where a period stands: its badge beside the period's title and a sentence on who decided."""

    period: str
    final: bool
    badge: Badge
    detail: str


@dataclass
class Table:
    """Cells already formatted for the page; `numeric` columns align right, `nowrap` never break,
    `code` columns hold identifiers (hashes) that may break anywhere; `empty` replaces the page's
    usual line for a table without rows."""

    headers: list[str]
    rows: list[list[str | Badge]]
    numeric: frozenset[int] = frozenset()
    note: str = ""
    footer: list[str | Badge] | None = None
    nowrap: frozenset[int] = frozenset()
    code: frozenset[int] = frozenset()
    empty: str = ""
    _body: Markup | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.headers = [_capitalised(header) for header in self.headers]

    def column_class(self, index: int) -> str:
        classes = [
            name
            for name, columns in (("num", self.numeric), ("nowrap", self.nowrap), ("code", self.code))
            if index in columns
        ]
        return " ".join(classes)

    def body_html(self) -> Markup:
        """The rows as `<tr>` elements, one a line. Built here rather than by a template macro
        per cell: a partner's page can hold thousands of cells, and a macro call costs ~20 µs each.
        Built once: a table shared by every page (the programme's) is not built again."""
        if self._body is None:
            self._body = self._rows_html(self.rows, "    ")
        return self._body

    def footer_html(self) -> Markup:
        return self._rows_html([self.footer], "") if self.footer else Markup("")

    def _rows_html(self, rows: list[list[str | Badge]], indent: str) -> Markup:
        width = max((len(row) for row in rows), default=0)
        # each cell's opening tag, with any brace doubled for str.format
        opening = [
            (f'<td class="{escape(name)}">' if (name := self.column_class(index)) else "<td>")
            .replace("{", "{{")
            .replace("}", "}}")
            for index in range(width)
        ]
        # a row of n cells as one format string: its cells go in with one call
        templates: dict[int, str] = {}
        lines = []
        cells = _escaped_cells(rows)
        start = 0
        for row in rows:
            width = len(row)
            template = templates.get(width)
            if template is None:
                parts = "".join(f"{tag}{{}}</td>" for tag in opening[:width])
                template = templates[width] = f"{indent}<tr>{parts}</tr>"
            lines.append(template.format(*cells[start : start + width]))
            start += width
        return Markup("\n".join(lines))  # noqa: S704 - every cell is escaped by _escaped_cells


# joins a table's text cells so that they are escaped in one call (escaping works per character)
CELL_SEPARATOR = "\x00"


def _escaped_cells(rows: list[list[str | Badge]]) -> list[str]:
    """Each cell as HTML, as `_cell_html` gives it, row after row."""
    flat = [value for row in rows for value in row]
    plain = [value for value in flat if type(value) is str]
    joined = CELL_SEPARATOR.join(plain)
    if not plain or joined.count(CELL_SEPARATOR) != len(plain) - 1:
        return [_cell_html(value) for value in flat]
    texts = str(escape(joined)).split(CELL_SEPARATOR)
    if len(plain) == len(flat):
        return texts
    escaped = iter(texts)
    return [next(escaped) if type(value) is str else _cell_html(value) for value in flat]


def _cell_html(value: str | Badge) -> str:
    if isinstance(value, Badge):
        return f'<span class="badge badge-{escape(value.kind)}">{escape(value.text)}</span>'
    return str(escape(value))


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Tile:
    label: str
    value: str
    cumulative: str
    change: str
    trend: str = ""
    detail: str = ""


@dataclass(frozen=True)
class Link:
    href: str
    label: str
    selected: bool = False


def formula_safe(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` as its CSV must be written: every text cell that a spreadsheet would run as a
    formula (starting with `=`, `+`, `-`, `@`, tab or carriage return) prefixed by `'`; numbers
    stay numbers."""
    return frame.with_columns(
        pl.when(pl.col(name).cast(pl.String).str.contains(FORMULA_START.pattern))
        .then(pl.lit("'") + pl.col(name).cast(pl.String))
        .otherwise(pl.col(name).cast(pl.String))
        .alias(name)
        for name, dtype in frame.schema.items()
        if isinstance(dtype, (pl.String, pl.Categorical, pl.Enum))
    )


def safe_csv(frame: pl.DataFrame, path: Path) -> Path:
    """Write `frame` as CSV with every text cell that a spreadsheet would run as a formula
    (starting with `=`, `+`, `-`, `@`, tab or carriage return) prefixed by `'`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    formula_safe(frame).write_csv(path)
    return path


def write_download(frame: pl.DataFrame, folder: Path, table: str) -> list[Path]:
    """One table of a partner's downloads in an existing `folder`: `<table>.csv` (as `safe_csv`
    writes it) and `<table>.parquet`."""
    parquet = folder / f"{table}.parquet"
    frame.write_parquet(parquet, statistics=False)
    return [safe_csv(frame, folder / f"{table}.csv"), parquet]


def hires_by_channel(vacancies: pl.DataFrame) -> pl.DataFrame:
    """Filled vacancies counted per period, partner, channel and field (column `hires`)."""
    columns = ["period", "partner", "channel", "field"]
    if not {*columns, "status"} <= set(vacancies.columns):
        return pl.DataFrame()
    return vacancies.filter(pl.col("status") == "filled").group_by(columns).len("hires").sort(columns)


def figure_json(figure: figures.Figure | None) -> Markup | None:
    """A figure's JSON (the plain data the figure builders return, or a graph object), safe inside
    `<script type="application/json">`: no `<`, `>` or `&` survive, so no string in it can close
    the element or start a comment."""
    if figure is None:
        return None
    text = to_json_plotly(figure)
    for char, replacement in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, replacement)
    return Markup(text)  # noqa: S704 - every character that could end the script is escaped above


def render_markdown(text: str) -> Markup:
    """Markdown as HTML with raw HTML shown as text and only http(s)/mailto/relative links."""
    text = re.sub(r"<!--.*?-->", "", text or "", flags=re.DOTALL)
    converter = markdown.Markdown(extensions=["tables", "fenced_code", "sane_lists"])
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    body = converter.convert(text)
    # the page's own headings are h1 and h2: the document's sit below them
    body = re.sub(r"<(/?)h([1-6])\b", lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + 2, 6)}", body)

    def _guard(match: re.Match[str]) -> str:
        scheme = match.group(2).lower()
        return match.group(0) if scheme in SAFE_URL_SCHEMES else f'{match.group(1)}="#"'

    body = re.sub(r'(href|src)="\s*([A-Za-z][A-Za-z0-9+.\-]*):[^"]*"', _guard, body)
    return Markup(body)  # noqa: S704 - raw HTML is disabled above, so the text is escaped


class _Site:
    """What every page needs: locale, partner names, periods, the template environment."""

    def __init__(self, data: SiteData):
        self.data = data
        programme = data.programme
        self.loc = Locale(programme.get("language", "en"), programme.get("currency", "EUR"))
        self.partners: list[dict] = list(programme.get("partners", []))
        for partner in self.partners:
            if not PARTNER_ID.match(str(partner["id"])):
                raise ValueError(f"partner id {partner['id']!r} is not a lower-case slug")
        self.names: dict[str, str] = {p["id"]: p["name"] for p in self.partners}
        self.periods: list[str] = list(data.periods) or _periods_in(data)
        for period in self.periods:
            if not PERIOD.match(str(period)):
                raise ValueError(f"period {period!r} is not a quarter like 2026Q1")
        self.latest: str | None = self.periods[-1] if self.periods else None
        self.min_group_size: int = int(programme.get("min_group_size", 3) or 1)
        self.fields: dict = programme.get("fields", {}) or {}
        self.valuation: dict = programme.get("valuation", {}) or {}
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.globals["t"] = self.loc.t
        self.status: dict[str, dict] = {
            str(row["period"]): row
            for row in data.period_status.iter_rows(named=True)
            if "period" in data.period_status.columns and row.get("period")
        }
        self.file_owners: dict[str, str | None] = (
            {
                str(row["path"]): row.get("partner")
                for row in data.submissions.select("path", "partner").iter_rows(named=True)
                if row.get("path")
            }
            if {"path", "partner"} <= set(data.submissions.columns)
            else {}
        )
        self.hires_by_channel = (
            data.hires_by_channel if data.hires_by_channel is not None else hires_by_channel(data.vacancies)
        )
        self._parts: dict[tuple, tuple[dict[object, pl.DataFrame], pl.DataFrame]] = {}
        self._formatted: dict[str, dict[object, Any]] = {}
        self._memo: dict[Hashable, Any] = {}

    def shared_charts(self) -> dict[str, Chart]:
        """The regisseur's charts that are the same for every period, built once per site."""
        return self.memo("shared_charts", lambda: _regisseur_shared_charts(self))

    def memo(self, key: Hashable, build: Callable[[], Built]) -> Built:
        """What is the same on every page that shows it (a table, its rows, charts, a sorted table,
        a period's status), built once per site under `key`."""
        if key not in self._memo:
            self._memo[key] = build()
        return self._memo[key]

    def part(self, table: str, column: str, value: object, order: tuple[str, ...] = ()) -> pl.DataFrame:
        """The rows of SiteData's `table` (or `hires_by_channel`) where `column` equals `value`,
        as `_sorted(rows, *order)` gives them.

        Each table is split by a column once and the parts kept: a page per partner or period then
        costs a look-up instead of a scan of the whole table. No rows (and no columns) when the
        table lacks the column. The table is sorted before it is split (a stable sort, so each
        part is in the order its own sort would give)."""
        key = (table, column, order)
        if key not in self._parts:
            frame = self.hires_by_channel if table == "hires_by_channel" else getattr(self.data, table)
            if column not in frame.columns:
                self._parts[key] = ({}, pl.DataFrame())
            else:
                frame = _sorted(frame, *order)
                parts = frame.partition_by(column, as_dict=True, maintain_order=True) if frame.height else {}
                self._parts[key] = ({k[0]: v for k, v in parts.items()}, frame.clear())
        parts, empty = self._parts[key]
        return parts.get(value, empty) if value is not None else empty

    def formatter(self, kind: str, format_value: Callable[[object], Any]) -> Callable[[object], Any]:
        """`format_value`, remembering what it gave for each value, per site and `kind`; for values
        that repeat from page to page (dates, small counts). Equal values must format alike."""
        shown = self._formatted.setdefault(kind, {})

        def formatted(value: object) -> Any:
            try:
                return shown[value]
            except KeyError:
                text = shown[value] = format_value(value)
                return text

        return formatted

    def sorted(self, table: str, *columns: str) -> pl.DataFrame:
        """`_sorted` of a whole SiteData table, sorted once per site."""
        return self.memo(("sorted", table, columns), lambda: _sorted(getattr(self.data, table), *columns))

    def render(self, template: str, root: str, **context: object) -> str:
        programme = self.data.programme
        return self.env.get_template(template).render(
            root=root,
            language=self.loc.language,
            programme_name=programme.get("name", ""),
            run={
                key: str(self.data.run.get(key, "") or "")
                for key in ("run_id", "code_version", "generated_at")
            },
            **context,
        )

    def name(self, partner: str | None) -> str:
        if partner is None:
            return ""
        return self.names.get(partner, partner)

    def scope_name(self, scope: str | None) -> str:
        return self.loc.t("programme") if scope == "programme" else self.name(scope)

    def period_status(self, period: str, for_partner: bool = False) -> PeriodStatus:
        """A period without a decision is provisional. A partner is told neither the reason of a
        reopening (free text that may name another partner) nor how many rejected rows, of all
        partners, the regisseur accepted. Built once per period (every partner's fair-share table
        shows every period's)."""
        return self.memo(
            ("period_status", period, for_partner), lambda: self._period_status(period, for_partner)
        )

    def _period_status(self, period: str, for_partner: bool) -> PeriodStatus:
        loc = self.loc
        row = self.status.get(period) or {}
        final = row.get("status") == "final"
        by = str(row.get("decided_by") or "") or MISSING
        when = loc.date(row.get("decided_at"))
        if final:
            parts = [loc.t("period_final_detail", by=by, date=when)]
            accepted = row.get("accepted_rejections")
            if accepted and not for_partner:
                parts.append(loc.t("accepted_rejections_detail", n=loc.number(accepted)))
        else:
            parts = [loc.t("period_provisional_detail")]
            if row.get("decided_by") and not for_partner:
                parts.append(loc.t("period_reopened_detail", by=by, date=when))
        reason = row.get("reason")
        if reason and not for_partner:
            parts.append(
                loc.t("period_reason_before" if final else "period_reason", reason=_truncate(reason, 400))
            )
        kind = "final" if final else "provisional"
        return PeriodStatus(period, final, Badge(loc.t(f"status_{kind}"), kind), " ".join(parts))

    def file_owner(self, path: str) -> tuple[bool, str | None]:
        """(whether the file's sender is known, the partner who sent it; None for the regisseur)."""
        if path in self.file_owners:
            return True, self.file_owners[path]
        match = PARTNER_FILE.search(path)
        if match:
            return True, match.group(1)
        if LEDGER_FILE.search(path):
            return True, None
        return False, None

    @property
    def programme_visible_to_partners(self) -> bool:
        # Programme total minus the partner's own figure gives the sum over the others, so the
        # others must number at least min_group_size for a total to be shown on a partner's page.
        return len(self.partners) - 1 >= self.min_group_size


def _periods_in(data: SiteData) -> list[str]:
    found: set[str] = set()
    for frame in (data.programme_period, data.partner_period):
        if "period" in frame.columns:
            found.update(p for p in frame["period"].to_list() if p)
    return sorted(found)


def _where(frame: pl.DataFrame, **equals: object) -> pl.DataFrame:
    """Rows where each column equals its value; no rows when a column is missing."""
    if any(column not in frame.columns for column in equals):
        return pl.DataFrame()
    if frame.height == 0:
        return frame
    return frame.filter(pl.all_horizontal(pl.col(column) == value for column, value in equals.items()))


def _row(frame: pl.DataFrame, **equals: object) -> dict | None:
    """The first row where each column equals its value, as `_where` would find it; None when
    there is none. Looked up in Python: the frames are a partner's or the programme's few rows,
    and a Polars filter costs ~50 µs whatever the size."""
    if frame.height == 0 or any(column not in frame.columns for column in equals):
        return None
    if any(value is None for value in equals.values()):
        # in Polars, a comparison with null is null, never true
        return None
    wanted = tuple(equals.values())
    columns = [frame[column].to_list() for column in equals]
    for index, values in enumerate(zip(*columns, strict=True)):
        if values == wanted:
            return frame.row(index, named=True)
    return None


def _sorted(frame: pl.DataFrame, *columns: str) -> pl.DataFrame:
    present = [c for c in columns if c in frame.columns]
    return frame.sort(present, nulls_last=True, maintain_order=True) if present and frame.height else frame


def _difference(current: object, previous: object) -> Decimal | None:
    if current is None or previous is None:
        return None
    return Decimal(str(current)) - Decimal(str(previous))


def _trend(change: Decimal | None, higher_is_better: bool | None = True) -> str:
    if change is None or change == 0 or higher_is_better is None:
        return "flat"
    return "up" if (change > 0) == higher_is_better else "down"


def _waterfall_charts(chart_id: str, row, loc) -> list:
    """The ROI waterfall of one row, this period and cumulative."""
    return [
        _chart(chart_id, loc.t("chart_waterfall"), figures.roi_waterfall(row, loc),
               note=loc.t("waterfall_note")),
        _chart(f"{chart_id}-cum", loc.t("chart_waterfall_cum"), figures.roi_waterfall(row, loc, "_cum")),
    ]


def _chart(
    chart_id: str, title: str, figure: figures.Figure | None, note: str = "", wide: bool = False
) -> Chart:
    return Chart(chart_id, title, figure_json(figure), note, wide)


def _truncate(text: object, limit: int = MAX_VALUE_CHARS) -> str:
    value = "" if text is None else str(text)
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _capped(frame: pl.DataFrame, limit: int, loc: Locale, file: str) -> tuple[pl.DataFrame, str]:
    if frame.height <= limit:
        return frame, ""
    note = loc.t("more_rows", shown=loc.number(limit), total=loc.number(frame.height), file=file)
    return frame.head(limit), note


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def render_site(
    data: SiteData,
    site_dir: Path,
    partner_downloads: bool = True,
    workers: int | None = None,
    render_here: bool | threading.Event = True,
) -> list[Path]:
    """Write every page, the shared plotly.min.js and stylesheet, and each partner's own downloads
    (from `data`; with `partner_downloads=False` the caller writes them, e.g. straight from the
    warehouse, when `data` holds only what the pages show).

    `workers` processes (`dashboards.workers`) render pages beside this one; None: PAGE_WORKERS
    from PARALLEL_PARTNERS partners on, else none, as a worker's start-up (~0.4 s) is more than a
    small site takes. With `render_here=False` this thread only hands the pages out (the caller
    has other work for this process, which the pages would slow through the GIL); with an event,
    it renders pages too once the event is set (that work is done); without workers it renders
    them all. The files are the same whoever renders them."""
    site_dir = Path(site_dir)
    site = _Site(data)
    if workers is None:
        workers = PAGE_WORKERS if len(site.partners) >= PARALLEL_PARTNERS else 0
    written = [_copy_plotly(site_dir), *_copy_static(site_dir)]
    jobs = _page_jobs(site)
    if workers <= 0:
        return written + _render_jobs(site, jobs, site_dir, partner_downloads)
    setup = (_worker_renderer, (data, site_dir, partner_downloads))
    done = dashboard_workers.render_parallel(
        _chunks(jobs),
        (lambda chunk: _render_jobs(site, chunk, site_dir, partner_downloads)) if render_here else None,
        lambda: pickle.dumps(setup, protocol=pickle.HIGHEST_PROTOCOL),
        workers,
        render_here if isinstance(render_here, threading.Event) else None,
    )
    return written + [path for chunk in done for path in chunk]


# (kind, key): ("period", "2026Q1"), ("index", None), ("partner", "hhnk"), ("funders", None)
PageJob = tuple[str, str | None]
# what a page costs, in partner pages: a regisseur page carries every partner's cordon and
# settlement; a chunk is about CHUNK_COST, so the processes finish within a chunk of each other
JOB_COST = {"period": 4, "index": 4, "funders": 6, "partner": 1}
CHUNK_COST = 16


def _page_jobs(site: _Site) -> list[PageJob]:
    """Every page, the costly ones first (the cheap ones then even out the processes' ends)."""
    regisseur: list[PageJob] = [("period", period) for period in site.periods] if site.latest else []
    return [
        *regisseur,
        ("index", None),
        ("funders", None),
        *(("partner", partner["id"]) for partner in site.partners),
    ]


def _chunks(jobs: list[PageJob]) -> list[list[PageJob]]:
    chunks: list[list[PageJob]] = [[]]
    cost = 0
    for job in jobs:
        if cost >= CHUNK_COST:
            chunks.append([])
            cost = 0
        chunks[-1].append(job)
        cost += JOB_COST[job[0]]
    return [chunk for chunk in chunks if chunk]


def _render_jobs(site: _Site, jobs: list[PageJob], site_dir: Path, downloads: bool) -> list[Path]:
    written: list[Path] = []
    for kind, key in jobs:
        if kind == "partner" and key is not None:
            written += _render_partner(site, key, site_dir, downloads)
        elif kind == "funders":
            written.append(_write(site_dir / "funders" / "index.html", _funders_page(site)))
        else:
            written.append(_render_regisseur(site, site_dir, key))
    return written


def _worker_renderer(setup: tuple[SiteData, Path, bool]) -> Callable[[list[PageJob]], list[Path]]:
    """In a worker: the site built once from the data, and the function that renders a chunk."""
    data, site_dir, downloads = setup
    site = _Site(data)
    return lambda chunk: _render_jobs(site, chunk, site_dir, downloads)


def _copy_plotly(site_dir: Path) -> Path:
    target = site_dir / PLOTLY_JS
    target.parent.mkdir(parents=True, exist_ok=True)
    bundled = Path(plotly.__file__).parent / "package_data" / PLOTLY_JS
    if bundled.is_file():
        shutil.copyfile(bundled, target)
    else:
        from plotly.offline import get_plotlyjs

        target.write_text(get_plotlyjs(), encoding="utf-8")
    return target


def _copy_static(site_dir: Path) -> list[Path]:
    written = []
    for source in sorted(STATIC.iterdir()):
        if source.is_file():
            target = site_dir / "static" / source.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            written.append(target)
    return written


# ---------------------------------------------------------------- regisseur


def _render_regisseur(site: _Site, site_dir: Path, period: str | None) -> Path:
    """The regisseur's page of `period` (periods/<period>.html), or with None the latest period's
    as the site's index.html."""
    if site.latest is None:
        return _write(site_dir / "index.html", _regisseur_page(site, None, root="", period_href=""))
    shared = site.shared_charts()
    if period is None:
        latest = _regisseur_page(site, site.latest, root="", period_href="periods/", shared=shared)
        return _write(site_dir / "index.html", latest)
    page = _regisseur_page(site, period, root="../", period_href="", shared=shared)
    return _write(site_dir / "periods" / f"{period}.html", page)


def _regisseur_shared_charts(site: _Site) -> dict[str, Chart]:
    loc, data = site.loc, site.data
    programme_period = _sorted(data.programme_period, "period")
    return {
        "hires": _chart(
            "chart-hires-period",
            loc.t("chart_hires_per_period"),
            figures.hires_per_period(programme_period, loc),
        ),
        "targets": _chart(
            "chart-targets",
            loc.t("chart_targets"),
            figures.targets(_targets_in_order(data.target_progress), site.names, loc),
            wide=True,
        ),
        "joint_pot": _chart(
            "chart-joint-pot",
            loc.t("chart_joint_pot"),
            figures.joint_pot(_sorted(data.joint_pot, "period"), loc),
        ),
    }


def _regisseur_page(
    site: _Site, period: str | None, root: str, period_href: str, shared: dict[str, Chart] | None = None
) -> str:
    loc, data = site.loc, site.data
    shared = shared or {}
    options = [Link(f"{period_href}{p}.html", p, p == period) for p in reversed(site.periods)]
    if period is None:
        return site.render(
            "regisseur.html.j2",
            root=root,
            period=None,
            status=None,
            period_options=[],
            tiles=[],
            charts=[],
            sections=[],
            partner_links=[],
        )
    period_partners = site.part("partner_period", "period", period, ("partner",))
    hires = site.part("hires_by_channel", "period", period)
    programme_row = _row(data.programme_period, period=period) or {}
    charts = [
        shared["hires"],
        _chart(
            "chart-hires-partner",
            loc.t("chart_hires_per_partner"),
            figures.hires_per_partner(period_partners, site.names, loc),
        ),
        shared["targets"],
        _chart(
            "chart-sankey",
            loc.t("chart_sankey"),
            figures.channel_sankey(hires, site.names, site.fields, loc),
            wide=True,
        ),
        *_waterfall_charts("chart-waterfall", programme_row, loc),
        _chart(
            "chart-cordon",
            loc.t("chart_cordon"),
            figures.cordon_heatmap(site.part("cordon", "period", period), "partner", site.names, loc),
            wide=True,
        ),
        _chart(
            "chart-fair-share",
            loc.t("chart_fair_share"),
            figures.fair_share_scatter(
                site.part("fair_share", "as_of_period", period), "partner", site.names, loc
            ),
            note=loc.t("settlement_note"),
        ),
        shared["joint_pot"],
    ]
    sections = [
        (loc.t("section_settlement"), _settlement_table(site, period)),
        (loc.t("section_targets"), site.memo("targets", lambda: _targets_table(site, data.target_progress))),
        (loc.t("section_files"), _files_table(site, site.part("submissions", "period", period))),
        (
            loc.t("section_rejections"),
            _rejections_table(site, site.part("rejections", "period", period), f"{root}data/rejections.csv"),
        ),
        (loc.t("section_warnings"), _warnings_table(site, site.part("warnings", "period", period))),
        (
            loc.t("section_restatements"),
            _restatements_table(
                site, site.part("restatements", "period", period), f"{root}data/restatements.csv"
            ),
        ),
    ]
    partner_links = [Link(f"{root}partners/{p['id']}/index.html", p["name"]) for p in site.partners]
    return site.render(
        "regisseur.html.j2",
        root=root,
        period=period,
        status=site.period_status(period),
        period_options=options,
        tiles=_programme_tiles(site, period),
        charts=charts,
        sections=sections,
        partner_links=partner_links,
    )


def _targets_in_order(frame: pl.DataFrame) -> pl.DataFrame:
    """Programme targets first, then each partner's, each by indicator and period."""
    if not {"scope", "indicator", "period"} <= set(frame.columns) or frame.height == 0:
        return frame
    return frame.sort(pl.col("scope") != "programme", "scope", "indicator", "period", maintain_order=True)


def _previous(site: _Site, period: str) -> str | None:
    index = site.periods.index(period) if period in site.periods else -1
    return site.periods[index - 1] if index > 0 else None


def _figure_tiles(
    site: _Site,
    current: Mapping | None,
    previous: Mapping | None,
    integrity: Mapping | None,
    previous_integrity: Mapping | None,
    has_previous: bool,
) -> list[Tile]:
    loc = site.loc
    current = current or {}
    previous = previous or {}
    no_change = loc.t("no_previous_period")

    def money_tile(key: str) -> Tile:
        change = _difference(current.get(key), previous.get(key)) if has_previous else None
        return Tile(
            loc.t(key),
            loc.money(current.get(key), decimals=0),
            loc.money(current.get(f"{key}_cum"), decimals=0),
            loc.money(change, decimals=0, signed=True) if has_previous else no_change,
            _trend(change),
        )

    def count_tile(key: str, higher_is_better: bool | None = True) -> Tile:
        change = _difference(current.get(key), previous.get(key)) if has_previous else None
        return Tile(
            loc.t(key),
            loc.number(current.get(key)),
            loc.number(current.get(f"{key}_cum")),
            loc.number(change, signed=True) if has_previous else no_change,
            _trend(change, higher_is_better),
        )

    def ratio_tile(label: str, value: object, cumulative: object, before: object, detail: str = "") -> Tile:
        change = _difference(value, before) if has_previous else None
        if not has_previous:
            shown_change = no_change
        elif change is None:
            shown_change = loc.number(None)
        else:
            shown_change = f"{loc.number(change * 100, signed=True)} {loc.t('percentage_points')}"
        return Tile(label, loc.percent(value), loc.percent(cumulative), shown_change, _trend(change), detail)

    integrity = integrity or {}
    previous_integrity = previous_integrity or {}
    detail = ""
    if integrity.get("total") is not None:
        detail = loc.t(
            "kept_of_total", kept=loc.number(integrity.get("kept")), total=loc.number(integrity.get("total"))
        )
    return [
        money_tile("net_benefit"),
        ratio_tile(loc.t("roi"), current.get("roi"), current.get("roi_cum"), previous.get("roi")),
        count_tile("driving_hires"),
        count_tile("hunting_hires", higher_is_better=None),
        money_tile("contribution"),
        money_tile("cost_savings"),
        money_tile("time_savings"),
        ratio_tile(
            loc.t("cordon_integrity"),
            integrity.get("integrity"),
            integrity.get("integrity_cum"),
            previous_integrity.get("integrity"),
            detail,
        ),
    ]


def _programme_tiles(site: _Site, period: str) -> list[Tile]:
    data = site.data
    before = _previous(site, period)
    programme_integrity = site.part("cordon_integrity", "scope", "programme")
    return _figure_tiles(
        site,
        _row(data.programme_period, period=period),
        _row(data.programme_period, period=before) if before else None,
        _row(programme_integrity, period=period),
        _row(programme_integrity, period=before) if before else None,
        before is not None,
    )


def _settlement_table(site: _Site, period: str) -> Table:
    loc = site.loc
    rows = site.part("fair_share", "as_of_period", period)
    body, total_settlement, total_contribution, total_benefit = [], Decimal(0), Decimal(0), Decimal(0)
    for row in sorted(rows.iter_rows(named=True), key=lambda r: site.name(r["partner"])):
        settlement = row.get("settlement")
        total_settlement += Decimal(str(settlement or 0))
        total_contribution += Decimal(str(row.get("contribution_cum") or 0))
        total_benefit += Decimal(str(row.get("benefit_cum") or 0))
        body.append(
            [
                site.name(row["partner"]),
                loc.money(row.get("contribution_cum"), decimals=0),
                loc.money(row.get("benefit_cum"), decimals=0),
                loc.percent(row.get("contribution_share"), 1),
                loc.percent(row.get("benefit_share"), 1),
                loc.percent(row.get("share_gap"), 1, signed=True),
                loc.money(settlement, signed=True),
            ]
        )
    headers = [
        loc.t(k)
        for k in (
            "partner",
            "contribution_cum",
            "benefit_cum",
            "contribution_share",
            "benefit_share",
            "share_gap",
            "settlement",
        )
    ]
    footer = None
    if body:
        footer = [
            loc.t("total"),
            loc.money(total_contribution, decimals=0),
            loc.money(total_benefit, decimals=0),
            "",
            "",
            "",
            loc.money(total_settlement, signed=True),
        ]
    return Table(headers, body, frozenset(range(1, 7)), footer=footer)


def _targets_table(site: _Site, frame: pl.DataFrame, first: list[list[str | Badge]] | None = None) -> Table:
    """The targets of `frame`, after the rows `first` (already in order)."""
    loc = site.loc
    headers = [loc.t(k) for k in ("scope", "indicator", "period", "expected", "actual", "ratio", "status")]
    return Table(headers, [*(first or []), *_target_rows(site, frame)], frozenset({3, 4, 5}))


def _target_rows(site: _Site, frame: pl.DataFrame) -> list[list[str | Badge]]:
    loc = site.loc
    body: list[list[str | Badge]] = []
    for row in _targets_in_order(frame).iter_rows(named=True):
        indicator = row.get("indicator", "")
        try:
            indicator_label = loc.t(indicator)
        except KeyError:
            indicator_label = indicator
        body.append(
            [
                site.scope_name(row.get("scope")),
                indicator_label + (" ↓" if row.get("lower_is_better") else ""),
                str(row.get("period", "")),
                format_indicator(loc, indicator, row.get("expected")),
                format_indicator(loc, indicator, row.get("actual")),
                loc.percent(row.get("ratio")),
                Badge(status_label(loc, row.get("status")), str(row.get("status", ""))),
            ]
        )
    return body


def _files_table(site: _Site, frame: pl.DataFrame) -> Table:
    loc = site.loc
    body = [
        [
            site.name(row.get("partner")),
            str(row.get("kind") or ""),
            str(row.get("path") or ""),
            loc.number(row.get("rows")),
            loc.number(row.get("accepted")),
            loc.number(row.get("rejected")),
            str(row.get("superseded_by") or ""),
        ]
        for row in _sorted(frame, "partner", "kind", "path").iter_rows(named=True)
    ]
    headers = [loc.t(k) for k in ("partner", "kind", "file", "rows", "accepted", "rejected", "superseded_by")]
    return Table(headers, body, frozenset({3, 4, 5}))


def _rejections_table(site: _Site, frame: pl.DataFrame, download: str, with_partner: bool = True) -> Table:
    loc = site.loc
    shown, note = _capped(_sorted(frame, "path", "row_number", "column"), MAX_ISSUE_ROWS, loc, download)
    body = []
    for row in shown.iter_rows(named=True):
        column = row.get("column") or ""
        source = row.get("source_column")
        if source and source != column:
            column = f"{column} ({source})"
        cells = [
            str(row.get("path") or ""),
            loc.number(row.get("row_number")),
            column,
            _truncate(row.get("value")),
            str(row.get("rule") or ""),
            _truncate(row.get("message"), 400),
        ]
        body.append(([site.name(row.get("partner"))] if with_partner else []) + cells)
    keys = ("file", "row", "column", "value", "rule", "message")
    headers = ([loc.t("partner")] if with_partner else []) + [loc.t(k) for k in keys]
    return Table(headers, body, frozenset({2 if with_partner else 1}), note)


def _warnings_table(site: _Site, frame: pl.DataFrame) -> Table:
    loc = site.loc
    body = [
        [
            site.scope_name(row.get("scope")),
            str(row.get("period") or ""),
            str(row.get("figure") or ""),
            str(row.get("rule") or ""),
            str(row.get("message") or ""),
        ]
        for row in _sorted(frame, "scope", "period", "figure").iter_rows(named=True)
    ]
    headers = [loc.t(k) for k in ("scope", "period", "figure", "rule", "message")]
    return Table(headers, body)


# ---------------------------------------------------------------- partner


def _render_partner(site: _Site, partner: str, site_dir: Path, downloads: bool = True) -> list[Path]:
    folder = site_dir / "partners" / partner
    written = _write_partner_downloads(site, partner, folder / "data") if downloads else []
    written.append(_write(folder / "index.html", _partner_page(site, partner)))
    return written


def _partner_rows(site: _Site, table: str, partner: str, *order: str) -> pl.DataFrame:
    attribute, column = PARTNER_TABLES[table]
    return site.part(attribute, column, partner, order)


def _own_restatements(site: _Site, partner: str) -> pl.DataFrame:
    """The partner's own restatements, with every file that another partner sent named only as such."""
    rows = _partner_rows(site, "restatements", partner)
    if "reason_file" not in rows.columns or rows.height == 0:
        return rows
    masked = [_reason_files(site, value, partner) for value in rows["reason_file"].to_list()]
    return rows.with_columns(pl.Series("reason_file", masked, dtype=pl.String))


def partner_restatements(data: SiteData) -> pl.DataFrame:
    """Every partner's restatements as its download holds them: in each row, a file that another
    partner than the row's own sent is named only as such. Rows without a partner are left out."""
    site = _Site(data)
    frame = data.restatements
    if not {"partner", "reason_file"} <= set(frame.columns) or frame.height == 0:
        return frame
    frame = frame.filter(pl.col("partner").is_not_null())
    masked = [
        _reason_files(site, value, partner)
        for value, partner in zip(frame["reason_file"].to_list(), frame["partner"].to_list(), strict=True)
    ]
    return frame.with_columns(pl.Series("reason_file", masked, dtype=pl.String))


def _write_partner_downloads(site: _Site, partner: str, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table in PARTNER_DOWNLOADS:
        rows = (
            _own_restatements(site, partner)
            if table == "restatements"
            else _partner_rows(site, table, partner)
        )
        written += write_download(rows, folder, table)
    return written


def _partner_page(site: _Site, partner: str) -> str:
    loc, data = site.loc, site.data
    root = "../../"
    show_programme = site.programme_visible_to_partners
    own = _partner_rows(site, "partner_period", partner, "period")
    own_cordon = _partner_rows(site, "cordon", partner)
    own_fair = _partner_rows(site, "fair_share", partner, "as_of_period")
    own_integrity = _partner_rows(site, "cordon_integrity", partner)
    latest = site.latest
    before = _previous(site, latest) if latest else None
    current = _row(own, period=latest) if latest else None
    tiles = (
        _figure_tiles(
            site,
            current,
            _row(own, period=before) if before else None,
            _row(own_integrity, period=latest) if latest else None,
            _row(own_integrity, period=before) if before else None,
            before is not None,
        )
        if latest
        else []
    )
    programme_rows = site.sorted("programme_period", "period") if show_programme else pl.DataFrame()
    charts = [
        _chart("chart-own-hires", loc.t("chart_hires_per_period"), figures.hires_per_period(own, loc)),
        *_waterfall_charts("chart-own-waterfall", current, loc),
        _chart("chart-own-value", loc.t("chart_value"), figures.value_over_time(own, loc)),
        _chart(
            "chart-own-cost",
            loc.t("chart_cost_per_hire"),
            figures.cost_per_hire(own, programme_rows if show_programme else None, loc),
        ),
        _chart(
            "chart-own-cordon",
            loc.t("chart_cordon_own"),
            figures.cordon_heatmap(own_cordon, "period", {}, loc),
        ),
        _chart(
            "chart-own-fair-share",
            loc.t("chart_fair_share_own"),
            figures.fair_share_scatter(own_fair, "as_of_period", {}, loc, connect=True),
            note=loc.t("settlement_note"),
        ),
    ]
    own_targets = site.part("target_progress", "scope", partner)
    programme_targets = None
    if show_programme and {"scope", "indicator", "period"} <= set(data.target_progress.columns):
        # ordered, the programme's targets come first: the same rows on every partner's page
        programme = site.part("target_progress", "scope", "programme")
        programme_targets = site.memo("programme_targets", lambda: _target_rows(site, programme))
    elif show_programme:
        own_targets = pl.concat(
            [own_targets, site.part("target_progress", "scope", "programme")], how="vertical_relaxed"
        )
    programme_current = _row(data.programme_period, period=latest) if (show_programme and latest) else None
    sections = [
        (
            loc.t("section_cordon_own"),
            _cordon_table(site, _where(own_cordon, period=latest) if latest else own_cordon),
        ),
        (loc.t("section_fair_share_own"), _own_fair_share_table(site, own_fair)),
        (
            loc.t("section_restatements_own"),
            _restatements_table(site, _own_restatements(site, partner), "data/restatements.csv", partner),
        ),
        (loc.t("section_targets"), _targets_table(site, own_targets, programme_targets)),
    ]
    if show_programme:
        programme_table = site.memo("programme", lambda: _programme_table(site))
        sections.append((loc.t("section_programme_totals"), programme_table))
    sections += [
        (loc.t("section_vacancies"), _partner_vacancies_table(site, partner)),
        (
            loc.t("section_rejections_own"),
            _rejections_table(site, _partner_rows(site, "rejections", partner), "data/rejections.csv", False),
        ),
        (loc.t("section_warnings_own"), _warnings_table(site, _partner_rows(site, "warnings", partner))),
    ]
    downloads = [
        (loc.t(f"download_{table}"), f"data/{table}.csv", f"data/{table}.parquet")
        for table in PARTNER_DOWNLOADS
    ]
    return site.render(
        "partner.html.j2",
        root=root,
        partner_name=site.name(partner),
        period=latest,
        status=site.period_status(latest, for_partner=True) if latest else None,
        tiles=tiles,
        formulas=_formula_table(
            site, current, _row(own_integrity, period=latest) if latest else None, programme_current
        ),
        charts=charts,
        sections=sections,
        downloads=downloads,
        programme_hidden=None if show_programme else loc.t("programme_hidden", n=site.min_group_size),
    )


FIGURE_KINDS = {
    "driving_hires": "count",
    "hunting_hires": "count",
    "days_saved": "count",
    "roi": "ratio",
    "cordon_integrity": "ratio",
}


def _worked_examples(loc: Locale, row: Mapping, integrity: Mapping, valuation: Mapping) -> dict[str, str]:
    """Each figure's formula with the partner's own numbers of the period filled in."""

    def money(key: str) -> str:
        return loc.money(row.get(key))

    def equation(operator: str, parts: list[str], result: str) -> str:
        return f" {operator} ".join(parts) + f" = {result}"

    hours_value = None
    if row.get("contribution") is not None and row.get("contribution_money") is not None:
        hours_value = Decimal(str(row["contribution"])) - Decimal(str(row["contribution_money"]))
    hires = loc.number(row.get("driving_hires"))
    days = loc.number(row.get("days_saved"))
    if "vacancy_day_cost" in valuation:
        time_savings = equation("×", [days, loc.money(valuation["vacancy_day_cost"])], money("time_savings"))
    else:
        time_savings = money("time_savings")
    if {"deadweight", "attribution"} <= valuation.keys():
        keep = [f"(1 − {loc.percent(valuation[key])})" for key in ("deadweight", "attribution")]
        benefit = equation("×", [money("gross_benefit"), *keep], money("benefit"))
    else:
        benefit = f"{money('gross_benefit')} → {money('benefit')}"
    worked = {
        "contribution": equation(
            "+", [money("contribution_money"), loc.money(hours_value)], money("contribution")
        ),
        "driving_hires": hires,
        "hunting_hires": loc.number(row.get("hunting_hires")),
        "own_driving_cost": money("own_driving_cost"),
        "counterfactual_cost": equation(
            "×", [hires, money("baseline_cost_per_hire")], money("counterfactual_cost")
        ),
        "cost_savings": equation(
            "−", [money("counterfactual_cost"), money("own_driving_cost")], money("cost_savings")
        ),
        "days_saved": days,
        "time_savings": time_savings,
        "gross_benefit": equation(
            "+", [money("cost_savings"), money("time_savings")], money("gross_benefit")
        ),
        "benefit": benefit,
        "net_benefit": equation("−", [money("benefit"), money("contribution")], money("net_benefit")),
        "roi": equation("÷", [money("net_benefit"), money("contribution")], loc.percent(row.get("roi"), 1)),
        "cordon_integrity": equation(
            "÷",
            [loc.number(integrity.get("kept")), loc.number(integrity.get("total"))],
            loc.percent(integrity.get("integrity")),
        ),
    }
    # a currency symbol stays on the same line as its amount
    return {key: text.replace(f"{loc.symbol} ", f"{loc.symbol}\u00a0") for key, text in worked.items()}


def _formula_table(
    site: _Site, row: Mapping | None, integrity: Mapping | None, programme: Mapping | None
) -> Table:
    loc = site.loc
    row, integrity = row or {}, integrity or {}
    body = []
    for key, text in _worked_examples(loc, row, integrity, site.valuation).items():
        kind = FIGURE_KINDS.get(key, "money")
        if key == "cordon_integrity":
            this, cumulative = integrity.get("integrity"), integrity.get("integrity_cum")
        else:
            this, cumulative = row.get(key), row.get(f"{key}_cum")
        shown = [_display(loc, kind, this), _display(loc, kind, cumulative)]
        if programme is not None:
            # programme integrity is in the programme table; here it would sit beside a partner's count
            shown.append("" if key == "cordon_integrity" else _display(loc, kind, programme.get(key)))
        body.append([loc.t(key), *shown, loc.t(f"formula_{key}"), text])
    headers = [loc.t("figure"), loc.t("this_period"), loc.t("cumulative")]
    if programme is not None:
        headers.append(f"{loc.t('programme')} ({loc.t('this_period')})")
    headers += [loc.t("formula"), loc.t("with_your_numbers")]
    numeric = frozenset(range(1, 4 if programme is not None else 3))
    return Table(headers, body, numeric, loc.t("formulas_note"))


def _display(loc: Locale, kind: str, value: object) -> str:
    if kind == "count":
        return loc.number(value)
    if kind == "ratio":
        return loc.percent(value, 1)
    return loc.money(value, decimals=0)


def _quantity(loc: Locale, value: object) -> str:
    """Hours with as many decimals as they have (up to two): 7,5 and 12, not 12,00."""
    if value is None:
        return loc.number(None)
    number = Decimal(str(value)).quantize(Decimal("0.01")).normalize()
    return loc.number(number, max(0, -number.as_tuple().exponent))


def _cordon_table(site: _Site, frame: pl.DataFrame) -> Table:
    loc = site.loc
    body = [
        [
            str(row.get("period") or ""),
            commitment_label(loc, row["commitment"]),
            format_commitment(loc, row["commitment"], row.get("committed")),
            format_commitment(loc, row["commitment"], row.get("delivered")),
            format_commitment(loc, row["commitment"], row.get("gap")),
            Badge(status_label(loc, row.get("status")), str(row.get("status") or "")),
        ]
        for row in sorted(
            frame.iter_rows(named=True),
            key=lambda r: (r.get("period") or "", commitment_order(r["commitment"])),
        )
    ]
    headers = [loc.t(k) for k in ("period", "commitment", "committed", "delivered", "gap", "status")]
    return Table(headers, body, frozenset({2, 3, 4}), nowrap=frozenset({0}))


def _own_fair_share_table(site: _Site, frame: pl.DataFrame) -> Table:
    loc = site.loc
    body = [
        [
            str(row.get("as_of_period") or ""),
            site.period_status(str(row.get("as_of_period") or ""), for_partner=True).badge,
            loc.money(row.get("contribution_cum"), decimals=0),
            loc.money(row.get("benefit_cum"), decimals=0),
            loc.percent(row.get("contribution_share"), 1),
            loc.percent(row.get("benefit_share"), 1),
            loc.percent(row.get("share_gap"), 1, signed=True),
            loc.money(row.get("settlement"), signed=True),
        ]
        for row in frame.iter_rows(named=True)
    ]
    headers = [
        loc.t(k)
        for k in (
            "as_of",
            "status",
            "contribution_cum",
            "benefit_cum",
            "contribution_share",
            "benefit_share",
            "share_gap",
            "settlement",
        )
    ]
    return Table(headers, body, frozenset(range(2, 8)), loc.t("settlement_note"), nowrap=frozenset({0}))


def _programme_table(site: _Site) -> Table:
    loc = site.loc
    integrity = {
        r["period"]: r.get("integrity")
        for r in site.part("cordon_integrity", "scope", "programme").iter_rows(named=True)
    }
    body = [
        [
            str(row["period"]),
            loc.number(row.get("driving_hires")),
            loc.number(row.get("hunting_hires")),
            loc.money(row.get("contribution"), decimals=0),
            loc.money(row.get("benefit"), decimals=0),
            loc.money(row.get("net_benefit"), decimals=0),
            loc.money(row.get("net_benefit_cum"), decimals=0),
            loc.percent(row.get("roi")),
            loc.percent(integrity.get(row["period"])),
        ]
        for row in site.sorted("programme_period", "period").iter_rows(named=True)
    ]
    headers = [
        loc.t(k)
        for k in (
            "period",
            "driving_hires",
            "hunting_hires",
            "contribution",
            "benefit",
            "net_benefit",
            "net_benefit_cum",
            "roi",
            "cordon_integrity",
        )
    ]
    return Table(headers, body, frozenset(range(1, 9)))


def _partner_vacancies_table(site: _Site, partner: str) -> Table:
    """The vacancies a partner has open, then those it filled in the latest period, newest period
    first. Its whole history is in its download: listing it here would make every page, and every
    run, grow with all the vacancies ever sent."""
    loc, latest = site.loc, site.latest
    rows = _partner_rows(site, "vacancies", partner)
    if rows.height and {"status", "period", "vacancy_id"} <= set(rows.columns):
        rows = rows.filter(
            (pl.col("status") == "open") | ((pl.col("status") == "filled") & (pl.col("period") == latest))
        ).sort("period", "vacancy_id", descending=[True, False], nulls_last=True)
    shown, more = _capped(rows, MAX_VACANCY_ROWS, loc, "data/vacancies.csv")
    links = Markup(
        '<a href="data/vacancies.csv" download>{}</a> · <a href="data/vacancies.parquet" download>{}</a>'
    ).format(loc.t("download_csv"), loc.t("download_parquet"))
    note = escape(loc.t("vacancies_shown_note", period=latest or MISSING)) + Markup(" ") + links
    if more:
        note += Markup(" ") + more
    table = _vacancies_table(site, shown, note)
    table.empty = loc.t("no_vacancies_shown", period=latest or MISSING)
    return table


def _vacancies_table(site: _Site, frame: pl.DataFrame, note: str) -> Table:
    loc = site.loc
    # dates, day counts, hours and statuses repeat across vacancies and partners: formatted once
    date = site.formatter("date", loc.date)
    days = site.formatter("number", loc.number)
    hours = site.formatter("hours", lambda value: _quantity(loc, value))
    badge = site.formatter(
        "vacancy_status",
        lambda status: Badge(
            loc.t(f"vacancy_status_{status}") if status in ("filled", "open") else status, status
        ),
    )
    body = []
    for row in frame.iter_rows(named=True):
        field = row.get("field")
        body.append(
            [
                str(row.get("vacancy_id") or ""),
                str(row.get("period") or ""),
                str(row.get("role") or ""),
                str(row.get("channel") or ""),
                loc.t(field) if field in ("driving", "hunting") else str(field or ""),
                date(row.get("opened_on")),
                date(row.get("filled_on")) if row.get("filled_on") else "",
                days(row.get("days_to_fill")) if row.get("days_to_fill") is not None else "",
                loc.money(row.get("cost")),
                hours(row.get("hours")),
                badge(row.get("status") or ""),
            ]
        )
    headers = [
        loc.t(k)
        for k in (
            "vacancy_id",
            "period",
            "role",
            "channel",
            "field",
            "opened_on",
            "filled_on",
            "days_to_fill",
            "cost",
            "hours",
            "status",
        )
    ]
    return Table(headers, body, frozenset({7, 8, 9}), note, nowrap=frozenset({0, 1, 5, 6}))


# ---------------------------------------------------------------- funders


def _funders_page(site: _Site) -> str:
    loc, data = site.loc, site.data
    programme_period = _sorted(data.programme_period, "period")
    charts = [
        _chart("chart-value", loc.t("chart_value"), figures.value_over_time(programme_period, loc)),
        _chart(
            "chart-hires-period",
            loc.t("chart_hires_per_period"),
            figures.hires_per_period(programme_period, loc),
        ),
        _chart(
            "chart-targets",
            loc.t("chart_targets"),
            figures.targets(_targets_in_order(data.target_progress), site.names, loc),
            wide=True,
        ),
        _chart(
            "chart-joint-pot",
            loc.t("chart_joint_pot"),
            figures.joint_pot(_sorted(data.joint_pot, "period"), loc),
        ),
    ]
    sections = [
        (loc.t("section_outcomes"), site.memo("programme", lambda: _programme_table(site))),
        (loc.t("section_period_status"), _period_status_table(site)),
        (loc.t("section_targets"), site.memo("targets", lambda: _targets_table(site, data.target_progress))),
    ]
    audit = [
        (loc.t("section_decisions"), _decisions_table(site)),
        (
            loc.t("section_restatements"),
            _restatements_table(site, data.restatements, "../data/restatements.csv", with_run=True),
        ),
        (loc.t("section_manifest"), _manifest_table(site)),
        (loc.t("section_validation"), _validation_table(site)),
    ]
    tables = [(name, f"../data/{name}.csv", f"../data/{name}.parquet") for name in SITE_TABLES]
    return site.render(
        "funders.html.j2",
        root="../",
        period=site.latest,
        status=site.period_status(site.latest) if site.latest else None,
        charts=charts,
        sections=sections,
        methodology=render_markdown(data.methodology_md),
        audit=audit,
        tables=tables,
    )


def _manifest_table(site: _Site) -> Table:
    """The files behind the figures, latest period first; a sector's ten years of files (tens of
    thousands) are capped here and complete in data/submissions.csv and manifest.json."""
    loc = site.loc
    files = site.data.submissions
    if files.height:
        files = files.sort(["period", "path"], descending=[True, False], nulls_last=True)
    shown, note = _capped(files, MAX_MANIFEST_ROWS, loc, "../data/submissions.csv")
    body = [
        [
            str(row.get("partner") or ""),
            str(row.get("period") or ""),
            str(row.get("path") or ""),
            str(row.get("sha256") or ""),
            loc.number(row.get("rows")),
            loc.number(row.get("accepted")),
            loc.number(row.get("rejected")),
            str(row.get("superseded_by") or ""),
        ]
        for row in shown.iter_rows(named=True)
    ]
    headers = [
        loc.t(k)
        for k in ("partner", "period", "file", "sha256", "rows", "accepted", "rejected", "superseded_by")
    ]
    return Table(headers, body, frozenset({4, 5, 6}), note=note, nowrap=frozenset({1}), code=frozenset({3}))


def _validation_table(site: _Site) -> Table:
    loc = site.loc
    body = []
    for row in _sorted(site.data.validation_results, "period", "kind", "expectation", "column").iter_rows(
        named=True
    ):
        success = row.get("success")
        body.append(
            [
                str(row.get("kind") or ""),
                str(row.get("period") or ""),
                str(row.get("expectation") or ""),
                str(row.get("column") or ""),
                Badge(loc.t("yes") if success else loc.t("no"), "met" if success else "behind"),
                loc.number(row.get("unexpected_count")),
            ]
        )
    headers = [loc.t(k) for k in ("kind", "period", "expectation", "column", "success", "unexpected_count")]
    return Table(headers, body, frozenset({5}))


# ---------------------------------------------------------------- audit trail


def _moment(loc: Locale, value: object) -> str:
    """An ISO timestamp as date and time, in UTC when it carries an offset."""
    if value is None:
        return MISSING
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if len(str(value)) <= 10:
        return loc.date(moment)
    if moment.tzinfo is not None:
        return f"{loc.date(moment.astimezone(UTC))} {moment.astimezone(UTC):%H:%M} UTC"
    return f"{loc.date(moment)} {moment:%H:%M}"


def _period_status_table(site: _Site) -> Table:
    loc = site.loc
    body = []
    for period in sorted(set(site.periods) | set(site.status)):
        row = site.status.get(period) or {}
        status = site.period_status(period)
        accepted = row.get("accepted_rejections")
        body.append(
            [
                period,
                status.badge,
                str(row.get("decided_by") or ""),
                loc.date(row.get("decided_at")) if row.get("decided_at") else "",
                loc.number(accepted) if accepted is not None else "",
                _truncate(row.get("reason"), 400),
            ]
        )
    headers = [
        loc.t(k) for k in ("period", "status", "decided_by", "decided_at", "accepted_rejections", "reason")
    ]
    return Table(headers, body, frozenset({4}), loc.t("period_status_note"), nowrap=frozenset({0, 3}))


def _decisions_table(site: _Site) -> Table:
    loc = site.loc
    body = []
    for row in _sorted(site.data.decisions, "seq").iter_rows(named=True):
        action = str(row.get("action") or "")
        label = loc.t(f"action_{action}") if action in ("approve", "reopen") else action
        accepted, files = row.get("accepted_rejections"), row.get("files")
        body.append(
            [
                loc.number(row.get("seq")),
                Badge(label, action),
                str(row.get("period") or ""),
                str(row.get("by") or ""),
                _moment(loc, row.get("at")),
                loc.number(files) if files is not None else "",
                loc.number(accepted) if accepted is not None else "",
                _truncate(row.get("reason"), 400),
            ]
        )
    headers = [
        loc.t(k)
        for k in (
            "seq",
            "action",
            "period",
            "decided_by",
            "decided_at",
            "files",
            "accepted_rejections",
            "reason",
        )
    ]
    return Table(headers, body, frozenset({0, 5, 6}), nowrap=frozenset({2, 4}), empty=loc.t("no_decisions"))


def _figure_label(loc: Locale, figure: str) -> str:
    try:
        return loc.t(figure)
    except KeyError:
        pass
    if figure.endswith("_cum"):
        try:
            return f"{loc.t(figure.removesuffix('_cum'))} ({loc.t('cumulative')})"
        except KeyError:
            pass
    return figure


def _exact(value: object) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _places(*values: Decimal | None) -> int:
    """The decimals it takes to show every value exactly (1.50 takes one, 12 none)."""
    return max((max(0, -int(v.normalize().as_tuple().exponent)) for v in values if v is not None), default=0)


def _restated(loc: Locale, figure: str, old_text: object, new_text: object) -> list[str]:
    """Old value, new value and the change, each the way the figure is shown elsewhere, but with
    enough decimals that a change of one cent does not round away."""
    old, new = _exact(old_text), _exact(new_text)
    change = new - old if old is not None and new is not None else None
    base = figure.removesuffix("_cum")
    if base in RATIO_FIGURES:
        shown = [loc.percent(old, 1), loc.percent(new, 1)]
        shifted = (
            f"{loc.number(change * 100, 1, signed=True)} {loc.t('percentage_points')}"
            if change is not None
            else MISSING
        )
    elif base in MONEY_FIGURES:
        places = min(max(2, _places(old, new)), 4)
        shown = [loc.money(old, places), loc.money(new, places)]
        shifted = loc.money(change, places, signed=True)
    else:
        places = min(_places(old, new), 4)
        shown = [loc.number(old, places), loc.number(new, places)]
        shifted = loc.number(change, places, signed=True)
    # text that is not a number is shown as it came, so nothing is hidden behind a dash
    for index, (text, number) in enumerate(((old_text, old), (new_text, new))):
        if number is None and text is not None:
            shown[index] = _truncate(text)
    return [*shown, shifted]


def _reason_files(site: _Site, value: object, partner: str | None = None) -> str | None:
    """The comma-separated files behind a restatement; for a partner, another partner's file is named
    only as such, so neither its name nor its sender reaches the page."""
    if value is None or not str(value).strip():
        return None
    paths = [path.strip() for path in str(value).split(",") if path.strip()]
    if partner is None:
        return ", ".join(paths)
    shown: list[str] = []
    for path in paths:
        known, owner = site.file_owner(path)
        item = path if known and owner in (None, partner) else site.loc.t("other_partner_file")
        if item not in shown:
            shown.append(item)
    return ", ".join(shown)


def _restatements_table(
    site: _Site,
    frame: pl.DataFrame,
    download: str,
    partner: str | None = None,
    with_run: bool = False,
) -> Table:
    """Newest version first. With `partner`, the frame holds that partner's rows with the files
    already masked, and the partner column is left out."""
    loc = site.loc
    if frame.height and {"version", "period", "partner", "figure"} <= set(frame.columns):
        frame = frame.sort(
            ["version", "period", "partner", "figure"],
            descending=[True, False, False, False],
            nulls_last=True,
            maintain_order=True,
        )
    shown, note = _capped(frame, MAX_ISSUE_ROWS, loc, download)
    body = []
    for row in shown.iter_rows(named=True):
        figure = str(row.get("figure") or "")
        reason = row.get("reason_file")
        cells = [
            loc.number(row.get("version")),
            str(row.get("period") or ""),
            *([] if partner else [site.scope_name(row.get("partner") or "programme")]),
            _figure_label(loc, figure),
            *_restated(loc, figure, row.get("old_value"), row.get("new_value")),
            (reason if partner else _reason_files(site, reason)) or loc.t("restatement_reason_programme"),
        ]
        if with_run:
            cells.append(str(row.get("run_id") or ""))
        body.append(cells)
    keys = ["version", "period", *([] if partner else ["partner"]), "figure", "old_value", "new_value"]
    keys += ["change", "reason_file", *(["run_id"] if with_run else [])]
    first_value = keys.index("old_value")
    return Table(
        [loc.t(k) for k in keys],
        body,
        frozenset({0, first_value, first_value + 1, first_value + 2}),
        " ".join(part for part in (loc.t("restatements_note") if body else "", note) if part),
        nowrap=frozenset({1}),
        code=frozenset({len(keys) - 1}) if with_run else frozenset(),
        empty=loc.t("no_restatements"),
    )
