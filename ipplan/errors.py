"""ipplan's errors: one base class the CLI turns into one line on stderr and exit status 2."""

__all__ = [
    "CapacityError",
    "CidrError",
    "IpplanError",
    "OutputError",
    "ScenarioError",
    "one_line",
]


class IpplanError(Exception):
    """A problem the user can fix."""


class ScenarioError(IpplanError):
    """A scenario file or a command-line value is invalid."""


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
