"""One warning per imported network resource, under one id (issue 16): the role warns
(`emr-studio-role:importedResourceNotTagged`, on the imported resource) and EmrStudioChecks does
not warn about the same id again; the command line, which sees no CDK warning, still does."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest
from aws_cdk import Acknowledgment, App, Stack, Validations
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_emr as emr
from aws_cdk import aws_s3 as s3

from emr_studio_role import EmrStudioChecks, EmrStudioServiceRole
from emr_studio_role.checks import RULE_NETWORK
from emr_studio_role.checks.cli import CLEAN, main
from emr_studio_role.tagging import IMPORTED_UNTAGGED_METADATA, WARN_IMPORTED_UNTAGGED
from tests.helpers import cdk_app

VPC = "vpc-0123456789abcdef0"
SUBNETS = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
GROUPS = ["sg-0123456789abcdef0", "sg-0fedcba9876543210"]


def _synth(*, acknowledge_vpc: bool = False, tag_imported: bool = False) -> Tuple[App, Dict[str, Any]]:
    """examples/existing_platform.py's shape, with the app's feature flags (as under the CLI, where
    CDK puts construct warnings into the validation report)."""
    app = cdk_app()
    stack = Stack(app, "Platform")
    vpc = ec2.Vpc.from_vpc_attributes(stack, "Vpc", vpc_id=VPC, availability_zones=["a", "b"])
    subnets = [ec2.Subnet.from_subnet_id(stack, f"Subnet{i}", s) for i, s in enumerate(SUBNETS)]
    for subnet in subnets:
        Validations.of(subnet).acknowledge(
            Acknowledgment(id="@aws-cdk/aws-ec2:noSubnetRouteTableId", reason="Not used here.")
        )
    groups = [ec2.SecurityGroup.from_security_group_id(stack, f"Sg{i}", g, mutable=False)
              for i, g in enumerate(GROUPS)]
    role = EmrStudioServiceRole(
        stack, "Role", bucket=s3.Bucket.from_bucket_name(stack, "B", "notebooks-x"), prefix="studio/",
        vpc=vpc, subnets=subnets, security_groups=groups, tag_imported_resources=tag_imported,
    )
    if acknowledge_vpc:
        Validations.of(vpc).acknowledge(
            Acknowledgment(id=WARN_IMPORTED_UNTAGGED, reason="tagged by the team")
        )
    emr.CfnStudio(
        stack, "Studio", name="s", auth_mode="IAM", vpc_id=VPC, subnet_ids=SUBNETS,
        engine_security_group_id=GROUPS[0], workspace_security_group_id=GROUPS[1],
        default_s3_location="s3://notebooks-x/studio/", service_role=role.role.role_arn,
    )
    Validations.of(app).add_plugins(EmrStudioChecks())
    app.synth()
    return app, json.loads((Path(app.outdir) / "validation-report.json").read_text())


def _warnings(report: Dict[str, Any]) -> List[Tuple[str, str]]:
    """(rule, what it is about) of every warning: the construct, or the Studio's property."""
    out = []
    for plugin in report["pluginReports"]:
        for violation in plugin["violations"]:
            for where in violation["violatingConstructs"]:
                paths = (where.get("cloudFormationResource") or {}).get("propertyPaths") or []
                out.append((violation["ruleName"], paths[0] if paths else where["constructPath"]))
    return out


@pytest.fixture(scope="module")
def warned():
    return _synth()


@pytest.fixture(scope="module")
def vpc_acknowledged():
    return _synth(acknowledge_vpc=True)


def test_each_imported_resource_is_warned_about_once(warned):
    _, report = warned
    counts = Counter(about for _, about in _warnings(report))
    assert counts == Counter({f"Platform/{n}": 1 for n in ("Vpc", "Subnet0", "Subnet1", "Sg0", "Sg1")})


def test_the_one_warning_is_the_roles_and_emr_studio_checks_adds_none(warned):
    _, report = warned
    assert {rule for rule, _ in _warnings(report)} == {f"Annotation::{WARN_IMPORTED_UNTAGGED}"}


def test_one_acknowledgment_on_the_vpc_leaves_no_warning_about_it(vpc_acknowledged):
    _, report = vpc_acknowledged
    abouts = [about for _, about in _warnings(report)]
    assert "Platform/Vpc" not in abouts and "Properties/VpcId" not in abouts
    assert len(abouts) == 4


def test_the_role_marks_each_imported_network_id_it_warns_about(warned):
    app, _ = warned
    metadata = json.loads((Path(app.outdir) / "Platform.metadata.json").read_text())
    marked = sorted(
        e["data"] for entries in metadata.values() for e in entries if e["type"] == IMPORTED_UNTAGGED_METADATA
    )
    assert marked == sorted([VPC, *SUBNETS, *GROUPS])


def test_ids_tagged_at_deploy_time_are_not_marked():
    app, report = _synth(tag_imported=True)
    metadata = (Path(app.outdir) / "Platform.metadata.json").read_text()
    assert IMPORTED_UNTAGGED_METADATA not in metadata and _warnings(report) == []


def test_the_command_line_still_warns_about_each_imported_id(capsys, warned):
    app, _ = warned
    assert main(["--format", "json", app.outdir]) == CLEAN
    report = json.loads(capsys.readouterr().out)
    assert sorted(f["location"].split("/Properties/")[1] for f in report["findings"]
                  if f["rule"] == RULE_NETWORK) == [
        "EngineSecurityGroupId", "SubnetIds/0", "SubnetIds/1", "VpcId", "WorkspaceSecurityGroupId"
    ]


def test_two_roles_on_one_imported_network_mark_and_warn_about_each_resource_once():
    """Roles and Studios of an app often share a VPC and its subnets: each shared resource is
    marked once and warned about once, as with one role."""
    app = cdk_app()
    stack = Stack(app, "Platform")
    vpc = ec2.Vpc.from_vpc_attributes(stack, "Vpc", vpc_id=VPC, availability_zones=["a", "b"])
    subnets = [ec2.Subnet.from_subnet_id(stack, f"Subnet{i}", s) for i, s in enumerate(SUBNETS)]
    for name in ("A", "B"):
        EmrStudioServiceRole(
            stack, name, bucket=s3.Bucket.from_bucket_name(stack, f"Bucket{name}", "notebooks-x"),
            vpc=vpc, subnets=subnets,
        )
    app.synth()
    metadata = json.loads((Path(app.outdir) / "Platform.metadata.json").read_text())
    entries = [e for es in metadata.values() for e in es]
    marked = [e["data"] for e in entries if e["type"] == IMPORTED_UNTAGGED_METADATA]
    assert sorted(marked) == sorted([VPC, *SUBNETS])
    warned = [
        e for e in entries if e["type"] == "aws:cdk:warning" and WARN_IMPORTED_UNTAGGED in str(e["data"])
    ]
    assert len(warned) == 3
