"""Scenario names for Azure's: valid (letters, digits, - _ .) and distinct."""

from __future__ import annotations

import re

__all__ = ["unique_name", "valid_name"]

_NAME_CHARS = re.compile(r"[^A-Za-z0-9._-]+")


def valid_name(name: str) -> bool:
    """Whether *name* is a valid scenario name as it is."""
    return _NAME_CHARS.search(name) is None and name[:1].isalnum()


def unique_name(name: str, taken: set[str]) -> str:
    """*name* made a valid scenario name (letters, digits, - _ .), distinct from *taken*.

    >>> taken = {"hub"}
    >>> unique_name("hub", taken), unique_name("my vnet", taken)
    ('hub-2', 'my-vnet')
    """
    base = _NAME_CHARS.sub("-", name).strip("-._") or "unnamed"
    candidate, n = base, 2
    while candidate.lower() in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate.lower())
    return candidate
