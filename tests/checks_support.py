"""Shared by the EmrStudioChecks tests (tests/unit/test_checks*.py): AWS's page documents, and
templates and Studios written here rather than synthesized, so that each test pins one decision."""

from __future__ import annotations

import glob
import json
import os
from pathlib import Path
from typing import Any, Dict, List

from aws_cdk import aws_emr as emr

from emr_studio_role.checks import Finding, check_templates

PAGE = json.loads((Path(__file__).parent / "fixtures" / "aws_page_policies.json").read_text())
TRUST = PAGE["trust_policy"]
GUARDED_SG, GUARDED_ENI = PAGE["guarded_sids"]

#: The Studio's network as literal (imported) ids.
IMPORTED_NETWORK = {
    "engine_security_group_id": "sg-0123456789abcdef1",
    "subnet_ids": ["subnet-0123456789abcdef0"],
    "vpc_id": "vpc-0123456789abcdef0",
    "workspace_security_group_id": "sg-0123456789abcdef2",
}

STUDIO_ARN_ROLE = "arn:aws:iam::111122223333:role/EMRStudio_Service_Role"


def studio(scope, id: str, *, role_arn: str, location: str, network=None) -> emr.CfnStudio:
    """A ``CfnStudio`` on ``role_arn`` and ``location``, on ``network`` (default: literal ids)."""
    return emr.CfnStudio(
        scope,
        id,
        auth_mode="IAM",
        default_s3_location=location,
        name=id,
        service_role=role_arn,
        **(network or IMPORTED_NETWORK),
    )


def templates_in(outdir: str) -> Dict[str, Dict[str, Any]]:
    """The templates of a cloud assembly folder, by path."""
    return {
        path: json.loads(Path(path).read_text())
        for path in glob.glob(os.path.join(outdir, "*.template.json"))
    }


def role_resource(trust=TRUST, *documents) -> Dict[str, Any]:
    """An ``AWS::IAM::Role`` named EMRStudio_Service_Role with ``documents`` as inline policies."""
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "RoleName": "EMRStudio_Service_Role",
            "AssumeRolePolicyDocument": trust,
            "Policies": [
                {"PolicyName": f"p{i}", "PolicyDocument": d} for i, d in enumerate(documents)
            ],
        },
    }


def check(resources: Dict[str, Any]) -> List[Finding]:
    """Every rule over one template of ``resources``."""
    return check_templates({"t.template.json": {"Resources": resources}})


def rules_of(findings: List[Finding]) -> List[str]:
    return [f.rule for f in findings]
