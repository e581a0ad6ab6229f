"""The command line as a user calls it: subprocesses of the installed `drijfjacht`."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

DRIJFJACHT = str(Path(sys.executable).with_name("drijfjacht"))


def drijfjacht(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run(
        [DRIJFJACHT, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300
    )


def tree(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def test_run_publishes_and_reports_rejections(tiny_programme: Path, tmp_path: Path) -> None:
    out = tmp_path / "site-out"
    result = drijfjacht("run", str(tiny_programme), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "tiktok" in result.stdout and "channel" in result.stdout
    assert "3 problem(s)" in result.stdout
    assert str(out / "site" / "index.html") in result.stdout.replace("\n", "")
    assert (out / "site" / "index.html").is_file()
    assert (out / "warehouse.duckdb").is_file()


def test_run_on_missing_folder_stops_before_writing(tmp_path: Path) -> None:
    result = drijfjacht("run", str(tmp_path / "nope"), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "does not exist" in result.stderr
    assert not (tmp_path / "out").exists()


def test_run_on_wrong_programme_yaml_names_the_key(tiny_programme: Path, tmp_path: Path) -> None:
    yaml_path = tiny_programme / "programme.yaml"
    yaml_path.write_text(yaml_path.read_text().replace("{partner: beta, from", "{partner: zeta, from"))
    out = tmp_path / "out"
    result = drijfjacht("run", str(tiny_programme), "--out", str(out))
    assert result.returncode == 2
    assert "commitments[1].partner: unknown partner 'zeta'" in result.stderr
    assert not out.exists()


def test_check_lists_every_problem_and_writes_nothing(tiny_programme: Path) -> None:
    dirty = tiny_programme / "inbox" / "2025Q1" / "vacancies_beta.csv"
    dirty.write_text(dirty.read_text() + "B5,Clerk,2025-02-31,,joint_campaign,n.v.t.,2\n")
    before = tree(tiny_programme)
    result = drijfjacht("check", str(dirty), "--programme", str(tiny_programme))
    assert result.returncode == 1
    for expected in ("-50", "2025-02-31", "n.v.t."):
        assert expected in result.stdout, expected
    assert tree(tiny_programme) == before


def test_check_of_a_good_file_says_so(tiny_programme: Path) -> None:
    good = tiny_programme / "inbox" / "2025Q1" / "vacancies_gamma.csv"
    result = drijfjacht("check", str(good), "--programme", str(tiny_programme))
    assert result.returncode == 0, result.stdout
    assert "no problems" in result.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_ui_serves_the_programme_assets(tiny_programme: Path, tmp_path: Path) -> None:
    port = _free_port()
    out = tmp_path / "out"
    process = subprocess.Popen(
        [DRIJFJACHT, "ui", str(tiny_programme), "--out", str(out), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{base}/server_info", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("the Dagster UI did not come up")
                time.sleep(1)
        query = json.dumps({"query": "{ assetNodes { assetKey { path } } }"}).encode()
        request = urllib.request.Request(
            f"{base}/graphql", data=query, headers={"Content-Type": "application/json"}
        )
        nodes = json.loads(urllib.request.urlopen(request, timeout=30).read())["data"]["assetNodes"]
        keys = {"/".join(node["assetKey"]["path"]) for node in nodes}
        assert {"raw/vacancy_rows", "clean/vacancies", "marts/partner_period", "site/site"} <= keys
        assert (out / ".dagster_home" / "dagster.yaml").read_text().count("enabled: false") == 1
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
