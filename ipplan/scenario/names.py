"""Names: unique within their list, and known where a field refers to one."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from ipplan.errors import FieldPath, ScenarioError

__all__ = ["check_unique", "unknown"]


def check_unique(names: Sequence[str], path: FieldPath, noun: str) -> None:
    """Raise at the second item of the list at *path* that repeats a name."""
    seen: dict[str, int] = {}
    for index, name in enumerate(names):
        if name in seen:
            first = path / seen[name]
            # a top-level item is cited by its full path; a nested one by its place in the list
            cited = first if len(path) == 1 else FieldPath(first[-2:])
            raise ScenarioError(
                f"{name!r} is already the name of {cited}; give each {noun} its own name",
                path=path / index / "name",
                value=repr(name),
                refs=(first,) if len(path) == 1 else (),
            )
        seen[name] = index


def unknown(name: str, noun: str, known: Sequence[str], path: FieldPath) -> ScenarioError:
    """*name* is not one of *known*: suggest the closest, or list them."""
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        fix = f"did you mean {close[0]}?"
    elif known:
        fix = f"use one of: {', '.join(known)}"
    else:
        fix = "add it first"
    return ScenarioError(f"{name!r} is not a {noun}; {fix}", path=path, value=repr(name))
