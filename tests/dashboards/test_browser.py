"""The pages in headless Chromium: every chart drawn, no errors, the period selector, escaping."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboards.pages import render_site

pytestmark = pytest.mark.browser

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def site_dir(sample_site_data, tmp_path_factory) -> Path:
    # the sample carries an audit trail (decisions, period status, restatements), so every page is
    # loaded with those sections filled, a reopening's reason with a <script> in it included
    data = sample_site_data(names={"dunea": HOSTILE})
    target = tmp_path_factory.mktemp("browser-site")
    render_site(data, target)
    return target


@pytest.fixture
def page(chromium_browser):
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.problems = []
    page.dialogs = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda error: page.problems.append(f"pageerror: {error}"))

    def _dialog(dialog) -> None:
        page.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", _dialog)
    yield page
    context.close()


def _open(page, path: Path) -> None:
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    # Plotly draws synchronously after load; a short wait catches late errors from responsive resize
    page.wait_for_timeout(150)


def _pages(site_dir: Path) -> list[Path]:
    return sorted(site_dir.rglob("*.html"))


def test_every_page_draws_every_chart_without_errors(page, site_dir) -> None:
    pages = _pages(site_dir)
    assert len(pages) == 1 + 3 + 4 + 1
    for path in pages:
        _open(page, path)
        charts = page.locator("[data-figure]")
        count = charts.count()
        assert count > 0, path
        drawn = page.locator("[data-figure].js-plotly-plot:has(.main-svg)").count()
        assert drawn == count, f"{path.relative_to(site_dir)}: {drawn} of {count} charts drawn"
        assert not page.problems, f"{path.relative_to(site_dir)}: {page.problems}"
        assert not page.dialogs, f"{path.relative_to(site_dir)}: {page.dialogs}"


def test_period_selector_changes_what_is_shown(page, site_dir) -> None:
    _open(page, site_dir / "index.html")
    assert page.locator("#current-period").inner_text() == "2026Q3"
    latest_net = page.locator(".tile-value").first.inner_text()
    page.select_option("#period-select", label="2026Q1")
    page.wait_for_url("**/periods/2026Q1.html")
    page.wait_for_load_state("load")
    assert page.locator("#current-period").inner_text() == "2026Q1"
    assert page.locator("#headlines").get_attribute("data-period") == "2026Q1"
    assert page.locator(".tile-value").first.inner_text() != latest_net
    assert page.locator("#period-select").input_value() == "2026Q1.html"
    # and on from one period page to another
    page.select_option("#period-select", label="2026Q2")
    page.wait_for_url("**/periods/2026Q2.html")
    assert page.locator("#current-period").inner_text() == "2026Q2"
    assert not page.problems


def test_a_hostile_partner_name_shows_as_text(page, site_dir) -> None:
    for path in (site_dir / "index.html", site_dir / "partners" / "dunea" / "index.html"):
        _open(page, path)
        assert page.get_by_text(HOSTILE, exact=True).count() >= 1, path
        assert not page.dialogs, path
        assert page.locator("script:not([src]):not([type])").count() == 1, path
    _open(page, site_dir / "index.html")
    chart_text = page.locator("#chart-hires-partner").inner_text()
    assert HOSTILE in chart_text
    assert not page.dialogs


def _section_rows(page, title: str) -> int:
    return page.locator(f"section.card:has(h2:text-is('{title}')) tbody tr").count()


def test_audit_trail_shows_as_badges_and_tables_with_reasons_as_text(page, site_dir) -> None:
    _open(page, site_dir / "periods" / "2026Q1.html")
    assert page.locator("#period-status").inner_text() == "Definitief"
    assert page.locator("#current-period").inner_text() == "2026Q1"
    status = page.locator(".period-status").inner_text()
    assert "goedgekeurd door R. de Regisseur op 5 mei 2026" in status
    assert "<script>alert('reden')</script>" in status
    assert _section_rows(page, "Herzieningen") == 4
    assert page.locator("script:not([src]):not([type])").count() == 1
    assert not page.problems and not page.dialogs

    _open(page, site_dir / "index.html")
    assert page.locator("#period-status").inner_text() == "Voorlopig"
    assert "kunnen nog veranderen" in page.locator(".period-status").inner_text()
    assert _section_rows(page, "Herzieningen") == 0
    assert page.get_by_text("Geen herzieningen", exact=False).count() == 1

    _open(page, site_dir / "partners" / "wetterskip" / "index.html")
    assert page.locator("#period-status").inner_text() == "Voorlopig"
    assert _section_rows(page, "Uw herzieningen") == 2
    assert (
        page.locator("section.card:has(h2:text-is('Uw positie bij eerlijk delen')) .badge-final").count() == 1
    )

    _open(page, site_dir / "funders" / "index.html")
    assert _section_rows(page, "Status per kwartaal") == 3
    assert _section_rows(page, "Besluiten van de regisseur") == 5
    assert _section_rows(page, "Herzieningen") == 6
    assert page.locator("script:not([src]):not([type])").count() == 1
    assert not page.problems and not page.dialogs


def test_pages_fit_a_phone_screen(chromium_browser, site_dir) -> None:
    context = chromium_browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    page = context.new_page()
    try:
        for path in (
            site_dir / "index.html",
            site_dir / "periods" / "2026Q1.html",
            site_dir / "partners" / "hhnk" / "index.html",
            site_dir / "funders" / "index.html",
        ):
            _open(page, path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{path.relative_to(site_dir)} is {width}px wide"
    finally:
        context.close()


def test_screenshot_of_the_regisseur_page(page, site_dir, tmp_path) -> None:
    _open(page, site_dir / "index.html")
    target = tmp_path / "regisseur.png"
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 50_000
    assert not page.problems
