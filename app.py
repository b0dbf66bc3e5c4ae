#!/usr/bin/env python3
"""The app: the EMR Studio service role stack, checked at synth by four cdk-nag packs and EmrStudioChecks.

Environment-agnostic unless the context keys ``account``/``region`` are given
(``emr_studio_role/stack.py``); CDK_DEFAULT_ACCOUNT/CDK_DEFAULT_REGION are not read.
"""

import sys

from aws_cdk import App, Validations

from emr_studio_role import EmrStudioChecks, EmrStudioRoleValidationError
from emr_studio_role.nag import nag_plugins
from emr_studio_role.stack import EmrStudioServiceRoleStack, StudioStackConfig
from emr_studio_role.stackset import add_stackset_from_context
from emr_studio_role.studio_stack import EmrStudioStack, StudioAppConfig, create_studio_requested

app = App()
context = app.node.try_get_context
try:
    if create_studio_requested(context):
        # -c createStudio=true: the Studio too, with its VPC (or -c vpcId=... -c subnetIds=...).
        EmrStudioStack(
            app,
            "EmrStudioStack",
            config=StudioAppConfig.from_context(context),
            # Environment-agnostic unless -c account=... / -c region=... bind it (README).
            env=StudioStackConfig(account=context("account"), region=context("region")).environment,
        )
    else:
        EmrStudioServiceRoleStack(app, "EmrStudioServiceRoleStack", config=StudioStackConfig.from_scope(app))
    # With -c stackSetOrganizationalUnits=... -c stackSetRegions=...: a StackSet of the role stack (README).
    add_stackset_from_context(app)
except EmrStudioRoleValidationError as error:
    # Every problem names its context key; a traceback would add nothing.
    sys.exit(f"error: {error}")
# The four cdk-nag packs, and this package's own check of every EMR Studio role in the app.
Validations.of(app).add_plugins(*nag_plugins(app), EmrStudioChecks())
app.synth()
