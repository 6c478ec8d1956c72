"""The review pack's charts: which figures exist, and rendering them (in worker processes).

Every builder returns a :class:`matplotlib.figure.Figure` (no pyplot, no global state), so tests
can read its titles, labels and lines; :func:`png` renders one to PNG bytes. Colours are the
Okabe-Ito palette, which stays distinct under the common colour-vision deficiencies; each network
model has one colour and one marker in every chart, and vermillion always means "runs out" or
"infeasible". Each chart lives in its own module under :mod:`ipplan.report.charts`.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

from ipplan.core.cidr import gc_paused
from ipplan.core.plan import Plan
from ipplan.report.charts.address_map import _callouts, address_map_bands, address_map_figure
from ipplan.report.charts.comparison import comparison_bands, comparison_figure
from ipplan.report.charts.forecast import forecast_bands, forecast_figure
from ipplan.report.charts.style import (
    ALERT,
    MODEL_COLORS,
    MODEL_MARKERS,
    Rendered,
    _figure,
    png,
    render,
)
from ipplan.report.charts.sweep import sweep_figure
from ipplan.report.charts.utilization import utilization_bands, utilization_figure

__all__ = [
    "ALERT",
    "BANDS",
    "CHARTS",
    "MODEL_COLORS",
    "MODEL_MARKERS",
    "_callouts",
    "address_map_figure",
    "comparison_figure",
    "forecast_figure",
    "Rendered",
    "png",
    "render",
    "render_chart",
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
#: where each chart may be cut between its bands (inches from its top, its height last): on
#: paper each band is a slice of its own, kept whole, so a tall chart prints at full size over
#: several pages (its 8 pt text stays 8 pt) instead of shrinking onto one (issue 15)
BANDS: dict[str, Callable[[Plan], tuple[float, ...]]] = {
    "utilization.png": utilization_bands,
    "comparison.png": comparison_bands,
    "forecast.png": forecast_bands,
    "address_map.png": address_map_bands,
}
#: the order worker processes take them in: the slowest first
_BY_COST = ("comparison.png", "forecast.png", "utilization.png", "address_map.png")

_JOB_PLAN: list[Plan] = []  # the plan forked workers render (inherited, never pickled)


def render_chart(plan: Plan, name: str) -> Rendered:
    """Chart *name* of *plan*, drawn once: its PNG and its print bands."""
    return render(CHARTS[name](plan), BANDS[name](plan))


def _render_job(name: str) -> Rendered:
    return render_chart(_JOB_PLAN[0], name)


#: prctl(2) option: the signal a process gets when its parent dies (linux/prctl.h)
_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """End this worker when *parent* ends, however it ends.

    A killed ``plan`` (SIGKILL, a CI timeout) never gets to shut its pool down, and its
    workers would sleep on, holding the plan's memory. On Linux the kernel sends them SIGKILL
    when the parent dies (PR_SET_PDEATHSIG); elsewhere a thread polls the parent's pid. Ctrl-C
    goes to the whole process group: workers ignore it and the parent stops them.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    armed = False
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
        except (OSError, AttributeError):
            armed = False
    if os.getppid() != parent:  # it died before the signal was armed
        os._exit(1)
    if not armed:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _start_worker(parent: int) -> None:
    """Worker initializer: end with *parent* (:func:`_die_with_parent`), and draw with the
    cyclic garbage collector off.

    A worker inherits the whole plan (200,000 tracked objects at 1,000 subnets) and draws a
    few bounded charts before the pool ends it. With the collector on, each of the hundreds of
    collections that matplotlib's allocations start walks that heap: 16% of the four charts'
    CPU at 1,000 subnets (issue 11). ``gc.freeze`` leaves the inherited objects out of every
    collection (and so leaves their memory pages shared with the parent); ``gc.disable`` stops
    the young collections too: the figures' reference cycles are freed when the worker ends.
    """
    _die_with_parent(parent)
    gc.freeze()
    gc.disable()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


@contextmanager
def rendering(plan: Plan, jobs: int | None = None) -> Iterator[Callable[[], dict[str, Rendered]]]:
    """Start rendering every chart of *plan*; yield a function that waits for them all.

    Rendering is most of ``ipplan plan``'s time, so where ``fork`` exists and there is more
    than one CPU the charts render in worker processes while the caller goes on (writing the
    CSV tables); otherwise they render one by one when waited for. Same bytes either way.

    Args:
        jobs: worker processes; default one per CPU, at most one per chart. 1: no workers.
    """
    workers = min(len(CHARTS), jobs or os.cpu_count() or 1)
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield lambda: {name: render_chart(plan, name) for name in CHARTS}
        return
    with gc_paused():  # a collection during the import would walk the whole plan
        plan.forecast  # noqa: B018 - computed once here, so the workers inherit it
        _figure(1, 1)  # and matplotlib imported once, not once per worker
    _JOB_PLAN[:] = [plan]
    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start_worker, initargs=(os.getpid(),)
    )
    try:
        futures = {name: pool.submit(_render_job, name) for name in _BY_COST}
        yield lambda: {name: futures[name].result() for name in CHARTS}
    except BaseException:
        # an error or Ctrl-C: do not wait for charts nobody will write
        _stop(pool)
        raise
    else:
        pool.shutdown()
    finally:
        _JOB_PLAN.clear()


def _stop(pool: ProcessPoolExecutor) -> None:
    """Shut *pool* down now: cancel what has not started and end the workers."""
    # the executor has no public way to end running jobs; its worker table is private
    workers = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for worker in workers:
        worker.terminate()
    for worker in workers:
        worker.join(5)
