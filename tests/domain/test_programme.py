"""programme.yaml: every contract rule checked at load time, with the key and the problem."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from domain.periods import Quarter, quarter_range
from domain.programme import ProgrammeError, load_programme, parse_programme

TINY = Path(__file__).parents[1] / "fixtures" / "tiny" / "programme.yaml"


def problems_of(text: str) -> list[str]:
    with pytest.raises(ProgrammeError) as caught:
        parse_programme(text)
    return caught.value.problems


def test_tiny_programme_loads_exactly() -> None:
    programme = load_programme(TINY.parent)
    assert programme.partner_ids == ["alpha", "beta", "gamma"]
    assert programme.valuation.deadweight == Decimal("0.20")
    assert programme.fields.field_of("talent_pool") == "driving"
    assert programme.commitment_for("gamma", "2026Q1") is None
    assert programme.commitment_for("alpha", "2026Q1").money == Decimal(5000)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("{partner: beta, from", "{partner: zeta, from",
         "commitments[1].partner: unknown partner 'zeta'"),
        ("hunting: [own_website", "hunting: [talent_pool, own_website",
         "fields: channel(s) talent_pool listed under both driving and hunting"),
        ("first_period: 2025Q1", "first_period: 2025-1", "programme.first_period: '2025-1' is not"),
        ("privacy:", "privcy:", "privcy: unknown key (a typo?)"),
        ("{id: gamma, name", "{id: beta, name", "partners: id(s) beta used more than once"),
        ("until: 2025Q4", "until: 2024Q4", "commitments[2]: until 2024Q4 is before from 2025Q1"),
        ("deadweight: 0.20", "deadweight: 1.5", "valuation.deadweight"),
        ("{partner: alpha, from: 2025Q1, money: 5000",
         "{partner: alpha, from: 2025Q1, money: 5000}\n  - {partner: alpha, from: 2025Q3, money: 1",
         "both cover partner 'alpha'"),
    ],
)
def test_each_wrong_programme_names_key_and_problem(old: str, new: str, expected: str) -> None:
    text = TINY.read_text()
    assert old in text
    problems = problems_of(text.replace(old, new, 1))
    assert any(expected in problem for problem in problems), problems


def test_missing_folder_and_file(tmp_path: Path) -> None:
    with pytest.raises(ProgrammeError, match="does not exist"):
        load_programme(tmp_path / "nope")
    with pytest.raises(ProgrammeError, match="programme.yaml is missing"):
        load_programme(tmp_path)


def test_quarters() -> None:
    q = Quarter.parse("2024Q1")
    assert (str(q.start), str(q.end)) == ("2024-01-01", "2024-03-31")
    assert str(Quarter.parse("2025Q4").end) == "2025-12-31"
    assert quarter_range("2025Q3", "2026Q2") == ["2025Q3", "2025Q4", "2026Q1", "2026Q2"]
    with pytest.raises(ValueError):
        Quarter.parse("2025Q5")


def test_a_key_written_twice_is_a_problem_not_silently_the_last() -> None:
    text = TINY.read_text().replace(
        "privacy: {min_group_size: 3}", "privacy: {min_group_size: 3}\nprivacy: {min_group_size: 1}"
    )
    assert any("key 'privacy' appears twice" in problem for problem in problems_of(text))


def test_partner_id_programme_is_reserved() -> None:
    text = TINY.read_text().replace("{id: gamma,", "{id: programme,")
    assert any("'programme' is reserved" in problem for problem in problems_of(text))
