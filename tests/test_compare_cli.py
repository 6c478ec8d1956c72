"""``ipplan compare``: exact table, CSV and JSON output, one-line errors, no pandas/matplotlib.

The numbers are the IPP worked example (docs/rules.md example 1): 50 nodes, surge 1, max pods
30, tested against a /21 (2,043 usable IPs). Per model, at peak 50 + 1 = 51 nodes:
- kubenet/overlay: 51 node IPs -> /26 (59 usable; /27 holds 27); pod CIDR 51 /24s -> /18 (64).
  The /21 holds N + 1 <= 2,043 -> 2,042 nodes; 51 / 2,043 = 2.50% used. The default /16 pod CIDR
  (256 /24s) binds first: N + 1 <= 256 -> 255 nodes.
- azure-cni: 51 + 51 x 30 = 1,581 -> /21; 31 (N + 1) <= 2,043 -> N + 1 <= 65 -> 64 nodes;
  1,581 / 2,043 = 77.39% used.
- pod subnet (dynamic): 51 node IPs; pod IPs 51 x max(16, min(16 x ceil(0.5 + 30/16), 30)) =
  51 x 30 = 1,530 -> /21 (2,043; /22 holds 1,019); VNet 51 + 1,530 = 1,581. No pod subnet given,
  so the pool limit binds: N + 1 <= 1,000 -> 999.
- pod subnet (static): ceil(31/16) = 2 blocks per node: 102 blocks = 1,632 IPs;
  2^(28-p) - 2 >= 102 -> /21 (126 blocks; /22 holds 62); VNet 51 + 102 blocks = 153.
Max pods in total: 50 x 30 = 1,500 everywhere.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ipplan.cli import app
from ipplan.cli.compare_options import compare_words

IPP = ["compare", "--nodes", "50", "--max-pods", "30", "--max-surge", "1"]
IPP_21 = [*IPP, "--subnet", "10.240.0.0/21"]
ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


#: rule A7's warning, as compare says it whenever kubenet is compared (``--network all``, the
#: default, too): a scenario on kubenet's words, with the option that chose the model
KUBENET_RETIRES = (
    "warning: --network: kubenet retires on 2028-03-31; plan the move to "
    "azure-cni-overlay (rule A7)\n"
)


def test_compare_table() -> None:
    # stdout is the table and each model's result; the warning goes to stderr
    code, out, err = run(*IPP_21)
    assert (code, err) == (0, KUBENET_RETIRES)
    assert out == (
        "network                      nodes  surge  peak  max pods  node IPs  node subnet"
        "  pod IPs  pod subnet  pod CIDR  VNet IPs  room  used %   ok\n"
        "---------------------------  -----  -----  ----  --------  --------  -----------"
        "  -------  ----------  --------  --------  ----  ------  ---\n"
        "kubenet                         50      1    51        30        51          /26"
        "        -           -       /18        51   255     2.5  yes\n"
        "azure-cni                       50      1    51        30     1,581          /21"
        "        -           -         -     1,581    64    77.4  yes\n"
        "azure-cni-overlay               50      1    51        30        51          /26"
        "        -           -       /18        51   255     2.5  yes\n"
        "azure-cni-pod-subnet            50      1    51        30        51          /26"
        "    1,530         /21         -     1,581   999     2.5  yes\n"
        "azure-cni-pod-subnet-static     50      1    51        30        51          /26"
        "    1,632         /21         -       153   999     2.5  yes\n"
        "\n"
        "kubenet: room for 255 nodes; limited by pod CIDR /16 (256 nodes at one /24 each)\n"
        "azure-cni: room for 64 nodes; limited by node subnet 10.240.0.0/21 (2,043 usable IPs)\n"
        "azure-cni-overlay: room for 255 nodes; "
        "limited by pod CIDR /16 (256 nodes at one /24 each)\n"
        "azure-cni-pod-subnet: room for 999 nodes; "
        "limited by AKS nodes per pool (1,000 with surge)\n"
        "azure-cni-pod-subnet-static: room for 999 nodes; "
        "limited by AKS nodes per pool (1,000 with surge)\n"
    )


def test_compare_table_infeasible_model_says_why() -> None:
    # the same 1,581 IPs in a /22 (1,019 usable): 31 (N + 1) <= 1,019 -> N + 1 <= 32 -> 31 fit;
    # 1,581 / 1,019 = 155.15% used
    code, out, err = run(*IPP, "--subnet", "10.240.0.0/22", "--network", "azure-cni")
    assert (code, err) == (0, "")
    assert out == (
        "network    nodes  surge  peak  max pods  node IPs  node subnet  pod IPs  pod subnet"
        "  pod CIDR  VNet IPs  room  used %  ok\n"
        "---------  -----  -----  ----  --------  --------  -----------  -------  ----------"
        "  --------  --------  ----  ------  --\n"
        "azure-cni     50      1    51        30     1,581          /21        -           -"
        "         -     1,581    31   155.2  NO\n"
        "\n"
        "azure-cni: INFEASIBLE: node subnet 10.240.0.0/22 (1,019 usable IPs) needs 1,581 IPs "
        "at peak; use a /21 or larger, or fewer nodes or max pods (rule A3)\n"
    )


def test_compare_csv() -> None:
    # the rows carry each model's warnings as data (the warnings column); stderr says them
    code, out, err = run(*IPP_21, "--format", "csv")
    assert (code, err) == (0, KUBENET_RETIRES)
    # room (rule A18) is the compare table's number: the pod CIDR binds kubenet and overlay
    # (N + 1 <= 256 -> 255), the /21 azure-cni (31 (N + 1) <= 2,043 -> 64), 1,000 per pool the rest
    assert out.splitlines() == [
        "network,nodes,surge_nodes,peak_nodes,max_pods,max_pods_default,max_pods_by_pool,"
        "node_subnet_ips,node_subnet_min_prefix,pod_subnet_ips,pod_subnet_min_prefix,pod_cidr_min_prefix,vnet_ips,"
        "max_pods_total,subnet_utilization_pct,room_nodes,room_growth_pool,room_growth_pool_nodes,"
        "room_limited_by,feasible,problems,warnings",
        "kubenet,50,1,51,30,False,30,51,26,,,18,51,1500,2.5,255,cluster/pool,255,"
        "pod CIDR /16 (256 nodes at one /24 each),True,,"
        "cluster: kubenet retires on 2028-03-31; plan the move to azure-cni-overlay (rule A7)",
        "azure-cni,50,1,51,30,False,30,1581,21,,,,1581,1500,77.4,64,cluster/pool,64,"
        '"node subnet 10.240.0.0/21 (2,043 usable IPs)",True,,',
        "azure-cni-overlay,50,1,51,30,False,30,51,26,,,18,51,1500,2.5,255,cluster/pool,255,"
        "pod CIDR /16 (256 nodes at one /24 each),True,,",
        "azure-cni-pod-subnet,50,1,51,30,False,30,51,26,1530,21,,1581,1500,2.5,999,cluster/pool,999,"
        '"AKS nodes per pool (1,000 with surge)",True,,',
        "azure-cni-pod-subnet-static,50,1,51,30,False,30,51,26,1632,21,,153,1500,2.5,999,cluster/pool,"
        '999,"AKS nodes per pool (1,000 with surge)",True,,',
    ]
    # a CSV reader sees not-applicable as empty cells
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["network"], r["pod_subnet_ips"], r["pod_cidr_min_prefix"]) for r in rows] == [
        ("kubenet", "", "18"),
        ("azure-cni", "", ""),
        ("azure-cni-overlay", "", "18"),
        ("azure-cni-pod-subnet", "1530", ""),
        ("azure-cni-pod-subnet-static", "1632", ""),
    ]


def _row(network: str, **values: object) -> dict[str, object]:
    """The IPP row every model shares, with *values* for the columns where the models differ."""
    row: dict[str, object] = {
        "network": network,
        "nodes": 50,
        "surge_nodes": 1,
        "peak_nodes": 51,
        "max_pods": 30,
        "max_pods_default": False,
        "max_pods_by_pool": "30",
        "node_subnet_ips": 51,
        "node_subnet_min_prefix": 26,
        "pod_subnet_ips": None,
        "pod_subnet_min_prefix": None,
        "pod_cidr_min_prefix": None,
        "vnet_ips": 51,
        "max_pods_total": 1500,
        "subnet_utilization_pct": 2.5,
        "room_nodes": 999,
        "room_growth_pool": "cluster/pool",
        "room_growth_pool_nodes": 999,
        "room_limited_by": "AKS nodes per pool (1,000 with surge)",
        "feasible": True,
        "problems": "",
        "warnings": "",
    }
    assert set(values) <= set(row)
    return row | values


POD_CIDR_16 = "pod CIDR /16 (256 nodes at one /24 each)"


def test_compare_json() -> None:
    code, out, err = run(*IPP_21, "--format", "json")
    assert (code, err) == (0, KUBENET_RETIRES)
    assert json.loads(out) == [
        _row(
            "kubenet",
            pod_cidr_min_prefix=18,
            room_nodes=255,
            room_growth_pool_nodes=255,
            room_limited_by=POD_CIDR_16,
            warnings="cluster: kubenet retires on 2028-03-31; plan the move to azure-cni-overlay "
            "(rule A7)",
        ),
        _row(
            "azure-cni",
            node_subnet_ips=1581,
            node_subnet_min_prefix=21,
            vnet_ips=1581,
            subnet_utilization_pct=77.4,
            room_nodes=64,
            room_growth_pool_nodes=64,
            room_limited_by="node subnet 10.240.0.0/21 (2,043 usable IPs)",
        ),
        _row(
            "azure-cni-overlay",
            pod_cidr_min_prefix=18,
            room_nodes=255,
            room_growth_pool_nodes=255,
            room_limited_by=POD_CIDR_16,
        ),
        _row("azure-cni-pod-subnet", pod_subnet_ips=1530, pod_subnet_min_prefix=21, vnet_ips=1581),
        _row(
            "azure-cni-pod-subnet-static",
            pod_subnet_ips=1632,
            pod_subnet_min_prefix=21,
            vnet_ips=153,
        ),
    ]
    # integers are JSON integers, not strings or floats
    assert '"nodes": 50,' in out and '"pod_subnet_ips": null,' in out


def test_compare_json_without_a_subnet_has_null_subnet_columns() -> None:
    # no --subnet: nothing to fit into, so utilization is not applicable
    code, out, _ = run(*IPP, "--network", "azure-cni", "--format", "json")
    assert code == 0
    (row,) = json.loads(out)
    assert row["subnet_utilization_pct"] is None
    # 1,000 peak nodes x 31 = 31,000 <= 65,536 VNet IPs, so the pool limit binds: 999
    assert (row["node_subnet_ips"], row["room_nodes"]) == (1581, 999)


def test_compare_kubenet_route_limit() -> None:
    # 400 nodes + surge 12 = 412 peak > 400 routes; a /15 pod CIDR holds 512 nodes
    code, out, _ = run(
        "compare",
        "--nodes=400",
        "--max-surge=12",
        "--network=kubenet",
        "--pod-cidr=10.244.0.0/15",
        "--format=json",
    )
    assert code == 0
    (row,) = json.loads(out)
    # 412 node IPs -> /23 (507); 44,000 = 400 x 110; grows to 388 + 12 = 400 routes
    assert row == _row(
        "kubenet",
        nodes=400,
        surge_nodes=12,
        peak_nodes=412,
        max_pods=110,
        max_pods_default=True,
        max_pods_by_pool="110 (kubenet's default)",
        node_subnet_ips=412,
        node_subnet_min_prefix=23,
        pod_cidr_min_prefix=15,
        vnet_ips=412,
        max_pods_total=44000,
        subnet_utilization_pct=None,
        room_nodes=388,
        room_growth_pool_nodes=388,
        room_limited_by="kubenet route table (400 routes)",
        feasible=False,
        problems="cluster: 412 peak nodes exceed kubenet's 400-route limit; "
        "use azure-cni-overlay or fewer nodes (rule A7)",
        warnings="cluster: kubenet retires on 2028-03-31; plan the move to azure-cni-overlay "
        "(rule A7)",
    )


def test_compare_defaults_surge_10_percent_and_each_models_max_pods() -> None:
    # 8 nodes, default surge 10% -> ceil(0.8) = 1 -> 9 at peak; azure-cni 9 x 31 = 279
    code, out, _ = run("compare", "--nodes", "8", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert [
        (r["network"], r["surge_nodes"], r["max_pods"], r["node_subnet_ips"]) for r in rows
    ] == [
        ("kubenet", 1, 110, 9),
        ("azure-cni", 1, 30, 279),
        ("azure-cni-overlay", 1, 250, 9),
        ("azure-cni-pod-subnet", 1, 110, 9),
        ("azure-cni-pod-subnet-static", 1, 110, 9),
    ]


def test_compare_windows() -> None:
    # kubenet cannot run Windows; a Windows pool without max pods gets min(250, 110) on overlay,
    # so the default raises no warning (rule A19)
    code, out, _ = run("compare", "--nodes", "8", "--os", "windows", "--format", "json")
    assert code == 0
    rows = {r["network"]: r for r in json.loads(out)}
    assert (rows["kubenet"]["feasible"], rows["kubenet"]["problems"]) == (
        False,
        "pool cluster/pool runs Windows, which kubenet does not support; use azure-cni-overlay "
        "(rule A7)",
    )
    overlay = rows["azure-cni-overlay"]
    assert (overlay["feasible"], overlay["max_pods"], overlay["warnings"]) == (True, 110, "")


def test_compare_says_no_room_when_the_other_consumers_alone_break_the_subnet() -> None:
    # 5 internal LB frontends in a /29 (8 - 5 = 3 usable): over it with the pool at 0 nodes, so
    # there is no room (rule A18): the room column says none and a line names the limit broken;
    # it said 0, a count, before. Peak 3 + 1 = 4 nodes x 31 + 5 = 129 -> /24; 129 / 3 = 4,300%
    args = ["--nodes=3", "--network=azure-cni", "--subnet=10.240.0.0/29", "--internal-lbs=5"]
    code, out, err = run("compare", *args)
    assert (code, err) == (0, "")
    assert out == (
        "network    nodes  surge  peak  max pods  node IPs  node subnet  pod IPs  pod subnet"
        "  pod CIDR  VNet IPs  room  used %  ok\n"
        "---------  -----  -----  ----  --------  --------  -----------  -------  ----------"
        "  --------  --------  ----  ------  --\n"
        "azure-cni      3      1     4        30       129          /24        -           -"
        "         -       129  none  4300.0  NO\n"
        "\n"
        "azure-cni: no room: node subnet 10.240.0.0/29 (3 usable IPs) is exceeded already\n"
        "azure-cni: INFEASIBLE: node subnet 10.240.0.0/29 (3 usable IPs) needs 129 IPs at peak; "
        "use a /24 or larger, or fewer nodes or max pods (rule A3)\n"
    )
    code, out, _ = run("compare", *args, "--format=json")
    (row,) = json.loads(out)
    assert (row["room_nodes"], row["room_growth_pool_nodes"], row["room_limited_by"]) == (
        None,
        None,
        "node subnet 10.240.0.0/29 (3 usable IPs)",
    )
    code, out, _ = run("compare", *args, "--format=csv")
    (row,) = csv.DictReader(io.StringIO(out))
    assert (row["room_nodes"], row["room_growth_pool_nodes"], row["room_limited_by"]) == (
        "",
        "",
        "node subnet 10.240.0.0/29 (3 usable IPs)",
    )


def test_compare_pod_subnet_and_internal_lbs() -> None:
    # 10 nodes + 1 = 11; P 30 -> dynamic 30 IPs per node: 330 pod IPs in a /24 (251): too many;
    # 330 -> /23 (507). Node subnet /28: 11 + 3 ILBs = 14 > 11 usable -> /27 (27).
    code, out, _ = run(
        "compare",
        "--nodes=10",
        "--max-pods=30",
        "--max-surge=1",
        "--network=azure-cni-pod-subnet",
        "--subnet=10.240.0.0/28",
        "--pod-subnet=10.241.0.0/24",
        "--internal-lbs=3",
        "--format=json",
    )
    assert code == 0
    (row,) = json.loads(out)
    assert (row["node_subnet_ips"], row["pod_subnet_ips"], row["pod_subnet_min_prefix"]) == (
        14,
        330,
        23,
    )
    # room: the node subnet N + 1 + 3 <= 11 -> N = 7 binds before the pod subnet (30 (N + 1)
    # <= 251 -> N = 7 too; the node subnet is listed first); 14 / 11 = 127.27%
    assert (row["room_nodes"], row["subnet_utilization_pct"]) == (7, 127.3)
    assert row["feasible"] is False
    assert row["problems"] == (
        "node subnet 10.240.0.0/28 (11 usable IPs) needs 14 IPs at peak; "
        "use a /27 or larger, or fewer nodes or max pods (rule A3); "
        "pod subnet 10.241.0.0/24 (251 usable IPs) needs 330 IPs at peak; "
        "use a /23 or larger, or fewer nodes or max pods (rule A8)"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--subnet", "10.240.0.1/21"],
            "Error: --subnet: '10.240.0.1/21' has host bits set (did you mean 10.240.0.0/21?)",
        ),
        (
            ["--max-surge", "abc"],
            "Error: --max-surge: 'abc' is not a surge; use a node count such as 1 or a percentage "
            "such as 33%",
        ),
        (
            ["--network", "calico"],
            "Error: --network: 'calico' is not a network model: use one of all, kubenet, "
            "azure-cni, azure-cni-overlay, azure-cni-pod-subnet, azure-cni-pod-subnet-static",
        ),
        (
            ["--subnet", "fd00::/64"],
            "Error: --subnet: fd00::/64 is IPv6; compare sizes the IPv4 ranges "
            "(AKS has no IPv6-only clusters): give an IPv4 CIDR",
        ),
        (
            ["--pod-cidr", "fd12:3456:789a::/64"],
            "Error: --pod-cidr: fd12:3456:789a::/64 is IPv6; give an IPv4 pod CIDR",
        ),
        (
            ["--subnet", "10.240.0.0/30"],
            "Error: --subnet: 10.240.0.0/30 is outside Azure's subnet sizes, /2 to /29; "
            "use a prefix in that range",
        ),
        (
            ["--pod-subnet", "0.0.0.0/1"],
            "Error: --pod-subnet: 0.0.0.0/1 overlaps 127.0.0.0/8 (loopback), which is not "
            "allowed for a VNet; use another range",
        ),
        (
            ["--max-nodes", "40"],
            "Error: --max-nodes: --max-nodes 40 is below nodes (50); the autoscaler's "
            "maximum must be at least the current node count",
        ),
        (
            ["--service-cidr", "10.0.0.0"],
            "Error: --service-cidr: '10.0.0.0' is not a CIDR: "
            "give a prefix length, such as 10.0.0.0/24",
        ),
    ],
    ids=[
        "host-bits",
        "surge",
        "network",
        "ipv6-subnet",
        "ipv6-pod-cidr",
        "subnet-30",
        "subnet-1",
        "max-nodes",
        "no-prefix",
    ],
)
def test_compare_bad_input_is_one_line_exit_2(args: list[str], message: str) -> None:
    code, out, err = run(*IPP, *args)
    assert (code, out, err) == (2, "", message + "\n")
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--pod-cidr", "10.240.0.0/16", "--subnet", "10.240.0.0/21"],
            "--pod-cidr: 10.240.0.0/16 overlaps the VNet (10.240.0.0/21, --subnet); use a range "
            "used nowhere in your network, such as 10.244.0.0/16",
        ),
        (
            ["--subnet", "10.244.0.0/21"],
            "--pod-cidr: the default 10.244.0.0/16 overlaps the VNet (10.244.0.0/21, --subnet); "
            "use a range used nowhere in your network, such as 100.64.0.0/16",
        ),
        (
            ["--pod-cidr", "100.64.0.0/16", "--service-cidr", "100.64.0.0/16"],
            "--service-cidr: 100.64.0.0/16 overlaps the pod CIDR (100.64.0.0/16, --pod-cidr); use "
            "a range used nowhere in your network, such as 10.0.0.0/16",
        ),
        (
            ["--service-cidr", "10.240.0.0/16", "--subnet", "10.240.0.0/21"],
            "--service-cidr: 10.240.0.0/16 overlaps the cluster's VNet (10.240.0.0/21, "
            "--subnet); use a range used nowhere in your network, such as 10.0.0.0/16",
        ),
        (
            ["--service-cidr", "10.0.0.0/8"],
            "--service-cidr: 10.0.0.0/8 is larger than AKS allows for a service CIDR (/12); use a "
            "/12 or smaller, such as a /16",
        ),
        (
            ["--pods-in-use", "31"],
            "--pods-in-use: pods in use 31 is above the pool's --max-pods of 30; pods "
            "in use per node cannot exceed max pods",
        ),
        (
            ["--nodes", "0"],
            "--nodes: the pool has 0 nodes and no --max-nodes; 0 nodes is allowed only for an "
            "autoscaler pool: set --max-nodes, or give 1 or more",
        ),
        (
            ["--subnet", "10.240.0.0/21", "--pod-subnet", "10.240.0.0/21"],
            "--pod-subnet: '10.240.0.0/21' is also the pool's node subnet; pods need a subnet of "
            "their own",
        ),
        (
            ["--subnet", "10.240.0.0/21", "--pod-subnet", "10.240.1.0/24"],
            "--pod-subnet: 10.240.1.0/24 overlaps subnet '10.240.0.0/21' (10.240.0.0/21, "
            "--subnet); subnets of a VNet must not overlap",
        ),
        (
            ["--nodes", "1", "--max-pods", "20"],
            "--max-pods: 20 max pods x 1 node = 20 pods, below AKS's minimum of 30 "
            "per pool; use 2 or more nodes, or raise --max-pods",
        ),
        (["--max-pods", "300"], "--max-pods: 300 is above AKS's limit of 250"),
        (["--nodes", "2000"], "--nodes: 2000 is above AKS's limit of 1,000 nodes per pool"),
        (
            ["--nodes", "1000"],
            "--max-surge: 1,000 nodes + 1 surge node (1) = 1,001 during an upgrade, "
            "above AKS's limit of 1,000 per pool; lower --max-surge or the node count, or split "
            "the pool",
        ),
        (
            ["--network", "kubenet", "--dataplane", "cilium"],
            "--dataplane: kubenet cannot run the Cilium dataplane; use network "
            "azure-cni-overlay with cilium, or dataplane azure",
        ),
        (
            ["--network", "kubenet", "--os", "windows"],
            "--os: the pool runs Windows, which kubenet does not support; use azure-cni-overlay",
        ),
        (
            ["--os", "windows", "--dataplane", "cilium"],
            "--os: the pool runs Windows, which the Cilium dataplane does not support (Linux "
            "only); use a Linux pool, or dataplane azure",
        ),
        (
            ["--pod-cidr", "172.16.0.0/12"],
            "--pod-cidr: 172.16.0.0/12 overlaps 172.30.0.0/16 (reserved by AKS), which is not "
            "allowed for a pod CIDR; use another range",
        ),
        (
            ["--subnet", "169.254.0.0/24"],
            "--subnet: 169.254.0.0/24 overlaps 169.254.0.0/16 (link-local), which is not allowed "
            "for a VNet; use another range",
        ),
    ],
    ids=[
        "pod-cidr-overlaps-subnet",
        "default-pod-cidr-overlaps-subnet",
        "service-cidr-overlaps-pod-cidr",
        "service-cidr-overlaps-subnet",
        "service-cidr-too-large",
        "pods-in-use-above-max-pods",
        "zero-nodes-without-max-nodes",
        "pod-subnet-is-node-subnet",
        "pod-subnet-inside-node-subnet",
        "below-30-pods-per-pool",
        "max-pods-above-250",
        "nodes-above-1000",
        "surge-above-1000",
        "kubenet-cilium",
        "windows-kubenet",
        "windows-cilium",
        "pod-cidr-forbidden",
        "subnet-link-local",
    ],
)
def test_compare_rejects_what_a_scenario_file_rejects(args: list[str], message: str) -> None:
    # rule A23: the options go through the scenario checks; the field path becomes the option
    code, out, err = run(*IPP, *args)
    assert (code, out, err) == (2, "", f"Error: {message}\n")


def test_compare_static_29_pod_subnet_is_reported_not_a_crash() -> None:
    # rule A9: a static pod subnet needs /12../28; a /29 holds no /28 block
    code, out, err = run(
        *IPP, "--network=azure-cni-pod-subnet-static", "--pod-subnet=10.241.0.0/29", "--format=csv"
    )
    assert (code, err) == (0, "")
    (row,) = csv.DictReader(io.StringIO(out))
    assert row["feasible"] == "False"
    assert row["problems"].startswith(
        "static pod subnet 10.241.0.0/29 is a /29; static block allocation needs /12 to /28"
    )


def _run_without(args: list[str], absent: tuple[str, ...]) -> str:
    """Run ``ipplan compare ARGS`` (kubenet among the models) in a fresh interpreter, check that
    it imported none of the modules *absent* and warned only of kubenet's retirement, and
    return what it printed on stdout."""
    code = (
        "import sys\n"
        "from ipplan.cli import app\n"
        f"app({['compare', *args]!r}, standalone_mode=False)\n"
        f"loaded = sorted(m for m in {absent!r} if m in sys.modules)\n"
        "assert not loaded, loaded\n"
    )
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stderr) == (0, KUBENET_RETIRES)
    return done.stdout


def test_compare_does_not_import_pandas_or_matplotlib() -> None:
    out = _run_without(["--nodes", "50", "--format", "json"], ("pandas", "matplotlib"))
    assert json.loads(out)[0]["network"] == "kubenet"


def test_compare_skips_what_only_files_and_explain_need() -> None:
    """The quick what-if's start-up (issue 11): compare reads no file, so no PyYAML; the
    explain engine (with the plan it explains) is imported by ``ipplan explain`` alone; and
    validating the options needs the growth arithmetic, not the month-by-month forecast."""
    heavy = (
        "yaml",
        "ipplan.core.explain",
        "ipplan.core.plan",
        "ipplan.scenario.load",
        "ipplan.core.forecast",
    )
    assert json.loads(_run_without(["--nodes", "50", "--format", "json"], heavy))


def test_compare_table_imports_no_json() -> None:
    """The quick what-if's start-up (issue 11): json is imported by the formats and commands
    that write or read it, and compare's table (its default) does neither."""
    assert _run_without(["--nodes", "50"], ("json",)).startswith("network ")


#: rule A25's warning of a spot pool's surge, as compare says it: the option, then the message
SPOT_SURGE = (
    "warning: --max-surge: the pool is a spot pool, which never surges: --max-surge 5 is "
    "ignored; remove --max-surge from the spot pool (rule A25)\n"
)


@pytest.mark.parametrize("output", ["table", "csv", "json"])
def test_compare_warns_once_that_a_spot_pools_surge_is_ignored(output: str) -> None:
    # rule A25: a spot pool never surges, so --max-surge has no effect; the answer is the one
    # without it (surge 0 everywhere), and stderr says, once, what was ignored and why
    spot = ["compare", "--nodes", "50", "--priority", "spot", "--format", output]
    code, out, err = run(*spot, "--max-surge", "5")
    assert (code, err) == (0, KUBENET_RETIRES + SPOT_SURGE)
    assert (code, out, KUBENET_RETIRES) == (0, *run(*spot)[1:])
    if output == "json":
        assert {r["surge_nodes"] for r in json.loads(out)} == {0}


def test_compare_says_of_a_spot_pools_surge_what_validate_says(tmp_path: Path) -> None:
    # rule A23: one check, one message; compare names the option where a file names the field,
    # at the start of the line and in its words
    path = tmp_path / "spot.yaml"
    path.write_text(
        "name: spot\n"
        "vnets: [{name: vnet, address_space: [10.240.0.0/16], "
        "subnets: [{name: nodes, size: auto}]}]\n"
        "clusters:\n"
        "  - name: cluster\n"
        "    vnet: vnet\n"
        "    node_pools:\n"
        "      - {name: pool, subnet: nodes, nodes: 50, max_surge: 5, priority: spot, mode: user}\n"
    )
    code, out, err = run("validate", str(path))
    assert code == 0 and out.startswith("ok: ")
    field = f"warning: {path}: clusters[0].node_pools[0].max_surge: "
    (warning,) = [line for line in err.splitlines() if line.startswith("warning:")]
    assert warning.startswith(field)
    # the same words, with the option where the file's message names the field, and without
    # the one-cluster scenario's placeholder names (compare_words: the one mapping)
    same = compare_words(warning.removeprefix(field))
    assert "warning: --max-surge: " + same + "\n" == SPOT_SURGE


@pytest.mark.parametrize(
    "args",
    [
        ["--priority", "spot"],  # no --max-surge: nothing was ignored
        ["--max-surge", "5"],  # a regular pool surges
        ["--priority", "spot", "--max-surge", "5", "--format", "json", "--network", "kubenet"],
    ],
    ids=["spot-default-surge", "regular-surge", "spot-kubenet"],
)
def test_compare_warns_of_the_spot_surge_only_when_it_is_given(args: list[str]) -> None:
    code, _, err = run("compare", "--nodes", "50", *args)
    assert (code, err) == (
        0,
        KUBENET_RETIRES + (SPOT_SURGE if "spot" in args and "5" in args else ""),
    )


#: rule A2's Windows warning, as compare says it: validate's words, naming --max-pods
WINDOWS_MAX_PODS = (
    "warning: --max-pods: Windows with --max-pods of 200, above the 110 "
    "recommended; set --max-pods 110 (rule A2)\n"
)


#: a Windows pool at 200 max pods, above the 110 recommended (rule A2), under every model
WINDOWS_200 = ["compare", "--nodes", "3", "--os", "windows", "--max-pods", "200"]


def test_compare_says_a_models_warnings_on_stderr_once() -> None:
    # every model's row warns of Windows max pods (rule A2), and kubenet's of its retirement
    # (rule A7), as data; stderr says each once, as a scenario file's check says it; kubenet
    # cannot run Windows, so its row is infeasible, with the rule it breaks, and a file on
    # kubenet would be rejected, not warned of its retirement
    code, out, err = run(*WINDOWS_200)
    assert (code, err) == (0, WINDOWS_MAX_PODS)
    assert out.split("\n\n", 1)[1] == (
        "kubenet: INFEASIBLE: the pool runs Windows, which kubenet does not support; "
        "use azure-cni-overlay (rule A7)\n"
        "azure-cni: room for 296 nodes; limited by VNet private IPs (65,536)\n"
        "azure-cni-overlay: room for 232 nodes; limited by pod CIDR /16 (256 nodes at one /24 "
        "each)\n"
        "azure-cni-pod-subnet: room for 296 nodes; limited by VNet private IPs (65,536)\n"
        "azure-cni-pod-subnet-static: room for 909 nodes; "
        "limited by AKS nodes per pool (1,000 with surge)\n"
    )
    # the JSON rows keep their warnings as data, and stdout stays the rows
    code, out, err = run(*WINDOWS_200, "--format", "json")
    assert (code, err) == (0, WINDOWS_MAX_PODS)
    rows = json.loads(out)
    assert [r["warnings"].count("Windows with max_pods of 200") for r in rows] == [1] * 5
    assert rows[0]["warnings"].endswith(
        "cluster: kubenet retires on 2028-03-31; plan the move to azure-cni-overlay (rule A7)"
    )


def test_compare_table_puts_the_rule_on_an_infeasible_line_and_warnings_on_stderr() -> None:
    # azure-cni at its default 30 max pods: 55 x 31 = 1,705 IPs in a /26 (59 usable); the
    # problem says its rule (A3, as the summary does), kubenet's retirement goes to stderr
    code, out, err = run("compare", "--nodes", "50", "--subnet", "10.240.0.0/26")
    assert (code, err) == (0, KUBENET_RETIRES)
    assert out.split("\n\n", 1)[1] == (
        "max pods differ by model (each model's default: kubenet 110, azure-cni 30, "
        "azure-cni-overlay 250, azure-cni-pod-subnet 110, azure-cni-pod-subnet-static 110); "
        "give --max-pods to compare every model at one density\n"
        "kubenet: room for 53 nodes; limited by node subnet 10.240.0.0/26 (59 usable IPs)\n"
        "azure-cni: INFEASIBLE: node subnet 10.240.0.0/26 (59 usable IPs) needs 1,705 IPs at "
        "peak; use a /21 or larger, or fewer nodes or max pods (rule A3)\n"
        "azure-cni-overlay: room for 53 nodes; limited by node subnet 10.240.0.0/26 "
        "(59 usable IPs)\n"
        "azure-cni-pod-subnet: room for 53 nodes; limited by node subnet 10.240.0.0/26 "
        "(59 usable IPs)\n"
        "azure-cni-pod-subnet-static: room for 53 nodes; limited by node subnet 10.240.0.0/26 "
        "(59 usable IPs)\n"
    )


def test_compare_ends_each_problem_with_its_rule() -> None:
    # two problems of one model, each with its own rule: the node subnet (A3), the pod subnet (A8)
    code, out, _ = run(
        "compare", "--nodes=10", "--max-pods=30", "--max-surge=1",
        "--network=azure-cni-pod-subnet", "--subnet=10.240.0.0/28",
        "--pod-subnet=10.241.0.0/24", "--internal-lbs=3",
    )  # fmt: skip
    assert code == 0
    assert out.splitlines()[-1] == (
        "azure-cni-pod-subnet: INFEASIBLE: node subnet 10.240.0.0/28 (11 usable IPs) needs 14 "
        "IPs at peak; use a /27 or larger, or fewer nodes or max pods (rule A3); pod subnet "
        "10.241.0.0/24 (251 usable IPs) needs 330 IPs at peak; use a /23 or larger, or fewer "
        "nodes or max pods (rule A8)"
    )


@pytest.mark.parametrize(
    ("network", "pool", "field", "args", "warning"),
    [
        ("kubenet", "", "clusters[0].network", ["--network", "kubenet"], KUBENET_RETIRES),
        ("kubenet", "", "clusters[0].network", [], KUBENET_RETIRES),  # among all the models
        (
            "azure-cni-overlay",
            ", os: windows, max_pods: 200",
            "clusters[0].node_pools[0].max_pods",
            WINDOWS_200[3:],
            WINDOWS_MAX_PODS,
        ),
    ],
    ids=["kubenet", "kubenet-among-all", "windows-max-pods"],
)
def test_compare_says_of_a_models_warning_what_validate_says(
    tmp_path: Path, network: str, pool: str, field: str, args: list[str], warning: str
) -> None:
    # rule A23: one check, one message, with its rule id; compare names the option where a file
    # names the field, and writes a setting as it is typed (--max-pods 110, not max_pods: 110)
    path = tmp_path / "one.yaml"
    path.write_text(
        "name: one\n"
        "vnets: [{name: vnet, address_space: [10.240.0.0/16], "
        "subnets: [{name: nodes, size: auto}]}]\n"
        f"clusters: [{{name: cluster, vnet: vnet, network: {network}, node_pools: "
        f"[{{name: pool, subnet: nodes, nodes: 3{pool}}}]}}]\n"
    )
    code, out, err = run("validate", str(path))
    assert code == 0 and out.startswith("ok: ")  # the warnings on stderr, as compare's
    (said,) = [line for line in err.splitlines() if line.startswith("warning:")]
    assert said.startswith(f"warning: {path}: {field}: ")
    option = "--" + field.rsplit(".", 1)[1].replace("_", "-")
    same = compare_words(said.removeprefix(f"warning: {path}: {field}: "))
    assert f"warning: {option}: {same}\n" == warning
    assert run("compare", "--nodes", "3", *args)[::2] == (0, warning)


def test_compare_still_rejects_with_exit_2_beside_a_warning() -> None:
    code, out, err = run(
        "compare", "--nodes", "0", "--priority", "spot", "--max-surge", "5", "--network",
        "azure-cni-overlay",
    )  # fmt: skip
    assert (code, out) == (2, "")
    assert err == (
        "Error: --nodes: the pool has 0 nodes and no --max-nodes; 0 nodes is allowed only for "
        "an autoscaler pool: set --max-nodes, or give 1 or more\n"
    )


@pytest.mark.parametrize(
    ("upgrade", "why"),
    [("blue-green", "doubles its nodes at the peak"), ("in-place", "adds no node")],
)
def test_compare_warns_that_the_upgrade_mode_overrides_max_surge(upgrade: str, why: str) -> None:
    args = ["compare", "--nodes", "20", "--upgrade", upgrade, "--format", "json"]
    code, out, err = run(*args, "--max-surge", "5")
    assert (code, out) == (0, run(*args)[1])
    assert err == KUBENET_RETIRES + (
        f"warning: --max-surge: the pool upgrades {upgrade}, which {why}: --max-surge 5 is "
        "ignored; remove --max-surge, or upgrade the pool rolling (rule A25)\n"
    )


@pytest.mark.parametrize(
    ("args", "warning"),
    [
        (
            ["--network", "kubenet", "--pods-in-use", "20"],
            "--pods-in-use: --pods-in-use 20 counts only under azure-cni-pod-subnet, "
            "which is neither planned nor compared: it is ignored; remove --pods-in-use, or "
            "compare azure-cni-pod-subnet (rule A8)",
        ),
        (
            ["--network", "azure-cni", "--pod-cidr", "10.244.0.0/16"],
            "--pod-cidr: --pod-cidr 10.244.0.0/16 counts only under kubenet and "
            "azure-cni-overlay, which are neither planned nor compared: it is ignored; remove "
            "--pod-cidr, or compare kubenet or azure-cni-overlay (rule A6)",
        ),
        (
            ["--network", "azure-cni-overlay", "--pod-subnet", "10.1.0.0/16"],
            "--pod-subnet: --pod-subnet '10.1.0.0/16' counts only under "
            "azure-cni-pod-subnet and azure-cni-pod-subnet-static, which are neither planned nor "
            "compared: it is ignored; remove --pod-subnet, or compare azure-cni-pod-subnet or "
            "azure-cni-pod-subnet-static (rule A8)",
        ),
        (["--network", "azure-cni-pod-subnet-static", "--pod-subnet", "10.1.0.0/16"], None),
        (["--pods-in-use", "20"], None),  # the pod-subnet row uses it
        (["--pod-cidr", "10.244.0.0/16"], None),  # the kubenet and overlay rows use it
        (["--network", "azure-cni-overlay", "--pod-cidr", "10.244.0.0/16"], None),
    ],
    ids=[
        "pods-in-use-kubenet",
        "pod-cidr-azure-cni",
        "pod-subnet-overlay",
        "pod-subnet-static",
        "pods-in-use-all",
        "pod-cidr-all",
        "pod-cidr-overlay",
    ],
)
def test_compare_warns_of_a_setting_no_model_compared_uses(
    args: list[str], warning: str | None
) -> None:
    # rules A6, A8: an option only other models use has no effect; compare says so, once
    code, out, err = run("compare", "--nodes", "50", "--format", "json", *args)
    kubenet = KUBENET_RETIRES if "--network" not in args or "kubenet" in args else ""
    assert (code, err) == (0, kubenet + ("" if warning is None else f"warning: {warning}\n"))
    assert len(json.loads(out)) == (1 if "--network" in args else 5)


def test_compare_says_what_a_service_cidr_given_holds() -> None:
    # rule A11: a /28 holds 16 - 2 (network, broadcast) - 1 (kubernetes) - 1 (DNS) = 12
    code, out, err = run("compare", "--nodes", "50", "--service-cidr", "10.0.0.0/28")
    assert (code, err) == (0, KUBENET_RETIRES)
    assert out.splitlines()[-1] == (
        "service CIDR 10.0.0.0/28: 12 ClusterIP addresses for Services (rule A11)"
    )
    # not said of the default, which nobody chose
    code, out, err = run("compare", "--nodes", "50")
    assert code == 0 and "ClusterIP" not in out
