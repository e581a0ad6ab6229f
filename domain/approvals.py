"""The regisseur's decisions on periods: approve (final, inputs frozen) and reopen (with a reason).

They live in `<programme>/approvals.yaml`, next to programme.yaml, as an append-only list: they are
inputs of the programme like its files, travel with it, and are hashed into every manifest, so
`verify` recomputes a site with the same decisions it was published under.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from domain.periods import Quarter

APPROVALS_FILE = "approvals.yaml"
HEADER = (
    "# The regisseur's decisions on periods, oldest first. Written by `drijfjacht approve` and\n"
    "# `drijfjacht reopen`; never edit or remove an entry: a correction is a new entry.\n"
)


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    action: Literal["approve", "reopen"]
    period: str
    by: Annotated[str, Field(min_length=1)]
    at: str
    reason: str | None = None
    accepted_rejections: int | None = None
    files: dict[str, str] = {}  # approve: the files in effect, relative path -> sha256


class ApprovalsError(Exception):
    pass


def load_decisions(programme_dir: Path) -> list[Decision]:
    path = Path(programme_dir) / APPROVALS_FILE
    if not path.is_file():
        return []
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        decisions = TypeAdapter(list[Decision]).validate_python(document)
    except (yaml.YAMLError, ValidationError) as error:
        raise ApprovalsError(f"{path}: not a valid list of decisions: {error}") from None
    for decision in decisions:
        Quarter.parse(decision.period)
    return decisions


def approved_files(decisions: list[Decision]) -> dict[str, dict[str, str]]:
    """For every period whose last decision is an approval: the files approved, path -> sha256."""
    state: dict[str, dict[str, str] | None] = {}
    for decision in decisions:
        state[decision.period] = dict(decision.files) if decision.action == "approve" else None
    return {period: files for period, files in state.items() if files is not None}


def now_utc() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def append_decision(programme_dir: Path, decision: Decision) -> None:
    """Add one decision at the end of approvals.yaml (written beside and renamed in)."""
    path = Path(programme_dir) / APPROVALS_FILE
    decisions = [*load_decisions(programme_dir), decision]
    body = yaml.safe_dump(
        [d.model_dump(exclude_none=True, exclude_defaults=False) for d in decisions],
        sort_keys=False,
        allow_unicode=True,
    )
    partial = path.with_name(path.name + ".partial")
    partial.write_text(HEADER + body, encoding="utf-8")
    partial.replace(path)
