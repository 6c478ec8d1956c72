"""Time the quick what-if, ``ipplan compare --nodes 50``, beside a bare ``python -c pass``
(issue 11: the target is 0.15 s of CPU, when the issue measured 0.33 s, 9x ``python -c pass``).

    python benchmarks/bench_compare.py [--runs N]

The two commands alternate, N times each (21 unless told), each as its own process, as a user
runs it: the console script of this interpreter's environment, and this interpreter. A run's CPU
is its user and system seconds (``getrusage`` of the finished child, microseconds). This
machine's speed drifts with its neighbours, ``python -c pass`` as much as compare, so the ratio
of the medians is the figure to compare between hours; the medians and the range are printed too.

Two floors run beside them: importing typer (the command line's framework, with the standard
library it brings) and typer with ``pydantic.main`` (what the scenario format is written in).
Every ipplan command imports both; what compare takes above the second is ipplan's own.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
from pathlib import Path


def _cpu(args: list[str]) -> float:
    """User + system seconds of one run of *args*, which must succeed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=21, help="runs of each command (21)")
    runs = parser.parse_args(argv).runs
    script = Path(sys.executable).with_name("ipplan")
    ipplan = str(script) if script.exists() else shutil.which("ipplan")
    if ipplan is None:
        print("bench_compare: no ipplan console script next to", sys.executable, file=sys.stderr)
        return 2
    commands = {
        "ipplan compare --nodes 50": [ipplan, "compare", "--nodes", "50"],
        "python -c pass": [sys.executable, "-c", "pass"],
        # floors: the command line's framework alone, then with the validation library the
        # scenario format is written in (both runtime dependencies every command imports)
        "python -c 'import typer'": [sys.executable, "-c", "import typer"],
        "python -c 'import typer, pydantic.main'": [
            sys.executable,
            "-c",
            "import typer, pydantic.main",
        ],
    }
    _cpu(commands["ipplan compare --nodes 50"])  # warm the page cache once
    seconds: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, args in commands.items():
            seconds[name].append(_cpu(args))
    medians = {name: statistics.median(values) for name, values in seconds.items()}
    print(f"{runs} runs each, alternating; CPU seconds (user + system) of each process")
    bare = medians["python -c pass"]
    print("| command | median | lowest | highest | median / `python -c pass` |")
    print("|---|---:|---:|---:|---:|")
    for name, values in seconds.items():
        print(
            f"| `{name}` | {medians[name]:.3f} s | {min(values):.3f} s | {max(values):.3f} s "
            f"| {medians[name] / bare:.1f}x |"
        )
    compare = medians["ipplan compare --nodes 50"]
    print(f"compare / python -c pass (medians): {compare / bare:.1f}x; target 0.15 s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
