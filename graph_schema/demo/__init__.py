"""Deterministic generator of the fictional demo region "Beispielregion".

The demo region is a regional association (``Area`` of kind ``region``, id ``09999``) with
``max(10, size // 15)`` municipalities (8-digit AGS-style ids ``09999001``, ``09999002``, ...;
the largest town, "Beispielstadt", has four districts), ``size`` organisations of every
kind, about two offers per organisation, about 2.7 cooperations per organisation
(preferential attachment: welfare associations, authorities and the coordination office are
hubs, migrant organisations mostly sit on the periphery), about one contact person per
organisation, a Projektrat with about 25 memberships, a few working groups and networks and
some events. All names of people and small organisations are fictional; e-mail addresses use
``example.org`` domains and phone numbers the fictional ``0000`` range.

The output depends only on ``size``, ``seed`` and ``today``: every date is laid out relative
to ``today`` (cooperations start between 1 January ten years before and 31 December of the
previous year; about 10 % of them have ended before ``today``). Pass ``today`` explicitly for
output that does not change from day to day.

Planted gaps (guaranteed for every seed and every ``size >= MIN_SIZE``; the ids are returned
in :class:`PlantedGaps`, the lists are planted examples, random generation may add more):

1. **Missing field** (Angebotslücke): no offer at all, whatever its dates, both ADDRESSES the
   field ``missing_field`` and is AVAILABLE_IN one of the two municipalities
   ``missing_field_areas`` or in the whole region. The field has offers elsewhere and
   both municipalities have offers in other fields, so the gap is one of a single field.
2. **Uncoordinated duplicates** (Mehrfachstruktur): four pairs of offers, valid today, each
   pair in its own cell (same single field, same single area) by two different providers
   that have never had a COOPERATES_WITH tie in either direction.
3. **Coordinated duplicates**: three pairs of offers, valid today, each pair in its own cell
   by two different providers joined by a COOPERATES_WITH tie valid today.
4. **Peripheral MSOs**: six migrant organisations, three without any cooperation tie
   (isolates) and three whose only tie ever is one cooperation, valid today, with an
   organisation of the main network.
5. **Broker** (single point of failure): a local welfare unit ("Diakonie <town> –
   Fachdienst Migration") is the only link between a cluster of six organisations in one
   municipality (four MSOs, an initiative, a religious community; internally connected)
   and the main network, to which it has three ties, all in one connected component. No
   other cooperation tie, past or present, touches the cluster, so removing the broker from
   the network of ties valid today cuts off exactly ``broker_separates``.

The package holds one module per step: :mod:`~graph_schema.demo.words` (names and texts)
and :mod:`~graph_schema.demo.parameters` (sizes, shares, weights) are data; the steps
:mod:`~graph_schema.demo.areas`, :mod:`~graph_schema.demo.organisations`,
:mod:`~graph_schema.demo.cooperation`, :mod:`~graph_schema.demo.offers`,
:mod:`~graph_schema.demo.duplicates`, :mod:`~graph_schema.demo.people` and
:mod:`~graph_schema.demo.bodies` work on one shared state (:mod:`~graph_schema.demo.state`)
and :func:`~graph_schema.demo.generate.generate_region` runs them in order.

Examples:
    >>> import datetime as dt
    >>> region = generate_region(150, seed=7, today=dt.date(2026, 1, 15))
    >>> counts = region.counts()
    >>> counts["Organisation"], counts["Offer"], counts["Area"]
    (150, 300, 15)
    >>> counts["COOPERATES_WITH"]
    405
    >>> len(region.planted.broker_separates)
    6
    >>> region.planted.missing_field_areas[0][:5]
    '09999'
"""

from __future__ import annotations

from graph_schema.demo.generate import generate_region
from graph_schema.demo.parameters import (
    LANGUAGES,
    LARGEST_TOWN,
    MIN_SIZE,
    PROGRAMMES,
    REGION_ID,
    REGION_NAME,
)
from graph_schema.demo.region import DemoRegion, PlantedGaps, vocabulary_nodes

__all__ = [
    "LANGUAGES",
    "LARGEST_TOWN",
    "MIN_SIZE",
    "PROGRAMMES",
    "REGION_ID",
    "REGION_NAME",
    "DemoRegion",
    "PlantedGaps",
    "generate_region",
    "vocabulary_nodes",
]
