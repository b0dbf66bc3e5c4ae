"""A check for a whole CDK app: EMR Studio service roles as AWS's page wants them.

Apply it to the app::

    from aws_cdk import Validations
    from emr_studio_role import EmrStudioChecks

    Validations.of(app).add_plugins(EmrStudioChecks())

``app.synth()`` (and ``cdk synth``) then fails with a validation report when a
rule is broken.  A finding is acknowledged like any CDK validation, on the
resource's construct or an ancestor, with the plugin's namespace::

    Validations.of(role).acknowledge(
        Acknowledgment(id="EmrStudioChecks::EmrStudio-TrustConditions", reason="...")
    )

Rules (AWS's page "Create an EMR Studio service role"):

``EmrStudio-TrustConditions``
    An ``AWS::IAM::Role`` whose trust policy allows ``elasticmapreduce.amazonaws.com``
    in a statement without both the ``aws:SourceAccount`` and the ``aws:SourceArn``
    condition (page, step 1, against the confused deputy); a Studio's ``UserRole`` (IAM
    Identity Center), whose trust AWS's user-permissions page gives without them, is not
    checked by this rule nor the next.  Each key must be under a
    matching operator (``StringEquals``/``StringLike``/``ArnEquals``/``ArnLike``, not
    ``...IfExists``) and must not leave the account open (a ``*`` or ``?`` in the
    account).
``EmrStudio-GuardedStatements``
    An EMR Studio policy that lacks ``AllowAddingEMRTagsDuringDefaultSecurityGroupCreation``
    or ``AllowAddingTagsDuringEC2ENICreation`` exactly as the page has them (page, step 2:
    "you must not change the following statements").  An EMR Studio policy is the set of
    policies of a role that is the ``ServiceRole`` of an ``AWS::EMR::Studio`` (unless it
    has no ``ec2:`` action at all: that is the page's "Minimum service role for EMR
    Serverless"), or of a role trusted by EMR whose policies hold one of the page's EC2
    statements (by Sid, or by the same actions and condition).  "Exactly" means the same
    Sid, effect, actions, condition and resource: ``arn:<partition>:ec2:*:*:security-group/*``
    and ``arn:<partition>:ec2:*:*:network-interface/*``, where only the partition may be
    the stack's (a partition name or ``Ref AWS::Partition``); a region or account narrowed
    from the page's ``*``, or any other change, is reported.
``EmrStudio-DefaultS3LocationGrant``
    An ``AWS::EMR::Studio`` whose ``DefaultS3Location`` (bucket and prefix) is not
    granted ``s3:PutObject`` and ``s3:GetObject`` on its objects by its service role's
    policies (page, step 3).  Only Allow statements with ``Action`` and ``Resource``
    count; their conditions, Deny statements and boundaries are not evaluated.
``EmrStudio-NetworkTagged``
    An ``AWS::EMR::Studio`` whose ``VpcId``, ``SubnetIds``, ``WorkspaceSecurityGroupId``
    or ``EngineSecurityGroupId`` does not carry the tag
    ``for-use-with-amazon-emr-managed-policies=true`` (page, step 2: the role's
    conditions deny the Studio otherwise).  A tag counts when it is in the resource's
    ``Tags`` in the app, or when a tagging custom resource of the app (``Custom::AWS``
    whose Create call is EC2 ``createTags`` with that tag, as
    ``tag_imported_resources=True`` makes) names the id.  A resource of the app without
    the tag is an error.  An id the app neither creates nor tags (an imported VPC,
    subnet or security group) is reported with severity ``warning``: the report shows
    it, synth does not fail; acknowledge it once the resource is tagged.

Severities: every finding is an ``error`` (fails synth unless acknowledged), except
the imported-id findings of ``EmrStudio-NetworkTagged``, which are ``warning``.

A role's policies are its inline ``Policies``, the ``AWS::IAM::Policy``,
``AWS::IAM::RolePolicy`` and ``AWS::IAM::ManagedPolicy`` resources that name it,
and its ``ManagedPolicyArns`` found in the app.  Intrinsics are followed where
their meaning is certain: ``Ref`` and ``Fn::GetAtt`` of resources in the same
template, ``Fn::Join``, ``Fn::Sub``, ``Fn::ImportValue`` of another stack's
export and ``Fn::GetStackOutput`` of another stack's output (CDK's cross-stack
references; the stack is found by its template's file name), pseudo parameters,
and literal ARNs and names (a bucket's literal ``BucketName``, a role's literal
``RoleName``).  Any other value (a parameter, ``Fn::Select``...) is kept as an
opaque token that only matches itself, so the check reports rather than guesses;
acknowledge such a finding if you know better.
A policy that is not in the app (an AWS managed policy) cannot be read; findings
name it.

Why a CDK Validations plugin and not a cdk-nag 3 rule pack
    The rules need the whole app: which policies attach to a role, which role a
    Studio uses, across stacks (``Fn::ImportValue``, ``Fn::GetStackOutput``).  The
    synthesized templates have all of it, in the form that is deployed.  A cdk-nag 3
    ``NagPack`` subclass sees one ``CfnResource`` at a time, through a jsii callback
    per resource and rule, and would have to walk the construct tree and resolve
    tokens itself to find the rest; its rules are jsii interface implementations,
    awkward from Python.  The plugin is plain Python on parsed JSON: each rule is a
    pure function of a template's resources (``check_trust``,
    ``check_guarded_statements``, ``check_default_s3_location``,
    ``check_studio_network_tags``; ``check_templates``
    runs them all, without CDK), and it reports into the same ``Validations`` report,
    with the same acknowledgments, as the cdk-nag 3 packs.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

import jsii
from aws_cdk import (
    IPolicyValidationContext,
    IPolicyValidationPlugin,
    PolicyValidationPluginReport,
    PolicyViolatingResource,
    PolicyViolation,
)

from . import statements as st

PLUGIN_NAME = "EmrStudioChecks"
PLUGIN_VERSION = "0.1.0"

RULE_TRUST = "EmrStudio-TrustConditions"
RULE_GUARDED = "EmrStudio-GuardedStatements"
RULE_S3 = "EmrStudio-DefaultS3LocationGrant"
RULE_NETWORK = "EmrStudio-NetworkTagged"
RULE_IDS: Tuple[str, ...] = (RULE_TRUST, RULE_GUARDED, RULE_S3, RULE_NETWORK)

#: A finding's severity in the validation report.  ``error`` fails synth (unless
#: acknowledged); ``warning`` is printed in the report and does not fail synth
#: (CDK's strict construct-library mode excepted).
ERROR = "error"
WARNING = "warning"

FIXES = {
    RULE_TRUST: (
        "Add the page's trust conditions: StringEquals aws:SourceAccount = <account-id> and "
        "ArnLike aws:SourceArn = arn:<partition>:elasticmapreduce:<region>:<account-id>:* "
        "(emr_studio_role.EmrStudioServiceRole does this)."
    ),
    RULE_GUARDED: (
        "Keep both statements exactly as AWS's page has them (Sid, actions, condition, "
        "resource); do not edit or drop them (emr_studio_role.EmrStudioServiceRole adds them)."
    ),
    RULE_S3: (
        "Grant the service role s3:PutObject and s3:GetObject (with s3:DeleteObject, "
        "s3:ListBucket, s3:GetEncryptionConfiguration) on the Studio's DefaultS3Location, e.g. "
        "EmrStudioServiceRole(bucket=..., prefix=...) or add_storage_location()."
    ),
    RULE_NETWORK: (
        "Tag the Studio's VPC, subnets and security groups with "
        "for-use-with-amazon-emr-managed-policies=true: pass them to EmrStudioServiceRole "
        "(vpc=, subnets=, security_groups=), with tag_imported_resources=True for imported ones, "
        "or tag them yourself and acknowledge the finding."
    ),
}

Json = Any
Template = Mapping[str, Json]


@dataclass(frozen=True)
class Finding:
    """One broken rule, on one resource of one template."""

    rule: str
    template: str
    logical_id: str
    location: str
    message: str
    #: ``"error"`` (fails synth) or ``"warning"`` (reported only).
    severity: str = ERROR


# ---------------------------------------------------------------------------
# Values: intrinsics rendered as text, references followed.
# ---------------------------------------------------------------------------

_PSEUDO = {"AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com"}


@dataclass
class AppTemplates:
    """The app's templates, by path, with the exports that link them."""

    templates: Mapping[str, Template]
    #: Export name -> (template, the output's value).
    exports: Dict[str, Tuple[str, Json]] = field(default_factory=dict)
    #: Stack name -> template: from the cloud assembly's manifest when given, else
    #: the template's file name (``<artifact id>.template.json``).
    stacks: Dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for path, template in self.templates.items():
            self.stacks.setdefault(os.path.basename(path).replace(".template.json", ""), path)
            for output in (template.get("Outputs") or {}).values():
                name = (output.get("Export") or {}).get("Name")
                if isinstance(name, str):
                    self.exports[name] = (path, output.get("Value"))

    def stack_output(self, stack_name: str, output_name: str) -> Optional[Tuple[str, Json]]:
        """The value of ``Fn::GetStackOutput`` of another stack of the app."""
        path = self.stacks.get(stack_name)
        if path is None:
            return None
        output = (self.templates[path].get("Outputs") or {}).get(output_name)
        return None if output is None else (path, output.get("Value"))

    def resources(self, path: str) -> Mapping[str, Json]:
        return self.templates[path].get("Resources") or {}

    def all_resources(self, type_: Optional[str] = None) -> Iterable[Tuple[str, str, Json]]:
        for path in self.templates:
            for logical_id, resource in self.resources(path).items():
                if type_ is None or resource.get("Type") == type_:
                    yield path, logical_id, resource


def _props(resource: Json) -> Mapping[str, Json]:
    return (resource or {}).get("Properties") or {}


def _as_list(value: Json) -> List[Json]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


class _Renderer:
    """Renders a CloudFormation value as text, in one template of the app.

    Buckets render as their literal name, else ``${<template>#<logical id>}``; other
    references as ``${<template>#<logical id>[.attr]}``; pseudo parameters as
    ``aws`` / ``amazonaws.com`` or ``${AWS.Region}``...; anything else as an opaque
    ``${~<hash>}`` token that only matches itself.
    """

    def __init__(self, app: Optional[AppTemplates], path: str) -> None:
        self.app = app
        self.path = path

    def _resource(self, logical_id: str) -> Optional[Json]:
        if self.app is None:
            return None
        return self.app.resources(self.path).get(logical_id)

    def _ref(self, name: str) -> str:
        if name in _PSEUDO:
            return _PSEUDO[name]
        if name.startswith("AWS::"):
            return "${AWS." + name[len("AWS::") :] + "}"
        resource = self._resource(name)
        if resource is not None and resource.get("Type") == "AWS::S3::Bucket":
            literal = _props(resource).get("BucketName")
            if isinstance(literal, str):
                return literal
        return "${" + f"{os.path.basename(self.path)}#{name}" + "}"

    def _get_att(self, logical_id: str, attr: str) -> str:
        resource = self._resource(logical_id)
        if resource is not None and resource.get("Type") == "AWS::S3::Bucket" and attr == "Arn":
            return "arn:aws:s3:::" + self._ref(logical_id)
        return "${" + f"{os.path.basename(self.path)}#{logical_id}.{attr}" + "}"

    def render(self, value: Json) -> str:
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float)):
            return str(value)
        if isinstance(value, dict) and len(value) == 1:
            (fn, arg), = value.items()
            if fn == "Ref" and isinstance(arg, str):
                return self._ref(arg)
            if fn == "Fn::GetAtt":
                parts = arg.split(".", 1) if isinstance(arg, str) else arg
                if isinstance(parts, list) and len(parts) == 2 and all(isinstance(p, str) for p in parts):
                    return self._get_att(parts[0], parts[1])
            if fn == "Fn::Join" and isinstance(arg, list) and len(arg) == 2:
                sep, parts = arg
                if isinstance(sep, str) and isinstance(parts, list):
                    return sep.join(self.render(p) for p in parts)
            if fn == "Fn::Sub":
                return self._sub(arg)
            if fn in ("Fn::ImportValue", "Fn::GetStackOutput"):
                target = self._import(fn, arg)
                if target is not None:
                    path, exported = target
                    return _Renderer(self.app, path).render(exported)
        return _opaque(value)

    def _import(self, fn: str, arg: Json) -> Optional[Tuple[str, Json]]:
        """Where ``Fn::ImportValue`` / ``Fn::GetStackOutput`` leads, in the app."""
        if self.app is None:
            return None
        if fn == "Fn::ImportValue":
            return self.app.exports.get(self.render(arg))
        if isinstance(arg, dict):
            return self.app.stack_output(
                self.render(arg.get("StackName")), self.render(arg.get("OutputName"))
            )
        return None

    def _sub(self, arg: Json) -> str:
        text, variables = (arg, {}) if isinstance(arg, str) else (arg + [{}])[:2]
        if not isinstance(text, str) or not isinstance(variables, dict):
            return _opaque({"Fn::Sub": arg})

        def one(m: re.Match) -> str:
            name = m.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                return self.render(variables[name])
            if "." in name:
                logical_id, attr = name.split(".", 1)
                return self._get_att(logical_id, attr)
            return self._ref(name)

        return re.sub(r"\$\{([^}]+)\}", one, text)

    # ------------------------------------------------------------ references

    def target(self, value: Json) -> Optional[Tuple[str, str]]:
        """The resource ``(template, logical id)`` a value refers to, if there is one."""
        if isinstance(value, dict) and len(value) == 1:
            (fn, arg), = value.items()
            if fn == "Ref" and isinstance(arg, str) and self._resource(arg) is not None:
                return self.path, arg
            if fn == "Fn::GetAtt":
                parts = arg.split(".", 1) if isinstance(arg, str) else arg
                if isinstance(parts, list) and parts and self._resource(parts[0]) is not None:
                    return self.path, parts[0]
            if fn in ("Fn::ImportValue", "Fn::GetStackOutput"):
                found = self._import(fn, arg)
                if found is not None:
                    return _Renderer(self.app, found[0]).target(found[1])
            if fn in ("Fn::Join", "Fn::Sub"):
                # An ARN built around one resource reference (e.g. a role ARN from its name).
                refs = {t for t in (self.target(v) for v in _references(value)) if t is not None}
                if len(refs) == 1:
                    return refs.pop()
        return None


def _opaque(value: Json) -> str:
    """A token that only matches itself: no ``:``, ``/``, ``*`` or ``?`` to confuse ARN parsing."""
    digest = hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:16]
    return "${~" + digest + "}"


def _references(value: Json) -> Iterable[Json]:
    """The references inside a value: Ref, Fn::GetAtt (``${X}`` of Fn::Sub too) and
    cross-stack references."""
    if isinstance(value, dict):
        if len(value) == 1:
            (fn, arg), = value.items()
            if fn in ("Ref", "Fn::GetAtt", "Fn::ImportValue", "Fn::GetStackOutput"):
                yield value
                return
            if fn == "Fn::Sub":
                text = arg if isinstance(arg, str) else (arg[0] if isinstance(arg, list) else "")
                if isinstance(text, str):
                    for name in re.findall(r"\$\{([^!}][^}]*)\}", text):
                        if "." in name:
                            yield {"Fn::GetAtt": name.split(".", 1)}
                        elif not name.startswith("AWS::"):
                            yield {"Ref": name}
                return
        for v in value.values():
            yield from _references(v)
    elif isinstance(value, list):
        for v in value:
            yield from _references(v)


# ---------------------------------------------------------------------------
# Roles and their policies.
# ---------------------------------------------------------------------------


#: A statement with its values resolved in its own template: ``Action``, ``Resource``
#: (and ``Not...``) as lists of text, ``Condition`` as ``{operator: {key: [text]}}``.
Statement = Mapping[str, Json]


@dataclass(frozen=True)
class RolePolicies:
    """The resolved statements of every policy a role has in the app, and the
    policies that are not in the app (so could not be read)."""

    statements: Tuple[Statement, ...]
    unreadable: Tuple[str, ...] = ()


def resolve_statement(statement: Mapping[str, Json], renderer: Optional[_Renderer] = None) -> Statement:
    """A statement with its intrinsics rendered as text, in the template it comes from."""
    renderer = renderer or _Renderer(None, "")
    out: Dict[str, Json] = {}
    for key, value in statement.items():
        if key in ("Action", "NotAction", "Resource", "NotResource"):
            out[key] = [renderer.render(v) for v in _as_list(value)]
        elif key == "Condition" and isinstance(value, dict):
            out[key] = {
                op: (
                    {k: [renderer.render(x) for x in _as_list(v)] for k, v in block.items()}
                    if isinstance(block, dict)
                    else renderer.render(block)
                )
                for op, block in value.items()
            }
        elif key in ("Sid", "Effect"):
            out[key] = renderer.render(value)
        else:
            out[key] = value
    return out


def _statements_of(document: Json, renderer: Optional[_Renderer] = None) -> List[Statement]:
    if not isinstance(document, dict):
        return []
    return [
        resolve_statement(s, renderer)
        for s in _as_list(document.get("Statement"))
        if isinstance(s, dict)
    ]


def _find_role_by_name(app: AppTemplates, name: str) -> Optional[Tuple[str, str]]:
    for path, logical_id, role in app.all_resources("AWS::IAM::Role"):
        if _props(role).get("RoleName") == name:
            return path, logical_id
    return None


def _role_target(app: AppTemplates, path: str, value: Json) -> Optional[Tuple[str, str]]:
    """The role a role name, role ARN, Ref or GetAtt points to, if it is in the app."""
    found = _Renderer(app, path).target(value)
    if found is not None:
        is_role = app.resources(found[0])[found[1]].get("Type") == "AWS::IAM::Role"
        return found if is_role else None
    if isinstance(value, str):
        name = value.rsplit("/", 1)[-1] if value.startswith("arn:") else value
        return _find_role_by_name(app, name)
    return None


def role_policies(app: AppTemplates, role_key: Tuple[str, str]) -> RolePolicies:
    """Everything the app attaches to one role (see the module docstring)."""
    path, logical_id = role_key
    role = app.resources(path)[logical_id]
    renderer = _Renderer(app, path)
    statements: List[Statement] = []
    unreadable: List[str] = []
    for inline in _as_list(_props(role).get("Policies")):
        if isinstance(inline, dict):
            statements += _statements_of(inline.get("PolicyDocument"), renderer)
    attached_managed = set()
    for p_path, p_id, policy in app.all_resources():
        type_ = policy.get("Type")
        props = _props(policy)
        if type_ in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            names = _as_list(props.get("Roles"))
        elif type_ == "AWS::IAM::RolePolicy":
            names = [props.get("RoleName")]
        else:
            continue
        if any(_role_target(app, p_path, n) == role_key for n in names):
            statements += _statements_of(props.get("PolicyDocument"), _Renderer(app, p_path))
            attached_managed.add((p_path, p_id))
    for arn in _as_list(_props(role).get("ManagedPolicyArns")):
        target = renderer.target(arn)
        if target is None and isinstance(arn, str):
            name = arn.rsplit("/", 1)[-1]
            target = next(
                (
                    (p, i)
                    for p, i, r in app.all_resources("AWS::IAM::ManagedPolicy")
                    if _props(r).get("ManagedPolicyName") == name
                ),
                None,
            )
        if target is None:
            unreadable.append(renderer.render(arn))
        elif target not in attached_managed:
            attached_managed.add(target)
            managed = app.resources(target[0])[target[1]]
            if managed.get("Type") == "AWS::IAM::ManagedPolicy":
                statements += _statements_of(
                    _props(managed).get("PolicyDocument"), _Renderer(app, target[0])
                )
            else:
                unreadable.append(renderer.render(arn))
    return RolePolicies(tuple(statements), tuple(unreadable))


# ---------------------------------------------------------------------------
# Rule (a): the trust policy's confused-deputy conditions.
# ---------------------------------------------------------------------------

_POSITIVE_OPERATORS = {"stringequals", "stringlike", "arnequals", "arnlike"}


def _trusts_emr(statement: Statement) -> bool:
    if statement.get("Effect") != "Allow":
        return False
    principal = statement.get("Principal")
    if not isinstance(principal, dict):
        return False
    renderer = _Renderer(None, "")
    services = {renderer.render(s) for s in _as_list(principal.get("Service"))}
    # elasticmapreduce.<URL suffix>: the ``.cn`` name in aws-cn (``AWS::URLSuffix`` renders
    # as ``amazonaws.com`` here).
    return bool(services & {st.EMR_SERVICE_PRINCIPAL, st.EMR_SERVICE_PRINCIPAL + ".cn"})


def _condition_values(condition: Json, key: str) -> List[str]:
    """Values of ``key`` under positive operators (condition keys are case-insensitive)."""
    values: List[str] = []
    if not isinstance(condition, dict):
        return values
    for operator, block in condition.items():
        if operator.lower() not in _POSITIVE_OPERATORS or not isinstance(block, dict):
            continue
        for k, v in block.items():
            if k.lower() == key.lower():
                values += list(v)
    return values


def _account_open(value: str, arn: bool) -> bool:
    if arn:
        parts = value.split(":", 5)
        account = parts[4] if len(parts) == 6 else value
    else:
        account = value
    return account == "" or "*" in account or "?" in account


def check_trust(logical_id: str, role: Json, template: str = "") -> List[Finding]:
    """Rule ``EmrStudio-TrustConditions`` for one ``AWS::IAM::Role`` resource."""
    findings = []
    document = _props(role).get("AssumeRolePolicyDocument")
    for index, statement in enumerate(_statements_of(document)):
        if not _trusts_emr(statement):
            continue
        condition = statement.get("Condition")
        missing = []
        for key, is_arn in (("aws:SourceAccount", False), ("aws:SourceArn", True)):
            values = _condition_values(condition, key)
            if not values or any(_account_open(v, is_arn) for v in values):
                missing.append(key)
        if missing:
            findings.append(
                Finding(
                    RULE_TRUST,
                    template,
                    logical_id,
                    f"Properties/AssumeRolePolicyDocument/Statement/{index}",
                    f"Role {logical_id} trusts {st.EMR_SERVICE_PRINCIPAL} without "
                    f"{' and '.join(missing)} (each under StringEquals/StringLike/ArnEquals/"
                    "ArnLike, naming one account): AWS's page requires both against the "
                    "confused deputy problem.",
                )
            )
    return findings


# ---------------------------------------------------------------------------
# Rule (b): the page's guarded statements.
# ---------------------------------------------------------------------------

_PAGE_EC2_STATEMENTS = tuple(
    spec for spec in st.PAGE_STATEMENTS if any(a.startswith("ec2:") for a in spec.actions)
)
_PAGE_EC2_SIDS = frozenset(spec.sid for spec in _PAGE_EC2_STATEMENTS)


def _actions(statement: Statement) -> frozenset:
    """IAM actions are case-insensitive."""
    return frozenset(a.lower() for a in statement.get("Action", ()))


def _condition(statement: Statement) -> Dict[str, Dict[str, Tuple[str, ...]]]:
    """The condition with keys lower-cased (IAM condition keys are case-insensitive)
    and values as sorted tuples; an empty condition is no condition."""
    out: Dict[str, Dict[str, Tuple[str, ...]]] = {}
    condition = statement.get("Condition")
    if not isinstance(condition, dict):
        return out
    for operator, block in condition.items():
        if isinstance(block, dict):
            if block:
                out[operator] = {k.lower(): tuple(sorted(v)) for k, v in block.items()}
        else:
            out[operator] = {"": (block,)}
    return out


def _spec_condition(spec: st.StatementSpec) -> Dict[str, Dict[str, Tuple[str, ...]]]:
    return {op: {k.lower(): (v,) for k, v in block.items()} for op, block in spec.condition.items()}


def _is_page_ec2_statement(statement: Statement) -> bool:
    if statement.get("Sid") in _PAGE_EC2_SIDS:
        return True
    return any(
        _actions(statement) == frozenset(a.lower() for a in spec.actions)
        and _condition(statement) == _spec_condition(spec)
        for spec in _PAGE_EC2_STATEMENTS
    )


#: AWS's partitions (``aws_cdk.region_info``; tests/unit/test_checks.py keeps this in step).
PARTITIONS = frozenset(
    ("aws", "aws-cn", "aws-eusc", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-us-gov")
)


def _resource_as_page(rendered: str, pattern: st.ArnPattern) -> bool:
    """Exactly the page's ``arn:aws:<service>:*:*:<resource>/*``: only the partition may
    differ (a partition's name, or ``Ref AWS::Partition``, which renders as ``aws``);
    region and account are the page's ``*``, never narrowed."""
    parts = rendered.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[1] not in PARTITIONS:
        return False
    expected = f"{pattern.resource}{pattern.separator}{pattern.resource_name}"
    return parts[2] == pattern.service and parts[3:] == ["*", "*", expected]


def _matches_guarded(statement: Statement, spec: st.StatementSpec) -> bool:
    if statement.get("Sid") != spec.sid or statement.get("Effect") != "Allow":
        return False
    if set(statement) - {"Sid", "Effect", "Action", "Resource", "Condition"}:
        return False  # NotAction, NotResource, Principal...
    if _actions(statement) != frozenset(a.lower() for a in spec.actions):
        return False
    if _condition(statement) != _spec_condition(spec):
        return False
    resources = list(statement.get("Resource", ()))
    patterns = [r for r in spec.resources if isinstance(r, st.ArnPattern)]
    return len(resources) == len(patterns) and all(
        any(_resource_as_page(r, p) for p in patterns) for r in resources
    )


def is_studio_policy(statements: Sequence[Statement]) -> bool:
    """True when the statements hold one of the page's EC2 statements (by Sid or by content)."""
    return any(_is_page_ec2_statement(s) for s in statements)


def check_guarded_statements(
    logical_id: str, policies: RolePolicies, template: str = ""
) -> List[Finding]:
    """Rule ``EmrStudio-GuardedStatements`` for the policies of one EMR Studio role."""
    findings = []
    for spec in st.GUARDED_STATEMENTS:
        same_sid = [s for s in policies.statements if s.get("Sid") == spec.sid]
        if any(_matches_guarded(s, spec) for s in same_sid):
            continue
        state = "altered" if same_sid else "missing"
        unread = (
            f" (policies not in the app, not read: {', '.join(policies.unreadable)})"
            if policies.unreadable
            else ""
        )
        findings.append(
            Finding(
                RULE_GUARDED,
                template,
                logical_id,
                "Properties",
                f"The EMR Studio policy of role {logical_id} has the page's guarded statement "
                f"'{spec.sid}' {state}{unread}: AWS's page says it must not be changed.",
            )
        )
    return findings


def _has_ec2_action(statements: Sequence[Statement]) -> bool:
    return any(
        a.startswith("ec2:") or _iam_match(a, "ec2:createnetworkinterface")
        for s in statements
        if s.get("Effect") == "Allow"
        for a in _actions(s)
    )


# ---------------------------------------------------------------------------
# Rule (c): the Studio's default S3 location is granted to its service role.
# ---------------------------------------------------------------------------

#: Object keys under the Studio's prefix that a grant must cover (characters no
#: policy names literally, so only a wildcard covers them).
_PROBES = ("\x01emr-studio-probe", "\x02workspace/\x03notebook.ipynb")
S3_OBJECT_ACTIONS_NEEDED: Tuple[str, ...] = ("s3:putobject", "s3:getobject")


def parse_s3_location(rendered: str) -> Optional[Tuple[str, str]]:
    """``s3://bucket/prefix`` -> ``(bucket, prefix)``, the prefix ending in ``/`` unless empty."""
    if not rendered.startswith("s3://"):
        return None
    bucket, _, prefix = rendered[len("s3://") :].partition("/")
    if not bucket:
        return None
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    return bucket, prefix


def _iam_match(pattern: str, value: str) -> bool:
    """IAM's wildcard match: ``*`` any run, ``?`` one character, nothing else special."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, flags=re.DOTALL) is not None


def granted_object_actions(statements: Sequence[Statement], bucket: str, prefix: str) -> List[str]:
    """Which of s3:PutObject / s3:GetObject the statements allow on every object under the location."""
    granted = []
    objects = [f"arn:aws:s3:::{bucket}/{prefix}{probe}" for probe in _PROBES]
    for action in S3_OBJECT_ACTIONS_NEEDED:
        for s in statements:
            if s.get("Effect") != "Allow" or "Action" not in s or "Resource" not in s:
                continue
            if not any(_iam_match(a, action) for a in _actions(s)):
                continue
            patterns = s["Resource"]
            if all(any(_iam_match(p, o) for p in patterns) for o in objects):
                granted.append(action)
                break
    return granted


def check_default_s3_location(
    logical_id: str,
    studio: Json,
    policies: Optional[RolePolicies],
    template: str = "",
    renderer: Optional[_Renderer] = None,
) -> List[Finding]:
    """Rule ``EmrStudio-DefaultS3LocationGrant`` for one ``AWS::EMR::Studio``.

    ``policies`` are its service role's (``None`` when the role is not in the app);
    ``renderer`` resolves the Studio's own properties in its template.
    """
    renderer = renderer or _Renderer(None, template)
    location = renderer.render(_props(studio).get("DefaultS3Location"))
    parsed = parse_s3_location(location)
    where = "Properties/DefaultS3Location"
    if parsed is None:
        return [
            Finding(RULE_S3, template, logical_id, where,
                    f"Studio {logical_id}: DefaultS3Location {location!r} is not an s3:// URI.")
        ]
    if policies is None:
        role = renderer.render(_props(studio).get("ServiceRole"))
        return [
            Finding(RULE_S3, template, logical_id, "Properties/ServiceRole",
                    f"Studio {logical_id}: its service role {role} is not in the app, so the "
                    f"grant on {location} cannot be checked.")
        ]
    bucket, prefix = parsed
    granted = granted_object_actions(policies.statements, bucket, prefix)
    missing = [a for a in S3_OBJECT_ACTIONS_NEEDED if a not in granted]
    if not missing:
        return []
    unread = (
        f" (policies not in the app, not read: {', '.join(policies.unreadable)})"
        if policies.unreadable
        else ""
    )
    names = {"s3:putobject": "s3:PutObject", "s3:getobject": "s3:GetObject"}
    return [
        Finding(
            RULE_S3,
            template,
            logical_id,
            where,
            f"Studio {logical_id}: its service role's policies do not allow "
            f"{' and '.join(names[m] for m in missing)} on the objects of its "
            f"DefaultS3Location {location}{unread}.",
        )
    ]


# ---------------------------------------------------------------------------
# Rule (d): the Studio's VPC, subnets and security groups carry the EMR tag.
# ---------------------------------------------------------------------------

#: The Studio's network properties, and the resource type each one names.
STUDIO_NETWORK_PROPERTIES: Tuple[Tuple[str, str], ...] = (
    ("VpcId", "AWS::EC2::VPC"),
    ("SubnetIds", "AWS::EC2::Subnet"),
    ("WorkspaceSecurityGroupId", "AWS::EC2::SecurityGroup"),
    ("EngineSecurityGroupId", "AWS::EC2::SecurityGroup"),
)
_TAG_CALL_ACTIONS = frozenset({"createtags"})


def _has_emr_tag(resource: Json) -> bool:
    """The resource's own ``Tags`` hold ``for-use-with-amazon-emr-managed-policies=true``."""
    return any(
        isinstance(tag, dict) and tag.get("Key") == st.EMR_TAG_KEY and tag.get("Value") == st.EMR_TAG_VALUE
        for tag in _as_list(_props(resource).get("Tags"))
    )


def tagged_by_custom_resources(app: AppTemplates) -> frozenset:
    """The ids that an ``AwsCustomResource`` (``Custom::AWS``) of the app tags with the EMR
    tag when it is created: EC2 ``createTags`` with the tag key and value ``true``.

    Ids are rendered in the custom resource's template, so a literal id is itself and a
    reference is the same ``${...}`` text as the Studio's reference to the same thing.
    """
    out = set()
    for path, _, resource in app.all_resources("Custom::AWS"):
        rendered = _Renderer(app, path).render(_props(resource).get("Create"))
        try:
            call = json.loads(rendered)
        except ValueError:
            continue
        if not isinstance(call, dict) or str(call.get("service", "")).lower() != "ec2":
            continue
        if str(call.get("action", "")).lower() not in _TAG_CALL_ACTIONS:
            continue
        parameters = call.get("parameters") or {}
        tags = parameters.get("Tags") or []
        if not any(
            isinstance(t, dict) and t.get("Key") == st.EMR_TAG_KEY and t.get("Value") == st.EMR_TAG_VALUE
            for t in tags
        ):
            continue
        out.update(r for r in _as_list(parameters.get("Resources")) if isinstance(r, str))
    return frozenset(out)


def check_studio_network_tags(
    logical_id: str,
    studio: Json,
    template: str = "",
    renderer: Optional[_Renderer] = None,
    tagged_ids: Iterable[str] = (),
) -> List[Finding]:
    """Rule ``EmrStudio-NetworkTagged`` for one ``AWS::EMR::Studio``.

    Each of its ``VpcId``, ``SubnetIds``, ``WorkspaceSecurityGroupId`` and
    ``EngineSecurityGroupId`` must carry the EMR tag, which the page's conditions
    require at run time: a resource of the app through its ``Tags``, any id through a
    tagging custom resource (``tagged_ids``, see :func:`tagged_by_custom_resources`).
    A resource of the app without the tag is an error.  An id that is not a resource of
    the app (imported) and that no custom resource tags is a warning: its tag cannot be
    seen here.
    """
    renderer = renderer or _Renderer(None, template)
    tagged = frozenset(tagged_ids)
    findings = []
    for prop, type_ in STUDIO_NETWORK_PROPERTIES:
        raw = _props(studio).get(prop)
        if raw is None:
            continue
        values = raw if isinstance(raw, list) else [raw]
        if prop == "SubnetIds" and not isinstance(raw, list):
            findings.append(
                Finding(
                    RULE_NETWORK, template, logical_id, f"Properties/{prop}",
                    f"Studio {logical_id}: {prop} is {renderer.render(raw)}, not a list of ids, so "
                    f"whether each subnet carries the tag {st.EMR_TAG_KEY}={st.EMR_TAG_VALUE} "
                    "cannot be checked.",
                    WARNING,
                )
            )
            continue
        for index, value in enumerate(values):
            where = f"Properties/{prop}" + (f"/{index}" if prop == "SubnetIds" else "")
            shown = renderer.render(value)
            if shown in tagged:
                continue
            target = renderer.target(value)
            resource = None
            if target is not None and renderer.app is not None:
                resource = renderer.app.resources(target[0])[target[1]]
            if resource is not None and resource.get("Type") == type_:
                if _has_emr_tag(resource):
                    continue
                findings.append(
                    Finding(
                        RULE_NETWORK, template, logical_id, where,
                        f"Studio {logical_id}: its {prop} {target[1]} ({type_}) does not carry the "
                        f"tag {st.EMR_TAG_KEY}={st.EMR_TAG_VALUE}, so the EMR Studio service "
                        "role's conditions deny the Studio at run time (AWS's page, step 2).",
                    )
                )
                continue
            findings.append(
                Finding(
                    RULE_NETWORK, template, logical_id, where,
                    f"Studio {logical_id}: its {prop} {shown} is not a resource of the app and no "
                    f"tagging custom resource of the app tags it with {st.EMR_TAG_KEY}="
                    f"{st.EMR_TAG_VALUE}; unless it already carries that tag, the EMR Studio "
                    "service role's conditions deny the Studio at run time (AWS's page, step 2).",
                    WARNING,
                )
            )
    return findings


# ---------------------------------------------------------------------------
# The whole app.
# ---------------------------------------------------------------------------


def check_templates(
    templates: Mapping[str, Template], stacks: Optional[Mapping[str, str]] = None
) -> List[Finding]:
    """All four rules over an app's synthesized templates, by path (no CDK needed).

    ``stacks`` maps stack names to template paths (see :func:`stack_names`), for
    ``Fn::GetStackOutput``; by default a template's file name is its stack's name.
    """
    app = AppTemplates(templates, stacks=dict(stacks or {}))
    findings: List[Finding] = []
    studio_roles: Dict[Tuple[str, str], List[Tuple[str, str]]] = {}
    studios = list(app.all_resources("AWS::EMR::Studio"))
    user_roles = set()
    for path, logical_id, studio in studios:
        role = _role_target(app, path, _props(studio).get("ServiceRole"))
        if role is not None:
            studio_roles.setdefault(role, []).append((path, logical_id))
        user_role = _role_target(app, path, _props(studio).get("UserRole"))
        if user_role is not None:
            user_roles.add(user_role)

    for path, logical_id, role in app.all_resources("AWS::IAM::Role"):
        key = (path, logical_id)
        if key in user_roles and key not in studio_roles:
            # A Studio's user role (IAM Identity Center): AWS's user-permissions page gives
            # its trust without the confused-deputy conditions, and its policies are the
            # page's user policies; the service role's rules do not apply to it.
            continue
        findings += check_trust(logical_id, role, path)
        trusted = any(_trusts_emr(s) for s in _statements_of(_props(role).get("AssumeRolePolicyDocument")))
        if key not in studio_roles and not trusted:
            continue
        policies = role_policies(app, key)
        if key in studio_roles:
            checked = _has_ec2_action(policies.statements)
        else:
            checked = is_studio_policy(policies.statements)
        if checked:
            findings += check_guarded_statements(logical_id, policies, path)

    for path, logical_id, studio in studios:
        role = _role_target(app, path, _props(studio).get("ServiceRole"))
        policies = role_policies(app, role) if role is not None else None
        findings += check_default_s3_location(
            logical_id, studio, policies, path, _Renderer(app, path)
        )
    if studios:
        tagged = tagged_by_custom_resources(app)
        for path, logical_id, studio in studios:
            findings += check_studio_network_tags(
                logical_id, studio, path, _Renderer(app, path), tagged
            )
    return findings


def load_templates(paths: Iterable[str]) -> Dict[str, Template]:
    """The templates at ``paths``, parsed."""
    out = {}
    for path in paths:
        with open(path, encoding="utf-8") as f:
            out[path] = json.load(f)
    return out


def stack_names(paths: Iterable[str]) -> Dict[str, str]:
    """Stack name -> template path, from the ``manifest.json`` beside the templates."""
    out: Dict[str, str] = {}
    for directory in sorted({os.path.dirname(p) for p in paths}):
        manifest = os.path.join(directory, "manifest.json")
        if not os.path.exists(manifest):
            continue
        with open(manifest, encoding="utf-8") as f:
            artifacts = json.load(f).get("artifacts") or {}
        for artifact_id, artifact in artifacts.items():
            props = artifact.get("properties") or {}
            if artifact.get("type") == "aws:cloudformation:stack" and "templateFile" in props:
                name = props.get("stackName") or artifact_id
                out[name] = os.path.join(directory, props["templateFile"])
    return out


@jsii.implements(IPolicyValidationPlugin)
class EmrStudioChecks:
    """The CDK Validations plugin: ``Validations.of(app).add_plugins(EmrStudioChecks())``.

    Runs :func:`check_templates` on every synthesized template of the app and
    reports each finding as a violation (see the module docstring for the rules).
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
        findings = check_templates(load_templates(paths), stack_names(paths))
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
