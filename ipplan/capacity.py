"""The AKS IP capacity model: what each network model consumes (stdlib only).

Every number here is a rule of ``aks-ip-rules.md`` Part A; the constants cite it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ipplan.errors import ScenarioError

__all__ = [
    "AZURE_RESERVED_IPS",
    "DEFAULT_MAX_PODS",
    "DEFAULT_SURGE",
    "Cluster",
    "Dataplane",
    "Growth",
    "Network",
    "NodePool",
    "OS",
    "Subnet",
    "Surge",
    "min_prefixlen",
    "parse_surge",
    "surge_nodes",
    "usable_ips",
]


class Network(StrEnum):
    """An AKS network model (the ``network`` field and ``--network`` option)."""

    KUBENET = "kubenet"
    AZURE_CNI = "azure-cni"
    OVERLAY = "azure-cni-overlay"
    POD_SUBNET = "azure-cni-pod-subnet"
    POD_SUBNET_STATIC = "azure-cni-pod-subnet-static"


class Dataplane(StrEnum):
    """The data plane: Cilium changes which combinations are valid, never the IP math."""

    AZURE = "azure"
    CILIUM = "cilium"


class OS(StrEnum):
    """A node pool's operating system."""

    LINUX = "linux"
    WINDOWS = "windows"


#: first four + last address of every Azure subnet (VFAQ; rules A, B§1)
AZURE_RESERVED_IPS = 5
#: smallest and largest Azure IPv4 subnet (rule A17)
SMALLEST_SUBNET_PREFIXLEN = 29
LARGEST_SUBNET_PREFIXLEN = 2

#: per-model max pods defaults (rule A2, IPP table)
DEFAULT_MAX_PODS: dict[Network, int] = {
    Network.KUBENET: 110,
    Network.AZURE_CNI: 30,
    Network.OVERLAY: 250,
    Network.POD_SUBNET: 110,
    Network.POD_SUBNET_STATIC: 110,
}


@dataclass(frozen=True)
class Surge:
    """A node pool's ``max_surge``: an integer node count or a percentage of the pool."""

    value: int
    percent: bool = False

    def __str__(self) -> str:
        return f"{self.value}%" if self.percent else str(self.value)


#: AKS's default for Kubernetes >= 1.32 (rule A1; CHG [2025-03-16], LRG)
DEFAULT_SURGE = Surge(10, percent=True)


def parse_surge(text: str | int) -> Surge:
    """Parse ``1`` or ``"33%"`` into a Surge.

    >>> parse_surge("33%")
    Surge(value=33, percent=True)

    Raises:
        ScenarioError: not a non-negative integer or percentage.
    """
    raw = str(text).strip()
    percent = raw.endswith("%")
    digits = raw[:-1].strip() if percent else raw
    if isinstance(text, bool) or not digits.isdigit():
        raise ScenarioError(
            f"{text!r} is not a surge: use a node count such as 1 or a percentage such as 33%"
        )
    return Surge(int(digits), percent)


def surge_nodes(nodes: int, surge: Surge) -> int:
    """Extra nodes during an upgrade: S = min(k, N), or min(ceil(N*q/100), N) (rule A1).

    >>> surge_nodes(8, Surge(10, percent=True))
    1
    """
    if surge.percent:
        return min(-(-nodes * surge.value // 100), nodes)
    return min(surge.value, nodes)


def usable_ips(prefixlen: int, bits: int = 32) -> int:
    """Addresses Azure lets you assign in a subnet of *prefixlen* (it reserves 5 per subnet).

    >>> usable_ips(24)
    251
    """
    return (1 << (bits - prefixlen)) - AZURE_RESERVED_IPS


def min_prefixlen(ips: int) -> int:
    """The longest IPv4 prefix (at most /29) whose usable addresses hold *ips* (rule A4).

    >>> min_prefixlen(1581), min_prefixlen(251), min_prefixlen(252)
    (21, 24, 23)
    """
    host_bits = max((ips + AZURE_RESERVED_IPS - 1).bit_length(), 32 - SMALLEST_SUBNET_PREFIXLEN)
    return 32 - host_bits


@dataclass(frozen=True)
class Growth:
    """How a node pool grows: linear (nodes per month) or compound (percent per month)."""

    nodes_per_month: float = 0.0
    percent_per_month: float = 0.0


@dataclass(frozen=True)
class NodePool:
    """One node pool, as the capacity model sees it.

    ``subnet`` and ``pod_subnet`` are keys into the subnets passed alongside: pools with the same
    key share a subnet. ``max_pods`` and ``pods_in_use`` of None mean the model's default.
    """

    name: str
    nodes: int
    subnet: str
    max_nodes: int | None = None
    max_pods: int | None = None
    pods_in_use: int | None = None
    max_surge: Surge = DEFAULT_SURGE
    os: OS = OS.LINUX
    pod_subnet: str | None = None
    growth: Growth | None = None


@dataclass(frozen=True)
class Cluster:
    """One AKS cluster, as the capacity model sees it (plain values, no netaddr)."""

    name: str
    network: Network
    node_pools: tuple[NodePool, ...]
    dataplane: Dataplane = Dataplane.AZURE
    pod_cidr_prefixlen: int | None = None  # kubenet/overlay; None means the default /16
    service_cidr_size: int = 2**16  # addresses in the service CIDR (default 10.0.0.0/16)
    private_cluster: bool = False
    internal_lbs: int = 0  # internal LB frontends, placed in the first pool's subnet
    private_endpoints: int = 0  # private endpoints placed in the first pool's subnet
    vnet: str = ""  # key of the VNet for the 65,536 private-IP limit


@dataclass(frozen=True)
class Subnet:
    """A subnet as the capacity model sees it: its size (None while unsized), IPs used by others."""

    name: str
    prefixlen: int | None = None
    other_ips: int = 0
