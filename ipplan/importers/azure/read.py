"""Reading Azure's JSON: the documents ``az`` prints, unwrapped into the resources ipplan uses.

Keys are matched case-insensitively, and a field is looked up in an object and then in its
``properties`` (the ARM shape), so ``az`` output and ARM REST bodies read the same.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from netaddr import IPNetwork

from ipplan.core.cidr import parse_address, parse_network
from ipplan.errors import IpplanError, ScenarioError
from ipplan.scenario.bounds import json_load_bounded

__all__ = [
    "AzCluster",
    "AzPeering",
    "AzPool",
    "AzSubnet",
    "AzVNet",
    "read_clusters",
    "read_vnets",
    "resource_group",
]

_VNETS_HINT = "pass the output of `az network vnet list -o json`"
_CLUSTERS_HINT = "pass the output of `az aks list -o json`"
_VNET_TYPE = "microsoft.network/virtualnetworks"
_CLUSTER_TYPE = "microsoft.containerservice/managedclusters"
_POOL_TYPE = "microsoft.containerservice/managedclusters/agentpools"
_RESOURCE_GROUP = re.compile(r"/resourcegroups/([^/]+)", re.IGNORECASE)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _json_type(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return "a string" if isinstance(value, str) else "a number"


@dataclass(frozen=True)
class _Node:
    """One JSON object of a document, with its location for messages. Keys are case-insensitive,
    and a field is looked up in the object and then in its ``properties`` (the ARM shape)."""

    source: str
    path: str
    data: Mapping[str, Any]

    def _find(self, name: str) -> tuple[str, Any]:
        found = self._fields.get(name.lower())
        if found is None:
            return _join(self.path, name), None
        scope, key, value = found
        return _join(scope, key), value

    @cached_property
    def _fields(self) -> dict[str, tuple[str, str, Any]]:
        """Each field by its lower-cased name, as (path of its object, key, value): the object's
        own first, then its properties'; the first one that is not null wins (one pass, however
        often fields are looked up; a field's path is joined only for a message or a child)."""
        fields: dict[str, tuple[str, str, Any]] = {}
        nested: list[tuple[str, Mapping[str, Any]]] = []
        for key, value in self.data.items():
            lower = key.lower()
            if value is not None and lower not in fields:
                fields[lower] = (self.path, key, value)
            if lower == "properties" and isinstance(value, Mapping):
                nested.append((_join(self.path, key), value))
        for path, scope in nested:
            for key, value in scope.items():
                if value is not None:
                    fields.setdefault(key.lower(), (path, key, value))
        return fields

    def where(self, name: str = "") -> str:
        """``source: path.to.field`` for messages."""
        path = self._find(name)[0] if name else self.path
        return f"{self.source}: {path}" if path else self.source

    def get(self, name: str) -> Any:
        found = self._fields.get(name.lower())
        return None if found is None else found[2]

    def fail(self, name: str, problem: str) -> ScenarioError:
        return ScenarioError(f"{self.where(name)}: {problem}")

    def text(self, name: str) -> str | None:
        value = self.get(name)
        if value is None or isinstance(value, str):
            return value
        raise self.fail(name, f"{value!r} should be a string, not {_json_type(value)}")

    def number(self, name: str) -> int | None:
        value = self.get(name)
        if value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        raise self.fail(name, f"{value!r} should be a whole number of 0 or more")

    def flag(self, name: str) -> bool:
        value = self.get(name)
        if value is None or isinstance(value, bool):
            return value is True
        raise self.fail(name, f"{value!r} should be true or false")

    def node(self, name: str) -> _Node | None:
        path, value = self._find(name)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            raise self.fail(name, f"should be an object, not {_json_type(value)}")
        return _Node(self.source, path, value)

    def nodes(self, name: str) -> list[_Node]:
        path, value = self._find(name)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(name, f"should be a list, not {_json_type(value)}")
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, Mapping):
                raise ScenarioError(
                    f"{self.source}: {path}[{i}]: should be an object, not {_json_type(item)}"
                )
            out.append(_Node(self.source, f"{path}[{i}]", item))
        return out

    def strings(self, name: str) -> list[str]:
        """A string or a list of strings (``addressPrefix`` is a list in some exports)."""
        value = self.get(name)
        if value is None:
            return []
        items = value if isinstance(value, list) else [value]
        if all(isinstance(item, str) for item in items):
            return list(items)
        raise self.fail(name, f"{value!r} should be a string or a list of strings")

    def kind(self) -> str:
        """What Azure resource this object is: vnet, cluster, pool, subnet, peering or ''."""
        kind = (self.get("type") or "") if isinstance(self.get("type"), str) else ""
        kind = kind.lower()
        rid = self.get("id") if isinstance(self.get("id"), str) else ""
        if kind == _VNET_TYPE or self.get("addressSpace") is not None:
            return "vnet"
        if kind == _CLUSTER_TYPE or self.get("agentPoolProfiles") is not None:
            return "cluster"
        if kind == _POOL_TYPE or "/agentpools/" in rid.lower():
            return "pool"
        if kind.endswith("/subnets") or self.get("addressPrefix") or self.get("addressPrefixes"):
            return "subnet"
        if kind.endswith("/virtualnetworkpeerings") or self.get("remoteVirtualNetwork"):
            return "peering"
        return ""


def _load(source: str, text: str, hint: str) -> list[_Node]:
    """The resource objects in one file, unwrapped from lists, list bodies and REST examples."""
    try:
        document = json_load_bounded(text, source)  # depth and digits bounded before parsing
    except json.JSONDecodeError as err:
        raise ScenarioError(
            f"{source}: line {err.lineno}, column {err.colno}: not valid JSON ({err.msg}): {hint}"
        ) from None
    except RecursionError:
        raise ScenarioError(f"{source}: JSON nested too deeply: {hint}") from None
    return list(_unwrap(document, source, "", hint))


def _unwrap(document: Any, source: str, path: str, hint: str) -> Iterator[_Node]:
    where = f"{source}: {path}" if path else source
    if isinstance(document, list):
        for i, item in enumerate(document):
            if not isinstance(item, dict):
                raise ScenarioError(
                    f"{source}: {path}[{i}]: expected a JSON object, not {_json_type(item)}: {hint}"
                )
            yield from _unwrap(item, source, f"{path}[{i}]", hint)
        return
    if not isinstance(document, dict):
        raise ScenarioError(
            f"{where}: expected a JSON object or list, not {_json_type(document)}: {hint}"
        )
    responses = document.get("responses")
    if isinstance(responses, dict):
        for code in ("200", "201"):
            response = responses.get(code)
            if isinstance(response, dict) and "body" in response:
                body_path = _join(path, f"responses.{code}.body")
                yield from _unwrap(response["body"], source, body_path, hint)
                return
        raise ScenarioError(f"{where}: a REST example without a 200 or 201 body: {hint}")
    if isinstance(document.get("value"), list) and "id" not in document:
        yield from _unwrap(document["value"], source, _join(path, "value"), hint)
        return
    yield _Node(source, path, document)


def _what(node: _Node) -> str:
    name = node.get("name")
    return f"{node.where()} ({name})" if isinstance(name, str) else node.where()


@dataclass(frozen=True)
class AzSubnet:
    name: str
    rid: str  # resource ID, lower case ("" when absent)
    prefixes: tuple[IPNetwork, ...]  # IPv4 only
    ipv6: tuple[str, ...]
    ip_configs: tuple[str, ...]  # ipConfiguration IDs, lower case, distinct
    delegations: tuple[str, ...]
    app_gateway: bool


@dataclass(frozen=True)
class AzPeering:
    name: str
    remote_id: str  # lower case
    remote_name: str
    prefixes: tuple[IPNetwork, ...]  # remoteAddressSpace, IPv4
    current: tuple[IPNetwork, ...]  # remoteVirtualNetworkAddressSpace, IPv4
    ipv6: tuple[str, ...]
    state: str


@dataclass(frozen=True)
class AzVNet:
    name: str
    rid: str
    resource_group: str  # lower case
    where: str
    prefixes: tuple[IPNetwork, ...]
    ipv6: tuple[str, ...]
    subnets: tuple[AzSubnet, ...]
    peerings: tuple[AzPeering, ...]


@dataclass(frozen=True)
class AzPool:
    name: str
    rid: str
    where: str
    count: int | None
    min_count: int | None
    max_count: int | None
    autoscale: bool
    max_pods: int | None
    max_surge: str | None
    windows: bool
    subnet_id: str  # lower case, "" for the AKS-managed VNet
    pod_subnet_id: str
    static_block: bool
    spot: bool = False  # scaleSetPriority Spot
    mode: str = ""  # "system", "user" or "" (lower case)
    strategy: str = ""  # upgradeStrategy, lower case: "rolling", "bluegreen" or ""
    max_unavailable: str | None = None  # upgradeSettings.maxUnavailable as exported


@dataclass(frozen=True)
class AzCluster:
    name: str
    rid: str
    where: str
    node_resource_group: str
    plugin: str
    plugin_mode: str
    dataplane: str
    pod_cidrs: tuple[tuple[str, ...], tuple[str, ...]]  # IPv4, IPv6 (dual-stack)
    service_cidrs: tuple[tuple[str, ...], tuple[str, ...]]
    dns_service_ip: str | None
    private: bool
    pools: tuple[AzPool, ...]
    api_subnet_id: str = ""  # API Server VNet Integration's subnet, lower case ("" without)


def _networks(node: _Node, *names: str) -> tuple[list[IPNetwork], list[str]]:
    """The IPv4 networks and the IPv6 texts of the given prefix fields, in order, distinct."""
    v4: list[IPNetwork] = []
    v6: list[str] = []
    for name in names:
        for text in node.strings(name):
            try:
                network = parse_network(text)
            except IpplanError as err:
                raise node.fail(name, str(err)) from None
            if network.version == 6:
                if str(network) not in v6:
                    v6.append(str(network))
            elif network not in v4:
                v4.append(network)
    return v4, v6


def resource_group(rid: str) -> str:
    match = _RESOURCE_GROUP.search(rid)
    return match.group(1).lower() if match else ""


def _required_name(node: _Node, what: str, hint: str) -> str:
    name = node.text("name")
    if not name:
        raise ScenarioError(f"{node.where()}: {what} without a name: {hint}")
    return name


def _read_subnet(node: _Node) -> AzSubnet:
    name = _required_name(node, "a subnet", _VNETS_HINT)
    prefixes, ipv6 = _networks(node, "addressPrefix", "addressPrefixes")
    configs: list[str] = []
    for config in node.nodes("ipConfigurations"):
        rid = (config.text("id") or f"#{len(configs)}").lower()
        if rid not in configs:
            configs.append(rid)
    return AzSubnet(
        name=name,
        rid=(node.text("id") or "").lower(),
        prefixes=tuple(prefixes),
        ipv6=tuple(ipv6),
        ip_configs=tuple(configs),
        delegations=tuple(
            d.text("serviceName") or d.text("name") or "?" for d in node.nodes("delegations")
        ),
        app_gateway=bool(node.nodes("applicationGatewayIPConfigurations")),
    )


def _read_peering(node: _Node) -> AzPeering:
    remote = node.node("remoteVirtualNetwork")
    remote_id = (remote.text("id") or "") if remote else ""
    name = node.text("name") or remote_id.rsplit("/", 1)[-1] or "peering"
    prefixes: list[IPNetwork] = []
    current: list[IPNetwork] = []
    ipv6: list[str] = []
    for field_name, into in (
        ("remoteAddressSpace", prefixes),
        ("remoteVirtualNetworkAddressSpace", current),
    ):
        space = node.node(field_name)
        if space:
            v4, v6 = _networks(space, "addressPrefixes")
            into.extend(v4)
            ipv6.extend(text for text in v6 if text not in ipv6)
    return AzPeering(
        name=name,
        remote_id=remote_id.lower(),
        remote_name=remote_id.rstrip("/").rsplit("/", 1)[-1] if remote_id else name,
        prefixes=tuple(prefixes),
        current=tuple(current),
        ipv6=tuple(ipv6),
        state=node.text("peeringState") or "",
    )


def _read_vnet(node: _Node) -> AzVNet:
    name = _required_name(node, "a virtual network", _VNETS_HINT)
    rid = node.text("id") or ""
    space = node.node("addressSpace")
    prefixes, ipv6 = _networks(space, "addressPrefixes") if space else ([], [])
    return AzVNet(
        name=name,
        rid=rid.lower(),
        resource_group=resource_group(rid) or (node.text("resourceGroup") or "").lower(),
        where=node.where(),
        prefixes=tuple(prefixes),
        ipv6=tuple(ipv6),
        subnets=tuple(_read_subnet(s) for s in node.nodes("subnets")),
        peerings=tuple(_read_peering(p) for p in node.nodes("virtualNetworkPeerings")),
    )


def _read_pool(node: _Node) -> AzPool:
    upgrade = node.node("upgradeSettings")
    surge = upgrade.get("maxSurge") if upgrade else None
    unavailable = upgrade.get("maxUnavailable") if upgrade else None
    return AzPool(
        name=_required_name(node, "an agent pool", _CLUSTERS_HINT),
        rid=(node.text("id") or "").lower(),
        where=node.where(),
        count=node.number("count"),
        min_count=node.number("minCount"),
        max_count=node.number("maxCount"),
        autoscale=node.flag("enableAutoScaling"),
        max_pods=node.number("maxPods"),
        max_surge=None if surge is None or str(surge).strip() == "" else str(surge).strip(),
        windows=(node.text("osType") or "").lower() == "windows",
        subnet_id=(node.text("vnetSubnetID") or "").lower(),
        pod_subnet_id=(node.text("podSubnetID") or "").lower(),
        static_block=(node.text("podIPAllocationMode") or "").lower() == "staticblock",
        spot=(node.text("scaleSetPriority") or "").lower() == "spot",
        mode=(node.text("mode") or "").lower(),
        strategy=(node.text("upgradeStrategy") or "").lower(),
        max_unavailable=None if unavailable is None else str(unavailable).strip() or None,
    )


def _read_cluster(node: _Node) -> AzCluster:
    name = _required_name(node, "a managed cluster", _CLUSTERS_HINT)
    rid = node.text("id") or ""
    group = resource_group(rid) or (node.text("resourceGroup") or "")
    # AKS's default node resource group name, for documents that leave it out
    default_node_rg = f"MC_{group}_{name}_{node.text('location') or ''}"
    profile = node.node("networkProfile") or _Node(node.source, "networkProfile", {})
    api = node.node("apiServerAccessProfile")
    return AzCluster(
        name=name,
        rid=rid.lower(),
        where=node.where(),
        node_resource_group=node.text("nodeResourceGroup") or default_node_rg,
        plugin=(profile.text("networkPlugin") or "").lower(),
        plugin_mode=(profile.text("networkPluginMode") or "").lower(),
        # older preview API versions spell the Cilium dataplane ebpfDataplane
        dataplane=(profile.text("networkDataplane") or profile.text("ebpfDataplane") or "").lower(),
        pod_cidrs=_dual_stack(profile, "podCidrs", "podCidr"),
        service_cidrs=_dual_stack(profile, "serviceCidrs", "serviceCidr"),
        dns_service_ip=_address(profile, "dnsServiceIP"),
        private=api.flag("enablePrivateCluster") if api else False,
        pools=tuple(_read_pool(p) for p in node.nodes("agentPoolProfiles")),
        api_subnet_id=(api.text("subnetId") or "").lower()
        if api and api.flag("enableVnetIntegration")
        else "",
    )


def _dual_stack(node: _Node, plural: str, single: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The IPv4 and IPv6 CIDRs of a dual-stack list such as ``podCidrs``, else of ``podCidr``."""
    v4, v6 = _networks(node, plural if node.get(plural) else single)
    return tuple(str(n) for n in v4), tuple(v6)


def _address(node: _Node, name: str) -> str | None:
    text = node.text(name)
    if text is None:
        return None
    try:
        return str(parse_address(text))
    except IpplanError as err:
        raise node.fail(name, str(err)) from None


def read_vnets(files: Sequence[tuple[str, str]]) -> list[AzVNet]:
    vnets = []
    for source, text in files:
        for node in _load(source, text, _VNETS_HINT):
            kind = node.kind()
            if kind == "cluster":
                raise ScenarioError(f"{_what(node)}: is an AKS cluster: pass it with --clusters")
            if kind == "subnet":
                raise ScenarioError(
                    f"{_what(node)}: is a subnet, not a virtual network: ipplan needs the VNet's "
                    f"address space too: {_VNETS_HINT}"
                )
            if kind != "vnet":
                raise ScenarioError(
                    f"{_what(node)}: not a virtual network (no addressSpace): {_VNETS_HINT}"
                )
            vnets.append(_read_vnet(node))
    if not vnets:
        sources = ", ".join(source for source, _ in files)
        raise ScenarioError(f"{sources}: no virtual networks found: {_VNETS_HINT}")
    return vnets


def read_clusters(files: Sequence[tuple[str, str]], notes: list[str]) -> list[AzCluster]:
    clusters: list[AzCluster] = []
    pools: list[AzPool] = []
    for source, text in files:
        for node in _load(source, text, _CLUSTERS_HINT):
            kind = node.kind()
            if kind == "vnet":
                raise ScenarioError(f"{_what(node)}: is a virtual network: pass it with --vnets")
            if kind == "cluster":
                clusters.append(_read_cluster(node))
            elif kind == "pool":
                pools.append(_read_pool(node))
            else:
                raise ScenarioError(
                    f"{_what(node)}: not an AKS cluster or agent pool (no agentPoolProfiles): "
                    f"{_CLUSTERS_HINT}"
                )
    # A standalone agent pool document is newer or more detailed than the cluster's profile.
    for pool in pools:
        owner = pool.rid.rsplit("/agentpools/", 1)[0]
        for i, cluster in enumerate(clusters):
            if owner and cluster.rid == owner:
                names = [p.name.lower() for p in cluster.pools]
                at = names.index(pool.name.lower()) if pool.name.lower() in names else len(names)
                merged = (*cluster.pools[:at], pool, *cluster.pools[at + 1 :])
                clusters[i] = replace(cluster, pools=merged)
                break
        else:
            owner_name = owner.rsplit("/", 1)[-1] if owner else "unknown"
            notes.append(
                f"agent pool {pool.name} ({pool.where}) belongs to cluster {owner_name}, which is "
                f"not in the import: ignored; pass the cluster with --clusters"
            )
    return clusters
