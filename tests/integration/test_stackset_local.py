"""The StackSet's member template, deployed by moto's StackSets to 2 accounts x 2 regions.

moto 5 implements ``CreateStackSet`` and ``CreateStackInstances``: self-managed, each
instance is a real stack in its account and region.  The template is the very
``TemplateBody`` of the app's synthesized ``AWS::CloudFormation::StackSet``.  Each
account is read back through moto's STS ``AssumeRole`` into
``arn:aws:iam::<account>:role/any``, with the helpers ``make deploy-local-stackset``
uses (scripts/deploy_local_stackset.py): every role matches the member template and
trusts EMR only for its own account and region.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Iterator, Tuple

import pytest
from aws_cdk.assertions import Template

from emr_studio_role.stackset import STACKSET_STACK_ID, add_stackset_from_context
from scripts.deploy_local import ACCOUNT, REGION
from scripts.deploy_local_stackset import (
    TARGET_ACCOUNTS,
    InstanceResult,
    account_session,
    check_instance,
    create_stackset,
    distinct_roles_problems,
    stackset_properties,
    trust_problems,
)
from tests.helpers import cdk_app, offline_aws

REGIONS = ("eu-west-1", "us-east-1")
CONTEXT = {
    "stackSetOrganizationalUnits": "ou-aaaa-11111111,ou-bbbb-22222222",
    "stackSetRegions": ",".join(REGIONS),
}

# moto's CloudFormation has no AWS::S3::BucketPolicy: it skips the bucket policies (which
# are not part of the role) with a warning.
pytestmark = pytest.mark.filterwarnings("ignore:Tried to parse AWS..S3..BucketPolicy:UserWarning")


@pytest.fixture(scope="module")
def stackset_props() -> Dict[str, Any]:
    """The app's StackSet, synthesized from the context keys (nag is tested in tests/unit)."""
    app = cdk_app(CONTEXT)
    stack = add_stackset_from_context(app)
    assert stack is not None and stack.node.id == STACKSET_STACK_ID
    return stackset_properties(Template.from_stack(stack).to_json())


@pytest.fixture(scope="module")
def aws() -> Iterator[Any]:
    """An empty in-process AWS; moto's default account administers the StackSet."""
    with offline_aws(REGION) as session:
        yield session


@pytest.fixture(scope="module")
def rolled_out(aws, stackset_props) -> Dict[Tuple[str, str], InstanceResult]:
    instances = create_stackset(aws, stackset_props, TARGET_ACCOUNTS)
    member = json.loads(stackset_props["TemplateBody"])
    return {(a, r): check_instance(aws, a, r, member) for a, r in instances}


def test_the_stackset_has_an_instance_per_account_and_region(rolled_out):
    assert sorted(rolled_out) == sorted((a, r) for a in TARGET_ACCOUNTS for r in REGIONS)


@pytest.mark.parametrize("account", TARGET_ACCOUNTS)
@pytest.mark.parametrize("region", REGIONS)
def test_each_instance_role_matches_the_member_template_and_its_trust(rolled_out, account, region):
    result = rolled_out[(account, region)]
    assert result.ok, "\n".join(result.problems)
    assert result.role_arn.startswith(f"arn:aws:iam::{account}:role/")
    assert result.verdict().startswith(f"deploy-local-stackset: OK: {account}/{region}")


@pytest.mark.parametrize("account", TARGET_ACCOUNTS)
@pytest.mark.parametrize("region", REGIONS)
def test_each_role_trusts_emr_only_for_its_own_account_and_region(aws, rolled_out, account, region):
    role_name = rolled_out[(account, region)].role_arn.rsplit("/", 1)[1]
    iam = account_session(aws, account, region).client("iam")
    (statement,) = iam.get_role(RoleName=role_name)["Role"]["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "elasticmapreduce.amazonaws.com"}
    assert statement["Condition"]["StringEquals"]["aws:SourceAccount"] == account
    source_arn = statement["Condition"]["ArnLike"]["aws:SourceArn"]
    assert source_arn == f"arn:aws:elasticmapreduce:{region}:{account}:*"


@pytest.mark.parametrize("account", TARGET_ACCOUNTS)
def test_each_account_has_one_role_per_region_and_the_administrator_none(aws, rolled_out, account):
    def emr_roles(session):
        return [
            r["Arn"]
            for r in session.client("iam").list_roles()["Roles"]
            if "elasticmapreduce" in json.dumps(r["AssumeRolePolicyDocument"])
        ]

    assert sorted(emr_roles(account_session(aws, account, REGION))) == sorted(
        rolled_out[(account, r)].role_arn for r in REGIONS
    )
    assert emr_roles(aws) == [], f"the administrator account {ACCOUNT} got a role"
    assert distinct_roles_problems(list(rolled_out.values())) == []


def test_the_check_reports_a_role_trusting_another_region(aws, stackset_props, rolled_out):
    """The check can fail: a trust policy rewritten for the wrong region is reported."""
    account, region = TARGET_ACCOUNTS[0], REGIONS[0]
    iam = account_session(aws, account, region).client("iam")
    role_name = rolled_out[(account, region)].role_arn.rsplit("/", 1)[1]
    trust = iam.get_role(RoleName=role_name)["Role"]["AssumeRolePolicyDocument"]
    wrong = json.loads(json.dumps(trust).replace(f":{region}:", f":{REGIONS[1]}:"))
    iam.update_assume_role_policy(RoleName=role_name, PolicyDocument=json.dumps(wrong))
    try:
        result = check_instance(aws, account, region, json.loads(stackset_props["TemplateBody"]))
        assert not result.ok
        assert any("aws:SourceArn" in p for p in result.problems), result.problems
        assert result.verdict().startswith(f"deploy-local-stackset: MISMATCH: {account}/{region}")
    finally:
        iam.update_assume_role_policy(RoleName=role_name, PolicyDocument=json.dumps(trust))


# --------------------------------------------------------------------------- service-managed, as synthesized


@pytest.fixture(scope="module")
def organization(aws) -> Dict[str, Any]:
    """moto's Organizations in the administrator account: two OUs, one new account in each."""
    org = aws.client("organizations")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    ous, accounts = [], []
    for name in ("analytics", "science"):
        ou = org.create_organizational_unit(ParentId=root, Name=name)["OrganizationalUnit"]["Id"]
        account = org.create_account(Email=f"{name}@example.com", AccountName=name)["CreateAccountStatus"][
            "AccountId"
        ]
        org.move_account(AccountId=account, SourceParentId=root, DestinationParentId=ou)
        ous.append(ou)
        accounts.append(account)
    return {"ous": ous, "accounts": accounts}


@pytest.fixture(scope="module")
def service_managed(aws, organization) -> Dict[str, Any]:
    """The app's StackSet for moto's OUs, created with its synthesized properties as they are."""
    app = cdk_app(
        {
            "stackSetOrganizationalUnits": ",".join(organization["ous"]),
            "stackSetRegions": ",".join(REGIONS),
        }
    )
    props = stackset_properties(Template.from_stack(add_stackset_from_context(app)).to_json())
    cfn = aws.client("cloudformation")
    cfn.create_stack_set(
        StackSetName="EmrStudioRoleServiceManaged",
        TemplateBody=props["TemplateBody"],
        Capabilities=props["Capabilities"],
        PermissionModel=props["PermissionModel"],
        AutoDeployment=props["AutoDeployment"],
        ManagedExecution=props["ManagedExecution"],
        CallAs=props["CallAs"],
    )
    for group in props["StackInstancesGroup"]:
        cfn.create_stack_instances(
            StackSetName="EmrStudioRoleServiceManaged",
            DeploymentTargets=group["DeploymentTargets"],
            Regions=group["Regions"],
            CallAs=props["CallAs"],
        )
    summaries = cfn.list_stack_instances(StackSetName="EmrStudioRoleServiceManaged")["Summaries"]
    return {"props": props, "instances": sorted((s["Account"], s["Region"]) for s in summaries)}


def test_service_managed_stackset_deploys_to_every_account_of_the_ous(organization, service_managed):
    assert service_managed["props"]["PermissionModel"] == "SERVICE_MANAGED"
    assert service_managed["instances"] == sorted((a, r) for a in organization["accounts"] for r in REGIONS)


def test_service_managed_roles_trust_emr_only_for_their_account_and_region(
    aws, organization, service_managed
):
    for account in organization["accounts"]:
        iam = account_session(aws, account, REGION).client("iam")
        trusts = [
            r["AssumeRolePolicyDocument"]
            for r in iam.list_roles()["Roles"]
            if "elasticmapreduce" in json.dumps(r["AssumeRolePolicyDocument"])
        ]
        regions = []
        for trust in trusts:
            region = trust["Statement"][0]["Condition"]["ArnLike"]["aws:SourceArn"].split(":")[3]
            assert trust_problems(trust, "aws", account, region) == []
            regions.append(region)
        assert sorted(regions) == sorted(REGIONS), f"account {account}: one role per region"
