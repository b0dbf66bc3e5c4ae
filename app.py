#!/usr/bin/env python3
"""The app: the EMR Studio service role stack, checked at synth by four cdk-nag packs and EmrStudioChecks.

Every context key is read once, by ``emr_studio_role.context`` (README, "The app"):
environment-agnostic unless ``account``/``region`` are given; CDK_DEFAULT_ACCOUNT and
CDK_DEFAULT_REGION are not read.  ``-c createStudio=true`` builds the Studio stack instead;
``-c stackSetOrganizationalUnits=... -c stackSetRegions=...`` adds a StackSet of the role
stack (``emr_studio_role/application.py``).

A refusal prints every problem, each naming its context key, without a traceback; so does a
finding that fails synth in CDK's validation, so that nobody has to open the report file.
"""

import sys

from aws_cdk import App

from emr_studio_role import EmrStudioRoleValidationError
from emr_studio_role.application import build_app, synth_or_exit

app = App()
try:
    build_app(app)
except EmrStudioRoleValidationError as error:
    # Every problem names its context key; a traceback would add nothing.
    sys.exit(f"error: {error}")
synth_or_exit(app)
