"""Time ipplan's CIDR core against a straightforward netaddr IPSet best-fit allocator.

Run with ``make bench`` (or ``PYTHONPATH=. python benchmarks/bench_cidr.py``). Fixed seeds, one
process, the public API only. Workloads (issue 3):

- W1: 200 random aligned reserved subnets (/16-/28) in 10.0.0.0/8, then 10,000 requests /20-/29.
- W2: 100,000 requests of /24-/29 in an empty 10.0.0.0/8 (and W2-v6: /56-/61 in a /40, IPv6).
- W4: W1, then release a random half of the allocations, then 10,000 more requests /20-/29.
- W3: find_overlaps on 100,000 random prefixes (/20-/29 in 10.0.0.0/8, parsed IPNetworks).

ipplan's time is the best of 7 runs (other processes share the machine). The baseline keeps free
space as an IPSet; each request takes the smallest free CIDR that can hold it (the lowest on
ties) and its lowest part. It runs once, and where it would take more than about a minute it runs
a stated part of the workload and its time is extrapolated per operation (marked ``~``). Both
allocators must give identical allocations on the part both ran: the script exits 1 if not.
"""

from __future__ import annotations

import gc
import os
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from netaddr import IPNetwork, IPSet

from ipplan.core.cidr import AddressSpace, find_overlaps
from ipplan.errors import CapacityError

SPACE = "10.0.0.0/8"
SPACE_START = int(IPNetwork(SPACE).first)
SPACE_PREFIXLEN = 8
W2_BASELINE_REQUESTS = 20_000  # of 100,000
W4_BASELINE_MORE_REQUESTS = 1_000  # of the 10,000 after the releases
W3_BASELINE_PREFIXES = 3_000  # of 100,000; the all-pairs check is quadratic
RUNS = 7

T = TypeVar("T")
Result = list[IPNetwork | None]


@dataclass(frozen=True)
class Workload:
    """Reservations and requests; W4 then releases a random half and requests more."""

    reserved: tuple[IPNetwork, ...]
    requests: tuple[int, ...]
    release_seed: int | None = None
    more_requests: tuple[int, ...] = ()
    space: str = SPACE

    @property
    def operations(self) -> int:
        released = len(self.requests) // 2 if self.release_seed is not None else 0
        return len(self.reserved) + len(self.requests) + released + len(self.more_requests)


def random_block(rng: random.Random, shortest: int, longest: int) -> tuple[int, int]:
    """A random aligned block ``(start, prefixlen)`` of 10.0.0.0/8."""
    prefixlen = rng.randint(shortest, longest)
    offset = rng.getrandbits(prefixlen - SPACE_PREFIXLEN) << (32 - prefixlen)
    return SPACE_START + offset, prefixlen


def random_reservations(rng: random.Random, count: int) -> tuple[IPNetwork, ...]:
    """*count* disjoint random aligned /16-/28 (a draw overlapping an earlier one is redrawn)."""
    chosen: list[tuple[int, int]] = []
    while len(chosen) < count:
        start, prefixlen = random_block(rng, 16, 28)
        end = start + (1 << (32 - prefixlen))
        if all(end <= s or s + (1 << (32 - p)) <= start for s, p in chosen):
            chosen.append((start, prefixlen))
    return tuple(IPNetwork(block, 4) for block in chosen)


def make_w1() -> Workload:
    rng = random.Random(1)
    reserved = random_reservations(rng, 200)
    return Workload(reserved, tuple(rng.randint(20, 29) for _ in range(10_000)))


def make_w2() -> Workload:
    rng = random.Random(2)
    return Workload((), tuple(rng.randint(24, 29) for _ in range(100_000)))


def make_w2_v6() -> Workload:
    """W2 in IPv6: the same depths below a /40 as W2 below its /8."""
    rng = random.Random(2)
    requests = tuple(rng.randint(56, 61) for _ in range(100_000))
    return Workload((), requests, space="2001:db8::/40")


def make_w4() -> Workload:
    w1 = make_w1()
    rng = random.Random(4)
    more = tuple(rng.randint(20, 29) for _ in range(10_000))
    return Workload(w1.reserved, w1.requests, release_seed=4, more_requests=more)


def to_release(allocations: Result, seed: int) -> list[IPNetwork]:
    """The random half of the successful allocations that W4 releases (same for both)."""
    done = [network for network in allocations if network is not None]
    return random.Random(seed).sample(done, len(done) // 2)


def run_ipplan(work: Workload, limit: int | None = None, more_limit: int | None = None) -> Result:
    """ipplan's allocations for *work* (None where a request does not fit)."""
    space = AddressSpace([work.space])
    for network in work.reserved:
        space.reserve(network)
    allocate = space.allocate
    out: Result = []
    for prefixlen in work.requests[:limit]:
        try:
            out.append(allocate(prefixlen))
        except CapacityError:
            out.append(None)
    if work.release_seed is not None:
        for network in to_release(out, work.release_seed):
            space.release(network)
        for prefixlen in work.more_requests[:more_limit]:
            try:
                out.append(allocate(prefixlen))
            except CapacityError:
                out.append(None)
    return out


class IPSetAllocator:
    """The straightforward allocator: free space is an IPSet, searched on every request."""

    def __init__(self) -> None:
        self.free = IPSet([SPACE])

    def reserve(self, network: IPNetwork) -> None:
        self.free.remove(network)

    def release(self, network: IPNetwork) -> None:
        self.free.add(network)

    def allocate(self, prefixlen: int) -> IPNetwork | None:
        """The smallest free CIDR that holds *prefixlen* (the lowest on ties), its lowest part."""
        best = None
        for cidr in self.free.iter_cidrs():  # sorted by address: strict > keeps the lowest
            if cidr.prefixlen <= prefixlen and (best is None or cidr.prefixlen > best.prefixlen):
                best = cidr
        if best is None:
            return None
        network = IPNetwork((best.first, prefixlen), 4)
        self.free.remove(network)
        return network


def timed(run: Callable[[], T]) -> tuple[float, T]:
    gc.collect()
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result


def best_of(run: Callable[[], T]) -> tuple[float, float, T]:
    """The best wall-clock and the best CPU seconds of RUNS runs, and the first run's result."""
    walls, cpus, results = [], [], []
    for _ in range(RUNS):
        gc.collect()
        cpu = time.process_time()
        wall = time.perf_counter()
        results.append(run())
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus), results[0]


def random_prefixes(count: int) -> list[IPNetwork]:
    rng = random.Random(3)
    return [IPNetwork(random_block(rng, 20, 29), 4) for _ in range(count)]


def all_pairs(networks: Sequence[IPNetwork]) -> list[tuple[int, int]]:
    """The straightforward overlap check: every pair, with netaddr's first/last."""
    bounds = [(network.first, network.last) for network in networks]
    return [
        (i, j)
        for i, (first_i, last_i) in enumerate(bounds)
        for j in range(i + 1, len(bounds))
        if first_i <= bounds[j][1] and bounds[j][0] <= last_i
    ]


@dataclass(frozen=True)
class Row:
    name: str
    operations: int
    seconds: float
    cpu_seconds: float
    baseline_seconds: float
    extrapolated: bool
    target_seconds: float

    def __str__(self) -> str:
        mark = "~" if self.extrapolated else ""
        met = "yes" if self.seconds <= self.target_seconds else "NO"
        return (
            f"| {self.name} | {self.operations:,} | {self.seconds * 1000:,.1f} ms "
            f"| {self.cpu_seconds * 1000:,.1f} ms "
            f"| {self.operations / self.seconds:,.0f} | {mark}{self.baseline_seconds:,.1f} s "
            f"| {mark}{self.baseline_seconds / self.seconds:,.0f}x "
            f"| <= {self.target_seconds * 1000:,.0f} ms: {met} |"
        )


def baseline_w1(work: Workload) -> tuple[IPSetAllocator, Result]:
    allocator = IPSetAllocator()
    for network in work.reserved:
        allocator.reserve(network)
    return allocator, [allocator.allocate(prefixlen) for prefixlen in work.requests]


def baseline_w4_release(allocator: IPSetAllocator, w1_out: Result, work: Workload) -> None:
    """W4 after its W1 phase: release the random half of W1's allocations."""
    assert work.release_seed is not None
    for network in to_release(w1_out, work.release_seed):
        allocator.release(network)


def main() -> int:
    load = os.getloadavg()[0]
    rows: list[Row] = []
    notes: list[str] = []
    differ: list[str] = []

    def compare(name: str, mine: Result, theirs: Result) -> None:
        if mine != theirs:
            differ.append(name)
        failed = sum(network is None for network in mine)
        if failed:
            notes.append(f"{name}: {failed:,} requests did not fit (CapacityError) in both")

    # W1: all of it in both.
    w1 = make_w1()
    seconds, cpu, mine = best_of(lambda: run_ipplan(w1))
    w1_seconds, (allocator, w1_out) = timed(lambda: baseline_w1(w1))
    compare("W1", mine, w1_out)
    rows.append(Row("W1", w1.operations, seconds, cpu, w1_seconds, False, 0.050))

    # W2: the baseline runs the first requests, extrapolated per request.
    w2 = make_w2()
    seconds, cpu, _ = best_of(lambda: run_ipplan(w2))
    fresh = IPSetAllocator()
    limit = W2_BASELINE_REQUESTS
    part_seconds, theirs = timed(lambda: [fresh.allocate(p) for p in w2.requests[:limit]])
    compare("W2", run_ipplan(w2, limit=limit), theirs)
    notes.append(f"W2: the baseline ran the first {limit:,} requests, extrapolated")
    rows.append(Row("W2", w2.operations, seconds, cpu, part_seconds * 100_000 / limit, True, 0.300))

    # W2 in IPv6, to show that the address width does not matter (no baseline).
    v6 = make_w2_v6()
    seconds, cpu, _ = best_of(lambda: run_ipplan(v6))
    v6_row = (
        f"| W2-v6 | {v6.operations:,} | {seconds * 1000:,.1f} ms | {cpu * 1000:,.1f} ms "
        f"| {v6.operations / seconds:,.0f} | - | - | as W2 |"
    )
    notes.append("W2-v6: W2's requests 16 bits deeper, /56-/61 in 2001:db8::/40")

    # W4 starts with W1: the baseline continues from its W1 state, then runs part of the rest.
    w4 = make_w4()
    assert (w4.reserved, w4.requests) == (w1.reserved, w1.requests)
    seconds, cpu, _ = best_of(lambda: run_ipplan(w4))
    limit = W4_BASELINE_MORE_REQUESTS
    release_seconds, _ = timed(lambda: baseline_w4_release(allocator, w1_out, w4))
    more_seconds, more = timed(lambda: [allocator.allocate(p) for p in w4.more_requests[:limit]])
    compare("W4", run_ipplan(w4, more_limit=limit), w1_out + more)
    estimate = w1_seconds + release_seconds + more_seconds * len(w4.more_requests) / limit
    notes.append(
        f"W4: the baseline ran W1 ({w1_seconds:,.1f} s), the releases ({release_seconds:,.1f} s) "
        f"and the first {limit:,} of the {len(w4.more_requests):,} later requests "
        f"({more_seconds:,.1f} s), extrapolated per request"
    )
    rows.append(Row("W4", w4.operations, seconds, cpu, estimate, True, 0.100))

    # W3: find_overlaps against an all-pairs check on a prefix, extrapolated as n^2.
    prefixes = random_prefixes(100_000)
    seconds, cpu, pairs = best_of(lambda: find_overlaps(prefixes))
    part = prefixes[:W3_BASELINE_PREFIXES]
    part_seconds, theirs_pairs = timed(lambda: all_pairs(part))
    if find_overlaps(part) != theirs_pairs:
        differ.append("W3")
    estimate = part_seconds * (len(prefixes) / len(part)) ** 2
    notes.append(
        f"W3: {len(pairs):,} overlapping pairs; the baseline is an all-pairs check on the first "
        f"{len(part):,} prefixes, extrapolated as n^2"
    )
    rows.append(Row("W3", len(prefixes), seconds, cpu, estimate, True, 0.700))

    print(
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {load:.1f} "
        f"before the run; ipplan best of {RUNS} runs, baseline once"
    )
    print()
    print(
        "| workload | operations | ipplan | ipplan CPU | ipplan ops/s | IPSet baseline "
        "| speed-up | target (wall) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for row in rows:
        print(row)
        if row.name == "W2":
            print(v6_row)
    print()
    for note in notes:
        print(f"- {note}")
    if differ:
        print(f"ALLOCATIONS DIFFER from the baseline in {', '.join(differ)}")
        return 1
    print("- Allocations identical to the baseline on every part both ran")
    return 0


if __name__ == "__main__":
    sys.exit(main())
