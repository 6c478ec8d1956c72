"""Building the scenario's clusters and node pools from AKS's managed clusters."""

from __future__ import annotations

from dataclasses import dataclass

from ipplan.errors import ScenarioError
from ipplan.importers.azure.names import unique_name
from ipplan.importers.azure.read import AzCluster, AzPool
from ipplan.importers.azure.render import Entry, review
from ipplan.importers.azure.review import REJECTED, Vetoes, renamed
from ipplan.importers.azure.vnets import At, Estate, Placed
from ipplan.rules import POD_CIDR_NETWORKS, POD_SUBNET_NETWORKS, Network, SubnetKind, parse_surge

__all__ = ["Live", "build_clusters"]


@dataclass
class Live:
    """An imported cluster, for counting its NICs out of ``used_ips``."""

    entry: Entry
    pools: tuple[str, ...]  # lower-case names of its imported pools
    first_subnet: At  # the subnet of its first pool
    private: bool
    api_subnet: At | None = None  # its API server subnet, when imported as api_server_subnet


def build_clusters(
    estate: Estate, placed: Placed, vetoes: Vetoes
) -> tuple[list[Entry], dict[str, Live]]:
    """The cluster entries, and the imported clusters by node resource group."""
    taken: set[str] = set()
    entries = []
    live: dict[str, Live] = {}
    for ci, cluster in enumerate(estate.clusters):
        name = unique_name(cluster.name, taken)
        entry = Entry({"name": name}, flow=False, origin=ci)
        renamed(entry, "cluster", cluster.name, name)
        imported = _cluster(estate, placed, vetoes, ci, entry)
        if imported is not None:
            live[cluster.node_resource_group.lower()] = imported
        entries.append(entry)
    return entries, live


def _network(cluster: AzCluster, entry: Entry) -> Network | None:
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
            review(
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
    review(entry, f"cluster {cluster.name}: {reason}: not imported")
    return None


def _cluster(estate: Estate, placed: Placed, vetoes: Vetoes, ci: int, entry: Entry) -> Live | None:
    cluster = estate.clusters[ci]
    network = _network(cluster, entry)
    if network is None:
        entry.dropped = True
        return None
    entry.data["vnet"] = ""  # known once the pools are placed
    entry.data["network"] = str(network)
    if cluster.dataplane == "cilium":
        entry.data["dataplane"] = "cilium"
    _cidrs(cluster, entry, network)
    entry.data["private_cluster"] = cluster.private
    entry.data["internal_lbs"] = 0
    entry.data["private_endpoints"] = 0
    pools: list[Entry] = []
    host: int | None = None  # the VNet of the first imported pool
    shown: int | None = None  # the VNet of the first pool placed, imported or not
    first: At | None = None
    names: list[str] = []
    for pi, pool in enumerate(cluster.pools):
        pool_entry, at = _pool(estate, placed, cluster, pool, network, host)
        pool_entry.origin = pi
        vetoed = vetoes.get("clusters", ci, pi)
        if vetoed and not pool_entry.dropped:
            pool_entry.dropped = True
            review(
                pool_entry,
                f"node pool {pool.name} of cluster {cluster.name}: {vetoed}: {REJECTED}",
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
        entry.data["vnet"] = placed.names[vnet]
    entry.children["node_pools"] = pools
    vetoed = vetoes.get("clusters", ci)
    if vetoed:
        entry.dropped = True
        review(entry, f"cluster {cluster.name}: {vetoed}: {REJECTED}")
        return None
    if first is None:
        entry.dropped = True
        review(
            entry,
            f"cluster {cluster.name}: none of its node pools could be imported: not imported",
        )
        return None
    api_at = _api_subnet(estate, placed, cluster, entry, host)
    return Live(entry, tuple(names), first, cluster.private, api_at)


def _api_subnet(
    estate: Estate, placed: Placed, cluster: AzCluster, entry: Entry, host: int | None
) -> At | None:
    """API Server VNet Integration (rule A24): its delegated subnet as ``api_server_subnet``."""
    if not cluster.api_subnet_id:
        return None
    at = estate.subnet_index.get(cluster.api_subnet_id)
    if at is None or at not in placed.kept or at[0] != host:
        review(
            entry,
            f"cluster {cluster.name}: its API server subnet (VNet integration) is not an imported "
            "subnet of its VNet: api_server_subnet left out; add it with kind: api-server",
            on="private_endpoints",
        )
        return None
    subnet = placed.kept[at]
    if subnet.data.get("kind") != str(SubnetKind.API_SERVER):
        review(
            entry,
            f"cluster {cluster.name}: its API server subnet {subnet.data['name']} is not "
            "delegated to Microsoft.ContainerService/managedClusters: api_server_subnet left out",
            on="private_endpoints",
        )
        return None
    entry.data["api_server_subnet"] = subnet.data["name"]
    return at


def _place(
    estate: Estate, placed: Placed, cluster: AzCluster, subnet_id: str, what: str, host: int | None
) -> tuple[At | None, str]:
    """Where a pool's subnet is among the imported ones, or why it is not."""
    at = estate.locate(cluster, subnet_id)
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
    if at not in placed.kept:
        return None, placed.why_not.get(at, "its subnet was not imported")
    if host is not None and at[0] != host:
        return None, (
            f"its {what} is in VNet {placed.names[at[0]]}, but the cluster's first pool "
            f"is in {placed.names[host]}"
        )
    return at, ""


def _pool(
    estate: Estate,
    placed: Placed,
    cluster: AzCluster,
    pool: AzPool,
    network: Network,
    host: int | None,
) -> tuple[Entry, At | None]:
    entry = Entry({"name": pool.name})
    at, problem = _place(estate, placed, cluster, pool.subnet_id, "subnet", host)
    if at is not None:
        entry.data["subnet"] = placed.kept[at].data["name"]
        host = at[0]
    if at is not None and network in POD_SUBNET_NETWORKS:
        if pool.pod_subnet_id:
            pod_at, problem = _place(
                estate, placed, cluster, pool.pod_subnet_id, "pod subnet", host
            )
            if pod_at is not None:
                entry.data["pod_subnet"] = placed.kept[pod_at].data["name"]
        else:
            problem = f"it has no podSubnetID, but the cluster uses {network}"
    if pool.windows:
        entry.data["os"] = "windows"
    nodes = _nodes(cluster, pool, entry)
    autoscaled = pool.autoscale and pool.max_count is not None
    if not problem and nodes == 0 and not (autoscaled and pool.max_count):
        problem = "0 nodes and no autoscaler: it uses no IPs"
    if pool.max_pods is not None:
        entry.data["max_pods"] = pool.max_pods
    _upgrade(pool, entry)
    if problem:
        entry.dropped = True
        review(entry, f"node pool {pool.name} of cluster {cluster.name}: {problem}: not imported")
    return entry, at


def _nodes(cluster: AzCluster, pool: AzPool, entry: Entry) -> int:
    """``nodes`` (and ``max_nodes``) from the pool's count and autoscaler settings."""
    nodes = pool.count or 0
    if pool.autoscale and pool.min_count is not None and nodes < pool.min_count:
        entry.comments.append(
            f"count {nodes} is below the autoscaler's minCount {pool.min_count}: nodes is minCount"
        )
        nodes = pool.min_count
    entry.data["nodes"] = nodes
    if pool.autoscale and pool.max_count is not None:
        if pool.max_count >= max(nodes, 1):
            entry.data["max_nodes"] = pool.max_count
        else:
            review(
                entry,
                f"pool {pool.name} of cluster {cluster.name}: count {nodes} is above the "
                f"autoscaler's maxCount {pool.max_count} (as exported): max_nodes left out, "
                f"so ipplan plans for {nodes} nodes",
            )
    return nodes


def _upgrade(pool: AzPool, entry: Entry) -> None:
    """mode, priority and upgrade mode (rule A25) from the pool's settings; then max_surge."""
    if pool.mode in ("system", "user"):
        entry.data["mode"] = pool.mode
    if pool.spot:
        entry.data["priority"] = "spot"
        entry.comments.append("scaleSetPriority Spot: priority spot, which never surges (rule A25)")
        if pool.max_surge is not None:
            entry.comments.append(f"maxSurge {pool.max_surge} left out: a spot pool never surges")
        return
    if pool.strategy == "bluegreen":
        entry.data["upgrade"] = "blue-green"
        entry.comments.append("upgradeStrategy BlueGreen: upgrade blue-green (rule A25)")
        return
    unavailable = pool.max_unavailable not in (None, "0", "0%")
    if unavailable and pool.max_surge in ("0", "0%"):
        entry.data["upgrade"] = "in-place"
        entry.comments.append(
            f"maxSurge 0 with maxUnavailable {pool.max_unavailable}: upgrade in-place (rule A25)"
        )
        return
    _surge(pool, entry)


def _surge(pool: AzPool, entry: Entry) -> None:
    if pool.max_surge is None:
        return
    try:
        surge = parse_surge(pool.max_surge)
    except ScenarioError:
        review(
            entry,
            f"pool {pool.name}: maxSurge {pool.max_surge!r} not understood: left out "
            "(ipplan's default applies)",
        )
    else:
        entry.data["max_surge"] = str(surge) if surge.percent else surge.value


def _cidrs(cluster: AzCluster, entry: Entry, network: Network) -> None:
    if network in POD_CIDR_NETWORKS:
        v4, v6 = cluster.pod_cidrs
        if v4:
            entry.data["pod_cidr"] = v4[0]
        else:
            review(
                entry,
                f"cluster {cluster.name}: no IPv4 podCidr in the export: "
                "ipplan uses 10.244.0.0/16, AKS's default",
                on="network",
            )
        for text in v6 + v4[1:]:
            review(
                entry,
                f"pod CIDR {text} not imported (ipplan plans one IPv4 pod CIDR)",
                on="pod_cidr" if v4 else "network",
            )
    v4, v6 = cluster.service_cidrs
    if v4:
        entry.data["service_cidr"] = v4[0]
    for text in v6 + v4[1:]:
        review(
            entry,
            f"service CIDR {text} not imported (ipplan plans one IPv4 service CIDR)",
            on="service_cidr" if v4 else "network",
        )
    if cluster.dns_service_ip:
        entry.data["dns_service_ip"] = cluster.dns_service_ip
