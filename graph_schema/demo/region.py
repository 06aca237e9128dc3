"""What a generation returns: the region's nodes and ties and the planted gaps."""

from __future__ import annotations

from dataclasses import dataclass

from graph_schema.model import FieldOfAction, Node, NodeLabel, RelType, TargetGroup, Tie
from graph_schema.vocab import FIELDS, TARGET_GROUPS

__all__ = ["DemoRegion", "PlantedGaps", "vocabulary_nodes"]


@dataclass
class PlantedGaps:
    """The gaps planted on purpose; see the module docstring for their guarantees.

    Attributes:
        missing_field: a Field id with no offer at all in ``missing_field_areas``.
        missing_field_areas: two municipality Area ids.
        uncoordinated_duplicates: pairs of Offer ids in the same field × area cell whose
            providers have no COOPERATES_WITH tie.
        coordinated_duplicates: pairs of Offer ids in the same cell whose providers are
            tied by a COOPERATES_WITH tie valid today.
        peripheral_msos: migrant organisation ids with no or exactly one cooperation partner.
        broker: the Organisation id whose removal cuts ``broker_separates`` off the network.
        broker_separates: the organisation ids cut off when the broker is removed.
    """

    missing_field: str
    missing_field_areas: tuple[str, str]
    uncoordinated_duplicates: list[tuple[str, str]]
    coordinated_duplicates: list[tuple[str, str]]
    peripheral_msos: list[str]
    broker: str
    broker_separates: list[str]


@dataclass
class DemoRegion:
    """A generated region: validated model instances and the planted gaps.

    Attributes:
        nodes: node model instances per label (every label is a key).
        ties: tie model instances per relationship type (every type is a key).
        planted: the planted gaps.
    """

    nodes: dict[NodeLabel, list[Node]]
    ties: dict[RelType, list[Tie]]
    planted: PlantedGaps

    def counts(self) -> dict[str, int]:
        """Number of nodes per label and of ties per type, keyed by label / type name.

        Returns:
            e.g. ``{"Organisation": 150, ..., "COOPERATES_WITH": 405, ...}``.
        """
        out = {str(label): len(items) for label, items in self.nodes.items()}
        out.update({str(rel): len(items) for rel, items in self.ties.items()})
        return out


def vocabulary_nodes() -> tuple[list[FieldOfAction], list[TargetGroup]]:
    """The shipped fields of action and target groups of :mod:`graph_schema.vocab` as nodes.

    Returns:
        ``(fields, target_groups)``; each node's id is its vocabulary code.

    Examples:
        >>> fields, groups = vocabulary_nodes()
        >>> fields[0].id, fields[0].name_en
        ('language', 'Language and early education')
        >>> len(groups) == len(TARGET_GROUPS)
        True
    """
    fields = [FieldOfAction(id=c, name_de=lb.de, name_en=lb.en) for c, lb in FIELDS.items()]
    groups = [TargetGroup(id=c, name_de=lb.de, name_en=lb.en) for c, lb in TARGET_GROUPS.items()]
    return fields, groups
