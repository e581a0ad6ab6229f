"""`drijfjacht`: the user's way in (demo, run, check, ui). A thin layer over Dagster.

Heavy packages (Dagster, Great Expectations) are imported inside the commands that need them,
so that `--help` and `check` stay quick.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

# Polars' allocator keeps freed memory for ~10 s; returning it within a second lowers a run's peak
# resident memory by a few hundred MB on large files. Must be set before Polars is imported.
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:1000,muzzy_decay_ms:1000")

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from domain.periods import is_quarter
from domain.programme import ProgrammeError, load_programme

console = Console(highlight=False, soft_wrap=True)
errors = Console(stderr=True, highlight=False, soft_wrap=True)

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_UNUSABLE = 2
REPO_ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return args.command(args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="drijfjacht",
        description="Measure and publish what a collaboration between organisations is worth.",
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    demo = commands.add_parser("demo", help="write the sample programme, run it, publish it")
    demo.add_argument("--dir", type=Path, default=Path("demo-programme"),
                      help="where the sample programme is written (default: ./demo-programme)")
    demo.set_defaults(command=_demo)

    run = commands.add_parser("run", help="ingest, validate, compute and publish a programme")
    run.add_argument("programme", type=Path, help="the programme folder (with programme.yaml)")
    run.add_argument("--out", type=Path, help="output folder (default: PROGRAMME/out)")
    run.add_argument("--period", help="ingest only this period's inbox (e.g. 2026Q1); the "
                     "figures are still computed over every period in the warehouse")
    run.set_defaults(command=_run)

    check = commands.add_parser("check", help="check one partner file before sending it")
    check.add_argument("file", type=Path)
    check.add_argument("--programme", type=Path, required=True)
    check.add_argument("--period", help="the period the file is for (default: its folder name)")
    check.set_defaults(command=_check)

    approve = commands.add_parser("approve", help="approve a period: its figures become final")
    approve.add_argument("programme", type=Path)
    approve.add_argument("--period", required=True)
    approve.add_argument("--by", required=True, help="who approves (recorded)")
    approve.add_argument("--out", type=Path, help="output folder (default: PROGRAMME/out)")
    approve.add_argument("--accept-rejections", action="store_true",
                         help="approve although rows of the period were rejected (recorded)")
    approve.set_defaults(command=_approve)

    reopen = commands.add_parser("reopen", help="reopen an approved period, with a reason")
    reopen.add_argument("programme", type=Path)
    reopen.add_argument("--period", required=True)
    reopen.add_argument("--by", required=True, help="who reopens (recorded)")
    reopen.add_argument("--reason", required=True)
    reopen.add_argument("--out", type=Path, help="output folder (default: PROGRAMME/out)")
    reopen.set_defaults(command=_reopen)

    verify = commands.add_parser(
        "verify", help="recompute a programme and compare it, figure by figure, with a site"
    )
    verify.add_argument("programme", type=Path, help="the programme folder (or a copy of it)")
    verify.add_argument("--site", type=Path, required=True, help="the published site folder")
    verify.set_defaults(command=_verify)

    ui = commands.add_parser("ui", help="open the Dagster UI on a programme")
    ui.add_argument("programme", type=Path)
    ui.add_argument("--out", type=Path, help="output folder (default: PROGRAMME/out)")
    ui.add_argument("--port", type=int, default=3000)
    ui.set_defaults(command=_ui)
    return parser


def _load_or_explain(folder: Path):
    try:
        return load_programme(folder)
    except ProgrammeError as error:
        errors.print(f"[bold red]Cannot use programme[/] {error}")
        return None


def _inbox_periods(programme_dir: Path) -> tuple[list[str], list[str]]:
    inbox = programme_dir / "inbox"
    if not inbox.is_dir():
        return [], []
    folders = sorted(p.name for p in inbox.iterdir() if p.is_dir())
    return [f for f in folders if is_quarter(f)], [f for f in folders if not is_quarter(f)]


def _writable(out: Path) -> str | None:
    import tempfile

    try:
        out.mkdir(parents=True, exist_ok=True)
        # a probe of its own: two runs starting together must not remove each other's
        with tempfile.NamedTemporaryFile(dir=out, prefix=".drijfjacht-write-test-"):
            pass
    except OSError as error:
        return f"cannot write to {out}: {error.strerror or error}"
    return None


# Dagster's instance in an output folder: its default SQLite storage, with the event log storing an
# asset's partition events in one transaction (pipelines/event_log.py); Dagster hands them over in
# batches only when DAGSTER_EVENT_BATCH_SIZE is set
DAGSTER_YAML = """telemetry:
  enabled: false
event_log_storage:
  module: pipelines.event_log
  class: BatchedSqliteEventLogStorage
  config:
    home:
      env: DAGSTER_HOME
"""
# what output folders got before: replaced by DAGSTER_YAML (the run history stays where it is)
PLAIN_DAGSTER_YAML = "telemetry:\n  enabled: false\n"
EVENT_BATCH_SIZE = "1000"


def _dagster_home(out: Path) -> Path:
    """The output folder's Dagster home, with its dagster.yaml (one the user wrote is kept), and
    DAGSTER_EVENT_BATCH_SIZE set for this process and those it starts (the UI's), so that Dagster
    hands the event log its batches."""
    home = out / ".dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists() or config.read_text(encoding="utf-8") == PLAIN_DAGSTER_YAML:
        config.write_text(DAGSTER_YAML, encoding="utf-8")
    os.environ.setdefault("DAGSTER_EVENT_BATCH_SIZE", EVENT_BATCH_SIZE)
    return home


def run_programme(
    programme_dir: Path, out: Path, period: str | None = None, quiet: bool = False
) -> int:
    """Run the whole pipeline through Dagster and report; the `run` command's body."""
    programme_dir = programme_dir.resolve()
    programme = _load_or_explain(programme_dir)
    if programme is None:
        return EXIT_UNUSABLE
    periods, strays = _inbox_periods(programme_dir)
    for stray in strays:
        console.print(f"[yellow]inbox/{stray}/ is not a period folder (YYYYQn): skipped[/]")
    if period is not None:
        if not is_quarter(period):
            errors.print(f"[bold red]--period {period}[/] is not a quarter: write it as 2026Q1")
            return EXIT_UNUSABLE
        if period not in periods:
            errors.print(f"[bold red]No inbox folder for {period}[/] in {programme_dir / 'inbox'}")
            return EXIT_UNUSABLE
        periods = [period]
    if not periods:
        errors.print(f"[bold red]Nothing to run:[/] {programme_dir / 'inbox'} has no period folder")
        return EXIT_UNUSABLE
    problem = _writable(out)
    if problem:
        errors.print(f"[bold red]{problem}[/]")
        return EXIT_UNUSABLE

    from assets.checks import suite_process
    from pipelines.output_lock import OutputBusy, output_lock

    try:
        with output_lock(out.resolve()):
            # Great Expectations loads in its own process (see suite_process) once the run has
            # work and the output folder, and before Dagster loads here: a new quarter's few files
            # are read before it has loaded, and then wait for it
            suite_process.start_shared()
            try:
                return _run_in_output(programme, programme_dir, out, periods, quiet)
            finally:
                suite_process.stop_shared()
    except OutputBusy as busy:
        errors.print(f"[bold red]Not started:[/] {busy}")
        return EXIT_UNUSABLE


def _run_in_output(
    programme, programme_dir: Path, out: Path, periods: list[str], quiet: bool
) -> int:
    """Dagster's home in the (locked) output folder, then the run."""
    os.environ["DAGSTER_HOME"] = str(_dagster_home(out.resolve()))
    from pipelines.resources import OutputFolder

    output = OutputFolder(path=str(out.resolve()))
    try:
        return _materialize(programme, programme_dir, output, periods, quiet)
    except Exception as error:  # noqa: BLE001 - storage failures must end in a clear message
        errors.print(
            f"[bold red]The run could not finish:[/] {escape(_describe(error))}. "
            f"{_space_hint(out)}The previous site in {out / 'site'} is untouched."
        )
        return EXIT_PROBLEMS


def _describe(error: BaseException) -> str:
    """The first line of the deepest cause: what the machine said, not the library's wrapping."""
    while error.__cause__ is not None or error.__context__ is not None:
        error = error.__cause__ or error.__context__
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {first_line}"


def _space_hint(out: Path) -> str:
    import shutil

    try:
        free = shutil.disk_usage(out).free
    except OSError:
        return ""
    if free < 64 * 1024 * 1024:
        return f"Only {free / 1024 / 1024:.1f} MB is free in {out}: the disk may be full. "
    return ""


def _materialize(programme, programme_dir: Path, output, periods: list[str], quiet: bool) -> int:
    from assets.checks.suite_process import collector_paused

    with collector_paused():
        import dagster as dg

        from pipelines.automation import materialize_periods

    out = output.folder
    say = (lambda *args: None) if quiet else console.print
    say(
        f"[bold]drijfjacht[/] {programme.programme.name}: {len(periods)} period(s) "
        f"{periods[0]}..{periods[-1]} → {out}"
    )
    with dg.DagsterInstance.get() as instance:
        result = materialize_periods(instance, programme_dir, output, periods)
    if not result.success:
        failure = next(
            (e for e in result.all_events if e.event_type_value == "STEP_FAILURE"), None
        )
        errors.print(
            f"[bold red]The run failed[/] (run {result.run_id}): {escape(_root_cause(failure))}. "
            f"{_space_hint(out)}The previous site in {out / 'site'} is untouched."
        )
        return EXIT_PROBLEMS
    if not quiet:
        _report(out)
    return EXIT_OK


def _root_cause(failure) -> str:
    """The innermost error of a failed step: what went wrong, not where Dagster noticed it."""
    if failure is None:
        return "see the Dagster logs"
    error = failure.event_specific_data.error
    while error.cause is not None:
        error = error.cause
    step = failure.step_key or "a step"
    return f"in {step}: {error.cls_name}: {error.message.strip()}"


def _report(out: Path) -> None:
    import duckdb

    with duckdb.connect(str(out / "warehouse.duckdb"), read_only=True) as con:
        files = con.execute(
            "SELECT count(*), sum(rows), sum(accepted) FROM raw.submissions "
            "WHERE superseded_by IS NULL"
        ).fetchall()[0]
        rejections = con.execute(
            "SELECT path, row_number, \"column\", value, rule, message FROM main.rejections "
            "ORDER BY path, row_number NULLS FIRST, \"column\""
        ).fetchall()
        held_back = con.execute(
            "SELECT path, period FROM raw.submissions WHERE superseded_by = 'held_back' "
            "ORDER BY period, path"
        ).fetchall()
    console.print(
        f"Read {files[0]} file(s): {files[1] or 0} row(s), {files[2] or 0} accepted, "
        f"{len(rejections)} problem(s)."
    )
    for path, period in held_back:
        console.print(
            f"[yellow]Held back:[/] {escape(path)} — {period} is approved; "
            f"`drijfjacht reopen --period {period}` applies it"
        )
    if rejections:
        console.print("[bold]Rejected[/] (file, row, column = value: rule — message):")
        for path, row, column, value, rule, message in rejections[:50]:
            place = f"{path}" + ("" if row is None else f" row {row}")
            cell = "" if column is None else f", {column} = {'(empty)' if value is None else repr(value)}"
            console.print(f"  {escape(place + cell)}: [red]{escape(rule)}[/] — {escape(message)}")
        if len(rejections) > 50:
            console.print(f"  ... and {len(rejections) - 50} more: see the rejections table.")
    console.print(f"[bold green]Published:[/] {out / 'site' / 'index.html'}")


def _run(args: argparse.Namespace) -> int:
    out = args.out or args.programme / "out"
    return run_programme(args.programme, out, args.period)


def _demo(args: argparse.Namespace) -> int:
    from domain.sample_programme import write_demo_programme

    folder: Path = args.dir
    if (folder / "programme.yaml").exists():
        console.print(f"Using the sample programme already in {folder}")
    else:
        write_demo_programme(folder)
        console.print(f"Wrote the sample programme to {folder}")
    return run_programme(folder, folder / "out")


def _check(args: argparse.Namespace) -> int:
    programme = _load_or_explain(args.programme)
    if programme is None:
        return EXIT_UNUSABLE
    if not args.file.is_file():
        errors.print(f"[bold red]No such file:[/] {args.file}")
        return EXIT_UNUSABLE
    from assets.checks.validation import check_file

    problems = check_file(args.file, programme, args.period)
    if not problems:
        console.print(f"[bold green]{args.file.name}: no problems found.[/]")
        return EXIT_OK
    table = Table(title=f"{args.file.name}: {len(problems)} problem(s)")
    for column in ("row", "column", "value", "rule", "message"):
        table.add_column(column, overflow="fold")
    for problem in problems:
        table.add_row(
            *(
                escape(cell)
                for cell in (
                    "file" if problem.row_number is None else str(problem.row_number),
                    problem.source_column or problem.column or "",
                    "" if problem.value is None else str(problem.value),
                    problem.rule,
                    problem.message,
                )
            )
        )
    console.print(table)
    return EXIT_PROBLEMS


def _decide(args: argparse.Namespace, decide) -> int:
    from pipelines.approvals import DecisionRefused

    programme_dir = args.programme.resolve()
    if _load_or_explain(programme_dir) is None:
        return EXIT_UNUSABLE
    out = (args.out or args.programme / "out").resolve()
    try:
        decision = decide(programme_dir, out)
    except DecisionRefused as refused:
        errors.print(f"[bold red]Not recorded:[/] {escape(str(refused))}")
        return EXIT_PROBLEMS
    console.print(
        f"Recorded in approvals.yaml: {decision.action} {decision.period} by "
        f"{escape(decision.by)} at {decision.at}. Publishing again ..."
    )
    return run_programme(programme_dir, out)


def _approve(args: argparse.Namespace) -> int:
    from pipelines.approvals import approve_period

    return _decide(
        args,
        lambda programme_dir, out: approve_period(
            programme_dir, out, args.period, args.by, args.accept_rejections
        ),
    )


def _reopen(args: argparse.Namespace) -> int:
    from pipelines.approvals import reopen_period

    return _decide(
        args, lambda programme_dir, out: reopen_period(programme_dir, args.period, args.by, args.reason)
    )


def _verify(args: argparse.Namespace) -> int:
    from pipelines.verify import verify_site

    console.print(f"Recomputing {args.programme} and comparing it with {args.site} ...")
    findings = verify_site(args.programme.resolve(), args.site.resolve())
    if not findings:
        console.print("[bold green]Verified:[/] every figure and every hash matches.")
        return EXIT_OK
    table = Table(title=f"{len(findings)} difference(s)")
    for column in ("kind", "where", "what"):
        table.add_column(column, overflow="fold")
    for finding in findings[:200]:
        table.add_row(escape(finding.kind), escape(finding.where), escape(finding.detail))
    console.print(table)
    if len(findings) > 200:
        console.print(f"... and {len(findings) - 200} more.")
    return EXIT_PROBLEMS


def _ui(args: argparse.Namespace) -> int:
    programme_dir = args.programme.resolve()
    if _load_or_explain(programme_dir) is None:
        return EXIT_UNUSABLE
    out = (args.out or args.programme / "out").resolve()
    problem = _writable(out)
    if problem:
        errors.print(f"[bold red]{problem}[/]")
        return EXIT_UNUSABLE
    home = _dagster_home(out)
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "DRIJFJACHT_PROGRAMME": str(programme_dir),
        "DRIJFJACHT_OUT": str(out),
    }
    os.environ.update(env)
    import dagster as dg

    from pipelines.automation import register_periods

    with dg.DagsterInstance.get() as instance:
        register_periods(instance, _inbox_periods(programme_dir)[0])
    console.print(f"Dagster UI on http://127.0.0.1:{args.port} (Ctrl-C to stop)")
    dagster = Path(sys.executable).with_name("dagster")
    command = [str(dagster), "dev", "-m", "pipelines.definitions", "-h", "127.0.0.1",
               "-p", str(args.port)]
    os.execve(command[0], command, env)
    return EXIT_OK  # pragma: no cover - execve does not return


if __name__ == "__main__":
    sys.exit(main())
