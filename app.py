#!/usr/bin/env python3
"""The app: the EMR Studio service role stack, checked by cdk-nag at synth."""

import os

from aws_cdk import App, Environment, Validations

from emr_studio_role.nag import nag_plugins
from emr_studio_role.stack import EmrStudioServiceRoleStack, StudioStackConfig

app = App()
account, region = os.environ.get("CDK_DEFAULT_ACCOUNT"), os.environ.get("CDK_DEFAULT_REGION")
EmrStudioServiceRoleStack(
    app,
    "EmrStudioServiceRoleStack",
    config=StudioStackConfig.from_context(app.node.try_get_context),
    env=Environment(account=account, region=region) if account and region else None,
)
Validations.of(app).add_plugins(*nag_plugins(app))
app.synth()
