"""Scenario parsing: typed values out, defaults applied, one located line per mistake."""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from netaddr import IPAddress, IPNetwork

from ipplan.core.capacity import Growth, NodePool
from ipplan.core.keys import SubnetKey
from ipplan.errors import ScenarioError
from ipplan.rules import OS, Dataplane, Mode, Network, Surge
from ipplan.scenario import (
    ClusterSpec,
    ExternalRange,
    Planning,
    Scenario,
    SubnetSpec,
    VNet,
    load_scenario,
    parse_scenario,
    scenario_schema,
)

Data = dict[str, Any]


def issue_example() -> Data:
    """The scenario of issue 5, as yaml.safe_load gives it."""
    return {
        "name": "contoso-prod",
        "planning": {
            "start": "2027-01",
            "horizon_months": 36,
            "headroom_pct": 20,
            "warn_at_pct": 80,
            "compare": [
                "kubenet",
                "azure-cni",
                "azure-cni-overlay",
                "azure-cni-pod-subnet",
                "azure-cni-pod-subnet-static",
            ],
        },
        "vnets": [
            {
                "name": "spoke-prod",
                "address_space": ["10.20.0.0/16"],
                "subnets": [
                    {"name": "gateway", "cidr": "10.20.0.0/27", "used_ips": 9},
                    {"name": "aks-nodes", "prefix": 22},
                    {"name": "aks-pods", "size": "auto"},
                ],
            }
        ],
        "external": [{"name": "on-prem", "cidrs": ["10.0.0.0/12", "192.168.0.0/16"]}],
        "clusters": [
            {
                "name": "prod-aks",
                "vnet": "spoke-prod",
                "network": "azure-cni-overlay",
                "dataplane": "cilium",
                "pod_cidr": "100.64.0.0/16",
                "service_cidr": "172.16.0.0/16",
                "dns_service_ip": "172.16.0.10",
                "private_cluster": True,
                "internal_lbs": 4,
                "node_pools": [
                    {
                        "name": "system",
                        "subnet": "aks-nodes",
                        "nodes": 3,
                        "max_pods": 110,
                        "max_surge": 1,
                    },
                    {
                        "name": "user",
                        "subnet": "aks-nodes",
                        "pod_subnet": "aks-pods",
                        "os": "linux",
                        "nodes": 20,
                        "max_nodes": 60,
                        "max_pods": 50,
                        "pods_in_use": 35,
                        "max_surge": "33%",
                        "growth": {"nodes_per_month": 2},
                    },
                ],
            }
        ],
    }


def minimal() -> Data:
    """The least a scenario needs: a name, a VNet, a cluster with one pool."""
    return {
        "name": "m",
        "vnets": [
            {
                "name": "v",
                "address_space": ["10.1.0.0/16"],
                "subnets": [{"name": "n", "prefix": 24}],
            }
        ],
        "clusters": [
            {"name": "c", "vnet": "v", "node_pools": [{"name": "p", "subnet": "n", "nodes": 3}]}
        ],
    }


def test_issue_example_parses_to_exact_values() -> None:
    scenario = parse_scenario(issue_example(), source="s.yaml")
    assert scenario == Scenario(
        name="contoso-prod",
        source="s.yaml",
        planning=Planning(start_year=2027, start_month=1, compare=tuple(Network)),
        vnets=(
            VNet(
                name="spoke-prod",
                address_space=(IPNetwork("10.20.0.0/16"),),
                subnets=(
                    SubnetSpec(name="gateway", cidr=IPNetwork("10.20.0.0/27"), used_ips=9),
                    SubnetSpec(name="aks-nodes", prefixlen=22),
                    SubnetSpec(name="aks-pods", auto=True),
                ),
            ),
        ),
        external=(
            ExternalRange(
                name="on-prem", cidrs=(IPNetwork("10.0.0.0/12"), IPNetwork("192.168.0.0/16"))
            ),
        ),
        clusters=(
            ClusterSpec(
                name="prod-aks",
                vnet="spoke-prod",
                network=Network.OVERLAY,
                dataplane=Dataplane.CILIUM,
                pod_cidr=IPNetwork("100.64.0.0/16"),
                service_cidr=IPNetwork("172.16.0.0/16"),
                dns_service_ip=IPAddress("172.16.0.10"),
                private_cluster=True,
                internal_lbs=4,
                node_pools=(
                    NodePool(
                        name="system",
                        nodes=3,
                        subnet=SubnetKey("spoke-prod", "aks-nodes"),
                        max_pods=110,
                        max_surge=Surge(1),
                    ),
                    NodePool(
                        name="user",
                        nodes=20,
                        subnet=SubnetKey("spoke-prod", "aks-nodes"),
                        pod_subnet=SubnetKey("spoke-prod", "aks-pods"),
                        max_nodes=60,
                        max_pods=50,
                        pods_in_use=35,
                        max_surge=Surge(33, percent=True),
                        growth=Growth(nodes_per_month=2.0),
                    ),
                ),
            ),
        ),
    )
    assert scenario.warnings == ()


def test_defaults_come_from_the_rules() -> None:
    scenario = parse_scenario(minimal(), source="m.yaml")
    assert scenario.planning == Planning(
        start_year=2027,
        start_month=1,
        horizon_months=36,
        headroom_pct=20,
        warn_at_pct=80,
        compare=(
            Network.KUBENET,
            Network.AZURE_CNI,
            Network.OVERLAY,
            Network.POD_SUBNET,
            Network.POD_SUBNET_STATIC,
        ),
    )
    assert scenario.external == ()
    (cluster,) = scenario.clusters
    assert cluster == ClusterSpec(
        name="c",
        vnet="v",
        network=Network.OVERLAY,  # AKS's default (OVLH)
        node_pools=(NodePool(name="p", nodes=3, subnet=SubnetKey("v", "n")),),
        dataplane=Dataplane.AZURE,
        pod_cidr=None,  # the plan uses 10.244.0.0/16 for kubenet/overlay
        service_cidr=IPNetwork("10.0.0.0/16"),
        dns_service_ip=IPAddress("10.0.0.10"),
    )
    (pool,) = cluster.node_pools
    assert (pool.max_surge, pool.os, pool.max_pods, pool.pods_in_use, pool.growth) == (
        Surge(10, percent=True),
        OS.LINUX,
        None,
        None,
        None,
    )


def test_planning_block_sets_every_field() -> None:
    data = minimal()
    data["planning"] = {
        "start": "2028-11",
        "horizon_months": 120,
        "headroom_pct": 0,
        "warn_at_pct": 100,
        "compare": ["azure-cni-pod-subnet-static", "kubenet"],
    }
    assert parse_scenario(data, source="t").planning == Planning(
        start_year=2028,
        start_month=11,
        horizon_months=120,
        headroom_pct=0,
        warn_at_pct=100,
        compare=(Network.POD_SUBNET_STATIC, Network.KUBENET),
    )


@pytest.mark.parametrize(
    ("service_cidr", "dns"),
    [
        ("172.16.0.0/16", "172.16.0.10"),
        ("10.96.0.0/12", "10.96.0.10"),
        ("192.168.100.0/28", "192.168.100.10"),
        ("fd00:1::/108", "fd00:1::a"),
    ],
)
def test_dns_service_ip_defaults_to_the_10th_address(service_cidr: str, dns: str) -> None:
    data = minimal()
    data["clusters"][0]["service_cidr"] = service_cidr
    (cluster,) = parse_scenario(data, source="t").clusters
    assert (cluster.service_cidr, cluster.dns_service_ip) == (
        IPNetwork(service_cidr),
        IPAddress(dns),
    )


def test_counts_flags_and_growth() -> None:
    data = minimal()
    cluster = data["clusters"][0]
    cluster.update(network="azure-cni", private_cluster=True, internal_lbs=2, private_endpoints=3)
    cluster["node_pools"] = [
        {"name": "sys", "subnet": "n", "nodes": 3, "max_surge": 0},
        {"name": "spot", "subnet": "n", "nodes": 0, "max_nodes": 30, "max_surge": "100%"},
        {
            "name": "web",
            "subnet": "n",
            "nodes": 3,
            "max_pods": 10,
            "growth": {"percent_per_month": 2.5},
        },
    ]
    (spec,) = parse_scenario(data, source="t").clusters
    assert (spec.network, spec.private_cluster, spec.internal_lbs, spec.private_endpoints) == (
        Network.AZURE_CNI,
        True,
        2,
        3,
    )
    assert spec.node_pools == (
        NodePool(name="sys", nodes=3, subnet=SubnetKey("v", "n"), max_surge=Surge(0)),
        NodePool(
            name="spot",
            nodes=0,
            subnet=SubnetKey("v", "n"),
            max_nodes=30,
            max_surge=Surge(100, percent=True),
        ),
        NodePool(
            name="web",
            nodes=3,
            subnet=SubnetKey("v", "n"),
            max_pods=10,
            growth=Growth(percent_per_month=2.5),
        ),
    )


def test_dual_stack_vnet_with_an_ipv6_subnet() -> None:
    data = minimal()
    vnet = data["vnets"][0]
    vnet["address_space"].append("fd00:20::/48")
    vnet["subnets"].append({"name": "v6", "cidr": "fd00:20:0:1::/64", "used_ips": 3})
    (vnet_spec,) = parse_scenario(data, source="t").vnets
    assert vnet_spec.address_space == (IPNetwork("10.1.0.0/16"), IPNetwork("fd00:20::/48"))
    assert vnet_spec.subnets[1] == SubnetSpec("v6", cidr=IPNetwork("fd00:20:0:1::/64"), used_ips=3)


def test_warnings_in_file_order() -> None:
    data = minimal()
    data["vnets"][0]["subnets"].append({"name": "k", "prefix": 24})
    data["clusters"] = [
        {
            "name": "a",
            "vnet": "v",
            "network": "kubenet",
            "node_pools": [{"name": "p", "subnet": "k", "nodes": 3}],
        },
        {
            "name": "b",
            "vnet": "v",
            "network": "kubenet",
            "pod_cidr": "100.64.0.0/16",
            "node_pools": [{"name": "p", "subnet": "k", "nodes": 3}],
        },
        {
            "name": "w",
            "vnet": "v",
            "node_pools": [
                {"name": "sys", "subnet": "n", "nodes": 3},
                {"name": "win", "subnet": "n", "nodes": 2, "os": "windows", "max_pods": 200},
            ],
        },
    ]
    assert parse_scenario(data, source="t").warnings == (
        "t: clusters[0].network: cluster 'a': kubenet retires on 2028-03-31; plan the move to "
        "azure-cni-overlay (rule A7)",
        "t: clusters[1].network: cluster 'b': kubenet retires on 2028-03-31; plan the move to "
        "azure-cni-overlay (rule A7)",
        "t: clusters[2].node_pools[1].max_pods: pool 'win': Windows with max_pods of 200, above "
        "the 110 recommended; set max_pods: 110 (rule A2)",
        "t: clusters[1]: kubenet cluster 'b' shares subnet 'k' with clusters[0]; AKS advises one "
        "kubenet cluster per subnet",
    )


def test_windows_pool_within_110_max_pods_does_not_warn() -> None:
    data = minimal()
    data["clusters"][0]["node_pools"].append(
        {"name": "win", "subnet": "n", "nodes": 2, "os": "windows", "max_pods": 110}
    )
    assert parse_scenario(data, source="t").warnings == ()


def test_windows_pool_without_max_pods_gets_at_most_110_and_no_warning() -> None:
    # rule A19: overlay's default 250 would be above Windows' 110; the default is min(250, 110)
    data = minimal()
    data["clusters"][0]["node_pools"].append(
        {"name": "win", "subnet": "n", "nodes": 2, "os": "windows", "pods_in_use": 111}
    )
    with pytest.raises(ScenarioError) as err:
        parse_scenario(data, source="t")
    assert str(err.value) == (
        "t: clusters[0].node_pools[1].pods_in_use: pool 'win': pods in use 111 is above the "
        "pool's max_pods of 110 (azure-cni-overlay's default for Windows); pods in use per node "
        "cannot exceed max pods"
    )
    del data["clusters"][0]["node_pools"][1]["pods_in_use"]
    assert parse_scenario(data, source="t").warnings == ()


def test_pool_mode_is_passed_to_the_capacity_model() -> None:
    data = minimal()
    data["clusters"][0]["node_pools"][0]["mode"] = "user"
    data["clusters"][0]["node_pools"].append({"name": "sys", "subnet": "n", "nodes": 3})
    pools = parse_scenario(data, source="t").clusters[0].node_pools
    assert [(pool.name, pool.mode) for pool in pools] == [("p", Mode.USER), ("sys", None)]


def test_a_problem_is_located_by_its_fields() -> None:
    data = minimal()
    data["clusters"][0]["node_pools"][0]["max_nodes"] = 2
    with pytest.raises(ScenarioError) as err:
        parse_scenario(data, source="t")
    problem = err.value
    assert (problem.source, problem.path, problem.value) == (
        "t",
        ("clusters", 0, "node_pools", 0, "max_nodes"),
        "2",
    )
    assert str(problem) == f"t: clusters[0].node_pools[0].max_nodes: {problem.message}"


def test_a_problem_names_the_fields_it_cites() -> None:
    data = minimal()
    data["clusters"][0]["pod_cidr"] = "10.0.0.0/8"
    with pytest.raises(ScenarioError) as err:
        parse_scenario(data, source="t")
    assert err.value.refs == (("vnets", 0, "address_space", 0),)
    assert err.value.cited(lambda ref: f"<{ref[0]}>") == (
        "10.0.0.0/8 overlaps VNet 'v' (10.1.0.0/16, <vnets>); use a range used nowhere in your "
        "network, such as 10.244.0.0/16"
    )


# ----- bad input: each case changes minimal() in one place


def _set(path: str, value: object) -> Callable[[Data], None]:
    """A change that sets ``a.b[0].c`` to *value* (or deletes it when value is ``...``)."""

    def change(data: Data) -> None:
        parts = [int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", path)]
        target: Any = data
        for part in parts[:-1]:
            target = target[part]
        if value is ...:
            del target[parts[-1]]
        else:
            target[parts[-1]] = value

    return change


POOL = "clusters.0.node_pools.0"
P = "clusters[0].node_pools[0]."  # the message path of POOL
SUBNETS = "vnets.0.subnets"
BAD: list[tuple[str, Callable[[Data], None], str]] = [
    (
        "nodes-text",
        _set(f"{POOL}.nodes", "3"),
        P + "nodes: '3' is not a whole number; write 3 without quotes",
    ),
    (
        "nodes-bool",
        _set(f"{POOL}.nodes", True),
        P + "nodes: true is not a whole number; give a number such as 3",
    ),
    (
        "max-pods-300",
        _set(f"{POOL}.max_pods", 300),
        P + "max_pods: 300 is above AKS's limit of 250",
    ),
    (
        "max-pods-9",
        _set(f"{POOL}.max_pods", 9),
        P + "max_pods: 9 is below AKS's minimum of 10 pods per node",
    ),
    (
        "max-pods-x-nodes",
        lambda d: d["clusters"][0]["node_pools"][0].update(max_pods=10, nodes=2),
        P + "max_pods: pool 'p': 10 max pods x 2 nodes = 20 pods",
    ),
    (
        "max-pods-x-1-node",
        lambda d: d["clusters"][0]["node_pools"][0].update(max_pods=20, nodes=1),
        P + "max_pods: pool 'p': 20 max pods x 1 node = 20 pods, below AKS's minimum of 30 per "
        "pool; use 2 or more nodes, or raise max_pods",
    ),
    (
        "zero-nodes-without-max-nodes",
        lambda d: d["clusters"][0]["node_pools"][0].update(nodes=0),
        P + "nodes: pool 'p' has 0 nodes and no max_nodes; 0 nodes is allowed only for an "
        "autoscaler pool: set max_nodes, or give 1 or more",
    ),
    (
        "pods-in-use-default",
        lambda d: (
            d["clusters"][0].update(network="azure-cni")
            or d["clusters"][0]["node_pools"][0].update(pods_in_use=31)
        ),
        P + "pods_in_use: pool 'p': pods in use 31 is above the pool's max_pods of 30 "
        "(azure-cni's default); pods in use per node cannot exceed max pods",
    ),
    (
        "max-nodes-0",
        _set(f"{POOL}.max_nodes", 0),
        P + "max_nodes: 0 is below 1; give the autoscaler's maximum node count",
    ),
    (
        "max-nodes-below",
        _set(f"{POOL}.max_nodes", 2),
        P + "max_nodes: pool 'p': max_nodes 2 is below nodes (3)",
    ),
    (
        "surge-percent-text",
        _set(f"{POOL}.max_surge", "33 percent"),
        P + "max_surge: '33 percent' is not a surge; use a node count such as 1 or a percentage "
        "such as 33%",
    ),
    ("surge-list", _set(f"{POOL}.max_surge", [1]), P + "max_surge: [1] is not a surge"),
    (
        "surge-percent-space",
        _set(f"{POOL}.max_surge", "33 %"),
        P + "max_surge: '33 %' is not a surge; write 33% (no spaces)",
    ),
    (
        "surge-over-1000",
        lambda d: d["clusters"][0]["node_pools"][0].update(nodes=1000, max_surge=1),
        P + "max_surge: pool 'p': 1,000 nodes + 1 surge node (1) = 1,001 during an upgrade, above "
        "AKS's limit of 1,000 per pool; lower max_surge or the node count, or split the pool",
    ),
    ("growth-empty", _set(f"{POOL}.growth", {}), P + "growth: {} has no rate; give exactly one"),
    (
        "growth-inf",
        _set(f"{POOL}.growth", {"nodes_per_month": float("inf")}),
        P + "growth.nodes_per_month: inf is not a finite number",
    ),
    (
        "growth-percent-text",
        _set(f"{POOL}.growth", {"percent_per_month": "5"}),
        P + "growth.percent_per_month: '5' is not a number; write 5 without quotes",
    ),
    ("os", _set(f"{POOL}.os", "Windows"), P + "os: 'Windows' is not an OS; did you mean windows?"),
    (
        "pool-unknown-key",
        _set(f"{POOL}.maxpods", 30),
        "clusters[0].node_pools[0]: 'maxpods' is not a node pool key; did you mean max_pods?",
    ),
    (
        "cluster-unknown-key",
        _set("clusters.0.podCidr", "x"),
        "clusters[0]: 'podCidr' is not a cluster key; did you mean pod_cidr?",
    ),
    (
        "planning-unknown-key",
        _set("planning", {"start": "2027-01", "horizon": 12}),
        "planning: 'horizon' is not a planning key; did you mean horizon_months?",
    ),
    ("non-text-key", _set("vnets.0.7", 1), "vnets[0]: 7 is not a valid key"),
    (
        "missing-subnet",
        _set(f"{POOL}.subnet", ...),
        "clusters[0].node_pools[0]: required key 'subnet' is missing",
    ),
    (
        "empty-name",
        _set(f"{POOL}.name", ""),
        P + "name: '' is empty; give a name",
    ),
    ("name-dotdot", _set("name", ".."), "name: '..' is not a valid scenario name"),
    ("name-slash", _set("name", "a/b"), "name: 'a/b' is not a valid scenario name"),
    (
        "start-int",
        _set("planning", {"start": 202701}),
        "planning.start: 202701 is not a month; write YYYY-MM",
    ),
    (
        "warn-101",
        _set("planning", {"start": "2027-01", "warn_at_pct": 101}),
        "planning.warn_at_pct: 101 is above 100%",
    ),
    (
        "compare-all",
        _set("planning", {"start": "2027-01", "compare": "all"}),
        "planning.compare: 'all' is not a list; write a list such as [kubenet, azure-cni-overlay]",
    ),
    (
        "compare-twice",
        _set("planning", {"start": "2027-01", "compare": ["kubenet", "kubenet"]}),
        "planning.compare[1]: 'kubenet' is listed twice",
    ),
    (
        "vnets-mapping",
        _set("vnets", {"name": "v"}),
        "vnets: {name: v} is not a list; start each item with '- '",
    ),
    (
        "address-space-int",
        _set("vnets.0.address_space", [10]),
        "vnets[0].address_space[0]: 10 is not text; quote it",
    ),
    (
        "address-space-loopback",
        _set("vnets.0.address_space", ["127.0.0.0/8"]),
        "vnets[0].address_space[0]: 127.0.0.0/8 is 127.0.0.0/8 (loopback), which is not allowed "
        "for a VNet",
    ),
    (
        "address-space-twice",
        _set("vnets.0.address_space", ["10.1.0.0/16", "10.1.0.0/16"]),
        "vnets[0].address_space[1]: 10.1.0.0/16 overlaps 10.1.0.0/16 (address_space[0])",
    ),
    (
        "subnet-prefix-1",
        _set(f"{SUBNETS}.0.prefix", 1),
        "vnets[0].subnets[0].prefix: 1 is shorter than Azure allows (the largest subnet is a /2)",
    ),
    (
        "subnet-prefix-no-ipv4",
        lambda d: d["vnets"][0].update(address_space=["fd00::/48"]),
        "vnets[0].subnets[0].prefix: 24 needs an IPv4 range, but address_space has none",
    ),
    (
        "subnet-auto-and-prefix",
        _set(f"{SUBNETS}.0.size", "auto"),
        "vnets[0].subnets[0]: subnet 'n' gives prefix and size; give exactly one",
    ),
    (
        "used-ips-prefix",
        _set(f"{SUBNETS}.0.used_ips", 252),
        "vnets[0].subnets[0].used_ips: 252 is more than the 251 usable IPs of a /24",
    ),
    (
        "subnet-v6-in-v4",
        lambda d: d["vnets"][0]["subnets"].append({"name": "x", "cidr": "fd00::/64"}),
        "vnets[0].subnets[1].cidr: fd00::/64 is outside the VNet's address space (10.1.0.0/16)",
    ),
    (
        "cluster-vnet-none",
        _set("clusters.0.vnet", "w"),
        "clusters[0].vnet: 'w' is not a VNet; use one of: v",
    ),
    (
        "pool-subnet-typo",
        _set(f"{POOL}.subnet", "m"),
        P + "subnet: 'm' is not a subnet of VNet 'v'; use one of: n",
    ),
    (
        "static-needs-pod-subnet",
        _set("clusters.0.network", "azure-cni-pod-subnet-static"),
        "clusters[0].node_pools[0]: pool 'p' has no pod_subnet, but azure-cni-pod-subnet-static "
        "takes pod IPs from a separate subnet",
    ),
    (
        "kubenet-cilium",
        lambda d: d["clusters"][0].update(network="kubenet", dataplane="cilium"),
        "clusters[0].dataplane: cluster 'c': kubenet cannot run the Cilium dataplane; use network "
        "azure-cni-overlay with cilium, or dataplane azure",
    ),
    (
        "dataplane",
        _set("clusters.0.dataplane", "calico"),
        "clusters[0].dataplane: 'calico' is not a dataplane; use one of: azure, cilium",
    ),
    (
        "internal-lbs-float",
        _set("clusters.0.internal_lbs", 1.0),
        "clusters[0].internal_lbs: 1.0 is not a whole number; give a whole number such as 1",
    ),
    (
        "private-cluster-text",
        _set("clusters.0.private_cluster", "true"),
        "clusters[0].private_cluster: 'true' is not true or false; write true or false without "
        "quotes",
    ),
    (
        "service-cidr-12-ok-13-pod",
        _set("clusters.0.service_cidr", "10.240.0.0/12"),
        "clusters[0].service_cidr: 10.240.0.0/12 overlaps the pod CIDR (10.244.0.0/16, "
        "clusters[0].pod_cidr)",
    ),
    (
        "service-cidr-v6-too-large",
        _set("clusters.0.service_cidr", "fd00::/64"),
        "clusters[0].service_cidr: fd00::/64 is larger than AKS allows for a service CIDR (/108); "
        "use a /108 or smaller",
    ),
    (
        "service-cidr-no-dns-room",
        _set("clusters.0.service_cidr", "172.16.0.0/29"),
        "clusters[0].service_cidr: 172.16.0.0/29 has no room for the default DNS service IP (the "
        ".10)",
    ),
    (
        "service-cidr-host-bits",
        _set("clusters.0.service_cidr", "172.16.0.1/16"),
        "clusters[0].service_cidr: '172.16.0.1/16' has host bits set (did you mean 172.16.0.0/16?)",
    ),
    (
        "dns-network-address",
        _set("clusters.0.dns_service_ip", "10.0.0.0"),
        "clusters[0].dns_service_ip: 10.0.0.0 is the service CIDR's network address; use "
        "10.0.0.10 (the .10)",
    ),
    (
        "dns-broadcast",
        _set("clusters.0.dns_service_ip", "10.0.255.255"),
        "clusters[0].dns_service_ip: 10.0.255.255 is the service CIDR's broadcast address",
    ),
    (
        "dns-int",
        _set("clusters.0.dns_service_ip", 10),
        "clusters[0].dns_service_ip: 10 is not text; quote it",
    ),
    (
        "pod-cidr-v6",
        _set("clusters.0.pod_cidr", "fd00::/64"),
        "clusters[0].pod_cidr: fd00::/64 is IPv6; give an IPv4 pod CIDR",
    ),
    (
        "pod-cidr-test-net",
        _set("clusters.0.pod_cidr", "192.0.2.0/24"),
        "clusters[0].pod_cidr: 192.0.2.0/24 is 192.0.2.0/24 (TEST-NET-1, reserved by AKS)",
    ),
    (
        "pod-cidr-contains-vnet",
        _set("clusters.0.pod_cidr", "10.0.0.0/8"),
        "clusters[0].pod_cidr: 10.0.0.0/8 overlaps VNet 'v' (10.1.0.0/16, "
        "vnets[0].address_space[0]); use a range used nowhere in your network, such as "
        "10.244.0.0/16",
    ),
    (
        "external-inside-vnet",
        _set("external", [{"name": "dc", "cidrs": ["10.1.2.0/24"]}]),
        "vnets[0].address_space[0]: 10.1.0.0/16 overlaps external range 'dc' (10.1.2.0/24, "
        "external[0].cidrs[0])",
    ),
    (
        "external-cidrs-text",
        _set("external", [{"name": "dc", "cidrs": "10.9.0.0/16"}]),
        "external[0].cidrs: '10.9.0.0/16' is not a list; write [10.9.0.0/16]",
    ),
    (
        "duplicate-cluster",
        lambda d: d["clusters"].append(copy.deepcopy(d["clusters"][0])),
        "clusters[1].name: 'c' is already the name of clusters[0]",
    ),
    (
        "node-pools-101",
        _set(
            "clusters.0.node_pools",
            [{"name": f"p{i}", "subnet": "n", "nodes": 1} for i in range(101)],
        ),
        "clusters[0].node_pools: 101 node pools is above AKS's limit of 100 per cluster",
    ),
]


@pytest.mark.parametrize(
    ("change", "message"), [case[1:] for case in BAD], ids=[case[0] for case in BAD]
)
def test_bad_input_is_one_located_line(change: Callable[[Data], None], message: str) -> None:
    data = minimal()
    change(data)
    with pytest.raises(ScenarioError, match=re.escape(f"t.yaml: {message}")) as caught:
        parse_scenario(data, source="t.yaml")
    text = str(caught.value)
    assert "\n" not in text and not text.endswith(".")
    assert text.startswith("t.yaml: ")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (None, "t.yaml: the file is empty; start from data/example.yaml"),
        ([], "t.yaml: the top level is a list [], not a mapping"),
        ("name: x", "t.yaml: the top level is text 'name: x', not a mapping"),
        ({}, "t.yaml: required key 'name' is missing; add name: contoso-prod"),
        ({"name": "x"}, "t.yaml: required key 'vnets' is missing"),
    ],
    ids=["none", "list", "text", "no-name", "no-vnets"],
)
def test_bad_top_level(data: object, message: str) -> None:
    with pytest.raises(ScenarioError, match=re.escape(message)):
        parse_scenario(data, source="t.yaml")


# ----- files


def test_load_yaml_and_json_give_the_same_scenario(tmp_path: Path) -> None:
    yaml_path = tmp_path / "s.yaml"
    yaml_path.write_text(
        "name: m\n"
        "vnets:\n"
        "  - name: v\n"
        "    address_space: [10.1.0.0/16]\n"
        "    subnets:\n"
        "      - {name: n, prefix: 24}\n"
        "clusters:\n"
        "  - name: c\n"
        "    vnet: v\n"
        "    node_pools:\n"
        "      - {name: p, subnet: n, nodes: 3}\n"
    )
    json_path = tmp_path / "s.JSON"
    json_path.write_text(
        '{\n\t"name": "m",\n\t"vnets": [{"name": "v", "address_space": ["10.1.0.0/16"],\n'
        '\t\t"subnets": [{"name": "n", "prefix": 24}]}],\n'
        '\t"clusters": [{"name": "c", "vnet": "v",\n'
        '\t\t"node_pools": [{"name": "p", "subnet": "n", "nodes": 3}]}]\n}\n'
    )
    from_yaml = load_scenario(yaml_path)
    from_json = load_scenario(json_path)
    assert (from_yaml.source, from_json.source) == (str(yaml_path), str(json_path))
    assert from_yaml == parse_scenario(minimal(), source=str(yaml_path))
    assert from_json == parse_scenario(minimal(), source=str(json_path))


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("e.yaml", "  \n", "the file is empty; start from data/example.yaml"),
        ("d.yaml", "name: a\nname: b\n", "line 2: duplicate key 'name'; keep one"),
        ("t.yaml", "name: a\nvnets:\n\t- x\n", "line 3: a tab; YAML indents with spaces only"),
        ("c.yaml", "name: a: b\n", "line 1, column 8: mapping values are not allowed here"),
        ("m.yaml", "name: a\n---\nname: b\n", "line 2: a second YAML document (---)"),
        ("p.yaml", "name: !!python/name:os.system\n", "line 1: could not determine a constructor"),
        ("u.yaml", "name: \x00\n", "line 1: character #x0000 is not allowed in YAML; remove it"),
        ("b.yaml", b"name: \xe9t\xe9\n", "is not UTF-8 text (byte 6); save the file as UTF-8"),
        ("j.json", '{"name": "a",\n "name": "b"}', "duplicate key 'name'; keep one"),
        ("k.json", '{"name": "a",,}', "line 1: Expecting property name enclosed in double quotes"),
    ],
    ids=[
        "blank",
        "duplicate",
        "tab",
        "colon",
        "two-docs",
        "tag",
        "nul",
        "latin-1",
        "json-dup",
        "json-syntax",
    ],
)
def test_load_reports_file_problems_in_one_line(
    tmp_path: Path, name: str, text: str | bytes, message: str
) -> None:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    with pytest.raises(ScenarioError, match=re.escape(f"{path}: {message}")) as caught:
        load_scenario(path)
    assert "\n" not in str(caught.value)


def test_load_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=re.escape(f"{tmp_path}/x.yaml: no such file")):
        load_scenario(tmp_path / "x.yaml")
    with pytest.raises(ScenarioError, match=re.escape(f"{tmp_path}: is a directory")):
        load_scenario(tmp_path)


def test_example_file_validates() -> None:
    example = Path(__file__).parent.parent / "data" / "example.yaml"
    scenario = load_scenario(example)
    assert (scenario.name, len(scenario.vnets), len(scenario.clusters)) == ("example", 1, 1)
    assert scenario.warnings == ()


def test_schema_describes_the_format() -> None:
    schema = scenario_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    defs = schema["$defs"]
    assert sorted(defs["NodePoolModel"]["properties"]) == [
        "growth",
        "max_nodes",
        "max_pods",
        "max_surge",
        "mode",
        "name",
        "nodes",
        "os",
        "pod_subnet",
        "pods_in_use",
        "priority",
        "subnet",
        "upgrade",
    ]
    assert defs["NodePoolModel"]["required"] == ["name", "subnet", "nodes"]
    assert defs["ClusterModel"]["properties"]["service_cidr"]["default"] == "10.0.0.0/16"
    assert defs["NodePoolModel"]["properties"]["max_surge"]["default"] == "10%"
    assert all(
        model["additionalProperties"] is False
        for name, model in defs.items()
        if name.endswith("Model")
    )


# ----- nothing but ScenarioError escapes, whatever the input

_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 2000)
    | st.floats(allow_nan=True)
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
_CHOICES = st.sampled_from(
    [
        "10.20.0.0/16",
        "10.20.0.1/24",
        "169.254.0.0/16",
        "fd00::/64",
        "0.0.0.0/0",
        "kubenet",
        "azure-cni-pod-subnet",
        "windows",
        "cilium",
        "auto",
        "33%",
        "n",
        "v",
        "",
        "10.0.0.10",
        "2027-13",
    ]
)


def _leaves(data: object, path: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    if isinstance(data, dict):
        return [path] + [leaf for k, v in data.items() for leaf in _leaves(v, (*path, k))]
    if isinstance(data, list):
        return [path] + [leaf for i, v in enumerate(data) for leaf in _leaves(v, (*path, i))]
    return [path]


_PATHS = _leaves(issue_example())[1:]


@settings(max_examples=int(os.environ.get("IPPLAN_FUZZ_EXAMPLES", "300")), deadline=None)
@given(st.sampled_from(_PATHS), _JSON | _CHOICES, st.booleans())
def test_any_change_gives_a_scenario_or_one_line(
    path: tuple[Any, ...], value: object, delete: bool
) -> None:
    data: Any = issue_example()
    target = data
    for part in path[:-1]:
        target = target[part]
    if delete and isinstance(target, dict):
        del target[path[-1]]
    else:
        target[path[-1]] = value
    try:
        scenario = parse_scenario(data, source="f.yaml")
    except ScenarioError as err:
        text = str(err)
        assert text.startswith("f.yaml: ") and "\n" not in text, text
    else:
        assert isinstance(scenario, Scenario)


def test_a_setting_no_model_planned_or_compared_uses_warns() -> None:
    # rules A6, A8: pods in use count only on the dynamic pod subnet, a pod CIDR only on
    # kubenet and overlay; a file that plans and compares neither is told they are ignored
    pool = {
        "name": "p",
        "subnet": "n",
        "pod_subnet": "pods",
        "nodes": 3,
        "max_pods": 30,
        "pods_in_use": 20,
    }
    data = {
        "name": "t",
        "planning": {"start": "2027-01", "compare": ["azure-cni"]},
        "vnets": [
            {
                "name": "v",
                "address_space": ["10.1.0.0/16"],
                "subnets": [{"name": "n", "prefix": 22}, {"name": "pods", "prefix": 22}],
            }
        ],
        "clusters": [
            {
                "name": "c",
                "vnet": "v",
                "network": "azure-cni",
                "pod_cidr": "10.244.0.0/16",
                "node_pools": [pool],
            }
        ],
    }
    assert parse_scenario(data, source="t").warnings == (
        "t: clusters[0].pod_cidr: cluster 'c': pod_cidr 10.244.0.0/16 counts only under kubenet "
        "and azure-cni-overlay, which are neither planned nor compared: it is ignored; remove "
        "pod_cidr, or compare kubenet or azure-cni-overlay (rule A6)",
        "t: clusters[0].node_pools[0].pods_in_use: pool 'p': pods_in_use 20 counts only under "
        "azure-cni-pod-subnet, which is neither planned nor compared: it is ignored; remove "
        "pods_in_use, or compare azure-cni-pod-subnet (rule A8)",
        "t: clusters[0].node_pools[0].pod_subnet: pool 'p': pod_subnet 'pods' counts only under "
        "azure-cni-pod-subnet and azure-cni-pod-subnet-static, which are neither planned nor "
        "compared: it is ignored; remove pod_subnet, or compare azure-cni-pod-subnet or "
        "azure-cni-pod-subnet-static (rule A8)",
    )
    data["planning"] = {
        "start": "2027-01",
        "compare": ["azure-cni-overlay", "azure-cni-pod-subnet"],
    }
    assert parse_scenario(data, source="t").warnings == ()
