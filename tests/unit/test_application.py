"""The app says why CDK's validation failed synth (issue 16): the rule, the resource and the fix."""

from __future__ import annotations

import jsii
import pytest
from aws_cdk import App, Stack, Validations
from aws_cdk import aws_emr as emr
from constructs import Construct, IValidation

from emr_studio_role import EmrStudioChecks
from emr_studio_role.application import explain_synth_failure, synth_or_exit


@jsii.implements(IValidation)
class _Fails:
    def validate(self):
        return ["the thing is wrong"]


def _studio_with_a_role_outside_the_app(stack: Stack) -> None:
    emr.CfnStudio(
        stack, "Studio", name="s", auth_mode="IAM", vpc_id="vpc-0123456789abcdef0",
        subnet_ids=["subnet-0123456789abcdef0"], engine_security_group_id="sg-0123456789abcdef0",
        workspace_security_group_id="sg-0123456789abcdef1", default_s3_location="s3://b/p/",
        service_role="arn:aws:iam::111122223333:role/r",
    )


def test_a_plugin_finding_that_fails_synth_is_explained_with_rule_resource_and_fix(tmp_path):
    app = App(outdir=str(tmp_path))
    _studio_with_a_role_outside_the_app(Stack(app, "S"))
    Validations.of(app).add_plugins(EmrStudioChecks())
    with pytest.raises(SystemExit) as caught:
        synth_or_exit(app)
    message = str(caught.value.code)
    assert message.startswith("error: synth failed: 1 finding(s) of CDK's validation plugins")
    assert "[EmrStudioChecks] EmrStudio-DefaultS3LocationGrant:" in message
    assert "resource: S/Studio (Studio, S.template.json)" in message
    assert "fix: Grant the service role" in message
    assert "'EmrStudioChecks::EmrStudio-DefaultS3LocationGrant'" in message


def test_warnings_of_a_failing_plugin_are_not_given_as_the_reason(tmp_path):
    app = App(outdir=str(tmp_path))
    _studio_with_a_role_outside_the_app(Stack(app, "S"))
    Validations.of(app).add_plugins(EmrStudioChecks())
    with pytest.raises(SystemExit) as caught:
        synth_or_exit(app)
    assert "EmrStudio-NetworkTagged" not in str(caught.value.code)


def test_a_constructs_own_validation_failure_is_explained_without_a_traceback(tmp_path):
    app = App(outdir=str(tmp_path))
    Construct(Stack(app, "S"), "Thing").node.add_validation(_Fails())
    with pytest.raises(SystemExit) as caught:
        synth_or_exit(app)
    assert caught.value.code == (
        "error: synth failed: a construct's validation failed:\n  - [S/Thing] the thing is wrong"
    )


def test_any_other_error_is_not_taken_for_a_validation_failure():
    assert explain_synth_failure(RuntimeError("Cannot find asset at /nowhere")) is None


def test_a_successful_synth_returns_the_assembly(tmp_path):
    app = App(outdir=str(tmp_path))
    Stack(app, "S")
    assert synth_or_exit(app).get_stack_by_name("S").stack_name == "S"
