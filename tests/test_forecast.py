"""The forecast: growth month by month, every resource under every model, warn and exhaustion."""

from __future__ import annotations

import pytest

import ipplan.core.forecast as forecast_module
from ipplan.core.capacity import Cluster, Growth, NodePool, Problem, Subnet
from ipplan.core.forecast import (
    CURRENT,
    Forecast,
    Resource,
    Series,
    fix_for,
    forecast,
    grown_nodes,
    month_label,
    shortfalls,
)
from ipplan.core.keys import ResourceKind, SubnetKey
from ipplan.rules import Network, Severity, Surge

NODES, OLD = SubnetKey("spoke", "nodes"), SubnetKey("spoke", "old")


def _forecast(
    clusters: list[Cluster],
    subnets: dict[SubnetKey, Subnet],
    networks: tuple[Network, ...] = (),
    horizon: int = 6,
    warn: int = 80,
) -> Forecast:
    return forecast(
        clusters,
        subnets,
        networks=networks,
        start_year=2027,
        start_month=11,
        horizon_months=horizon,
        warn_at_pct=warn,
    )


def _one(f: Forecast, kind: str, model: str | None = None) -> Series:
    return next(s for s in f.series if s.resource.kind == kind and s.model == (model or f.current))


# --- growth -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nodes", "growth", "months", "expected"),
    [
        (20, Growth(nodes_per_month=2), [0, 1, 12], [20, 22, 44]),
        # a fractional rate adds a node each time the running total crosses a whole node
        (10, Growth(nodes_per_month=0.5), [0, 1, 2, 3, 4], [10, 10, 11, 11, 12]),
        # 0.29 * 100 is 28.999999999999996 in floats: the decimal the user wrote gives 29
        (0, Growth(nodes_per_month=0.29), [100], [29]),
        # ceil(20 * 1.05^12) = ceil(35.917...) = 36
        (20, Growth(percent_per_month=5), [0, 1, 12], [20, 21, 36]),
        # 100 * 1.1^2 is 121.00000000000001 in floats (ceil 122); exactly it is 121
        (100, Growth(percent_per_month=10), [2], [121]),
        # both: compound first, then the linear part on top
        (10, Growth(nodes_per_month=1, percent_per_month=10), [1], [12]),
        # shrinking stops at zero
        (3, Growth(nodes_per_month=-2), [1, 2], [1, 0]),
        (7, None, [0, 24], [7, 7]),
    ],
)
def test_grown_nodes(nodes: int, growth: Growth | None, months: list[int], expected: list[int]):
    assert [grown_nodes(nodes, growth, m) for m in months] == expected


def test_month_labels_roll_over_years() -> None:
    assert [month_label(2027, 11, m) for m in (0, 1, 2, 14)] == [
        "2027-11",
        "2027-12",
        "2028-01",
        "2029-01",
    ]


# --- one cluster, every resource ----------------------------------------------------------------

POOL = NodePool(
    "user",
    10,
    NODES,
    max_surge=Surge(10, percent=True),
    growth=Growth(nodes_per_month=5),
)
CLUSTER = Cluster("aks", Network.OVERLAY, (POOL,), vnet="spoke")
SUBNETS = {NODES: Subnet(NODES, 27)}


def test_surge_is_recomputed_every_month() -> None:
    f = _forecast([CLUSTER], SUBNETS)
    assert f.months == ("2027-11", "2027-12", "2028-01", "2028-02", "2028-03", "2028-04", "2028-05")
    assert f.models == ("azure-cni-overlay",) and f.current == "azure-cni-overlay"
    nodes = _one(f, "node-subnet")
    # N = 10 + 5m; S = ceil(N/10): 1, 2, 2, 3, 3, 4, 4; node subnet IPs = N + S
    assert nodes.required == (11, 17, 22, 28, 33, 39, 44)
    assert nodes.capacity == 27  # a /27 holds 2^5 - 5
    # warn: 100 * 22 >= 80 * 27; exhausted: 28 > 27
    assert (nodes.warn_month, nodes.exhaustion_month, nodes.runway_months) == (2, 3, 3)
    assert nodes.status == "runs out"
    assert nodes.utilization_pct(2) == 81.5
    assert _one(f, "cluster-nodes").required == (10, 15, 20, 25, 30, 35, 40)
    assert _one(f, "pool-nodes").required == nodes.required
    pod_cidr = _one(f, "pod-cidr")
    assert (pod_cidr.capacity, pod_cidr.status, pod_cidr.resource.unit) == (256, "ok", "nodes")
    vnet = _one(f, "vnet-ips")
    assert (vnet.resource.name, vnet.capacity, vnet.required[-1]) == ("spoke", 65_536, 44)
    kinds = [s.resource.kind for s in f.series]
    assert kinds == ["node-subnet", "pod-cidr", "vnet-ips", "cluster-nodes", "pool-nodes"]
    binding = f.binding("azure-cni-overlay", "aks")
    assert binding is not None and binding.resource.label == "node subnet spoke/nodes"


def test_every_model_and_unsized_pod_subnets_are_na() -> None:
    f = _forecast([CLUSTER], SUBNETS, networks=(Network.KUBENET, Network.POD_SUBNET_STATIC))
    # the cluster's own model is not compared: it comes first, under its own name
    assert f.models == ("azure-cni-overlay", "kubenet", "azure-cni-pod-subnet-static")
    routes = _one(f, "kubenet-routes", "kubenet")
    assert (routes.capacity, routes.required[0], routes.resource.unit) == (400, 11, "routes")
    pods = _one(f, "pod-subnet", "azure-cni-pod-subnet-static")
    # no pod subnet in the plan: nobody sized it, so it cannot run out; its key is the
    # cluster's own placeholder, which never equals a real subnet's
    assert (pods.resource.name, pods.capacity, pods.status) == (
        "aks's pod subnet (none in the plan)",
        None,
        "n/a",
    )
    assert pods.resource.subnet == SubnetKey("spoke", "pods", for_cluster="aks")
    assert (pods.warn_month, pods.exhaustion_month, pods.utilization_pct(0)) == (None, None, None)
    # 110 default max pods: ceil(111/16) = 7 blocks of 16 per node; 11 peak nodes at month 0
    assert pods.required[0] == 11 * 7 * 16
    # the VNet counts each /28 block once: 11 node IPs + 77 blocks
    assert _one(f, "vnet-ips", "azure-cni-pod-subnet-static").required[0] == 11 + 77
    assert not any(
        s.model == "azure-cni-pod-subnet-static" and s.resource.kind == "pod-cidr" for s in f.series
    )
    # rule A21: kubenet's retirement is a resource of the kubenet model only. Supported months
    # 2027-11..2028-03, both counted: (2028 x 12 + 3) - (2027 x 12 + 11) + 1 = 5 (it said 4,
    # beside a runway of 5); running through month m needs m + 1 of them: 1..7; warn:
    # 100 (m + 1) >= 80 x 5 = 400 -> m = 3; runs out: m + 1 > 5 -> month 5, 2028-04
    retire = _one(f, "retirement", "kubenet")
    assert (retire.resource.name, retire.resource.clusters, retire.resource.unit) == (
        "aks",
        ("aks",),
        "months",
    )
    assert (retire.capacity, retire.required) == (5, (1, 2, 3, 4, 5, 6, 7))
    assert (retire.warn_month, retire.exhaustion_month, retire.status) == (3, 5, "runs out")
    assert retire.runway_months == retire.capacity == 5  # one number: the months supported
    assert f.months[5] == "2028-04"
    assert [s.model for s in f.series if s.resource.kind is ResourceKind.RETIREMENT] == ["kubenet"]
    # under kubenet the /27 node subnet still runs out first: month 3 (28 > 27), before month 5
    assert f.first_to_run_out("kubenet") == _one(f, "node-subnet", "kubenet")


def test_mixed_models_are_labelled_current() -> None:
    other = Cluster("legacy", Network.KUBENET, (NodePool("p", 395, OLD),), vnet="spoke")
    subnets = {**SUBNETS, OLD: Subnet(OLD, 23)}
    f = _forecast([CLUSTER, other], subnets, networks=(Network.OVERLAY,), horizon=1)
    assert (f.models, f.current) == ((CURRENT, "azure-cni-overlay"), CURRENT)
    # 395 nodes + 10% surge (40) = 435 routes: short at month 0, and an error of rule A7;
    # the default /16 pod CIDR (256 nodes) is short too (A6)
    routes = _one(f, "kubenet-routes")
    assert (routes.required, routes.status, routes.runway_months) == ((435, 435), "short now", 0)
    assert [p.rule for p in f.problems[CURRENT]] == ["A7", "A6"]
    # under overlay the legacy cluster's 435 nodes still overflow the /16 pod CIDR
    assert not f.feasible(CURRENT) and not f.feasible("azure-cni-overlay")
    assert [p.rule for p in f.problems["azure-cni-overlay"]] == ["A6"]
    vnet = _one(f, "vnet-ips")
    assert vnet.resource.clusters == ("aks", "legacy")
    # rule A21: the kubenet cluster's retirement, 5 supported months (2027-11..2028-03), lasts
    # the 1-month horizon (months 0 and 1 need 1 and 2 of them)
    retire = _one(f, "retirement")
    assert (retire.resource.name, retire.capacity, retire.required, retire.status) == (
        "legacy",
        5,
        (1, 2),
        "ok",
    )
    assert not any(s.resource.kind == "retirement" for s in f.of("azure-cni-overlay"))


def test_evaluates_once_per_distinct_month(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = forecast_module.evaluate

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(forecast_module, "evaluate", counting)
    slow = NodePool("p", 10, NODES, growth=Growth(nodes_per_month=0.25))
    cluster = Cluster("aks", Network.OVERLAY, (slow,), vnet="spoke")
    f = _forecast([cluster], SUBNETS, networks=(Network.OVERLAY, Network.KUBENET), horizon=8)
    # 10 + floor(m/4): 10 for months 0-3, 11 for 4-7, 12 for 8: 3 evaluations per model
    assert len(calls) == 6
    assert _one(f, "cluster-nodes").required == (10, 10, 10, 10, 11, 11, 11, 11, 12)


def test_binding_prefers_the_first_to_run_out_then_the_fullest() -> None:
    def series(kind: str, required: tuple[int, ...], capacity: int, exhausted: int | None):
        resource = Resource(ResourceKind(kind), kind, ("c",))
        return Series("m", resource, capacity, required, None, exhausted)

    f = Forecast(
        months=("2027-01", "2027-02"),
        models=("m",),
        current="m",
        warn_at_pct=80,
        series=(
            series("node-subnet", (10, 50), 100, None),
            series("pod-cidr", (10, 90), 100, None),
            series("vnet-ips", (10, 20), 15, 1),
        ),
        problems={},
    )
    assert f.binding("m", "c").resource.kind == "vnet-ips"  # type: ignore[union-attr]
    f2 = Forecast(f.months, f.models, f.current, 80, f.series[:2], {})
    assert f2.binding("m", "c").resource.kind == "pod-cidr"  # type: ignore[union-attr]
    assert f2.binding("m", "other") is None


def test_shortfalls_list_errors_then_short_runway() -> None:
    f = _forecast([CLUSTER], SUBNETS, horizon=12)
    problem = Problem(Network.OVERLAY, "A6", "pod CIDR too small", "use a /15", cluster="aks")
    warning = Problem(Network.OVERLAY, "A7", "w", "f", Severity.WARNING, cluster="aks")
    assert shortfalls(f, [problem, warning], 12) == [
        "INFEASIBLE: azure-cni-overlay: pod CIDR too small; use a /15 (rule A6)",
        "node subnet spoke/nodes: runs out 2028-02, 3 months of runway (12 required): "
        "28 of 27 IPs needed then; fix: a /25 holds the 77 IPs needed in 2028-11",
    ]
    # 3 months of runway is enough for a 3-month gate
    assert shortfalls(f, [], 3) == []


@pytest.mark.parametrize(
    ("kind", "need", "expected"),
    [
        ("node-subnet", 251, "fix: a /24 holds the 251 IPs needed in 2030-01"),
        ("pod-subnet", 252, "fix: a /23 holds the 252 IPs needed in 2030-01"),
        ("pod-cidr", 257, "fix: a pod CIDR /15 holds the 257 nodes needed in 2030-01"),
        ("kubenet-routes", 401, "fix: move to azure-cni-overlay (no route table)"),
        ("vnet-ips", 70_000, "fix: azure-cni-overlay, or spread the clusters over more VNets"),
        ("pool-nodes", 1_001, "fix: split the pool or the cluster"),
    ],
)
def test_fix_for(kind: str, need: int, expected: str) -> None:
    series = Series("m", Resource(ResourceKind(kind), "x", ("c",)), 1, (0, need), None, 1)
    assert fix_for(series, "2030-01") == expected


def test_fix_for_vnet_ips_suggests_overlay_only_where_it_helps() -> None:
    # kubenet and overlay pods take pod-CIDR addresses, not VNet IPs: overlay frees nothing
    for model in ("kubenet", "azure-cni-overlay", "azure-cni", CURRENT):
        vnet = Resource(ResourceKind.VNET_IPS, "v", ("c",))
        series = Series(model, vnet, 65_536, (0, 70_000), None, 1)
        expected = "fix: spread the clusters over more VNets"
        if model in ("azure-cni", CURRENT):
            expected = "fix: azure-cni-overlay, or spread the clusters over more VNets"
        assert fix_for(series, "2030-01") == expected


def test_shortfalls_count_kubenet_retirement_as_runway() -> None:
    # rule A21: a kubenet cluster whose resources all last: the node subnet /24 holds 251, the
    # pool 10 nodes + 1 surge = 11. From 2027-11 kubenet has 4 months (to 2028-03); it is
    # unsupported from month 5 = 2028-04: 5 months of runway, below a 12-month gate
    pool = NodePool("user", 10, NODES)
    kubenet = Cluster("aks", Network.KUBENET, (pool,), vnet="spoke")
    f = _forecast([kubenet], {NODES: Subnet(NODES, 24)})
    assert shortfalls(f, [], 12) == [
        "kubenet support (retires 2028-03-31) for aks: unsupported from 2028-04, 5 months of "
        "runway (12 required); fix: move to azure-cni-overlay before 2028-03-31"
    ]
    assert shortfalls(f, [], 5) == []  # 5 months is enough for a 5-month gate
    binding = f.binding("kubenet", "aks")
    assert binding is not None and binding.resource.kind is ResourceKind.RETIREMENT
