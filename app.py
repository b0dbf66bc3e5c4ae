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

app = App()
try:
    EmrStudioServiceRoleStack(app, "EmrStudioServiceRoleStack", config=StudioStackConfig.from_scope(app))
except EmrStudioRoleValidationError as error:
    # Every problem names its context key; a traceback would add nothing.
    sys.exit(f"error: {error}")
# The four cdk-nag packs, and this package's own check of every EMR Studio role in the app.
Validations.of(app).add_plugins(*nag_plugins(app), EmrStudioChecks())
app.synth()
