"""Every bad scenario in tests/bad/ through the CLI: exit 2, one line, no traceback, no files.

Each file holds one mistake and is named for it. EXPECTED gives, for every file, a substring of
its message (after ``Error: tests/bad/<file>: ``): the field path, the value and what is wrong.
To run the corpus through another command, add its arguments to COMMANDS.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ipplan.cli import app

BAD = Path(__file__).parent / "bad"
EXAMPLE = Path(__file__).parent.parent / "data" / "example.yaml"

#: commands that read a scenario file; each bad file goes through each (the file comes last)
COMMANDS: list[list[str]] = [["validate"], ["plan"], ["plan", "--out", "out"]]

EXPECTED: dict[str, str] = {
    "address-space-not-list.yaml": "vnets[0].address_space: '10.20.0.0/16' is not a list",
    "api-server-subnet-without-kind.yaml": "clusters[0].api_server_subnet: 'apiserver' has no",
    "auto-subnet-unused.yaml": "vnets[0].subnets[2].size: 'auto', but no node pool uses subnet",
    "blue-green-above-pool-limit.yaml": "clusters[0].node_pools[1].upgrade: pool 'user': 600",
    "cidr-invalid-octet.yaml": "vnets[0].subnets[0].cidr: '10.20.300.0/27' is not a valid CIDR",
    "cidr-no-prefix-length.yaml": "vnets[0].subnets[0].cidr: '10.20.0.0' is not a CIDR: give a",
    "cluster-above-5000-nodes.yaml": "clusters[0].node_pools: cluster 'aks' plans 5,403 nodes (max",
    "cluster-duplicate-name.yaml": "clusters[1].name: 'aks' is already the name of clusters[0]",
    "compare-unknown-model.yaml": "planning.compare[1]: 'overlay' is not a network model",
    "dns-ip-first-address.yaml": "clusters[0].dns_service_ip: 172.16.0.1 is the service CIDR's",
    "dns-ip-invalid.yaml": "clusters[0].dns_service_ip: '172.16.0' is not a valid IP address",
    "dns-ip-outside-service-cidr.yaml": "clusters[0].dns_service_ip: 172.17.0.10 is outside",
    "empty.yaml": "the file is empty",
    "external-duplicate-name.yaml": "external[1].name: 'on-prem' is already the name of",
    "growth-both-rates.yaml": "clusters[0].node_pools[1].growth: {nodes_per_month: 2,",
    "growth-negative.yaml": "clusters[0].node_pools[1].growth.nodes_per_month: -2 is negative",
    "growth-percent-as-text.yaml": "clusters[0].node_pools[1].growth.percent_per_month: '5%' is",
    "horizon-above-120.yaml": "planning.horizon_months: 240 is above the limit of 120 months",
    "host-bits-address-space.yaml": "vnets[0].address_space[0]: '10.20.1.0/16' has host bits set",
    "host-bits-subnet.yaml": "vnets[0].subnets[0].cidr: '10.20.0.1/27' has host bits set (did you",
    "internal-lb-subnet-unknown.yaml": "clusters[0].internal_lb_subnet: 'ingres' is not a",
    "ipv6-subnet-not-64.yaml": "vnets[0].subnets[2].cidr: fd00:20::/56 is not a /64",
    "json-duplicate-key.json": "duplicate key 'name'",
    "json-host-bits.json": "vnets[0].address_space[0]: '10.20.0.1/16' has host bits set (did you",
    "json-nodes-quoted.json": "clusters[0].node_pools[0].nodes: '3' is not a whole number",
    "json-syntax-error.json": "line 3: Expecting ',' delimiter (column 2)",
    "json-top-level-list.json": "the top level is a list [], not a mapping",
    "json-unknown-key.json": "clusters[0]: 'networks' is not a cluster key",
    "kind-app-gateway-named-gateway-subnet.yaml": "vnets[0].subnets[1].name: subnet 'Gateway",
    "kind-bastion-too-small.yaml": "vnets[0].subnets[1].cidr: subnet 'AzureBastionSub",
    "kind-gateway-prefix-too-small.yaml": "vnets[0].subnets[1].prefix: subnet 'Gateway",
    "kind-setting-of-another-kind.yaml": "vnets[0].subnets[1].instances: 2 is a setting of kind",
    "kind-unknown-nat-gateway.yaml": "vnets[0].subnets[1].kind: 'nat-gateway' is not",
    "kind-wrong-name.yaml": "vnets[0].subnets[1].name: subnet 'firewall' is of kind azure-firewall",
    "kubenet-cilium.yaml": "clusters[0].dataplane: cluster 'aks': kubenet cannot run the",
    "max-nodes-below-nodes.yaml": "clusters[0].node_pools[1].max_nodes: pool 'user': max_nodes",
    "max-pods-above-250.yaml": "clusters[0].node_pools[1].max_pods: 300 is above AKS's limit of",
    "max-pods-below-10.yaml": "clusters[0].node_pools[1].max_pods: 5 is below AKS's minimum of 10",
    "max-surge-invalid.yaml": "clusters[0].node_pools[1].max_surge: 'lots' is not a surge",
    "missing-name.yaml": "required key 'name' is missing",
    "missing-nodes.yaml": "clusters[0].node_pools[1]: required key 'nodes' is missing",
    "missing-vnets.yaml": "required key 'vnets' is missing",
    "network-unknown.yaml": "clusters[0].network: 'azure-cni-overlayy' is not a network model",
    "node-pools-empty.yaml": "clusters[0].node_pools: [] is empty",
    "node-pools-not-a-list.yaml": "clusters[0].node_pools: {name: system, subnet: aks-nodes,",
    "nodes-above-1000.yaml": "clusters[0].node_pools[1].nodes: 1200 is above AKS's limit of 1,000",
    "nodes-fraction.yaml": "clusters[0].node_pools[1].nodes: 2.5 is not a whole number",
    "nodes-quoted.yaml": "clusters[0].node_pools[1].nodes: '10' is not a whole number",
    "only-comments.yaml": "the file is empty",
    "os-unknown.yaml": "clusters[0].node_pools[1].os: 'win' is not an OS",
    "planning-missing-start.yaml": "planning: required key 'start' is missing",
    "planning-start-is-a-date.yaml": "planning.start: 2027-01-01 is a date, not a month",
    "planning-start-not-a-month.yaml": "planning.start: '2027-13' is not a month",
    "pod-cidr-default-overlaps-vnet.yaml": "clusters[0].pod_cidr: the default 10.244.0.0/16 over",
    "pod-cidr-forbidden.yaml": "clusters[0].pod_cidr: 172.16.0.0/12 overlaps 172.30.0.0/16",
    "pod-cidr-overlaps-external.yaml": "clusters[0].pod_cidr: 192.168.0.0/16 overlaps external",
    "pod-cidr-smaller-than-24.yaml": "clusters[0].pod_cidr: 100.64.0.0/25 is smaller than one",
    "pod-subnet-is-a-node-subnet.yaml": "clusters[0].node_pools[1].pod_subnet: 'aks-pods' is the",
    "pod-subnet-missing.yaml": "clusters[0].node_pools[0]: pool 'system' has no pod_subnet, but",
    "pod-subnet-same-as-node-subnet.yaml": "clusters[0].node_pools[1].pod_subnet: 'aks-nodes' is",
    "pods-in-use-above-max-pods.yaml": "clusters[0].node_pools[1].pods_in_use: pool 'user': pods",
    "pods-per-pool-below-30.yaml": "clusters[0].node_pools[1].max_pods: pool 'user': 20 max",
    "pool-duplicate-name.yaml": "clusters[0].node_pools[1].name: 'system' is already the name of",
    "pool-in-platform-subnet.yaml": "clusters[0].node_pools[0].subnet: 'AzureBastionSubnet' is a",
    "pool-name-yaml-boolean.yaml": "clusters[0].node_pools[1].name: false is not text (YAML reads",
    "prefix-larger-than-vnet.yaml": "vnets[0].subnets[1].prefix: 15 is larger than the VNet's",
    "prefix-longer-than-29.yaml": "vnets[0].subnets[1].prefix: 30 is longer than Azure allows (the",
    "prefix-no-room.yaml": "vnets[0].subnets[1].prefix: 22 does not fit: no free /22 in",
    "prefix-with-slash.yaml": "vnets[0].subnets[1].prefix: '/22' is not a whole number",
    "private-cluster-not-boolean.yaml": "clusters[0].private_cluster: 'yes' is not true or false",
    "private-link-nat-ips-above-8.yaml": "clusters[0].private_link_services[0].nat_ips: 9 is",
    "scenario-name-with-space.yaml": "name: 'contoso prod' is not a valid scenario name",
    "service-cidr-default-overlaps-vnet.yaml": "clusters[0].service_cidr: the default 10.0.0.0/16",
    "service-cidr-forbidden.yaml": "clusters[0].service_cidr: 172.30.0.0/16 is 172.30.0.0/16",
    "service-cidr-overlaps-pod-cidr.yaml": "clusters[0].service_cidr: 100.64.0.0/16 overlaps the",
    "service-cidr-overlaps-vnet.yaml": "clusters[0].service_cidr: 10.20.128.0/17 overlaps the",
    "service-cidr-too-large.yaml": "clusters[0].service_cidr: 172.0.0.0/11 is larger than AKS",
    "spot-system-pool.yaml": "clusters[0].node_pools[0].priority: pool 'system' is a system pool",
    "subnet-cidr-and-prefix.yaml": "vnets[0].subnets[1]: subnet 'aks-nodes' gives cidr and prefix",
    "subnet-duplicate-name.yaml": "vnets[0].subnets[1].name: 'gateway' is already the name of",
    "subnet-no-size.yaml": "vnets[0].subnets[1]: subnet 'aks-nodes' gives none of cidr, prefix,",
    "subnet-outside-vnet.yaml": "vnets[0].subnets[0].cidr: 10.21.0.0/27 is outside the VNet's",
    "subnet-size-not-auto.yaml": "vnets[0].subnets[1].size: 'big' is not a size",
    "subnet-smaller-than-29.yaml": "vnets[0].subnets[0].cidr: 10.20.0.0/30 is outside Azure's",
    "subnets-overlap.yaml": "vnets[0].subnets[2].cidr: 10.20.0.16/28 overlaps subnet 'gateway'",
    "surge-above-pool-limit.yaml": "clusters[0].node_pools[1].max_surge: pool 'user': 1,000",
    "too-many-node-pools.yaml": "clusters[0].node_pools: 101 node pools is above AKS's limit of",
    "top-level-list.yaml": "the top level is a list [{name: bad}], not a mapping",
    "unknown-key-no-match.yaml": "clusters[0].node_pools[1]: 'colour' is not a node pool key",
    "unknown-key-pool.yaml": "clusters[0].node_pools[1]: 'max_pod' is not a node pool key",
    "unknown-key-top.yaml": "'cluster' is not a top-level key",
    "unknown-pod-subnet.yaml": "clusters[0].node_pools[1].pod_subnet: 'pods' is not a subnet of",
    "unknown-subnet.yaml": "clusters[0].node_pools[1].subnet: 'aks-node' is not a subnet of VNet",
    "unknown-vnet.yaml": "clusters[0].vnet: 'spokes' is not a VNet",
    "upgrade-unknown.yaml": "clusters[0].node_pools[1].upgrade: 'bluegreen' is not an upgrade",
    "used-ips-above-usable.yaml": "vnets[0].subnets[0].used_ips: 30 is more than the 27 usable IPs",
    "virtual-nodes-on-overlay.yaml": "clusters[0].virtual_nodes_subnet: 'aci' gives cluster 'aks'",
    "vnet-duplicate-name.yaml": "vnets[1].name: 'spoke' is already the name of vnets[0]",
    "vnet-link-local.yaml": "vnets[0].address_space[0]: 169.254.0.0/16 is 169.254.0.0/16",
    "vnet-overlaps-external.yaml": "vnets[0].address_space[0]: 10.20.0.0/16 overlaps external",
    "vnets-overlap.yaml": "vnets[1].address_space[0]: 10.20.128.0/17 overlaps VNet 'spoke'",
    "windows-cilium.yaml": "clusters[0].node_pools[1].os: pool 'user' runs Windows",
    "yaml-bad-indent.yaml": "line 6, column 4: expected <block end>, but found '<block mapping",
    "yaml-duplicate-key.yaml": "line 15: duplicate key 'nodes'",
    "yaml-tab-indent.yaml": "line 11: a tab",
    "yaml-unclosed-bracket.yaml": "line 6, column 12: expected ',' or ']', but got ':' (while",
    "zero-nodes-without-max-nodes.yaml": "clusters[0].node_pools[1].nodes: pool 'user' has 0 nodes",
}


@dataclass(frozen=True)
class CliResult:
    """What a command did: its exit status and its two streams."""

    exit_code: int
    stdout: str
    stderr: str


def run_ipplan(*args: str) -> CliResult:
    """Run ``ipplan ARGS`` in-process (in the current directory) and capture what it did."""
    result = CliRunner().invoke(app, list(args), prog_name="ipplan")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a crash is a bug: show its traceback
    return CliResult(result.exit_code, result.stdout, result.stderr)


def run_in_empty_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> CliResult:
    """Run ``ipplan ARGS`` with the CWD an empty folder; fail if it writes anything there.

    Arguments that name a file under tests/ are copied to the same relative path first, so
    messages still say ``tests/bad/<file>``.
    """
    for arg in args:
        if arg.startswith("tests/"):
            copy = tmp_path / arg
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(Path(__file__).parent.parent / arg, copy)
    before = sorted(tmp_path.rglob("*"))
    monkeypatch.chdir(tmp_path)
    result = run_ipplan(*args)
    assert sorted(tmp_path.rglob("*")) == before, "the command wrote files"
    return result


BAD_FILES = sorted(path.name for path in BAD.iterdir())


def test_corpus_is_large_and_every_file_has_an_expectation() -> None:
    assert len(BAD_FILES) >= 45
    assert sorted(EXPECTED) == BAD_FILES
    assert {name.rsplit(".", 1)[1] for name in BAD_FILES} == {"json", "yaml"}


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_file_is_one_line_and_exit_2(
    name: str, command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run_in_empty_dir(tmp_path, monkeypatch, *command, f"tests/bad/{name}")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    prefix = f"Error: tests/bad/{name}: "
    assert lines[0].startswith(prefix)
    message = lines[0].removeprefix(prefix)
    assert EXPECTED[name] in message
    assert not message.endswith(".")


def test_validate_example_prints_ok(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_in_empty_dir(tmp_path, monkeypatch, "validate", str(EXAMPLE))
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == "ok: example (1 vnet, 1 cluster, 2 node pools)\n"


def test_validate_prints_warnings_after_ok(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(
        "name: w\n"
        "vnets: [{name: v, address_space: [10.1.0.0/16], subnets: [{name: n, prefix: 24}]}]\n"
        "clusters:\n"
        "  - name: c\n"
        "    vnet: v\n"
        "    node_pools:\n"
        "      - {name: sys, subnet: n, nodes: 3}\n"
        "      - {name: win, subnet: n, nodes: 2, os: windows}\n"
        "      - {name: win200, subnet: n, nodes: 2, os: windows, max_pods: 200}\n"
    )
    result = run_ipplan("validate", str(path))
    # the result on stdout, the warnings on stderr, as every command says them
    assert (result.exit_code, result.stdout) == (0, "ok: w (1 vnet, 1 cluster, 3 node pools)\n")
    assert result.stderr.splitlines() == [
        # a Windows pool without max_pods gets 110, not overlay's 250: no warning (rule A19)
        f"warning: {path}: clusters[0].node_pools[2].max_pods: pool 'win200': Windows with "
        "max_pods of 200, above the 110 recommended; set max_pods: 110 (rule A2)",
    ]


def test_validate_missing_file(tmp_path: Path) -> None:
    result = run_ipplan("validate", str(tmp_path / "none.yaml"))
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {tmp_path / 'none.yaml'}: no such file; give the path of a scenario file\n"
    )


def test_validate_directory(tmp_path: Path) -> None:
    result = run_ipplan("validate", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr == f"Error: {tmp_path}: is a directory; give a scenario file inside it\n"


def test_schema_is_sorted_json_of_the_format() -> None:
    result = run_ipplan("schema")
    assert (result.exit_code, result.stderr) == (0, "")
    schema = json.loads(result.stdout)
    assert result.stdout == json.dumps(schema, indent=2, sort_keys=True) + "\n"
    assert schema["title"] == "ipplan scenario"
    assert schema["required"] == ["name", "vnets"]
    assert schema["additionalProperties"] is False
    pool = schema["$defs"]["NodePoolModel"]["properties"]
    assert pool["max_pods"]["anyOf"][0] == {"maximum": 250, "minimum": 10, "type": "integer"}
    assert schema["$defs"]["Network"]["enum"] == [
        "kubenet",
        "azure-cni",
        "azure-cni-overlay",
        "azure-cni-pod-subnet",
        "azure-cni-pod-subnet-static",
    ]


@pytest.mark.parametrize("command", ["validate", "schema"])
def test_help(command: str) -> None:
    result = run_ipplan(command, "--help")
    assert result.exit_code == 0
    assert "Usage: ipplan " + command in result.stdout
