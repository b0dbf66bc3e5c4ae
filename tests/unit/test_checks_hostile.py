"""Templates from anywhere: every rule reads any JSON or YAML value where a template has a
mapping, list or string, and reports or passes; never an exception (the command line promises
no traceback)."""

from __future__ import annotations

import datetime
import json
import os

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as hs

from emr_studio_role.checks import Finding, run_checks

KEYS = [
    "Type", "Properties", "Ref", "Fn::GetAtt", "Fn::Sub", "Fn::Join", "Fn::ImportValue",
    "Fn::GetStackOutput", "Statement", "Action", "Resource", "NotResource", "Condition", "Effect",
    "Principal", "Service", "Sid", "Tags", "Key", "Value", "PolicyDocument", "Policies", "Roles",
    "RoleName", "ManagedPolicyArns", "AssumeRolePolicyDocument", "ServiceRole", "UserRole",
    "DefaultS3Location", "VpcId", "SubnetIds", "EngineSecurityGroupId", "WorkspaceSecurityGroupId",
    "Create", "GroupId", "SourceSecurityGroupId", "IpProtocol", "FromPort", "ToPort",
    "SecurityGroupIngress", "BucketName", "StringEquals", "Export", "Name", "Outputs", "Resources",
]
TYPES = [
    "AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy",
    "AWS::EMR::Studio", "AWS::S3::Bucket", "AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress",
    "AWS::EC2::VPC", "Custom::AWS",
]
SCALARS = hs.one_of(
    hs.none(), hs.booleans(), hs.integers(-2, 70000), hs.floats(allow_nan=True),
    hs.sampled_from(["A", "B", "*", "arn:aws:s3:::*", "s3://b/p", "elasticmapreduce.amazonaws.com",
                     "${A}", "${A.Arn}", "${!x}", "A.Arn", "tcp", "18888", "{\"service\": \"EC2\"}",
                     "ec2:Create*", "Allow"] + TYPES),
    hs.just(datetime.date(2010, 9, 9)),  # YAML reads an unquoted date as one
)
VALUES = hs.recursive(
    SCALARS,
    lambda inner: hs.one_of(
        hs.lists(inner, max_size=3),
        hs.dictionaries(
            hs.one_of(hs.sampled_from(KEYS), hs.integers(0, 3), hs.booleans()), inner, max_size=4
        ),
    ),
    max_leaves=25,
)
RESOURCE = hs.one_of(
    VALUES,
    hs.fixed_dictionaries({"Type": hs.sampled_from(TYPES), "Properties": VALUES}),
)
TEMPLATE = hs.one_of(
    VALUES,
    hs.fixed_dictionaries(
        {
            "Resources": hs.one_of(
                VALUES, hs.dictionaries(hs.sampled_from(["A", "B", "C"]), RESOURCE, max_size=4)
            )
        },
        optional={"Outputs": VALUES},
    ),
)


#: ``make test``: 60 generated inputs per test, fixed (the shrunk failures found by longer runs
#: are kept as ``@example``); ``make fuzz``: 1,000 random ones.
HOSTILE = settings(
    max_examples=1000 if os.environ.get("EMR_STUDIO_HYPOTHESIS_PROFILE") == "fuzz" else 60,
    derandomize=os.environ.get("EMR_STUDIO_HYPOTHESIS_PROFILE") != "fuzz",
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

@HOSTILE
@given(hs.dictionaries(hs.sampled_from(["a.template.json", "b.yaml"]), TEMPLATE, min_size=1, max_size=2))
def test_any_template_gives_findings_or_none_never_an_exception(templates):
    result = run_checks(templates)
    assert all(isinstance(f, Finding) for f in result.findings)
    assert result.inventory.templates == len(templates)


def _statements(fields):
    return hs.lists(hs.fixed_dictionaries(fields), max_size=3)


#: Values at random inside the shapes the rules read (a role, a Studio, a security group, a
#: tagging custom resource), so that each rule reaches its deeper reads.
SHAPED = hs.fixed_dictionaries({
    "R": hs.fixed_dictionaries({"Type": hs.just("AWS::IAM::Role"), "Properties": hs.fixed_dictionaries({
        "AssumeRolePolicyDocument": hs.fixed_dictionaries({"Statement": _statements({
            "Effect": hs.one_of(hs.just("Allow"), VALUES),
            "Principal": hs.one_of(hs.just({"Service": "elasticmapreduce.amazonaws.com"}), VALUES),
            "Condition": VALUES})}),
        "Policies": hs.lists(hs.fixed_dictionaries({"PolicyDocument": hs.fixed_dictionaries({
            "Statement": _statements({"Effect": hs.just("Allow"), "Sid": VALUES, "Action": VALUES,
                                      "Resource": VALUES, "Condition": VALUES})})}), max_size=2),
    })}),
    "S": hs.fixed_dictionaries({"Type": hs.just("AWS::EMR::Studio"), "Properties": hs.fixed_dictionaries({
        "ServiceRole": hs.one_of(hs.just({"Fn::GetAtt": ["R", "Arn"]}), VALUES), "DefaultS3Location": VALUES,
        "VpcId": VALUES, "SubnetIds": VALUES, "EngineSecurityGroupId": VALUES})}),
    "G": hs.fixed_dictionaries({"Type": hs.just("AWS::EC2::SecurityGroup"),
                                "Properties": hs.fixed_dictionaries({
        "Tags": VALUES, "SecurityGroupIngress": _statements({
            "IpProtocol": VALUES, "FromPort": VALUES, "ToPort": VALUES, "SourceSecurityGroupId": VALUES})})}),
    "C": hs.fixed_dictionaries({"Type": hs.just("Custom::AWS"), "Properties": hs.fixed_dictionaries({
        "Create": hs.one_of(VALUES, hs.sampled_from([
            '{"service":"EC2","action":"createTags","parameters":[1]}',
            '{"service":"EC2","action":"createTags","parameters":{"Tags":5,"Resources":{"a":1}}}',
        ]))})}),
})


@HOSTILE
@given(SHAPED)
# Found by a longer run of this test: a tag list that is a number, a resource type that is a list.
@example({"C": {"Type": "Custom::AWS", "Properties": {"Create": json.dumps(
    {"service": "EC2", "action": "createTags", "parameters": {"Tags": 5, "Resources": {"a": 1}}})}}})
@example({"A": {"Type": []}})
def test_any_value_inside_the_shapes_the_rules_read_gives_findings_or_none(resources):
    result = run_checks({"a.template.json": {"Resources": resources}})
    assert all(isinstance(f, Finding) for f in result.findings)
