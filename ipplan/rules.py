"""The rulebook: every AKS and Azure rule ipplan applies, each written once (stdlib only).

Each rule has one home here: its constant (with its source), its check and its message. Scenario
validation, ``compare``, ``sweep``, the forecast and the importer all use these; none keeps a copy.
Rule ids (A1, A2, ...) are those of the project's rules document, ``docs/rules.md``, where each
is stated with its source link.

A check returns :class:`Violation` values: the rule, the field it is about (relative to the pool
or cluster it was given), what is wrong with the numbers, and the fix. The caller adds where:
scenario validation a field path, the capacity model the cluster and network model.
"""

# annotations are evaluated (no __future__ import): dataclasses matches each string one
# against ClassVar, InitVar and KW_ONLY as it builds the class (issue 11)
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from ipplan.errors import ScenarioError

__all__ = [
    "AZURE_RESERVED_IPS",
    "DEFAULT_MAX_PODS",
    "DEFAULT_SURGE",
    "KIND_RULES",
    "OS",
    "AppGatewaySku",
    "Dataplane",
    "KindRule",
    "Mode",
    "Network",
    "Priority",
    "Severity",
    "SubnetKind",
    "Surge",
    "Upgrade",
    "Violation",
    "cluster_violations",
    "default_max_pods",
    "is_system_pool",
    "kind_for_delegation",
    "kind_for_name",
    "kind_ips",
    "kind_prefixlen",
    "parse_surge",
    "plural",
    "pool_violations",
    "subnet_kind_violations",
    "surge_nodes",
    "unused_setting_violations",
    "with_rule",
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


class Mode(StrEnum):
    """A node pool's mode, as AKS has it: system pools run system pods, user pools the workload."""

    SYSTEM = "system"
    USER = "user"


class Upgrade(StrEnum):
    """How a node pool is upgraded (rule A25): the peak each mode needs."""

    ROLLING = "rolling"  # surge nodes, per max_surge (rule A1)
    BLUE_GREEN = "blue-green"  # a second pool of N beside the first: 2N at the peak
    IN_PLACE = "in-place"  # maxUnavailable: no extra node


class Priority(StrEnum):
    """A node pool's VM priority, as AKS's ``scaleSetPriority`` has it."""

    REGULAR = "regular"
    SPOT = "spot"  # evictable: never surges, never the system pool (rule A25)


class Severity(StrEnum):
    """An error makes the plan infeasible under that model; a warning does not."""

    ERROR = "error"
    WARNING = "warning"


# --- Azure virtual network (rules A4, A15, A17; VFAQ, VLIM) ----------------------------------

#: first four + last address of every Azure subnet (rule A4; VFAQ)
AZURE_RESERVED_IPS = 5
#: smallest and largest Azure IPv4 subnet (rule A17; VFAQ)
SMALLEST_SUBNET_PREFIXLEN = 29
LARGEST_SUBNET_PREFIXLEN = 2
#: an IPv6 subnet is exactly a /64 (rule A17; VFAQ)
IPV6_SUBNET_PREFIXLEN = 64
#: private IPs in one VNet (rule A15; VLIM)
VNET_MAX_IPS = 65_536
#: AKS rejects VNet, pod and service ranges that overlap these (rule A13; CNI table)
FORBIDDEN_RANGES = {
    "169.254.0.0/16": "link-local",
    "172.30.0.0/16": "reserved by AKS",
    "172.31.0.0/16": "reserved by AKS",
    "192.0.2.0/24": "TEST-NET-1, reserved by AKS",
}
#: a VNet can't use these either (rule A13; VFAQ)
VNET_RESERVED_RANGES = {
    "224.0.0.0/4": "multicast",
    "255.255.255.255/32": "broadcast",
    "127.0.0.0/8": "loopback",
    "168.63.129.16/32": "Azure's host IP",
}

# --- pods and surge (rules A1, A2) -------------------------------------------------------------

#: per-model max pods defaults (rule A2; IPP table)
DEFAULT_MAX_PODS: dict[Network, int] = {
    Network.KUBENET: 110,
    Network.AZURE_CNI: 30,
    Network.OVERLAY: 250,
    Network.POD_SUBNET: 110,
    Network.POD_SUBNET_STATIC: 110,
}
#: max pods range and the 30-pods-per-pool minimum (rule A2; IPP)
MIN_MAX_PODS, MAX_MAX_PODS, MIN_PODS_PER_POOL = 10, 250, 30
#: Windows recommended max pods; above it is a warning (rule A2; QUO, OVL)
WINDOWS_MAX_PODS = 110
#: AKS's default surge for Kubernetes >= 1.32, as a percentage (rule A1; CHG [2025-03-16], LRG)
DEFAULT_SURGE_PCT = 10

# --- cluster limits (rules A7, A10, A16) -------------------------------------------------------

#: kubenet: one route per node in a route table of at most 400 routes (rule A7; KUB, VLIM)
KUBENET_MAX_NODES = 400
#: kubenet's retirement date (rules A7, A21; CNI table)
KUBENET_RETIREMENT = "2028-03-31"
#: nodes per cluster across all pools (rule A10; QUO)
CLUSTER_MAX_NODES = 5_000
#: nodes per pool, surge included during an upgrade (rule A10; QUO, UPG)
POOL_MAX_NODES = 1_000
#: node pools per cluster (rule A10; QUO)
CLUSTER_MAX_POOLS = 100
#: NodePort range 30000-32767 and Standard LB load-balanced Services (rule A16; QUO)
NODE_PORT_LIMIT = 2_768
LB_SERVICE_LIMIT = 300

# --- pod IPs (rules A6, A8, A9) ----------------------------------------------------------------

#: dynamic pod-subnet IP batches: B = 16, mf = 0.5 (rule A8; CNS, PSN)
POD_IP_BATCH = 16
#: a static block is a /28: 16 IPs; one IP per node is reserved (rule A9; SBA)
STATIC_BLOCK_IPS = 16
STATIC_MIN_PREFIXLEN, STATIC_MAX_PREFIXLEN = 12, 28
#: kubenet and overlay give every node one /24 from the pod CIDR (rule A6; KUB, OVL)
POD_CIDR_NODE_PREFIXLEN = 24
#: AKS's default pod CIDR for kubenet and overlay (rule A6; KUB, OVLH)
DEFAULT_POD_CIDR = "10.244.0.0/16"
DEFAULT_POD_CIDR_PREFIXLEN = 16
#: models whose pods take /24s of the cluster's pod CIDR (rule A6)
POD_CIDR_NETWORKS = frozenset({Network.KUBENET, Network.OVERLAY})
#: models whose pods take IPs from a pool's ``pod_subnet`` (rules A8, A9)
POD_SUBNET_NETWORKS = frozenset({Network.POD_SUBNET, Network.POD_SUBNET_STATIC})
#: models whose pods take no VNet IPs (a pod CIDR instead), so moving to overlay frees none
NO_POD_VNET_IPS = POD_CIDR_NETWORKS

# --- services and the API server (rules A11, A12; Part B §5) ---------------------------------

#: AKS's default service CIDR (rule A11; KUB)
DEFAULT_SERVICE_CIDR = "10.0.0.0/16"
#: smallest IPv4 / IPv6 service CIDR prefix length AKS accepts (rule A11; IPP, DS)
SERVICE_MIN_PREFIXLEN = {4: 12, 6: 108}
#: service CIDR: network, broadcast, the kubernetes Service (.1) and DNS take 4 (rule A11)
SERVICE_CIDR_RESERVED = 4
#: the DNS service IP defaults to this offset in the service CIDR, the ".10" (rule A12; KUB)
DNS_OFFSET = 10
#: API server VNet integration reserves at least nine IPs in its delegated subnet (APIV)
API_SERVER_SUBNET_IPS = 9

# --- platform subnets (rule A24; each figure from its Microsoft Learn page, in docs/rules.md) --


class SubnetKind(StrEnum):
    """What a platform subnet is for (rule A24): its ``kind``."""

    AZURE_FIREWALL = "azure-firewall"
    AZURE_FIREWALL_MANAGEMENT = "azure-firewall-management"
    BASTION = "bastion"
    VPN_GATEWAY = "vpn-gateway"
    EXPRESSROUTE_GATEWAY = "expressroute-gateway"
    ROUTE_SERVER = "route-server"
    APPLICATION_GATEWAY = "application-gateway"
    APP_GATEWAY_FOR_CONTAINERS = "app-gateway-for-containers"
    API_SERVER = "api-server"
    PRIVATE_ENDPOINTS = "private-endpoints"
    ACI = "aci"


class AppGatewaySku(StrEnum):
    """Application Gateway's generation: v2 scales to 125 instances, v1 to 32 (AGW)."""

    V2 = "v2"
    V1 = "v1"


@dataclass(frozen=True)
class KindRule:
    """One row of rule A24's table."""

    name: str | None  # the name Azure requires, if any
    min_prefixlen: int  # below it (a shorter-lived, smaller subnet): an error
    recommended_prefixlen: int | None  # below it: a warning; None: no recommendation
    delegation: str | None  # the service the subnet is delegated to; the kind implies it
    consumes: str  # what takes its IPs, in words


#: rule A24's table. Firewall FAQ "why /26"; Firewall management NIC /26; Bastion configuration
#: settings /26; VPN Gateway settings and the ExpressRoute gateway tutorial: GatewaySubnet /27 or
#: larger (/29 for the Basic VPN SKU only: the page differs from the spec, see docs/rules.md);
#: Route Server quickstart (2025-02) /26; Application Gateway infrastructure configuration (AGW);
#: AGC quickstart (250 free IPs, delegated); API Server VNet Integration (APIV) /28, delegated;
#: virtual nodes (VN): delegated to ACI. Azure's smallest subnet, /29, is the floor (rule A17).
KIND_RULES: dict[SubnetKind, KindRule] = {
    SubnetKind.AZURE_FIREWALL: KindRule("AzureFirewallSubnet", 26, 26, None, "firewall instances"),
    SubnetKind.AZURE_FIREWALL_MANAGEMENT: KindRule(
        "AzureFirewallManagementSubnet", 26, 26, None, "the firewall's management NICs"
    ),
    SubnetKind.BASTION: KindRule("AzureBastionSubnet", 26, 26, None, "Bastion's instances"),
    SubnetKind.VPN_GATEWAY: KindRule("GatewaySubnet", 27, 27, None, "the gateways' instances"),
    SubnetKind.EXPRESSROUTE_GATEWAY: KindRule(
        "GatewaySubnet", 27, 27, None, "the gateways' instances"
    ),
    SubnetKind.ROUTE_SERVER: KindRule("RouteServerSubnet", 26, 26, None, "Route Server"),
    SubnetKind.APPLICATION_GATEWAY: KindRule(
        None, SMALLEST_SUBNET_PREFIXLEN, 24, None, "1 IP per instance + 1 per private frontend"
    ),
    SubnetKind.APP_GATEWAY_FOR_CONTAINERS: KindRule(
        None, 24, 24, "Microsoft.ServiceNetworking/trafficControllers", "at least 250 free IPs"
    ),
    SubnetKind.API_SERVER: KindRule(
        None, 28, 28, "Microsoft.ContainerService/managedClusters", "9 IPs per cluster using it"
    ),
    SubnetKind.PRIVATE_ENDPOINTS: KindRule(
        None, SMALLEST_SUBNET_PREFIXLEN, None, None, "1 IP per private endpoint"
    ),
    SubnetKind.ACI: KindRule(
        None,
        SMALLEST_SUBNET_PREFIXLEN,
        None,
        "Microsoft.ContainerInstance/containerGroups",
        "1 IP per virtual-node pod",
    ),
}
#: the kinds whose subnet a VPN and an ExpressRoute gateway share, one per VNet
GATEWAY_KINDS = frozenset({SubnetKind.VPN_GATEWAY, SubnetKind.EXPRESSROUTE_GATEWAY})
#: Application Gateway: instances per SKU, and the prefix recommended for it (AGW)
APP_GATEWAY_MAX_INSTANCES = {AppGatewaySku.V2: 125, AppGatewaySku.V1: 32}
APP_GATEWAY_RECOMMENDED_PREFIXLEN = {AppGatewaySku.V2: 24, AppGatewaySku.V1: 26}
#: Application Gateway for Containers needs this many free IPs in its subnet (AGC quickstart)
APP_GATEWAY_FOR_CONTAINERS_IPS = 250
#: kinds whose service reserves its IPs up front (AGC's 250, the API server's 9 per cluster):
#: a subnet holding just that is as planned, so the warn level does not apply to it
RESERVING_KINDS = frozenset({SubnetKind.APP_GATEWAY_FOR_CONTAINERS, SubnetKind.API_SERVER})
#: NAT IPs a Private Link Service takes from its subnet (rule A24; ILB)
PLS_MIN_NAT_IPS, PLS_MAX_NAT_IPS, PLS_DEFAULT_NAT_IPS = 1, 8, 1


def kind_for_name(name: str) -> SubnetKind | None:
    """The kind whose required name *name* is (GatewaySubnet: the VPN gateway's), or None.

    >>> kind_for_name("AzureBastionSubnet"), kind_for_name("aks-nodes")
    (<SubnetKind.BASTION: 'bastion'>, None)
    """
    return next((k for k, rule in KIND_RULES.items() if rule.name == name), None)


def kind_for_delegation(service: str) -> SubnetKind | None:
    """The kind a subnet delegated to *service* is (rule A24: the kind implies the delegation).

    >>> kind_for_delegation("Microsoft.ContainerService/managedClusters")
    <SubnetKind.API_SERVER: 'api-server'>
    """
    wanted = service.lower()
    return next(
        (k for k, r in KIND_RULES.items() if r.delegation and r.delegation.lower() == wanted),
        None,
    )


def kind_prefixlen(kind: SubnetKind, sku: AppGatewaySku = AppGatewaySku.V2) -> int | None:
    """The prefix recommended for *kind* (Application Gateway: per SKU), or None.

    >>> kind_prefixlen(SubnetKind.APPLICATION_GATEWAY), kind_prefixlen(SubnetKind.BASTION)
    (24, 26)
    """
    if kind is SubnetKind.APPLICATION_GATEWAY:
        return APP_GATEWAY_RECOMMENDED_PREFIXLEN[sku]
    return KIND_RULES[kind].recommended_prefixlen


def kind_ips(
    kind: SubnetKind,
    *,
    instances: int | None = None,
    sku: AppGatewaySku = AppGatewaySku.V2,
    private_frontend: bool = False,
    endpoints: int = 0,
    pods: int = 0,
) -> int:
    """IPs the kind's own service takes in its subnet (rule A24); API server clusters and
    Private Link Services are counted from the clusters that use them.

    >>> kind_ips(SubnetKind.APPLICATION_GATEWAY, instances=27, private_frontend=True)
    28
    >>> kind_ips(SubnetKind.APPLICATION_GATEWAY), kind_ips(SubnetKind.APP_GATEWAY_FOR_CONTAINERS)
    (125, 250)
    """
    match kind:
        case SubnetKind.APPLICATION_GATEWAY:
            count = APP_GATEWAY_MAX_INSTANCES[sku] if instances is None else instances
            return count + int(private_frontend)
        case SubnetKind.APP_GATEWAY_FOR_CONTAINERS:
            return APP_GATEWAY_FOR_CONTAINERS_IPS
        case SubnetKind.PRIVATE_ENDPOINTS:
            return endpoints
        case SubnetKind.ACI:
            return pods
        case _:
            return 0  # opaque: the service's instances are not listed; used_ips says them


def subnet_kind_violations(
    name: str,
    kind: SubnetKind | None,
    *,
    prefixlen: int | None,
    existing: bool,
    sku: AppGatewaySku = AppGatewaySku.V2,
) -> "list[Violation]":
    """Rule A24 for one subnet: its required name, minimum and recommended prefix.

    Args:
        name: the subnet's name; *kind* its kind (None: a subnet with a reserved name is warned).
        prefixlen: its prefix (None while ipplan sizes it); *existing*: it is deployed (a
            GatewaySubnet below /27 then warns: Azure cannot resize a subnet in use, rule A22).
    """
    out: list[Violation] = []
    if kind is None:
        named = kind_for_name(name)
        if named is not None:
            out.append(
                Violation(
                    "A24",
                    "name",
                    f"subnet {name!r} has Azure's reserved name for kind {named} but no kind",
                    f"set kind: {named}",
                    Severity.WARNING,
                )
            )
        return out
    rule = KIND_RULES[kind]
    if rule.name is not None and name != rule.name:
        out.append(
            Violation(
                "A24",
                "name",
                f"subnet {name!r} is of kind {kind}, which Azure requires to be named {rule.name}",
                f"rename it {rule.name}",
            )
        )
    elif rule.name is None and kind_for_name(name) is not None:
        out.append(
            Violation(
                "A24",
                "name",
                f"subnet {name!r} is of kind {kind}, but {name} is Azure's reserved name for "
                f"kind {kind_for_name(name)}",
                "give it another name",
            )
        )
    if prefixlen is None:
        return out
    recommended = kind_prefixlen(kind, sku)
    if prefixlen > rule.min_prefixlen:
        soft = existing and kind in GATEWAY_KINDS
        out.append(
            Violation(
                "A24",
                "",
                f"subnet {name!r} is a /{prefixlen}; kind {kind} needs a /{rule.min_prefixlen} "
                "or larger"
                + (
                    " (a deployed Basic VPN gateway may keep a /29; Azure cannot resize it)"
                    if soft
                    else ""
                ),
                f"use a /{rule.min_prefixlen}"
                if not soft
                else f"plan a new /{rule.min_prefixlen} GatewaySubnet before a non-Basic gateway",
                Severity.WARNING if soft else Severity.ERROR,
            )
        )
    elif recommended is not None and prefixlen > recommended:
        sku_words = f" {sku}" if kind is SubnetKind.APPLICATION_GATEWAY else ""
        out.append(
            Violation(
                "A24",
                "",
                f"subnet {name!r} is a /{prefixlen}, below the /{recommended} recommended for "
                f"kind {kind}{sku_words}",
                f"use a /{recommended} or size: auto",
                Severity.WARNING,
            )
        )
    return out


@dataclass(frozen=True)
class Surge:
    """A node pool's ``max_surge``: an integer node count or a percentage of the pool."""

    value: int
    percent: bool = False

    def __str__(self) -> str:
        return f"{self.value}%" if self.percent else str(self.value)


DEFAULT_SURGE = Surge(DEFAULT_SURGE_PCT, percent=True)


#: most digits in a surge: S = min(k, N), so any k above AKS's node limits means the same
MAX_SURGE_DIGITS = 18


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
    shown = repr(text) if len(str(text)) <= 40 else repr(str(text)[:37]) + "..."
    # str.isdigit() is also true for '²' and '٣', which int() rejects or reads as 3: ASCII only
    if isinstance(text, bool) or not (digits.isascii() and digits.isdigit()):
        raise ScenarioError(
            f"{shown} is not a surge: use a node count such as 1 or a percentage such as 33%"
        )
    if len(digits) > MAX_SURGE_DIGITS:  # int() refuses 4,300 digits; min(k, N) needs no more
        raise ScenarioError(
            f"{shown} has {len(digits):,} digits, above {MAX_SURGE_DIGITS}: a surge above the "
            "pool's node count adds the node count, so use 100% or a count such as 1000"
        )
    return Surge(int(digits), percent)


def surge_nodes(
    nodes: int,
    surge: Surge,
    upgrade: Upgrade = Upgrade.ROLLING,
    priority: Priority = Priority.REGULAR,
) -> int:
    """S, the extra nodes a pool of *nodes* needs at its upgrade peak (rules A1, A25).

    Rolling: min(k, N) for an integer, min(ceil(N*q/100), N) for a percentage; blue-green: N
    (a second pool beside the first); in-place: 0; a spot pool never surges: 0.

    >>> surge_nodes(8, Surge(10, percent=True)), surge_nodes(20, Surge(1), Upgrade.BLUE_GREEN)
    (1, 20)
    >>> spot = Priority.SPOT
    >>> surge_nodes(20, Surge(5), priority=spot), surge_nodes(20, Surge(5), Upgrade.IN_PLACE)
    (0, 0)
    """
    if priority is Priority.SPOT or upgrade is Upgrade.IN_PLACE:
        return 0
    if upgrade is Upgrade.BLUE_GREEN:
        return nodes
    if surge.percent:
        return min(-(-nodes * surge.value // 100), nodes)
    return min(surge.value, nodes)


def is_system_pool(modes: Sequence[Mode | None], index: int) -> bool:
    """Whether pool *index* of a cluster whose pools say *modes* is a system pool: one that says
    ``mode: system``, or, when no pool says its mode, the first (AKS's default pool; rule A18).

    >>> is_system_pool([None, None], 0), is_system_pool([None, Mode.SYSTEM], 0)
    (True, False)
    """
    if any(mode is not None for mode in modes):
        return modes[index] is Mode.SYSTEM
    return index == 0


def default_max_pods(network: Network, os: OS = OS.LINUX) -> int:
    """The max pods a pool gets when it sets none: the model's default, and for Windows at most
    the 110 recommended, so that a default never raises a warning (rules A2, A19).

    >>> default_max_pods(Network.OVERLAY), default_max_pods(Network.OVERLAY, OS.WINDOWS)
    (250, 110)
    """
    pods = DEFAULT_MAX_PODS[network]
    return min(pods, WINDOWS_MAX_PODS) if os is OS.WINDOWS else pods


@dataclass(frozen=True)
class Violation:
    """A broken rule, without its location: the caller says where (a field path, a cluster)."""

    rule: str  # the rule id in docs/rules.md, e.g. "A7"
    field: str  # the field it is about, relative to what was checked ("max_pods"; "" for all)
    message: str  # what is wrong, with the numbers
    fix: str  # what to change
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        return f"{self.message}; {self.fix}"


def with_rule(text: str, rule: str) -> str:
    """*text* ending with the id of the rule it is about, as ipplan's lines cite one (every id
    resolves in docs/rules.md, rule A26).

    >>> with_rule("kubenet retires on 2028-03-31; plan the move to azure-cni-overlay", "A21")
    'kubenet retires on 2028-03-31; plan the move to azure-cni-overlay (rule A21)'
    """
    return f"{text} (rule {rule})"


def plural(count: int, noun: str) -> str:
    """``1 node``, ``3,000 nodes``: a count and its noun, for messages.

    >>> plural(1, "node"), plural(3000, "node")
    ('1 node', '3,000 nodes')
    """
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def pool_violations(
    who: str,
    *,
    network: Network,
    dataplane: Dataplane,
    os: OS,
    nodes: int,
    max_nodes: int | None,
    max_pods: int,
    max_pods_given: bool,
    pods_in_use: int | None,
    surge_nodes: int,
    surge: str,
    upgrade: Upgrade = Upgrade.ROLLING,
    priority: Priority = Priority.REGULAR,
    system: bool = False,
    surge_given: bool = False,
) -> list[Violation]:
    """The AKS rules one node pool must keep under *network* (rules A2, A7, A10, A23, A25).

    Args:
        who: how messages name the pool, e.g. ``pool 'user'``.
        max_pods: P as the pool will run it (its own or the default).
        max_pods_given: whether the pool set max_pods itself (the fix names the field it set).
        surge_nodes: S for the planning node count; *surge* is the max_surge as written.
        system: the pool is a system pool (:func:`is_system_pool`); *surge_given*: the pool
            set max_surge itself.
    """
    out: list[Violation] = []
    planning = nodes if max_nodes is None else max_nodes
    default = f"{network}'s default" + (" for Windows" if os is OS.WINDOWS else "")
    pods = f"max_pods of {max_pods}" if max_pods_given else f"max_pods of {max_pods} ({default})"
    if nodes == 0 and max_nodes is None:
        out.append(
            Violation(
                "A10",
                "nodes",
                f"{who} has 0 nodes and no max_nodes",
                "0 nodes is allowed only for an autoscaler pool: set max_nodes, or give 1 or more",
            )
        )
    if max_nodes is not None and max_nodes < nodes:
        out.append(
            Violation(
                "A10",
                "max_nodes",
                f"{who}: max_nodes {max_nodes:,} is below nodes ({nodes:,})",
                "the autoscaler's maximum must be at least the current node count",
            )
        )
    if not MIN_MAX_PODS <= max_pods <= MAX_MAX_PODS:
        out.append(
            Violation(
                "A2",
                "max_pods",
                f"{who}: max pods {max_pods} is outside AKS's range {MIN_MAX_PODS}..{MAX_MAX_PODS}",
                f"use max pods between {MIN_MAX_PODS} and {MAX_MAX_PODS}",
            )
        )
    elif nodes > 0 and max_pods * nodes < MIN_PODS_PER_POOL:
        # a pool scaled to zero (an autoscaler user pool) runs no pods to count
        least = -(-MIN_PODS_PER_POOL // max_pods)
        out.append(
            Violation(
                "A2",
                "max_pods" if max_pods_given else "nodes",
                f"{who}: {max_pods} max pods x {plural(nodes, 'node')} = {max_pods * nodes} "
                f"pods, below AKS's minimum of {MIN_PODS_PER_POOL} per pool",
                f"use {least} or more nodes, or raise max_pods",
            )
        )
    if pods_in_use is not None and pods_in_use > max_pods:
        out.append(
            Violation(
                "A8",
                "pods_in_use",
                f"{who}: pods in use {pods_in_use} is above the pool's {pods}",
                "pods in use per node cannot exceed max pods",
            )
        )
    if priority is Priority.SPOT and system:
        out.append(
            Violation(
                "A25",
                "priority",
                f"{who} is a system pool and spot; AKS runs a system pool on regular VMs only",
                "set priority: regular, or mode: user with a regular system pool beside it",
            )
        )
    if priority is Priority.SPOT and surge_given:
        out.append(
            Violation(
                "A25",
                "max_surge",
                f"{who} is a spot pool, which never surges: max_surge {surge} is ignored",
                "remove max_surge from the spot pool",
                Severity.WARNING,
            )
        )
    elif surge_given and (
        upgrade is Upgrade.BLUE_GREEN or (upgrade is Upgrade.IN_PLACE and surge not in ("0", "0%"))
    ):
        # the mode sets S (N, or 0), as AKS's blue-green and maxUnavailable upgrades do; an
        # in-place pool that says max_surge 0 says what in-place means
        adds = "doubles its nodes at the peak" if upgrade is Upgrade.BLUE_GREEN else "adds no node"
        out.append(
            Violation(
                "A25",
                "max_surge",
                f"{who} upgrades {upgrade}, which {adds}: max_surge {surge} is ignored",
                "remove max_surge, or upgrade the pool rolling",
                Severity.WARNING,
            )
        )
    if planning + surge_nodes > POOL_MAX_NODES:
        blue_green = upgrade is Upgrade.BLUE_GREEN
        out.append(
            Violation(
                "A10",
                "upgrade" if blue_green else "max_surge",
                f"{who}: {planning:,} nodes + {plural(surge_nodes, 'surge node')} "
                f"({'blue-green' if blue_green else surge}) = "
                f"{planning + surge_nodes:,} during an upgrade, above AKS's limit of "
                f"{POOL_MAX_NODES:,} per pool",
                "upgrade it rolling or in-place, or split the pool"
                if blue_green
                else "lower max_surge or the node count, or split the pool",
            )
        )
    if os is OS.WINDOWS:
        if network is Network.KUBENET:
            out.append(
                Violation(
                    "A7",
                    "os",
                    f"{who} runs Windows, which kubenet does not support",
                    "use azure-cni-overlay",
                )
            )
        elif dataplane is Dataplane.CILIUM:
            out.append(
                Violation(
                    "A7",
                    "os",
                    f"{who} runs Windows, which the Cilium dataplane does not support (Linux only)",
                    "use a Linux pool, or dataplane azure",
                )
            )
        if max_pods > WINDOWS_MAX_PODS:
            out.append(
                Violation(
                    "A2",
                    "max_pods",
                    f"{who}: Windows with {pods}, above the {WINDOWS_MAX_PODS} recommended",
                    f"set max_pods: {WINDOWS_MAX_PODS}",
                    Severity.WARNING,
                )
            )
    return out


#: settings only some models use (rules A6, A8): the field, its rule and the models that use it
_USED_BY: dict[str, tuple[str, frozenset[Network]]] = {
    "pod_cidr": ("A6", POD_CIDR_NETWORKS),
    "pods_in_use": ("A8", frozenset({Network.POD_SUBNET})),
    "pod_subnet": ("A8", POD_SUBNET_NETWORKS),  # dynamic (A8) and static (A9)
}


def unused_setting_violations(
    who: str, given: Mapping[str, object], models: Collection[Network]
) -> list[Violation]:
    """Rules A6, A8: a setting *given* (field: value) that none of *models* (the model planned
    and those compared) uses is ignored, with a warning.

    >>> [v.field for v in unused_setting_violations("pool 'p'", {"pods_in_use": 20},
    ...                                              [Network.OVERLAY, Network.POD_SUBNET])]
    []
    >>> print(unused_setting_violations("pool 'p'", {"pods_in_use": 20}, [Network.OVERLAY])[0])
    pool 'p': pods_in_use 20 counts only under azure-cni-pod-subnet, which is neither planned \
nor compared: it is ignored; remove pods_in_use, or compare azure-cni-pod-subnet
    """
    out: list[Violation] = []
    for name, value in given.items():
        rule, users = _USED_BY[name]
        if value is None or users & set(models):
            continue
        ordered = [str(n) for n in Network if n in users]  # in the order of the models' table
        verb = "is" if len(ordered) == 1 else "are"
        out.append(
            Violation(
                rule,
                name,
                f"{who}: {name} {value} counts only under {' and '.join(ordered)}, which "
                f"{verb} neither planned nor compared: it is ignored",
                f"remove {name}, or compare {' or '.join(ordered)}",
                Severity.WARNING,
            )
        )
    return out


def cluster_violations(
    who: str,
    *,
    network: Network,
    dataplane: Dataplane,
    pools: int,
    planning_nodes: int,
    peak_nodes: int,
    internal_lbs: int,
) -> list[Violation]:
    """The AKS rules a whole cluster must keep under *network* (rules A7, A10, A16, A21).

    Args:
        who: how messages name the cluster, e.g. ``prod-aks``.
        planning_nodes: sum of N over its pools; *peak_nodes* sum of M (surge included).
    """
    out: list[Violation] = []
    if pools > CLUSTER_MAX_POOLS:
        out.append(
            Violation(
                "A10",
                "node_pools",
                f"{who} has {pools} node pools, above AKS's limit of {CLUSTER_MAX_POOLS}",
                "merge pools or split the cluster",
            )
        )
    if planning_nodes > CLUSTER_MAX_NODES:
        out.append(
            Violation(
                "A10",
                "node_pools",
                f"{who} plans {planning_nodes:,} nodes (max_nodes where set), above AKS's limit "
                f"of {CLUSTER_MAX_NODES:,} per cluster",
                "split the workload across clusters",
            )
        )
    if network is Network.KUBENET:
        if dataplane is Dataplane.CILIUM:
            out.append(
                Violation(
                    "A7",
                    "dataplane",
                    f"{who}: kubenet cannot run the Cilium dataplane",
                    "use network azure-cni-overlay with cilium, or dataplane azure",
                )
            )
        if peak_nodes > KUBENET_MAX_NODES:
            out.append(
                Violation(
                    "A7",
                    "node_pools",
                    f"{who}: {peak_nodes:,} peak nodes exceed kubenet's "
                    f"{KUBENET_MAX_NODES}-route limit",
                    "use azure-cni-overlay or fewer nodes",
                )
            )
        out.append(
            Violation(
                "A21",
                "network",
                f"{who}: kubenet retires on {KUBENET_RETIREMENT}",
                "plan the move to azure-cni-overlay",
                Severity.WARNING,
            )
        )
    if internal_lbs > LB_SERVICE_LIMIT:
        out.append(
            Violation(
                "A16",
                "internal_lbs",
                f"{who}: {internal_lbs} load-balanced Services exceed the Standard LB limit of "
                f"{LB_SERVICE_LIMIT}",
                "share load balancers via ingress",
                Severity.WARNING,
            )
        )
    return out
