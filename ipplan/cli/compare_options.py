"""``compare``'s options as a one-cluster scenario, so that compare rejects exactly what a
scenario file rejects (rule A23): the same checks, the same messages, named by option.

The scenario holds one VNet made of the subnets given (or, with none, a range that overlaps
nothing given), one cluster on the model compared (azure-cni-overlay, AKS's default, when all
are) and one node pool. A problem at a field is reported at the option that set it, and so is
a warning: an option the scenario checks say is ignored is named, as a file's field would be.
When all are compared, each model's scenario is checked for its warnings too (kubenet's
retirement is only kubenet's), so that compare warns of what a file on that model would.
"""

# annotations are evaluated (no __future__ import): dataclasses matches each string one
# against ClassVar, InitVar and KW_ONLY as it builds the class (issue 11)
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ipplan.core.cidr import contains, overlaps, parse_network
from ipplan.errors import CidrError, FieldPath, ScenarioError
from ipplan.rules import (
    DEFAULT_POD_CIDR,
    DEFAULT_SERVICE_CIDR,
    MAX_SURGE_DIGITS,
    OS,
    POD_SUBNET_NETWORKS,
    Dataplane,
    Network,
    Priority,
    Upgrade,
)
from ipplan.scenario import parse_scenario
from ipplan.scenario.types import DEFAULT_START, ScenarioWarning

__all__ = ["CompareOptions", "check_compare_options", "compare_words"]

_CLUSTER = FieldPath(["clusters", 0])
_POOL = _CLUSTER / "node_pools" / 0
#: the VNet's range when no subnet is given: the first that overlaps no range given
_SPARE_RANGES = ("10.240.0.0/16", "172.16.0.0/16", "192.168.0.0/16", "100.100.0.0/16")


@dataclass(frozen=True)
class CompareOptions:
    """What ``compare`` was given; None for an option left out."""

    models: Sequence[Network]
    nodes: int
    max_nodes: int | None = None
    max_pods: int | None = None
    max_surge: str | None = None
    pods_in_use: int | None = None
    os: OS = OS.LINUX
    dataplane: Dataplane = Dataplane.AZURE
    subnet: str | None = None
    pod_cidr: str | None = None
    pod_subnet: str | None = None
    service_cidr: str | None = None
    internal_lbs: int = 0
    upgrade: Upgrade = Upgrade.ROLLING
    priority: Priority = Priority.REGULAR


@dataclass
class _Scenario:
    """The scenario data, and which option each field came from."""

    data: dict[str, Any]
    options: dict[FieldPath, str] = field(default_factory=dict)

    def option(self, path: FieldPath) -> str | None:
        """The option that set *path*, or the field that holds it."""
        for end in range(len(path), 0, -1):
            option = self.options.get(FieldPath(path[:end]))
            if option is not None:
                return option
        return None


def check_compare_options(options: CompareOptions) -> tuple[ScenarioWarning, ...]:
    """What scenario validation says about the options, at the option's name: its warnings
    (``--max-surge: pool 'pool' is a spot pool, ... (rule A25)``) are returned, each once.

    The options are checked on the model compared (azure-cni-overlay, AKS's default, for
    several); with several, each model's scenario is checked too, for a warning only that
    model gets (``--network: cluster 'cluster': kubenet retires on ...``, rule A21), and the
    warnings come in the order of the models.

    Raises:
        ScenarioError: ``--pod-cidr: 10.240.0.0/16 overlaps ...``, as a scenario file would.
    """
    first = options.models[0] if len(options.models) == 1 else Network.OVERLAY
    checked = {first: _warnings(options, first)}
    for network in options.models:
        if network in checked:
            continue
        try:
            checked[network] = _warnings(options, network)
        except ScenarioError:
            continue  # that model alone rules the options out: its row says so (INFEASIBLE)
    said = [w for network in options.models for w in checked.get(network, ())]
    return tuple(dict.fromkeys(said))  # a warning every model gets is said once


def _warnings(options: CompareOptions, network: Network) -> tuple[ScenarioWarning, ...]:
    """The warnings of the options as a scenario on *network*, at the options' names."""
    scenario = _scenario(options, network)
    try:
        checked = parse_scenario(scenario.data, source="")
    except ScenarioError as err:
        message = compare_words(err.cited(lambda ref: scenario.option(ref) or str(ref)))
        option = scenario.option(err.path)
        raise ScenarioError(f"{option}: {message}" if option else message) from None
    return tuple(
        ScenarioWarning(compare_words(w.message), rule=w.rule, source=scenario.option(w.path) or "")
        for w in checked.warnings
    )


#: the scenario fields compare's options set, as the checks' messages name them ("set
#: max_nodes", "set max_pods: 110"): compare names the option instead, as typed ("set
#: --max-nodes", "set --max-pods 110"), as it names the option a problem is at
_FIELD_OPTIONS = {
    field: f"--{field.replace('_', '-')}"
    for field in (
        "max_nodes",
        "max_pods",
        "max_surge",
        "pods_in_use",
        "pod_cidr",
        "service_cidr",
        "pod_subnet",
        "internal_lbs",
    )
}
_FIELD_WORDS = re.compile(r"\b(" + "|".join(_FIELD_OPTIONS) + r")\b(: )?")


#: the names compare gives its one-cluster scenario (see _scenario) as its messages would say
#: them, and what they are to someone who typed options: there is one cluster, one pool, one
#: VNet, so the name says nothing ("pool 'pool': ..." is "...", "VNet 'vnet'" is "the VNet")
_PLACEHOLDERS = (
    ("cluster 'cluster': ", ""),
    ("pool 'pool': ", ""),
    ("the cluster's VNet 'vnet'", "the cluster's VNet"),
    ("VNet 'vnet'", "the VNet"),
    ("cluster 'cluster'", "the cluster"),
    ("pool 'pool'", "the pool"),
    ("pool cluster/pool", "the pool"),
    ("subnet 'nodes'", "the node subnet"),
    ("subnet 'pods'", "the pod subnet"),
)
_CLUSTER_WHO = re.compile(r"(^|; )cluster: ")


def compare_words(message: str) -> str:
    """*message* (a scenario check's or a model's) as compare says it: each field an option
    sets called by the option's name, a setting written as in a file (``max_pods: 110``)
    written as on the command line (``--max-pods 110``), and the one-cluster scenario's
    placeholder names left out.

    >>> compare_words("pool 'pool': Windows with max_pods of 200, above the 110 recommended; "
    ...               "set max_pods: 110")
    'Windows with --max-pods of 200, above the 110 recommended; set --max-pods 110'
    >>> compare_words("10.240.0.0/16 overlaps VNet 'vnet' (10.240.0.0/21, --subnet)")
    '10.240.0.0/16 overlaps the VNet (10.240.0.0/21, --subnet)'
    """
    for name, words in _PLACEHOLDERS:
        message = message.replace(name, words)
    message = _CLUSTER_WHO.sub(r"\1", message)
    return _FIELD_WORDS.sub(
        lambda match: _FIELD_OPTIONS[match.group(1)] + (" " if match.group(2) else ""), message
    )


def _network(text: str) -> object:
    try:
        return parse_network(text)
    except CidrError:
        return text  # the scenario check says what is wrong with it


def _scenario(options: CompareOptions, network: Network) -> _Scenario:
    out = _Scenario({"name": "compare", "planning": {"start": DEFAULT_START}})
    out.data["planning"]["compare"] = [str(model) for model in options.models]
    pool: dict[str, Any] = {"name": "pool", "subnet": "nodes", "nodes": options.nodes}
    subnets: list[dict[str, Any]] = []
    given = [  # (option, CIDR) of the subnets given
        (option, text)
        for option, text in (("--subnet", options.subnet), ("--pod-subnet", options.pod_subnet))
        if text is not None
    ]
    node_subnet = None
    if options.subnet is not None:
        node_subnet = options.subnet
        subnets.append({"name": node_subnet, "cidr": options.subnet})
        out.options[FieldPath(["vnets", 0, "subnets", 0])] = "--subnet"
    else:
        subnets.append({"name": "nodes", "size": "auto"})
    pool["subnet"] = node_subnet or "nodes"
    if options.pod_subnet is not None:
        same = node_subnet is not None and _network(node_subnet) == _network(options.pod_subnet)
        pod_subnet = node_subnet if same else options.pod_subnet
        if not same:
            out.options[FieldPath(["vnets", 0, "subnets", len(subnets)])] = "--pod-subnet"
            subnets.append({"name": pod_subnet, "cidr": options.pod_subnet})
        pool["pod_subnet"] = pod_subnet
    elif network in POD_SUBNET_NETWORKS:
        subnets.append({"name": "pods", "size": "auto"})
        pool["pod_subnet"] = "pods"
    out.data["vnets"] = [
        {"name": "vnet", "address_space": _address_space(options, given, out), "subnets": subnets}
    ]
    for key in ("max_nodes", "max_pods", "pods_in_use"):
        if getattr(options, key) is not None:
            pool[key] = getattr(options, key)
    if options.max_surge is not None:  # left out, the pool's default: a spot pool says nothing
        surge = options.max_surge.strip()
        # a count as YAML would read it; past MAX_SURGE_DIGITS the text, for the surge check to
        # refuse (int() itself refuses 4,300 digits)
        count = surge.isascii() and surge.isdigit() and len(surge) <= MAX_SURGE_DIGITS
        pool["max_surge"] = int(surge) if count else options.max_surge
    pool["os"] = str(options.os)
    pool["upgrade"] = str(options.upgrade)
    pool["priority"] = str(options.priority)
    if options.priority is Priority.SPOT:
        pool["mode"] = "user"  # the pool compared sits beside a regular system pool (rule A25)
    cluster: dict[str, Any] = {
        "name": "cluster",
        "vnet": "vnet",
        "network": str(network),
        "dataplane": str(options.dataplane),
        "internal_lbs": options.internal_lbs,
        "node_pools": [pool],
    }
    for key in ("pod_cidr", "service_cidr"):
        if getattr(options, key) is not None:
            cluster[key] = getattr(options, key)
    out.data["clusters"] = [cluster]
    for key in ("pod_cidr", "service_cidr", "dataplane", "network", "internal_lbs"):
        out.options[_CLUSTER / key] = f"--{key.replace('_', '-')}"
    out.options[_CLUSTER / "node_pools"] = "--nodes"
    pool_keys = ("nodes", "max_nodes", "max_pods", "pods_in_use", "max_surge", "os", "upgrade")
    for key in (*pool_keys, "priority"):
        out.options[_POOL / key] = f"--{key.replace('_', '-')}"
    out.options[_POOL / "subnet"] = "--subnet"
    out.options[_POOL / "pod_subnet"] = "--pod-subnet"
    return out


def _address_space(
    options: CompareOptions, given: list[tuple[str, str]], out: _Scenario
) -> list[str]:
    """The subnets given, less those inside another; else a range that overlaps nothing given."""
    networks = [(option, text, _network(text)) for option, text in given]
    space: list[str] = []
    kept: list[object] = []
    for option, text, network in networks:
        if network in kept or any(
            other != network and _contains(other, network) for _, _, other in networks
        ):
            continue  # the same range twice, or a range inside another: the VNet holds it
        out.options[FieldPath(["vnets", 0, "address_space", len(space)])] = option
        space.append(text)
        kept.append(network)
    if space:
        return space
    texts = (options.pod_cidr, options.service_cidr, DEFAULT_POD_CIDR, DEFAULT_SERVICE_CIDR)
    taken = [_network(text) for text in texts if text is not None]
    free = [
        spare
        for spare in _SPARE_RANGES
        if not any(not isinstance(n, str) and overlaps(spare, n) for n in taken)
    ]
    return [(free or _SPARE_RANGES)[0]]


def _contains(outer: object, inner: object) -> bool:
    return not isinstance(outer, str) and not isinstance(inner, str) and contains(outer, inner)
