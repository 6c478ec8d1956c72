"""ipplan: plan AKS subnet and IP capacity; write CSV/PNG reports."""

from ipplan.errors import IpplanError

__all__ = ["IpplanError", "__version__"]
__version__ = "0.1.0"
