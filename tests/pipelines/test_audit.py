"""Issue 5: history not overwrite, approval and locking, determinism, and `verify`."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from assets.publish import manifest_matches_site
from domain.approvals import load_decisions
from pipelines.approvals import DecisionRefused, approve_period, reopen_period
from pipelines.resources import OutputFolder
from pipelines.verify import verify_site

BOTH = ["2025Q1", "2025Q2"]


def query(out: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(out / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def add_gamma_hire(programme: Path) -> Path:
    gamma = programme / "inbox" / "2025Q1" / "vacancies_gamma.csv"
    gamma.write_text(gamma.read_text() + "G3,Ecologist,2025-01-02,2025-02-15,talent_pool,900,3\n")
    return gamma


def gamma_q1_hires(out: Path) -> int:
    return query(
        out, "SELECT driving_hires FROM partner_period WHERE partner = 'gamma' AND period = '2025Q1'"
    )[0][0]


def test_resubmission_is_recorded_as_restatements(tiny_programme, tmp_path, materialize) -> None:
    out = tmp_path / "out"
    assert materialize(tiny_programme, out, BOTH).success
    assert query(out, "SELECT count(*) FROM restatements") == [(0,)]
    add_gamma_hire(tiny_programme)
    assert materialize(tiny_programme, out, ["2025Q1"]).success
    restated = dict(
        ((figure, (old, new, reason)) for _, figure, old, new, reason in query(
            out,
            "SELECT partner, figure, old_value, new_value, reason_file FROM restatements "
            "WHERE partner = 'gamma' AND period = '2025Q1'",
        ))
    )
    assert restated["driving_hires"] == ("1", "2", "inbox/2025Q1/vacancies_gamma.csv")
    # G3: 900 + 3 h x 75 = 1125 own cost against a 7000 baseline: counterfactual 7000 -> 14000
    assert restated["counterfactual_cost"][:2] == ("7000.00", "14000.00")
    assert "contribution" not in restated  # gamma's contributions did not change
    assert (tmp_path / "out" / "site" / "data" / "restatements.csv").read_text().count("gamma") >= 2


def test_approval_needs_accepting_rejections(tiny_programme, tmp_path, materialize) -> None:
    out = tmp_path / "out"
    assert materialize(tiny_programme, out, BOTH).success
    with pytest.raises(DecisionRefused, match="2 unresolved rejection"):
        approve_period(tiny_programme, out, "2025Q1", "Anna", accept_rejections=False)
    assert load_decisions(tiny_programme) == []
    decision = approve_period(tiny_programme, out, "2025Q1", "Anna", accept_rejections=True)
    assert decision.accepted_rejections == 2
    assert len(decision.files) == 6
    with pytest.raises(DecisionRefused, match="already approved"):
        approve_period(tiny_programme, out, "2025Q1", "Anna", accept_rejections=True)


def test_approved_period_holds_back_a_later_file_until_reopened(
    tiny_programme, tmp_path, materialize
) -> None:
    out = tmp_path / "out"
    assert materialize(tiny_programme, out, BOTH).success
    approve_period(tiny_programme, out, "2025Q1", "Anna", accept_rejections=True)
    assert materialize(tiny_programme, out, BOTH).success
    assert query(out, "SELECT status, decided_by FROM clean.period_status ORDER BY period") == [
        ("final", "Anna"),
        ("provisional", None),
    ]

    add_gamma_hire(tiny_programme)
    with pytest.raises(DecisionRefused, match="not approved"):
        reopen_period(tiny_programme, "2025Q2", "Anna", "typo")
    assert materialize(tiny_programme, out, BOTH).success
    assert gamma_q1_hires(out) == 1  # the approved file still counts
    assert query(
        out, "SELECT count(*) FROM submissions WHERE superseded_by = 'held_back'"
    ) == [(1,)]

    with pytest.raises(DecisionRefused, match="needs a reason"):
        reopen_period(tiny_programme, "2025Q1", "Anna", "  ")
    reopen_period(tiny_programme, "2025Q1", "Anna", "gamma forgot a hire")
    assert materialize(tiny_programme, out, BOTH).success
    assert gamma_q1_hires(out) == 2
    assert query(out, "SELECT action, reason FROM clean.decisions ORDER BY seq") == [
        ("approve", None),
        ("reopen", "gamma forgot a hire"),
    ]
    assert query(out, "SELECT status, reason FROM clean.period_status WHERE period = '2025Q1'") == [
        ("provisional", "gamma forgot a hire")
    ]
    assert query(
        out,
        "SELECT old_value, new_value FROM restatements "
        "WHERE partner = 'gamma' AND figure = 'driving_hires'",
    ) == [("1", "2")]


def test_approved_file_replaced_in_the_inbox_is_read_from_the_archive(
    tiny_programme, tmp_path, materialize
) -> None:
    out = tmp_path / "out"
    assert materialize(tiny_programme, out, BOTH).success
    approve_period(tiny_programme, out, "2025Q1", "Anna", accept_rejections=True)
    gamma = tiny_programme / "inbox" / "2025Q1" / "vacancies_gamma.csv"
    gamma.write_text("vacancy_id,role,opened_on,filled_on,channel,cost,hours\n")
    fresh = tmp_path / "fresh"
    shutil.copytree(out / "archive", fresh / "archive")
    assert materialize(tiny_programme, fresh, BOTH).success
    assert gamma_q1_hires(fresh) == 1


def masked(path: Path, manifest: dict) -> bytes:
    text = path.read_bytes()
    for value in (manifest["run_id"], manifest["generated_at"]):
        text = text.replace(value.encode(), b"<masked>")
    return text


def test_two_runs_on_the_same_inputs_publish_identical_tables(
    tiny_programme, tmp_path, materialize
) -> None:
    sites = []
    for name in ("first", "second"):
        assert materialize(tiny_programme, tmp_path / name, BOTH).success
        sites.append(tmp_path / name / "site")
    manifests = [json.loads((site / "manifest.json").read_text()) for site in sites]
    assert manifests[0]["run_id"] != manifests[1]["run_id"]
    tables = sorted(p.relative_to(sites[0]) for p in (sites[0] / "data").iterdir())
    assert len(tables) >= 30
    for table in tables:
        assert (sites[0] / table).read_bytes() == (sites[1] / table).read_bytes(), table
    for page in sorted(p.relative_to(sites[0]) for p in sites[0].rglob("*.html")):
        assert masked(sites[0] / page, manifests[0]) == masked(sites[1] / page, manifests[1]), page
    for manifest in manifests:
        for key in ("run_id", "generated_at"):
            manifest.pop(key)
        manifest["outputs"] = {
            path: digest for path, digest in manifest["outputs"].items()
            if not path.endswith(".html")
        }
    assert manifests[0] == manifests[1]


@pytest.fixture
def published(tiny_programme, tmp_path, materialize) -> tuple[Path, Path]:
    out = tmp_path / "out"
    assert materialize(tiny_programme, out, BOTH).success
    return tiny_programme, out / "site"


@pytest.mark.slow
def test_verify_passes_on_an_untouched_site(published) -> None:
    programme, site = published
    assert verify_site(programme, site) == []


@pytest.mark.slow
def test_verify_names_a_tampered_number_and_a_tampered_input(published) -> None:
    programme, site = published
    table = site / "data" / "partner_period.csv"
    text = table.read_text()
    tampered = re.sub(r"^(alpha,2025Q1,)5000\.00,", r"\g<1>5001.00,", text, count=1, flags=re.M)
    assert tampered != text
    table.write_text(tampered)
    ledger = programme / "inbox" / "2025Q2" / "ledger.csv"
    ledger.write_bytes(ledger.read_bytes().replace(b"1500", b"1600"))

    findings = {(f.kind, f.where): f.detail for f in verify_site(programme, site)}
    assert findings[("figure", "partner_period [partner=alpha, period=2025Q1] contribution_money")] == (
        "published '5001.00', recomputed '5000.00'"
    )
    assert "sha256" in findings[("output", "data/partner_period.csv")]
    assert "sha256" in findings[("input", "inbox/2025Q2/ledger.csv")]
    assert ("figure", "joint_pot [period=2025Q2] spent") in findings


def test_verify_names_a_broken_manifest_a_foreign_site_and_a_damaged_archive(
    published, tmp_path
) -> None:
    programme, site = published
    other = tmp_path / "other"
    shutil.copytree(site, other)
    manifest = json.loads((other / "manifest.json").read_text())
    manifest["programme"]["id"] = "another-alliance"
    (other / "manifest.json").write_text(json.dumps(manifest))
    assert "of programme 'another-alliance'" in verify_site(programme, other)[0].detail

    (other / "manifest.json").write_text("{not json")
    assert verify_site(programme, other)[0].detail.startswith("does not parse")

    archived = next((site.parent / "archive").rglob("*.csv"))
    archived.write_bytes(archived.read_bytes() + b"x")
    from pipelines.verify import read_manifest, verify_inputs

    findings = verify_inputs(read_manifest(site)[0], programme, site.parent / "archive")
    assert [f.kind for f in findings] == ["archive"]
    assert archived.name in findings[0].where


@pytest.mark.slow
def test_the_manifest_check_fails_on_a_changed_or_missing_file(published) -> None:
    _, site = published
    output = OutputFolder(path=str(site.parent))

    def check() -> dg.AssetCheckResult:
        return manifest_matches_site(dg.build_asset_check_context(resources={"output": output}))

    assert check().passed
    (site / "data" / "partner_period.csv").write_text("partner\nsomeone else\n", encoding="utf-8")
    page = sorted((site / "partners").glob("*/index.html"))[0]
    page.unlink()
    result = check()
    assert not result.passed
    wrong = result.metadata["mismatches"].value
    assert "data/partner_period.csv" in wrong and page.relative_to(site).as_posix() in wrong
