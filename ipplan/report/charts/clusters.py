"""The line under the per-cluster charts (comparison.png, forecast.png) that says which
clusters they left out (issue 11).

Which clusters they draw is an answer of the plan, :func:`ipplan.core.answers.clusters_that_matter`
(the terminal and the summary show the same ones): a band per cluster is readable for a dozen
clusters; at 100 or 300 it is a 100-inch image that takes a minute to render and that nobody
scrolls through. Every cluster's numbers stay in comparison.csv and exhaustion.csv.
"""

from __future__ import annotations

from ipplan.core.answers import SHOWN_ORDER
from ipplan.core.plan import Plan


def left_out_note(plan: Plan, shown: int, table: str) -> str:
    """The line under a chart that draws *shown* of the plan's clusters: how many are left
    out, how the drawn ones were picked, and the table that has them all."""
    total = len(plan.clusters)
    return f"{shown:,} of {total:,} clusters shown ({SHOWN_ORDER}); all {total:,} are in {table}"
