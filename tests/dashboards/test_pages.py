"""The rendered site: files, links, escaping, privacy of partner pages, downloads, size and speed."""

from __future__ import annotations

import dataclasses
import hashlib
import html
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import plotly
import plotly.graph_objects as go
import polars as pl
import pytest
from markupsafe import escape

from dashboards.pages import SiteData, figure_json, render_markdown, render_site, safe_csv

HOSTILE = "<script>alert(1)</script>"
SCRIPT_JSON = re.compile(r'<script type="application/json" id="([^"]+)">(.*?)</script>', re.DOTALL)
MAX_PAGE_BYTES = 1_500_000


@pytest.fixture(scope="module")
def site(sample_site_data, tmp_path_factory) -> tuple[SiteData, Path, list[Path]]:
    data = sample_site_data(names={"dunea": HOSTILE})
    site_dir = tmp_path_factory.mktemp("site")
    return data, site_dir, render_site(data, site_dir)


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_every_page_and_one_plotly_bundle(site) -> None:
    data, site_dir, written = site
    expected = {"index.html", "funders/index.html", "plotly.min.js", "static/site.css"}
    expected |= {f"periods/{p}.html" for p in data.periods}
    expected |= {f"partners/{p['id']}/index.html" for p in data.programme["partners"]}
    relative = {p.relative_to(site_dir).as_posix() for p in written}
    assert expected <= relative
    assert all(p.is_file() for p in written)
    bundles = list(site_dir.rglob("plotly*.js"))
    assert [b.relative_to(site_dir).as_posix() for b in bundles] == ["plotly.min.js"]
    package_copy = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    assert (
        hashlib.sha256(bundles[0].read_bytes()).digest() == hashlib.sha256(package_copy.read_bytes()).digest()
    )


@pytest.mark.parametrize(
    ("page", "prefix"),
    [
        ("index.html", ""),
        ("periods/2026Q1.html", "../"),
        ("funders/index.html", "../"),
        ("partners/hhnk/index.html", "../../"),
    ],
)
def test_pages_link_the_shared_assets_relatively(site, page: str, prefix: str) -> None:
    _, site_dir, _ = site
    text = read(site_dir / page)
    assert f'<script src="{prefix}plotly.min.js" charset="utf-8"></script>' in text
    assert f'<link rel="stylesheet" href="{prefix}static/site.css">' in text
    assert (site_dir / page).parent.joinpath(f"{prefix}plotly.min.js").resolve().is_file()


def test_embedded_figures_are_valid_json_for_every_chart_div(site) -> None:
    _, site_dir, written = site
    for page in (p for p in written if p.suffix == ".html"):
        text = read(page)
        blocks = dict(SCRIPT_JSON.findall(text))
        divs = re.findall(r'data-figure="([^"]+)"', text)
        assert sorted(divs) == sorted(blocks), page
        for payload in blocks.values():
            spec = json.loads(payload)
            assert spec["data"], page


def test_regisseur_shows_every_chart_of_the_issue(site) -> None:
    _, site_dir, _ = site
    text = read(site_dir / "index.html")
    for chart in (
        "chart-hires-period",
        "chart-targets",
        "chart-hires-partner",
        "chart-sankey",
        "chart-waterfall",
        "chart-waterfall-cum",
        "chart-cordon",
        "chart-fair-share",
        "chart-joint-pot",
    ):
        assert f'data-figure="{chart}-data"' in text, chart
    # the first chart of the issue is the stacked driving vs hunting hires per period
    first = re.search(r'data-figure="([^"]+)"', text).group(1)
    assert first == "chart-hires-period-data"


def test_period_pages_show_their_own_period(site) -> None:
    data, site_dir, _ = site
    nets = set()
    for period in data.periods:
        text = read(site_dir / "periods" / f"{period}.html")
        assert f'<span id="current-period">{period}</span>' in text
        assert f'<option value="{period}.html" selected>' in text
        row = data.programme_period.filter(pl.col("period") == period).row(0, named=True)
        net = f"€ {row['net_benefit']:,.0f}".replace(",", ".")
        assert f'<p class="tile-value">{net}</p>' in text
        nets.add(net)
    assert len(nets) == len(data.periods)
    index = read(site_dir / "index.html")
    assert f'<span id="current-period">{data.periods[-1]}</span>' in index
    for period in data.periods:
        assert f'<option value="periods/{period}.html"' in index


def test_rejections_and_warnings_of_the_period_are_listed(site) -> None:
    data, site_dir, _ = site
    last = data.periods[-1]
    text = read(site_dir / "index.html")
    assert f"inbox/{last}/vacancies_hhnk.csv" in text
    assert str(escape('=HYPERLINK("http://evil")')) in text
    assert "kosten must be a number like 1.234,50" in text
    assert "cost (kosten)" in text
    assert "two ledger files in one period" in text
    assert "baseline_from_programme_median" in text
    first = read(site_dir / "periods" / f"{data.periods[0]}.html")
    assert "unknown_indicator" in first
    assert "baseline_from_programme_median" not in first


def test_partner_and_programme_text_is_escaped(site, sample_site_data, tmp_path) -> None:
    _, site_dir, written = site
    escaped = html.escape(HOSTILE, quote=False)
    for page in (p for p in written if p.suffix == ".html"):
        assert "<script>alert" not in read(page), page
    assert escaped in read(site_dir / "index.html")
    assert escaped in read(site_dir / "partners" / "dunea" / "index.html")

    data = sample_site_data(names={"hhnk": "</script><script>alert(2)</script>"})
    data.programme["name"] = "<img src=x onerror=alert(3)>"
    render_site(data, tmp_path)
    for page in tmp_path.rglob("*.html"):
        text = read(page)
        assert "<script>alert(2)" not in text
        assert "<img src=x" not in text
        assert "&lt;img src=x onerror=alert(3)&gt;" in text
        for payload in dict(SCRIPT_JSON.findall(text)).values():
            assert "</" not in payload
            json.loads(payload)
    # the name reaches the charts, entity-escaped for Plotly, which shows it as text
    labels = json.loads(dict(SCRIPT_JSON.findall(read(tmp_path / "index.html")))["chart-hires-partner-data"])
    assert "&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in labels["data"][0]["y"]


def test_figure_json_cannot_close_its_script_element() -> None:
    figure = go.Figure(go.Bar(x=["</script><script>alert(1)</script>", "<!--", "a & b"], y=[1, 2, 3]))
    payload = str(figure_json(figure))
    assert "<" not in payload and ">" not in payload and "&" not in payload
    assert json.loads(payload)["data"][0]["x"] == ["</script><script>alert(1)</script>", "<!--", "a & b"]
    assert figure_json(None) is None


def test_methodology_markdown_is_rendered_without_raw_html(site) -> None:
    _, site_dir, _ = site
    text = read(site_dir / "funders" / "index.html")
    assert "<h3>Methodology</h3>" in text
    assert "<td>net benefit / contribution</td>" in text
    assert (
        "&lt;script&gt;alert(&#x27;methodology&#x27;)&lt;/script&gt;" in text
        or "&lt;script&gt;alert('methodology')&lt;/script&gt;" in text
    )
    assert 'href="javascript:' not in text
    assert 'href="https://example.org/contract"' in text


def test_render_markdown_drops_comments_and_unsafe_links() -> None:
    body = str(render_markdown("<!-- note -->\n[a](JavaScript:alert(1)) ![i](data:text/html,x) <b>b</b>"))
    assert "note" not in body
    assert 'href="#"' in body and 'src="#"' in body
    assert "&lt;b&gt;b&lt;/b&gt;" in body


def test_funders_page_has_manifest_validation_and_provenance(site) -> None:
    data, site_dir, _ = site
    text = read(site_dir / "funders" / "index.html")
    for row in data.submissions.iter_rows(named=True):
        assert row["sha256"] in text
        assert row["path"] in text
    assert "expect_column_values_to_be_between" in text
    assert '<span class="badge badge-behind">nee</span>' in text
    assert data.run["run_id"] in text and data.run["code_version"] in text
    assert 'href="../manifest.json"' in text
    for table in ("vacancies", "partner_period", "cordon", "fair_share", "joint_pot", "validation_results"):
        assert f'href="../data/{table}.csv"' in text
        assert f'href="../data/{table}.parquet"' in text


def test_regisseur_page_does_not_embed_vacancies(site) -> None:
    data, site_dir, _ = site
    text = read(site_dir / "index.html")
    assert not any(vacancy_id in text for vacancy_id in data.vacancies["vacancy_id"].to_list())


def test_partner_downloads_hold_only_that_partners_rows(site) -> None:
    data, site_dir, _ = site
    for partner in data.programme["partners"]:
        folder = site_dir / "partners" / partner["id"] / "data"
        for table in ("vacancies", "partner_period", "cordon", "fair_share", "rejections", "submissions"):
            parquet = pl.read_parquet(folder / f"{table}.parquet")
            assert set(parquet["partner"].to_list()) <= {partner["id"]}, (partner, table)
            expected = getattr(data, table).filter(pl.col("partner") == partner["id"]).height
            assert parquet.height == expected
            assert (folder / f"{table}.csv").is_file()
    vacancies = pl.read_parquet(site_dir / "partners" / "hhnk" / "data" / "vacancies.parquet")
    assert vacancies["cost"].dtype == pl.Decimal(38, 2)


def test_partner_csv_neutralises_formulas(site) -> None:
    _, site_dir, _ = site
    text = read(site_dir / "partners" / "hhnk" / "data" / "rejections.csv")
    assert "'=HYPERLINK" in text
    assert ",=HYPERLINK" not in text and '"=HYPERLINK' not in text


def test_safe_csv_prefixes_every_formula_start_and_leaves_numbers(tmp_path) -> None:
    frame = pl.DataFrame(
        {
            "text": ["=1+1", "+31 6", "-5", "@SUM(A1)", "\tx", "plain", None, "a=b"],
            "amount": [-1, 2, -3, 4, 5, 6, 7, 8],
        }
    )
    path = safe_csv(frame, tmp_path / "out.csv")
    back = pl.read_csv(path, infer_schema_length=0)
    assert back["text"].to_list() == ["'=1+1", "'+31 6", "'-5", "'@SUM(A1)", "'\tx", "plain", None, "a=b"]
    assert back["amount"].to_list() == ["-1", "2", "-3", "4", "5", "6", "7", "8"]


SENTINEL_FORMS = [
    "987654.32",
    "987654,32",
    "987.654,32",
    "987,654.32",
    "987.654",
    "987,654",
    "987654",
    "987 654",
    "4321",
    "4.321",
    "4,321",
]


def _occurs(text: str, form: str) -> bool:
    """`form` as a whole number: not inside a longer number such as 14.321 or 4321.5."""
    return re.search(rf"(?<!\w)(?<!\d[.,]){re.escape(form)}(?!\w)(?![.,]\d)", text) is not None


def _download_texts(folder: Path) -> list[tuple[Path, str]]:
    """Every cell of every download on a line of its own (a CSV comma is not a thousands separator)."""
    frames = [
        (p, pl.read_csv(p, infer_schema_length=0))
        for p in sorted(folder.glob("*.csv"))
        if p.stat().st_size > 1
    ]
    frames += [(p, pl.read_parquet(p).cast(pl.String)) for p in sorted(folder.glob("*.parquet"))]
    return [
        (path, "\n".join(str(cell) for column in frame.columns for cell in frame[column].to_list()))
        for path, frame in frames
    ]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_partners_figures_never_reach_another_partners_page(sample_site_data, tmp_path, language) -> None:
    data = sample_site_data(language=language, sentinel="hhnk")
    render_site(data, tmp_path)
    own = read(tmp_path / "partners" / "hhnk" / "index.html")
    # the control: the sentinel values do show on the partner's own page and in its downloads
    assert _occurs(own, "987.654,32" if language == "nl" else "987,654.32")
    assert _occurs(own, "4.321" if language == "nl" else "4,321")
    own_downloads = "\n".join(text for _, text in _download_texts(tmp_path / "partners" / "hhnk" / "data"))
    assert _occurs(own_downloads, "987654.32") and _occurs(own_downloads, "4321")
    # and in the partner's own restatements (from 987654.32 and from 4321), on its page and in its download
    restated = own[own.index("Uw herzieningen" if language == "nl" else "Your restatements") :]
    restated = restated[: restated.index("</section>")]
    assert _occurs(restated, "987.654,32" if language == "nl" else "987,654.32")
    assert _occurs(restated, "4.321" if language == "nl" else "4,321")
    restatements = pl.read_parquet(tmp_path / "partners" / "hhnk" / "data" / "restatements.parquet")
    assert {"987654.32", "4321"} <= set(restatements["old_value"].to_list())
    # the regisseur sees every partner's restatements
    regisseur = read(tmp_path / "periods" / f"{data.periods[0]}.html")
    assert _occurs(regisseur, "987.654,32" if language == "nl" else "987,654.32")
    # another partner's restatement caused by the sentinel's file shows, without naming that file
    other = read(tmp_path / "partners" / "wetterskip" / "index.html")
    assert ("bestand van een andere partner" if language == "nl" else "another partner&#39;s file") in other

    hhnk_name = data.programme["partners"][0]["name"]
    for partner in data.programme["partners"][1:]:
        folder = tmp_path / "partners" / partner["id"]
        sources = [(folder / "index.html", read(folder / "index.html")), *_download_texts(folder / "data")]
        for path, text in sources:
            leaked = [form for form in SENTINEL_FORMS if _occurs(text, form)]
            assert not leaked, f"{path.relative_to(tmp_path)} shows {leaked}"
            assert hhnk_name not in text and "hhnk" not in text, path
        page = sources[0][1]
        for other in data.programme["partners"]:
            if other["id"] != partner["id"]:
                assert html.escape(other["name"]) not in page, (partner["id"], other["name"])


def test_programme_totals_leave_partner_pages_only_over_enough_partners(sample_site_data, tmp_path) -> None:
    data = sample_site_data(min_group_size=4)
    render_site(data, tmp_path)
    page = read(tmp_path / "partners" / "wetterskip" / "index.html")
    assert "minstens 4 andere partners" in page
    last = data.programme_period.row(-1, named=True)
    for column in ("net_benefit", "own_driving_cost", "benefit", "contribution"):
        total = f"{last[column]:,.0f}".replace(",", ".")
        assert f"€ {total}" not in page, column
    assert "Totalen van het programma" not in page

    shown = sample_site_data(min_group_size=3)
    render_site(shown, tmp_path / "shown")
    page = read(tmp_path / "shown" / "partners" / "wetterskip" / "index.html")
    assert "Totalen van het programma" in page
    total = f"€ {shown.programme_period.row(-1, named=True)['net_benefit']:,.0f}".replace(",", ".")
    assert total in page


def test_partner_page_shows_formulas_with_its_own_numbers(site) -> None:
    data, site_dir, _ = site
    row = data.partner_period.filter(
        (pl.col("partner") == "hhnk") & (pl.col("period") == data.periods[-1])
    ).row(0, named=True)
    page = read(site_dir / "partners" / "hhnk" / "index.html")
    assert "nettobaat ÷ bijdrage" in page
    net = f"{row['net_benefit']:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    benefit = f"{row['benefit']:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    assert f"€\u00a0{benefit} − €\u00a0" in page
    assert f"= €\u00a0{net}" in page
    assert 'href="data/vacancies.csv"' in page and 'href="data/vacancies.parquet"' in page


def test_english_site_uses_english_labels_and_number_format(sample_site_data, tmp_path) -> None:
    data = sample_site_data(language="en")
    render_site(data, tmp_path)
    text = read(tmp_path / "index.html")
    assert '<html lang="en">' in text
    assert "Net benefit" in text and "Nettobaat" not in text
    net = data.programme_period.row(-1, named=True)["net_benefit"]
    assert f"€{net:,.0f}" in text
    spec = json.loads(dict(SCRIPT_JSON.findall(text))["chart-hires-period-data"])
    assert spec["layout"]["separators"] == ".,"


def test_an_empty_programme_still_renders(tmp_path) -> None:
    data = SiteData(
        programme={
            "id": "p",
            "name": "Empty",
            "currency": "EUR",
            "language": "nl",
            "first_period": "2026Q1",
            "partners": [{"id": "a", "name": "A", "kind": "x"}, {"id": "b", "name": "B", "kind": "x"}],
            "min_group_size": 3,
            "fields": {"driving": ["x"], "hunting": ["y"]},
        },
        periods=[],
    )
    written = render_site(data, tmp_path)
    assert "Nog geen gegevens." in read(tmp_path / "index.html")
    assert (tmp_path / "partners" / "a" / "index.html").is_file()
    assert pl.read_parquet(tmp_path / "partners" / "a" / "data" / "vacancies.parquet").height == 0
    assert any(p.name == "index.html" and p.parent.name == "funders" for p in written)

    one_period = dataclasses.replace(data, periods=["2026Q1"])
    render_site(one_period, tmp_path / "one")
    assert "Nog geen gegevens." in read(tmp_path / "one" / "index.html")


def test_a_partner_id_that_is_not_a_slug_is_refused(tmp_path, sample_site_data) -> None:
    data = sample_site_data()
    data.programme["partners"] = [*data.programme["partners"], {"id": "../evil", "name": "E", "kind": "x"}]
    with pytest.raises(ValueError, match="slug"):
        render_site(data, tmp_path)


def test_a_period_that_is_not_a_quarter_is_refused(tmp_path, sample_site_data) -> None:
    data = dataclasses.replace(sample_site_data(), periods=["2026Q1", "../../etc"])
    with pytest.raises(ValueError, match="quarter"):
        render_site(data, tmp_path)


def test_page_weight_and_render_time_at_ten_partners_by_eight_quarters(sample_site_data, tmp_path) -> None:
    data = sample_site_data(partners=10, periods=8, vacancies_per_period=40)
    started = time.perf_counter()
    written = render_site(data, tmp_path)
    elapsed = time.perf_counter() - started
    pages = [p for p in written if p.suffix == ".html"]
    assert len(pages) == 1 + 8 + 10 + 1
    heaviest = max(pages, key=lambda p: p.stat().st_size)
    assert heaviest.stat().st_size < MAX_PAGE_BYTES, heaviest
    assert elapsed < 8, f"rendering took {elapsed:.2f} s"


def test_regisseur_page_grows_with_partners_not_vacancies(sample_site_data, tmp_path) -> None:
    few = sample_site_data(vacancies_per_period=10)
    many = sample_site_data(vacancies_per_period=200)
    render_site(few, tmp_path / "few")
    render_site(many, tmp_path / "many")
    small = (tmp_path / "few" / "index.html").stat().st_size
    large = (tmp_path / "many" / "index.html").stat().st_size
    assert large < small * 1.15, (small, large)


def test_dashboards_import_neither_pipelines_nor_assets_nor_dagster() -> None:
    code = (
        "import sys, dashboards.pages, dashboards.figures, dashboards.i18n\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'pipelines', 'assets', 'dagster'})\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
