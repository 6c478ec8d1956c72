"""The validated scenario: frozen values the plan takes (no pydantic, no text)."""

# annotations are evaluated (no __future__ import): dataclasses matches each string one
# against ClassVar, InitVar and KW_ONLY as it builds the class (issue 11)
from dataclasses import dataclass, field

from netaddr import IPAddress, IPNetwork

from ipplan.core.capacity import NodePool
from ipplan.errors import ROOT, FieldPath
from ipplan.rules import (
    DEFAULT_POD_CIDR,
    DEFAULT_SERVICE_CIDR,
    DNS_OFFSET,
    POD_CIDR_NETWORKS,
    AppGatewaySku,
    Dataplane,
    Network,
    SubnetKind,
    Violation,
    with_rule,
)

__all__ = [
    "DEFAULT_START",
    "ClusterSpec",
    "ExternalRange",
    "Planning",
    "Scenario",
    "ScenarioWarning",
    "SubnetSpec",
    "VNet",
]

#: the first forecast month when the file has no ``planning`` block
DEFAULT_START = "2027-01"


@dataclass(frozen=True)
class Planning:
    """The ``planning`` block: forecast window, headroom and which models to compare."""

    start_year: int
    start_month: int  # 1..12: the first forecast month
    horizon_months: int = 36
    headroom_pct: int = 20
    warn_at_pct: int = 80
    compare: tuple[Network, ...] = tuple(Network)


@dataclass(frozen=True)
class SubnetSpec:
    """A subnet: existing (``cidr``), to allocate (``prefixlen``), or to size (``auto``)."""

    name: str
    cidr: IPNetwork | None = None
    prefixlen: int | None = None
    auto: bool = False
    used_ips: int = 0  # in use by things ipplan does not model
    kind: SubnetKind | None = None  # a platform subnet (rule A24)
    kind_ips: int = 0  # IPs its kind's own service takes (rule A24: instances, endpoints, pods)
    sku: AppGatewaySku = AppGatewaySku.V2  # application-gateway only


@dataclass(frozen=True)
class VNet:
    """A virtual network: one or more address prefixes and its subnets."""

    name: str
    address_space: tuple[IPNetwork, ...]
    subnets: tuple[SubnetSpec, ...] = ()


@dataclass(frozen=True)
class ExternalRange:
    """Ranges nothing may overlap: on-prem, peered VNets, partners."""

    name: str
    cidrs: tuple[IPNetwork, ...]


@dataclass(frozen=True)
class ClusterSpec:
    """A cluster as written in the scenario. Pools' subnet keys are subnet names in ``vnet``."""

    name: str
    vnet: str
    network: Network
    node_pools: tuple[NodePool, ...]
    dataplane: Dataplane = Dataplane.AZURE
    pod_cidr: IPNetwork | None = None  # kubenet/overlay; defaulted to 10.244.0.0/16 when needed
    service_cidr: IPNetwork = IPNetwork(DEFAULT_SERVICE_CIDR)
    dns_service_ip: IPAddress = IPNetwork(DEFAULT_SERVICE_CIDR).network + DNS_OFFSET
    private_cluster: bool = False
    internal_lbs: int = 0
    private_endpoints: int = 0
    internal_lb_subnet: str | None = None  # subnet names in ``vnet`` (rule A24)
    private_link_services: tuple[tuple[str, int], ...] = ()  # (subnet, NAT IPs) each
    api_server_subnet: str | None = None

    @property
    def pod_cidr_in_use(self) -> IPNetwork | None:
        """The pod CIDR the cluster has: as given, else AKS's default for a model that takes
        one (kubenet, overlay; rule A6); None for a model whose pods take none."""
        if self.pod_cidr is not None:
            return self.pod_cidr
        return IPNetwork(DEFAULT_POD_CIDR) if self.network in POD_CIDR_NETWORKS else None


class ScenarioWarning(str):
    """A warning of the scenario checks: the line ``{source}: {path}: {message}``, which also
    says where it is (*path*), what it says (*message*) and its *rule* ("" for advice that is no
    rule), so that ``compare`` can name the option instead of the field, as it does for errors.

    >>> w = ScenarioWarning("too small", FieldPath(["vnets", 0]), "A24").located("t.yaml")
    >>> w, w.path, w.rule
    ('t.yaml: vnets[0]: too small', ('vnets', 0), 'A24')
    """

    message: str
    path: FieldPath
    rule: str
    source: str

    def __new__(
        cls, message: str, path: FieldPath = ROOT, rule: str = "", source: str = ""
    ) -> "ScenarioWarning":
        self = super().__new__(cls, ": ".join(p for p in (source, str(path), message) if p))
        self.message, self.path, self.rule, self.source = message, path, rule, source
        return self

    @classmethod
    def of(cls, violation: Violation, path: FieldPath) -> "ScenarioWarning":
        """A rulebook warning at *path*, its rule id at the end: ``...; {fix} (rule A25)``."""
        return cls(with_rule(str(violation), violation.rule), path, violation.rule)

    def located(self, source: str) -> "ScenarioWarning":
        """The same warning, said to be in *source*."""
        return ScenarioWarning(self.message, self.path, self.rule, source)


@dataclass(frozen=True)
class Scenario:
    """A whole validated scenario file."""

    name: str
    source: str  # the file it came from, for messages
    planning: Planning
    vnets: tuple[VNet, ...]
    external: tuple[ExternalRange, ...] = ()
    clusters: tuple[ClusterSpec, ...] = ()
    warnings: tuple[ScenarioWarning, ...] = ()  # "{source}: {path}: ...", in file order
    # the file's SHA-256 (hex) when loaded from one: the pack's provenance, not part of what
    # the scenario says (a YAML file and its JSON twin are equal scenarios)
    sha256: str = field(default="", compare=False)
