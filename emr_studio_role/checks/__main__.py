"""``python -m emr_studio_role.checks``: the ``emr-studio-check`` command."""

import sys

from .cli import main

sys.exit(main())
