"""Files the network leaves in: exports, the network report, backups; and restores.

Each function answers a :class:`Download` (content, media type, file name) that a route, a
page or the CLI only has to send or write.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from api.security import User
from api.services.policy import EVERYTHING, PUBLIC, access_for
from api.transfer import backup, exporter
from api.transfer import report as network_report
from api.transfer.backup import BackupSummary
from graph_schema import clock
from graph_schema.errors import InvalidValue
from graph_schema.store import GraphStore
from viz.layout import LayoutStore

__all__ = [
    "EXPORT_FORMATS",
    "REPORT_FORMATS",
    "Download",
    "backup_download",
    "export_format",
    "export_network",
    "network_report_file",
    "read_backup",
    "report_format",
    "restore",
    "restore_upload",
    "write_backup",
]

#: export formats: format -> (media type, file extension)
EXPORT_FORMATS = exporter.FORMATS
REPORT_FORMATS = network_report.FORMATS


@dataclass(frozen=True)
class Download:
    """A file to send or write.

    Attributes:
        content: the file's bytes.
        media_type: its media type.
        filename: the name to offer.
        inline: show it in the browser instead of saving it.
        as_of: the day the file's network is valid on, if it is one day's.
        counts: what it holds, e.g. ``{"nodes": 120, "ties": 340}``.
    """

    content: bytes
    media_type: str
    filename: str
    inline: bool = False
    as_of: dt.date | None = None
    counts: dict[str, int] = dataclasses.field(default_factory=dict)

    @property
    def headers(self) -> dict[str, str]:
        """The ``Content-Disposition`` header that names the file."""
        how = "inline" if self.inline else "attachment"
        return {"Content-Disposition": f'{how}; filename="{self.filename}"'}


# --------------------------------------------------------------------------- export


def export_format(name: str) -> str:
    """The export format ``name`` means (a format or a file extension; ``zip``: csv)."""
    name = name.lower()
    name = "csv" if name == "zip" else name
    if name not in EXPORT_FORMATS:
        raise InvalidValue(
            f"Unknown format {name!r}: use --format with one of {', '.join(EXPORT_FORMATS)}."
        )
    return name


def export_network(
    store: GraphStore,
    fmt: str,
    *,
    user: User | None = None,
    personal: bool = True,
    as_of: dt.date | None = None,
    area: str | None = None,
    field: str | None = None,
    kind: str | None = None,
) -> Download:
    """The network (all dates, or as of a day; filtered as ``/api/network``) as a file.

    Args:
        store: the store.
        fmt: a key of :data:`EXPORT_FORMATS`.
        user: who asks: a user who does not see personal data gets only their own
            organisation's contact people's (None: the CLI, which sees everything).
        personal: False leaves out every person's e-mail, phone and consent date.
        as_of: the day; default: everything, all dates.
        area: an area id.
        field: a field id.
        kind: an organisation kind.
    """
    if not personal:
        access = PUBLIC
    else:
        access = EVERYTHING if user is None else access_for(store, user)
    data = exporter.collect(store, as_of=as_of, area=area, field=field, kind=kind, access=access)
    media, ext = EXPORT_FORMATS[fmt]
    stamp = (as_of or clock.today()).isoformat()
    return Download(
        exporter.export(data, fmt),
        media,
        f"netzwerkatlas-{stamp}.{ext}",
        as_of=as_of,
        counts={"nodes": len(data.nodes), "ties": len(data.ties)},
    )


# --------------------------------------------------------------------------- report


def report_format(name: str) -> str:
    """The report format ``name`` means (a format or a file extension)."""
    name = name.lower()
    if name not in REPORT_FORMATS:
        raise InvalidValue(f"Unknown format {name!r}: use --format html or --format pdf.")
    return name


def network_report_file(
    store: GraphStore,
    fmt: str,
    *,
    layouts: LayoutStore,
    as_of: dt.date | None = None,
    compare_to: dt.date | None = None,
) -> Download:
    """The network report (Netzwerkbericht) as HTML (shown inline) or PDF."""
    data = network_report.build_report(store, as_of=as_of, compare_to=compare_to, layouts=layouts)
    html = network_report.render_html(data)
    name = f"netzwerkbericht-{data.as_of.isoformat()}"
    if fmt == "pdf":
        return Download(
            network_report.render_pdf(html), "application/pdf", f"{name}.pdf", as_of=data.as_of
        )
    return Download(
        html.encode("utf-8"),
        "text/html; charset=utf-8",
        f"{name}.html",
        inline=True,
        as_of=data.as_of,
    )


# --------------------------------------------------------------------------- backup


def write_backup(store: GraphStore, out: IO[bytes]) -> dict[str, int]:
    """Write a complete backup (graph, accounts, history, settings); returns the counts."""
    return backup.write_backup(store, out)


def backup_download(store: GraphStore) -> Download:
    """A complete backup as a file named after today (UTC)."""
    buf = io.BytesIO()
    counts = write_backup(store, buf)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    return Download(
        buf.getvalue(),
        "application/x-ndjson",
        f"netzwerkatlas-backup-{stamp}.jsonl",
        counts=counts,
    )


def read_backup(source: IO[bytes]) -> BackupSummary:
    """Parse and check a backup file."""
    return backup.read_backup(source)


def restore(
    store: GraphStore,
    parsed: BackupSummary,
    *,
    replace: bool = False,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Write a parsed backup into an empty store (``replace``: delete everything first)."""
    return backup.restore(store, parsed, replace=replace, progress=progress)


def restore_upload(store: GraphStore, data: bytes, *, replace: bool = False) -> dict[str, int]:
    """Restore an uploaded backup file; returns the counts."""
    return restore(store, read_backup(io.BytesIO(data)), replace=replace)
