"""``EmrStudioChecks``, the CDK Validations plugin that runs every rule on the app's templates."""

from __future__ import annotations

from typing import List, Optional

import jsii
from aws_cdk import (
    IPolicyValidationContext,
    IPolicyValidationPlugin,
    PolicyValidationPluginReport,
    PolicyViolatingResource,
    PolicyViolation,
)

from ..tagging import IMPORTED_UNTAGGED_METADATA
from .load import assembly_metadata, load_templates, stack_names
from .model import ERROR
from .rules import FIXES, RULE_IDS
from .run import run_checks

PLUGIN_NAME = "EmrStudioChecks"
PLUGIN_VERSION = "0.1.0"


@jsii.implements(IPolicyValidationPlugin)
class EmrStudioChecks:
    """The CDK Validations plugin: ``Validations.of(app).add_plugins(EmrStudioChecks())``.

    Runs :func:`~emr_studio_role.checks.run.run_checks` on every synthesized template of
    the app and reports each finding as a violation (see
    :mod:`emr_studio_role.checks.rules` for the rules).  An imported VPC, subnet or security
    group that ``EmrStudioServiceRole`` already warns about
    (``emr-studio-role:importedResourceNotTagged``, on the imported resource, where one
    acknowledgment silences it) is not warned about again under ``EmrStudio-NetworkTagged``:
    one warning per resource, one id to acknowledge.  The command line, which sees no such
    warning, reports those ids itself.
    """

    @property
    def name(self) -> str:
        return PLUGIN_NAME

    @property
    def version(self) -> Optional[str]:
        return PLUGIN_VERSION

    @property
    def rule_ids(self) -> Optional[List[str]]:
        return list(RULE_IDS)

    def validate(self, context: IPolicyValidationContext) -> PolicyValidationPluginReport:
        paths = list(context.template_paths)
        warned = assembly_metadata(paths, IMPORTED_UNTAGGED_METADATA)
        findings = run_checks(load_templates(paths), stack_names(paths), warned_imported=warned).findings
        violations = [
            PolicyViolation(
                rule_name=f.rule,
                description=f.message,
                fix=FIXES[f.rule],
                severity=f.severity,
                violating_resources=[
                    PolicyViolatingResource(
                        resource_logical_id=f.logical_id,
                        template_path=f.template,
                        locations=[f.location],
                    )
                ],
            )
            for f in findings
        ]
        return PolicyValidationPluginReport(
            success=all(f.severity != ERROR for f in findings),
            violations=violations,
            plugin_version=PLUGIN_VERSION,
        )
