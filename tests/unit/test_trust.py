"""Trust policy: the page's step 1, with the confused-deputy conditions."""

from aws_cdk.assertions import Match

from tests.helpers import ENV, render, resources, role_stack, template_of


def _trust(template):
    (role,) = resources(template, "AWS::IAM::Role").values()
    return role["Properties"]["AssumeRolePolicyDocument"]


def test_trust_policy_has_exactly_one_statement(default_template):
    assert len(_trust(default_template)["Statement"]) == 1


def test_trust_allows_only_emr_service_to_assume_role(default_template):
    (statement,) = _trust(default_template)["Statement"]
    assert statement["Effect"] == "Allow"
    # elasticmapreduce.<URL suffix>: .amazonaws.com, and .amazonaws.com.cn in aws-cn
    assert statement["Principal"] == {
        "Service": {"Fn::Join": ["", ["elasticmapreduce.", {"Ref": "AWS::URLSuffix"}]]}
    }
    assert statement["Action"] == "sts:AssumeRole"


def test_trust_source_account_is_the_stack_account_token(default_template):
    (statement,) = _trust(default_template)["Statement"]
    assert statement["Condition"]["StringEquals"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}


def test_trust_source_arn_is_any_emr_resource_of_stack_partition_region_account(default_template):
    (statement,) = _trust(default_template)["Statement"]
    assert set(statement["Condition"]) == {"StringEquals", "ArnLike"}
    assert render(statement["Condition"]["ArnLike"]["aws:SourceArn"]) == (
        "arn:${AWS::Partition}:elasticmapreduce:${AWS::Region}:${AWS::AccountId}:*"
    )


def test_trust_uses_concrete_account_and_region_when_stack_has_an_environment():
    stack, _ = role_stack(env=ENV)
    template_of(stack).has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": {
                "Statement": [
                    Match.object_like(
                        {
                            "Condition": {
                                "StringEquals": {"aws:SourceAccount": "111122223333"},
                                "ArnLike": {
                                    # CDK derives the partition from the known region.
                                    "aws:SourceArn": "arn:aws:elasticmapreduce:eu-west-1:111122223333:*"
                                },
                            }
                        }
                    )
                ]
            }
        },
    )


def test_serverless_role_has_the_same_trust_policy(default_template, serverless_template):
    assert _trust(serverless_template) == _trust(default_template)
