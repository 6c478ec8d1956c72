"""``ipplan export terraform``: parsed with a real HCL2 parser, checked against allocation.csv."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import hcl2
import pytest
from typer.testing import CliRunner

import ipplan.export.terraform as tf
from ipplan.cli import app
from ipplan.core.plan import build_plan
from ipplan.export import delegation_for, subnet_labels, terraform_files
from ipplan.export.hcl import identifier, quote
from ipplan.report.pack import write_csv
from ipplan.scenario import load_scenario, parse_scenario

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "data").glob("*.yaml"))
OPTIONS = hcl2.SerializationOptions(strip_string_quotes=True, explicit_blocks=False)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def parse(text: str) -> dict[str, Any]:
    parsed: dict[str, Any] = hcl2.loads(text, serialization_options=OPTIONS)
    return parsed


def subnet_resources(network_tf: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for resource in parse(network_tf).get("resource", []):
        for label, body in resource.get("azurerm_subnet", {}).items():
            assert label not in found
            found[label] = body
    return found


def allocation(path: Path, tmp_path: Path) -> list[dict[str, str]]:
    write_csv(build_plan(load_scenario(path)), tmp_path)
    with (tmp_path / "allocation.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("everything", [False, True], ids=["planned", "all"])
@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_example_exports_one_resource_per_subnet_with_its_allocated_prefix(
    path: Path, everything: bool, tmp_path: Path
) -> None:
    out = tmp_path / "tf"
    flags = ["--all"] if everything else []
    code, _, stderr = run("export", "terraform", str(path), "--out", str(out), *flags)
    assert (code, stderr) == (0, ""), stderr
    plan = build_plan(load_scenario(path))
    labels = subnet_labels(plan)
    rows = [r for r in allocation(path, tmp_path) if r["origin"] != "free"]
    wanted = [r for r in rows if everything or r["origin"] in ("allocated", "sized")]
    resources = subnet_resources((out / "network.tf").read_text(encoding="utf-8"))
    assert len(resources) == len(wanted)
    for row in wanted:
        key = next(k for k in labels if (k.vnet, k.name) == (row["vnet"], row["subnet"]))
        body = resources[labels[key]]
        assert body["name"] == row["subnet"]
        assert body["address_prefixes"] == [row["cidr"]]
        # the kind implies the delegation (rule A24); a subnet without one has none
        spec = next(
            s
            for v in plan.scenario.vnets
            if v.name == key.vnet
            for s in v.subnets
            if s.name == key.name
        )
        service = delegation_for(spec.kind)
        if service is None:
            assert "delegation" not in body
        else:
            assert [d["service_delegation"][0]["name"] for d in body["delegation"]] == [service]
    assert labels[key] == identifier(f"{key.vnet}_{key.name}")
    assert sorted(p.name for p in out.iterdir()) == sorted(tf.TERRAFORM_FILES)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_a_rerun_is_byte_identical(path: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert run("export", "terraform", str(path), "--out", str(first))[0] == 0
    assert run("export", "terraform", str(path), "--out", str(second))[0] == 0
    assert run("export", "terraform", str(path), "--out", str(second))[0] == 0  # replaces
    for name in tf.TERRAFORM_FILES:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_the_pool_map_points_at_the_subnets_and_the_tfvars_say_the_same(tmp_path: Path) -> None:
    path = ROOT / "data" / "kubenet-migration.yaml"
    assert run("export", "terraform", str(path), "--out", str(tmp_path / "tf"))[0] == 0
    outputs = parse((tmp_path / "tf" / "outputs.tf").read_text(encoding="utf-8"))
    cluster = outputs["locals"][0]["clusters"]["fabrikam-prod"]
    assert cluster["pod_cidr"] == "10.244.0.0/15"
    assert cluster["service_cidr"] == "10.96.0.0/16"
    assert cluster["dns_service_ip"] == "10.96.0.10"
    # aks-subnet exists, so it is read (a data source); kubenet takes no pod subnet
    assert cluster["node_pools"]["apps"] == {
        "vnet_subnet_id": "${data.azurerm_subnet.fabrikam_aks_aks_subnet.id}",
        "pod_subnet_id": None,
    }
    network = parse((tmp_path / "tf" / "network.tf").read_text(encoding="utf-8"))
    data = {k for d in network["data"] for k in d.get("azurerm_subnet", {})}
    assert data == {"fabrikam_aks_aks_subnet"}
    tfvars = json.loads((tmp_path / "tf" / "ipplan.auto.tfvars.json").read_text(encoding="utf-8"))
    assert tfvars["ipplan_clusters"]["fabrikam-prod"]["node_pools"]["apps"] == {
        "vnet_subnet_name": "aks-subnet",
        "pod_subnet_name": None,
    }
    outputs_names = {k for o in outputs["output"] for k in o}
    assert outputs_names == {"node_pools", "pod_cidr", "service_cidr", "dns_service_ip"}


def test_pod_subnet_ids_for_the_pod_subnet_model() -> None:
    files = terraform_files(build_plan(load_scenario(ROOT / "data" / "enterprise.yaml")))
    pools = parse(files["outputs.tf"])["locals"][0]["clusters"]["prod"]["node_pools"]
    assert pools["apps"] == {
        "vnet_subnet_id": "${azurerm_subnet.spoke_prod_prod_nodes.id}",
        "pod_subnet_id": "${azurerm_subnet.spoke_prod_prod_pods.id}",
    }


def test_a_subnet_kind_brings_its_delegation() -> None:
    # hub-spoke: agc is Application Gateway for Containers and apiserver is API Server VNet
    # Integration; rule A24's table delegates them, the firewall management subnet not at all
    files = terraform_files(build_plan(load_scenario(ROOT / "data" / "hub-spoke.yaml")))
    bodies = {k.split("_", 1)[1]: v for k, v in subnet_resources(files["network.tf"]).items()}
    agc = next(v for k, v in bodies.items() if k.endswith("_agc"))
    api = next(v for k, v in bodies.items() if k.endswith("_apiserver"))
    assert agc["delegation"] == [
        {
            "name": "trafficControllers",
            "service_delegation": [{"name": "Microsoft.ServiceNetworking/trafficControllers"}],
        }
    ]
    assert api["delegation"][0]["service_delegation"] == [
        {"name": "Microsoft.ContainerService/managedClusters"}
    ]
    firewall = next(v for k, v in bodies.items() if "azurefirewallmanagementsubnet" in k)
    assert "delegation" not in firewall
    if shutil.which("terraform"):
        _fmt_check(files)


def _fmt_check(files: dict[str, str] | Any) -> None:
    for name, text in files.items():
        if name.endswith(".tf"):
            done = subprocess.run(
                ["terraform", "fmt", "-check", "-"], input=text, capture_output=True, text=True
            )
            assert done.returncode == 0, f"{name} is not as terraform fmt writes it"
            assert done.stdout == ""


@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not installed")
@pytest.mark.parametrize("everything", [False, True], ids=["planned", "all"])
@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_terraform_fmt_keeps_every_file(path: Path, everything: bool) -> None:
    _fmt_check(terraform_files(build_plan(load_scenario(path)), everything=everything))


def test_labels_are_valid_identifiers_and_unique() -> None:
    scenario = parse_scenario(
        {
            "name": "clash",
            "vnets": [
                {
                    "name": "spoke-prod",
                    "address_space": ["10.0.0.0/16"],
                    "subnets": [
                        {"name": "nodes", "prefix": 24},
                        {"name": "Nodes.1", "prefix": 24},
                        {"name": "nodes_1", "prefix": 24},
                    ],
                },
                {
                    "name": "spoke",
                    "address_space": ["10.1.0.0/16"],
                    "subnets": [{"name": "prod-nodes", "prefix": 24}],
                },
            ],
        },
        source="t",
    )
    labels = subnet_labels(build_plan(scenario))
    assert sorted(labels.values()) == [
        "spoke_prod_nodes",
        "spoke_prod_nodes_1",
        "spoke_prod_nodes_1_2",
        "spoke_prod_nodes_2",
    ]
    files = terraform_files(build_plan(scenario))
    names = {b["name"] for b in subnet_resources(files["network.tf"]).values()}
    assert names == {"nodes", "Nodes.1", "nodes_1", "prod-nodes"}


@pytest.mark.parametrize(
    "text", ['a "quoted" name', "back\\slash", "${not a template}", "%{ if x }", "tab\there"]
)
def test_strings_are_quoted_so_hcl_reads_them_back(text: str) -> None:
    parsed = hcl2.loads(f"x = {quote(text)}\n")
    value = parsed["x"]
    # python-hcl2 keeps the quotes and escapes as written; HCL's own unescaping gives text back
    assert value == quote(text)
    assert json.loads(value.replace("$${", "${").replace("%%{", "%{")) == text


@pytest.mark.parametrize(
    "args, message",
    [
        (["data/missing.yaml"], "data/missing.yaml"),
        (["tests/bad/unknown-vnet.yaml"], "tests/bad/unknown-vnet.yaml"),
    ],
    ids=["missing-file", "bad-scenario"],
)
def test_bad_input_is_one_line_exit_2_and_nothing_written(
    args: list[str], message: str, tmp_path: Path
) -> None:
    out = tmp_path / "tf"
    code, stdout, stderr = run("export", "terraform", *args, "--out", str(out))
    assert code == 2
    assert stdout == ""
    assert len(stderr.splitlines()) == 1 and stderr.startswith("Error: ") and message in stderr
    assert "Traceback" not in stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_folder_with_other_files_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text("# mine\n", encoding="utf-8")
    code, stdout, stderr = run("export", "terraform", "data/example.yaml", "--out", str(tmp_path))
    assert code == 2 and stdout == ""
    assert len(stderr.splitlines()) == 1 and "main.tf" in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["main.tf"]


def test_the_readme_shows_the_real_export(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## From plan to Terraform", 1)[1].split("\n## ", 1)[0]
    blocks = section.split("```hcl\n")[1:]
    files = terraform_files(build_plan(load_scenario(ROOT / "data" / "example.yaml")))
    assert blocks[0].split("```", 1)[0] == files["network.tf"]
    local = files["outputs.tf"].split("\n\n", 1)[0] + "\n"
    assert blocks[1].split("```", 1)[0] == local


def test_an_out_that_is_a_file_is_one_line_and_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "network.tf"
    out.write_text("# mine\n", encoding="utf-8")
    code, stdout, stderr = run("export", "terraform", "data/example.yaml", "--out", str(out))
    assert (code, stdout) == (2, "")
    assert len(stderr.splitlines()) == 1 and "is a file" in stderr
    assert out.read_text(encoding="utf-8") == "# mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["network.tf"]


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_the_tfvars_hold_the_same_map_as_the_locals(path: Path) -> None:
    plan = build_plan(load_scenario(path))
    files = terraform_files(plan)
    local = parse(files["outputs.tf"])["locals"][0]["clusters"]
    tfvars = json.loads(files["ipplan.auto.tfvars.json"])["ipplan_clusters"]
    labels = {label: key for key, label in subnet_labels(plan).items()}

    def name(ref: str | None) -> str | None:
        # "${azurerm_subnet.<label>.id}" or "${data.azurerm_subnet.<label>.id}" -> subnet name
        return None if ref is None else labels[ref.rsplit(".", 2)[-2]].name

    assert sorted(local) == sorted(tfvars) == sorted(c.name for c in plan.scenario.clusters)
    for cluster, facts in local.items():
        given = tfvars[cluster]
        for field in ("network", "pod_cidr", "service_cidr", "dns_service_ip"):
            assert facts[field] == given[field]
        assert {
            pool: {
                "vnet_subnet_name": name(ids["vnet_subnet_id"]),
                "pod_subnet_name": name(ids["pod_subnet_id"]),
            }
            for pool, ids in facts["node_pools"].items()
        } == given["node_pools"]
