"""The ``netzwerkatlas`` command: init, demo, serve, stats, import, duplicates, merge,
export, backup, restore, report.

Every error ends in one line on stderr and a non-zero exit code, never a stack trace.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text as RichText

from api.bootstrap import (
    ADMIN_PASSWORD_FILE,
    ensure_admin,
    ensure_vocabulary,
    first_start,
    load_demo,
    secure_data_dir,
)
from api.settings import Settings, open_store
from graph_schema import clock
from graph_schema.errors import NetzwerkatlasError, StoreBusy
from graph_schema.files import private_umask
from graph_schema.store import DATABASE_FILE, GraphStore, open_ladybug
from graph_schema.vocab import label_for

app = typer.Typer(
    name="netzwerkatlas",
    help="Netzwerkatlas: stakeholder network and cooperation manager.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console()
err = Console(stderr=True)


def _error(message: str) -> None:
    """One line on stderr: ``Error:`` and the message (as it is: no markup)."""
    line = " ".join(message.split()) or "the command failed without saying why."
    err.print(RichText.assemble(("Error:", "bold red"), " ", line), highlight=False, soft_wrap=True)


def _fail(message: str, code: int = 1) -> None:
    _error(message)
    raise typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        try:
            version = metadata.version("netzwerkatlas")
        except metadata.PackageNotFoundError:  # run from a checkout that is not installed
            version = "unknown (not installed)"
        console.print(f"netzwerkatlas {version}", highlight=False)
        raise typer.Exit(0)


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Netzwerkatlas: stakeholder network and cooperation manager."""


def _date(text: str) -> dt.date:
    """A date option's value: ``31.12.2024`` or ``2024-12-31`` (as a spreadsheet's date
    cells are read); anything else, a year alone or ``10/12/2018`` is refused."""
    from api.transfer.values import CellError, parse_date

    try:
        day, warning = parse_date(text)
    except CellError as e:
        raise typer.BadParameter(f"{e}.") from None
    if day is None or warning is not None:
        raise typer.BadParameter(
            f"{text!r} is not a whole date: write it as 31.12.2024 or 2024-12-31."
        )
    return day


def _folder_of(file: Path) -> None:
    """Refuse a file to write into a folder that does not exist."""
    folder = file.parent
    if not folder.is_dir():
        _fail(f"the folder {folder} does not exist: create it or choose another path.")


@contextmanager
def _store(settings: Settings, *, read_only: bool = False) -> Iterator[GraphStore]:
    """The store, with everything written meanwhile (database files, backups, uploads of
    the server this CLI runs) readable by the owner only."""
    with private_umask():
        if not read_only:
            secure_data_dir(settings.data_dir)
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


class _Bar:
    """A progress bar: ``N/TOTAL`` of the current stage once its total is known."""

    STAGES: Mapping[str, str] = {"check": "Checking rows", "write": "Writing"}

    def __init__(self, description: str) -> None:
        self.description = escape(description)  # a file name is no markup
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self.task: TaskID = self.progress.add_task(self.description, total=None)

    def set_total(self, total: int) -> None:
        self.progress.update(self.task, total=total)

    def advance(self, n: int) -> None:
        self.progress.advance(self.task, n)

    def stage(self, kind: str, total: int) -> None:
        """A new stage of ``total`` steps: the bar starts again from 0."""
        what = self.STAGES.get(kind, kind)
        self.progress.update(
            self.task, description=f"{self.description}: {what}", total=total, completed=0
        )


@app.command()
def init() -> None:
    """Create the database schema (idempotent); a new store gets the shipped fields of
    action and target groups."""
    settings = _settings()
    with _store(settings) as store:
        applied = store.init()
        version = store.schema_version()
        created = ensure_vocabulary(store)
    if applied:
        console.print(f"Initialised the {settings.store} store: migrations {applied} applied.")
    else:
        console.print(f"The {settings.store} store is up to date (schema version {version}).")
    if created:
        console.print(f"Added the shipped fields of action and target groups ({created}).")


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
        bar = _Bar(f"Demo region ({size:,} organisations)")
        started = time.perf_counter()
        with bar.progress:
            written = load_demo(
                store,
                size=size,
                seed=seed,
                replace=replace,
                progress=bar.advance,
                on_total=bar.set_total,
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
        dt.date | None,
        typer.Option(
            "--as-of",
            parser=_date,
            metavar="<date>",
            help="31.12.2024 or 2024-12-31; default today.",
        ),
    ] = None,
    output: Annotated[
        str, typer.Option("--format", help="table (for people) or json (for programs).")
    ] = "table",
    area: Annotated[str | None, typer.Option(help="Only organisations in this area.")] = None,
    kind: Annotated[str | None, typer.Option(help="Only organisations of this kind.")] = None,
) -> None:
    """Analyse the cooperation network: key figures, gaps, brokers and periphery."""
    from api.services.analysis import AnalysisService

    if output not in ("table", "json"):
        _fail("--format must be table or json.")
    day = as_of or clock.today()
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
    day: Any,
    summary: Mapping[str, Any],
    found: Mapping[str, Any],
    brokers: Sequence[Mapping[str, Any]],
) -> None:
    def fmt(value: Any) -> str:
        if value is None:
            return "–"
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, float):
            return f"{value:.3f}"
        return f"{value:,}" if isinstance(value, int) else str(value)

    for note in found.get("notes", []):
        console.print(f"Not computable yet: {note['en']}")
    council = found.get("council_representation") or {}
    if council.get("message"):
        console.print(f"Project council: {council['message']['en']}")
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
            label_for(m["kind"], "en") if m["kind"] else "",
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
    settings = _settings()
    if host:
        settings.host = host
    if port:
        settings.port = port
    logging.basicConfig(level=settings.log_level.upper(), format="%(levelname)s: %(message)s")
    try:
        _serve(settings)
    except KeyboardInterrupt:
        pass  # Ctrl+C before uvicorn took the signals over, e.g. while the demo loads
    console.print("Netzwerkatlas stopped.")


def _serve(settings: Settings) -> None:
    """Open the store, prepare the first start, serve until Ctrl+C (SIGINT) or SIGTERM."""
    import uvicorn

    from api.app import create_app
    from network import pool

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
        try:
            # uvicorn answers the signals itself with an orderly shutdown, then returns
            uvicorn.run(
                create_app(settings, store=store),
                host=settings.host,
                port=settings.port,
                log_level=settings.log_level,
            )
        finally:
            pool.shutdown()  # the analysis worker ends with the app


@app.command("import")
def import_(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="XLSX, ODS, CSV or ZIP.")
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only report what would change.")
    ] = False,
    mapping: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="JSON mapping (or a saved report)."),
    ] = None,
    map_: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            "-m",
            help='Put a column on a field: "COLUMN=FIELD" or "SHEET:COLUMN=FIELD"; '
            '"COLUMN=-" leaves it out. Repeat for more columns.',
        ),
    ] = None,
    sheet: Annotated[
        list[str] | None,
        typer.Option(
            "--sheet",
            help='What a sheet holds: "SHEET=Organisation" (or Person, Offer, '
            'COOPERATES_WITH, ...; "SHEET=-" leaves it out); "Organisation" alone for a '
            "file of one sheet.",
        ),
    ] = None,
    map_value: Annotated[
        list[str] | None,
        typer.Option(
            "--map-value",
            help='What an unknown value stands for: "COLUMN:VALUE=TARGET" (a code, ID or '
            'name; "=-" leaves the value out, "=+" creates it, "=+NAME" creates NAME); '
            '"SHEET:COLUMN:VALUE=TARGET" for one sheet. Repeat for more values.',
        ),
    ] = None,
    accept_suggestions: Annotated[
        bool,
        typer.Option(
            "--accept-suggestions",
            help="Answer every unknown value that no mapping answers with its suggestion.",
        ),
    ] = False,
    default: Annotated[
        list[str] | None,
        typer.Option(
            "--default",
            help="One value for a field the rows leave empty or the sheet has no column for: "
            '"FIELD=VALUE" (e.g. "kind=Gemeinde"), "SHEET:FIELD=VALUE" for one sheet.',
        ),
    ] = None,
    date_order: Annotated[
        list[str] | None,
        typer.Option(
            "--date-order",
            help='How a date column writes dates like 10/12/2018: "COLUMN=TMJ" (day first) '
            'or "COLUMN=MTJ" (month first), also DMY/MDY; "SHEET:COLUMN=TMJ" for one sheet. '
            "Repeat for more columns.",
        ),
    ] = None,
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid",
            help="Write the valid rows and leave out the rejected ones (in one transaction); "
            "the left-out rows go to a file (see --problems).",
        ),
    ] = False,
    problems: Annotated[
        Path | None,
        typer.Option(
            help="Where to write the left-out rows (same columns plus Problem); default: "
            "beside FILE as NAME-ausgelassen.csv or .xlsx.",
        ),
    ] = None,
    saved_mapping: Annotated[
        bool,
        typer.Option(
            "--saved-mapping/--no-saved-mapping",
            help="Start from the mapping saved by the last import of a file with the same "
            "headers (when no --mapping is given).",
        ),
    ] = True,
    report: Annotated[
        Path | None, typer.Option(help="Write the full report (with the mapping) as JSON.")
    ] = None,
) -> None:
    """Import organisations, people, offers, memberships, cooperations from a spreadsheet.

    The dry run (and the real run) prints how each sheet's columns were mapped to fields and
    each unknown value with its suggestion; answer them with --map-value or
    --accept-suggestions and run again. The dry run writes nothing: it works while the
    server runs.
    """
    from api.services import transfer

    for path in (report, problems):
        if path:
            _folder_of(path)
    settings = _settings()
    transfer.check_size(file.stat().st_size)  # before reading a file of gigabytes
    data = file.read_bytes()
    base = mapping.read_text(encoding="utf-8") if mapping else None
    if base is None and saved_mapping:
        base = _saved_mapping(settings, data, file.name)
    given = transfer.mapping_from_options(
        data,
        file.name,
        mapping_json=base,
        maps=map_ or [],
        sheets=sheet or [],
        date_orders=date_order or [],
        value_maps=map_value or [],
        defaults=default or [],
    )
    with _import_store(settings, dry_run=dry_run) as store:
        bar = _Bar(f"Import {file.name}")
        with bar.progress:
            result = transfer.run_import(
                store,
                data,
                file.name,
                dry_run=dry_run,
                mapping=given,
                actor="cli",
                progress=bar.advance,
                on_stage=bar.stage,
                accept_suggestions=accept_suggestions,
                skip_invalid=skip_invalid,
            )
    _after_import(settings, file, data, result, report=report, problems=problems)


def _saved_mapping(settings: Settings, data: bytes, filename: str) -> str | None:
    """The mapping saved for files of this one's headers, as JSON text; says so."""
    from api.services import transfer
    from api.transfer.importer import detect_mapping

    found = transfer.SavedMappings.in_data_dir(settings.data_dir).find(
        detect_mapping(data, filename)
    )
    if found is None:
        return None
    mapping, source = found
    console.print(
        f"Using the mapping saved on {source.get('saved_on')} by the import of "
        f"{source.get('file')} (same headers); --no-saved-mapping starts from the detected one.",
        highlight=False,
        soft_wrap=True,
        markup=False,
    )
    return json.dumps(mapping)


def _after_import(
    settings: Settings,
    file: Path,
    data: bytes,
    result: Any,
    *,
    report: Path | None,
    problems: Path | None,
) -> None:
    """Print the report; write it, the left-out rows and the saved mapping; fail when
    rows were rejected and nothing was written."""
    from api.services import transfer

    for line in transfer.report_lines(result):
        console.print(line, highlight=False, soft_wrap=True, markup=False)
    if report:
        report.write_text(json.dumps(result.to_dict(), ensure_ascii=False, indent=1, default=str))
        console.print(f"Report written to {report}.", highlight=False, markup=False)
    if result.left_out and (problems or not result.dry_run):
        rows = transfer.problem_file(data, file.name, result)
        target = problems or file.with_name(rows.filename)
        _write_atomically(target, rows.content)
        console.print(
            f"{len(result.left_out)} left-out rows written to {target}: correct them there "
            "and import that file.",
            highlight=False,
            soft_wrap=True,
            markup=False,
        )
    transfer.SavedMappings.in_data_dir(settings.data_dir).remember(data, file.name, result)
    if result.rejected and not result.applied and not result.dry_run:
        _fail(result.summary())
    console.print(result.summary(), highlight=False, soft_wrap=True, markup=False)


@contextmanager
def _import_store(settings: Settings, *, dry_run: bool) -> Iterator[GraphStore]:
    """The store an import compares with: opened read-only for a dry run (which works while
    the server runs and writes nothing; before the first start, an empty store in a
    temporary folder), else writable and initialised."""
    if not dry_run:
        with _store(settings) as store:
            store.init()
            yield store
        return
    if settings.store == "ladybug" and not (settings.data_dir / DATABASE_FILE).exists():
        with tempfile.TemporaryDirectory() as folder, private_umask():
            empty = open_ladybug(Path(folder))
            try:
                empty.init()
                yield empty
            finally:
                empty.close()
        return
    with _store(settings, read_only=True) as store:
        yield store


@app.command()
def duplicates(
    threshold: Annotated[
        float, typer.Option(min=50, max=100, help="Lowest similarity in percent.")
    ] = 90.0,
    format: Annotated[  # noqa: A002 - the option's name
        str, typer.Option("--format", "-f", help="table or json.")
    ] = "table",
) -> None:
    """List near-duplicate entries (names differing in case, spacing, legal form, a typo)."""
    from api.services import transfer
    from api.transfer import duplicates as dup

    if format not in ("table", "json"):
        _fail(f"Unknown format {format!r}: use --format table or --format json.")
    settings = _settings()
    with _store(settings, read_only=True) as store:
        pairs = transfer.find_duplicates(store, threshold=threshold)
    if format == "json":
        console.print_json(json.dumps([c.as_dict() for c in pairs], ensure_ascii=False))
        return
    if not pairs:
        console.print("No near-duplicates found.")
        return
    table = Table("kind", "A (id)", "A", "B (id)", "B", "similarity", "reason")
    for c in pairs:
        same = dup.loose_key(c.a_name) == dup.loose_key(c.b_name)
        reason = "same but for case, spacing or legal form" if same else "similar (a typo?)"
        table.add_row(str(c.label), c.a_id, c.a_name, c.b_id, c.b_name, f"{c.score:.0f} %", reason)
    console.print(table)
    console.print(
        f"{len(pairs)} pairs. Merge one with: netzwerkatlas merge KEEP_ID DROP_ID", highlight=False
    )


@app.command()
def merge(
    keep_id: Annotated[str, typer.Argument(help="The entry that stays.")],
    drop_id: Annotated[str, typer.Argument(help="The entry merged into it, then deleted.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Merge two entries of one kind: every tie and the history of both are kept."""
    from api.services.transfer import merge as merge_entries

    settings = _settings()
    with _store(settings) as store:
        store.init()
        keep = store.get(store.label_of(keep_id), keep_id)
        drop = store.get(store.label_of(drop_id), drop_id)
        if not yes:
            typer.confirm(
                f"Merge '{drop.display_name}' ({drop_id}) into '{keep.display_name}' "
                f"({keep_id}) and delete {drop_id}?",
                abort=True,
            )
        result = merge_entries(store, keep_id, drop_id, actor="cli")
    filled = ", ".join(result["filled"]) or "nothing"
    console.print(
        f"Merged {drop_id} into {keep_id}: {result['moved_ties']} ties moved, "
        f"{result['removed_ties']} removed (they joined the two), filled: {filled}.",
        highlight=False,
    )


@app.command()
def export(
    file: Annotated[Path, typer.Argument(dir_okay=False, help="The file to write.")],
    format: Annotated[  # noqa: A002 - the option's name
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="xlsx, csv (ZIP), graphml, gexf or json; default: from the file name.",
        ),
    ] = None,
    as_of: Annotated[
        dt.date | None,
        typer.Option(
            parser=_date, metavar="<date>", help="Network valid on this day (31.12.2024)."
        ),
    ] = None,
    area: Annotated[str | None, typer.Option(help="Area id (as /api/network).")] = None,
    field: Annotated[str | None, typer.Option(help="Field id.")] = None,
    kind: Annotated[str | None, typer.Option(help="Organisation kind.")] = None,
    no_personal: Annotated[
        bool, typer.Option("--no-personal", help="Leave out people's e-mail, phone, consent.")
    ] = False,
) -> None:
    """Export the network (works while the server runs)."""
    from api.services import transfer

    fmt = transfer.export_format(format or file.suffix.lstrip("."))
    _folder_of(file)
    settings = _settings()
    with _store(settings, read_only=True) as store:
        out = transfer.export_network(
            store,
            fmt,
            personal=not no_personal,
            as_of=as_of,
            area=area,
            field=field,
            kind=kind,
        )
    _write_atomically(file, out.content)
    console.print(
        f"Exported {out.counts['nodes']:,} nodes and {out.counts['ties']:,} ties to {file} ({fmt})."
    )


def _write_atomically(path: Path, content: bytes) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(content)
    tmp.replace(path)


@app.command()
def backup(
    file: Annotated[Path, typer.Argument(dir_okay=False, help="The backup file to write.")],
) -> None:
    """Write a complete backup: graph, accounts, history, settings (works while serving)."""
    from api.services.transfer import write_backup

    _folder_of(file)
    settings = _settings()
    tmp = file.with_name(file.name + ".part")
    with _store(settings, read_only=True) as store, tmp.open("wb") as out:
        os.fchmod(out.fileno(), 0o600)  # accounts and personal data (also over an old .part)
        counts = write_backup(store, out)
    tmp.replace(file)
    console.print(f"Backed up {sum(counts.values()):,} records to {file}.")


@app.command()
def restore(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A backup file.")],
    replace: Annotated[
        bool, typer.Option("--replace", help="Delete everything in the store first.")
    ] = False,
) -> None:
    """Restore a backup into an empty store (or replace everything with --replace)."""
    from api.services.transfer import read_backup
    from api.services.transfer import restore as restore_backup

    settings = _settings()
    with file.open("rb") as f:
        parsed = read_backup(f)
    with _store(settings) as store:
        bar = _Bar(f"Restore {file.name}")
        bar.set_total(parsed.total)
        with bar.progress:
            counts = restore_backup(store, parsed, replace=replace, progress=bar.advance)
    console.print(
        f"Restored {sum(counts.values()):,} records from {file} into the {settings.store} store."
    )


@app.command()
def report(
    file: Annotated[Path, typer.Argument(dir_okay=False, help="The report file to write.")],
    format: Annotated[  # noqa: A002 - the option's name
        str | None, typer.Option("--format", "-f", help="html or pdf; default: from the file name.")
    ] = None,
    as_of: Annotated[
        dt.date | None,
        typer.Option(parser=_date, metavar="<date>", help="Report date (default today)."),
    ] = None,
    compare_to: Annotated[
        dt.date | None,
        typer.Option(parser=_date, metavar="<date>", help="Date to compare with (31.12.2024)."),
    ] = None,
) -> None:
    """Write the network report (Netzwerkbericht) as HTML or PDF (works while serving)."""
    from api.services import transfer
    from api.services.layouts import layout_store

    fmt = transfer.report_format(format or file.suffix.lstrip("."))
    _folder_of(file)
    settings = _settings()
    with _store(settings, read_only=True) as store:
        out = transfer.network_report_file(
            store,
            fmt,
            layouts=layout_store(settings.data_dir),
            as_of=as_of,
            compare_to=compare_to,
        )
    _write_atomically(file, out.content)
    console.print(f"Wrote the network report as of {out.as_of:%d.%m.%Y} to {file}.")


def main(argv: list[str] | None = None) -> Any:
    """Entry point: runs the app and turns every error into one line and an exit code."""
    try:
        code = app(args=argv, standalone_mode=False)
    except typer.Exit as e:
        sys.exit(e.exit_code)
    except NetzwerkatlasError as e:
        _error(e.message or f"{type(e).__name__} (no details given).")
        sys.exit(3 if isinstance(e, StoreBusy) else 1)
    except KeyboardInterrupt:
        sys.exit(130)
    except typer.Abort as e:  # Ctrl+C (click's Abort), or a question answered "no"
        sys.exit(130 if isinstance(e.__cause__, KeyboardInterrupt) else 1)
    except typer.TyperException as e:  # a usage error: a missing argument, a bad value
        code = getattr(e, "exit_code", 2)
        if type(e).__name__ != "NoArgsIsHelpError":  # else the help was shown: enough
            _error(e.format_message())
        sys.exit(code)
    except OSError as e:  # a file that cannot be read or written
        where = f" {e.filename}" if e.filename else ""
        _error(f"cannot read or write{where}: {e.strerror or type(e).__name__}.")
        sys.exit(1)
    except Exception as e:  # noqa: BLE001 - one line, never a stack trace
        _error(f"unexpected {type(e).__name__}" + (f": {e}" if str(e).strip() else "."))
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
