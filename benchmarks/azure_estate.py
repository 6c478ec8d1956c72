"""A seeded Azure estate as ``az network vnet list`` and ``az aks list`` print it (issue 11).

    python benchmarks/azure_estate.py VNETS SUBNETS_PER_VNET CLUSTERS OUT_DIR

writes OUT_DIR/vnets.json and OUT_DIR/clusters.json: VNet v is 10.x.y.0/20-sized space
(10.0.0.0/8 split into /20s), its subnets /24s; cluster c sits in VNet c with a system and a user
pool on its first two subnets (Azure CNI overlay, a pod CIDR of its own). Shapes follow the
fixtures in tests/data/azure (built-cli-*-contoso.json), trimmed to the fields ipplan reads.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

_SUB = "/subscriptions/00000000-0000-0000-0000-000000000001"


def _vnet(v: int, subnets: int) -> dict[str, object]:
    base = v * 16  # /20 = 16 x /24
    name = f"vnet-{v:04d}"
    rid = f"{_SUB}/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/{name}"

    def cidr(i: int) -> str:
        n = base + i
        return f"10.{n // 256}.{n % 256}.0/24"

    return {
        "addressSpace": {"addressPrefixes": [f"10.{base // 256}.{base % 256}.0/20"]},
        "id": rid,
        "location": "westeurope",
        "name": name,
        "resourceGroup": "net",
        "subnets": [
            {
                "addressPrefix": cidr(i),
                "delegations": [],
                "id": f"{rid}/subnets/s{i:02d}",
                "ipConfigurations": None,
                "name": f"s{i:02d}",
                "type": "Microsoft.Network/virtualNetworks/subnets",
            }
            for i in range(subnets)
        ],
        "type": "Microsoft.Network/virtualNetworks",
        "virtualNetworkPeerings": [],
    }


def _cluster(c: int) -> dict[str, object]:
    vnet = f"{_SUB}/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/vnet-{c:04d}"

    def pool(name: str, mode: str, subnet: int, count: int) -> dict[str, object]:
        return {
            "count": count,
            "enableAutoScaling": mode == "User",
            "maxCount": 20 if mode == "User" else None,
            "maxPods": 110,
            "minCount": 2 if mode == "User" else None,
            "mode": mode,
            "name": name,
            "osType": "Linux",
            "type": "VirtualMachineScaleSets",
            "upgradeSettings": {"maxSurge": "1"},
            "vnetSubnetId": f"{vnet}/subnets/s{subnet:02d}",
        }

    return {
        "agentPoolProfiles": [pool("system", "System", 0, 3), pool("user", "User", 1, 5)],
        "id": f"{_SUB}/resourcegroups/aks/providers/Microsoft.ContainerService/managedClusters/"
        f"aks-{c:04d}",
        "location": "westeurope",
        "name": f"aks-{c:04d}",
        "networkProfile": {
            "dnsServiceIp": "172.16.0.10",
            "networkPlugin": "azure",
            "networkPluginMode": "overlay",
            "podCidr": f"100.{64 + c // 256}.{c % 256}.0/24",
            "serviceCidr": "172.16.0.0/16",
        },
        "type": "Microsoft.ContainerService/ManagedClusters",
    }


def main(argv: list[str]) -> int:
    vnets, subnets, clusters = (int(a) for a in argv[:3])
    out = Path(argv[3])
    out.mkdir(parents=True, exist_ok=True)
    (out / "vnets.json").write_text(json.dumps([_vnet(v, subnets) for v in range(vnets)]))
    (out / "clusters.json").write_text(json.dumps([_cluster(c) for c in range(clusters)]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
