"""The page's two guarded statements, checked in the synthesized template.

The page: "you must not change the following statements:
AllowAddingEMRTagsDuringDefaultSecurityGroupCreation and
AllowAddingTagsDuringEC2ENICreation".  The construct builds them exactly as the
page has them; this check makes sure they are still so in what is deployed, after
everything a user can do to a policy: ``add_statements``, or a raw
``add_property_override`` / ``add_override`` on the L1 ``CfnManagedPolicy``, which no
construct-level validation can see.

Each ``EmrStudioServiceRole`` registers its policies (by stack and logical ID) with
one :class:`GuardedStatementsCheck` per ``Stage``, a CDK Validations plugin that reads
the synthesized templates.  ``app.synth()`` and ``cdk synth`` fail with a validation
report when a guarded statement is missing, duplicated or altered.
"""

from __future__ import annotations

import json
import weakref
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Tuple

import jsii
from aws_cdk import (
    IPolicyValidationContext,
    IPolicyValidationPlugin,
    PolicyValidationPluginReport,
    PolicyViolatingResource,
    PolicyViolation,
    Stack,
    Stage,
    Validations,
)
from constructs import IConstruct

PLUGIN_NAME = "EmrStudioServiceRoleGuard"
RULE = "EmrStudio-GuardedStatementUnchanged"


@dataclass
class _Registered:
    path: str
    stack_artifact: str
    #: The logical IDs of the role's managed policies (read at synth: more may be added).
    policy_ids: Callable[[], Tuple[str, ...]]
    #: Sid -> the statement as CloudFormation renders it.
    expected: Dict[str, Any]

    @property
    def policies(self) -> Tuple[str, ...]:
        return self.policy_ids()


def normal(statement: Any) -> Any:
    """A statement with single values and lists compared alike, and lists in any order."""
    if not isinstance(statement, dict):
        return statement
    out = {}
    for key, value in statement.items():
        if key in ("Action", "Resource", "NotAction", "NotResource") and not isinstance(value, list):
            value = [value]
        if isinstance(value, list):
            value = sorted((normal(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
        elif isinstance(value, dict):
            value = normal(value)
        out[key] = value
    return out


@jsii.implements(IPolicyValidationPlugin)
class GuardedStatementsCheck:
    """Validations plugin: every registered role's guarded statements, as synthesized."""

    def __init__(self) -> None:
        self._roles: List[_Registered] = []

    @property
    def name(self) -> str:
        return PLUGIN_NAME

    @property
    def version(self) -> Optional[str]:
        return None

    @property
    def rule_ids(self) -> Optional[List[str]]:
        return [RULE]

    def register(self, entry: _Registered) -> None:
        self._roles.append(entry)

    def validate(self, context: IPolicyValidationContext) -> PolicyValidationPluginReport:
        templates = {}
        for path in context.template_paths:
            name = path.replace("\\", "/").rsplit("/", 1)[-1]
            if name.endswith(".template.json"):
                templates[name[: -len(".template.json")]] = path
        violations = []
        for entry in self._roles:
            path = templates.get(entry.stack_artifact)
            if path is None:
                continue
            with open(path, encoding="utf-8") as f:
                resources = json.load(f).get("Resources", {})
            for problem, logical_id in problems_in(entry, resources):
                violations.append(
                    PolicyViolation(
                        rule_name=RULE,
                        description=problem,
                        fix="Leave the page's guarded statements as EmrStudioServiceRole builds them.",
                        severity="error",
                        violating_resources=[
                            PolicyViolatingResource(
                                resource_logical_id=logical_id,
                                template_path=path,
                                locations=["Properties.PolicyDocument.Statement"],
                            )
                        ],
                    )
                )
        return PolicyValidationPluginReport(success=not violations, violations=violations)


def problems_in(entry: _Registered, resources: Dict[str, Any]) -> List[Tuple[str, str]]:
    """``(message, logical id)`` for each guarded statement missing, duplicated or altered."""
    found: Dict[str, List[Tuple[str, Any]]] = {sid: [] for sid in entry.expected}
    policies = entry.policies
    for logical_id in policies:
        document = resources.get(logical_id, {}).get("Properties", {}).get("PolicyDocument", {})
        statements = document.get("Statement", [])
        for statement in statements if isinstance(statements, list) else [statements]:
            if isinstance(statement, dict) and statement.get("Sid") in found:
                found[statement["Sid"]].append((logical_id, statement))
    out = []
    where = policies[0] if policies else ""
    for sid, expected in entry.expected.items():
        got = found[sid]
        if not got:
            out.append(
                (
                    f"The page's guarded statement '{sid}' is missing from the policies of the EMR "
                    f"Studio service role at '{entry.path}'; AWS's page says it must not be changed.",
                    where,
                )
            )
        elif len(got) > 1 or normal(got[0][1]) != normal(expected):
            shown = [s for _, s in got]
            out.append(
                (
                    f"The page's guarded statement '{sid}' was altered in the policies of the EMR "
                    f"Studio service role at '{entry.path}' (found {json.dumps(shown)}, expected "
                    f"{json.dumps(expected)}); AWS's page says it must not be changed.",
                    got[0][0],
                )
            )
    return out


_CHECKS: weakref.WeakKeyDictionary[Stage, GuardedStatementsCheck] = weakref.WeakKeyDictionary()


def guard(owner: IConstruct, policies: Callable[[], List[Any]], expected: Dict[str, Any]) -> None:
    """Register ``owner``'s policies (``policies()`` is read at synth) and its guarded statements
    (CloudFormation JSON) for the check at synth, adding the plugin to ``owner``'s stage once."""
    stage = Stage.of(owner)
    if stage is None:  # pragma: no cover - a construct outside any stage is never synthesized
        return
    check = _CHECKS.get(stage)
    if check is None:
        check = _CHECKS[stage] = GuardedStatementsCheck()
        Validations.of(stage).add_plugins(check)
    stack = Stack.of(owner)

    def ids() -> Tuple[str, ...]:
        return tuple(stack.resolve([stack.get_logical_id(p.node.default_child) for p in policies()]))

    check.register(_Registered(owner.node.path, stack.artifact_id, ids, expected))
