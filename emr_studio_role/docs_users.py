"""``docs/permissions.md``, section *EMR Studio users*: generated from ``EmrStudio`` and the
user-permission data (:mod:`emr_studio_role.user_statements`, :mod:`emr_studio_role.user_notes`).

Everything here is built by real constructs in an environment-agnostic stack and resolved;
the departures from the page, the rows of the page's table its own example policies
contradict, and the advanced policy's broad grants are rendered from their data, so that
the documentation and the IAM evaluator matrix (``tests/integration/test_iam_users.py``)
read the same records.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Dict, List, Mapping, Sequence

from aws_cdk import App, CfnParameter, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3

from . import user_policies as up
from .limits import MANAGED_POLICY_MAX_CHARS
from .options import GitSecretAccess, StudioAuthMode

_HEADER = ["| Sid | Actions | Resources | Condition |", "|---|---|---|---|"]


def _studio(stack: Stack, id: str, mode: StudioAuthMode, git: GitSecretAccess) -> Any:
    from .studio import EmrStudio

    vpc = ec2.Vpc.from_vpc_attributes(
        stack, f"{id}Vpc", vpc_id=CfnParameter(stack, f"{id}VpcId").value_as_string,
        availability_zones=["az"],
        private_subnet_ids=[CfnParameter(stack, f"{id}SubnetId").value_as_string],
    )
    bucket = s3.Bucket.from_bucket_name(
        stack, f"{id}Bucket", CfnParameter(stack, f"{id}BucketName").value_as_string
    )
    return EmrStudio(
        stack, id, vpc=vpc, subnets=vpc.private_subnets, bucket=bucket, prefix="studio/",
        name="docs", auth_mode=mode, git_secret_access=git,
    )


def studio_user_sections(
    render_value: Callable[[Any], str], render_condition: Callable[[Any], str], code: Callable[..., str]
) -> List[str]:
    """The whole *EMR Studio users* section."""
    app = App(builtin_cloud_formation_validation=False)  # as in docs.Example
    stack = Stack(app, "Docs")
    studio = _studio(stack, "Studio", StudioAuthMode.IAM_IDENTITY_CENTER, GitSecretAccess.USER_ROLE)
    iam_studio = _studio(stack, "IamStudio", StudioAuthMode.IAM, GitSecretAccess.TAGGED_SECRETS)
    runtime = iam.Role.from_role_name(stack, "RuntimeRole", "RuntimeRole")
    eks = iam.Role.from_role_name(stack, "EksExecutionRole", "EksExecutionRole")
    replacements = {
        "arn:${Partition}:iam::${Account}:role/RuntimeRole": "${RuntimeRole}",
        "arn:${Partition}:iam::${Account}:role/EksExecutionRole": "${EksExecutionRole}",
    }

    def text(value: Any) -> str:
        return _names(render_value(value))

    def _names(out: str) -> str:
        # Every Studio's service role (logical ID <Studio>ServiceRole<hash>) is ${ServiceRole.Arn}.
        out = re.sub(r"\$\{[A-Za-z]*ServiceRole[0-9A-F]{8}\.Arn\}", "${ServiceRole.Arn}", out)
        for arn, name in replacements.items():
            out = out.replace(arn, name)
        return out

    def as_list(value: Any) -> List[Any]:
        return list(value) if isinstance(value, list) else [value]

    def row(statement: Mapping[str, Any]) -> str:
        condition = _names(render_condition(statement.get("Condition")))
        return (
            f"| `{statement.get('Sid', '(no Sid)')}` | {code(as_list(statement['Action']))} "
            f"| {code(text(r) for r in as_list(statement['Resource']))} | {condition} |"
        )

    assert studio.user_role is not None
    trust = stack.resolve(studio.user_role.assume_role_policy.to_json())["Statement"]
    git = stack.resolve(
        studio.user_role.node.find_child("DefaultPolicy").document.to_json()  # type: ignore[attr-defined]
    )["Statement"]
    lines = [
        "## EMR Studio users (`EmrStudio`)",
        "",
        "AWS's page *Configure EMR Studio user permissions*. `EmrStudio` in IAM Identity Center",
        "mode makes a user role; each `add_session_mapping` attaches its session policy to it",
        "(a session only narrows the role). `${ServiceRole.Arn}` is the Studio's service role.",
        "What a user of each level may do is decided by the IAM evaluator against the page's",
        "operations table in `tests/integration/test_iam_users.py` (below: where the page's",
        "table and its own policies disagree).",
        "",
        "### User role trust policy",
        "",
        "| Sid | Principal | Action | Condition |",
        "|---|---|---|---|",
    ]
    for statement in trust:
        lines.append(
            f"| `{statement.get('Sid')}` | `{text(statement['Principal']['Service'])}` "
            f"| {code(as_list(statement['Action']))} | {render_condition(statement.get('Condition'))} |"
        )
    lines += [
        "",
        "With `git_secret_access=GitSecretAccess.USER_ROLE` the user role also gets (from",
        "`grant_git_secret_read`), and in Identity Center mode every session policy that",
        "`user_policy()` builds holds the same statement (see *Where the user policies differ",
        "from the page*):",
        "",
        *_HEADER,
        *[row(s) for s in git],
        "",
        "### Session policies: the page's example user policies",
        "",
        "`studio.user_policy(UserPolicyLevel.BASIC | INTERMEDIATE | ADVANCED)`, from",
        "`emr_studio_role/user_statements.py` (the page's statements as data) and",
        "`emr_studio_role/user_policies.py` (the builder). Statements whose placeholder only you",
        "can fill (EMR Serverless runtime roles, EMR on EKS execution roles) are in the policy only",
        "when those roles are given (`serverless_runtime_roles=`, `eks_execution_roles=`); shown",
        "here with `${RuntimeRole}` and `${EksExecutionRole}`. Each level is shown in the page's",
        "form, statement by statement; the size line gives its sound size bound for these inputs",
        "in IAM mode and in Identity Center mode with `USER_ROLE` (which adds the Git secret",
        "statement), and which form the policy takes (see *One managed policy per level*).",
        "",
    ]
    inputs_args: Dict[str, Any] = {"serverless_runtime_roles": [runtime], "eks_execution_roles": [eks]}
    for level in up.UserPolicyLevel:
        made = studio.user_policy(level, **inputs_args)
        made_iam = iam_studio.user_policy(level, **inputs_args)
        inputs = up.UserPolicyInputs(
            service_role_arn=studio.service_role.role.role_arn,
            serverless_runtime_roles=(runtime,), eks_execution_roles=(eks,),
        )
        page_form = stack.resolve(
            [s for spec in up.POLICIES[level] for s in up.render_statements(stack, spec, inputs)]
        )

        def form(policy: up.UserPolicy) -> str:
            return "compact form" if policy.compact else "the page's form"

        lines += [
            f"#### {level.value}",
            "",
            f"Size bound: {made_iam.size_bound:,} of {MANAGED_POLICY_MAX_CHARS:,} characters in IAM "
            f"mode ({form(made_iam)}), {made.size_bound:,} in Identity Center mode with `USER_ROLE` "
            f"({form(made)}).",
            "",
            *_HEADER,
        ]
        lines += [row(s) for s in page_form]
        lines.append("")
    advanced = stack.resolve(
        studio.user_policy(up.UserPolicyLevel.ADVANCED, **inputs_args).policy.document.to_json()
    )["Statement"]
    lines += [
        "### One managed policy per level",
        "",
        "A session mapping (`AWS::EMR::StudioSessionMapping`) takes exactly one session policy, so",
        "a level's policy is one customer-managed policy in both modes, and must fit IAM's",
        f"{MANAGED_POLICY_MAX_CHARS:,} characters. Its size is bounded soundly, as the service",
        "role's policies are (`emr_studio_role/limits.py`; a role ARN at the longest it can be:",
        "a role created in the app at its path and name, any other at",
        f"{up.ROLE_ARN_MAX} characters). When the page's form could exceed the limit, the policy",
        "takes its compact form: statements with the same resources and condition become one",
        "statement with the union of their actions, then statements with the same actions and",
        "condition one with the union of their resources, and no statement keeps a Sid. IAM allows",
        "a request when any statement allows it, so the compact form allows exactly the same",
        "requests (the evaluator matrix runs on it). A policy that does not fit even so is refused",
        "at synth, naming the level, its bound and its largest statements: give fewer or shorter",
        "roles, buckets or databases, or split the users over more levels of your own.",
        "",
        "The advanced policy above, as the example writes it (Identity Center, `USER_ROLE`):",
        "",
        *_HEADER,
        *[row(s) for s in advanced],
        "",
    ]
    lines += _departures()
    lines += _table_notes()
    lines += _broad_grants(stack, studio, row)
    return lines


def _cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ")


def _departures() -> List[str]:
    lines = [
        "### Where the user policies differ from the page",
        "",
        "Each is a change to what is deployed compared with the page's example policies; the",
        "CHANGELOG marks them **[deployed role]**.",
        "",
        "| Statement | The page | This package | Why |",
        "|---|---|---|---|",
    ]
    for d in up.DEPARTURES:
        lines.append(f"| `{d.sid}` | {_cell(d.page)} | {_cell(d.ours)} | {_cell(d.why)} |")
    return [*lines, ""]


def _table_notes() -> List[str]:
    lines = [
        "### The page's operations table against its own example policies",
        "",
        "The IAM evaluator decides each action of each row of the page's table *AWS Identity and",
        "Access Management permissions for EMR Studio users* for the three policies as built here.",
        "Every Yes cell is allowed and every No cell denied (a No cell: at least one of the",
        "operation's actions is denied; an action a Yes row of the same level needs stays",
        "allowed), except these cells, where the page's example policy does not allow what its",
        "table says (a test fails when a note is stale or a new cell disagrees):",
        "",
        "| Operation (the page's table) | Level | Actions the policy does not allow "
        "| The page, and the choice |",
        "|---|---|---|---|",
    ]
    for note in up.TABLE_NOTES:
        levels = ", ".join(level.name for level in note.levels)
        actions = "<br>".join(f"`{a}`" for a in note.actions)
        lines.append(f"| {note.operation} | {levels} | {actions} | {_cell(note.choice)} |")
    return [*lines, ""]


def _broad_grants(stack: Stack, studio: Any, row: Callable[[Mapping[str, Any]], str]) -> List[str]:
    lines = [
        "### The advanced policy's broad grants",
        "",
        "The page's advanced policy grants these on `*` (or without a condition). The package",
        "keeps the page's form by default; `user_policy(UserPolicyLevel.ADVANCED, ...)` narrows",
        "them when asked:",
        "",
        "| Actions | Granted by | What it reaches | How to narrow it |",
        "|---|---|---|---|",
    ]
    for grant in up.BROAD_GRANTS:
        actions = "<br>".join(f"`{a}`" for a in grant.actions)
        lines.append(f"| {actions} | {_cell(grant.grant)} | {_cell(grant.reach)} | {_cell(grant.narrow)} |")
    data = s3.Bucket.from_bucket_name(
        stack, "DataBucket", CfnParameter(stack, "DataBucketName").value_as_string
    )
    narrowed_studio = _studio(stack, "NarrowedStudio", StudioAuthMode.IAM, GitSecretAccess.TAGGED_SECRETS)
    args: Dict[str, Any] = {"data_buckets": [data], "glue_databases": ["sales"], "restrict_pass_role": True}
    narrowed = narrowed_studio.user_policy(up.UserPolicyLevel.ADVANCED, **args)
    inputs = up.UserPolicyInputs(
        service_role_arn=narrowed_studio.service_role.role.role_arn,
        data_buckets=(data,), glue_databases=("sales",), restrict_pass_role=True,
    )
    statements: Sequence[Mapping[str, Any]] = stack.resolve(
        [s for spec in up.ADVANCED for s in up.render_statements(stack, spec, inputs)]
    )
    lines += [
        "",
        "Example: `user_policy(UserPolicyLevel.ADVANCED, data_buckets=[data], glue_databases=[\"sales\"],",
        "restrict_pass_role=True)` in IAM mode, `data` a bucket named by the parameter",
        "`${DataBucketName}`, statement by statement (the policy itself takes its"
        f" {'compact form' if narrowed.compact else 'page form'}; size bound {narrowed.size_bound:,}).",
        "The evaluator matrix checks that the Athena row of the page's table still holds on the",
        "team's bucket and database, and that other buckets, other databases, the notebooks, and",
        "passing the roles to other services are denied:",
        "",
        *_HEADER,
        *[row(s) for s in statements],
        "",
    ]
    return lines
