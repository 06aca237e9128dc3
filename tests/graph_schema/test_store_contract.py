"""The store's contract: every test here runs on LadybugDB and on a real Neo4j 5."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph_schema.errors import (
    AlreadyExists,
    Conflict,
    InvalidRelationship,
    InvalidValue,
    NotFound,
)
from graph_schema.model import REL_SPECS, NodeLabel, RelType
from graph_schema.store import GraphStore
from graph_schema.store.ddl import schema_version

SAMPLES: dict[NodeLabel, dict[str, Any]] = {
    NodeLabel.ORGANISATION: {
        "name": "Caritasverband Beispielregion e.V.",
        "short_name": "Caritas",
        "kind": "welfare_association",
        "description": "Migrationsberatung für Erwachsene",
        "website": "https://caritas.example.org",
        "email": "info@caritas.example.org",
        "phone": "0000 123456",
        "address": "Hauptstraße 1, 99999 Lindenau",
        "languages": ["de", "ar"],
        "tags": ["MBE"],
        "founded": dt.date(1990, 5, 1),
        # an office list's "Quelle": several addresses, longer than a short text
        "source": " ".join(f"https://quelle{i}.example.org/verzeichnis/eintrag" for i in range(9)),
    },
    NodeLabel.PERSON: {
        "name": "Aylin Beispiel",
        "function": "Integrationsbeauftragte",
        "email": "a.beispiel@example.org",
        "phone": "0000 999",
        "consent_given_on": dt.date(2024, 2, 1),
    },
    NodeLabel.BODY: {"name": "Projektrat Integration", "kind": "project_council"},
    NodeLabel.OFFER: {
        "title": "Sprachcafé",
        "languages": ["de", "uk"],
        "starts_on": dt.date(2022, 1, 1),
        "ends_on": dt.date(2026, 12, 31),
        "programme": "JMD",
        "cost": "kostenlos",
    },
    NodeLabel.AREA: {
        "name": "Lindenau",
        "kind": "municipality",
        "population": 12000,
        "population_as_of": dt.date(2023, 12, 31),
        "source": "https://statistik.example.org/bevoelkerung",
    },
    NodeLabel.FIELD: {"name_de": "Wohnen", "name_en": "Housing"},
    NodeLabel.TARGET_GROUP: {"name_de": "Frauen", "name_en": "Women"},
    NodeLabel.EVENT: {"title": "Fachtag Integration", "held_on": dt.date(2025, 3, 14)},
}
CHANGES: dict[NodeLabel, dict[str, Any]] = {
    NodeLabel.ORGANISATION: {"name": "Caritas Beispielregion", "languages": ["de"]},
    NodeLabel.PERSON: {"function": None},
    NodeLabel.BODY: {"description": "Tagt vierteljährlich"},
    NodeLabel.OFFER: {"ends_on": None},
    NodeLabel.AREA: {"population": 12500, "population_as_of": dt.date(2024, 12, 31)},
    NodeLabel.FIELD: {"name_en": "Housing and living"},
    NodeLabel.TARGET_GROUP: {"name_de": "Frauen und Mädchen"},
    NodeLabel.EVENT: {"held_on": dt.date(2025, 3, 15)},
}
INVALID: dict[NodeLabel, dict[str, Any]] = {
    NodeLabel.ORGANISATION: {"kind": "club"},
    NodeLabel.PERSON: {"name": ""},
    NodeLabel.BODY: {"kind": "parliament"},
    NodeLabel.OFFER: {"ends_on": dt.date(2000, 1, 1)},
    NodeLabel.AREA: {"population": -1},
    NodeLabel.FIELD: {"name_de": ""},
    NodeLabel.TARGET_GROUP: {"colour": "red"},
    NodeLabel.EVENT: {"held_on": "31.02.2025"},
}

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _node(store: GraphStore, label: NodeLabel, node_id: str, **changes: Any) -> None:
    store.create(label, {**SAMPLES[label], "id": node_id, **changes})


def test_init_is_idempotent_and_recorded(store: GraphStore) -> None:
    assert store.init() == []
    assert store.schema_version() == schema_version()
    assert store.applied_migrations() == list(range(1, schema_version() + 1))


def test_settings_and_clear(store: GraphStore) -> None:
    assert store.get_setting("demo_loaded") is None
    store.set_setting("demo_loaded", "2026-01-01")
    store.set_setting("demo_loaded", "2026-01-02")
    assert store.get_setting("demo_loaded") == "2026-01-02"
    _node(store, NodeLabel.ORGANISATION, "o-1")
    _node(store, NodeLabel.AREA, "a-1")
    store.link(RelType.ACTIVE_IN, "o-1", "a-1")
    store.clear()
    assert set(store.counts().values()) == {0}
    assert store.get_setting("demo_loaded") == "2026-01-02"
    assert store.schema_version() == schema_version()


def test_names_of_many_ids_at_once(store: GraphStore) -> None:
    _node(store, NodeLabel.ORGANISATION, "o-1")
    _node(store, NodeLabel.OFFER, "f-1")
    store.create(NodeLabel.FIELD, {"id": "fld-1", "name_de": "Wohnen"})  # English optional
    assert store.get(NodeLabel.FIELD, "fld-1").name_en is None  # type: ignore[attr-defined]
    assert store.names_of(["o-1", "f-1", "fld-1", "gone", "o-1", "bad id!"]) == {
        "o-1": (NodeLabel.ORGANISATION, SAMPLES[NodeLabel.ORGANISATION]["name"]),
        "f-1": (NodeLabel.OFFER, SAMPLES[NodeLabel.OFFER]["title"]),
        "fld-1": (NodeLabel.FIELD, "Wohnen"),
    }
    assert store.names_of([]) == {}


@pytest.mark.parametrize("label", list(NodeLabel))
def test_create_get_update_delete(store: GraphStore, label: NodeLabel) -> None:
    created = store.create(label, SAMPLES[label])
    assert created.id
    fetched = store.get(label, created.id)
    assert fetched == created
    for prop, value in SAMPLES[label].items():
        assert getattr(fetched, prop) == value
    updated = store.update(label, created.id, CHANGES[label])
    for prop, value in CHANGES[label].items():
        assert getattr(updated, prop) == value
    assert store.get(label, created.id) == updated
    store.delete(label, created.id)
    with pytest.raises(NotFound, match="check the id"):
        store.get(label, created.id)
    with pytest.raises(NotFound):
        store.delete(label, created.id)


@pytest.mark.parametrize("label", list(NodeLabel))
def test_invalid_values_are_refused_and_nothing_changes(
    store: GraphStore, label: NodeLabel
) -> None:
    created = store.create(label, SAMPLES[label])
    with pytest.raises(InvalidValue) as err:
        store.update(label, created.id, INVALID[label])
    assert str(err.value)
    assert store.get(label, created.id) == created
    with pytest.raises(InvalidValue):
        store.create(label, {**SAMPLES[label], **INVALID[label]})
    assert store.counts()[label] == 1


def test_ids_are_unique_across_labels(store: GraphStore) -> None:
    _node(store, NodeLabel.ORGANISATION, "x-1")
    with pytest.raises(AlreadyExists, match="x-1"):
        _node(store, NodeLabel.ORGANISATION, "x-1")
    with pytest.raises(AlreadyExists, match="already used by a Organisation"):
        _node(store, NodeLabel.PERSON, "x-1")
    with pytest.raises(InvalidValue, match="letters, digits"):
        _node(store, NodeLabel.PERSON, "bad id with spaces")
    assert store.label_of("x-1") == NodeLabel.ORGANISATION


def test_values_are_parameters_not_cypher(store: GraphStore) -> None:
    nasty = "x' }) MATCH (m) DETACH DELETE m // \" ` $param {}"
    org = store.create(
        NodeLabel.ORGANISATION, {"name": nasty, "kind": "initiative", "description": "\\'; --"}
    )
    assert store.get(NodeLabel.ORGANISATION, org.id).name == nasty
    assert store.list(NodeLabel.ORGANISATION, q="detach delete").total == 1


@pytest.fixture
def region(store: GraphStore) -> GraphStore:
    """A tiny region: two towns in a region, three organisations, two offers."""
    store.create(NodeLabel.AREA, {"id": "09999000", "name": "Beispielregion", "kind": "region"})
    for i, (name, pop) in enumerate([("Lindenau", 12000), ("Öhringen-Süd", 4000)], start=1):
        store.create(
            NodeLabel.AREA,
            {"id": f"0999900{i}", "name": name, "kind": "municipality", "population": pop},
        )
        store.link(RelType.PART_OF, f"0999900{i}", "09999000")
    store.create(NodeLabel.FIELD, {"id": "housing", "name_de": "Wohnen", "name_en": "Housing"})
    store.create(NodeLabel.FIELD, {"id": "work", "name_de": "Arbeit", "name_en": "Work"})
    store.create(NodeLabel.TARGET_GROUP, {"id": "women", "name_de": "Frauen", "name_en": "Women"})
    orgs = [
        ("awo", "AWO Kreisverband", "welfare_association", "09999001", "housing", None),
        (
            "mso",
            "Deutsch-Syrischer Kulturverein",
            "migrant_organisation",
            "09999002",
            "work",
            dt.date(2019, 6, 1),
        ),
        ("amt", "Ausländerbehörde", "authority", "09999001", "work", None),
    ]
    for oid, name, kind, area, field, founded in orgs:
        store.create(
            NodeLabel.ORGANISATION, {"id": oid, "name": name, "kind": kind, "founded": founded}
        )
        store.link(RelType.ACTIVE_IN, oid, area, since=dt.date(2015, 1, 1))
        store.link(RelType.WORKS_ON, oid, field)
    store.create(NodeLabel.OFFER, {"id": "off-1", "title": "Wohnungssuche", "programme": "MBE"})
    store.create(NodeLabel.OFFER, {"id": "off-2", "title": "Bewerbungstraining"})
    store.link(RelType.PROVIDES, "awo", "off-1")
    store.link(RelType.PROVIDES, "mso", "off-2")
    store.link(RelType.ADDRESSES, "off-1", "housing")
    store.link(RelType.SERVES, "off-1", "women")
    store.link(RelType.AVAILABLE_IN, "off-1", "09999001")
    store.link(RelType.AVAILABLE_IN, "off-2", "09999002")
    store.link(
        RelType.COOPERATES_WITH,
        "awo",
        "amt",
        id="c-1",
        since=dt.date(2016, 1, 1),
        kind="formal_agreement",
        intensity=3,
    )
    store.link(
        RelType.COOPERATES_WITH,
        "mso",
        "awo",
        id="c-2",
        since=dt.date(2020, 1, 1),
        until=dt.date(2022, 12, 31),
        kind="joint_project",
        intensity=2,
    )
    return store


def _ids(page: Any) -> list[str]:
    return [n.id for n in page.items]


def test_list_filters_search_sort_and_paging(region: GraphStore) -> None:
    s, org = region, NodeLabel.ORGANISATION
    assert _ids(s.list(org)) == ["amt", "awo", "mso"]
    assert _ids(s.list(org, sort="-name")) == ["mso", "awo", "amt"]
    assert _ids(s.list(org, q="SYRISCH")) == ["mso"]
    assert _ids(s.list(org, kind="authority")) == ["amt"]
    assert _ids(s.list(org, area="09999001")) == ["amt", "awo"]
    assert _ids(s.list(org, area="09999000")) == ["amt", "awo", "mso"]
    assert _ids(s.list(org, field="work")) == ["amt", "mso"]
    assert _ids(s.list(org, as_of=dt.date(2018, 1, 1))) == ["amt", "awo"]
    page = s.list(org, limit=2, offset=1)
    assert (_ids(page), page.total, page.limit, page.offset) == (["awo", "mso"], 3, 2, 1)
    assert s.list(org, limit=0).total == 3
    far = s.list(org, offset=50_000, limit=500)
    assert (far.items, far.total) == ([], 3)
    assert s.audit.list(offset=90_000, limit=500)[0] == []
    assert _ids(s.list(NodeLabel.AREA, q="öhr")) == ["09999002"]
    assert _ids(s.list(NodeLabel.AREA, sort="-population")) == ["09999001", "09999002", "09999000"]
    assert _ids(s.list(NodeLabel.OFFER, target_group="women")) == ["off-1"]
    assert _ids(s.list(NodeLabel.OFFER, filters={"programme": "MBE"})) == ["off-1"]
    assert _ids(s.list(NodeLabel.OFFER, area="09999000", field="housing")) == ["off-1"]
    with pytest.raises(InvalidValue, match="sort"):
        s.list(org, sort="nonsense")
    with pytest.raises(InvalidValue, match="kind"):
        s.list(NodeLabel.FIELD, kind="x")
    with pytest.raises(InvalidValue, match="limit"):
        s.list(org, limit=-1)


def _endpoint_sample(store: GraphStore, label: NodeLabel, suffix: str) -> str:
    node_id = f"{label.lower()}-{suffix}"
    if store._labels_of(node_id) == []:
        _node(store, label, node_id)
    return node_id


@pytest.mark.parametrize(
    ("rel", "pair"),
    [(t, pair) for t, spec in REL_SPECS.items() for pair in spec.endpoints],
    ids=lambda v: v if isinstance(v, str) else "-".join(v),
)
def test_link_get_end_unlink_every_type(
    store: GraphStore, rel: RelType, pair: tuple[NodeLabel, NodeLabel]
) -> None:
    a = _endpoint_sample(store, pair[0], "a")
    b = _endpoint_sample(store, pair[1], "b")
    tie = store.link(rel, a, b, since=dt.date(2020, 1, 1))
    assert store.get_tie(tie.id) == tie
    assert (tie.from_id, tie.to_id, tie.type) == (a, b, rel)
    ended = store.end_tie(tie.id, dt.date(2021, 6, 30))
    assert ended.until == dt.date(2021, 6, 30)
    assert [t.id for t in store.list_ties(rel, from_id=a)] == [tie.id]
    assert [t.id for t in store.list_ties(rel, as_of=dt.date(2021, 1, 1))] == [tie.id]
    assert store.list_ties(rel, as_of=dt.date(2022, 1, 1)) == []
    assert store.counts()[rel] == 1
    store.unlink(tie.id)
    assert store.counts()[rel] == 0
    with pytest.raises(NotFound):
        store.get_tie(tie.id)


def test_link_checks_labels_dates_and_ids(region: GraphStore) -> None:
    s = region
    with pytest.raises(InvalidRelationship, match="Organisation → Organisation"):
        s.link(RelType.COOPERATES_WITH, "awo", "09999001")
    with pytest.raises(InvalidRelationship, match="cannot start at Offer"):
        s.link(RelType.WORKS_ON, "off-1", "housing")
    with pytest.raises(InvalidRelationship, match="until"):
        s.link(RelType.COOPERATES_WITH, "awo", "mso", since="2024-01-02", until="2024-01-01")
    with pytest.raises(InvalidRelationship, match="Unknown relationship type"):
        s.link("KNOWS", "awo", "mso")
    with pytest.raises(NotFound, match="nowhere"):
        s.link(RelType.COOPERATES_WITH, "awo", "nowhere")
    with pytest.raises(AlreadyExists, match="c-1"):
        s.link(RelType.COOPERATES_WITH, "awo", "mso", id="c-1")
    with pytest.raises(InvalidValue, match="intensity"):
        s.link(RelType.COOPERATES_WITH, "awo", "mso", intensity=7)
    with pytest.raises(InvalidRelationship, match="until"):
        s.end_tie("c-1", dt.date(2010, 1, 1))
    with pytest.raises(InvalidValue, match="cannot change"):
        s.update_tie("c-1", {"to_id": "mso"})
    assert s.get_tie("c-1").until is None
    assert s.counts()[RelType.COOPERATES_WITH] == 2


#: the tie types whose note says more about the place, field or group (issue 15)
_NOTED = (
    RelType.ACTIVE_IN,
    RelType.AVAILABLE_IN,
    RelType.WORKS_ON,
    RelType.ADDRESSES,
    RelType.SERVES,
)


@pytest.mark.parametrize("rel", _NOTED)
def test_a_note_on_a_tie_to_an_area_field_or_group(store: GraphStore, rel: RelType) -> None:
    a_label, b_label = REL_SPECS[rel].endpoints[0]
    a = _endpoint_sample(store, a_label, "a")
    b = _endpoint_sample(store, b_label, "b")
    note = "Sitz; Kommunalverband der 10 Städte und Gemeinden"
    tie = store.link(rel, a, b, note=note)
    assert store.get_tie(tie.id).note == note  # type: ignore[attr-defined]
    changed = store.update_tie(tie.id, {"note": "Einsatzort Köllerbach"})
    assert store.get_tie(tie.id) == changed
    assert changed.note == "Einsatzort Köllerbach"  # type: ignore[attr-defined]
    assert store.update_tie(tie.id, {"note": None}).note is None  # type: ignore[attr-defined]


def test_a_cooperation_source_holds_up_to_2000_characters(region: GraphStore) -> None:
    long = ("https://kooperation.example.org/vertrag " * 60)[:2000].strip()
    assert len(long) > 1990
    assert region.update_tie("c-1", {"source": long}).source == long  # type: ignore[attr-defined]
    assert region.get_tie("c-1").source == long  # type: ignore[attr-defined]
    with pytest.raises(InvalidValue, match="source"):
        region.update_tie("c-1", {"source": "x" * 2001})
    assert region.get_tie("c-1").source == long  # type: ignore[attr-defined]


def test_update_tie_properties(region: GraphStore) -> None:
    tie = region.update_tie("c-1", {"intensity": 1, "note": "seit 2016 Kooperationsvertrag"})
    assert region.get_tie("c-1") == tie
    assert (tie.intensity, tie.kind, tie.since) == (1, "formal_agreement", dt.date(2016, 1, 1))


def test_snapshot_as_of_and_filtered(region: GraphStore) -> None:
    s = region
    coop = [RelType.COOPERATES_WITH]
    then = s.snapshot(dt.date(2021, 1, 1), labels=[NodeLabel.ORGANISATION], types=coop)
    assert {n.id for n in then.nodes} == {"awo", "mso", "amt"}
    assert {t.id for t in then.ties} == {"c-1", "c-2"}
    now = s.snapshot(dt.date(2024, 1, 1), labels=[NodeLabel.ORGANISATION], types=coop)
    assert {t.id for t in now.ties} == {"c-1"}
    before = s.snapshot(dt.date(2017, 1, 1), labels=[NodeLabel.ORGANISATION], types=coop)
    assert {n.id for n in before.nodes} == {"awo", "amt"}
    town = s.snapshot(dt.date(2021, 1, 1), area="09999001")
    assert {n.id for n in town.nodes_with(NodeLabel.ORGANISATION)} == {"awo", "amt"}
    assert {n.id for n in town.nodes_with(NodeLabel.OFFER)} == {"off-1"}
    assert {t.id for t in town.ties_of(RelType.COOPERATES_WITH)} == {"c-1"}
    kind = s.snapshot(dt.date(2021, 1, 1), kind="migrant_organisation", field="work")
    assert {n.id for n in kind.nodes_with(NodeLabel.ORGANISATION)} == {"mso"}
    full = s.snapshot(dt.date(2021, 1, 1))
    assert len(full.nodes) == sum(v for k, v in s.counts().items() if k in set(NodeLabel))


def test_bulk_upsert_is_idempotent_and_atomic(store: GraphStore) -> None:
    from graph_schema.model import Body as BodyModel
    from graph_schema.model import CooperatesWith, MemberOf, Organisation, Person

    orgs = [Organisation(id=f"o-{i}", name=f"Verein {i}", kind="association") for i in range(300)]
    people = [Person(id=f"p-{i}", name=f"Person {i}") for i in range(20)]
    council = BodyModel(id="rat", name="Projektrat", kind="project_council")
    ties = [
        CooperatesWith(id=f"t-{i}", from_id=f"o-{i}", to_id=f"o-{i + 1}", intensity=1 + i % 3)
        for i in range(299)
    ]
    members = [
        MemberOf(id=f"m-{i}", from_id=f"p-{i}", to_id="rat", role="member") for i in range(20)
    ]
    members.append(MemberOf(id="m-org", from_id="o-0", to_id="rat", role="chair"))
    nodes = [*orgs, *people, council]
    written = store.bulk_upsert(nodes, [*ties, *members])
    assert written["Organisation"] == 300 and written["MEMBER_OF"] == 21
    first = store.counts()
    store.bulk_upsert(nodes, [*ties, *members])
    assert store.counts() == first
    assert first["COOPERATES_WITH"] == 299 and first["MEMBER_OF"] == 21
    changed = orgs[5].model_copy(update={"name": "Verein fünf"})
    store.bulk_upsert([changed], [])
    assert store.get(NodeLabel.ORGANISATION, "o-5").name == "Verein fünf"
    assert store.get_tie("m-org").role == "chair"
    broken = CooperatesWith(id="t-broken", from_id="o-1", to_id="missing")
    with pytest.raises(NotFound, match="missing"):
        store.bulk_upsert([Organisation(id="o-new", name="Neu", kind="other")], [broken])
    assert store.counts() == first
    wrong = CooperatesWith(id="t-wrong", from_id="o-1", to_id="p-1")
    with pytest.raises(InvalidRelationship):
        store.bulk_upsert([], [wrong])
    assert store.counts() == first


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.text(min_size=1, max_size=80).filter(lambda t: t.strip() and "\x00" not in t),
    languages=st.lists(st.text(max_size=5).filter(lambda t: "\x00" not in t), max_size=3),
)
def test_organisation_round_trip(store: GraphStore, name: str, languages: list[str]) -> None:
    org = store.create(
        NodeLabel.ORGANISATION, {"name": name, "kind": "initiative", "languages": languages}
    )
    assert store.get(NodeLabel.ORGANISATION, org.id) == org
    store.delete(NodeLabel.ORGANISATION, org.id)


@pytest.mark.parametrize("label", [NodeLabel.ORGANISATION, NodeLabel.PERSON, NodeLabel.AREA])
def test_update_compares_the_expected_version(store: GraphStore, label: NodeLabel) -> None:
    created = store.create(label, SAMPLES[label])
    first = store.entry_version(created)
    assert len(first) == 64 and store.entry_version(store.get(label, created.id)) == first
    updated = store.update(label, created.id, CHANGES[label], expected_version=first)
    second = store.entry_version(store.get(label, created.id))
    assert second != first and second == store.entry_version(updated)
    history = store.audit.list(entity_id=created.id)[1]
    with pytest.raises(Conflict, match="Nothing was written"):
        store.update(label, created.id, SAMPLES[label], expected_version=first)
    assert store.get(label, created.id) == updated
    assert store.audit.list(entity_id=created.id)[1] == history
    # one of several versions (If-Match with a list); no version: no comparison
    store.update(label, created.id, SAMPLES[label], expected_version=["x", second])
    store.update(label, created.id, CHANGES[label])
    with pytest.raises(NotFound):
        store.update(label, "gone", CHANGES[label], expected_version=first)


def test_version_changes_with_every_value_and_is_keyed(store: GraphStore) -> None:
    """A personal value changes the version too; without the store's key the version
    cannot be recomputed from guessed values."""
    import hashlib
    import json

    _node(store, NodeLabel.PERSON, "p-v")
    person = store.get(NodeLabel.PERSON, "p-v")
    before = store.entry_version(person)
    store.update(NodeLabel.PERSON, "p-v", {"phone": "0000 998"})
    assert store.entry_version(store.get(NodeLabel.PERSON, "p-v")) != before
    plain = json.dumps(
        [str(person.label), person.model_dump(mode="json")],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    assert hashlib.sha256(plain.encode()).hexdigest() != before


def test_a_second_writer_with_the_same_version_waits_and_is_refused(store: GraphStore) -> None:
    """The comparison and the write are one step: a writer holding the entry makes another
    with the same version wait, which then finds the new version and writes nothing."""
    import threading
    import time

    _node(store, NodeLabel.ORGANISATION, "o-v")
    version = store.entry_version(store.get(NodeLabel.ORGANISATION, "o-v"))
    outcome: list[BaseException | None] = []

    def second_writer() -> None:
        try:
            store.update(
                NodeLabel.ORGANISATION, "o-v", {"description": "B"}, expected_version=version
            )
            outcome.append(None)
        except BaseException as e:  # noqa: BLE001 - handed to the test's thread
            outcome.append(e)

    other = threading.Thread(target=second_writer)
    with store.transaction():
        store.update(NodeLabel.ORGANISATION, "o-v", {"description": "A"}, expected_version=version)
        other.start()
        time.sleep(0.5)
        assert other.is_alive() and not outcome  # waits for the first writer
    other.join(timeout=30)
    assert len(outcome) == 1 and isinstance(outcome[0], Conflict)
    assert store.get(NodeLabel.ORGANISATION, "o-v").description == "A"  # type: ignore[attr-defined]
