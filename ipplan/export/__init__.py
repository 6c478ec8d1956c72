"""Hand the plan over (rule A27): the plan as text other tools take, such as Terraform.

Pure: every function takes a :class:`~ipplan.core.plan.Plan` and returns text; the CLI writes it.
"""

from ipplan.export.terraform import TERRAFORM_FILES, delegation_for, subnet_labels, terraform_files

__all__ = ["TERRAFORM_FILES", "delegation_for", "subnet_labels", "terraform_files"]
