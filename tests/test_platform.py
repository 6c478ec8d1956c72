"""The whole spoke: platform subnet kinds (rule A24) and upgrade modes and spot pools (rule A25).

Every expected number is worked out by hand in the comment beside it.
"""

from __future__ import annotations

import copy
import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from ipplan.core.capacity import Cluster, Growth, NodePool, Subnet, evaluate, min_prefixlen
from ipplan.core.forecast import forecast
from ipplan.core.keys import SubnetKey
from ipplan.core.plan import build_plan
from ipplan.errors import ScenarioError
from ipplan.importers.azure import import_azure
from ipplan.rules import (
    AppGatewaySku,
    Network,
    Priority,
    SubnetKind,
    Surge,
    Upgrade,
    kind_ips,
    surge_nodes,
)
from ipplan.scenario import load_scenario, parse_scenario

Data = dict[str, Any]
ROOT = Path(__file__).resolve().parent.parent
AZURE = Path(__file__).parent / "data" / "azure"
NODES = SubnetKey("spoke", "nodes")


def scenario(*subnets: Data, pools: list[Data] | None = None, **cluster: Any) -> Data:
    """A one-VNet, one-cluster scenario with these extra subnets and cluster settings."""
    return {
        "name": "t",
        "planning": {"start": "2027-01", "compare": ["azure-cni-overlay"]},
        "vnets": [
            {
                "name": "spoke",
                "address_space": ["10.20.0.0/16"],
                "subnets": [{"name": "nodes", "prefix": 22}, *subnets],
            }
        ],
        "clusters": [
            {
                "name": "aks",
                "vnet": "spoke",
                "service_cidr": "172.16.0.0/16",
                "pod_cidr": "100.64.0.0/16",
                "node_pools": pools
                or [
                    {"name": "system", "subnet": "nodes", "nodes": 3},
                    {"name": "user", "subnet": "nodes", "nodes": 10},
                ],
                **cluster,
            }
        ],
    }


def error(data: Data) -> str:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(data, source="t.yaml")
    return str(caught.value)


def planned(data: Data, name: str) -> tuple[str, int, int]:
    """(cidr, peak IPs, min prefix) of subnet *name* in the plan of *data*."""
    plan = build_plan(parse_scenario(data, source="t.yaml"))
    s = next(s for s in plan.subnets if s.name == name)
    return str(s.cidr), s.peak_ips, s.min_prefixlen


# --- rule A24: the kinds ----------------------------------------------------------------------


def test_app_gateway_v2_with_27_instances_and_a_private_frontend() -> None:
    # 27 instances + 1 private frontend = 28 IPs; + Azure's 5 = 33 addresses: a /27 has 27
    # usable, a /26 59, so the smallest subnet is a /26; v2 recommends a /24
    ips = kind_ips(SubnetKind.APPLICATION_GATEWAY, instances=27, private_frontend=True)
    assert (ips, ips + 5, min_prefixlen(ips)) == (28, 33, 26)
    agw = {"name": "agw", "kind": "application-gateway", "instances": 27}
    agw["private_frontend"] = True
    assert planned(scenario({**agw, "size": "auto"}), "agw") == ("10.20.4.0/24", 28, 26)
    # v1 recommends a /26, which holds the 28
    v1 = {**agw, "sku": "v1", "size": "auto"}
    assert planned(scenario(v1), "agw") == ("10.20.4.0/26", 28, 26)
    # without instances: the SKU's maximum, 125 (v2) -> 125 IPs
    assert (
        planned(scenario({"name": "agw", "kind": "application-gateway", "size": "auto"}), "agw")[1]
        == 125
    )


def test_a_v2_app_gateway_below_its_recommended_24_warns() -> None:
    s = parse_scenario(
        scenario({"name": "agw", "kind": "application-gateway", "instances": 27, "prefix": 26}),
        source="t.yaml",
    )
    assert s.warnings == (
        "t.yaml: vnets[0].subnets[1].prefix: subnet 'agw' is a /26, below the /24 recommended "
        "for kind application-gateway v2; use a /24 or size: auto (rule A24)",
    )


@pytest.mark.parametrize(
    ("subnet", "prefixlen", "peak"),
    [
        ({"name": "AzureFirewallSubnet", "kind": "azure-firewall"}, 26, 0),
        ({"name": "AzureFirewallManagementSubnet", "kind": "azure-firewall-management"}, 26, 0),
        ({"name": "AzureBastionSubnet", "kind": "bastion"}, 26, 0),
        ({"name": "GatewaySubnet", "kind": "vpn-gateway"}, 27, 0),
        ({"name": "GatewaySubnet", "kind": "expressroute-gateway"}, 27, 0),
        ({"name": "RouteServerSubnet", "kind": "route-server"}, 26, 0),
        ({"name": "agw", "kind": "application-gateway"}, 24, 125),
        ({"name": "agw", "kind": "application-gateway", "sku": "v1"}, 26, 32),
        # 250 free IPs: a /24 (251 usable)
        ({"name": "agc", "kind": "app-gateway-for-containers"}, 24, 250),
        # 9 per cluster using it, and no cluster names it here: the /28 recommended
        ({"name": "api", "kind": "api-server"}, 28, 0),
        # no recommendation: the smallest prefix for 12 endpoints (a /28 has 11 usable: /27)
        ({"name": "pe", "kind": "private-endpoints", "endpoints": 12}, 27, 12),
        ({"name": "aci", "kind": "aci", "pods": 3}, 29, 3),
    ],
    ids=lambda v: v["kind"] + ("-" + v["sku"] if "sku" in v else "") if isinstance(v, dict) else "",
)
def test_size_auto_gives_each_kind_its_recommended_prefix(
    subnet: Data, prefixlen: int, peak: int
) -> None:
    cidr, got_peak, _ = planned(scenario({**subnet, "size": "auto"}), subnet["name"])
    assert (int(cidr.split("/")[1]), got_peak) == (prefixlen, peak)


def test_an_api_server_subnet_shared_by_two_clusters_needs_9_each() -> None:
    # 2 clusters x 9 = 18 IPs: a /28 holds 11, so size: auto gives a /27 (27 usable); and a
    # private cluster with an API server subnet has no private endpoint in its node subnet:
    # aks's node subnet holds 3 + 1 + 10 + 1 = 15 (10% surge of 3 and of 10 round up to 1)
    data = scenario({"name": "api", "kind": "api-server", "size": "auto"})
    first = data["clusters"][0]
    first.update(private_cluster=True, api_server_subnet="api")
    second = copy.deepcopy(first)
    second.update(name="aks2", service_cidr="172.17.0.0/16")
    data["clusters"].append(second)
    assert planned(data, "api") == ("10.20.4.0/27", 18, 27)
    assert planned(data, "nodes")[1] == 15 + 15


def test_internal_lbs_and_private_link_nat_ips_go_to_the_subnets_named() -> None:
    # 4 ILB frontends + 2 Private Link Services of 3 and 1 (default) NAT IPs = 8 in ingress;
    # the node subnet keeps only the pools: 3 + 1 + 10 + 1 = 15
    data = scenario(
        {"name": "ingress", "prefix": 27},
        internal_lbs=4,
        internal_lb_subnet="ingress",
        private_link_services=[{"subnet": "ingress", "nat_ips": 3}, {"subnet": "ingress"}],
    )
    assert planned(data, "ingress")[1] == 8
    assert planned(data, "nodes")[1] == 15


def test_a_bastion_27_is_rejected_naming_subnet_prefix_and_26() -> None:
    data = scenario({"name": "AzureBastionSubnet", "kind": "bastion", "cidr": "10.20.8.0/27"})
    assert error(data) == (
        "t.yaml: vnets[0].subnets[1].cidr: subnet 'AzureBastionSubnet' is a /27; kind bastion "
        "needs a /26 or larger; use a /26"
    )


def test_a_kind_with_the_wrong_name_is_rejected() -> None:
    data = scenario({"name": "bastion", "kind": "bastion", "size": "auto"})
    assert error(data) == (
        "t.yaml: vnets[0].subnets[1].name: subnet 'bastion' is of kind bastion, which Azure "
        "requires to be named AzureBastionSubnet; rename it AzureBastionSubnet"
    )


def test_a_reserved_name_without_its_kind_warns() -> None:
    s = parse_scenario(
        scenario({"name": "AzureFirewallSubnet", "cidr": "10.20.8.0/26"}), source="t.yaml"
    )
    assert s.warnings == (
        "t.yaml: vnets[0].subnets[1].name: subnet 'AzureFirewallSubnet' has Azure's reserved "
        "name for kind azure-firewall but no kind; set kind: azure-firewall (rule A24)",
    )


def test_an_existing_gateway_subnet_below_27_warns_and_a_new_one_is_rejected() -> None:
    # docs/rules.md: /27 is the minimum; a deployed Basic VPN gateway's /29 cannot be resized
    old = {"name": "GatewaySubnet", "kind": "vpn-gateway", "cidr": "10.20.8.0/29"}
    s = parse_scenario(scenario(old), source="t.yaml")
    assert s.warnings == (
        "t.yaml: vnets[0].subnets[1].cidr: subnet 'GatewaySubnet' is a /29; kind vpn-gateway "
        "needs a /27 or larger (a deployed Basic VPN gateway may keep a /29; Azure cannot "
        "resize it); plan a new /27 GatewaySubnet before a non-Basic gateway (rule A24)",
    )
    new = {"name": "GatewaySubnet", "kind": "vpn-gateway", "prefix": 28}
    assert error(scenario(new)) == (
        "t.yaml: vnets[0].subnets[1].prefix: subnet 'GatewaySubnet' is a /28; kind vpn-gateway "
        "needs a /27 or larger; use a /27"
    )


def test_a_pool_in_a_platform_subnet_is_rejected() -> None:
    pools = [{"name": "system", "subnet": "AzureBastionSubnet", "nodes": 3}]
    data = scenario({"name": "AzureBastionSubnet", "kind": "bastion", "size": "auto"}, pools=pools)
    assert error(data) == (
        "t.yaml: clusters[0].node_pools[0].subnet: 'AzureBastionSubnet' is a platform subnet of "
        "kind bastion, which holds only its service (rule A24); use a subnet with no kind"
    )


# --- rule A25: upgrade modes and spot pools ----------------------------------------------------


def test_surge_of_each_upgrade_mode() -> None:
    ten = Surge(10, percent=True)
    assert surge_nodes(20, ten) == 2  # rolling: ceil(20 x 10%)
    assert surge_nodes(20, ten, Upgrade.BLUE_GREEN) == 20  # N + N = 40 at the peak
    assert surge_nodes(20, ten, Upgrade.IN_PLACE) == 0
    assert surge_nodes(20, Surge(5), priority=Priority.SPOT) == 0


def test_a_blue_green_pool_of_20_peaks_at_40_and_at_2n_1_plus_p_on_azure_cni() -> None:
    pool = NodePool("user", 20, NODES, upgrade=Upgrade.BLUE_GREEN)
    for network, node_ips in ((Network.OVERLAY, 40), (Network.AZURE_CNI, 40 * 31)):
        d = evaluate([Cluster("c", network, (pool,))]).pools[0]
        assert (d.surge_nodes, d.peak_nodes, d.node_subnet_ips) == (20, 40, node_ips)


def test_a_spot_pool_with_max_surge_warns_naming_it_and_has_no_surge() -> None:
    pools = [
        {"name": "system", "subnet": "nodes", "nodes": 3, "max_surge": 1},
        {"name": "batch", "subnet": "nodes", "nodes": 10, "priority": "spot", "max_surge": 5},
    ]
    s = parse_scenario(scenario(pools=pools), source="t.yaml")
    assert s.warnings == (
        "t.yaml: clusters[0].node_pools[1].max_surge: pool 'batch' is a spot pool, which never "
        "surges: max_surge 5 is ignored; remove max_surge from the spot pool (rule A25)",
    )
    batch = build_plan(s).estimate.pools[1]
    assert (batch.surge_nodes, batch.peak_nodes) == (0, 10)


@pytest.mark.parametrize(
    ("upgrade", "surge", "warning"),
    [
        ("blue-green", 5, "upgrades blue-green, which doubles its nodes at the peak: max_surge 5"),
        ("blue-green", 0, "upgrades blue-green, which doubles its nodes at the peak: max_surge 0"),
        ("in-place", "33%", "upgrades in-place, which adds no node: max_surge 33%"),
        ("in-place", 0, None),  # max_surge 0 is what in-place means
        ("rolling", 5, None),
    ],
)
def test_a_max_surge_the_upgrade_mode_overrides_warns(
    upgrade: str, surge: int | str, warning: str | None
) -> None:
    # rule A25: blue-green and in-place set S themselves (N, 0); a max_surge given is ignored
    pools = [
        {"name": "system", "subnet": "nodes", "nodes": 3},
        {"name": "web", "subnet": "nodes", "nodes": 10, "upgrade": upgrade, "max_surge": surge},
    ]
    s = parse_scenario(scenario(pools=pools), source="t.yaml")
    assert s.warnings == (
        ()
        if warning is None
        else (
            f"t.yaml: clusters[0].node_pools[1].max_surge: pool 'web' {warning} is ignored; "
            "remove max_surge, or upgrade the pool rolling (rule A25)",
        )
    )
    web = build_plan(s).estimate.pools[1]
    assert web.surge_nodes == {"blue-green": 10, "in-place": 0, "rolling": 5}[upgrade]


def test_a_system_pool_cannot_be_spot() -> None:
    pools = [{"name": "system", "subnet": "nodes", "nodes": 3, "priority": "spot"}]
    assert error(scenario(pools=pools)) == (
        "t.yaml: clusters[0].node_pools[0].priority: pool 'system' is a system pool and spot; "
        "AKS runs a system pool on regular VMs only; set priority: regular, or mode: user with "
        "a regular system pool beside it"
    )


def test_an_in_place_pool_adds_no_node() -> None:
    pools = [
        {"name": "system", "subnet": "nodes", "nodes": 3, "upgrade": "in-place"},
        {"name": "user", "subnet": "nodes", "nodes": 10, "upgrade": "in-place"},
    ]
    assert planned(scenario(pools=pools), "nodes")[1] == 13


def test_the_forecast_and_room_to_grow_use_the_blue_green_peak() -> None:
    # a /26 (59 usable) holds a blue-green pool of N while 2N <= 59: room for 29 nodes; the
    # forecast needs 2 x (10 + 2m) node IPs in month m and runs out when that exceeds 59:
    # 2 x (10 + 2 x 5) = 40, 2 x (10 + 2 x 10) = 60 > 59 in month 10 (2 x 29 = 58 in month 9.5)
    grows = Growth(nodes_per_month=2)
    pool = NodePool("user", 10, NODES, upgrade=Upgrade.BLUE_GREEN, growth=grows)
    cluster = Cluster("c", Network.OVERLAY, (pool,))
    sizes = {NODES: Subnet(NODES, 26)}
    room = evaluate([cluster], sizes).clusters[0].room
    assert room is not None and room.nodes == 29
    f = forecast(
        [cluster],
        sizes,
        networks=(),
        start_year=2027,
        start_month=1,
        horizon_months=12,
        warn_at_pct=80,
    )
    series = next(s for s in f.series if s.resource.kind == "node-subnet")
    assert (series.required[0], series.required[5], series.exhaustion_month) == (20, 40, 10)


# --- the example and the importer -------------------------------------------------------------


def test_hub_spoke_plans_with_no_warning_and_its_peaks() -> None:
    plan = build_plan(load_scenario(ROOT / "data" / "hub-spoke.yaml"))
    assert plan.warnings == ()
    peaks = {d.label: (d.surge_nodes, d.peak_nodes) for d in plan.estimate.pools}
    # system 3 + 1; web blue-green 20 + 20; data system 3 + ceil(10% x 3); batch spot 30 + 0;
    # api in-place 10 + 0
    assert peaks == {
        "apps-aks/system": (1, 4),
        "apps-aks/web": (20, 40),
        "data-aks/system": (1, 4),
        "data-aks/batch": (0, 30),
        "data-aks/api": (0, 10),
    }
    kinds = {s.name: str(s.kind) for s in plan.subnets if s.kind is not None}
    assert kinds["AzureBastionSubnet"] == "bastion" and kinds["agc"] == "app-gateway-for-containers"


def test_readme_scenario_example_validates_without_warnings() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Scenario file", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    s = parse_scenario(yaml.safe_load(block), source="README.md")
    assert s.warnings == ()
    agw = next(x for x in s.vnets[0].subnets if x.name == "appgw")
    assert (agw.kind, agw.sku, agw.kind_ips) == (
        SubnetKind.APPLICATION_GATEWAY,
        AppGatewaySku.V2,
        11,
    )


def _pool_doc(**settings: Any) -> str:
    body = json.loads((AZURE / "arm-aks-agentpool-get.json").read_text())["responses"]["200"]
    body = body["body"]
    body["name"] = "nodepool1"
    body["id"] = body["id"].replace("agentpool1", "nodepool1")
    body["properties"].update(settings)
    return json.dumps(body)


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"upgradeStrategy": "BlueGreen"}, {"upgrade": "blue-green"}),
        (
            {"upgradeSettings": {"maxSurge": "0", "maxUnavailable": "1"}},
            {"upgrade": "in-place"},
        ),
        ({"scaleSetPriority": "Spot", "mode": "User"}, {"priority": "spot", "mode": "user"}),
    ],
    ids=["blue-green", "in-place", "spot"],
)
def test_import_reads_upgrade_strategy_priority_and_mode(settings: Data, expected: Data) -> None:
    vnets = [("v.json", (AZURE / "built-cli-vnet-show-managed-kubenet.json").read_text())]
    clusters = [
        ("c.json", (AZURE / "arm-aks-get-kubenet.json").read_text()),
        ("p.json", _pool_doc(**settings)),
    ]
    result = import_azure(vnets, clusters, start="2027-01")
    pool = result.scenario["clusters"][0]["node_pools"][0]
    assert {k: pool.get(k) for k in expected} == expected


def test_import_maps_the_platform_subnets_of_the_shared_fixtures() -> None:
    vnets = [("v.json", (AZURE / "built-cli-vnet-list-contoso.json").read_text())]
    clusters = [("c.json", (AZURE / "built-cli-aks-list-contoso.json").read_text())]
    result = import_azure(vnets, clusters, start="2027-01")
    kinds = {
        s["name"]: s["kind"] for v in result.scenario["vnets"] for s in v["subnets"] if "kind" in s
    }
    assert kinds == {
        "GatewaySubnet": "vpn-gateway",
        "AzureFirewallSubnet": "azure-firewall",
        "appgw": "application-gateway",
        "aci": "aci",
    }
    assert result.notes[0] == (
        "4 platform subnets mapped to kinds (rule A24): GatewaySubnet as vpn-gateway, "
        "AzureFirewallSubnet as azure-firewall, appgw as application-gateway, aci as aci"
    )


def test_virtual_nodes_take_their_pods_ips_in_an_aci_subnet_on_azure_cni() -> None:
    # 20 virtual-node pods: 20 IPs; a /27 (27 usable) is the smallest that holds them
    data = scenario(
        {"name": "aci", "kind": "aci", "pods": 20, "size": "auto"},
        network="azure-cni",
        virtual_nodes_subnet="aci",
    )
    assert planned(data, "aci") == ("10.20.4.0/27", 20, 27)
    data["vnets"][0]["subnets"][1] = {"name": "aci", "prefix": 27}
    assert error(data) == (
        "t.yaml: clusters[0].virtual_nodes_subnet: 'aci' has no kind; virtual nodes need a "
        "subnet of kind aci, delegated to Microsoft.ContainerInstance/containerGroups (rule "
        "A24); set kind: aci on it"
    )


def test_readme_hub_spoke_transcript_is_real(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from ipplan.cli import app

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The whole spoke", 1)[1].split("\n## ", 1)[0]
    console = section.split("```console\n$ ipplan plan data/hub-spoke.yaml\n", 1)[1]
    expected = console.split("```", 1)[0]
    monkeypatch.chdir(tmp_path)  # the pack goes to reports/hub-spoke/ here
    result = CliRunner().invoke(app, ["plan", str(ROOT / "data" / "hub-spoke.yaml")])
    assert (result.exit_code, result.stdout) == (0, expected)


def test_compare_takes_the_upgrade_mode_and_priority() -> None:
    from typer.testing import CliRunner

    from ipplan.cli import app

    # blue-green 20 nodes on azure-cni at max pods 30: 40 at the peak, 40 x 31 = 1,240 IPs
    args = ["compare", "--nodes", "20", "--max-pods", "30", "--format", "csv"]
    result = CliRunner().invoke(app, [*args, "--network", "azure-cni", "--upgrade", "blue-green"])
    row = next(csv.DictReader(io.StringIO(result.stdout)))
    assert (row["surge_nodes"], row["peak_nodes"], row["node_subnet_ips"]) == ("20", "40", "1240")
    # a spot pool never surges, whatever --max-surge says
    spot = ["--network", "azure-cni-overlay", "--priority", "spot", "--max-surge", "5"]
    result = CliRunner().invoke(app, [*args, *spot])
    row = next(csv.DictReader(io.StringIO(result.stdout)))
    assert (row["surge_nodes"], row["peak_nodes"]) == ("0", "20")


@pytest.mark.parametrize(
    ("name", "kind", "minimum"),
    [
        ("AzureFirewallSubnet", "azure-firewall", 26),
        ("AzureFirewallManagementSubnet", "azure-firewall-management", 26),
        ("AzureBastionSubnet", "bastion", 26),
        ("GatewaySubnet", "vpn-gateway", 27),
        ("GatewaySubnet", "expressroute-gateway", 27),
        ("RouteServerSubnet", "route-server", 26),
        ("agc", "app-gateway-for-containers", 24),
        ("api", "api-server", 28),
    ],
    ids=lambda v: v if isinstance(v, str) and "-" in v or v in ("bastion", "aci") else "",
)
def test_each_kind_rejects_a_prefix_below_its_minimum(name: str, kind: str, minimum: int) -> None:
    data = scenario({"name": name, "kind": kind, "prefix": minimum + 1})
    assert error(data) == (
        f"t.yaml: vnets[0].subnets[1].prefix: subnet {name!r} is a /{minimum + 1}; kind {kind} "
        f"needs a /{minimum} or larger; use a /{minimum}"
    )
    # at the minimum it is accepted, and as the minimum is the recommendation, with no warning
    data["vnets"][0]["subnets"][1]["prefix"] = minimum
    assert parse_scenario(data, source="t.yaml").warnings == ()
