"""EmrStudio's users (issues 15 and 19): sizes, Git secrets under Identity Center, the re-tag
condition, narrowing the advanced policy, session mappings, grants that cannot take effect,
warnings.  Access itself is decided by the IAM evaluator in tests/integration/test_iam_users.py;
these tests check what is synthesized and what is refused, one behaviour each."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Tuple

import pytest
from aws_cdk import App, Environment, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Annotations, Match

from emr_studio_role import (
    EmrStudio,
    EmrStudioRoleValidationError,
    GitSecretAccess,
    StudioAuthMode,
    UserPolicyLevel,
)
from emr_studio_role import user_policies as up
from emr_studio_role.limits import MANAGED_POLICY_MAX_CHARS
from tests.helpers import ENV, as_list, cdk_app, render, rendered_resources
from tests.worst_case import WorstCase, iam_length, managed_policies

IDC = StudioAuthMode.IAM_IDENTITY_CENTER


def _stack(env=ENV) -> Tuple[App, Stack]:
    app = cdk_app()
    return app, Stack(app, "UsersStack", env=env)


def _studio(stack: Stack, **props: Any) -> EmrStudio:
    vpc = ec2.Vpc.from_vpc_attributes(
        stack,
        "Vpc",
        vpc_id="vpc-0123456789abcdef0",
        availability_zones=["a"],
        private_subnet_ids=["subnet-0123456789abcdef0"],
    )
    props.setdefault("bucket", s3.Bucket.from_bucket_name(stack, "Bucket", "notebooks-bucket"))
    return EmrStudio(stack, "Studio", vpc=vpc, subnets=vpc.private_subnets, **props)


def _statements(stack: Stack, made: up.UserPolicy) -> List[Dict[str, Any]]:
    return stack.resolve(made.policy.document.to_json())["Statement"]


def _refusal(call) -> str:
    with pytest.raises(EmrStudioRoleValidationError) as info:
        call()
    return str(info.value)


def _roles(stack: Stack, n: int, created: bool = True) -> List[iam.IRole]:
    if created:
        return [
            iam.Role(stack, f"Runtime{i}", assumed_by=iam.AnyPrincipal(), path="/" + "p" * 200 + "/")
            for i in range(n)
        ]
    return [iam.Role.from_role_name(stack, f"Runtime{i}", f"runtime-{i}") for i in range(n)]


# ------------------------------------------------------------------ finding 1: sizes


def test_advanced_policy_with_runtime_and_eks_roles_fits_iams_limit_at_its_worst_case():
    """Issue 15, finding 1: it was 6,266+ characters; now at most 6,144 with worst-case values."""
    app, stack = _stack(env=None)
    studio = _studio(stack, auth_mode=IDC, git_secret_access=GitSecretAccess.USER_ROLE)
    runtime = iam.Role.from_role_name(stack, "Runtime", "r" * 60)
    eks = iam.Role.from_role_name(stack, "Eks", "e" * 60)
    made = studio.user_policy(
        UserPolicyLevel.ADVANCED, serverless_runtime_roles=[runtime], eks_execution_roles=[eks]
    )
    template = app.synth().get_stack_by_name(stack.stack_name).template
    wc = WorstCase(template)
    (document,) = [
        wc.tree(p["Properties"]["PolicyDocument"])
        for lid, p in managed_policies(template).items()
        if lid.startswith("StudioAdvancedUserPolicy")
    ]
    assert iam_length(document) <= MANAGED_POLICY_MAX_CHARS
    assert iam_length(document) <= made.size_bound


@pytest.mark.parametrize("level", list(UserPolicyLevel))
def test_every_levels_size_bound_is_within_iams_limit_and_above_its_worst_case_length(level):
    app, stack = _stack(env=None)
    studio = _studio(stack, auth_mode=IDC, git_secret_access=GitSecretAccess.USER_ROLE)
    made = studio.user_policy(level, serverless_runtime_roles=_roles(stack, 2))
    template = app.synth().get_stack_by_name(stack.stack_name).template
    wc = WorstCase(template)
    lid = stack.resolve(made.policy.node.default_child.logical_id)
    length = iam_length(wc.tree(template["Resources"][lid]["Properties"]["PolicyDocument"]))
    assert length <= made.size_bound <= MANAGED_POLICY_MAX_CHARS


def test_a_policy_that_fits_keeps_the_pages_form():
    _, stack = _stack()
    made = _studio(stack).user_policy(UserPolicyLevel.BASIC)
    assert not made.compact
    assert all("Sid" in s for s in _statements(stack, made))


def test_a_policy_that_could_exceed_the_limit_takes_its_compact_form():
    _, stack = _stack()
    made = _studio(stack).user_policy(
        UserPolicyLevel.ADVANCED, serverless_runtime_roles=_roles(stack, 1, created=False)
    )
    assert made.compact
    assert all("Sid" not in s for s in _statements(stack, made))


def _triples(statements: List[Dict[str, Any]]) -> set:
    return {
        (a, r, json.dumps(s.get("Condition"), sort_keys=True))
        for s in statements
        for a in as_list(s["Action"])
        for r in as_list(s["Resource"])
    }


def test_the_compact_form_grants_exactly_the_pages_form_action_by_resource_and_condition():
    _, stack = _stack()
    inputs = up.UserPolicyInputs(
        service_role_arn="arn:aws:iam::111122223333:role/studio",
        serverless_runtime_roles=tuple(_roles(stack, 2, created=False)),
        eks_execution_roles=(iam.Role.from_role_name(stack, "Eks", "eks"),),
    )
    page_form = [s for spec in up.ADVANCED for s in up.render_statements(stack, spec, inputs)]
    compact = up.compact_statements(page_form)
    assert len(compact) < len(page_form)
    assert _triples(stack.resolve(compact)) == _triples(stack.resolve(page_form))


def test_a_policy_that_cannot_fit_even_compact_is_refused_naming_the_level_and_its_bound():
    _, stack = _stack()
    studio = _studio(stack)
    message = _refusal(
        lambda: studio.user_policy(UserPolicyLevel.ADVANCED, serverless_runtime_roles=_roles(stack, 12))
    )
    assert "EmrStudio at 'UsersStack/Studio'" in message
    assert "user_policy(UserPolicyLevel.ADVANCED): the ADVANCED user policy could reach" in message
    assert "over IAM's 6,144" in message


def test_a_refused_policy_creates_nothing():
    _, stack = _stack()
    studio = _studio(stack)
    roles = _roles(stack, 12)
    with pytest.raises(EmrStudioRoleValidationError):
        studio.user_policy(UserPolicyLevel.ADVANCED, serverless_runtime_roles=roles)
    assert studio.node.try_find_child("AdvancedUserPolicy") is None


def test_a_role_created_in_the_app_counts_at_its_path_and_name_not_the_longest_arn():
    _, stack = _stack()
    role = iam.Role(stack, "R", assumed_by=iam.AnyPrincipal(), role_name="runtime", path="/team/")
    assert up.role_arn_bound(role) == len("arn:aws-us-gov:iam::123456789012:role/team/runtime")
    assert up.role_arn_bound(iam.Role(stack, "G", assumed_by=iam.AnyPrincipal())) == 38 + 64


# ------------------------------------------------------------------ finding 2: Git secrets, Identity Center


def _git_statements(stack: Stack, made: up.UserPolicy) -> List[Dict[str, Any]]:
    return [s for s in _statements(stack, made) if "secretsmanager:GetSecretValue" in as_list(s["Action"])]


@pytest.mark.parametrize("level", list(UserPolicyLevel))
def test_identity_center_session_policies_hold_the_user_level_git_secret_statement(level):
    """Issue 15, finding 2: a session is the intersection of role and session policy."""
    _, stack = _stack()
    studio = _studio(stack, auth_mode=IDC, git_secret_access=GitSecretAccess.USER_ROLE)
    (statement,) = _git_statements(stack, studio.user_policy(level))
    assert statement["Condition"] == {
        "StringEquals": {
            "secretsmanager:ResourceTag/for-use-with-amazon-emr-managed-user-policies": "${aws:userid}"
        }
    }


def test_session_policies_hold_no_git_statement_when_the_service_role_reads_the_secrets():
    _, stack = _stack()
    studio = _studio(stack, auth_mode=IDC)
    assert not _git_statements(stack, studio.user_policy(UserPolicyLevel.BASIC))


def test_iam_mode_user_policies_hold_no_git_statement():
    _, stack = _stack()
    studio = _studio(stack, git_secret_access=GitSecretAccess.USER_ROLE)
    assert not _git_statements(stack, studio.user_policy(UserPolicyLevel.BASIC))


# ------------------------------------------------------------------ finding 3: re-tagging


@pytest.mark.parametrize("level", list(UserPolicyLevel))
def test_tag_resource_on_git_secrets_allows_only_the_callers_own_user_tag(level):
    _, stack = _stack()
    statements = _statements(stack, _studio(stack).user_policy(level))
    (tagging,) = [s for s in statements if "secretsmanager:TagResource" in as_list(s["Action"])]
    assert tagging["Condition"] == {
        "StringEqualsIfExists": {
            "aws:RequestTag/for-use-with-amazon-emr-managed-user-policies": "${aws:userid}",
            "aws:ResourceTag/for-use-with-amazon-emr-managed-user-policies": "${aws:userid}",
        },
        "ForAllValues:StringEquals": {
            "aws:TagKeys": [
                "for-use-with-amazon-emr-managed-policies",
                "for-use-with-amazon-emr-managed-user-policies",
            ]
        },
    }


# ------------------------------------------------------------------ finding 4: narrowing


def _advanced(stack: Stack, **args: Any) -> List[Dict[str, Any]]:
    return _statements(stack, _studio(stack).user_policy(UserPolicyLevel.ADVANCED, **args))


def test_data_buckets_narrow_the_athena_s3_actions_to_those_buckets():
    _, stack = _stack()
    data = s3.Bucket.from_bucket_name(stack, "Data", "team-data")
    statements = _advanced(stack, data_buckets=[data])
    objects = [s for s in statements if "s3:PutObject" in as_list(s["Action"])]
    assert [rendered_resources(s) for s in objects] == [["arn:aws:s3:::team-data/*"]]
    public = [s for s in statements if "s3:PutBucketPublicAccessBlock" in as_list(s["Action"])]
    assert [rendered_resources(s) for s in public] == [["arn:aws:s3:::team-data"]]


def test_glue_databases_narrow_the_athena_glue_actions_to_the_catalog_those_databases_and_tables():
    _, stack = _stack()
    statements = _advanced(stack, glue_databases=["sales"])
    (glue,) = [s for s in statements if "glue:DeleteTable" in as_list(s["Action"])]
    assert rendered_resources(glue) == [
        "arn:aws:glue:eu-west-1:111122223333:catalog",
        "arn:aws:glue:eu-west-1:111122223333:database/sales",
        "arn:aws:glue:eu-west-1:111122223333:table/sales/*",
    ]
    (athena,) = [s for s in statements if "athena:StartQueryExecution" in as_list(s["Action"])]
    assert not [a for a in as_list(athena["Action"]) if a.startswith("glue:")]


def test_restrict_pass_role_passes_each_role_only_to_its_service():
    _, stack = _stack()
    statements = _advanced(stack, restrict_pass_role=True)
    passed_to = {
        render(s["Condition"]["StringEquals"]["iam:PassedToService"]): sorted(
            r.rsplit("/", 1)[-1] for r in rendered_resources(s)
        )
        for s in statements
        if s["Action"] == "iam:PassRole"
    }
    assert passed_to["ec2.${AWS::URLSuffix}"] == ["EMR_EC2_DefaultRole"]
    emr = passed_to["elasticmapreduce.${AWS::URLSuffix}"]
    assert "EMR_DefaultRole_V2" in emr and len(emr) == 2 and "EMR_EC2_DefaultRole" not in emr


def test_without_narrowing_the_advanced_policy_keeps_the_pages_broad_grants():
    _, stack = _stack()
    statements = _advanced(stack)
    broad = [s for s in statements if "s3:PutBucketPublicAccessBlock" in as_list(s["Action"])]
    assert [s["Resource"] for s in broad] == ["*"]


@pytest.mark.parametrize("prop,value", [("data_buckets", "bucket"), ("glue_databases", ["sales"])])
def test_narrowing_the_athena_statement_is_refused_for_levels_without_it(prop, value):
    _, stack = _stack()
    studio = _studio(stack)
    if value == "bucket":
        value = [s3.Bucket.from_bucket_name(stack, "Data", "team-data")]
    message = _refusal(lambda: studio.user_policy(UserPolicyLevel.INTERMEDIATE, **{prop: value}))
    assert (
        f"{prop}: given for UserPolicyLevel.INTERMEDIATE; allowed: only with UserPolicyLevel.ADVANCED"
        in message
    )


def test_a_glue_database_name_with_a_wildcard_is_refused():
    _, stack = _stack()
    message = _refusal(
        lambda: _studio(stack).user_policy(UserPolicyLevel.ADVANCED, glue_databases=["sales*"])
    )
    assert "glue_databases[0]: got 'sales*'" in message


# ------------------------------------------------------------------ finding 6: AWS managed policies


def test_an_aws_managed_session_policy_is_refused_naming_it():
    _, stack = _stack()
    studio = _studio(stack, auth_mode=IDC)
    admin = iam.ManagedPolicy.from_aws_managed_policy_name("AdministratorAccess")
    message = _refusal(
        lambda: studio.add_session_mapping(
            identity_name="admins", identity_type="GROUP", session_policy=admin
        )
    )
    assert (
        "session_policy: got the AWS managed policy 'AdministratorAccess'; allowed: a customer-managed policy"
        in message
    )


def test_an_aws_managed_policy_given_by_arn_is_refused_too():
    _, stack = _stack()
    studio = _studio(stack, auth_mode=IDC)
    admin = iam.ManagedPolicy.from_managed_policy_arn(
        stack, "Admin", "arn:aws:iam::aws:policy/PowerUserAccess"
    )
    message = _refusal(
        lambda: studio.add_session_mapping(
            identity_name="admins", identity_type="GROUP", session_policy=admin
        )
    )
    assert "AWS managed policy 'PowerUserAccess'" in message


def test_a_customer_managed_policy_of_the_account_is_accepted_as_session_policy():
    _, stack = _stack()
    studio = _studio(stack, auth_mode=IDC)
    own = iam.ManagedPolicy.from_managed_policy_name(stack, "Own", "team-session-policy")
    studio.add_session_mapping(identity_name="team", identity_type="GROUP", session_policy=own)


# ------------------------------------------------------------------ finding 7: no mapping


def test_identity_center_studio_without_a_session_mapping_warns_at_synth():
    app, stack = _stack()
    _studio(stack, auth_mode=IDC)
    app.synth()
    Annotations.from_stack(stack).has_warning(
        "/UsersStack/Studio", Match.string_like_regexp("has no session mapping.*add_session_mapping")
    )


def test_identity_center_studio_with_a_session_mapping_does_not_warn():
    app, stack = _stack()
    studio = _studio(stack, auth_mode=IDC)
    studio.add_session_mapping(
        identity_name="team", identity_type="GROUP", session_policy=studio.user_policy().policy
    )
    app.synth()
    Annotations.from_stack(stack).has_no_warning("*", Match.string_like_regexp("no session mapping"))


# ------------------------------------------------------------------ finding 8: Identity Center partition


def _idc_arn(partition: str) -> str:
    return f"arn:{partition}:sso:::instance/ssoins-1234567890abcdef"


def test_identity_center_instance_of_another_partition_is_refused():
    _, stack = _stack(env=Environment(account="111122223333", region="cn-north-1"))
    message = _refusal(lambda: _studio(stack, auth_mode=IDC, idc_instance_arn=_idc_arn("aws")))
    assert (
        "idc_instance_arn: got 'arn:aws:sso:::instance/ssoins-1234567890abcdef', in partition 'aws'"
        in message
    )
    assert "stack's partition 'aws-cn'" in message


def test_identity_center_instance_of_the_stacks_partition_is_accepted():
    _, stack = _stack(env=Environment(account="111122223333", region="cn-north-1"))
    _studio(stack, auth_mode=IDC, idc_instance_arn=_idc_arn("aws-cn"))


def test_identity_center_instance_in_an_environment_agnostic_stack_is_accepted():
    _, stack = _stack(env=None)
    _studio(stack, auth_mode=IDC, idc_instance_arn=_idc_arn("aws-us-gov"))


# ------------------------------------------------------------------ issue 19, item 1: 10 policies


def _policies(stack: Stack, n: int) -> List[iam.ManagedPolicy]:
    return [
        iam.ManagedPolicy(
            stack,
            f"Session{i}",
            statements=[iam.PolicyStatement(actions=["s3:ListAllMyBuckets"], resources=["*"])],
        )
        for i in range(n)
    ]


def test_an_eleventh_session_policy_on_the_user_role_is_refused():
    _, stack = _stack()
    studio = _studio(stack, auth_mode=IDC)
    policies = _policies(stack, 11)
    for i, policy in enumerate(policies[:10]):
        studio.add_session_mapping(identity_name=f"g{i}", identity_type="GROUP", session_policy=policy)
    message = _refusal(
        lambda: studio.add_session_mapping(
            identity_name="g10", identity_type="GROUP", session_policy=policies[10]
        )
    )
    assert "would be managed policy number 11 of the user role; allowed: at most 10" in message
    assert studio.node.try_find_child("SessionMapping11") is None


def test_the_same_session_policy_for_many_mappings_counts_once():
    _, stack = _stack()
    studio = _studio(stack, auth_mode=IDC)
    (policy,) = _policies(stack, 1)
    for i in range(12):
        studio.add_session_mapping(identity_name=f"g{i}", identity_type="GROUP", session_policy=policy)


def test_policies_attached_to_the_user_role_directly_count_too():
    _, stack = _stack()
    studio = _studio(stack, auth_mode=IDC)
    policies = _policies(stack, 11)
    for policy in policies[:10]:
        studio.user_role.add_managed_policy(policy)
    message = _refusal(
        lambda: studio.add_session_mapping(
            identity_name="g", identity_type="GROUP", session_policy=policies[10]
        )
    )
    assert "managed policy number 11" in message


# ------------------------------------------------------------------ issue 19, item 2: wildcard roles


@pytest.mark.parametrize("arn", ["arn:aws:iam::*:role/*", "arn:aws:iam::111122223333:role/emr-*"])
@pytest.mark.parametrize("prop", ["serverless_runtime_roles", "eks_execution_roles"])
def test_a_runtime_or_execution_role_with_a_wildcard_is_refused(prop, arn):
    _, stack = _stack()
    role = iam.Role.from_role_arn(stack, "Wild", arn)
    message = _refusal(lambda: _studio(stack).user_policy(UserPolicyLevel.ADVANCED, **{prop: [role]}))
    assert f"{prop}[0]: got '{arn}', which holds a wildcard" in message


def test_a_runtime_role_arn_of_another_service_is_refused():
    _, stack = _stack()
    role = iam.Role.from_role_arn(stack, "NotARole", "arn:aws:iam::111122223333:user/alice")
    message = _refusal(
        lambda: _studio(stack).user_policy(UserPolicyLevel.ADVANCED, serverless_runtime_roles=[role])
    )
    assert "serverless_runtime_roles[0]: got 'arn:aws:iam::111122223333:user/alice'" in message


# ------------------------------------------------------------------ issue 19, item 3: a second call


def test_a_second_user_policy_call_with_other_roles_is_refused_naming_the_level_and_the_earlier_call():
    _, stack = _stack()
    studio = _studio(stack)
    studio.user_policy(UserPolicyLevel.INTERMEDIATE)
    runtime = iam.Role.from_role_name(stack, "Runtime", "runtime")
    message = _refusal(
        lambda: studio.user_policy(UserPolicyLevel.INTERMEDIATE, serverless_runtime_roles=[runtime])
    )
    assert (
        "user_policy(UserPolicyLevel.INTERMEDIATE, serverless_runtime_roles=[IRole at 'UsersStack/Runtime'])"
        in message
    )
    assert "already made by an earlier user_policy call with serverless_runtime_roles=[]" in message


def test_a_second_user_policy_call_with_the_same_arguments_returns_the_same_policy():
    _, stack = _stack()
    studio = _studio(stack)
    runtime = iam.Role.from_role_name(stack, "Runtime", "runtime")
    first = studio.user_policy(UserPolicyLevel.ADVANCED, serverless_runtime_roles=[runtime])
    assert studio.user_policy(UserPolicyLevel.ADVANCED, serverless_runtime_roles=[runtime]) is first


# ------------------------------------------------------------------ issue 19, item 7: grants


def _grantees(stack: Stack) -> Dict[str, Any]:
    return {
        "AnyPrincipal": iam.AnyPrincipal(),
        "AccountRootPrincipal": iam.AccountRootPrincipal(),
        "ServicePrincipal": iam.ServicePrincipal("lambda.amazonaws.com"),
        "another account's role": iam.Role.from_role_arn(
            stack, "Other", "arn:aws:iam::444455556666:role/reader"
        ),
    }


@pytest.mark.parametrize(
    "kind", ["AnyPrincipal", "AccountRootPrincipal", "ServicePrincipal", "another account's role"]
)
def test_grant_create_presigned_url_that_cannot_take_effect_is_refused_naming_the_grantee(kind):
    _, stack = _stack()
    studio = _studio(stack)
    grantee = _grantees(stack)[kind]
    message = _refusal(lambda: studio.grant_create_presigned_url(grantee))
    assert "grant_create_presigned_url: grantee" in message
    assert (kind.split("'")[0] in message) or ("Other" in message)


@pytest.mark.parametrize(
    "kind", ["AnyPrincipal", "AccountRootPrincipal", "ServicePrincipal", "another account's role"]
)
def test_grant_git_secret_read_that_cannot_take_effect_is_refused_naming_the_grantee(kind):
    _, stack = _stack()
    studio = _studio(stack, git_secret_access=GitSecretAccess.USER_ROLE)
    grantee = _grantees(stack)[kind]
    message = _refusal(lambda: studio.service_role.grant_git_secret_read(grantee))
    assert "grant_git_secret_read: grantee" in message


def test_a_refused_grant_adds_no_policy_to_another_accounts_role():
    _, stack = _stack()
    studio = _studio(stack)
    other = iam.Role.from_role_arn(stack, "Other", "arn:aws:iam::444455556666:role/reader")
    with pytest.raises(EmrStudioRoleValidationError):
        studio.grant_create_presigned_url(other)
    assert other.node.try_find_child("Policy") is None


def test_grant_create_presigned_url_to_a_role_of_the_account_succeeds():
    _, stack = _stack()
    role = iam.Role(stack, "Analyst", assumed_by=iam.AccountRootPrincipal())
    assert _studio(stack).grant_create_presigned_url(role).success


# ------------------------------------------------------------------ issue 19, item 8: IAM mode, USER_ROLE


def test_iam_mode_with_user_role_git_access_warns_naming_grant_git_secret_read():
    app, stack = _stack()
    _studio(stack, git_secret_access=GitSecretAccess.USER_ROLE)
    app.synth()
    Annotations.from_stack(stack).has_warning(
        "/UsersStack/Studio", Match.string_like_regexp("git_secret_access=USER_ROLE.*grant_git_secret_read")
    )


def test_identity_center_with_user_role_git_access_does_not_warn_about_git_readers():
    app, stack = _stack()
    studio = _studio(stack, auth_mode=IDC, git_secret_access=GitSecretAccess.USER_ROLE)
    studio.add_session_mapping(
        identity_name="t", identity_type="GROUP", session_policy=studio.user_policy().policy
    )
    app.synth()
    Annotations.from_stack(stack).has_no_warning("*", Match.string_like_regexp("grant_git_secret_read"))


# ------------------------------------------------------------------ messages name the construct


def test_session_mapping_in_iam_mode_is_refused_by_emr_studio():
    _, stack = _stack()
    studio = _studio(stack)
    message = _refusal(
        lambda: studio.add_session_mapping(
            identity_name="t", identity_type="GROUP", session_policy=studio.user_policy().policy
        )
    )
    assert message.startswith("EmrStudio at 'UsersStack/Studio'")
