"""The EMR Studio user policies, built: AWS's page "Configure EMR Studio user permissions".

The page's statements are data (:mod:`emr_studio_role.user_statements`), and so are the
records about the page (:mod:`emr_studio_role.user_notes`); the size accounting is
:mod:`emr_studio_role.user_policy_size`.  All are re-exported here.  This module turns one
level of the statements into one ``iam.ManagedPolicy``, in one place.

Resources are never ARN strings with ``arn:aws``: :class:`UserResource` names what the
page means, and :func:`resolve_resource` builds it with the stack's partition, region and
account.  Where the page writes ``aws:*:*`` the resource is narrowed to the stack's region
and account, as the service role's statements are (the page: "change the * ... to specify
the ARN").  The page's placeholders become real resources:

* ``{{your-emr-studio-service-role}}``: the Studio's service role ARN;
* ``aws-logs-{{account}}-{{region}}``: the stack's account and region;
* ``serverless-runtime-role``: the EMR Serverless runtime roles you pass;
* the EMR on EKS managed endpoint and its ``emr-on-eks-execution-role``: managed
  endpoints of this account and region, for the execution roles you pass.

A statement whose placeholder you did not fill (no runtime roles, no EKS execution
roles) is left out of the policy and listed in :attr:`UserPolicy.omitted`; nothing
is widened to ``*`` in its place.

**Size.**  A user policy is one customer-managed policy: a session mapping takes exactly
one, so the same policy must serve IAM identities and Identity Center sessions alike.
Its size is bounded soundly, as the service role's are (:mod:`emr_studio_role.limits`;
a role ARN counts at the longest value it can have).  When the page's form could exceed
IAM's 6,144 characters, the policy takes its compact form (:func:`compact_statements`):
statements with the same resources and condition merged, and no Sids.  IAM allows a
request when any statement allows it, so the compact policy allows exactly the same
requests.  A policy that still could not fit is refused (:class:`UserPolicyTooLarge`),
before anything is created.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from aws_cdk import ArnFormat, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

from .arns import stack_arn, stack_value
from .limits import (
    MANAGED_POLICY_MAX_CHARS,
    ArnKind,
    Bound,
    bound_length,
    statement_bound,
)
from .reads import read
from .user_notes import BROAD_GRANTS, DEPARTURES, TABLE_NOTES, BroadGrant, Departure, TableNote
from .user_policy_size import (
    GLUE_NAME_MAX,
    ROLE_ARN_MAX,
    UserPolicyTooLarge,
    compact_statements,
    describe_statement,
    document_bound,
    glue_arn_bound,
    role_arn_bound,
)
from .user_statements import (
    ADDED,
    ADDED_SIDS,
    ADVANCED,
    ALLOW_ADDING_EMR_TAGS_DURING_DEFAULT_SG_CREATION,
    ALLOW_ADDING_TAGS_ON_SECRETS,
    ALLOW_ATHENA_SQL,
    ALLOW_CLUSTER_TEMPLATE_RELATED_INTERMEDIATE_ACTIONS,
    ALLOW_CODEWHISPERER,
    ALLOW_CONFIGURATION_FOR_WORKSPACE_COLLABORATION,
    ALLOW_DEFAULT_SG_CREATION_IN_VPC,
    ALLOW_EMR_BASIC_ACTIONS,
    ALLOW_EMR_CONTAINERS_BASIC_ACTIONS,
    ALLOW_EMR_CREATE_CLUSTER_ADVANCED_ACTIONS,
    ALLOW_PASSING_RUNTIME_ROLE,
    ALLOW_PASSING_SERVICE_ROLE,
    ALLOW_PASSING_SERVICE_ROLE_ADVANCED,
    ALLOW_RETRIEVING_MANAGED_ENDPOINT_CREDENTIALS,
    ALLOW_S3_LIST_ALL_MY_BUCKETS,
    ALLOW_S3_LIST_AND_LOCATION,
    ALLOW_S3_READ_ONLY_ACCESS_TO_LOGS,
    ALLOW_SECRET_CREATION,
    ALLOW_SECRET_MANAGER_LIST_SECRETS,
    ALLOW_SERVERLESS_ACTIONS,
    ATHENA_SCOPED_PARTS,
    BASIC,
    DESCRIBE_NETWORK,
    EKS_EXECUTION_ROLES,
    EMR_DEFAULT_ROLE_NAMES,
    INTERMEDIATE,
    LIST_IAM_ROLES,
    PASS_TO_EC2_SID,
    PASSED_TO_SERVICE,
    PLACEHOLDERS,
    POLICIES,
    SAGEMAKER_DATA_WRANGLER,
    TAG_RESOURCE_CONDITION,
    USER_LEVEL_GIT_SECRET_READ,
    USER_ROLE_TRUST_ACTIONS,
    USER_ROLE_TRUST_SERVICE,
    USER_ROLE_TRUST_SID,
    USER_SECRET_TAG_KEY,
    WILDCARD_REASONS,
    ScopedPart,
    UserPolicyLevel,
    UserResource,
    UserStatementSpec,
)


@dataclass(frozen=True)
class UserPolicyInputs:
    """What fills the page's placeholders, and the optional narrowing of broad grants."""

    #: ARN of the Studio's service role (``{{your-emr-studio-service-role}}``).
    service_role_arn: str
    #: EMR Serverless runtime roles users may pass. Default: none (statement left out).
    serverless_runtime_roles: Tuple[iam.IRole, ...] = ()
    #: EMR on EKS execution roles of managed endpoints users may use. Default: none.
    eks_execution_roles: Tuple[iam.IRole, ...] = ()
    #: The buckets the advanced policy's Athena S3 actions are narrowed to. Default: none
    #: (the page's ``*``).
    data_buckets: Tuple[s3.IBucket, ...] = ()
    #: The Glue databases the advanced policy's Athena Glue actions are narrowed to (with this
    #: account's catalog and their tables). Default: none (the page's ``*``).
    glue_databases: Tuple[str, ...] = ()
    #: ``iam:PassedToService`` on the PassRole statements of the service role and the EMR
    #: default roles (:data:`PASSED_TO_SERVICE`). Default: ``False`` (the page's form).
    restrict_pass_role: bool = False
    #: Statements appended as they are (policy JSON, tokens allowed): the user role's Git
    #: secret statements in Identity Center mode (:data:`DEPARTURES`). Default: none.
    extra_statements: Tuple[Mapping[str, Any], ...] = ()
    #: The size bound of each token string of ``extra_statements`` (ARN kind or number).
    extra_bounds: Tuple[Tuple[str, Bound], ...] = ()
    #: The bound of the service role's ARN when it is a token (default: the longest role ARN).
    service_role_bound: Optional[int] = None


def resolve_resource(stack: Stack, resource: UserResource, inputs: UserPolicyInputs) -> List[str]:
    """The ARNs (tokens where needed) that one :class:`UserResource` stands for."""
    p = stack_value(stack, "partition")
    if resource is UserResource.ANY:
        return ["*"]
    if resource is UserResource.EC2_VPC:
        return [stack_arn(stack, service="ec2", resource="vpc", resource_name="*")]
    if resource is UserResource.EC2_SECURITY_GROUP:
        return [stack_arn(stack, service="ec2", resource="security-group", resource_name="*")]
    if resource in (UserResource.EMR_STUDIO_SECRETS, UserResource.ANY_SECRET):
        name = "emr-studio-*" if resource is UserResource.EMR_STUDIO_SECRETS else "*"
        return [
            stack_arn(
                stack,
                service="secretsmanager",
                resource="secret",
                resource_name=name,
                arn_format=ArnFormat.COLON_RESOURCE_NAME,
            )
        ]
    if resource is UserResource.S3_ANY:
        return [f"arn:{p}:s3:::*"]
    if resource is UserResource.EMR_LOGS:
        return [
            f"arn:{p}:s3:::aws-logs-{stack_value(stack, 'account')}-{stack_value(stack, 'region')}"
            "/elasticmapreduce/*"
        ]
    if resource is UserResource.SERVICE_ROLE:
        return [inputs.service_role_arn]
    if resource is UserResource.EMR_DEFAULT_ROLES:
        return [_default_role_arn(stack, name) for name in EMR_DEFAULT_ROLE_NAMES]
    if resource is UserResource.SERVERLESS_RUNTIME_ROLES:
        return [r.role_arn for r in inputs.serverless_runtime_roles]
    if resource is UserResource.EKS_MANAGED_ENDPOINTS:
        return (
            [
                stack_arn(
                    stack,
                    service="emr-containers",
                    resource="/virtualclusters",
                    resource_name="*/endpoints/*",
                )
            ]
            if inputs.eks_execution_roles
            else []
        )
    if resource is UserResource.DATA_BUCKETS:
        return [read(b, "bucket_arn") for b in inputs.data_buckets]
    if resource is UserResource.DATA_OBJECTS:
        return [b.arn_for_objects("*") for b in inputs.data_buckets]
    if resource is UserResource.GLUE_CATALOG:
        if not inputs.glue_databases:
            return []
        out = [stack_arn(stack, service="glue", resource="catalog")]
        for name in inputs.glue_databases:
            out.append(stack_arn(stack, service="glue", resource="database", resource_name=name))
            out.append(stack_arn(stack, service="glue", resource="table", resource_name=f"{name}/*"))
        return out
    raise ValueError(f"unknown resource {resource!r}")  # pragma: no cover


def _default_role_arn(stack: Stack, name: str) -> str:
    return stack_arn(stack, service="iam", region="", resource="role", resource_name=name)


def _condition(spec: UserStatementSpec, inputs: UserPolicyInputs) -> Dict[str, Dict[str, Any]]:
    out: Dict[str, Dict[str, Any]] = {}
    for operator, block in spec.condition.items():
        out[operator] = {}
        for key, value in block.items():
            if value == EKS_EXECUTION_ROLES:
                arns = [r.role_arn for r in inputs.eks_execution_roles]
                out[operator][key] = arns if len(arns) > 1 else arns[0]
            elif isinstance(value, tuple):
                out[operator][key] = list(value)
            else:
                out[operator][key] = value
    return out


def _statement(sid: str, actions: Sequence[str], resources: Sequence[str], condition=None):
    out: Dict[str, Any] = {
        "Sid": sid,
        "Effect": "Allow",
        "Action": list(actions) if len(actions) > 1 else actions[0],
        "Resource": list(resources) if len(resources) > 1 else resources[0],
    }
    if condition:
        out["Condition"] = condition
    return out


def render_statement(
    stack: Stack, spec: UserStatementSpec, inputs: UserPolicyInputs
) -> Optional[Dict[str, Any]]:
    """One statement as policy JSON, or ``None`` when a placeholder of it is unfilled.

    (The page's form only: :func:`render_statements` also applies the caller's narrowing.)
    """
    resources = [r for res in spec.resources for r in resolve_resource(stack, res, inputs)]
    if not resources:
        return None
    return _statement(
        spec.sid, spec.actions, resources, _condition(spec, inputs) if spec.condition else None
    )


def render_statements(
    stack: Stack, spec: UserStatementSpec, inputs: UserPolicyInputs
) -> List[Dict[str, Any]]:
    """The statements one spec becomes: the page's form, or (when the caller names the
    resources) its scoped parts and the PassRole statements with ``iam:PassedToService``."""
    if inputs.restrict_pass_role and spec.actions == ("iam:PassRole",) and (
        UserResource.SERVICE_ROLE in spec.resources
    ):
        return _pass_role_statements(stack, spec, inputs)
    main = render_statement(stack, spec, inputs)
    if main is None:
        return []
    out = [main]
    moved: List[str] = []
    for part in spec.scoped_parts:
        resources = resolve_resource(stack, part.resource, inputs)
        if resources:
            out.append(_statement(part.sid, part.actions, resources))
            moved += part.actions
    if moved:
        kept = [a for a in spec.actions if a not in moved]
        main["Action"] = kept if len(kept) > 1 else kept[0]
    return out


def _pass_role_statements(
    stack: Stack, spec: UserStatementSpec, inputs: UserPolicyInputs
) -> List[Dict[str, Any]]:
    by_service: Dict[str, List[str]] = {}
    for res in spec.resources:
        if res is UserResource.EMR_DEFAULT_ROLES:
            for name in EMR_DEFAULT_ROLE_NAMES:
                by_service.setdefault(PASSED_TO_SERVICE[name], []).append(_default_role_arn(stack, name))
        else:
            by_service.setdefault(PASSED_TO_SERVICE[res.value], []).extend(
                resolve_resource(stack, res, inputs)
            )
    out = []
    for service, arns in by_service.items():
        sid = spec.sid if service == "elasticmapreduce" else PASS_TO_EC2_SID
        condition = {"StringEquals": {"iam:PassedToService": f"{service}.{stack_value(stack, 'url_suffix')}"}}
        out.append(_statement(sid, spec.actions, arns, condition))
    return out


@dataclass
class UserPolicy:
    """A ready-made user (session) policy and what it left out."""

    level: UserPolicyLevel
    policy: iam.ManagedPolicy
    #: Sids of the page's statements left out because their placeholder was not filled.
    omitted: Tuple[str, ...]
    #: Upper bound of the policy's length as IAM counts it (white space not counted).
    size_bound: int = 0
    #: ``True`` when the policy is in its compact form (:func:`compact_statements`), because
    #: the page's form could exceed IAM's 6,144 characters.
    compact: bool = False


def token_bounds(stack: Stack, inputs: UserPolicyInputs) -> Dict[str, Bound]:
    """The bound of every token string the inputs bring into a policy."""
    kind_of: Dict[str, Bound] = dict(inputs.extra_bounds)
    if inputs.service_role_bound is not None:
        kind_of[inputs.service_role_arn] = inputs.service_role_bound
    elif bound_length(inputs.service_role_arn) >= ArnKind.ANY.value:
        kind_of[inputs.service_role_arn] = ROLE_ARN_MAX
    for role in (*inputs.serverless_runtime_roles, *inputs.eks_execution_roles):
        bound = role_arn_bound(role)
        if bound is not None:
            kind_of[role.role_arn] = bound
    for bucket in inputs.data_buckets:
        kind_of[bucket.bucket_arn] = ArnKind.BUCKET
        kind_of[bucket.arn_for_objects("*")] = ArnKind.BUCKET
    for arn in resolve_resource(stack, UserResource.GLUE_CATALOG, inputs):
        if bound_length(arn, ArnKind.ANY) >= ArnKind.ANY.value:
            kind_of[arn] = glue_arn_bound(arn)
    return kind_of


@dataclass(frozen=True)
class PlannedUserPolicy:
    """A level's policy document, decided before anything is created."""

    document: Dict[str, Any]
    omitted: Tuple[str, ...]
    size_bound: int
    #: The compact form (:func:`compact_statements`): the page's form could exceed the limit.
    compact: bool
    #: The specs (and scoped parts) whose statements are in the document (for cdk-nag).
    kept: Tuple[UserStatementSpec, ...]


def plan_user_policy(
    stack: Stack, level: UserPolicyLevel, inputs: UserPolicyInputs
) -> PlannedUserPolicy:
    """The ``level`` policy's document and its size bound; :class:`UserPolicyTooLarge` when
    it could exceed IAM's limit even in its compact form."""
    statements: List[Dict[str, Any]] = []
    omitted: List[str] = []
    kept: List[UserStatementSpec] = []
    for spec in POLICIES[level]:
        rendered = render_statements(stack, spec, inputs)
        if not rendered:
            omitted.append(spec.sid)
            continue
        statements += rendered
        kept.append(spec)
    statements += [dict(s) for s in inputs.extra_statements]
    kind_of = token_bounds(stack, inputs)
    bound = document_bound(statements, kind_of)
    compact = bound > MANAGED_POLICY_MAX_CHARS
    if compact:
        statements = compact_statements(statements)
        bound = document_bound(statements, kind_of)
    if bound > MANAGED_POLICY_MAX_CHARS:
        costs = sorted(
            ((describe_statement(s), statement_bound(s, kind_of)) for s in statements),
            key=lambda item: -item[1],
        )
        raise UserPolicyTooLarge(level, bound, costs[:3])
    document = {"Version": "2012-10-17", "Statement": statements}
    return PlannedUserPolicy(document, tuple(omitted), bound, compact, tuple(kept))


def user_policy_document(
    stack: Stack, level: UserPolicyLevel, inputs: UserPolicyInputs
) -> Tuple[Dict[str, Any], Tuple[str, ...]]:
    """The page's ``level`` policy as a policy document, and the Sids left out."""
    planned = plan_user_policy(stack, level, inputs)
    return planned.document, planned.omitted


def wildcard_findings(
    stack: Stack, specs: Sequence[UserStatementSpec], inputs: UserPolicyInputs
) -> List[Tuple[str, str]]:
    """cdk-nag ``AwsSolutions-IAM5`` findings of the statements' wildcard resources, with reasons."""
    from .nag import iam5_resources

    arns: List[str] = []
    reasons: List[str] = []

    def add(resource: UserResource) -> None:
        if resource not in WILDCARD_REASONS:
            return
        for arn in resolve_resource(stack, resource, inputs):
            arns.append(arn)
            reasons.append(WILDCARD_REASONS[resource])

    for spec in specs:
        for res in spec.resources:
            add(res)
        for part in spec.scoped_parts:
            add(part.resource)
    if inputs.extra_statements:
        for statement in inputs.extra_statements:
            resources = statement["Resource"]
            for arn in resources if isinstance(resources, list) else [resources]:
                if "*" in arn:
                    arns.append(arn)
                    reasons.append(WILDCARD_REASONS[UserResource.ANY_SECRET])
    findings: Dict[str, str] = {}
    for finding, reason in zip(iam5_resources(stack, arns), reasons):
        findings.setdefault(finding, reason)
    return list(findings.items())


def build_user_policy(
    scope: Construct,
    id: str,
    *,
    level: UserPolicyLevel,
    inputs: UserPolicyInputs,
    description: Optional[str] = None,
) -> UserPolicy:
    """The page's example user policy ``level`` as an ``iam.ManagedPolicy`` under ``scope``.

    Its wildcard resources are acknowledged for cdk-nag on the policy, each with the
    page's reason.  Attach it to IAM identities (IAM mode) or use it as a session policy
    of the Studio user role (Identity Center mode, ``EmrStudio.add_session_mapping``).
    Raises :class:`UserPolicyTooLarge` (before creating anything) when it cannot fit.
    """
    from .nag import acknowledge

    stack = Stack.of(scope)
    planned = plan_user_policy(stack, level, inputs)
    policy = iam.ManagedPolicy(
        scope,
        id,
        document=iam.PolicyDocument.from_json(planned.document),
        description=description
        or f"EMR Studio {level.value.lower()} user policy (AWS page: Configure EMR Studio user permissions)",
    )
    acknowledge(policy, wildcard_findings(stack, planned.kept, inputs))
    return UserPolicy(level, policy, planned.omitted, planned.size_bound, planned.compact)


__all__ = [
    "ADDED",
    "ADDED_SIDS",
    "ADVANCED",
    "ALLOW_ADDING_EMR_TAGS_DURING_DEFAULT_SG_CREATION",
    "ALLOW_ADDING_TAGS_ON_SECRETS",
    "ALLOW_ATHENA_SQL",
    "ALLOW_CLUSTER_TEMPLATE_RELATED_INTERMEDIATE_ACTIONS",
    "ALLOW_CODEWHISPERER",
    "ALLOW_CONFIGURATION_FOR_WORKSPACE_COLLABORATION",
    "ALLOW_DEFAULT_SG_CREATION_IN_VPC",
    "ALLOW_EMR_BASIC_ACTIONS",
    "ALLOW_EMR_CONTAINERS_BASIC_ACTIONS",
    "ALLOW_EMR_CREATE_CLUSTER_ADVANCED_ACTIONS",
    "ALLOW_PASSING_RUNTIME_ROLE",
    "ALLOW_PASSING_SERVICE_ROLE",
    "ALLOW_PASSING_SERVICE_ROLE_ADVANCED",
    "ALLOW_RETRIEVING_MANAGED_ENDPOINT_CREDENTIALS",
    "ALLOW_S3_LIST_ALL_MY_BUCKETS",
    "ALLOW_S3_LIST_AND_LOCATION",
    "ALLOW_S3_READ_ONLY_ACCESS_TO_LOGS",
    "ALLOW_SECRET_CREATION",
    "ALLOW_SECRET_MANAGER_LIST_SECRETS",
    "ALLOW_SERVERLESS_ACTIONS",
    "ATHENA_SCOPED_PARTS",
    "BASIC",
    "BROAD_GRANTS",
    "DEPARTURES",
    "DESCRIBE_NETWORK",
    "EKS_EXECUTION_ROLES",
    "EMR_DEFAULT_ROLE_NAMES",
    "GLUE_NAME_MAX",
    "INTERMEDIATE",
    "LIST_IAM_ROLES",
    "PASSED_TO_SERVICE",
    "PASS_TO_EC2_SID",
    "PLACEHOLDERS",
    "POLICIES",
    "ROLE_ARN_MAX",
    "SAGEMAKER_DATA_WRANGLER",
    "TABLE_NOTES",
    "TAG_RESOURCE_CONDITION",
    "USER_LEVEL_GIT_SECRET_READ",
    "USER_ROLE_TRUST_ACTIONS",
    "USER_ROLE_TRUST_SERVICE",
    "USER_ROLE_TRUST_SID",
    "USER_SECRET_TAG_KEY",
    "WILDCARD_REASONS",
    "BroadGrant",
    "Departure",
    "PlannedUserPolicy",
    "ScopedPart",
    "TableNote",
    "UserPolicy",
    "UserPolicyInputs",
    "UserPolicyLevel",
    "UserPolicyTooLarge",
    "UserResource",
    "UserStatementSpec",
    "build_user_policy",
    "document_bound",
    "compact_statements",
    "plan_user_policy",
    "render_statement",
    "render_statements",
    "resolve_resource",
    "role_arn_bound",
    "token_bounds",
    "user_policy_document",
    "wildcard_findings",
]
