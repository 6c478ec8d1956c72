"""The review pack's charts: which figures exist, and rendering them (in worker processes).

Every builder returns a :class:`matplotlib.figure.Figure` (no pyplot, no global state), so tests
can read its titles, labels and lines; :func:`png` renders one to PNG bytes. Colours are the
Okabe-Ito palette, which stays distinct under the common colour-vision deficiencies; each network
model has one colour and one marker in every chart, and vermillion always means "runs out" or
"infeasible". Each chart lives in its own module under :mod:`ipplan.report.charts`.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

from ipplan.core.plan import Plan
from ipplan.report.charts.address_map import _callouts, address_map_figure
from ipplan.report.charts.comparison import comparison_figure
from ipplan.report.charts.forecast import forecast_figure
from ipplan.report.charts.style import ALERT, MODEL_COLORS, MODEL_MARKERS, _figure, png
from ipplan.report.charts.sweep import sweep_figure
from ipplan.report.charts.utilization import utilization_figure

__all__ = [
    "ALERT",
    "CHARTS",
    "MODEL_COLORS",
    "MODEL_MARKERS",
    "_callouts",
    "address_map_figure",
    "comparison_figure",
    "forecast_figure",
    "png",
    "rendering",
    "sweep_figure",
    "utilization_figure",
]

#: file name -> figure builder, in the order the summary shows them
CHARTS = {
    "utilization.png": utilization_figure,
    "comparison.png": comparison_figure,
    "forecast.png": forecast_figure,
    "address_map.png": address_map_figure,
}
#: the order worker processes take them in: the slowest first
_BY_COST = ("forecast.png", "comparison.png", "address_map.png", "utilization.png")

_JOB_PLAN: list[Plan] = []  # the plan forked workers render (inherited, never pickled)


def _render_job(name: str) -> bytes:
    return png(CHARTS[name](_JOB_PLAN[0]))


@contextmanager
def rendering(plan: Plan, jobs: int | None = None) -> Iterator[Callable[[], dict[str, bytes]]]:
    """Start rendering every chart of *plan*; yield a function that waits for them all.

    Rendering is most of ``ipplan plan``'s time, so where ``fork`` exists and there is more
    than one CPU the charts render in worker processes while the caller goes on (writing the
    CSV tables); otherwise they render one by one when waited for. Same bytes either way.

    Args:
        jobs: worker processes; default one per CPU, at most one per chart. 1: no workers.
    """
    workers = min(len(CHARTS), jobs or os.cpu_count() or 1)
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield lambda: {name: png(build(plan)) for name, build in CHARTS.items()}
        return
    plan.forecast  # noqa: B018 - computed once here, so the workers inherit it
    _figure(1, 1)  # and matplotlib imported once, not once per worker
    _JOB_PLAN[:] = [plan]
    context = multiprocessing.get_context("fork")
    try:
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            futures = {name: pool.submit(_render_job, name) for name in _BY_COST}
            yield lambda: {name: futures[name].result() for name in CHARTS}
    finally:
        _JOB_PLAN.clear()
