"""ipplan sweep: the vectorised grid equals the scalar capacity model, the CSV is exact."""

from __future__ import annotations

import io
import random

import numpy as np
import pytest

from ipplan.core.capacity import Cluster, NodePool, Subnet, comparison_row, evaluate
from ipplan.errors import ScenarioError
from ipplan.rules import Network, Surge
from ipplan.sweep import (
    COLUMNS,
    SweepSpec,
    evaluate_grid,
    format_csv,
    parse_int_list,
    parse_surges,
    run_sweep,
)

#: the comparison_row fields the sweep reproduces (feasible: see _scalar)
SHARED = (
    "surge_nodes",
    "peak_nodes",
    "node_subnet_ips",
    "node_subnet_min_prefix",
    "pod_subnet_ips",
    "pod_subnet_min_prefix",
    "pod_cidr_min_prefix",
    "vnet_ips",
    "max_nodes_in_subnet",
    "feasible",
)


def _scalar(nodes: int, max_pods: int, surge: Surge, network: Network, prefixlen: int) -> dict:
    """What ``ipplan compare`` computes for one row: evaluate() and comparison_row()."""
    pool = NodePool("pool", nodes, "nodes", max_pods=max_pods, max_surge=surge)
    # a /8 pod CIDR holds 65,536 nodes: the sweep's feasible ignores the pod CIDR
    cluster = Cluster("c", network, (pool,), pod_cidr_prefixlen=8)
    row = comparison_row(evaluate([cluster], {"nodes": Subnet("nodes", prefixlen)}), "c")
    return {key: row[key] for key in SHARED}


def _vector(nodes: int, max_pods: int, surge: Surge, network: Network, prefixlen: int) -> dict:
    grid = evaluate_grid(np.array([nodes]), np.array([max_pods]), surge, network, prefixlen)
    return {
        key: None if grid[key] is None else grid[key][0].item()  # type: ignore[index]
        for key in SHARED
    }


SURGES = (Surge(0), Surge(1), Surge(3), Surge(10, True), Surge(33, True), Surge(100, True))


def test_sampled_rows_equal_the_scalar_model() -> None:
    # 3,000 random rows over every model, surge form and a spread of subnet sizes, plus the
    # edges: 0 and 1 node, AKS's limits, the 30-pod minimum
    rng = random.Random(6)
    cases = [
        (n, p, s, net, pl)
        for n in (0, 1, 2, 3, 399, 400, 910, 1000, 5000, 5001)
        for p in (10, 11, 30, 31, 32, 110, 250)
        for s in (Surge(1), Surge(10, True))
        for net in Network
        for pl in (29, 24)
    ]
    cases += [
        (
            rng.randint(0, 6000),
            rng.randint(10, 250),
            rng.choice(SURGES),
            rng.choice(list(Network)),
            rng.randint(8, 29),
        )
        for _ in range(3000)
    ]
    mismatches = [c for c in cases if _vector(*c) != _scalar(*c)]
    assert mismatches == []


def test_grid_broadcasts_like_pairs() -> None:
    nodes = np.array([1, 50, 400, 999])
    pods = np.array([10, 30, 250])
    grid = evaluate_grid(nodes[None, :], pods[:, None], Surge(1), Network.AZURE_CNI, 21)
    pairs = evaluate_grid(np.tile(nodes, 3), np.repeat(pods, 4), Surge(1), Network.AZURE_CNI, 21)
    for key, value in grid.items():
        if value is None:
            assert pairs[key] is None
        else:
            assert np.broadcast_to(value, (3, 4)).ravel().tolist() == pairs[key].tolist()  # type: ignore[union-attr]


def test_docs_vectors() -> None:
    # aks-ip-rules.md §8: #1 (1,581 -> /21) and #3 (a /24 holds 8 azure-cni nodes at 30 pods)
    one = evaluate_grid(np.array([50]), np.array([30]), Surge(1), Network.AZURE_CNI, 24)
    assert one["node_subnet_ips"].tolist() == [1581]  # type: ignore[union-attr]
    assert one["node_subnet_min_prefix"].tolist() == [21]  # type: ignore[union-attr]
    three = evaluate_grid(np.array([8]), np.array([30]), Surge(0), Network.AZURE_CNI, 24)
    assert three["max_nodes_in_subnet"].tolist() == [8]  # type: ignore[union-attr]
    # #4: a /24 holds 251 kubenet nodes; #12: a dynamic pod subnet needs 16 IPs per node at 10
    four = evaluate_grid(np.array([1]), np.array([110]), Surge(0), Network.KUBENET, 24)
    assert four["max_nodes_in_subnet"].tolist() == [251]  # type: ignore[union-attr]
    dyn = evaluate_grid(np.array([15]), np.array([10]), Surge(0), Network.POD_SUBNET)
    assert dyn["pod_subnet_ips"].tolist() == [240]  # type: ignore[union-attr]


def test_format_csv_exact_bytes() -> None:
    codes = np.array([0, 1, 1])
    columns = [
        (np.zeros(3, dtype=np.int64), ["azure-cni-overlay"]),
        np.array([0, 9, 1234567]),
        (codes, ["False", "True"]),
        (np.zeros(3, dtype=np.int64), [""]),
        np.array([10, 100, 1000]),
    ]
    assert format_csv(columns, 3) == (
        b"azure-cni-overlay,0,False,,10\n"
        b"azure-cni-overlay,9,True,,100\n"
        b"azure-cni-overlay,1234567,True,,1000\n"
    )
    assert format_csv(columns, 0) == b""


def test_run_sweep_csv_and_heatmap() -> None:
    spec = SweepSpec((10, 20), (30, 110), (Surge(1),), (Network.KUBENET, Network.AZURE_CNI), 24)
    out = io.BytesIO()
    heat = run_sweep(spec, out.write)
    lines = out.getvalue().decode().splitlines()
    assert lines[0] == ",".join(COLUMNS)
    assert len(lines) == 1 + spec.rows == 9
    assert lines[1] == "kubenet,1,30,10,1,11,11,28,,,20,11,250,True,True"
    # azure-cni, 110 pods, 20 nodes: 21 * 111 = 2,331 IPs, a /20; a /24 holds 1 node + 1 surge
    assert lines[8] == "azure-cni,1,110,20,1,21,2331,20,,,,2331,1,False,False"
    assert heat.prefixes["azure-cni"].tolist() == [[23, 22], [21, 20]]
    assert heat.feasible["kubenet"].tolist() == [[True, True], [True, True]]


def test_progress_is_called_per_block() -> None:
    calls: list[tuple[int, int]] = []
    spec = SweepSpec(tuple(range(1, 11)), (30,), (Surge(1), Surge(2)), (Network.KUBENET,))
    run_sweep(spec, lambda _: None, lambda done, total: calls.append((done, total)))
    assert calls == [(10, 20), (20, 20)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("10:50:20", (10, 30, 50)), ("5", (5,)), ("30, 50,30", (30, 50)), ("1:3", (1, 2, 3))],
)
def test_parse_int_list(text: str, expected: tuple[int, ...]) -> None:
    assert parse_int_list("--nodes", text, 0, 100) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("10:5:1", "--nodes: '10:5:1' is not a range: use start:stop:step with start <= stop"),
        ("1:10:0", "--nodes: '1:10:0' is not a range"),
        ("a,b", "--nodes: 'a,b' is not a list of whole numbers: use e.g. 10:1000:10 or 30,50,110"),
        ("1:2:3:4", "--nodes: '1:2:3:4' is not a list of whole numbers"),
        ("101", "--nodes: 101 is outside 0..100: use values in that range"),
    ],
)
def test_parse_int_list_errors(text: str, message: str) -> None:
    with pytest.raises(ScenarioError) as err:
        parse_int_list("--nodes", text, 0, 100)
    assert str(err.value).startswith(message)


def test_parse_surges() -> None:
    assert parse_surges("1,10%,1") == (Surge(1), Surge(10, True))
    with pytest.raises(ScenarioError, match=r"^--max-surge: 'x' is not a surge"):
        parse_surges("x")
