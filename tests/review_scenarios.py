"""Hand-built scenarios for the review-pack tests (no YAML: the loader is tested elsewhere)."""

from __future__ import annotations

from netaddr import IPNetwork

from ipplan.core.capacity import Growth, NodePool
from ipplan.core.keys import SubnetKey
from ipplan.rules import Network, Surge
from ipplan.scenario import ClusterSpec, ExternalRange, Planning, Scenario, SubnetSpec, VNet


def small(pods_prefixlen: int | None = None) -> Scenario:
    """The README's example: one VNet, one overlay cluster, two pools, linear growth.

    aks-pods is ``size: auto`` unless *pods_prefixlen* pins it to a fixed prefix.
    """
    pods = (
        SubnetSpec("aks-pods", auto=True)
        if pods_prefixlen is None
        else SubnetSpec("aks-pods", prefixlen=pods_prefixlen)
    )
    return Scenario(
        name="contoso-prod",
        source="t.yaml",
        planning=Planning(start_year=2027, start_month=1, horizon_months=36),
        vnets=(
            VNet(
                "spoke-prod",
                (IPNetwork("10.20.0.0/16"),),
                (
                    SubnetSpec("gateway", cidr=IPNetwork("10.20.0.0/27"), used_ips=9),
                    SubnetSpec("aks-nodes", prefixlen=24),
                    pods,
                ),
            ),
        ),
        external=(ExternalRange("on-prem", (IPNetwork("10.0.0.0/12"),)),),
        clusters=(
            ClusterSpec(
                "prod-aks",
                "spoke-prod",
                Network.OVERLAY,
                (
                    NodePool(
                        "system",
                        3,
                        SubnetKey("spoke-prod", "aks-nodes"),
                        max_pods=110,
                        max_surge=Surge(1),
                    ),
                    NodePool(
                        "user",
                        20,
                        SubnetKey("spoke-prod", "aks-nodes"),
                        max_nodes=60,
                        max_pods=50,
                        pods_in_use=35,
                        max_surge=Surge(33, percent=True),
                        pod_subnet=SubnetKey("spoke-prod", "aks-pods"),
                        growth=Growth(nodes_per_month=2),
                    ),
                ),
                pod_cidr=IPNetwork("100.64.0.0/16"),
                service_cidr=IPNetwork("172.16.0.0/16"),
                private_cluster=True,
                internal_lbs=4,
            ),
        ),
    )


def big() -> Scenario:
    """Hub and spokes: three clusters on three models in three VNets, compound and linear growth."""
    return Scenario(
        name="fabrikam",
        source="big.yaml",
        planning=Planning(start_year=2027, start_month=1, horizon_months=36, warn_at_pct=75),
        vnets=(
            VNet(
                "hub",
                (IPNetwork("10.10.0.0/22"),),
                (
                    SubnetSpec("GatewaySubnet", cidr=IPNetwork("10.10.0.0/27"), used_ips=4),
                    SubnetSpec("AzureFirewallSubnet", cidr=IPNetwork("10.10.0.64/26"), used_ips=2),
                    SubnetSpec("shared", prefixlen=25, used_ips=40),
                ),
            ),
            VNet(
                "spoke-web",
                (IPNetwork("10.30.0.0/18"), IPNetwork("10.31.0.0/22")),
                (
                    SubnetSpec("appgw", cidr=IPNetwork("10.30.0.0/24"), used_ips=12),
                    SubnetSpec("web-nodes", prefixlen=23),
                    # a fixed /19, the size of today's peak plus headroom: the frontend pool's
                    # 3% a month outgrows it (size: auto would size it for the horizon's end, a
                    # /18, which spoke-web has no room for)
                    SubnetSpec("web-pods", prefixlen=19),
                    SubnetSpec("endpoints", prefixlen=27, used_ips=20),
                ),
            ),
            VNet(
                "spoke-legacy",
                (IPNetwork("10.40.0.0/21"),),
                (SubnetSpec("legacy-nodes", cidr=IPNetwork("10.40.0.0/24")),),
            ),
            VNet(
                "spoke-data",
                (IPNetwork("10.50.0.0/16"),),
                (SubnetSpec("data-nodes", prefixlen=20),),
            ),
        ),
        clusters=(
            ClusterSpec(
                "web",
                "spoke-web",
                Network.POD_SUBNET,
                (
                    NodePool(
                        "system",
                        3,
                        SubnetKey("spoke-web", "web-nodes"),
                        max_surge=Surge(1),
                        pod_subnet=SubnetKey("spoke-web", "web-pods"),
                    ),
                    NodePool(
                        "frontend",
                        30,
                        SubnetKey("spoke-web", "web-nodes"),
                        max_nodes=80,
                        max_pods=60,
                        pods_in_use=40,
                        pod_subnet=SubnetKey("spoke-web", "web-pods"),
                        growth=Growth(percent_per_month=3),
                    ),
                ),
                internal_lbs=6,
            ),
            ClusterSpec(
                "legacy",
                "spoke-legacy",
                Network.KUBENET,
                (
                    NodePool(
                        "default",
                        150,
                        SubnetKey("spoke-legacy", "legacy-nodes"),
                        max_surge=Surge(1),
                        growth=Growth(4),
                    ),
                ),
                pod_cidr=IPNetwork("10.244.0.0/16"),
            ),
            ClusterSpec(
                "data",
                "spoke-data",
                Network.AZURE_CNI,
                (
                    NodePool(
                        "system", 3, SubnetKey("spoke-data", "data-nodes"), max_surge=Surge(1)
                    ),
                    NodePool(
                        "spark",
                        40,
                        SubnetKey("spoke-data", "data-nodes"),
                        max_pods=30,
                        growth=Growth(1.5),
                    ),
                ),
                private_cluster=True,
            ),
        ),
    )
