"""Time every phase of ``ipplan plan`` on seeded estates, beside a floor measured in the same run.

Run with ``make bench`` (or ``PYTHONPATH=. python benchmarks/bench_plan.py [--runs N] [SIZE ...]``,
where a SIZE is ``subnets/clusters/pools``, ``slash29`` for 3,000 /29s in one VNet, or
``vnets3000/300`` for 3,000 small VNets and 300 clusters; N is how many times each whole
command runs, 5 unless given). Estates come
from :mod:`benchmarks.estates`. Phases, in one process, one after the other (charts rendered
one by one, so each chart's cost is its own):

- load: YAML to data; validation: data to a Scenario; allocation and capacity: ``build_plan``
  (allocation is ``_allocate``; capacity is the rest); forecast: ``plan.forecast``;
- tables: the CSV tables written; each chart: built and rendered to PNG, with its print bands
  (cropped from the same pixels), with the garbage collector off as in plan's chart workers;
  summary: md + html, embedding those.

Then the whole command, ``python -m ipplan plan``, as a user runs it: its wall seconds and the
CPU seconds of it and its chart workers (which render on the other cores while the tables are
written, so the wall time is below the phases' sum).

Two floors, both from the same run, so a claim such as "plan within 5x of the floor" is checked
against numbers from the same machine at the same load:

- "floor command": a process that loads the file and writes the CSV tables alone, as a user
  would run it without the charts and the summary (start-up, load, validation, allocation,
  capacity and forecast, which the tables hold, then the tables). ``ipplan plan``'s wall time
  is compared with this one's wall time: the same units, the same start-up.
- "load + tables": the two phases alone, in this process (the narrower floor the earlier notes
  used, kept so that figures stay comparable).

Sizes also print the PNG bytes and the count of ``evaluate`` calls (the quantity the scaling
test holds).
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent))

import estates  # noqa: E402
import ipplan.core.capacity as capacity  # noqa: E402
import ipplan.core.forecast as core_forecast  # noqa: E402
import ipplan.core.plan as core_plan  # noqa: E402
from ipplan.report.chart import CHARTS, render_chart  # noqa: E402
from ipplan.report.pack import write_csv, write_summaries  # noqa: E402
from ipplan.scenario.checks import parse_scenario  # noqa: E402
from ipplan.scenario.load import _load_yaml  # noqa: E402

T = TypeVar("T")
DEFAULT_SIZES = ("100/10/30", "1000/10/30", "slash29", "10000/100/300")


def timed(run: Callable[[], T]) -> tuple[float, T]:
    cpu = time.process_time()
    result = run()
    return time.process_time() - cpu, result


class _Counter:
    """Counts calls of ``evaluate`` wherever it was imported."""

    def __init__(self) -> None:
        self.calls = 0
        self.real = capacity.evaluate

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self.real(*args, **kwargs)

    def install(self) -> None:
        for module in (capacity, core_forecast, core_plan):
            module.evaluate = self  # type: ignore[attr-defined]


def scenario_dict(size: str) -> dict[str, Any]:
    if size == "slash29":
        return estates.one_vnet_slash29s(3000)
    if size.startswith("vnets"):  # vnets3000/300: many small VNets, as an import gives
        vnets, clusters = (int(x) for x in size.removeprefix("vnets").split("/"))
        return estates.many_vnets(vnets, clusters)
    n, c, p = (int(x) for x in size.split("/"))
    return estates.estate(n, c, p)


def profile(size: str, folder: Path) -> dict[str, float]:
    """CPU seconds per phase for one estate, plus ``evaluate`` calls and PNG bytes."""
    text = estates.dump(scenario_dict(size))
    path = folder / "estate.yaml"
    path.write_text(text, encoding="utf-8")
    out: dict[str, float] = {}
    counter = _Counter()
    counter.install()
    out["load"], data = timed(lambda: _load_yaml(path.read_text(encoding="utf-8"), str(path)))
    out["validation"], scenario = timed(lambda: parse_scenario(data, str(path)))
    clusters = tuple(core_plan._capacity_cluster(c) for c in scenario.clusters)
    out["allocation"], _ = timed(lambda: core_plan._allocate(scenario, clusters))
    seconds, plan = timed(lambda: core_plan.build_plan(scenario))
    out["capacity"] = seconds - out["allocation"]
    out["forecast"], _ = timed(lambda: plan.forecast)
    pack = folder / "pack"
    pack.mkdir()
    out["tables"], _ = timed(lambda: write_csv(plan, pack))
    png_bytes, charts = 0, {}
    # as in plan's chart workers: the heap built so far out of every collection, and no
    # collections while drawing (ipplan.report.chart._start_worker)
    gc.freeze()
    gc.disable()
    for name in CHARTS:
        out[name], chart = timed(lambda name=name: render_chart(plan, name))
        (pack / name).write_bytes(chart.png)
        png_bytes = max(png_bytes, len(chart.png))
        charts[name] = chart
    gc.enable()
    gc.unfreeze()
    out["summary"], _ = timed(lambda: write_summaries(plan, pack, charts))
    out["load + tables"] = out["load"] + out["tables"]
    out["plan"] = sum(v for k, v in out.items() if k != "load + tables")
    # the two commands alternate, RUNS times each, so that both meet the same load; medians
    plans, floors = [], []
    for run in range(RUNS):
        plans.append(_command(path, folder / f"report-{run}"))
        floors.append(_command(path, folder / f"tables-{run}", _TABLES_ONLY))
    out["ipplan plan, wall"], out["ipplan plan, CPU"] = _median(plans)
    out["floor command, wall"], out["floor command, CPU"] = _median(floors)
    out["plan / floor, lowest run"] = min(p[0] / f[0] for p, f in zip(plans, floors, strict=True))
    out["plan / floor, highest run"] = max(p[0] / f[0] for p, f in zip(plans, floors, strict=True))
    out["evaluate calls"] = counter.calls
    out["largest PNG MB"] = png_bytes / 1e6
    out["pack MB"] = sum(p.stat().st_size for p in pack.iterdir()) / 1e6
    out["subnets"] = len(plan.subnets)
    capacity.evaluate = counter.real
    core_forecast.evaluate = counter.real  # type: ignore[attr-defined]
    core_plan.evaluate = counter.real  # type: ignore[attr-defined]
    return out


#: the floor command: load the scenario and write the CSV tables alone, in a process of its own
_TABLES_ONLY = """
import sys
from pathlib import Path
from ipplan.core.plan import build_plan
from ipplan.report.pack import write_csv
from ipplan.scenario import load_scenario
out = Path(sys.argv[2])
out.mkdir()
write_csv(build_plan(load_scenario(sys.argv[1])), out)
"""


#: how many times each whole command runs (``--runs N``): the machine is shared, and one run
#: of each can be a quarter off; the table shows the medians and each run's lowest and highest
#: plan / floor ratio
RUNS = 5


def _median(runs: list[tuple[float, float]]) -> tuple[float, float]:
    """The median wall seconds and the median CPU seconds of *runs*."""
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def _command(scenario: Path, out: Path, script: str | None = None) -> tuple[float, float]:
    """A command in its own process: by default the whole ``ipplan plan`` as a user runs it
    (charts in its worker processes), else the Python *script* given the scenario and the
    output folder. Wall seconds, and CPU seconds of it and its children."""
    command = ["-m", "ipplan", "plan", str(scenario), "--out", str(out)]
    if script is not None:
        command = ["-c", script, str(scenario), str(out)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    # its warnings go to stderr, as every command says them: not into the table
    subprocess.run(
        [sys.executable, *command], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu


def main(sizes: list[str]) -> int:
    print(
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f}; CPU seconds of this process, charts rendered one by one; "
        f"whole commands: medians of {RUNS} alternating runs"
    )
    results = {}
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            results[size] = profile(size, Path(tmp))
    phases = ["load", "validation", "allocation", "capacity", "forecast", "tables"]
    phases += [*CHARTS, "summary", "plan", "load + tables", "ipplan plan, wall", "ipplan plan, CPU"]
    phases += ["floor command, wall", "floor command, CPU"]
    print()
    print("| phase | " + " | ".join(sizes) + " |")
    print("|---|" + "---:|" * len(sizes))
    for phase in phases:
        cells = [f"{results[s][phase]:.2f} s" for s in sizes]
        print(f"| {phase} | " + " | ".join(cells) + " |")
    ratios = [f"{r['plan'] / r['load + tables']:.1f}x" for r in results.values()]
    print("| plan / (load + tables) | " + " | ".join(ratios) + " |")
    ratios = [f"{r['ipplan plan, wall'] / r['load + tables']:.1f}x" for r in results.values()]
    print("| ipplan plan wall / (load + tables) | " + " | ".join(ratios) + " |")
    ratios = [f"{r['ipplan plan, wall'] / r['floor command, wall']:.1f}x" for r in results.values()]
    print("| ipplan plan wall / floor command wall (medians) | " + " | ".join(ratios) + " |")
    ratios = [
        f"{r['plan / floor, lowest run']:.1f}x to {r['plan / floor, highest run']:.1f}x"
        for r in results.values()
    ]
    print(f"| plan / floor, each of {RUNS} alternating runs | " + " | ".join(ratios) + " |")
    for extra in ("subnets", "evaluate calls", "largest PNG MB", "pack MB"):
        style = ",.1f" if "MB" in extra else ",.0f"
        cells = [format(results[s][extra], style) for s in sizes]
        print(f"| {extra} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Time ipplan plan's phases on seeded estates.")
    parser.add_argument("--runs", type=int, default=RUNS, help="runs of each whole command")
    parser.add_argument("sizes", nargs="*", default=list(DEFAULT_SIZES), metavar="SIZE")
    options = parser.parse_args()
    if options.runs < 1:
        parser.error(f"--runs takes 1 or more, not {options.runs}")
    RUNS = options.runs
    sys.exit(main(options.sizes))
