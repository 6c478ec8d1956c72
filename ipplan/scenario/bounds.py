"""What a loaded file may hold, checked before anything is built from it.

A scenario (YAML or JSON) and an Azure export (JSON) are read through these functions, so that a
hostile or broken file is one ``ScenarioError`` line, never a hang, a traceback or gigabytes of
memory: its size is read no further than the bound, its nesting depth and its whole numbers'
digits are checked before the parser recurses or converts them, and YAML aliases are counted as
the values they expand to (a 500-byte "billion laughs" file would otherwise be a billion values).

Every bound is far above what a real file needs: the shipped examples nest 6 levels, an Azure
export about 12; the largest whole number a scenario can mean is an IPv6 address count (2^128,
39 digits).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ipplan.core.capacity import NodePool, planning_nodes
from ipplan.core.growth import grown_nodes
from ipplan.errors import FieldPath, ScenarioError

if TYPE_CHECKING:
    import yaml

__all__ = [
    "MAX_AZURE_BYTES",
    "MAX_DEPTH",
    "MAX_INT_CHARS",
    "MAX_NODES_PER_MONTH",
    "MAX_PERCENT_PER_MONTH",
    "MAX_PLANNED_NODES",
    "MAX_RUNWAY_MONTHS",
    "MAX_SCENARIO_BYTES",
    "MAX_START_YEAR",
    "MAX_VALUES",
    "MIN_START_YEAR",
    "check_planned_nodes",
    "json_load_bounded",
    "read_text_bounded",
    "month_problem",
    "start_problem",
    "yaml_load_bounded",
]

#: largest scenario file: a generated estate of thousands of subnets is well under 1 MiB
MAX_SCENARIO_BYTES = 16 * 1024 * 1024
#: largest Azure export file (``az network vnet list`` of a large estate, NIC IDs and all)
MAX_AZURE_BYTES = 256 * 1024 * 1024
#: deepest nesting of lists and mappings (a scenario needs 6, Azure's JSON about 12)
MAX_DEPTH = 64
#: longest whole number, in characters (sign and YAML's 0x/0o/_ forms included)
MAX_INT_CHARS = 40
#: most values (scalars, lists, mappings) a YAML document may expand to, aliases counted out
MAX_VALUES = 1_000_000

_INT_TAG = "tag:yaml.org,2002:int"


def _size(count: int) -> str:
    return f"{count / 1024 / 1024:,.0f} MiB"


def read_text_bounded(
    path: Path, source: str, limit: int = MAX_SCENARIO_BYTES, encoding: str = "utf-8"
) -> str:
    """The text of *path*, refused when it holds more than *limit* bytes.

    Reads at most ``limit + 1`` bytes, so ``/dev/zero`` or a runaway pipe costs no more than the
    bound. Raises what ``Path.read_text`` raises (OSError, UnicodeDecodeError) for the caller to
    word, and:

    Raises:
        ScenarioError: the file is larger than *limit*.
    """
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ScenarioError(
            f"{source}: is larger than {_size(limit)}, the most ipplan reads from one file; "
            "split it into smaller files"
        )
    return data.decode(encoding)


def _line(text: str, index: int) -> int:
    return text.count("\n", 0, max(index, 0)) + 1


def _too_deep(source: str, line: int) -> ScenarioError:
    return ScenarioError(
        f"{source}: line {line}: lists and mappings nested more than {MAX_DEPTH} deep; "
        "a scenario needs about 6 levels, so check the brackets and indentation there"
    )


def _too_long_int(source: str, where: str, text: str) -> ScenarioError:
    return ScenarioError(
        f"{source}: {where}: {text[:12]}... is a whole number of {len(text):,} characters, "
        f"above ipplan's bound of {MAX_INT_CHARS}; no count in a scenario needs more "
        "(2^128 has 39 digits)"
    )


def _join(path: str, key: object) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    shown = str(key) if len(str(key)) <= 40 else str(key)[:37] + "..."
    return f"{path}.{shown}" if path else shown


def yaml_load_bounded(text: str, source: str, loader: type[yaml.SafeLoader]) -> Any:
    """``yaml.load(text, Loader=loader)``, refusing what would hang or exhaust the loader.

    Before PyYAML builds (recursively) a node tree, one pass over its events checks the nesting
    depth; before any Python value is built, the node tree is measured as it expands (an alias
    counts as the whole value it repeats, and an alias inside its own anchor is refused), and
    whole numbers longer than MAX_INT_CHARS are refused.

    >>> import yaml
    >>> yaml_load_bounded("a: &x [1, 2]\\nb: *x\\n", "t.yaml", yaml.SafeLoader)
    {'a': [1, 2], 'b': [1, 2]}

    A plain document (no tags, merge keys, repeated keys or anchors used before they end),
    which is what a scenario is, is built in that one pass over its events instead (about three
    times faster on a large estate); every other one, or one past a bound, is left to the
    passes above, so that what it gives, or the message it raises, is theirs.

    Raises:
        ScenarioError: a bound is exceeded. PyYAML's own errors (yaml.YAMLError) pass through.
    """
    import yaml  # here, not at the top: ``ipplan compare`` reads no file and skips PyYAML

    try:
        return _build_plain(text, loader)
    except _NotPlain:
        pass
    depth = 0
    aliases = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                raise _too_deep(source, 0 if mark is None else mark.line + 1)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
    instance = loader(text)
    try:
        node = instance.get_single_node()
        if node is None:
            return None
        _measure(node, source, aliases > 0)
        return instance.construct_document(node)
    finally:
        instance.dispose()


class _NotPlain(Exception):
    """A document that the one-pass build leaves to PyYAML's composer and constructor."""


#: the tags of the scalars the one-pass build constructs; anything else is left to PyYAML
_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null")
)
_STR_TAG = "tag:yaml.org,2002:str"


class _Open:
    """A list or mapping whose end event is still to come."""

    __slots__ = ("anchor", "height", "is_map", "key", "keys", "start", "value")

    def __init__(self, is_map: bool, anchor: str | None, start: int) -> None:
        self.is_map = is_map
        self.value: Any = {} if is_map else []
        self.anchor = anchor
        self.start = start  # the values counted before it, itself included
        self.height = 1  # lists and mappings, itself included, down to its deepest value
        self.keys: set[str] = set()  # a mapping's keys as written
        self.key: Any = _NO_KEY  # a mapping's key whose value comes next


_NO_KEY = object()


def _build_plain(text: str, loader: type[yaml.SafeLoader]) -> Any:
    """What *loader* would construct from *text*, built from its parse events in one pass.

    Only plain scalars (str, int, float, bool, null), lists and mappings are built, within the
    bounds; an alias gives the very value of its anchor, as PyYAML's constructor does.

    Raises:
        _NotPlain: anything else: a tag, a merge key, a key repeated or not a scalar, an
            alias before its anchor ends, a second document or a bound passed.
        yaml.YAMLError: the parser's, which the passes above would meet at the same event
            (they stop at the same nesting), so it is theirs: a broken file is parsed once.
    """
    import yaml

    if loader.yaml_path_resolvers:
        raise _NotPlain
    helper = loader("")  # its resolver and constructors, which read nothing from the stream
    try:
        return _build_events(yaml.parse(text, Loader=loader), helper)
    finally:
        helper.dispose()


def _build_events(events: Iterator[Any], helper: yaml.SafeLoader) -> Any:
    import yaml

    constructors = helper.yaml_constructors
    tags: dict[tuple[str, tuple[bool, bool]], str] = {}  # what the resolver said of a scalar
    anchors: dict[str, tuple[Any, int, int]] = {}  # anchor -> (value, values, height)
    open_anchors: set[str] = set()
    stack: list[_Open] = []
    values = 0
    documents = 0
    root: Any = None
    for event in events:
        kind = type(event)
        height = 0
        if kind is yaml.ScalarEvent:
            tag = event.tag
            if tag is None or tag == "!":
                implicit = event.implicit
                tag = tags.get((event.value, implicit))
                if tag is None:
                    tag = helper.resolve(yaml.ScalarNode, event.value, implicit)  # type: ignore[no-untyped-call]
                    tags[(event.value, implicit)] = tag
            if tag == _STR_TAG:
                value = event.value
            elif tag not in _PLAIN_TAGS or tag == _INT_TAG and len(event.value) > MAX_INT_CHARS:
                raise _NotPlain
            else:
                node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark)
                try:
                    value = constructors[tag](helper, node)
                except yaml.YAMLError:
                    raise _NotPlain from None  # told after the whole parse, as PyYAML does
            values += 1
            if event.anchor is not None:
                if event.anchor in anchors or event.anchor in open_anchors:
                    raise _NotPlain
                anchors[event.anchor] = (value, 1, 0)
            if stack and stack[-1].is_map and stack[-1].key is _NO_KEY:
                top = stack[-1]
                if event.value in top.keys:
                    raise _NotPlain  # a repeated key: PyYAML keeps the last, ipplan refuses it
                top.keys.add(event.value)
                top.key = value
                continue
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            if event.tag not in (None, "!") or len(stack) >= MAX_DEPTH:
                raise _NotPlain
            anchor = event.anchor
            if anchor is not None:
                if anchor in anchors or anchor in open_anchors:
                    raise _NotPlain
                open_anchors.add(anchor)
            if stack and stack[-1].is_map and stack[-1].key is _NO_KEY:
                raise _NotPlain  # a list or mapping as a key
            values += 1
            stack.append(_Open(kind is yaml.MappingStartEvent, anchor, values))
            continue
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            done = stack.pop()
            value, height = done.value, done.height
            if done.anchor is not None:
                open_anchors.discard(done.anchor)
                anchors[done.anchor] = (value, values - done.start + 1, height)
        elif kind is yaml.AliasEvent:
            if event.anchor not in anchors:
                raise _NotPlain  # undefined, or inside its own anchor
            value, size, height = anchors[event.anchor]
            values += size
            if values > MAX_VALUES or len(stack) + height > MAX_DEPTH:
                raise _NotPlain
            if stack and stack[-1].is_map and stack[-1].key is _NO_KEY:
                raise _NotPlain  # an alias as a key
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _NotPlain
            continue
        else:  # the stream's start and end, a document's end
            continue
        if not stack:
            root = value
            continue
        top = stack[-1]
        if top.is_map:
            top.value[top.key] = value
            top.key = _NO_KEY
        else:
            top.value.append(value)
        if height + 1 > top.height:
            top.height = height + 1
    if values > MAX_VALUES:
        raise _NotPlain
    return root


def _measure(root: yaml.Node, source: str, aliased: bool) -> None:
    """Refuse a node tree that expands past MAX_VALUES values or MAX_DEPTH levels."""
    import yaml

    sizes: dict[int, tuple[int, int]] = {}  # id(node) -> (values, height) of what it expands to
    open_nodes: set[int] = set()

    def visit(node: yaml.Node, depth: int, path: str) -> tuple[int, int]:
        key = id(node)
        if key in sizes:
            values, height = sizes[key]
        elif key in open_nodes:
            raise ScenarioError(
                f"{source}: line {node.start_mark.line + 1}: an alias repeats the value that "
                "holds it, so it never ends; remove the alias"
            )
        elif isinstance(node, yaml.ScalarNode):
            if node.tag == _INT_TAG and len(node.value) > MAX_INT_CHARS:
                where = f"line {node.start_mark.line + 1}" + (f" ({path})" if path else "")
                raise _too_long_int(source, where, node.value)
            values, height = 1, 0
        else:
            if depth >= MAX_DEPTH:
                raise _too_deep(source, node.start_mark.line + 1)
            children = (
                [
                    (item, _join(path, k.value if isinstance(k, yaml.ScalarNode) else "?"))
                    for k, v in node.value
                    for item in (k, v)
                ]
                if isinstance(node, yaml.MappingNode)
                else [(item, _join(path, i)) for i, item in enumerate(node.value)]
            )
            open_nodes.add(key)
            values, height = 1, 0
            for child, child_path in children:
                child_values, child_height = visit(child, depth + 1, child_path)
                values += child_values
                height = max(height, child_height + 1)
            open_nodes.discard(key)
            sizes[key] = values, height
        if depth + height > MAX_DEPTH:
            raise _too_deep(source, node.start_mark.line + 1)
        if values > MAX_VALUES:
            how = (
                "aliases (*name) repeat what their anchors (&name) hold; use fewer"
                if aliased
                else "split it into smaller scenarios"
            )
            raise ScenarioError(
                f"{source}: line {node.start_mark.line + 1}: the document expands to more than "
                f"{MAX_VALUES:,} values; {how}"
            )
        return values, height

    visit(root, 0, "")


#: a JSON string (skipped) or a bracket (counted)
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _json_depth_check(text: str, source: str) -> None:
    """Refuse *text* when its brackets nest deeper than MAX_DEPTH, naming the line."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return
    depth = 0
    for match in _JSON_TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise _too_deep(source, _line(text, match.start()))
        elif token in "]}":
            depth -= 1


def json_load_bounded(
    text: str,
    source: str,
    object_pairs_hook: Callable[[list[tuple[str, Any]]], Any] | None = None,
) -> Any:
    """``json.loads(text)``, refusing nesting deeper than MAX_DEPTH and long whole numbers.

    >>> json_load_bounded('{"nodes": 3}', "t.json")
    {'nodes': 3}

    Raises:
        ScenarioError: a bound is exceeded. json's own errors (ValueError) pass through.
    """
    import json  # here: validating a scenario (ipplan compare's) reads no JSON text

    long_ints: list[_LongInt] = []

    def parse_int(digits: str) -> int | _LongInt:
        if len(digits) > MAX_INT_CHARS:
            long_ints.append(_LongInt(digits))
            return long_ints[-1]
        return int(digits)

    # json's C parser is ten times faster than a scan of the text's brackets, and safe on deep
    # nesting (it stops at the recursion limit), so the text is scanned only to word a
    # problem: nesting comes before any other, as when the scan came first
    try:
        data = json.loads(text, object_pairs_hook=object_pairs_hook, parse_int=parse_int)
    except (ValueError, RecursionError):
        _json_depth_check(text, source)
        raise
    if _nested_deeper(data, MAX_DEPTH):
        _json_depth_check(text, source)
        raise RuntimeError(f"bug: {source} nests deeper than {MAX_DEPTH}, but its scan passed")
    if long_ints:
        path = _find(data, long_ints[0], "")
        line = f"line {_line(text, text.find(long_ints[0].digits))}"
        raise _too_long_int(source, f"{line} ({path})" if path else line, long_ints[0].digits)
    return data


def _nested_deeper(data: Any, limit: int) -> bool:
    """Whether *data*'s lists and dicts nest more than *limit* deep (one level at a time)."""
    level = [data]  # the values at one depth: the top one, then its children, ...
    for _ in range(limit):
        level = [
            child
            for item in level
            if isinstance(item, (dict, list))
            for child in (item.values() if isinstance(item, dict) else item)
        ]
        if not level:
            return False
    return any(isinstance(item, (dict, list)) for item in level)


class _LongInt:
    """A JSON whole number too long to convert: kept as text until its path is known."""

    def __init__(self, digits: str) -> None:
        self.digits = digits


def _find(data: Any, target: _LongInt, path: str) -> str | None:
    """The path of *target* in *data* (nested at most MAX_DEPTH deep, so recursion is safe)."""
    if data is target:
        return path
    items = (
        data.items()
        if isinstance(data, dict)
        else enumerate(data)
        if isinstance(data, list)
        else ()
    )
    for key, value in items:
        found = _find(value, target, _join(path, key))
        if found is not None:
            return found
    return None


# ----- how far a scenario may grow

#: most planning nodes a scenario may reach at the horizon's end, all pools together: 200 times
#: AKS's 5,000 per cluster, so a growth that leaves every AKS limit behind is still a plan in
#: which everything runs out, while every IP count stays below 2^32 (2 x 10^6 peak nodes x 267
#: IPs) and so every prefix length stays a real one
MAX_PLANNED_NODES = 1_000_000
#: the longest runway ``check`` and ``diff`` ask for (``--min-runway-months``): a century, ten
#: times the format's longest horizon. Their forecast runs that many months, and its cost grows
#: with them (every month evaluates every cluster under every model)
MAX_RUNWAY_MONTHS = 1200
#: the years a plan may start in (planning.start, import azure --start): AKS is from 2018, so
#: 2000 leaves room for a back-dated what-if; 2100, plus a check's or diff's century of runway,
#: keeps every month a forecast reaches a real YYYY-MM (9999-12 ran into 10000-01; year 0000
#: is in no calendar)
MIN_START_YEAR, MAX_START_YEAR = 2000, 2100


def month_problem(text: str) -> str | None:
    """``is not a month ...`` when *text* is not a month written YYYY-MM, else None.

    >>> month_problem("2027-01") is None, month_problem("202701")
    (True, 'is not a month; write YYYY-MM, such as 2027-01')
    """
    if not re.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])", text):
        return "is not a month; write YYYY-MM, such as 2027-01"
    return None


def start_problem(start: str) -> str | None:
    """What is wrong with *start* as a plan's first month, or None: the one check of the
    scenario's planning.start and of ``import azure --start``.

    >>> start_problem("2027-01") is None, start_problem("2027-13")
    (True, 'is not a month; write YYYY-MM, such as 2027-01')
    >>> start_problem("9999-12")[:50]
    'is after 2100-12 (ipplan plans from 2000-01 to 210'
    """
    if problem := month_problem(start):
        return problem
    year = int(start[:4])
    if MIN_START_YEAR <= year <= MAX_START_YEAR:
        return None
    side = f"before {MIN_START_YEAR}-01" if year < MIN_START_YEAR else f"after {MAX_START_YEAR}-12"
    return (
        f"is {side} (ipplan plans from {MIN_START_YEAR}-01 to {MAX_START_YEAR}-12); give a "
        "month such as 2027-01"
    )


#: the steepest growth rates the format takes: a pool cannot plausibly add more
MAX_NODES_PER_MONTH = 100_000
MAX_PERCENT_PER_MONTH = 1000


def check_planned_nodes(
    pools: Sequence[tuple[FieldPath, NodePool]], horizon_months: int, end: str
) -> tuple[FieldPath, str] | None:
    """``(path, message)`` for the first pool at which the scenario's planning nodes at the
    horizon's end pass MAX_PLANNED_NODES, else None.

    Args:
        pools: each pool with its field path (``clusters[0].node_pools[1]``), in file order.
        horizon_months: the forecast's last month; growth never shrinks a pool, so that month
            holds the most nodes.
        end: the last month's label, for the message.

    >>> from ipplan.core.capacity import Growth
    >>> pool = NodePool("p", 10, "s", growth=Growth(percent_per_month=1000))
    >>> where = FieldPath(["clusters", 0, "node_pools", 0])
    >>> check_planned_nodes([(where, pool)], 12, "2027-12")[1][:44]
    'growth {percent_per_month: 1000} takes the s'
    """
    total = 0
    for path, pool in pools:
        grown = grown_nodes(planning_nodes(pool), pool.growth, horizon_months)
        total += grown
        if total <= MAX_PLANNED_NODES:
            continue
        growth = pool.growth
        if growth is not None and grown > planning_nodes(pool):
            rates = {"nodes_per_month": growth.nodes_per_month}
            rates = rates if growth.nodes_per_month else {}
            if growth.percent_per_month:
                rates["percent_per_month"] = growth.percent_per_month
            shown = ", ".join(f"{key}: {value:g}" for key, value in rates.items())
            return (
                path / "growth",
                f"growth {{{shown}}} takes the scenario to {_count(total)} planning nodes by "
                f"{end}, above ipplan's bound of {MAX_PLANNED_NODES:,} (200 x AKS's 5,000 per "
                "cluster); lower the rate or planning.horizon_months",
            )
        return (
            path,
            f"pool {pool.name!r} takes the scenario to {_count(total)} planning nodes, above "
            f"ipplan's bound of {MAX_PLANNED_NODES:,} (200 x AKS's 5,000 per cluster); split the "
            "estate into several scenarios",
        )
    return None


def _count(nodes: int) -> str:
    return f"{nodes:,}" if nodes < 10**12 else f"{float(nodes):.3g}"
