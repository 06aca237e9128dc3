"""Write the small LadybugDB database of a released Netzwerkatlas that the upgrade test opens.

Run it with the code of that release on the import path (see README.md beside it); it
uses only what every release since the first store offers, and the accounts, settings
and history where the release has them. It writes ``<name>.lbdb.gz`` (the database file,
gzip-compressed, reproducible apart from LadybugDB's own bytes), ``<name>.json`` (what the
release itself counted: nodes per label, ties per type, accounts, history entries,
settings, schema version), which the test compares with what the current code counts
after upgrading a copy, and, where the release has backups, ``<name>.backup.jsonl.gz``:
its backup of the same data, which the test restores with the current code.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any


def _fill(store: Any) -> None:
    """A few of everything: organisations, offers, people, ties (one ended), history."""
    has_actor = hasattr(store, "audit")
    kw: dict[str, Any] = {"actor": "fixture"} if has_actor else {}

    def node(label: str, **data: Any) -> None:
        store.create(label, data, **kw)

    def link(rel: str, a: str, b: str, **props: Any) -> Any:
        return store.link(rel, a, b, **props, **kw)

    node("Area", id="are-region", name="Beispielregion", kind="region", population=250000)
    node("Area", id="are-lindenau", name="Lindenau", kind="municipality", population=12000)
    node("Area", id="are-birkfeld", name="Birkfeld", kind="municipality")
    node("Field", id="fld-wohnen", name_de="Wohnen", name_en="Housing")
    node("Field", id="fld-sprache", name_de="Sprache", name_en="Language")
    node("TargetGroup", id="tg-frauen", name_de="Frauen", name_en="Women")
    node(
        "Organisation",
        id="org-caritas",
        name="Caritasverband Beispielregion e.V.",
        short_name="Caritas",
        kind="welfare_association",
        languages=["de", "ar"],
        founded=dt.date(1990, 5, 1),
    )
    node("Organisation", id="org-awo", name="AWO Kreisverband", kind="welfare_association")
    node(
        "Organisation",
        id="org-mso",
        name="Verein Brücke e.V.",
        kind="migrant_organisation",
        tags=["MSO"],
    )
    node("Organisation", id="org-amt", name="Landratsamt Beispielkreis", kind="authority")
    node(
        "Offer",
        id="off-sprachcafe",
        title="Sprachcafé",
        languages=["de", "uk"],
        starts_on=dt.date(2022, 1, 1),
        programme="JMD",
    )
    node("Offer", id="off-beratung", title="Migrationsberatung", cost="kostenlos")
    node("Offer", id="off-wohnen", title="Wohnungssuche", ends_on=dt.date(2025, 12, 31))
    node("Person", id="per-aylin", name="Aylin Beispiel", email="a@example.org")
    node("Person", id="per-jonas", name="Jonas Muster", function="Koordinator")
    node("Person", id="per-mira", name="Mira Probe", consent_given_on=dt.date(2024, 2, 1))
    node("Body", id="bod-rat", name="Projektrat Integration", kind="project_council")
    node("Event", id="evt-fachtag", title="Fachtag Integration", held_on=dt.date(2025, 3, 14))

    link("PART_OF", "are-lindenau", "are-region")
    link("PART_OF", "are-birkfeld", "are-region")
    link("COOPERATES_WITH", "org-caritas", "org-mso", kind="joint_project", intensity=3)
    ended = link("COOPERATES_WITH", "org-awo", "org-amt", since=dt.date(2020, 1, 1))
    link("BELONGS_TO", "org-mso", "org-awo")
    link("MEMBER_OF", "org-caritas", "bod-rat", role="chair")
    link("MEMBER_OF", "per-aylin", "bod-rat", seat="Stadt Lindenau")
    link("REPRESENTS", "per-aylin", "org-amt", function="Integrationsbeauftragte")
    link("REPRESENTS", "per-jonas", "org-caritas")
    link("REPRESENTS", "per-mira", "org-mso")
    link("PROVIDES", "org-caritas", "off-beratung")
    link("PROVIDES", "org-mso", "off-sprachcafe")
    link("PROVIDES", "org-awo", "off-wohnen")
    link("ADDRESSES", "off-sprachcafe", "fld-sprache")
    link("ADDRESSES", "off-wohnen", "fld-wohnen")
    link("SERVES", "off-beratung", "tg-frauen")
    link("AVAILABLE_IN", "off-sprachcafe", "are-lindenau")
    link("AVAILABLE_IN", "off-beratung", "are-region")
    link("ACTIVE_IN", "org-caritas", "are-region")
    link("ACTIVE_IN", "org-mso", "are-lindenau")
    link("ACTIVE_IN", "org-amt", "are-region")
    link("WORKS_ON", "org-caritas", "fld-wohnen")
    link("WORKS_ON", "org-mso", "fld-sprache")
    link("ATTENDED", "org-mso", "evt-fachtag")
    link("ATTENDED", "per-jonas", "evt-fachtag")

    store.update("Organisation", "org-awo", {"short_name": "AWO"}, **kw)
    store.end_tie(ended.id, dt.date(2024, 6, 30), **kw)
    node("Organisation", id="org-gone", name="Aufgelöster Verein", kind="initiative")
    store.delete("Organisation", "org-gone", **kw)

    if hasattr(store, "accounts"):
        from graph_schema.store.records import Account

        store.accounts.create(Account("admin", "$argon2id$not-a-real-hash", "admin"))
        store.accounts.create(
            Account("editor", "$argon2id$not-a-real-hash", "editor", language="en")
        )
    if hasattr(store, "set_setting"):
        store.set_setting("fixture", "written by make_release_db.py")


def _facts(store: Any) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "schema_version": store.schema_version(),
        "migrations": sorted(store.applied_migrations()),
        "counts": store.counts(),
    }
    if hasattr(store, "accounts"):
        facts["accounts"] = sorted(a.username for a in store.accounts.list())
        facts["audit_entries"] = store.audit.list(limit=1)[1]
    if hasattr(store, "get_setting"):
        facts["settings"] = {"fixture": store.get_setting("fixture")}
    return facts


def _write_backup(store: Any, target: Path) -> None:
    """The release's backup file beside its database, where the release has backups."""
    try:
        from api.transfer.backup import write_backup
    except ImportError:
        return
    with gzip.GzipFile(target.with_suffix(".backup.jsonl.gz"), "wb", mtime=0) as out:
        write_backup(store, out)


def main(target: Path) -> None:
    from graph_schema.store import open_ladybug

    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        store = open_ladybug(data_dir)
        store.init()
        _fill(store)
        facts = _facts(store)
        _write_backup(store, target)
        store.close()
        files = sorted(p.name for p in data_dir.iterdir())
        if files != ["netzwerkatlas.lbdb"]:
            raise SystemExit(f"expected one database file, LadybugDB left {files}")
        with (data_dir / "netzwerkatlas.lbdb").open("rb") as src:
            with gzip.GzipFile(target.with_suffix(".lbdb.gz"), "wb", mtime=0) as out:
                shutil.copyfileobj(src, out)
    target.with_suffix(".json").write_text(json.dumps(facts, indent=2, sort_keys=True) + "\n")
    print(f"wrote {target.with_suffix('.lbdb.gz')} and {target.with_suffix('.json')}: {facts}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python make_release_db.py <target path without suffix>")
    main(Path(sys.argv[1]))
