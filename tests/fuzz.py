"""A seeded mutation fuzzer for issue 12's promise: bad input gets exit 2 and one line.

For every case, whatever the input:

* no traceback (exit 1 without a deliberate ``check`` shortfall), and no hang (a time limit);
* exit 2 is exactly one ``Error:`` line on stderr, printable (no newline, control character,
  terminal escape or U+2028 from the input) and at most 1,007 characters;
* every other line printed (``note:``, ``warning:``) is printable too;
* ``validate`` ok means ``plan`` does not crash, and ``import azure`` writes a file that validates;
* a failed ``plan`` leaves the earlier report byte-identical and nothing beside it;
* a ``sweep`` that succeeds agrees with ``compare`` on the rows it is checked on.

Cases: mutants of data/*.yaml (structure and text: values, keys, anchors, nesting, bytes),
mutants of tests/data/azure/*.json, ``compare``/``sweep`` argument sets and output paths.

    python tests/fuzz.py --seed 1 [--scenarios 2000 --azure 600 --args 600 --jobs 2]

``make fuzz`` runs three fresh seeds; tests/test_fuzz.py runs a few dozen cases of each kind.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner

from ipplan.cli import app

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "data").glob("*.yaml"))
AZURE = sorted((ROOT / "tests" / "data" / "azure").glob("*.json"))
#: seconds one command may take before it counts as a hang
TIME_LIMIT = 60
MAX_LINE = 1007  # "Error: " + ipplan.errors.MAX_MESSAGE_CHARS

# ----- hostile values --------------------------------------------------------------------------

HOSTILE_STRINGS = [
    "",
    " ",
    "x" * 100_000,
    "a\nb",
    "a\rb",
    "\x1b[31mred\x1b[0m",
    "\x1b]0;title\x07",
    "line\u2028sep",
    "para\u2029sep",
    "nel\x85x",
    "\u202eevil",
    "\ufeffbom",
    "tab\there",
    "\x00nul",
    "\ud800",
    "٣",
    "²",
    "33 %",
    "1e3",
    "%",
    "-1",
    "9" * 5000,
    "9" * 5000 + "%",
    "2147483648%",
    "10.0.0.0/8",
    "0.0.0.0/0",
    "::/0",
    "fd00::/64",
    "10.0.0.1/24",
    "999.1.1.1/24",
    "10.0.0.0/33",
    "10.0.0.0/" + "9" * 100,
    "yes",
    "null",
    "auto",
    "kubenet",
    "azure-cni",
    "windows",
    "cilium",
    "2027-13",
    "0000-01",
    "9999-12",
]
HOSTILE_NUMBERS: list[Any] = [
    0,
    1,
    -1,
    2,
    29,
    30,
    31,
    110,
    250,
    251,
    399,
    400,
    401,
    999,
    1000,
    1001,
    5000,
    5001,
    2**31 - 1,
    2**31,
    2**32,
    2**53 + 1,
    2**63,
    2**64,
    10**39,
    10**40,
    0.5,
    1.0e20,
    1.0e308,
    -0.0,
    float("inf"),
    float("nan"),
    True,
    False,
    None,
]


def _hostile(rng: random.Random) -> Any:
    pick = rng.random()
    if pick < 0.45:
        return rng.choice(HOSTILE_NUMBERS)
    if pick < 0.85:
        return rng.choice(HOSTILE_STRINGS)
    if pick < 0.92:
        return [rng.choice(HOSTILE_NUMBERS)] * rng.choice([0, 1, 3, 200])
    if pick < 0.96:
        return {rng.choice(HOSTILE_STRINGS)[:20]: rng.choice(HOSTILE_NUMBERS)}
    depth = rng.choice([10, 70, 500])
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


# ----- structure mutations ---------------------------------------------------------------------


def _slots(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Every (path, value) in *data*."""
    yield path, data
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _slots(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _slots(value, (*path, index))


def _set(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return data


GROWTH = [
    {"nodes_per_month": 1.0e20},
    {"percent_per_month": 1000000},
    {"percent_per_month": 1000},
    {"percent_per_month": 100},
    {"percent_per_month": 50},
    {"nodes_per_month": 100000},
    {"nodes_per_month": 27000},
    {"nodes_per_month": 5000},
    {"nodes_per_month": 0.001},
    {"nodes_per_month": 1, "percent_per_month": 1},
    {},
]


#: keys to add: the format's own (so that a field the examples leave out meets hostile values
#: too) and some it does not know
FIELDS = [
    "used_ips",
    "internal_lbs",
    "private_endpoints",
    "private_cluster",
    "max_nodes",
    "max_pods",
    "pods_in_use",
    "pod_subnet",
    "pod_cidr",
    "service_cidr",
    "dns_service_ip",
    "dataplane",
    "os",
    "max_surge",
    "growth",
    "size",
    "prefix",
    "cidr",
    "compare",
    "headroom_pct",
    "warn_at_pct",
    "horizon_months",
    "external",
    "nmae",
    "x" * 300,
    "\x1b",
]


def mutate_data(data: Any, rng: random.Random) -> Any:
    """A structural mutant of *data* (a deep copy): one to three edits."""
    data = copy.deepcopy(data)
    for _ in range(rng.choice([1, 1, 2, 3])):
        slots = list(_slots(data))
        path, value = rng.choice(slots)
        kind = rng.random()
        if kind < 0.45 or not isinstance(value, dict | list):
            data = _set(data, path, _hostile(rng))
        elif kind < 0.6 and isinstance(value, dict) and value:
            del value[rng.choice(list(value))]
        elif kind < 0.7 and isinstance(value, dict):
            value[rng.choice(FIELDS)] = _hostile(rng)
        elif kind < 0.8 and isinstance(value, list) and value:
            value.extend(copy.deepcopy(value[:1]) * rng.choice([1, 10, 150]))
        elif kind < 0.9:
            pools = [v for p, v in slots if p[-1:] == ("node_pools",) and isinstance(v, list)]
            for pool in rng.choice(pools) if pools else []:
                if isinstance(pool, dict):
                    pool["growth"] = dict(rng.choice(GROWTH))
            for _p, v in slots:
                if isinstance(v, dict) and "horizon_months" in v:
                    v["horizon_months"] = rng.choice([1, 36, 120])
        else:
            for _p, v in slots:
                if isinstance(v, dict) and "nodes" in v and rng.random() < 0.5:
                    v["nodes"] = rng.choice([1000, 999, 5000, 0])
                    v["max_nodes"] = rng.choice([1000, None, 10**6])
    return data


# ----- text mutations --------------------------------------------------------------------------


def _laughs(levels: int) -> str:
    lines = ["{x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels):
        lines.append(f"  , x{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]")
    return "\n".join(lines) + "}"


def mutate_text(text: str, rng: random.Random) -> str | bytes:
    """A textual mutant: what no structure edit can spell (anchors, bytes, nesting)."""
    lines = text.splitlines(keepends=True)
    kind = rng.randrange(12)
    at = rng.randrange(len(lines) + 1)
    if kind == 0:
        return text.replace("name: ", "name: " + _laughs(rng.choice([3, 9, 12])) + " #", 1)
    if kind == 1:
        depth = rng.choice([63, 64, 65, 300, 5000, 100_000])
        return text.replace("vnets:", "x: " + "[" * depth + "]" * depth + "\nvnets:", 1)
    if kind == 2:
        return text.replace("nodes: ", "nodes: " + "9" * rng.choice([39, 41, 4400, 5000]), 1)
    if kind == 3:
        return "".join(lines[:at])  # truncated
    if kind == 4:
        raw = bytearray(text.encode("utf-8"))
        for _ in range(rng.choice([1, 5])):
            raw[rng.randrange(len(raw))] = rng.randrange(256)
        return bytes(raw)
    if kind == 5:
        junk = rng.choice(["\t", "---\n", "\x00", "%YAML 1.1\n"])
        return "".join([*lines[:at], junk, *lines[at:]])
    if kind == 6:
        return "\ufeff" + text.replace("\n", "\r\n")
    if kind == 7:
        return text.replace("name: ", "name: &n ", 1) + "\nextra: [*n, *n]\n"
    if kind == 8:
        return text + "\n" + "".join(f"# {'x' * 1000}\n" for _ in range(rng.choice([1, 50])))
    if kind == 9:
        return text.replace("\n", "\n" + " " * rng.choice([1, 2, 3]), 1)
    if kind == 10:
        return text.replace("name: ", "name: !!python/object:os.system ", 1)
    return text.replace(": ", ": &a ", 1).replace("vnets:", "vnets: *a\nv2:", 1)


# ----- running ---------------------------------------------------------------------------------


class Hang(Exception):  # noqa: N818 - what it is
    """A command ran past TIME_LIMIT."""


def _alarm(signum: int, frame: object) -> None:
    raise Hang


@dataclass
class Outcome:
    """What the fuzzer found, by class, with one example command per class."""

    cases: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    seen: Counter[str] = field(default_factory=Counter)  # exit codes per command, for the log

    def fail(self, kind: str, example: str) -> None:
        self.counts[kind] += 1
        self.examples.setdefault(kind, example[:600])

    def merge(self, other: Outcome) -> None:
        self.cases += other.cases
        self.counts.update(other.counts)
        for kind, example in other.examples.items():
            self.examples.setdefault(kind, example)
        self.seen.update(other.seen)


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str
    crash: str | None  # the exception's type and message when it was not an exit


def run(*args: str) -> Result:
    """``ipplan ARGS`` in this process, with a time limit."""
    runner = CliRunner()
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(TIME_LIMIT)
    try:
        result = runner.invoke(app, list(args), catch_exceptions=True)
    except Hang:
        return Result(-1, "", "", "hang")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    crash = None
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        if isinstance(result.exception, Hang):
            return Result(-1, "", "", "hang")
        crash = f"{type(result.exception).__name__}: {str(result.exception)[:200]}"
    return Result(result.exit_code, result.stdout, result.stderr, crash)


def _printable(line: str) -> bool:
    return line.isprintable()


def check(outcome: Outcome, result: Result, what: str, ok: tuple[int, ...] = (0, 2)) -> bool:
    """Record what breaks the promise in *result*; True when it kept it."""
    if result.crash == "hang":
        outcome.fail("hang", what)
        return False
    if result.crash is not None or result.code not in ok:
        crash = result.crash or result.code
        outcome.fail("traceback", f"{what} -> {crash}: {result.stderr[-300:]}")
        return False
    kept = True
    outcome.seen[f"{what.split()[0].strip(chr(39))} exit {result.code}"] += 1
    if result.code == 2:
        lines = result.stderr.split("\n")
        if len(lines) != 2 or lines[1] or not lines[0].startswith("Error: "):
            outcome.fail("multi-line error", f"{what} -> {result.stderr[:300]!r}")
            kept = False
        elif not _printable(lines[0]):
            outcome.fail("unprintable error", f"{what} -> {lines[0][:300]!r}")
            kept = False
        elif len(lines[0]) > MAX_LINE:
            outcome.fail("long error", f"{what} -> {len(lines[0])} characters")
            kept = False
    for line in (result.stdout + result.stderr).splitlines():
        if not _printable(line.replace("\r", "")):
            outcome.fail("unprintable output", f"{what} -> {line[:300]!r}")
            return False
    return kept


def _snapshot(folder: Path) -> dict[str, str]:
    """Every entry under *folder*'s parent: name -> digest, mode or link target."""
    out = {}
    for entry in sorted(folder.parent.rglob("*")):
        name = str(entry.relative_to(folder.parent))
        if entry.is_symlink():
            out[name] = f"-> {os.readlink(entry)}"
        elif entry.is_dir():
            out[name] = f"folder {entry.stat().st_mode:o}"
        else:
            out[name] = hashlib.sha256(entry.read_bytes()).hexdigest()
    return out


class Workspace:
    """A temporary folder with an earlier report that every failed plan must leave alone."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="ipplan-fuzz-"))
        self.reports = self.root / "reports"
        self.reports.mkdir()
        self.report = self.reports / "earlier"
        result = run("plan", str(ROOT / "data" / "example.yaml"), "--out", str(self.report))
        assert result.code == 0, result
        self.before = _snapshot(self.report)

    def plan(self, outcome: Outcome, file: Path, what: str) -> Result:
        result = run("plan", str(file), "--out", str(self.report))
        check(outcome, result, what)
        after = _snapshot(self.report)
        if result.code == 0:
            self.before = after
        elif after != self.before:
            outcome.fail("report changed by a failed run", what)
            self.before = after
        return result


def scenario_case(outcome: Outcome, space: Workspace, rng: random.Random, index: int) -> None:
    """One mutant of a shipped scenario: validate, then plan over an earlier report."""
    source = rng.choice(SCENARIOS)
    text = source.read_text()
    as_json = rng.random() < 0.2
    if rng.random() < 0.6:
        data = mutate_data(yaml.safe_load(text), rng)
        try:
            body: str | bytes = (
                json.dumps(data, allow_nan=True)
                if as_json
                else yaml.safe_dump(data, allow_unicode=rng.random() < 0.5, width=2**20)
            )
        except (ValueError, UnicodeEncodeError, yaml.YAMLError, RecursionError):
            return
    else:
        body = mutate_text(text, rng)
        as_json = False
    file = space.root / f"case{index}.{'json' if as_json else 'yaml'}"
    try:
        file.write_bytes(body if isinstance(body, bytes) else body.encode("utf-8", "surrogatepass"))
    except OSError:
        return
    outcome.cases += 1
    what = f"{source.name} mutant {index} ({file.stat().st_size:,} bytes): {_head(file)}"
    failures = sum(outcome.counts.values())
    checked = run("validate", str(file))
    check(outcome, checked, f"validate {what}")
    planned = space.plan(outcome, file, f"plan {what}")
    if checked.code == 0 and planned.code not in (0, 2):
        outcome.fail("validate ok, plan crashed", what)
    if checked.code == 2 and planned.code == 0:
        outcome.fail("validate refused, plan ok", what)
    _keep(file, failures < sum(outcome.counts.values()))


#: where the input of a failed case is kept, to replay it
FAILURES = Path(tempfile.gettempdir()) / "ipplan-fuzz-failures"


def _keep(file: Path, failed: bool) -> None:
    if failed:
        FAILURES.mkdir(exist_ok=True)
        shutil.copy(file, FAILURES / f"{os.getpid()}-{file.name}")
    file.unlink()


def _head(file: Path) -> str:
    raw = file.read_bytes()
    return repr(raw[:160]) + ("..." if len(raw) > 160 else "")


def _mutate_json(data: Any, rng: random.Random) -> Any:
    data = copy.deepcopy(data)
    slots = list(_slots(data))
    for _ in range(rng.choice([1, 2, 4])):
        path, value = rng.choice(slots)
        if path and path[-1] == "name" or rng.random() < 0.3:
            name = rng.choice(HOSTILE_STRINGS)
            data = _set(data, path, name if rng.random() < 0.8 else f"ok{name}ok")
        elif path and path[-1] in ("count", "maxCount", "minCount", "maxPods"):
            data = _set(data, path, rng.choice(HOSTILE_NUMBERS))
        else:
            data = _set(data, path, _hostile(rng))
        slots = list(_slots(data))
    return data


def azure_case(outcome: Outcome, space: Workspace, rng: random.Random, index: int) -> None:
    """One mutant of an Azure fixture: import it, and the file written must validate."""
    fixture = rng.choice(AZURE)
    data = json.loads(fixture.read_text(encoding="utf-8-sig"))
    mutant = _mutate_json(data, rng)
    if rng.random() < 0.1:
        text = json.dumps(mutant).replace("[", "[" * 70, 1).replace("]", "]" * 70, 1)
    elif rng.random() < 0.1:
        text = json.dumps(mutant).replace('"count": ', '"count": ' + "1" * 5000, 1)
    else:
        text = json.dumps(mutant, ensure_ascii=rng.random() < 0.5)
    file = space.root / f"azure{index}.json"
    file.write_bytes(text.encode("utf-8", "surrogatepass"))
    outcome.cases += 1
    is_cluster = "agentPool" in fixture.read_text() or "aks" in fixture.name
    out = space.root / f"imported{index}.yaml"
    if is_cluster:
        vnets = rng.choice([a for a in AZURE if "vnet" in a.name])
        args = ["import", "azure", "--vnets", str(vnets), "--clusters", str(file), "-o", str(out)]
    else:
        args = ["import", "azure", "--vnets", str(file), "-o", str(out)]
    what = f"import azure {fixture.name} mutant {index}: {_head(file)}"
    failures = sum(outcome.counts.values())
    result = run(*args)
    check(outcome, result, what)
    if result.code == 0:
        validated = run("validate", str(out))
        check(outcome, validated, f"validate imported {what}")
        if validated.code != 0:
            problem = f"{what}: {validated.stderr}"
            outcome.fail("import wrote a file that does not validate", problem)
    elif out.exists():
        outcome.fail("failed import wrote its file", what)
    out.unlink(missing_ok=True)
    _keep(file, failures < sum(outcome.counts.values()))


NODE_ARGS = ["0", "1", "50", "1000", "1000000", "1000001", "-1", "abc", "9" * 5000, "1e3", "", "3"]
NODE_ARGS += ["10:1000:10", "1:199999999", "0:1000000", "5:1", "1:10:0", "1:2:3:4", "1,2,,3"]
POD_ARGS = ["10", "30", "250", "251", "9", "10:250", "10:48", "30,50,110", "x", "0:10:" + "9" * 30]
SURGE_ARGS = ["1", "0", "33%", "100%", "2147483647%", "2147483648", "9" * 5000, "-1", "1 %", "%"]
SURGE_ARGS += ["1,10%,33%", "", "٣", "4294967296%", "999999999999999999"]
NETWORK_ARGS = ["all", "kubenet", "azure-cni", "azure-cni-overlay", "azure-cni-pod-subnet"]
NETWORK_ARGS += ["azure-cni-pod-subnet-static", "calico", "kubenet,azure-cni", "\x1b[31m", ""]
SUBNET_ARGS = ["10.240.0.0/21", "10.0.0.0/2", "10.0.0.0/30", "fd00::/64", "x", "10.0.0.1/24"]


def args_case(outcome: Outcome, space: Workspace, rng: random.Random, index: int) -> None:
    """One compare or sweep argument set; a sweep that succeeds must agree with compare."""
    outcome.cases += 1
    sweep = rng.random() < 0.5
    sane = rng.random() < 0.5  # half the sets stay valid, so that sweep meets compare
    nodes = rng.choice(NODE_ARGS if sweep else NODE_ARGS[:12])
    if sane:
        nodes = rng.choice(["1000", "3", "50"] + (["10:1000:10", "1:5000:7"] if sweep else []))
    args = ["sweep" if sweep else "compare", "--nodes", nodes]
    if rng.random() < 0.7:
        pods = POD_ARGS[:4] if sane else POD_ARGS if sweep else POD_ARGS[:5] + ["x", "-5"]
        args += ["--max-pods", rng.choice(pods)]
    if rng.random() < 0.7:
        surges = ["1", "0", "33%", "100%", "2147483647%", "2147483648", "4294967296%"]
        args += ["--max-surge", rng.choice(surges if sane else SURGE_ARGS)]
    if rng.random() < 0.5:
        args += ["--network", rng.choice(NETWORK_ARGS[:6] if sane else NETWORK_ARGS)]
    if rng.random() < 0.3:
        args += ["--subnet", rng.choice(SUBNET_ARGS)]
    out = space.root / f"sweep{index}.csv"
    if sweep:
        args += ["--out", str(out)]
    elif rng.random() < 0.3:
        args += ["--format", rng.choice(["json", "csv", "table", "xml"])]
    what = " ".join(repr(a) if not a.isprintable() or " " in a else a[:80] for a in args)
    result = run(*args)
    if not check(outcome, result, what) or not sweep or result.code != 0:
        out.unlink(missing_ok=True)
        out.with_suffix(".png").unlink(missing_ok=True)
        return
    rows = out.read_text().splitlines()
    header = rows[0].split(",")
    # the room to grow is the subnet's when one is given: compare is asked about the same one
    subnet = args[args.index("--subnet") :][:2] if "--subnet" in args else []
    for line in rng.sample(rows[1:], min(3, len(rows) - 1)):
        row = dict(zip(header, line.split(","), strict=True))
        if row["max_pods"] in ("",) or int(row["nodes"]) == 0:
            continue
        compared = run(
            "compare",
            "--nodes",
            row["nodes"],
            "--max-pods",
            row["max_pods"],
            "--max-surge",
            row["max_surge"],
            "--network",
            row["network"],
            *subnet,
            "--format",
            "json",
        )
        if compared.code != 0:
            continue
        expected = json.loads(compared.stdout)[0]
        for key in (
            "surge_nodes",
            "peak_nodes",
            "node_subnet_ips",
            "node_subnet_min_prefix",
            "room_nodes",  # rule A18: the sweep's room is compare's
        ):
            if str(expected[key]) != row[key]:
                outcome.fail(
                    "sweep disagrees with compare",
                    f"{what}: row {line}: {key} {row[key]}, compare says {expected[key]}",
                )
                break
    out.unlink(missing_ok=True)
    out.with_suffix(".png").unlink(missing_ok=True)


def path_cases(outcome: Outcome, space: Workspace) -> None:
    """plan --out, sweep --out and import -o at every kind of path, over an earlier report."""
    example = str(ROOT / "data" / "example.yaml")
    vnets = str(ROOT / "tests" / "data" / "azure" / "arm-vnet-get.json")
    root = space.root / "paths"
    root.mkdir()
    (root / "file").write_text("keep me\n")
    (root / "folder").mkdir()
    (root / "folder" / "notes.txt").write_text("keep me\n")
    (root / "link-to-folder").symlink_to(root / "folder")
    (root / "dangling").symlink_to(root / "nowhere")
    (root / "earlier").mkdir()
    first = run("plan", example, "--out", str(root / "earlier"))
    check(outcome, first, "plan into a new folder")
    (root / "report-link").symlink_to(root / "earlier")
    before = _snapshot(root / "file")
    targets = [
        ".",
        "",
        "..",
        "/",
        str(root),
        str(root / "file"),
        str(root / "folder"),
        str(root / "link-to-folder"),
        str(root / "file" / "below"),
        "/dev/null",
        "/dev/full",
        "/proc/self",
        str(root / ("x" * 300)),
        str(root / "a\nb"),
        str(root / "\x1b[31m"),
    ]
    # new names (even odd ones) are fine for all three; a regular file is fine to replace for
    # sweep and import, never for plan (a report is a folder)
    allowed = {str(root / "a\nb"), str(root / "\x1b[31m")}
    for target in targets:
        for args in (
            ["plan", example, "--out", target],
            ["sweep", "--nodes", "10:100:10", "--max-pods", "30", "--out", target],
            ["import", "azure", "--vnets", vnets, "-o", target],
        ):
            outcome.cases += 1
            result = run(*args)
            what = " ".join(map(repr, args))
            check(outcome, result, what)
            fine = target in allowed or (target == str(root / "file") and args[0] != "plan")
            if result.code == 0 and not fine:
                outcome.fail("wrote to a path it must refuse", what)
            if result.code == 2:
                after = _snapshot(root / "file")
                if after != before:
                    changed = sorted(set(after.items()) ^ set(before.items()))[:3]
                    outcome.fail("a refused path changed what was there", f"{what}: {changed}")
            before = _snapshot(root / "file")
    for name in ("a\nb", "\x1b[31m", "a\nb.png", "\x1b[31m.png"):
        path = root / name
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    (root / "file.png").unlink(missing_ok=True)
    for args in (
        ["plan", example, "--out", str(root / "report-link")],
        ["plan", example, "--out", str(root / "dangling")],
        ["plan", example, "--out", str(root / "report-link")],
    ):
        outcome.cases += 1
        result = run(*args)
        check(outcome, result, " ".join(args), ok=(0,))
    if not (root / "report-link").is_symlink() or sorted(p.name for p in root.iterdir()) != sorted(
        ["file", "folder", "link-to-folder", "dangling", "earlier", "report-link", "nowhere"]
    ):
        outcome.fail("symlinked report left something behind", str(sorted(root.iterdir())))


def kill_cases(outcome: Outcome, space: Workspace, rng: random.Random, count: int) -> None:
    """SIGKILL ``ipplan plan`` at a random moment: the earlier report survives (in place, or as
    the .old sibling the next run puts back), and the next run leaves nothing hidden behind."""
    from ipplan.report.pack import report_files

    example = str(ROOT / "data" / "example.yaml")
    folder = space.root / "killed" / "report"
    folder.parent.mkdir()
    assert run("plan", example, "--out", str(folder)).code == 0
    expected = sorted(report_files())
    for _ in range(count):
        outcome.cases += 1
        command = [sys.executable, "-m", "ipplan", "plan", example, "--out", str(folder)]
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 2.0))
        process.kill()
        process.wait()
        olds = list(folder.parent.glob(".report.*.old"))
        survivor = folder if folder.is_dir() else olds[0] if olds else None
        if survivor is None or sorted(p.name for p in survivor.iterdir()) != expected:
            outcome.fail("a kill lost the earlier report", str(sorted(folder.parent.iterdir())))
        again = run("plan", example, "--out", str(folder))
        check(outcome, again, "plan after a kill", ok=(0,))
        left = sorted(p.name for p in folder.parent.iterdir())
        if left != ["report"] or sorted(p.name for p in folder.iterdir()) != expected:
            outcome.fail("the run after a kill left something behind", str(left))


def run_seed(seed: int, scenarios: int, azure: int, args: int, paths: bool = True) -> Outcome:
    """Every case of one seed, in this process."""
    rng = random.Random(seed)
    outcome = Outcome()
    space = Workspace()
    kinds: list[tuple[int, Callable[[Outcome, Workspace, random.Random, int], None]]] = [
        (scenarios, scenario_case),
        (azure, azure_case),
        (args, args_case),
    ]
    for count, case in kinds:
        for index in range(count):
            case(outcome, space, rng, index)
    if paths:
        path_cases(outcome, space)
        kill_cases(outcome, space, rng, 5)
    return outcome


def _spawn(spec: tuple[int, int, int, int, bool]) -> subprocess.Popen[str]:
    """A worker process for one share of the cases (multiprocessing's are daemons, and a plan
    renders its charts in processes of its own)."""
    worker = ",".join(str(int(v)) for v in spec)
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", worker]
    return subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)


def _collect(process: subprocess.Popen[str]) -> Outcome:
    stdout, _ = process.communicate()
    data = json.loads(stdout.strip().splitlines()[-1])
    return Outcome(data["cases"], Counter(data["counts"]), data["examples"], Counter(data["seen"]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, action="append", help="repeatable; default: 3 fresh")
    parser.add_argument("--scenarios", type=int, default=2000)
    parser.add_argument("--azure", type=int, default=600)
    parser.add_argument("--args", type=int, default=600)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.worker:
        seed, scenarios, azure, args, paths = (int(v) for v in options.worker.split(","))
        outcome = run_seed(seed, scenarios, azure, args, bool(paths))
        print(json.dumps(vars(outcome)))
        return 0
    seeds = options.seed or [random.SystemRandom().randrange(2**32) for _ in range(3)]
    failed = False
    for seed in seeds:
        started = time.perf_counter()
        jobs = max(1, options.jobs)
        # each job takes a share of the cases under its own sub-seed (seed * 1000 + job)
        specs = [
            (
                seed * 1000 + j,
                options.scenarios // jobs + (j < options.scenarios % jobs),
                options.azure // jobs + (j < options.azure % jobs),
                options.args // jobs + (j < options.args % jobs),
                j == 0,
            )
            for j in range(jobs)
        ]
        parts = [_collect(process) for process in [_spawn(spec) for spec in specs]]
        outcome = Outcome()
        for part in parts:
            outcome.merge(part)
        seconds = time.perf_counter() - started
        print(
            f"seed {seed}: exits: {', '.join(f'{k} {n}' for k, n in sorted(outcome.seen.items()))}"
        )
        print(f"seed {seed}: {outcome.cases:,} cases in {seconds:.0f} s: ", end="")
        if not outcome.counts:
            print(
                "0 tracebacks, 0 hangs, 0 multi-line errors, 0 plan crashes after validate, "
                "0 changed reports"
            )
        else:
            failed = True
            print(", ".join(f"{n} {kind}" for kind, n in sorted(outcome.counts.items())))
            for kind, example in sorted(outcome.examples.items()):
                print(f"  {kind}: {example}")
            print(f"  the failing inputs are in {FAILURES}/")
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
