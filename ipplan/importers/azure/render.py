"""The generated scenario file: its entries, with their comments, written as YAML.

Each list item is an :class:`Entry`; one the import leaves out is written commented out, with the
reason, so the reviewer can fix it and uncomment it. Comments that need a review start with
``ipplan:`` (:data:`REVIEW`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from ipplan import errors

__all__ = ["REVIEW", "Entry", "notes", "one_line", "render", "review"]

REVIEW = "ipplan: "  # starts the comments that need a review


@dataclass
class Entry:
    """One list item of the generated YAML, with the comments written before it.

    A dropped entry is written commented out and left out of the scenario data.
    """

    data: dict[str, Any]
    flow: bool = True  # one line ``- {...}``; else a block mapping
    children: dict[str, list[Entry]] = field(default_factory=dict)
    comments: list[str] = field(default_factory=list)
    field_comments: dict[str, list[str]] = field(default_factory=dict)
    dropped: bool = False
    origin: Any = None  # what it was built from, to map a validation error back to it

    def scenario(self) -> dict[str, Any]:
        data = dict(self.data)
        for key, children in self.children.items():
            data[key] = [child.scenario() for child in children if not child.dropped]
        return data


def _scalar(value: object) -> str:
    """*value* in YAML flow style, on one line, quoted where YAML needs it (as PyYAML would)."""
    # Fast paths (a large estate has tens of thousands of values); PyYAML for anything else.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return f"[{', '.join(_scalar(v) for v in value)}]"
    if isinstance(value, dict):
        return f"{{{', '.join(f'{_scalar(k)}: {_scalar(v)}' for k, v in value.items())}}}"
    if (
        isinstance(value, str)
        and _PLAIN.fullmatch(value)
        and _resolve(yaml.ScalarNode, value, (True, False)) == _STR_TAG
    ):
        return value
    if isinstance(value, str) and not value.isprintable():
        return json.dumps(value)  # a JSON string is a YAML double-quoted scalar, on one line
    dumped = yaml.safe_dump([value], default_flow_style=True, sort_keys=False, width=2**31)
    return dumped.strip()[1:-1]


#: characters that are never special in a YAML flow scalar; the resolver rules out 1, yes, null
_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/%-]*")
#: how YAML reads a plain scalar: the tag it gets (the stubs leave the method untyped)
_resolve: Callable[[type[yaml.Node], str, tuple[bool, bool]], str] = (
    yaml.resolver.Resolver().resolve
)
_STR_TAG = "tag:yaml.org,2002:str"


def _comment(pad: str, text: str) -> str:
    # escaped: a terminal escape or U+2028 in an Azure name would break the YAML (and the screen)
    return f"{pad}# {one_line(' '.join(text.split()))}"


def _lines(entry: Entry, indent: int, in_dropped: bool = False) -> list[str]:
    """The entry's YAML lines; a dropped one commented out as a whole (children included)."""
    pad = " " * indent
    out = [_comment(pad, c) for c in entry.comments]
    body: list[str] = []
    if entry.flow:
        body.append(f"{pad}- {_scalar(entry.data)}")
    else:
        for i, (key, value) in enumerate(entry.data.items()):
            body.extend(_comment(pad + "  ", c) for c in entry.field_comments.get(key, []))
            body.append(f"{pad}{'- ' if i == 0 else '  '}{key}: {_scalar(value)}")
        for key, children in entry.children.items():
            quiet = entry.dropped or in_dropped
            live = quiet or any(not child.dropped for child in children)
            body.append(f"{pad}  {key}:{'' if live else ' []'}")
            for child in children:
                body.extend(_lines(child, indent + 4, quiet))
    if entry.dropped and not in_dropped:
        body = [
            line if line.lstrip().startswith("#") else f"{pad}# {line[len(pad) :]}" for line in body
        ]
    return out + body


def notes(entries: Sequence[Entry]) -> Iterator[str]:
    """The review comments of *entries*, in the order they are written."""
    for entry in entries:
        comments = [*entry.comments]
        for key in entry.data:
            comments += entry.field_comments.get(key, [])
        yield from (c.removeprefix(REVIEW) for c in comments if c.startswith(REVIEW))
        for children in entry.children.values():
            yield from notes(children)


def render(header: list[str], top: dict[str, Any], sections: dict[str, list[Entry]]) -> str:
    lines = [_comment("", h) for h in header]
    lines += [f"{key}: {_scalar(value)}" for key, value in top.items()]
    for key, entries in sections.items():
        if not entries:
            continue
        live = any(not e.dropped for e in entries)
        lines.append(f"{key}:{'' if live else ' []'}")
        for entry in entries:
            lines.extend(_lines(entry, 2))
    return "\n".join(lines) + "\n"


def one_line(text: str) -> str:
    """Azure's values are quoted in comments and messages: keep them on one printable line
    (control, line-separator and terminal-escape characters escaped; a comment may be long)."""
    return errors.one_line(text, limit=10_000)


def review(entry: Entry, text: str, on: str = "") -> None:
    """A note on something the import could not map as it is (before *entry*, or its *on* key)."""
    target = entry.field_comments.setdefault(on, []) if on else entry.comments
    target.append(f"{REVIEW}{one_line(text)}")
