"""Seeded AKS estates of any size, for benchmarks and scaling tests (issue 11).

``estate(subnets=1000, clusters=10, pools=30)`` returns a scenario dict: hub-and-spoke VNets of
about 200 subnets each (a /16 per VNet), most subnets existing (``cidr:``, some ``used_ips``), a
node subnet per cluster asked for by ``prefix:``, and every fourth cluster on a pod subnet with
``size: auto``. Pools are spread over the clusters (at least one each); a third of them grow.
Same arguments, same estate, always. ``python benchmarks/estates.py 1000 10 30 > f.yaml`` writes
one as YAML.
"""

from __future__ import annotations

import random
import sys
from typing import Any

import yaml

SUBNETS_PER_VNET = 200


def estate(
    subnets: int, clusters: int, pools: int, seed: int = 11, per_vnet: int = SUBNETS_PER_VNET
) -> dict[str, Any]:
    """A scenario dict with about *subnets* subnets, *clusters* clusters and *pools* pools."""
    rng = random.Random(seed)
    clusters = max(clusters, 1)
    pod_subnet = [i % 4 == 3 for i in range(clusters)]
    # each cluster's own subnets: a node subnet (prefix) and maybe a pod subnet (auto)
    own = clusters + sum(pod_subnet)
    existing = max(subnets - own, 0)
    vnet_count = max(1, -(-(existing + own) // per_vnet))
    vnets: list[dict[str, Any]] = []
    for v in range(vnet_count):
        # a /16 each out of 10.0.0.0/8 (at most 256 VNets); 172.16.0.0/16 is the services'
        vnets.append({"name": f"vnet-{v:03d}", "address_space": [_slash16(v)], "subnets": []})
    # existing subnets: /24-/29, packed from the bottom of their VNet (aligned, no overlap)
    cursor = [0] * vnet_count
    for i in range(existing):
        v = i % vnet_count
        prefixlen = rng.choice((24, 26, 27, 28, 29, 29, 29))
        size = 1 << (32 - prefixlen)
        start = -(-cursor[v] // size) * size
        cursor[v] = start + size
        base = _base(v)
        cidr = f"{_ip(base + start)}/{prefixlen}"
        used = rng.randint(0, max(size - 5, 0))
        vnets[v]["subnets"].append({"name": f"sub-{i:05d}", "cidr": cidr, "used_ips": used})
    out_clusters: list[dict[str, Any]] = []
    counts = [1] * clusters
    for i in range(max(pools - clusters, 0)):
        counts[i % clusters] += 1
    for c in range(clusters):
        v = c % vnet_count
        nodes = f"c{c:03d}-nodes"
        vnets[v]["subnets"].append({"name": nodes, "prefix": 23})
        cluster: dict[str, Any] = {
            "name": f"aks-{c:03d}",
            "vnet": vnets[v]["name"],
            "service_cidr": "172.16.0.0/16",
            "dns_service_ip": "172.16.0.10",
            "node_pools": [],
        }
        pods = None
        if pod_subnet[c]:
            pods = f"c{c:03d}-pods"
            vnets[v]["subnets"].append({"name": pods, "size": "auto"})
            cluster["network"] = "azure-cni-pod-subnet"
        else:
            cluster["network"] = "azure-cni-overlay"
            cluster["pod_cidr"] = "100.64.0.0/16"
        for p in range(counts[c]):
            pool: dict[str, Any] = {
                "name": "system" if p == 0 else f"user{p}",
                "subnet": nodes,
                "nodes": 3 if p == 0 else rng.randint(2, 12),
                "max_pods": 30 if pods is None else 50,
                "max_surge": 1,
            }
            if pods is not None:
                pool["pod_subnet"] = pods
            if p > 0 and rng.random() < 0.5:
                pool["growth"] = {"nodes_per_month": rng.choice((0.25, 0.5, 1))}
            cluster["node_pools"].append(pool)
        out_clusters.append(cluster)
    return {
        "name": f"estate-{subnets}",
        "planning": {"start": "2027-01", "horizon_months": 36},
        "vnets": vnets,
        "clusters": out_clusters,
    }


def one_vnet_slash29s(subnets: int = 3000) -> dict[str, Any]:
    """*subnets* existing /29s in one /16 VNet, and one overlay cluster (issue 11's other case)."""
    rng = random.Random(29)
    rows: list[dict[str, Any]] = [
        {"name": f"s{i:05d}", "cidr": f"{_ip(_base(0) + 8 * i)}/29", "used_ips": rng.randint(0, 3)}
        for i in range(subnets)
    ]
    rows.append({"name": "aks-nodes", "prefix": 22})
    return {
        "name": f"slash29-{subnets}",
        "vnets": [{"name": "spoke", "address_space": ["10.0.0.0/16"], "subnets": rows}],
        "clusters": [
            {
                "name": "aks",
                "vnet": "spoke",
                "network": "azure-cni-overlay",
                "pod_cidr": "100.64.0.0/16",
                "service_cidr": "172.16.0.0/16",
                "dns_service_ip": "172.16.0.10",
                "node_pools": [
                    {"name": "system", "subnet": "aks-nodes", "nodes": 3, "max_surge": 1},
                    {
                        "name": "user",
                        "subnet": "aks-nodes",
                        "nodes": 10,
                        "max_surge": 1,
                        "growth": {"nodes_per_month": 1},
                    },
                ],
            }
        ],
    }


def many_vnets(vnets: int = 3000, clusters: int = 300) -> dict[str, Any]:
    """*vnets* /22 VNets of a few existing subnets each, and *clusters* overlay clusters, one
    per VNet from the first: what an imported hub-and-spoke estate looks like (issue 11)."""
    rows = []
    for v in range(vnets):
        base = (10 << 24) + (v << 10)
        subnets: list[dict[str, Any]] = [
            {"name": f"s{j}", "cidr": f"{_ip(base + 64 * j)}/26", "used_ips": 5} for j in range(3)
        ]
        if v < clusters:
            subnets.append({"name": "aks-nodes", "prefix": 24})
        rows.append(
            {"name": f"vnet-{v:04d}", "address_space": [f"{_ip(base)}/22"], "subnets": subnets}
        )
    out_clusters = [
        {
            "name": f"aks-{c:03d}",
            "vnet": f"vnet-{c:04d}",
            "network": "azure-cni-overlay",
            "pod_cidr": "100.64.0.0/16",
            "service_cidr": "172.16.0.0/16",
            "dns_service_ip": "172.16.0.10",
            "node_pools": [{"name": "system", "subnet": "aks-nodes", "nodes": 3, "max_surge": 1}],
        }
        for c in range(clusters)
    ]
    return {"name": f"vnets-{vnets}", "vnets": rows, "clusters": out_clusters}


def _base(v: int) -> int:
    return (10 << 24) + (v << 16)


def _slash16(v: int) -> str:
    if v > 255:
        raise ValueError(f"{v + 1} VNets do not fit in 10.0.0.0/8 one /16 each")
    return f"{_ip(_base(v))}/16"


def _ip(value: int) -> str:
    return ".".join(str((value >> s) & 255) for s in (24, 16, 8, 0))


def dump(scenario: dict[str, Any]) -> str:
    """*scenario* as YAML (block style, keys in the order written)."""
    return yaml.safe_dump(scenario, sort_keys=False)


if __name__ == "__main__":
    n, c, p = (int(a) for a in sys.argv[1:4])
    sys.stdout.write(dump(estate(n, c, p)))
