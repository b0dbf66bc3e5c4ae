"""Storage: the page's S3 permissions (step 3) on the bucket and prefix, KMS on the key only."""

from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3

from tests.helpers import (
    as_list,
    imported_key,
    rendered_resources,
    role_stack,
    statements_by_sid,
    template_of,
)

KMS = ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:ReEncryptTo"]


def _sids(stack):
    return statements_by_sid(template_of(stack))


def test_object_actions_are_on_bucket_and_prefix_only(default_template):
    statement = statements_by_sid(default_template)["ObjectActions"]
    assert sorted(as_list(statement["Action"])) == ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"]
    assert rendered_resources(statement) == ["${NotebookBucketF2F218E5.Arn}/studio/*"]


def test_bucket_actions_are_on_the_bucket_arn_only(default_template):
    statement = statements_by_sid(default_template)["BucketActions"]
    assert sorted(as_list(statement["Action"])) == ["s3:GetEncryptionConfiguration", "s3:ListBucket"]
    assert rendered_resources(statement) == ["${NotebookBucketF2F218E5.Arn}"]


def test_kms_actions_are_on_the_bucket_key_only(default_template):
    statement = statements_by_sid(default_template)["KmsKeyActions"]
    assert sorted(as_list(statement["Action"])) == KMS
    assert rendered_resources(statement) == ["${NotebookKey70FA8682.Arn}"]


def test_no_prefix_grants_the_whole_bucket():
    stack, _ = role_stack()
    assert rendered_resources(_sids(stack)["ObjectActions"]) == [
        "arn:${AWS::Partition}:s3:::notebooks-bucket/*"
    ]


def test_prefix_without_trailing_slash_is_treated_as_a_folder():
    stack, _ = role_stack(prefix="studio")
    assert rendered_resources(_sids(stack)["ObjectActions"]) == [
        "arn:${AWS::Partition}:s3:::notebooks-bucket/studio/*"
    ]


def test_unencrypted_imported_bucket_gets_no_kms_statement():
    stack, _ = role_stack(prefix="studio/")
    assert "KmsKeyActions" not in _sids(stack)


def test_bucket_encryption_key_is_used_by_default():
    def configure(stack):
        key = kms.Key(stack, "Key", enable_key_rotation=True)
        return {"bucket": s3.Bucket(stack, "B", encryption_key=key), "prefix": "p/"}

    stack, _ = role_stack(configure)
    assert rendered_resources(_sids(stack)["KmsKeyActions"]) == ["${Key961B73FD.Arn}"]


def test_explicit_encryption_key_is_granted():
    stack, _ = role_stack(lambda s: {"encryption_key": imported_key(s, "K")})
    assert rendered_resources(_sids(stack)["KmsKeyActions"]) == [
        "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    ]


def test_workspace_key_gets_the_same_five_kms_actions():
    stack, _ = role_stack(lambda s: {"workspace_encryption_key": imported_key(s, "W", "w" * 36)})
    statement = _sids(stack)["KmsKeyActions"]
    assert sorted(as_list(statement["Action"])) == KMS
    assert rendered_resources(statement) == [f"arn:aws:kms:eu-west-1:111122223333:key/{'w' * 36}"]


def test_bucket_key_and_workspace_key_share_one_kms_statement():
    stack, _ = role_stack(
        lambda s: {
            "encryption_key": imported_key(s, "K"),
            "workspace_encryption_key": imported_key(s, "W", "w" * 36),
        }
    )
    sids = [s.get("Sid") for s in _statements(stack)]
    assert sids.count("KmsKeyActions") == 1
    assert len(rendered_resources(_sids(stack)["KmsKeyActions"])) == 2


def _statements(stack):
    from tests.helpers import policy_statements

    return policy_statements(template_of(stack))


def test_add_storage_location_adds_object_bucket_and_key_resources():
    def configure(stack):
        return {}

    stack, role = role_stack(configure, prefix="a/")
    other = s3.Bucket.from_bucket_name(stack, "Other", "other-bucket")
    role.add_storage_location(other, prefix="b/", encryption_key=imported_key(stack, "K2"))
    sids = _sids(stack)
    assert sorted(rendered_resources(sids["ObjectActions"])) == [
        "arn:${AWS::Partition}:s3:::notebooks-bucket/a/*",
        "arn:${AWS::Partition}:s3:::other-bucket/b/*",
    ]
    assert sorted(rendered_resources(sids["BucketActions"])) == [
        "arn:${AWS::Partition}:s3:::notebooks-bucket",
        "arn:${AWS::Partition}:s3:::other-bucket",
    ]
    assert len(rendered_resources(sids["KmsKeyActions"])) == 1


def test_same_bucket_and_prefix_added_twice_is_merged():
    stack, role = role_stack(prefix="a/")
    bucket = role.storage_locations[0].bucket
    role.add_storage_location(bucket, prefix="a")
    assert len(role.storage_locations) == 1
    assert rendered_resources(_sids(stack)["ObjectActions"]) == [
        "arn:${AWS::Partition}:s3:::notebooks-bucket/a/*"
    ]


def test_second_prefix_on_same_bucket_lists_the_bucket_once():
    stack, role = role_stack(prefix="a/")
    role.add_storage_location(role.storage_locations[0].bucket, prefix="b/")
    sids = _sids(stack)
    assert len(rendered_resources(sids["ObjectActions"])) == 2
    assert rendered_resources(sids["BucketActions"]) == ["arn:${AWS::Partition}:s3:::notebooks-bucket"]


def test_policies_are_attached_through_the_policy_roles_property(default_template):
    (role_id,) = default_template.find_resources("AWS::IAM::Role")
    role = default_template.find_resources("AWS::IAM::Role")[role_id]
    assert "ManagedPolicyArns" not in role["Properties"]
    for policy in default_template.find_resources("AWS::IAM::ManagedPolicy").values():
        assert policy["Properties"]["Roles"] == [{"Ref": role_id}]


def test_role_exposes_its_managed_policies():
    stack, role = role_stack()
    assert len(role.policies) == len(template_of(stack).find_resources("AWS::IAM::ManagedPolicy"))
    assert all(p.node.scope is role for p in role.policies)
