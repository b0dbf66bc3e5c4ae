"""The role keeps its logical ID, RoleName and Path under every change a user can make.

A new logical ID, RoleName or Path makes CloudFormation replace the role, and a
replaced role breaks every EMR Studio that names it.  Each change below is compared
with a baseline built separately (never with itself): adding a storage location
(also enough of them to need a second managed policy), adding a key (bucket key,
workspace key), switching the Git-secret mode, and turning collaboration off.
The app's scenarios (session fixtures) are compared with the app's default the same way.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Callable, Dict, List, Mapping, Optional

import pytest
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk.assertions import Template

from emr_studio_role import GitSecretAccess
from tests.helpers import imported_key, role_stack

ROLE_NAME = "EmrStudioServiceRole-Test"
ROLE_PATH = "/emr-studio/"
#: Properties of AWS::IAM::Role whose change requires replacement (CloudFormation docs).
REPLACING = ("RoleName", "Path")
SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:git-abc-AbCdEf"


def _roles(template: Mapping[str, Any]) -> Dict[str, Dict[str, Any]]:
    return {lid: res for lid, res in template["Resources"].items() if res["Type"] == "AWS::IAM::Role"}


def _policies(template: Mapping[str, Any]) -> List[str]:
    return sorted(
        lid for lid, res in template["Resources"].items() if res["Type"] == "AWS::IAM::ManagedPolicy"
    )


def _identity(template: Mapping[str, Any]) -> Dict[str, Any]:
    roles = _roles(template)
    assert len(roles) == 1, f"expected one role, found {sorted(roles)}"
    ((lid, res),) = roles.items()
    props = res.get("Properties", {})
    return {"logical_id": lid, **{p: props.get(p) for p in REPLACING}}


def _bare(
    configure: Optional[Callable[[Any], Dict[str, Any]]] = None,
    after: Optional[Callable[[Any, Any], None]] = None,
    **props: Any,
) -> Dict[str, Any]:
    """The bare role with a fixed name and path, changed by ``configure`` / ``props`` / ``after``."""
    stack, role = role_stack(configure, role_name=ROLE_NAME, path=ROLE_PATH, prefix="studio/", **props)
    if after is not None:
        after(stack, role)
    return Template.from_stack(stack).to_json()


def _add_location(stack, role) -> None:
    role.add_storage_location(
        s3.Bucket.from_bucket_name(stack, "OtherBucket", "other-notebooks"), prefix="team-a/"
    )


def _add_many_locations(stack, role) -> None:
    for i in range(40):
        role.add_storage_location(
            s3.Bucket.from_bucket_name(stack, f"Bucket{i}", f"notebooks-{i:02d}-bucket"),
            prefix=f"team-{i:02d}/",
            encryption_key=imported_key(stack, f"Key{i}", f"{i:08d}-1111-2222-3333-444444444444"),
        )


def _listed_secret(stack) -> Dict[str, Any]:
    secret = secretsmanager.Secret.from_secret_complete_arn(stack, "GitSecret", SECRET_ARN)
    return {"git_secret_access": GitSecretAccess.LISTED_SECRETS, "git_secrets": [secret]}


CHANGES: Dict[str, Callable[[], Dict[str, Any]]] = {
    "storage location added": lambda: _bare(after=_add_location),
    "40 storage locations with keys (a second managed policy)": lambda: _bare(after=_add_many_locations),
    "bucket key added": lambda: _bare(lambda s: {"encryption_key": imported_key(s, "BucketKey")}),
    "workspace key added": lambda: _bare(
        lambda s: {"workspace_encryption_key": imported_key(s, "WorkspaceKey")}
    ),
    "key added with a storage location": lambda: _bare(
        after=lambda s, r: r.add_storage_location(
            s3.Bucket.from_bucket_name(s, "KeyedBucket", "keyed-notebooks"),
            encryption_key=imported_key(s, "KeyedBucketKey"),
        )
    ),
    "git secrets: LISTED_SECRETS": lambda: _bare(_listed_secret),
    "git secrets: USER_ROLE": lambda: _bare(git_secret_access=GitSecretAccess.USER_ROLE),
    "collaboration off": lambda: _bare(workspace_collaboration=False),
}


@cache
def _changed(change: str) -> Dict[str, Any]:
    """Each change synthesized once for the module (the templates are only read)."""
    return CHANGES[change]()


@pytest.fixture(scope="module")
def baseline() -> Dict[str, Any]:
    return _bare()


def test_baseline_sets_the_replacing_properties(baseline) -> None:
    """The baseline names the role and its path, so that a change to either would show."""
    identity = _identity(baseline)
    assert identity["RoleName"] == ROLE_NAME
    assert identity["Path"] == ROLE_PATH


@pytest.mark.parametrize("change", list(CHANGES))
def test_change_keeps_the_role(baseline, change) -> None:
    changed = _changed(change)
    assert changed != baseline, f"{change!r} changed nothing: the test would prove nothing"
    assert _identity(changed) == _identity(baseline)


@pytest.mark.parametrize("change", list(CHANGES))
def test_change_keeps_the_existing_policies(baseline, change) -> None:
    """Existing managed policies keep their logical IDs; more policies may only be added."""
    before, after = _policies(baseline), _policies(_changed(change))
    assert set(before) <= set(after), f"{change!r}: policies {before} became {after}"


def test_many_locations_really_need_a_second_policy(baseline) -> None:
    """The overflow case is what it claims: a second managed policy, the role unchanged."""
    changed = _changed("40 storage locations with keys (a second managed policy)")
    assert len(_policies(changed)) > len(_policies(baseline))


@pytest.mark.parametrize("scenario", ["user_role_secrets", "listed_secrets", "collaboration_off"])
def test_app_scenarios_keep_the_default_role(scenario, scenario_templates) -> None:
    default = scenario_templates["default"].to_json()
    changed = scenario_templates[scenario].to_json()
    assert _identity(changed) == _identity(default)
    assert set(_policies(default)) <= set(_policies(changed))


def test_app_role_logical_id_is_the_deployed_one(default_template) -> None:
    """Stacks deployed from this app hold the role under this ID; a new one replaces it.

    The ID is the hash of the construct path ``StudioServiceRole/Resource``: renaming
    the construct, or nesting it, changes it.  Change this only with a migration note.
    """
    assert _identity(default_template.to_json())["logical_id"] == "StudioServiceRole8E5765BC"
