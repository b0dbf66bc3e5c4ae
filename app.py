#!/usr/bin/env python3
"""The app: the EMR Studio service role stack, checked at synth by four cdk-nag packs and EmrStudioChecks."""

import os

from aws_cdk import App, Validations

from emr_studio_role import EmrStudioChecks
from emr_studio_role.nag import nag_plugins
from emr_studio_role.stack import EmrStudioServiceRoleStack, StudioStackConfig, environment_from
from emr_studio_role.stackset import add_stackset_from_context
from emr_studio_role.studio_stack import EmrStudioStack, StudioAppConfig, create_studio_requested

app = App()
if create_studio_requested(app.node.try_get_context):
    # -c createStudio=true: the Studio too, with its VPC (or -c vpcId=... -c subnetIds=...).
    EmrStudioStack(
        app,
        "EmrStudioStack",
        config=StudioAppConfig.from_context(app.node.try_get_context),
        env=environment_from(os.environ),
    )
else:
    EmrStudioServiceRoleStack(
        app,
        "EmrStudioServiceRoleStack",
        config=StudioStackConfig.from_context(app.node.try_get_context),
        env=environment_from(os.environ),
    )
# With -c stackSetOrganizationalUnits=... -c stackSetRegions=...: a StackSet of the role stack (README).
add_stackset_from_context(app)
# The four cdk-nag packs, and this package's own check of every EMR Studio role in the app.
Validations.of(app).add_plugins(*nag_plugins(app), EmrStudioChecks())
app.synth()
