"""ipplan.core.capacity: Part B §8 vectors, hand-computed multi-pool cases, properties.

Every expected number is worked out by hand in a comment from the rules (Part A) so a reader can
check it without running the code. usable(p) = 2^(32-p) - 5:
/21 2,043 · /22 1,019 · /23 507 · /24 251 · /25 123 · /26 59 · /27 27 · /28 11 · /29 3.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ipplan.core.capacity import (
    Cluster,
    Estimate,
    NodePool,
    Problem,
    Room,
    Subnet,
    SubnetDemand,
    _largest,
    _tightest,
    comparison,
    dynamic_pod_ips,
    evaluate,
    min_prefixlen,
    pod_cidr_min_prefixlen,
    pod_cidr_nodes,
    pool_demand,
    static_blocks,
    static_capacity_blocks,
    static_min_prefixlen,
    surge_nodes,
    usable_ips,
)
from ipplan.core.keys import ResourceKind, SubnetKey
from ipplan.errors import ScenarioError
from ipplan.rules import OS, Dataplane, Mode, Network, Severity, Surge, parse_surge

KUBENET, CNI, OVERLAY = Network.KUBENET, Network.AZURE_CNI, Network.OVERLAY
DYNAMIC, STATIC = Network.POD_SUBNET, Network.POD_SUBNET_STATIC
ONE, NO_SURGE = Surge(1), Surge(0)


def key(name: str, vnet: str = "") -> SubnetKey:
    return SubnetKey(vnet, name)


def pool(
    name: str = "p", nodes: int = 3, subnet: str | SubnetKey = "nodes", **kw: object
) -> NodePool:
    if isinstance(kw.get("pod_subnet"), str):
        kw["pod_subnet"] = key(str(kw["pod_subnet"]))
    where = key(subnet) if isinstance(subnet, str) else subnet
    return NodePool(name=name, nodes=nodes, subnet=where, **kw)  # type: ignore[arg-type]


def cluster(network: Network, *pools: NodePool, **kw: object) -> Cluster:
    return Cluster("c", network, tuple(pools), **kw)  # type: ignore[arg-type]


def sized(**prefixes: int) -> dict[SubnetKey, Subnet]:
    return {key(name): Subnet(key(name), prefixlen) for name, prefixlen in prefixes.items()}


def subnet_of(estimate: Estimate, name: str) -> SubnetDemand:
    return next(s for s in estimate.subnets if s.key.name == name and not s.key.for_cluster)


def room_of(demand: SubnetDemand) -> int | None:
    """Room to grow of a subnet's pools (rule A18), in nodes."""
    return None if demand.room is None else demand.room.nodes


def subject(p: Problem) -> str:
    """What a problem is about, as the tests name it."""
    return p.cluster or (p.subnet.name if p.subnet else "") or (p.vnet or "")


def errors(estimate: Estimate) -> list[Problem]:
    return [p for p in estimate.problems if p.severity is Severity.ERROR]


def warnings(estimate: Estimate) -> list[Problem]:
    return [p for p in estimate.problems if p.severity is Severity.WARNING]


RETIREMENT = Problem(
    KUBENET,
    "A7",
    "c: kubenet retires on 2028-03-31",
    "plan the move to azure-cni-overlay",
    Severity.WARNING,
    cluster="c",
)


# ----- Part B §8 test vectors -----------------------------------------------------------------


def test_vector1_node_subnet_50_nodes_needs_1581_ips_a_21() -> None:
    # IPP: (50 + 1) + (50 + 1) * 30 = 51 + 1,530 = 1,581; usable(/22) 1,019 < 1,581 <= 2,043 /21
    d = pool_demand("c", pool(nodes=50, max_pods=30, max_surge=ONE), CNI)
    assert (d.surge_nodes, d.peak_nodes, d.node_subnet_ips) == (1, 51, 1581)
    assert min_prefixlen(1581) == 21
    est = evaluate([cluster(CNI, pool(nodes=50, max_pods=30, max_surge=ONE))])
    assert (subnet_of(est, "nodes").peak_ips, subnet_of(est, "nodes").min_prefixlen) == (1581, 21)


def test_vector2_planned_scale_to_60_needs_1891_ips_a_21() -> None:
    # IPP: scale +10 -> 60 nodes (the autoscaler max is the planning count, ISS);
    # (60 + 1) + 61 * 30 = 61 + 1,830 = 1,891 <= 2,043 -> /21
    d = pool_demand("c", pool(nodes=50, max_nodes=60, max_pods=30, max_surge=ONE), CNI)
    assert (d.planning_nodes, d.peak_nodes, d.node_subnet_ips) == (60, 61, 1891)
    assert d.node_subnet_ips_now == 50 * 31  # today: 50 nodes, no surge = 1,550
    assert min_prefixlen(1891) == 21


def test_vector3_a_24_holds_8_azure_cni_nodes_at_30_pods() -> None:
    # LEG/KUB: floor(251 / (1 + 30)) = 8 (8 * 31 = 248 <= 251; 9 * 31 = 279 > 251);
    # 8 * 30 = 240 pods
    est = evaluate([cluster(CNI, pool(nodes=1, max_pods=30, max_surge=NO_SURGE))], sized(nodes=24))
    assert room_of(subnet_of(est, "nodes")) == 8
    at_max = pool_demand("c", pool(nodes=8, max_pods=30, max_surge=NO_SURGE), CNI)
    assert (at_max.node_subnet_ips, at_max.max_pods_total) == (248, 240)


def test_vector4_a_24_holds_251_kubenet_nodes_27610_pods() -> None:
    # KUB: usable(/24) = 251 nodes, one IP each; 251 * 110 = 27,610 pods
    est = evaluate([cluster(KUBENET, pool(nodes=1, max_surge=NO_SURGE))], sized(nodes=24))
    assert room_of(subnet_of(est, "nodes")) == 251
    at_max = pool_demand("c", pool(nodes=251, max_surge=NO_SURGE), KUBENET)
    assert (at_max.node_subnet_ips, at_max.max_pods, at_max.max_pods_total) == (251, 110, 27610)


def test_vectors6_7_usable_ips() -> None:
    # VFAQ: Azure reserves 5 per subnet: 256 - 5 = 251; 8 - 5 = 3
    assert (usable_ips(24), usable_ips(29)) == (251, 3)


@pytest.mark.parametrize(
    ("max_pods", "blocks", "node_ips", "pod_ips", "waste"),
    [
        # ceil((30 + 1) / 16) = ceil(1.94) = 2 blocks = 32 IPs; 1 for the node -> 31 pod IPs
        (30, 2, 32, 31, 1),
        # ceil(32 / 16) = 2 blocks = 32 IPs -> 31 pod IPs, no waste
        (31, 2, 32, 31, 0),
        # ceil(33 / 16) = ceil(2.06) = 3 blocks = 48 IPs -> 47 pod IPs, 15 wasted
        (32, 3, 48, 47, 15),
    ],
)
def test_vector10_static_blocks(
    max_pods: int, blocks: int, node_ips: int, pod_ips: int, waste: int
) -> None:
    assert static_blocks(max_pods) == blocks
    d = pool_demand("c", pool(nodes=4, max_pods=max_pods, max_surge=NO_SURGE), STATIC)
    assert d.pod_ips_per_node == node_ips
    assert d.pod_ips_per_node - 1 == pod_ips  # SBA: one IP per node is the node's own
    assert pod_ips - max_pods == waste
    assert (d.static_blocks, d.pod_subnet_ips) == (4 * blocks, 4 * node_ips)


@pytest.mark.parametrize(
    ("max_pods", "in_use", "ips"),
    [
        # CNS: 16 * ceil(0.5 + 25/16) = 16 * ceil(2.06) = 48 (32 - 25 = 7 free < 8 -> a 3rd batch)
        (250, 25, 48),
        (48, 25, 48),
        (40, 25, 40),  # clamped at the node's max IPs (max pods), rule A8
        (250, 0, 16),  # A(0) = 16: a node asks for one batch at startup
        (250, 8, 16),  # ceil(0.5 + 0.5) = 1 batch: 8 free is not fewer than 8
        (250, 9, 32),  # ceil(0.5 + 0.5625) = 2 batches
        (10, 10, 16),  # never below 16 per node, even if max pods is 10
        (110, 110, 110),  # U = P: max(16, P)
    ],
)
def test_vector11_dynamic_batches(max_pods: int, in_use: int, ips: int) -> None:
    assert dynamic_pod_ips(max_pods, in_use) == ips


def test_vector11_pods_in_use_through_pool_demand() -> None:
    # 3 nodes + surge 1 = 4 at peak, U = 25, P = 250: 4 * 48 = 192 pod-subnet IPs
    d = pool_demand("c", pool(max_pods=250, pods_in_use=25, max_surge=ONE), DYNAMIC)
    assert (d.pods_in_use, d.pod_ips_per_node, d.pod_subnet_ips) == (25, 48, 192)
    # VNet IPs: 4 node IPs + 192 pod IPs
    assert d.vnet_ips == 196


def test_vector12_dynamic_24_pod_subnet_holds_15_nodes() -> None:
    # azure-docs #97370: max pods 16 -> 16 IPs per node; 251 // 16 = 15 (15 * 16 = 240 <= 251;
    # 16 * 16 = 256 > 251). 3 nodes x 10 or 16 max pods >= 30 pods (rule A2).
    for max_pods in (10, 16):
        p = pool(nodes=3, max_pods=max_pods, max_surge=NO_SURGE, pod_subnet="pods")
        est = evaluate([cluster(DYNAMIC, p)], sized(pods=24))
        assert room_of(subnet_of(est, "pods")) == 15
        assert subnet_of(est, "pods").peak_ips == 48  # 3 nodes * 16


def test_vectors13_14_surge_rounds_up_per_pool() -> None:
    # SupportArticles PR #2101: 8 nodes at 10% -> ceil(0.8) = 1 -> 9 at peak (10% is the default)
    assert surge_nodes(8, Surge(10, percent=True)) == 1
    d = pool_demand("c", pool(nodes=8), OVERLAY)
    assert (d.surge_nodes, d.peak_nodes) == (1, 9)
    # UPG: 5 pools x 4 nodes at 50% -> ceil(2.0) = 2 each -> 10 extra, 30 at peak
    half = Surge(50, percent=True)
    pools = [pool(f"p{i}", nodes=4, max_surge=half) for i in range(5)]
    est = evaluate([cluster(OVERLAY, *pools)])
    assert sum(d.surge_nodes for d in est.pools) == 10
    assert (est.clusters[0].planning_nodes, est.clusters[0].peak_nodes) == (20, 30)
    assert subnet_of(est, "nodes").peak_ips == 30  # overlay: one node-subnet IP per node


def test_vector15_max_pods_10_needs_3_nodes() -> None:
    # IPP: 2 nodes x 10 = 20 < 30 pods per pool; ceil(30 / 10) = 3 nodes
    est = evaluate([cluster(OVERLAY, pool(nodes=2, max_pods=10))])
    assert errors(est) == [
        Problem(
            OVERLAY,
            "A2",
            "pool c/p: 10 max pods x 2 nodes = 20 pods, below AKS's minimum of 30 per pool",
            "use 3 or more nodes, or raise max_pods",
            cluster="c",
        )
    ]
    assert not est.feasible
    assert evaluate([cluster(OVERLAY, pool(nodes=3, max_pods=10))]).feasible


def test_vector15_the_minimum_counts_nodes_not_the_autoscaler_max() -> None:
    # rule A2: P * N >= 30 uses `nodes` (1 * 10 = 10), not max_nodes (10 * 10 = 100)
    est = evaluate([cluster(OVERLAY, pool(nodes=1, max_nodes=10, max_pods=10))])
    assert [p.rule for p in errors(est)] == ["A2"]


def test_vector16_max_pods_20_fails_on_1_node_passes_on_3() -> None:
    # Azure/AKS #931: 1 x 20 = 20 < 30 fails (ceil(30 / 20) = 2 nodes needed); 3 x 20 = 60 passes
    est = evaluate([cluster(CNI, pool(nodes=1, max_pods=20))])
    assert [(p.rule, p.fix) for p in errors(est)] == [
        ("A2", "use 2 or more nodes, or raise max_pods")
    ]
    assert evaluate([cluster(CNI, pool(nodes=3, max_pods=20))]).feasible


def test_max_pods_range_10_to_250() -> None:
    # rule A2: 9 and 251 are outside 10..250; 10 (x 3 nodes) and 250 are inside
    for bad in (9, 251):
        est = evaluate([cluster(OVERLAY, pool(max_pods=bad))])
        assert [(p.rule, p.message, p.fix) for p in errors(est)] == [
            (
                "A2",
                f"pool c/p: max pods {bad} is outside AKS's range 10..250",
                "use max pods between 10 and 250",
            )
        ]
    for good in (10, 250):
        assert evaluate([cluster(OVERLAY, pool(max_pods=good))]).feasible


def test_vector19_api_server_subnet_takes_9_ips() -> None:
    # APIV: at least 9 IPs in a delegated subnet, minimum /28 (usable 11 >= 9; /29 holds 3)
    est = evaluate([cluster(OVERLAY, pool(), api_server_subnet=key("api"))], sized(api=28))
    api = subnet_of(est, "api")
    assert (api.role, api.peak_ips, api.min_prefixlen, api.usable_ips) == ("other", 9, 28, 11)
    assert (api.headroom_ips, api.utilization_pct, room_of(api)) == (2, 81.8, None)  # 9/11


def test_vector23_overlay_pod_cidr_nodes() -> None:
    # one /24 per node: /16 -> 2^(24-16) = 256 nodes, /18 -> 2^6 = 64
    assert (pod_cidr_nodes(16), pod_cidr_nodes(18), pod_cidr_nodes(24)) == (256, 64, 1)
    # 5,000 nodes: 2^12 = 4,096 < 5,000 <= 2^13 = 8,192 -> 24 - 13 = /11
    assert pod_cidr_min_prefixlen(5000) == 11
    # 64 peak nodes fit a /18 exactly; 65 need a /17 (2^7 = 128)
    assert (pod_cidr_min_prefixlen(64), pod_cidr_min_prefixlen(65)) == (18, 17)


def test_vector23_overlay_pod_cidr_in_the_estimate() -> None:
    # 60 nodes + surge 4 = 64 = exactly the /18's 64 nodes: fits
    fits = evaluate([cluster(OVERLAY, pool(nodes=60, max_surge=Surge(4)), pod_cidr_prefixlen=18)])
    row = fits.clusters[0]
    assert (row.pod_cidr_prefixlen, row.pod_cidr_max_nodes, row.pod_cidr_min_prefixlen) == (
        18,
        64,
        18,
    )
    assert fits.feasible
    # 60 + 5 = 65 > 64
    over = evaluate([cluster(OVERLAY, pool(nodes=60, max_surge=Surge(5)), pod_cidr_prefixlen=18)])
    assert errors(over) == [
        Problem(
            OVERLAY,
            "A6",
            "c: pod CIDR /18 holds 64 nodes (one /24 each), 65 needed at peak",
            "use a /17 or larger",
            cluster="c",
        )
    ]


def test_pod_cidr_longer_than_24_is_an_error() -> None:
    # rule A6: a /25 cannot give even one node its /24; 3 nodes + 1 surge = 4 -> 24 - 2 = /22
    est = evaluate([cluster(KUBENET, pool(max_surge=ONE), pod_cidr_prefixlen=25)])
    assert errors(est) == [
        Problem(
            KUBENET,
            "A6",
            "c: pod CIDR /25 is smaller than the /24 each node takes",
            "use a /22 or larger",
            cluster="c",
        )
    ]


def test_default_pod_cidr_is_a_16() -> None:
    # KUB/OVLH 10.244.0.0/16: 256 nodes
    row = evaluate([cluster(OVERLAY, pool())]).clusters[0]
    assert (row.pod_cidr_prefixlen, row.pod_cidr_max_nodes) == (16, 256)
    # models without a pod CIDR have none
    row = evaluate([cluster(CNI, pool())]).clusters[0]
    assert (row.pod_cidr_prefixlen, row.pod_cidr_max_nodes, row.pod_cidr_min_prefixlen) == (
        None,
        None,
        None,
    )


def test_service_cidr_16_holds_65532_cluster_ips() -> None:
    # rule A11: 65,536 - network - broadcast - kubernetes (.1) - DNS (.10) = 65,532
    assert evaluate([cluster(OVERLAY, pool())]).clusters[0].service_ips == 65532
    # a /24: 256 - 4 = 252
    est = evaluate([cluster(OVERLAY, pool(), service_cidr_size=256)])
    assert est.clusters[0].service_ips == 252


def test_cluster_summary_limits() -> None:
    # rule A16: NodePort 30000-32767 = 2,768; Standard LB 300 Services; rule A7: 400 routes
    row = evaluate([cluster(KUBENET, pool())]).clusters[0]
    assert (row.node_port_limit, row.lb_service_limit, row.route_limit) == (2768, 300, 400)
    assert evaluate([cluster(OVERLAY, pool())]).clusters[0].route_limit is None


def test_kubenet_400_route_limit() -> None:
    # rule A7: 400 nodes + surge 12 = 412 peak > 400 routes. Pod CIDR /15 = 512 nodes, so only
    # the route limit binds.
    big = pool(nodes=400, max_surge=Surge(12))
    est = evaluate([cluster(KUBENET, big, pod_cidr_prefixlen=15)])
    route = Problem(
        KUBENET,
        "A7",
        "c: 412 peak nodes exceed kubenet's 400-route limit",
        "use azure-cni-overlay or fewer nodes",
        cluster="c",
    )
    assert errors(est) == [route]
    assert str(route) == (
        "kubenet: c: 412 peak nodes exceed kubenet's 400-route limit; "
        "use azure-cni-overlay or fewer nodes"
    )
    room = est.clusters[0].room
    # room: n + min(12, n) <= 400 -> n = 388; the /15 pod CIDR holds 512 (n + 12 <= 512 -> 500)
    assert room is not None
    assert (room.growth_pool_nodes, room.limited_by) == (388, "kubenet route table (400 routes)")
    # 388 + 12 = 400 exactly: fits, with only the retirement warning
    ok = evaluate([cluster(KUBENET, pool(nodes=388, max_surge=Surge(12)), pod_cidr_prefixlen=15)])
    assert (ok.feasible, ok.problems) == (True, (RETIREMENT,))
    # cluster-wide: two pools of 200 + 10% (20) = 440 peak > 400
    two = [pool("a", nodes=200), pool("b", nodes=200)]
    est = evaluate([cluster(KUBENET, *two, pod_cidr_prefixlen=15)])
    assert [p.message for p in errors(est)] == [
        "c: 440 peak nodes exceed kubenet's 400-route limit"
    ]


def test_kubenet_retirement_warning() -> None:
    est = evaluate([cluster(KUBENET, pool())])
    assert est.problems == (RETIREMENT,)
    assert est.feasible  # a warning only
    assert str(RETIREMENT) == (
        "kubenet: c: kubenet retires on 2028-03-31; plan the move to azure-cni-overlay"
    )
    for network in (CNI, OVERLAY, DYNAMIC, STATIC):
        assert evaluate([cluster(network, pool())]).problems == ()


def test_kubenet_and_cilium_is_infeasible() -> None:
    est = evaluate([cluster(KUBENET, pool(), dataplane=Dataplane.CILIUM)])
    assert errors(est) == [
        Problem(
            KUBENET,
            "A7",
            "c: kubenet cannot run the Cilium dataplane",
            "use network azure-cni-overlay with cilium, or dataplane azure",
            cluster="c",
        )
    ]
    # Cilium changes no IP math on the Azure CNI IPAM modes (CIL, UPD)
    for network in (CNI, OVERLAY, DYNAMIC, STATIC):
        cilium = evaluate([cluster(network, pool(), dataplane=Dataplane.CILIUM)])
        azure = evaluate([cluster(network, pool())])
        assert cilium.problems == ()
        assert cilium.pools == azure.pools and cilium.subnets == azure.subnets


def test_windows_pool_on_kubenet_is_infeasible() -> None:
    win = pool("win", max_pods=30, os=OS.WINDOWS)
    est = evaluate([cluster(KUBENET, pool("sys"), win)])
    assert errors(est) == [
        Problem(
            KUBENET,
            "A7",
            "pool c/win runs Windows, which kubenet does not support",
            "use azure-cni-overlay",
            cluster="c",
        )
    ]


def test_windows_pool_with_cilium_is_infeasible() -> None:
    win = pool("win", max_pods=30, os=OS.WINDOWS)
    est = evaluate([cluster(OVERLAY, pool("sys"), win, dataplane=Dataplane.CILIUM)])
    assert [(subject(p), p.rule, p.message) for p in errors(est)] == [
        (
            "c",
            "A7",
            "pool c/win runs Windows, which the Cilium dataplane does not support (Linux only)",
        )
    ]


def test_windows_over_110_pods_is_a_warning() -> None:
    # QUO/OVL: Windows <= 110 recommended; a Windows pool that sets 250 itself is above it
    est = evaluate([cluster(OVERLAY, pool("sys"), pool("win", max_pods=250, os=OS.WINDOWS))])
    assert est.problems == (
        Problem(
            OVERLAY,
            "A2",
            "pool c/win: Windows with max_pods of 250, above the 110 recommended",
            "set max_pods: 110",
            Severity.WARNING,
            cluster="c",
        ),
    )
    assert est.feasible
    at_110 = evaluate([cluster(OVERLAY, pool("sys"), pool("win", max_pods=110, os=OS.WINDOWS))])
    assert at_110.problems == ()


def test_vnet_limit_azure_cni_infeasible_overlay_fine() -> None:
    # rule A15: azure-cni 262 nodes x (1 + 250) = 65,762 > 65,536; 261 x 251 = 65,511 fits
    big = pool(nodes=262, max_pods=250, max_surge=NO_SURGE)
    est = evaluate([cluster(CNI, big)])
    assert errors(est) == [
        Problem(
            CNI,
            "A15",
            "VNet (cluster) needs 65,762 private IPs, above Azure's 65,536 per VNet",
            "use azure-cni-overlay or split across VNets",
            vnet="",
        )
    ]
    assert evaluate([cluster(CNI, pool(nodes=261, max_pods=250, max_surge=NO_SURGE))]).feasible
    # overlay: 262 node IPs; pods come from the pod CIDR (a /15 holds 512 nodes)
    overlay = evaluate([cluster(OVERLAY, big, pod_cidr_prefixlen=15)])
    assert (overlay.feasible, overlay.clusters[0].vnet_ips) == (True, 262)


def test_vnet_limit_on_overlay_does_not_suggest_overlay() -> None:
    # 100,000 private endpoints in the first pool's subnet: 3 + 1 surge + 100,000 = 100,004 IPs.
    # The cluster is on overlay already (and kubenet's pods take no VNet IPs either)
    for network in (OVERLAY, KUBENET):
        est = evaluate([cluster(network, pool(nodes=3), private_endpoints=100_000)])
        (vnet,) = [p for p in errors(est) if p.rule == "A15"]
        assert (vnet.message, vnet.fix) == (
            "VNet (cluster) needs 100,004 private IPs, above Azure's 65,536 per VNet",
            "split across VNets",
        )


def test_vnet_limit_counts_a_static_block_once() -> None:
    # 999 nodes + surge 1 = 1,000; P = 250 -> ceil(251/16) = 16 blocks per node = 16,000 blocks
    p = pool(nodes=999, max_pods=250, max_surge=ONE)
    static = evaluate([cluster(STATIC, p)])
    d = static.pools[0]
    # VNet: 1,000 node IPs + 16,000 blocks (one each) = 17,000 <= 65,536, although the pod subnet
    # holds 1,000 * 16 * 16 = 256,000 addresses
    assert (d.static_blocks, d.pod_subnet_ips, d.vnet_ips) == (16000, 256000, 17000)
    assert static.feasible
    # static pod subnet: 2^(28-p) - 2 >= 16,000 -> 2^14 = 16,384 -> /14 (a /15 holds 8,190)
    # the cluster's own pod subnet (no pod_subnet named): unsized, keyed for cluster c
    assert static.subnet(SubnetKey("", "pods", for_cluster="c")).min_prefixlen == 14
    # dynamic: 1,000 + 1,000 * 250 = 251,000 > 65,536
    dynamic = evaluate([cluster(DYNAMIC, p)])
    assert [(e.rule, e.message) for e in errors(dynamic)] == [
        ("A15", "VNet (cluster) needs 251,000 private IPs, above Azure's 65,536 per VNet")
    ]


def test_pool_over_1000_nodes_with_surge() -> None:
    # rule A10: 950 + ceil(950 * 10%) = 950 + 95 = 1,045 > 1,000 in an upgrade
    est = evaluate([cluster(OVERLAY, pool(nodes=950), pod_cidr_prefixlen=12)])
    assert errors(est) == [
        Problem(
            OVERLAY,
            "A10",
            "pool c/p: 950 nodes + 95 surge nodes (10%) = 1,045 during an upgrade, "
            "above AKS's limit of 1,000 per pool",
            "lower max_surge or the node count, or split the pool",
            cluster="c",
        )
    ]
    # 909 + ceil(90.9) = 909 + 91 = 1,000: fits
    assert evaluate([cluster(OVERLAY, pool(nodes=909), pod_cidr_prefixlen=12)]).feasible


def test_cluster_over_5000_nodes() -> None:
    # rule A10: 6 pools x 900 = 5,400 > 5,000 (surge 0; a /11 pod CIDR holds 8,192 nodes)
    pools = [pool(f"p{i}", nodes=900, max_surge=NO_SURGE) for i in range(6)]
    est = evaluate([cluster(OVERLAY, *pools, pod_cidr_prefixlen=11)])
    assert errors(est) == [
        Problem(
            OVERLAY,
            "A10",
            "c plans 5,400 nodes (max_nodes where set), above AKS's limit of 5,000 per cluster",
            "split the workload across clusters",
            cluster="c",
        )
    ]
    # 5 x 900 + 500 = 5,000: fits
    pools[5] = pool("p5", nodes=500, max_surge=NO_SURGE)
    assert evaluate([cluster(OVERLAY, *pools, pod_cidr_prefixlen=11)]).feasible


def test_cluster_over_100_pools() -> None:
    # rule A10: 101 pools of 3 nodes (surge 10% -> 1 each: 404 peak fits a /15's 512 /24s)
    pools = [pool(f"p{i:03}") for i in range(101)]
    est = evaluate([cluster(OVERLAY, *pools, pod_cidr_prefixlen=15)])
    assert [(p.rule, p.message) for p in errors(est)] == [
        ("A10", "c has 101 node pools, above AKS's limit of 100")
    ]


def test_over_300_internal_lbs_is_a_warning() -> None:
    # rule A16: 301 load-balanced Services > 300; a warning
    est = evaluate([cluster(OVERLAY, pool(), internal_lbs=301)])
    assert [(p.rule, p.severity) for p in est.problems] == [("A16", Severity.WARNING)]
    assert est.feasible


# ----- surge, max pods, prefixes ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("nodes", "surge", "extra"),
    [
        (8, Surge(10, True), 1),  # ceil(0.8)
        (10, Surge(10, True), 1),  # 1.0 exactly
        (11, Surge(10, True), 2),  # ceil(1.1)
        (3, Surge(33, True), 1),  # ceil(0.99)
        (3, Surge(200, True), 3),  # min(6, 3): never more than the pool
        (3, Surge(5), 3),  # min(5, 3)
        (3, Surge(1), 1),
        (3, Surge(0), 0),
        (0, Surge(1), 0),  # an empty pool surges nothing
        (0, Surge(10, True), 0),
    ],
)
def test_surge_nodes(nodes: int, surge: Surge, extra: int) -> None:
    assert surge_nodes(nodes, surge) == extra


def test_parse_surge() -> None:
    assert parse_surge("1") == Surge(1)
    assert parse_surge(1) == Surge(1)
    assert parse_surge("33%") == Surge(33, percent=True)
    assert parse_surge(" 10 % ") == Surge(10, percent=True)
    assert str(Surge(33, percent=True)) == "33%"


@pytest.mark.parametrize("bad", ["abc", "-1", "1.5", "%", "", "10%%", "²", "٣", True])
def test_parse_surge_rejects(bad: str | bool) -> None:
    with pytest.raises(ScenarioError, match=r"is not a surge: use a node count such as 1"):
        parse_surge(bad)


def test_default_max_pods_and_surge_per_model() -> None:
    # rule A2 defaults; rule A1 default surge 10%: 3 nodes -> ceil(0.3) = 1
    got = {n: pool_demand("c", pool(), n) for n in Network}
    assert {n: d.max_pods for n, d in got.items()} == {
        KUBENET: 110,
        CNI: 30,
        OVERLAY: 250,
        DYNAMIC: 110,
        STATIC: 110,
    }
    assert {d.surge_nodes for d in got.values()} == {1}
    # node-subnet IPs at peak (3 + 1 = 4): 4, or 4 * (1 + 30) = 124 for azure-cni
    assert {n: d.node_subnet_ips for n, d in got.items()} == {
        KUBENET: 4,
        CNI: 124,
        OVERLAY: 4,
        DYNAMIC: 4,
        STATIC: 4,
    }
    # pod subnet: dynamic 4 * 110 = 440; static 4 * 16 * ceil(111/16) = 4 * 16 * 7 = 448
    assert {n: d.pod_subnet_ips for n, d in got.items()} == {
        KUBENET: None,
        CNI: None,
        OVERLAY: None,
        DYNAMIC: 440,
        STATIC: 448,
    }
    # pod CIDR /24s: kubenet and overlay only, one per peak node
    assert {n: d.pod_cidr_nodes for n, d in got.items()} == {
        KUBENET: 4,
        CNI: None,
        OVERLAY: 4,
        DYNAMIC: None,
        STATIC: None,
    }


@pytest.mark.parametrize(
    ("ips", "prefixlen"),
    [
        (0, 29),  # the smallest Azure subnet
        (3, 29),  # usable(/29) = 3
        (4, 28),
        (11, 28),  # exact fit
        (12, 27),
        (251, 24),  # exact fit
        (252, 23),
        (1581, 21),
        (2043, 21),
        (2044, 20),
        (65531, 16),  # 65,536 - 5
        (65532, 15),
    ],
)
def test_min_prefixlen(ips: int, prefixlen: int) -> None:
    assert min_prefixlen(ips) == prefixlen


@pytest.mark.parametrize(
    ("prefixlen", "blocks"),
    [
        (12, 65534),  # 2^16 - 2
        (24, 14),  # 16 - 2: the first and last /28 hold Azure's 5 reserved addresses
        (26, 2),
        (27, 0),
        (28, 0),  # 2^0 - 2 = -1 -> holds none
        (29, 0),
    ],
)
def test_static_capacity_blocks(prefixlen: int, blocks: int) -> None:
    assert static_capacity_blocks(prefixlen) == blocks


@pytest.mark.parametrize(
    ("blocks", "prefixlen"), [(0, 27), (1, 26), (2, 26), (3, 25), (14, 24), (15, 23)]
)
def test_static_min_prefixlen(blocks: int, prefixlen: int) -> None:
    assert static_min_prefixlen(blocks) == prefixlen


def test_static_pod_subnet_longer_than_28_is_infeasible_not_a_crash() -> None:
    # rule A9: a /29 static pod subnet: 0 blocks; 4 nodes x 7 blocks x 16 = 448 IPs
    p = pool(max_surge=ONE, pod_subnet="pods")
    est = evaluate([cluster(STATIC, p)], sized(pods=29))
    assert [(e.rule, e.message) for e in errors(est)] == [
        ("A9", "static pod subnet pods is a /29; static block allocation needs /12 to /28"),
        ("A9", "pod subnet pods (/29, 0 usable IPs) needs 448 IPs at peak"),
    ]


# ----- hand-computed multi-pool cases ----------------------------------------------------------


def test_two_pools_share_one_subnet_overlay() -> None:
    # a: 10 + ceil(1.0) = 11; b: 20 + 1 = 21; one IP per node: 11 + 21 = 32 -> /26 (59; /27 = 27)
    a, b = pool("a", nodes=10, max_pods=30), pool("b", nodes=20, max_pods=50, max_surge=ONE)
    est = evaluate([cluster(OVERLAY, a, b)], sized(nodes=26))
    s = subnet_of(est, "nodes")
    assert (s.now_ips, s.peak_ips, s.min_prefixlen, s.usable_ips, s.headroom_ips) == (
        30,
        32,
        26,
        59,
        27,
    )
    # 32 / 59 = 54.24%. Room (rule A18): a is the system pool (first, no mode), so b grows while
    # a stays at 11: M_b <= 59 - 11 = 48 -> N + 1 <= 48 -> N_b = 47; the /16 pod CIDR (11 + 48
    # <= 256) and 1,000 per pool do not bind. Room counts the subnet's pools: 10 + 47 = 57
    assert (s.utilization_pct, room_of(s)) == (54.2, 57)
    assert s.room is not None
    assert (s.room.growth_pool, s.room.growth_pool_nodes, s.room.limit) == (
        "c/b",
        47,
        ResourceKind.NODE_SUBNET,
    )


def test_two_pools_share_one_subnet_azure_cni() -> None:
    # a: M 11 x (1 + 30) = 341; b: M 21 x (1 + 50) = 1,071; 1,412 -> /21 (2,043; /22 = 1,019)
    a, b = pool("a", nodes=10, max_pods=30), pool("b", nodes=20, max_pods=50, max_surge=ONE)
    est = evaluate([cluster(CNI, a, b)], sized(nodes=21))
    s = subnet_of(est, "nodes")
    # now: 10 x 31 + 20 x 51 = 310 + 1,020 = 1,330; 1,412 / 2,043 = 69.11%; headroom 631
    assert (s.now_ips, s.peak_ips, s.min_prefixlen) == (1330, 1412, 21)
    assert (s.utilization_pct, s.headroom_ips) == (69.1, 631)
    # b (the user pool) grows while a stays at 341: 51 x M_b <= 2,043 - 341 = 1,702
    # -> M_b <= 33 (33 x 51 = 1,683; 34 x 51 = 1,734) -> N_b + 1 <= 33 -> N_b = 32;
    # VNet 341 + 1,683 = 2,024 <= 65,536. Room: 10 + 32 = 42
    assert room_of(s) == 42
    # the same pools in a /22 (1,019 usable): infeasible
    small = evaluate([cluster(CNI, a, b)], sized(nodes=22))
    assert errors(small) == [
        Problem(
            CNI,
            "A3",
            "node subnet nodes (/22, 1,019 usable IPs) needs 1,412 IPs at peak",
            "use a /21 or larger, or fewer nodes or max pods",
            cluster="c",
            subnet=key("nodes"),
        )
    ]
    # b grows from 0: 51 x M_b <= 1,019 - 341 = 678 -> M_b <= 13 (663; 14 x 51 = 714)
    # -> N_b = 12; room 10 + 12 = 22 (the plan's own 20 nodes of b do not fit)
    assert room_of(subnet_of(small, "nodes")) == 22


def test_one_pool_per_subnet() -> None:
    # a: 10 + 1 = 11 -> /28 exactly (11 usable); b: 20 + 1 = 21 -> /27 (27; /28 = 11)
    a = pool("a", nodes=10, subnet="sa")
    b = pool("b", nodes=20, subnet="sb", max_surge=ONE)
    est = evaluate([cluster(OVERLAY, a, b)], sized(sa=28, sb=27))
    sa, sb = subnet_of(est, "sa"), subnet_of(est, "sb")
    assert (sa.peak_ips, sa.min_prefixlen, sa.headroom_ips, sa.utilization_pct) == (
        11,
        28,
        0,
        100.0,
    )
    assert (sb.peak_ips, sb.min_prefixlen, sb.headroom_ips, sb.utilization_pct) == (21, 27, 6, 77.8)
    # sa: N + ceil(N/10) <= 11 -> N = 10; sb: N + 1 <= 27 -> N = 26
    assert (room_of(sa), room_of(sb)) == (10, 26)
    row = est.clusters[0]
    # 30 planned, 32 peak; max pods total 10 x 250 + 20 x 250 = 7,500
    assert (row.planning_nodes, row.peak_nodes, row.node_subnet_ips, row.max_pods_total) == (
        30,
        32,
        32,
        7500,
    )


def test_windows_pool_beside_linux_azure_cni() -> None:
    # linux: 5 + 1 (10%) = 6 x 31 = 186; windows: 4 + 1 = 5 x (1 + 30) = 155; 341 -> /23 (507)
    linux = pool("lin", nodes=5)
    win = pool("win", nodes=4, max_pods=30, max_surge=ONE, os=OS.WINDOWS)
    est = evaluate([cluster(CNI, linux, win)], sized(nodes=23))
    s = subnet_of(est, "nodes")
    assert (s.peak_ips, s.min_prefixlen, s.headroom_ips) == (341, 23, 166)
    assert est.problems == ()
    assert [d.os for d in est.pools] == [OS.LINUX, OS.WINDOWS]


def test_private_cluster_and_internal_lbs_use_the_first_pools_subnet() -> None:
    # rule A3/PRIV: 3 ILB frontends + 2 private endpoints + 1 API endpoint = 6 in pool a's subnet
    a = pool("a", nodes=10, subnet="sa")  # 10 + 1 = 11
    b = pool("b", nodes=20, subnet="sb", max_surge=ONE)  # 20 + 1 = 21
    c = cluster(OVERLAY, a, b, private_cluster=True, internal_lbs=3, private_endpoints=2)
    est = evaluate([c], sized(sa=27, sb=27))
    sa, sb = subnet_of(est, "sa"), subnet_of(est, "sb")
    # sa: 11 + 6 = 17 -> /27 (27; /28 = 11); sb: 21 only
    assert (sa.now_ips, sa.peak_ips, sa.min_prefixlen, sb.peak_ips) == (16, 17, 27, 21)
    # sa: N + ceil(N/10) + 6 <= 27 -> M <= 21 -> N = 19 (19 + 2 = 21; 20 + 2 = 22)
    assert room_of(sa) == 19
    # a subnet's other users (Subnet.other_ips) count too: 27 - 6 - 5 = 16 -> N = 14 (14 + 2)
    est = evaluate([c], {key("sa"): Subnet(key("sa"), 27, other_ips=5)})
    assert (subnet_of(est, "sa").peak_ips, room_of(subnet_of(est, "sa"))) == (22, 14)


def test_api_server_subnet_shared_by_two_clusters() -> None:
    # APIV: 9 IPs each; 18 > 11 (/28) -> /27 (27)
    c1 = Cluster("c1", OVERLAY, (pool(),), api_server_subnet=key("api"))
    c2 = Cluster("c2", OVERLAY, (pool(subnet="n2"),), api_server_subnet=key("api"))
    est = evaluate([c1, c2], sized(api=28))
    api = subnet_of(est, "api")
    assert (api.peak_ips, api.min_prefixlen) == (18, 27)
    assert [(subject(p), p.rule, p.message) for p in errors(est)] == [
        ("api", "A3", "other subnet api (/28, 11 usable IPs) needs 18 IPs at peak")
    ]


def test_dynamic_pod_subnet_shared_by_two_pools() -> None:
    # a: P 30, U 30: max(16, min(16 * ceil(0.5 + 1.875), 30)) = 30/node; 10 + 1 = 11 -> 330
    # b: P 110, U 20: 16 * ceil(0.5 + 1.25) = 32/node; 5 nodes, surge 0 -> 160
    # 330 + 160 = 490 -> /23 (507; /24 = 251)
    a = pool("a", nodes=10, max_pods=30, max_surge=ONE, pod_subnet="pods")
    b = pool("b", nodes=5, max_pods=110, pods_in_use=20, max_surge=NO_SURGE, pod_subnet="pods")
    est = evaluate([cluster(DYNAMIC, a, b)], sized(pods=23))
    s = subnet_of(est, "pods")
    assert (s.role, s.now_ips, s.peak_ips, s.min_prefixlen, s.headroom_ips) == (
        "pod",
        460,  # 10 x 30 + 5 x 32
        490,
        23,
        17,
    )
    # 490 / 507 = 96.65%. b (the user pool; a is the first, the system pool) grows, surge 0:
    # 32 N_b <= 507 - 330 = 177 -> N_b = 5 (160; 6 x 32 = 192); the node subnet is unsized.
    # Room: 10 + 5 = 15
    assert (s.utilization_pct, room_of(s)) == (96.6, 15)
    # node subnet: 11 + 5 = 16 IPs; VNet: 16 + 490 = 506
    assert subnet_of(est, "nodes").peak_ips == 16
    assert est.clusters[0].vnet_ips == 506
    assert est.clusters[0].pod_subnet_ips == 490


def test_static_pod_subnet_shared_by_two_pools() -> None:
    # a: P 30 -> ceil(31/16) = 2 blocks; 10 + 1 = 11 nodes -> 22 blocks
    # b: P 110 -> ceil(111/16) = 7 blocks; 5 nodes -> 35 blocks; 57 blocks = 912 IPs
    # 2^(28-p) - 2 >= 57 -> 64 -> /22 (62 blocks = 992 IPs; /23 = 30 blocks)
    a = pool("a", nodes=10, max_pods=30, max_surge=ONE, pod_subnet="pods")
    b = pool("b", nodes=5, max_pods=110, max_surge=NO_SURGE, pod_subnet="pods")
    est = evaluate([cluster(STATIC, a, b)], sized(pods=22))
    s = subnet_of(est, "pods")
    assert (s.role, s.peak_ips, s.min_prefixlen, s.usable_ips, s.headroom_ips) == (
        "pod",
        912,
        22,
        992,
        80,
    )
    # 912 / 992 = 91.94%. b (the user pool) grows, surge 0: 7 N_b <= 62 - 22 = 40 blocks
    # -> N_b = 5 (35; 6 x 7 = 42). Room: 10 + 5 = 15
    assert (s.utilization_pct, room_of(s)) == (91.9, 15)
    # VNet: 16 node IPs + 57 blocks counted once each = 73
    assert est.clusters[0].vnet_ips == 73
    assert [d.static_blocks for d in est.pools] == [22, 35]
    # in a /23 (30 blocks): 57 > 30 -> infeasible, use a /22
    small = evaluate([cluster(STATIC, a, b)], sized(pods=23))
    assert [(p.rule, p.message, p.fix) for p in errors(small)] == [
        (
            "A9",
            "pod subnet pods (/23, 480 usable IPs) needs 912 IPs at peak",
            "use a /22 or larger, or fewer nodes or max pods",
        )
    ]


# ----- property: room is exactly the largest growth-pool count every limit allows --------------

surges = st.one_of(
    st.builds(Surge, st.integers(0, 20)),
    st.builds(Surge, st.integers(0, 100), st.just(True)),
)


def _peak(nodes: int, surge: Surge) -> int:
    extra = -(-nodes * surge.value // 100) if surge.percent else surge.value
    return nodes + min(extra, nodes)


#: rule A18's search range: 5,000 per cluster bounds every growth pool
_SEARCH = range(5001)


def _largest_brute(holds: Callable[[int], bool]) -> int | None:
    """The largest n in 0..5,000 for which every limit holds, by trying every n; None if none
    (no room, rule A18: a limit is broken already with the growth pool at 0)."""
    return max((n for n in _SEARCH if holds(n)), default=None)


@given(
    prefixlen=st.integers(16, 29),
    network=st.sampled_from(list(Network)),
    pods=st.tuples(st.integers(10, 250), st.integers(10, 250)),
    surge=st.tuples(surges, surges),
    second_nodes=st.integers(0, 300),
    shared=st.booleans(),
    other_ips=st.integers(0, 20),
)
def test_node_subnet_room_is_the_largest_count_every_limit_allows(
    prefixlen: int,
    network: Network,
    pods: tuple[int, int],
    surge: tuple[Surge, Surge],
    second_nodes: int,
    shared: bool,
    other_ips: int,
) -> None:
    first = pool("a", nodes=3, max_pods=pods[0], max_surge=surge[0])
    second = pool("b", nodes=second_nodes, max_pods=pods[1], max_surge=surge[1])
    second = second if shared else pool("b", nodes=second_nodes, subnet="other")
    est = evaluate(
        [cluster(network, first, second)],
        {key("nodes"): Subnet(key("nodes"), prefixlen, other_ips)},
    )
    usable = 2 ** (32 - prefixlen) - 5
    # b is the user pool (a, the first, is the system pool): in a shared subnet b grows; alone
    # in "nodes", a is the only pool there and grows itself (rule A18)
    p_b = pods[1] if shared else {KUBENET: 110, CNI: 30, OVERLAY: 250}.get(network, 110)
    s_b = surge[1] if shared else Surge(10, percent=True)
    max_pods, surges_ = (pods[0], p_b), (surge[0], s_b)
    grown = 1 if shared else 0

    def per_node_ips(i: int) -> int:  # rule A3: one IP per node, 1 + P for azure-cni
        return 1 + max_pods[i] if network is CNI else 1

    def vnet_per_node(i: int) -> int:  # rule A15: node IP plus VNet pod IPs / static blocks
        if network is DYNAMIC:
            return 1 + max(16, max_pods[i])  # rule A8 with U = P
        if network is STATIC:
            return 1 + -(-(max_pods[i] + 1) // 16)  # rule A9: a block counts once
        return per_node_ips(i)

    def holds(n: int) -> bool:
        counts = [3, second_nodes]
        counts[grown] = n
        peaks = [_peak(counts[i], surges_[i]) for i in (0, 1)]
        in_subnet = (0, 1) if shared else (0,)
        subnet_ips = other_ips + sum(peaks[i] * per_node_ips(i) for i in in_subnet)
        vnet = other_ips + sum(peaks[i] * vnet_per_node(i) for i in (0, 1))
        return (
            subnet_ips <= usable  # rule A5
            and (network not in (KUBENET, OVERLAY) or sum(peaks) <= 256)  # A6, default /16
            and (network is not KUBENET or sum(peaks) <= 400)  # A7
            and peaks[grown] <= 1000  # A10, with surge
            and sum(counts) <= 5000  # A10
            and vnet <= 65536  # A15
        )

    room = subnet_of(est, "nodes").room
    assert room is not None
    best = _largest_brute(holds)
    assert room.growth_pool == ("c/b" if shared else "c/a")
    assert room.growth_pool_nodes == best
    # the subnet's pools' planning nodes: the other pool in it as planned, plus the grown one;
    # no room is no count at all, never the other pool's nodes
    assert room.nodes == (None if best is None else best + (3 if shared else 0))


@given(
    prefixlen=st.integers(16, 28),
    static=st.booleans(),
    pods=st.tuples(st.integers(10, 250), st.integers(10, 250)),
    in_use=st.tuples(st.integers(0, 250), st.integers(0, 250)),
    surge=st.tuples(surges, surges),
    second_nodes=st.integers(0, 300),
)
def test_pod_subnet_room_is_the_largest_count_every_limit_allows(
    prefixlen: int,
    static: bool,
    pods: tuple[int, int],
    in_use: tuple[int, int],
    surge: tuple[Surge, Surge],
    second_nodes: int,
) -> None:
    network = STATIC if static else DYNAMIC
    first = pool("a", max_pods=pods[0], pods_in_use=in_use[0], max_surge=surge[0], pod_subnet="s")
    second = pool(
        "b",
        nodes=second_nodes,
        max_pods=pods[1],
        pods_in_use=in_use[1],
        max_surge=surge[1],
        pod_subnet="s",
    )
    est = evaluate([cluster(network, first, second)], sized(s=prefixlen))

    def per_node(i: int) -> int:
        if static:  # rule A9, counted in /28 blocks
            return -(-(pods[i] + 1) // 16)
        u = min(in_use[i], pods[i])  # rule A8
        return max(16, min(16 * -(-(u + 8) // 16), pods[i]))

    # static: blocks against 2^(28-p) - 2 blocks; dynamic: IPs against usable(p)
    capacity = max(2 ** (28 - prefixlen) - 2, 0) if static else 2 ** (32 - prefixlen) - 5

    def holds(n: int) -> bool:  # b, the user pool, grows; a (3 nodes) stays as planned
        peaks = (_peak(3, surge[0]), _peak(n, surge[1]))
        pod = peaks[0] * per_node(0) + peaks[1] * per_node(1)
        # VNet (rule A15): one IP per node (the node subnet is unsized) plus the pod IPs, a
        # static block counted once
        return pod <= capacity and peaks[1] <= 1000 and 3 + n <= 5000 and sum(peaks) + pod <= 65536

    room = subnet_of(est, "s").room
    assert room is not None
    best = _largest_brute(holds)
    nodes = None if best is None else 3 + best  # None: no room, a is over the pod subnet alone
    assert (room.growth_pool, room.growth_pool_nodes, room.nodes) == ("c/b", best, nodes)


def test_vnet_over_the_limit_without_a_cluster_in_it() -> None:
    # a VNet only other users fill (70,000 IPs in a /15: 131,067 usable) is over 65,536 too; the
    # cluster lives in another VNet, so the problem names the VNet and the evaluated model
    c = cluster(OVERLAY, pool(subnet=key("nodes", "v1")), vnet="v1")
    est = evaluate([c], {key("big", "v2"): Subnet(key("big", "v2"), 15, other_ips=70000)})
    assert [(p.network, subject(p), p.rule, p.message) for p in errors(est)] == [
        (OVERLAY, "v2", "A15", "VNet v2 needs 70,000 private IPs, above Azure's 65,536 per VNet")
    ]


def test_no_clusters_no_problems_and_no_crash() -> None:
    # an estate with no AKS cluster: its subnets are still rows, but no model to judge them
    est = evaluate([], {key("big", "hub"): Subnet(key("big", "hub"), 14, other_ips=70000)})
    big = subnet_of(est, "big")
    # /14: 2^18 - 5 = 262,139 usable; 70,000 used -> /15 would hold 131,067
    assert (big.peak_ips, big.usable_ips, big.min_prefixlen, room_of(big)) == (
        70000,
        262139,
        15,
        None,
    )
    assert (est.pools, est.clusters, est.problems) == ((), (), ())


def test_cluster_room_grows_the_largest_pool_not_the_system_pool() -> None:
    # kubenet: system 3 + 1 surge = 4 peak; apps 300 + ceil(10% of 300) = 330 peak; 366 routes used.
    # Growing apps: 4 + n + ceil(n/10) <= 400 -> n + ceil(n/10) <= 396 -> n = 360 (360 + 36 = 396)
    # -> room for 3 + 360 = 363 nodes, limited by the route table (the /15 pod CIDR holds 512)
    apps = pool("apps", nodes=250, max_nodes=300, max_surge=Surge(10, percent=True))
    est = evaluate(
        [cluster(KUBENET, pool("system", nodes=3, max_surge=ONE), apps, pod_cidr_prefixlen=15)],
        sized(nodes=22),
    )
    (row,) = est.clusters
    assert row.room is not None
    assert (row.room.nodes, row.room.limited_by) == (363, "kubenet route table (400 routes)")


def test_a_pool_scaled_to_zero_is_not_held_to_the_30_pod_minimum() -> None:
    # rule A2 counts `nodes`; an autoscaler user pool at 0 nodes has no pods to count
    est = evaluate([cluster(OVERLAY, pool(nodes=0, max_nodes=10, max_pods=10))])
    assert [p.rule for p in est.problems] == []


# ----- rule A18: room to grow, hand-computed ---------------------------------------------------


def test_room_grows_the_user_pool_not_the_system_pool() -> None:
    # overlay in a /24 (251 usable), default surge 10%. system 3 + ceil(0.3) = 4 peak; the user
    # pool (20 nodes) grows: 4 + n + ceil(n/10) <= 251 -> n + ceil(n/10) <= 247 -> n = 224
    # (224 + 23 = 247; 225 + 23 = 248). The /16 pod CIDR allows 4 + M <= 256 -> n = 229, so the
    # node subnet binds. Room: 3 + 224 = 227 nodes; the growth pool's own count is 224
    system, user = pool("system", nodes=3), pool("user", nodes=20)
    est = evaluate([cluster(OVERLAY, system, user)], sized(nodes=24))
    want = Room(
        227, "c/user", 224, ResourceKind.NODE_SUBNET, "node subnet nodes (/24, 251 usable IPs)"
    )
    assert est.clusters[0].room == want
    assert subnet_of(est, "nodes").room == want  # both pools are in the subnet
    row = comparison(est, "c")
    assert (row.room_nodes, row.room_growth_pool, row.room_growth_pool_nodes) == (
        227,
        "c/user",
        224,
    )
    assert row.room_limited_by == "node subnet nodes (/24, 251 usable IPs)"


def test_room_with_mode_on_some_pools() -> None:
    # once one pool says its mode, the pools that do not are user pools (rule A18): the first
    # pool (8 nodes, no mode) is a user pool here, "sys" (30, mode system) is not; users p0 (8)
    # and p2 (5): p0 grows. Surge 1; /25 = 123 usable; peaks sys 31, p2 6:
    # 31 + 6 + n + 1 <= 123 -> n = 85 (the /16 pod CIDR: 37 + n + 1 <= 256 -> 218).
    # Room: 85 + 30 + 5 = 120
    pools = (
        pool("p0", nodes=8, max_surge=ONE),
        pool("sys", nodes=30, max_surge=ONE, mode=Mode.SYSTEM),
        pool("p2", nodes=5, max_surge=ONE),
    )
    room = evaluate([cluster(OVERLAY, *pools)], sized(nodes=25)).clusters[0].room
    assert room is not None
    assert (room.nodes, room.growth_pool, room.growth_pool_nodes, room.limit) == (
        120,
        "c/p0",
        85,
        ResourceKind.NODE_SUBNET,
    )
    # ties go to the first listed: u1 (mode user, 5) and u2 (no mode, 5); peaks sys 11, u1 6,
    # u2 6: u1 grows: 11 + 6 + n + 1 <= 123 -> n = 105; room 10 + 105 + 5 = 120
    tied = (
        pool("sys", nodes=10, max_surge=ONE, mode=Mode.SYSTEM),
        pool("u1", nodes=5, max_surge=ONE, mode=Mode.USER),
        pool("u2", nodes=5, max_surge=ONE),
    )
    room = evaluate([cluster(OVERLAY, *tied)], sized(nodes=25)).clusters[0].room
    assert room is not None
    assert (room.nodes, room.growth_pool, room.growth_pool_nodes) == (120, "c/u1", 105)


@pytest.mark.parametrize(
    ("system_surge", "grown", "nodes"),
    [
        # system 3 + 1 = 4 peak: n + ceil(n/10) <= 400 - 4 = 396 -> n = 360 (360 + 36 = 396;
        # 361 + 37 = 398); room 3 + 360 = 363
        (ONE, 360, 363),
        # system 3 + 3 = 6 peak: n + ceil(n/10) <= 394 -> n = 358 (358 + 36 = 394; 359 + 36 =
        # 395); room 3 + 358 = 361
        (Surge(3), 358, 361),
        # system 3 + 0 = 3 peak: n + ceil(n/10) <= 397 -> n = 360 (396; 361 + 37 = 398)
        (NO_SURGE, 360, 363),
    ],
)
def test_kubenet_room_stops_at_400_routes_minus_the_other_pools_peak(
    system_surge: Surge, grown: int, nodes: int
) -> None:
    # the subnet alone allows 470 nodes of the user pool (surge 10%): a /22 (1,019 usable) with
    # 498 IPs of other users; with the system pool at 4 peak: 4 + 498 + 470 + 47 = 1,019 fits
    # exactly, 471 + 48 = 519 -> 1,021 does not. The /14 pod CIDR holds 1,024 nodes.
    subnets = {key("nodes"): Subnet(key("nodes"), 22, other_ips=498)}
    system = pool("system", nodes=3, max_surge=system_surge)
    user = pool("user", nodes=20)
    overlay = evaluate(
        [cluster(OVERLAY, pool("system", nodes=3, max_surge=ONE), user, pod_cidr_prefixlen=14)],
        subnets,
    )
    room = overlay.clusters[0].room
    assert room is not None  # overlay has no route table: the subnet's 470 is the answer
    assert (room.growth_pool_nodes, room.limit) == (470, ResourceKind.NODE_SUBNET)
    est = evaluate([cluster(KUBENET, system, user, pod_cidr_prefixlen=14)], subnets)
    room = est.clusters[0].room
    assert room is not None
    assert (room.nodes, room.growth_pool, room.growth_pool_nodes) == (nodes, "c/user", grown)
    assert (room.limit, room.limited_by) == (
        ResourceKind.KUBENET_ROUTES,
        "kubenet route table (400 routes)",
    )
    # never past 400 routes: the grown pool's peak plus the system pool's peak
    assert _peak(grown, Surge(10, percent=True)) + _peak(3, system_surge) <= 400
    assert subnet_of(est, "nodes").room == room  # both pools are in the subnet


def test_room_of_a_subnet_shared_by_two_clusters() -> None:
    # overlay, surge 1, one /24 (251 usable) shared: c1/a 10 nodes (11 peak), c2/b 30 (31 peak).
    # Each cluster's lone pool is a user pool; the subnet's growth pool is the larger, c2/b:
    # 11 + n + 1 <= 251 -> n = 239 (c2's /16 pod CIDR: n + 1 <= 256 -> 255).
    # The subnet's room counts its pools: 10 (c1/a as planned) + 239 = 249
    c1 = Cluster("c1", OVERLAY, (pool("a", nodes=10, subnet="shared", max_surge=ONE),))
    c2 = Cluster("c2", OVERLAY, (pool("b", nodes=30, subnet="shared", max_surge=ONE),))
    est = evaluate([c1, c2], sized(shared=24))
    room = subnet_of(est, "shared").room
    assert room is not None
    assert (room.nodes, room.growth_pool, room.growth_pool_nodes, room.limit) == (
        249,
        "c2/b",
        239,
        ResourceKind.NODE_SUBNET,
    )
    # each cluster's own room is its own nodes: c1/a grows beside c2/b's 31:
    # 31 + n + 1 <= 251 -> n = 219; c2/b: 239 as above
    rooms = {c.name: c.room for c in est.clusters}
    assert {name: (r.nodes, r.growth_pool) for name, r in rooms.items() if r} == {
        "c1": (219, "c1/a"),
        "c2": (239, "c2/b"),
    }


def test_no_room_when_the_other_pools_alone_break_the_node_subnet() -> None:
    # azure-cni in a /26 (64 - 5 = 59 usable): the system pool (3 nodes, max pods 110, surge 1)
    # peaks at 4 nodes x (1 + 110) = 444 IPs, over 59 with the user pool (5, max 20) at 0
    # nodes. No count holds, so there is no room: no number (it said 3, the system pool's
    # nodes, with the user pool at 0), and the limit broken already is named
    system = pool("system", nodes=3, max_pods=110, max_surge=ONE)
    user = pool("user", nodes=5, max_nodes=20)
    est = evaluate([cluster(CNI, system, user)], sized(nodes=26))
    want = Room(
        None, "c/user", None, ResourceKind.NODE_SUBNET, "node subnet nodes (/26, 59 usable IPs)"
    )
    assert est.clusters[0].room == want
    assert subnet_of(est, "nodes").room == want
    assert want.exceeded
    assert want.text == (
        "no room: node subnet nodes (/26, 59 usable IPs) is exceeded already, "
        "with c/user at 0 nodes"
    )
    row = comparison(est, "c")
    assert (row.room_nodes, row.room_growth_pool, row.room_growth_pool_nodes) == (
        None,
        "c/user",
        None,
    )
    assert row.room_limited_by == "node subnet nodes (/26, 59 usable IPs)"


def test_room_of_zero_nodes_is_a_count_not_no_room() -> None:
    # azure-cni in a /26 (59 usable), surge 0: the system pool (1 node, max pods 30) takes
    # 1 x 31 = 31 IPs; the user pool at 0 fits (31 <= 59), at 1 it does not (31 + 31 = 62):
    # room is 1 + 0 = 1 node, the growth pool's count 0, and the node subnet binds
    system = pool("system", nodes=1, max_pods=30, max_surge=NO_SURGE)
    user = pool("user", nodes=5, max_pods=30, max_surge=NO_SURGE)
    room = evaluate([cluster(CNI, system, user)], sized(nodes=26)).clusters[0].room
    assert room == Room(
        1, "c/user", 0, ResourceKind.NODE_SUBNET, "node subnet nodes (/26, 59 usable IPs)"
    )
    assert not room.exceeded
    assert room.text == "room for 1 nodes, limited by node subnet nodes (/26, 59 usable IPs)"


def test_no_room_names_the_limit_broken_at_zero_not_one_that_breaks_at_one() -> None:
    # overlay with a /24 pod CIDR: 2^(24-24) = 1 node. The system pool (3 nodes, surge 1, its own
    # /24 subnet) peaks at 4 nodes: the pod CIDR is broken with the user pool at 0. The user
    # pool's /29 (3 usable) holds 3 other IPs: it fits the user pool at 0 and breaks at 1 (it
    # comes first in the search's order, and was named before). The limit broken at 0 binds
    subnets = {
        key("sys"): Subnet(key("sys"), 24),
        key("user"): Subnet(key("user"), 29, other_ips=3),
    }
    system = pool("system", nodes=3, subnet="sys", max_surge=ONE)
    user = pool("user", nodes=2, subnet="user", max_surge=ONE)
    room = (
        evaluate([cluster(OVERLAY, system, user, pod_cidr_prefixlen=24)], subnets).clusters[0].room
    )
    assert room == Room(
        None, "c/user", None, ResourceKind.POD_CIDR, "pod CIDR /24 (1 nodes at one /24 each)"
    )


def test_windows_pool_without_max_pods_gets_110_under_overlay_and_no_warning() -> None:
    # rule A19: min(model default, 110): overlay min(250, 110) = 110; azure-cni min(30, 110) =
    # 30; pod subnet min(110, 110) = 110. A default never raises the Windows warning (A2)
    win = pool("win", os=OS.WINDOWS)
    est = evaluate([cluster(OVERLAY, pool("sys"), win)])
    assert est.problems == ()
    d = est.pools[1]
    # 3 nodes x 110 = 330 pods planned
    assert (d.max_pods, d.max_pods_default, d.max_pods_total) == (110, True, 330)
    got = {n: pool_demand("c", win, n).max_pods for n in (CNI, OVERLAY, DYNAMIC, STATIC)}
    assert got == {CNI: 30, OVERLAY: 110, DYNAMIC: 110, STATIC: 110}
    # the largest P of the cluster under overlay: the Linux pool's 250
    assert (comparison(est, "c").max_pods, comparison(est, "c").max_pods_default) == (250, True)


def test_cluster_vnet_ips_include_its_load_balancer_and_endpoint_ips() -> None:
    # overlay: a 10 + 1 = 11, b 20 + 1 = 21 peak node IPs; 3 ILB + 2 private endpoints + 1
    # private API endpoint = 6; with an API server subnet the API server takes 9 there instead
    # of the private endpoint (rule A24): 32 + 5 + 9 = 46
    a = pool("a", nodes=10, subnet="sa")
    b = pool("b", nodes=20, subnet="sb", max_surge=ONE)
    c = cluster(OVERLAY, a, b, private_cluster=True, internal_lbs=3, private_endpoints=2)
    assert evaluate([c]).clusters[0].vnet_ips == 38  # 32 + 6
    with_api = replace(c, api_server_subnet=key("api"))
    assert evaluate([with_api]).clusters[0].vnet_ips == 46


@given(
    thresholds=st.lists(st.integers(-1, 5001), min_size=1, max_size=8),
)
def test_one_search_over_all_limits_finds_each_ones_smallest_largest(
    thresholds: list[int],
) -> None:
    # limit i allows n up to thresholds[i] (-1: not even 0): the room is the smallest of each
    # limit's own largest count, and the binding limit the first with that count (rule A18);
    # a limit that fails at 0 leaves no room (None), and the first such limit binds
    limits = [lambda n, t=t: n <= t for t in thresholds]
    if -1 in thresholds:
        assert _tightest(limits, 5001) == (None, thresholds.index(-1))
        return
    own = [_largest(f, 5001) for f in limits]
    assert own == thresholds
    assert _tightest(limits, 5001) == min((n, i) for i, n in enumerate(own))


def test_a_forecast_month_measures_the_same_without_checking_rules() -> None:
    # 300 azure-cni nodes at 30 pods and one surge node: 301 * 31 = 9,331 IPs in a /24 (251
    # usable) breaks rule A3; without checks the same rows, and no problem listed
    clusters = [cluster(CNI, pool(nodes=300, max_pods=30, max_surge=ONE))]
    checked = evaluate(clusters, sized(nodes=24), limits=False)
    measured = evaluate(clusters, sized(nodes=24), limits=False, checks=False)
    assert [p.rule for p in checked.problems] == ["A3"]
    assert measured.problems == ()
    assert (measured.pools, measured.subnets, measured.clusters) == (
        checked.pools,
        checked.subnets,
        checked.clusters,
    )
    assert subnet_of(measured, "nodes").peak_ips == 9331
