"""The loaders' bounds (ipplan/scenario/bounds.py): size, depth, digits, aliases (issue 12)."""

from __future__ import annotations

import datetime
import json
import time
from pathlib import Path

import pytest
import yaml

from ipplan.errors import ScenarioError
from ipplan.importers.azure import import_azure
from ipplan.scenario import load_scenario
from ipplan.scenario.bounds import (
    MAX_DEPTH,
    json_load_bounded,
    read_text_bounded,
    yaml_load_bounded,
)

EXAMPLE = Path(__file__).parent.parent / "data" / "example.yaml"


def _laughs(levels: int = 10) -> str:
    """The "billion laughs": 9^levels values from a few hundred bytes, under name:."""
    lines = ["name: {x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels):
        refs = ", ".join([f"*a{i - 1}"] * 9)
        lines.append(f"  , x{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "}\nvnets: []\n"


def test_a_billion_laughs_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "laughs.yaml"
    path.write_text(_laughs())
    started = time.perf_counter()
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert time.perf_counter() - started < 5
    assert str(err.value) == (
        f"{path}: line 7: the document expands to more than 1,000,000 values; aliases (*name) "
        "repeat what their anchors (&name) hold; use fewer"
    )


def test_an_alias_inside_its_own_anchor_is_refused() -> None:
    with pytest.raises(ScenarioError, match=r"t.yaml: line 1: an alias repeats the value that"):
        yaml_load_bounded("name: &a [*a]\n", "t.yaml", yaml.SafeLoader)


def test_ordinary_anchors_and_merge_keys_still_load() -> None:
    text = "base: &b {nodes: 3, max_pods: 30}\npools:\n  - {<<: *b, name: a}\n  - *b\n"
    assert yaml_load_bounded(text, "t.yaml", yaml.SafeLoader) == {
        "base": {"nodes": 3, "max_pods": 30},
        "pools": [{"nodes": 3, "max_pods": 30, "name": "a"}, {"nodes": 3, "max_pods": 30}],
    }


def test_an_alias_chain_deeper_than_the_bound_is_refused() -> None:
    lines = ["a0: &a0 [x]"] + [f"a{i}: &a{i} [*a{i - 1}]" for i in range(1, MAX_DEPTH + 2)]
    with pytest.raises(ScenarioError, match=r"nested more than 64 deep"):
        yaml_load_bounded("\n".join(lines), "t.yaml", yaml.SafeLoader)


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 5000, 200_000], ids=["65", "5000", "200000"])
def test_deep_yaml_is_one_line_not_a_recursion_error(tmp_path: Path, depth: int) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("name: x\nvnets: " + "[" * depth + "]" * depth + "\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert str(err.value) == (
        f"{path}: line 2: lists and mappings nested more than 64 deep; a scenario needs about 6 "
        "levels, so check the brackets and indentation there"
    )


def test_yaml_at_the_depth_bound_loads() -> None:
    text = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    value = yaml_load_bounded(text, "t.yaml", yaml.SafeLoader)
    for _ in range(MAX_DEPTH - 1):
        value = value[0]
    assert value == []


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 100_000], ids=["65", "100000"])
def test_deep_json_is_one_line(tmp_path: Path, depth: int) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"name": "x", "vnets": ' + "[" * depth + "]" * depth + "}")
    with pytest.raises(ScenarioError, match=r"deep.json: line 1: lists and mappings nested"):
        load_scenario(path)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("[" * 900 + "]" * 900, 1),  # json parses it: too deep after the parse
        ('{"a": 1,\n "b": ' + "[" * 70 + '\n"c": }', 2),  # and then a syntax error
        ('{"a": 1,\n "a": ' + "[" * 70 + "]" * 70 + "}", 2),  # and a duplicate key
    ],
    ids=["parsed", "bad-syntax", "duplicate"],
)
def test_json_nesting_is_the_problem_told_first(text: str, line: int) -> None:
    def unique(pairs: list[tuple[str, object]]) -> dict[str, object]:
        if len({key for key, _ in pairs}) < len(pairs):
            raise ValueError("duplicate key")
        return dict(pairs)

    with pytest.raises(ScenarioError) as err:
        json_load_bounded(text, "t.json", object_pairs_hook=unique)
    assert str(err.value) == (
        f"t.json: line {line}: lists and mappings nested more than 64 deep; a scenario needs "
        "about 6 levels, so check the brackets and indentation there"
    )


def test_json_at_the_depth_bound_loads() -> None:
    value = json_load_bounded("[" * MAX_DEPTH + "]" * MAX_DEPTH, "t.json")
    for _ in range(MAX_DEPTH - 1):
        value = value[0]
    assert value == []


def test_json_brackets_inside_strings_do_not_count() -> None:
    text = json.dumps({"name": "[" * 500 + "{" * 500})
    assert json_load_bounded(text, "t.json") == {"name": "[" * 500 + "{" * 500}


def test_a_long_yaml_integer_names_its_field(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(EXAMPLE.read_text().replace("nodes: 10\n", "nodes: " + "9" * 5000 + "\n"))
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert str(err.value) == (
        f"{path}: line 26 (clusters[0].node_pools[1].nodes): 999999999999... is a whole number "
        "of 5,000 characters, above ipplan's bound of 40; no count in a scenario needs more "
        "(2^128 has 39 digits)"
    )


def test_a_long_json_integer_names_its_field(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_text('{"name": "x",\n "vnets": [{"name": "v", "used": 1' + "0" * 5000 + "}]}")
    with pytest.raises(ScenarioError, match=r"big.json: line 2 \(vnets\[0\]\.used\): 100000"):
        load_scenario(path)


def test_a_40_character_integer_still_loads() -> None:
    assert yaml_load_bounded("n: " + "9" * 40, "t.yaml", yaml.SafeLoader) == {"n": int("9" * 40)}
    assert json_load_bounded('{"n": ' + "9" * 40 + "}", "t.json") == {"n": int("9" * 40)}


def test_a_file_beyond_the_size_bound_is_refused_after_reading_only_the_bound() -> None:
    with pytest.raises(ScenarioError) as err:
        read_text_bounded(Path("/dev/zero"), "/dev/zero", limit=1024 * 1024)
    assert str(err.value) == (
        "/dev/zero: is larger than 1 MiB, the most ipplan reads from one file; split it into "
        "smaller files"
    )


def test_a_character_device_scenario_is_one_line() -> None:
    with pytest.raises(ScenarioError, match=r"^/dev/zero: is larger than 16 MiB"):
        load_scenario("/dev/zero")


def test_azure_count_with_5000_digits_is_one_line() -> None:
    cluster = {
        "name": "aks",
        "type": "Microsoft.ContainerService/managedClusters",
        "agentPoolProfiles": [{"name": "p", "count": 10**80}],
    }
    text = json.dumps(cluster).replace(str(10**80), "1" + "0" * 5000)
    vnet = '{"name": "hub", "addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}'
    with pytest.raises(ScenarioError) as err:
        import_azure([("v.json", vnet)], [("c.json", text)], start="2027-01")
    assert str(err.value) == (
        "c.json: line 1 (agentPoolProfiles[0].count): 100000000000... is a whole number of "
        "5,001 characters, above ipplan's bound of 40; no count in a scenario needs more "
        "(2^128 has 39 digits)"
    )


# ----- the one-pass build of a plain document, and what it leaves to PyYAML


def _both(text: str) -> list[object]:
    """*text* loaded on the pure and, when PyYAML has it, the C loader."""
    loaders = [yaml.SafeLoader] + ([yaml.CSafeLoader] if yaml.__with_libyaml__ else [])
    return [yaml_load_bounded(text, "t.yaml", loader) for loader in loaders]


def test_yaml_1_1_scalars_read_as_pyyaml_reads_them() -> None:
    text = (
        "a: yes\nb: Off\nc: ~\nd: 0x1F\ne: 017\nf: 1_000\ng: 1:30\nh: .inf\ni: 1e3\n"
        "j: '1'\nk: 10.0.0.0/24\nl: 2027-01\nm: -7\nn: 1.5\no:\n"
    )
    expected = {
        "a": True, "b": False, "c": None, "d": 31, "e": 15, "f": 1000, "g": 90,
        "h": float("inf"), "i": "1e3", "j": "1", "k": "10.0.0.0/24", "l": "2027-01", "m": -7,
        "n": 1.5, "o": None,
    }  # fmt: skip
    for value in _both(text):
        assert value == expected
        assert [type(v) for v in value.values()] == [type(v) for v in expected.values()]  # type: ignore[attr-defined]


def test_what_the_one_pass_build_leaves_to_pyyaml_still_loads() -> None:
    text = "when: 2027-01-15\nbase: &b {x: 1}\nmerged: {<<: *b, y: 2}\ntagged: !!str 12\n"
    for value in _both(text):
        assert value == {
            "when": datetime.date(2027, 1, 15),
            "base": {"x": 1},
            "merged": {"x": 1, "y": 2},
            "tagged": "12",
        }


def test_an_alias_is_the_value_of_its_anchor() -> None:
    for value in _both("a: &x [1, {b: c}]\nd: [*x, *x]\n"):
        assert value == {"a": [1, {"b": "c"}], "d": [[1, {"b": "c"}], [1, {"b": "c"}]]}
        assert value["d"][0] is value["a"] and value["d"][1] is value["a"]  # type: ignore[index]


@pytest.mark.parametrize("inner", ["x", ""], ids=["with-a-value", "empty"])
def test_an_alias_that_nests_past_the_bound_is_refused(inner: str) -> None:
    anchor = "[" * (MAX_DEPTH - 1) + "[x]" + "]" * (MAX_DEPTH - 1) if inner else "[[]]"
    depth = 0 if inner else MAX_DEPTH - 1
    text = f"a: &a {anchor}\nb: {'[' * depth}*a{']' * depth}\n"
    for loader in (yaml.SafeLoader, yaml.CSafeLoader):
        with pytest.raises(ScenarioError, match=r"^t.yaml: line \d+: lists and mappings nested"):
            yaml_load_bounded(text, "t.yaml", loader)


def test_a_repeated_key_still_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text("name: a\nvnets:\n  - {name: v, address_space: [10.0.0.0/16]}\nname: b\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert str(err.value) == f"{path}: line 4: duplicate key 'name'; keep one"


def test_keys_that_read_as_the_same_value_keep_the_last_as_pyyaml_does() -> None:
    for value in _both("1: a\n01: b\n0x1: c\n"):  # three spellings of 1, none repeated
        assert value == {1: "c"}
