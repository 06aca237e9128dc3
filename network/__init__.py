"""Network analysis: pure functions from a snapshot or a NetworkX graph to plain data.

One module per family:

* :mod:`network.graphs`: cooperation, council and offer graphs built from a snapshot;
* :mod:`network.actors`: per-organisation centrality, cohesion and structural holes;
* :mod:`network.figures`: whole-network figures and Louvain communities;
* :mod:`network.brokerage`: Gould-Fernandez brokerage roles by organisation kind;
* :mod:`network.mixing`: E-I index and mixing matrices by kind, area and field;
* :mod:`network.gaps`: offer gaps, duplicates, missing cooperations, periphery, council;
* :mod:`network.change`: what changed between two dates.

Results are deterministic (fixed seeds, graphs built in id order) and contain only str,
int, float, bool, None, lists and dicts. Nothing here touches the store or the web layer.
"""
