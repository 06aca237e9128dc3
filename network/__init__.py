"""Network analysis: pure functions from a snapshot or a NetworkX graph to plain data.

One module per family:

* :mod:`network.graphs`: cooperation, council and offer graphs built from a snapshot;
* :mod:`network.actors`: per-organisation centrality, cohesion and structural holes;
* :mod:`network.figures`: whole-network figures and Louvain communities;
* :mod:`network.brokerage`: Gould-Fernandez brokerage roles by organisation kind;
* :mod:`network.mixing`: E-I index and mixing matrices by kind, area and field;
* :mod:`network.gaps`: offer gaps, duplicates, missing cooperations, periphery, council;
* :mod:`network.change`: what changed between two dates;
* :mod:`network.coverage`: offers per field of action and municipality.

Beside them, for the other packages: :mod:`network.engine` (igraph behind the path
metrics; the layout's seeded randomness) and :mod:`network.pool` (the worker process that
puts the second core to use; the app starts and stops it). Modules starting with ``_``
are this package's own.

Results are deterministic (fixed seeds, graphs built in id order) and contain only str,
int, float, bool, None, lists and dicts. Each result's shape is a ``TypedDict`` beside its
function (``ActorMetrics``, ``NetworkSummary``, ``OfferGap``, ...; reasons and notes are
:class:`network.results.Reason`, a code with parameters, worded in ``api/``): plain dicts
to the code, response models to FastAPI. Nothing here touches the store or the web layer.
"""
