"""The scenario format: pydantic models, the single definition of what a file may say.

``ipplan schema`` prints their JSON Schema (with the field docstrings as descriptions); the checks
in this package turn a validated model into the frozen values of ``types``.

The annotations are evaluated as the classes are defined (no ``from __future__ import
annotations``): pydantic then reads the types themselves instead of evaluating some 160 strings
at every start, about a fifth of building the models (issue 11).
"""

import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
)

from ipplan.errors import ScenarioError
from ipplan.rules import (
    CLUSTER_MAX_POOLS,
    DEFAULT_SERVICE_CIDR,
    DEFAULT_SURGE,
    LARGEST_SUBNET_PREFIXLEN,
    MAX_MAX_PODS,
    MIN_MAX_PODS,
    OS,
    PLS_DEFAULT_NAT_IPS,
    PLS_MAX_NAT_IPS,
    PLS_MIN_NAT_IPS,
    POOL_MAX_NODES,
    SMALLEST_SUBNET_PREFIXLEN,
    VNET_MAX_IPS,
    AppGatewaySku,
    Dataplane,
    Mode,
    Network,
    Priority,
    SubnetKind,
    Upgrade,
    parse_surge,
)
from ipplan.scenario.bounds import MAX_NODES_PER_MONTH, MAX_PERCENT_PER_MONTH
from ipplan.scenario.show import show
from ipplan.scenario.types import Planning

__all__ = [
    "ClusterModel",
    "ExternalModel",
    "GrowthModel",
    "NodePoolModel",
    "PlanningModel",
    "PrivateLinkServiceModel",
    "ScenarioModel",
    "SubnetModel",
    "VNetModel",
    "scenario_schema",
]


def _check_surge(value: object) -> object:
    """Accept what parse_surge accepts; say what is wrong in the scenario's words otherwise."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(
            f"{show(value)} is not a surge; use a node count such as 1 or a percentage such as 33%"
        )
    if isinstance(value, str) and value.strip().isdigit() and len(value) <= 40:
        raise ValueError(
            f"{value!r} is not a surge; write {value.strip()} without quotes for a node count, "
            f"or {value.strip()}% for a percentage"
        )
    try:
        surge = parse_surge(value)
    except ScenarioError as err:
        raise ValueError(str(err).replace(": use", "; use")) from None
    if isinstance(value, str) and not re.fullmatch(r"[0-9]+%", value):
        # parse_surge forgives spaces; the format does not, and pydantic would blame a union branch
        raise ValueError(f"{show(value)} is not a surge; write {surge} (no spaces)")
    return value


def _empty_list() -> list[Any]:
    """A new empty list, the default of a list field.

    Not ``default_factory=list``: pydantic asks each factory for its signature, and a builtin's
    signature is parsed from its text through the tokenizer, whose patterns then compile (about
    2% of ``ipplan compare``, issue 11).
    """
    return []


# names and CIDRs are quoted in messages: their bounds keep every message one readable line
# (Azure names are at most 80 characters; the longest IPv6 CIDR, 43)
_Name = Annotated[StrictStr, Field(min_length=1, max_length=128)]
_Cidr = Annotated[StrictStr, Field(min_length=1, max_length=64, examples=["10.20.0.0/16"])]
_Count = Annotated[StrictInt, Field(ge=0)]
_Rate = Annotated[float, Field(strict=True, ge=0, allow_inf_nan=False)]


class _Model(BaseModel):
    # the attribute docstrings are the fields' descriptions in ``ipplan schema``; pydantic's
    # use_attribute_docstrings would read and parse this file's source on every start (about a
    # tenth of ``ipplan compare``), so scenario_schema() adds them when a schema is asked for
    model_config = ConfigDict(extra="forbid")


class PlanningModel(_Model):
    """Forecast window, headroom, and the network models to compare."""

    start: Annotated[StrictStr, Field(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$", examples=["2027-01"])]
    """First forecast month, YYYY-MM."""
    horizon_months: Annotated[StrictInt, Field(ge=1, le=120)] = Planning.horizon_months
    """Months to forecast."""
    headroom_pct: Annotated[StrictInt, Field(ge=0, le=500)] = Planning.headroom_pct
    """Extra room, in percent, when ipplan sizes a subnet itself (size: auto)."""
    warn_at_pct: Annotated[StrictInt, Field(ge=1, le=100)] = Planning.warn_at_pct
    """Utilization, in percent, at which a subnet is flagged."""
    compare: list[Network] = Field(default_factory=lambda: list(Network), min_length=1)
    """Network models to compute side by side (default: all five)."""


class SubnetModel(_Model):
    """A subnet: give exactly one of cidr (it exists), prefix (ipplan allocates) or size: auto."""

    name: _Name
    cidr: _Cidr | None = None
    """An existing subnet, such as 10.20.0.0/27."""
    prefix: (
        Annotated[StrictInt, Field(ge=LARGEST_SUBNET_PREFIXLEN, le=SMALLEST_SUBNET_PREFIXLEN)]
        | None
    ) = None
    """Prefix length for ipplan to allocate in the VNet, such as 22."""
    size: Literal["auto"] | None = None
    """auto: sized for its node pools' peak at the horizon's end plus headroom, then allocated."""
    used_ips: Annotated[_Count, Field(le=1 << (32 - LARGEST_SUBNET_PREFIXLEN))] = 0
    """IPs in use by things ipplan does not model (VMs, gateways, endpoints)."""
    kind: SubnetKind | None = None
    """A platform subnet (rule A24): its required name, minimum and recommended prefix are
    checked, and size: auto gives its recommended prefix."""
    instances: Annotated[StrictInt, Field(ge=1, le=125)] | None = None
    """application-gateway: its instances (default: the SKU's maximum, v2 125, v1 32)."""
    sku: AppGatewaySku | None = None
    """application-gateway: v2 (default) or v1."""
    private_frontend: StrictBool | None = None
    """application-gateway: it has a private frontend IP (1 more IP)."""
    # one IP each, so at most what a VNet holds (rule A15), as a cluster's private_endpoints
    endpoints: Annotated[_Count, Field(le=VNET_MAX_IPS)] | None = None
    """private-endpoints: private endpoints in the subnet (1 IP each)."""
    pods: Annotated[_Count, Field(le=VNET_MAX_IPS)] | None = None
    """aci: virtual-node pods (1 IP each)."""


class VNetModel(_Model):
    """A virtual network."""

    name: _Name
    address_space: list[_Cidr] = Field(min_length=1)
    """One or more prefixes, such as [10.20.0.0/16]."""
    subnets: list[SubnetModel] = Field(default_factory=_empty_list)


class ExternalModel(_Model):
    """Ranges nothing in the scenario may overlap: on-prem, peered VNets, partners."""

    name: _Name
    cidrs: list[_Cidr] = Field(min_length=1)


class GrowthModel(_Model):
    """How a node pool grows: give exactly one of nodes_per_month or percent_per_month."""

    nodes_per_month: Annotated[_Rate, Field(le=MAX_NODES_PER_MONTH)] | None = None
    """Linear growth: nodes added each month."""
    percent_per_month: Annotated[_Rate, Field(le=MAX_PERCENT_PER_MONTH)] | None = None
    """Compound growth: percent added each month. Either rate may take the scenario to at most
    1,000,000 planning nodes at the horizon's end, all pools together (200 x AKS's limit)."""


class NodePoolModel(_Model):
    """A node pool."""

    name: _Name
    subnet: _Name
    """Name of the node subnet, in the cluster's VNet."""
    pod_subnet: _Name | None = None
    """Name of the pod subnet (azure-cni-pod-subnet and -static), in the cluster's VNet."""
    os: OS = OS.LINUX
    mode: Mode | None = None
    """system or user, as in AKS (default: the first pool is the system pool)."""
    nodes: Annotated[StrictInt, Field(ge=0, le=POOL_MAX_NODES)]
    """Nodes now; 0 only for an autoscaler pool (max_nodes set)."""
    max_nodes: Annotated[StrictInt, Field(ge=1, le=POOL_MAX_NODES)] | None = None
    """The autoscaler's maximum; capacity is planned for it."""
    max_pods: Annotated[StrictInt, Field(ge=MIN_MAX_PODS, le=MAX_MAX_PODS)] | None = None
    """Max pods per node (default: the network model's default)."""
    pods_in_use: Annotated[StrictInt, Field(ge=0, le=MAX_MAX_PODS)] | None = None
    """Expected pods per node (default: max_pods)."""
    max_surge: Annotated[
        Annotated[StrictInt, Field(ge=0)] | Annotated[StrictStr, Field(pattern=r"^[0-9]+%$")],
        BeforeValidator(_check_surge),
    ] = str(DEFAULT_SURGE)
    """Extra nodes during an upgrade: a count such as 1 or a percentage such as 33%."""
    growth: GrowthModel | None = None
    upgrade: Upgrade = Upgrade.ROLLING
    """rolling (surge per max_surge), blue-green (2x nodes at the peak) or in-place (none)."""
    priority: Priority = Priority.REGULAR
    """regular or spot (a spot pool never surges, and cannot be the system pool)."""


class PrivateLinkServiceModel(_Model):
    """A Private Link Service on an internal load balancer: its NAT IPs come from its subnet."""

    subnet: _Name
    """Name of the subnet its NAT IPs come from, in the cluster's VNet."""
    nat_ips: Annotated[StrictInt, Field(ge=PLS_MIN_NAT_IPS, le=PLS_MAX_NAT_IPS)] = (
        PLS_DEFAULT_NAT_IPS
    )
    """NAT IPs, 1 to 8."""


class ClusterModel(_Model):
    """An AKS cluster."""

    name: _Name
    vnet: _Name
    """Name of the cluster's VNet."""
    network: Network = Network.OVERLAY
    """The network model (AKS's default is azure-cni-overlay)."""
    dataplane: Dataplane = Dataplane.AZURE
    pod_cidr: _Cidr | None = None
    """kubenet / overlay pod range (default 10.244.0.0/16)."""
    service_cidr: _Cidr = DEFAULT_SERVICE_CIDR
    dns_service_ip: Annotated[StrictStr, Field(max_length=64)] | None = None
    """Default: the .10 of service_cidr."""
    private_cluster: StrictBool = False
    """A private cluster's API endpoint takes 1 IP in the first pool's subnet."""
    internal_lbs: Annotated[_Count, Field(le=VNET_MAX_IPS)] = 0
    """Internal load balancer frontends, in the first pool's subnet."""
    private_endpoints: Annotated[_Count, Field(le=VNET_MAX_IPS)] = 0
    """Private endpoints, in the first pool's subnet."""
    internal_lb_subnet: _Name | None = None
    """The subnet internal load balancers take their frontends from (the
    azure-load-balancer-internal-subnet annotation); default the first pool's subnet."""
    private_link_services: list[PrivateLinkServiceModel] = Field(default_factory=_empty_list)
    """Private Link Services, each with the subnet of its NAT IPs."""
    api_server_subnet: _Name | None = None
    """An api-server subnet (API Server VNet Integration): 9 IPs there, no private endpoint."""
    virtual_nodes_subnet: _Name | None = None
    """An aci subnet for virtual nodes (azure-cni only); its pods: N says the IPs."""
    node_pools: list[NodePoolModel] = Field(min_length=1, max_length=CLUSTER_MAX_POOLS)


class ScenarioModel(_Model):
    """An ipplan scenario: VNets, external ranges and AKS clusters to plan."""

    model_config = ConfigDict(title="ipplan scenario")

    name: Annotated[StrictStr, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=100)]
    """Names the report folder: letters, digits, - _ . only."""
    planning: PlanningModel | None = None
    vnets: list[VNetModel] = Field(min_length=1)
    external: list[ExternalModel] = Field(default_factory=_empty_list)
    clusters: list[ClusterModel] = Field(default_factory=_empty_list)


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema of scenario files, for editors.

    >>> scenario_schema()["title"]
    'ipplan scenario'
    """
    _describe_fields()
    schema = ScenarioModel.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


_described = False


def _describe_fields() -> None:
    """Each field's attribute docstring as its description (once; what use_attribute_docstrings
    does at class creation), then the models rebuilt, inner ones first, so that the JSON
    schema carries them. Validation is the same before and after: only descriptions change."""
    global _described
    if _described:
        return
    from pydantic._internal._fields import _update_fields_from_docstrings

    models = [m for m in _Model.__subclasses__() if m.__module__ == __name__]  # definition order
    for model in models:
        _update_fields_from_docstrings(model, model.model_fields, use_inspect=True)
        model.model_rebuild(force=True)
    _described = True
