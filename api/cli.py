"""The ``netzwerkatlas`` command: init, demo, serve, stats.

Every error ends in one line on stderr and a non-zero exit code, never a stack trace.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from api.bootstrap import ADMIN_PASSWORD_FILE, ensure_admin, first_start, load_demo
from api.settings import Settings, open_store
from graph_schema.errors import NetzwerkatlasError, StoreBusy
from graph_schema.store import GraphStore

app = typer.Typer(
    name="netzwerkatlas",
    help="Netzwerkatlas: stakeholder network and cooperation manager.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console()
err = Console(stderr=True)


def _fail(message: str, code: int = 1) -> None:
    err.print(f"[bold red]Error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@contextmanager
def _store(settings: Settings, *, read_only: bool = False) -> Iterator[GraphStore]:
    store = open_store(settings, read_only=read_only)
    try:
        yield store
    finally:
        store.close()


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as e:
        problems = "; ".join(
            f"NETZWERKATLAS_{'_'.join(str(x) for x in problem['loc']).upper()}: {problem['msg']}"
            for problem in e.errors()
        )
        _fail(f"Invalid setting: {problems}.")
        raise


def _progress_bar(
    description: str,
) -> tuple[Progress, Callable[[int], None], Callable[[int], None]]:
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )
    task = progress.add_task(description, total=None)

    def set_total(total: int) -> None:
        progress.update(task, total=total)

    def advance(n: int) -> None:
        progress.advance(task, n)

    return progress, set_total, advance


@app.command()
def init() -> None:
    """Create the database schema (idempotent)."""
    settings = _settings()
    with _store(settings) as store:
        applied = store.init()
        version = store.schema_version()
    if applied:
        console.print(f"Initialised the {settings.store} store: migrations {applied} applied.")
    else:
        console.print(f"The {settings.store} store is up to date (schema version {version}).")


@app.command()
def demo(
    size: Annotated[int, typer.Option(min=60, help="Number of organisations (60 or more).")] = 150,
    seed: Annotated[int, typer.Option(help="Seed of the generator.")] = 20240901,
    replace: Annotated[
        bool, typer.Option("--replace", help="Delete all data first, then load the demo.")
    ] = False,
) -> None:
    """Load the fictional demo region "Beispielregion"."""
    settings = _settings()
    with _store(settings) as store:
        store.init()
        progress, set_total, advance = _progress_bar(f"Demo region ({size:,} organisations)")
        started = time.perf_counter()
        with progress:
            written = load_demo(
                store, size=size, seed=seed, replace=replace, progress=advance, on_total=set_total
            )
        seconds = time.perf_counter() - started
    console.print(
        f"Loaded {written.get('Organisation', 0):,} organisations and "
        f"{sum(written.values()):,} nodes and ties in {seconds:.1f} s."
    )


@app.command()
def stats() -> None:
    """Show how many nodes and ties the store holds (works while the server runs)."""
    settings = _settings()
    with _store(settings, read_only=True) as store:
        version = store.schema_version()
        counts = store.counts()
    table = Table(title=f"Netzwerkatlas store: {settings.store}, schema version {version}")
    table.add_column("label / type")
    table.add_column("count", justify="right")
    for name, count in counts.items():
        table.add_row(name, f"{count:,}")
    console.print(table)


@app.command()
def analyse(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date (YYYY-MM-DD); default today.")
    ] = None,
    output: Annotated[
        str, typer.Option("--format", help="table (for people) or json (for programs).")
    ] = "table",
    area: Annotated[str | None, typer.Option(help="Only organisations in this area.")] = None,
    kind: Annotated[str | None, typer.Option(help="Only organisations of this kind.")] = None,
) -> None:
    """Analyse the cooperation network: key figures, gaps, brokers and periphery."""
    import datetime as dt
    import json

    from api.analysis import AnalysisService

    if output not in ("table", "json"):
        _fail("--format must be table or json.")
    try:
        day = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
    except ValueError:
        _fail(f"--as-of {as_of!r} is not a date: write it as YYYY-MM-DD, e.g. 2025-12-31.")
        raise
    settings = _settings()
    with _store(settings, read_only=True) as store:
        service = AnalysisService(store)
        f = (day, area, None, kind)
        summary = service.summary(f)
        found = service.gaps(f, limit=10)
        brokers = sorted(service.metrics(f), key=lambda m: -(m["betweenness"] or 0))[:10]
    if output == "json":
        doc = {"summary": summary, "gaps": found, "brokers": brokers}
        console.print_json(json.dumps(doc, default=str, ensure_ascii=False))
        return
    _print_analysis(day, summary, found, brokers)


def _print_analysis(
    day: Any, summary: dict[str, Any], found: dict[str, Any], brokers: list[dict[str, Any]]
) -> None:
    def fmt(value: Any) -> str:
        if value is None:
            return "–"
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, float):
            return f"{value:.3f}"
        return f"{value:,}" if isinstance(value, int) else str(value)

    figures = Table(title=f"Cooperation network as of {day}", show_header=False)
    figures.add_column("figure")
    figures.add_column("value", justify="right")
    for key, value in summary.items():
        if isinstance(value, dict | list) or key == "as_of":
            continue
        figures.add_row(key.replace("_", " "), fmt(value))
    console.print(figures)

    broker_table = Table(title="Brokers (highest betweenness)")
    for column in ("organisation", "kind", "betweenness", "degree", "articulation point"):
        broker_table.add_column(column)
    for m in brokers:
        broker_table.add_row(
            m["name"],
            m["kind"] or "",
            fmt(m["betweenness"]),
            fmt(m["degree"]),
            "yes" if m["articulation_point"] else "",
        )
    console.print(broker_table)

    gaps_table = Table(title="Largest offer gaps (field × area without an offer)")
    for column in ("field", "area", "population"):
        gaps_table.add_column(column)
    for gap in found["offer_gaps"][:10]:
        gaps_table.add_row(
            str(gap.get("field_name_en") or gap.get("field")),
            str(gap.get("area_name") or gap.get("area")),
            fmt(gap.get("population")),
        )
    console.print(gaps_table)

    uncoordinated = [d for d in found["duplicate_offers"] if not d.get("coordinated")]
    console.print(
        f"Duplicate offers: {len(found['duplicate_offers'])} cells, "
        f"{len(uncoordinated)} of them uncoordinated."
    )
    missing = Table(title="Suggested cooperations (missing ties)")
    missing.add_column("organisations")
    missing.add_column("why")
    for pair in found["missing_cooperations"][:10]:
        names = " – ".join(str(pair.get(k)) for k in ("a_name", "b_name"))
        reason = pair.get("reason")
        missing.add_row(names, reason.get("en", "") if isinstance(reason, dict) else str(reason))
    console.print(missing)
    console.print(f"Peripheral organisations: {len(found['peripheral_actors'])}.")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Overrides NETZWERKATLAS_HOST.")] = None,
    port: Annotated[int | None, typer.Option(help="Overrides NETZWERKATLAS_PORT.")] = None,
) -> None:
    """Start the web app; the first start loads the demo region."""
    import uvicorn

    from api.app import create_app

    settings = _settings()
    if host:
        settings.host = host
    if port:
        settings.port = port
    logging.basicConfig(level=settings.log_level.upper(), format="%(levelname)s: %(message)s")
    with _store(settings) as store:
        store.init()
        started = time.perf_counter()
        if first_start(
            store, size=settings.demo_size, seed=settings.demo_seed, enabled=settings.load_demo
        ):
            console.print(
                f"First start: loaded the demo region in {time.perf_counter() - started:.1f} s."
            )
        password = ensure_admin(store, settings.data_dir)
        if password:
            console.print(
                f"First start: created the account [bold]admin[/] with the password "
                f"[bold]{password}[/] (also in {settings.data_dir / ADMIN_PASSWORD_FILE} "
                "until you change it).",
                soft_wrap=True,
            )
        counts = store.counts()
        console.print(
            f"Netzwerkatlas on the {settings.store} store with {counts['Organisation']:,} "
            f"organisations: http://{settings.host}:{settings.port}/",
            soft_wrap=True,
        )
        uvicorn.run(
            create_app(settings, store=store),
            host=settings.host,
            port=settings.port,
            log_level=settings.log_level,
        )


def main(argv: list[str] | None = None) -> Any:
    """Entry point: runs the app and turns every error into one line and an exit code."""
    try:
        code = app(args=argv, standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except typer.Exit as e:
        sys.exit(e.exit_code)
    except NetzwerkatlasError as e:
        code = 3 if isinstance(e, StoreBusy) else 1
        err.print(f"[bold red]Error:[/] {e.message}", highlight=False, soft_wrap=True)
        sys.exit(code)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as e:  # noqa: BLE001 - one line, never a stack trace
        if hasattr(e, "format_message") and hasattr(e, "exit_code"):  # a usage error
            err.print(f"[bold red]Error:[/] {e.format_message()}", highlight=False, soft_wrap=True)
            sys.exit(e.exit_code)
        if type(e).__name__ == "Abort":
            sys.exit(1)
        err.print(
            f"[bold red]Error:[/] unexpected {type(e).__name__}: {e}",
            highlight=False,
            soft_wrap=True,
        )
        sys.exit(2)
    sys.exit(0)


if __name__ == "__main__":
    main()
