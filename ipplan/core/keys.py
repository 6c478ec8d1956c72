"""Typed keys and kinds the core hands between layers: never a ``"vnet/name"`` string to split.

A subnet is named only within its VNet, so its key is the pair; the enums name the small closed
sets the reports group and colour by.
"""

# annotations are evaluated (no __future__ import): NamedTuple compiles each string one
# as it builds the class (issue 11)
from enum import StrEnum
from typing import NamedTuple

__all__ = ["Origin", "ResourceKind", "Role", "Status", "SubnetKey"]


class SubnetKey(NamedTuple):
    """A subnet: its VNet and its name there.

    ``for_cluster`` marks the pod subnet a comparison gives a cluster whose pools name none (it
    has no size and is in no VNet's plan); such a key never equals a real subnet's, whatever the
    names.

    >>> str(SubnetKey("spoke", "aks-nodes")), str(SubnetKey("spoke", "pods", for_cluster="aks"))
    ('spoke/aks-nodes', "aks's pod subnet (none in the plan)")
    """

    vnet: str
    name: str
    for_cluster: str = ""

    def __str__(self) -> str:
        if self.for_cluster:
            return f"{self.for_cluster}'s pod subnet (none in the plan)"
        return f"{self.vnet}/{self.name}" if self.vnet else self.name


class Role(StrEnum):
    """What a subnet holds in the plan."""

    NODE = "node"
    POD = "pod"
    OTHER = "other"
    UNUSED = "unused"


class Origin(StrEnum):
    """Where a subnet's block comes from."""

    EXISTING = "existing"  # the scenario gives its cidr
    ALLOCATED = "allocated"  # the scenario asks for a prefix; ipplan places it
    SIZED = "sized"  # size: auto; ipplan sizes and places it
    FREE = "free"  # a free block of the address map, not a subnet


class Status(StrEnum):
    """A subnet's state at its peak."""

    OK = "ok"
    WARN = "warn"  # at or above planning.warn_at_pct
    FULL = "full"  # the peak needs more than its usable IPs
    UNUSED = "unused"


class ResourceKind(StrEnum):
    """Something that can run out (the forecast's resources), or bind room to grow."""

    NODE_SUBNET = "node-subnet"
    POD_SUBNET = "pod-subnet"
    POD_CIDR = "pod-cidr"
    VNET_IPS = "vnet-ips"
    KUBENET_ROUTES = "kubenet-routes"
    CLUSTER_NODES = "cluster-nodes"
    POOL_NODES = "pool-nodes"
    RETIREMENT = "retirement"  # the model's support ends (kubenet, rule A21)
