"""The bundled sample programme: deterministic, valid, and wrong exactly where it says it is."""

from __future__ import annotations

import statistics
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from domain import sample_programme
from domain.periods import quarter_range
from domain.programme import load_programme
from domain.readers import parse_file_name, read_partner_file
from domain.sample_programme import (
    PlantedError,
    main,
    planted_errors,
    write_demo_programme,
    write_programme,
)

REPO = Path(__file__).parents[2]
COMMITTED = REPO / "data" / "demo"
PERIODS = quarter_range("2025Q1", "2026Q4")
PARTNERS = ["hhnk", "rijnland", "hdsr", "delfland", "aa-en-maas", "vallei-veluwe",
            "brabantse-delta", "wetterskip", "pwn", "polder-partners"]
DRIVING = ["joint_campaign", "talent_pool", "education_partnership", "sector_job_board"]
HUNTING = ["own_website", "job_board", "agency", "referral", "open_application"]


def files_of(folder: Path) -> dict[str, bytes]:
    """programme.yaml and every inbox file, by path relative to the folder (out/ is ignored)."""
    paths = [folder / "programme.yaml", *(p for p in (folder / "inbox").rglob("*") if p.is_file())]
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in paths}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "water-talent"
    write_demo_programme(folder)
    return folder


@pytest.fixture(scope="module")
def vacancies(demo: Path) -> pl.DataFrame:
    """Every vacancy row of the demo as the pipeline's reader types it, with partner and period."""
    frames = []
    for path in sorted((demo / "inbox").glob("*/vacancies_*")):
        parsed = read_partner_file(path, "vacancies")
        _, partner = parse_file_name(path.name)
        frames.append(parsed.frame.with_columns(
            pl.lit(partner).alias("partner"), pl.lit(path.parent.name).alias("period"),
            pl.lit(path.name).alias("file")))
    return pl.concat(frames)


def test_two_generations_are_byte_identical(demo: Path, tmp_path: Path) -> None:
    write_demo_programme(tmp_path / "again")
    first, second = files_of(demo), files_of(tmp_path / "again")
    assert sorted(first) == sorted(second)
    different = [name for name in first if first[name] != second[name]]
    assert different == []


def test_committed_demo_equals_a_fresh_generation(demo: Path) -> None:
    committed, fresh = files_of(COMMITTED), files_of(demo)
    assert sorted(committed) == sorted(fresh), "data/demo has extra or missing files"
    edited = [name for name in fresh if committed[name] != fresh[name]]
    assert edited == [], (
        f"data/demo differs from the generator in {edited}: run "
        "`python -m domain.sample_programme data/demo` instead of editing the files"
    )


def test_demo_loads_as_the_contract_describes(demo: Path) -> None:
    programme = load_programme(demo)
    info = programme.programme
    assert (info.id, info.name, info.currency, info.language, info.first_period) == (
        "water-talent", "Water Talent Alliance", "EUR", "nl", "2025Q1")
    assert programme.partner_ids == PARTNERS
    assert {p.kind for p in programme.partners} == {"water_board", "drinking_water", "engineering"}
    assert programme.partner("polder-partners").kind == "engineering"
    assert programme.fields.driving == DRIVING
    assert programme.fields.hunting == HUNTING
    valuation = programme.valuation
    assert (valuation.hour_rate, valuation.vacancy_day_cost, valuation.deadweight,
            valuation.attribution) == (75, 250, Decimal("0.20"), Decimal("0.10"))
    baselines = {b.partner: b for b in programme.baselines}
    assert sorted(baselines) == sorted(set(PARTNERS) - {"polder-partners"})
    for baseline in baselines.values():
        assert 4000 <= baseline.cost_per_hire <= 9000
        assert 50 <= baseline.time_to_fill_days <= 110
    assert all(programme.commitment_for(p, q) is not None for p in PARTNERS for q in PERIODS)
    before, after = (programme.commitment_for("rijnland", q) for q in ("2025Q4", "2026Q1"))
    assert (before.until, after.from_, after.until) == ("2025Q4", "2026Q1", None)
    assert (before.money, after.money) == (5000, 7500)
    assert after.tasks["internship_places"] == 3
    assert all(c.tasks for c in programme.commitments)
    targets = programme.targets
    assert {t.indicator for t in targets} >= {
        "driving_hires", "hunting_hires", "net_benefit", "cost_savings", "contribution",
        "driving_cost_per_hire", "driving_time_to_fill"}
    assert {t.scope for t in targets} - {"programme"} <= set(PARTNERS)
    assert len({t.scope for t in targets}) >= 4
    assert any(len(t.period) == 4 for t in targets) and any("Q" in t.period for t in targets)


def test_every_partner_sends_every_quarter_except_the_deliberate_gap(demo: Path) -> None:
    names = {p.relative_to(demo / "inbox").as_posix() for p in (demo / "inbox").rglob("*.*")}
    suffix = {"hhnk": "xlsx", "delfland": "xlsx", "brabantse-delta": "xlsx"}
    expected = set()
    for period in PERIODS:
        expected.add(f"{period}/ledger.csv")
        for partner in PARTNERS:
            ext = suffix.get(partner, "csv")
            expected.add(f"{period}/vacancies_{partner}.{ext}")
            if (partner, period) != ("aa-en-maas", "2025Q3"):
                expected.add(f"{period}/contributions_{partner}.{ext}")
    assert names == expected
    assert len(names) == 8 * (10 + 10 + 1) - 1


def test_vacancies_are_many_use_every_channel_and_carry_over_quarters(
    vacancies: pl.DataFrame,
) -> None:
    assert vacancies.height >= 1000
    assert set(vacancies["channel"].drop_nulls()) == set(DRIVING + HUNTING) | {"linkedin"}
    per_file = vacancies.group_by("partner", "period").len()["len"]
    assert per_file.len() == 80 and per_file.min() >= 13
    opened_in_quarter = vacancies.filter(
        pl.col("opened_on").dt.year().cast(pl.String) + "Q"
        + pl.col("opened_on").dt.quarter().cast(pl.String) == pl.col("period"))
    per_partner_quarter = opened_in_quarter.group_by("partner", "period").len()["len"]
    assert 10 <= statistics.median(per_partner_quarter.to_list()) <= 20
    open_rows = vacancies.filter(pl.col("filled_on").is_null())
    filled_rows = vacancies.filter(pl.col("filled_on").is_not_null())
    carried = open_rows.join(filled_rows, on=["partner", "vacancy_id"], suffix="_filled").filter(
        pl.col("period") < pl.col("period_filled"))
    assert carried["vacancy_id"].n_unique() > 100
    assert open_rows.filter(pl.col("period") == "2026Q4").height > 50


def test_driving_hires_are_cheaper_and_faster_on_average_but_not_always(
    demo: Path, vacancies: pl.DataFrame,
) -> None:
    baselines = {b.partner: b.cost_per_hire for b in load_programme(demo).baselines}
    accepted = pl.col("filled_on").is_not_null() & pl.col("cost").is_not_null()
    hires = vacancies.filter(accepted).with_columns(
        (pl.col("cost") + pl.col("hours") * 75).alias("own_cost"),
        (pl.col("filled_on") - pl.col("opened_on")).dt.total_days().alias("days"),
        pl.col("channel").is_in(DRIVING).alias("driving"),
    )
    means = {row["driving"]: row for row in hires.group_by("driving").agg(
        pl.col("own_cost").cast(pl.Float64).mean(), pl.col("days").mean()).to_dicts()}
    assert means[True]["own_cost"] < 0.8 * means[False]["own_cost"]
    assert means[True]["days"] < means[False]["days"]
    costlier = [row for row in hires.filter(pl.col("driving")).to_dicts()
                if row["partner"] in baselines and row["own_cost"] > baselines[row["partner"]]]
    assert len(costlier) >= 10


def test_files_come_in_the_formats_partners_really_send(demo: Path) -> None:
    inbox = demo / "inbox" / "2025Q2"
    dutch = (inbox / "vacancies_rijnland.csv").read_bytes()
    assert dutch.startswith(b"\xef\xbb\xbfvacature_id;rol;geopend_op;vervuld_op;kanaal;kosten;uren\r\n")
    windows = (inbox / "vacancies_wetterskip.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        windows.decode("utf-8")
    assert "één" in windows.decode("cp1252")
    assert (inbox / "vacancies_hdsr.csv").read_text(encoding="utf-8").startswith(
        "vacancy_id,role,opened_on,filled_on,channel,cost,hours\n")
    assert (inbox / "contributions_aa-en-maas.csv").read_bytes().decode("utf-8-sig").startswith(
        "soort;taak;aantal;toelichting\r\ngeld;;5.000,00;")
    sheet = pl.read_excel(inbox / "vacancies_hhnk.xlsx")
    assert sheet.schema["Geopend op"] == pl.Date
    assert sheet.schema["Kosten"] == pl.Float64
    assert (inbox / "ledger.csv").read_text(encoding="utf-8").startswith(
        "date,activity,cost,channel\n")


def test_planted_errors_are_where_the_list_and_the_readme_say(
    demo: Path, vacancies: pl.DataFrame,
) -> None:
    errors = planted_errors()
    assert 5 <= len(errors) <= 10
    rules = [e.rule for e in errors]
    assert len(set(rules)) == len(rules), "each planted row breaks a different rule"
    assert set(rules) >= {"not_negative", "channel_in_fields", "filled_after_opened", "date",
                          "decimal", "required", "filled_on_within_period"}
    readme = (REPO / "data" / "README.md").read_text(encoding="utf-8")
    for error in errors:
        assert f"| `{error.path}` | {error.row} | `{error.column}` |" in readme
        assert f"`{error.rule}`" in readme
    by_rule = {e.rule: e for e in errors}

    def problems(error: PlantedError) -> list[tuple[int | None, str]]:
        kind, _ = parse_file_name(Path(error.path).name)
        parsed = read_partner_file(demo / error.path, kind)
        return [(p.row_number, p.rule) for p in parsed.problems]

    assert problems(by_rule["date"]) == [(by_rule["date"].row, "date")]
    assert problems(by_rule["decimal"]) == [(by_rule["decimal"].row, "decimal")]

    def row(error: PlantedError) -> dict:
        name = Path(error.path).name
        return vacancies.filter((pl.col("file") == name) & (pl.col("period") == Path(
            error.path).parent.name) & (pl.col("row_number") == error.row)).to_dicts()[0]

    assert row(by_rule["not_negative"])["cost"] < 0
    assert row(by_rule["channel_in_fields"])["channel"] == "linkedin"
    swapped = row(by_rule["filled_after_opened"])
    assert swapped["filled_on"] < swapped["opened_on"]
    assert row(by_rule["required"])["vacancy_id"] is None
    late = by_rule["filled_on_within_period"]
    assert str(row(late)["filled_on"]) > "2025-06-30" and "2025Q2" in late.path
    ledger = read_partner_file(demo / by_rule["channel_in_driving"].path, "ledger").frame
    assert ledger.filter(pl.col("row_number") == by_rule["channel_in_driving"].row)[
        "channel"].to_list() == ["agency"]


def test_targets_mix_met_at_risk_and_behind() -> None:
    """Computed with the contract's formulas over the rows the pipeline accepts."""
    plan = sample_programme._plan(10, 8, 2025, 16, True, 0.3)
    figures = sample_programme._figures(plan)
    statuses = []
    for scope, indicator, period, expected, _ in sample_programme._targets(plan, 2025):
        if indicator not in ("driving_hires", "hunting_hires", "net_benefit", "cost_savings",
                             "contribution"):
            continue
        actual = sum(
            (Decimal(getattr(f, indicator)) for (p, k), f in figures.items()
             if (scope == "programme" or plan.partners[p].id == scope)
             and str(plan.periods[k]).startswith(period)),
            Decimal(0),
        )
        statuses.append(sample_programme._status(actual, expected))
    assert {"met", "at_risk", "behind"} <= set(statuses)
    assert min(statuses.count(s) for s in ("met", "at_risk", "behind")) >= 2


def test_a_large_clean_programme_is_generated_and_loads(tmp_path: Path) -> None:
    write_programme(tmp_path, partners=24, periods=12, seed=7, vacancies_per_quarter=5,
                    dirty=False, excel_share=0)
    programme = load_programme(tmp_path)
    assert programme.partner_ids[0] == "partner-0001" and len(programme.partners) == 24
    assert len(programme.baselines) == 23
    files = list((tmp_path / "inbox").rglob("*.*"))
    assert len(files) == 12 * (24 * 2 + 1)
    assert not [f for f in files if f.suffix == ".xlsx"]
    # reading every file takes seconds: the first and the last quarter stand for the rest
    sample = [f for f in files if f.parent.name in ("2025Q1", "2027Q4")]
    assert len(sample) == 2 * 49
    problems = [
        (f.name, p.rule) for f in sample
        for p in read_partner_file(f, parse_file_name(f.name)[0]).problems
    ]
    assert problems == []


def test_the_generator_never_overwrites_a_programme_it_did_not_write(tmp_path: Path) -> None:
    (tmp_path / "inbox" / "2025Q1").mkdir(parents=True)
    (tmp_path / "inbox" / "2025Q1" / "vacancies_hhnk.csv").write_text("real data")
    with pytest.raises(FileExistsError):
        write_programme(tmp_path, partners=2, periods=1)
    assert (tmp_path / "inbox" / "2025Q1" / "vacancies_hhnk.csv").read_text() == "real data"


def test_regenerating_replaces_its_own_files_and_the_command_line_works(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    assert main([str(tmp_path), "--partners", "3", "--periods", "3", "--seed", "1"]) == 0
    assert (tmp_path / "inbox" / "2025Q3" / "vacancies_hdsr.csv").is_file()
    assert main([str(tmp_path), "--partners", "2", "--periods", "2", "--clean"]) == 0
    assert not (tmp_path / "inbox" / "2025Q3").exists()
    assert not list((tmp_path / "inbox").rglob("*hdsr*"))
    assert "--clean" in (tmp_path / "programme.yaml").read_text(encoding="utf-8")
    assert "Wrote" in capsys.readouterr().out
    assert main([str(tmp_path), "--partners", "1"]) == 2
