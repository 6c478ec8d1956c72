"""``ipplan diff OLD NEW``: what a scenario change does, and the regressions of rule A27."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ipplan.cli import app
from ipplan.core.diff import CHANGE_COLUMNS, diff
from ipplan.core.plan import build_plan
from ipplan.scenario import load_scenario, parse_scenario

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = "data/example.yaml"
MORE_NODES = "tests/data/diff/example-more-nodes.yaml"
# example's user pool at 150 nodes (was 40) growing 5 a month: the overlay pod CIDR /16 holds 256
# nodes at one /24 each; at month m the peak is system 3 + 1 surge, plus 150 + 5m and its 33%
# surge. Month 7: 185 + 62 + 4 = 251 fits; month 8 (2027-09): 190 + 63 + 4 = 257 > 256.
PODS_LINE = (
    "pod CIDR example-aks: runs out 2027-09, 8 months of runway (12 required; OLD lasted past "
    "the horizon)"
)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_a_scenario_against_itself_is_no_change() -> None:
    assert run("diff", EXAMPLE, EXAMPLE) == (
        0,
        f"no change from {EXAMPLE} to {EXAMPLE}\n",
        "",
    )
    assert run("diff", EXAMPLE, EXAMPLE, "--fail-on-regression")[0] == 0
    for path in sorted((ROOT / "data").glob("*.yaml")):
        plan = build_plan(load_scenario(path))
        assert diff(plan, plan).changes == ()


def test_more_nodes_shortens_the_runway_and_fails_the_gate() -> None:
    code, out, err = run("diff", EXAMPLE, MORE_NODES)
    assert (code, err) == (0, "")  # without --fail-on-regression the diff only reports
    assert out.splitlines()[-1] == f"REGRESSION: {PODS_LINE}"
    code, out, err = run("diff", EXAMPLE, MORE_NODES, "--fail-on-regression")
    assert (code, err) == (1, "")
    assert [line for line in out.splitlines() if line.startswith("REGRESSION")] == [
        f"REGRESSION: {PODS_LINE}"
    ]
    # the cluster row says the same: nothing ran out before, the pod CIDR does in 8 months
    assert any(
        line.split()[:7]
        == [
            "cluster",
            "example-aks",
            "azure-cni-overlay",
            "runway_months",
            "beyond",
            "horizon",
            "8",
        ]
        for line in out.splitlines()
    )


def test_a_lower_minimum_lets_the_same_change_pass() -> None:
    code, out, _ = run(
        "diff", EXAMPLE, MORE_NODES, "--fail-on-regression", "--min-runway-months", "6"
    )
    assert code == 0
    assert out.splitlines()[-1].startswith("no regression (rule A27)")


def test_the_core_diff_has_the_numbers() -> None:
    old = build_plan(load_scenario(ROOT / EXAMPLE))
    new = build_plan(load_scenario(ROOT / MORE_NODES))
    result = diff(old, new)
    assert result.regressions == (PODS_LINE,)
    fields = {
        (c.scope, c.subject, c.model, c.field): (c.old, c.new, c.change) for c in result.changes
    }
    assert fields[("subnet", "spoke/aks-nodes", "", "required_peak_ips")] == (58, 204, "up")
    assert fields[("cluster", "example-aks", "azure-cni-overlay", "runway_months")] == (
        None,
        8,
        "down",
    )
    assert fields[("model", "example-aks", "kubenet", "runway_months")] == (15, 8, "down")
    # the old kubenet runway ends with kubenet's support (rule A21), the new one with the pod CIDR
    assert fields[("model", "example-aks", "kubenet", "first_to_run_out")][:2] == (
        "kubenet support (retires 2028-03-31) example-aks",
        "pod CIDR example-aks",
    )


def _scenario(gateway: str, nodes: int = 1, max_pods: int = 30) -> dict[str, object]:
    return {
        "name": "t",
        "vnets": [
            {
                "name": "spoke",
                "address_space": ["10.20.0.0/16"],
                "subnets": [
                    {"name": "gateway", "cidr": gateway},
                    {"name": "nodes", "cidr": "10.20.8.0/26"},
                ],
            }
        ],
        "clusters": [
            {
                "name": "aks",
                "vnet": "spoke",
                "network": "azure-cni",
                "node_pools": [
                    {
                        "name": "system",
                        "subnet": "nodes",
                        "nodes": nodes,
                        "max_pods": max_pods,
                        "max_surge": 0,
                    }
                ],
            }
        ],
    }


def test_a_moved_existing_subnet_is_always_called_out() -> None:
    old = build_plan(parse_scenario(_scenario("10.20.0.0/27"), "old"))
    new = build_plan(parse_scenario(_scenario("10.20.1.0/27"), "new"))
    result = diff(old, new)
    assert [c.subject for c in result.moved_existing] == ["spoke/gateway"]
    assert result.regressions == (
        "existing subnet spoke/gateway moves from 10.20.0.0/27 to 10.20.1.0/27: Azure cannot "
        "move a subnet in use (rule A27); keep cidr: 10.20.0.0/27",
    )


def test_a_cluster_feasible_in_old_and_not_in_new_is_a_regression() -> None:
    # azure-cni in a /26 (59 usable IPs), no surge: 1 node x (1 + 30) = 31 fits; 2 nodes need 62
    old = build_plan(parse_scenario(_scenario("10.20.0.0/27", nodes=1), "old"))
    new = build_plan(parse_scenario(_scenario("10.20.0.0/27", nodes=2), "new"))
    assert old.feasible and not new.feasible
    regressions = diff(old, new).regressions
    assert len(regressions) == 1
    assert regressions[0].startswith("cluster aks (azure-cni) is feasible in OLD, not in NEW: ")


def test_room_that_becomes_no_room_goes_down() -> None:
    # azure-cni in a /26 (59 usable), no surge, max pods 10 (11 IPs a node). OLD: system 3 nodes
    # = 33 IPs; the user pool grows: 33 + 11 n <= 59 -> n = 2, room 3 + 2 = 5. NEW: system 6
    # nodes = 66 IPs, over 59 with the user pool at 0: no room (rule A18), which is less than 5
    def two_pools(system_nodes: int) -> dict[str, object]:
        scenario = _scenario("10.20.0.0/27", nodes=system_nodes, max_pods=10)
        (cluster,) = scenario["clusters"]
        user = {"name": "user", "subnet": "nodes", "nodes": 3, "max_pods": 10, "max_surge": 0}
        cluster["node_pools"].append(user)
        return scenario

    old = build_plan(parse_scenario(two_pools(3), "old"))
    new = build_plan(parse_scenario(two_pools(6), "new"))
    fields = {
        (c.scope, c.subject, c.model, c.field): (c.old, c.new, c.change)
        for c in diff(old, new).changes
    }
    assert fields[("cluster", "aks", "azure-cni", "room_nodes")] == (5, "no room", "down")
    assert fields[("subnet", "spoke/nodes", "", "room_nodes")] == (5, "no room", "down")
    back = {(c.scope, c.field): (c.old, c.new, c.change) for c in diff(new, old).changes}
    assert back[("subnet", "room_nodes")] == ("no room", 5, "up")


def test_json_and_csv_carry_the_same_rows() -> None:
    code, out, _ = run("diff", EXAMPLE, MORE_NODES, "--format", "json")
    assert code == 0
    payload = json.loads(out)
    assert payload["regressions"] == [PODS_LINE]
    assert payload["min_runway_months"] == 12
    code, out, _ = run("diff", EXAMPLE, MORE_NODES, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert tuple(rows[0]) == CHANGE_COLUMNS
    assert len(rows) == len(payload["changes"])
    assert [r["regression"] for r in rows if r["regression"]] == [PODS_LINE]


@pytest.mark.parametrize(
    "args, where",
    [
        ([EXAMPLE, "data/missing.yaml"], "data/missing.yaml"),
        (["tests/bad/unknown-vnet.yaml", EXAMPLE], "tests/bad/unknown-vnet.yaml"),
    ],
    ids=["missing-file", "bad-scenario"],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], where: str) -> None:
    code, out, err = run("diff", *args)
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1 and err.startswith("Error: ") and where in err


def test_the_readme_shows_the_real_diff() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### `ipplan diff`", 1)[1].split("\n## ", 1)[0]
    shown = section.split("```text\n", 1)[1].split("```", 1)[0].splitlines()
    code, out, _ = run("diff", EXAMPLE, MORE_NODES, "--fail-on-regression")
    assert code == 1
    real = out.splitlines()
    cut = shown.index("...")
    assert shown[:cut] == real[:cut]
    assert shown[cut + 1 :] == real[len(real) - (len(shown) - cut - 1) :]


def test_an_allocated_subnet_that_lands_elsewhere_is_a_note_not_a_regression() -> None:
    def scenario(subnets: list[dict[str, object]]) -> dict[str, object]:
        return {
            "name": "t",
            "vnets": [{"name": "spoke", "address_space": ["10.20.0.0/16"], "subnets": subnets}],
        }

    old = build_plan(parse_scenario(scenario([{"name": "nodes", "prefix": 24}]), "old"))
    # a /24 ahead of it in the VNet takes the first block, so best fit places nodes after it
    wider = [{"name": "gateway", "cidr": "10.20.0.0/24"}, {"name": "nodes", "prefix": 24}]
    new = build_plan(parse_scenario(scenario(wider), "new"))
    result = diff(old, new)
    assert result.regressions == ()
    assert result.notes == (
        "subnet spoke/nodes moves from 10.20.0.0/24 to 10.20.1.0/24: if it is deployed already, "
        "pin it in NEW with cidr: 10.20.0.0/24 (Azure cannot move a subnet in use)",
    )


@pytest.mark.parametrize("name", ["example", "enterprise", "kubenet-migration"])
def test_the_same_scenario_in_another_file_is_no_change(name: str, tmp_path: Path) -> None:
    # warnings name their file; the diff compares what they say, not where
    copy = tmp_path / f"{name}.yaml"
    copy.write_text((ROOT / "data" / f"{name}.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    code, out, _ = run("diff", f"data/{name}.yaml", str(copy), "--fail-on-regression")
    assert (code, out) == (0, f"no change from data/{name}.yaml to {copy}\n")


def test_an_existing_subnet_left_out_of_new_says_what_new_places_over_it(tmp_path: Path) -> None:
    # the example without its gateway line: the /22 it allocates takes 10.20.0.0, where the
    # deployed gateway (10.20.0.0/27, 9 IPs in use) still is until someone deletes it
    text = (ROOT / EXAMPLE).read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if "name: gateway" in x)
    new = tmp_path / "no-gateway.yaml"
    new.write_text(text.replace(line + "\n", ""), encoding="utf-8")
    code, out, err = run("diff", EXAMPLE, str(new), "--fail-on-regression")
    assert (code, err) == (0, "")  # rule A27 counts a move, not a deletion
    assert (
        "note: existing subnet spoke/gateway (10.20.0.0/27, 9 IPs in use in OLD) is not in NEW: "
        "NEW places spoke/aks-nodes (10.20.0.0/22) over it; if it is still deployed, keep it in "
        "NEW until it is deleted in Azure\n"
    ) in out
    code, out, _ = run("diff", EXAMPLE, str(new), "--format", "json")
    assert json.loads(out)["notes"][-1].startswith("existing subnet spoke/gateway (10.20.0.0/27")
    # an existing subnet NEW keeps is no note, and one left out with nothing over it says so
    base = build_plan(load_scenario(ROOT / EXAMPLE))
    assert diff(base, base).left_out == ()

    def scenario(subnets: list[dict[str, object]]) -> dict[str, object]:
        return {
            "name": "t",
            "vnets": [{"name": "spoke", "address_space": ["10.20.0.0/16"], "subnets": subnets}],
        }

    nodes = {"name": "nodes", "prefix": 24}
    far = {"name": "gw", "cidr": "10.20.9.0/27"}
    old = build_plan(parse_scenario(scenario([far, nodes]), "old"))
    assert diff(old, build_plan(parse_scenario(scenario([nodes]), "new"))).left_out == (
        "existing subnet spoke/gw (10.20.9.0/27, 0 IPs in use in OLD) is not in NEW: if it is "
        "still deployed, keep it in NEW until it is deleted in Azure",
    )
