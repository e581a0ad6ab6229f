"""The bundled sample programme, "Water Talent Alliance", written by a deterministic generator.

`write_demo_programme(dest)` writes the demo that lives in `data/demo/`: 10 partners (eight water
boards, a drinking-water company and an engineering firm), eight quarters from 2025Q1, 1,300+
vacancies, and files the way partners really send them (Excel, Dutch CSV with a byte-order mark,
one in Windows-1252, English CSV). `write_programme(dest, partners=..., periods=...)` scales the
same story up for benchmarks.

The story it tells: hires through the driving field (the joint campaign, the talent pool, schools,
the sector job board) are on average cheaper and faster than each partner hunting alone, but not
always; the share of driving hires grows as the alliance matures. What is wrong on purpose (with
`dirty=True`): a handful of rows that each break one rule of the data contract, one missing
contributions file and a partner that keeps falling short of its commitment; one partner has no
baseline so that the fallback rule shows. `planted_errors()` lists the wrong rows.

Same arguments, same bytes: every random draw comes from `random.Random` seeded with the seed and a
fixed label, Excel files carry a fixed creation date, and nothing depends on the clock or on dict
order. Only the standard library and xlsxwriter are used.

Run `python -m domain.sample_programme DEST [--partners N --periods N --seed S --clean]`.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import io
import random
import shutil
import statistics
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from domain.periods import Quarter

GENERATOR_MARK = "domain.sample_programme"
PROGRAMME_ID = "water-talent"
PROGRAMME_NAME = "Water Talent Alliance"
FIRST_PERIOD = Quarter(2025, 1)
DEMO_SEED = 2025
XLSX_CREATED = datetime(2026, 1, 1)

HOUR_RATE = 75
VACANCY_DAY_COST = 250
DEADWEIGHT = Decimal("0.20")
ATTRIBUTION = Decimal("0.10")
MIN_GROUP_SIZE = 3

# channel: (weight within its field, cost factor on the baseline, time factor on the baseline).
# Driving channels are cheaper and faster on average: that is what the alliance is for.
DRIVING = {
    "joint_campaign": (0.35, 0.45, 0.85),
    "talent_pool": (0.30, 0.25, 0.65),
    "education_partnership": (0.15, 0.35, 0.95),
    "sector_job_board": (0.20, 0.40, 0.90),
}
HUNTING = {
    "own_website": (0.30, 0.60, 1.00),
    "job_board": (0.30, 0.70, 1.05),
    "agency": (0.15, 1.25, 0.80),
    "referral": (0.15, 0.00, 0.75),
    "open_application": (0.10, 0.00, 1.10),
}
REFERRAL_BONUSES = (500_00, 750_00, 1000_00)
HARD_TO_FILL_SHARE = 0.07
HARD_TO_FILL_FACTOR = 2.2
CHANNEL_SWITCH_SHARE = 0.10  # listed open under own ads, filled through the alliance

TASK_LABELS_NL = {
    "guest_lecture": "gastles",
    "open_day": "open dag",
    "internship_places": "stageplaatsen",
    "excursion": "excursie",
    "career_fair": "banenmarkt",
    "mentoring": "mentoraat",
}
SCHOOLS = (
    "HZ University of Applied Sciences", "Aeres Hogeschool", "Van Hall Larenstein",
    "TU Delft", "Hogeschool Rotterdam", "Deltion College", "Summa College", "NHL Stenden",
    "Hogeschool Utrecht", "Wellantcollege", "Friesland College",
)

WATER_BOARD_ROLES = (
    "Hydroloog", "Adviseur waterkwaliteit", "Technisch medewerker gemalen", "Procesoperator rwzi",
    "Projectleider dijkversterking", "Beleidsadviseur klimaatadaptatie", "Ecoloog",
    "Data-analist watersystemen", "Assetmanager zuiveringen", "Vergunningverlener",
    "Toezichthouder Waterwet", "GIS-specialist", "Monteur elektrotechniek",
    "Medewerker onderhoud watergangen", "Trainee watermanagement", "Werkvoorbereider",
    "Omgevingsmanager", "Laborant", "Inspecteur waterkeringen", "Adviseur peilbeheer",
    "Medewerker belastingen", "Jurist omgevingsrecht", "Communicatieadviseur",
    "Informatiemanager",
)
DRINKING_WATER_ROLES = (
    "Operator drinkwaterproductie", "Leidingmonteur", "Procestechnoloog", "Hydrogeoloog",
    "Laborant microbiologie", "Meet- en regeltechnicus", "Adviseur duinbeheer",
    "Storingsmonteur; avond en weekend", "Klantadviseur", "Assetmanager distributie",
)
ENGINEERING_ROLES = (
    "Adviseur geotechniek", "Constructeur waterbouw", "Projectingenieur", "Tekenaar-ontwerper BIM",
    "Adviseur hydraulica", "Junior ingenieur civiele techniek", "Projectmanager, rivieren",
    "Adviseur ecologie", "Kostendeskundige",
)
# roles as a Frisian payroll system exports them in Windows-1252
WINDOWS_1252_ROLES = ("Hydroloog (één jaar)", "Coördinator beheer & onderhoud",
                      "Medewerker financiën")
ROLES = {
    "water_board": WATER_BOARD_ROLES,
    "drinking_water": DRINKING_WATER_ROLES,
    "engineering": ENGINEERING_ROLES,
}


@dataclass(frozen=True)
class _Named:
    id: str
    name: str
    kind: str
    prefix: str
    money: int  # euros per quarter
    hours: int
    tasks: tuple[tuple[str, int], ...]


# The order decides each partner's file format (see _formats) and its part in the story.
NAMED_PARTNERS = (
    _Named("hhnk", "Hoogheemraadschap Hollands Noorderkwartier", "water_board", "HHNK",
           7500, 60, (("guest_lecture", 2), ("open_day", 1))),
    _Named("rijnland", "Hoogheemraadschap van Rijnland", "water_board", "RL",
           5000, 40, (("guest_lecture", 2), ("open_day", 1))),
    _Named("hdsr", "Hoogheemraadschap De Stichtse Rijnlanden", "water_board", "HDSR",
           5000, 40, (("guest_lecture", 1), ("excursion", 1))),
    _Named("delfland", "Hoogheemraadschap van Delfland", "water_board", "DLF",
           7500, 50, (("open_day", 1), ("internship_places", 2))),
    _Named("aa-en-maas", "Waterschap Aa en Maas", "water_board", "AAM",
           5000, 40, (("guest_lecture", 2),)),
    _Named("vallei-veluwe", "Waterschap Vallei en Veluwe", "water_board", "WVV",
           5000, 30, (("excursion", 1), ("internship_places", 2))),
    _Named("brabantse-delta", "Waterschap Brabantse Delta", "water_board", "WBD",
           5000, 40, (("guest_lecture", 1), ("open_day", 1))),
    _Named("wetterskip", "Wetterskip Fryslân", "water_board", "WF",
           4000, 40, (("guest_lecture", 2), ("career_fair", 1))),
    _Named("pwn", "PWN Waterleidingbedrijf Noord-Holland", "drinking_water", "PWN",
           6000, 40, (("open_day", 1), ("internship_places", 4))),
    _Named("polder-partners", "Ingenieursbureau Polder & Partners", "engineering", "PP",
           2500, 80, (("guest_lecture", 3), ("mentoring", 2))),
)

# Parts of the story, by partner index (modulo the number of partners) and period index.
CHANGING_PARTNER = 1  # rijnland: a larger commitment from the second year
SHORT_PARTNER = 6  # brabantse-delta: delivers less than it committed in some quarters
COSTLY_DRIVING = 2  # hdsr: its driving hires cost it more than its baseline (negative savings)
MISSING_CONTRIBUTIONS = (4, 2)  # aa-en-maas sends no contributions file for 2025Q3
# the last partner has no baseline (the engineering firm has no history as a recruiter)

PLACE_HEADS = ("Noord", "Zuid", "Oost", "West", "Hoog", "Laag", "Groot", "Klein", "Midden",
               "Over", "Neder", "Boven", "Zee", "Rijn", "Maas", "IJssel", "Vecht", "Lek",
               "Amstel", "Eem")
PLACE_TAILS = ("veld", "land", "waard", "dijk", "broek", "meer", "polder", "vliet", "dal",
               "wold", "hoek", "zand", "kamp", "horst", "dam")


@dataclass(frozen=True)
class PlantedError:
    """A row that is wrong on purpose, as a partner would see it in the file."""

    path: str  # relative to the programme folder
    row: int  # as a spreadsheet shows it: header = 1
    column: str  # the header as written in the file
    value: str  # as written ('' = empty)
    rule: str  # the rule the pipeline rejects it under
    story: str  # how such a mistake happens


class _Raw(str):
    """A cell value written exactly as given, never formatted (a planted mistake)."""


@dataclass
class _Commitment:
    start: int  # period index
    until: int | None
    money: int  # cents
    hours: int  # half hours
    tasks: dict[str, int]


@dataclass
class _Partner:
    index: int
    id: str
    name: str
    kind: str
    prefix: str
    fmt: str  # xlsx | nl | en
    dutch_headers: bool
    encoding: str
    cost_per_hire: int  # euros: the partner's true baseline, also when not in programme.yaml
    time_to_fill: int  # days
    has_baseline: bool
    engagement: float
    driving_cost: float  # factor on the cost of its driving hires
    roles: tuple[str, ...]
    commitments: list[_Commitment] = field(default_factory=list)

    def commitment(self, k: int) -> _Commitment | None:
        return next((c for c in self.commitments
                     if c.start <= k and (c.until is None or k <= c.until)), None)


# A vacancy row in a file: id, role, opened, filled (ordinal or None), channel, cents, half hours;
# any value may be a _Raw text instead.
Row = list


@dataclass
class _Plan:
    partners: list[_Partner]
    periods: list[Quarter]
    vacancy_files: dict[tuple[int, int], list[Row]]
    contribution_files: dict[tuple[int, int], list[tuple[str, str | None, int, str]]]
    ledgers: list[list[tuple[int, str, int, str | None]]]
    planted: list[tuple[str, tuple, str, str]] = field(default_factory=list)
    yaml: str = ""


# --- the public interface ----------------------------------------------------------------------


def write_programme(
    dest: Path,
    *,
    partners: int = 10,
    periods: int = 8,
    seed: int = DEMO_SEED,
    vacancies_per_quarter: int = 16,
    dirty: bool = True,
    excel_share: float = 0.3,
) -> None:
    """Write `programme.yaml` and `inbox/<period>/...` into `dest`.

    An `inbox/` that this generator wrote before is replaced; any other existing inbox is left
    alone and FileExistsError is raised, so that a real programme is never overwritten.
    """
    dest = Path(dest)
    plan = _plan(partners, periods, seed, vacancies_per_quarter, dirty, excel_share)
    _prepare(dest)
    (dest / "programme.yaml").write_text(plan.yaml, encoding="utf-8", newline="\n")
    for relative, content in _render(plan):
        path = dest / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def write_demo_programme(dest: Path) -> None:
    """Write the bundled sample programme (the one committed in data/demo) into `dest`."""
    write_programme(dest)


def planted_errors(
    *,
    partners: int = 10,
    periods: int = 8,
    seed: int = DEMO_SEED,
    vacancies_per_quarter: int = 16,
    excel_share: float = 0.3,
) -> list[PlantedError]:
    """The rows `write_programme(..., dirty=True)` with these arguments gets wrong on purpose."""
    return _manifest(_plan(partners, periods, seed, vacancies_per_quarter, True, excel_share))


# --- planning: what happened, in memory ----------------------------------------------------------


def _plan(partners: int, periods: int, seed: int, per_quarter: int, dirty: bool,
          excel_share: float) -> _Plan:
    if partners < 2:
        raise ValueError("a programme needs at least 2 partners")
    if periods < 1:
        raise ValueError("periods must be at least 1")
    if not 0 <= excel_share <= 1:
        raise ValueError("excel_share must lie between 0 and 1")
    if per_quarter < 1:
        raise ValueError("vacancies_per_quarter must be at least 1")
    quarters = [FIRST_PERIOD]
    while len(quarters) < periods:
        quarters.append(quarters[-1].next())
    people = _partners(partners, seed, excel_share, periods)
    plan = _Plan(people, quarters, {}, {}, [])
    for partner in people:
        _vacancies(plan, partner, seed, per_quarter)
        _contributions(plan, partner, seed, dirty)
    _ledgers(plan, seed)
    if dirty:
        _plant(plan, seed)
    plan.yaml = _programme_yaml(plan, seed, partners, periods, per_quarter, dirty, excel_share)
    return plan


def _formats(count: int, excel_share: float) -> list[tuple[str, bool, str]]:
    """(format, Dutch headers, encoding) per partner index, spread evenly, no randomness."""
    excel_count = round(count * excel_share)
    excel = {k * count // excel_count for k in range(excel_count)} if excel_count else set()
    formats = []
    dutch_seen = excel_seen = 0
    other = 0
    for index in range(count):
        if index in excel:
            formats.append(("xlsx", excel_seen % 2 == 0, "xlsx"))
            excel_seen += 1
            continue
        if other % 2 == 0:
            # every fourth Dutch CSV partner, from the third on, exports in Windows-1252
            encoding = "cp1252" if dutch_seen % 4 == 2 else "utf-8-sig"
            formats.append(("nl", True, encoding))
            dutch_seen += 1
        else:
            formats.append(("en", False, "utf-8"))
        other += 1
    return formats


def _partners(count: int, seed: int, excel_share: float, periods: int) -> list[_Partner]:
    formats = _formats(count, excel_share)
    named = count <= len(NAMED_PARTNERS)
    result = []
    for index in range(count):
        spec = NAMED_PARTNERS[index] if named else _generated_partner(index)
        rng = random.Random(f"{seed}/baseline/{spec.id}")
        fmt, dutch, encoding = formats[index]
        roles = ROLES[spec.kind]
        if encoding == "cp1252":
            roles = roles + WINDOWS_1252_ROLES
        partner = _Partner(
            index=index, id=spec.id, name=spec.name, kind=spec.kind, prefix=spec.prefix,
            fmt=fmt, dutch_headers=dutch, encoding=encoding,
            cost_per_hire=250 * rng.randint(18, 34), time_to_fill=rng.randint(55, 105),
            has_baseline=index != count - 1,
            engagement=0.7 if index == SHORT_PARTNER % count else rng.uniform(0.85, 1.2),
            driving_cost=2.4 if index == COSTLY_DRIVING % count else rng.uniform(0.8, 1.2),
            roles=roles,
        )
        tasks = dict(spec.tasks)
        changing = index == CHANGING_PARTNER % count and periods > 4
        partner.commitments.append(_Commitment(
            0, 3 if changing else None, spec.money * 100, spec.hours * 2, tasks))
        if changing:
            partner.commitments.append(_Commitment(
                4, None, (spec.money + 2500) * 100, (spec.hours + 20) * 2,
                {**tasks, "internship_places": tasks.get("internship_places", 0) + 3}))
        result.append(partner)
    return result


def _generated_partner(index: int) -> _Named:
    number = index + 1
    rng = random.Random(f"partner/{number}")
    slot = index % 10
    kind = "drinking_water" if slot == 8 else "engineering" if slot == 9 else "water_board"
    head = PLACE_HEADS[index % len(PLACE_HEADS)]
    tail = PLACE_TAILS[(index // len(PLACE_HEADS)) % len(PLACE_TAILS)]
    place = f"{head}{tail}"
    cycle = index // (len(PLACE_HEADS) * len(PLACE_TAILS))
    if cycle:
        place += f" {cycle + 1}"
    name = {
        "water_board": f"Waterschap {place}",
        "drinking_water": f"Drinkwaterbedrijf {place}",
        "engineering": f"Ingenieursbureau {place}",
    }[kind]
    tasks = sorted(rng.sample(list(TASK_LABELS_NL), rng.randint(1, 2)))
    return _Named(
        f"partner-{number:04d}", name, kind, f"P{number:04d}",
        500 * rng.randint(4, 15), 10 * rng.randint(2, 8),
        tuple((task, rng.randint(1, 3)) for task in tasks),
    )


def _pick(rng: random.Random, table: dict[str, tuple[float, float, float]]) -> str:
    point = rng.random()
    total = 0.0
    for channel, (weight, _, _) in table.items():
        total += weight
        if point < total:
            return channel
    return next(reversed(table))


def _vacancies(plan: _Plan, partner: _Partner, seed: int, per_quarter: int) -> None:
    """Vacancies opened quarter by quarter (and some before the alliance), put in the files."""
    rng = random.Random(f"{seed}/vacancies/{partner.id}")
    quarters = plan.periods
    count = len(quarters)
    starts = [q.start.toordinal() for q in quarters]
    ends = [q.end.toordinal() for q in quarters]
    files: list[list[Row]] = [[] for _ in quarters]
    low, high = max(1, round(per_quarter * 0.8)), max(1, round(per_quarter * 1.25))
    roles = partner.roles
    sequence = 0
    for k in range(-1, count):
        quarter = quarters[0].previous() if k < 0 else quarters[k]
        first, last = quarter.start.toordinal(), quarter.end.toordinal()
        # before the alliance only a backlog of vacancies still open on its first day matters
        opened = rng.randint(low, high) // (2 if k < 0 else 1)
        driving_share = 0.0 if k < 0 else (0.25 + 0.25 * min(k, 7) / 7) * partner.engagement
        days = sorted(rng.randint(first, last) for _ in range(opened))
        for day in days:
            sequence += 1
            driving = rng.random() < driving_share
            table = DRIVING if driving else HUNTING
            channel = _pick(rng, table)
            _, cost_factor, time_factor = table[channel]
            days_to_fill = partner.time_to_fill * time_factor * rng.lognormvariate(0, 0.35)
            if rng.random() < HARD_TO_FILL_SHARE:
                days_to_fill *= HARD_TO_FILL_FACTOR
            filled = day + max(4, round(days_to_fill))
            if channel == "referral":
                cost = rng.choice(REFERRAL_BONUSES)
            elif channel == "open_application":
                cost = 0 if rng.random() < 0.6 else 2500 * rng.randint(1, 12)
            else:
                if driving:
                    cost_factor *= partner.driving_cost
                spread = 0.45 if driving else 0.3
                cost = round(partner.cost_per_hire * cost_factor * rng.lognormvariate(0, spread)
                             * 100)
                if rng.random() < 0.5:
                    cost = round(cost / 2500) * 2500
            if channel == "agency":
                hours = rng.triangular(4, 20, 8)
            elif driving:
                hours = rng.triangular(6, 36, 14)
            else:
                hours = rng.triangular(8, 50, 20)
            half_hours = max(1, round(hours * 2))
            role = rng.choice(roles)
            open_channel = channel
            if driving and rng.random() < CHANNEL_SWITCH_SHARE:
                open_channel = rng.choice(("own_website", "job_board"))
            if filled < starts[0]:
                continue
            year = date.fromordinal(day).year % 100
            vacancy_id = f"{partner.prefix}-{year:02d}-{sequence:04d}"
            first_file = max(0, k)
            fill_index = bisect.bisect_left(ends, filled)  # == count: beyond the last period
            for index in range(first_file, min(fill_index, count)):
                elapsed = ends[index] - day + 1
                total = filled - day
                files[index].append([
                    vacancy_id, role, day, None, open_channel,
                    cost * min(elapsed, total) // total, max(1, half_hours * min(elapsed, total)
                                                            // total),
                ])
            if fill_index < count:
                files[fill_index].append([vacancy_id, role, day, filled, channel, cost,
                                          half_hours])
    for index, rows in enumerate(files):
        plan.vacancy_files[(partner.index, index)] = rows


def _contributions(plan: _Plan, partner: _Partner, seed: int, dirty: bool) -> None:
    rng = random.Random(f"{seed}/contributions/{partner.id}")
    short = partner.index == SHORT_PARTNER % len(plan.partners)
    missing = (MISSING_CONTRIBUTIONS[0] % len(plan.partners),
               MISSING_CONTRIBUTIONS[1] % len(plan.periods))
    short_seen = 0
    for k, quarter in enumerate(plan.periods):
        commitment = partner.commitment(k)
        if commitment is None:
            continue
        money = commitment.money
        hours = round(commitment.hours * rng.uniform(1.0, 1.3))
        tasks = dict(commitment.tasks)
        for task in tasks:
            if rng.random() < 0.1:
                tasks[task] += 1
        if rng.random() < 0.08:
            extra = rng.choice([t for t in TASK_LABELS_NL if t not in tasks] or ["career_fair"])
            tasks[extra] = tasks.get(extra, 0) + 1
        if short and k % 3 == 1:
            variant = short_seen % 3
            short_seen += 1
            if variant == 0:
                hours = round(commitment.hours * 0.6)
                first = next(iter(tasks))
                tasks[first] = max(0, commitment.tasks.get(first, 1) - 1)
            elif variant == 1:
                money = commitment.money // 2
            else:
                hours = round(commitment.hours * 0.8)
                tasks = {task: 0 if task == "open_day" else n for task, n in tasks.items()}
        rows: list[tuple[str, str | None, int, str]] = []
        if money:
            rows.append(("money", None, money, f"kwartaalbijdrage {quarter}"))
        if hours:
            campaign = round(hours * rng.uniform(0.4, 0.7))
            rows.append(("hours", None, campaign, "uren campagne Werken aan Water"))
            if hours - campaign:
                rows.append(("hours", None, hours - campaign, "uren talentpool en scholen"))
        for task, times in tasks.items():
            if times == 0:
                continue
            label = TASK_LABELS_NL[task]
            if task == "guest_lecture" and times > 1:
                for school in rng.sample(SCHOOLS, times):
                    rows.append(("task", task, 1, f"{label} {school}"))
            else:
                rows.append(("task", task, times, label))
        if dirty and (partner.index, k) == missing:
            continue
        plan.contribution_files[(partner.index, k)] = rows


LEDGER_ITEMS = (
    # (share of the quarter's pot, activity, channel)
    (0.22, "Online advertenties campagne Werken aan Water", "joint_campaign"),
    (0.14, "Video en vormgeving campagne", "joint_campaign"),
    (0.18, "Licentie en beheer talentpoolplatform", "talent_pool"),
    (0.15, "Gastlessen, excursies en lesmateriaal scholen", "education_partnership"),
    (0.10, "Vacatures op de sectorvacaturebank", "sector_job_board"),
    (0.15, "Regie en coördinatie", None),
    (0.06, "Partnerbijeenkomst", None),
)


def _ledgers(plan: _Plan, seed: int) -> None:
    """The regisseur's spending from the joint pot: most of what came in, in the same quarter."""
    rng = random.Random(f"{seed}/ledger")
    for k, quarter in enumerate(plan.periods):
        received = sum(
            amount for (partner, period), rows in plan.contribution_files.items() if period == k
            for kind, _task, amount, _note in rows if kind == "money"
        )
        spend = received * (0.55 if k == 0 else rng.uniform(0.8, 1.05))
        first, last = quarter.start.toordinal(), quarter.end.toordinal()
        rows = []
        for share, activity, channel in LEDGER_ITEMS:
            cost = round(spend * share * rng.uniform(0.85, 1.15))
            if rng.random() < 0.5:
                cost = round(cost / 100) * 100
            rows.append((rng.randint(first, last), activity, cost, channel))
        rows.sort(key=lambda row: (row[0], row[1]))
        plan.ledgers.append(rows)


# --- the mistakes on purpose -----------------------------------------------------------------------

# (what, partner index, period index, needs a text (CSV) file)
PLANTS = (
    ("negative_cost", 0, 1, False),
    ("unknown_channel", 2, 2, False),
    ("swapped_dates", 3, 3, False),
    ("impossible_date", 1, 4, True),
    ("not_a_number", 4, 5, True),
    ("missing_id", 5, 6, False),
    ("filled_after_period", 9, 1, False),
    ("unknown_kind", 8, 4, False),
    ("ledger_hunting_channel", None, 6, False),
)
# a month of each quarter that has no 31st day
NO_31ST = {1: 2, 2: 4, 3: 9, 4: 11}


def _plant(plan: _Plan, seed: int) -> None:
    rng = random.Random(f"{seed}/dirty")
    count = len(plan.partners)
    planted: set[int] = set()  # id() of the rows already made wrong
    for what, preferred, period, needs_text in PLANTS:
        k = period % len(plan.periods)
        quarter = plan.periods[k]
        if what == "ledger_hunting_channel":
            day = rng.randint(quarter.start.toordinal(), quarter.end.toordinal())
            row = (day, "Inhuur wervingsbureau gezamenlijk traineeship", 4_250_00, "agency")
            plan.ledgers[k].append(row)
            plan.ledgers[k].sort(key=lambda r: (r[0], r[1]))
            plan.planted.append((what, ("ledger", k, row), "channel", "channel_in_driving"))
            continue
        candidates = [(preferred + step) % count for step in range(count)]
        if needs_text:
            candidates = [p for p in candidates if plan.partners[p].fmt != "xlsx"]
        if what == "unknown_kind":
            p = next((p for p in candidates if (p, k) in plan.contribution_files), None)
            if p is None:
                continue
            row = ("sponsoring", None, 500_00, "sponsoring open dag")
            plan.contribution_files[(p, k)].append(row)
            plan.planted.append((what, ("contributions", p, k, row), "kind", "kind_in_set"))
            continue
        start, end = quarter.start.toordinal(), quarter.end.toordinal()
        for p in candidates:
            # only a vacancy opened and filled within this quarter: it appears in no other file
            own = [r for r in plan.vacancy_files[(p, k)]
                   if id(r) not in planted and isinstance(r[2], int) and r[2] >= start
                   and isinstance(r[3], int) and r[3] > r[2]]
            if own:
                break
        else:
            continue
        row = own[rng.randrange(len(own))]
        planted.add(id(row))
        if what == "negative_cost":
            row[5] = -max(row[5], 100_00)
            column, rule = "cost", "not_negative"
        elif what == "unknown_channel":
            row[4] = _Raw("linkedin")
            column, rule = "channel", "channel_in_fields"
        elif what == "swapped_dates":
            row[2], row[3] = row[3], row[2]
            column, rule = "filled_on", "filled_after_opened"
        elif what == "impossible_date":
            row[3] = _Raw(f"31-{NO_31ST[quarter.quarter]:02d}-{quarter.year}")
            column, rule = "filled_on", "date"
        elif what == "not_a_number":
            row[5] = _Raw("n.v.t.")
            column, rule = "cost", "decimal"
        elif what == "missing_id":
            row[0] = _Raw("")
            column, rule = "vacancy_id", "required"
        else:
            row[3] = end + rng.randint(2, 12)
            column, rule = "filled_on", "filled_on_within_period"
        plan.planted.append((what, ("vacancies", p, k, row), column, rule))


STORIES = {
    "negative_cost": "a credit note booked as a vacancy's cost",
    "unknown_channel": "a channel the programme does not know (LinkedIn is the partner's own "
                       "ads, job_board)",
    "swapped_dates": "opening and filling date swapped",
    "impossible_date": "a date that does not exist",
    "not_a_number": "'not applicable' where an amount belongs",
    "missing_id": "the vacancy number left empty",
    "filled_after_period": "a hire of the next quarter sent along in this quarter's file",
    "unknown_kind": "a kind of contribution the contract does not know",
    "ledger_hunting_channel": "the joint pot paid an agency: a hunting channel, not a driving one",
}


# --- the figures the targets are set against ----------------------------------------------------


def _cents(value: int) -> Decimal:
    return Decimal(value) / 100


@dataclass
class _Figures:
    driving_hires: int = 0
    hunting_hires: int = 0
    own_driving: Decimal = Decimal(0)
    own_hunting: Decimal = Decimal(0)
    driving_days: int = 0
    hunting_days: int = 0
    contribution: Decimal = Decimal(0)
    cost_savings: Decimal = Decimal(0)
    net_benefit: Decimal = Decimal(0)

    def add(self, other: _Figures) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _figures(plan: _Plan) -> dict[tuple[int, int], _Figures]:
    """Per partner and period, the contract's figures over the rows the pipeline accepts.

    A partner without a baseline gets the pipeline's fallback: the mean of its own hunting hires
    in the period, else the median of the programme's baselines.
    """
    hour_rate = Decimal(HOUR_RATE)
    with_baseline = [p for p in plan.partners if p.has_baseline]
    median = (
        Decimal(statistics.median(p.cost_per_hire for p in with_baseline)),
        Decimal(statistics.median(p.time_to_fill for p in with_baseline)),
    )
    planted = {id(where[-1]) for _what, where, _column, _rule in plan.planted}
    result = {}
    cent = Decimal("0.01")
    for (p, k), rows in plan.vacancy_files.items():
        partner = plan.partners[p]
        figures = _Figures()
        for row in rows:
            vacancy_id, _role, opened, filled, channel, cost, half_hours = row
            if filled is None or id(row) in planted:
                continue
            own = _cents(cost) + Decimal(half_hours) / 2 * hour_rate
            if channel in DRIVING:
                figures.driving_hires += 1
                figures.own_driving += own
                figures.driving_days += filled - opened
            else:
                figures.hunting_hires += 1
                figures.own_hunting += own
                figures.hunting_days += filled - opened
        if partner.has_baseline:
            cost_per_hire, time_to_fill = Decimal(partner.cost_per_hire), Decimal(
                partner.time_to_fill)
        elif figures.hunting_hires:
            cost_per_hire = (figures.own_hunting / figures.hunting_hires).quantize(
                cent, ROUND_HALF_UP)
            time_to_fill = (Decimal(figures.hunting_days) / figures.hunting_hires).quantize(
                cent, ROUND_HALF_UP)
        else:
            cost_per_hire, time_to_fill = median
        rows_in = plan.contribution_files.get((p, k), [])
        money = sum((_cents(a) for kind, _t, a, _n in rows_in if kind == "money"), Decimal(0))
        hours = sum((Decimal(a) / 2 for kind, _t, a, _n in rows_in if kind == "hours"), Decimal(0))
        figures.contribution = money + hours * hour_rate
        if figures.driving_hires:
            figures.cost_savings = figures.driving_hires * cost_per_hire - figures.own_driving
            days_saved = figures.driving_hires * time_to_fill - figures.driving_days
            gross = figures.cost_savings + days_saved * VACANCY_DAY_COST
            benefit = gross * (1 - DEADWEIGHT) * (1 - ATTRIBUTION)
        else:
            benefit = Decimal(0)
        figures.net_benefit = benefit - figures.contribution
        result[(p, k)] = figures
    return result


BANDS = {"met": (Decimal("1.08"), None), "at_risk": (Decimal("0.84"), Decimal("0.95")),
         "behind": (Decimal("0.55"), Decimal("0.72"))}


def _status(actual: Decimal, expected: Decimal, lower_is_better: bool = False) -> str:
    if lower_is_better:
        return "met" if actual <= expected else "at_risk" if Decimal("0.8") * actual <= expected \
            else "behind"
    return "met" if actual >= expected else "at_risk" if actual >= Decimal("0.8") * expected \
        else "behind"


def _expected(actual: Decimal, wanted: str, step: int, rng: random.Random) -> Decimal:
    """A round expected value that gives `actual` the status `wanted`, if one exists."""
    if actual <= 0:
        return Decimal(2 * step)  # nothing to be proportionate to: any plan is behind
    low, high = BANDS[wanted]
    ratio = low + (Decimal("0.20") if high is None else high - low) * Decimal(
        str(round(rng.random(), 3)))
    guess = int((actual / ratio / step).to_integral_value(ROUND_HALF_UP))
    for offset in (0, 1, -1, 2, -2, 3, -3):
        expected = Decimal(step * max(1, guess + offset))
        if _status(actual, expected) == wanted:
            return expected
    return Decimal(step * max(1, guess))


def _trend(values: Sequence[int]) -> tuple[float, float]:
    """(slope, intercept) of the least-squares line through values[0], values[1], ..."""
    if len(values) < 2:
        return 0.0, float(values[0]) if values else 0.0
    fit = statistics.linear_regression(range(len(values)), values)
    return fit.slope, fit.intercept


def _targets(plan: _Plan, seed: int) -> list[tuple[str, str, str, Decimal, str]]:
    """(scope, indicator, period, expected, comment) with a mix of met, at_risk and behind."""
    rng = random.Random(f"{seed}/targets")
    figures = _figures(plan)
    periods = [str(q) for q in plan.periods]
    years = sorted({q.year for q in plan.periods})
    count = len(plan.partners)

    def total(scope: int | None, window: Sequence[int]) -> _Figures:
        result = _Figures()
        for (p, k), f in figures.items():
            if k in window and (scope is None or p == scope):
                result.add(f)
        return result

    def window(year: int) -> list[int]:
        return [k for k, q in enumerate(plan.periods) if q.year == year]

    targets: list[tuple[str, str, str, Decimal, str]] = []
    # the plan a regisseur writes: a straight ramp a little above the trend that came true
    hires = [total(None, [k]).driving_hires for k in range(len(periods))]
    slope, intercept = _trend(hires)
    for k, period in enumerate(periods):
        planned = Decimal(str((intercept + slope * k) * 1.06 / 5)).to_integral_value(ROUND_HALF_UP)
        targets.append(("programme", "driving_hires", period, max(Decimal(5), 5 * planned), ""))
    last = years[-1]
    for year in years:
        sums = total(None, window(year))
        wanted = "at_risk" if year == years[0] and len(years) > 1 else "met"
        targets.append(("programme", "net_benefit", str(year),
                        _expected(sums.net_benefit, wanted, 5000, rng), ""))
        committed = sum(
            (_cents(c.money) + Decimal(c.hours) / 2 * HOUR_RATE
             for p in plan.partners for k in window(year) if (c := p.commitment(k))),
            Decimal(0),
        )
        targets.append(("programme", "contribution", str(year), committed,
                        "what the partners committed"))
    sums = total(None, window(last))
    targets.append(("programme", "cost_savings", str(last),
                    _expected(sums.cost_savings, "behind", 5000, rng), ""))
    targets.append(("programme", "hunting_hires", str(last),
                    _expected(Decimal(sums.hunting_hires), "met", 10, rng), ""))
    if sums.driving_hires:
        cost_per_hire = sums.own_driving / sums.driving_hires
        time_to_fill = Decimal(sums.driving_days) / sums.driving_hires
        # lower is better: met when the actual stays at or under the expected
        targets.append(("programme", "driving_cost_per_hire", str(last),
                        (cost_per_hire * Decimal("1.12") / 100).to_integral_value() * 100,
                        "lower is better"))
        targets.append(("programme", "driving_time_to_fill", str(last),
                        (time_to_fill / Decimal("1.08")).to_integral_value(), "lower is better"))
    partner = plan.partners[0]
    for year in years:
        wanted = "behind" if year == years[0] and len(years) > 1 else "met"
        targets.append((partner.id, "net_benefit", str(year),
                        _expected(total(0, window(year)).net_benefit, wanted, 1000, rng), ""))
    if count > CHANGING_PARTNER:
        targets.append((plan.partners[CHANGING_PARTNER].id, "driving_hires", str(last),
                        _expected(Decimal(total(CHANGING_PARTNER, window(last)).driving_hires),
                                  "at_risk", 1, rng), ""))
    if count > SHORT_PARTNER:
        partner = plan.partners[SHORT_PARTNER]
        committed = sum(
            (_cents(c.money) + Decimal(c.hours) / 2 * HOUR_RATE
             for k in window(last) if (c := partner.commitment(k))),
            Decimal(0),
        )
        targets.append((partner.id, "contribution", str(last), committed,
                        "what the partner committed"))
    if count > 7 and len(periods) > 3:
        targets.append((plan.partners[7].id, "driving_hires", periods[3],
                        _expected(Decimal(total(7, [3]).driving_hires), "met", 1, rng), ""))
    if count > 8:
        targets.append((plan.partners[8].id, "cost_savings", str(last),
                        _expected(total(8, window(last)).cost_savings, "at_risk", 500, rng), ""))
    return targets


# --- programme.yaml -------------------------------------------------------------------------------


def _number(value: Decimal | int) -> str:
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _programme_yaml(plan: _Plan, seed: int, partners: int, periods: int, per_quarter: int,
                    dirty: bool, excel_share: float) -> str:
    arguments = f"--partners {partners} --periods {periods} --seed {seed}"
    if per_quarter != 16:
        arguments += f" --vacancies {per_quarter}"
    if excel_share != 0.3:
        arguments += f" --excel-share {excel_share}"
    if not dirty:
        arguments += " --clean"
    nobody = plan.partners[-1].id
    lines = [
        f"# {PROGRAMME_NAME}: a sample programme of drijfjacht (invented figures).",
        f"# Written by `python -m {GENERATOR_MARK} DEST {arguments}`:",
        "# change the generator and run it again rather than editing this file.",
        f"programme: {{id: {PROGRAMME_ID}, name: {_quoted(PROGRAMME_NAME)}, currency: EUR,",
        f"            language: nl, first_period: {FIRST_PERIOD}}}",
        "",
        "partners:",
    ]
    lines += [f"  - {{id: {p.id}, name: {_quoted(p.name)}, kind: {p.kind}}}" for p in plan.partners]
    lines += [
        "",
        "fields:",
        f"  driving: [{', '.join(DRIVING)}]  # together",
        f"  hunting: [{', '.join(HUNTING)}]  # each alone",
        "",
        "# Cost per hire (EUR, own spend and hours) and days to fill before the alliance.",
        f"# {nobody} has no recruitment history: the pipeline's fallback rule applies.",
        "baselines:",
    ]
    lines += [
        f"  - {{partner: {p.id}, cost_per_hire: {p.cost_per_hire}, "
        f"time_to_fill_days: {p.time_to_fill}}}"
        for p in plan.partners if p.has_baseline
    ]
    lines += [
        "",
        "valuation:",
        f"  hour_rate: {HOUR_RATE}           # value of one contributed or spent hour",
        f"  vacancy_day_cost: {VACANCY_DAY_COST}    # cost of one day that a vacancy stays open",
        f"  deadweight: {DEADWEIGHT}        # share of driving benefit that would have come anyway",
        f"  attribution: {ATTRIBUTION}       # share owed to others outside the programme",
        "",
        "# Per quarter, from `from` up to and including `until`.",
        "commitments:",
    ]
    for partner in plan.partners:
        for c in partner.commitments:
            start = plan.periods[c.start]
            until = f", until: {plan.periods[c.until]}" if c.until is not None else ""
            tasks = ", ".join(f"{task}: {n}" for task, n in c.tasks.items())
            lines.append(
                f"  - {{partner: {partner.id}, from: {start}{until}, money: {c.money // 100}, "
                f"hours: {_number(Decimal(c.hours) / 2)}, tasks: {{{tasks}}}}}"
            )
    lines += ["", "targets:"]
    for scope, indicator, period, expected, comment in _targets(plan, seed):
        note = f"  # {comment}" if comment else ""
        lines.append(f"  - {{scope: {scope}, indicator: {indicator}, period: {period}, "
                     f"expected: {_number(expected)}}}{note}")
    lines += ["", f"privacy: {{min_group_size: {MIN_GROUP_SIZE}}}", ""]
    return "\n".join(lines)


# --- writing the files ---------------------------------------------------------------------------

VACANCY_COLUMNS = ("vacancy_id", "role", "opened_on", "filled_on", "channel", "cost", "hours")
HEADERS = {
    # style: ((canonical column, header as written), ...) in the file's column order
    ("vacancies", "nl"): (("vacancy_id", "vacature_id"), ("role", "rol"),
                          ("opened_on", "geopend_op"), ("filled_on", "vervuld_op"),
                          ("channel", "kanaal"), ("cost", "kosten"), ("hours", "uren")),
    ("vacancies", "nl-alt"): (("vacancy_id", "Vacaturenummer"), ("role", "Functie"),
                              ("channel", "Kanaal"), ("opened_on", "Geopend"),
                              ("filled_on", "Vervuld"), ("cost", "Kosten"), ("hours", "Uren")),
    ("vacancies", "en"): tuple((c, c) for c in VACANCY_COLUMNS),
    ("vacancies", "xlsx-nl"): (("vacancy_id", "Vacature ID"), ("role", "Functie"),
                               ("opened_on", "Geopend op"), ("filled_on", "Vervuld op"),
                               ("channel", "Kanaal"), ("cost", "Kosten"), ("hours", "Uren")),
    ("vacancies", "xlsx-en"): (("vacancy_id", "Vacancy ID"), ("role", "Role"),
                               ("opened_on", "Opened"), ("filled_on", "Filled"),
                               ("channel", "Channel"), ("cost", "Cost"), ("hours", "Hours")),
    ("contributions", "nl"): (("kind", "soort"), ("task", "taak"), ("amount", "aantal"),
                              ("note", "toelichting")),
    ("contributions", "nl-alt"): (("kind", "Soort"), ("task", "Taak"), ("amount", "Aantal"),
                                  ("note", "Toelichting")),
    ("contributions", "en"): (("kind", "kind"), ("task", "task"), ("amount", "amount"),
                              ("note", "note")),
    ("contributions", "xlsx-nl"): (("kind", "Soort"), ("task", "Taak"), ("amount", "Aantal"),
                                   ("note", "Toelichting")),
    ("contributions", "xlsx-en"): (("kind", "Kind"), ("task", "Task"), ("amount", "Amount"),
                                   ("note", "Note")),
}
KINDS_NL = {"money": "geld", "hours": "uren", "task": "taak"}
NOTES_EN = {
    "kwartaalbijdrage": "quarterly contribution",
    "uren campagne Werken aan Water": "hours for the Werken aan Water campaign",
    "uren talentpool en scholen": "hours for the talent pool and schools",
    "sponsoring open dag": "sponsoring open day",
    **{label: task.replace("_", " ") for task, label in TASK_LABELS_NL.items()},
}


def _style(partner: _Partner) -> str:
    if partner.fmt == "xlsx":
        return "xlsx-nl" if partner.dutch_headers else "xlsx-en"
    if partner.fmt == "en":
        return "en"
    return "nl-alt" if partner.encoding == "cp1252" else "nl"


def _dutch_money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    return f"{sign}{euros:,}".replace(",", ".") + f",{rest:02d}"


def _english_money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    return f"{sign}{euros}.{rest:02d}"


def _half_hours(halves: int, dutch: bool) -> str:
    whole, half = divmod(halves, 2)
    return f"{whole}{',5' if dutch else '.5'}" if half else str(whole)


class _Dates:
    """Ordinal -> text, cached: a large programme formats the same few thousand days again."""

    def __init__(self, pattern: str):
        self.pattern = pattern
        self.cache: dict[int, str] = {}

    def __call__(self, ordinal: int) -> str:
        text = self.cache.get(ordinal)
        if text is None:
            text = date.fromordinal(ordinal).strftime(self.pattern)
            self.cache[ordinal] = text
        return text


def _label(identifier: str) -> str:
    # how a person types a channel or task in a spreadsheet: the reader turns it back into an id
    return identifier.replace("_", " ").capitalize()


def _path(partner: _Partner, kind: str, quarter: Quarter) -> str:
    suffix = ".xlsx" if partner.fmt == "xlsx" else ".csv"
    return f"inbox/{quarter}/{kind}_{partner.id}{suffix}"


LEDGER_COLUMNS = (("date", "date"), ("activity", "activity"), ("cost", "cost"),
                  ("channel", "channel"))


def _render(plan: _Plan) -> Iterator[tuple[str, bytes]]:
    """(path relative to the programme folder, bytes) of every inbox file."""
    dutch_dates, iso_dates = _Dates("%d-%m-%Y"), _Dates("%Y-%m-%d")
    for k, quarter in enumerate(plan.periods):
        for partner in plan.partners:
            style = _style(partner)
            for kind, files in (("vacancies", plan.vacancy_files),
                                ("contributions", plan.contribution_files)):
                rows = files.get((partner.index, k))
                if rows is None:
                    continue
                columns = HEADERS[(kind, style)]
                if partner.fmt == "xlsx":
                    content = _xlsx(kind, rows, columns, partner.dutch_headers)
                else:
                    dutch = partner.fmt == "nl"
                    cells = (_vacancy_cells if kind == "vacancies" else _contribution_cells)(
                        rows, columns, dutch, dutch_dates if dutch else iso_dates)
                    content = _csv(columns, cells, dutch, partner.encoding)
                yield _path(partner, kind, quarter), content
        cells = [[iso_dates(day), activity, _english_money(cost), channel or ""]
                 for day, activity, cost, channel in plan.ledgers[k]]
        yield f"inbox/{quarter}/ledger.csv", _csv(LEDGER_COLUMNS, cells, False, "utf-8")


def _manifest(plan: _Plan) -> list[PlantedError]:
    """Where each planted mistake ended up: file, spreadsheet row, header and value as written."""
    errors = []
    for what, where, column, rule in plan.planted:
        kind, row = where[0], where[-1]
        if kind == "ledger":
            k = where[1]
            number = 2 + next(i for i, r in enumerate(plan.ledgers[k]) if r is row)
            errors.append(PlantedError(f"inbox/{plan.periods[k]}/ledger.csv", number, column,
                                       row[3] or "", rule, STORIES[what]))
            continue
        p, k = where[1], where[2]
        partner = plan.partners[p]
        files = plan.vacancy_files if kind == "vacancies" else plan.contribution_files
        number = 2 + next(i for i, r in enumerate(files[(p, k)]) if r is row)
        style = _style(partner)
        header = dict(HEADERS[(kind, style)])[column]
        if kind == "contributions":
            value = row[0]
        else:
            value = row[VACANCY_COLUMNS.index(column)]
            if isinstance(value, _Raw):
                value = str(value)
            elif column in ("opened_on", "filled_on"):
                # as the file shows it: Excel cells carry the format dd-mm-yyyy
                value = date.fromordinal(value).strftime(
                    "%Y-%m-%d" if style == "en" else "%d-%m-%Y")
            elif column == "cost":
                value = _dutch_money(value) if style.startswith("nl") else _english_money(value)
        errors.append(PlantedError(_path(partner, kind, plan.periods[k]), number, header,
                                   str(value), rule, STORIES[what]))
    return sorted(errors, key=lambda e: (e.path, e.row))


def _vacancy_cells(rows: list[Row], columns: Sequence[tuple[str, str]], dutch: bool,
                   dates: _Dates) -> list[list[str]]:
    money = _dutch_money if dutch else _english_money
    order = [VACANCY_COLUMNS.index(canonical) for canonical, _ in columns]
    cells = []
    for row in rows:
        vacancy_id, role, opened, filled, channel, cost, halves = row
        values = [
            vacancy_id,
            role,
            opened if isinstance(opened, _Raw) else dates(opened),
            "" if filled is None else filled if isinstance(filled, _Raw) else dates(filled),
            channel,
            cost if isinstance(cost, _Raw) else money(cost),
            _half_hours(halves, dutch),
        ]
        cells.append([values[i] for i in order])
    return cells


def _contribution_cells(rows: list, columns: Sequence[tuple[str, str]], dutch: bool,
                        _dates: _Dates) -> list[list[str]]:
    cells = []
    for kind, task, amount, note in rows:
        if kind == "money":
            text = _dutch_money(amount) if dutch else _english_money(amount)
        elif kind == "hours":
            text = _half_hours(amount, dutch)
        elif kind == "task":
            text = str(amount)
        else:
            text = _dutch_money(amount) if dutch else _english_money(amount)
        values = {
            "kind": KINDS_NL.get(kind, kind) if dutch else kind,
            "task": task or "",
            "amount": text,
            "note": note if dutch else _english_note(note),
        }
        cells.append([values[canonical] for canonical, _ in columns])
    return cells


def _english_note(note: str) -> str:
    for dutch, english in NOTES_EN.items():
        if note.startswith(dutch):
            return english + note[len(dutch):]
    return note


def _csv(columns: Sequence[tuple[str, str]], cells: list[list[str]], dutch: bool,
         encoding: str) -> bytes:
    buffer = io.StringIO()
    # Dutch exports come from Windows: ';', CRLF; the English ones from a web application
    writer = csv.writer(buffer, delimiter=";" if dutch else ",",
                        lineterminator="\r\n" if dutch else "\n")
    writer.writerow([header for _, header in columns])
    writer.writerows(cells)
    return buffer.getvalue().encode(encoding)


def _typed_cells(kind: str, row: Sequence, dutch: bool) -> dict[str, tuple[object, str]]:
    """canonical column -> (value, how to write it: text | date | money | number)."""
    if kind == "vacancies":
        vacancy_id, role, opened, filled, channel, cost, halves = row
        return {
            "vacancy_id": (vacancy_id, "text"), "role": (role, "text"),
            "opened_on": (opened, "date"), "filled_on": (filled, "date"),
            "channel": (channel if isinstance(channel, _Raw) else _label(channel), "text"),
            "cost": (cost if isinstance(cost, _Raw) else cost / 100, "money"),
            "hours": (halves / 2, "number"),
        }
    what, task, amount, note = row
    amount_cell = {"money": (amount / 100, "money"), "hours": (amount / 2, "number"),
                   "task": (amount, "number")}.get(what, (amount / 100, "money"))
    return {
        "kind": ((KINDS_NL.get(what, what) if dutch else what).capitalize(), "text"),
        "task": (_label(task) if task else None, "text"),
        "amount": amount_cell,
        "note": (note if dutch else _english_note(note), "text"),
    }


def _xlsx(kind: str, rows: list, columns: Sequence[tuple[str, str]], dutch: bool) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    # a fixed creation date: the same arguments give the same bytes
    workbook.set_properties({"created": XLSX_CREATED, "author": "HR-systeem"})
    sheet_name = ({"vacancies": "Vacatures", "contributions": "Bijdragen"}[kind] if dutch
                  else kind.capitalize())
    sheet = workbook.add_worksheet(sheet_name)
    formats = {
        "date": workbook.add_format({"num_format": "dd-mm-yyyy"}),
        "money": workbook.add_format({"num_format": "#,##0.00"}),
    }
    bold = workbook.add_format({"bold": True})
    for col, (_, header) in enumerate(columns):
        sheet.write_string(0, col, header, bold)
        sheet.set_column(col, col, max(12, len(header) + 2))
    sheet.freeze_panes(1, 0)
    for number, row in enumerate(rows, start=1):
        cells = _typed_cells(kind, row, dutch)
        for col, (canonical, _) in enumerate(columns):
            value, how = cells[canonical]
            if value is None or value == "":
                continue
            if isinstance(value, str):
                sheet.write_string(number, col, value)
            elif how == "date":
                sheet.write_datetime(number, col, date.fromordinal(value), formats["date"])
            else:
                sheet.write_number(number, col, value, formats.get(how))
    workbook.close()
    return buffer.getvalue()


def _prepare(dest: Path) -> None:
    inbox = dest / "inbox"
    programme = dest / "programme.yaml"
    ours = programme.is_file() and GENERATOR_MARK in programme.read_text(
        encoding="utf-8", errors="replace")[:1000]
    if inbox.exists() and any(inbox.iterdir()):
        if not ours:
            raise FileExistsError(
                f"{inbox} already holds files that this generator did not write: "
                "choose an empty folder"
            )
        shutil.rmtree(inbox)
    elif programme.exists() and not ours:
        raise FileExistsError(f"{programme} exists and was not written by this generator")
    dest.mkdir(parents=True, exist_ok=True)


# --- the command line ----------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=f"python -m {GENERATOR_MARK}",
        description=f"Write the sample programme '{PROGRAMME_NAME}' (programme.yaml and inbox/).",
    )
    parser.add_argument("dest", type=Path, help="the programme folder to write")
    parser.add_argument("--partners", type=int, default=10)
    parser.add_argument("--periods", type=int, default=8, help="quarters from 2025Q1")
    parser.add_argument("--seed", type=int, default=DEMO_SEED)
    parser.add_argument("--vacancies", type=int, default=16,
                        help="vacancies opened per partner per quarter (on average)")
    parser.add_argument("--excel-share", type=float, default=0.3,
                        help="share of partners that send .xlsx files")
    parser.add_argument("--clean", action="store_true",
                        help="no mistakes on purpose: no wrong rows, no missing file")
    args = parser.parse_args(argv)
    try:
        write_programme(args.dest, partners=args.partners, periods=args.periods, seed=args.seed,
                        vacancies_per_quarter=args.vacancies, dirty=not args.clean,
                        excel_share=args.excel_share)
    except (ValueError, FileExistsError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    files = sum(1 for path in (args.dest / "inbox").rglob("*") if path.is_file())
    print(f"Wrote {args.dest / 'programme.yaml'} and {files} files under {args.dest / 'inbox'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
