"""Generates ``docs/permissions.md`` from the code's own statement data.

Nothing in that file is written by hand.  The operations table comes from
:mod:`emr_studio_role.statements` (each :class:`~emr_studio_role.statements.StatementSpec`
names the row of the page's operations table it serves).  The resource scope,
the conditions and every per-mode section come from real
:class:`~emr_studio_role.EmrStudioServiceRole` constructs, built in an
environment-agnostic stack and resolved, so they show exactly what the
construct writes into the template.  Intrinsics are shown as ``${...}``:
``${Partition}``, ``${Region}`` and ``${Account}`` are the stack's pseudo
parameters; ``${BucketName}``, ``${BucketKeyArn}`` ... are the inputs of the
example.

Usage::

    python -m emr_studio_role.docs                      # print the markdown
    python -m emr_studio_role.docs --write docs/permissions.md
    python -m emr_studio_role.docs --check docs/permissions.md   # exit 1 if stale
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from aws_cdk import App, CfnParameter, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager

from . import statements as st
from .docs_users import studio_user_sections
from .limits import MANAGED_POLICIES_PER_ROLE, MANAGED_POLICY_MAX_CHARS
from .role import EmrStudioServiceRole, GitSecretAccess, StudioCompute

_PSEUDO = {"AWS::Partition": "Partition", "AWS::Region": "Region", "AWS::AccountId": "Account",
           "AWS::URLSuffix": "URLSuffix"}

#: The storage rows of the page's operations table: the Sids that serve them.
#: (The page's statements carry their operation in ``StatementSpec.operation``;
#: storage statements are built per location, so they are named here.)
STORAGE_OPERATIONS: Mapping[st.Operation, Tuple[str, ...]] = {
    st.Operation.STORAGE: (st.OBJECT_ACTIONS_SID, st.BUCKET_ACTIONS_SID),
    st.Operation.STORAGE_ENCRYPTION: (st.KMS_ACTIONS_SID,),
    st.Operation.WORKSPACE_ENCRYPTION: (st.KMS_ACTIONS_SID,),
}


# ----------------------------------------------------------------- rendering


def render_value(node: Any) -> str:
    """A resolved CloudFormation string value as text, intrinsics as ``${...}``."""
    if isinstance(node, str):
        return node
    if isinstance(node, Mapping):
        if set(node) == {"Ref"}:
            return "${" + _PSEUDO.get(node["Ref"], node["Ref"]) + "}"
        if set(node) == {"Fn::GetAtt"}:
            return "${" + ".".join(node["Fn::GetAtt"]) + "}"
        if set(node) == {"Fn::Join"}:
            sep, parts = node["Fn::Join"]
            return sep.join(render_value(p) for p in parts)
    raise ValueError(f"cannot render {node!r}")


def _as_list(value: Any) -> List[Any]:
    return list(value) if isinstance(value, list) else [value]


def _code(items: Iterable[str], sep: str = "<br>") -> str:
    return sep.join(f"`{i}`" for i in items)


def render_condition(condition: Optional[Mapping[str, Mapping[str, Any]]]) -> str:
    if not condition:
        return "none"
    parts = []
    for operator, pairs in condition.items():
        for key, value in pairs.items():
            values = ", ".join(render_value(v) for v in _as_list(value))
            parts.append(f"`{operator}` `{key}` = `{values}`")
    return " and ".join(parts)


def _statement_row(statement: Mapping[str, Any]) -> str:
    return (
        f"| `{statement.get('Sid', '(no Sid)')}` "
        f"| {_code(_as_list(statement['Action']))} "
        f"| {_code(render_value(r) for r in _as_list(statement['Resource']))} "
        f"| {render_condition(statement.get('Condition'))} |"
    )


_STATEMENT_HEADER = [
    "| Sid | Actions | Resources | Condition |",
    "|---|---|---|---|",
]


# ----------------------------------------------------------------- examples


class Example:
    """One role, built in its own environment-agnostic stack, with resolved policies."""

    def __init__(self, **props: Any) -> None:
        # The docs read the synthesized policies; CDK's built-in template validation (an engine
        # that takes about 1.5 s to start) would check templates that are never deployed.
        self.app = App(builtin_cloud_formation_validation=False)
        self.stack = Stack(self.app, "Docs")
        stack = self.stack
        make_extra: Optional[Callable[[Stack], Dict[str, Any]]] = props.pop("extra", None)
        bucket = s3.Bucket.from_bucket_name(
            stack, "Bucket", CfnParameter(stack, "BucketName").value_as_string
        )
        kwargs: Dict[str, Any] = {"bucket": bucket, "prefix": "studio/"}
        if make_extra is not None:
            kwargs.update(make_extra(stack))
        kwargs.update(props)
        self.role = EmrStudioServiceRole(stack, "StudioServiceRole", **kwargs)

    def resolve(self, value: Any) -> Any:
        return self.stack.resolve(value)

    def policies(self) -> List[Tuple[str, List[Dict[str, Any]]]]:
        """``(policy id, statements)`` for every managed policy of the role, in order."""
        out = []
        for policy in self.role.policies:
            doc = self.resolve(policy.document.to_json()) or {}
            out.append((policy.node.id, list(doc.get("Statement", []))))
        return out

    def statements(self) -> List[Dict[str, Any]]:
        return [s for _, statements in self.policies() for s in statements]

    def by_sid(self) -> Dict[str, Dict[str, Any]]:
        return {s["Sid"]: s for s in self.statements() if "Sid" in s}

    def trust(self) -> Dict[str, Any]:
        return self.resolve(self.role.role.assume_role_policy.to_json())


def _key(name: str) -> Callable[[Stack], kms.IKey]:
    def make(stack: Stack) -> kms.IKey:
        return kms.Key.from_key_arn(stack, f"Imported{name}", CfnParameter(stack, name).value_as_string)

    return make


def _with_keys(stack: Stack) -> Dict[str, Any]:
    return {
        "encryption_key": _key("BucketKeyArn")(stack),
        "workspace_encryption_key": _key("WorkspaceKeyArn")(stack),
    }


def _listed_secret(stack: Stack) -> Dict[str, Any]:
    secret = secretsmanager.Secret.from_secret_name_v2(stack, "GitSecret", "git-credentials")
    return {"git_secret_access": GitSecretAccess.LISTED_SECRETS, "git_secrets": [secret]}


# ----------------------------------------------------------------- sections


def _operations_table(full: Example) -> List[str]:
    """One row per operation of the page's operations table."""
    by_sid = full.by_sid()
    lines = [
        "| Operation (the page's table) | Actions | Sid | Resource scope | Condition |",
        "|---|---|---|---|---|",
    ]
    for operation in st.Operation:
        specs = [s for s in st.PAGE_STATEMENTS if s.operation is operation]
        sids = [s.sid for s in specs] or list(STORAGE_OPERATIONS.get(operation, ()))
        actions: List[str] = []
        for sid in sids:
            for a in _as_list(by_sid[sid]["Action"]):
                if a not in actions:
                    actions.append(a)
        if operation is st.Operation.STORAGE_ENCRYPTION:
            scope_note = "the bucket's key: "
        elif operation is st.Operation.WORKSPACE_ENCRYPTION:
            scope_note = "the workspace key: "
        else:
            scope_note = ""
        scopes, conditions = [], []
        for sid in sids:
            statement = by_sid[sid]
            resources = [render_value(r) for r in _as_list(statement["Resource"])]
            if operation is st.Operation.STORAGE_ENCRYPTION:
                resources = [r for r in resources if "BucketKey" in r]
            elif operation is st.Operation.WORKSPACE_ENCRYPTION:
                resources = [r for r in resources if "WorkspaceKey" in r]
            prefix = f"`{sid}`: " if len(sids) > 1 else scope_note
            scopes.append(prefix + ", ".join(f"`{r}`" for r in resources))
            if statement.get("Condition"):
                head = f"`{sid}`: " if len(sids) > 1 else ""
                conditions.append(head + render_condition(statement["Condition"]))
        lines.append(
            f"| {operation.value} | {_code(actions, ', ')} | {_code(sids)} "
            f"| {'<br>'.join(scopes)} | {'<br>'.join(conditions) or 'none'} |"
        )
    return lines


def _spec_table(full: Example) -> List[str]:
    """The page's statements as the code holds them, and how the construct scopes them."""
    by_sid = full.by_sid()
    lines = [
        "| # | Sid | Operation | Resource in the construct | Compared with the page |",
        "|---:|---|---|---|---|",
    ]
    for i, spec in enumerate(st.PAGE_STATEMENTS, 1):
        ours = [render_value(r) for r in _as_list(by_sid[spec.sid]["Resource"])]
        if spec.narrowed_from_page:
            how = "narrowed from the page's `*`"
        elif all(isinstance(r, str) for r in spec.resources):
            how = "`*` as on the page"
        elif all(
            isinstance(r, st.ArnPattern) and r.region == "*" and r.account == "*" for r in spec.resources
        ):
            how = (
                "exactly the page's ARN (`arn:<partition>:ec2:*:*:...`): only the partition is the stack's; "
                "region and account stay `*` (the page: you must not change this statement)"
            )
        else:
            how = "the page's ARN, with the stack's partition, region and account for `aws:*:*`"
        lines.append(
            f"| {i} | `{spec.sid}` | {spec.operation.name} | {_code(ours)} | {how} |"
        )
    return lines


def _mode_section(
    title: str,
    intro: Sequence[str],
    example: Example,
    only: Optional[Sequence[str]] = None,
) -> List[str]:
    lines = [f"### {title}", "", *intro, ""]
    for policy_id, statements in example.policies():
        if only is not None:
            skipped = [s for s in statements if s.get("Sid") not in only]
            statements = [s for s in statements if s.get("Sid") in only]
            note = f" ({len(skipped)} statements of the page before these)" if skipped else ""
        else:
            note = ""
        lines += [f"Managed policy `{policy_id}`{note}:", "", *_STATEMENT_HEADER]
        lines += [_statement_row(s) for s in statements]
        lines.append("")
    if not example.role.policies:
        lines += ["No managed policy.", ""]
    return lines


def generate() -> str:
    """The whole of ``docs/permissions.md``."""
    full = Example(extra=_with_keys)
    default = Example()
    serverless = Example(compute=StudioCompute.EMR_SERVERLESS)
    serverless_kms = Example(compute=StudioCompute.EMR_SERVERLESS, extra=_with_keys)
    listed = Example(extra=_listed_secret)
    user_role = Example(git_secret_access=GitSecretAccess.USER_ROLE)
    collab_off = Example(workspace_collaboration=False)

    # USER_ROLE: what grant_git_secret_read gives the Studio user role.
    user = iam.Role(user_role.stack, "StudioUserRole", assumed_by=iam.AccountRootPrincipal())
    user_role.role.grant_git_secret_read(user)
    user_policy = user.node.find_child("DefaultPolicy")
    user_statements = user_role.resolve(user_policy.document.to_json())["Statement"]  # type: ignore[attr-defined]

    # A second storage location merges into the same statements.
    more = Example(extra=_with_keys)
    more.role.add_storage_location(
        s3.Bucket.from_bucket_name(
            more.stack, "Archive", CfnParameter(more.stack, "ArchiveBucketName").value_as_string
        ),
        prefix="archive/studio",
        encryption_key=_key("ArchiveKeyArn")(more.stack),
    )

    default_sids = [s["Sid"] for s in default.statements()]
    collab_sids = set(s["Sid"] for s in collab_off.statements())
    user_sids = set(s["Sid"] for s in user_role.statements())

    lines: List[str] = [
        "# EMR Studio service role: permissions",
        "",
        "<!-- Generated by `make docs` (python -m emr_studio_role.docs) from the code's statement",
        "     data; do not edit. tests/unit/test_docs.py fails when this file is stale. -->",
        "",
        "Source of truth: AWS's page *Create an EMR Studio service role* (its policy documents",
        "and operations table are in `tests/fixtures/aws_page_policies.json`). Every statement",
        "below is built from",
        "`emr_studio_role/statements.py` by `EmrStudioServiceRole` and resolved in an",
        "environment-agnostic stack. `${Partition}`, `${Region}` and `${Account}` are the stack's",
        "partition, region and account; `${BucketName}`, `${BucketKeyArn}`, `${WorkspaceKeyArn}`",
        "are the example's inputs (the `bucket`, `encryption_key` and",
        "`workspace_encryption_key` props). Every policy is a customer-managed policy attached",
        f"through its `Roles` property; each stays within {MANAGED_POLICY_MAX_CHARS:,} characters",
        f"and a role takes at most {MANAGED_POLICIES_PER_ROLE} of them.",
        "",
        "## The page's operations",
        "",
        "One row per operation of the page's table *EMR Studio service role permissions*, with",
        "the statements that grant it in the default mode (EC2 or EKS, tagged Git secrets,",
        "collaboration on, a bucket key and a workspace key):",
        "",
        *_operations_table(full),
        "",
        "The page's step-2 statements in the code, and where the construct narrows the page's",
        "resource (the page: *Where applicable, change the \\* in \"Resource\":\"\\*\" ... to",
        "specify the ARN*). `*` stays where the page has it: for actions that take no resource",
        "(EC2 `Describe*`, `iam:ListUsers`/`ListRoles`, the `sso` actions), and where the page",
        "scopes a statement by the EMR tag or looks up any identity of the account",
        "(`AllowEC2SecurityGroupActionsWithEMRTags`, `iam:GetUser`/`GetRole`); each reason is",
        "in `statements.py`. The two guarded statements keep the page's `*` for region and",
        "account.",
        "",
        *_spec_table(full),
        "",
        "The statements `"
        + "` and `".join(st.GUARDED_SIDS)
        + "` are the page's *must not change* statements: a synth-time validation fails when",
        "either is missing from the role's policies or altered.",
        "",
        "## Trust policy (every mode)",
        "",
        "| Principal | Action | Condition |",
        "|---|---|---|",
    ]
    for statement in default.trust()["Statement"]:
        principal = ", ".join(render_value(p) for p in _as_list(statement["Principal"]["Service"]))
        lines.append(
            f"| `{principal}` | `{statement['Action']}` | {render_condition(statement.get('Condition'))} |"
        )
    lines += ["", "## Modes", ""]
    lines += _mode_section(
        "EC2 or EKS (default)",
        [
            "`compute=StudioCompute.EC2_OR_EKS`, `git_secret_access=GitSecretAccess.TAGGED_SECRETS`,",
            "collaboration on, a bucket without a key: the page's step-2 statements in the page's",
            "order, then the storage statements.",
        ],
        default,
    )
    lines += _mode_section(
        "EMR Serverless",
        [
            "`compute=StudioCompute.EMR_SERVERLESS`: the page's *Minimum service role for EMR",
            "Serverless*, the storage statements only. Collaboration, Git secrets, a VPC, subnets",
            "and security groups are refused in this mode.",
        ],
        serverless,
    )
    lines += _mode_section(
        "EMR Serverless with an encrypted bucket",
        ["The same, plus the page's KMS actions on the bucket's key and the workspace key."],
        serverless_kms,
    )
    lines += ["### Git secrets", ""]
    git = default.by_sid()[st.GIT_SECRET_READ.sid]
    lines += [
        "Three modes (`git_secret_access`). The Git secrets passed in `git_secrets` get the EMR",
        f"tag `{st.EMR_TAG_KEY}={st.EMR_TAG_VALUE}` in every mode.",
        "",
        "| Mode | On the service role | Elsewhere |",
        "|---|---|---|",
        f"| `TAGGED_SECRETS` (default) | `{git['Sid']}`: {_code(_as_list(git['Action']))} on "
        f"{_code(render_value(r) for r in _as_list(git['Resource']))}, "
        f"{render_condition(git.get('Condition'))} | none |",
    ]
    listed_git = listed.by_sid()[st.GIT_SECRET_READ.sid]
    lines.append(
        f"| `LISTED_SECRETS` (example: `Secret.from_secret_name_v2(..., 'git-credentials')`) "
        f"| `{listed_git['Sid']}`: {_code(_as_list(listed_git['Action']))} on "
        f"{_code(render_value(r) for r in _as_list(listed_git['Resource']))}, "
        f"{render_condition(listed_git.get('Condition'))} | none |"
    )
    in_service = "present" if st.GIT_SECRET_READ.sid in user_sids else "absent"
    grants = "<br>".join(
        f"{_code(_as_list(s['Action']))} on {_code(render_value(r) for r in _as_list(s['Resource']))}, "
        f"{render_condition(s.get('Condition'))}"
        for s in user_statements
    )
    lines += [
        f"| `USER_ROLE` (page step 4) | `{st.GIT_SECRET_READ.sid}` {in_service} "
        f"| `role.grant_git_secret_read(user_role)` adds to the user role: {grants} |",
        "",
    ]
    lines += [
        "### Workspace collaboration",
        "",
        "| `workspace_collaboration` | `AllowWorkspaceCollaboration` |",
        "|---|---|",
        "| `None` (default): on for EC2_OR_EKS, off for EMR_SERVERLESS | "
        f"{'present' if st.ALLOW_WORKSPACE_COLLABORATION.sid in default_sids else 'absent'} (EC2_OR_EKS) |",
        f"| `False` | {'present' if st.ALLOW_WORKSPACE_COLLABORATION.sid in collab_sids else 'absent'} |",
        "| `True` with EMR_SERVERLESS | refused |",
        "",
    ]
    collab = default.by_sid()[st.ALLOW_WORKSPACE_COLLABORATION.sid]
    lines += [*_STATEMENT_HEADER, _statement_row(collab), ""]
    lines += _mode_section(
        "Storage and KMS",
        [
            "Every storage location adds its object ARN (`<bucket ARN>/<prefix>*`) to",
            f"`{st.OBJECT_ACTIONS_SID}`, its bucket ARN to `{st.BUCKET_ACTIONS_SID}` and its key (if",
            f"any) to `{st.KMS_ACTIONS_SID}`, with the workspace key; the same bucket and prefix",
            "twice is merged. A prefix without a trailing `/` is treated as a folder",
            "(`archive/studio` -> `archive/studio/`). When a policy is full, the statements",
            "continue in `Policy2`, `Policy3`, ... Example: the default bucket with its key, a",
            "workspace key, and `role.add_storage_location(archive, prefix=\"archive/studio\",",
            "encryption_key=archive_key)`:",
        ],
        more,
        only=[sid for sids in STORAGE_OPERATIONS.values() for sid in sids],
    )
    lines += studio_user_sections(render_value, render_condition, _code)
    lines += ["", *_tagging_section()]
    return "\n".join(lines).rstrip("\n") + "\n"


def _tagging_section() -> List[str]:
    """The role and policies of the custom resource that tags imported resources
    (``tag_imported_resources=True``, :mod:`emr_studio_role.imported`), read from a
    synthesized example with an imported VPC, subnet, security group and Git secret."""
    from aws_cdk import aws_ec2 as ec2

    from .imported import ImportedResourceTagger

    def network(stack: Stack) -> Dict[str, Any]:
        def param(name: str) -> str:
            return CfnParameter(stack, name).value_as_string

        return {
            "vpc": ec2.Vpc.from_vpc_attributes(
                stack, "ImportedVpc", vpc_id=param("VpcId"), availability_zones=["a"]
            ),
            "subnets": [ec2.Subnet.from_subnet_id(stack, "ImportedSubnet", param("SubnetId"))],
            "security_groups": [
                ec2.SecurityGroup.from_security_group_id(stack, "ImportedSg", param("SecurityGroupId"))
            ],
            **_listed_secret(stack),
        }

    example = Example(extra=network, tag_imported_resources=True)
    tagger = example.role.node.find_child("TagImportedResources")
    assert isinstance(tagger, ImportedResourceTagger)
    template = example.app.synth().get_stack_by_name(example.stack.stack_name).template
    resources = template["Resources"]
    log_group = example.stack.resolve(tagger.log_group.node.default_child.logical_id)  # type: ignore[union-attr]
    role_id = example.stack.resolve(tagger.role.node.default_child.logical_id)  # type: ignore[union-attr]

    def text(value: Any) -> str:
        return render_value(value).replace(f"${{{log_group}.", "${LogGroup.")

    def rows(policy: Mapping[str, Any]) -> List[str]:
        out = []
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            condition = statement.get("Condition")
            out.append(
                f"| `{statement.get('Sid', '(no Sid)')}` "
                f"| {_code(_as_list(statement['Action']))} "
                f"| {_code(text(r) for r in _as_list(statement['Resource']))} "
                f"| {render_condition(condition)} |"
            )
        return out

    policies = {
        logical_id: r for logical_id, r in resources.items() if r["Type"] == "AWS::IAM::ManagedPolicy"
    }
    tag_policy = policies[example.stack.resolve(tagger.policy.node.default_child.logical_id)]  # type: ignore[union-attr]
    logs_policy = next(
        p for p in policies.values()
        if p is not tag_policy and {"Ref": role_id} in p["Properties"].get("Roles", [])
    )
    trust = resources[role_id]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    principals = ", ".join(
        f"`{text(p)}`" for s in trust for p in _as_list(s["Principal"]["Service"])
    )
    retention = resources[log_group]["Properties"]["RetentionInDays"]
    calls = []
    for custom in (r for r in resources.values() if r["Type"] == "Custom::AWS"):
        props = custom["Properties"]
        create, delete = (json.loads(text(props[k])) for k in ("Create", "Delete"))
        target = create["parameters"].get("Resources") or [create["parameters"].get("SecretId")]
        tags = create["parameters"].get("Tags")
        untags = delete["parameters"].get("Tags") or delete["parameters"].get("TagKeys")
        calls.append(
            f"| {_code(target)} | `{create['service']}.{create['action']}` "
            f"`{json.dumps(tags, separators=(',', ':'))}` "
            f"| `{delete['service']}.{delete['action']}` `{json.dumps(untags, separators=(',', ':'))}` |"
        )
    return [
        "## Tagging imported resources (`tag_imported_resources=True`)",
        "",
        "CloudFormation cannot tag a resource it does not create. With `tag_imported_resources=True`",
        "the construct tags each imported VPC, subnet, security group and Git secret with",
        f"`{st.EMR_TAG_KEY}={st.EMR_TAG_VALUE}` at deploy time through one `AwsCustomResource`",
        "(`Custom::AWS`) per resource, run by CDK's singleton Lambda. A security reviewer signs",
        "off these permissions too. Example: an imported VPC, subnet and security group given",
        "by the parameters `${VpcId}`, `${SubnetId}`, `${SecurityGroupId}`, and",
        "`Secret.from_secret_name_v2(..., 'git-credentials')`.",
        "",
        "| Imported resource | On create and update | On delete |",
        "|---|---|---|",
        *sorted(calls),
        "",
        f"The Lambda's role trusts {principals}. Its managed policy `{tagger.policy.node.id}` (the tag",
        "calls, on exactly those resources; only the EMR tag key, and when tagging only its value):",
        "",
        *_STATEMENT_HEADER,
        *rows(tag_policy),
        "",
        f"Its managed policy `LogsPolicy` (the Lambda's own log group, kept {retention} days):",
        "",
        *_STATEMENT_HEADER,
        *rows(logs_policy),
        "",
        "When an earlier `AwsCustomResource` in the same stack already created the singleton",
        "Lambda, the tagging policy is attached to that function's role instead, and no role,",
        "log group or `LogsPolicy` is created.",
        "",
    ]


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Generate docs/permissions.md")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", type=Path, help="write the markdown to this file")
    group.add_argument("--check", type=Path, help="exit 1 if this file differs from the output")
    args = parser.parse_args(argv)
    text = generate()
    if args.write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(text)
        print(f"wrote {args.write}", file=sys.stderr)
    elif args.check:
        current = args.check.read_text() if args.check.exists() else ""
        if current != text:
            print(f"{args.check} is stale: run `make docs`", file=sys.stderr)
            return 1
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
