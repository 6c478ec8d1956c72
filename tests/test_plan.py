"""build_plan on hand-built scenarios: allocation, auto sizing and the numbers behind each row."""

from __future__ import annotations

from dataclasses import replace

import pytest
from netaddr import IPNetwork

from ipplan.core.capacity import Growth, NodePool
from ipplan.core.keys import SubnetKey
from ipplan.core.plan import build_plan
from ipplan.errors import ScenarioError
from ipplan.rules import Network, Surge
from ipplan.scenario import ClusterSpec, Planning, Scenario, SubnetSpec, VNet, parse_scenario


def _scenario(
    subnets: tuple[SubnetSpec, ...],
    pools: tuple[NodePool, ...],
    network: Network = Network.OVERLAY,
    compare: tuple[Network, ...] = tuple(Network),
) -> Scenario:
    return Scenario(
        name="t",
        source="t.yaml",
        planning=Planning(start_year=2027, start_month=1, compare=compare),
        vnets=(VNet("spoke", (IPNetwork("10.20.0.0/16"),), subnets),),
        clusters=(
            ClusterSpec(
                name="aks",
                vnet="spoke",
                network=network,
                node_pools=pools,
                pod_cidr=IPNetwork("100.64.0.0/16"),
                private_cluster=True,
                internal_lbs=4,
            ),
        ),
    )


def K(name: str) -> SubnetKey:  # noqa: N802 - a subnet of the test VNet
    return SubnetKey("spoke", name)


SUBNETS = (
    SubnetSpec("gateway", cidr=IPNetwork("10.20.0.0/27"), used_ips=9),
    SubnetSpec("aks-nodes", prefixlen=22),
    SubnetSpec("aks-pods", auto=True),
)
POOLS = (
    NodePool("system", 3, K("aks-nodes"), max_pods=110, max_surge=Surge(1)),
    NodePool(
        "user",
        20,
        K("aks-nodes"),
        max_nodes=60,
        max_pods=50,
        pods_in_use=35,
        max_surge=Surge(33, percent=True),
        pod_subnet=K("aks-pods"),
        growth=Growth(nodes_per_month=2),
    ),
)


def test_overlay_plan_allocates_best_fit_and_counts_every_consumer() -> None:
    plan = build_plan(_scenario(SUBNETS, POOLS))
    rows = {s.name: s for s in plan.subnets}
    # the /27 is reserved at 10.20.0.0; best fit for a /22 is the free 10.20.4.0/22 itself
    assert str(rows["aks-nodes"].cidr) == "10.20.4.0/22"
    # system: 3 + 1 surge = 4; user: 60 (autoscaler max) + ceil(60 * 33%) = 20 -> 80;
    # + private API endpoint 1 + 4 internal LB frontends = 89 of 1,019 usable
    assert (rows["aks-nodes"].now_ips, rows["aks-nodes"].peak_ips) == (3 + 20 + 5, 89)
    assert rows["aks-nodes"].usable_ips == 1019
    assert rows["aks-nodes"].utilization_pct == 8.7
    assert rows["aks-nodes"].headroom_ips == 930
    assert rows["gateway"].peak_ips == 9 and rows["gateway"].role == "other"
    assert rows["aks-nodes"].status == "ok"
    assert plan.feasible


def test_auto_pod_subnet_of_overlay_cluster_is_sized_from_compared_pod_subnet_models() -> None:
    plan = build_plan(_scenario(SUBNETS, POOLS))
    pods = next(s for s in plan.subnets if s.name == "aks-pods")
    # sized for the horizon: the user pool grows 2 a month from its autoscaler max of 60 to
    # 60 + 2 x 36 = 132 by 2030-01; + ceil(132 x 33%) = 44 surge -> 176 peak nodes
    # dynamic: min(16 * ceil(0.5 + 35/16), 50) = 48 per node x 176 = 8,448; +20% = 10,138 -> /18
    # static: ceil(51/16) = 4 blocks x 176 = 704 blocks; +20% = 845 blocks -> /18 (1,022 blocks)
    assert pods.cidr.prefixlen == 18
    assert pods.origin == "sized"
    # unused under the cluster's own model (overlay), so its role is unused
    assert pods.role == "unused"


def test_auto_node_subnet_uses_peak_plus_headroom() -> None:
    subnets = (SubnetSpec("nodes", auto=True),)
    pools = (NodePool("p", 50, K("nodes"), max_pods=30, max_surge=Surge(1)),)
    plan = build_plan(_scenario(subnets, pools, Network.AZURE_CNI))
    # 51 x 31 = 1,581 + 5 (API endpoint, 4 ILBs) = 1,586; x 1.2 = 1,903.2 -> /21 (2,043 usable)
    (row,) = plan.subnets
    assert (str(row.cidr), row.peak_ips, row.usable_ips) == ("10.20.0.0/21", 1586, 2043)
    assert (
        row.room is not None and row.room.nodes == 64
    )  # (64 + 1) x 31 + 5 = 2,020 <= 2,043 < (65 + 1) x 31 + 5


def test_a_subnet_that_does_not_fit_names_the_subnet_and_the_room_left() -> None:
    subnets = (SubnetSpec("big", cidr=IPNetwork("10.20.0.0/17")), SubnetSpec("more", prefixlen=16))
    pools = (NodePool("p", 3, K("big")),)
    with pytest.raises(ScenarioError) as err:
        build_plan(_scenario(subnets, pools))
    assert str(err.value) == (
        "t.yaml: vnets[0].subnets[1]: subnet 'more' cannot be allocated: no free /16 in "
        "10.20.0.0/16 (largest free block /17, 32,768 addresses free)"
    )


def test_comparison_marks_the_subnet_too_small_for_azure_cni() -> None:
    subnets = (SubnetSpec("nodes", cidr=IPNetwork("10.20.0.0/24")),)
    pools = (NodePool("p", 20, K("nodes"), max_pods=30, max_surge=Surge(1)),)
    plan = build_plan(_scenario(subnets, pools))
    assert plan.feasible  # overlay: 21 + 5 consumers = 26 IPs in a /24
    cni = plan.comparisons[Network.AZURE_CNI]
    assert not cni.feasible
    # 21 x 31 = 651 + 5 consumers = 656 > 251
    assert [p.message for p in cni.problems] == [
        "node subnet spoke/nodes (/24, 251 usable IPs) needs 656 IPs at peak"
    ]


def test_dual_stack_vnet_keeps_one_address_space_per_ip_version() -> None:
    scenario = _scenario(SUBNETS, POOLS)
    vnet = VNet(
        "spoke",
        (IPNetwork("10.20.0.0/16"), IPNetwork("fd00:20::/48")),
        (*SUBNETS, SubnetSpec("v6", cidr=IPNetwork("fd00:20:0:5::/64"))),
    )
    plan = build_plan(replace(scenario, vnets=(vnet,)))
    rows = {s.name: s for s in plan.subnets}
    assert str(rows["aks-nodes"].cidr) == "10.20.4.0/22"  # IPv4 allocation unchanged
    assert rows["v6"].usable_ips == 2**64 - 5 and rows["v6"].status == "unused"
    (space,) = plan.vnets
    assert space.size == 2**16 + 2**80
    assert str(space.largest_free) == "10.20.128.0/17"


def test_auto_size_that_does_not_fit_says_where_its_size_came_from() -> None:
    subnets = (SubnetSpec("nodes", cidr=IPNetwork("10.20.0.0/17")), SubnetSpec("pods", auto=True))
    pools = (NodePool("p", 900, K("nodes"), max_pods=250, pod_subnet=K("pods")),)
    with pytest.raises(ScenarioError) as err:
        build_plan(_scenario(subnets, pools, Network.POD_SUBNET))
    # 900 + 90 surge = 990 nodes x 250 = 247,500 IPs; + 20% = 297,000 -> /13, larger than the /16
    # the /17 at 10.20.0.0 is taken, so the largest free block is the other /17 (32,768 addresses)
    assert str(err.value) == (
        "t.yaml: vnets[0].subnets[1]: subnet 'pods' (size: auto, 247,500 IPs at peak in 2030-01 "
        "+ 20% headroom -> /13) does not fit in VNet 'spoke' (its largest free block is /17, "
        "32,768 addresses free); add address space to the VNet, or lower the pools' growth, "
        "max_nodes or planning.headroom_pct"
    )


def test_a_warning_of_the_scenario_and_of_its_models_is_said_once() -> None:
    # rules A7, A16, A2 are checked by the scenario (with the field path) and by the capacity
    # model (per model); the plan says each once, the scenario's way
    pool = {"name": "win", "subnet": "n", "nodes": 3, "os": "windows", "max_pods": 200}
    data = {
        "name": "t",
        "vnets": [
            {
                "name": "v",
                "address_space": ["10.1.0.0/16"],
                "subnets": [{"name": "n", "prefix": 22}],
            }
        ],
        "clusters": [
            {
                "name": "k",
                "vnet": "v",
                "network": "kubenet",
                "node_pools": [{**pool, "os": "linux"}],
            },
            {"name": "o", "vnet": "v", "internal_lbs": 301, "node_pools": [pool]},
        ],
    }
    assert build_plan(parse_scenario(data, source="t")).warnings == (
        "t: clusters[0].network: cluster 'k': kubenet retires on 2028-03-31; plan the move to "
        "azure-cni-overlay (rule A7)",
        "t: clusters[1].internal_lbs: cluster 'o': 301 load-balanced Services exceed the "
        "Standard LB limit of 300; share load balancers via ingress (rule A16)",
        "t: clusters[1].node_pools[0].max_pods: pool 'win': Windows with max_pods of 200, above "
        "the 110 recommended; set max_pods: 110 (rule A2)",
    )
