"""The deploy and read-back of ``make deploy-local``, in process.

``make deploy-local`` runs the pinned CDK CLI against a moto server; that takes
~15 s, too slow for every test run.  Here the same synthesized templates (the app's
default stack and its serverless stack, from the session fixtures) are created with
CloudFormation ``CreateStack`` in moto's in-process ``mock_aws``, and read back with
the very code the script uses (``scripts/deploy_local.read_back``): the role's
trust policy and every attached policy, through the IAM API, compared with the
template after resolving its intrinsics against the deployed values.

A last test tampers with a deployed role through the IAM API and checks that the
comparison reports each change, so that the read-back can fail.
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, Iterator, Mapping

import pytest
from aws_cdk.assertions import Template

from scripts.deploy_local import (
    ACCOUNT,
    REGION,
    ReadBack,
    StepTimeout,
    read_back,
    refuse_custom_resources,
    run_step,
    studio_role_id,
)
from tests.helpers import app_stack, offline_aws

#: What ``cdk bootstrap`` leaves that these templates read: the ``BootstrapVersion``
#: parameter resolves this SSM parameter (its rule wants version 6 or later).
BOOTSTRAP_VERSION_PARAMETER = "/cdk-bootstrap/hnb659fds/version"

# moto's CloudFormation has no AWS::S3::BucketPolicy: it skips the bucket policies (which
# are not part of the role) with a warning.
pytestmark = pytest.mark.filterwarnings("ignore:Tried to parse AWS..S3..BucketPolicy:UserWarning")


def _deploy(session: Any, stack_name: str, template: Mapping[str, Any]) -> Dict[str, Any]:
    cfn = session.client("cloudformation")
    cfn.create_stack(
        StackName=stack_name,
        TemplateBody=json.dumps(template),
        Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"],
    )
    stack = cfn.describe_stacks(StackName=stack_name)["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack
    return stack


@pytest.fixture(scope="module")
def aws() -> Iterator[Any]:
    """An empty in-process AWS (moto's default account), with dummy credentials only."""
    with offline_aws(REGION) as session:
        session.client("ssm").put_parameter(Name=BOOTSTRAP_VERSION_PARAMETER, Value="30", Type="String")
        yield session


@pytest.fixture(scope="module")
def deployed(aws, default_template, serverless_template) -> Dict[str, Any]:
    """The app's default and serverless stacks, deployed side by side, and read back."""
    out = {}
    for name, template in (("default", default_template), ("serverless", serverless_template)):
        body = template.to_json()
        stack = _deploy(aws, f"EmrStudio-{name}", body)
        out[name] = {
            "stack": stack,
            "template": body,
            "read_back": read_back(aws, stack["StackName"], body),
        }
    return out


@pytest.mark.parametrize("name", ["default", "serverless"])
def test_deployed_role_matches_the_template(deployed, name) -> None:
    result: ReadBack = deployed[name]["read_back"]
    assert result.ok, "\n".join(result.problems)
    assert result.verdict().startswith("deploy-local: OK")


@pytest.mark.parametrize("name", ["default", "serverless"])
def test_every_managed_policy_of_the_template_is_attached(deployed, name) -> None:
    template = deployed[name]["template"]
    role_id = studio_role_id(template)
    in_template = [
        lid
        for lid, res in template["Resources"].items()
        if res["Type"] == "AWS::IAM::ManagedPolicy" and {"Ref": role_id} in res["Properties"].get("Roles", [])
    ]
    assert in_template, "the template attaches no managed policy to the role"
    assert deployed[name]["read_back"].managed_policies == len(in_template)


@pytest.mark.parametrize("name", ["default", "serverless"])
def test_stack_output_names_the_role_read_back(deployed, name) -> None:
    outputs = {o["OutputKey"]: o["OutputValue"] for o in deployed[name]["stack"]["Outputs"]}
    arn = deployed[name]["read_back"].role_arn
    assert outputs["RoleArn"] == arn
    assert arn.startswith(f"arn:aws:iam::{ACCOUNT}:role/")
    assert arn.endswith("/" + outputs["RoleName"])


@pytest.mark.parametrize("name", ["default", "serverless"])
def test_trust_is_resolved_for_the_deployed_account_and_region(aws, deployed, name) -> None:
    """The deployed trust policy holds moto's account and region, not tokens."""
    role_name = deployed[name]["read_back"].role_arn.rsplit("/", 1)[1]
    trust = aws.client("iam").get_role(RoleName=role_name)["Role"]["AssumeRolePolicyDocument"]
    (statement,) = trust["Statement"]
    assert statement["Principal"] == {"Service": "elasticmapreduce.amazonaws.com"}
    assert statement["Condition"]["StringEquals"]["aws:SourceAccount"] == ACCOUNT
    assert statement["Condition"]["ArnLike"]["aws:SourceArn"] == (
        f"arn:aws:elasticmapreduce:{REGION}:{ACCOUNT}:*"
    )


def test_read_back_reports_a_tampered_role(aws, default_template) -> None:
    """Each change made behind CloudFormation's back is reported: the comparison can fail."""
    body = default_template.to_json()
    stack = _deploy(aws, "EmrStudio-tampered", body)
    name = stack["StackName"]
    iam = aws.client("iam")
    first = read_back(aws, name, body)
    assert first.ok, first.problems
    role_name = first.role_arn.rsplit("/", 1)[1]
    (attached,) = iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"]
    arn = attached["PolicyArn"]

    # 1. A new default version of the managed policy without the EMR tag conditions.
    policy = iam.get_policy(PolicyArn=arn)["Policy"]
    document = iam.get_policy_version(PolicyArn=arn, VersionId=policy["DefaultVersionId"])["PolicyVersion"][
        "Document"
    ]
    for statement in document["Statement"]:
        statement.pop("Condition", None)
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(document), SetAsDefault=True)
    problems = read_back(aws, name, body).problems
    assert len(problems) == 1 and problems[0].startswith(f"managed policy {arn} differs"), problems
    iam.set_default_policy_version(PolicyArn=arn, VersionId=policy["DefaultVersionId"])
    assert read_back(aws, name, body).ok

    # 2. A trust policy without the confused-deputy conditions.
    trust = iam.get_role(RoleName=role_name)["Role"]["AssumeRolePolicyDocument"]
    loose = json.loads(json.dumps(trust))
    loose["Statement"][0].pop("Condition")
    iam.update_assume_role_policy(RoleName=role_name, PolicyDocument=json.dumps(loose))
    problems = read_back(aws, name, body).problems
    assert len(problems) == 1 and problems[0].startswith("trust policy differs"), problems
    iam.update_assume_role_policy(RoleName=role_name, PolicyDocument=json.dumps(trust))

    # 3. A policy detached, and an inline policy added.
    iam.detach_role_policy(RoleName=role_name, PolicyArn=arn)
    iam.put_role_policy(
        RoleName=role_name,
        PolicyName="extra",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
        ),
    )
    problems = read_back(aws, name, body).problems
    assert any("is in the template but not attached" in p for p in problems), problems
    assert any(p.startswith("inline policy extra is attached") for p in problems), problems


# ------------------------------------------------------------ never hangs


def test_a_stack_with_a_custom_resource_is_refused_naming_each_one() -> None:
    _, stack = app_stack(
        {"subnetIds": "subnet-0123456789abcdef0", "tagImportedResources": "true"}, nag=False
    )
    message = refuse_custom_resources({"EmrStudioServiceRoleStack": Template.from_stack(stack).to_json()})
    assert message is not None and message.startswith("deploy-local: REFUSED")
    assert "Custom::AWS" in message and "AWS::Lambda::Function" in message
    assert "TagImportedResources" in message and "-c tagImportedResources=true" in message


def test_the_app_default_and_serverless_stacks_are_not_refused(
    default_template, serverless_template
) -> None:
    templates = {"default": default_template.to_json(), "serverless": serverless_template.to_json()}
    assert refuse_custom_resources(templates) is None


def test_a_step_past_its_timeout_is_stopped_with_its_child_processes(tmp_path) -> None:
    pid_file = tmp_path / "child.pid"
    script = f"sleep 60 & echo $! > {pid_file}; wait"
    with pytest.raises(StepTimeout, match="did not finish within 0.5 s"):
        run_step(["bash", "-c", script], dict(os.environ), 0.5)
    assert _ended(int(pid_file.read_text()))


def _ended(pid: int) -> bool:
    """True once ``pid`` is gone or a zombie (killed, waiting for whoever reaps orphans here)."""
    import time

    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        try:
            state = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False


def test_a_failing_step_raises_with_its_exit_code() -> None:
    with pytest.raises(RuntimeError, match="exit code 3"):
        run_step(["bash", "-c", "exit 3"], dict(os.environ), 30)
