"""CDK's built-in CloudFormation template validation (``CloudFormation-Validate``) on what users
synthesize: every main configuration of the app (the role stack's scenarios, the Studio app on
its own VPC and on an existing one, the StackSet rollout) is synthesized here once with it, as
``cdk synth`` does; with ``cdk.json``'s ``@aws-cdk/core:validateAgainstDefaultRules`` its
findings are errors, so a template CloudFormation would refuse fails here.  Other tests' apps
skip it (``tests.helpers.cdk_app``), and so does the README's run of its commands
(``tests/readme.py``): the examples' ``App()`` runs it in ``tests/unit/test_example.py``."""

from __future__ import annotations

import pytest
from aws_cdk import CfnResource, Stack

from emr_studio_role.application import build_app
from tests.conftest import SCENARIOS
from tests.helpers import STUDIO_EXISTING_VPC, cdk_app

STACKSET_CONTEXT = {
    "stackSetOrganizationalUnits": "ou-aaaa-11111111,ou-bbbb-22222222",
    "stackSetRegions": "eu-west-1,us-east-1",
}


def _app_with_an_invalid_resource(validation: bool):
    app = cdk_app(validation=validation)
    CfnResource(
        Stack(app, "Invalid"), "Role", type="AWS::IAM::Role",
        properties={"AssumeRolePolicyDocument": 5},
    )
    return app


def test_an_app_with_validation_fails_synth_on_a_template_cloudformation_refuses():
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        _app_with_an_invalid_resource(validation=True).synth()


def test_a_test_app_without_validation_skips_it():
    _app_with_an_invalid_resource(validation=False).synth()


def test_an_app_made_as_the_examples_make_it_validates_in_the_test_process(tmp_path):
    """``App()`` with no arguments, as ``examples/*.py`` make it (``tests/unit/test_example.py``
    runs them in this process, and the README's run of them leaves the validation to it):
    CDK's validation runs (nothing in the test environment turns it off, ``CDK_VALIDATION``) and
    reports a template CloudFormation would refuse, as a warning without ``cdk.json``'s flag."""
    import json

    from aws_cdk import App

    app = App(outdir=str(tmp_path))
    CfnResource(
        Stack(app, "Invalid"), "Role", type="AWS::IAM::Role",
        properties={"AssumeRolePolicyDocument": 5},
    )
    app.synth()
    report = json.loads((tmp_path / "validation-report.json").read_text())
    rules = {
        (r["pluginName"], v["ruleName"]) for r in report["pluginReports"] for v in r["violations"]
    }
    assert ("CloudFormation Validate", "F3012") in rules


#: Every main configuration of the app, by name: the context app.py is run with.
CONFIGURATIONS = {
    **{f"role stack: {name}": context for name, context in SCENARIOS.items()},
    "studio app: own VPC": {"createStudio": "true"},
    "studio app: existing VPC": dict(STUDIO_EXISTING_VPC, createStudio="true"),
    "stackset rollout": STACKSET_CONTEXT,
}


@pytest.mark.parametrize("name", list(CONFIGURATIONS))
def test_each_main_configuration_of_the_app_passes_the_validation(name):
    """app.py's stacks (``build_app``) with the cdk-nag packs and EmrStudioChecks, synthesized
    with CDK's validation: any finding of either fails synth."""
    app = cdk_app(CONFIGURATIONS[name], validation=True)
    build_app(app)
    assembly = app.synth()
    assert assembly.stacks, name
