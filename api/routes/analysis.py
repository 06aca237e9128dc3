"""``/api/analysis/*``: the cooperation gaps, brokers, periphery and change over time."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from typing_extensions import TypedDict

from api.routes.resources import ERRORS
from api.security import Role, require
from api.services.analysis import (
    AnalysisService,
    AnalysisStatus,
    AnalysisSummary,
    CooperationGaps,
    Filters,
    Mixing,
    analysis_of,
)
from graph_schema import clock
from graph_schema.errors import InvalidValue
from network.actors import ActorMetrics
from network.brokerage import Brokerage
from network.change import NetworkChange
from network.figures import Communities
from network.results import result_type

router = APIRouter(
    prefix="/api/analysis",
    tags=["Analysis"],
    responses=ERRORS,
    dependencies=[require(Role.ADMIN, Role.EDITOR, Role.PARTNER, Role.VIEWER)],
)


def filters(
    as_of: Annotated[dt.date | None, Query(description="Default: today")] = None,
    area: Annotated[str | None, Query(max_length=100)] = None,
    field: Annotated[str | None, Query(max_length=100)] = None,
    kind: Annotated[str | None, Query(max_length=60)] = None,
) -> Filters:
    return (as_of or clock.today(), area, field, kind)


Params = Annotated[Filters, Depends(filters)]


def service(request: Request) -> AnalysisService:
    return analysis_of(request.app)


Service = Annotated[AnalysisService, Depends(service)]


def _day(f: Filters) -> dt.date:
    return f[0] or clock.today()


@result_type
class MetricsAnswer(TypedDict):
    as_of: dt.date
    #: whether any betweenness or closeness is a sampled estimate
    estimated: bool
    items: list[ActorMetrics]


@result_type
class CommunitiesAnswer(Communities):
    as_of: dt.date


@result_type
class BrokerageAnswer(TypedDict):
    as_of: dt.date
    items: list[Brokerage]


@result_type
class MixingAnswer(Mixing):
    as_of: dt.date


@router.get("/metrics")
def get_metrics(analysis: Service, f: Params) -> MetricsAnswer:
    """Centralities and structural-hole figures per organisation (NetworkX normalisation).

    On a large network (more than 5,000 organisations) betweenness and closeness are
    sampled estimates (``"estimated": true``) until the exact figures, computed in the
    background, are done; see ``/api/analysis/status``.
    """
    items = analysis.metrics(f)
    return {"as_of": _day(f), "estimated": any(r["estimated"] for r in items), "items": items}


@router.get("/summary")
def get_summary(analysis: Service, f: Params) -> AnalysisSummary:
    """Size, density, components, diameter, path length, centralisation, assortativity.

    ``"estimated": true`` on a large network until the exact figures are done.
    """
    return {"estimated": False, **analysis.summary(f)}


@router.get("/status")
def get_status(analysis: Service, f: Params) -> AnalysisStatus:
    """Progress of the exact figures computed in the background on a large network.

    ``{"state": "idle|running|done", "progress": 0..1, "store_version", "exact"}``:
    ``exact`` says whether ``/metrics`` and ``/summary`` now serve exact figures. Computes
    nothing itself; the first request for the figures after a change starts the job.
    """
    return analysis.status(f)


@router.get("/communities")
def get_communities(analysis: Service, f: Params) -> CommunitiesAnswer:
    """Louvain communities (seeded) with modularity."""
    return {"as_of": _day(f), **analysis.communities(f)}


@router.get("/brokerage")
def get_brokerage(analysis: Service, f: Params) -> BrokerageAnswer:
    """Gould–Fernandez brokerage roles by organisation kind."""
    return {"as_of": _day(f), "items": analysis.brokerage(f)}


@router.get("/mixing")
def get_mixing(analysis: Service, f: Params) -> MixingAnswer:
    """E-I indices and mixing matrices by kind, area and field."""
    return {"as_of": _day(f), **analysis.mixing(f)}


@router.get("/gaps")
def get_gaps(
    analysis: Service,
    f: Params,
    limit: Annotated[int, Query(ge=1, le=1000, description="Missing cooperations listed")] = 100,
) -> CooperationGaps:
    """Offer gaps, duplicate offers, missing cooperations, periphery, council representation.

    ``notes`` lists what the store still lacks for these answers to mean something (e.g.
    no areas yet: then there are no offer gaps to find), each ``{"code", "de", "en"}``
    with where to add it; ``council_representation.message`` does the same for the
    project council.
    """
    return analysis.gaps(f, limit)


@router.get("/change")
def get_change(
    analysis: Service,
    f: Params,
    from_: Annotated[dt.date, Query(alias="from", description="The earlier date")],
    to: Annotated[dt.date | None, Query(description="The later date (default: today)")] = None,
) -> NetworkChange:
    """Organisations and cooperations added and ended between two dates, figures at both."""
    later = to or clock.today()
    if later < from_:
        raise InvalidValue("to: the later date must not be before 'from'.")
    _, area, field, kind = f
    return analysis.change((from_, area, field, kind), (later, area, field, kind))
