"""make deploy-local: what it refuses up front, and why a custom resource is there (issue 16)."""

from __future__ import annotations

import pytest
from aws_cdk.assertions import Template

from emr_studio_role.application import build_app
from scripts import deploy_local
from scripts.deploy_local import ACCOUNT, REGION, check_context, refuse_custom_resources
from tests.helpers import cdk_app


def _templates(context):
    app = cdk_app(context)
    build_app(app, nag=False)
    return {stack.node.id: Template.from_stack(stack).to_json() for stack in app.node.children}


def test_another_account_is_refused_up_front_naming_both_accounts():
    refusal, _ = check_context(["account=111122223333", "region=eu-west-1"])
    assert refusal is not None and refusal.startswith("deploy-local: REFUSED: -c account=111122223333")
    assert ACCOUNT in refusal and "bootstrap" in refusal


def test_the_emulators_account_and_another_region_are_taken():
    assert check_context([f"account={ACCOUNT}", "region=eu-west-1"]) == (None, "eu-west-1")


def test_without_a_region_the_run_uses_the_default_one():
    assert check_context(["compute=EMR_SERVERLESS"]) == (None, REGION)


@pytest.mark.parametrize("value", ["true", "TRUE"])
def test_create_studio_is_refused_up_front_saying_what_to_run_instead(value):
    refusal, _ = check_context([f"createStudio={value}"])
    assert refusal is not None and "AWS::EMR::Studio" in refusal
    assert "cdk synth -c createStudio=true" in refusal


def test_main_refuses_another_account_before_starting_anything(monkeypatch):
    def no_server(*args, **kwargs):
        raise AssertionError("moto was started")

    monkeypatch.setattr(deploy_local, "start_moto", no_server)
    assert deploy_local.main(["-c", "account=111122223333"]) == 2


def test_the_studio_stacks_custom_resource_is_named_as_cdks_not_tag_imported_resources():
    message = refuse_custom_resources(_templates({"createStudio": "true"}))
    assert message is not None and "restrictDefaultSecurityGroup" in message
    assert "tagImportedResources" not in message


def test_the_tagging_custom_resource_is_named_as_tag_imported_resources_only():
    message = refuse_custom_resources(
        _templates({"vpcId": "vpc-0123456789abcdef0", "tagImportedResources": "true"})
    )
    assert message is not None and "-c tagImportedResources=true" in message
    assert "restrictDefaultSecurityGroup" not in message
