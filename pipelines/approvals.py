"""`drijfjacht approve` and `drijfjacht reopen`: the regisseur's decisions on a period."""

from __future__ import annotations

from pathlib import Path

import duckdb

from domain.approvals import Decision, append_decision, approved_files, load_decisions, now_utc
from domain.audit import sha256_of
from domain.periods import is_quarter


class DecisionRefused(Exception):
    """The decision cannot be taken as asked; the message says why and what to do."""


def _inbox_state(programme_dir: Path, period: str) -> dict[str, str]:
    folder = programme_dir / "inbox" / period
    if not folder.is_dir():
        return {}
    return {
        path.relative_to(programme_dir).as_posix(): sha256_of(path)
        for path in sorted(folder.iterdir())
        if path.is_file() and not path.is_symlink() and not path.name.startswith((".", "~$"))
    }


def approve_period(
    programme_dir: Path, out: Path, period: str, by: str, accept_rejections: bool
) -> Decision:
    """Record the approval of `period`, freezing the files in effect now."""
    if not is_quarter(period):
        raise DecisionRefused(f"{period} is not a quarter: write it as 2026Q1")
    decisions = load_decisions(programme_dir)
    if period in approved_files(decisions):
        last = [d for d in decisions if d.period == period][-1]
        raise DecisionRefused(f"{period} is already approved (by {last.by} at {last.at})")
    warehouse = out / "warehouse.duckdb"
    if not warehouse.is_file():
        raise DecisionRefused(f"no warehouse in {out}: run the programme before approving")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        files = dict(
            con.execute(
                "SELECT path, sha256 FROM raw.submissions WHERE period = ? "
                "AND superseded_by IS NULL ORDER BY path",
                [period],
            ).fetchall()
        )
        rejections = con.execute(
            "SELECT count(*) FROM main.rejections WHERE period = ?", [period]
        ).fetchall()[0][0]
    if not files:
        raise DecisionRefused(f"nothing was received for {period}: run the programme first")
    if _inbox_state(programme_dir, period) != files:
        raise DecisionRefused(
            f"the inbox of {period} changed since the last run: run the programme, check the "
            "pages, then approve"
        )
    if rejections and not accept_rejections:
        raise DecisionRefused(
            f"{period} has {rejections} unresolved rejection(s): ask the partners to resubmit, "
            "or approve with --accept-rejections to accept the period as it is (that is recorded)"
        )
    decision = Decision(
        action="approve",
        period=period,
        by=by,
        at=now_utc(),
        accepted_rejections=int(rejections),
        files=files,
    )
    append_decision(programme_dir, decision)
    return decision


def reopen_period(programme_dir: Path, period: str, by: str, reason: str) -> Decision:
    """Record that an approved period is open again, and why."""
    if not reason.strip():
        raise DecisionRefused("a reopening needs a reason (--reason \"...\")")
    if period not in approved_files(load_decisions(programme_dir)):
        raise DecisionRefused(f"{period} is not approved, so there is nothing to reopen")
    decision = Decision(action="reopen", period=period, by=by, at=now_utc(), reason=reason.strip())
    append_decision(programme_dir, decision)
    return decision
