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
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

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
    #: The role construct (its path is read only for a message).
    owner: IConstruct
    #: The role's managed policies (read at synth: more may be added).
    policies: Callable[[], Sequence[Any]]
    #: Sid -> the statement as CloudFormation renders it.
    expected: Dict[str, Any]
    #: The logical IDs of ``policies``, filled in at synth.
    policy_ids: Tuple[str, ...] = ()

    @property
    def path(self) -> str:
        return self.owner.node.path


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
        #: Per stack: its artifact id and its registered roles.
        self._stacks: Dict[Stack, Tuple[str, List[_Registered]]] = {}

    @property
    def name(self) -> str:
        return PLUGIN_NAME

    @property
    def version(self) -> Optional[str]:
        return None

    @property
    def rule_ids(self) -> Optional[List[str]]:
        return [RULE]

    def register(self, stack: Stack, entry: _Registered) -> None:
        if stack not in self._stacks:
            self._stacks[stack] = (stack.artifact_id, [])
        self._stacks[stack][1].append(entry)

    def validate(self, context: IPolicyValidationContext) -> PolicyValidationPluginReport:
        templates = {}
        for path in context.template_paths:
            name = path.replace("\\", "/").rsplit("/", 1)[-1]
            if name.endswith(".template.json"):
                templates[name[: -len(".template.json")]] = path
        violations = []
        for stack, (artifact, entries) in self._stacks.items():
            path = templates.get(artifact)
            if path is None:
                continue
            with open(path, encoding="utf-8") as f:
                resources = json.load(f).get("Resources", {})
            _read_policy_ids(stack, entries)
            for entry in entries:
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
    policies = entry.policy_ids
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


def _read_policy_ids(stack: Stack, entries: Sequence[_Registered]) -> None:
    """Each entry's policy logical IDs, as the template has them (overrides included): a
    policy's ARN is a ``Ref`` to it; all the roles of a stack in one ``resolve`` call."""
    policies = [list(entry.policies()) for entry in entries]
    refs = iter(stack.resolve([p.managed_policy_arn for ps in policies for p in ps]))
    for entry, ps in zip(entries, policies):
        entry.policy_ids = tuple(next(refs)["Ref"] for _ in ps)


#: Per stack: the check of its stage (one plugin per stage).
_CHECKS: weakref.WeakKeyDictionary[Stack, GuardedStatementsCheck] = weakref.WeakKeyDictionary()
#: Per stage: its check.
_STAGE_CHECKS: weakref.WeakKeyDictionary[Stage, GuardedStatementsCheck] = weakref.WeakKeyDictionary()
#: Per stack and network owner account: the guarded statements as CloudFormation renders them.
_EXPECTED: weakref.WeakKeyDictionary[Stack, Dict[Any, Dict[str, Any]]] = weakref.WeakKeyDictionary()


def expected_statements(
    stack: Stack, key: Any, bodies: Callable[[], Dict[str, Any]]
) -> Dict[str, Any]:
    """``bodies()`` (Sid -> statement with tokens) resolved by ``stack``, once per stack and
    ``key``: every role of a stack with the same ``key`` has the same guarded statements."""
    known = _EXPECTED.setdefault(stack, {})
    if key not in known:
        unresolved = bodies()
        known[key] = dict(zip(unresolved, stack.resolve(list(unresolved.values()))))
    return known[key]


def guard(
    owner: IConstruct,
    stack: Stack,
    policies: Callable[[], Sequence[Any]],
    expected: Dict[str, Any],
) -> None:
    """Register ``owner``'s policies (``policies()`` is read at synth) and its guarded statements
    (CloudFormation JSON) for the check at synth, adding the plugin to ``stack``'s stage once.

    Everything this needs from the jsii runtime is read once per stack (its stage, its
    artifact id) or once per synth (the policies' logical IDs, for all roles at once)."""
    check = _CHECKS.get(stack)
    if check is None:
        stage = Stage.of(stack)
        if stage is None:  # pragma: no cover - a construct outside any stage is never synthesized
            return
        check = _STAGE_CHECKS.get(stage)
        if check is None:
            check = _STAGE_CHECKS[stage] = GuardedStatementsCheck()
            Validations.of(stage).add_plugins(check)
        _CHECKS[stack] = check
    check.register(stack, _Registered(owner, policies, expected))
