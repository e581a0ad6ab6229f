"""Pages that grow with partners and periods, not with the vacancies sent; and the published tables
and partner downloads written from the warehouse (DuckDB, streamed) being the very bytes the Polars
writer wrote from whole frames."""

from __future__ import annotations

import dataclasses
import filecmp
import re
from pathlib import Path

import duckdb
import polars as pl
import pytest

import assets.publish
from assets.publish import (
    PUBLISHED_TABLES,
    lower_memory_limit,
    read_table,
    site_data,
    write_data,
)
from dashboards import pages
from dashboards.pages import SiteData, render_site
from domain.programme import load_programme

HOSTILE = "<script>alert(1)</script>"
TINY = Path(__file__).parents[1] / "fixtures" / "tiny"
VACANCY_ID = re.compile(r'<td class="nowrap">([A-Z]{3}-\d{4}[^<]*)</td>')


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def with_history(data: SiteData, factor: int) -> SiteData:
    """`data` with `factor` times the vacancies, the extra ones all filled before the latest period
    (copies of earlier hires under new ids): more history, the same latest quarter."""
    vacancies = data.vacancies
    earlier = vacancies.filter((pl.col("status") == "filled") & (pl.col("period") != data.periods[-1]))
    copies = -(-(factor - 1) * vacancies.height // earlier.height)
    extra = pl.concat(
        earlier.with_columns(pl.col("vacancy_id") + f"-h{n}") for n in range(copies)
    ).head((factor - 1) * vacancies.height)
    return dataclasses.replace(data, vacancies=pl.concat([vacancies, extra]))


def shown_vacancies(page: str) -> set[str]:
    section = page[page.index("Uw vacatures") :]
    return set(VACANCY_ID.findall(section[: section.index("</section>")]))


def test_partner_pages_do_not_grow_with_vacancy_history(sample_site_data, tmp_path) -> None:
    few = sample_site_data(periods=4)
    many = with_history(few, 10)
    assert many.vacancies.height == 10 * few.vacancies.height
    render_site(few, tmp_path / "few", partner_downloads=False)
    render_site(many, tmp_path / "many", partner_downloads=False)
    for partner in few.programme["partners"]:
        page = Path("partners") / partner["id"] / "index.html"
        # the same bytes: nothing on a partner's page depends on vacancies filled before the latest quarter
        assert read(tmp_path / "many" / page) == read(tmp_path / "few" / page), partner["id"]
    assert read(tmp_path / "many" / "index.html") == read(tmp_path / "few" / "index.html")


def test_partner_page_lists_open_vacancies_and_the_latest_hires(sample_site_data, tmp_path) -> None:
    data = sample_site_data(periods=3)
    render_site(data, tmp_path, partner_downloads=False)
    own = data.vacancies.filter(pl.col("partner") == "hhnk")
    latest = data.periods[-1]
    expected = own.filter(
        (pl.col("status") == "open") | ((pl.col("status") == "filled") & (pl.col("period") == latest))
    )
    page = read(tmp_path / "partners" / "hhnk" / "index.html")
    shown = shown_vacancies(page)
    assert shown == set(expected["vacancy_id"].to_list())
    # earlier hires are left to the download; open vacancies of earlier quarters stay
    assert own.filter(pl.col("period") != latest)["status"].to_list().count("filled") > 0
    earlier_hires = own.filter((pl.col("status") == "filled") & (pl.col("period") != latest))
    assert not shown & set(earlier_hires["vacancy_id"])
    assert own.filter((pl.col("status") == "open") & (pl.col("period") != latest)).height > 0
    assert (
        f"Hier staan uw openstaande vacatures en de vacatures die u in {latest} vervulde; al uw "
        'vacatures staan in uw download: <a href="data/vacancies.csv" download>CSV</a> · '
        '<a href="data/vacancies.parquet" download>Parquet</a>'
    ) in page


def test_partner_vacancy_list_is_capped_with_a_note(sample_site_data, tmp_path, monkeypatch) -> None:
    data = sample_site_data(periods=2, vacancies_per_period=30, language="en")
    monkeypatch.setattr(pages, "MAX_VACANCY_ROWS", 12)
    render_site(data, tmp_path, partner_downloads=False)
    own = data.vacancies.filter(pl.col("partner") == "hhnk")
    total = own.filter((pl.col("status") == "open") | (pl.col("period") == data.periods[-1])).height
    assert total > 12
    page = read(tmp_path / "partners" / "hhnk" / "index.html")
    section = page[page.index("Your vacancies") :]
    section = section[: section.index("</section>")]
    assert len(re.findall(r'<td class="nowrap">HHN-\d{4}</td>', section)) == 12
    assert f"12 of {total} rows shown; every row is in data/vacancies.csv." in section
    # newest quarter first
    periods = re.findall(r'<td class="nowrap">(\d{4}Q\d)</td>', section)
    assert periods == sorted(periods, reverse=True)


def test_an_empty_partner_page_says_why_and_links_the_download(sample_site_data, tmp_path) -> None:
    data = sample_site_data(periods=2, language="en")
    data = dataclasses.replace(data, vacancies=data.vacancies.filter(pl.col("partner") != "hhnk"))
    render_site(data, tmp_path, partner_downloads=False)
    page = read(tmp_path / "partners" / "hhnk" / "index.html")
    assert f"No open vacancies, and none filled in {data.periods[-1]}." in page
    assert '<a href="data/vacancies.csv" download>CSV</a>' in page


# ---------------------------------------------------------------- from the warehouse


def build_warehouse(data: SiteData, path: Path) -> duckdb.DuckDBPyConnection:
    """A DuckDB file holding `data`'s tables where the pipeline keeps them."""
    con = duckdb.connect(str(path))
    for schema in ("raw", "clean", "marts"):
        con.execute(f"CREATE SCHEMA {schema}")
    for name, (table, _) in PUBLISHED_TABLES.items():
        # a column the sample leaves empty is text in the warehouse
        frame = getattr(data, name).with_columns(pl.col(pl.Null).cast(pl.String))
        if name == "submissions":
            # a timestamp with and one without fractional seconds, as the pipeline records them
            frame = frame.with_columns(pl.col("received_at").str.to_datetime()).with_columns(
                pl.when(pl.int_range(pl.len()) == 0)
                .then(pl.col("received_at") + pl.duration(microseconds=123456))
                .otherwise(pl.col("received_at"))
                .alias("received_at")
            )
        con.register("frame", frame)
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM frame")
        con.unregister("frame")
    con.execute("CREATE TABLE clean.periods AS SELECT unnest($periods) AS period", {"periods": data.periods})
    return con


@pytest.fixture(scope="module")
def warehouse(sample_site_data, tmp_path_factory) -> tuple[duckdb.DuckDBPyConnection, SiteData]:
    """The sample site's tables in a warehouse."""
    data = sample_site_data(names={"dunea": HOSTILE}, sentinel="hhnk")
    con = build_warehouse(data, tmp_path_factory.mktemp("warehouse") / "warehouse.duckdb")
    yield con, data
    con.close()


def published_by_polars(con: duckdb.DuckDBPyConnection, sample: SiteData, target: Path) -> SiteData:
    """The reference: every table read whole into Polars, written by safe_csv and write_parquet,
    and the partners' downloads cut from those frames by render_site."""
    whole = dataclasses.replace(sample, **{name: read_table(con, name) for name in PUBLISHED_TABLES})
    render_site(whole, target)
    for name in PUBLISHED_TABLES:
        pages.safe_csv(whole.__dict__[name], target / "data" / f"{name}.csv")
        whole.__dict__[name].write_parquet(target / "data" / f"{name}.parquet")
    return whole


def assert_same_tables(reference: Path, streamed: Path, partners: list[str]) -> None:
    """The same files; CSV byte for byte, Parquet the same frames (data/ is written by DuckDB, the
    partners' Parquet files by Polars from frames that may come in more than one chunk)."""
    files = sorted(p.relative_to(reference) for p in reference.rglob("*") if p.suffix in (".csv", ".parquet"))
    assert files == sorted(p.relative_to(streamed) for p in streamed.rglob("*") if p.is_file())
    assert len(files) == 2 * (len(PUBLISHED_TABLES) + len(partners) * len(pages.PARTNER_DOWNLOADS))
    for file in files:
        if file.suffix == ".csv":
            assert filecmp.cmp(reference / file, streamed / file, shallow=False), file
        else:
            expected, written = pl.read_parquet(reference / file), pl.read_parquet(streamed / file)
            assert written.schema == expected.schema and written.equals(expected), file


def test_tables_and_downloads_are_the_bytes_the_polars_writer_wrote(warehouse, tmp_path) -> None:
    con, sample = warehouse
    reference = tmp_path / "polars"
    whole = published_by_polars(con, sample, reference)
    streamed = tmp_path / "duckdb"
    partners = [p["id"] for p in sample.programme["partners"]]
    write_data(con, whole, partners, streamed)

    assert_same_tables(reference, streamed, partners)
    # one batch: a partner's Parquet download is one chunk, the very bytes write_download wrote
    for partner in partners:
        for table in pages.PARTNER_DOWNLOADS:
            file = Path("partners") / partner / "data" / f"{table}.parquet"
            assert filecmp.cmp(reference / file, streamed / file, shallow=False), file
    # the cases the CSV rules are for: a formula neutralised, a timestamp to the microsecond
    assert "'=HYPERLINK" in read(streamed / "data" / "rejections.csv")
    assert "T09:00:00.123456," in read(streamed / "data" / "submissions.csv")
    # a file another partner sent is not named in a partner's restatements
    restated = pl.read_parquet(streamed / "partners" / "wetterskip" / "data" / "restatements.parquet")
    assert not any("hhnk" in (value or "") for value in restated["reason_file"].to_list())


def test_downloads_cut_across_batches_and_from_cells_holding_line_breaks(
    sample_site_data, tmp_path, monkeypatch
) -> None:
    """A partner's CSV is cut from the published CSV's lines: where a cell holds a line break the
    lines are not rows, and the partner's rows are written by Polars instead; a partner whose rows
    span two batches gets them all, in order."""
    sample = sample_site_data(periods=2, names={"dunea": HOSTILE}, sentinel="hhnk")
    second_line = pl.when(pl.int_range(pl.len()) % 7 == 3).then(pl.lit('\n"tweede" regel\r\n'))
    broken = pl.col("role") + second_line.otherwise(pl.lit(""))
    rejected = "=1+1\n" + pl.col("message")
    sample = dataclasses.replace(
        sample,
        vacancies=sample.vacancies.with_columns(broken.alias("role")),
        rejections=sample.rejections.with_columns(rejected.alias("message")),
    )
    con = build_warehouse(sample, tmp_path / "warehouse.duckdb")
    reference = tmp_path / "polars"
    whole = published_by_polars(con, sample, reference)
    # batches of 7 rows: every partner's vacancies span several, and most batches hold a broken cell
    monkeypatch.setattr(assets.publish, "BATCH_ROWS", 7)
    cut = []
    line_bounds = assets.publish._line_bounds
    monkeypatch.setattr(
        assets.publish, "_line_bounds", lambda *args: cut.append(line_bounds(*args)) or cut[-1]
    )
    streamed = tmp_path / "duckdb"
    partners = [p["id"] for p in sample.programme["partners"]]
    write_data(con, whole, partners, streamed)
    con.close()

    # both ways of cutting were taken
    assert any(bounds is None for bounds in cut) and any(bounds is not None for bounds in cut)
    assert_same_tables(reference, streamed, partners)
    own = pl.read_csv(streamed / "partners" / "hhnk" / "data" / "vacancies.csv")
    assert own.height == whole.vacancies.filter(pl.col("partner") == "hhnk").height > 7
    assert any("\n" in role for role in own["role"].to_list())
    assert own["vacancy_id"].to_list() == sorted(own["vacancy_id"].to_list())
    rejections = pl.read_csv(streamed / "partners" / "hhnk" / "data" / "rejections.csv")
    assert rejections.height > 0 and all(m.startswith("'=1+1\n") for m in rejections["message"].to_list())


def test_site_data_reads_only_the_vacancies_the_pages_show(warehouse) -> None:
    con, sample = warehouse
    data = site_data(con, load_programme(TINY), {}, "")
    latest = sample.periods[-1]
    expected = sample.vacancies.filter(
        (pl.col("status") == "open") | ((pl.col("status") == "filled") & (pl.col("period") == latest))
    )
    assert 0 < data.vacancies.height == expected.height < sample.vacancies.height
    assert set(data.vacancies["vacancy_id"]) == set(expected["vacancy_id"])
    assert "sha256" not in data.vacancies.columns
    counted = pages.hires_by_channel(sample.vacancies)
    counted = counted.with_columns(pl.col("hires").cast(pl.Int64))
    assert data.hires_by_channel.sort(counted.columns).equals(counted)
    assert data.hires_by_channel["hires"].sum() == sample.vacancies["status"].to_list().count("filled")


def test_publishing_lowers_duckdbs_memory_limit_and_never_raises_it() -> None:
    def limit(con: duckdb.DuckDBPyConnection) -> str:
        return con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]

    with duckdb.connect(config={"memory_limit": "1500MB"}) as con:
        lower_memory_limit(con, "640MB")
        assert limit(con) == "610.3 MiB"
    with duckdb.connect(config={"memory_limit": "100MB"}) as con:
        lower_memory_limit(con, "640MB")
        assert limit(con) == "95.3 MiB"


def test_funders_file_list_is_capped_latest_first_with_the_rest_in_the_download(
    sample_site_data, tmp_path, monkeypatch
) -> None:
    data = sample_site_data(periods=4)
    files = data.submissions.sort(["period", "path"], descending=[True, False])
    monkeypatch.setattr(pages, "MAX_MANIFEST_ROWS", 3)
    render_site(data, tmp_path, partner_downloads=False)
    text = read(tmp_path / "funders" / "index.html")
    shown, hidden = files.head(3), files.slice(3)
    assert hidden.height > 0
    assert all(sha in text for sha in shown["sha256"])
    assert not any(sha in text for sha in hidden["sha256"].unique() if sha not in shown["sha256"])
    assert f"3 van {files.height} regels getoond" in text and "../data/submissions.csv" in text
