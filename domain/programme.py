"""`programme.yaml` as typed models: every rule of the data contract is checked at load time."""

from __future__ import annotations

import functools
import hashlib
import re
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from domain.periods import Quarter, is_quarter, is_year

PROGRAMME_FILE = "programme.yaml"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"


class ProgrammeError(Exception):
    """programme.yaml is missing, unreadable or breaks a rule; `problems` lists each as text."""

    def __init__(self, path: Path, problems: list[str]):
        self.path = path
        self.problems = problems
        listed = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"{path}: {len(problems)} problem(s)\n{listed}")


def _exact_decimal(value: object) -> object:
    # YAML turns 0.20 into a float; going through its shortest repr keeps it exactly 0.20.
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


def _quarter(value: object) -> str:
    text = str(value)
    Quarter.parse(text)
    return text


def _target_period(value: object) -> str:
    text = str(value)
    if not (is_quarter(text) or is_year(text)):
        raise ValueError(f"'{text}' is neither a quarter (2026Q1) nor a year (2026)")
    return text


Money = Annotated[Decimal, BeforeValidator(_exact_decimal), Field(ge=0, max_digits=18)]
Share = Annotated[Decimal, BeforeValidator(_exact_decimal), Field(ge=0, lt=1)]
Slug = Annotated[str, Field(pattern=SLUG_PATTERN, max_length=64)]
QuarterText = Annotated[str, BeforeValidator(_quarter)]
TargetPeriod = Annotated[str, BeforeValidator(_target_period)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ProgrammeInfo(Strict):
    id: Slug
    name: Annotated[str, Field(min_length=1)]
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    language: Literal["nl", "en"]
    first_period: QuarterText


class Partner(Strict):
    id: Slug
    name: Annotated[str, Field(min_length=1)]
    kind: Annotated[str, Field(min_length=1)]


def _unique_channels(channels: list[str]) -> list[str]:
    seen: set[str] = set()
    for channel in channels:
        if channel in seen:
            raise ValueError(f"channel '{channel}' is listed twice")
        seen.add(channel)
    return channels


Channels = Annotated[list[Slug], Field(min_length=1), AfterValidator(_unique_channels)]


class Fields(Strict):
    driving: Channels
    hunting: Channels

    @model_validator(mode="after")
    def _each_channel_in_one_field(self) -> Fields:
        both = sorted(set(self.driving) & set(self.hunting))
        if both:
            raise ValueError(
                f"channel(s) {', '.join(both)} listed under both driving and hunting: "
                "every channel belongs to exactly one field"
            )
        return self

    def field_of(self, channel: str) -> str | None:
        if channel in self.driving:
            return "driving"
        if channel in self.hunting:
            return "hunting"
        return None


class Baseline(Strict):
    partner: Slug
    cost_per_hire: Money
    time_to_fill_days: Money


class Valuation(Strict):
    hour_rate: Money
    vacancy_day_cost: Money
    deadweight: Share
    attribution: Share


class Commitment(Strict):
    partner: Slug
    from_: Annotated[QuarterText, Field(alias="from")]
    until: QuarterText | None = None
    money: Money = Decimal(0)
    hours: Money = Decimal(0)
    tasks: dict[Slug, Annotated[Decimal, BeforeValidator(_exact_decimal), Field(ge=0)]] = {}

    @model_validator(mode="after")
    def _until_not_before_from(self) -> Commitment:
        if self.until is not None and Quarter.parse(self.until) < Quarter.parse(self.from_):
            raise ValueError(f"until {self.until} is before from {self.from_}")
        return self

    def covers(self, period: str) -> bool:
        quarter = Quarter.parse(period)
        if quarter < Quarter.parse(self.from_):
            return False
        return self.until is None or quarter <= Quarter.parse(self.until)


class Target(Strict):
    # scope and indicator are checked when targets are evaluated, so that one wrong target
    # becomes a warning on the page instead of stopping the whole programme.
    scope: Annotated[str, Field(min_length=1)]
    indicator: Annotated[str, Field(min_length=1)]
    period: TargetPeriod
    expected: Annotated[Decimal, BeforeValidator(_exact_decimal)]


class Privacy(Strict):
    min_group_size: Annotated[int, Field(ge=1)] = 3


class Limits(Strict):
    """Guards against one file exhausting the machine; a file over a limit is rejected whole."""

    max_file_bytes: Annotated[int, Field(ge=1)] = 512 * 1024 * 1024
    max_rows_per_file: Annotated[int, Field(ge=1)] = 5_000_000


class Programme(Strict):
    programme: ProgrammeInfo
    partners: Annotated[list[Partner], Field(min_length=2)]
    fields: Fields
    baselines: list[Baseline] = []
    valuation: Valuation
    commitments: list[Commitment] = []
    targets: list[Target] = []
    privacy: Privacy = Privacy()
    limits: Limits = Limits()

    @model_validator(mode="after")
    def _references_are_known(self) -> Programme:
        problems: list[str] = []
        ids = [partner.id for partner in self.partners]
        duplicated = sorted({pid for pid in ids if ids.count(pid) > 1})
        if duplicated:
            problems.append(f"partners: id(s) {', '.join(duplicated)} used more than once")
        if "programme" in ids:
            problems.append("partners: 'programme' is reserved for the programme's own scope")
        known = set(ids)
        for section, items in (("baselines", self.baselines), ("commitments", self.commitments)):
            for index, item in enumerate(items):
                if item.partner not in known:
                    problems.append(f"{section}[{index}].partner: unknown partner '{item.partner}'")
        baseline_partners = [baseline.partner for baseline in self.baselines]
        for pid in sorted({pid for pid in baseline_partners if baseline_partners.count(pid) > 1}):
            problems.append(f"baselines: partner '{pid}' has more than one baseline")
        first = Quarter.parse(self.programme.first_period)
        for index, commitment in enumerate(self.commitments):
            if Quarter.parse(commitment.from_) < first:
                problems.append(
                    f"commitments[{index}].from: {commitment.from_} is before the programme's "
                    f"first_period {self.programme.first_period}"
                )
        problems.extend(self._overlapping_commitments())
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _overlapping_commitments(self) -> list[str]:
        problems = []
        for i, a in enumerate(self.commitments):
            for j in range(i + 1, len(self.commitments)):
                b = self.commitments[j]
                if a.partner != b.partner:
                    continue
                a_end = Quarter.parse(a.until) if a.until else None
                b_end = Quarter.parse(b.until) if b.until else None
                a_start, b_start = Quarter.parse(a.from_), Quarter.parse(b.from_)
                if (a_end is None or b_start <= a_end) and (b_end is None or a_start <= b_end):
                    problems.append(
                        f"commitments[{i}] and commitments[{j}]: both cover partner "
                        f"'{a.partner}' in the same period (periods must not overlap)"
                    )
        return problems

    @property
    def partner_ids(self) -> list[str]:
        return [partner.id for partner in self.partners]

    def is_partner(self, partner_id: str | None) -> bool:
        return partner_id in self._partner_id_set

    @functools.cached_property
    def _partner_id_set(self) -> frozenset[str]:
        # asked once per received file: tens of thousands of times in a sector's run
        return frozenset(self.partner_ids)

    @property
    def channels(self) -> list[str]:
        return [*self.fields.driving, *self.fields.hunting]

    def partner(self, partner_id: str) -> Partner | None:
        return next((p for p in self.partners if p.id == partner_id), None)

    def commitment_for(self, partner_id: str, period: str) -> Commitment | None:
        return next(
            (c for c in self.commitments if c.partner == partner_id and c.covers(period)), None
        )


def _format_error(error: dict) -> str:
    location = ""
    for part in error["loc"]:
        if isinstance(part, int):
            location += f"[{part}]"
        else:
            location += f".{part}" if location else str(part)
    message = error["msg"]
    message = re.sub(r"^Value error, ", "", message)
    if error["type"] == "extra_forbidden":
        message = "unknown key (a typo?)"
    elif error["type"] == "missing":
        message = "required key is missing"
    if "input" in error and error["type"] not in ("missing", "model_type"):
        value = error["input"]
        if not isinstance(value, (dict, list)):
            message += f" (value: {value!r})"
    return f"{location}: {message}" if location else message


class _UniqueKeys:
    """PyYAML keeps the last of two equal keys silently; a programme must not lose one that way."""

    def construct_mapping(self, node, deep=False):
        seen: set = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key '{key}' appears twice in one mapping", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


class _UniqueKeyLoader(_UniqueKeys, yaml.SafeLoader):
    """Pure Python: its errors quote the line at fault."""


class _FastUniqueKeyLoader(_UniqueKeys, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """PyYAML's C parser when built: a sector's programme.yaml 5x faster (paid by every step)."""


@functools.lru_cache(maxsize=8)
def parse_programme(text: str, path: Path = Path(PROGRAMME_FILE)) -> Programme:
    """The programme `text` holds; raise ProgrammeError naming every problem.

    Remembered per text: every step of a run loads programme.yaml, and checking 400 partners
    costs ~50 ms each time. The models are frozen, so one Programme can serve them all.
    """
    try:
        document = yaml.load(text, Loader=_FastUniqueKeyLoader)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError:
        try:
            yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - again, for a message that quotes the line
        except yaml.YAMLError as error:
            raise ProgrammeError(path, [f"not valid YAML: {error}"]) from None
        raise
    if not isinstance(document, dict):
        raise ProgrammeError(path, ["expected a mapping with the keys programme, partners, ..."])
    try:
        return Programme.model_validate(document)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            # cross-reference problems arrive as one '; '-joined message: list each on its own
            problems.extend(_format_error(item).split("; "))
        raise ProgrammeError(path, problems) from None


def load_programme(folder: Path) -> Programme:
    """Read and check `<folder>/programme.yaml`; raise ProgrammeError naming every problem."""
    path = Path(folder) / PROGRAMME_FILE
    if not Path(folder).is_dir():
        raise ProgrammeError(path, [f"programme folder {folder} does not exist"])
    if not path.is_file():
        raise ProgrammeError(path, ["programme.yaml is missing"])
    return parse_programme(path.read_text(encoding="utf-8-sig"), path)


def programme_sha256(folder: Path) -> str:
    return hashlib.sha256((Path(folder) / PROGRAMME_FILE).read_bytes()).hexdigest()
