"""ipplan sweep: the vectorised grid equals the scalar capacity model, the CSV is exact."""

from __future__ import annotations

import io
import random
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from ipplan.core.capacity import Cluster, NodePool, Subnet, comparison, evaluate
from ipplan.core.keys import SubnetKey
from ipplan.errors import ScenarioError
from ipplan.rules import OS, Dataplane, Network, Severity, Surge
from ipplan.sweep import (
    COLUMNS,
    ROOM_LIMITS,
    SweepSpec,
    evaluate_grid,
    format_csv,
    parse_int_list,
    parse_surges,
    run_sweep,
    write_sweep,
)

#: the comparison fields the sweep reproduces (feasible: see _scalar; room_limit: Room.limit)
SHARED = (
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
    "feasible",
)


def _scalar(
    nodes: int, max_pods: int, surge: Surge, network: Network, prefixlen: int | None
) -> dict:
    """What ``ipplan compare`` computes for one row, with its defaults (the /16 pod CIDR, no
    pod subnet): evaluate() and comparison()."""
    key = SubnetKey("", "nodes")
    pool = NodePool("pool", nodes, key, max_pods=max_pods, max_surge=surge)
    estimate = evaluate([Cluster("c", network, (pool,))], {key: Subnet(key, prefixlen)})
    row = comparison(estimate, "c")
    room = estimate.clusters[0].room
    assert room is not None
    out = {name: getattr(row, name) for name in SHARED if hasattr(row, name)}
    out["room_limit"] = room.limit
    # every error counts, the default /16 pod CIDR's (rule A6) included
    out["feasible"] = not any(p.severity is Severity.ERROR for p in estimate.problems)
    return out


def _vectors(cases: list[tuple[int, int, Surge, Network, int | None]]) -> list[dict]:
    """evaluate_grid's row for each case: one call per (surge, model, subnet), on all its pairs."""
    groups: dict[tuple[Surge, Network, int | None], list[int]] = {}
    for i, (_, _, surge, network, prefixlen) in enumerate(cases):
        groups.setdefault((surge, network, prefixlen), []).append(i)
    out: list[dict] = [{} for _ in cases]
    for (surge, network, prefixlen), rows in groups.items():
        nodes = np.array([cases[i][0] for i in rows])
        pods = np.array([cases[i][1] for i in rows])
        grid = evaluate_grid(nodes, pods, surge, network, prefixlen)
        for j, i in enumerate(rows):
            out[i] = {
                key: None if grid[key] is None else grid[key][j].item()  # type: ignore[index]
                for key in SHARED
            }
            out[i]["room_limit"] = ROOM_LIMITS[out[i]["room_limit"]]
    return out


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
        for pl in (29, 24, None)
    ]
    cases += [
        (
            rng.randint(0, 6000),
            rng.randint(10, 250),
            rng.choice(SURGES),
            rng.choice(list(Network)),
            rng.choice([None, rng.randint(8, 29)]),
        )
        for _ in range(3000)
    ]
    vectors = _vectors(cases)
    mismatches = [(c, v) for c, v in zip(cases, vectors, strict=True) if v != _scalar(*c)]
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
    # docs/rules.md examples #1 (1,581 -> /21) and #3 (a /24 holds 8 azure-cni nodes at 30 pods)
    one = evaluate_grid(np.array([50]), np.array([30]), Surge(1), Network.AZURE_CNI, 24)
    assert one["node_subnet_ips"].tolist() == [1581]  # type: ignore[union-attr]
    assert one["node_subnet_min_prefix"].tolist() == [21]  # type: ignore[union-attr]
    # floor(251 / 31) = 8; the VNet (31 x 8 = 248) and 1,000 per pool do not bind
    three = evaluate_grid(np.array([8]), np.array([30]), Surge(0), Network.AZURE_CNI, 24)
    assert three["room_nodes"].tolist() == [8]  # type: ignore[union-attr]
    # #4: a /24 holds 251 kubenet nodes (before the /16 pod CIDR's 256 and the 400 routes);
    # #12: a dynamic pod subnet needs 16 IPs per node at 10
    four = evaluate_grid(np.array([1]), np.array([110]), Surge(0), Network.KUBENET, 24)
    assert four["room_nodes"].tolist() == [251]  # type: ignore[union-attr]
    assert [ROOM_LIMITS[c] for c in four["room_limit"].tolist()] == ["node-subnet"]  # type: ignore[union-attr]
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
    # kubenet, 30 pods, 10 nodes + 1 surge: room n + 1 <= 251 (the /24) -> 250, before the /16
    # pod CIDR (n + 1 <= 256 -> 255) and the 400 routes (399)
    assert lines[1] == "kubenet,1,30,10,1,11,11,28,,,20,11,250,node-subnet,True,True"
    # azure-cni, 110 pods, 20 nodes: 21 * 111 = 2,331 IPs, a /20; a /24 holds 1 node + 1 surge
    # ((1 + 1) x 111 = 222 <= 251; 3 x 111 = 333)
    assert lines[8] == "azure-cni,1,110,20,1,21,2331,20,,,,2331,1,node-subnet,False,False"
    assert heat.prefixes["azure-cni", "1"].tolist() == [[23, 22], [21, 20]]
    assert heat.feasible["kubenet", "1"].tolist() == [[True, True], [True, True]]
    # the heatmap is the CSV's feasible column: under --subnet /24 no azure-cni row fits
    assert heat.feasible["azure-cni", "1"].tolist() == [[False, False], [False, False]]


def test_heatmap_has_every_surge() -> None:
    spec = SweepSpec((10,), (30,), (Surge(1), Surge(50, percent=True)), (Network.KUBENET,))
    heat = run_sweep(spec, lambda _: None)
    assert list(heat.prefixes) == [("kubenet", "1"), ("kubenet", "50%")]
    # 10 + 5 surge: 15 IPs, more than a /28's 11
    assert heat.prefixes["kubenet", "50%"].tolist() == [[27]]


def test_os_and_dataplane_rule_models_out_as_compare_does() -> None:
    spec = SweepSpec((10,), (30,), (Surge(1),), (Network.KUBENET, Network.OVERLAY), os=OS.WINDOWS)
    assert spec.blocked(Network.KUBENET) == (
        "the pool runs Windows, which kubenet does not support; use azure-cni-overlay (rule A7)",
    )
    assert spec.blocked(Network.OVERLAY) == ()
    assert spec.warnings(Network.OVERLAY) == ()  # max pods 30: no Windows warning
    wide = replace(spec, max_pods=(30, 250))
    assert wide.warnings(Network.OVERLAY) == (
        "the pool: Windows with max_pods of 250, above the 110 recommended; set max_pods: 110 "
        "(rule A2)",
    )
    heat = run_sweep(spec, lambda _: None)
    assert heat.feasible["kubenet", "1"].tolist() == [[False]]
    assert heat.feasible["azure-cni-overlay", "1"].tolist() == [[True]]
    cilium = SweepSpec((10,), (30,), (Surge(1),), (Network.KUBENET,), dataplane=Dataplane.CILIUM)
    assert cilium.blocked(Network.KUBENET) == (
        "the cluster: kubenet cannot run the Cilium dataplane; use network azure-cni-overlay "
        "with cilium, or dataplane azure (rule A7)",
    )


def test_pods_in_use_shrinks_dynamic_batches() -> None:
    # rule A8: U = 20 of P = 110 takes 16 * ceil(0.5 + 20/16) = 32 IPs a node, not 110
    grid = evaluate_grid(np.array([10]), np.array([110]), Surge(0), Network.POD_SUBNET, None, 20)
    assert int(grid["pod_subnet_ips"][0]) == 320  # type: ignore[index]
    full = evaluate_grid(np.array([10]), np.array([110]), Surge(0), Network.POD_SUBNET)
    assert int(full["pod_subnet_ips"][0]) == 1100  # type: ignore[index]


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


@pytest.mark.parametrize(
    ("network", "max_pods", "surge", "prefixlen", "room", "limit"),
    [
        # overlay, no subnet: the default /16 pod CIDR holds 256 nodes at one /24 each:
        # n + ceil(n/10) <= 256 -> 232 (232 + 24 = 256; 233 + 24 = 257)
        (Network.OVERLAY, 250, Surge(10, True), None, 232, "pod-cidr"),
        (Network.OVERLAY, 250, Surge(0), None, 256, "pod-cidr"),
        # kubenet in a /21 (2,043): the subnet allows 1,857, the 400 routes 363, the pod CIDR 232
        (Network.KUBENET, 30, Surge(10, True), 21, 232, "pod-cidr"),
        # azure-cni, 250 pods, no subnet: the VNet: (n + 1) x 251 <= 65,536 -> n + 1 <= 261
        # (65,511; 262 x 251 = 65,762) -> 260
        (Network.AZURE_CNI, 250, Surge(1), None, 260, "vnet-ips"),
        # azure-cni, 30 pods, a /21: (n + ceil(n/10)) x 31 <= 2,043 -> M <= 65 -> n = 59
        (Network.AZURE_CNI, 30, Surge(10, True), 21, 59, "node-subnet"),
        # dynamic pod subnet, 110 pods, surge 0: 1 + 110 VNet IPs a node: 111 n <= 65,536 ->
        # 590 (65,490; 591 x 111 = 65,601)
        (Network.POD_SUBNET, 110, Surge(0), None, 590, "vnet-ips"),
        # static, 250 pods: 1 + ceil(251/16) = 17 a node (a block counts once): (n + 1) x 17
        # <= 65,536 -> 3,854; but 1,000 per pool with surge: n + 1 <= 1,000 -> 999
        (Network.POD_SUBNET_STATIC, 250, Surge(1), None, 999, "pool-nodes"),
        # surge 100%, 30 pods: 1 + ceil(31/16) = 3 VNet IPs a node: 2n x 3 <= 65,536 -> 10,922;
        # 1,000 per pool: 2n <= 1,000 -> 500
        (Network.POD_SUBNET_STATIC, 30, Surge(100, True), None, 500, "pool-nodes"),
        # the same in a /24: the node subnet binds first: 2n <= 251 -> 125
        (Network.POD_SUBNET_STATIC, 30, Surge(100, True), 24, 125, "node-subnet"),
    ],
)
def test_room_is_rule_a18s_with_every_limit(
    network: Network, max_pods: int, surge: Surge, prefixlen: int | None, room: int, limit: str
) -> None:
    # room depends on max pods, surge and the subnet, never on today's node count
    nodes = np.array([1, 10, 600])
    grid = evaluate_grid(nodes, np.full(3, max_pods), surge, network, prefixlen)
    assert grid["room_nodes"].tolist() == [room] * 3  # type: ignore[union-attr]
    codes = grid["room_limit"].tolist()  # type: ignore[union-attr]
    assert [ROOM_LIMITS[c] for c in codes] == [limit] * 3
    assert _scalar(10, max_pods, surge, network, prefixlen)["room_nodes"] == room


def test_room_of_unrelated_pairs_uses_a_table_and_equals_each_pair_alone() -> None:
    # many pairs share few max pods values: a looked-up table must equal evaluating each alone
    rng = np.random.default_rng(6)
    nodes, pods = rng.integers(1, 3000, 400), rng.integers(10, 251, 400)
    for network in Network:
        together = evaluate_grid(nodes, pods, Surge(33, True), network, 23)
        for i in (0, 1, 199, 399):
            alone = evaluate_grid(nodes[i : i + 1], pods[i : i + 1], Surge(33, True), network, 23)
            for key in ("room_nodes", "room_limit"):
                assert together[key][i] == alone[key][0]  # type: ignore[index]


def test_zero_nodes_are_rejected_and_infeasible(tmp_path: Path) -> None:
    # rule A10/A23: 0 nodes is only for an autoscaler pool (max_nodes), which a sweep row is not
    spec = SweepSpec((0, 10), (30,), (Surge(1),), (Network.OVERLAY,))
    message = r"^--nodes: 0 nodes is allowed only for an autoscaler pool \(with max_nodes\)"
    with pytest.raises(ScenarioError, match=message):
        run_sweep(spec, lambda _: None)
    with pytest.raises(ScenarioError, match=message):
        write_sweep(spec, tmp_path / "sweep.csv")
    assert list(tmp_path.iterdir()) == []  # nothing written, not even the temporary file
    grid = evaluate_grid(np.array([0, 1, 3]), np.array([30]), Surge(1), Network.OVERLAY)
    # 1 x 30 = 30 pods: the minimum, fits; 0 nodes: infeasible like compare's
    assert grid["feasible"].tolist() == [False, True, True]  # type: ignore[union-attr]
    assert _scalar(0, 30, Surge(1), Network.OVERLAY, None)["feasible"] is False


@pytest.mark.parametrize("network", [Network.KUBENET, Network.OVERLAY])
def test_a_row_past_the_default_pod_cidr_is_infeasible_as_compare_says(network: Network) -> None:
    # the default /16 pod CIDR holds 256 nodes at one /24 each (rule A6): 255 + 1 surge fits,
    # 256 + 1 does not; the room (which depends on max pods, not on nodes) is 255, and compare
    # agrees row for row
    grid = evaluate_grid(np.array([255, 256]), np.array([30]), Surge(1), network)
    assert grid["feasible"].tolist() == [True, False]  # type: ignore[union-attr]
    assert grid["room_nodes"].tolist() == [255]  # type: ignore[union-attr]
    assert [_scalar(n, 30, Surge(1), network, None)["feasible"] for n in (255, 256)] == [
        True,
        False,
    ]
