"""Benchmark programmes at three scales, written as the CSV files partners send.

S = 40 partners x 8 quarters, M = 400 x 40 (2 million vacancies in 3.75 million file rows),
L = 2,000 x 40 (10 million vacancies in 18.7 million rows). Every partner opens about 125
vacancies a quarter (100 to 150, uniform). Half of the
partners export Dutch CSV (`;`, decimal comma with dot thousands, `31-03-2026`, a byte-order
mark, CRLF, Dutch headers, channels typed as labels such as `Talent pool`), the other half
English CSV (`,`, `1234.50`, ISO dates, English headers, channel ids). A vacancy still open at the
end of a quarter is reported open in that quarter's file (with the spend so far) and again in
every later file until the file of the quarter it is filled in; the latest row counts.

The data is valid: a run ingests it with zero rejections. Everything is drawn with numpy from one
seed in a fixed order and formatted with Polars, so the same arguments give the same bytes.

One quarter more than `quarters` is generated and kept out of the inbox, under `incoming/<quarter>/`:
the benchmark moves it in to time an incremental run. `bench.json` beside programme.yaml records
the arguments, the counts and which partner sends which style (the regisseur knows who sends what;
the DuckDB baseline needs it to pick the delimiter per file).

Run `python -m bench.generate DEST --scale S` or `--partners N --quarters N [--per-quarter N]`.
Generated programmes are cached under bench/cache/ (git-ignored) by `cached_programme`, keyed by
the scale, the seed and a hash of this file (any edit here writes them again: L takes 2 min).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from domain.periods import Quarter
from domain.programme import parse_programme

BENCH_DIR = Path(__file__).resolve().parent
CACHE_DIR = BENCH_DIR / "cache"
MARK_FILE = "bench.json"
DEFAULT_SEED = 7
FIRST_PERIOD = Quarter(2017, 1)
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()  # Polars dates count days from here

HOUR_RATE = 75
VACANCY_DAY_COST = 250
DEADWEIGHT = "0.20"
ATTRIBUTION = "0.10"


@dataclass(frozen=True)
class Scale:
    name: str
    partners: int
    quarters: int
    per_quarter: int  # vacancies opened per partner per quarter, on average


SCALES = {
    "S": Scale("S", 40, 8, 125),
    "M": Scale("M", 400, 40, 125),
    "L": Scale("L", 2000, 40, 125),
}

# channel: (field, weight within its field, cost factor on the baseline, time factor on it).
# Driving channels are cheaper and faster on average, as in the demo programme.
CHANNELS = {
    "joint_campaign": ("driving", 0.35, 0.45, 0.85),
    "talent_pool": ("driving", 0.30, 0.25, 0.65),
    "education_partnership": ("driving", 0.15, 0.35, 0.95),
    "sector_job_board": ("driving", 0.20, 0.40, 0.90),
    "own_website": ("hunting", 0.30, 0.60, 1.00),
    "job_board": ("hunting", 0.30, 0.70, 1.05),
    "agency": ("hunting", 0.15, 1.25, 0.80),
    "referral": ("hunting", 0.15, 0.00, 0.75),
    "open_application": ("hunting", 0.10, 0.00, 1.10),
}
CHANNEL_IDS = list(CHANNELS)
DRIVING = [c for c, spec in CHANNELS.items() if spec[0] == "driving"]
HUNTING = [c for c, spec in CHANNELS.items() if spec[0] == "hunting"]
AGENCY = CHANNEL_IDS.index("agency")
REFERRAL = CHANNEL_IDS.index("referral")
OPEN_APPLICATION = CHANNEL_IDS.index("open_application")
REFERRAL_BONUSES = np.array([500_00, 750_00, 1000_00])
ROLES = (
    "Hydroloog", "Adviseur waterkwaliteit", "Technisch medewerker gemalen", "Procesoperator rwzi",
    "Projectleider dijkversterking", "Ecoloog", "Data-analist watersystemen", "GIS-specialist",
    "Vergunningverlener", "Monteur elektrotechniek", "Trainee watermanagement", "Laborant",
    "Inspecteur waterkeringen", "Storingsmonteur; avond en weekend", "Projectmanager, rivieren",
    "Jurist omgevingsrecht", "Communicatieadviseur", "Informatiemanager",
)
KINDS = ("water_board", "drinking_water", "engineering")
TASKS = ("guest_lecture", "open_day")

VACANCY_HEADERS = {
    "nl": ("vacature_id", "rol", "geopend_op", "vervuld_op", "kanaal", "kosten", "uren"),
    "en": ("vacancy_id", "role", "opened_on", "filled_on", "channel", "cost", "hours"),
}
CONTRIBUTION_HEADERS = {
    "nl": ("soort", "taak", "aantal", "toelichting"),
    "en": ("kind", "task", "amount", "note"),
}
CONTRIBUTION_KINDS = {
    "nl": ("geld", "uren", "uren", "taak", "taak"),
    "en": ("money", "hours", "hours", "task", "task"),
}
CONTRIBUTION_NOTES = {
    "nl": ("kwartaalbijdrage", "uren campagne", "uren talentpool en scholen", "gastlessen",
           "open dag"),
    "en": ("quarterly contribution", "campaign hours", "talent pool and school hours",
           "guest lectures", "open day"),
}
CSV_DIALECT = {  # separator, line end, byte-order mark
    "nl": (";", "\r\n", True),
    "en": (",", "\n", False),
}
LEDGER_ITEMS = (
    (0.25, "Online advertenties campagne", "joint_campaign"),
    (0.15, "Video en vormgeving campagne", "joint_campaign"),
    (0.20, "Licentie talentpoolplatform", "talent_pool"),
    (0.15, "Lesmateriaal scholen", "education_partnership"),
    (0.10, "Sectorvacaturebank", "sector_job_board"),
    (0.15, "Regie en coordinatie", None),
)


@dataclass(frozen=True)
class BenchProgramme:
    """A generated programme folder and what is in it."""

    folder: Path
    partners: int
    quarters: int
    per_quarter: int
    seed: int
    periods: list[str]  # in inbox/
    new_periods: list[str]  # held back under incoming/
    styles: dict[str, str]  # partner id -> nl | en
    vacancies: int  # distinct vacancies in inbox/ (opened in its periods)
    vacancy_rows: int  # rows in inbox/ vacancy files (open rows repeat)
    files: int  # files in inbox/
    bytes: int  # their size
    seconds: float  # time it took to write

    def incoming(self, period: str) -> Path:
        return self.folder / "incoming" / period

    def files_of(self, kind: str, style: str, periods: list[str] | None = None) -> list[Path]:
        """The inbox files of `kind` (vacancies, contributions) from partners of `style`."""
        wanted = periods if periods is not None else self.periods
        return [
            self.folder / "inbox" / period / f"{kind}_{partner}.csv"
            for period in wanted
            for partner, own in self.styles.items()
            if own == style
        ]


def generator_version() -> str:
    """A short hash of this file: a cached programme from another version is written again."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:10]


def partner_ids(partners: int) -> list[str]:
    return [f"p{n:04d}" for n in range(1, partners + 1)]


def style_of(index: int) -> str:
    return "nl" if index % 2 == 0 else "en"


def periods_from(first: Quarter, count: int) -> list[Quarter]:
    quarters = [first]
    while len(quarters) < count:
        quarters.append(quarters[-1].next())
    return quarters


# --- drawing ----------------------------------------------------------------------------------


@dataclass
class _Partners:
    ids: list[str]
    cost_per_hire: np.ndarray  # euros
    time_to_fill: np.ndarray  # days
    engagement: np.ndarray
    driving_cost: np.ndarray
    money: np.ndarray  # euros committed per quarter
    hours: np.ndarray
    tasks: np.ndarray  # (partners, 2): guest lectures, open days committed per quarter


def _draw_partners(rng: np.random.Generator, count: int) -> _Partners:
    return _Partners(
        ids=partner_ids(count),
        cost_per_hire=250 * rng.integers(18, 35, count),
        time_to_fill=rng.integers(55, 106, count),
        engagement=rng.uniform(0.85, 1.2, count),
        driving_cost=rng.uniform(0.8, 1.2, count),
        money=500 * rng.integers(4, 16, count),
        hours=10 * rng.integers(2, 9, count),
        tasks=rng.integers(1, 4, (count, 2)),
    )


@dataclass
class _Vacancies:
    """One entry per vacancy, ordered by partner and opening day."""

    partner: np.ndarray  # int32
    quarter: np.ndarray  # int32: index of the quarter it was opened in
    number: np.ndarray  # int32: its number within the partner's quarter
    opened: np.ndarray  # int32: days since 1970-01-01
    filled: np.ndarray  # int32
    fill_quarter: np.ndarray  # int32: == number of quarters when filled after the last one
    channel: np.ndarray  # int8
    cost: np.ndarray  # int64 cents
    half_hours: np.ndarray  # int32
    role: np.ndarray  # int16


def _draw_vacancies(
    rng: np.random.Generator, people: _Partners, starts: np.ndarray, per_quarter: int
) -> _Vacancies:
    """`starts` holds the first day of every quarter and of the quarter after the last."""
    count, quarters = len(people.ids), len(starts) - 1
    low, high = max(1, round(per_quarter * 0.8)), max(1, round(per_quarter * 1.2))
    sizes = rng.integers(low, high + 1, (count, quarters)).ravel()
    total = int(sizes.sum())
    partner = np.repeat(np.repeat(np.arange(count, dtype=np.int32), quarters), sizes)
    quarter = np.repeat(np.tile(np.arange(quarters, dtype=np.int32), count), sizes)
    length = (starts[1:] - starts[:-1])[quarter]
    opened = (starts[quarter] + (rng.random(total) * length).astype(np.int32)).astype(np.int32)
    # within a partner's quarter in order of opening, numbered from 1
    order = np.lexsort((opened, partner))
    partner, quarter, opened = partner[order], quarter[order], opened[order]
    block_start = np.repeat(np.cumsum(sizes) - sizes, sizes)
    number = (np.arange(total) - block_start + 1).astype(np.int32)

    share = np.minimum(0.95, (0.25 + 0.25 * np.minimum(quarter, 7) / 7) * people.engagement[partner])
    driving = rng.random(total) < share
    weights = np.array([CHANNELS[c][1] for c in CHANNEL_IDS])
    driving_pick = np.searchsorted(np.cumsum(weights[: len(DRIVING)]), rng.random(total), side="right")
    hunting_pick = np.searchsorted(np.cumsum(weights[len(DRIVING) :]), rng.random(total), side="right")
    channel = np.where(
        driving,
        np.minimum(driving_pick, len(DRIVING) - 1),
        len(DRIVING) + np.minimum(hunting_pick, len(HUNTING) - 1),
    ).astype(np.int8)
    cost_factor = np.array([CHANNELS[c][2] for c in CHANNEL_IDS])[channel]
    time_factor = np.array([CHANNELS[c][3] for c in CHANNEL_IDS])[channel]

    days = people.time_to_fill[partner] * time_factor * rng.lognormal(0.0, 0.35, total)
    days = np.where(rng.random(total) < 0.07, days * 2.2, days)
    filled = (opened + np.maximum(4, np.rint(days))).astype(np.int32)
    fill_quarter = (np.searchsorted(starts, filled, side="right") - 1).astype(np.int32)

    spread = np.where(driving, 0.45, 0.3)
    own = (
        people.cost_per_hire[partner] * 100 * cost_factor
        * np.where(driving, people.driving_cost[partner], 1.0)
        * rng.lognormal(0.0, spread)
    )
    cost = np.rint(own).astype(np.int64)
    cost = np.where(rng.random(total) < 0.5, np.rint(cost / 2500).astype(np.int64) * 2500, cost)
    bonus = REFERRAL_BONUSES[rng.integers(0, len(REFERRAL_BONUSES), total)]
    application = np.where(rng.random(total) < 0.6, 0, 2500 * rng.integers(1, 13, total))
    cost = np.where(channel == REFERRAL, bonus, np.where(channel == OPEN_APPLICATION, application, cost))
    hours = np.where(
        channel == AGENCY,
        rng.triangular(4, 8, 20, total),
        np.where(driving, rng.triangular(6, 14, 36, total), rng.triangular(8, 20, 50, total)),
    )
    half_hours = np.maximum(1, np.rint(hours * 2)).astype(np.int32)
    role = rng.integers(0, len(ROLES), total).astype(np.int16)
    return _Vacancies(partner, quarter, number, opened, filled, fill_quarter, channel, cost,
                      half_hours, role)


# --- formatting -------------------------------------------------------------------------------


def _zero_padded(value: pl.Expr, width: int) -> pl.Expr:
    return value.cast(pl.String).str.zfill(width)


def _money(cents: pl.Expr, style: str) -> pl.Expr:
    """Non-negative cents as a partner writes them: 1.234,50 (Dutch) or 1234.50 (English)."""
    euros = cents // 100
    rest = _zero_padded(cents % 100, 2)
    if style == "en":
        return pl.concat_str(euros.cast(pl.String), pl.lit("."), rest)
    grouped = (
        pl.when(euros >= 1_000_000)
        .then(pl.concat_str((euros // 1_000_000).cast(pl.String), pl.lit("."),
                            _zero_padded((euros // 1000) % 1000, 3), pl.lit("."),
                            _zero_padded(euros % 1000, 3)))
        .when(euros >= 1000)
        .then(pl.concat_str((euros // 1000).cast(pl.String), pl.lit("."),
                            _zero_padded(euros % 1000, 3)))
        .otherwise(euros.cast(pl.String))
    )
    return pl.concat_str(grouped, pl.lit(","), rest)


def _halves(half_hours: pl.Expr, style: str) -> pl.Expr:
    whole = (half_hours // 2).cast(pl.String)
    return pl.when(half_hours % 2 == 1).then(whole + (",5" if style == "nl" else ".5")).otherwise(whole)


def _day(days: pl.Expr, style: str) -> pl.Expr:
    return days.cast(pl.Date).dt.strftime("%d-%m-%Y" if style == "nl" else "%Y-%m-%d")


def _label(identifier: str) -> str:
    # how a person types a channel in a spreadsheet; the pipeline turns it back into the id
    return identifier.replace("_", " ").capitalize()


def _vacancy_text(rows: pl.DataFrame, style: str) -> pl.DataFrame:
    headers = VACANCY_HEADERS[style]
    return rows.select(
        pl.concat_str(pl.lit("V-"), pl.col("quarter_label"), pl.lit("-"),
                      _zero_padded(pl.col("number"), 4)).alias(headers[0]),
        pl.col("role_text").alias(headers[1]),
        _day(pl.col("opened"), style).alias(headers[2]),
        pl.when(pl.col("is_filled")).then(_day(pl.col("filled"), style)).alias(headers[3]),
        pl.col(f"channel_{style}").alias(headers[4]),
        _money(pl.col("cost"), style).alias(headers[5]),
        _halves(pl.col("half_hours"), style).alias(headers[6]),
    )


def _write_csv(path: Path, frame: pl.DataFrame, style: str) -> None:
    separator, line_end, bom = CSV_DIALECT[style]
    with path.open("wb") as handle:
        header = separator.join(frame.columns) + line_end
        handle.write((b"\xef\xbb\xbf" if bom else b"") + header.encode("utf-8"))
        if frame.height:
            frame.write_csv(handle, separator=separator, line_terminator=line_end,
                            include_header=False)


# --- the programme ----------------------------------------------------------------------------


def _programme_yaml(people: _Partners, first: Quarter, quarters: list[Quarter], per_quarter: int,
                    arguments: str) -> str:
    years = sorted({q.year for q in quarters})
    count = len(people.ids)
    lines = [
        "# A benchmark programme of drijfjacht (invented figures).",
        f"# Written by `python -m bench.generate DEST {arguments}`.",
        f"programme: {{id: bench, name: \"Benchmark Alliance ({count} partners)\", currency: EUR,",
        f"            language: nl, first_period: {first}}}",
        "partners:",
    ]
    lines += [
        f"  - {{id: {pid}, name: \"Partner {pid[1:]}\", kind: {KINDS[n % len(KINDS)]}}}"
        for n, pid in enumerate(people.ids)
    ]
    lines += [
        "fields:",
        f"  driving: [{', '.join(DRIVING)}]",
        f"  hunting: [{', '.join(HUNTING)}]",
        "baselines:",
    ]
    lines += [
        f"  - {{partner: {pid}, cost_per_hire: {people.cost_per_hire[n]}, "
        f"time_to_fill_days: {people.time_to_fill[n]}}}"
        for n, pid in enumerate(people.ids)
    ]
    lines += [
        f"valuation: {{hour_rate: {HOUR_RATE}, vacancy_day_cost: {VACANCY_DAY_COST}, "
        f"deadweight: {DEADWEIGHT}, attribution: {ATTRIBUTION}}}",
        "commitments:",
    ]
    lines += [
        f"  - {{partner: {pid}, from: {first}, money: {people.money[n]}, hours: {people.hours[n]}, "
        f"tasks: {{{TASKS[0]}: {people.tasks[n, 0]}, {TASKS[1]}: {people.tasks[n, 1]}}}}}"
        for n, pid in enumerate(people.ids)
    ]
    hires_per_year = int(count * per_quarter * 4 * 0.4 * 0.6)
    lines.append("targets:")
    for year in years:
        lines.append(f"  - {{scope: programme, indicator: driving_hires, period: {year}, "
                     f"expected: {hires_per_year}}}")
        lines.append(f"  - {{scope: programme, indicator: contribution, period: {year}, "
                     f"expected: {int(people.money.sum()) * 4}}}")
        for n, pid in enumerate(people.ids[:10]):
            lines.append(f"  - {{scope: {pid}, indicator: net_benefit, period: {year}, "
                         f"expected: {10000 + 1000 * n}}}")
    lines += ["privacy: {min_group_size: 3}", ""]
    return "\n".join(lines)


def write_bench_programme(
    dest: Path,
    *,
    partners: int,
    quarters: int,
    per_quarter: int = 125,
    seed: int = DEFAULT_SEED,
    new_quarters: int = 1,
) -> BenchProgramme:
    """Write programme.yaml, inbox/<quarter>/ for `quarters` quarters and incoming/<quarter>/ for
    `new_quarters` more into `dest`, which must be empty or absent (or a programme written here)."""
    if partners < 2 or quarters < 1 or per_quarter < 1 or new_quarters < 0:
        raise ValueError("need at least 2 partners, 1 quarter and 1 vacancy per quarter")
    began = time.perf_counter()
    dest = Path(dest)
    _prepare(dest)
    rng = np.random.default_rng(seed)
    people = _draw_partners(rng, partners)
    all_quarters = periods_from(FIRST_PERIOD, quarters + new_quarters)
    starts = np.array(
        [q.start.toordinal() - EPOCH_ORDINAL for q in all_quarters]
        + [all_quarters[-1].next().start.toordinal() - EPOCH_ORDINAL],
        dtype=np.int32,
    )
    vacancies = _draw_vacancies(rng, people, starts, per_quarter)
    arguments = f"--partners {partners} --quarters {quarters} --per-quarter {per_quarter} --seed {seed}"
    text = _programme_yaml(people, FIRST_PERIOD, all_quarters, per_quarter, arguments)
    parse_programme(text)  # the benchmark must never time a programme that cannot run
    (dest / "programme.yaml").write_text(text, encoding="utf-8", newline="\n")

    styles = {pid: style_of(n) for n, pid in enumerate(people.ids)}
    labels = {
        "nl": pl.Series([_label(c) for c in CHANNEL_IDS], dtype=pl.String),
        "en": pl.Series(CHANNEL_IDS, dtype=pl.String),
    }
    roles = pl.Series(ROLES, dtype=pl.String)
    quarter_labels = pl.Series([str(q) for q in all_quarters], dtype=pl.String)
    vacancy_rows = files = size = 0
    for k, quarter in enumerate(all_quarters):
        held = k >= quarters
        folder = dest / ("incoming" if held else "inbox") / str(quarter)
        folder.mkdir(parents=True, exist_ok=True)
        frame = _quarter_rows(vacancies, k, starts, labels, roles, quarter_labels)
        bounds = np.searchsorted(frame.get_column("partner").to_numpy(), np.arange(partners + 1))
        texts = {style: _vacancy_text(frame, style) for style in ("nl", "en")}
        contributions = _contributions(rng, people, str(quarter))
        for n, pid in enumerate(people.ids):
            style = styles[pid]
            _write_csv(folder / f"vacancies_{pid}.csv",
                       texts[style].slice(int(bounds[n]), int(bounds[n + 1] - bounds[n])), style)
            _write_csv(folder / f"contributions_{pid}.csv",
                       contributions[style].slice(5 * n, 5), style)
        money = int(people.money.sum()) * 100
        _write_csv(folder / "ledger.csv", _ledger(rng, quarter, money), "en")
        if not held:
            vacancy_rows += frame.height
            files += 2 * partners + 1
            size += sum(path.stat().st_size for path in folder.iterdir())
    distinct = int(np.count_nonzero(vacancies.quarter < quarters))
    info = BenchProgramme(
        folder=dest, partners=partners, quarters=quarters, per_quarter=per_quarter, seed=seed,
        periods=[str(q) for q in all_quarters[:quarters]],
        new_periods=[str(q) for q in all_quarters[quarters:]],
        styles=styles, vacancies=distinct, vacancy_rows=vacancy_rows, files=files, bytes=size,
        seconds=round(time.perf_counter() - began, 2),
    )
    _save_mark(info)
    return info


def _quarter_rows(vacancies: _Vacancies, k: int, starts: np.ndarray, labels: dict[str, pl.Series],
                  roles: pl.Series, quarter_labels: pl.Series) -> pl.DataFrame:
    """The rows of quarter k's vacancy files: filled in k, or opened by k and still open after it."""
    v = vacancies
    index = np.flatnonzero((v.quarter <= k) & (v.fill_quarter >= k))
    is_filled = v.fill_quarter[index] == k
    opened, filled = v.opened[index], v.filled[index]
    # an open vacancy carries the spend so far: a share of its final cost and hours
    elapsed = np.minimum(starts[k + 1] - opened, filled - opened).astype(np.int64)
    total = (filled - opened).astype(np.int64)
    cost = np.where(is_filled, v.cost[index], v.cost[index] * elapsed // total)
    halves = np.where(is_filled, v.half_hours[index],
                      np.maximum(1, v.half_hours[index] * elapsed // total))
    channel = v.channel[index]
    return pl.DataFrame({
        "partner": v.partner[index],
        "quarter_label": quarter_labels.gather(v.quarter[index]),
        "number": v.number[index],
        "role_text": roles.gather(v.role[index]),
        "opened": opened,
        "filled": filled,
        "is_filled": is_filled,
        "channel_nl": labels["nl"].gather(channel),
        "channel_en": labels["en"].gather(channel),
        "cost": cost,
        "half_hours": halves,
    })


def _contributions(rng: np.random.Generator, people: _Partners, quarter: str) -> dict[str, pl.DataFrame]:
    """Five rows per partner: money, hours in two rows, the two tasks; now and then short."""
    count = len(people.ids)
    money = people.money * 100
    money = np.where(rng.random(count) < 0.05, money // 2, money)
    halves = np.rint(people.hours * 2 * rng.uniform(1.0, 1.3, count)).astype(np.int64)
    campaign = np.rint(halves * rng.uniform(0.4, 0.7, count)).astype(np.int64)
    tasks = np.maximum(0, people.tasks - (rng.random((count, 2)) < 0.1))
    amounts = np.stack([money, campaign, halves - campaign, tasks[:, 0], tasks[:, 1]], axis=1).ravel()
    slot = np.tile(np.arange(5), count)
    frames = {}
    for style in ("nl", "en"):
        headers = CONTRIBUTION_HEADERS[style]
        amount = pl.col("amount")
        frames[style] = pl.DataFrame({"slot": slot, "amount": amounts}).select(
            pl.Series(CONTRIBUTION_KINDS[style] * count).alias(headers[0]),
            pl.Series(["", "", "", TASKS[0], TASKS[1]] * count).replace("", None).alias(headers[1]),
            pl.when(pl.col("slot") == 0).then(_money(amount, style))
            .when(pl.col("slot") < 3).then(_halves(amount, style))
            .otherwise(amount.cast(pl.String)).alias(headers[2]),
            pl.Series(list(CONTRIBUTION_NOTES[style]) * count).alias(headers[3]),
        ).with_columns(
            pl.when(pl.col(headers[3]) == CONTRIBUTION_NOTES[style][0])
            .then(pl.lit(f"{CONTRIBUTION_NOTES[style][0]} {quarter}"))
            .otherwise(pl.col(headers[3])).alias(headers[3])
        )
    return frames


def _ledger(rng: np.random.Generator, quarter: Quarter, money_cents: int) -> pl.DataFrame:
    first = quarter.start.toordinal() - EPOCH_ORDINAL
    last = quarter.end.toordinal() - EPOCH_ORDINAL
    spend = money_cents * rng.uniform(0.8, 1.0)
    days = np.sort(rng.integers(first, last + 1, len(LEDGER_ITEMS)))
    costs = [int(round(spend * share * rng.uniform(0.85, 1.15))) for share, _, _ in LEDGER_ITEMS]
    return pl.DataFrame({
        "date": pl.Series(days).cast(pl.Date).dt.strftime("%Y-%m-%d"),
        "activity": [activity for _, activity, _ in LEDGER_ITEMS],
        "cost": pl.Series(costs, dtype=pl.Int64),
        "channel": [channel for _, _, channel in LEDGER_ITEMS],
    }).with_columns(_money(pl.col("cost"), "en").alias("cost"))


# --- the folder and the cache -------------------------------------------------------------------


def _prepare(dest: Path) -> None:
    if dest.exists() and any(dest.iterdir()):
        if not (dest / MARK_FILE).is_file():
            raise FileExistsError(f"{dest} is not empty and was not written by bench.generate")
        for part in ("inbox", "incoming"):
            shutil.rmtree(dest / part, ignore_errors=True)
        (dest / MARK_FILE).unlink()
    dest.mkdir(parents=True, exist_ok=True)


def _save_mark(info: BenchProgramme) -> None:
    record = {**asdict(info), "folder": None, "version": generator_version()}
    (info.folder / MARK_FILE).write_text(json.dumps(record, indent=1), encoding="utf-8")


def load_bench_programme(folder: Path) -> BenchProgramme:
    """What `write_bench_programme` wrote into `folder`, from its bench.json."""
    record = json.loads((Path(folder) / MARK_FILE).read_text(encoding="utf-8"))
    record.pop("version", None)
    return BenchProgramme(**{**record, "folder": Path(folder)})


def cached_programme(scale: Scale, seed: int = DEFAULT_SEED, cache: Path = CACHE_DIR) -> BenchProgramme:
    """The programme of `scale`, from the cache when this version of the generator wrote it."""
    name = f"{scale.name}-{scale.partners}x{scale.quarters}x{scale.per_quarter}-seed{seed}"
    folder = cache / f"{name}-{generator_version()}"
    if (folder / MARK_FILE).is_file():
        return load_bench_programme(folder)
    for stale in cache.glob(f"{name}-*"):
        shutil.rmtree(stale, ignore_errors=True)
    partial = cache / f".{folder.name}.partial-{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    info = write_bench_programme(partial, partners=scale.partners, quarters=scale.quarters,
                                 per_quarter=scale.per_quarter, seed=seed)
    (partial / MARK_FILE).rename(partial / f"{MARK_FILE}.tmp")
    partial.rename(folder)
    (folder / f"{MARK_FILE}.tmp").rename(folder / MARK_FILE)
    return BenchProgramme(**{**asdict(info), "folder": folder})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n")[0])
    parser.add_argument("dest", type=Path, nargs="?", help="folder to write (default: the cache)")
    parser.add_argument("--scale", choices=sorted(SCALES), help="S, M or L")
    parser.add_argument("--partners", type=int)
    parser.add_argument("--quarters", type=int)
    parser.add_argument("--per-quarter", type=int, default=125)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    scale = SCALES.get(args.scale or "")
    if scale is None:
        if not (args.partners and args.quarters):
            parser.error("give --scale, or --partners and --quarters")
        scale = Scale("custom", args.partners, args.quarters, args.per_quarter)
    if args.dest is None:
        info = cached_programme(scale, args.seed)
    else:
        info = write_bench_programme(args.dest, partners=scale.partners, quarters=scale.quarters,
                                     per_quarter=scale.per_quarter, seed=args.seed)
    print(f"{info.folder}: {info.partners} partners x {info.quarters} quarters, {info.vacancies:,} "
          f"vacancies in {info.vacancy_rows:,} rows, {info.files:,} files, {info.bytes / 1e6:,.0f} MB "
          f"(+ {', '.join(info.new_periods)} under incoming/), written in {info.seconds} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
