"""The semantic checks, in file order: a validated ScenarioModel becomes a Scenario, or the
first problem becomes one located ScenarioError.

Each concern has its module: ``networks`` (address spaces, subnets, external ranges),
``cluster_ranges`` (pod and service CIDRs, DNS IP), ``pools`` (node pools and AKS's pool and
cluster rules, from ``ipplan.rules``), ``roles`` (what each subnet is for) and ``allocation``
(the ``prefix`` subnets fit).
"""

from __future__ import annotations

from pydantic import ValidationError

from ipplan.core.growth import month_label
from ipplan.errors import FieldPath, ScenarioError
from ipplan.rules import KIND_RULES, Network, SubnetKind
from ipplan.scenario.allocation import check_fixed_allocation
from ipplan.scenario.bounds import check_planned_nodes, start_problem
from ipplan.scenario.cluster_ranges import dns_service_ip, pod_cidr, service_cidr
from ipplan.scenario.format import ClusterModel, PlanningModel, ScenarioModel
from ipplan.scenario.messages import validation_problem
from ipplan.scenario.names import check_unique, unknown
from ipplan.scenario.networks import (
    AddressSpaces,
    check_vnet_overlaps,
    external_range,
    vnet,
)
from ipplan.scenario.pools import Warnings, check_cluster_rules, node_pool
from ipplan.scenario.roles import check_subnet_roles
from ipplan.scenario.show import kind, show
from ipplan.scenario.types import DEFAULT_START, ClusterSpec, Planning, Scenario, VNet

__all__ = ["EMPTY", "parse_scenario"]

#: what to say about a file with nothing in it
EMPTY = "the file is empty; start from data/example.yaml"


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
        raise ScenarioError(EMPTY, source=source)
    if not isinstance(data, dict):
        raise ScenarioError(
            f"the top level is {kind(data)} {show(data)}, not a mapping; "
            "a scenario starts with name:, vnets: and clusters: keys",
            source=source,
            value=show(data),
        )
    try:
        model = ScenarioModel.model_validate(data)
    except ValidationError as err:
        raise validation_problem(err.errors(include_url=False)).located(source) from None
    try:
        return _build(model, source)
    except ScenarioError as err:
        raise err.located(source) from None


def _build(model: ScenarioModel, source: str) -> Scenario:
    warnings: Warnings = []
    spaces = AddressSpaces()
    planning = _planning(model.planning)
    check_unique([v.name for v in model.vnets], FieldPath(["vnets"]), "VNet")
    vnets = tuple(
        vnet(v, FieldPath(["vnets", i]), spaces, warnings) for i, v in enumerate(model.vnets)
    )
    check_unique([e.name for e in model.external], FieldPath(["external"]), "external range")
    external = tuple(
        external_range(e, FieldPath(["external", i]), spaces) for i, e in enumerate(model.external)
    )
    check_vnet_overlaps(spaces)
    check_unique([c.name for c in model.clusters], FieldPath(["clusters"]), "cluster")
    by_name = {v.name: v for v in vnets}
    clusters = tuple(
        _cluster(c, FieldPath(["clusters", i]), by_name, spaces, planning.compare, warnings)
        for i, c in enumerate(model.clusters)
    )
    pools = [
        (FieldPath(["clusters", i, "node_pools", j]), p)
        for i, c in enumerate(clusters)
        for j, p in enumerate(c.node_pools)
    ]
    end = month_label(planning.start_year, planning.start_month, planning.horizon_months)
    if too_many := check_planned_nodes(pools, planning.horizon_months, end):  # issue 12, class 3
        where, message = too_many
        horizon = FieldPath(["planning", "horizon_months"])
        cited = [horizon] if str(horizon) in message else []
        raise ScenarioError(message, path=where, refs=cited)
    check_subnet_roles(model, planning.compare, warnings)
    for i, spec in enumerate(vnets):
        check_fixed_allocation(spec, FieldPath(["vnets", i]))
    return Scenario(
        name=model.name,
        source=source,
        planning=planning,
        vnets=vnets,
        external=external,
        clusters=clusters,
        warnings=tuple(w.located(source) for w in warnings),
    )


def _planning(model: PlanningModel | None) -> Planning:
    if model is None:
        year, month = DEFAULT_START.split("-")
        return Planning(start_year=int(year), start_month=int(month))
    for i, network in enumerate(model.compare):
        if network in model.compare[:i]:
            raise ScenarioError(
                f"{network.value!r} is listed twice; list each network model once",
                path=FieldPath(["planning", "compare", i]),
                value=repr(network.value),
            )
    if problem := start_problem(model.start):  # the format's pattern said a malformed one
        shown = repr(model.start)
        raise ScenarioError(
            f"{shown} {problem}", path=FieldPath(["planning", "start"]), value=shown
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


def _cluster(
    model: ClusterModel,
    path: FieldPath,
    vnets: dict[str, VNet],
    spaces: AddressSpaces,
    compared: tuple[Network, ...],
    warnings: Warnings,
) -> ClusterSpec:
    spec = vnets.get(model.vnet)
    if spec is None:
        raise unknown(model.vnet, "VNet", list(vnets), path / "vnet")
    pods = pod_cidr(model, path, spaces)
    service = service_cidr(model, path, spaces, pods)
    dns = dns_service_ip(model, path, service)
    check_unique([p.name for p in model.node_pools], path / "node_pools", "node pool")
    subnet_names = [s.name for s in spec.subnets]
    pool_warnings: Warnings = []
    pools = tuple(
        node_pool(p, path / "node_pools" / j, model, subnet_names, pool_warnings, compared)
        for j, p in enumerate(model.node_pools)
    )
    # its own fields come before its pools
    check_cluster_rules(model, path, pools, warnings, compared)
    warnings += pool_warnings
    _check_platform_users(model, path, spec)
    return ClusterSpec(
        name=model.name,
        vnet=model.vnet,
        network=model.network,
        node_pools=pools,
        dataplane=model.dataplane,
        pod_cidr=pods if "pod_cidr" in model.model_fields_set else None,
        service_cidr=service,
        dns_service_ip=dns,
        private_cluster=model.private_cluster,
        internal_lbs=model.internal_lbs,
        private_endpoints=model.private_endpoints,
        internal_lb_subnet=model.internal_lb_subnet,
        private_link_services=tuple((p.subnet, p.nat_ips) for p in model.private_link_services),
        api_server_subnet=model.api_server_subnet,
    )


def _check_platform_users(model: ClusterModel, path: FieldPath, vnet: VNet) -> None:
    """Rule A24: the subnets a cluster names exist; an api_server_subnet is of kind api-server;
    node, pod, internal LB and Private Link subnets are not platform subnets."""
    kinds = {s.name: s.kind for s in vnet.subnets}
    noun = f"subnet of VNet {model.vnet!r}"
    named: list[tuple[FieldPath, str, SubnetKind | None]] = []
    for j, pool in enumerate(model.node_pools):
        named.append((path / "node_pools" / j / "subnet", pool.subnet, None))
        if pool.pod_subnet is not None:
            named.append((path / "node_pools" / j / "pod_subnet", pool.pod_subnet, None))
    if model.internal_lb_subnet is not None:
        named.append((path / "internal_lb_subnet", model.internal_lb_subnet, None))
    for k, service in enumerate(model.private_link_services):
        named.append((path / "private_link_services" / k / "subnet", service.subnet, None))
    if model.api_server_subnet is not None:
        named.append((path / "api_server_subnet", model.api_server_subnet, SubnetKind.API_SERVER))
    if model.virtual_nodes_subnet is not None:
        where = path / "virtual_nodes_subnet"
        named.append((where, model.virtual_nodes_subnet, SubnetKind.ACI))
        if model.network is not Network.AZURE_CNI:
            raise ScenarioError(
                f"{model.virtual_nodes_subnet!r} gives cluster {model.name!r} virtual nodes, which "
                f"run only on azure-cni (node subnet), not {model.network} (rule A24); use "
                "network azure-cni, or remove virtual_nodes_subnet",
                path=where,
                value=repr(model.virtual_nodes_subnet),
            )
    for where, name, wanted in named:
        if name not in kinds:
            raise unknown(name, noun, list(kinds), where)
        kind = kinds[name]
        if wanted is not None and kind is not wanted:
            what = "has no kind" if kind is None else f"is of kind {kind}"
            user = (
                "the API server's VNet integration needs"
                if wanted is SubnetKind.API_SERVER
                else "virtual nodes need"
            )
            raise ScenarioError(
                f"{name!r} {what}; {user} a subnet of kind {wanted}, delegated to "
                f"{KIND_RULES[wanted].delegation} (rule A24); set kind: {wanted} on it",
                path=where,
                value=repr(name),
            )
        if wanted is None and kind is not None:
            raise ScenarioError(
                f"{name!r} is a platform subnet of kind {kind}, which holds only its service "
                "(rule A24); use a subnet with no kind",
                path=where,
                value=repr(name),
            )
