"""The audit trail on the pages: period status badges, the regisseur's decisions, restatements."""

from __future__ import annotations

import dataclasses
import html
import re
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from markupsafe import escape

from dashboards.i18n import Locale
from dashboards.pages import SiteData, _figure_label, _reason_files, _restated, _Site, render_site

REASON = "Herindiening hhnk <script>alert('reden')</script>"
ROW = re.compile(r"<tr>(.*?)</tr>", re.DOTALL)
CELL = re.compile(r"<td[^>]*>(.*?)</td>", re.DOTALL)
TAG = re.compile(r"<[^>]+>")


@pytest.fixture(scope="module")
def site(sample_site_data, tmp_path_factory) -> tuple[SiteData, Path]:
    data = sample_site_data(reopen_reason=REASON)
    site_dir = tmp_path_factory.mktemp("audit-site")
    render_site(data, site_dir)
    return data, site_dir


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def section(page: str, title: str) -> str:
    found = re.search(rf"<h2>{re.escape(title)}</h2>(.*?)</section>", page, re.DOTALL)
    assert found, f"no section {title!r}"
    return found.group(1)


def rows(page: str, title: str) -> list[list[str]]:
    """The body rows of the section's table, each cell as the text a reader sees."""
    body = section(page, title)
    return [
        [html.unescape(TAG.sub("", cell)).strip() for cell in CELL.findall(row)]
        for row in ROW.findall(body)
        if "<td" in row
    ]


def heading(page: str) -> str:
    return re.search(r"<h1>(.*?)</h1>", page, re.DOTALL).group(1)


def status_line(page: str) -> str:
    return html.unescape(re.search(r'<p class="period-status[^"]*">(.*?)</p>', page, re.DOTALL).group(1))


def nl_money(value: object) -> str:
    whole, _, cents = f"{Decimal(str(value)):.2f}".partition(".")
    return f"€ {int(whole):,}".replace(",", ".") + f",{cents}"


def figure(data: SiteData, partner: str, period: str, name: str) -> object:
    return data.partner_period.filter((pl.col("partner") == partner) & (pl.col("period") == period))[name][0]


# ---------------------------------------------------------------- status badges


def test_each_regisseur_period_page_carries_its_status_badge(site) -> None:
    data, site_dir = site
    q1, q2, q3 = data.periods
    first = read(site_dir / "periods" / f"{q1}.html")
    assert '<span class="badge badge-final period-badge" id="period-status">Definitief</span>' in heading(
        first
    )
    assert status_line(first) == (
        "Definitief: goedgekeurd door R. de Regisseur op 5 mei 2026. "
        f"Afgewezen regels geaccepteerd: 1. Eerder heropend; reden: {REASON}"
    )
    second = read(site_dir / "periods" / f"{q2}.html")
    assert '<span class="badge badge-provisional period-badge" id="period-status">Voorlopig</span>' in (
        heading(second)
    )
    assert status_line(second) == (
        "Voorlopig: de cijfers van dit kwartaal kunnen nog veranderen. "
        "Heropend door R. de Regisseur op 9 aug 2026. Reden: Wetterskip stuurt gecorrigeerde bijdragen"
    )
    # never decided: provisional, with nobody named
    for page in (read(site_dir / "periods" / f"{q3}.html"), read(site_dir / "index.html")):
        assert ">Voorlopig</span>" in heading(page)
        assert status_line(page) == "Voorlopig: de cijfers van dit kwartaal kunnen nog veranderen."
    # the badge sits beside the period, not inside the span the period selector reads
    assert f'<span id="current-period">{q1}</span> <span class="badge' in first


def test_english_badges_and_status_lines(sample_site_data, tmp_path) -> None:
    data = sample_site_data(language="en")
    render_site(data, tmp_path)
    first = read(tmp_path / "periods" / f"{data.periods[0]}.html")
    assert ">Final</span>" in heading(first)
    assert status_line(first).startswith("Final: approved by R. de Regisseur on 5 May 2026. Rejected rows")
    latest = read(tmp_path / "index.html")
    assert ">Provisional</span>" in heading(latest)
    assert status_line(latest) == "Provisional: this quarter's figures may still change."
    funders = read(tmp_path / "funders" / "index.html")
    assert [r[:2] for r in rows(funders, "Status per quarter")] == [
        [data.periods[0], "Final"],
        [data.periods[1], "Provisional"],
        [data.periods[2], "Provisional"],
    ]


def test_partner_pages_show_the_status_of_each_period_but_not_the_reasons(site) -> None:
    data, site_dir = site
    for partner in data.programme["partners"]:
        page = read(site_dir / "partners" / partner["id"] / "index.html")
        assert ">Voorlopig</span>" in heading(page)
        assert status_line(page) == "Voorlopig: de cijfers van dit kwartaal kunnen nog veranderen."
        statuses = [r[:2] for r in rows(page, "Uw positie bij eerlijk delen")]
        assert statuses == [
            [data.periods[0], "Definitief"],
            [data.periods[1], "Voorlopig"],
            [data.periods[2], "Voorlopig"],
        ]
        # a reopening's reason is free text that may name another partner
        assert "Herindiening" not in page and "Wetterskip stuurt" not in page
        assert "Heropend" not in page and "geaccepteerd" not in page


def test_a_final_latest_period_shows_final_on_every_page(sample_site_data, tmp_path) -> None:
    data = sample_site_data(periods=2)
    latest = data.periods[-1]
    data.period_status = data.period_status.with_columns(
        status=pl.lit("final"), decided_by=pl.lit("A. Jansen"), decided_at=pl.lit("2026-07-15T08:30:00+02:00")
    )
    render_site(data, tmp_path)
    for page in ("index.html", f"periods/{latest}.html", "funders/index.html", "partners/hhnk/index.html"):
        text = read(tmp_path / page)
        assert ">Definitief</span>" in heading(text), page
        assert status_line(text).startswith("Definitief: goedgekeurd door A. Jansen op 15 jul 2026."), page


# ---------------------------------------------------------------- restatements


def test_regisseur_lists_the_restatements_of_the_period_for_every_partner(site) -> None:
    data, site_dir = site
    q1, q2, q3 = data.periods
    hhnk, wetterskip = (p["name"] for p in data.programme["partners"][:2])
    net = figure(data, "hhnk", q1, "net_benefit")
    hires = figure(data, "hhnk", q1, "driving_hires")
    cost = figure(data, "wetterskip", q1, "counterfactual_cost")
    programme_net = data.programme_period.filter(pl.col("period") == q1)["net_benefit"][0]
    both = f"inbox/{q1}/vacancies_hhnk.csv, inbox/{q1}/contributions_wetterskip.csv"
    first = read(site_dir / "periods" / f"{q1}.html")
    assert rows(first, "Herzieningen") == [
        [
            "2",
            q1,
            hhnk,
            "Aannames drijvend",
            str(hires + 1),
            str(hires),
            "-1",
            f"inbox/{q1}/vacancies_hhnk.csv",
        ],
        [
            "2",
            q1,
            hhnk,
            "Nettobaat",
            "€ 1.234,56",
            nl_money(net),
            "€ " + ("+" if net > Decimal("1234.56") else "") + nl_money(net - Decimal("1234.56"))[2:],
            f"inbox/{q1}/vacancies_hhnk.csv",
        ],
        [
            "2",
            q1,
            wetterskip,
            "Kosten zonder samenwerking",
            nl_money(cost - 5000),
            nl_money(cost),
            "€ +5.000,00",
            both,
        ],
        # a change of one cent in the programme's total is shown, not rounded away
        [
            "2",
            q1,
            "programma",
            "Nettobaat",
            nl_money(programme_net - Decimal("0.01")),
            nl_money(programme_net),
            "€ +0,01",
            both,
        ],
    ]
    assert "nadat het was gepubliceerd" in section(first, "Herzieningen")
    second = rows(read(site_dir / "periods" / f"{q2}.html"), "Herzieningen")
    assert len(second) == 2
    days = figure(data, "dunea", q2, "days_saved")
    assert second[0] == [
        "3",
        q2,
        "Dunea",
        "Dagen sneller",
        str(days - 7),
        str(days),
        "+7",
        "programme.yaml of methode gewijzigd",
    ]
    roi = Decimal(str(figure(data, "wetterskip", q2, "roi")))
    assert second[1][:5] == ["3", q2, wetterskip, "Rendement (ROI)", "12,5%"]
    assert second[1][6] == f"{(roi - Decimal('0.125')) * 100:+.1f}".replace(".", ",") + " %-punt"
    # a period without restatements says so in a line
    latest = read(site_dir / "periods" / f"{q3}.html")
    assert rows(latest, "Herzieningen") == []
    assert "Geen herzieningen: geen gepubliceerd cijfer is veranderd." in section(latest, "Herzieningen")


def test_a_partner_sees_only_its_own_restatements_and_not_whose_file_caused_them(site) -> None:
    data, site_dir = site
    q1, q2, _ = data.periods
    hhnk = rows(read(site_dir / "partners" / "hhnk" / "index.html"), "Uw herzieningen")
    assert [(r[1], r[2], r[-1]) for r in hhnk] == [
        (q1, "Aannames drijvend", f"inbox/{q1}/vacancies_hhnk.csv"),
        (q1, "Nettobaat", f"inbox/{q1}/vacancies_hhnk.csv"),
    ]
    wetterskip_page = read(site_dir / "partners" / "wetterskip" / "index.html")
    wetterskip = rows(wetterskip_page, "Uw herzieningen")
    assert [(r[0], r[1], r[2], r[-1]) for r in wetterskip] == [
        ("3", q2, "Rendement (ROI)", "programme.yaml of methode gewijzigd"),
        (
            "2",
            q1,
            "Kosten zonder samenwerking",
            f"bestand van een andere partner, inbox/{q1}/contributions_wetterskip.csv",
        ),
    ]
    assert "vacancies_hhnk" not in wetterskip_page
    # no partner column on a partner's own table, and no programme rows
    assert len(wetterskip[0]) == 7 and "programma" not in [r[2] for r in wetterskip]
    vechtstromen = read(site_dir / "partners" / "vechtstromen" / "index.html")
    assert rows(vechtstromen, "Uw herzieningen") == []
    assert "Geen herzieningen" in section(vechtstromen, "Uw herzieningen")


def test_a_partners_restatement_download_holds_its_own_rows_with_files_masked(site) -> None:
    data, site_dir = site
    q1 = data.periods[0]
    for partner in data.programme["partners"]:
        folder = site_dir / "partners" / partner["id"] / "data"
        own = pl.read_parquet(folder / "restatements.parquet")
        expected = data.restatements.filter(pl.col("partner") == partner["id"])
        assert own.height == expected.height
        assert set(own["partner"].to_list()) <= {partner["id"]}
        assert own["old_value"].to_list() == expected["old_value"].to_list()
        assert (folder / "restatements.csv").is_file()
    wetterskip = pl.read_parquet(site_dir / "partners" / "wetterskip" / "data" / "restatements.parquet")
    assert wetterskip["reason_file"].to_list() == [
        f"bestand van een andere partner, inbox/{q1}/contributions_wetterskip.csv",
        None,
    ]
    page = read(site_dir / "partners" / "wetterskip" / "index.html")
    assert 'href="data/restatements.csv"' in page and 'href="data/restatements.parquet"' in page


def test_reason_files_are_masked_unless_the_partner_or_the_regisseur_sent_them(sample_site_data) -> None:
    site = _Site(sample_site_data())
    known = "inbox/2026Q1/vacancies_hhnk.csv"  # in the submissions table
    assert site.file_owner(known) == (True, "hhnk")
    text = f"{known}, archive/x/contributions_wetterskip.xlsx, inbox/2026Q1/ledger.csv, somewhere/odd.csv"
    assert _reason_files(site, text) == text
    assert (
        _reason_files(site, text, "hhnk")
        == f"{known}, bestand van een andere partner, inbox/2026Q1/ledger.csv"
    )
    assert _reason_files(site, text, "wetterskip") == (
        "bestand van een andere partner, archive/x/contributions_wetterskip.xlsx, inbox/2026Q1/ledger.csv"
    )
    assert _reason_files(site, None, "hhnk") is None
    assert _reason_files(site, " ", None) is None


@pytest.mark.parametrize(
    ("language", "figure", "old", "new", "expected"),
    [
        ("nl", "net_benefit", "1000", "1250.5", ["€ 1.000,00", "€ 1.250,50", "€ +250,50"]),
        ("en", "net_benefit", "1000", "1250.5", ["€1,000.00", "€1,250.50", "+€250.50"]),
        ("nl", "benefit_cum", "10.004", "10", ["€ 10,004", "€ 10,000", "€ -0,004"]),
        ("nl", "roi", "0.125", "0.1", ["12,5%", "10,0%", "-2,5 %-punt"]),
        ("en", "driving_hires", "12", "9", ["12", "9", "-3"]),
        ("nl", "contribution_hours", "7.5", "10", ["7,5", "10,0", "+2,5"]),
        ("en", "new_figure", "1234.125", "1234.5", ["1,234.125", "1,234.500", "+0.375"]),
        ("en", "net_benefit", "n/a", "12", ["n/a", "€12.00", "–"]),
    ],
)
def test_restated_values_are_written_the_way_the_figure_is(language, figure, old, new, expected) -> None:
    assert _restated(Locale(language), figure, old, new) == expected


def test_figure_labels_come_from_the_catalogue() -> None:
    nl = Locale("nl")
    assert _figure_label(nl, "net_benefit") == "Nettobaat"
    assert _figure_label(nl, "net_benefit_cum") == "Nettobaat cumulatief"
    assert _figure_label(nl, "roi_cum") == "Rendement (ROI) (cumulatief)"
    assert _figure_label(Locale("en"), "driving_hires") == "Driving hires"
    assert _figure_label(nl, "something_new") == "something_new"


# ---------------------------------------------------------------- funders


def test_funders_page_has_period_status_decisions_and_every_restatement(site) -> None:
    data, site_dir = site
    q1, q2, q3 = data.periods
    page = read(site_dir / "funders" / "index.html")
    assert rows(page, "Status per kwartaal") == [
        [q1, "Definitief", "R. de Regisseur", "5 mei 2026", "1", REASON],
        [q2, "Voorlopig", "R. de Regisseur", "9 aug 2026", "", "Wetterskip stuurt gecorrigeerde bijdragen"],
        [q3, "Voorlopig", "", "", "", ""],
    ]
    files = [data.submissions.filter(pl.col("period") == q).height for q in (q1, q2)]
    assert rows(page, "Besluiten van de regisseur") == [
        ["1", "goedgekeurd", q1, "R. de Regisseur", "10 apr 2026 09:00 UTC", str(files[0]), "1", ""],
        ["2", "heropend", q1, "R. de Regisseur", "30 apr 2026 09:00 UTC", "", "", REASON],
        ["3", "goedgekeurd", q1, "R. de Regisseur", "5 mei 2026 09:00 UTC", str(files[0]), "1", ""],
        ["4", "goedgekeurd", q2, "R. de Regisseur", "10 jul 2026 09:00 UTC", str(files[1]), "1", ""],
        [
            "5",
            "heropend",
            q2,
            "R. de Regisseur",
            "9 aug 2026 09:00 UTC",
            "",
            "",
            "Wetterskip stuurt gecorrigeerde bijdragen",
        ],
    ]
    restated = rows(page, "Herzieningen")
    assert len(restated) == data.restatements.height
    # newest version first, each with the run that restated it; the funders see every partner's file
    assert [(r[0], r[-1]) for r in restated] == [("3", "run-0003")] * 2 + [("2", "run-0002")] * 4
    assert f"inbox/{q1}/vacancies_hhnk.csv, inbox/{q1}/contributions_wetterskip.csv" in [
        r[-2] for r in restated
    ]
    assert {r[2] for r in restated} == {
        "Dunea",
        "Wetterskip Fryslân",
        "Hoogheemraadschap Hollands Noorderkwartier",
        "programma",
    }
    for table in ("period_status", "decisions", "restatements"):
        assert f'href="../data/{table}.csv"' in page


def test_timestamps_are_shown_in_utc(sample_site_data, tmp_path) -> None:
    data = sample_site_data()
    data.decisions = data.decisions.with_columns(
        at=pl.Series(["2026-04-10T23:30:00+02:00", "2026-04-30T09:00:00", "2026-05-05", "not a time", None])
    )
    render_site(data, tmp_path)
    shown = [r[4] for r in rows(read(tmp_path / "funders" / "index.html"), "Besluiten van de regisseur")]
    assert shown == ["10 apr 2026 21:30 UTC", "30 apr 2026 09:00", "5 mei 2026", "not a time", "–"]


# ---------------------------------------------------------------- escaping and empty frames


def test_text_from_users_in_the_audit_trail_is_escaped(sample_site_data, tmp_path) -> None:
    hostile = "<script>alert('audit')</script>"
    data = sample_site_data(reopen_reason=hostile)
    data.decisions = data.decisions.with_columns(by=pl.lit("<img src=x onerror=alert(5)>"))
    data.period_status = data.period_status.with_columns(
        decided_by=pl.when(pl.col("decided_by").is_not_null()).then(pl.lit("<img src=x onerror=alert(5)>"))
    )
    data.restatements = data.restatements.with_columns(
        reason_file=pl.lit("inbox/<b>x</b>.csv"), old_value=pl.lit("<i>n/a</i>"), figure=pl.lit("<u>f</u>")
    )
    render_site(data, tmp_path)
    for page in tmp_path.rglob("*.html"):
        text = read(page)
        for raw in (hostile, "<img src=x", "<b>x</b>", "<i>n/a</i>", "<u>f</u>"):
            assert raw not in text, (page, raw)
    funders = read(tmp_path / "funders" / "index.html")
    regisseur = read(tmp_path / "periods" / f"{data.periods[0]}.html")
    for text in (funders, regisseur):
        assert str(escape(hostile)) in text
        assert "&lt;img src=x onerror=alert(5)&gt;" in text
        assert "&lt;i&gt;n/a&lt;/i&gt;" in text and "&lt;u&gt;f&lt;/u&gt;" in text
    assert "inbox/&lt;b&gt;x&lt;/b&gt;.csv" in funders
    # a file whose sender is unknown is not named on a partner's page at all
    partner = read(tmp_path / "partners" / "hhnk" / "index.html")
    assert "&lt;b&gt;x" not in partner and "bestand van een andere partner" in partner


def test_without_an_audit_trail_every_period_is_provisional_and_nothing_is_restated(
    sample_site_data, tmp_path
) -> None:
    data = sample_site_data(audit=False)
    assert data.period_status.height == data.decisions.height == data.restatements.height == 0
    bare = dataclasses.replace(
        data, period_status=pl.DataFrame(), decisions=pl.DataFrame(), restatements=pl.DataFrame()
    )
    render_site(bare, tmp_path)
    for period in data.periods:
        page = read(tmp_path / "periods" / f"{period}.html")
        assert ">Voorlopig</span>" in heading(page)
        assert "Geen herzieningen" in section(page, "Herzieningen")
    funders = read(tmp_path / "funders" / "index.html")
    assert "Nog geen besluiten." in section(funders, "Besluiten van de regisseur")
    assert "Geen herzieningen" in section(funders, "Herzieningen")
    assert [r[1] for r in rows(funders, "Status per kwartaal")] == ["Voorlopig"] * len(data.periods)
    assert pl.read_parquet(tmp_path / "partners" / "hhnk" / "data" / "restatements.parquet").height == 0


def test_a_long_restatement_list_is_capped_on_the_page(sample_site_data, tmp_path) -> None:
    data = sample_site_data(periods=2)
    q1 = data.periods[0]
    data.restatements = pl.DataFrame(
        {
            "version": [2] * 250,
            "period": [q1] * 250,
            "partner": ["hhnk"] * 250,
            "figure": ["net_benefit"] * 250,
            "old_value": [str(n) for n in range(250)],
            "new_value": [str(n + 1) for n in range(250)],
            "reason_file": [None] * 250,
            "run_id": ["run-0002"] * 250,
        }
    )
    render_site(data, tmp_path)
    regisseur = read(tmp_path / "periods" / f"{q1}.html")
    assert len(rows(regisseur, "Herzieningen")) == 200
    assert "200 van 250 regels getoond; alle regels staan in ../data/restatements.csv." in regisseur
    partner = read(tmp_path / "partners" / "hhnk" / "index.html")
    assert len(rows(partner, "Uw herzieningen")) == 200
    assert "alle regels staan in data/restatements.csv." in partner
    assert pl.read_parquet(tmp_path / "partners" / "hhnk" / "data" / "restatements.parquet").height == 250
