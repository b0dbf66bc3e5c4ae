"""EmrStudio-S3GrantScope: an EMR Studio service role's S3 grant names its Studio's bucket, never
buckets by a wildcard (emr-studio-samples issue 3, terraform-aws-emr's `s3:::*`), both directions."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

from emr_studio_role.checks import RULE_S3, RULE_S3_SCOPE, Finding, check_templates

PAGE = json.loads((Path(__file__).parent.parent / "fixtures" / "aws_page_policies.json").read_text())
LOCATION = "s3://notebooks/studio/"


def _grant(actions: Any, resources: Any, effect: str = "Allow") -> Dict[str, Any]:
    return {"Version": "2012-10-17",
            "Statement": [{"Sid": "Storage", "Effect": effect, "Action": actions, "Resource": resources}]}


def _findings(
    *documents: Dict[str, Any], studio: bool = True, trust: Optional[Dict[str, Any]] = None
) -> List[Finding]:
    resources: Dict[str, Any] = {
        "Role": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": trust or PAGE["trust_policy"],
                "Policies": [{"PolicyName": f"p{i}", "PolicyDocument": d} for i, d in enumerate(documents)],
            },
        }
    }
    if studio:
        resources["Studio"] = {
            "Type": "AWS::EMR::Studio",
            "Properties": {"DefaultS3Location": LOCATION, "ServiceRole": {"Fn::GetAtt": ["Role", "Arn"]}},
        }
    return check_templates({"t.template.json": {"Resources": resources}})


def _scope(findings: List[Finding]) -> List[Finding]:
    return [f for f in findings if f.rule == RULE_S3_SCOPE]


def test_the_pages_minimum_policy_on_the_studios_bucket_passes():
    policy = json.loads(json.dumps(PAGE["serverless_policy"]).replace("bucket-name", "notebooks"))
    assert _findings(policy) == []


def test_every_bucket_is_reported_naming_the_studios_location():
    (finding,) = _scope(_findings(_grant(["s3:PutObject", "s3:GetObject"], "arn:aws:s3:::*")))
    assert "s3:GetObject, s3:PutObject on arn:aws:s3:::*" in finding.message
    assert LOCATION in finding.message and finding.severity == "error"


def test_every_bucket_is_reported_although_the_location_is_covered():
    findings = _findings(_grant(["s3:PutObject", "s3:GetObject"], ["arn:aws:s3:::*", "arn:aws:s3:::*/*"]))
    assert [f.rule for f in findings] == [RULE_S3_SCOPE]  # the location is granted: no RULE_S3
    assert RULE_S3 not in {f.rule for f in findings}


@pytest.mark.parametrize(
    "resource",
    ["*", "arn:aws:s3:::notebooks-*/*", "arn:aws-cn:s3:::note?ooks/studio/*", "arn:*:s3:::*/studio/*"],
)
def test_a_wildcard_in_the_bucket_name_is_reported(resource):
    assert len(_scope(_findings(_grant("s3:GetObject", resource)))) == 1


@pytest.mark.parametrize("action", ["s3:*", "s3:Put*", "s3:ListBucket", "s3:GetEncryptionConfiguration", "*"])
def test_any_action_that_covers_a_page_s3_action_counts(action):
    assert len(_scope(_findings(_grant(action, "arn:aws:s3:::*")))) == 1


@pytest.mark.parametrize(
    "resource", ["arn:aws:s3:::notebooks/*", "arn:aws:s3:::notebooks", "arn:aws:s3:::other-bucket/x/*"]
)
def test_a_named_bucket_is_not_reported(resource):
    assert _scope(_findings(_grant("s3:GetObject", resource))) == []


def test_an_s3_action_that_is_not_the_pages_is_not_reported():
    assert _scope(_findings(_grant("s3:ListAllMyBuckets", "arn:aws:s3:::*"))) == []


def test_a_deny_statement_is_not_reported():
    assert _scope(_findings(_grant("s3:*", "arn:aws:s3:::*", effect="Deny"))) == []


def test_a_page_role_without_a_studio_in_the_template_is_reported():
    findings = _findings(PAGE["studio_policy"], _grant("s3:PutObject", "arn:aws:s3:::*"), studio=False)
    (finding,) = _scope(findings)
    assert "the Studio's DefaultS3Location." in finding.message


def test_a_role_that_is_not_an_emr_studio_role_is_left_alone():
    trust = copy.deepcopy(PAGE["trust_policy"])
    trust["Statement"][0]["Principal"] = {"Service": "lambda.amazonaws.com"}
    assert _findings(_grant("s3:*", "arn:aws:s3:::*"), studio=False, trust=trust) == []


def test_a_role_trusted_by_emr_without_the_pages_statements_nor_a_studio_is_left_alone():
    # An EMR cluster's service role, say: not an EMR Studio service role.
    assert _scope(_findings(_grant("s3:*", "arn:aws:s3:::*"), studio=False)) == []


def test_the_serverless_minimum_role_on_every_bucket_without_a_studio_is_reported():
    policy = json.loads(json.dumps(PAGE["serverless_policy"]).replace("bucket-name", "*"))
    findings = _scope(_findings(policy, studio=False))
    assert [("'ObjectActions'" in f.message, "'BucketActions'" in f.message) for f in findings] == [
        (True, False), (False, True)
    ]
