"""``EmrStudioChecks`` and the rules it runs, as a package.

The rules, what each reports and why: :mod:`emr_studio_role.checks.rules`.

Modules: ``rules`` (the rules' ids, documentation and fixes), ``model`` (the templates
and a finding), ``render`` (CloudFormation values as text), ``policies`` (a role's
policies in the app), ``trust_rule``, ``ec2_rules``, ``s3_rules`` and
``network_rules`` (the rules), ``run`` (every rule over an app), ``load`` (templates
and cloud assemblies from disk), ``plugin`` (``EmrStudioChecks``), ``report`` (text,
JSON and SARIF reports) and ``cli`` (the ``emr-studio-check`` command, also
``python -m emr_studio_role.checks``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .ec2_rules import (
    check_create_request_tag,
    check_guarded_statements,
    has_ec2_action,
    is_studio_policy,
)
from .load import load_templates, stack_names
from .model import ERROR, WARNING, AppTemplates, Finding, Json, Template
from .network_rules import (
    STUDIO_NETWORK_PROPERTIES,
    check_studio_network_tags,
    check_studio_security_groups,
    has_emr_tag,
    tagged_by_custom_resources,
)
from .policies import RolePolicies, Statement, resolve_statement, role_policies
from .render import PARTITIONS, STACK_PARTITION
from .rules import (
    FIXES,
    RULE_GUARDED,
    RULE_IDS,
    RULE_NETWORK,
    RULE_REQUEST_TAG,
    RULE_S3,
    RULE_S3_SCOPE,
    RULE_SECURITY_GROUPS,
    RULE_TRUST,
)
from .run import Inventory, Result, check_templates, run_checks
from .s3_rules import (
    S3_OBJECT_ACTIONS_NEEDED,
    check_default_s3_location,
    check_s3_grant_scope,
    granted_object_actions,
    parse_s3_location,
)
from .trust_rule import check_trust

__all__ = [
    "ERROR",
    "FIXES",
    "PARTITIONS",
    "PLUGIN_NAME",
    "PLUGIN_VERSION",
    "RULE_GUARDED",
    "RULE_IDS",
    "RULE_NETWORK",
    "RULE_REQUEST_TAG",
    "RULE_S3",
    "RULE_S3_SCOPE",
    "RULE_SECURITY_GROUPS",
    "RULE_TRUST",
    "S3_OBJECT_ACTIONS_NEEDED",
    "STACK_PARTITION",
    "STUDIO_NETWORK_PROPERTIES",
    "WARNING",
    "AppTemplates",
    "EmrStudioChecks",
    "Finding",
    "Inventory",
    "Result",
    "Json",
    "RolePolicies",
    "Statement",
    "Template",
    "check_create_request_tag",
    "check_default_s3_location",
    "check_guarded_statements",
    "check_s3_grant_scope",
    "check_studio_network_tags",
    "check_studio_security_groups",
    "check_templates",
    "check_trust",
    "granted_object_actions",
    "has_ec2_action",
    "has_emr_tag",
    "is_studio_policy",
    "load_templates",
    "parse_s3_location",
    "resolve_statement",
    "role_policies",
    "run_checks",
    "stack_names",
    "tagged_by_custom_resources",
]

#: Names of ``plugin``, the one module that needs aws-cdk-lib: loaded when first used, so
#: that the command line and the rules run with the standard library only (no jsii, no Node.js).
_PLUGIN_NAMES = ("PLUGIN_NAME", "PLUGIN_VERSION", "EmrStudioChecks")

if TYPE_CHECKING:  # pragma: no cover
    from .plugin import PLUGIN_NAME, PLUGIN_VERSION, EmrStudioChecks


def __getattr__(name: str) -> Any:
    if name not in _PLUGIN_NAMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(".plugin", __name__), name)
    globals()[name] = value
    return value
