"""Time ``ipplan import azure`` of a seeded estate, then ``ipplan validate`` of what it wrote
(issue 11: each within 3 s for 3,000 VNets x 10 subnets and 300 clusters, on 2 cores).

    PYTHONPATH=. python benchmarks/bench_import.py [VNETS SUBNETS CLUSTERS] [--runs N]

Each command runs as its own process, as a user runs it, after one warm-up run; the figures are
the median, min and max of the wall and CPU (user + sys) seconds of the runs. The estate comes
from :mod:`benchmarks.azure_estate` (the same seeded ``az network vnet list`` and ``az aks list``
output), written to a temporary folder.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import azure_estate  # noqa: E402

IPPLAN = [sys.executable, "-m", "ipplan"]


def _run(args: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of *args*, which must succeed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu


def _report(name: str, args: list[str], runs: int) -> None:
    _run(args)  # warm-up: file cache, .pyc files
    walls, cpus = zip(*(_run(args) for _ in range(runs)), strict=True)
    for figure, values in (("wall", walls), ("cpu", cpus)):
        print(
            f"{name:8} {figure:4} s  median {statistics.median(values):6.3f}  "
            f"min {min(values):6.3f}  max {max(values):6.3f}"
        )


def main(argv: list[str]) -> int:
    runs = 5
    if "--runs" in argv:
        at = argv.index("--runs")
        runs = int(argv[at + 1])
        argv = argv[:at] + argv[at + 2 :]
    sizes = argv or ["3000", "10", "300"]
    with tempfile.TemporaryDirectory() as folder:
        azure_estate.main([*sizes, folder])
        names = ("vnets.json", "clusters.json", "scenario.yaml")
        vnets, clusters, scenario = (os.path.join(folder, name) for name in names)
        print(f"estate: {' x '.join(sizes)} (VNets, subnets each, clusters); {runs} runs each")
        _report(
            "import",
            [*IPPLAN, "import", "azure", "--vnets", vnets, "--clusters", clusters]
            + ["-o", scenario, "--start", "2027-01"],
            runs,
        )
        _report("validate", [*IPPLAN, "validate", scenario], runs)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
