"""Reading a scenario file: YAML or JSON text into data, with located syntax errors.

PyYAML silently keeps the last of two equal keys and reports errors over several lines; this
module rejects duplicates and says each problem in one line (``line 6, column 4: ...``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from ipplan.core.cidr import gc_paused
from ipplan.errors import ScenarioError
from ipplan.scenario.bounds import (
    json_load_bounded,
    read_text_bounded,
    yaml_load_bounded,
)
from ipplan.scenario.checks import EMPTY, parse_scenario
from ipplan.scenario.types import Scenario

__all__ = ["load_scenario"]


class _NoDuplicates:
    """Rejects duplicate keys (PyYAML silently keeps the last one)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                if key_node.value in seen:
                    raise yaml.MarkedYAMLError(
                        problem=f"duplicate key {key_node.value!r}; keep one",
                        problem_mark=key_node.start_mark,
                    )
                seen.add(key_node.value)
        return super().construct_mapping(node, deep)  # type: ignore[misc, no-any-return]


class _Loader(_NoDuplicates, yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys: pure Python, and the source of every message."""


#: the same on libyaml's C parser when PyYAML has it: about 10x faster on a large estate
_FastLoader: type = (
    type("_FastLoader", (_NoDuplicates, yaml.CSafeLoader), {})
    if getattr(yaml, "__with_libyaml__", False)
    else _Loader
)


def _load_yaml(text: str, source: str) -> Any:
    """*text* parsed, within the loader bounds, on the fast loader; a file it rejects is parsed
    again on the pure-Python one, so every error says exactly what, and where, it always has."""
    if _FastLoader is not _Loader:
        try:
            return yaml_load_bounded(text, source, _FastLoader)
        except yaml.YAMLError:
            pass
    return yaml_load_bounded(text, source, _Loader)


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}; keep one")
        result[key] = value
    return result


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file: YAML, or JSON when the name ends in ``.json``.

    Raises:
        ScenarioError: the file is missing or unreadable, or the scenario is invalid.
    """
    source = str(path)
    file = Path(path)
    try:
        text = read_text_bounded(file, source)
        raw = text.encode("utf-8")  # the file's bytes: it decoded as UTF-8 (for its SHA-256)
    except FileNotFoundError:
        raise ScenarioError(
            "no such file; give the path of a scenario file", source=source
        ) from None
    except IsADirectoryError:
        raise ScenarioError(
            "is a directory; give a scenario file inside it", source=source
        ) from None
    except UnicodeDecodeError as err:
        raise ScenarioError(
            f"is not UTF-8 text (byte {err.start}); save the file as UTF-8", source=source
        ) from None
    except OSError as err:
        raise ScenarioError(f"cannot be read ({err.strerror})", source=source) from None
    if not text.strip():
        raise ScenarioError(EMPTY, source=source)
    with gc_paused():
        scenario = _parse(text, source, json_file=file.suffix.lower() == ".json")
    # the review pack's provenance line names the input by its digest (no timestamps)
    return replace(scenario, sha256=hashlib.sha256(raw).hexdigest())


def _parse(text: str, source: str, json_file: bool) -> Scenario:
    """The scenario in *text*: JSON when *json_file*, else YAML."""
    if json_file:
        try:
            data = json_load_bounded(text, source, object_pairs_hook=_reject_duplicates)
        except json.JSONDecodeError as err:
            raise ScenarioError(
                f"line {err.lineno}: {err.msg} (column {err.colno}); fix the JSON there",
                source=source,
            ) from None
        except ValueError as err:  # a duplicate key, from _reject_duplicates
            raise ScenarioError(str(err), source=source) from None
    else:
        try:
            data = _load_yaml(text, source)
        except yaml.MarkedYAMLError as err:
            raise ScenarioError(_yaml_problem(err), source=source) from None
        except yaml.reader.ReaderError as err:
            line = text[: err.position].count("\n") + 1
            raise ScenarioError(
                f"line {line}: character #x{err.character:04x} is not allowed in YAML; remove it",
                source=source,
            ) from None
        except yaml.YAMLError as err:
            raise ScenarioError(" ".join(str(err).split()), source=source) from None
    return parse_scenario(data, source)


def _yaml_problem(err: yaml.MarkedYAMLError) -> str:
    """``line N: problem; fix`` from PyYAML's multi-line message."""
    mark = err.problem_mark or err.context_mark
    problem = " ".join((err.problem or err.context or "invalid YAML").split())
    if mark is None:
        return f"{problem}; check the YAML syntax"
    where = f"line {mark.line + 1}"
    if problem.startswith("duplicate key"):
        return f"{where}: {problem}"
    if "\\t" in problem:
        return f"{where}: a tab; YAML indents with spaces only"
    if "another document" in problem:
        return f"{where}: a second YAML document (---); a scenario file holds one"
    if "could not determine a constructor" in problem:
        return f"{where}: {problem}; remove the tag (ipplan reads plain YAML only)"
    context = " ".join((err.context or "").split())
    if context and err.context_mark is not None and err.context_mark.line != mark.line:
        problem += f" ({context} from line {err.context_mark.line + 1})"
    return (
        f"{where}, column {mark.column + 1}: {problem}; check the indentation, quotes and brackets"
    )
