"""The property-graph model of Netzwerkatlas, defined once.

Every node label and relationship type of ``shared/design/domain.md`` is a pydantic model
here. The property lists of the store's Cypher and the API schemas are derived from these
classes. The database schema is not: a new property, label or tie type also needs a frozen
migration at the end of ``graph_schema/store/ddl.py`` (a test says so until it is there).
"""

from __future__ import annotations

import builtins
import datetime as dt
import re
import types
import typing
import uuid
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from graph_schema.vocab import AreaKind, BodyKind, CooperationKind, OrganisationKind, Role

__all__ = [
    "ID_PREFIX",
    "NODE_MODELS",
    "NODE_VALIDITY",
    "REL_SPECS",
    "Node",
    "NodeLabel",
    "PropKind",
    "RelSpec",
    "RelType",
    "Tie",
    "new_id",
    "node_model",
    "property_kinds",
    "rel_spec",
]

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,99}$"
_ID_RE = re.compile(ID_PATTERN)

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]
#: where an entry or tie comes from: one or several web addresses or a citation
Source = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]


class NodeLabel(StrEnum):
    ORGANISATION = "Organisation"
    PERSON = "Person"
    BODY = "Body"
    OFFER = "Offer"
    AREA = "Area"
    FIELD = "Field"
    TARGET_GROUP = "TargetGroup"
    EVENT = "Event"


class RelType(StrEnum):
    COOPERATES_WITH = "COOPERATES_WITH"
    BELONGS_TO = "BELONGS_TO"
    MEMBER_OF = "MEMBER_OF"
    REPRESENTS = "REPRESENTS"
    PROVIDES = "PROVIDES"
    ADDRESSES = "ADDRESSES"
    SERVES = "SERVES"
    AVAILABLE_IN = "AVAILABLE_IN"
    ACTIVE_IN = "ACTIVE_IN"
    WORKS_ON = "WORKS_ON"
    PART_OF = "PART_OF"
    ATTENDED = "ATTENDED"


def new_id(prefix: str) -> str:
    """A fresh, stable identifier such as ``org-3f9c0a1b2d4e``."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def is_valid_id(value: str) -> bool:
    return bool(_ID_RE.match(value))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, use_enum_values=True)


# --------------------------------------------------------------------------- nodes


class Node(_Model):
    """Base of every node: a stable ``id`` unique within the whole graph."""

    label: ClassVar[NodeLabel]
    #: the prefix of generated ids (``org-3f9c0a1b2d4e``)
    id_prefix: ClassVar[str]
    #: properties searched by the store's text filter ``q``
    text_properties: ClassVar[tuple[str, ...]] = ()
    #: property used as the display name
    name_property: ClassVar[str] = "name"
    #: the dates that say whether the node existed on a day (its start, its end), if any
    valid_from: ClassVar[str | None] = None
    valid_until: ClassVar[str | None] = None
    #: properties only roles with access to personal data may see
    personal_properties: ClassVar[tuple[str, ...]] = ()

    id: Id

    @model_validator(mode="before")
    @classmethod
    def _default_id(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data.get("id"):
            data = {**data, "id": new_id(cls.id_prefix)}
        return data

    @property
    def display_name(self) -> str:
        return str(getattr(self, self.name_property))

    def exists_on(self, day: dt.date) -> bool:
        """Whether the node existed on ``day``: founded, started or held by then, not ended
        before (:attr:`valid_from`, :attr:`valid_until`; always, for labels without them).

        Examples:
            >>> offer = Offer(id="off-1", title="Sprachcafé", ends_on=dt.date(2024, 12, 31))
            >>> offer.exists_on(dt.date(2024, 6, 1)), offer.exists_on(dt.date(2025, 1, 1))
            (True, False)
        """
        begins = getattr(self, self.valid_from) if self.valid_from else None
        ends = getattr(self, self.valid_until) if self.valid_until else None
        return (begins is None or begins <= day) and (ends is None or day <= ends)


class Organisation(Node):
    """Any actor of the network: welfare association, MSO, authority, initiative, ..."""

    label = NodeLabel.ORGANISATION
    id_prefix = "org"
    text_properties = ("name", "short_name", "description")
    valid_from = "founded"

    name: Name
    short_name: Short | None = None
    kind: OrganisationKind
    description: Text | None = None
    website: Short | None = None
    email: Short | None = None
    phone: Short | None = None
    address: Short | None = None
    languages: list[Short] = Field(default_factory=list)
    tags: list[Short] = Field(default_factory=list)
    founded: dt.date | None = None
    source: Source | None = None


class Person(Node):
    """A contact person or council member. Holds personal data."""

    label = NodeLabel.PERSON
    id_prefix = "per"
    text_properties = ("name", "function")
    personal_properties = ("email", "phone", "consent_given_on")

    name: Name
    function: Short | None = None
    email: Short | None = None
    phone: Short | None = None
    consent_given_on: dt.date | None = None


class Body(Node):
    """A committee (Gremium), e.g. the Projektrat."""

    label = NodeLabel.BODY
    id_prefix = "bod"
    text_properties = ("name", "description")

    name: Name
    kind: BodyKind
    description: Text | None = None


class Offer(Node):
    """A service (Angebot) offered by an organisation."""

    label = NodeLabel.OFFER
    id_prefix = "off"
    text_properties = ("title", "description")
    name_property = "title"
    valid_from, valid_until = "starts_on", "ends_on"

    title: Name
    description: Text | None = None
    languages: list[Short] = Field(default_factory=list)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    programme: Short | None = None
    cost: Short | None = None

    @model_validator(mode="after")
    def _check_dates(self) -> Offer:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValueError("ends_on must not be before starts_on")
        return self


class Area(Node):
    """A place: a state, a region (Kreis), a municipality (id = AGS where there is one) or
    a district."""

    label = NodeLabel.AREA
    id_prefix = "are"
    text_properties = ("name",)

    name: Name
    kind: AreaKind
    #: at most the largest number the databases store (INT64)
    population: Annotated[int, Field(ge=0, le=2**63 - 1)] | None = None
    #: the day the population was counted (the list's "Stand")
    population_as_of: dt.date | None = None
    source: Source | None = None


class FieldOfAction(Node):
    """A field of action (Handlungsfeld)."""

    label = NodeLabel.FIELD
    id_prefix = "fld"
    text_properties = ("name_de", "name_en")
    name_property = "name_de"

    name_de: Name
    #: optional: English pages fall back to the German name
    name_en: Name | None = None


class TargetGroup(Node):
    """A target group (Zielgruppe)."""

    label = NodeLabel.TARGET_GROUP
    id_prefix = "tg"
    text_properties = ("name_de", "name_en")
    name_property = "name_de"

    name_de: Name
    #: optional: English pages fall back to the German name
    name_en: Name | None = None


class Event(Node):
    """An event, e.g. a Fachveranstaltung."""

    label = NodeLabel.EVENT
    id_prefix = "evt"
    text_properties = ("title",)
    name_property = "title"
    valid_from = "held_on"

    title: Name
    held_on: dt.date | None = None


NODE_MODELS: dict[NodeLabel, type[Node]] = {
    m.label: m
    for m in (
        Organisation,
        Person,
        Body,
        Offer,
        Area,
        FieldOfAction,
        TargetGroup,
        Event,
    )
}

#: the prefix of generated ids per label
ID_PREFIX: dict[NodeLabel, str] = {label: m.id_prefix for label, m in NODE_MODELS.items()}
#: the dates that say whether a node of a label existed on a day: (start, end) properties
NODE_VALIDITY: dict[NodeLabel, tuple[str | None, str | None]] = {
    label: (m.valid_from, m.valid_until)
    for label, m in NODE_MODELS.items()
    if m.valid_from or m.valid_until
}


# --------------------------------------------------------------------------- ties


class Tie(_Model):
    """Base of every relationship: a stable ``id`` and a validity interval.

    A tie is valid on day ``d`` when ``since <= d <= until``; either end may be open.
    """

    type: ClassVar[RelType]

    id: Id
    from_id: Id
    to_id: Id
    since: dt.date | None = None
    until: dt.date | None = None

    @model_validator(mode="before")
    @classmethod
    def _default_id(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data.get("id"):
            data = {**data, "id": new_id("tie")}
        return data

    @model_validator(mode="after")
    def _check_interval(self) -> Tie:
        if self.since and self.until and self.until < self.since:
            raise ValueError(
                f"until ({self.until.isoformat()}) is before since ({self.since.isoformat()}): "
                "set until on or after since"
            )
        return self

    def valid_on(self, day: dt.date) -> bool:
        return (self.since is None or self.since <= day) and (
            self.until is None or day <= self.until
        )


class CooperatesWith(Tie):
    type = RelType.COOPERATES_WITH
    kind: CooperationKind | None = None
    intensity: Annotated[int, Field(ge=1, le=3)] = 1
    note: Text | None = None
    source: Source | None = None


class BelongsTo(Tie):
    type = RelType.BELONGS_TO


class MemberOf(Tie):
    type = RelType.MEMBER_OF
    role: Role = Role.MEMBER
    seat: Short | None = None


class Represents(Tie):
    type = RelType.REPRESENTS
    function: Short | None = None


class Provides(Tie):
    type = RelType.PROVIDES


class Addresses(Tie):
    type = RelType.ADDRESSES
    note: Text | None = None


class Serves(Tie):
    type = RelType.SERVES
    note: Text | None = None


class AvailableIn(Tie):
    type = RelType.AVAILABLE_IN
    #: e.g. the list's remark beside the place ("Einsatzort Köllerbach")
    note: Text | None = None


class ActiveIn(Tie):
    type = RelType.ACTIVE_IN
    #: e.g. the list's remark beside the place ("Einsatzort Köllerbach")
    note: Text | None = None


class WorksOn(Tie):
    type = RelType.WORKS_ON
    note: Text | None = None


class PartOf(Tie):
    type = RelType.PART_OF


class Attended(Tie):
    type = RelType.ATTENDED


@dataclass(frozen=True)
class RelSpec:
    """A relationship type: its model and the (from, to) label pairs it may join."""

    type: RelType
    model: builtins.type[Tie]  # `type` is shadowed by the field above
    endpoints: tuple[tuple[NodeLabel, NodeLabel], ...]

    @property
    def from_labels(self) -> tuple[NodeLabel, ...]:
        return tuple(dict.fromkeys(a for a, _ in self.endpoints))

    @property
    def to_labels(self) -> tuple[NodeLabel, ...]:
        return tuple(dict.fromkeys(b for _, b in self.endpoints))


_L = NodeLabel
REL_SPECS: dict[RelType, RelSpec] = {
    s.type: s
    for s in (
        RelSpec(RelType.COOPERATES_WITH, CooperatesWith, ((_L.ORGANISATION, _L.ORGANISATION),)),
        RelSpec(RelType.BELONGS_TO, BelongsTo, ((_L.ORGANISATION, _L.ORGANISATION),)),
        RelSpec(
            RelType.MEMBER_OF,
            MemberOf,
            ((_L.ORGANISATION, _L.BODY), (_L.PERSON, _L.BODY)),
        ),
        RelSpec(RelType.REPRESENTS, Represents, ((_L.PERSON, _L.ORGANISATION),)),
        RelSpec(RelType.PROVIDES, Provides, ((_L.ORGANISATION, _L.OFFER),)),
        RelSpec(RelType.ADDRESSES, Addresses, ((_L.OFFER, _L.FIELD),)),
        RelSpec(RelType.SERVES, Serves, ((_L.OFFER, _L.TARGET_GROUP),)),
        RelSpec(RelType.AVAILABLE_IN, AvailableIn, ((_L.OFFER, _L.AREA),)),
        RelSpec(RelType.ACTIVE_IN, ActiveIn, ((_L.ORGANISATION, _L.AREA),)),
        RelSpec(RelType.WORKS_ON, WorksOn, ((_L.ORGANISATION, _L.FIELD),)),
        RelSpec(RelType.PART_OF, PartOf, ((_L.AREA, _L.AREA),)),
        RelSpec(
            RelType.ATTENDED,
            Attended,
            ((_L.ORGANISATION, _L.EVENT), (_L.PERSON, _L.EVENT)),
        ),
    )
}


def node_model(label: NodeLabel | str) -> type[Node]:
    return NODE_MODELS[NodeLabel(label)]


def rel_spec(rel_type: RelType | str) -> RelSpec:
    return REL_SPECS[RelType(rel_type)]


# --------------------------------------------------------------------------- property kinds


class PropKind(StrEnum):
    """Storage kind of a property, mapped to a column type by each backend's DDL."""

    STRING = "string"
    INT = "int"
    DATE = "date"
    STRING_LIST = "string_list"


def _kind_of(annotation: Any) -> PropKind:
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _kind_of(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _kind_of(args[0])
    if origin is list:
        return PropKind.STRING_LIST
    if annotation is dt.date:
        return PropKind.DATE
    if annotation is int:
        return PropKind.INT
    if annotation is str or (isinstance(annotation, type) and issubclass(annotation, Enum)):
        return PropKind.STRING
    raise TypeError(f"no storage kind for {annotation!r}")


def property_kinds(model: type[Node] | type[Tie]) -> dict[str, PropKind]:
    """Stored properties of a node or tie model with their kinds, in declaration order.

    Ties' endpoints (``from_id``, ``to_id``) are the relationship's ends, not properties.

    Examples:
        >>> {name: str(kind) for name, kind in property_kinds(Event).items()}
        {'id': 'string', 'title': 'string', 'held_on': 'date'}
        >>> str(property_kinds(Area)["population_as_of"])
        'date'
        >>> list(property_kinds(MemberOf))
        ['id', 'since', 'until', 'role', 'seat']
    """
    return {
        name: _kind_of(field.annotation)
        for name, field in model.model_fields.items()
        if name not in ("from_id", "to_id")
    }
