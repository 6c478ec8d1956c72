"""Scenario files: YAML (or JSON) validated by pydantic into typed, frozen values.

The pydantic models here are the single definition of the format (``ipplan schema`` prints their
JSON Schema); everything downstream takes the frozen dataclasses. Every problem is one
``ScenarioError`` line: ``{source}: {path}: {value} {what is wrong}; {fix}``.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from netaddr import IPAddress, IPNetwork
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
)
from pydantic_core import ErrorDetails

from ipplan.core.capacity import Growth, NodePool, surge_nodes, usable_ips
from ipplan.core.cidr import AddressSpace, contains, find_overlaps, overlaps, parse_address
from ipplan.core.cidr import parse_network as _parse_network
from ipplan.core.forecast import month_label
from ipplan.errors import CapacityError, CidrError, ScenarioError
from ipplan.rules import (
    CLUSTER_MAX_NODES,
    CLUSTER_MAX_POOLS,
    DEFAULT_MAX_PODS,
    DEFAULT_POD_CIDR,
    DEFAULT_SERVICE_CIDR,
    DEFAULT_SURGE,
    DNS_OFFSET,
    FORBIDDEN_RANGES,
    IPV6_SUBNET_PREFIXLEN,
    KUBENET_RETIREMENT,
    LARGEST_SUBNET_PREFIXLEN,
    MAX_MAX_PODS,
    MIN_MAX_PODS,
    MIN_PODS_PER_POOL,
    OS,
    POD_CIDR_NETWORKS,
    POD_CIDR_NODE_PREFIXLEN,
    POD_SUBNET_NETWORKS,
    POOL_MAX_NODES,
    SERVICE_MIN_PREFIXLEN,
    SMALLEST_SUBNET_PREFIXLEN,
    VNET_MAX_IPS,
    VNET_RESERVED_RANGES,
    WINDOWS_MAX_PODS,
    Dataplane,
    Network,
    parse_surge,
)
from ipplan.scenario.bounds import (
    MAX_NODES_PER_MONTH,
    MAX_PERCENT_PER_MONTH,
    check_planned_nodes,
    json_load_bounded,
    read_text_bounded,
    yaml_load_bounded,
)

__all__ = [
    "ClusterSpec",
    "ExternalRange",
    "Planning",
    "Scenario",
    "SubnetSpec",
    "VNet",
    "load_scenario",
    "parse_scenario",
    "scenario_schema",
]


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
    service_cidr: IPNetwork = IPNetwork("10.0.0.0/16")
    dns_service_ip: IPAddress = IPAddress("10.0.0.10")
    private_cluster: bool = False
    internal_lbs: int = 0
    private_endpoints: int = 0


@dataclass(frozen=True)
class Scenario:
    """A whole validated scenario file."""

    name: str
    source: str  # the file it came from, for messages
    planning: Planning
    vnets: tuple[VNet, ...]
    external: tuple[ExternalRange, ...] = ()
    clusters: tuple[ClusterSpec, ...] = ()
    warnings: tuple[str, ...] = ()  # one line each, "{source}: {path}: ...", in file order


# ----- rules (aks-ip-rules.md Part A)

#: the first forecast month when the file has no ``planning`` block
DEFAULT_START = "2027-01"
#: tried in order when a message suggests a free range for a pod or service CIDR
_POD_CIDR_CHOICES = ("10.244.0.0/16", "100.64.0.0/16", "172.16.0.0/16", "192.168.0.0/16")
_SERVICE_CIDR_CHOICES = ("10.0.0.0/16", "172.16.0.0/16", "192.168.0.0/16", "100.127.0.0/16")


# ----- the format: pydantic models (the JSON Schema comes from these)


def _check_surge(value: object) -> object:
    """Accept what parse_surge accepts; say what is wrong in the scenario's words otherwise."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(
            f"{_show(value)} is not a surge; use a node count such as 1 or a percentage such as 33%"
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
        raise ValueError(f"{_show(value)} is not a surge; write {surge} (no spaces)")
    return value


# names and CIDRs are quoted in messages: their bounds keep every message one readable line
# (Azure names are at most 80 characters; the longest IPv6 CIDR, 43)
_Name = Annotated[StrictStr, Field(min_length=1, max_length=128)]
_Cidr = Annotated[StrictStr, Field(min_length=1, max_length=64, examples=["10.20.0.0/16"])]
_Count = Annotated[StrictInt, Field(ge=0)]
_Rate = Annotated[float, Field(strict=True, ge=0, allow_inf_nan=False)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


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


class VNetModel(_Model):
    """A virtual network."""

    name: _Name
    address_space: list[_Cidr] = Field(min_length=1)
    """One or more prefixes, such as [10.20.0.0/16]."""
    subnets: list[SubnetModel] = Field(default_factory=list)


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
    node_pools: list[NodePoolModel] = Field(min_length=1, max_length=CLUSTER_MAX_POOLS)


class ScenarioModel(_Model):
    """An ipplan scenario: VNets, external ranges and AKS clusters to plan."""

    model_config = ConfigDict(title="ipplan scenario")

    name: Annotated[StrictStr, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=100)]
    """Names the report folder: letters, digits, - _ . only."""
    planning: PlanningModel | None = None
    vnets: list[VNetModel] = Field(min_length=1)
    external: list[ExternalModel] = Field(default_factory=list)
    clusters: list[ClusterModel] = Field(default_factory=list)


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema of scenario files, for editors.

    >>> scenario_schema()["title"]
    'ipplan scenario'
    """
    schema = ScenarioModel.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


# ----- loading


class _Loader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys (PyYAML silently keeps the last one)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                if key_node.value in seen:
                    raise yaml.MarkedYAMLError(
                        problem=f"duplicate key {key_node.value!r}; keep one",
                        problem_mark=key_node.start_mark,
                    )
                seen.add(key_node.value)
        return super().construct_mapping(node, deep)


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}; keep one")
        result[key] = value
    return result


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file: YAML, or JSON when the name ends in ``.json``.

    Raises:
        ScenarioError: the file is missing or unreadable, or the scenario is invalid.
    """
    source = str(path)
    file = Path(path)
    try:
        text = read_text_bounded(file, source)
    except FileNotFoundError:
        raise ScenarioError(f"{source}: no such file; give the path of a scenario file") from None
    except IsADirectoryError:
        raise ScenarioError(f"{source}: is a directory; give a scenario file inside it") from None
    except UnicodeDecodeError as err:
        raise ScenarioError(
            f"{source}: is not UTF-8 text (byte {err.start}); save the file as UTF-8"
        ) from None
    except OSError as err:
        raise ScenarioError(f"{source}: cannot be read ({err.strerror})") from None
    if not text.strip():
        raise ScenarioError(f"{source}: the file is empty; start from data/example.yaml")
    if file.suffix.lower() == ".json":
        try:
            data = json_load_bounded(text, source, object_pairs_hook=_reject_duplicates)
        except json.JSONDecodeError as err:
            raise ScenarioError(
                f"{source}: line {err.lineno}: {err.msg} (column {err.colno}); fix the JSON there"
            ) from None
        except ValueError as err:  # a duplicate key, from _reject_duplicates
            raise ScenarioError(f"{source}: {err}") from None
    else:
        try:
            data = yaml_load_bounded(text, source, _Loader)
        except yaml.MarkedYAMLError as err:
            raise ScenarioError(f"{source}: {_yaml_problem(err)}") from None
        except yaml.reader.ReaderError as err:
            line = text[: err.position].count("\n") + 1
            raise ScenarioError(
                f"{source}: line {line}: character #x{err.character:04x} is not allowed in YAML; "
                "remove it"
            ) from None
        except yaml.YAMLError as err:
            raise ScenarioError(f"{source}: {' '.join(str(err).split())}") from None
    return parse_scenario(data, source)


def _yaml_problem(err: yaml.MarkedYAMLError) -> str:
    """``line N: problem; fix`` from PyYAML's multi-line message."""
    mark = err.problem_mark or err.context_mark
    problem = " ".join((err.problem or err.context or "invalid YAML").split())
    if mark is None:
        return f"{problem}; check the YAML syntax"
    where = f"line {mark.line + 1}"
    if problem.startswith("duplicate key"):
        return f"{where}: {problem}"
    if "\\t" in problem:
        return f"{where}: a tab; YAML indents with spaces only"
    if "another document" in problem:
        return f"{where}: a second YAML document (---); a scenario file holds one"
    if "could not determine a constructor" in problem:
        return f"{where}: {problem}; remove the tag (ipplan reads plain YAML only)"
    context = " ".join((err.context or "").split())
    if context and err.context_mark is not None and err.context_mark.line != mark.line:
        problem += f" ({context} from line {err.context_mark.line + 1})"
    return (
        f"{where}, column {mark.column + 1}: {problem}; check the indentation, quotes and brackets"
    )


# ----- parsing


class _Problem(Exception):  # noqa: N818 - internal, becomes a ScenarioError
    """One problem at a field path; parse_scenario adds the source."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(path, message)
        self.path = path
        self.message = message


def parse_scenario(data: object, source: str) -> Scenario:
    """Validate loaded YAML/JSON *data* into a Scenario; *source* names it in messages.

    >>> vnet = {"name": "v", "address_space": ["10.1.0.0/16"]}
    >>> s = parse_scenario({"name": "t", "vnets": [vnet]}, source="t.yaml")
    >>> s.vnets[0].address_space, s.planning.start_year
    ((IPNetwork('10.1.0.0/16'),), 2027)

    Raises:
        ScenarioError: the first problem found, as ``{source}: {path}: {value} {what}; {fix}``.
    """
    if data is None:
        raise ScenarioError(f"{source}: the file is empty; start from data/example.yaml")
    if not isinstance(data, dict):
        raise ScenarioError(
            f"{source}: the top level is {_kind(data)} {_show(data)}, not a mapping; "
            "a scenario starts with name:, vnets: and clusters: keys"
        )
    try:
        model = ScenarioModel.model_validate(data)
    except ValidationError as err:
        path, message = _first_error(err.errors(include_url=False))
        where = f"{source}: {path}" if path else source
        raise ScenarioError(f"{where}: {message}") from None
    try:
        return _Builder(model, source).build()
    except _Problem as problem:
        raise ScenarioError(f"{source}: {problem.path}: {problem.message}") from None


# ----- pydantic errors as one line

#: which model a mapping is, by the key it sits under (the root is the scenario)
_MODELS: dict[str, tuple[type[BaseModel], str]] = {
    "": (ScenarioModel, "a top-level"),
    "planning": (PlanningModel, "a planning"),
    "vnets": (VNetModel, "a VNet"),
    "subnets": (SubnetModel, "a subnet"),
    "external": (ExternalModel, "an external range"),
    "clusters": (ClusterModel, "a cluster"),
    "node_pools": (NodePoolModel, "a node pool"),
    "growth": (GrowthModel, "a growth"),
}

#: what to write for a missing key
_EXAMPLES = {
    ".name": "contoso-prod (letters, digits, - _ .; it names the report folder)",
    "name": "a name",
    "vnets": "[{name: spoke, address_space: [10.20.0.0/16]}]",
    "address_space": "[10.20.0.0/16]",
    "cidrs": "[10.0.0.0/12]",
    "vnet": "the name of one of the vnets",
    "subnet": "the name of a subnet in the cluster's VNet",
    "nodes": "3",
    "node_pools": "[{name: system, subnet: aks-nodes, nodes: 3}]",
    "start": "2027-01",
}

#: why a number has its bounds, per field: (too small, too big); {limit} is the bound
_BOUNDS: dict[str, tuple[str, str]] = {
    "max_pods": (
        "is below AKS's minimum of {limit} pods per node",
        "is above AKS's limit of {limit}",
    ),
    "pods_in_use": ("is negative", "is above AKS's limit of {limit} pods per node"),
    "nodes": ("is negative", "is above AKS's limit of {limit} nodes per pool"),
    "max_nodes": (
        "is below {limit}; give the autoscaler's maximum node count",
        "is above AKS's limit of {limit} nodes per pool",
    ),
    "prefix": (
        "is shorter than Azure allows (the largest subnet is a /{limit})",
        "is longer than Azure allows (the smallest subnet is a /{limit}); use {limit} or less",
    ),
    "horizon_months": (
        "is below {limit}; forecast at least one month",
        "is above the limit of {limit} months",
    ),
    "headroom_pct": ("is negative; use 0 for none", "is above the limit of {limit}%"),
    "warn_at_pct": ("is below {limit}%", "is above {limit}%"),
    "used_ips": (
        "is negative; use 0 for none",
        "is above {limit}, the addresses of Azure's largest subnet (a /2)",
    ),
    "internal_lbs": (
        "is negative; use 0 for none",
        "is above {limit}, a VNet's private IPs (each frontend takes one)",
    ),
    "private_endpoints": (
        "is negative; use 0 for none",
        "is above {limit}, a VNet's private IPs (each endpoint takes one)",
    ),
    "nodes_per_month": (
        "is negative; use 0 for no growth",
        "is above ipplan's bound of {limit} nodes a month (a pool holds at most 1,000)",
    ),
    "percent_per_month": (
        "is negative; use 0 for no growth",
        "is above ipplan's bound of {limit}% a month",
    ),
}

_PATTERNS = {
    "name": "is not a valid scenario name; use letters, digits, - _ . only, starting with a "
    "letter or digit (it names the report folder)",
    "start": "is not a month; write YYYY-MM, such as 2027-01",
    "max_surge": "is not a surge; use a node count such as 1 or a percentage such as 33%",
}

_EMPTY_LISTS = {
    "vnets": "give at least one VNet",
    "address_space": "give at least one CIDR, such as [10.20.0.0/16]",
    "cidrs": "give at least one CIDR, such as [10.0.0.0/12]",
    "node_pools": "give at least one node pool",
    "compare": "list at least one network model, or leave compare out for all five",
}

_ENUMS: dict[str, tuple[str, tuple[str, ...]]] = {
    "network": ("a network model", tuple(Network)),
    "compare": ("a network model", tuple(Network)),
    "dataplane": ("a dataplane", tuple(Dataplane)),
    "os": ("an OS", tuple(OS)),
}

#: a YAML 1.1 trap: unquoted yes/no/on/off are booleans
_YAML_BOOLEANS = " (YAML reads unquoted yes/no/on/off as true/false; quote it)"


def _first_error(errors: Sequence[ErrorDetails]) -> tuple[str, str]:
    """The error to report: an unknown key first (it explains a "missing" one), else the first."""
    unknown = [error for error in errors if error["type"] in ("extra_forbidden", "invalid_key")]
    error = (unknown or list(errors))[0]
    return _describe(error)


def _describe(error: ErrorDetails) -> tuple[str, str]:
    """``(path, message)`` for one pydantic error, in the scenario's words."""
    loc = tuple(error["loc"])
    kind = error["type"]
    value = error["input"]
    ctx = error.get("ctx", {})
    keys = [part for part in loc if isinstance(part, str)]
    field = keys[-1] if keys else ""
    if kind in ("extra_forbidden", "missing", "invalid_key"):
        parent, key = loc[:-1], loc[-1]
        parent_keys = [part for part in parent if isinstance(part, str)]
        model, noun = _MODELS.get(parent_keys[-1] if parent_keys else "", _MODELS[""])
        if kind == "missing":
            example = _EXAMPLES.get(f"{_path(parent)}.{key}", _EXAMPLES.get(str(key), "..."))
            return _path(parent), f"required key {key!r} is missing; add {key}: {example}"
        if kind == "invalid_key":
            return _path(parent), f"{_show(value)} is not a valid key; keys are names such as nodes"
        allowed = list(model.model_fields)
        close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
        fix = f"did you mean {close[0]}?" if close else f"use one of: {', '.join(allowed)}"
        return _path(parent), f"{_show(key)} is not {noun} key; {fix}"
    path = _path(loc)
    shown = _show(value)
    message: str
    if value is None and kind.endswith("_type"):
        fix = "list its items, each starting with '- '" if kind == "list_type" else "give one"
        message = f"has no value; {fix}"
    elif field == "start" and kind in ("string_type", "string_pattern_mismatch"):
        kind_of = "a date, not a month" if isinstance(value, date) else "not a month"
        message = f"{shown} is {kind_of}; write YYYY-MM, such as 2027-01"
    elif kind in ("int_type", "int_parsing", "int_from_float"):
        example = "22" if field == "prefix" else "3"
        message = f"{shown} is not a whole number" + _number_fix(value, example, whole=True)
    elif kind in ("float_type", "float_parsing"):
        message = f"{shown} is not a number" + _number_fix(value, "2", whole=False)
    elif kind == "finite_number":
        message = f"{shown} is not a finite number; give a number such as 2"
    elif kind == "string_type":
        hint = _YAML_BOOLEANS if isinstance(value, bool) else ""
        message = f"{shown} is not text" + (hint or "; quote it")
    elif kind in ("bool_type", "bool_parsing"):
        message = f"{shown} is not true or false; write true or false without quotes"
    elif kind == "list_type":
        message = f"{shown} is not a list; " + _list_fix(field, value)
    elif kind in ("dict_type", "model_type", "model_attributes_type"):
        message = f"{shown} is not a mapping; write key: value pairs (ipplan schema lists them)"
    elif kind == "literal_error" and field == "size":
        message = f"{shown} is not a size; write size: auto, or prefix: 22 for a fixed size"
    elif kind in ("enum", "literal_error"):
        noun, choices = _ENUMS.get(field, ("allowed", ()))
        if not choices:
            message = f"{shown} is not allowed; use {ctx.get('expected', '')}"
        else:
            close = difflib.get_close_matches(str(value), choices, n=1, cutoff=0.6)
            fix = f"did you mean {close[0]}?" if close else f"use one of: {', '.join(choices)}"
            message = f"{shown} is not {noun}; {fix}"
    elif kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        below = kind.startswith("greater")
        limit = ctx.get("ge", ctx.get("gt", ctx.get("le", ctx.get("lt"))))
        phrases = _BOUNDS.get(field, ("is below the minimum of {limit}", "is above {limit}"))
        if isinstance(limit, float) and limit.is_integer():
            limit = int(limit)
        shown_limit = f"{limit:,}" if isinstance(limit, int) else limit
        message = f"{shown} " + phrases[0 if below else 1].format(limit=shown_limit)
    elif kind == "string_pattern_mismatch":
        message = f"{shown} " + _PATTERNS.get(field, f"does not match {ctx.get('pattern')}")
    elif kind == "string_too_short":
        message = f"{shown} is empty; give a name"
    elif kind == "string_too_long":
        message = f"{shown} is longer than {ctx.get('max_length')} characters; shorten it"
    elif kind == "too_short":
        message = f"{shown} is empty; " + _EMPTY_LISTS.get(field, "give at least one item")
    elif kind == "too_long" and field == "node_pools":
        count = ctx.get("actual_length")
        limit = ctx.get("max_length")
        shown = f"{count} node pools" if count is not None else "the list"
        message = f"{shown} is above AKS's limit of {limit} per cluster; split the cluster"
    elif kind == "value_error":
        message = str(ctx.get("error", error["msg"]))
    else:
        message = f"{shown} is invalid: {error['msg'][:1].lower()}{error['msg'][1:]}"
    return path, message


def _list_fix(field: str, value: object) -> str:
    if isinstance(value, dict):
        return "start each item with '- ' (a YAML list)"
    if field == "compare":
        return (
            "write a list such as [kubenet, azure-cni-overlay], or leave compare out for all five"
        )
    if isinstance(value, str):
        return f"write [{value}]"
    return "write a list, such as [a, b]"


def _number_fix(value: object, example: str, whole: bool) -> str:
    """How to write *value* as a number (a whole one when *whole*)."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("/") and text[1:].isdigit():
            return f"; write {text[1:]} (no slash)"
        # only forms YAML reads back as a number once unquoted (it keeps 1e3 as text)
        if re.fullmatch(r"-?[0-9]+" if whole else r"-?[0-9]+(\.[0-9]+)?", text):
            return f"; write {text} without quotes"
    elif isinstance(value, float) and math.isfinite(value) and whole:
        return f"; give a whole number such as {round(value)}"
    return f"; give a number such as {example}"


def _path(loc: Iterable[int | str]) -> str:
    """``clusters[0].node_pools[1].max_pods`` from pydantic's ``('clusters', 0, ...)``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _show(value: object) -> str:
    """A value as the user wrote it, on one line and at most 60 characters."""
    text = repr(value[:61]) if isinstance(value, str) else _flow(value, 61)
    return text if len(text) <= 60 else text[:57] + "..."


def _flow(value: object, budget: int = 61, depth: int = 0) -> str:
    """YAML flow style: ``{name: x, cidrs: [10.0.0.0/8]}``.

    Stops once past *budget* characters (the caller cuts there), and shows what is nested more
    than 10 deep as ``...``: a huge or deep value costs no more than a short one.
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int) and value.bit_length() > 4 * budget:  # str() refuses 4,300 digits
        digits = int(value.bit_length() * 0.30103)  # log10(2): a digit or so short
        return str(value // 10 ** max(digits - budget, 0))[:budget] + "..."
    if isinstance(value, dict | list | tuple):
        if depth >= 10:
            return "..."
        dict_ = isinstance(value, dict)
        text = "{" if dict_ else "["
        for i, item in enumerate(value.items() if isinstance(value, dict) else value):
            if len(text) > budget:
                return text
            text += ", " if i else ""
            if dict_:
                key, item_value = item
                text += _flow(key, budget - len(text), depth + 1) + ": "
                text += _flow(item_value, budget - len(text), depth + 1)
            else:
                text += _flow(item, budget - len(text), depth + 1)
        return text + ("}" if dict_ else "]")
    if isinstance(value, str):
        value = value[: max(budget, 0) + 1]
        if not (value.isprintable() and value.strip() == value and value):
            return repr(value)  # keeps the message on one line and shows the spaces
    return str(value)


def _kind(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "text"
    return "a value"


# ----- semantic checks, in file order; each raises _Problem at the first mistake


def _network(text: str, path: str) -> IPNetwork:
    try:
        return _parse_network(text)
    except CidrError as err:
        raise _Problem(path, str(err)) from None


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def _suggest(choices: Sequence[str], taken: Sequence[IPNetwork]) -> str:
    """The first of *choices* that overlaps none of *taken*, as ", such as X" (or nothing)."""
    for choice in choices:
        if not any(overlaps(choice, network) for network in taken):
            return f", such as {choice}"
    return ""


@dataclass(frozen=True)
class _Range:
    """A named range the checks compare against: where it is and what to call it."""

    network: IPNetwork
    path: str
    label: str  # "VNet 'hub'", "external range 'on-prem'"


class _Builder:
    """Checks a parsed ScenarioModel and builds the Scenario (one pass, in file order)."""

    def __init__(self, model: ScenarioModel, source: str) -> None:
        self.model = model
        self.source = source
        self.warnings: list[str] = []
        self.vnet_ranges: list[_Range] = []
        self.external_ranges: list[_Range] = []

    def warn(self, path: str, message: str) -> None:
        self.warnings.append(f"{self.source}: {path}: {message}")

    def build(self) -> Scenario:
        model = self.model
        planning = self.planning(model.planning)
        _unique([v.name for v in model.vnets], "vnets", "VNet")
        vnets = tuple(self.vnet(v, f"vnets[{i}]") for i, v in enumerate(model.vnets))
        _unique([e.name for e in model.external], "external", "external range")
        external = tuple(self.external(e, f"external[{i}]") for i, e in enumerate(model.external))
        self.check_vnet_overlaps()
        _unique([c.name for c in model.clusters], "clusters", "cluster")
        by_name = {v.name: v for v in vnets}
        clusters = tuple(
            self.cluster(c, f"clusters[{i}]", by_name) for i, c in enumerate(model.clusters)
        )
        pools = [
            (f"clusters[{i}].node_pools[{j}]", p)
            for i, c in enumerate(clusters)
            for j, p in enumerate(c.node_pools)
        ]
        end = month_label(planning.start_year, planning.start_month, planning.horizon_months)
        if too_many := check_planned_nodes(pools, planning.horizon_months, end):
            raise _Problem(*too_many)
        self.check_subnet_roles(planning.compare)
        for i, vnet in enumerate(model.vnets):
            self.allocate_fixed(vnet, vnets[i], f"vnets[{i}]")
        return Scenario(
            name=model.name,
            source=self.source,
            planning=planning,
            vnets=vnets,
            external=external,
            clusters=clusters,
            warnings=tuple(self.warnings),
        )

    def planning(self, model: PlanningModel | None) -> Planning:
        if model is None:
            year, month = DEFAULT_START.split("-")
            return Planning(start_year=int(year), start_month=int(month))
        for i, network in enumerate(model.compare):
            if network in model.compare[:i]:
                raise _Problem(
                    f"planning.compare[{i}]",
                    f"{network.value!r} is listed twice; list each network model once",
                )
        year, month = model.start.split("-")
        return Planning(
            start_year=int(year),
            start_month=int(month),
            horizon_months=model.horizon_months,
            headroom_pct=model.headroom_pct,
            warn_at_pct=model.warn_at_pct,
            compare=tuple(model.compare),
        )

    def vnet(self, model: VNetModel, path: str) -> VNet:
        spaces: list[IPNetwork] = []
        for j, text in enumerate(model.address_space):
            where = f"{path}.address_space[{j}]"
            network = _network(text, where)
            _check_forbidden(network, where, FORBIDDEN_RANGES | VNET_RESERVED_RANGES, "a VNet")
            spaces.append(network)
            self.vnet_ranges.append(_Range(network, where, f"VNet {model.name!r}"))
        for i, j in find_overlaps(spaces):
            raise _Problem(
                f"{path}.address_space[{j}]",
                f"{spaces[j]} overlaps {spaces[i]} (address_space[{i}]); list each range once",
            )
        _unique([s.name for s in model.subnets], f"{path}.subnets", "subnet")
        subnets = tuple(
            self.subnet(s, f"{path}.subnets[{k}]", spaces) for k, s in enumerate(model.subnets)
        )
        existing = [(k, s.cidr) for k, s in enumerate(subnets) if s.cidr is not None]
        for a, b in find_overlaps([cidr for _, cidr in existing]):
            (k1, cidr1), (k2, cidr2) = existing[a], existing[b]
            raise _Problem(
                f"{path}.subnets[{k2}].cidr",
                f"{cidr2} overlaps subnet {subnets[k1].name!r} ({cidr1}, subnets[{k1}]); "
                "subnets of a VNet must not overlap",
            )
        return VNet(name=model.name, address_space=tuple(spaces), subnets=subnets)

    def subnet(self, model: SubnetModel, path: str, spaces: Sequence[IPNetwork]) -> SubnetSpec:
        given = [key for key in ("cidr", "prefix", "size") if getattr(model, key) is not None]
        if len(given) != 1:
            what = " and ".join(given) if given else "none of cidr, prefix, size"
            raise _Problem(
                path,
                f"subnet {model.name!r} gives {what}; give exactly one: cidr (an existing "
                "subnet), prefix (ipplan allocates one) or size: auto (ipplan sizes it)",
            )
        if model.cidr is not None:
            where = f"{path}.cidr"
            cidr = _network(model.cidr, where)
            if cidr.version == 6 and cidr.prefixlen != IPV6_SUBNET_PREFIXLEN:
                raise _Problem(
                    where, f"{cidr} is not a /64; Azure IPv6 subnets are exactly /64 (rule A17)"
                )
            if cidr.version == 4 and not (
                LARGEST_SUBNET_PREFIXLEN <= cidr.prefixlen <= SMALLEST_SUBNET_PREFIXLEN
            ):
                raise _Problem(
                    where,
                    f"{cidr} is outside Azure's subnet sizes, /{LARGEST_SUBNET_PREFIXLEN} "
                    f"to /{SMALLEST_SUBNET_PREFIXLEN}",
                )
            if not any(contains(space, cidr) for space in spaces):
                listed = ", ".join(map(str, spaces))
                raise _Problem(
                    where,
                    f"{cidr} is outside the VNet's address space ({listed}); move it inside, "
                    "or add its range to address_space",
                )
            self.check_used_ips(model, path, cidr.prefixlen, 128 if cidr.version == 6 else 32)
            return SubnetSpec(name=model.name, cidr=cidr, used_ips=model.used_ips)
        if model.prefix is not None:
            self.check_used_ips(model, path, model.prefix, 32)
            return SubnetSpec(name=model.name, prefixlen=model.prefix, used_ips=model.used_ips)
        return SubnetSpec(name=model.name, auto=True, used_ips=model.used_ips)

    @staticmethod
    def check_used_ips(model: SubnetModel, path: str, prefixlen: int, bits: int) -> None:
        usable = usable_ips(prefixlen, bits)
        if model.used_ips > usable:
            raise _Problem(
                f"{path}.used_ips",
                f"{model.used_ips} is more than the {usable:,} usable IPs of a /{prefixlen}; "
                "lower used_ips or use a larger subnet",
            )

    def external(self, model: ExternalModel, path: str) -> ExternalRange:
        cidrs = []
        for j, text in enumerate(model.cidrs):
            where = f"{path}.cidrs[{j}]"
            network = _network(text, where)
            cidrs.append(network)
            self.external_ranges.append(_Range(network, where, f"external range {model.name!r}"))
        return ExternalRange(name=model.name, cidrs=tuple(cidrs))

    def check_vnet_overlaps(self) -> None:
        """VNets must not overlap each other (rule A14's peering reading) or external ranges."""
        ranges = self.vnet_ranges + self.external_ranges
        vnet_count = len(self.vnet_ranges)
        for i, j in find_overlaps([r.network for r in ranges]):
            first, second = ranges[i], ranges[j]
            if j >= vnet_count and i >= vnet_count:
                continue  # external ranges may overlap each other
            if first.label == second.label:
                continue  # within one VNet: already reported by vnet()
            # report at the later VNet; a VNet, never an external range, is the one to move
            vnet, other = (second, first) if j < vnet_count else (first, second)
            raise _Problem(
                vnet.path,
                f"{vnet.network} overlaps {other.label} ({other.network}, {other.path}); "
                "address spaces must not overlap",
            )

    def cluster(self, model: ClusterModel, path: str, vnets: dict[str, VNet]) -> ClusterSpec:
        vnet = vnets.get(model.vnet)
        if vnet is None:
            raise _Problem(f"{path}.vnet", _unknown(model.vnet, "VNet", list(vnets)))
        if model.network == Network.KUBENET and model.dataplane == Dataplane.CILIUM:
            raise _Problem(
                f"{path}.dataplane",
                "'cilium' does not run on kubenet; use network azure-cni-overlay with cilium, "
                "or dataplane azure",
            )
        if model.network == Network.KUBENET:
            self.warn(
                f"{path}.network",
                f"kubenet retires on {KUBENET_RETIREMENT}; plan a move to azure-cni-overlay",
            )
        pod_cidr = self.pod_cidr(model, path)
        service_cidr = self.service_cidr(model, path, vnet, pod_cidr)
        dns_service_ip = self.dns_service_ip(model, path, service_cidr)
        _unique([p.name for p in model.node_pools], f"{path}.node_pools", "node pool")
        subnet_names = [s.name for s in vnet.subnets]
        pools = tuple(
            self.node_pool(p, f"{path}.node_pools[{j}]", model, subnet_names)
            for j, p in enumerate(model.node_pools)
        )
        total = sum(p.max_nodes or p.nodes for p in pools)
        if total > CLUSTER_MAX_NODES:
            raise _Problem(
                f"{path}.node_pools",
                f"{total:,} nodes in all (max_nodes where set) is above AKS's limit of "
                f"{CLUSTER_MAX_NODES:,} per cluster; split the cluster",
            )
        return ClusterSpec(
            name=model.name,
            vnet=model.vnet,
            network=model.network,
            node_pools=pools,
            dataplane=model.dataplane,
            pod_cidr=pod_cidr if "pod_cidr" in model.model_fields_set else None,
            service_cidr=service_cidr,
            dns_service_ip=dns_service_ip,
            private_cluster=model.private_cluster,
            internal_lbs=model.internal_lbs,
            private_endpoints=model.private_endpoints,
        )

    def pod_cidr(self, model: ClusterModel, path: str) -> IPNetwork | None:
        """The pod CIDR to check: as given, or AKS's default when the model uses one (A6, A14)."""
        where = f"{path}.pod_cidr"
        if model.pod_cidr is None:
            if model.network not in POD_CIDR_NETWORKS:
                return None
            network = _network(DEFAULT_POD_CIDR, where)
            shown = f"the default {network} (no pod_cidr given)"
        else:
            network = _network(model.pod_cidr, where)
            shown = str(network)
            if network.version != 4:
                raise _Problem(where, f"{network} is IPv6; give an IPv4 pod CIDR")
            if network.prefixlen > POD_CIDR_NODE_PREFIXLEN:
                raise _Problem(
                    where,
                    f"{network} is smaller than one node's /24; use a /24 or larger "
                    "(a /16 holds 256 nodes)",
                )
            _check_forbidden(network, where, FORBIDDEN_RANGES, "a pod CIDR")
        taken = [r.network for r in self.vnet_ranges + self.external_ranges]
        for other in self.vnet_ranges + self.external_ranges:
            if overlaps(network, other.network):
                raise _Problem(
                    where,
                    f"{shown} overlaps {other.label} ({other.network}, {other.path}); set "
                    f"pod_cidr to a range used nowhere in your network"
                    + _suggest(_POD_CIDR_CHOICES, taken),
                )
        return network

    def service_cidr(
        self, model: ClusterModel, path: str, vnet: VNet, pod_cidr: IPNetwork | None
    ) -> IPNetwork:
        where = f"{path}.service_cidr"
        network = _network(model.service_cidr, where)
        given = "service_cidr" in model.model_fields_set
        shown = str(network) if given else f"the default {network} (no service_cidr given)"
        minimum = SERVICE_MIN_PREFIXLEN[network.version]
        if network.prefixlen < minimum:
            raise _Problem(
                where,
                f"{network} is larger than AKS allows for a service CIDR (/{minimum}); "
                f"use a /{minimum} or smaller"
                + (", such as a /16" if network.version == 4 else ""),
            )
        _check_forbidden(network, where, FORBIDDEN_RANGES, "a service CIDR")
        pods = [_Range(pod_cidr, f"{path}.pod_cidr", "the pod CIDR")] if pod_cidr else []
        ranges = (
            [r for r in self.vnet_ranges if r.label == f"VNet {vnet.name!r}"]
            + [r for r in self.vnet_ranges if r.label != f"VNet {vnet.name!r}"]
            + self.external_ranges
            + pods
        )
        for other in ranges:
            if overlaps(network, other.network):
                label = (
                    f"the cluster's {other.label}"
                    if other.label == f"VNet {vnet.name!r}"
                    else other.label
                )
                hint = _suggest(_SERVICE_CIDR_CHOICES, [r.network for r in ranges])
                raise _Problem(
                    where,
                    f"{shown} overlaps {label} ({other.network}, {other.path}); set "
                    f"service_cidr to a range used nowhere in your network{hint}",
                )
        return network

    @staticmethod
    def dns_service_ip(model: ClusterModel, path: str, service: IPNetwork) -> IPAddress:
        default: IPAddress = service.network + DNS_OFFSET
        if model.dns_service_ip is None:
            if service.first + DNS_OFFSET >= service.last:
                raise _Problem(
                    f"{path}.service_cidr",
                    f"{service} has no room for the default DNS service IP (the .10); use a "
                    "/28 or larger, or set dns_service_ip",
                )
            return default
        where = f"{path}.dns_service_ip"
        try:
            address = parse_address(model.dns_service_ip)
        except CidrError as err:
            raise _Problem(where, f"{err}; use the .10 of service_cidr, {default}") from None
        if address.version != service.version:
            raise _Problem(
                where,
                f"{address} is IPv{address.version} but service_cidr {service} is "
                f"IPv{service.version}; use {default}",
            )
        value = int(address)
        if not service.first <= value <= service.last:
            raise _Problem(
                where, f"{address} is outside service_cidr {service}; use {default} (the .10)"
            )
        if value == service.first:
            problem = "is the service CIDR's network address"
        elif value == service.first + 1:
            problem = "is the service CIDR's first address, which the kubernetes Service takes"
        elif value == service.last and service.version == 4:
            problem = "is the service CIDR's broadcast address"
        else:
            return address
        raise _Problem(where, f"{address} {problem}; use {default} (the .10)")

    def node_pool(
        self, model: NodePoolModel, path: str, cluster: ClusterModel, subnets: list[str]
    ) -> NodePool:
        if model.subnet not in subnets:
            raise _Problem(
                f"{path}.subnet",
                _unknown(model.subnet, f"subnet of VNet {cluster.vnet!r}", subnets),
            )
        if model.pod_subnet is not None:
            if model.pod_subnet not in subnets:
                raise _Problem(
                    f"{path}.pod_subnet",
                    _unknown(model.pod_subnet, f"subnet of VNet {cluster.vnet!r}", subnets),
                )
            if model.pod_subnet == model.subnet:
                raise _Problem(
                    f"{path}.pod_subnet",
                    f"{model.pod_subnet!r} is also the pool's node subnet; pods need a "
                    "subnet of their own",
                )
        elif cluster.network in POD_SUBNET_NETWORKS:
            raise _Problem(
                path,
                f"pool {model.name!r} has no pod_subnet, but {cluster.network.value} takes pod "
                f"IPs from a separate subnet; add pod_subnet: <a subnet of VNet {cluster.vnet!r}>",
            )
        if model.os == OS.WINDOWS and cluster.dataplane == Dataplane.CILIUM:
            raise _Problem(
                f"{path}.os",
                "'windows' cannot run with dataplane cilium (Cilium is Linux only); "
                "use a Linux pool, or dataplane azure",
            )
        if model.nodes == 0 and model.max_nodes is None:
            raise _Problem(
                f"{path}.nodes",
                "0 nodes is allowed only for an autoscaler pool; set max_nodes, or give 1 or more",
            )
        if model.max_nodes is not None and model.max_nodes < model.nodes:
            raise _Problem(
                f"{path}.max_nodes",
                f"{model.max_nodes} is below nodes ({model.nodes}); the autoscaler's maximum "
                "must be at least the current node count",
            )
        max_pods = model.max_pods or DEFAULT_MAX_PODS[cluster.network]
        pods_source = (
            f"max_pods of {max_pods}"
            if model.max_pods
            else f"max_pods of {max_pods} ({cluster.network.value}'s default)"
        )
        if model.nodes >= 1 and max_pods * model.nodes < MIN_PODS_PER_POOL:
            least = -(-MIN_PODS_PER_POOL // max_pods)
            raise _Problem(
                f"{path}.max_pods" if model.max_pods else f"{path}.nodes",
                f"{max_pods} max pods × {_plural(model.nodes, 'node')} = "
                f"{max_pods * model.nodes} pods, below AKS's minimum of {MIN_PODS_PER_POOL} "
                f"per pool; use {least} or more nodes, or raise max_pods",
            )
        if model.pods_in_use is not None and model.pods_in_use > max_pods:
            raise _Problem(
                f"{path}.pods_in_use",
                f"{model.pods_in_use} is above the pool's {pods_source}; "
                "pods in use per node cannot exceed it",
            )
        surge = parse_surge(model.max_surge)
        peak_nodes = model.max_nodes or model.nodes
        extra = surge_nodes(peak_nodes, surge)
        if peak_nodes + extra > POOL_MAX_NODES:
            raise _Problem(
                f"{path}.max_surge",
                f"{surge} adds {_plural(extra, 'node')} to {peak_nodes:,} during an upgrade: "
                f"{peak_nodes + extra:,} is above AKS's limit of {POOL_MAX_NODES:,} per "
                "pool; lower max_surge or the node count",
            )
        growth = self.growth(model.growth, f"{path}.growth")
        if model.os == OS.WINDOWS and max_pods > WINDOWS_MAX_PODS:
            self.warn(
                f"{path}.max_pods",
                f"the pool's {pods_source} is above the {WINDOWS_MAX_PODS} recommended for "
                f"Windows nodes; set max_pods: {WINDOWS_MAX_PODS}",
            )
        return NodePool(
            name=model.name,
            nodes=model.nodes,
            subnet=model.subnet,
            max_nodes=model.max_nodes,
            max_pods=model.max_pods,
            pods_in_use=model.pods_in_use,
            max_surge=surge,
            os=model.os,
            pod_subnet=model.pod_subnet,
            growth=growth,
        )

    @staticmethod
    def growth(model: GrowthModel | None, path: str) -> Growth | None:
        if model is None:
            return None
        if (model.nodes_per_month is None) == (model.percent_per_month is None):
            what = "has no rate" if model.nodes_per_month is None else "has both rates"
            raise _Problem(
                path,
                f"{_show_growth(model)} {what}; give exactly one: "
                "{nodes_per_month: 2} (linear) or {percent_per_month: 5} (compound)",
            )
        return Growth(
            nodes_per_month=model.nodes_per_month or 0.0,
            percent_per_month=model.percent_per_month or 0.0,
        )

    def check_subnet_roles(self, compare: Sequence[Network]) -> None:
        """A subnet is a node subnet or a pod subnet, not both; ``size: auto`` needs a user.

        A pod subnet has users only under a pod-subnet model: the cluster's own, or one compared.
        """
        node_users: dict[tuple[str, str], str] = {}
        pod_users: dict[tuple[str, str], str] = {}
        idle_pod_subnets: set[tuple[str, str]] = set()
        compared = any(network in POD_SUBNET_NETWORKS for network in compare)
        for i, cluster in enumerate(self.model.clusters):
            sized = compared or cluster.network in POD_SUBNET_NETWORKS
            for j, pool in enumerate(cluster.node_pools):
                where = f"clusters[{i}].node_pools[{j}]"
                node_users.setdefault((cluster.vnet, pool.subnet), where)
                if pool.pod_subnet is not None:
                    if sized:
                        pod_users.setdefault((cluster.vnet, pool.pod_subnet), where)
                    else:
                        idle_pod_subnets.add((cluster.vnet, pool.pod_subnet))
        for i, cluster in enumerate(self.model.clusters):
            for j, pool in enumerate(cluster.node_pools):
                key = (cluster.vnet, pool.pod_subnet or "")
                if key in node_users:
                    raise _Problem(
                        f"clusters[{i}].node_pools[{j}].pod_subnet",
                        f"{pool.pod_subnet!r} is the node subnet of {node_users[key]}; "
                        "a pod subnet holds only pods, so give it a subnet of its own",
                    )
        kubenet: dict[tuple[str, str], str] = {}
        for i, cluster in enumerate(self.model.clusters):
            if cluster.network != Network.KUBENET:
                continue
            for subnet in dict.fromkeys(pool.subnet for pool in cluster.node_pools):
                key = (cluster.vnet, subnet)
                if key in kubenet and kubenet[key] != f"clusters[{i}]":
                    self.warn(
                        f"clusters[{i}]",
                        f"kubenet cluster {cluster.name!r} shares subnet {subnet!r} with "
                        f"{kubenet[key]}; AKS advises one kubenet cluster per subnet",
                    )
                kubenet.setdefault(key, f"clusters[{i}]")
        for i, vnet_model in enumerate(self.model.vnets):
            for k, subnet_model in enumerate(vnet_model.subnets):
                key = (vnet_model.name, subnet_model.name)
                if subnet_model.size is None or key in node_users or key in pod_users:
                    continue
                if key in idle_pod_subnets:
                    raise _Problem(
                        f"vnets[{i}].subnets[{k}].size",
                        f"'auto', but subnet {subnet_model.name!r} is only a pod_subnet of "
                        "clusters whose model takes no pod IPs from a subnet, and planning.compare "
                        "has no pod-subnet model, so nothing sizes it; give prefix or cidr, or "
                        "compare azure-cni-pod-subnet",
                    )
                raise _Problem(
                    f"vnets[{i}].subnets[{k}].size",
                    f"'auto', but no node pool uses subnet {subnet_model.name!r}, so there is "
                    "nothing to size it from; give prefix or cidr, or point a pool at it",
                )

    @staticmethod
    def allocate_fixed(model: VNetModel, vnet: VNet, path: str) -> None:
        """The ``prefix`` subnets must fit around the existing ones (largest first, as buddy
        allocation packs best); ``size: auto`` ones are checked when the plan sizes them."""
        requests = sorted(
            (s.prefixlen, k) for k, s in enumerate(vnet.subnets) if s.prefixlen is not None
        )
        if not requests:
            return
        spaces = [space for space in vnet.address_space if space.version == 4]
        if not spaces:
            k = requests[0][1]
            raise _Problem(
                f"{path}.subnets[{k}].prefix",
                f"{requests[0][0]} needs an IPv4 range, but address_space has none; add one",
            )
        space = AddressSpace(spaces)
        for subnet in vnet.subnets:
            if subnet.cidr is not None and subnet.cidr.version == 4:
                space.reserve(subnet.cidr)
        shortest = min(space.prefixlen for space in spaces)
        for prefixlen, k in requests:
            where = f"{path}.subnets[{k}].prefix"
            if prefixlen < shortest:
                raise _Problem(
                    where,
                    f"{prefixlen} is larger than the VNet's largest IPv4 range (a /{shortest}); "
                    f"use prefix {shortest} or more",
                )
            try:
                space.allocate(prefixlen)
            except CapacityError as err:
                raise _Problem(
                    where,
                    f"{prefixlen} does not fit: {err} once the existing subnets and larger "
                    "requests are placed; use a longer prefix, or add a range to address_space",
                ) from None


def _show_growth(model: GrowthModel) -> str:
    rates = {"nodes_per_month": model.nodes_per_month, "percent_per_month": model.percent_per_month}
    return "{" + ", ".join(f"{k}: {v:g}" for k, v in rates.items() if v is not None) + "}"


def _check_forbidden(network: IPNetwork, path: str, ranges: dict[str, str], what: str) -> None:
    for forbidden, why in ranges.items():
        if overlaps(network, forbidden):
            verb = "is" if str(network) == forbidden else "overlaps"
            raise _Problem(
                path,
                f"{network} {verb} {forbidden} ({why}), which is not allowed for {what}; "
                "use another range",
            )


def _unique(names: Sequence[str], path: str, noun: str) -> None:
    seen: dict[str, int] = {}
    for index, name in enumerate(names):
        if name in seen:
            raise _Problem(
                f"{path}[{index}].name",
                f"{name!r} is already the name of {path.rsplit('.', 1)[-1]}[{seen[name]}]; "
                f"give each {noun} its own name",
            )
        seen[name] = index


def _unknown(name: str, noun: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        fix = f"did you mean {close[0]}?"
    elif known:
        fix = f"use one of: {', '.join(known)}"
    else:
        fix = "add it first"
    return f"{name!r} is not a {noun}; {fix}"
