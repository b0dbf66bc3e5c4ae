"""What the role means, decided by a real IAM evaluator (@cloud-copilot/iam-simulate).

The request matrix is built from the page's operations table
(``tests/fixtures/aws_page_policies.json``, key ``operations``) and from the
product's spec (which operations each mode keeps), never from the synthesized
policies: the policies are only the input that the evaluator judges.

For every scenario (default, serverless, USER_ROLE with a user role granted by
``grant_git_secret_read``, collaboration off, listed secrets, and a bare role with
a bucket key and a workspace key) and every action of the table:

* the request EMR Studio makes, with the context the page requires
  (``aws:RequestTag`` / ``aws:ResourceTag`` for the EMR tag, ``ec2:CreateAction``
  for tags added at creation), is Allowed when the mode keeps the operation, and
  Denied when it does not;
* the same request is Denied without each required key, with the key set to a wrong
  value (the tag ``"false"``), on another account's resources, and (where the role
  narrows the page's ARNs to the stack's account and region) even when the other
  account's resource policy allows it, and in another region;
* S3 is Allowed under the prefix only (Denied outside it, beside it and on other
  buckets); KMS is Allowed only on the given keys, under the default key policy that
  delegates to IAM;
* actions outside the table are Denied, even with every EMR tag present;
* the trust policy lets elasticmapreduce.amazonaws.com assume the role only with a
  matching ``aws:SourceAccount`` and ``aws:SourceArn``.

The policies are evaluated for account 111122223333, region eu-west-1, partition
aws; CloudFormation intrinsics are resolved with those values, and bucket and key
ARNs are made from the template's logical IDs.  Node runs once for the whole batch.

@cloud-copilot/iam-simulate is AGPL-3.0: a devDependency used here only, never shipped.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

import pytest

from scripts.deploy_local import Resolver, expected_role, studio_role_id
from tests.conftest import SCENARIOS as APP_SCENARIOS
from tests.helpers import simulate

ROOT = Path(__file__).resolve().parents[2]
PAGE = json.loads((ROOT / "tests" / "fixtures" / "aws_page_policies.json").read_text())

ACCOUNT, REGION, PARTITION = "111122223333", "eu-west-1", "aws"
OTHER_ACCOUNT, OTHER_REGION = "444455556666", "us-west-2"
PREFIX = "studio/"

TAG_KEY, TAG_VALUE = PAGE["tag"]["key"], PAGE["tag"]["value"]
RESOURCE_TAG = f"aws:ResourceTag/{TAG_KEY}"
REQUEST_TAG = f"aws:RequestTag/{TAG_KEY}"
CREATE_ACTION = "ec2:CreateAction"
RT = {RESOURCE_TAG: TAG_VALUE}
QT = {REQUEST_TAG: TAG_VALUE}
TLS = {"aws:SecureTransport": "true"}

LISTED_SECRET = APP_SCENARIOS["listed_secrets"]["gitSecretArns"]
USER_ROLE_ID = "StudioUserRole"
BUCKET_KEY_ID = "1111aaaa-11aa-11aa-11aa-111111111111"
WORKSPACE_KEY_ID = "2222bbbb-22bb-22bb-22bb-222222222222"

# --------------------------------------------------------------------------- the page's table

# Operation groups, by the operation's text in the fixture (a changed table fails here).
NETWORK, GIT, TAGGING, STORAGE, STORAGE_KMS, COLLAB, WORKSPACE_KMS = (
    "network",
    "git",
    "tagging",
    "storage",
    "storage-kms",
    "collaboration",
    "workspace-kms",
)
_GROUP_BY_TEXT = {
    "Establish a secure network channel": NETWORK,
    "Use Git credentials": GIT,
    "Apply AWS tags": TAGGING,
    "Access or upload notebook files and metadata to Amazon S3 (encrypted bucket)": STORAGE_KMS,
    "Access or upload notebook files": STORAGE,
    "Enable and configure Workspace collaboration": COLLAB,
    "Encrypt EMR Studio workspace notebooks": WORKSPACE_KMS,
}


def _group(operation: str) -> str:
    for text, group in _GROUP_BY_TEXT.items():
        if operation.startswith(text):
            return group
    raise KeyError(f"operation not mapped to a group: {operation!r}")


TABLE: List[Tuple[str, str]] = [
    (_group(op["operation"]), action) for op in PAGE["operations"] for action in op["actions"]
]
# The page's table lists ec2:RevokeSecurityGroupEgress but not ec2:RevokeSecurityGroupIngress,
# while the page's own policy (AllowEC2SecurityGroupActionsWithEMRTags) grants both.  The
# policy is authoritative: EMR Studio cleans up the ingress rules it authorized, so the
# Ingress revoke is checked as part of the network-channel operation.
POLICY_ONLY: List[Tuple[str, str]] = [(NETWORK, "ec2:RevokeSecurityGroupIngress")]


@dataclass(frozen=True)
class Check:
    """One authorization a table action needs: a resource and the context the page requires.

    ``resource`` is a format string: ``{p}`` partition, ``{a}`` account, ``{r}`` region,
    ``{bucket}`` the bucket ARN, ``{key}`` / ``{workspace_key}`` key ARNs, ``{secret}``
    the Git secret ARN.  ``scoped``: the role names ARNs of the stack's account and
    region here (the page's ``arn:aws:ec2:*:*:...`` narrowed, and EMR clusters narrowed
    from ``*``), so another account's or region's resource is Denied by the identity
    policy alone.  ``kind`` picks the resource policy and the other-account variant.
    """

    resource: str
    required: Mapping[str, str] = field(default_factory=dict)
    extra: Mapping[str, str] = field(default_factory=dict)
    kind: str = "ec2"
    scoped: bool = True
    label: str = ""


ENI = "arn:{p}:ec2:{r}:{a}:network-interface/eni-0123456789abcdef0"
SG = "arn:{p}:ec2:{r}:{a}:security-group/sg-0123456789abcdef0"
SUBNET = "arn:{p}:ec2:{r}:{a}:subnet/subnet-0123456789abcdef0"
VPC = "arn:{p}:ec2:{r}:{a}:vpc/vpc-0123456789abcdef0"
INSTANCE = "arn:{p}:ec2:{r}:{a}:instance/i-0123456789abcdef0"
CLUSTER = "arn:{p}:elasticmapreduce:{r}:{a}:cluster/j-2AXXXXXXGAPLF"
WILDCARD = Check("*", kind="wildcard", scoped=False, label="any")
OBJECT = Check("{bucket}/" + PREFIX + "e-1ABC/notebook.ipynb", extra=TLS, kind="s3", label="object")
BUCKET = Check("{bucket}", extra=TLS, kind="s3", label="bucket")
KEY = Check("{key}", kind="kms", label="key")
WS_KEY = Check("{workspace_key}", kind="kms", label="workspace-key")
SG_TAGGED = Check(SG, RT, scoped=False, label="sg")  # the page's Resource "*", tag-scoped

CHECKS: Dict[str, Tuple[Check, ...]] = {
    "ec2:CreateNetworkInterface": (
        Check(ENI, QT, label="new-eni"),
        Check(SUBNET, RT, label="subnet"),
        Check(SG, RT, label="sg"),
    ),
    "ec2:CreateNetworkInterfacePermission": (Check(ENI, RT, label="eni"),),
    "ec2:DeleteNetworkInterface": (Check(ENI, RT, label="eni"),),
    # The page's statement has Resource "*", scoped by the tag alone.
    "ec2:DeleteNetworkInterfacePermission": (Check(ENI, RT, scoped=False, label="eni"),),
    "ec2:DescribeNetworkInterfaces": (WILDCARD,),
    "ec2:ModifyNetworkInterfaceAttribute": (
        Check(ENI, label="eni"),
        Check(INSTANCE, label="instance"),
        Check(SG, label="sg"),
    ),
    "ec2:AuthorizeSecurityGroupEgress": (SG_TAGGED,),
    "ec2:AuthorizeSecurityGroupIngress": (SG_TAGGED,),
    "ec2:CreateSecurityGroup": (Check(SG, QT, label="new-sg"), Check(VPC, RT, label="vpc")),
    "ec2:DescribeSecurityGroups": (WILDCARD,),
    "ec2:RevokeSecurityGroupEgress": (SG_TAGGED,),
    "ec2:RevokeSecurityGroupIngress": (SG_TAGGED,),
    "ec2:DescribeTags": (WILDCARD,),
    "ec2:DescribeInstances": (WILDCARD,),
    "ec2:DescribeSubnets": (WILDCARD,),
    "ec2:DescribeVpcs": (WILDCARD,),
    "elasticmapreduce:ListInstances": (Check(CLUSTER, kind="emr", label="cluster"),),
    "elasticmapreduce:DescribeCluster": (Check(CLUSTER, kind="emr", label="cluster"),),
    "elasticmapreduce:ListSteps": (Check(CLUSTER, kind="emr", label="cluster"),),
    "secretsmanager:GetSecretValue": (Check("{secret}", RT, kind="secret", label="secret"),),
    "ec2:CreateTags": (
        Check(
            "arn:{p}:ec2:{r}:{a}:security-group/sg-0fedcba9876543210",
            {REQUEST_TAG: TAG_VALUE, CREATE_ACTION: "CreateSecurityGroup"},
            # A guarded statement: exactly the page's arn:<p>:ec2:*:*:security-group/*.
            scoped=False,
            label="new-sg",
        ),
        Check(
            "arn:{p}:ec2:{r}:{a}:network-interface/eni-0fedcba9876543210",
            {CREATE_ACTION: "CreateNetworkInterface"},
            extra=QT,
            # A guarded statement: exactly the page's arn:<p>:ec2:*:*:network-interface/*.
            scoped=False,
            label="new-eni",
        ),
    ),
    "s3:PutObject": (OBJECT,),
    "s3:GetObject": (OBJECT,),
    "s3:DeleteObject": (OBJECT,),
    "s3:ListBucket": (BUCKET,),
    "s3:GetEncryptionConfiguration": (BUCKET,),
    "iam:GetUser": (Check("arn:{p}:iam::{a}:user/alice", kind="iam", scoped=False, label="user"),),
    "iam:GetRole": (Check("arn:{p}:iam::{a}:role/studio-user", kind="iam", scoped=False, label="role"),),
    "iam:ListUsers": (WILDCARD,),
    "iam:ListRoles": (WILDCARD,),
    "sso:GetManagedApplicationInstance": (WILDCARD,),
    "sso-directory:SearchUsers": (WILDCARD,),
}
# The KMS actions appear twice in the table: for the bucket key and for the workspace key.
KMS_CHECKS = {STORAGE_KMS: (KEY,), WORKSPACE_KMS: (WS_KEY,)}

# Wrong values for required keys: the tag "false", and the other creation action.
WRONG = {
    REQUEST_TAG: "false",
    RESOURCE_TAG: "false",
    CREATE_ACTION: {"CreateSecurityGroup": "CreateNetworkInterface"},
}

# Actions outside the table, each with every EMR tag present: all Denied, in every mode.
ALL_TAGS = {**RT, **QT}
OUTSIDE: List[Tuple[str, str, Mapping[str, str], str]] = [
    ("ec2:RunInstances", INSTANCE, ALL_TAGS, "ec2"),
    ("ec2:TerminateInstances", INSTANCE, RT, "ec2"),
    ("ec2:AttachNetworkInterface", ENI, RT, "ec2"),
    ("ec2:DeleteSecurityGroup", SG, RT, "ec2"),
    ("ec2:DeleteTags", ENI, RT, "ec2"),
    ("ec2:CreateTags", INSTANCE, {**QT, CREATE_ACTION: "RunInstances"}, "ec2"),
    ("ec2:CreateVpc", VPC, QT, "ec2"),
    ("ec2:DescribeImages", "*", {}, "wildcard"),
    ("elasticmapreduce:TerminateJobFlows", CLUSTER, {}, "emr"),
    ("elasticmapreduce:AddJobFlowSteps", CLUSTER, {}, "emr"),
    ("elasticmapreduce:RunJobFlow", "*", {}, "wildcard"),
    ("secretsmanager:PutSecretValue", "{secret}", RT, "secret"),
    ("secretsmanager:DescribeSecret", "{secret}", RT, "secret"),
    ("secretsmanager:ListSecrets", "*", {}, "wildcard"),
    ("s3:PutBucketPolicy", "{bucket}", TLS, "s3"),
    ("s3:DeleteBucket", "{bucket}", TLS, "s3"),
    ("s3:PutObjectAcl", "{bucket}/" + PREFIX + "x", TLS, "s3"),
    ("s3:GetObjectVersion", "{bucket}/" + PREFIX + "x", TLS, "s3"),
    ("kms:Encrypt", "{key}", {}, "kms"),
    ("kms:CreateGrant", "{key}", {}, "kms"),
    ("kms:ScheduleKeyDeletion", "{key}", {}, "kms"),
    ("iam:PassRole", "arn:{p}:iam::{a}:role/admin", {}, "iam"),
    ("iam:AttachRolePolicy", "arn:{p}:iam::{a}:role/admin", {}, "iam"),
    ("iam:CreateUser", "arn:{p}:iam::{a}:user/mallory", {}, "iam"),
    ("iam:ListPolicies", "*", {}, "wildcard"),
    ("sso:CreateApplicationInstance", "*", {}, "wildcard"),
    ("sso-directory:CreateUser", "*", {}, "wildcard"),
    ("sts:AssumeRole", "arn:{p}:iam::{a}:role/admin", {}, "iam"),
]

# --------------------------------------------------------------------------- the modes

ALL_GROUPS = {NETWORK, GIT, TAGGING, STORAGE, STORAGE_KMS, COLLAB, WORKSPACE_KMS}
#: What each scenario keeps, from the product spec (issue 2), not from the template.
ENABLED: Dict[str, set] = {
    # The app's default stack has a bucket key but no workspace key.
    "default": ALL_GROUPS - {WORKSPACE_KMS},
    # The page's minimum EMR Serverless role: storage (and its key) only.
    "serverless": {STORAGE, STORAGE_KMS},
    # Page step 4: GetSecretValue moves to the user role.
    "user_role_secrets": ALL_GROUPS - {WORKSPACE_KMS, GIT},
    "collaboration_off": ALL_GROUPS - {WORKSPACE_KMS, COLLAB},
    "listed_secrets": ALL_GROUPS - {WORKSPACE_KMS},
    # A bare role: imported bucket and key, a workspace key, USER_ROLE with a user role.
    "keys_user_role": ALL_GROUPS - {GIT},
}


# --------------------------------------------------------------------------- rows


@dataclass(frozen=True)
class Row:
    id: str
    scenario: str
    subject: str  # "service" (the Studio role), "user" (the user role), "trust"
    action: str
    resource: str
    context: Mapping[str, str]
    kind: str
    expected: str  # "Allowed" | "Denied"
    account: str = ACCOUNT
    region: str = REGION
    #: "default" (the kind's usual one), "grant" (the other account allows us), "none"
    resource_policy: str = "default"
    #: For trust rows: the service that asks to assume the role.
    principal: Optional[str] = None


def _variants(row: Row, check: Check) -> List[Row]:
    """The request that must be Denied for each way the page's context can be missing or wrong."""
    out: List[Row] = []
    base = {**check.required, **check.extra}
    for key, value in check.required.items():
        without = {k: v for k, v in base.items() if k != key}
        out.append(replace(row, id=f"{row.id}|without {key}", context=without, expected="Denied"))
        wrong = WRONG[key]
        wrong = wrong.get(value, "RunInstances") if isinstance(wrong, dict) else wrong
        out.append(
            replace(row, id=f"{row.id}|{key}={wrong}", context={**base, key: wrong}, expected="Denied")
        )
    if check.kind != "wildcard":
        # Another account's resource.  EC2, EMR and IAM have no resource policies, so
        # nothing on the other side allows it; S3, KMS and Secrets Manager get a
        # resource policy that allows our role, so only our identity policy can deny.
        out.append(
            replace(
                row,
                id=f"{row.id}|other account",
                account=OTHER_ACCOUNT,
                expected="Denied",
                resource_policy="grant" if check.kind in ("s3", "kms", "secret") else "none",
            )
        )
    if check.scoped and check.kind in ("ec2", "emr"):
        # Even if the other side allowed it, the role names only its own account...
        out.append(
            replace(
                row,
                id=f"{row.id}|other account, its resource policy allowing",
                account=OTHER_ACCOUNT,
                expected="Denied",
                resource_policy="grant",
            )
        )
    if check.scoped and check.kind in ("ec2", "emr", "secret"):
        # ...and only its own region.
        out.append(replace(row, id=f"{row.id}|other region", region=OTHER_REGION, expected="Denied"))
    return out


def _storage_extras(row: Row, check: Check) -> List[Row]:
    """S3: only under the prefix of the given bucket; KMS: only the given keys."""
    if check is OBJECT:
        return [
            replace(row, id=f"{row.id}|outside prefix", resource="{bucket}/other/x.ipynb", expected="Denied"),
            replace(
                row, id=f"{row.id}|beside prefix", resource="{bucket}/studio-archive/x", expected="Denied"
            ),
            replace(row, id=f"{row.id}|bucket root object", resource="{bucket}/x.ipynb", expected="Denied"),
            replace(
                row,
                id=f"{row.id}|other bucket",
                resource="arn:{p}:s3:::another-bucket/" + PREFIX + "x",
                expected="Denied",
            ),
        ]
    if check is BUCKET:
        return [
            replace(
                row, id=f"{row.id}|other bucket", resource="arn:{p}:s3:::another-bucket", expected="Denied"
            ),
        ]
    if check.kind == "kms":
        return [
            replace(
                row,
                id=f"{row.id}|other key in the account",
                resource="arn:{p}:kms:{r}:{a}:key/9999ffff-99ff-99ff-99ff-999999999999",
                expected="Denied",
            ),
        ]
    return []


def _checks_for(group: str, action: str) -> Tuple[Check, ...]:
    if group in KMS_CHECKS:
        return KMS_CHECKS[group]
    return CHECKS[action]


def _service_rows(scenario: str) -> List[Row]:
    rows: List[Row] = []
    for group, action in TABLE + POLICY_ONLY:
        enabled = group in ENABLED[scenario]
        for check in _checks_for(group, action):
            row = Row(
                id=f"{scenario}|{group}|{action}|{check.label}",
                scenario=scenario,
                subject="service",
                action=action,
                resource=check.resource,
                context={**check.required, **check.extra},
                kind=check.kind,
                expected="Allowed" if enabled else "Denied",
            )
            rows.append(row)
            if enabled:
                rows += _variants(row, check)
                rows += _storage_extras(row, check)
                if scenario == "listed_secrets" and check.kind == "secret":
                    rows.append(
                        replace(
                            row,
                            id=f"{row.id}|unlisted secret, tagged",
                            resource="arn:{p}:secretsmanager:{r}:{a}:secret:other-AbCdEf",
                            expected="Denied",
                        )
                    )
    for action, resource, context, kind in OUTSIDE:
        rows.append(
            Row(
                id=f"{scenario}|outside the table|{action}",
                scenario=scenario,
                subject="service",
                action=action,
                resource=resource,
                context=context,
                kind=kind,
                expected="Denied",
            )
        )
    return rows


def _trust_rows(scenario: str) -> List[Row]:
    emr = "arn:aws:elasticmapreduce:{region}:{account}:{what}"
    mine = emr.format(region=REGION, account=ACCOUNT, what="editor/e-1ABC")
    cases = [
        (
            "matching source (Workspace)",
            "elasticmapreduce.amazonaws.com",
            {"aws:SourceAccount": ACCOUNT, "aws:SourceArn": mine},
            "Allowed",
        ),
        (
            "matching source (Studio)",
            "elasticmapreduce.amazonaws.com",
            {
                "aws:SourceAccount": ACCOUNT,
                "aws:SourceArn": emr.format(region=REGION, account=ACCOUNT, what="studio/es-1ABC"),
            },
            "Allowed",
        ),
        (
            "other account",
            "elasticmapreduce.amazonaws.com",
            {
                "aws:SourceAccount": OTHER_ACCOUNT,
                "aws:SourceArn": emr.format(region=REGION, account=OTHER_ACCOUNT, what="editor/e-1ABC"),
            },
            "Denied",
        ),
        (
            "other account's SourceArn",
            "elasticmapreduce.amazonaws.com",
            {
                "aws:SourceAccount": ACCOUNT,
                "aws:SourceArn": emr.format(region=REGION, account=OTHER_ACCOUNT, what="editor/e-1ABC"),
            },
            "Denied",
        ),
        (
            "other SourceAccount",
            "elasticmapreduce.amazonaws.com",
            {"aws:SourceAccount": OTHER_ACCOUNT, "aws:SourceArn": mine},
            "Denied",
        ),
        (
            "other region",
            "elasticmapreduce.amazonaws.com",
            {
                "aws:SourceAccount": ACCOUNT,
                "aws:SourceArn": emr.format(region=OTHER_REGION, account=ACCOUNT, what="editor/e-1ABC"),
            },
            "Denied",
        ),
        (
            "other service's SourceArn",
            "elasticmapreduce.amazonaws.com",
            {"aws:SourceAccount": ACCOUNT, "aws:SourceArn": f"arn:aws:glue:{REGION}:{ACCOUNT}:job/x"},
            "Denied",
        ),
        ("no source context", "elasticmapreduce.amazonaws.com", {}, "Denied"),
        ("SourceAccount only", "elasticmapreduce.amazonaws.com", {"aws:SourceAccount": ACCOUNT}, "Denied"),
        ("SourceArn only", "elasticmapreduce.amazonaws.com", {"aws:SourceArn": mine}, "Denied"),
        (
            "other service principal",
            "ec2.amazonaws.com",
            {"aws:SourceAccount": ACCOUNT, "aws:SourceArn": mine},
            "Denied",
        ),
    ]
    return [
        Row(
            id=f"{scenario}|trust|sts:AssumeRole|{label}",
            scenario=scenario,
            subject="trust",
            action="sts:AssumeRole",
            resource="{role}",
            context=context,
            kind="trust",
            expected=expected,
            principal=principal,
        )
        for label, principal, context, expected in cases
    ]


#: AWS's user-permissions page: EMR Studio tags the Git secrets it creates with the
#: creator's user id; the user role reads a secret only when that tag is its own aws:userid.
USER_TAG = "aws:ResourceTag/for-use-with-amazon-emr-managed-user-policies"
ALICE = "AROAEXAMPLEUSERROLE1:alice@example.com"
BOB = "AROAEXAMPLEUSERROLE1:bob@example.com"


def _evaluator_tag_keys(policy: Any) -> Any:
    """The evaluator's IAM data lists Secrets Manager's service tag key only as the literal
    ``secretsmanager:ResourceTag/tag-key`` and refuses ``secretsmanager:ResourceTag/<key>``.
    AWS documents both ``secretsmanager:ResourceTag/<key>`` and ``aws:ResourceTag/<key>``
    as the secret's tags, so the user role's condition is evaluated under the ``aws:`` key;
    the value, ``${aws:userid}``, is left as it is, for the evaluator to substitute."""
    text = json.dumps(policy).replace('"secretsmanager:ResourceTag/', '"aws:ResourceTag/')
    return json.loads(text)


def _user_rows() -> List[Row]:
    """``grant_git_secret_read`` on a user role (user level, the default): a user reads the Git
    secrets tagged with their own ``aws:userid``, not another user's, not untagged ones."""
    check = CHECKS["secretsmanager:GetSecretValue"][0]
    own = {"aws:userid": ALICE, USER_TAG: ALICE}
    row = Row(
        id="keys_user_role|user role grant|secretsmanager:GetSecretValue|own secret",
        scenario="keys_user_role",
        subject="user",
        action="secretsmanager:GetSecretValue",
        resource=check.resource,
        context=own,
        kind="secret",
        expected="Allowed",
    )
    denied = [
        replace(row, id=f"{row.id}|{label}", context=context, expected="Denied")
        for label, context in (
            ("another user's secret", {"aws:userid": ALICE, USER_TAG: BOB}),
            ("no user tag, only the EMR service tag", {"aws:userid": ALICE, **dict(check.required)}),
            ("no tag", {"aws:userid": ALICE}),
        )
    ]
    other = [
        replace(row, id=f"{row.id}|other account", account=OTHER_ACCOUNT, expected="Denied",
                resource_policy="grant"),
        replace(row, id=f"{row.id}|other region", region=OTHER_REGION, expected="Denied"),
    ]
    outside = replace(
        row,
        id="keys_user_role|user role grant|secretsmanager:PutSecretValue|own secret",
        action="secretsmanager:PutSecretValue",
        expected="Denied",
    )
    return [row, *denied, *other, outside]


ROWS: List[Row] = [
    row for scenario in ENABLED for row in (*_service_rows(scenario), *_trust_rows(scenario))
] + _user_rows()
assert len({r.id for r in ROWS}) == len(ROWS), "duplicate row ids"


# --------------------------------------------------------------------------- the world


@dataclass
class World:
    """One scenario's resolved policies and the ARNs its requests use."""

    service_policies: List[Dict[str, Any]]
    trust: Dict[str, Any]
    role_arn: str
    values: Dict[str, str]
    bucket_policy: Optional[Dict[str, Any]] = None
    user_policies: List[Dict[str, Any]] = field(default_factory=list)


def _resolver(template: Mapping[str, Any]) -> Resolver:
    resources = template["Resources"]

    def kind(lid: str) -> str:
        if lid not in resources:
            raise KeyError(f"no resource {lid}")
        return resources[lid]["Type"]

    def ref(lid: str) -> str:
        t = kind(lid)
        if t == "AWS::S3::Bucket":
            return lid.lower()
        if t == "AWS::IAM::ManagedPolicy":
            return f"arn:{PARTITION}:iam::{ACCOUNT}:policy/{lid}"
        return lid

    def get_att(lid: str, attr: str) -> str:
        t = kind(lid)
        if attr == "Arn" and t == "AWS::S3::Bucket":
            return f"arn:{PARTITION}:s3:::{lid.lower()}"
        if attr == "Arn" and t == "AWS::KMS::Key":
            return f"arn:{PARTITION}:kms:{REGION}:{ACCOUNT}:key/{lid}"
        if attr == "Arn" and t == "AWS::IAM::Role":
            return f"arn:{PARTITION}:iam::{ACCOUNT}:role/{lid}"
        raise KeyError(f"Fn::GetAtt {lid}.{attr} ({t})")

    pseudo = {"AWS::AccountId": ACCOUNT, "AWS::Region": REGION, "AWS::Partition": PARTITION}
    return Resolver(pseudo, ref, get_att)


def _only(template: Mapping[str, Any], type_: str, prefix: str) -> str:
    found = [lid for lid, r in template["Resources"].items() if r["Type"] == type_ and lid.startswith(prefix)]
    assert len(found) == 1, f"expected one {type_} {prefix}*, found {found}"
    return found[0]


def _world(template: Mapping[str, Any], values: Dict[str, str]) -> World:
    resolve = _resolver(template)
    role_id = studio_role_id(template)
    role = expected_role(template, resolve, role_id)
    policies = [*role.managed.values(), *role.inline.values()]
    assert all(policies), "a policy attached by ARN only cannot be evaluated"
    return World(
        service_policies=policies,
        trust=role.trust,
        role_arn=resolve({"Fn::GetAtt": [role_id, "Arn"]}),
        values=values,
    )


def _app_world(template: Mapping[str, Any], secret: str) -> World:
    resolve = _resolver(template)
    bucket_id = _only(template, "AWS::S3::Bucket", "NotebookBucket")
    key_id = _only(template, "AWS::KMS::Key", "NotebookKey")
    world = _world(
        template,
        {
            "bucket": resolve({"Fn::GetAtt": [bucket_id, "Arn"]}),
            "key": resolve({"Fn::GetAtt": [key_id, "Arn"]}),
            "workspace_key": f"arn:{PARTITION}:kms:{REGION}:{ACCOUNT}:key/{WORKSPACE_KEY_ID}",
            "secret": secret,
        },
    )
    policy_id = _only(template, "AWS::S3::BucketPolicy", "NotebookBucketPolicy")
    world.bucket_policy = resolve(template["Resources"][policy_id]["Properties"]["PolicyDocument"])
    return world


@pytest.fixture(scope="module")
def keys_user_role_template() -> Dict[str, Any]:
    """A bare role: imported bucket and bucket key, a workspace key, USER_ROLE, and a user role."""
    from aws_cdk import aws_iam as iam
    from aws_cdk.assertions import Template

    from emr_studio_role import GitSecretAccess
    from tests.helpers import imported_key, role_stack

    stack, role = role_stack(
        lambda s: {
            "encryption_key": imported_key(s, "BucketKey", BUCKET_KEY_ID),
            "workspace_encryption_key": imported_key(s, "WorkspaceKey", WORKSPACE_KEY_ID),
        },
        prefix=PREFIX,
        git_secret_access=GitSecretAccess.USER_ROLE,
    )
    user = iam.Role(stack, USER_ROLE_ID, assumed_by=iam.AccountRootPrincipal())
    role.grant_git_secret_read(user)
    return Template.from_stack(stack).to_json()


@pytest.fixture(scope="module")
def worlds(
    default_template,
    serverless_template,
    user_role_template,
    collab_off_template,
    listed_template,
    keys_user_role_template,
) -> Dict[str, World]:
    any_secret = f"arn:{PARTITION}:secretsmanager:{{r}}:{{a}}:secret:emr-studio-git-AbCdEf"
    out = {
        "default": _app_world(default_template.to_json(), any_secret),
        "serverless": _app_world(serverless_template.to_json(), any_secret),
        "user_role_secrets": _app_world(user_role_template.to_json(), any_secret),
        "collaboration_off": _app_world(collab_off_template.to_json(), any_secret),
        "listed_secrets": _app_world(listed_template.to_json(), LISTED_SECRET),
    }
    t = keys_user_role_template
    world = _world(
        t,
        {
            "bucket": f"arn:{PARTITION}:s3:::notebooks-bucket",
            "key": f"arn:{PARTITION}:kms:{REGION}:{ACCOUNT}:key/{BUCKET_KEY_ID}",
            "workspace_key": f"arn:{PARTITION}:kms:{REGION}:{ACCOUNT}:key/{WORKSPACE_KEY_ID}",
            "secret": any_secret,
        },
    )
    user_id = _only(t, "AWS::IAM::Role", USER_ROLE_ID)
    user = expected_role(t, _resolver(t), user_id)
    world.user_policies = [
        _evaluator_tag_keys(p) for p in [*user.managed.values(), *user.inline.values()]
    ]
    assert world.user_policies, "grant_git_secret_read gave the user role no policy"
    out["keys_user_role"] = world
    return out


def _default_key_policy(account: str) -> Dict[str, Any]:
    """The default KMS key policy: the account's IAM policies decide (what the app's key has)."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Enable IAM User Permissions",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:{PARTITION}:iam::{account}:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ],
    }


def _grant_policy(principal: str, action: str) -> Dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": action, "Resource": "*"}
        ],
    }


def _request(row: Row, world: World) -> Dict[str, Any]:
    values = {"p": PARTITION, "a": row.account, "r": row.region, "role": world.role_arn}
    values.update({k: v.format(p=PARTITION, a=row.account, r=row.region) for k, v in world.values.items()})
    resource = row.resource.format(**values)
    parts = resource.split(":", 5)
    if len(parts) == 6 and parts[3] and parts[4]:
        # Literal ARNs (a listed secret, a key) move to the row's account and region too.
        parts[3], parts[4] = row.region, row.account
        resource = ":".join(parts)
    if row.account != ACCOUNT and row.kind == "s3":
        # Another account's bucket: an S3 ARN names no account, so another bucket.
        resource = f"arn:{PARTITION}:s3:::someone-elses-bucket" + (
            "/" + PREFIX + "x" if "/" in resource else ""
        )
    principal = {
        "service": world.role_arn,
        "user": f"arn:{PARTITION}:iam::{ACCOUNT}:role/{USER_ROLE_ID}",
    }.get(row.subject, row.principal)
    request: Dict[str, Any] = {
        "id": row.id,
        "principal": principal,
        "action": row.action,
        "resource": resource,
        "context": dict(row.context),
        "identityPolicies": {
            "service": world.service_policies,
            "user": world.user_policies,
            "trust": [],
        }[row.subject],
    }
    if row.kind in ("s3", "kms", "secret", "trust", "iam"):
        request["resourceAccount"] = row.account
    if row.subject == "trust":
        request["resourcePolicy"] = world.trust
    elif row.resource_policy == "grant":
        request["resourcePolicy"] = _grant_policy(principal, row.action)
    elif row.resource_policy == "default" and row.kind == "kms":
        request["resourcePolicy"] = _default_key_policy(row.account)
    elif row.resource_policy == "default" and row.kind == "s3" and world.bucket_policy:
        if resource.startswith(world.values["bucket"]):
            request["resourcePolicy"] = world.bucket_policy
    return request


@pytest.fixture(scope="module")
def verdicts(worlds) -> Dict[str, Dict[str, Any]]:
    """Every row of the matrix, evaluated by one Node process."""
    batch = [_request(row, worlds[row.scenario]) for row in ROWS]
    results = simulate(batch)
    return {r["id"]: {**r, "request": req} for r, req in zip(results, batch)}


# --------------------------------------------------------------------------- the tests


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_request(row: Row, verdicts) -> None:
    verdict = verdicts[row.id]
    assert verdict["decision"] != "Error", (
        f"the evaluator refused the request: {verdict['detail']}\n"
        f"{json.dumps(verdict.get('errors'), indent=1)}\n{json.dumps(verdict['request'])}"
    )
    assert not verdict.get("ignoredContextKeys"), (
        f"the evaluator ignored context keys {verdict['ignoredContextKeys']} "
        "(they do not apply to this action and resource): the row proves nothing"
    )
    assert verdict["decision"] == row.expected, (
        f"{row.id}: expected {row.expected}, got {verdict['detail']}\n"
        f"request: {json.dumps(verdict['request'], indent=1)}"
    )


def test_matrix_covers_the_table_and_reports_its_size(verdicts) -> None:
    """Every action of the page's table is Allowed somewhere and Denied somewhere."""
    allowed = {r.action for r in ROWS if r.expected == "Allowed" and r.subject == "service"}
    missing = {a for _, a in TABLE} - allowed
    assert not missing, f"table actions never tested as allowed: {sorted(missing)}"
    by_expected = Counter(r.expected for r in ROWS)
    by_decision = Counter(v["decision"] for v in verdicts.values())
    by_scenario = Counter(r.scenario for r in ROWS)
    summary = (
        f"IAM semantics matrix: {len(ROWS)} requests "
        f"({by_expected['Allowed']} expected Allowed, {by_expected['Denied']} expected Denied); "
        f"evaluator: {dict(by_decision)}; per scenario: {dict(by_scenario)}"
    )
    print(summary)
    assert by_decision == by_expected, summary
    assert len(ROWS) >= 500, summary
