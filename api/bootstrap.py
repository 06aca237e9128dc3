"""First start and demo loading, shared by the CLI and ``make run``."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from graph_schema.errors import AlreadyExists
from graph_schema.model import NodeLabel
from graph_schema.store import GraphStore
from graph_schema.store.records import Account

if TYPE_CHECKING:
    from api.settings import Settings

__all__ = [
    "DEMO_MARK",
    "ensure_admin",
    "ensure_secret_key",
    "first_start",
    "load_demo",
    "password_changed",
]

#: store setting recording that (and when) the demo region was loaded
DEMO_MARK = "demo_loaded"


def load_demo(
    store: GraphStore,
    *,
    size: int = 150,
    seed: int = 20240901,
    replace: bool = False,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Generate the demo region and write it in one transaction.

    Refuses to mix the demo into existing data unless ``replace`` is set, which first
    deletes every node and tie.
    """
    from graph_schema.demo import generate_region

    existing = store.counts()[NodeLabel.ORGANISATION]
    if existing and not replace:
        raise AlreadyExists(
            f"The store already holds {existing} organisations: use --replace to replace "
            "everything with the demo region."
        )
    region = generate_region(size=size, seed=seed)
    nodes = [n for items in region.nodes.values() for n in items]
    ties = [t for items in region.ties.values() for t in items]
    if on_total:
        on_total(len(nodes) + len(ties))
    if replace:
        store.clear()
    written = store.bulk_upsert(nodes, ties, progress=progress)
    store.set_setting(DEMO_MARK, f"{dt.datetime.now(dt.UTC):%Y-%m-%dT%H:%M:%SZ} size={size}")
    return written


def first_start(store: GraphStore, *, size: int, seed: int, enabled: bool = True) -> bool:
    """Load the demo region if this store has never had it and holds no organisations.

    Returns whether it loaded anything. A second start, or a store someone has filled or
    emptied since, is left alone.
    """
    if not enabled or store.get_setting(DEMO_MARK) is not None:
        return False
    if store.counts()[NodeLabel.ORGANISATION]:
        store.set_setting(DEMO_MARK, "skipped: store had data")
        return False
    load_demo(store, size=size, seed=seed)
    return True


ADMIN_USERNAME = "admin"
ADMIN_PASSWORD_FILE = "initial-admin-password"
SECRET_KEY_FILE = "secret-key"


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(path, 0o600)


def ensure_admin(store: GraphStore, data_dir: Path) -> str | None:
    """On the first start (no accounts yet) create ``admin`` with a random password.

    The password is returned (to be printed once) and written to
    ``<data dir>/initial-admin-password`` (mode 0600) until it is changed.
    """
    if store.accounts.count():
        return None
    from api.security import Role, hash_password

    password = secrets.token_urlsafe(12)
    store.accounts.create(
        Account(ADMIN_USERNAME, hash_password(password), Role.ADMIN.value, language="de")
    )
    _write_private(data_dir / ADMIN_PASSWORD_FILE, password + "\n")
    return password


def password_changed(settings: Settings, username: str) -> None:
    """Forget the initial admin password file once the admin has chosen their own."""
    if username == ADMIN_USERNAME:
        (Path(settings.data_dir) / ADMIN_PASSWORD_FILE).unlink(missing_ok=True)


def ensure_secret_key(settings: Settings) -> str:
    """The key that signs session cookies: the setting, else one generated into the data dir."""
    if settings.secret_key:
        return settings.secret_key
    path = Path(settings.data_dir) / SECRET_KEY_FILE
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    _write_private(path, key + "\n")
    return key
