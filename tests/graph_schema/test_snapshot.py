"""Snapshot and Page live beside the model, outside the store; ``network/`` never imports
the store (it gets a snapshot, it does not fetch one)."""

from __future__ import annotations

import ast
from pathlib import Path

import graph_schema.store
from graph_schema.snapshot import Page, Snapshot

ROOT = Path(__file__).parents[2]


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    for line in path.read_text(encoding="utf-8").splitlines():  # doctests too
        text = line.strip().removeprefix(">>> ").removeprefix("... ")
        if text.startswith(("import ", "from ")):
            try:
                found |= _imported_modules_of(text)
            except SyntaxError:
                continue
    return found


def _imported_modules_of(source: str) -> set[str]:
    node = ast.parse(source).body[0]
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names}
    if isinstance(node, ast.ImportFrom) and node.module:
        return {node.module}
    return set()


def test_network_does_not_import_the_store() -> None:
    offenders = {
        f"{path.relative_to(ROOT)}: {module}"
        for path in sorted((ROOT / "network").rglob("*.py"))
        for module in _imported_modules(path)
        if module == "graph_schema.store" or module.startswith("graph_schema.store.")
    }
    assert not offenders, (
        "network/ must not import the store; take Snapshot/Page from graph_schema.snapshot: "
        + ", ".join(sorted(offenders))
    )


def test_the_store_re_exports_the_same_classes() -> None:
    assert graph_schema.store.Snapshot is Snapshot
    assert graph_schema.store.Page is Page
