"""ipplan's errors: one base class the CLI turns into one line on stderr and exit status 2."""

__all__ = ["CapacityError", "CidrError", "IpplanError", "OutputError", "ScenarioError"]


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
