"""Session-scoped templates: each scenario is synthesized once and shared by the tests that read it."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
os.environ.setdefault("CDK_DISABLE_CLI_TELEMETRY", "true")

from aws_cdk.assertions import Template  # noqa: E402

from tests.helpers import app_stack  # noqa: E402

#: The app's main configurations, by name: the CDK context each one is synthesized with.
SCENARIOS = {
    "default": {},
    "serverless": {"compute": "EMR_SERVERLESS"},
    "listed_secrets": {
        "gitSecretAccess": "LISTED_SECRETS",
        "gitSecretArns": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:git-abc-AbCdEf",
    },
    "user_role_secrets": {"gitSecretAccess": "USER_ROLE"},
    "collaboration_off": {"workspaceCollaboration": "false"},
}


#: Where each scenario's cloud assembly was written (for its validation report).
ASSEMBLIES: dict = {}


def _synth(name: str) -> Template:
    app, stack = app_stack(SCENARIOS[name])
    assembly = app.synth()  # runs the cdk-nag packs: raises on any unacknowledged finding
    ASSEMBLIES[name] = assembly.directory
    return Template.from_stack(stack)


@pytest.fixture(scope="session")
def default_template() -> Template:
    return _synth("default")


@pytest.fixture(scope="session")
def serverless_template() -> Template:
    return _synth("serverless")


@pytest.fixture(scope="session")
def listed_template() -> Template:
    return _synth("listed_secrets")


@pytest.fixture(scope="session")
def user_role_template() -> Template:
    return _synth("user_role_secrets")


@pytest.fixture(scope="session")
def collab_off_template() -> Template:
    return _synth("collaboration_off")


@pytest.fixture(scope="session")
def scenario_templates(
    default_template, serverless_template, listed_template, user_role_template, collab_off_template
):
    return {
        "default": default_template,
        "serverless": serverless_template,
        "listed_secrets": listed_template,
        "user_role_secrets": user_role_template,
        "collaboration_off": collab_off_template,
    }
