"""Fixtures shared by every test layer: small programme folders copied into tmp_path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def tiny_programme(tmp_path: Path) -> Path:
    """The hand-checked 3-partner, 2-quarter programme of tests/fixtures/tiny, in tmp_path."""
    target = tmp_path / "tiny"
    shutil.copytree(FIXTURES / "tiny", target)
    return target
