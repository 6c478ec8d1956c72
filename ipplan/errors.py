"""ipplan's errors: one base class the CLI turns into one line on stderr and exit status 2."""

from __future__ import annotations

from collections.abc import Callable, Iterable

__all__ = [
    "CapacityError",
    "CidrError",
    "FieldPath",
    "IpplanError",
    "OutputError",
    "ScenarioError",
    "one_line",
]


class IpplanError(Exception):
    """A problem the user can fix."""


class FieldPath(tuple[str | int, ...]):
    """Where a field is in a scenario: keys and list indices, shown as pydantic locates them.

    >>> path = FieldPath(["clusters", 0, "node_pools"]) / 1 / "max_pods"
    >>> str(path), path[:2]
    ('clusters[0].node_pools[1].max_pods', ('clusters', 0))
    """

    __slots__ = ()

    def __truediv__(self, part: str | int) -> FieldPath:
        return FieldPath((*self, part))

    def __str__(self) -> str:
        text = ""
        for part in self:
            if isinstance(part, int):
                text += f"[{part}]"
            else:
                text += f".{part}" if text else part
        return text


#: the whole scenario, or a problem not in a field
ROOT = FieldPath()


class ScenarioError(IpplanError):
    """A scenario file or a command-line value is invalid.

    Besides its one line (``{source}: {path}: {message}``) it carries where the problem is, so
    that a program (the importer, ``compare``) can locate it without reading the text back:
    *source* (the file), *path* (the field), *value* (the value as the message shows it) and
    *refs*, the other fields the message cites, each written in it as ``str(ref)``.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str = "",
        path: FieldPath = ROOT,
        value: str | None = None,
        refs: Iterable[FieldPath] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.path = path
        self.value = value
        self.refs = tuple(refs)

    def __str__(self) -> str:
        return ": ".join(part for part in (self.source, str(self.path), self.message) if part)

    def located(self, source: str) -> ScenarioError:
        """The same problem, said to be in *source*."""
        return ScenarioError(
            self.message, source=source, path=self.path, value=self.value, refs=self.refs
        )

    def cited(self, name: Callable[[FieldPath], str]) -> str:
        """The message with each field it cites called ``name(field)`` instead of its path."""
        text = self.message
        for ref in sorted(set(self.refs), key=lambda ref: -len(str(ref))):  # longest first
            text = text.replace(str(ref), name(ref))
        return text


class CidrError(IpplanError):
    """A CIDR is malformed, or conflicts with the address space it is used in."""


class CapacityError(IpplanError):
    """A request does not fit in the address space left."""


class OutputError(IpplanError):
    """A report cannot be written where it was asked to go."""


#: longest message line: a message past it keeps its start and its end (the fix)
MAX_MESSAGE_CHARS = 1000


def one_line(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """*text* as one printable line: control, line-separator and terminal-escape characters
    are shown escaped (``\\n``, ``\\x1b``, ``\\u2028``), and past *limit* characters the middle
    is cut, so a value from a file can neither break the line nor drive the terminal.

    >>> one_line("a\\nb\\x1b[2Jc\\u2028d")
    'a\\\\nb\\\\x1b[2Jc\\\\u2028d'
    >>> len(one_line("x" * 5000, limit=100))
    100
    """
    if not text.isprintable():
        text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    if len(text) > limit:
        half = (limit - 5) // 2
        text = f"{text[:half]} ... {text[len(text) - (limit - 5 - half) :]}"
    return text
