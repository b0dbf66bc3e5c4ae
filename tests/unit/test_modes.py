"""Modes: Git-secret access, Workspace collaboration, EMR Serverless."""

from aws_cdk import aws_iam as iam
from aws_cdk import aws_secretsmanager as sm

from emr_studio_role import GitSecretAccess, SecretAccessLevel, StudioCompute
from tests.helpers import (
    as_list,
    policy_statements,
    rendered_resources,
    role_stack,
    statements_by_sid,
    template_of,
)

SECRET_SID = "AllowSecretsManagerReadOnlyActionsWithEMRTags"
TAG_CONDITION = {"StringEquals": {"aws:ResourceTag/for-use-with-amazon-emr-managed-policies": "true"}}
SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:git-abc-AbCdEf"


def test_tagged_secrets_reads_any_tagged_secret_of_the_account_and_region(default_template):
    statement = statements_by_sid(default_template)[SECRET_SID]
    assert rendered_resources(statement) == [
        "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:*"
    ]
    assert statement["Condition"] == TAG_CONDITION


def test_listed_secrets_reads_only_the_listed_arns_under_the_tag_condition(listed_template):
    statement = statements_by_sid(listed_template)[SECRET_SID]
    assert rendered_resources(statement) == [SECRET_ARN]
    assert statement["Condition"] == TAG_CONDITION
    assert as_list(statement["Action"]) == ["secretsmanager:GetSecretValue"]


def test_listed_secret_imported_by_name_matches_only_the_random_suffix():
    stack, _ = role_stack(
        lambda s: {"git_secrets": [sm.Secret.from_secret_name_v2(s, "S", "git-token")]},
        git_secret_access=GitSecretAccess.LISTED_SECRETS,
    )
    (resource,) = rendered_resources(statements_by_sid(template_of(stack))[SECRET_SID])
    assert resource.endswith(":secret:git-token-??????")


def test_user_role_mode_takes_secret_access_off_the_service_role(user_role_template):
    actions = {a for s in policy_statements(user_role_template) for a in as_list(s["Action"])}
    assert "secretsmanager:GetSecretValue" not in actions


USER_LEVEL_CONDITION = {
    "StringEquals": {
        "secretsmanager:ResourceTag/for-use-with-amazon-emr-managed-user-policies": "${aws:userid}"
    }
}


def _granted_statement(**grant):
    stack, role = role_stack(git_secret_access=GitSecretAccess.USER_ROLE)
    user = iam.Role(stack, "UserRole", assumed_by=iam.AccountRootPrincipal())
    role.grant_git_secret_read(user, **grant)
    (policy,) = template_of(stack).find_resources("AWS::IAM::Policy").values()
    (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
    return statement


def test_grant_git_secret_read_defaults_to_the_user_level_condition():
    statement = _granted_statement()
    assert statement["Action"] == "secretsmanager:GetSecretValue"
    assert statement["Condition"] == USER_LEVEL_CONDITION


def test_grant_git_secret_read_at_service_level_gives_the_emr_tag_condition():
    statement = _granted_statement(level=SecretAccessLevel.SERVICE)
    assert statement["Condition"] == TAG_CONDITION


def test_grant_git_secret_read_gives_the_statement_to_the_grantee():
    stack, role = role_stack(git_secret_access=GitSecretAccess.USER_ROLE)
    user = iam.Role(stack, "UserRole", assumed_by=iam.AccountRootPrincipal())
    role.grant_git_secret_read(user)
    template = template_of(stack)
    (policy,) = template.find_resources("AWS::IAM::Policy").values()
    (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Action"] == "secretsmanager:GetSecretValue"
    assert rendered_resources(statement) == [
        "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:*"
    ]
    assert policy["Properties"]["Roles"] == [{"Ref": template_id(template, "UserRole")}]


def template_id(template, prefix):
    return next(k for k in template.find_resources("AWS::IAM::Role") if k.startswith(prefix))


def test_grant_pass_role_allows_iam_pass_role_on_this_role_only():
    stack, role = role_stack()
    admin = iam.Role(stack, "Admin", assumed_by=iam.AccountRootPrincipal())
    role.grant_pass_role(admin)
    template = template_of(stack)
    (policy,) = template.find_resources("AWS::IAM::Policy").values()
    (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Action"] == "iam:PassRole"
    assert statement["Resource"] == {"Fn::GetAtt": [template_id(template, "StudioServiceRole"), "Arn"]}


def test_collaboration_is_on_by_default_for_ec2_or_eks(default_template):
    assert "AllowWorkspaceCollaboration" in statements_by_sid(default_template)


def test_collaboration_off_removes_only_the_collaboration_statement(
    default_template, collab_off_template
):
    assert set(statements_by_sid(default_template)) - set(statements_by_sid(collab_off_template)) == {
        "AllowWorkspaceCollaboration"
    }


def test_serverless_policy_has_only_the_storage_statements(serverless_template):
    assert sorted(statements_by_sid(serverless_template)) == [
        "BucketActions",
        "KmsKeyActions",
        "ObjectActions",
    ]


def test_serverless_without_key_has_only_object_and_bucket_actions():
    stack, role = role_stack(compute=StudioCompute.EMR_SERVERLESS, prefix="studio/")
    assert [s["Sid"] for s in policy_statements(template_of(stack))] == [
        "ObjectActions",
        "BucketActions",
    ]
    assert role.workspace_collaboration is False
    assert role.git_secret_access is None
