"""The IAM evaluator on the topologies of issue 9: a shared VPC's subnet, a Git secret's CMK.

Same evaluator and resolution as ``test_iam_semantics.py`` (``tests/tools/simulate.mjs``,
@cloud-copilot/iam-simulate, AGPL-3.0, test-only): the role's policies are resolved for
account 111122223333 in eu-west-1 and judged request by request.
"""

from __future__ import annotations

from typing import Any, Dict, List

import pytest
from aws_cdk import aws_kms as kms
from aws_cdk import aws_secretsmanager as sm
from aws_cdk.assertions import Template

from emr_studio_role import GitSecretAccess
from scripts.deploy_local import Resolver, expected_role, studio_role_id
from tests.helpers import role_stack, simulate
from tests.integration.test_iam_semantics import ACCOUNT, PARTITION, REGION

OWNER = "999988887777"
TAG = {"aws:ResourceTag/for-use-with-amazon-emr-managed-policies": "true"}
OWNER_SUBNET = f"arn:aws:ec2:{REGION}:{OWNER}:subnet/subnet-0123456789abcdef0"
OWN_SUBNET = f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/subnet-0123456789abcdef0"
OTHER_SUBNET = f"arn:aws:ec2:{REGION}:444455556666:subnet/subnet-0123456789abcdef0"
SECRET_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/3333cccc-33cc-33cc-33cc-333333333333"
OTHER_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/4444dddd-44dd-44dd-44dd-444444444444"
SECRET = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:git-AbCdEf"
VIA = {"kms:ViaService": f"secretsmanager.{REGION}.amazonaws.com"}


def _policies(**props) -> List[Dict[str, Any]]:
    stack, _ = role_stack(**props)
    template = Template.from_stack(stack).to_json()
    resolve = Resolver(
        {
            "AWS::AccountId": ACCOUNT,
            "AWS::Region": REGION,
            "AWS::Partition": PARTITION,
            "AWS::URLSuffix": "amazonaws.com",
        },
        lambda lid: lid,
        lambda lid, attr: f"arn:{PARTITION}:iam::{ACCOUNT}:role/{lid}",
    )
    role = expected_role(template, resolve, studio_role_id(template))
    return [*role.managed.values(), *role.inline.values()]


def _secret_with_key(stack):
    key = kms.Key.from_key_arn(stack, "SecretKey", SECRET_KEY)
    return {
        "git_secrets": [
            sm.Secret.from_secret_attributes(stack, "Git", secret_complete_arn=SECRET, encryption_key=key)
        ]
    }


# A subnet shared through AWS RAM is used by the participant under the share, not under a
# resource policy (EC2 has none): the share stands in for the owner's side, so the requests
# on the owner's subnet are evaluated as same-account ones, and only the role's identity
# policy decides, which is what network_owner_account changes.
#: (id, policies' scenario, action, resource, context, resource account, expected)
CASES = [
    (
        "shared vpc|owner's subnet",
        "owner",
        "ec2:CreateNetworkInterface",
        OWNER_SUBNET,
        TAG,
        ACCOUNT,
        "Allowed",
    ),
    ("shared vpc|own subnet", "owner", "ec2:CreateNetworkInterface", OWN_SUBNET, TAG, ACCOUNT, "Allowed"),
    (
        "shared vpc|a third account's subnet",
        "owner",
        "ec2:CreateNetworkInterface",
        OTHER_SUBNET,
        TAG,
        ACCOUNT,
        "Denied",
    ),
    (
        "shared vpc|owner's subnet without the tag",
        "owner",
        "ec2:CreateNetworkInterface",
        OWNER_SUBNET,
        {},
        ACCOUNT,
        "Denied",
    ),
    ("no owner|owner's subnet", "plain", "ec2:CreateNetworkInterface", OWNER_SUBNET, TAG, ACCOUNT, "Denied"),
    ("secret cmk|decrypt via secrets manager", "cmk", "kms:Decrypt", SECRET_KEY, VIA, ACCOUNT, "Allowed"),
    ("secret cmk|decrypt directly", "cmk", "kms:Decrypt", SECRET_KEY, {}, ACCOUNT, "Denied"),
    ("secret cmk|decrypt another key", "cmk", "kms:Decrypt", OTHER_KEY, VIA, ACCOUNT, "Denied"),
    ("secret cmk|encrypt with the key", "cmk", "kms:Encrypt", SECRET_KEY, VIA, ACCOUNT, "Denied"),
    ("no cmk|decrypt via secrets manager", "plain", "kms:Decrypt", SECRET_KEY, VIA, ACCOUNT, "Denied"),
]


def _key_policy(account: str) -> Dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:{PARTITION}:iam::{account}:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ],
    }


@pytest.fixture(scope="module")
def verdicts() -> Dict[str, Dict[str, Any]]:
    scenarios = {
        "plain": _policies(),
        "owner": _policies(network_owner_account=OWNER),
        "cmk": _policies(configure=_secret_with_key, git_secret_access=GitSecretAccess.LISTED_SECRETS),
    }
    batch = []
    for cid, scenario, action, resource, context, account, _ in CASES:
        request = {
            "id": cid,
            "principal": f"arn:{PARTITION}:iam::{ACCOUNT}:role/StudioServiceRole",
            "action": action,
            "resource": resource,
            "context": context,
            "identityPolicies": scenarios[scenario],
            "resourceAccount": account,
        }
        if action.startswith("kms:"):
            request["resourcePolicy"] = _key_policy(account)
        batch.append(request)
    return {r["id"]: r for r in simulate(batch)}


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_topology_request(case, verdicts) -> None:
    verdict = verdicts[case[0]]
    assert verdict["decision"] == case[-1], verdict
