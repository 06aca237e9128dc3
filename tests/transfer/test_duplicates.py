"""Near-duplicate names and merging two entries with their ties and history."""

from __future__ import annotations

import pytest

from api.transfer.duplicates import find_duplicates, loose_key, merge
from graph_schema.errors import InvalidValue, NotFound
from graph_schema.model import NodeLabel, Organisation, RelType
from graph_schema.store import GraphStore


def _orgs(*names: str) -> list[Organisation]:
    return [Organisation(id=f"o{i}", name=n, kind="association") for i, n in enumerate(names)]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Caritasverband Lindenau e.V.", "caritasverband lindenau"),  # case, legal form
        ("Kulturbrücke gGmbH", "Kulturbrücke"),
        ("Start gUG (haftungsbeschränkt)", "Start"),
        ("AWO  Kreisverband Lindenau", "AWO Kreisverband Lindenau"),  # spacing
        ("Diakonie Lindenau", "Diakonie Lindenua"),  # a small typo
        ("Deutsch-Arabischer Frauenverein", "Deutsch Arabischer Frauenverein e. V."),
    ],
)
def test_near_duplicates_are_found(a: str, b: str) -> None:
    pairs = find_duplicates(_orgs(a, b))
    assert [(p.a_id, p.b_id) for p in pairs] == [("o0", "o1")]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Diakonie Lindenau", "Diakonie Birkenfeld"),
        ("Sprachkurs 1 e.V.", "Sprachkurs 2 e.V."),
        ("AWO", "DRK"),
    ],
)
def test_different_names_are_not_flagged(a: str, b: str) -> None:
    assert find_duplicates(_orgs(a, b)) == []


def test_loose_key_drops_legal_forms_only_as_words() -> None:
    assert loose_key("Evangelische Gemeinde e.V.") == "evangelischegemeinde"
    assert loose_key("Agentur für Arbeit") == "agenturfuerarbeit"


def test_merge_keeps_every_tie_and_the_history_of_both(store: GraphStore) -> None:
    store.create(NodeLabel.AREA, {"id": "a1", "name": "Lindenau", "kind": "municipality"})
    store.create(
        NodeLabel.ORGANISATION,
        {"id": "keep", "name": "Caritas Lindenau e.V.", "kind": "welfare_association"},
    )
    store.create(
        NodeLabel.ORGANISATION,
        {
            "id": "drop",
            "name": "Caritas Lindenau",
            "kind": "welfare_association",
            "website": "https://caritas.example.org",
            "languages": ["ar"],
        },
    )
    store.create(NodeLabel.ORGANISATION, {"id": "awo", "name": "AWO", "kind": "association"})
    store.update(NodeLabel.ORGANISATION, "drop", {"phone": "0000 1"}, actor="editor")
    store.link(RelType.COOPERATES_WITH, "drop", "awo", id="t1", since="2020-01-01", intensity=3)
    store.link(RelType.COOPERATES_WITH, "awo", "drop", id="t2", until="2021-12-31")
    store.link(RelType.ACTIVE_IN, "drop", "a1", id="t3")
    store.link(RelType.COOPERATES_WITH, "keep", "drop", id="t4")

    result = merge(store, "keep", "drop", actor="editor")

    assert result["moved_ties"] == 3 and result["removed_ties"] == 1
    with pytest.raises(NotFound):
        store.get(NodeLabel.ORGANISATION, "drop")
    kept = store.get(NodeLabel.ORGANISATION, "keep")
    assert kept.website == "https://caritas.example.org" and kept.languages == ["ar"]
    t1, t2, t3 = (store.get_tie(i) for i in ("t1", "t2", "t3"))
    assert (t1.from_id, t1.to_id, str(t1.since), t1.intensity) == ("keep", "awo", "2020-01-01", 3)
    assert (t2.from_id, t2.to_id, str(t2.until)) == ("awo", "keep", "2021-12-31")
    assert (t3.from_id, t3.to_id) == ("keep", "a1")
    with pytest.raises(NotFound):
        store.get_tie("t4")
    dropped = [e.action for e in store.audit.list(entity_id="drop")[0]]
    assert dropped[0] == "merge" and {"create", "update", "delete"} <= set(dropped)
    assert store.audit.list(entity_id="keep")[0][0].action == "merge"
    assert [e.action for e in store.audit.list(entity_id="t1")[0]] == ["link", "unlink", "link"]


def test_merge_refuses_different_kinds(store: GraphStore) -> None:
    store.create(NodeLabel.AREA, {"id": "a1", "name": "Lindenau", "kind": "municipality"})
    store.create(NodeLabel.ORGANISATION, {"id": "o1", "name": "Lindenau", "kind": "other"})
    with pytest.raises(InvalidValue, match="one kind"):
        merge(store, "o1", "a1")
    with pytest.raises(InvalidValue, match="two different"):
        merge(store, "o1", "o1")
    assert store.counts()["Organisation"] == 1
