"""EmrStudio-DefaultS3LocationGrant on hand-written templates, in both directions."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest

from emr_studio_role.checks import (
    RULE_S3,
)
from tests.checks_support import (
    STUDIO_ARN_ROLE,
    TRUST,
)
from tests.checks_support import check as _check
from tests.checks_support import role_resource as _role_resource
from tests.checks_support import rules_of as _rules

# ---- EmrStudio-DefaultS3LocationGrant


def _s3_studio(location: str) -> Dict[str, Any]:
    return {
        "Type": "AWS::EMR::Studio",
        "Properties": {"DefaultS3Location": location, "ServiceRole": STUDIO_ARN_ROLE},
    }


def _object_grant(actions: List[str], resource: str) -> Dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "ObjectActions", "Effect": "Allow", "Action": actions, "Resource": [resource]}],
    }


BOTH = ["s3:PutObject", "s3:GetObject"]


@pytest.mark.parametrize(
    "resource",
    [
        "arn:aws:s3:::bucket-name/studio/*",
        "arn:aws:s3:::bucket-name/*",
        "arn:aws:s3:::bucket-name/stu*",
        "arn:aws:s3:::bucket-*/studio/*",  # covers the location (and more: EmrStudio-S3GrantScope)
    ],
)
def test_grant_covering_the_whole_studio_prefix_passes(resource):
    resources = {
        "Role": _role_resource(TRUST, _object_grant(BOTH, resource)),
        "Studio": _s3_studio("s3://bucket-name/studio/"),
    }
    assert [f for f in _check(resources) if f.rule == RULE_S3] == []


@pytest.mark.parametrize(
    "resource",
    [
        "arn:aws:s3:::bucket-name/studio/notebooks/*",  # one sub-folder of the prefix
        "arn:aws:s3:::bucket-name/studio/*/*",  # the sub-folders, not the objects directly under it
        "arn:aws:s3:::bucket-name/studio/a*",  # the keys starting with "a"
        "arn:aws:s3:::bucket-name/studio/?",  # one-character keys
        "arn:aws:s3:::bucket-name/studio/",  # the folder object only
        "arn:aws:s3:::bucket-name/studio*/x",
        "arn:aws:s3:::other-bucket/studio/*",
    ],
)
def test_grant_covering_only_part_of_the_studio_prefix_is_reported(resource):
    resources = {
        "Role": _role_resource(TRUST, _object_grant(BOTH, resource)),
        "Studio": _s3_studio("s3://bucket-name/studio/"),
    }
    (finding,) = _check(resources)
    assert finding.rule == RULE_S3
    assert "s3:PutObject and s3:GetObject" in finding.message


@pytest.mark.parametrize(
    "granted, missing", [("s3:GetObject", "s3:PutObject"), ("s3:PutObject", "s3:GetObject")]
)
def test_grant_of_only_one_of_the_two_object_actions_is_reported_naming_the_other(granted, missing):
    resources = {
        "Role": _role_resource(
            TRUST, _object_grant([granted, "s3:DeleteObject"], "arn:aws:s3:::bucket-name/studio/*")
        ),
        "Studio": _s3_studio("s3://bucket-name/studio/"),
    }
    (finding,) = _check(resources)
    assert finding.rule == RULE_S3
    assert f"do not allow {missing} on" in finding.message


def test_the_two_object_actions_in_separate_statements_pass():
    document = _object_grant(["s3:GetObject"], "arn:aws:s3:::bucket-name/studio/*")
    document["Statement"].append(
        {"Effect": "Allow", "Action": "s3:Put*", "Resource": "arn:aws:s3:::bucket-name/*"}
    )
    resources = {"Role": _role_resource(TRUST, document), "Studio": _s3_studio("s3://bucket-name/studio/")}
    assert _check(resources) == []


def test_object_actions_split_over_two_resources_that_each_cover_part_of_the_prefix_are_reported():
    document = _object_grant(BOTH, "arn:aws:s3:::bucket-name/studio/a*")
    document["Statement"][0]["Resource"].append("arn:aws:s3:::bucket-name/studio/b*")
    resources = {"Role": _role_resource(TRUST, document), "Studio": _s3_studio("s3://bucket-name/studio/")}
    assert _rules(_check(resources)) == [RULE_S3]


def test_a_deny_or_not_action_statement_grants_nothing():
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Deny", "Action": BOTH, "Resource": "arn:aws:s3:::bucket-name/*"},
            {"Effect": "Allow", "NotAction": "iam:*", "Resource": "arn:aws:s3:::bucket-name/*"},
        ],
    }
    resources = {"Role": _role_resource(TRUST, document), "Studio": _s3_studio("s3://bucket-name/studio/")}
    assert _rules(_check(resources)) == [RULE_S3]


def test_studio_location_without_a_trailing_slash_is_the_folder():
    resources = {
        "Role": _role_resource(TRUST, _object_grant(BOTH, "arn:aws:s3:::bucket-name/studio/*")),
        "Studio": _s3_studio("s3://bucket-name/studio"),
    }
    assert _check(resources) == []
