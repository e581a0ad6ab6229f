"""Properties of the figures over generated programmes (hypothesis): partner rows add up to the
programme to the cent, settlements add up to zero, the order of rows and the partners' names
change nothing, and doubling every cost doubles every cost figure."""

import random
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal, localcontext

import duckdb
from fixtures.numbers.clean_tables import (
    Contribution,
    Spending,
    Vacancy,
    clean_warehouse,
    tiny_programme,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assets.cordon import build_cordon, build_cordon_integrity
from assets.fair_share import build_fair_share, build_joint_pot, unbalanced_settlements
from assets.outcomes import build_partner_period, build_programme_period, reconciliation_mismatches
from assets.targets import build_target_progress
from domain.periods import Quarter, quarter_range
from domain.programme import Baseline, Commitment, Partner, Programme, Target

TINY = tiny_programme()
CHANNELS = TINY.channels
MARTS = ("partner_period", "programme_period", "target_progress", "cordon", "cordon_integrity",
         "fair_share", "joint_pot", "warnings")
COST_FIGURES = ("own_driving_cost", "own_hunting_cost", "counterfactual_cost", "cost_savings",
                "own_driving_cost_cum", "counterfactual_cost_cum", "cost_savings_cum")
CUMULATIVE = ("contribution", "driving_hires", "hunting_hires", "own_driving_cost",
              "counterfactual_cost", "cost_savings", "days_saved", "time_savings", "gross_benefit",
              "benefit", "net_benefit")
PROPERTY_SETTINGS = settings(
    max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

money = st.decimals(min_value=0, max_value=20000, places=2, allow_nan=False, allow_infinity=False)
hours = st.decimals(min_value=0, max_value=200, places=2, allow_nan=False, allow_infinity=False)
share = st.decimals(min_value=0, max_value="0.99", places=2, allow_nan=False, allow_infinity=False)


@st.composite
def programmes(draw, every_partner_has_a_baseline: bool = False) -> tuple[Programme, str, dict]:
    """A programme of 2-4 partners over 1-3 quarters with random vacancies and contributions."""
    ids = [f"p{n}" for n in range(draw(st.integers(2, 4)))]
    periods = quarter_range("2025Q1", draw(st.sampled_from(["2025Q1", "2025Q2", "2025Q3"])))
    baselines = [
        Baseline(partner=pid, cost_per_hire=draw(money), time_to_fill_days=draw(st.integers(0, 150)))
        for pid in ids
        if every_partner_has_a_baseline or draw(st.booleans())
    ]
    programme = TINY.model_copy(update={
        "partners": [Partner(id=pid, name=pid, kind="water_board") for pid in ids],
        "baselines": baselines,
        "valuation": TINY.valuation.model_copy(update={
            "hour_rate": draw(money), "vacancy_day_cost": draw(money),
            "deadweight": draw(share), "attribution": draw(share),
        }),
        "commitments": [
            Commitment.model_validate({"partner": pid, "from": "2025Q1", "money": 1000,
                                       "hours": 10, "tasks": {"open_day": 1}})
            for pid in ids
        ],
        "targets": [
            Target(scope="programme", indicator="net_benefit", period="2025", expected=1000),
            Target(scope=ids[0], indicator="driving_cost_per_hire", period="2025Q1", expected=500),
        ],
    })
    vacancies = []
    for number in range(draw(st.integers(0, 14))):
        quarter = Quarter.parse(draw(st.sampled_from(periods)))
        last_day = (quarter.end - quarter.start).days
        day = quarter.start + timedelta(days=draw(st.integers(0, last_day)))
        filled = draw(st.booleans()) or draw(st.booleans())
        vacancies.append(Vacancy(
            partner=draw(st.sampled_from(ids)), vacancy_id=f"V{number}",
            channel=draw(st.sampled_from(CHANNELS)),
            opened_on=day - timedelta(days=draw(st.integers(0, 200))),
            filled_on=day if filled else None,
            cost=draw(money), hours=draw(hours), period=None if filled else str(quarter),
        ))
    contributions = [
        Contribution(
            partner=draw(st.sampled_from(ids)), period=draw(st.sampled_from(periods)),
            kind=kind, amount=draw(money if kind == "money" else hours),
            task="open_day" if kind == "task" else None,
        )
        for kind in draw(st.lists(st.sampled_from(["money", "hours", "task"]), max_size=8))
    ]
    submitted = {(c.partner, c.period) for c in contributions}
    submitted |= set(draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(periods)),
                                   max_size=3)))
    ledger = [
        Spending(period=p, day=Quarter.parse(p).start, cost=draw(money))
        for p in draw(st.lists(st.sampled_from(periods), max_size=3))
    ]
    rows = {
        "vacancies": vacancies, "contributions": contributions,
        "submissions": sorted(submitted), "ledger": ledger,
    }
    return programme, periods[-1], rows


ALL_MARTS = (build_partner_period, build_programme_period, build_target_progress, build_cordon,
             build_cordon_integrity, build_fair_share, build_joint_pot)


def build_all(
    programme: Programme, last_period: str, rows: dict, builds=ALL_MARTS
) -> duckdb.DuckDBPyConnection:
    con = clean_warehouse(programme, last_period, **rows)
    for build in builds:
        build(con, programme)
    return con


def snapshot(con: duckdb.DuckDBPyConnection, rename: dict[str, str] | None = None) -> dict:
    """Every mart as a sorted list of rows, partner ids mapped through `rename`."""
    tables = {}
    for table in MARTS:
        rows = con.execute(f"SELECT * FROM marts.{table}").fetchall()
        if rename:
            rows = [tuple(rename.get(v, v) if isinstance(v, str) else v for v in r) for r in rows]
            rows = [tuple(_renamed_text(v, rename) for v in r) for r in rows]
        tables[table] = sorted(rows, key=repr)
    return tables


def _renamed_text(value: object, rename: dict[str, str]) -> object:
    # warning messages name partners inside a sentence
    if isinstance(value, str):
        for old, new in rename.items():
            value = value.replace(f" {old} ", f" {new} ")
    return value


@PROPERTY_SETTINGS
@given(programmes())
def test_partner_rows_add_up_and_settlements_add_up_to_zero(case) -> None:
    programme, last_period, rows = case
    con = build_all(programme, last_period, rows)
    assert reconciliation_mismatches(con) == []
    assert unbalanced_settlements(con) == []
    floats = con.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = 'marts' AND data_type IN ('DOUBLE', 'FLOAT', 'REAL')"
    ).fetchall()
    assert floats == []
    # the programme's running sums are the running sums of its own periods
    for column in CUMULATIVE:
        assert con.execute(
            f"""
            SELECT count(*) FROM (
                SELECT {column}_cum AS kept,
                       CASE WHEN count({column}) OVER w = count(*) OVER w
                            THEN sum({column}) OVER w END AS running
                FROM marts.programme_period
                WINDOW w AS (ORDER BY period ROWS UNBOUNDED PRECEDING)
            ) WHERE kept IS DISTINCT FROM running
            """
        ).fetchall() == [(0,)], column
    # each settlement is the exact formula, off by its own rounding (half a cent) and, for the
    # partner that absorbs the residue, by at most half a cent per partner
    shares = con.execute(
        "SELECT as_of_period, partner, contribution_cum, net_benefit_cum, settlement, "
        "contribution_share FROM marts.fair_share WHERE settlement IS NOT NULL"
    ).fetchall()
    partners = len(programme.partners)
    with localcontext() as exact:
        exact.prec = 80
        for period in {r[0] for r in shares}:
            of_period = [r for r in shares if r[0] == period]
            total_contribution = sum(r[2] for r in of_period)
            total_net = sum(r[3] for r in of_period)
            for _, _, contribution, net, settlement, _ in of_period:
                formula = total_net * contribution / total_contribution - net
                assert abs(settlement - formula) <= Decimal("0.005") * (partners + 1)
            assert abs(sum(r[5] for r in of_period) - 1) <= Decimal("0.5E-10") * partners


@PROPERTY_SETTINGS
@given(programmes(), st.randoms(use_true_random=False))
def test_shuffled_rows_and_renamed_partners_change_no_figure(case, rnd: random.Random) -> None:
    programme, last_period, rows = case
    before = snapshot(build_all(programme, last_period, rows))

    # new names in the same order (the settlement residue goes to the first id on a tie)
    rename = {p.id: f"w-{p.id}" for p in programme.partners}
    shuffled = {name: rnd.sample(values, len(values)) for name, values in rows.items()}
    shuffled["vacancies"] = [replace(v, partner=rename[v.partner]) for v in shuffled["vacancies"]]
    shuffled["contributions"] = [
        replace(c, partner=rename[c.partner]) for c in shuffled["contributions"]
    ]
    shuffled["submissions"] = [(rename[p], q) for p, q in shuffled["submissions"]]
    renamed = programme.model_copy(update={
        "partners": rnd.sample([p.model_copy(update={"id": rename[p.id]}) for p in programme.partners],
                               len(programme.partners)),
        "baselines": [b.model_copy(update={"partner": rename[b.partner]}) for b in programme.baselines],
        "commitments": [c.model_copy(update={"partner": rename[c.partner]})
                        for c in programme.commitments],
        "targets": [t.model_copy(update={"scope": rename.get(t.scope, t.scope)})
                    for t in programme.targets],
    })
    after = snapshot(build_all(renamed, last_period, shuffled), {v: k for k, v in rename.items()})
    assert after == before


@PROPERTY_SETTINGS
@given(programmes(every_partner_has_a_baseline=True))
def test_doubling_every_cost_doubles_every_cost_figure(case) -> None:
    programme, last_period, rows = case
    outcomes = (build_partner_period, build_programme_period)
    con = build_all(programme, last_period, rows, outcomes)
    doubled_rows = {
        **rows,
        "vacancies": [replace(v, cost=v.cost * 2) for v in rows["vacancies"]],
    }
    doubled = programme.model_copy(update={
        "valuation": programme.valuation.model_copy(
            update={"hour_rate": programme.valuation.hour_rate * 2}),
        "baselines": [b.model_copy(update={"cost_per_hire": b.cost_per_hire * 2})
                      for b in programme.baselines],
    })
    twice = build_all(doubled, last_period, doubled_rows, outcomes)
    columns = ", ".join(COST_FIGURES)
    for table, key in (("partner_period", "partner, period"), ("programme_period", "period")):
        query = f"SELECT {key}, {columns}, days_saved FROM marts.{table} ORDER BY {key}"
        once_rows, twice_rows = con.execute(query).fetchall(), twice.execute(query).fetchall()
        key_size = key.count(",") + 1
        assert [r[:key_size] for r in once_rows] == [r[:key_size] for r in twice_rows]
        for once_row, twice_row in zip(once_rows, twice_rows, strict=True):
            figures = slice(key_size, key_size + len(COST_FIGURES))
            assert [2 * v for v in once_row[figures]] == list(twice_row[figures])
            # time is not money: the days saved stay the same
            assert once_row[-1] == twice_row[-1]
