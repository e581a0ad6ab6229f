"""Fixtures for the dashboard tests: a hand-built SiteData and a headless Chromium.

`sample_site_data()` builds the tables the way the warehouse hands them over (Decimal money,
one row per partner x period, programme rows that are the sums over partners), computed with the
contract's formulas from generated vacancies and contributions, so the numbers are realistic and
consistent with each other.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import polars as pl
import pytest

from assets.clean import DECISION_SCHEMA, PERIOD_STATUS_SCHEMA
from dashboards.pages import SiteData
from domain.periods import Quarter, quarter_range

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

MONEY = pl.Decimal(38, 2)
CENT = Decimal("0.01")
HOUR_RATE = Decimal(75)
VACANCY_DAY_COST = Decimal(250)
DEADWEIGHT = Decimal("0.20")
ATTRIBUTION = Decimal("0.10")
SENTINEL_COST = Decimal("987654.32")
SENTINEL_HUNTING_HIRES = 4321
REGISSEUR = "R. de Regisseur"
REOPEN_REASON = "Herindiening hhnk: kosten gecorrigeerd <script>alert('reden')</script>"
SECOND_REOPEN_REASON = "Wetterskip stuurt gecorrigeerde bijdragen"
RESTATEMENTS_SCHEMA = {
    "version": pl.Int64,
    "period": pl.String,
    "partner": pl.String,
    "figure": pl.String,
    "old_value": pl.String,
    "new_value": pl.String,
    "reason_file": pl.String,
    "run_id": pl.String,
}

KNOWN_PARTNERS = [
    ("hhnk", "Hoogheemraadschap Hollands Noorderkwartier", "water_board"),
    ("wetterskip", "Wetterskip Fryslân", "water_board"),
    ("vechtstromen", "Waterschap Vechtstromen", "water_board"),
    ("dunea", "Dunea", "drinking_water"),
]
DRIVING = ["joint_campaign", "talent_pool", "education_partnership", "sector_job_board"]
HUNTING = ["own_website", "job_board", "agency", "referral"]
MONEY_COLUMNS = [
    "contribution_money",
    "contribution",
    "own_driving_cost",
    "counterfactual_cost",
    "cost_savings",
    "time_savings",
    "gross_benefit",
    "benefit",
    "net_benefit",
    "baseline_cost_per_hire",
    "driving_cost_per_hire",
    "hunting_cost_per_hire",
]
CUMULATIVE = [
    "contribution",
    "driving_hires",
    "hunting_hires",
    "own_driving_cost",
    "counterfactual_cost",
    "cost_savings",
    "days_saved",
    "time_savings",
    "gross_benefit",
    "benefit",
    "net_benefit",
]
SUMMED = [
    "contribution_money",
    "contribution_hours",
    "contribution",
    "driving_hires",
    "hunting_hires",
    "open_vacancies",
    "own_driving_cost",
    "counterfactual_cost",
    "cost_savings",
    "days_saved",
    "time_savings",
    "gross_benefit",
    "benefit",
    "net_benefit",
]


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low * 100, high * 100)) / 100


def _frame(rows: list[dict], money: list[str] = (), decimal_hours: list[str] = ()) -> pl.DataFrame:
    schema_overrides = {c: MONEY for c in (*money, *decimal_hours)}
    return pl.DataFrame(rows, schema_overrides=schema_overrides, infer_schema_length=None)


def _partners(count: int, names: dict[str, str] | None) -> list[dict]:
    partners = [{"id": pid, "name": name, "kind": kind} for pid, name, kind in KNOWN_PARTNERS[:count]]
    for index in range(len(partners), count):
        partners.append(
            {"id": f"partner{index + 1:02d}", "name": f"Waterschap {index + 1}", "kind": "water_board"}
        )
    for partner in partners:
        partner["name"] = (names or {}).get(partner["id"], partner["name"])
    return partners


def build_sample_site_data(
    partners: int = 4,
    periods: int = 3,
    language: str = "nl",
    first_period: str = "2026Q1",
    names: dict[str, str] | None = None,
    sentinel: str | None = None,
    min_group_size: int = 3,
    vacancies_per_period: int = 10,
    seed: int = 7,
    reopen_reason: str = REOPEN_REASON,
    audit: bool = True,
) -> SiteData:
    """A consistent programme of `partners` x `periods`; `sentinel` gets cost 987654.32 on one
    vacancy and 4321 hunting hires in the last period, to show where a partner's figures go, and a
    restatement from 987654.32 and from 4321 in the first period.

    With `audit`, every period but the last is approved; the first was reopened (`reopen_reason`)
    and approved again, the second (of three or more) reopened and left provisional; restatements
    follow both reopenings (see `_audit`)."""
    rng = random.Random(seed)
    members = _partners(partners, names)
    end = Quarter.parse(first_period)
    for _ in range(periods - 1):
        end = end.next()
    quarters = quarter_range(first_period, end)
    last = quarters[-1]
    baselines = {
        p["id"]: (Decimal(rng.randrange(5000, 7500, 250)), rng.randrange(60, 95, 5)) for p in members
    }
    commitments = {
        p["id"]: {
            "money": Decimal(rng.choice([3000, 5000, 8000])),
            "hours": Decimal(rng.choice([20, 40, 60])),
            "tasks": {"guest_lecture": Decimal(2)} if i % 2 == 0 else {"open_day": Decimal(1)},
        }
        for i, p in enumerate(members)
    }
    # the third partner sent no contributions file in the second period
    missing = {(members[2]["id"], quarters[1])} if len(members) > 2 and len(quarters) > 1 else set()

    vacancies, contributions = [], {}
    for partner in members:
        pid = partner["id"]
        counter = 0
        for q in quarters:
            quarter = Quarter.parse(q)
            for _ in range(vacancies_per_period):
                counter += 1
                roll = rng.random()
                field = "driving" if roll < 0.45 else "hunting"
                is_open = roll > 0.85
                channel = rng.choice(DRIVING if field == "driving" else HUNTING)
                filled_on = quarter.start + timedelta(days=rng.randint(5, 85))
                # the joint channels fill vacancies faster than each partner alone
                days = rng.randint(20, 75) if field == "driving" else rng.randint(45, 120)
                opened_on = filled_on - timedelta(days=days)
                vacancies.append(
                    {
                        "partner": pid,
                        "vacancy_id": f"{pid.upper()[:3]}-{counter:04d}",
                        "period": q,
                        "role": rng.choice(
                            [
                                "Hydroloog",
                                "Beheerder watersystemen",
                                "Data-analist",
                                "Technicus zuivering",
                                "Adviseur waterkeringen",
                            ]
                        ),
                        "opened_on": opened_on,
                        "filled_on": None if is_open else filled_on,
                        "channel": channel,
                        "field": field,
                        "cost": _money(rng, 300, 4000),
                        "hours": Decimal(rng.randint(4, 40)),
                        "status": "open" if is_open else "filled",
                        "days_to_fill": None if is_open else (filled_on - opened_on).days,
                        "sha256": hashlib.sha256(f"{pid}{q}vacancies".encode()).hexdigest(),
                        "row_number": counter + 1,
                    }
                )
            if (pid, q) in missing:
                continue
            promised = commitments[pid]
            contributions[(pid, q)] = {
                "money": _cents(promised["money"] * Decimal(rng.choice(["1", "1", "0.8", "1.1"]))),
                "hours": promised["hours"] + rng.choice([0, 0, -10, 5]),
                "tasks": {
                    task: max(n - rng.choice([0, 0, 1]), Decimal(0)) for task, n in promised["tasks"].items()
                },
            }
    if sentinel is not None:
        row = next(
            v
            for v in vacancies
            if v["partner"] == sentinel
            and v["period"] == last
            and v["field"] == "driving"
            and v["status"] == "filled"
        )
        row["cost"] = SENTINEL_COST

    partner_period = _partner_period(members, quarters, vacancies, contributions, baselines)
    if sentinel is not None:
        for row in partner_period:
            if row["partner"] == sentinel and row["period"] == last:
                row["hunting_cost_per_hire"] = None
                row["hunting_hires"] = SENTINEL_HUNTING_HIRES
        _accumulate(partner_period, ["hunting_hires"])
    programme_period = _programme_period(quarters, partner_period, vacancies)
    cordon, integrity = _cordon(members, quarters, commitments, contributions)
    fair_share = _fair_share(members, quarters, partner_period)
    joint_pot = _joint_pot(quarters, partner_period, rng)
    targets = _targets(members, quarters, partner_period, programme_period)
    submissions, rejections = _submissions(members, quarters, missing)
    period_status, decisions, restatements = (
        _audit(members, quarters, partner_period, programme_period, submissions, sentinel, reopen_reason)
        if audit
        else ([], [], [])
    )
    return SiteData(
        programme={
            "id": "water-talent",
            "name": "Water Talent Alliance",
            "currency": "EUR",
            "language": language,
            "first_period": first_period,
            "partners": members,
            "min_group_size": min_group_size,
            "fields": {"driving": DRIVING, "hunting": HUNTING},
            "valuation": {
                "hour_rate": HOUR_RATE,
                "vacancy_day_cost": VACANCY_DAY_COST,
                "deadweight": DEADWEIGHT,
                "attribution": ATTRIBUTION,
            },
        },
        periods=quarters,
        partner_period=_frame(
            partner_period,
            MONEY_COLUMNS + [f"{c}_cum" for c in CUMULATIVE if c not in ("driving_hires", "hunting_hires")],
        ),
        programme_period=_frame(
            programme_period,
            MONEY_COLUMNS + [f"{c}_cum" for c in CUMULATIVE if c not in ("driving_hires", "hunting_hires")],
        ),
        vacancies=_frame(vacancies, ["cost"], ["hours"]),
        rejections=_frame(rejections),
        submissions=_frame(submissions),
        target_progress=_frame(targets, [], ["expected", "actual"]),
        cordon=_frame(cordon, [], ["committed", "delivered", "gap"]),
        cordon_integrity=_frame(integrity),
        fair_share=_frame(fair_share, ["contribution_cum", "benefit_cum", "net_benefit_cum", "settlement"]),
        joint_pot=_frame(
            joint_pot, ["contributed", "spent", "balance", "contributed_cum", "spent_cum", "balance_cum"]
        ),
        warnings=_frame(
            [
                {
                    "scope": "programme",
                    "period": quarters[0],
                    "figure": "target",
                    "rule": "unknown_indicator",
                    "message": "target 3 names the unknown indicator 'happiness'",
                },
                {
                    "scope": members[-1]["id"],
                    "period": last,
                    "figure": "counterfactual_cost",
                    "rule": "baseline_from_programme_median",
                    "message": "no baseline in programme.yaml: the programme median is used",
                },
            ]
        ),
        run={
            "run_id": "3f2c9a1e-run",
            "code_version": "d8de93e",
            "generated_at": "2026-11-27T03:00:00+00:00",
        },
        methodology_md=(
            "# Methodology\n\nNet benefit = benefit − contribution.\n\n"
            "| figure | formula |\n|---|---|\n| roi | net benefit / contribution |\n\n"
            "<script>alert('methodology')</script>\n\n[unsafe](javascript:alert(1)) "
            "[contract](https://example.org/contract)\n"
        ),
        validation_results=_frame(
            [
                {
                    "kind": kind,
                    "period": q,
                    "expectation": expectation,
                    "column": column,
                    "success": not (
                        kind == "vacancies" and expectation.endswith("between") and q == quarters[-1]
                    ),
                    "unexpected_count": 1
                    if (kind == "vacancies" and expectation.endswith("between") and q == quarters[-1])
                    else 0,
                }
                for q in quarters
                for kind, expectation, column in (
                    ("vacancies", "expect_column_values_to_not_be_null", "vacancy_id"),
                    ("vacancies", "expect_column_values_to_be_between", "cost"),
                    ("contributions", "expect_column_values_to_be_in_set", "kind"),
                )
            ]
        ),
        period_status=pl.DataFrame(period_status, schema=PERIOD_STATUS_SCHEMA),
        decisions=pl.DataFrame(decisions, schema=DECISION_SCHEMA),
        restatements=pl.DataFrame(restatements, schema=RESTATEMENTS_SCHEMA),
    )


def _audit(
    members, quarters, partner_period, programme_period, submissions, sentinel, reopen_reason
) -> tuple[list[dict], list[dict], list[dict]]:
    """Decisions, the period status that follows from them, and the restatements they caused:

    - every period but the last approved ten days after its end, accepting its one rejected row;
    - the first reopened 30 days after its end (`reopen_reason`) and approved again 5 days later;
    - the second (when there are three or more) reopened 40 days after its end: provisional again;
    - version 2 (first period): the first partner's net_benefit and driving_hires (from 987654.32 and
      4321 when it is the sentinel), the second partner's counterfactual cost (caused by the first
      partner's file and its own) and the programme's net benefit;
    - version 3 (second period): the second partner's ROI and the last partner's days saved, after a
      change of programme.yaml (no file).
    """
    first, second, last_partner = members[0]["id"], members[1]["id"], members[-1]["id"]
    events = []

    def at(period: str, days: int) -> str:
        return f"{Quarter.parse(period).end + timedelta(days=days)}T09:00:00+00:00"

    for q in quarters[:-1]:
        files = sum(1 for s in submissions if s["period"] == q)
        events.append(("approve", q, at(q, 10), None, 1, files))
    if len(quarters) > 1:
        q = quarters[0]
        files = sum(1 for s in submissions if s["period"] == q)
        events.append(("reopen", q, at(q, 30), reopen_reason, None, None))
        events.append(("approve", q, at(q, 35), None, 1, files))
    if len(quarters) > 2:
        events.append(("reopen", quarters[1], at(quarters[1], 40), SECOND_REOPEN_REASON, None, None))
    events.sort(key=lambda e: e[2])
    decisions = [
        {
            "seq": seq,
            "action": action,
            "period": period,
            "by": REGISSEUR,
            "at": moment,
            "reason": reason,
            "accepted_rejections": accepted,
            "files": files,
        }
        for seq, (action, period, moment, reason, accepted, files) in enumerate(events, start=1)
    ]
    period_status = []
    for q in quarters:
        mine = [d for d in decisions if d["period"] == q]
        reopens = [d for d in mine if d["action"] == "reopen"]
        latest = mine[-1] if mine else None
        period_status.append(
            {
                "period": q,
                "status": "final" if latest and latest["action"] == "approve" else "provisional",
                "decided_by": latest and latest["by"],
                "decided_at": latest and latest["at"],
                "reason": reopens[-1]["reason"] if reopens else None,
                "accepted_rejections": latest["accepted_rejections"] if latest else None,
            }
        )

    if len(quarters) < 2:
        return period_status, decisions, []

    def figure(partner: str | None, period: str, name: str) -> object:
        rows = programme_period if partner is None else [r for r in partner_period if r["partner"] == partner]
        return next(r[name] for r in rows if r["period"] == period)

    q1, q2 = quarters[0], quarters[1]
    own_file = f"inbox/{q1}/vacancies_{first}.csv"
    caused_by_both = f"{own_file},inbox/{q1}/contributions_{second}.csv"
    hires = figure(first, q1, "driving_hires")
    restatements = [
        (
            2,
            q1,
            first,
            "net_benefit",
            SENTINEL_COST if sentinel == first else Decimal("1234.56"),
            figure(first, q1, "net_benefit"),
            own_file,
        ),
        (
            2,
            q1,
            first,
            "driving_hires",
            SENTINEL_HUNTING_HIRES if sentinel == first else hires + 1,
            hires,
            own_file,
        ),
        (
            2,
            q1,
            second,
            "counterfactual_cost",
            figure(second, q1, "counterfactual_cost") - 5000,
            figure(second, q1, "counterfactual_cost"),
            caused_by_both,
        ),
        (
            2,
            q1,
            None,
            "net_benefit",
            figure(None, q1, "net_benefit") - Decimal("0.01"),
            figure(None, q1, "net_benefit"),
            caused_by_both,
        ),
        (3, q2, second, "roi", "0.125", figure(second, q2, "roi"), None),
        (
            3,
            q2,
            last_partner,
            "days_saved",
            figure(last_partner, q2, "days_saved") - 7,
            figure(last_partner, q2, "days_saved"),
            None,
        ),
    ]
    return (
        period_status,
        decisions,
        [
            {
                "version": version,
                "period": period,
                "partner": partner,
                "figure": name,
                "old_value": str(old),
                "new_value": str(new),
                "reason_file": reason,
                "run_id": f"run-{version:04d}",
            }
            for version, period, partner, name, old, new, reason in restatements
        ],
    )


def _partner_period(members, quarters, vacancies, contributions, baselines) -> list[dict]:
    rows = []
    for partner in members:
        pid = partner["id"]
        baseline_cost, baseline_days = baselines[pid]
        for q in quarters:
            mine = [v for v in vacancies if v["partner"] == pid and v["period"] == q]
            driving = [v for v in mine if v["field"] == "driving" and v["status"] == "filled"]
            hunting = [v for v in mine if v["field"] == "hunting" and v["status"] == "filled"]
            delivered = contributions.get((pid, q), {"money": Decimal(0), "hours": Decimal(0)})
            contribution = delivered["money"] + delivered["hours"] * HOUR_RATE
            own = sum((v["cost"] + v["hours"] * HOUR_RATE for v in driving), Decimal(0))
            hunting_cost = sum((v["cost"] + v["hours"] * HOUR_RATE for v in hunting), Decimal(0))
            counterfactual = len(driving) * baseline_cost
            days_saved = sum(baseline_days - v["days_to_fill"] for v in driving)
            time_savings = days_saved * VACANCY_DAY_COST
            gross = counterfactual - own + time_savings
            benefit = _cents(gross * (1 - DEADWEIGHT) * (1 - ATTRIBUTION))
            net = benefit - contribution
            rows.append(
                {
                    "partner": pid,
                    "period": q,
                    "contribution_money": delivered["money"],
                    "contribution_hours": delivered["hours"],
                    "contribution": contribution,
                    "driving_hires": len(driving),
                    "hunting_hires": len(hunting),
                    "open_vacancies": sum(1 for v in mine if v["status"] == "open"),
                    "own_driving_cost": own,
                    "counterfactual_cost": counterfactual,
                    "cost_savings": counterfactual - own,
                    "days_saved": days_saved,
                    "time_savings": time_savings,
                    "gross_benefit": gross,
                    "benefit": benefit,
                    "net_benefit": net,
                    "roi": float(net / contribution) if contribution else None,
                    "baseline_cost_per_hire": baseline_cost,
                    "baseline_time_to_fill_days": baseline_days,
                    "baseline_source": "programme",
                    "driving_cost_per_hire": _cents(own / len(driving)) if driving else None,
                    "driving_time_to_fill": (sum(v["days_to_fill"] for v in driving) / len(driving))
                    if driving
                    else None,
                    "hunting_cost_per_hire": _cents(hunting_cost / len(hunting)) if hunting else None,
                    "hunting_time_to_fill": (sum(v["days_to_fill"] for v in hunting) / len(hunting))
                    if hunting
                    else None,
                }
            )
    _accumulate(rows, CUMULATIVE)
    return rows


def _accumulate(rows: list[dict], columns: list[str], key: str = "partner") -> None:
    totals: dict[tuple, object] = {}
    for row in rows:
        for column in columns:
            previous = totals.get((row.get(key), column), 0)
            totals[(row.get(key), column)] = previous + row[column]
            row[f"{column}_cum"] = totals[(row.get(key), column)]
        if "net_benefit_cum" in row and "contribution_cum" in row:
            row["roi_cum"] = (
                float(row["net_benefit_cum"] / row["contribution_cum"]) if row["contribution_cum"] else None
            )


def _programme_period(quarters, partner_period, vacancies) -> list[dict]:
    rows = []
    for q in quarters:
        these = [r for r in partner_period if r["period"] == q]
        row = {"period": q, "partners": len(these)}
        for column in SUMMED:
            row[column] = sum((r[column] for r in these), Decimal(0) if column in MONEY_COLUMNS else 0)
        row["roi"] = float(row["net_benefit"] / row["contribution"]) if row["contribution"] else None
        row["baseline_cost_per_hire"] = None
        row["driving_cost_per_hire"] = (
            _cents(row["own_driving_cost"] / row["driving_hires"]) if row["driving_hires"] else None
        )
        row["hunting_cost_per_hire"] = None
        rows.append(row)
    _accumulate(rows, CUMULATIVE, key="programme")
    return rows


def _cordon(members, quarters, commitments, contributions) -> tuple[list[dict], list[dict]]:
    rows = []
    for partner in members:
        pid = partner["id"]
        promised = commitments[pid]
        for q in quarters:
            sent = contributions.get((pid, q))
            items = [
                ("money", promised["money"], sent and sent["money"]),
                ("hours", promised["hours"], sent and sent["hours"]),
            ]
            items += [
                (f"task:{task}", n, sent and sent["tasks"].get(task, Decimal(0)))
                for task, n in promised["tasks"].items()
            ]
            for commitment, committed, delivered in items:
                delivered = delivered if sent else Decimal(0)
                gap = max(committed - delivered, Decimal(0))
                status = "no_submission" if sent is None else ("kept" if gap == 0 else "gap")
                rows.append(
                    {
                        "partner": pid,
                        "period": q,
                        "commitment": commitment,
                        "committed": committed,
                        "delivered": delivered,
                        "gap": gap,
                        "status": status,
                    }
                )
    integrity = []
    for scope in [p["id"] for p in members] + ["programme"]:
        kept_cum = total_cum = 0
        for q in quarters:
            these = [r for r in rows if r["period"] == q and (scope == "programme" or r["partner"] == scope)]
            kept = sum(1 for r in these if r["status"] == "kept")
            kept_cum += kept
            total_cum += len(these)
            integrity.append(
                {
                    "scope": scope,
                    "period": q,
                    "kept": kept,
                    "total": len(these),
                    "integrity": kept / len(these) if these else None,
                    "kept_cum": kept_cum,
                    "total_cum": total_cum,
                    "integrity_cum": kept_cum / total_cum if total_cum else None,
                }
            )
    return rows, integrity


def _fair_share(members, quarters, partner_period) -> list[dict]:
    rows = []
    for q in quarters:
        these = [r for r in partner_period if r["period"] == q]
        contribution_total = sum((r["contribution_cum"] for r in these), Decimal(0))
        benefit_total = sum((r["benefit_cum"] for r in these), Decimal(0))
        net_total = sum((r["net_benefit_cum"] for r in these), Decimal(0))
        settlements = []
        for r in these:
            fair = (
                net_total * r["contribution_cum"] / contribution_total if contribution_total else Decimal(0)
            )
            settlements.append(_cents(fair - r["net_benefit_cum"]))
        settlements[-1] = -sum(settlements[:-1], Decimal(0))
        for r, settlement in zip(these, settlements, strict=True):
            c_share = float(r["contribution_cum"] / contribution_total) if contribution_total else None
            b_share = float(r["benefit_cum"] / benefit_total) if benefit_total else None
            rows.append(
                {
                    "partner": r["partner"],
                    "as_of_period": q,
                    "contribution_cum": r["contribution_cum"],
                    "benefit_cum": r["benefit_cum"],
                    "net_benefit_cum": r["net_benefit_cum"],
                    "contribution_share": c_share,
                    "benefit_share": b_share,
                    "share_gap": (b_share - c_share) if c_share is not None and b_share is not None else None,
                    "settlement": settlement,
                }
            )
    return rows


def _joint_pot(quarters, partner_period, rng) -> list[dict]:
    rows, contributed_cum, spent_cum = [], Decimal(0), Decimal(0)
    for q in quarters:
        contributed = sum((r["contribution_money"] for r in partner_period if r["period"] == q), Decimal(0))
        spent = _money(rng, 8000, 20000)
        contributed_cum += contributed
        spent_cum += spent
        rows.append(
            {
                "period": q,
                "contributed": contributed,
                "spent": spent,
                "balance": contributed - spent,
                "contributed_cum": contributed_cum,
                "spent_cum": spent_cum,
                "balance_cum": contributed_cum - spent_cum,
            }
        )
    return rows


def _status(ratio: Decimal | None) -> str:
    if ratio is None:
        return "behind"
    return "met" if ratio >= 1 else ("at_risk" if ratio >= Decimal("0.8") else "behind")


def _targets(members, quarters, partner_period, programme_period) -> list[dict]:
    last = quarters[-1]
    year = last[:4]
    in_year = [q for q in quarters if q.startswith(year)]
    specs = [
        ("programme", "driving_hires", last, "quarter", Decimal(12)),
        ("programme", "net_benefit", year, "year", Decimal(50000)),
        (members[0]["id"], "net_benefit", year, "year", Decimal(10000)),
        (members[1]["id"], "driving_hires", last, "quarter", Decimal(4)),
    ]
    rows = []
    for scope, indicator, period, kind, expected in specs:
        source = (
            programme_period if scope == "programme" else [r for r in partner_period if r["partner"] == scope]
        )
        wanted = in_year if kind == "year" else [period]
        actual = Decimal(sum((r[indicator] for r in source if r["period"] in wanted), Decimal(0)))
        ratio = (actual / expected) if expected else None
        rows.append(
            {
                "scope": scope,
                "indicator": indicator,
                "period": period,
                "period_kind": kind,
                "as_of_period": last,
                "expected": expected,
                "actual": actual,
                "ratio": float(ratio) if ratio is not None else None,
                "status": _status(ratio),
                "lower_is_better": False,
            }
        )
    return rows


def _submissions(members, quarters, missing) -> tuple[list[dict], list[dict]]:
    submissions, rejections = [], []
    for q in quarters:
        files = [
            (p["id"], kind)
            for p in members
            for kind in ("vacancies", "contributions")
            if (p["id"], q) not in missing or kind == "vacancies"
        ]
        for pid, kind in [*files, (None, "ledger")]:
            path = f"inbox/{q}/{kind}_{pid}.csv" if pid else f"inbox/{q}/ledger.csv"
            sha = hashlib.sha256(path.encode()).hexdigest()
            rejected = 1 if (pid == members[0]["id"] and kind == "vacancies") else 0
            submissions.append(
                {
                    "sha256": sha,
                    "path": path,
                    "partner": pid,
                    "period": q,
                    "kind": kind,
                    "rows": 11,
                    "accepted": 11 - rejected,
                    "rejected": rejected,
                    "received_at": f"{date.fromisoformat(f'{q[:4]}-01-01')}T09:00:00",
                    "superseded_by": None,
                }
            )
            if rejected:
                rejections.append(
                    {
                        "sha256": sha,
                        "path": path,
                        "partner": pid,
                        "period": q,
                        "kind": kind,
                        "row_number": 7,
                        "column": "cost",
                        "source_column": "kosten",
                        "value": '=HYPERLINK("http://evil")',
                        "rule": "decimal",
                        "message": "kosten must be a number like 1.234,50",
                    }
                )
    rejections.append(
        {
            "sha256": hashlib.sha256(b"ledger").hexdigest(),
            "path": f"inbox/{quarters[-1]}/ledger.csv",
            "partner": None,
            "period": quarters[-1],
            "kind": "ledger",
            "row_number": None,
            "column": None,
            "source_column": None,
            "value": None,
            "rule": "file_kind",
            "message": "two ledger files in one period",
        }
    )
    return submissions, rejections


@pytest.fixture(scope="session")
def sample_site_data() -> Callable[..., SiteData]:
    """The builder: `sample_site_data()` is 4 partners x 3 periods in Dutch; see its keywords."""
    return build_sample_site_data


@pytest.fixture(scope="module")
def chromium_browser() -> Iterator[object]:
    """A headless Chromium via Playwright; skipped locally, failed in CI, when it is missing.

    Per module, not per session: Playwright's event loop runs in this thread while it is open,
    and a Dagster run in a later module then cannot close its own loop (a RuntimeWarning)."""
    missing = None
    if shutil.which(CHROMIUM) is None and not Path(CHROMIUM).exists():
        missing = f"{CHROMIUM} is not installed (apt-get install chromium)"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing = missing or "the playwright package is not installed"
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(missing)
        pytest.skip(missing)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
