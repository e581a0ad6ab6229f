"""marts.fair_share and marts.joint_pot: shares, the equal-ROI settlement and the pot, by hand."""

from decimal import Decimal as D

import duckdb
from fixtures.numbers.clean_tables import tiny_programme, tiny_warehouse

from assets.fair_share import build_fair_share, build_joint_pot, unbalanced_settlements
from assets.outcomes import build_partner_period

PROGRAMME = tiny_programme()


def tiny_fair_share(programme=PROGRAMME) -> duckdb.DuckDBPyConnection:
    con = tiny_warehouse(programme)
    build_partner_period(con, programme)
    build_fair_share(con, programme)
    return con


def fair_share_of(cumulative: list[tuple[str, str, str, str, str]]) -> list[tuple]:
    """fair_share over a hand-made partner_period: (partner, period, contribution_cum,
    benefit_cum, net_benefit_cum)."""
    con = duckdb.connect()
    con.execute("CREATE SCHEMA marts")
    con.execute(
        "CREATE TABLE marts.partner_period (partner VARCHAR, period VARCHAR, "
        "contribution_cum DECIMAL(38,4), benefit_cum DECIMAL(38,12), net_benefit_cum DECIMAL(38,12))"
    )
    con.executemany("INSERT INTO marts.partner_period VALUES (?, ?, ?, ?, ?)", cumulative)
    build_fair_share(con, PROGRAMME)
    return con.execute(
        "SELECT partner, contribution_share, settlement FROM marts.fair_share"
    ).fetchall()


def test_tiny_settlements_by_hand() -> None:
    con = tiny_fair_share()
    settlements = con.execute(
        "SELECT as_of_period, partner, settlement FROM marts.fair_share"
    ).fetchall()
    # 2025Q1: net total 12568, contribution total 11750.
    #   alpha 12568 x 8000 / 11750 - 1360 = 8556.936... - 1360 = 7196.94
    #   beta  12568 x 3750 / 11750 - 4062 = 4011.063... - 4062 = -50.94
    #   gamma 12568 x 0 / 11750 - 7146 = -7146
    # 2025Q2 (cumulative): net total 3690, contribution total 27000.
    #   alpha 3690 x 16000 / 27000 - 2252 = 2186.666... - 2252 = -65.33
    #   beta  3690 x 8250 / 27000 + 2958 = 1127.5 + 2958 = 4085.50
    #   gamma 3690 x 2750 / 27000 - 4396 = 375.833... - 4396 = -4020.17
    assert settlements == [
        ("2025Q1", "alpha", D("7196.94")),
        ("2025Q1", "beta", D("-50.94")),
        ("2025Q1", "gamma", D("-7146.00")),
        ("2025Q2", "alpha", D("-65.33")),
        ("2025Q2", "beta", D("4085.50")),
        ("2025Q2", "gamma", D("-4020.17")),
    ]
    assert unbalanced_settlements(con) == []


def test_tiny_shares_by_hand() -> None:
    con = tiny_fair_share()
    q2 = con.execute(
        "SELECT partner, contribution_cum, benefit_cum, net_benefit_cum, contribution_share, "
        "benefit_share, share_gap FROM marts.fair_share WHERE as_of_period = '2025Q2'"
    ).fetchall()
    # contributions 16000, 8250, 2750 of 27000; benefits 9360 + 8892 = 18252, 7812 - 2520 =
    # 5292 and 7146 of 30690
    assert q2 == [
        ("alpha", 16000, 18252, 2252, D("0.5925925926"), D("0.5947214076"), D("0.0021288150")),
        ("beta", 8250, 5292, -2958, D("0.3055555556"), D("0.1724340176"), D("-0.1331215380")),
        ("gamma", 2750, 7146, 4396, D("0.1018518519"), D("0.2328445748"), D("0.1309927229")),
    ]


def test_rounding_residue_goes_to_the_largest_contributor() -> None:
    # equal contributions, net 1 / 0 / 0: exact settlements 1/3 - 1, 1/3, 1/3 round to
    # -0.67, 0.33, 0.33 (sum -0.01); the cent goes back to the largest contributor, on a tie the
    # first id: a = -0.66
    assert fair_share_of([
        ("a", "2025Q1", "1", "1", "1"),
        ("b", "2025Q1", "1", "0", "0"),
        ("c", "2025Q1", "1", "0", "0"),
    ]) == [
        ("a", D("0.3333333333"), D("-0.66")),
        ("b", D("0.3333333333"), D("0.33")),
        ("c", D("0.3333333333"), D("0.33")),
    ]
    # c contributed most: it absorbs the cent
    assert fair_share_of([
        ("a", "2025Q1", "1", "1", "1"),
        ("b", "2025Q1", "1", "0", "0"),
        ("c", "2025Q1", "1.0001", "0", "0"),
    ]) == [
        ("a", D("0.3333222226"), D("-0.67")),
        ("b", D("0.3333222226"), D("0.33")),
        ("c", D("0.3333555548"), D("0.34")),
    ]


def test_no_contribution_at_all_leaves_shares_and_settlements_empty_with_a_warning() -> None:
    con = duckdb.connect()
    con.execute("CREATE SCHEMA marts")
    con.execute(
        "CREATE TABLE marts.partner_period AS SELECT * FROM (VALUES "
        "('a', '2025Q1', 0::DECIMAL(38,4), 100::DECIMAL(38,12), 100::DECIMAL(38,12)), "
        "('b', '2025Q1', 0::DECIMAL(38,4), 300::DECIMAL(38,12), 300::DECIMAL(38,12))) "
        "AS t(partner, period, contribution_cum, benefit_cum, net_benefit_cum)"
    )
    build_fair_share(con, PROGRAMME)
    assert con.execute(
        "SELECT partner, contribution_share, benefit_share, settlement FROM marts.fair_share"
    ).fetchall() == [("a", None, D("0.25"), None), ("b", None, D("0.75"), None)]
    assert unbalanced_settlements(con) == []
    assert con.execute("SELECT scope, period, figure, rule FROM marts.warnings").fetchall() == [
        ("programme", "2025Q1", "contribution_share", "no_contribution"),
    ]


def test_unknown_net_benefit_leaves_settlements_empty_with_a_warning() -> None:
    con = tiny_fair_share(PROGRAMME.model_copy(update={"baselines": []}))
    # gamma 2025Q1 has no baseline at all (see test_outcomes): its benefit is empty
    assert con.execute(
        "SELECT as_of_period, count(settlement), count(benefit_share), count(contribution_share) "
        "FROM marts.fair_share GROUP BY ALL ORDER BY ALL"
    ).fetchall() == [("2025Q1", 0, 0, 3), ("2025Q2", 0, 0, 3)]
    assert con.execute(
        "SELECT period, figure, rule FROM marts.warnings WHERE stage = 'fair_share'"
    ).fetchall() == [
        ("2025Q1", "benefit_share", "no_benefit"),
        ("2025Q1", "settlement", "no_net_benefit"),
        ("2025Q2", "benefit_share", "no_benefit"),
        ("2025Q2", "settlement", "no_net_benefit"),
    ]
    # the outcomes stage's own warnings are still there
    assert con.execute(
        "SELECT count(*) FROM marts.warnings WHERE stage = 'partner_period'"
    ).fetchall() == [(4,)]


def test_the_check_finds_settlements_that_do_not_add_up() -> None:
    con = tiny_fair_share()
    con.execute(
        "UPDATE marts.fair_share SET settlement = settlement + 0.01 "
        "WHERE partner = 'beta' AND as_of_period = '2025Q2'"
    )
    assert unbalanced_settlements(con) == [("2025Q2", D("0.01"))]


def test_joint_pot_by_hand() -> None:
    con = tiny_warehouse()
    build_joint_pot(con, PROGRAMME)
    assert con.execute("SELECT * FROM marts.joint_pot").fetchall() == [
        # money in 2025Q1: alpha 5000 + beta 3000; the ledger spent 4000
        ("2025Q1", 8000, 4000, 4000, 8000, 4000, 4000),
        # 2025Q2: 5000 + 3000 + 2000 in, 1500 out; cumulative 18000 - 5500 = 12500
        ("2025Q2", 10000, 1500, 8500, 18000, 5500, 12500),
    ]
