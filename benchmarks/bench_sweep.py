"""Time ``ipplan sweep``'s evaluation and CSV writing, and ``ipplan plan`` end to end.

Run with ``make bench`` (or ``PYTHONPATH=. python benchmarks/bench_sweep.py``). Targets (issue 6):
at least 20 million scenarios a second of evaluation, a 1,000,000-row sweep written to CSV in a
few seconds, and ``ipplan plan data/example.yaml`` under 2 s end to end.

- E1 grid: ``evaluate_grid`` on nodes 1..10,000 x max pods 10..250 (2,410,000 pairs), for every
  network model and two surges (24.1 million scenarios), as the sweep calls it (a row of nodes
  against a column of max pods, every output column materialised as a full 2-D array).
- E2 pairs: the same arithmetic on 2,000,000 unrelated (nodes, max pods) pairs per model and
  surge (20 million scenarios): no broadcasting shortcut at all; every output a full array.
- S1: a 1,000,000-row sweep (nodes 1..50,000 x 4 max pods x 5 models) formatted and written to a
  CSV file, then the same through the CLI (``ipplan sweep``, with its heatmap PNG).
- P1: ``ipplan plan data/example.yaml`` in a fresh process, wall clock.

Each is the best of a few runs: other processes share the machine, so the load average is
printed. Before timing, a sample of E2's rows is checked against the scalar capacity model.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import numpy as np

from ipplan.core.capacity import Cluster, NodePool, Subnet, comparison, evaluate
from ipplan.core.keys import SubnetKey
from ipplan.rules import Network, Severity, Surge
from ipplan.sweep import ROOM_LIMITS, SweepSpec, evaluate_grid, write_sweep

ROOT = Path(__file__).resolve().parent.parent
SURGES = (Surge(10, percent=True), Surge(1))
RUNS = 3


def best(run: Callable[[], object], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def materialise(grid: dict[str, np.ndarray | None], shape: tuple[int, ...]) -> int:
    """Touch every output as a full array, as the CSV writer will (no lazy broadcasting)."""
    total = 0
    for value in grid.values():
        if value is not None:
            total += int(np.broadcast_to(value, shape).sum(dtype=np.int64) > -1)
    return total


def e1_grid() -> tuple[int, float]:
    nodes = np.arange(1, 10_001, dtype=np.int64)[None, :]
    pods = np.arange(10, 251, dtype=np.int64)[:, None]
    shape = (pods.shape[0], nodes.shape[1])

    def run() -> None:
        for network in Network:
            for surge in SURGES:
                materialise(evaluate_grid(nodes, pods, surge, network, 20), shape)

    return shape[0] * shape[1] * len(Network) * len(SURGES), best(run)


def e2_pairs() -> tuple[int, float]:
    rng = np.random.default_rng(6)
    nodes = rng.integers(0, 6_000, 2_000_000)
    pods = rng.integers(10, 251, 2_000_000)
    check_against_scalar(nodes[:300], pods[:300])

    def run() -> None:  # every output is a full array already: nothing to materialise
        for network in Network:
            for surge in SURGES:
                evaluate_grid(nodes, pods, surge, network, 20)

    return nodes.size * len(Network) * len(SURGES), best(run)


def check_against_scalar(nodes: np.ndarray, pods: np.ndarray) -> None:
    """Each sampled row equals ``ipplan compare``'s (its defaults: the /16 pod CIDR); the
    sweep's feasible ignores the pod CIDR (rule A6), and room_limit is the room's limit kind."""
    fields = ("peak_nodes", "node_subnet_ips", "node_subnet_min_prefix", "pod_subnet_ips")
    fields += ("pod_subnet_min_prefix", "vnet_ips", "room_nodes", "room_limit", "feasible")
    key = SubnetKey("", "s")
    for network in Network:
        for surge in SURGES:
            grid = evaluate_grid(nodes, pods, surge, network, 20)
            room_codes = np.broadcast_to(grid["room_limit"], nodes.shape)  # type: ignore[arg-type]
            for i, (n, p) in enumerate(zip(nodes.tolist(), pods.tolist(), strict=True)):
                pool = NodePool("p", n, key, max_pods=p, max_surge=surge)
                estimate = evaluate([Cluster("c", network, (pool,))], {key: Subnet(key, 20)})
                row = asdict(comparison(estimate, "c"))
                room = estimate.clusters[0].room
                row["room_limit"] = None if room is None else room.limit
                row["feasible"] = not any(
                    e.severity is Severity.ERROR and e.rule != "A6" for e in estimate.problems
                )
                for name in fields:
                    value = grid[name]
                    got = None if value is None else value[i].item()
                    if name == "room_limit":
                        got = ROOM_LIMITS[int(room_codes[i])]
                    if got != row[name]:
                        sys.exit(
                            f"MISMATCH {network} {surge} N={n} P={p} {name}: {got} != {row[name]}"
                        )


def s1_sweep(folder: Path) -> tuple[int, float, int, float]:
    spec = SweepSpec(tuple(range(1, 50_001)), (30, 50, 110, 250), (SURGES[0],), tuple(Network), 21)
    path = folder / "sweep.csv"
    seconds = best(lambda: write_sweep(spec, path))
    size = path.stat().st_size
    cli = [sys.executable, "-m", "ipplan", "sweep", "--nodes", "1:50000", "--max-pods"]
    cli += ["30,50,110,250", "--subnet", "10.240.0.0/21", "--out", str(folder / "cli.csv")]
    cli_seconds = best(lambda: subprocess.run(cli, check=True, capture_output=True, cwd=ROOT))
    return spec.rows, seconds, size, cli_seconds


def p1_plan(folder: Path) -> float:
    command = [sys.executable, "-m", "ipplan", "plan", "data/example.yaml", "--out"]
    command.append(str(folder / "example"))
    return best(lambda: subprocess.run(command, check=True, capture_output=True, cwd=ROOT), 5)


def main() -> None:
    print(
        f"python {sys.version.split()[0]}, numpy {np.__version__}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.2f} (best of {RUNS} runs unless stated)"
    )
    rows, seconds = e1_grid()
    print(f"E1 grid:  {rows:>12,} scenarios in {seconds:6.3f} s = {rows / seconds / 1e6:6.1f} M/s")
    rows, seconds = e2_pairs()
    print(
        f"E2 pairs: {rows:>12,} scenarios in {seconds:6.3f} s = {rows / seconds / 1e6:6.1f} M/s"
        " (600 x 10 sampled rows equal the scalar model)"
    )
    with tempfile.TemporaryDirectory() as temp:
        rows, seconds, size, cli_seconds = s1_sweep(Path(temp))
        print(
            f"S1 sweep: {rows:>12,} rows to CSV ({size / 1e6:.1f} MB) in {seconds:6.3f} s "
            f"= {rows / seconds / 1e6:.2f} M rows/s; `ipplan sweep` with heatmap: "
            f"{cli_seconds:.2f} s"
        )
        plan = p1_plan(Path(temp))
        print(f"P1 plan:  `ipplan plan data/example.yaml`: {plan:.2f} s wall (best of 5)")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
