"""The app: default embedded storage, context keys, environment and outputs."""

import pytest
from aws_cdk.assertions import Match, Template

from emr_studio_role import EmrStudioRoleValidationError, GitSecretAccess, StudioCompute
from emr_studio_role.stack import StudioStackConfig
from tests.helpers import ENV, app_stack, render, rendered_resources, statements_by_sid


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
        "subnetIds": "subnet-1, subnet-2",
    }
    config = StudioStackConfig.from_context(values.get)
    assert config.compute is StudioCompute.EMR_SERVERLESS
    assert config.git_secret_access is GitSecretAccess.USER_ROLE
    assert config.workspace_collaboration is False
    assert config.subnet_ids == ("subnet-1", "subnet-2")


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


def test_environment_comes_from_cdk_default_account_and_region():
    from emr_studio_role.stack import environment_from

    env = environment_from({"CDK_DEFAULT_ACCOUNT": "111122223333", "CDK_DEFAULT_REGION": "eu-west-1"})
    assert (env.account, env.region) == ("111122223333", "eu-west-1")


def test_no_cdk_default_variables_means_environment_agnostic():
    from emr_studio_role.stack import environment_from

    assert environment_from({}) is None


def test_context_subnets_warn_only_about_the_missing_emr_tag():
    from aws_cdk.assertions import Annotations

    _, stack = app_stack({"subnetIds": "subnet-0123456789abcdef0"}, nag=False)
    warnings = [
        w.entry.data
        for w in Annotations.from_stack(stack).find_warning("*", Match.any_value())
    ]
    assert len(warnings) == 1, warnings
    assert "subnet-0123456789abcdef0" in warnings[0]
    assert "for-use-with-amazon-emr-managed-policies=true" in warnings[0]
