"""The app: default embedded storage, context keys, environment and outputs."""

import json

import pytest
from aws_cdk.assertions import Annotations, Match, Template

from emr_studio_role import EmrStudioRoleValidationError, GitSecretAccess, StudioCompute
from emr_studio_role.stack import StudioStackConfig, misspelled_keys
from tests.helpers import ENV, FEATURE_FLAGS, app_stack, render, rendered_resources, statements_by_sid


def _template(context, env=None):
    _, stack = app_stack(context, env=env, nag=False)
    return Template.from_stack(stack)


def test_default_app_creates_a_kms_key_with_rotation(default_template):
    default_template.has_resource_properties("AWS::KMS::Key", {"EnableKeyRotation": True})


def test_default_notebook_bucket_is_encrypted_with_that_key(default_template):
    default_template.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    Match.object_like(
                        {
                            "ServerSideEncryptionByDefault": {
                                "SSEAlgorithm": "aws:kms",
                                "KMSMasterKeyID": {"Fn::GetAtt": ["NotebookKey70FA8682", "Arn"]},
                            }
                        }
                    )
                ]
            }
        },
    )


def test_default_notebook_bucket_blocks_public_access_versions_and_logs(default_template):
    default_template.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            },
            "VersioningConfiguration": {"Status": "Enabled"},
            "LoggingConfiguration": Match.object_like(
                {"DestinationBucketName": {"Ref": Match.string_like_regexp("AccessLogsBucket")}}
            ),
        },
    )


def test_default_notebook_bucket_enforces_ssl(default_template):
    policies = default_template.find_resources(
        "AWS::S3::BucketPolicy", {"Properties": {"Bucket": {"Ref": "NotebookBucketF2F218E5"}}}
    )
    (policy,) = policies.values()
    (deny,) = [s for s in policy["Properties"]["PolicyDocument"]["Statement"] if s["Effect"] == "Deny"]
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_default_role_is_on_the_studio_prefix(default_template):
    (resource,) = rendered_resources(statements_by_sid(default_template)["ObjectActions"])
    assert resource.endswith("/studio/*")


def test_outputs_hold_the_role_arn_and_name(default_template):
    outputs = default_template.to_json()["Outputs"]
    role_id = next(iter(default_template.find_resources("AWS::IAM::Role")))
    assert outputs["RoleArn"]["Value"] == {"Fn::GetAtt": [role_id, "Arn"]}
    assert outputs["RoleName"]["Value"] == {"Ref": role_id}


def test_context_bucket_name_uses_the_existing_bucket_and_creates_none():
    template = _template({"bucketName": "team-notebooks", "prefix": "emr/"})
    template.resource_count_is("AWS::S3::Bucket", 0)
    template.resource_count_is("AWS::KMS::Key", 0)
    (resource,) = rendered_resources(statements_by_sid(template)["ObjectActions"])
    assert resource == "arn:${AWS::Partition}:s3:::team-notebooks/emr/*"


def test_context_kms_key_arn_is_granted_with_the_existing_bucket():
    arn = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    template = _template({"bucketName": "team-notebooks", "kmsKeyArn": arn})
    assert rendered_resources(statements_by_sid(template)["KmsKeyActions"]) == [arn]


def test_context_workspace_kms_key_arn_is_granted():
    arn = "arn:aws:kms:eu-west-1:111122223333:key/abcd1234-12ab-34cd-56ef-1234567890ab"
    template = _template({"workspaceKmsKeyArn": arn})
    assert arn in rendered_resources(statements_by_sid(template)["KmsKeyActions"])


def test_context_role_name_and_path_are_set_on_the_role():
    template = _template({"roleName": "EMRStudio_Service_Role", "rolePath": "/emr/"})
    template.has_resource_properties(
        "AWS::IAM::Role", {"RoleName": "EMRStudio_Service_Role", "Path": "/emr/"}
    )


def test_context_values_are_read_into_the_config():
    values = {
        "compute": "emr_serverless",
        "gitSecretAccess": "USER_ROLE",
        "workspaceCollaboration": "false",
        "subnetIds": "subnet-0123456789abcdef0, subnet-11112222",
    }
    config = StudioStackConfig.from_context(values.get)
    assert config.compute is StudioCompute.EMR_SERVERLESS
    assert config.git_secret_access is GitSecretAccess.USER_ROLE
    assert config.workspace_collaboration is False
    assert config.subnet_ids == ("subnet-0123456789abcdef0", "subnet-11112222")


def test_bad_context_values_are_refused_naming_each_key():
    values = {"compute": "LAMBDA", "workspaceCollaboration": "maybe", "kmsKeyArn": "x:alias/k"}
    with pytest.raises(EmrStudioRoleValidationError) as err:
        StudioStackConfig.from_context(values.get)
    text = str(err.value)
    for key in ("'compute'", "'LAMBDA'", "EC2_OR_EKS", "'workspaceCollaboration'", "'kmsKeyArn'"):
        assert key in text


def test_stack_uses_the_given_environment():
    template = _template({}, env=ENV)
    (resource,) = rendered_resources(
        statements_by_sid(template)["AllowEC2ENIActionsWithEMRTags"]
    )
    # With a concrete region CDK derives the partition from it ("aws" for eu-west-1).
    assert resource == "arn:aws:ec2:eu-west-1:111122223333:network-interface/*"


def test_stack_without_environment_is_environment_agnostic(default_template):
    role = next(iter(default_template.find_resources("AWS::IAM::Role").values()))
    condition = role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Condition"]
    assert render(condition["StringEquals"]["aws:SourceAccount"]) == "${AWS::AccountId}"
    assert render(condition["ArnLike"]["aws:SourceArn"]) == (
        "arn:${AWS::Partition}:elasticmapreduce:${AWS::Region}:${AWS::AccountId}:*"
    )


def test_cdk_default_account_and_region_do_not_bind_the_app(monkeypatch):
    """The CLI always sets CDK_DEFAULT_*; the app's template stays environment-agnostic."""
    monkeypatch.setenv("CDK_DEFAULT_ACCOUNT", "999999999999")
    monkeypatch.setenv("CDK_DEFAULT_REGION", "us-east-1")
    _, stack = app_stack({}, nag=False)
    text = json.dumps(Template.from_stack(stack).to_json())
    assert "us-east-1" not in text and "999999999999" not in text


def test_context_account_and_region_bind_the_stack():
    _, stack = app_stack({"account": "111122223333", "region": "eu-west-1"}, nag=False)
    assert (stack.account, stack.region) == ("111122223333", "eu-west-1")
    role = next(iter(Template.from_stack(stack).find_resources("AWS::IAM::Role").values()))
    condition = role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Condition"]
    source_arn = render(condition["ArnLike"]["aws:SourceArn"])
    assert source_arn.endswith(":elasticmapreduce:eu-west-1:111122223333:*")


def test_config_without_account_or_region_has_no_environment():
    assert StudioStackConfig.from_context({}.get).environment is None


@pytest.mark.parametrize(
    "context, key",
    [
        ({"account": "12345"}, "account"),
        ({"region": "EU_WEST_1"}, "region"),
    ],
)
def test_bad_account_or_region_is_refused_naming_the_key(context, key):
    with pytest.raises(EmrStudioRoleValidationError, match=f"context '{key}'"):
        StudioStackConfig.from_context(context.get)


def test_context_subnets_warn_only_about_the_missing_emr_tag():
    _, stack = app_stack({"subnetIds": "subnet-0123456789abcdef0"}, nag=False)
    warnings = [
        w.entry.data
        for w in Annotations.from_stack(stack).find_warning("*", Match.any_value())
    ]
    assert len(warnings) == 1, warnings
    assert "subnet-0123456789abcdef0" in warnings[0]
    assert "for-use-with-amazon-emr-managed-policies=true" in warnings[0]


# ---------------------------------------------------------------- context keys: refusals


def _refused(context, keys=None):
    with pytest.raises(EmrStudioRoleValidationError) as err:
        StudioStackConfig.from_context(context.get, keys=context.keys() if keys is None else keys)
    return str(err.value)


@pytest.mark.parametrize(
    "wrong, right",
    [("bucketname", "bucketName"), ("BUCKETNAME", "bucketName"), ("subnetID", "subnetIds"),
     ("kmsKeyARN", "kmsKeyArn"), ("securityGroupId", "securityGroupIds"),
     ("gitSecretAcess", "gitSecretAccess")],
)
def test_a_key_near_a_known_key_is_refused_with_the_right_spelling(wrong, right):
    text = _refused({wrong: "x"})
    assert f"context '{wrong}'" in text and f"did you mean {right}?" in text


def test_feature_flags_cli_settings_and_lookups_are_not_taken_for_misspelled_keys():
    keys = [*FEATURE_FLAGS, "aws:cdk:enable-path-metadata", "aws:cdk:version-reporting",
            "availability-zones:account=111122223333:region=eu-west-1", "acknowledged-issue-numbers"]
    assert misspelled_keys(keys) == []


def test_an_unrelated_key_is_left_to_whoever_reads_it():
    assert misspelled_keys(["myTeamOwner"]) == []


def test_misspelled_key_fails_the_app_synth():
    with pytest.raises(EmrStudioRoleValidationError, match="did you mean bucketName"):
        app_stack({"bucketname": "team-notebooks"}, nag=False)


@pytest.mark.parametrize(
    "key", ["bucketName", "prefix", "kmsKeyArn", "compute", "subnetIds", "roleName", "vpcId"]
)
def test_an_empty_value_is_refused_naming_its_key(key):
    text = _refused({key: ""})
    assert f"context '{key}': got an empty value" in text


def test_empty_bucket_name_with_a_key_is_refused_for_both():
    arn = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    text = _refused({"bucketName": "", "kmsKeyArn": arn})
    assert "context 'bucketName': got an empty value" in text
    assert "context 'kmsKeyArn'" in text and "without 'bucketName'" in text


@pytest.mark.parametrize("value", ["*", "team-*", "Team-Notebooks", "ab", "arn:aws:s3:::team"])
def test_a_bucket_name_that_is_no_bucket_name_is_refused(value):
    text = _refused({"bucketName": value})
    assert f"context 'bucketName': got {value!r}" in text


@pytest.mark.parametrize("key", ["kmsKeyArn", "workspaceKmsKeyArn"])
@pytest.mark.parametrize(
    "value", ["arn:aws:s3:::x", "arn:aws:kms:*:*:key/*", "arn:aws:kms:eu-west-1:111122223333:key/*",
              "1234abcd-12ab-34cd-56ef-1234567890ab"],
)
def test_a_key_arn_that_is_no_kms_key_arn_is_refused(key, value):
    text = _refused({"bucketName": "team-notebooks", key: value})
    assert f"context '{key}': got {value!r}" in text


def test_kms_key_arn_without_bucket_name_is_refused_on_its_own():
    arn = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    text = _refused({"kmsKeyArn": arn})
    assert "context 'kmsKeyArn'" in text and "without 'bucketName'" in text


@pytest.mark.parametrize(
    "key, value",
    [("subnetIds", "subnet-*"), ("subnetIds", "subnet-1"), ("securityGroupIds", "sg-0123456789abcdef0,*"),
     ("vpcId", "vpc-*"), ("gitSecretArns", "arn:aws:secretsmanager:eu-west-1:111122223333:secret:git*"),
     ("gitSecretArns", "*"), ("userRoleArn", "arn:aws:iam::111122223333:role/*")],
)
def test_ids_and_arns_with_wildcards_or_the_wrong_shape_are_refused(key, value):
    context = {key: value}
    if key == "userRoleArn":
        context["gitSecretAccess"] = "USER_ROLE"
    text = _refused(context)
    assert f"context '{key}'" in text and "allowed:" in text


def test_tag_imported_resources_must_be_a_bool_on_its_own():
    text = _refused({"tagImportedResources": "yes"})
    assert "context 'tagImportedResources': got 'yes'" in text


def test_a_construct_refusal_names_the_context_key_it_came_from():
    with pytest.raises(EmrStudioRoleValidationError) as err:
        app_stack({"roleName": "bad*name"}, nag=False)
    assert "[context key 'roleName']" in str(err.value)


# ---------------------------------------------------------------- vpcId, userRoleArn


def test_context_vpc_is_imported_and_warned_about_as_untagged():
    _, stack = app_stack({"vpcId": "vpc-0123456789abcdef0"}, nag=False)
    warnings = [
        w.entry.data for w in Annotations.from_stack(stack).find_warning("*", Match.any_value())
    ]
    assert any(
        "vpc-0123456789abcdef0" in w and "for-use-with-amazon-emr-managed-policies" in w for w in warnings
    )


def test_context_vpc_is_tagged_at_deploy_time_with_tag_imported_resources():
    _, stack = app_stack({"vpcId": "vpc-0123456789abcdef0", "tagImportedResources": "true"}, nag=False)
    create = json.dumps(Template.from_stack(stack).find_resources("Custom::AWS"))
    assert "vpc-0123456789abcdef0" in create and "createTags" in create


USER_ROLE_ARN = "arn:aws:iam::111122223333:role/studio/EMRStudioUser"


def test_user_role_arn_gets_git_secret_read():
    template = _template({"gitSecretAccess": "USER_ROLE", "userRoleArn": USER_ROLE_ARN})
    (policy,) = template.find_resources("AWS::IAM::Policy").values()
    assert policy["Properties"]["Roles"] == ["EMRStudioUser"]
    (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Action"] == "secretsmanager:GetSecretValue"
    assert "Condition" in statement


def test_user_role_arn_synthesizes_clean_under_the_nag_packs():
    app, _ = app_stack({"gitSecretAccess": "USER_ROLE", "userRoleArn": USER_ROLE_ARN})
    app.synth()  # raises on any unacknowledged cdk-nag finding


def test_user_role_mode_without_user_role_arn_warns_naming_the_context_key():
    _, stack = app_stack({"gitSecretAccess": "USER_ROLE"}, nag=False)
    warnings = [
        w.entry.data for w in Annotations.from_stack(stack).find_warning("*", Match.any_value())
    ]
    (warning,) = [w for w in warnings if "USER_ROLE" in w]
    assert "-c userRoleArn=" in warning and "nobody can read" in warning


def test_user_role_arn_without_user_role_mode_is_refused():
    text = _refused({"userRoleArn": USER_ROLE_ARN})
    assert "context 'userRoleArn'" in text and "only with gitSecretAccess=USER_ROLE" in text


def test_user_role_arn_of_another_account_than_the_bound_one_is_refused():
    text = _refused({"gitSecretAccess": "USER_ROLE", "userRoleArn": USER_ROLE_ARN, "account": "444455556666"})
    assert "context 'userRoleArn'" in text and "444455556666" in text
