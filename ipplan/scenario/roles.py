"""Subnet roles: a node subnet or a pod subnet, never both; ``size: auto`` needs a user."""

from __future__ import annotations

from collections.abc import Sequence

from ipplan.errors import FieldPath, ScenarioError
from ipplan.rules import POD_SUBNET_NETWORKS, Network
from ipplan.scenario.format import ScenarioModel
from ipplan.scenario.pools import Warnings
from ipplan.scenario.types import ScenarioWarning

__all__ = ["check_subnet_roles"]

#: a subnet, by its VNet's name and its own
_Key = tuple[str, str]


def check_subnet_roles(
    model: ScenarioModel, compare: Sequence[Network], warnings: Warnings
) -> None:
    """Each subnet's users agree on its role.

    A pod subnet has users only under a pod-subnet model: the cluster's own, or one compared.
    """
    node_users: dict[_Key, FieldPath] = {}
    pod_users: dict[_Key, FieldPath] = {}
    idle_pod_subnets: set[_Key] = set()
    compared = any(network in POD_SUBNET_NETWORKS for network in compare)
    for i, cluster in enumerate(model.clusters):
        sized = compared or cluster.network in POD_SUBNET_NETWORKS
        for j, pool in enumerate(cluster.node_pools):
            where = FieldPath(("clusters", i, "node_pools", j))
            node_users.setdefault((cluster.vnet, pool.subnet), where)
            if pool.pod_subnet is not None:
                if sized:
                    pod_users.setdefault((cluster.vnet, pool.pod_subnet), where)
                else:
                    idle_pod_subnets.add((cluster.vnet, pool.pod_subnet))
    for i, cluster in enumerate(model.clusters):
        for j, pool in enumerate(cluster.node_pools):
            key = (cluster.vnet, pool.pod_subnet or "")
            if key in node_users:
                raise ScenarioError(
                    f"{pool.pod_subnet!r} is the node subnet of {node_users[key]}; "
                    "a pod subnet holds only pods, so give it a subnet of its own",
                    path=FieldPath(("clusters", i, "node_pools", j, "pod_subnet")),
                    value=repr(pool.pod_subnet),
                    refs=(node_users[key],),
                )
    _check_kubenet_sharing(model, warnings)
    for i, vnet in enumerate(model.vnets):
        for k, subnet in enumerate(vnet.subnets):
            key = (vnet.name, subnet.name)
            if subnet.size is None or subnet.kind is not None:
                continue  # a platform subnet is sized by its kind (rule A24)
            if key in node_users or key in pod_users:
                continue
            if key in idle_pod_subnets:
                raise ScenarioError(
                    f"'auto', but subnet {subnet.name!r} is only a pod_subnet of "
                    "clusters whose model takes no pod IPs from a subnet, and planning.compare "
                    "has no pod-subnet model, so nothing sizes it; give prefix or cidr, or "
                    "compare azure-cni-pod-subnet",
                    path=FieldPath(("vnets", i, "subnets", k, "size")),
                    value="'auto'",
                )
            raise ScenarioError(
                f"'auto', but no node pool uses subnet {subnet.name!r}, so there is "
                "nothing to size it from; give prefix or cidr, or point a pool at it",
                path=FieldPath(("vnets", i, "subnets", k, "size")),
                value="'auto'",
            )


def _check_kubenet_sharing(model: ScenarioModel, warnings: Warnings) -> None:
    """AKS advises one kubenet cluster per subnet (each has its own route table): a warning."""
    kubenet: dict[_Key, FieldPath] = {}
    for i, cluster in enumerate(model.clusters):
        if cluster.network != Network.KUBENET:
            continue
        here = FieldPath(("clusters", i))
        for subnet in dict.fromkeys(pool.subnet for pool in cluster.node_pools):
            key = (cluster.vnet, subnet)
            if key in kubenet and kubenet[key] != here:
                warnings.append(
                    ScenarioWarning(
                        f"kubenet cluster {cluster.name!r} shares subnet {subnet!r} with "
                        f"{kubenet[key]}; AKS advises one kubenet cluster per subnet",
                        here,
                    )
                )
            kubenet.setdefault(key, here)
