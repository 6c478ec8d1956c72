"""``used_ips``: a subnet's ipConfigurations, less those an imported cluster's settings model."""

from __future__ import annotations

import re

from ipplan.importers.azure.clusters import Live
from ipplan.importers.azure.read import resource_group
from ipplan.importers.azure.vnets import At, Estate, Placed
from ipplan.rules import API_SERVER_SUBNET_IPS

__all__ = ["count_used_ips"]

#: AKS names the VMSS of a Linux pool ``aks-<pool>-<hash>-vmss``, of a Windows pool ``aks<pool>``
_VMSS = re.compile(r"/providers/microsoft\.compute/virtualmachinescalesets/([^/]+)(/|$)")
_ILB = re.compile(r"/providers/microsoft\.network/loadbalancers/kubernetes-internal/frontendip")
_API_NIC = re.compile(r"/providers/microsoft\.network/networkinterfaces/kube-apiserver\.nic\.")


def count_used_ips(estate: Estate, placed: Placed, live: dict[str, Live]) -> None:
    """Set each imported subnet's ``used_ips`` (and the clusters' ``internal_lbs``)."""
    api_users: dict[At, list[Live]] = {}
    for user in live.values():
        if user.api_subnet is not None:
            api_users.setdefault(user.api_subnet, []).append(user)
    for (vi, si), entry in placed.kept.items():
        subnet = estate.vnets[vi].subnets[si]
        modelled: dict[str, int] = {}
        for rid in subnet.ip_configs:
            cluster = live.get(resource_group(rid))
            if cluster is not None and _modelled(rid, cluster, (vi, si)):
                name = cluster.entry.data["name"]
                modelled[name] = modelled.get(name, 0) + 1
        for user in api_users.get((vi, si), []):  # the API server's 9, modelled (rule A24)
            name = user.entry.data["name"]
            left = len(subnet.ip_configs) - sum(modelled.values())
            modelled[name] = modelled.get(name, 0) + min(API_SERVER_SUBNET_IPS, left)
        used = len(subnet.ip_configs) - sum(modelled.values())
        if used:
            entry.data["used_ips"] = used
        if modelled:
            by = ", ".join(f"{n} of cluster {name}" for name, n in modelled.items())
            entry.comments.append(
                f"{len(subnet.ip_configs)} ipConfigurations less {by} (modelled by its node "
                f"pools and settings): used_ips {used}"
            )


def _modelled(rid: str, live: Live, at: At) -> bool:
    """Whether the cluster models the ipConfiguration *rid* (counting an ILB frontend)."""
    vmss = _VMSS.search(rid)
    if vmss:
        name = vmss.group(1)
        return any(name.startswith(f"aks-{p}-") or name == f"aks{p}" for p in live.pools)
    if at != live.first_subnet:
        return False
    if _ILB.search(rid):
        live.entry.data["internal_lbs"] += 1
        return True
    return bool(live.private and _API_NIC.search(rid))
