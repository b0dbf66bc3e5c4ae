"""Whole-template snapshots of the app's main configurations.

Update with ``pytest --snapshot-update`` only for a change you meant, and say so
in the commit message.
"""

import pytest

from tests.conftest import SCENARIOS


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_app_template_matches_snapshot(scenario_templates, snapshot, scenario):
    assert scenario_templates[scenario].to_json() == snapshot
