"""The worst-case resolver of tests/worst_case.py, checked against hand-computed values."""

from __future__ import annotations

import pytest

from tests.worst_case import (
    ACCOUNT,
    PARTITION,
    REGION,
    Unresolvable,
    WorstCase,
    granted_resources,
    iam_length,
    managed_policies,
)

TEMPLATE = {
    "Parameters": {"Prefix": {"Type": "String"}},
    "Resources": {
        "Bucket": {"Type": "AWS::S3::Bucket"},
        "NamedBucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "named"}},
        "Key": {"Type": "AWS::KMS::Key"},
        "Secret": {"Type": "AWS::SecretsManager::Secret"},
        "NamedSecret": {"Type": "AWS::SecretsManager::Secret", "Properties": {"Name": "git"}},
        "Logs": {"Type": "AWS::Logs::LogGroup"},
        "Role": {"Type": "AWS::IAM::Role", "Properties": {"Path": "/emr/"}},
        "Sg": {"Type": "AWS::EC2::SecurityGroup"},
        "Policy": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {}},
        "Other": {"Type": "AWS::SNS::Topic"},
    },
}


@pytest.fixture
def wc() -> WorstCase:
    return WorstCase(TEMPLATE, {"Prefix": "p" * 10})


def test_pseudo_parameters_take_their_longest_values(wc):
    assert [len(wc.ref(p)) for p in ("AWS::Partition", "AWS::Region", "AWS::AccountId")] == [10, 14, 12]
    assert wc.ref("AWS::Partition") == "aws-us-gov"
    assert wc.ref("AWS::AccountId").isdigit()


def test_owned_bucket_arn_is_83_characters(wc):
    # "arn:aws-us-gov:s3:::" is 20 characters, the bucket name 63.
    arn = wc.value({"Fn::GetAtt": ["Bucket", "Arn"]})
    assert len(arn) == 83
    assert arn == "arn:aws-us-gov:s3:::" + wc.ref("Bucket")


def test_a_bucket_with_a_name_keeps_it(wc):
    assert wc.value({"Fn::GetAtt": ["NamedBucket", "Arn"]}) == "arn:aws-us-gov:s3:::named"


def test_two_resources_never_share_a_value():
    other = WorstCase({"Resources": {"Bucket2": {"Type": "AWS::S3::Bucket"}}})
    assert WorstCase(TEMPLATE).ref("Bucket") != other.ref("Bucket2")


def test_key_arn_is_94_characters(wc):
    # arn:aws-us-gov:kms: (19) + region (14) + ":" + account (12) + ":key/" (5) + key ID (36)
    arn = wc.value({"Fn::GetAtt": ["Key", "Arn"]})
    assert len(arn) == 19 + 14 + 1 + 12 + 5 + 36
    assert arn.startswith(f"arn:{PARTITION}:kms:{REGION}:{ACCOUNT}:key/")


def test_secret_ref_is_its_arn_with_the_longest_name_and_a_suffix(wc):
    # arn:aws-us-gov:secretsmanager: (30) + region 14 + ":" + account 12 + ":secret:" 8 + 512 + "-" + 6
    assert len(wc.ref("Secret")) == 30 + 14 + 1 + 12 + 8 + 512 + 1 + 6
    assert wc.ref("NamedSecret").split(":secret:")[1][:4] == "git-"


def test_log_group_arn_ends_in_its_streams_wildcard(wc):
    arn = wc.value({"Fn::GetAtt": ["Logs", "Arn"]})
    head = f"arn:{PARTITION}:logs:{REGION}:{ACCOUNT}:log-group:"
    assert arn.endswith(":*") and len(arn) == len(head) + 512 + 2


def test_role_arn_has_its_path(wc):
    expected = f"arn:{PARTITION}:iam::{ACCOUNT}:role/emr/" + wc.ref("Role")
    assert wc.value({"Fn::GetAtt": "Role.Arn"}) == expected


def test_join_of_bucket_arn_and_a_parameter_prefix(wc):
    value = {"Fn::Join": ["", [{"Fn::GetAtt": ["Bucket", "Arn"]}, "/", {"Ref": "Prefix"}, "*"]]}
    assert len(wc.value(value)) == 83 + 1 + 10 + 1


def test_select_and_split(wc):
    arn = {"Fn::GetAtt": ["Bucket", "Arn"]}
    assert wc.value({"Fn::Select": [0, {"Fn::Split": [":", arn]}]}) == "arn"
    assert wc.value({"Fn::Select": [5, {"Fn::Split": [":", arn]}]}) == wc.ref("Bucket")


def test_sub_with_pseudo_parameters_and_attributes(wc):
    assert wc.value({"Fn::Sub": "arn:${AWS::Partition}:ec2:*:*:vpc/*"}) == "arn:aws-us-gov:ec2:*:*:vpc/*"
    assert wc.value({"Fn::Sub": "${Bucket.Arn}/x"}) == wc.value({"Fn::GetAtt": ["Bucket", "Arn"]}) + "/x"
    assert wc.value({"Fn::Sub": ["${X}-${!Literal}", {"X": "y"}]}) == "y-${Literal}"


def test_security_group_id_has_17_hex_digits(wc):
    group = wc.value({"Fn::GetAtt": ["Sg", "GroupId"]})
    assert group.startswith("sg-") and len(group) == 20


@pytest.mark.parametrize(
    "value",
    [
        {"Ref": "Other"},
        {"Fn::GetAtt": ["Other", "TopicName"]},
        {"Ref": "Missing"},
        {"Ref": "UnknownParameter"},
        {"Fn::If": ["C", "a", "b"]},
        {"Fn::ImportValue": "x"},
    ],
)
def test_what_has_no_worst_case_raises(wc, value):
    with pytest.raises(Unresolvable):
        wc.value(value)


def test_whole_document_is_resolved_and_counted_without_white_space(wc):
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": {"Fn::Join": ["", [{"Fn::GetAtt": ["NamedBucket", "Arn"]}, "/*"]]},
            }
        ],
    }
    resolved = wc.tree(document)
    expected = (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",'
        '"Resource":"arn:aws-us-gov:s3:::named/*"}]}'
    )
    # 24 + 13 + 18 + 24 + (11 + 29) + 3, counted by hand
    assert iam_length(resolved) == len(expected) == 122
    assert granted_resources(resolved) == ["arn:aws-us-gov:s3:::named/*"]


def test_granted_resources_skip_deny_statements():
    document = {
        "Statement": [
            {"Effect": "Deny", "Action": "*", "Resource": "*"},
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": ["a", "b"]},
        ]
    }
    assert granted_resources(document) == ["a", "b"]


def test_managed_policies_are_found_by_type():
    assert list(managed_policies(TEMPLATE)) == ["Policy"]
