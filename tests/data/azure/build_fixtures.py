"""Write the built Azure fixtures (built-*.json) that no published document covers.

Run from the repository root: ``python tests/data/azure/build_fixtures.py``. Clusters start from
a copy of the published ``cli-aks-create-azure-cni-nodesubnet.json`` (az CLI shape) or
``arm-aks-get-kubenet.json`` (ARM shape), so every key keeps its published spelling; only the
values that the scenario needs are changed. VNets follow the shape of ``arm-vnet-get.json`` (ARM)
and its flattened az CLI form (camelCase, ``null`` for unset fields, ``resourceGroup`` added to
every sub-resource). See BUILT.md for what each file is for.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
SUB = "00000000-0000-0000-0000-000000000001"
PARTNER_SUB = "00000000-0000-0000-0000-000000000002"
LOCATION = "westeurope"


def rid(rg: str, provider: str, *path: str, sub: str = SUB) -> str:
    return f"/subscriptions/{sub}/resourceGroups/{rg}/providers/{provider}/" + "/".join(path)


def vnet_id(rg: str, name: str, sub: str = SUB) -> str:
    return rid(rg, "Microsoft.Network", "virtualNetworks", name, sub=sub)


def etag(n: int) -> str:
    return f'W/"00000000-0000-0000-0000-{n:012d}"'


def vmss_configs(
    node_rg: str, vmss: str, nodes: int, per_node: int, upper: bool = False
) -> list[str]:
    """ipConfiguration IDs of the NICs of a VMSS: ``per_node`` configs on each node's NIC."""
    ids = []
    for vm in range(nodes):
        for k in range(1, per_node + 1):
            path = (
                f"/subscriptions/{SUB}/resourceGroups/{node_rg}/providers/Microsoft.Compute/"
                f"virtualMachineScaleSets/{vmss}/virtualMachines/{vm}/networkInterfaces/{vmss}"
            )
            # Real exports carry some IDs in upper case (Azure compares IDs case-insensitively).
            ids.append((path.upper() if upper else path) + f"/ipConfigurations/ipconfig{k}")
    return ids


def cli_subnet(
    vnet: tuple[str, str], name: str, prefix: str, configs: list[str], **extra: Any
) -> dict[str, Any]:
    rg, vnet_name = vnet
    subnet = {
        "addressPrefix": prefix,
        "addressPrefixes": None,
        "applicationGatewayIpConfigurations": None,
        "delegations": [],
        "etag": etag(1),
        "id": f"{vnet_id(rg, vnet_name)}/subnets/{name}",
        "ipAllocations": None,
        "ipConfigurationProfiles": None,
        "ipConfigurations": [{"id": c, "resourceGroup": c.split("/")[4]} for c in configs] or None,
        "name": name,
        "natGateway": None,
        "networkSecurityGroup": None,
        "privateEndpointNetworkPolicies": "Disabled",
        "privateEndpoints": None,
        "privateLinkServiceNetworkPolicies": "Enabled",
        "provisioningState": "Succeeded",
        "purpose": None,
        "resourceGroup": rg,
        "resourceNavigationLinks": None,
        "routeTable": None,
        "serviceAssociationLinks": None,
        "serviceEndpointPolicies": None,
        "serviceEndpoints": None,
        "type": "Microsoft.Network/virtualNetworks/subnets",
    }
    subnet.update(extra)
    return subnet


def cli_peering(
    vnet: tuple[str, str],
    name: str,
    remote: str,
    remote_space: list[str],
    current_space: list[str] | None = None,
    state: str = "Connected",
    sync: str = "FullyInSync",
) -> dict[str, Any]:
    rg, vnet_name = vnet
    return {
        "allowForwardedTraffic": True,
        "allowGatewayTransit": False,
        "allowVirtualNetworkAccess": True,
        "doNotVerifyRemoteGateways": False,
        "etag": etag(2),
        "id": f"{vnet_id(rg, vnet_name)}/virtualNetworkPeerings/{name}",
        "name": name,
        "peeringState": state,
        "peeringSyncLevel": sync,
        "provisioningState": "Succeeded",
        "remoteAddressSpace": {"addressPrefixes": remote_space},
        "remoteBgpCommunities": None,
        "remoteVirtualNetwork": {"id": remote, "resourceGroup": remote.split("/")[4]},
        "remoteVirtualNetworkAddressSpace": {
            "addressPrefixes": remote_space if current_space is None else current_space
        },
        "remoteVirtualNetworkEncryption": None,
        "resourceGroup": rg,
        "resourceGuid": "00000000-0000-0000-0000-000000000003",
        "type": "Microsoft.Network/virtualNetworks/virtualNetworkPeerings",
        "useRemoteGateways": False,
    }


def cli_vnet(
    vnet: tuple[str, str], space: list[str], subnets: list[Any], peerings: list[Any]
) -> dict[str, Any]:
    rg, name = vnet
    return {
        "addressSpace": {"addressPrefixes": space},
        "bgpCommunities": None,
        "ddosProtectionPlan": None,
        "dhcpOptions": {"dnsServers": []},
        "enableDdosProtection": False,
        "enableVmProtection": None,
        "encryption": None,
        "etag": etag(3),
        "extendedLocation": None,
        "flowTimeoutInMinutes": None,
        "id": vnet_id(rg, name),
        "ipAllocations": None,
        "location": LOCATION,
        "name": name,
        "provisioningState": "Succeeded",
        "resourceGroup": rg,
        "resourceGuid": "00000000-0000-0000-0000-000000000004",
        "subnets": subnets,
        "tags": {},
        "type": "Microsoft.Network/virtualNetworks",
        "virtualNetworkPeerings": peerings,
    }


def arm_vnet(vnet: tuple[str, str], space: list[str], subnets: list[Any]) -> dict[str, Any]:
    """The ARM shape, as arm-vnet-get.json: name/id/type on top, the rest under properties."""
    rg, name = vnet
    return {
        "name": name,
        "id": vnet_id(rg, name),
        "type": "Microsoft.Network/virtualNetworks",
        "location": LOCATION,
        "properties": {
            "provisioningState": "Succeeded",
            "addressSpace": {"addressPrefixes": space},
            "subnets": [
                {
                    "name": s_name,
                    "id": f"{vnet_id(rg, name)}/subnets/{s_name}",
                    "properties": {
                        "provisioningState": "Succeeded",
                        "addressPrefix": prefix,
                        "ipConfigurations": [{"id": c} for c in configs],
                    },
                }
                for s_name, prefix, configs in subnets
            ],
            "virtualNetworkPeerings": [],
        },
    }


HUB = ("net-hub", "hub-vnet")
PROD = ("net-prod", "spoke-prod-vnet")
BATCH = ("net-batch", "spoke-batch-vnet")
SANDBOX = ("sandbox", "sandbox-vnet")
PROD_NODE_RG = "MC_aks-prod_prod-aks_westeurope"
BATCH_NODE_RG = "MC_aks-batch_batch-aks_westeurope"


def contoso_vnets() -> list[dict[str, Any]]:
    """``az network vnet list -o json``: hub, spokes, an overlap, stale peerings."""
    hub_configs = {
        "GatewaySubnet": [
            rid(
                "net-hub",
                "Microsoft.Network",
                "virtualNetworkGateways",
                "hub-vpngw",
                "ipConfigurations",
                name,
            )
            for name in ("default", "activeActive")
        ],
        "AzureFirewallSubnet": [
            rid(
                "net-hub",
                "Microsoft.Network",
                "azureFirewalls",
                "hub-fw",
                "azureFirewallIpConfigurations",
                "hub-fw-ipconfig",
            )
        ],
        "default": [
            rid(
                "net-hub",
                "Microsoft.Network",
                "networkInterfaces",
                "dns1-nic",
                "ipConfigurations",
                "ipconfig1",
            )
        ],
    }
    hub = cli_vnet(
        HUB,
        ["10.0.0.0/22"],
        [
            cli_subnet(HUB, "GatewaySubnet", "10.0.0.0/27", hub_configs["GatewaySubnet"]),
            cli_subnet(
                HUB, "AzureFirewallSubnet", "10.0.0.64/26", hub_configs["AzureFirewallSubnet"]
            ),
            cli_subnet(HUB, "default", "10.0.1.0/24", hub_configs["default"]),
        ],
        [
            cli_peering(HUB, "hub-to-prod", vnet_id(*PROD), ["10.20.0.0/16"]),
            # stale: spoke-batch was re-addressed from 10.30.0.0/16 to 10.31.0.0/16
            cli_peering(
                HUB,
                "hub-to-batch",
                vnet_id(*BATCH),
                ["10.30.0.0/16"],
                ["10.31.0.0/16"],
                sync="LocalNotInSync",
            ),
            cli_peering(
                HUB,
                "hub-to-partner",
                vnet_id("partner-net", "partner-vnet", sub=PARTNER_SUB),
                ["192.168.0.0/20"],
            ),
            # the remote VNet was deleted: the peering stays, Disconnected
            cli_peering(
                HUB,
                "hub-to-legacy",
                vnet_id("legacy", "legacy-vnet"),
                ["172.20.0.0/16"],
                state="Disconnected",
            ),
        ],
    )
    lb = rid(
        PROD_NODE_RG,
        "Microsoft.Network",
        "loadBalancers",
        "kubernetes-internal",
        "frontendIPConfigurations",
        "a1b2c3d4e5f60718293a4b5c6d7e8f90",
    )
    api = rid(
        PROD_NODE_RG,
        "Microsoft.Network",
        "networkInterfaces",
        "kube-apiserver.nic.00000000-0000-0000-0000-000000000005",
        "ipConfigurations",
        "privateEndpointIpConfig.00000000-0000-0000-0000-000000000006",
    )
    jumpbox = rid(
        "net-prod",
        "Microsoft.Network",
        "networkInterfaces",
        "jumpbox-nic",
        "ipConfigurations",
        "ipconfig1",
    )
    pes = [
        rid(
            "net-prod",
            "Microsoft.Network",
            "networkInterfaces",
            f"{pe}.nic.0000000{i}",
            "ipConfigurations",
            "privateEndpointIpConfig",
        )
        for i, pe in enumerate(("kv-pe", "sql-pe"), start=7)
    ]
    # pod subnet (dynamic): each node holds 16-IP batches of pod IPs as ipconfigs on its NIC
    system_vmss, user_vmss = "aks-system-31573562-vmss", "aks-user-31573562-vmss"
    prod = cli_vnet(
        PROD,
        ["10.20.0.0/16"],
        [
            cli_subnet(
                PROD,
                "aks-system",
                "10.20.0.0/24",
                vmss_configs(PROD_NODE_RG, system_vmss, 3, 1) + [lb, api],
            ),
            cli_subnet(
                PROD,
                "aks-user",
                "10.20.4.0/22",
                vmss_configs(PROD_NODE_RG, user_vmss, 4, 1, upper=True) + [jumpbox],
            ),
            cli_subnet(
                PROD,
                "aks-pods",
                "10.20.64.0/18",
                [
                    c.replace("ipconfig", "podipconfig")
                    for c in vmss_configs(PROD_NODE_RG, system_vmss, 3, 16)
                    + vmss_configs(PROD_NODE_RG, user_vmss, 4, 16)
                ],
            ),
            cli_subnet(PROD, "default", "10.20.8.0/24", pes),
            cli_subnet(
                PROD,
                "appgw",
                "10.20.9.0/24",
                [],
                applicationGatewayIpConfigurations=[
                    {
                        "id": rid(
                            "net-prod",
                            "Microsoft.Network",
                            "applicationGateways",
                            "prod-appgw",
                            "gatewayIPConfigurations",
                            "appGatewayIpConfig",
                        ),
                        "resourceGroup": "net-prod",
                    }
                ],
            ),
            cli_subnet(
                PROD,
                "aci",
                "10.20.10.0/24",
                [],
                delegations=[
                    {
                        "actions": ["Microsoft.Network/virtualNetworks/subnets/action"],
                        "etag": etag(4),
                        "id": f"{vnet_id(*PROD)}/subnets/aci/delegations/aci-delegation",
                        "name": "aci-delegation",
                        "provisioningState": "Succeeded",
                        "resourceGroup": "net-prod",
                        "serviceName": "Microsoft.ContainerInstance/containerGroups",
                        "type": "Microsoft.Network/virtualNetworks/subnets/delegations",
                    }
                ],
            ),
        ],
        [cli_peering(PROD, "prod-to-hub", vnet_id(*HUB), ["10.0.0.0/22"])],
    )
    batch = cli_vnet(
        BATCH,
        ["10.31.0.0/16", "fd00:db8:31::/48"],
        [
            cli_subnet(
                BATCH,
                "nodes",
                "10.31.0.0/24",
                vmss_configs(BATCH_NODE_RG, "aks-cpu-27466148-vmss", 2, 1),
            ),
            cli_subnet(
                BATCH,
                "pods",
                "10.31.16.0/20",
                [
                    c.replace("ipconfig", "podprefixconfig")
                    for c in vmss_configs(BATCH_NODE_RG, "aks-cpu-27466148-vmss", 2, 2)
                ],
            ),
            cli_subnet(BATCH, "default", "10.31.1.0/24", []),
        ],
        [cli_peering(BATCH, "batch-to-hub", vnet_id(*HUB), ["10.0.0.0/22"])],
    )
    # A lab VNet re-using spoke-prod's range; listed first, it still loses to the VNet that
    # hosts an imported cluster.
    sandbox = cli_vnet(
        SANDBOX, ["10.20.0.0/16"], [cli_subnet(SANDBOX, "default", "10.20.0.0/24", [])], []
    )
    return [sandbox, hub, prod, batch]


def cli_cluster(
    name: str,
    rg: str,
    node_rg: str,
    network: dict[str, Any],
    pools: list[dict[str, Any]],
    private: bool,
) -> dict[str, Any]:
    """``az aks show -o json``, from the published cli-aks-create-azure-cni-nodesubnet.json."""
    base = json.loads((HERE / "cli-aks-create-azure-cni-nodesubnet.json").read_text())
    cluster = copy.deepcopy(base)
    template = cluster["agentPoolProfiles"][0]
    cluster["name"] = name
    cluster["id"] = (
        f"/subscriptions/{SUB}/resourcegroups/{rg}/providers/"
        f"Microsoft.ContainerService/managedClusters/{name}"
    )
    cluster["resourceGroup"] = rg
    cluster["nodeResourceGroup"] = node_rg
    cluster["dnsPrefix"] = name
    cluster["fqdn"] = cluster["azurePortalFqdn"] = None
    cluster["privateFqdn"] = (
        f"{name}-00000000.privatelink.westeurope.azmk8s.io" if private else None
    )
    cluster["apiServerAccessProfile"] = {
        "authorizedIpRanges": None,
        "disableRunCommand": None,
        "enablePrivateCluster": private,
        "enablePrivateClusterPublicFqdn": False,
        "enableVnetIntegration": None,
        "privateDnsZone": "system" if private else None,
        "subnetId": None,
    }
    cluster["identityProfile"] = None
    cluster["identity"]["principalId"] = "00000000-0000-0000-0000-000000000009"
    cluster["networkProfile"]["loadBalancerProfile"]["effectiveOutboundIPs"] = []
    cluster["networkProfile"].update(network)
    cluster["agentPoolProfiles"] = [{**copy.deepcopy(template), **pool} for pool in pools]
    return cluster


def subnet_id(vnet: tuple[str, str], name: str) -> str:
    # az aks prints subnet IDs as they were given at creation: lower-case resourcegroups here
    return vnet_id(*vnet).replace("resourceGroups", "resourcegroups") + f"/subnets/{name}"


def pool(name: str, mode: str, subnet: str, pod_subnet: str | None, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "mode": mode,
        "vnetSubnetId": subnet,
        "podSubnetId": pod_subnet,
        **extra,
    }


def contoso_clusters() -> list[dict[str, Any]]:
    """``az aks list -o json``: a pod-subnet (dynamic) Cilium private cluster, and a BYO CNI one."""
    prod = cli_cluster(
        "prod-aks",
        "aks-prod",
        PROD_NODE_RG,
        {
            "networkPlugin": "azure",
            "networkDataplane": "cilium",
            "networkPolicy": "cilium",
            "serviceCidr": "10.100.0.0/16",
            "serviceCidrs": ["10.100.0.0/16"],
            "dnsServiceIp": "10.100.0.10",
        },
        [
            pool(
                "system",
                "System",
                subnet_id(PROD, "aks-system"),
                subnet_id(PROD, "aks-pods"),
                count=3,
                maxPods=50,
                upgradeSettings={
                    "drainTimeoutInMinutes": None,
                    "maxSurge": "1",
                    "nodeSoakDurationInMinutes": None,
                },
            ),
            pool(
                "user",
                "User",
                subnet_id(PROD, "aks-user").upper(),
                subnet_id(PROD, "aks-pods"),
                count=4,
                enableAutoScaling=True,
                minCount=2,
                maxCount=20,
                maxPods=50,
                upgradeSettings={
                    "drainTimeoutInMinutes": None,
                    "maxSurge": "33%",
                    "nodeSoakDurationInMinutes": None,
                },
            ),
        ],
        private=True,
    )
    byo = cli_cluster(
        "dev-aks",
        "aks-dev",
        "MC_aks-dev_dev-aks_westeurope",
        {
            "networkPlugin": "none",
            "networkDataplane": None,
            "serviceCidr": "10.0.0.0/16",
            "serviceCidrs": ["10.0.0.0/16"],
            "dnsServiceIp": "10.0.0.10",
        },
        [pool("nodepool1", "System", subnet_id(HUB, "default"), None, count=2, maxPods=110)],
        private=False,
    )
    return [prod, byo]


def static_block_clusters() -> dict[str, Any]:
    """ARM list body (``ManagedClusters_List``) with one StaticBlock pod-subnet cluster."""
    base = json.loads((HERE / "arm-aks-get-kubenet.json").read_text())
    cluster = copy.deepcopy(base["responses"]["200"]["body"])
    template = cluster["properties"]["agentPoolProfiles"][0]
    name = "batch-aks"
    cluster["name"] = name
    cluster["id"] = (
        f"/subscriptions/{SUB}/resourceGroups/aks-batch/providers/"
        f"Microsoft.ContainerService/managedClusters/{name}"
    )
    cluster["location"] = LOCATION
    props = cluster["properties"]
    props["nodeResourceGroup"] = BATCH_NODE_RG
    props["kubernetesVersion"] = props["currentKubernetesVersion"] = "1.31.2"
    props["networkProfile"] = {
        "dnsServiceIP": "10.110.0.10",
        "ipFamilies": ["IPv4"],
        "loadBalancerSku": "standard",
        "networkPlugin": "azure",
        "networkDataplane": "azure",
        "outboundType": "loadBalancer",
        "serviceCidr": "10.110.0.0/16",
        "serviceCidrs": ["10.110.0.0/16"],
    }
    nodes = vnet_id(*BATCH) + "/subnets/nodes"
    pods = vnet_id(*BATCH) + "/subnets/pods"
    props["agentPoolProfiles"] = [
        {
            **copy.deepcopy(template),
            "name": "cpu",
            "count": 2,
            "maxPods": 31,
            "mode": "System",
            "vnetSubnetID": nodes,
            "podSubnetID": pods,
            "podIPAllocationMode": "StaticBlock",
            "enableAutoScaling": True,
            "minCount": 2,
            "maxCount": 10,
            "upgradeSettings": {"maxSurge": "10%"},
        },
        {
            **copy.deepcopy(template),
            "name": "gpu",
            "count": 1,
            "maxPods": 30,
            "mode": "User",
            "vnetSubnetID": nodes,
            "podSubnetID": pods,
            "podIPAllocationMode": "StaticBlock",
            "enableAutoScaling": True,
            "minCount": 2,
            "maxCount": 4,
            "vmSize": "Standard_NC6s_v3",
            "upgradeSettings": {},
        },
    ]
    return {"value": [cluster]}


def managed_vnet_kubenet() -> dict[str, Any]:
    """``az network vnet show``: the AKS-managed VNet of the published kubenet cluster."""
    node_rg = "MC_rg1_clustername1_location1"
    vnet = ("MC_rg1_clustername1_location1", "aks-vnet-28401735")
    configs = vmss_configs(node_rg, "aks-nodepool1-28401735-vmss", 3, 1)
    configs += vmss_configs(node_rg, "aks-agentpool1-28401735-vmss", 3, 1)
    subnet = cli_subnet(vnet, "aks-subnet", "10.224.0.0/16", configs)
    return cli_vnet(vnet, ["10.224.0.0/12"], [subnet], [])


def managed_vnet_azure_cni() -> dict[str, Any]:
    """ARM VNet GET body: the managed VNet of the published recordingbot azure-cni cluster."""
    node_rg = "MC_recordingbottutorial_recordingbotcluster_westeurope"
    vnet = (node_rg, "aks-vnet-36911594")
    # azure-cni (node subnet): every node's NIC holds 1 + maxPods (30) ipconfigs
    configs = vmss_configs(node_rg, "aks-nodepool1-36911594-vmss", 1, 31)
    configs += vmss_configs(node_rg, "akswin22", 2, 31)
    configs.append(
        rid(
            node_rg,
            "Microsoft.Network",
            "loadBalancers",
            "kubernetes-internal",
            "frontendIPConfigurations",
            "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
        )
    )
    configs.append(
        rid(
            "recordingbottutorial",
            "Microsoft.Network",
            "networkInterfaces",
            "build-agent-nic",
            "ipConfigurations",
            "ipconfig1",
        )
    )
    return {
        "parameters": {
            "api-version": "2024-05-01",
            "subscriptionId": SUB,
            "resourceGroupName": node_rg,
            "virtualNetworkName": vnet[1],
        },
        "responses": {
            "200": {
                "body": arm_vnet(
                    vnet, ["10.224.0.0/12"], [("aks-subnet", "10.224.0.0/16", configs)]
                )
            }
        },
    }


def main() -> None:
    files = {
        "built-cli-vnet-list-contoso.json": contoso_vnets(),
        "built-cli-aks-list-contoso.json": contoso_clusters(),
        "built-arm-aks-list-static-block.json": static_block_clusters(),
        "built-cli-vnet-show-managed-kubenet.json": managed_vnet_kubenet(),
        "built-arm-vnet-get-managed-azure-cni.json": managed_vnet_azure_cni(),
    }
    for name, document in files.items():
        (HERE / name).write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
