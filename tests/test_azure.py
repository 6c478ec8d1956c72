"""ipplan import azure: Azure JSON (az CLI and ARM shapes) to a scenario, with comments."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from ipplan.cli import app
from ipplan.errors import ScenarioError
from ipplan.importers.azure import AzureImport, import_azure
from ipplan.scenario import parse_scenario

DATA = Path(__file__).parent / "data" / "azure"
SUB = "/subscriptions/s/resourceGroups"
HEAD = "planning: {start: 2027-01, horizon_months: 36, headroom_pct: 20, warn_at_pct: 80}\n"


def _file(name: str) -> tuple[str, str]:
    return name, (DATA / name).read_text(encoding="utf-8")


def _run(vnets: list[str], clusters: tuple[str, ...] = (), **kwargs: Any) -> AzureImport:
    result = import_azure(
        [_file(n) for n in vnets], [_file(n) for n in clusters], start="2027-01", **kwargs
    )
    # the text with its comments is exactly the data, and a valid scenario
    assert yaml.safe_load(result.text) == result.scenario
    assert parse_scenario(result.scenario, "t").name == result.scenario["name"]
    return result


def _docs(vnets: list[Any], clusters: list[Any] | None = None, **kwargs: Any) -> AzureImport:
    result = import_azure(
        [("vnets.json", json.dumps(vnets))],
        [("clusters.json", json.dumps(clusters))] if clusters is not None else [],
        start="2027-01",
        **kwargs,
    )
    assert yaml.safe_load(result.text) == result.scenario
    assert parse_scenario(result.scenario, "t").name == result.scenario["name"]
    return result


def _vnet(
    name: str,
    space: list[str],
    subnets: dict[str, Any] | None = None,
    rg: str = "net",
    peerings: list[Any] | None = None,
) -> dict[str, Any]:
    """A VNet in the flattened az CLI shape; subnet values are a prefix or a dict of fields."""
    vid = f"{SUB}/{rg}/providers/Microsoft.Network/virtualNetworks/{name}"
    out: dict[str, Any] = {"name": name, "id": vid, "addressSpace": {"addressPrefixes": space}}
    out["subnets"] = [
        {"name": n, "id": f"{vid}/subnets/{n}"}
        | ({"addressPrefix": v} if isinstance(v, str) else v)
        for n, v in (subnets or {}).items()
    ]
    out["virtualNetworkPeerings"] = peerings or []
    return out


def _subnet_id(vnet: str, subnet: str, rg: str = "net") -> str:
    return f"{SUB}/{rg}/providers/Microsoft.Network/virtualNetworks/{vnet}/subnets/{subnet}"


def _cluster(
    name: str, network: dict[str, Any], pools: list[dict[str, Any]], **extra: Any
) -> dict[str, Any]:
    """A managed cluster in the ARM shape."""
    return {
        "name": name,
        "id": f"{SUB}/aks/providers/Microsoft.ContainerService/managedClusters/{name}",
        "type": "Microsoft.ContainerService/ManagedClusters",
        "properties": {"networkProfile": network, "agentPoolProfiles": pools, **extra},
    }


def _pool(name: str, subnet: str, count: int = 3, **extra: Any) -> dict[str, Any]:
    return {"name": name, "count": count, "vnetSubnetID": subnet, **extra}


# --- published documents --------------------------------------------------------------------


def test_overlapping_vnets_of_the_arm_list_example_keep_the_first() -> None:
    result = _run(["arm-vnet-list.json"])
    assert result.text == (
        "# ipplan scenario imported from Azure: arm-vnet-list.json\n"
        "# 1 note to review: the comments starting 'ipplan:' mark what could not be imported "
        "as it is\n"
        "name: vnet1\n" + HEAD + "vnets:\n"
        "  - name: vnet1\n"
        "    address_space: [10.0.0.0/8]\n"
        "    subnets:\n"
        "      - {name: test-1, cidr: 10.0.0.0/24}\n"
        "  # ipplan: VNet vnet2 (10.0.0.0/16) overlaps VNet vnet1 (10.0.0.0/8): not imported, as "
        "a scenario's VNets must not overlap (ipplan keeps the VNet that hosts an imported "
        "cluster, else the one given first)\n"
        "  # - name: vnet2\n"
        "  #   address_space: [10.0.0.0/16]\n"
    )
    assert result.notes == (
        "VNet vnet2 (10.0.0.0/16) overlaps VNet vnet1 (10.0.0.0/8): not imported, as a "
        "scenario's VNets must not overlap (ipplan keeps the VNet that hosts an imported "
        "cluster, else the one given first)",
    )


def test_subscription_wide_list_gives_the_same_scenario() -> None:
    assert _run(["arm-vnet-list-all.json"]).scenario == _run(["arm-vnet-list.json"]).scenario


def test_vnet_get_counts_ip_configurations_as_used_ips() -> None:
    assert _run(["arm-vnet-get.json"]).scenario == {
        "name": "test-vnet",
        "planning": {
            "start": "2027-01",
            "horizon_months": 36,
            "headroom_pct": 20,
            "warn_at_pct": 80,
        },
        "vnets": [
            {
                "name": "test-vnet",
                "address_space": ["10.0.0.0/16"],
                "subnets": [{"name": "subnet1", "cidr": "10.0.1.0/24", "used_ips": 1}],
            }
        ],
    }


def test_delegated_subnet_is_kept_with_a_comment_naming_the_delegation() -> None:
    result = _run(["arm-vnet-get-subnet-delegation.json"], name="with delegation!")
    assert result.text == (
        "# ipplan scenario imported from Azure: arm-vnet-get-subnet-delegation.json\n"
        "name: with-delegation\n" + HEAD + "vnets:\n"
        "  - name: test-vnet\n"
        "    address_space: [10.0.0.0/16]\n"
        "    subnets:\n"
        "      # delegated to Microsoft.Provider/resourceType\n"
        "      - {name: subnet1, cidr: 10.0.1.0/24, used_ips: 1}\n"
    )
    assert result.notes == ()


def test_rest_example_reads_the_200_body_where_a_prefix_lies_outside_the_vnet() -> None:
    # The published 200 body lists 10.1.0.0/28, outside the VNet's 10.0.0.0/16 (201 has 10.0.1.0)
    result = _run(["arm-vnet-create-subnet-address-prefixes.json"])
    assert result.text.split(HEAD)[1] == (
        "vnets:\n"
        "  - name: test-vnet\n"
        "    address_space: [10.0.0.0/16]\n"
        "    subnets:\n"
        "      # ipplan: subnet test-2 prefix 10.1.0.0/28 is outside VNet test-vnet's address "
        "space (10.0.0.0/16): not imported\n"
        "      - {name: test-2, cidr: 10.0.0.0/28}\n"
    )


def test_rest_example_with_only_a_201_body_and_a_second_address_prefix() -> None:
    example = json.loads((DATA / "arm-vnet-create-subnet-address-prefixes.json").read_text())
    del example["responses"]["200"]
    result = import_azure([("v.json", json.dumps(example))], start="2027-01")
    assert result.text.split(HEAD)[1] == (
        "vnets:\n"
        "  - name: test-vnet\n"
        "    address_space: [10.0.0.0/16]\n"
        "    subnets:\n"
        "      - {name: test-2, cidr: 10.0.0.0/28}\n"
        "      # prefix 2 of subnet test-2 (addressPrefixes): kept so nothing is planned over it; "
        "ipplan places test-2's users in 10.0.0.0/28\n"
        "      - {name: test-2.prefix2, cidr: 10.0.1.0/28}\n"
    )


def test_published_kubenet_cluster_in_its_managed_vnet_with_agent_pool_documents() -> None:
    result = _run(
        ["built-cli-vnet-show-managed-kubenet.json"],
        (
            "arm-aks-get-kubenet.json",
            "arm-aks-agentpool-update-autoscaler-spot.json",
            "cli-aks-nodepool-show-spot.json",
        ),
    )
    assert result.text == (
        "# ipplan scenario imported from Azure: built-cli-vnet-show-managed-kubenet.json, "
        "arm-aks-get-kubenet.json, arm-aks-agentpool-update-autoscaler-spot.json, "
        "cli-aks-nodepool-show-spot.json\n"
        "# 2 notes to review: the comments starting 'ipplan:' mark what could not be imported "
        "as it is\n"
        "# ipplan: agent pool xxxxxxxxxxxx (cli-aks-nodepool-show-spot.json) belongs to cluster "
        "xxxxxxxxxxxxxxxx, which is not in the import: ignored; pass the cluster with --clusters\n"
        "name: aks-vnet-28401735\n" + HEAD + "vnets:\n"
        "  - name: aks-vnet-28401735\n"
        "    address_space: [10.224.0.0/12]\n"
        "    subnets:\n"
        "      # 6 ipConfigurations less 6 of cluster clustername1 (modelled by its node pools "
        "and settings): used_ips 0\n"
        "      - {name: aks-subnet, cidr: 10.224.0.0/16}\n"
        "clusters:\n"
        "  - name: clustername1\n"
        "    vnet: aks-vnet-28401735\n"
        "    network: kubenet\n"
        "    pod_cidr: 10.244.0.0/16\n"
        "    service_cidr: 10.0.0.0/16\n"
        "    dns_service_ip: 10.0.0.10\n"
        "    private_cluster: false\n"
        "    internal_lbs: 0\n"
        "    private_endpoints: 0\n"
        "    node_pools:\n"
        "      - {name: nodepool1, subnet: aks-subnet, nodes: 3, max_pods: 110, max_surge: 33%}\n"
        "      # ipplan: pool agentpool1 of cluster clustername1: count 3 is above the "
        "autoscaler's maxCount 2 (as exported): max_nodes left out, so ipplan plans for 3 "
        "nodes\n"
        "      # scaleSetPriority Spot: priority spot, which never surges (rule A25)\n"
        "      - {name: agentpool1, subnet: aks-subnet, nodes: 3, max_pods: 110, priority: spot}\n"
    )


def test_agent_pool_document_replaces_the_same_named_profile() -> None:
    pool = json.loads((DATA / "arm-aks-agentpool-get.json").read_text())["responses"]["200"]
    pool["body"]["name"] = "nodepool1"
    pool["body"]["id"] = pool["body"]["id"].replace("agentpool1", "nodepool1")
    pool["body"]["properties"]["count"] = 7
    result = import_azure(
        [_file("built-cli-vnet-show-managed-kubenet.json")],
        [_file("arm-aks-get-kubenet.json"), ("pool.json", json.dumps(pool["body"]))],
        start="2027-01",
    )
    assert result.scenario["clusters"][0]["node_pools"] == [
        {
            "name": "nodepool1",
            "subnet": "aks-subnet",
            "nodes": 7,
            "max_pods": 110,
            "max_surge": "33%",
        }
    ]


def test_azure_cni_nics_of_nodes_pods_and_internal_lb_are_not_counted_twice() -> None:
    # 95 ipConfigurations: 1 Linux node x (1 + 30 pods), 2 Windows nodes x 31 (VMSS akswin22),
    # 1 kubernetes-internal frontend (-> internal_lbs) and 1 build agent NIC (-> used_ips)
    result = _run(
        ["built-arm-vnet-get-managed-azure-cni.json"],
        ("cli-aks-create-azure-cni-nodesubnet.json", "cli-aks-nodepool-add-windows.json"),
    )
    assert result.text.split(HEAD)[1] == (
        "vnets:\n"
        "  - name: aks-vnet-36911594\n"
        "    address_space: [10.224.0.0/12]\n"
        "    subnets:\n"
        "      # 95 ipConfigurations less 94 of cluster recordingbotcluster (modelled by its node "
        "pools and settings): used_ips 1\n"
        "      - {name: aks-subnet, cidr: 10.224.0.0/16, used_ips: 1}\n"
        "clusters:\n"
        "  - name: recordingbotcluster\n"
        "    vnet: aks-vnet-36911594\n"
        "    network: azure-cni\n"
        "    service_cidr: 10.0.0.0/16\n"
        "    dns_service_ip: 10.0.0.10\n"
        "    private_cluster: false\n"
        "    internal_lbs: 1\n"
        "    private_endpoints: 0\n"
        "    node_pools:\n"
        "      - {name: nodepool1, subnet: aks-subnet, nodes: 1, max_pods: 30, mode: system, "
        "max_surge: 10%}\n"
        "      - {name: win22, subnet: aks-subnet, os: windows, nodes: 2, max_pods: 30, "
        "mode: user}\n"
    )


def test_nics_of_a_pool_that_is_not_imported_stay_in_used_ips() -> None:
    # the managed VNet holds 3 NICs of nodepool1 and 3 of agentpool1; this cluster has nodepool1
    result = _run(
        ["built-cli-vnet-show-managed-kubenet.json"], ("arm-aks-create-overlay-cilium.json",)
    )
    assert result.scenario["vnets"][0]["subnets"] == [
        {"name": "aks-subnet", "cidr": "10.224.0.0/16", "used_ips": 3}
    ]


def _managed_vnet(node_rg: str) -> dict[str, Any]:
    return _vnet("aks-vnet-1", ["10.224.0.0/12"], {"aks-subnet": "10.224.0.0/16"}, rg=node_rg)


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        (
            "arm-aks-get-kubenet.json",
            {"network": "kubenet", "pod_cidr": "10.244.0.0/16", "service_cidr": "10.0.0.0/16"},
        ),
        (
            "arm-aks-list-kubenet.json",
            {"network": "kubenet", "pod_cidr": "10.244.0.0/16", "service_cidr": "10.0.0.0/16"},
        ),
        (
            "arm-aks-create-dualstack-kubenet.json",
            {"network": "kubenet", "pod_cidr": "10.244.0.0/16", "service_cidr": "10.0.0.0/16"},
        ),
        (
            "arm-aks-create-overlay-cilium.json",
            {
                "network": "azure-cni-overlay",
                "dataplane": "cilium",
                "pod_cidr": "10.244.0.0/16",
                "service_cidr": "10.0.0.0/16",
            },
        ),
        (
            "arm-aks-get-azure-cni-nodesubnet-recorded.json",
            {
                "network": "azure-cni",
                "service_cidr": "172.56.0.0/16",
                "dns_service_ip": "172.56.0.10",
            },
        ),
        (
            "arm-aks-get-overlay-recorded.json",
            {
                "network": "azure-cni-overlay",
                "pod_cidr": "100.64.0.0/10",
                "service_cidr": "172.56.0.0/16",
                "dns_service_ip": "172.56.0.10",
            },
        ),
        (
            "cli-aks-create-azure-cni-nodesubnet.json",
            {"network": "azure-cni", "service_cidr": "10.0.0.0/16"},
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_network_of_every_published_cluster(fixture: str, expected: dict[str, str]) -> None:
    source, text = _file(fixture)
    body = json.loads(text)
    body = body["responses"]["200"]["body"] if "responses" in body else body
    body = body["value"][0] if "value" in body else body
    node_rg = body.get("properties", body)["nodeResourceGroup"]
    result = import_azure(
        [("vnets.json", json.dumps(_managed_vnet(node_rg)))], [(source, text)], start="2027-01"
    )
    cluster = result.scenario["clusters"][0]
    assert {k: cluster[k] for k in expected} == expected
    assert "dataplane" in cluster or "dataplane" not in expected


def test_a_cluster_in_a_managed_vnet_that_is_not_imported_is_reported() -> None:
    result = _run(["arm-vnet-get.json"], ("arm-aks-get-overlay-recorded.json",))
    assert result.text.split("clusters: []\n")[1] == (
        "  # ipplan: cluster cliakstest000002: none of its node pools could be imported: not "
        "imported\n"
        "  # - name: cliakstest000002\n"
        "  #   vnet: ''\n"
        "  #   network: azure-cni-overlay\n"
        "  #   pod_cidr: 100.64.0.0/10\n"
        "  #   service_cidr: 172.56.0.0/16\n"
        "  #   dns_service_ip: 172.56.0.10\n"
        "  #   private_cluster: false\n"
        "  #   internal_lbs: 0\n"
        "  #   private_endpoints: 0\n"
        "  #   node_pools:\n"
        "      # ipplan: node pool nodepool1 of cluster cliakstest000002: it runs in the "
        "AKS-managed VNet (no vnetSubnetID), which is not in the import: add it with `az "
        "network vnet list -g MC_clitest000001_cliakstest000002_westcentralus -o json`: not "
        "imported\n"
        "  #     - {name: nodepool1, nodes: 3, max_pods: 30, mode: system}\n"
    )
    assert result.scenario["clusters"] == []


# --- built documents: a hub and spokes with pod-subnet clusters ---------------------------


def test_contoso_estate_matches_its_golden_file() -> None:
    result = _run(
        ["built-cli-vnet-list-contoso.json"],
        ("built-cli-aks-list-contoso.json", "built-arm-aks-list-static-block.json"),
        name="contoso",
    )
    assert result.text == (DATA / "golden-contoso.yaml").read_text(encoding="utf-8")
    assert len(result.notes) == 7


def test_contoso_pod_subnet_clusters_as_data() -> None:
    result = _run(
        ["built-cli-vnet-list-contoso.json"],
        ("built-cli-aks-list-contoso.json", "built-arm-aks-list-static-block.json"),
    )
    assert result.scenario["external"] == [
        {"name": "partner-vnet", "cidrs": ["192.168.0.0/20"]},
        {"name": "legacy-vnet", "cidrs": ["172.20.0.0/16"]},
    ]
    assert result.scenario["clusters"] == [
        {
            "name": "prod-aks",
            "vnet": "spoke-prod-vnet",
            "network": "azure-cni-pod-subnet",
            "dataplane": "cilium",
            "service_cidr": "10.100.0.0/16",
            "dns_service_ip": "10.100.0.10",
            "private_cluster": True,
            "internal_lbs": 1,
            "private_endpoints": 0,
            "node_pools": [
                {
                    "name": "system",
                    "subnet": "aks-system",
                    "pod_subnet": "aks-pods",
                    "nodes": 3,
                    "max_pods": 50,
                    "mode": "system",
                    "max_surge": 1,
                },
                {
                    "name": "user",
                    "subnet": "aks-user",
                    "pod_subnet": "aks-pods",
                    "nodes": 4,
                    "max_nodes": 20,
                    "max_pods": 50,
                    "mode": "user",
                    "max_surge": "33%",
                },
            ],
        },
        {
            "name": "batch-aks",
            "vnet": "spoke-batch-vnet",
            "network": "azure-cni-pod-subnet-static",
            "service_cidr": "10.110.0.0/16",
            "dns_service_ip": "10.110.0.10",
            "private_cluster": False,
            "internal_lbs": 0,
            "private_endpoints": 0,
            "node_pools": [
                {
                    "name": "cpu",
                    "subnet": "nodes",
                    "pod_subnet": "pods",
                    "nodes": 2,
                    "max_nodes": 10,
                    "max_pods": 31,
                    "mode": "system",
                    "max_surge": "10%",
                },
                {
                    "name": "gpu",
                    "subnet": "nodes",
                    "pod_subnet": "pods",
                    "nodes": 2,
                    "max_nodes": 4,
                    "max_pods": 30,
                    "mode": "user",
                },
            ],
        },
    ]


# --- mapping rules ---------------------------------------------------------------------------


def test_two_vnets_each_with_a_default_subnet_ids_match_case_insensitively() -> None:
    vnets = [
        _vnet("hub", ["10.10.0.0/16"], {"default": "10.10.0.0/24"}),
        _vnet("spoke", ["10.11.0.0/16"], {"default": "10.11.0.0/24", "pods": "10.11.64.0/18"}),
    ]
    pod_subnet = _subnet_id("spoke", "pods").lower()
    pools = [
        _pool("sys", _subnet_id("SPOKE", "DEFAULT").upper(), podSubnetID=pod_subnet, maxPods=30)
    ]
    result = _docs(vnets, [_cluster("c1", {"networkPlugin": "azure"}, pools)])
    cluster = result.scenario["clusters"][0]
    assert (cluster["vnet"], cluster["network"], cluster["node_pools"]) == (
        "spoke",
        "azure-cni-pod-subnet",
        [{"name": "sys", "subnet": "default", "pod_subnet": "pods", "nodes": 3, "max_pods": 30}],
    )


def _one_cluster(network: dict[str, Any], *pools: dict[str, Any]) -> AzureImport:
    vnets = [
        _vnet(
            "v", ["10.10.0.0/16"], {"a": "10.10.0.0/24", "b": "10.10.1.0/24", "p": "10.10.64.0/18"}
        )
    ]
    return _docs(vnets, [_cluster("c", network, list(pools))])


A, B, P = _subnet_id("v", "a"), _subnet_id("v", "b"), _subnet_id("v", "p")


def test_static_block_pools_on_several_subnets() -> None:
    result = _one_cluster(
        {"networkPlugin": "azure"},
        _pool("x", A, podSubnetID=P, podIPAllocationMode="StaticBlock"),
        _pool("y", B, podSubnetID=P, podIPAllocationMode="StaticBlock", osType="Windows"),
    )
    cluster = result.scenario["clusters"][0]
    assert cluster["network"] == "azure-cni-pod-subnet-static"
    assert cluster["node_pools"] == [
        {"name": "x", "subnet": "a", "pod_subnet": "p", "nodes": 3},
        {"name": "y", "subnet": "b", "pod_subnet": "p", "os": "windows", "nodes": 3},
    ]


def test_mixed_pod_ip_allocation_modes_are_imported_as_dynamic_with_a_note() -> None:
    result = _one_cluster(
        {"networkPlugin": "azure"},
        _pool("x", A, podSubnetID=P, podIPAllocationMode="StaticBlock"),
        _pool("y", B, podSubnetID=P, podIPAllocationMode="DynamicIndividual"),
    )
    assert result.scenario["clusters"][0]["network"] == "azure-cni-pod-subnet"
    assert result.notes == (
        "cluster c mixes dynamic and StaticBlock pod subnets: imported as azure-cni-pod-subnet "
        "(dynamic), as ipplan takes one model per cluster",
    )
    assert "    # ipplan: cluster c mixes dynamic" in result.text


@pytest.mark.parametrize(
    ("plugin", "note"),
    [
        ("none", "networkPlugin none (bring your own CNI): ipplan cannot model its pod IPs"),
        (None, "no networkProfile.networkPlugin in the export"),
        ("calico", "networkPlugin 'calico' is not one ipplan knows"),
    ],
    ids=["byo-cni", "missing", "unknown"],
)
def test_clusters_ipplan_cannot_model_are_commented_out(plugin: str | None, note: str) -> None:
    result = _one_cluster({"networkPlugin": plugin}, _pool("x", A))
    assert result.notes == (f"cluster c: {note}: not imported",)
    assert result.text.endswith(
        f"clusters: []\n  # ipplan: cluster c: {note}: not imported\n  # - name: c\n"
    )
    assert result.scenario["clusters"] == []


def test_autoscaler_count_below_min_surge_and_missing_values() -> None:
    result = _one_cluster(
        {"networkPlugin": "azure", "networkPluginMode": "overlay"},
        _pool(
            "x",
            A,
            count=1,
            enableAutoScaling=True,
            minCount=2,
            maxCount=5,
            upgradeSettings={"maxSurge": ""},
        ),
        _pool(
            "y", B, count=0, enableAutoScaling=False, maxCount=9, upgradeSettings={"maxSurge": "2"}
        ),
        _pool("z", B, count=4, upgradeSettings={"maxSurge": "lots"}),
    )
    assert result.scenario["clusters"][0]["node_pools"] == [
        {"name": "x", "subnet": "a", "nodes": 2, "max_nodes": 5},
        {"name": "z", "subnet": "b", "nodes": 4},
    ]
    assert (
        "      # count 1 is below the autoscaler's minCount 2: nodes is minCount\n" in result.text
    )
    assert result.notes == (
        "cluster c: no IPv4 podCidr in the export: ipplan uses 10.244.0.0/16, AKS's default",
        "node pool y of cluster c: 0 nodes and no autoscaler: it uses no IPs: not imported",
        "pool z: maxSurge 'lots' not understood: left out (ipplan's default applies)",
    )


def test_private_cluster_api_endpoint_and_pools_in_another_vnet() -> None:
    node_rg = f"{SUB}/MC_c/providers"
    vnets = [
        _vnet(
            "v",
            ["10.10.0.0/16"],
            {
                "a": {
                    "addressPrefix": "10.10.0.0/24",
                    "ipConfigurations": [
                        {
                            "id": f"{node_rg}/Microsoft.Network/networkInterfaces/"
                            "kube-apiserver.nic.1/ipConfigurations/pe"
                        },
                        {
                            "id": f"{node_rg}/Microsoft.Compute/virtualMachineScaleSets/"
                            "aks-x-1-vmss/virtualMachines/0/networkInterfaces/n/"
                            "ipConfigurations/ipconfig1"
                        },
                        {
                            "id": f"{node_rg}/Microsoft.Compute/virtualMachineScaleSets/"
                            "aks-xy-1-vmss/virtualMachines/0/networkInterfaces/n/"
                            "ipConfigurations/ipconfig1"
                        },
                    ],
                }
            },
        ),
        _vnet("w", ["10.11.0.0/16"], {"b": "10.11.0.0/24"}),
    ]
    cluster = _cluster(
        "c",
        {"networkPlugin": "kubenet", "podCidr": "10.244.0.0/16"},
        [_pool("x", _subnet_id("v", "a")), _pool("z", _subnet_id("w", "b"))],
        nodeResourceGroup="MC_c",
        apiServerAccessProfile={"enablePrivateCluster": True},
    )
    result = _docs(vnets, [cluster])
    # the API server's NIC and pool x's node are modelled; aks-xy-... is no pool of the cluster
    assert result.scenario["vnets"][0]["subnets"] == [
        {"name": "a", "cidr": "10.10.0.0/24", "used_ips": 1}
    ]
    assert result.scenario["clusters"][0]["node_pools"] == [
        {"name": "x", "subnet": "a", "nodes": 3}
    ]
    assert result.notes == (
        "node pool z of cluster c: its subnet is in VNet w, but the cluster's first pool is in "
        "v: not imported",
    )


def test_vnets_with_the_same_name_and_a_vnet_given_twice() -> None:
    one = _vnet("spoke", ["10.10.0.0/16"], {"default": "10.10.0.0/24"}, rg="rg1")
    two = _vnet("spoke", ["10.11.0.0/16"], {"default": "10.11.0.0/24"}, rg="rg2")
    result = import_azure(
        [("a.json", json.dumps([one, two])), ("b.json", json.dumps(two))],
        [
            (
                "c.json",
                json.dumps(
                    _cluster(
                        "c",
                        {"networkPlugin": "azure"},
                        [_pool("x", _subnet_id("spoke", "default", "rg2"))],
                    )
                ),
            )
        ],
        start="2027-01",
    )
    assert [v["name"] for v in result.scenario["vnets"]] == ["spoke", "spoke-2"]
    assert result.scenario["clusters"][0]["vnet"] == "spoke-2"
    assert result.notes == (
        "VNet spoke is given twice (a.json: [1] and b.json): the first is used",
        "VNet spoke renamed spoke-2: another one has its name",
    )


def test_peerings_to_vnets_outside_the_import_become_external_ranges() -> None:
    published = json.loads((DATA / "arm-vnet-peering-get.json").read_text())
    peering = published["responses"]["200"]["body"]  # to vnet2, 12.0.0.0/8, Initiated
    linked = {
        "name": "to-spoke",
        "remoteVirtualNetwork": {
            "id": f"{SUB}/net/providers/Microsoft.Network/virtualNetworks/SPOKE"
        },
        "remoteAddressSpace": {"addressPrefixes": ["10.1.0.0/16"]},
        "peeringState": "Connected",
    }
    overlapping = {
        "name": "to-old",
        "remoteVirtualNetwork": {"id": f"{SUB}/x/providers/Microsoft.Network/virtualNetworks/old"},
        "remoteAddressSpace": {"addressPrefixes": ["10.0.128.0/17", "fd00::/48"]},
        "peeringState": "Connected",
    }
    vnets = [
        _vnet("hub", ["10.0.0.0/16"], peerings=[peering, linked, overlapping]),
        _vnet("spoke", ["10.1.0.0/16"]),
    ]
    result = _docs(vnets)
    assert result.scenario["external"] == [{"name": "vnet2", "cidrs": ["12.0.0.0/8"]}]
    assert result.text.split("external:\n")[1] == (
        "  # peered with VNet hub (peer)\n"
        "  # ipplan: peering peer of VNet hub is Initiated: its range is kept; delete it here "
        "if the peering is gone\n"
        "  - {name: vnet2, cidrs: [12.0.0.0/8]}\n"
        "  # peered with VNet hub (to-old)\n"
        "  # ipplan: 10.0.128.0/17 of peered VNet old overlaps hub (10.0.0.0/16): left out of "
        "the external ranges\n"
        "  # ipplan: IPv6 range fd00::/48 of peered VNet old not imported (ipplan plans IPv4)\n"
        "  # - {name: old, cidrs: []}\n"
    )


def _rejected(data: dict[str, Any], path: str) -> str:
    """What scenario validation says about *data*, after the field path *path*."""
    with pytest.raises(ScenarioError) as err:
        parse_scenario({"name": "t", **data}, "t")
    return str(err.value).removeprefix(f"t: {path}.")


REJECTED = "not imported, as ipplan would reject it; fix it here and uncomment it"


def test_a_cluster_ipplan_would_reject_is_left_out_with_the_validation_message() -> None:
    vnets = [
        _vnet("hub", ["10.0.0.0/22"]),
        _vnet("spoke", ["10.10.0.0/16"], {"nodes": "10.10.0.0/24"}),
    ]
    network = {
        "networkPlugin": "azure",
        "networkPluginMode": "overlay",
        "podCidr": "100.64.0.0/16",
        "serviceCidr": "10.0.0.0/16",
        "dnsServiceIP": "10.0.0.10",
    }
    result = _docs(vnets, [_cluster("c", network, [_pool("sys", _subnet_id("spoke", "nodes"))])])
    assert result.scenario["clusters"] == []
    cluster = {
        "name": "c",
        "vnet": "spoke",
        "network": "azure-cni-overlay",
        "service_cidr": "10.0.0.0/16",
    }
    cluster["node_pools"] = [{"name": "sys", "subnet": "nodes", "nodes": 3}]
    problem = _rejected({"vnets": result.scenario["vnets"], "clusters": [cluster]}, "clusters[0]")
    assert problem.startswith(
        "service_cidr: 10.0.0.0/16 overlaps VNet 'hub' (10.0.0.0/22, vnets[0]"
    )
    assert result.notes == (f"cluster c: {problem.replace('vnets[0]', 'vnets[hub]')}: {REJECTED}",)
    assert "  # - name: c\n  #   vnet: spoke\n  #   network: azure-cni-overlay\n" in result.text


def test_a_pool_ipplan_would_reject_is_left_out_and_the_cluster_kept() -> None:
    network = {
        "networkPlugin": "azure",
        "networkPluginMode": "overlay",
        "networkDataplane": "cilium",
    }
    result = _one_cluster(network, _pool("sys", A), _pool("win", B, osType="Windows"))
    assert result.scenario["clusters"][0]["node_pools"] == [
        {"name": "sys", "subnet": "a", "nodes": 3}
    ]
    cluster = {"name": "c", "vnet": "v", "network": "azure-cni-overlay", "dataplane": "cilium"}
    cluster["node_pools"] = [{"name": "win", "subnet": "b", "os": "windows", "nodes": 3}]
    vnet = {
        "name": "v",
        "address_space": ["10.10.0.0/16"],
        "subnets": [{"name": "b", "cidr": "10.10.1.0/24"}],
    }
    problem = _rejected({"vnets": [vnet], "clusters": [cluster]}, "clusters[0].node_pools[0]")
    assert problem.startswith("os: pool 'win' runs Windows, which the Cilium dataplane")
    assert result.notes[1:] == (f"node pool win of cluster c: {problem}: {REJECTED}",)


def test_a_problem_between_clusters_names_the_other_cluster() -> None:
    vnets = [_vnet("v", ["10.10.0.0/16"], {"a": "10.10.0.0/24", "p": "10.10.64.0/18"})]
    pod_subnet = _cluster(
        "c1",
        {"networkPlugin": "azure"},
        [_pool("x", _subnet_id("v", "a"), podSubnetID=_subnet_id("v", "p"))],
    )
    overlay = {"networkPlugin": "azure", "networkPluginMode": "overlay", "podCidr": "100.64.0.0/16"}
    nodes_in_p = _cluster("c2", overlay, [_pool("y", _subnet_id("v", "p"))])
    result = _docs(vnets, [pod_subnet, nodes_in_p])
    assert [c["name"] for c in result.scenario["clusters"]] == ["c2"]
    first, second = result.notes
    assert first == "cluster c1: none of its node pools could be imported: not imported"
    # the validation message names the other cluster's pool: its position changes
    assert second.startswith("node pool x of cluster c1: pod_subnet: 'p' ")
    assert "clusters[c2].node_pools[y]" in second
    assert second.endswith(f": {REJECTED}")
    assert "  # - name: c1\n  #   vnet: v\n" in result.text


def test_a_vnet_ipplan_would_reject_takes_its_clusters_with_it() -> None:
    vnets = [
        _vnet("ok", ["10.10.0.0/16"]),
        _vnet("reserved", ["172.31.0.0/16"], {"nodes": "172.31.0.0/24"}),
    ]
    cluster = _cluster(
        "c", {"networkPlugin": "azure"}, [_pool("x", _subnet_id("reserved", "nodes"))]
    )
    result = _docs(vnets, [cluster])
    assert [v["name"] for v in result.scenario["vnets"]] == ["ok"]
    problem = _rejected({"vnets": [{"name": "r", "address_space": ["172.31.0.0/16"]}]}, "vnets[0]")
    assert problem.startswith("address_space[0]: 172.31.0.0/16 ")
    assert result.notes == (
        f"VNet reserved: {problem}: {REJECTED}",
        "cluster c: none of its node pools could be imported: not imported",
        "node pool x of cluster c: its VNet reserved was not imported: not imported",
    )


def test_name_defaults_to_the_first_imported_vnet_sanitised() -> None:
    result = _docs([_vnet("my vnet (prod)", ["10.0.0.0/16"])])
    assert result.scenario["name"] == "my-vnet-prod"
    assert result.scenario["vnets"][0]["name"] == "my-vnet-prod"
    assert result.notes == (
        "VNet my vnet (prod) renamed my-vnet-prod: names use letters, digits, - _ .",
    )


# --- bad input: one line, naming the file -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "",
            "v.json: line 1, column 1: not valid JSON (Expecting value): pass the output of "
            "`az network vnet list -o json`",
        ),
        (
            '[{"name": "a",\n  "x": }]',
            "v.json: line 2, column 8: not valid JSON (Expecting "
            "value): pass the output of `az network vnet list -o json`",
        ),
        (
            '"hello"',
            "v.json: expected a JSON object or list, not a string: pass the output of "
            "`az network vnet list -o json`",
        ),
        (
            "[1]",
            "v.json: [0]: expected a JSON object, not a number: pass the output of "
            "`az network vnet list -o json`",
        ),
        (
            "[]",
            "v.json: no virtual networks found: pass the output of `az network vnet list -o json`",
        ),
        (
            '{"responses": {"404": {}}}',
            "v.json: a REST example without a 200 or 201 body: pass "
            "the output of `az network vnet list -o json`",
        ),
        (
            '{"foo": 1}',
            "v.json: not a virtual network (no addressSpace): pass the output of "
            "`az network vnet list -o json`",
        ),
        (
            '{"addressSpace": {}}',
            "v.json: a virtual network without a name: pass the output "
            "of `az network vnet list -o json`",
        ),
        (
            '{"name": "v", "addressSpace": {"addressPrefixes": "10.0.0.300/16"}}',
            "v.json: addressSpace.addressPrefixes: '10.0.0.300/16' is not a valid CIDR",
        ),
        (
            '{"name": "v", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.1/16"]}}}',
            "v.json: properties.addressSpace.addressPrefixes: '10.0.0.1/16' has host bits set "
            "(did you mean 10.0.0.0/16?)",
        ),
        (
            '{"name": "v", "addressSpace": {}, "subnets": {"a": 1}}',
            "v.json: subnets: should be a list, not an object",
        ),
        (
            '{"name": "v", "addressSpace": {}, "subnets": [{"name": 5}]}',
            "v.json: subnets[0].name: 5 should be a string, not a number",
        ),
    ],
    ids=[
        "empty",
        "syntax",
        "string",
        "number-item",
        "no-vnets",
        "no-200",
        "unrelated",
        "no-name",
        "bad-cidr",
        "host-bits",
        "subnets-not-list",
        "name-not-string",
    ],
)
def test_bad_vnet_documents(text: str, message: str) -> None:
    with pytest.raises(ScenarioError) as err:
        import_azure([("v.json", text)], start="2027-01")
    assert str(err.value) == message


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        (
            "arm-vnet-list-usage.json",
            "arm-vnet-list-usage.json: responses.200.body.value[0]: "
            "not a virtual network (no addressSpace): pass the output of "
            "`az network vnet list -o json`",
        ),
        (
            "arm-vnet-peering-get.json",
            "arm-vnet-peering-get.json: responses.200.body (peer): "
            "not a virtual network (no addressSpace): pass the output of "
            "`az network vnet list -o json`",
        ),
        (
            "arm-subnet-get.json",
            "arm-subnet-get.json: responses.200.body (subnet1): is a subnet, "
            "not a virtual network: ipplan needs the VNet's address space too: pass the output of "
            "`az network vnet list -o json`",
        ),
        (
            "arm-aks-list-kubenet.json",
            "arm-aks-list-kubenet.json: responses.200.body.value[0] "
            "(clustername1): is an AKS cluster: pass it with --clusters",
        ),
        (
            "arm-subnet-list.json",
            "arm-subnet-list.json: responses.200.body.value[0] (subnet1): is a subnet, not a "
            "virtual network: ipplan needs the VNet's address space too: pass the output of "
            "`az network vnet list -o json`",
        ),
    ],
    ids=["usage", "peering", "subnet", "cluster", "subnet-list"],
)
def test_published_documents_that_are_not_vnets(fixture: str, message: str) -> None:
    with pytest.raises(ScenarioError) as err:
        import_azure([_file(fixture)], start="2027-01")
    assert str(err.value) == message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '{"name": "v", "addressSpace": {}}',
            "c.json (v): is a virtual network: pass it with --vnets",
        ),
        (
            '{"value": [{"name": "x"}]}',
            "c.json: value[0] (x): not an AKS cluster or agent pool "
            "(no agentPoolProfiles): pass the output of "
            "`az aks list -o json`",
        ),
        (
            '{"name": "c", "agentPoolProfiles": [{"name": "p", "maxPods": "many"}]}',
            "c.json: agentPoolProfiles[0].maxPods: 'many' should be a whole number of 0 or more",
        ),
        (
            '{"name": "c", "properties": {"agentPoolProfiles": [],'
            ' "networkProfile": {"networkPlugin": "kubenet", "podCidr": "10.244.0.0/33"}}}',
            "c.json: properties.networkProfile.podCidr: '10.244.0.0/33' is not a valid CIDR",
        ),
        (
            '{"name": "c", "agentPoolProfiles": [], "networkProfile": {"dnsServiceIp": "10.0.0"}}',
            "c.json: networkProfile.dnsServiceIp: '10.0.0' is not a valid IP address",
        ),
    ],
    ids=["vnet", "unrelated", "max-pods", "pod-cidr", "dns-ip"],
)
def test_bad_cluster_documents(text: str, message: str) -> None:
    with pytest.raises(ScenarioError) as err:
        import_azure([_file("arm-vnet-get.json")], [("c.json", text)], start="2027-01")
    assert str(err.value) == message


def test_no_vnet_that_can_be_imported_is_an_error() -> None:
    with pytest.raises(ScenarioError) as err:
        import_azure([("v.json", json.dumps(_vnet("v6", ["fd00::/48"])))], start="2027-01")
    assert str(err.value) == (
        "v.json: no VNet can be imported; the first: VNet v6 has no IPv4 address space: not "
        "imported"
    )


def test_messages_and_yaml_stay_one_line_whatever_the_names() -> None:
    with pytest.raises(ScenarioError) as err:
        import_azure(
            [("v.json", '{"name": "a\\nb", "addressSpace": {"addressPrefixes": ["x\\ny"]}}')],
            start="2027-01",
        )
    assert "\n" not in str(err.value)
    pools = [
        _pool("sys", _subnet_id("v", "a"), osType="Linux"),
        _pool("tab\there", _subnet_id("v", "a")),
    ]
    result = _one_cluster({"networkPlugin": "azure", "networkPluginMode": "overlay"}, *pools)
    assert result.scenario["clusters"][0]["node_pools"][1]["name"] == "tab\there"
    assert '      - {name: "tab\\there", subnet: a, nodes: 3}\n' in result.text


def test_start_must_be_a_month() -> None:
    with pytest.raises(ScenarioError, match=r"^start: '2027-1' is not a month; write YYYY-MM"):
        import_azure([_file("arm-vnet-get.json")], start="2027-1")


# --- the command ------------------------------------------------------------------------------


runner = CliRunner()


def test_cli_prints_the_scenario_and_the_notes() -> None:
    result = runner.invoke(
        app, ["import", "azure", "--vnets", str(DATA / "arm-vnet-list.json"), "--start", "2027-01"]
    )
    assert result.exit_code == 0
    assert result.stdout == _run(["arm-vnet-list.json"]).text.replace(
        "Azure: arm-vnet-list.json", f"Azure: {DATA / 'arm-vnet-list.json'}"
    )
    assert result.stderr == (
        "note: VNet vnet2 (10.0.0.0/16) overlaps VNet vnet1 (10.0.0.0/8): not imported, as a "
        "scenario's VNets must not overlap (ipplan keeps the VNet that hosts an imported "
        "cluster, else the one given first)\n"
    )


def test_cli_writes_the_file_and_a_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DATA)
    out = tmp_path / "scenario.yaml"
    args = [
        "import",
        "azure",
        "--vnets",
        "built-cli-vnet-list-contoso.json",
        "--clusters",
        "built-cli-aks-list-contoso.json",
        "--clusters",
        "built-arm-aks-list-static-block.json",
        "-o",
        str(out),
        "--name",
        "contoso",
        "--start",
        "2027-01",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    assert result.stdout == (
        f"wrote {out}: 3 VNets (12 subnets), 2 external ranges, 2 clusters (4 node pools)\n"
    )
    assert out.read_text(encoding="utf-8") == (DATA / "golden-contoso.yaml").read_text()
    assert len(result.stderr.splitlines()) == 7
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scenario.yaml"]
    # --out, as every other command names the file or folder it writes, is -o too
    again = tmp_path / "again.yaml"
    same = runner.invoke(app, [*args[:-6], "--out", str(again), *args[-4:]])
    assert same.exit_code == 0 and again.read_bytes() == out.read_bytes()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--vnets", "missing.json"],
            "Error: missing.json: cannot read it (No such file or directory)\n",
        ),
        (
            ["--vnets", "bad.json"],
            "Error: bad.json: line 1, column 11: not valid JSON "
            "(Expecting value): pass the output of "
            "`az network vnet list -o json`\n",
        ),
        (
            ["--vnets", "latin1.json"],
            "Error: latin1.json: not UTF-8 text: give the JSON that `az ... -o json` prints\n",
        ),
        (
            ["--vnets", "good.json", "--clusters", "good.json"],
            "Error: good.json (v): is a virtual network: pass it with --vnets\n",
        ),
        (
            ["--vnets", "good.json", "--start", "Jan"],
            "Error: --start: 'Jan' is not a month; write YYYY-MM, such as 2027-01\n",
        ),
        (
            ["--vnets", "good.json", "-o", "nowhere/s.yaml"],
            "Error: -o: folder nowhere does not exist: create it first\n",
        ),
    ],
    ids=["missing", "syntax", "encoding", "wrong-kind", "start", "unwritable"],
)
def test_cli_bad_input_is_one_line_and_leaves_the_output_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.json").write_text('{"value": }', encoding="utf-8")
    (tmp_path / "latin1.json").write_bytes('{"name": "café"}'.encode("latin-1"))
    (tmp_path / "good.json").write_text(json.dumps(_vnet("v", ["10.0.0.0/16"])), encoding="utf-8")
    (tmp_path / "s.yaml").write_text("earlier\n", encoding="utf-8")
    extra = [] if "-o" in args else ["-o", "s.yaml"]
    result = runner.invoke(app, ["import", "azure", *args, *extra])
    assert (result.exit_code, result.stderr, result.stdout) == (2, message, "")
    assert (tmp_path / "s.yaml").read_text(encoding="utf-8") == "earlier\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "bad.json",
        "good.json",
        "latin1.json",
        "s.yaml",
    ]


def test_cli_written_file_validates_and_plans(tmp_path: Path) -> None:
    out = tmp_path / "estate.yaml"
    args = [
        "import",
        "azure",
        "-o",
        str(out),
        "--vnets",
        str(DATA / "built-cli-vnet-list-contoso.json"),
    ]
    args += ["--clusters", str(DATA / "built-cli-aks-list-contoso.json")]
    assert runner.invoke(app, args).exit_code == 0
    validated = runner.invoke(app, ["validate", str(out)])
    assert (validated.exit_code, validated.stdout) == (
        0,
        "ok: hub-vnet (3 vnets, 1 cluster, 2 node pools)\n",
    )
    planned = runner.invoke(app, ["plan", str(out), "--out", str(tmp_path / "report")])
    assert planned.exit_code == 0
    assert (tmp_path / "report" / "subnets.csv").read_text().splitlines()[0].startswith("vnet,")


def test_cli_reads_json_with_a_byte_order_mark_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "vnets.json"
    text = json.dumps(_vnet("v", ["10.0.0.0/16"]), indent=2).replace("\n", "\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    result = runner.invoke(app, ["import", "azure", "--vnets", str(path), "--start", "2027-01"])
    assert result.exit_code == 0
    assert result.stdout.endswith("vnets:\n  - name: v\n    address_space: [10.0.0.0/16]\n")


def _readme_section(title: str) -> str:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    return readme.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_readme_azure_transcript_is_real(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "vnets.json").write_bytes((DATA / "built-cli-vnet-list-contoso.json").read_bytes())
    (tmp_path / "clusters.json").write_bytes(
        (DATA / "built-cli-aks-list-contoso.json").read_bytes()
    )
    monkeypatch.chdir(tmp_path)
    section = _readme_section("Start from your Azure estate")
    console = section.split("```console\n", 1)[1].split("```", 1)[0]
    commands = console.split("$ ")[1:]
    assert [c.splitlines()[0] for c in commands[:2]] == [
        "az network vnet list -o json > vnets.json",
        "az aks list -o json > clusters.json",
    ]
    for command in commands[2:]:
        line, _, expected = command.partition("\n")
        assert line.startswith("ipplan ")
        result = runner.invoke(app, line.split()[1:])
        assert (result.exit_code, result.output) == (0, expected)
    excerpt = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    written = (tmp_path / "scenario.yaml").read_text(encoding="utf-8")
    for line in excerpt.splitlines():
        assert f"{line}\n" in written


def test_api_server_vnet_integration_subnet_becomes_api_server_subnet() -> None:
    # rule A24: the delegated subnet is kind api-server, the cluster names it, and 9 of its 11
    # ipConfigurations are the API server's (modelled by api_server_subnet): used_ips 2
    delegation = [{"name": "d", "serviceName": "Microsoft.ContainerService/managedClusters"}]
    api = {
        "addressPrefix": "10.11.1.0/28",
        "delegations": delegation,
        "ipConfigurations": [{"id": f"/x/ipconfig{i}"} for i in range(11)],
    }
    vnets = [_vnet("spoke", ["10.11.0.0/16"], {"nodes": "10.11.0.0/24", "api": api})]
    network = {"networkPlugin": "azure", "networkPluginMode": "overlay"}
    access = {
        "enablePrivateCluster": True,
        "enableVnetIntegration": True,
        "subnetId": _subnet_id("spoke", "api"),
    }
    pools = [_pool("sys", _subnet_id("spoke", "nodes"), mode="System")]
    result = _docs(vnets, [_cluster("c", network, pools, apiServerAccessProfile=access)])
    subnet = result.scenario["vnets"][0]["subnets"][1]
    assert subnet == {"name": "api", "cidr": "10.11.1.0/28", "kind": "api-server", "used_ips": 2}
    assert result.scenario["clusters"][0]["api_server_subnet"] == "api"
    # without the delegation the subnet is no api-server subnet: the cluster leaves it out
    del api["delegations"]
    vnets = [_vnet("spoke", ["10.11.0.0/16"], {"nodes": "10.11.0.0/24", "api": api})]
    result = _docs(vnets, [_cluster("c", network, pools, apiServerAccessProfile=access)])
    assert "api_server_subnet" not in result.scenario["clusters"][0]
    assert any("is not delegated to" in note for note in result.notes)
