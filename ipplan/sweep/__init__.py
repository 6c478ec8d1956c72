"""``ipplan sweep``: the capacity model over a grid of what-ifs, vectorised with numpy.

Every row is one node pool (nodes x max pods x surge x network model) in one cluster with no
other consumers, as ``ipplan compare`` sees it with its defaults (the pod CIDR is the default /16,
no pod subnet is sized). The arithmetic is the capacity model's, in exact integer column maths:
no float log2 anywhere. Bit lengths come from ``np.frexp`` on integers below 2^53 (exactly
representable, so the exponent *is* the bit length). The results equal
:func:`ipplan.core.capacity.evaluate` and :func:`~ipplan.core.capacity.comparison` row for row
(tests check a sample), ``feasible`` included: like compare's it counts the default /16 pod CIDR
(rule A6), so a row is never feasible beyond its own room to grow. ``room_nodes`` is rule
A18's room to grow, the same number as compare's: the pool (the cluster's only one) grows until
the first limit binds, and ``room_limit`` names that limit's kind (compare's
``room_limited_by`` says it in words, with the subnet's name).

The CSV is formatted by numpy too (digits scattered into one byte buffer), because a million
rows through the csv module or pandas takes far longer than computing them.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ipplan.core.keys import ResourceKind
from ipplan.errors import ScenarioError
from ipplan.rules import (
    AZURE_RESERVED_IPS,
    CLUSTER_MAX_NODES,
    DEFAULT_POD_CIDR_PREFIXLEN,
    KUBENET_MAX_NODES,
    MAX_MAX_PODS,
    MIN_MAX_PODS,
    MIN_PODS_PER_POOL,
    OS,
    POD_CIDR_NETWORKS,
    POD_CIDR_NODE_PREFIXLEN,
    POD_IP_BATCH,
    POOL_MAX_NODES,
    SMALLEST_SUBNET_PREFIXLEN,
    STATIC_BLOCK_IPS,
    STATIC_MAX_PREFIXLEN,
    VNET_MAX_IPS,
    Dataplane,
    Network,
    Severity,
    Surge,
    cite,
    cluster_violations,
    parse_surge,
    pool_violations,
)

__all__ = [
    "COLUMNS",
    "HEATMAP_COLUMNS",
    "MAX_CSV_MB",
    "MAX_NODES",
    "MAX_ROWS",
    "ROOM_LIMITS",
    "Heatmap",
    "Progress",
    "SweepSpec",
    "check_sweep",
    "evaluate_grid",
    "format_csv",
    "parse_int_list",
    "parse_surges",
    "run_sweep",
    "write_sweep",
]

#: the CSV's columns, in order (names as in comparison.csv where they mean the same)
COLUMNS = (
    "network",
    "max_surge",
    "max_pods",
    "nodes",
    "surge_nodes",
    "peak_nodes",
    "node_subnet_ips",
    "node_subnet_min_prefix",
    "pod_subnet_ips",
    "pod_subnet_min_prefix",
    "pod_cidr_min_prefix",
    "vnet_ips",
    "room_nodes",
    "room_limit",
    "fits_subnet",
    "feasible",
)
#: largest node count a sweep takes: far above AKS's 5,000, and exact in float64's 53 bits
MAX_NODES = 1_000_000
#: largest sweep, in rows
MAX_ROWS = 200_000_000
#: the default bound on the CSV's size, in MiB (``--max-csv-mb`` lifts it)
MAX_CSV_MB = 1024
#: what ``room_limit`` codes 0, 1, ... name: the limits of rule A18 in the order the capacity
#: model tries them (its ties go to the first), as :class:`ipplan.core.keys.ResourceKind` values
ROOM_LIMITS = (
    ResourceKind.NODE_SUBNET,
    ResourceKind.POD_CIDR,
    ResourceKind.KUBENET_ROUTES,
    ResourceKind.VNET_IPS,
    ResourceKind.POOL_NODES,
    ResourceKind.CLUSTER_NODES,
)

_I64 = np.int64
#: the grid's integer type when every value fits in 31 bits, as it does for nodes <= MAX_NODES
#: and max pods <= 250 (the largest, (2 x 10^6 peak nodes) x 267, is about 5.3 x 10^8): half of
#: int64's memory traffic, which is what the arithmetic waits on (_int_type checks the bound)
_INT = np.int32


@dataclass(frozen=True)
class SweepSpec:
    """What to sweep: every combination of these values."""

    nodes: tuple[int, ...]
    max_pods: tuple[int, ...]
    surges: tuple[Surge, ...]
    networks: tuple[Network, ...]
    subnet_prefixlen: int | None = None  # the node subnet: room and fits_subnet test it
    pods_in_use: int | None = None  # U per node (rule A8); None: max pods
    os: OS = OS.LINUX
    dataplane: Dataplane = Dataplane.AZURE

    def blocked(self, network: Network) -> tuple[str, ...]:
        """Why *network* cannot run this sweep's pool at all (its OS or dataplane), from the
        rulebook's own pool and cluster checks; () when it can. Those checks do not depend on
        the node count or max pods, so one neutral pool stands for every row."""
        return self._said(network, Severity.ERROR, MIN_PODS_PER_POOL)

    def warnings(self, network: Network) -> tuple[str, ...]:
        """The rulebook's warnings for this sweep's pool at its largest max pods (a Windows
        pool above 110, say), as ``compare`` gives them."""
        return self._said(network, Severity.WARNING, max(self.max_pods, default=MIN_MAX_PODS))

    def _said(self, network: Network, severity: Severity, max_pods: int) -> tuple[str, ...]:
        found = pool_violations(
            "the pool",
            network=network,
            dataplane=self.dataplane,
            os=self.os,
            nodes=10,
            max_nodes=None,
            max_pods=max_pods,
            max_pods_given=True,
            pods_in_use=None,
            surge_nodes=0,
            surge="0",
        ) + cluster_violations(
            "the cluster",
            network=network,
            dataplane=self.dataplane,
            pools=1,
            planning_nodes=10,
            peak_nodes=10,
            internal_lbs=0,
        )
        return tuple(
            f"{v.message}; {v.fix} ({cite([v.rule])})"
            for v in found
            if v.severity is severity and (v.field in ("os", "dataplane") or v.rule == "A2")
        )

    @property
    def rows(self) -> int:
        """Rows of the sweep."""
        return len(self.nodes) * len(self.max_pods) * len(self.surges) * len(self.networks)

    @property
    def csv_bytes(self) -> int:
        """An upper bound on the CSV's size: every row as wide as its widest possible cells.

        >>> SweepSpec((1000,), (30,), (Surge(1),), (Network.KUBENET,)).csv_bytes
        292
        """
        most_nodes = max(self.nodes, default=0)
        ips = len(str(2 * most_nodes * (max(self.max_pods, default=0) + 1 + STATIC_BLOCK_IPS)))
        nodes = len(str(most_nodes))
        peak = len(str(2 * most_nodes))  # N + S, at most 2N
        surge = max((len(str(s)) for s in self.surges), default=0)
        network = max((len(n.value) for n in self.networks), default=0)
        room = len(str(CLUSTER_MAX_NODES + 1))  # the binary search's ceiling
        limit = max(len(label) for label in _ROOM_LABELS)
        # network, surge, max pods, nodes, surge and peak nodes, node IPs and prefix, pod IPs
        # and prefix, pod CIDR prefix, VNet IPs, room nodes and limit, fits, feasible, commas
        row = network + surge + 3 + 2 * nodes + peak + ips + 2 + ips + 2 + 2 + ips + room + limit
        row += 5 + 5 + len(COLUMNS)
        return len(",".join(COLUMNS)) + 1 + self.rows * row


def parse_int_list(option: str, text: str, low: int, high: int) -> tuple[int, ...]:
    """``10:1000:10`` (start:stop:step, stop included), ``30,50,110`` or ``5``; sorted, unique.

    >>> parse_int_list("--nodes", "10:50:20", 0, 100)
    (10, 30, 50)
    >>> parse_int_list("--max-pods", "50,30", 10, 250)
    (30, 50)

    Raises:
        ScenarioError: not that form, a step below 1, or a value outside [low, high].
    """
    # every value is checked against [low, high] before a range is built, and a range is a
    # mask over [low, high]: a list costs at most high - low + 1 values whatever it spells
    chosen = np.zeros(max(high - low + 1, 0), dtype=np.bool_)
    for part in text.split(","):
        part = part.strip()
        pieces = [_int(p) for p in part.split(":")]
        numbers = [p for p in pieces if p is not None]
        if len(numbers) < len(pieces) or len(numbers) > 3:
            raise ScenarioError(
                f"{option}: {_quote(text)} is not a list of whole numbers: use e.g. 10:1000:10 "
                "or 30,50,110"
            )
        if len(numbers) == 1:
            numbers = [numbers[0], numbers[0], 1]
        elif len(numbers) == 2:
            numbers.append(1)
        start, stop, step = numbers
        if step < 1 or stop < start:
            raise ScenarioError(
                f"{option}: {_quote(part)} is not a range: use start:stop:step with "
                "start <= stop and a step of 1 or more, e.g. 10:1000:10"
            )
        for value in (start, stop):
            if not low <= value <= high:
                raise ScenarioError(
                    f"{option}: {value} is outside {low:,}..{high:,}: use values in that range"
                )
        chosen[start - low : stop - low + 1 : step] = True
    return tuple(int(v) + low for v in np.flatnonzero(chosen))


def _int(text: str) -> int | None:
    """A whole number of at most 18 digits, else None (int() would take 4,300 and more)."""
    text = text.strip()
    digits = text[1:] if text[:1] in "+-" else text
    if len(digits) > 18 or not (digits.isascii() and digits.isdigit()):
        return None
    return int(text)


def _quote(text: str) -> str:
    """*text* quoted for a one-line message, cut to 40 characters."""
    return repr(text) if len(text) <= 40 else repr(text[:37]) + "..."


def parse_surges(text: str) -> tuple[Surge, ...]:
    """``10%``, ``1`` or a comma list such as ``1,10%,33%``, in the order given.

    Raises:
        ScenarioError: one of them is not a surge.
    """
    try:
        surges = [parse_surge(part) for part in text.split(",")]
    except ScenarioError as err:
        raise ScenarioError(f"--max-surge: {err}") from None
    return tuple(dict.fromkeys(surges))


def _bit_length(values: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """int.bit_length of every non-negative int64 below 2^53, exactly (frexp's exponent)."""
    exponents: np.ndarray[Any, Any] = np.frexp(values.astype(np.float64))[1]
    return exponents


def evaluate_grid(
    nodes: np.ndarray[Any, Any],
    max_pods: np.ndarray[Any, Any],
    surge: Surge,
    network: Network,
    subnet_prefixlen: int | None = None,
    pods_in_use: int | None = None,
) -> dict[str, np.ndarray[Any, Any] | None]:
    """The capacity model for every (nodes, max pods) pair, as int64 arrays (None: n/a).

    *nodes* and *max_pods* broadcast against each other: pass a row and a column for a grid,
    or two equal-length arrays for arbitrary pairs. Pods in use is *pods_in_use* (capped at
    max pods), else max pods (rule A8's worst case); surge is one value, the pool is the
    cluster's only one. ``room_limit`` is a code
    into :data:`ROOM_LIMITS`.

    >>> out = evaluate_grid(np.array([50]), np.array([30]), Surge(1), Network.AZURE_CNI, 24)
    >>> int(out["node_subnet_ips"][0]), int(out["node_subnet_min_prefix"][0])  # rule A vector 1
    (1581, 21)
    >>> int(out["room_nodes"][0]), bool(out["feasible"][0])  # a /24 holds 7 + 1 surge
    (7, False)
    >>> str(ROOM_LIMITS[int(out["room_limit"][0])])
    'node-subnet'
    """
    kind = _int_type(nodes, max_pods)
    n = nodes.astype(kind)
    p = max_pods.astype(kind)
    # S = min(k, N) and min(ceil(N * q / 100), N): any k above the largest N, or q above 100,
    # gives the same S, so clamp them before they meet the integer type (2147483647% is 100%)
    if surge.percent:  # rule A1: ceil(N * q / 100), at most N
        s = np.minimum((n * min(surge.value, 100) + 99) // 100, n)
    else:
        s = np.minimum(n, min(surge.value, int(n.max(initial=0))))
    m = n + s
    cni = network is Network.AZURE_CNI
    per_node = (1 + p) if cni else np.ones_like(p)
    node_ips = m * per_node if cni else m  # rule A3: M, or M * (1 + P) for azure-cni
    out: dict[str, np.ndarray[Any, Any] | None] = {
        "surge_nodes": s,
        "peak_nodes": m,
        "node_subnet_ips": node_ips,
        "node_subnet_min_prefix": _min_prefixlen(node_ips),
        "pod_subnet_ips": None,
        "pod_subnet_min_prefix": None,
        "pod_cidr_min_prefix": None,
        "fits_subnet": None,
    }
    vnet_ips = node_ips
    if network is Network.POD_SUBNET:  # rule A8 with U = P: max(16, min(16*ceil(.5+P/16), P))
        per_pod = _dynamic_pod_ips(p, pods_in_use)
        pod_ips = m * per_pod
        out["pod_subnet_ips"], out["pod_subnet_min_prefix"] = pod_ips, _min_prefixlen(pod_ips)
        vnet_ips = node_ips + pod_ips
    elif network is Network.POD_SUBNET_STATIC:  # rule A9: ceil((P + 1) / 16) blocks per node
        blocks = m * ((p + STATIC_BLOCK_IPS) // STATIC_BLOCK_IPS)
        out["pod_subnet_ips"] = blocks * STATIC_BLOCK_IPS
        out["pod_subnet_min_prefix"] = STATIC_MAX_PREFIXLEN - np.maximum(_bit_length(blocks + 1), 1)
        vnet_ips = node_ips + blocks  # a /28 block counts once against the VNet (rule A15)
    if network in POD_CIDR_NETWORKS:  # rule A6: a /24 per node
        out["pod_cidr_min_prefix"] = POD_CIDR_NODE_PREFIXLEN - _bit_length(np.maximum(m - 1, 0))
    out["vnet_ips"] = vnet_ips
    feasible = (  # rules A2, A10 (0 nodes needs max_nodes, which a sweep row has not), A15; A7
        (p >= MIN_MAX_PODS)
        & (p <= MAX_MAX_PODS)
        & (n >= 1)
        & (p * n >= MIN_PODS_PER_POOL)
        & (n <= CLUSTER_MAX_NODES)
        & (m <= POOL_MAX_NODES)
        & (vnet_ips <= VNET_MAX_IPS)
    )
    if network is Network.KUBENET:
        feasible &= m <= KUBENET_MAX_NODES
    if network in POD_CIDR_NETWORKS:  # rule A6: compare's default pod CIDR, a /24 per node
        feasible &= m <= 1 << (POD_CIDR_NODE_PREFIXLEN - DEFAULT_POD_CIDR_PREFIXLEN)
    out["within_limits"] = feasible  # AKS and Azure limits only, whatever the subnet
    if subnet_prefixlen is not None:
        usable = (1 << (32 - subnet_prefixlen)) - AZURE_RESERVED_IPS
        fits = node_ips <= usable
        out["fits_subnet"] = fits
        feasible = feasible & fits
    out["feasible"] = feasible
    out["room_nodes"], out["room_limit"] = _room(p, surge, network, subnet_prefixlen, pods_in_use)
    return out


def _dynamic_pod_ips(
    p: np.ndarray[Any, Any], pods_in_use: int | None = None
) -> np.ndarray[Any, Any]:
    """Rule A8: max(16, min(16 * ceil(0.5 + U/16), P)) pod-subnet IPs per node; U = P unless
    *pods_in_use* is given (then U = min(it, P))."""
    u = p if pods_in_use is None else np.minimum(p, pods_in_use)
    batches = (u + POD_IP_BATCH // 2 + POD_IP_BATCH - 1) // POD_IP_BATCH
    ips: np.ndarray[Any, Any] = np.maximum(POD_IP_BATCH, np.minimum(POD_IP_BATCH * batches, p))
    return ips


def _room(
    p: np.ndarray[Any, Any],
    surge: Surge,
    network: Network,
    subnet_prefixlen: int | None,
    pods_in_use: int | None = None,
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Rule A18's room to grow and the code of the limit that binds, per max pods in *p*.

    The pool is its cluster's only one and has no other consumers beside it, so its room
    depends on max pods alone, not on its node count: it is computed once per distinct max pods
    (a table over p's range when that is smaller than p) and looked up.
    """
    if p.size == 0:
        return np.zeros(p.shape, _INT), np.zeros(p.shape, np.int8)
    low, high = int(p.min()), int(p.max())
    if high - low + 1 >= p.size:
        return _room_of(p, surge, network, subnet_prefixlen, pods_in_use)
    nodes, codes = _room_of(
        np.arange(low, high + 1, dtype=_INT), surge, network, subnet_prefixlen, pods_in_use
    )
    index = p - low
    return nodes[index], codes[index]


def _room_of(
    p: np.ndarray[Any, Any],
    surge: Surge,
    network: Network,
    subnet_prefixlen: int | None,
    pods_in_use: int | None = None,
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Each limit's largest N in [0, 5,000 + 1] by a vectorised binary search; the smallest of
    them is the room, the first limit (in :data:`ROOM_LIMITS` order) reaching it binds."""
    q = p.astype(_I64)

    # S = min(k, N): the same for any k (or q%) past the search's ceiling (or 100%), so clamp
    # them before they meet int64 (a 18-digit surge times 5,001 nodes would overflow)
    value = min(surge.value, 100) if surge.percent else min(surge.value, CLUSTER_MAX_NODES + 1)

    def peak(n: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:  # M = N + S (rule A1)
        if surge.percent:
            extra: np.ndarray[Any, Any] = (n * value + 99) // 100
        else:
            extra = np.full_like(n, value)
        peaks: np.ndarray[Any, Any] = n + np.minimum(extra, n)
        return peaks

    cni = network is Network.AZURE_CNI
    per_node = 1 + q if cni else np.ones_like(q)  # node-subnet IPs per node (rule A3)
    if network is Network.POD_SUBNET:  # VNet IPs per node (rule A15): a block counts once
        per_vnet = per_node + _dynamic_pod_ips(q, pods_in_use)
    elif network is Network.POD_SUBNET_STATIC:
        per_vnet = per_node + (q + STATIC_BLOCK_IPS) // STATIC_BLOCK_IPS
    else:
        per_vnet = per_node
    limits: list[tuple[ResourceKind, Callable[[np.ndarray[Any, Any]], np.ndarray[Any, Any]]]] = []
    if subnet_prefixlen is not None:
        usable = (1 << (32 - subnet_prefixlen)) - AZURE_RESERVED_IPS
        limits.append((ResourceKind.NODE_SUBNET, lambda n: peak(n) * per_node <= usable))
    if network in POD_CIDR_NETWORKS:  # compare's default pod CIDR, one /24 per node (rule A6)
        cidr_nodes = 1 << (POD_CIDR_NODE_PREFIXLEN - DEFAULT_POD_CIDR_PREFIXLEN)
        limits.append((ResourceKind.POD_CIDR, lambda n: peak(n) <= cidr_nodes))
    if network is Network.KUBENET:
        limits.append((ResourceKind.KUBENET_ROUTES, lambda n: peak(n) <= KUBENET_MAX_NODES))
    limits.append((ResourceKind.VNET_IPS, lambda n: peak(n) * per_vnet <= VNET_MAX_IPS))
    limits.append((ResourceKind.POOL_NODES, lambda n: peak(n) <= POOL_MAX_NODES))
    limits.append((ResourceKind.CLUSTER_NODES, lambda n: n <= CLUSTER_MAX_NODES))
    best = np.full(q.shape, CLUSTER_MAX_NODES + 1, dtype=_I64)
    code = np.zeros(q.shape, dtype=np.int8)
    for kind, fits in limits:
        largest = _largest(fits, q.shape, CLUSTER_MAX_NODES + 1)
        tighter = largest < best  # strictly: ties stay with the earlier limit, as in the model
        best = np.where(tighter, largest, best)
        code = np.where(tighter, ROOM_LIMITS.index(kind), code).astype(np.int8)
    return best.astype(_INT), code


def _largest(
    fits: Callable[[np.ndarray[Any, Any]], np.ndarray[Any, Any]],
    shape: tuple[int, ...],
    high: int,
) -> np.ndarray[Any, Any]:
    """Per element, the largest n in [0, high] with fits(n), for a fits that turns false once;
    0 where fits(0) is false. A binary search in lockstep: ceil(log2(high + 1)) array steps."""
    low = np.zeros(shape, dtype=_I64)
    top = np.full(shape, high, dtype=_I64)
    while bool(np.any(low < top)):
        mid = (low + top + 1) // 2
        ok = fits(mid)
        low = np.where(ok, mid, low)
        top = np.where(ok, top, mid - 1)
    found: np.ndarray[Any, Any] = np.where(fits(np.zeros(shape, dtype=_I64)), low, 0)
    return found


def _int_type(nodes: np.ndarray[Any, Any], max_pods: np.ndarray[Any, Any]) -> type[Any]:
    """int32 when no value of the model can reach 2^31, else int64 (exact below 2^53).

    The largest value is the peak nodes' IPs: at most 2N nodes x (P + 1 + a /28 block) each,
    or 100 x N for a percentage surge.

    Raises:
        ScenarioError: a value would reach 2^53, past float64's exact bit lengths.
    """
    most_nodes = max(int(nodes.max(initial=0)), 0)
    most_pods = max(int(max_pods.max(initial=0)), 0)
    largest = 2 * most_nodes * (most_pods + 1 + STATIC_BLOCK_IPS) + 100 * most_nodes
    if largest < 2**31:
        return _INT
    if largest < 2**53:
        return _I64
    raise ScenarioError(
        f"{most_nodes:,} nodes x {most_pods:,} max pods is beyond the sweep's exact arithmetic; "
        f"use at most {MAX_NODES:,} nodes and {MAX_MAX_PODS} max pods"
    )


def _min_prefixlen(ips: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """capacity.min_prefixlen, vectorised: 32 - max(bit_length(ips + 4), 3)."""
    host_bits = np.maximum(
        _bit_length(ips + AZURE_RESERVED_IPS - 1), 32 - SMALLEST_SUBNET_PREFIXLEN
    )
    prefixes: np.ndarray[Any, Any] = 32 - host_bits
    return prefixes


# --- CSV formatting ------------------------------------------------------------------------------

_POW10 = np.array([10**k for k in range(19)], dtype=_I64)

Column = np.ndarray[Any, Any] | tuple[np.ndarray[Any, Any], Sequence[str]]


def _lengths(column: Column) -> np.ndarray[Any, Any]:
    """Characters of each row's cell."""
    if isinstance(column, tuple):
        codes, labels = column
        return np.array([len(t) for t in labels], dtype=_I64)[codes]
    lengths = np.searchsorted(_POW10, column, side="right").astype(_I64)
    return np.maximum(lengths, 1)


def _put(buffer: np.ndarray[Any, Any], last: np.ndarray[Any, Any], column: Column) -> None:
    """Write each row's cell so that it ends at *last*, right-aligned.

    Short cells are padded on the left with filler ('0's or spaces) that land on the cells to
    their left; the caller writes columns right to left, so those are overwritten afterwards.
    """
    if isinstance(column, tuple):
        codes, labels = column
        width = max((len(t) for t in labels), default=0)
        table = np.full((len(labels), width), ord(" "), dtype=np.uint8)
        for i, text in enumerate(labels):
            if text:
                table[i, width - len(text) :] = np.frombuffer(text.encode("ascii"), np.uint8)
        constant = len(labels) == 1
        for k in range(width):
            buffer[last - k] = table[0, width - 1 - k] if constant else table[codes, width - 1 - k]
        return
    top = int(column.max(initial=0))
    width = max(len(str(top)), 1)
    # int division by a scalar is fast (libdivide) and exact; uint32 when it fits is faster
    values: np.ndarray[Any, Any] = column.astype(np.uint32 if top < 2**32 else np.uint64)
    for k in range(width):
        quotient: np.ndarray[Any, Any] = values // 10
        buffer[last - k] = (values - quotient * 10 + 48).astype(np.uint8)
        values = quotient


def format_csv(columns: Sequence[Column], rows: int) -> bytes:
    """CSV lines (no header) for *rows* rows: each column non-negative ints, or (codes, labels).

    Vectorised: every cell's length is known up front, so the rows are laid out in one byte
    buffer and each column is scattered into it in a few numpy operations.

    >>> format_csv([(np.zeros(2, np.int64), ["kubenet"]), np.array([7, 120]),
    ...             (np.array([1, 0]), ["", "yes"])], 2)
    b'kubenet,7,yes\\nkubenet,120,\\n'
    """
    if not rows:
        return b""
    lengths = [_lengths(column) for column in columns]
    row_length = sum(lengths) + len(columns)  # the commas and the newline
    ends = np.cumsum(row_length)
    starts = ends - row_length
    buffer = np.empty(int(ends[-1]), dtype=np.uint8)
    buffer[ends - 1] = ord("\n")
    end = ends - 1  # one past the current column's last character
    for index in range(len(columns) - 1, -1, -1):
        column, length = columns[index], lengths[index]
        first = end - length
        width = int(length.max())
        if np.any(first - (width - length) < starts):  # padding would spill into the last row
            raise ValueError("the first columns are too short to absorb padding; reorder them")
        _put(buffer, end - 1, column)
        if index:
            buffer[first - 1] = ord(",")
        end = first - 1
    return buffer.tobytes()


def _bools(values: np.ndarray[Any, Any]) -> tuple[np.ndarray[Any, Any], Sequence[str]]:
    return values.astype(_I64), ["False", "True"]


# --- the sweep -----------------------------------------------------------------------------------

#: most node counts the heatmap keeps (the chart draws no more than 1,000 columns either)
HEATMAP_COLUMNS = 1000
#: rows per block handed to the CSV formatter (bounds memory: ~200 bytes of temporaries a row)
_CHUNK_ROWS = 500_000


@dataclass(frozen=True)
class Heatmap:
    """The smallest node subnet prefix per (max pods, nodes), per model and surge."""

    nodes: tuple[int, ...]
    max_pods: tuple[int, ...]
    surges: tuple[Surge, ...]
    # (model, surge as written) -> [max pods index, nodes index]
    prefixes: dict[tuple[str, str], np.ndarray[Any, Any]]
    # the CSV's feasible column: AKS's and Azure's limits, and --subnet when given
    feasible: dict[tuple[str, str], np.ndarray[Any, Any]]


def _blocks(spec: SweepSpec) -> Iterator[tuple[Network, Surge, np.ndarray[Any, Any]]]:
    """(network, surge, a slice of max pods) blocks of at most about _CHUNK_ROWS rows."""
    per_chunk = max(1, _CHUNK_ROWS // max(len(spec.nodes), 1))
    pods = np.array(spec.max_pods, dtype=_I64)
    for network in spec.networks:
        for surge in spec.surges:
            for start in range(0, len(pods), per_chunk):
                yield network, surge, pods[start : start + per_chunk]


def run_sweep(
    spec: SweepSpec,
    write: Callable[[bytes], object],
    progress: Callable[[int, int], None] | None = None,
) -> Heatmap:
    """Evaluate *spec* block by block, handing CSV bytes (header first) to *write*.

    Rows go network by network (in the order given), then surge, max pods and nodes ascending.

    Args:
        write: receives the CSV text in pieces (e.g. a binary file's ``write``).
        progress: called with (rows done, rows in all) after each block.

    Raises:
        ScenarioError: a node count of 0 (rule A10: only an autoscaler pool, with a max_nodes,
            may have 0 nodes; a sweep row has none, and ``ipplan compare`` rejects it too).
    """
    check_sweep(spec)
    write((",".join(COLUMNS) + "\n").encode("ascii"))
    nodes = np.array(spec.nodes, dtype=_I64)
    # the heatmap keeps at most HEATMAP_COLUMNS node counts (every k-th, so an even axis stays
    # even): a picture a few hundred pixels wide needs no more, and a million columns by 241
    # max pods by five models would be gigabytes
    thin = max(1, -(-len(spec.nodes) // HEATMAP_COLUMNS))
    kept = np.arange(0, len(spec.nodes), thin)
    heat = Heatmap(tuple(spec.nodes[::thin]), spec.max_pods, spec.surges, {}, {})
    done = 0
    row_of = {pods: i for i, pods in enumerate(spec.max_pods)}
    for network, surge, pods in _blocks(spec):
        grid = evaluate_grid(
            nodes[None, :], pods[:, None], surge, network, spec.subnet_prefixlen, spec.pods_in_use
        )
        if spec.blocked(network):  # its OS or dataplane rules the model out (rules A7, A23)
            for key in ("within_limits", "feasible"):
                grid[key] = np.zeros(
                    np.broadcast_shapes(nodes[None, :].shape, pods[:, None].shape), bool
                )
        shape = (len(pods), len(nodes))
        rows = shape[0] * shape[1]
        cell = (network.value, str(surge))
        top = row_of[int(pods[0])]
        for store, key, kind in (
            (heat.prefixes, "node_subnet_min_prefix", np.int8),
            (heat.feasible, "feasible", np.bool_),
        ):
            if cell not in store:
                store[cell] = np.zeros((len(spec.max_pods), len(kept)), dtype=kind)
            part = np.broadcast_to(grid[key], shape)  # type: ignore[arg-type]
            store[cell][top : top + len(pods)] = part[:, kept]
        write(format_csv(_row_columns(grid, network, surge, nodes, pods, shape), rows))
        done += rows
        if progress is not None:
            progress(done, spec.rows)
    return heat


def _row_columns(
    grid: dict[str, np.ndarray[Any, Any] | None],
    network: Network,
    surge: Surge,
    nodes: np.ndarray[Any, Any],
    pods: np.ndarray[Any, Any],
    shape: tuple[int, int],
) -> list[Column]:
    rows = shape[0] * shape[1]
    constant = np.zeros(rows, dtype=_I64)
    columns: list[Column] = [
        (constant, [network.value]),
        (constant, [str(surge)]),
        np.repeat(pods, shape[1]),
        np.tile(nodes, shape[0]),
    ]
    for name in COLUMNS[4:]:
        value = grid[name]
        if value is None:
            columns.append((constant, [""]))
            continue
        flat = np.broadcast_to(value, shape).reshape(rows)
        if name == "room_limit":
            columns.append((flat, _ROOM_LABELS))
        else:
            columns.append(_bools(flat) if value.dtype == np.bool_ else flat)
    return columns


_ROOM_LABELS = tuple(str(kind) for kind in ROOM_LIMITS)


def check_sweep(spec: SweepSpec) -> None:
    """Reject what ``ipplan compare`` and a scenario reject (rule A23): a pool of 0 nodes."""
    if spec.nodes and min(spec.nodes) == 0:
        raise ScenarioError(
            "--nodes: 0 nodes is allowed only for an autoscaler pool (with max_nodes), which a "
            "sweep row is not: use node counts of 1 or more, e.g. 1:1000"
        )


class Progress:
    """A one-line progress bar on a text stream, shown only once a sweep runs over a second."""

    def __init__(self, stream: Any, after_seconds: float = 1.0) -> None:
        self.stream = stream
        self.after = after_seconds
        self.started = time.perf_counter()
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        """Redraw the bar for *done* of *total* rows."""
        if not self.shown and time.perf_counter() - self.started < self.after:
            return
        self.shown = True
        width = 30
        filled = width * done // max(total, 1)
        self.stream.write(
            f"\rsweep [{'#' * filled}{'.' * (width - filled)}] {100 * done // max(total, 1):3d}% "
            f"{done:,}/{total:,} rows"
        )
        self.stream.flush()

    def close(self) -> None:
        """End the bar's line, if it was shown."""
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


def write_sweep(
    spec: SweepSpec,
    path: Path,
    progress: Callable[[int, int], None] | None = None,
    then: Callable[[Heatmap], object] | None = None,
) -> Heatmap:
    """Write the sweep's CSV to *path* (via a temporary file, renamed when complete).

    *then* runs once the CSV is complete, before it replaces *path* (``ipplan sweep`` writes the
    heatmap there): when it raises, *path* is left as it was. The temporary file is
    ``.NAME.<pid>.tmp`` beside *path* (``ipplan sweep`` removes those of killed runs with
    :func:`ipplan.report.pack.remove_stale`).

    Raises:
        ScenarioError: as :func:`run_sweep`, before any file is created.
    """
    check_sweep(spec)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temp.open("wb") as out:
            heat = run_sweep(spec, out.write, progress)
        if then is not None:
            then(heat)
        temp.replace(path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return heat
