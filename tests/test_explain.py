"""ipplan explain: every number with its formula, inputs, rule and result (rule A26 links)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from ipplan.cli import app
from ipplan.core.explain import Explanation, Step, explain
from ipplan.core.keys import SubnetKey
from ipplan.core.plan import Plan, build_plan
from ipplan.errors import ScenarioError
from ipplan.rules import Network
from ipplan.scenario import load_scenario

DATA = Path(__file__).parent.parent / "data"
EXAMPLES = sorted(DATA.glob("*.yaml"))
RULES = (Path(__file__).parent.parent / "docs" / "rules.md").read_text(encoding="utf-8")


def _plan(name: str) -> Plan:
    return build_plan(load_scenario(DATA / name))


def _step(e: Explanation, section: str, what: str) -> Step:
    found = [s for sec in e.sections if sec.title == section for s in sec.steps if s.what == what]
    assert len(found) == 1, (section, what)
    return found[0]


def test_example_node_subnet_peak_pool_by_pool() -> None:
    (e,) = explain(_plan("example.yaml"), cluster="example-aks")
    peak = _step(e, "subnet spoke/aks-nodes", "peak IPs of node subnet spoke/aks-nodes")
    assert peak.result == 58
    assert [(i.name, i.value) for i in peak.inputs] == [
        ("example-aks/system node IPs at peak", 4),
        ("example-aks/user node IPs at peak", 54),
    ]
    assert peak.rule == "A3" and peak.link == "docs/rules.md#a3"
    surge = _step(e, "node pool example-aks/user (azure-cni-overlay)", "surge nodes S")
    assert (surge.formula, surge.result) == ("S = min(⌈N · q / 100⌉, N)", 14)
    assert [(i.name, i.value) for i in surge.inputs] == [("N", 40), ("max_surge", "33%")]


def test_example_smallest_prefix_is_the_longest_that_holds_the_peak() -> None:
    (e,) = explain(_plan("example.yaml"), cluster="example-aks")
    smallest = _step(e, "subnet spoke/aks-nodes", "smallest prefix")
    assert smallest.result == "/26"
    assert [(i.name, i.value) for i in smallest.inputs] == [
        ("R (peak IPs)", 58),
        ("usable(/26)", 59),
        ("usable(/27)", 27),
    ]
    assert smallest.rule == "A4"


def test_example_room_to_grow_names_the_limit_and_node_count() -> None:
    (e,) = explain(_plan("example.yaml"), cluster="example-aks")
    section = "cluster example-aks (azure-cni-overlay)"
    room = _step(e, section, "room to grow of cluster example-aks")
    assert room.result == 192 and room.rule == "A18"
    assert [(i.name, i.value) for i in room.inputs] == [
        ("growth pool", "example-aks/user"),
        ("its largest planning nodes", 189),
    ]
    limit = _step(e, section, "limit that binds room to grow")
    assert limit.result == "pod CIDR /16 (256 nodes at one /24 each)"
    assert limit.formula == "at 190 nodes in example-aks/user this limit breaks first"


def test_no_room_is_said_with_the_limit_broken_at_zero_nodes() -> None:
    # enterprise, dev under azure-cni: the system pool alone peaks at 3 + 1 = 4 nodes x (1 + 110)
    # = 444 IPs, over the /26's 59 usable with the user pool at 0: no room (rule A18). It said
    # "= 3 nodes" and "at 1 nodes in dev/user this limit breaks first" before
    (e,) = explain(_plan("enterprise.yaml"), cluster="dev", model=Network.AZURE_CNI)
    limit = "node subnet spoke-dev/dev-nodes (/26, 59 usable IPs)"
    for section, whose in [
        ("cluster dev (azure-cni)", "cluster dev"),
        ("subnet spoke-dev/dev-nodes", "the pools in spoke-dev/dev-nodes"),
    ]:
        room = _step(e, section, f"room to grow of {whose}")
        assert room.result == f"no room: {limit} is exceeded already, with dev/user at 0 nodes"
        assert [(i.name, i.value) for i in room.inputs] == [
            ("growth pool", "dev/user"),
            ("tried at", "0 nodes"),
        ]
        broken = _step(e, section, "limit already broken")
        assert (broken.result, broken.rule) == (limit, "A18")
        assert broken.formula == (
            "at 0 nodes in dev/user this limit is exceeded already: the other pools and "
            "consumers alone break it"
        )
    steps = [s.what for sec in e.sections for s in sec.steps]
    assert "limit that binds room to grow" not in steps


def test_azure_cni_smallest_prefix_and_forecast_under_a_compared_model() -> None:
    (e,) = explain(_plan("example.yaml"), model=Network.AZURE_CNI)
    peak = _step(e, "subnet spoke/aks-nodes", "peak IPs of node subnet spoke/aks-nodes")
    assert peak.result == 4 * 111 + 54 * 111  # M * (1 + P) per pool, P = 110
    assert _step(e, "subnet spoke/aks-nodes", "smallest prefix").result == "/19"
    out = _step(e, "forecast: when it runs out", "node subnet spoke/aks-nodes")
    assert out.result == "short from 2027-01: 6,438 of 1,019 IPs needed then"


def test_kubenet_retirement_runs_out_with_its_date() -> None:
    (e,) = explain(_plan("example.yaml"), model=Network.KUBENET)
    step = _step(
        e, "forecast: when it runs out", "kubenet support (retires 2028-03-31) example-aks"
    )
    assert step.result == "runs out 2028-04 (15 months of runway)"
    assert step.rule == "A21"
    # 2027-01..2028-03, both counted: the same 15 months as the runway (it said 14)
    assert [(i.name, i.value) for i in step.inputs][:2] == [
        ("support ends", "2028-03-31"),
        ("supported months from 2027-01", 15),
    ]


def test_month_grows_the_pools() -> None:
    (e,) = explain(_plan("example.yaml"), month="2028-01")
    assert e.month == "2028-01"
    section = "node pool example-aks/user (azure-cni-overlay)"
    # the inputs are the scenario's (nodes 10, max_nodes 40), never the grown count; the grown
    # N is a derived step of its own: 40 + floor(1 x 12) = 52
    given = _step(e, section, "planning nodes N in 2027-01 (as the scenario says)")
    assert [(i.name, i.value) for i in given.inputs] == [("nodes", 10), ("max_nodes", 40)]
    assert given.result == 40
    grown = _step(e, section, "planning nodes N in 2028-01 (grown)")
    assert grown.formula == "grown N = N + ⌊g · m⌋, g nodes a month, m months"
    assert [(i.name, i.value) for i in grown.inputs] == [
        ("N in 2027-01", 40),
        ("growth", "+1 node a month"),
        ("months m", 12),
    ]
    assert grown.result == 52
    # every later step uses the grown N: surge ceil(33% of 52) = ceil(17.16) = 18
    surge = _step(e, section, "surge nodes S")
    assert ([(i.name, i.value) for i in surge.inputs], surge.result) == (
        [("N", 52), ("max_surge", "33%")],
        18,
    )


def test_month_shows_what_the_scenario_says_for_the_pools_inputs() -> None:
    # enterprise's dev-nodes in 2029-01 (month 24). dev/user says nodes 5, max_nodes 20 and grows
    # 4% a month: ceil(20 x 1.04^24) = ceil(51.27) = 52 (it printed "nodes = 5; max_nodes = 52").
    # dev/system sets no max_nodes and does not grow (it printed "max_nodes = 3")
    (e,) = explain(
        _plan("enterprise.yaml"), subnet=SubnetKey("spoke-dev", "dev-nodes"), month="2029-01"
    )
    user = "node pool dev/user (azure-cni-overlay)"
    given = _step(e, user, "planning nodes N in 2027-01 (as the scenario says)")
    assert ([(i.name, i.value) for i in given.inputs], given.result) == (
        [("nodes", 5), ("max_nodes", 20)],
        20,
    )
    grown = _step(e, user, "planning nodes N in 2029-01 (grown)")
    assert grown.formula == "grown N = ⌈N · (1 + r / 100)^m⌉, r % a month, m months"
    assert ([(i.name, i.value) for i in grown.inputs], grown.result) == (
        [("N in 2027-01", 20), ("growth", "4% a month"), ("months m", 24)],
        52,
    )
    system = _step(e, "node pool dev/system (azure-cni-overlay)", "planning nodes N")
    assert ([(i.name, i.value) for i in system.inputs], system.result) == (
        [("nodes", 3), ("max_nodes", "not set")],
        3,
    )
    steps = [s.what for s in e.sections[0].steps]
    assert not any("grown" in what for what in steps)  # dev/system does not grow
    # the CLI prints the same
    args = ["explain", "data/enterprise.yaml", "--subnet", "spoke-dev/dev-nodes"]
    result = CliRunner().invoke(app, [*args, "--month", "2029-01"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    at = lines.index("node pool dev/user (azure-cni-overlay):")
    assert lines[at + 1 : at + 9] == [
        "  planning nodes N in 2027-01 (as the scenario says) = 20 nodes",
        "      formula: N = max_nodes when set, else nodes",
        "      inputs: nodes = 5; max_nodes = 20",
        "      rule A3: docs/rules.md#a3",
        "  planning nodes N in 2029-01 (grown) = 52 nodes",
        "      formula: grown N = ⌈N · (1 + r / 100)^m⌉, r % a month, m months",
        "      inputs: N in 2027-01 = 20; growth = 4% a month; months m = 24",
        "      rule A3: docs/rules.md#a3",
    ]
    at = lines.index("node pool dev/system (azure-cni-overlay):")
    assert lines[at + 3] == "      inputs: nodes = 3; max_nodes = not set"


def test_subnet_explains_its_own_numbers() -> None:
    (e,) = explain(_plan("example.yaml"), subnet=SubnetKey("spoke", "gateway"))
    assert e.subject == "subnet spoke/gateway"
    peak = _step(e, "subnet spoke/gateway", "peak IPs of other subnet spoke/gateway")
    assert peak.result == 9
    assert _step(e, "subnet spoke/gateway", "usable IPs").result == 27


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
@pytest.mark.parametrize("model", [None, *Network], ids=["own", *map(str, Network)])
def test_explained_numbers_are_the_plans_numbers(path: Path, model: Network | None) -> None:
    """The parts of a sum add up to it, every rule resolves in docs/rules.md, and the results
    are the plan's own numbers (explain never computes one twice)."""
    plan = build_plan(load_scenario(path))
    estimate = plan.estimate if model is None else plan.comparisons.get(model)
    for e in explain(plan, model=model):
        for section in e.sections:
            for step in section.steps:
                assert f'<a id="{step.rule.lower()}"></a>' in RULES
                if step.what.startswith("peak IPs of"):
                    assert step.result == sum(int(i.value) for i in step.inputs)
        if estimate is None:
            continue
        cd = estimate.cluster(e.subject.removeprefix("cluster "))
        title = f"cluster {cd.name} ({cd.network})"
        assert _step(e, title, "peak nodes Σ M").result == cd.peak_nodes
        if cd.room is not None:
            # no room (rule A18) is said in words, never as a count
            want = cd.room.text if cd.room.exceeded else cd.room.nodes
            assert _step(e, title, f"room to grow of cluster {cd.name}").result == want


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"cluster": "nope"}, "--cluster: no cluster 'nope' in .*: use one of example-aks"),
        ({"subnet": SubnetKey("spoke", "x")}, "--subnet: no IPv4 subnet spoke/x in"),
        ({"month": "2031-01"}, "--month: 2031-01 is outside the planning horizon"),
    ],
    ids=["cluster", "subnet", "month"],
)
def test_unknown_names_are_user_errors(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        explain(_plan("example.yaml"), **kwargs)  # type: ignore[arg-type]


def test_cli_text_md_json() -> None:
    runner = CliRunner()
    example = str(DATA / "example.yaml")
    text = runner.invoke(app, ["explain", example, "--subnet", "spoke/aks-nodes"])
    assert text.exit_code == 0, text.output
    assert "  smallest prefix = /26\n" in text.stdout
    assert "      inputs: R (peak IPs) = 58; usable(/26) = 59; usable(/27) = 27\n" in text.stdout
    assert "      rule A4: docs/rules.md#a4\n" in text.stdout
    assert "  surge nodes S = 1 node\n" in text.stdout  # one node, not "1 nodes"
    md = runner.invoke(app, ["explain", example, "--format", "md"])
    assert md.exit_code == 0
    assert (
        "| smallest prefix | /26 | the longest p ≤ /29 with usable(p) = 2^(32 − p) − 5 ≥ R | "
        "R (peak IPs) = 58; usable(/26) = 59; usable(/27) = 27 | [A4](docs/rules.md#a4) |"
    ) in md.stdout
    js = runner.invoke(app, ["explain", example, "--format", "json"])
    assert js.exit_code == 0 and js.stdout.lstrip().startswith("[")


@pytest.mark.parametrize(
    ("args", "stderr"),
    [
        (
            ["--subnet", "aks-nodes"],
            "Error: --subnet: 'aks-nodes' is not VNET/NAME, e.g. spoke/aks-nodes\n",
        ),
        (
            ["--model", "cni"],
            "Error: --network: 'cni' is not a network model: use one of kubenet, "
            "azure-cni, azure-cni-overlay, azure-cni-pod-subnet, azure-cni-pod-subnet-static\n",
        ),
    ],
    ids=["subnet", "model"],
)
def test_cli_bad_options_exit_2_with_one_line(args: list[str], stderr: str) -> None:
    result = CliRunner().invoke(app, ["explain", str(DATA / "example.yaml"), *args])
    assert result.exit_code == 2
    assert result.stderr == stderr


def test_explain_takes_the_model_as_network_as_compare_and_sweep_do() -> None:
    # --network is the option compare and sweep name the model by; --model says the same
    runner = CliRunner()
    by_network = runner.invoke(app, ["explain", "data/example.yaml", "--network", "kubenet"])
    by_model = runner.invoke(app, ["explain", "data/example.yaml", "--model", "kubenet"])
    assert by_network.exit_code == 0 and by_network.stdout == by_model.stdout
    assert by_network.stdout.startswith("cluster example-aks under kubenet, node counts of 2027-01")
