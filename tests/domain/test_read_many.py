"""Reading many files at once (read_partner_files) gives exactly what reading each alone gives.

The batch path joins small text files that share separator and header into one Polars read and
finds each row's file again by marker lines; these tests hold it to the one-file path on every
hostile-input case of tests/robustness/cases.py and on the fixtures, all read in one call.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from domain import readers
from domain.readers import FILE_INDEX, parse_file_name, read_partner_file, read_partner_files
from tests.robustness.cases import CASES

FIXTURES = Path(__file__).parents[1] / "fixtures" / "files"
VACANCY_HEADER = "vacancy_id;role;opened_on;filled_on;channel;cost;hours"


def _corpus(folder: Path) -> dict[str, list[Path]]:
    """Every small text case and fixture, written under a unique name, by kind."""
    by_kind: dict[str, list[Path]] = {}
    for number, case in enumerate(CASES):
        named = parse_file_name(case.file_name)
        if case.slow or not isinstance(case.content, bytes) or not isinstance(named, tuple):
            continue
        kind, _ = named
        suffix = Path(case.file_name).suffix
        path = folder / f"{kind}_case{number}{suffix}"
        if kind == "ledger":
            (folder / f"l{number}").mkdir()
            path = folder / f"l{number}" / f"ledger{suffix}"
        path.write_bytes(case.content)
        by_kind.setdefault(kind, []).append(path)
    for fixture in sorted(FIXTURES.iterdir()):
        kind, _ = parse_file_name(fixture.name)
        for copy in range(3):
            path = folder / f"{fixture.stem}{copy}{fixture.suffix}"
            shutil.copyfile(fixture, path)
            by_kind[kind].append(path)
    return by_kind


def test_many_files_read_together_equal_each_read_alone(tmp_path, monkeypatch):
    joined: list[int] = []
    parse_texts = readers._parse_texts

    def counting(sources):
        table = parse_texts(sources)
        if table is not None:
            joined.append(len(sources))
        return table

    monkeypatch.setattr(readers, "_parse_texts", counting)
    corpus = _corpus(tmp_path)
    assert len(corpus["vacancies"]) > 30  # the corpus is mostly vacancy files sharing a header
    for kind, paths in corpus.items():
        batch = read_partner_files(paths, kind, max_rows=1000)
        assert len(batch.files) == len(paths)
        for file_index, path in enumerate(paths):
            alone = read_partner_file(path, kind, max_rows=1000)
            together = batch.files[file_index]
            assert together.problems == alone.problems, path.name
            assert together.rows == alone.rows, path.name
            assert together.source_columns == alone.source_columns, path.name
            rows = batch.rows.filter(pl.col(FILE_INDEX) == file_index).drop(FILE_INDEX)
            assert rows.equals(alone.frame), path.name
    assert max(joined) >= 10  # most cases were read together, not one by one


def test_bytes_handed_over_read_as_the_files_on_disk(tmp_path):
    """Ingestion passes the bytes it hashed and archived; the reader then never opens the file."""
    corpus = _corpus(tmp_path)
    for kind, paths in corpus.items():
        contents = [path.read_bytes() for path in paths]
        from_disk = read_partner_files(paths, kind, max_rows=1000)
        for path in paths:
            if path.suffix in readers.TEXT_SUFFIXES:
                path.unlink()  # a read of the disk would now fail; workbooks are read from disk
        handed = read_partner_files(paths, kind, max_rows=1000, contents=contents)
        assert [f.problems for f in handed.files] == [f.problems for f in from_disk.files]
        assert [f.rows for f in handed.files] == [f.rows for f in from_disk.files]
        assert handed.rows.equals(from_disk.rows)


def _vacancy_file(path: Path, rows: int, first: int = 1) -> Path:
    lines = [VACANCY_HEADER] + [
        f"V{n};role {n};01-02-2025;;talent_pool;1.234,{n % 100:02d};{n % 40}"
        for n in range(first, first + rows)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_broken_file_among_many_is_named_and_the_others_are_read(tmp_path):
    paths = [_vacancy_file(tmp_path / f"vacancies_p{i}.csv", 5, first=10 * i) for i in range(6)]
    # an unclosed quote swallows the marker of the next file: the batch falls back to one by one
    paths[2].write_text(f'{VACANCY_HEADER}\nA1;"open quote;01-02-2025;;talent_pool;1;1\n', encoding="utf-8")
    batch = read_partner_files(paths, "vacancies")
    assert [p.rule for p in batch.files[2].problems] == ["unclosed_quote"]
    for file_index in (0, 1, 3, 4, 5):
        assert batch.files[file_index].problems == []
        assert batch.files[file_index].rows == 5
        rows = batch.rows.filter(pl.col(FILE_INDEX) == file_index)
        assert rows["row_number"].to_list() == [2, 3, 4, 5, 6]
        assert rows["vacancy_id"].to_list() == [f"V{10 * file_index + n}" for n in range(5)]


def test_row_limits_apply_per_file_in_a_batch(tmp_path):
    paths = [_vacancy_file(tmp_path / "vacancies_a.csv", 3), _vacancy_file(tmp_path / "vacancies_b.csv", 4)]
    batch = read_partner_files(paths, "vacancies", max_rows=3)
    assert batch.files[0].problems == [] and batch.files[0].rows == 3
    assert [p.rule for p in batch.files[1].problems] == ["too_many_rows"]
    assert batch.rows[FILE_INDEX].unique().to_list() == [0]


@pytest.mark.parametrize("ending", [b"\n", b"", b"\n\n\n"])
def test_file_endings_do_not_leak_into_the_next_file(tmp_path, ending):
    first = tmp_path / "vacancies_a.csv"
    first.write_bytes(f"{VACANCY_HEADER}\nA1;r;01-02-2025;;talent_pool;1;2".encode() + ending)
    second = _vacancy_file(tmp_path / "vacancies_b.csv", 2)
    batch = read_partner_files([first, second], "vacancies")
    assert [f.rows for f in batch.files] == [1, 2]
    assert batch.rows.filter(pl.col(FILE_INDEX) == 1)["row_number"].to_list() == [2, 3]
