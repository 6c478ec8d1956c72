"""Which clusters the per-cluster charts (comparison.png, forecast.png) draw (issue 11).

A band per cluster is readable for a dozen clusters; at 100 or 300 it is a 100-inch image that
takes a minute to render and that nobody scrolls through. Past :data:`MAX_CLUSTERS` the charts
draw the clusters a reader must look at first and say how many they left out; every cluster's
numbers stay in comparison.csv and exhaustion.csv.
"""

from __future__ import annotations

from ipplan.core.answers import first_to_run_out
from ipplan.core.capacity import Cluster
from ipplan.core.plan import Plan
from ipplan.rules import Severity

#: clusters drawn at most, a band each
MAX_CLUSTERS = 12
#: how :func:`shown_clusters` picks past MAX_CLUSTERS, in the words the charts and summary use
SHOWN_ORDER = "infeasible as planned first, then those that run out first, then by name"


def shown_clusters(plan: Plan, limit: int = MAX_CLUSTERS) -> list[Cluster]:
    """The clusters comparison.png and forecast.png draw, a band each, top to bottom.

    All of them in plan order up to *limit*. Past it, the plan's own answers pick: the
    clusters infeasible as written (an error under their own model) first, then those whose
    first resource runs out within the horizon, soonest first, then the rest by name.
    """
    clusters = list(plan.clusters)
    if len(clusters) <= limit:
        return clusters

    def rank(cluster: Cluster) -> tuple[bool, bool, int, str]:
        infeasible = bool(plan.estimate.problems_of(cluster.name, Severity.ERROR))
        first = first_to_run_out(plan, cluster.network, cluster.name)
        month = None if first is None else first.exhaustion_month
        return (not infeasible, month is None, month or 0, cluster.name)

    return sorted(clusters, key=rank)[:limit]


def left_out_note(plan: Plan, shown: int, table: str) -> str:
    """The line under a chart that draws *shown* of the plan's clusters: how many are left
    out, how the drawn ones were picked, and the table that has them all."""
    total = len(plan.clusters)
    return f"{shown:,} of {total:,} clusters shown ({SHOWN_ORDER}); all {total:,} are in {table}"
