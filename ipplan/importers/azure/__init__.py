"""Import an Azure estate into a scenario: VNets, subnets, peerings and AKS clusters.

ipplan never calls Azure: the user runs ``az`` and hands over the JSON. This module is pure: it
takes the text of those files and returns the scenario as data and as YAML text with comments.

Accepted documents (each a single object, a list, a ``{"value": [...]}`` list body, or a REST
example ``{"responses": {"200": {"body": ...}}}``, where 200 is read before 201):

- VNets: ``az network vnet list -o json`` / ``az network vnet show`` (flattened camelCase) and the
  ARM REST shape (fields under ``properties``). Keys are matched case-insensitively, so
  ``vnetSubnetID`` (ARM) and ``vnetSubnetId`` (CLI) are the same field.
- Clusters: ``az aks list|show -o json`` and ARM managed cluster bodies, with their
  ``agentPoolProfiles``. Standalone agent pool documents (``az aks nodepool list|show``,
  ``AgentPools_Get``) replace the same-named pool of their cluster (matched by resource ID), or
  are added to it; a pool whose cluster is not imported is reported and ignored.

How a subnet's ``used_ips`` is counted: the number of its ``ipConfigurations``, less those an
imported cluster's settings already model, so nothing is counted twice. An ipConfiguration belongs
to an imported cluster when its resource group is the cluster's node resource group and it is

- a NIC of one of the cluster's imported node pools' scale sets (``virtualMachineScaleSets/
  aks-<pool>-...`` for Linux, ``aks<pool>`` for Windows): node IPs, and with azure-cni or a pod
  subnet also the pod IPs; the node pools model these;
- a frontend of the ``kubernetes-internal`` load balancer in the subnet of the cluster's first
  node pool: it is counted in the cluster's ``internal_lbs`` instead;
- the API server's private endpoint NIC (``kube-apiserver.nic.*``) of a private cluster, in the
  subnet of its first node pool: ``private_cluster: true`` models it.

Anything else stays in ``used_ips``: counting it twice only makes the plan more cautious.

Clusters are matched to subnets by the pools' ``vnetSubnetID``/``podSubnetID`` (case-insensitive,
as Azure compares resource IDs). A pool without ``vnetSubnetID`` runs in the AKS-managed VNet
(``aks-vnet-*`` with subnet ``aks-subnet`` in the node resource group); it is used when that VNet is
imported. What cannot be mapped is kept as a ``# ipplan:`` comment in the generated file.

The result always passes ``parse_scenario``: each build is validated, and what ipplan would
reject (VNets that overlap, a service CIDR that overlaps a VNet, ...) is left out, commented out
with the validation message, and the scenario built again without it.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import yaml
from netaddr import IPNetwork

from ipplan.core.cidr import parse_address, parse_network
from ipplan.errors import IpplanError, ScenarioError, one_line
from ipplan.rules import DEFAULT_POD_CIDR, DEFAULT_SERVICE_CIDR, Network, parse_surge
from ipplan.scenario import Planning, parse_scenario
from ipplan.scenario.bounds import json_load_bounded

__all__ = ["AzureImport", "import_azure"]

_VNETS_HINT = "pass the output of `az network vnet list -o json`"
_CLUSTERS_HINT = "pass the output of `az aks list -o json`"
_VNET_TYPE = "microsoft.network/virtualnetworks"
_CLUSTER_TYPE = "microsoft.containerservice/managedclusters"
_POOL_TYPE = "microsoft.containerservice/managedclusters/agentpools"
#: AKS names the VMSS of a Linux pool ``aks-<pool>-<hash>-vmss``, of a Windows pool ``aks<pool>``
_VMSS = re.compile(r"/providers/microsoft\.compute/virtualmachinescalesets/([^/]+)(/|$)")
_ILB = re.compile(r"/providers/microsoft\.network/loadbalancers/kubernetes-internal/frontendip")
_API_NIC = re.compile(r"/providers/microsoft\.network/networkinterfaces/kube-apiserver\.nic\.")
_RESOURCE_GROUP = re.compile(r"/resourcegroups/([^/]+)", re.IGNORECASE)
_NAME_CHARS = re.compile(r"[^A-Za-z0-9._-]+")
_REVIEW = "ipplan: "  # starts the comments that need a review
_REJECTED = "not imported, as ipplan would reject it; fix it here and uncomment it"
_POD_SUBNET_NETWORKS = (Network.POD_SUBNET, Network.POD_SUBNET_STATIC)
_PLANNING_DEFAULTS = {
    "horizon_months": Planning.horizon_months,
    "headroom_pct": Planning.headroom_pct,
    "warn_at_pct": Planning.warn_at_pct,
}


@dataclass(frozen=True)
class AzureImport:
    """The result of an import: the scenario as data, as YAML text, and what needs review.

    ``text`` loads (``yaml.safe_load``) to exactly ``scenario``; ``notes`` are the items the import
    could not map as they are (each is also a ``# ipplan:`` comment in ``text``).
    """

    scenario: dict[str, Any]
    text: str
    notes: tuple[str, ...]


# --- reading the JSON -------------------------------------------------------------------------


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
        wanted = name.lower()
        scopes: list[tuple[str, Mapping[str, Any]]] = [(self.path, self.data)]
        for key, value in self.data.items():
            if key.lower() == "properties" and isinstance(value, Mapping):
                scopes.append((_join(self.path, key), value))
        for path, scope in scopes:
            for key, value in scope.items():
                if key.lower() == wanted and value is not None:
                    return _join(path, key), value
        return _join(self.path, name), None

    def where(self, name: str = "") -> str:
        """``source: path.to.field`` for messages."""
        path = self._find(name)[0] if name else self.path
        return f"{self.source}: {path}" if path else self.source

    def get(self, name: str) -> Any:
        return self._find(name)[1]

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
        document = json_load_bounded(text, source)
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


# --- Azure resources, as read ------------------------------------------------------------------


@dataclass(frozen=True)
class _AzSubnet:
    name: str
    rid: str  # resource ID, lower case ("" when absent)
    prefixes: tuple[IPNetwork, ...]  # IPv4 only
    ipv6: tuple[str, ...]
    ip_configs: tuple[str, ...]  # ipConfiguration IDs, lower case, distinct
    delegations: tuple[str, ...]
    app_gateway: bool


@dataclass(frozen=True)
class _AzPeering:
    name: str
    remote_id: str  # lower case
    remote_name: str
    prefixes: tuple[IPNetwork, ...]  # remoteAddressSpace, IPv4
    current: tuple[IPNetwork, ...]  # remoteVirtualNetworkAddressSpace, IPv4
    ipv6: tuple[str, ...]
    state: str


@dataclass(frozen=True)
class _AzVNet:
    name: str
    rid: str
    resource_group: str  # lower case
    where: str
    prefixes: tuple[IPNetwork, ...]
    ipv6: tuple[str, ...]
    subnets: tuple[_AzSubnet, ...]
    peerings: tuple[_AzPeering, ...]


@dataclass(frozen=True)
class _AzPool:
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


@dataclass(frozen=True)
class _AzCluster:
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
    pools: tuple[_AzPool, ...]


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


def _resource_group(rid: str) -> str:
    match = _RESOURCE_GROUP.search(rid)
    return match.group(1).lower() if match else ""


def _required_name(node: _Node, what: str, hint: str) -> str:
    name = node.text("name")
    if not name:
        raise ScenarioError(f"{node.where()}: {what} without a name: {hint}")
    return name


def _read_subnet(node: _Node) -> _AzSubnet:
    name = _required_name(node, "a subnet", _VNETS_HINT)
    prefixes, ipv6 = _networks(node, "addressPrefix", "addressPrefixes")
    configs: list[str] = []
    for config in node.nodes("ipConfigurations"):
        rid = (config.text("id") or f"#{len(configs)}").lower()
        if rid not in configs:
            configs.append(rid)
    return _AzSubnet(
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


def _read_peering(node: _Node) -> _AzPeering:
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
    return _AzPeering(
        name=name,
        remote_id=remote_id.lower(),
        remote_name=remote_id.rstrip("/").rsplit("/", 1)[-1] if remote_id else name,
        prefixes=tuple(prefixes),
        current=tuple(current),
        ipv6=tuple(ipv6),
        state=node.text("peeringState") or "",
    )


def _read_vnet(node: _Node) -> _AzVNet:
    name = _required_name(node, "a virtual network", _VNETS_HINT)
    rid = node.text("id") or ""
    space = node.node("addressSpace")
    prefixes, ipv6 = _networks(space, "addressPrefixes") if space else ([], [])
    return _AzVNet(
        name=name,
        rid=rid.lower(),
        resource_group=_resource_group(rid) or (node.text("resourceGroup") or "").lower(),
        where=node.where(),
        prefixes=tuple(prefixes),
        ipv6=tuple(ipv6),
        subnets=tuple(_read_subnet(s) for s in node.nodes("subnets")),
        peerings=tuple(_read_peering(p) for p in node.nodes("virtualNetworkPeerings")),
    )


def _read_pool(node: _Node) -> _AzPool:
    upgrade = node.node("upgradeSettings")
    surge = upgrade.get("maxSurge") if upgrade else None
    return _AzPool(
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
    )


def _read_cluster(node: _Node) -> _AzCluster:
    name = _required_name(node, "a managed cluster", _CLUSTERS_HINT)
    rid = node.text("id") or ""
    resource_group = _resource_group(rid) or (node.text("resourceGroup") or "")
    # AKS's default node resource group name, for documents that leave it out
    default_node_rg = f"MC_{resource_group}_{name}_{node.text('location') or ''}"
    profile = node.node("networkProfile") or _Node(node.source, "networkProfile", {})
    api = node.node("apiServerAccessProfile")
    return _AzCluster(
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


def _read_vnets(files: Sequence[tuple[str, str]]) -> list[_AzVNet]:
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


def _read_clusters(files: Sequence[tuple[str, str]], notes: list[str]) -> list[_AzCluster]:
    clusters: list[_AzCluster] = []
    pools: list[_AzPool] = []
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


# --- building the scenario -----------------------------------------------------------------------


@dataclass
class _Entry:
    """One list item of the generated YAML, with the comments written before it.

    A dropped entry is written commented out and left out of the scenario data.
    """

    data: dict[str, Any]
    flow: bool = True  # one line ``- {...}``; else a block mapping
    children: dict[str, list[_Entry]] = field(default_factory=dict)
    comments: list[str] = field(default_factory=list)
    field_comments: dict[str, list[str]] = field(default_factory=dict)
    dropped: bool = False
    origin: Any = None  # what it was built from, to map a validation error back to it

    def scenario(self) -> dict[str, Any]:
        data = dict(self.data)
        for key, children in self.children.items():
            data[key] = [child.scenario() for child in children if not child.dropped]
        return data


class _Ranges:
    """Disjoint IPv4 ranges, each with a label; finds one overlapping a network in O(log n)."""

    def __init__(self) -> None:
        self._firsts: list[int] = []
        self._items: list[tuple[int, int, str]] = []

    def find(self, network: IPNetwork) -> str | None:
        i = bisect_right(self._firsts, network.last) - 1
        if i >= 0 and self._items[i][1] >= network.first:
            return self._items[i][2]
        return None

    def add(self, network: IPNetwork, label: str) -> None:
        i = bisect_right(self._firsts, network.first)
        self._firsts.insert(i, network.first)
        self._items.insert(i, (network.first, network.last, label))


def _cidrs(networks: Sequence[IPNetwork]) -> str:
    return ", ".join(str(n) for n in networks)


def _inside(network: IPNetwork, spaces: Sequence[IPNetwork]) -> bool:
    return any(s.first <= network.first and network.last <= s.last for s in spaces)


def _valid_name(name: str) -> bool:
    return _NAME_CHARS.search(name) is None and name[:1].isalnum()


def _unique(name: str, taken: set[str]) -> str:
    """*name* made a valid scenario name (letters, digits, - _ .), distinct from *taken*."""
    base = _NAME_CHARS.sub("-", name).strip("-._") or "unnamed"
    candidate, n = base, 2
    while candidate.lower() in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate.lower())
    return candidate


@dataclass
class _Live:
    """An imported cluster, for counting its NICs out of ``used_ips``."""

    entry: _Entry
    pools: tuple[str, ...]  # lower-case names of its imported pools
    first_subnet: tuple[int, int]  # (vnet, subnet) of its first pool
    private: bool


#: the source name given to parse_scenario when checking a build
_TRIAL = "<import>"
_ITEM = re.compile(r"(vnets|external|clusters)\[(\d+)\](?:\.(subnets|node_pools)\[(\d+)\])?")


class _Vetoes:
    """Items that scenario validation rejected, with its reason: the next build leaves them out.

    The import keeps what ipplan cannot plan out of the scenario rather than write a file that
    ``ipplan plan`` rejects, such as a service CIDR that overlaps a peered VNet.
    """

    def __init__(self) -> None:
        self.reasons: dict[tuple[Any, ...], str] = {}

    def get(self, *key: Any) -> str | None:
        return self.reasons.get(key)

    def add(self, message: str, sections: Mapping[str, list[_Entry]]) -> None:
        text = message.removeprefix(f"{_TRIAL}: ")
        match = _ITEM.match(text)
        if match is None:
            raise RuntimeError(f"bug: the imported scenario does not validate: {message}")
        entry, child = _at(match, sections)
        key: tuple[Any, ...] = (match[1], entry.origin)
        if child is not None:
            key += (child.origin,)
        if key in self.reasons:
            raise RuntimeError(f"bug: the import does not leave out {key}: {message}")
        # name the items the message points at: positions change once this one is left out
        detail = text[match.end() :].lstrip(".:").strip()
        self.reasons[key] = _ITEM.sub(lambda m: _named(m, sections), detail)


def _at(match: re.Match[str], sections: Mapping[str, list[_Entry]]) -> tuple[_Entry, _Entry | None]:
    """The entry (and child entry) a validation path such as ``clusters[1].node_pools[0]`` names."""
    section, index, child, child_index = match.groups()
    entry = [e for e in sections[section] if not e.dropped][int(index)]
    if not child:
        return entry, None
    return entry, [c for c in entry.children[child] if not c.dropped][int(child_index)]


def _named(match: re.Match[str], sections: Mapping[str, list[_Entry]]) -> str:
    entry, child = _at(match, sections)
    path = f"{match[1]}[{entry.data['name']}]"
    return path if child is None else f"{path}.{match[3]}[{child.data['name']}]"


def _check(scenario: dict[str, Any]) -> str | None:
    try:
        parse_scenario(scenario, source=_TRIAL)
    except ScenarioError as err:
        return str(err)
    return None


def _problems(scenario: dict[str, Any]) -> list[str]:
    """What scenario validation rejects in a build: the first problem of the VNets and external
    ranges; else the first of each cluster, checked one by one (one pass finds them all); else
    the first of the whole scenario (what spans clusters)."""
    clusters = scenario.get("clusters", [])
    base = {key: value for key, value in scenario.items() if key != "clusters"}
    problem = _check(base)
    if problem:
        return [problem]
    spaces = [[parse_network(c) for c in v["address_space"]] for v in base["vnets"]]
    external = [[parse_network(c) for c in e["cidrs"]] for e in base.get("external", [])]
    problems = []
    for i, cluster in enumerate(clusters):
        # Other VNets' subnets never matter to a cluster, and VNets or ranges away from its pod
        # and service CIDRs only to the wording of a problem (indices, suggested ranges): check
        # without them first (fast), and with them only to word a problem found.
        ranges = _cluster_ranges(cluster)
        near = [
            {**v, "subnets": []} if v["name"] != cluster["vnet"] else v
            for v, networks in zip(base["vnets"], spaces, strict=True)
            if v["name"] == cluster["vnet"] or ranges is None or _touch(networks, ranges)
        ]
        near_external = [
            e
            for e, networks in zip(base.get("external", []), external, strict=True)
            if ranges is None or _touch(networks, ranges)
        ]
        if _check({**base, "vnets": near, "external": near_external, "clusters": [cluster]}):
            full = [
                v if v["name"] == cluster["vnet"] else {**v, "subnets": []} for v in base["vnets"]
            ]
            problem = _check({**base, "vnets": full, "clusters": [cluster]})
            if problem:
                problems.append(
                    problem.replace(f"{_TRIAL}: clusters[0]", f"{_TRIAL}: clusters[{i}]", 1)
                )
    if problems or not clusters:
        return problems
    problem = _check(scenario)
    return [problem] if problem else []


def _cluster_ranges(cluster: Mapping[str, Any]) -> list[IPNetwork] | None:
    """The ranges a cluster's checks compare with the VNets: its pod and service CIDRs, or the
    defaults; None when one does not parse."""
    texts = [cluster.get("pod_cidr"), cluster.get("service_cidr")]
    texts += [DEFAULT_POD_CIDR, DEFAULT_SERVICE_CIDR]
    try:
        return [parse_network(text) for text in texts if text]
    except IpplanError:
        return None


def _touch(networks: Sequence[IPNetwork], ranges: Sequence[IPNetwork]) -> bool:
    return any(n.first <= r.last and r.first <= n.last for n in networks for r in ranges)


class _Builder:
    def __init__(
        self, vnets: list[_AzVNet], clusters: list[_AzCluster], top: list[str], vetoes: _Vetoes
    ) -> None:
        self.top = top
        self.vetoes = vetoes
        self.vnets: list[_AzVNet] = []
        by_rid: dict[str, _AzVNet] = {}
        for vnet in vnets:
            if vnet.rid and vnet.rid in by_rid:
                self.top.append(
                    f"VNet {vnet.name} is given twice ({by_rid[vnet.rid].where} and "
                    f"{vnet.where}): the first is used"
                )
                continue
            by_rid[vnet.rid] = vnet
            self.vnets.append(vnet)
        self.vnet_index = {vnet.rid: i for i, vnet in enumerate(self.vnets) if vnet.rid}
        self.subnet_index: dict[str, tuple[int, int]] = {}
        self.managed: dict[str, list[int]] = {}  # node resource group -> AKS-managed VNets
        for vi, vnet in enumerate(self.vnets):
            for si, subnet in enumerate(vnet.subnets):
                if subnet.rid:
                    self.subnet_index.setdefault(subnet.rid, (vi, si))
            if vnet.name.lower().startswith("aks-vnet-"):
                self.managed.setdefault(vnet.resource_group, []).append(vi)
        self.clusters = clusters
        self.names: set[str] = set()  # VNet and external range names share one namespace
        self.vnet_names = [_unique(v.name, self.names) for v in self.vnets]
        self.vnet_entries: list[_Entry] = []
        self.kept: dict[tuple[int, int], _Entry] = {}  # (vnet, subnet) -> its main entry
        self.why_not: dict[tuple[int, int], str] = {}  # (vnet, subnet) -> why it was dropped
        self.live: dict[str, _Live] = {}  # node resource group -> imported cluster

    # -- notes

    def review(self, entry: _Entry, text: str, on: str = "") -> None:
        """A note on something the import could not map as it is."""
        target = entry.field_comments.setdefault(on, []) if on else entry.comments
        target.append(f"{_REVIEW}{_one_line(text)}")

    def renamed(self, entry: _Entry, what: str, name: str, unique: str) -> None:
        if unique == name:
            return
        why = (
            "another one has its name" if _valid_name(name) else "names use letters, digits, - _ ."
        )
        self.review(entry, f"{what} {name} renamed {unique}: {why}")

    # -- VNets and subnets

    def _hosts(self) -> set[int]:
        """VNets that hold a node pool of an imported cluster: kept first when VNets overlap."""
        hosts = set()
        for cluster in self.clusters:
            for pool in cluster.pools:
                at = self._locate(cluster, pool.subnet_id)
                if at is not None:
                    hosts.add(at[0])
        return hosts

    def _locate(self, cluster: _AzCluster, subnet_id: str) -> tuple[int, int] | None:
        if subnet_id:
            return self.subnet_index.get(subnet_id)
        for vi in self.managed.get(cluster.node_resource_group.lower(), []):
            for si, subnet in enumerate(self.vnets[vi].subnets):
                if subnet.name.lower() == "aks-subnet":
                    return vi, si
        return None

    def build_vnets(self) -> None:
        self.vnet_entries = [
            _Entry(
                {"name": name, "address_space": [str(p) for p in vnet.prefixes]},
                flow=False,
                origin=vi,
            )
            for vi, (name, vnet) in enumerate(zip(self.vnet_names, self.vnets, strict=True))
        ]
        for vnet, name, entry in zip(self.vnets, self.vnet_names, self.vnet_entries, strict=True):
            self.renamed(entry, "VNet", vnet.name, name)
        hosts = self._hosts()
        spaces = _Ranges()
        for vi in sorted(range(len(self.vnets)), key=lambda i: (i not in hosts, i)):
            vnet, entry = self.vnets[vi], self.vnet_entries[vi]
            clash = next(((p, spaces.find(p)) for p in vnet.prefixes if spaces.find(p)), None)
            vetoed = self.vetoes.get("vnets", vi)
            if vetoed:
                entry.dropped = True
                self.review(entry, f"VNet {vnet.name}: {vetoed}: {_REJECTED}")
            elif not vnet.prefixes:
                entry.dropped = True
                self.review(entry, f"VNet {vnet.name} has no IPv4 address space: not imported")
            elif clash is not None:
                entry.dropped = True
                self.review(
                    entry,
                    f"VNet {vnet.name} ({clash[0]}) overlaps VNet {clash[1]}: not imported, as "
                    "a scenario's VNets must not overlap (ipplan keeps the VNet that hosts an "
                    "imported cluster, else the one given first)",
                )
            else:
                for prefix in vnet.prefixes:
                    spaces.add(prefix, f"{self.vnet_names[vi]} ({prefix})")
            if vnet.ipv6:
                self.review(
                    entry,
                    f"IPv6 address space {', '.join(vnet.ipv6)} not imported (ipplan plans IPv4)",
                )
            self._subnets(vi)

    def _subnets(self, vi: int) -> None:
        vnet, entry = self.vnets[vi], self.vnet_entries[vi]
        if not vnet.subnets:
            return
        taken: set[str] = set()
        used = _Ranges()
        entries: list[_Entry] = []
        for si, subnet in enumerate(vnet.subnets):
            name = _unique(subnet.name, taken)
            main = _Entry(
                {"name": name, "cidr": str(subnet.prefixes[0]) if subnet.prefixes else ""},
                origin=si,
            )
            entries.append(main)
            if entry.dropped:
                main.dropped = True
                self.why_not[vi, si] = f"its VNet {vnet.name} was not imported"
                continue
            vetoed = self.vetoes.get("vnets", vi, si)
            if vetoed:
                main.dropped = True
                self.review(main, f"subnet {subnet.name}: {vetoed}: {_REJECTED}")
                self.why_not[vi, si] = f"its subnet {subnet.name} was not imported"
                continue
            valid = []
            for prefix in subnet.prefixes:
                clash = used.find(prefix)
                if not _inside(prefix, vnet.prefixes):
                    self.review(
                        main,
                        f"subnet {subnet.name} prefix {prefix} is outside VNet {vnet.name}'s "
                        f"address space ({_cidrs(vnet.prefixes)}): not imported",
                    )
                elif clash:
                    self.review(
                        main,
                        f"subnet {subnet.name} prefix {prefix} overlaps subnet {clash}: "
                        "not imported",
                    )
                else:
                    valid.append(prefix)
                    used.add(prefix, f"{name} ({prefix})")
            if subnet.ipv6:
                self.review(
                    main, f"IPv6 prefix {', '.join(subnet.ipv6)} not imported (ipplan plans IPv4)"
                )
            if not valid:
                main.dropped = True
                self.why_not[vi, si] = (
                    f"its subnet {subnet.name} in VNet {vnet.name} was not imported"
                )
                if not subnet.prefixes:
                    self.review(main, f"subnet {subnet.name} has no IPv4 prefix: not imported")
                continue
            self.renamed(main, "subnet", subnet.name, name)
            main.data["cidr"] = str(valid[0])
            self.kept[vi, si] = main
            if subnet.delegations:
                main.comments.append(f"delegated to {', '.join(subnet.delegations)}")
            if subnet.app_gateway:
                self.review(
                    main,
                    f"subnet {subnet.name} holds an Application Gateway: its instances' IPs are "
                    "not listed in ipConfigurations; add them to used_ips",
                )
            for k, prefix in enumerate(valid[1:], start=2):
                extra = _Entry(
                    {"name": _unique(f"{name}.prefix{k}", taken), "cidr": str(prefix)}, origin=si
                )
                extra.comments.append(
                    f"prefix {k} of subnet {name} (addressPrefixes): kept so nothing is planned "
                    f"over it; ipplan places {name}'s users in {valid[0]}"
                )
                entries.append(extra)
        entry.children["subnets"] = entries

    # -- clusters

    def build_clusters(self) -> list[_Entry]:
        taken: set[str] = set()
        entries = []
        for ci, cluster in enumerate(self.clusters):
            name = _unique(cluster.name, taken)
            entry = _Entry({"name": name}, flow=False, origin=ci)
            self.renamed(entry, "cluster", cluster.name, name)
            self._cluster(ci, cluster, entry)
            entries.append(entry)
        return entries

    def _network(self, cluster: _AzCluster, entry: _Entry) -> Network | None:
        plugin, mode = cluster.plugin, cluster.plugin_mode
        if plugin == "kubenet":
            return Network.KUBENET
        if plugin == "azure" and mode == "overlay":
            return Network.OVERLAY
        if plugin == "azure":
            modes = {pool.static_block for pool in cluster.pools if pool.pod_subnet_id}
            if not modes:
                return Network.AZURE_CNI
            if modes == {True, False}:
                self.review(
                    entry,
                    f"cluster {cluster.name} mixes dynamic and StaticBlock pod subnets: imported "
                    "as azure-cni-pod-subnet (dynamic), as ipplan takes one model per cluster",
                    on="network",
                )
            return Network.POD_SUBNET_STATIC if modes == {True} else Network.POD_SUBNET
        reason = {
            "none": "networkPlugin none (bring your own CNI): ipplan cannot model its pod IPs",
            "": "no networkProfile.networkPlugin in the export",
        }.get(plugin, f"networkPlugin {plugin!r} is not one ipplan knows")
        self.review(entry, f"cluster {cluster.name}: {reason}: not imported")
        return None

    def _cluster(self, ci: int, cluster: _AzCluster, entry: _Entry) -> None:
        network = self._network(cluster, entry)
        if network is None:
            entry.dropped = True
            return
        entry.data["vnet"] = ""  # known once the pools are placed
        entry.data["network"] = str(network)
        if cluster.dataplane == "cilium":
            entry.data["dataplane"] = "cilium"
        self._cidrs(cluster, entry, network)
        entry.data["private_cluster"] = cluster.private
        entry.data["internal_lbs"] = 0
        entry.data["private_endpoints"] = 0
        pools: list[_Entry] = []
        host: int | None = None  # the VNet of the first imported pool
        shown: int | None = None  # the VNet of the first pool placed, imported or not
        first: tuple[int, int] | None = None
        names: list[str] = []
        for pi, pool in enumerate(cluster.pools):
            pool_entry, at = self._pool(cluster, pool, network, host)
            pool_entry.origin = pi
            vetoed = self.vetoes.get("clusters", ci, pi)
            if vetoed and not pool_entry.dropped:
                pool_entry.dropped = True
                self.review(
                    pool_entry,
                    f"node pool {pool.name} of cluster {cluster.name}: {vetoed}: {_REJECTED}",
                )
            pools.append(pool_entry)
            if at is not None and shown is None:
                shown = at[0]
            if not pool_entry.dropped and at is not None:
                names.append(pool.name.lower())
                if first is None:
                    host, first = at[0], at
        vnet = host if host is not None else shown
        if vnet is not None:
            entry.data["vnet"] = self.vnet_names[vnet]
        entry.children["node_pools"] = pools
        vetoed = self.vetoes.get("clusters", ci)
        if vetoed:
            entry.dropped = True
            self.review(entry, f"cluster {cluster.name}: {vetoed}: {_REJECTED}")
            return
        if first is None:
            entry.dropped = True
            self.review(
                entry,
                f"cluster {cluster.name}: none of its node pools could be imported: not imported",
            )
            return
        self.live[cluster.node_resource_group.lower()] = _Live(
            entry, tuple(names), first, cluster.private
        )

    def _place(
        self, cluster: _AzCluster, subnet_id: str, what: str, host: int | None
    ) -> tuple[tuple[int, int] | None, str]:
        """Where a pool's subnet is among the imported ones, or why it is not."""
        at = self._locate(cluster, subnet_id)
        if at is None and subnet_id:
            return (
                None,
                f"its {what} {subnet_id} is not in the imported VNets: add its VNet with --vnets",
            )
        if at is None:
            return None, (
                "it runs in the AKS-managed VNet (no vnetSubnetID), which is not in the import: "
                f"add it with `az network vnet list -g {cluster.node_resource_group} -o json`"
            )
        if at not in self.kept:
            return None, self.why_not.get(at, "its subnet was not imported")
        if host is not None and at[0] != host:
            return None, (
                f"its {what} is in VNet {self.vnet_names[at[0]]}, but the cluster's first pool "
                f"is in {self.vnet_names[host]}"
            )
        return at, ""

    def _pool(
        self, cluster: _AzCluster, pool: _AzPool, network: Network, host: int | None
    ) -> tuple[_Entry, tuple[int, int] | None]:
        entry = _Entry({"name": pool.name})
        at, problem = self._place(cluster, pool.subnet_id, "subnet", host)
        if at is not None:
            entry.data["subnet"] = self.kept[at].data["name"]
            host = at[0]
        if at is not None and network in _POD_SUBNET_NETWORKS:
            if pool.pod_subnet_id:
                pod_at, problem = self._place(cluster, pool.pod_subnet_id, "pod subnet", host)
                if pod_at is not None:
                    entry.data["pod_subnet"] = self.kept[pod_at].data["name"]
            else:
                problem = f"it has no podSubnetID, but the cluster uses {network}"
        if pool.windows:
            entry.data["os"] = "windows"
        nodes = pool.count or 0
        if pool.autoscale and pool.min_count is not None and nodes < pool.min_count:
            entry.comments.append(
                f"count {nodes} is below the autoscaler's minCount {pool.min_count}: "
                "nodes is minCount"
            )
            nodes = pool.min_count
        entry.data["nodes"] = nodes
        autoscaled = pool.autoscale and pool.max_count is not None
        if not problem and nodes == 0 and not (autoscaled and pool.max_count):
            problem = "0 nodes and no autoscaler: it uses no IPs"
        if pool.autoscale and pool.max_count is not None:
            if pool.max_count >= max(nodes, 1):
                entry.data["max_nodes"] = pool.max_count
            else:
                self.review(
                    entry,
                    f"pool {pool.name} of cluster {cluster.name}: count {nodes} is above the "
                    f"autoscaler's maxCount {pool.max_count} (as exported): max_nodes left out, "
                    f"so ipplan plans for {nodes} nodes",
                )
        if pool.max_pods is not None:
            entry.data["max_pods"] = pool.max_pods
        if pool.max_surge is not None:
            try:
                surge = parse_surge(pool.max_surge)
            except ScenarioError:
                self.review(
                    entry,
                    f"pool {pool.name}: maxSurge {pool.max_surge!r} not understood: left out "
                    "(ipplan's default applies)",
                )
            else:
                entry.data["max_surge"] = str(surge) if surge.percent else surge.value
        if problem:
            entry.dropped = True
            self.review(
                entry, f"node pool {pool.name} of cluster {cluster.name}: {problem}: not imported"
            )
        return entry, at

    def _cidrs(self, cluster: _AzCluster, entry: _Entry, network: Network) -> None:
        if network in (Network.KUBENET, Network.OVERLAY):
            v4, v6 = cluster.pod_cidrs
            if v4:
                entry.data["pod_cidr"] = v4[0]
            else:
                self.review(
                    entry,
                    f"cluster {cluster.name}: no IPv4 podCidr in the export: "
                    "ipplan uses 10.244.0.0/16, AKS's default",
                    on="network",
                )
            for text in v6 + v4[1:]:
                self.review(
                    entry,
                    f"pod CIDR {text} not imported (ipplan plans one IPv4 pod CIDR)",
                    on="pod_cidr" if v4 else "network",
                )
        v4, v6 = cluster.service_cidrs
        if v4:
            entry.data["service_cidr"] = v4[0]
        for text in v6 + v4[1:]:
            self.review(
                entry,
                f"service CIDR {text} not imported (ipplan plans one IPv4 service CIDR)",
                on="service_cidr" if v4 else "network",
            )
        if cluster.dns_service_ip:
            entry.data["dns_service_ip"] = cluster.dns_service_ip

    # -- used IPs

    def count_used_ips(self) -> None:
        for (vi, si), entry in self.kept.items():
            subnet = self.vnets[vi].subnets[si]
            modelled: dict[str, int] = {}
            for rid in subnet.ip_configs:
                live = self.live.get(_resource_group(rid))
                if live is not None and self._modelled(rid, live, (vi, si)):
                    name = live.entry.data["name"]
                    modelled[name] = modelled.get(name, 0) + 1
            used = len(subnet.ip_configs) - sum(modelled.values())
            if used:
                entry.data["used_ips"] = used
            if modelled:
                by = ", ".join(f"{n} of cluster {name}" for name, n in modelled.items())
                entry.comments.append(
                    f"{len(subnet.ip_configs)} ipConfigurations less {by} (modelled by its node "
                    f"pools and settings): used_ips {used}"
                )

    def _modelled(self, rid: str, live: _Live, at: tuple[int, int]) -> bool:
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

    # -- peerings

    def build_external(self) -> list[_Entry]:
        spaces = _Ranges()
        for vi, vnet in enumerate(self.vnets):
            if not self.vnet_entries[vi].dropped:
                for prefix in vnet.prefixes:
                    spaces.add(prefix, f"{self.vnet_names[vi]} ({prefix})")
        external: dict[str, _Entry] = {}
        ranges = _Ranges()
        for vi, vnet in enumerate(self.vnets):
            if self.vnet_entries[vi].dropped:
                continue
            for peering in vnet.peerings:
                self._peering(vnet, self.vnet_entries[vi], peering, spaces, ranges, external)
        return list(external.values())

    def _peering(
        self,
        vnet: _AzVNet,
        vnet_entry: _Entry,
        peering: _AzPeering,
        spaces: _Ranges,
        ranges: _Ranges,
        external: dict[str, _Entry],
    ) -> None:
        remote = self.vnet_index.get(peering.remote_id) if peering.remote_id else None
        if remote is not None:
            actual = self.vnets[remote].prefixes
            if peering.prefixes and set(peering.prefixes) != set(actual):
                self.review(
                    vnet_entry,
                    f"peering {peering.name} of VNet {vnet.name} lists {_cidrs(peering.prefixes)} "
                    f"for VNet {self.vnets[remote].name}, which has {_cidrs(actual)} (a stale "
                    "peering; sync it in Azure): the VNet is imported, so no external range",
                )
            return
        key = peering.remote_id or f"{vnet.rid}/{peering.name}"
        entry = external.get(key)
        if entry is None:
            name = _unique(peering.remote_name, self.names)
            entry = _Entry({"name": name, "cidrs": []}, origin=key)
            entry.comments.append(f"peered with VNet {vnet.name} ({peering.name})")
            external[key] = entry
        else:
            entry.comments.append(f"also peered with VNet {vnet.name} ({peering.name})")
        if peering.state and peering.state.lower() != "connected":
            self.review(
                entry,
                f"peering {peering.name} of VNet {vnet.name} is {peering.state}: "
                "its range is kept; delete it here if the peering is gone",
            )
        prefixes = list(peering.prefixes) + [
            p for p in peering.current if p not in peering.prefixes
        ]
        if peering.current and set(peering.current) != set(peering.prefixes):
            self.review(
                entry,
                f"peering {peering.name} of VNet {vnet.name} is out of sync "
                f"(remoteAddressSpace {_cidrs(peering.prefixes)}, remote VNet now "
                f"{_cidrs(peering.current)}): both kept",
            )
        for prefix in prefixes:
            if prefix in [parse_network(c) for c in entry.data["cidrs"]]:
                continue
            clash = spaces.find(prefix) or ranges.find(prefix)
            if clash:
                self.review(
                    entry,
                    f"{prefix} of peered VNet {peering.remote_name} overlaps "
                    f"{clash}: left out of the external ranges",
                )
                continue
            ranges.add(prefix, f"{entry.data['name']} ({prefix})")
            entry.data["cidrs"].append(str(prefix))
        if peering.ipv6:
            self.review(
                entry,
                f"IPv6 range {', '.join(peering.ipv6)} of peered VNet "
                f"{peering.remote_name} not imported (ipplan plans IPv4)",
            )
        vetoed = self.vetoes.get("external", key)
        if vetoed and not entry.dropped:
            self.review(entry, f"external range {entry.data['name']}: {vetoed}: {_REJECTED}")
        if vetoed or not entry.data["cidrs"]:
            entry.dropped = True
            if not prefixes:
                self.review(
                    entry,
                    f"peering {peering.name} of VNet {vnet.name} lists no IPv4 "
                    "address space: nothing to reserve",
                )
        else:
            entry.dropped = False


# --- writing the YAML --------------------------------------------------------------------------


def _scalar(value: object) -> str:
    """*value* in YAML flow style, on one line, quoted where YAML needs it (as PyYAML would)."""
    # Fast paths (a large estate has tens of thousands of values); PyYAML for anything else.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return f"[{', '.join(_scalar(v) for v in value)}]"
    if isinstance(value, dict):
        return f"{{{', '.join(f'{_scalar(k)}: {_scalar(v)}' for k, v in value.items())}}}"
    if (
        isinstance(value, str)
        and _PLAIN.fullmatch(value)
        and _resolve(yaml.ScalarNode, value, (True, False)) == _STR_TAG
    ):
        return value
    if isinstance(value, str) and not value.isprintable():
        return json.dumps(value)  # a JSON string is a YAML double-quoted scalar, on one line
    dumped = yaml.safe_dump([value], default_flow_style=True, sort_keys=False, width=2**31)
    return dumped.strip()[1:-1]


#: characters that are never special in a YAML flow scalar; the resolver rules out 1, yes, null
_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/%-]*")
#: how YAML reads a plain scalar: the tag it gets (the stubs leave the method untyped)
_resolve: Callable[[type[yaml.Node], str, tuple[bool, bool]], str] = (
    yaml.resolver.Resolver().resolve
)
_STR_TAG = "tag:yaml.org,2002:str"


def _comment(pad: str, text: str) -> str:
    # escaped: a terminal escape or U+2028 in an Azure name would break the YAML (and the screen)
    return f"{pad}# {one_line(' '.join(text.split()), limit=10_000)}"


def _lines(entry: _Entry, indent: int, in_dropped: bool = False) -> list[str]:
    """The entry's YAML lines; a dropped one commented out as a whole (children included)."""
    pad = " " * indent
    out = [_comment(pad, c) for c in entry.comments]
    body: list[str] = []
    if entry.flow:
        body.append(f"{pad}- {_scalar(entry.data)}")
    else:
        for i, (key, value) in enumerate(entry.data.items()):
            body.extend(_comment(pad + "  ", c) for c in entry.field_comments.get(key, []))
            body.append(f"{pad}{'- ' if i == 0 else '  '}{key}: {_scalar(value)}")
        for key, children in entry.children.items():
            quiet = entry.dropped or in_dropped
            live = quiet or any(not child.dropped for child in children)
            body.append(f"{pad}  {key}:{'' if live else ' []'}")
            for child in children:
                body.extend(_lines(child, indent + 4, quiet))
    if entry.dropped and not in_dropped:
        body = [
            line if line.lstrip().startswith("#") else f"{pad}# {line[len(pad) :]}" for line in body
        ]
    return out + body


def _notes(entries: Sequence[_Entry]) -> Iterator[str]:
    """The review comments of *entries*, in the order they are written."""
    for entry in entries:
        comments = [*entry.comments]
        for key in entry.data:
            comments += entry.field_comments.get(key, [])
        yield from (c.removeprefix(_REVIEW) for c in comments if c.startswith(_REVIEW))
        for children in entry.children.values():
            yield from _notes(children)


def _render(header: list[str], top: dict[str, Any], sections: dict[str, list[_Entry]]) -> str:
    lines = [_comment("", h) for h in header]
    lines += [f"{key}: {_scalar(value)}" for key, value in top.items()]
    for key, entries in sections.items():
        if not entries:
            continue
        live = any(not e.dropped for e in entries)
        lines.append(f"{key}:{'' if live else ' []'}")
        for entry in entries:
            lines.extend(_lines(entry, 2))
    return "\n".join(lines) + "\n"


def import_azure(
    vnet_files: Sequence[tuple[str, str]],
    cluster_files: Sequence[tuple[str, str]] = (),
    *,
    start: str,
    name: str | None = None,
) -> AzureImport:
    """Build a scenario from Azure JSON documents: VNets, and optionally AKS clusters.

    Args:
        vnet_files: ``(source, text)`` of each VNet document; *source* names it in messages.
        cluster_files: ``(source, text)`` of each cluster or agent pool document.
        start: the first forecast month, ``YYYY-MM``.
        name: the scenario's name; default the first imported VNet's.

    Raises:
        ScenarioError: a document is not JSON, or not the kind of Azure resource expected.

    >>> vnet = '{"name": "hub", "addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},'
    >>> vnet += ' "subnets": [{"name": "default", "addressPrefix": "10.0.0.0/24"}]}'
    >>> print(import_azure([("vnets.json", vnet)], start="2027-01").text, end="")
    # ipplan scenario imported from Azure: vnets.json
    name: hub
    planning: {start: 2027-01, horizon_months: 36, headroom_pct: 20, warn_at_pct: 80}
    vnets:
      - name: hub
        address_space: [10.0.0.0/16]
        subnets:
          - {name: default, cidr: 10.0.0.0/24}
    """
    try:
        return _import(vnet_files, cluster_files, start, name)
    except ScenarioError as err:  # Azure's values are quoted in messages: keep them one line
        raise ScenarioError(_one_line(str(err))) from None


def _one_line(text: str) -> str:
    return text.replace("\r", "\\r").replace("\n", "\\n")


def _import(
    vnet_files: Sequence[tuple[str, str]],
    cluster_files: Sequence[tuple[str, str]],
    start: str,
    name: str | None,
) -> AzureImport:
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", start):
        raise ScenarioError(f"start: {start!r} is not a month: use YYYY-MM, such as 2027-01")
    read_notes: list[str] = []
    vnets = _read_vnets(vnet_files)
    clusters = _read_clusters(cluster_files, read_notes)
    vetoes = _Vetoes()
    while True:
        top = list(read_notes)
        builder = _Builder(vnets, clusters, top, vetoes)
        builder.build_vnets()
        sections = {"vnets": builder.vnet_entries, "external": [], "clusters": []}
        sections["clusters"] = builder.build_clusters()
        builder.count_used_ips()
        sections["external"] = builder.build_external()
        kept = [e for e in builder.vnet_entries if not e.dropped]
        if not kept:
            sources = ", ".join(source for source, _ in vnet_files)
            why = next(_notes(builder.vnet_entries))
            raise ScenarioError(f"{sources}: no VNet can be imported; the first: {why}")
        default_name = kept[0].data["name"]
        head = {
            "name": _unique(name or default_name, set())[:100],  # the scenario's limit
            "planning": {"start": start, **_PLANNING_DEFAULTS},
        }
        scenario: dict[str, Any] = dict(head)
        for key, entries in sections.items():
            if entries:
                scenario[key] = [e.scenario() for e in entries if not e.dropped]
        problems = _problems(scenario)
        if not problems:
            break
        for problem in problems:
            vetoes.add(problem, sections)  # and build again without them
    sources = ", ".join(source for source, _ in [*vnet_files, *cluster_files])
    header = [f"ipplan scenario imported from Azure: {sources}"]
    top = [_one_line(text) for text in top]
    notes = top + [note for entries in sections.values() for note in _notes(entries)]
    if notes:
        count = f"{len(notes)} note{'s' if len(notes) > 1 else ''}"
        header.append(
            f"{count} to review: the comments starting 'ipplan:' mark what could not be "
            "imported as it is"
        )
    header += [f"{_REVIEW}{text}" for text in top]
    return AzureImport(scenario, _render(header, head, sections), tuple(notes))
