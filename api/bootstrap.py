"""First start and demo loading, shared by the CLI and ``make run``."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from graph_schema.errors import AlreadyExists
from graph_schema.files import make_private, make_private_tree, private_dir, write_private
from graph_schema.model import NodeLabel
from graph_schema.store import GraphStore
from graph_schema.store.records import Account

if TYPE_CHECKING:
    from api.settings import Settings

__all__ = [
    "DEMO_MARK",
    "VOCABULARY_MARK",
    "ensure_admin",
    "ensure_secret_key",
    "ensure_vocabulary",
    "first_start",
    "load_demo",
    "password_changed",
    "secure_data_dir",
]

#: store setting recording that (and when) the demo region was loaded
DEMO_MARK = "demo_loaded"
#: store setting recording that (and when) the shipped fields and target groups were created
VOCABULARY_MARK = "vocabulary_created"


def _now() -> str:
    return f"{dt.datetime.now(dt.UTC):%Y-%m-%dT%H:%M:%SZ}"


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
    store.set_setting(DEMO_MARK, f"{_now()} size={size}")
    return written


def ensure_vocabulary(store: GraphStore) -> int:
    """Give a new store the shipped fields of action and target groups, once in its life.

    The store setting :data:`VOCABULARY_MARK` records that this happened, so a field the
    office deletes later stays deleted. A store that already holds fields or target groups
    (one from before this step existed, say) is only marked. The demo region writes the same
    ids by merging, so it loads on top of them. Returns how many nodes were created.
    """
    from graph_schema.demo import vocabulary_nodes

    if store.get_setting(VOCABULARY_MARK) is not None:
        return 0
    counts = store.counts()
    if counts[NodeLabel.FIELD] or counts[NodeLabel.TARGET_GROUP]:
        store.set_setting(VOCABULARY_MARK, f"{_now()} skipped: store had its own")
        return 0
    fields, groups = vocabulary_nodes()
    store.bulk_upsert([*fields, *groups])
    store.set_setting(VOCABULARY_MARK, f"{_now()} fields={len(fields)} groups={len(groups)}")
    return len(fields) + len(groups)


def first_start(store: GraphStore, *, size: int, seed: int, enabled: bool = True) -> bool:
    """Prepare a store on the app's start: the shipped vocabularies once
    (:func:`ensure_vocabulary`), then the demo region if this store has never had it and
    holds no organisations.

    Returns whether it loaded the demo. A second start, or a store someone has filled or
    emptied since, is left alone.
    """
    ensure_vocabulary(store)
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


#: what the app keeps in the data folder besides the database (which its backend guards)
PRIVATE_ENTRIES = (ADMIN_PASSWORD_FILE, SECRET_KEY_FILE, "uploads", "layouts")


def _write_private(path: Path, text: str) -> None:
    private_dir(path.parent)
    write_private(path, text.encode())


def secure_data_dir(data_dir: Path | str) -> None:
    """Make the data folder 0700 and what the app keeps in it 0600 / 0700 where an earlier
    release (or a copy) left them readable by others (personal data, password hashes)."""
    folder = Path(data_dir)
    if not folder.exists():
        return
    make_private(folder)
    for name in PRIVATE_ENTRIES:
        make_private_tree(folder / name)


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
