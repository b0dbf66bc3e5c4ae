"""``EmrStudio``'s input checks: every problem with its props, found at once, before anything is made.

Each message names the prop, the value it got and what is allowed (the role's own checks,
:mod:`emr_studio_role.validation`, are reused where a prop is the role's).
"""

from __future__ import annotations

import re
from typing import Any, List, Mapping, Optional, Sequence, Tuple

from aws_cdk import Token
from aws_cdk import aws_ec2 as ec2
from aws_cdk.region_info import RegionInfo

from .options import IdcUserAssignment, StudioAuthMode
from .validation import check_bucket

#: "select a maximum of five subnets" (Create an EMR Studio).
MAX_SUBNETS = 5

#: The service role's props that ``EmrStudio`` passes through unchanged (add a new one here).
#: Everything else of the role (bucket, prefix, vpc, subnets, security groups, the workspace
#: key) is set by the Studio itself.
ROLE_PASSTHROUGH_PROPS: Tuple[str, ...] = (
    "encryption_key",
    "git_secret_access",
    "git_secrets",
    "workspace_collaboration",
    "tag_imported_resources",
    "role_name",
    "path",
    "permissions_boundary",
    "network_owner_account",
)
#: Role props the Studio sets itself, with the Studio prop that sets them.
_ROLE_PROPS_SET_BY_STUDIO: Mapping[str, str] = {
    "bucket": "bucket",
    "prefix": "prefix",
    "vpc": "vpc",
    "subnets": "subnets",
    "vpc_subnets": "subnets",
    "security_groups": "engine_security_group / workspace_security_group",
    "workspace_encryption_key": "workspace_encryption_key",
    "compute": "(always EC2_OR_EKS: a Studio has a VPC and subnets)",
    "description": "(the role's description is not set by EmrStudio)",
}

_NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_IDP_URL_RE = re.compile(r"^https://[0-9a-zA-Z]([-.\w]*[0-9a-zA-Z])(:[0-9]*)*([?/#].*)?$")
_IDC_INSTANCE_RE = re.compile(r"^arn:[a-z-]+:sso:::instance/(sso)?ins-[a-zA-Z0-9-.]{16}$")


def _has(value: Any, *attrs: str) -> bool:
    """Duck-typed check of a jsii interface (``isinstance`` cannot check jsii protocols)."""
    return value is not None and not isinstance(value, str) and all(hasattr(value, a) for a in attrs)


def _literal(value: Optional[str]) -> bool:
    return isinstance(value, str) and not Token.is_unresolved(value)


def _is_imported(resource: Any) -> bool:
    return resource.node.default_child is None



def check_studio_props(**p: Any) -> List[str]:
    """Every problem with ``EmrStudio``'s props, at once (empty when all are good)."""
    problems: List[str] = []
    vpc, subnets = p["vpc"], p["subnets"]
    if not _has(vpc, "vpc_id", "select_subnets"):
        problems.append(f"vpc: got {vpc!r}; allowed: an ec2.IVpc")
        vpc = None
    if not isinstance(subnets, tuple) or not all(_has(s, "subnet_id") for s in subnets):
        problems.append(f"subnets: got {subnets!r}; allowed: a list of ec2.ISubnet")
    elif not 1 <= len(subnets) <= MAX_SUBNETS:
        problems.append(
            f"subnets: got {len(subnets)} subnets; allowed: 1 to {MAX_SUBNETS} "
            "(Create an EMR Studio: 'a maximum of five subnets')"
        )
    else:
        ids = [s.subnet_id for s in subnets]
        dupes = sorted({i for i in ids if ids.count(i) > 1 and _literal(i)})
        if dupes:
            problems.append(f"subnets: got {dupes} more than once; allowed: distinct subnets")
        if vpc is not None:
            problems += _subnets_outside(vpc, subnets)
    # The service role's own check: the type (by jsii interface, a construct by its path)
    # and the bucket ARN.
    problems += check_bucket("bucket", p["bucket"])
    name = p["name"]
    if name is not None and not (
        isinstance(name, str) and (Token.is_unresolved(name) or _NAME_RE.match(name))
    ):
        problems.append(
            f"name: got {name!r}; allowed: 1 to 256 characters of A-Z, a-z, 0-9, _ and - "
            "(AWS::EMR::Studio Name)"
        )
    desc = p["description"]
    if desc is not None and not (isinstance(desc, str) and len(desc) <= 256):
        problems.append(f"description: got {desc!r}; allowed: a string of at most 256 characters")
    mode = p["auth_mode"]
    if not isinstance(mode, StudioAuthMode):
        problems.append(
            f"auth_mode: got {mode!r}; allowed: StudioAuthMode.IAM or "
            "StudioAuthMode.IAM_IDENTITY_CENTER"
        )
    key = p["workspace_encryption_key"]
    if key is not None and not _has(key, "key_arn"):
        problems.append(f"workspace_encryption_key: got {key!r}; allowed: a kms.IKey or None")
    for prop in ("engine_security_group", "workspace_security_group"):
        group = p[prop]
        if group is not None and not _has(group, "security_group_id", "connections"):
            problems.append(f"{prop}: got {group!r}; allowed: an ec2.ISecurityGroup or None")
    engine, workspace = p["engine_security_group"], p["workspace_security_group"]
    if engine is not None and engine is workspace:
        problems.append(
            "engine_security_group and workspace_security_group: got the same group; "
            "allowed: two different groups (the Workspace group can't allow any inbound "
            "traffic, the engine group must allow it from the Workspace group)"
        )
    problems += _check_auth(p, mode)
    problems += _check_role_props(p["role_props"], p["trusted_identity_propagation"])
    return problems


def _known_subnet_ids(vpc: ec2.IVpc) -> List[str]:
    return [
        s.subnet_id for s in (*vpc.public_subnets, *vpc.private_subnets, *vpc.isolated_subnets)
    ]


def _subnets_outside(vpc: ec2.IVpc, subnets: Sequence[ec2.ISubnet]) -> List[str]:
    """Subnets provably not in ``vpc``: by construct membership, by a created subnet's
    ``VpcId``, or by literal IDs against a VPC whose subnets are known."""
    known = _known_subnet_ids(vpc)
    outside = []
    for subnet in subnets:
        sid = subnet.subnet_id
        if sid in known:
            continue
        cfn = subnet.node.default_child
        if isinstance(cfn, ec2.CfnSubnet):
            if cfn.vpc_id != vpc.vpc_id:
                outside.append(subnet.node.path)
        elif known and _literal(sid) and all(_literal(k) for k in known):
            outside.append(sid)
        elif known and not _is_imported(vpc):
            # A VPC created in this app: its subnets are all known, an imported one isn't one.
            outside.append(sid if _literal(sid) else subnet.node.path)
    if not outside:
        return []
    vpc_shown = vpc.vpc_id if _literal(vpc.vpc_id) else vpc.node.path
    return [
        f"subnets: got {outside}, not in the given vpc {vpc_shown}; allowed: subnets of that VPC "
        "(CreateStudio: 'The subnets must belong to the VPC specified by VpcId')"
    ]


def _check_auth(p: Mapping[str, Any], mode: Any) -> List[str]:
    problems: List[str] = []
    if mode is StudioAuthMode.IAM_IDENTITY_CENTER:
        for prop in ("idp_auth_url", "idp_relay_state_parameter_name"):
            if p[prop] is not None:
                problems.append(
                    f"{prop}: got {p[prop]!r} with auth_mode=IAM_IDENTITY_CENTER; allowed: None "
                    "(IdP federation is for StudioAuthMode.IAM only)"
                )
    elif mode is StudioAuthMode.IAM:
        if p["trusted_identity_propagation"]:
            problems.append(
                "trusted_identity_propagation: got True with auth_mode=IAM; allowed: False "
                "(trusted identity propagation is for StudioAuthMode.IAM_IDENTITY_CENTER only)"
            )
        for prop in ("idc_instance_arn", "idc_user_assignment"):
            if p[prop] is not None:
                problems.append(
                    f"{prop}: got {p[prop]!r} with auth_mode=IAM; allowed: None (for "
                    "StudioAuthMode.IAM_IDENTITY_CENTER only)"
                )
        url, relay = p["idp_auth_url"], p["idp_relay_state_parameter_name"]
        if (url is None) != (relay is None):
            problems.append(
                f"idp_auth_url / idp_relay_state_parameter_name: got {url!r} / {relay!r}; "
                "allowed: both or neither (IAM federation needs the IdP login URL and its "
                "RelayState parameter name)"
            )
        if _literal(url) and not _IDP_URL_RE.match(url):
            problems.append(f"idp_auth_url: got {url!r}; allowed: an https:// URL")
        if relay is not None and not (isinstance(relay, str) and len(relay) <= 256):
            problems.append(
                f"idp_relay_state_parameter_name: got {relay!r}; allowed: a string of at most "
                "256 characters"
            )
    if not isinstance(p["trusted_identity_propagation"], bool):
        problems.append(
            f"trusted_identity_propagation: got {p['trusted_identity_propagation']!r}; "
            "allowed: True or False"
        )
    arn = p["idc_instance_arn"]
    if arn is not None and not (
        isinstance(arn, str) and (Token.is_unresolved(arn) or _IDC_INSTANCE_RE.match(arn))
    ):
        problems.append(
            f"idc_instance_arn: got {arn!r}; allowed: an IAM Identity Center instance ARN "
            "(arn:<partition>:sso:::instance/ssoins-<16 characters>)"
        )
    elif _literal(arn) and p.get("stack") is not None:
        region = p["stack"].region
        partition = RegionInfo.get(region).partition if _literal(region) else None
        if partition and arn.split(":")[1] != partition:
            problems.append(
                f"idc_instance_arn: got {arn!r}, in partition {arn.split(':')[1]!r}; allowed: an "
                f"IAM Identity Center instance of the stack's partition {partition!r} (region "
                f"{region}): arn:{partition}:sso:::instance/..."
            )
    assignment = p["idc_user_assignment"]
    if assignment is not None and not isinstance(assignment, IdcUserAssignment):
        problems.append(
            f"idc_user_assignment: got {assignment!r}; allowed: IdcUserAssignment.REQUIRED or "
            "IdcUserAssignment.OPTIONAL"
        )
    return problems


def _check_role_props(role_props: Mapping[str, Any], tip: Any) -> List[str]:
    problems: List[str] = []
    for key in sorted(role_props):
        if key in ROLE_PASSTHROUGH_PROPS:
            continue
        if key in _ROLE_PROPS_SET_BY_STUDIO:
            problems.append(
                f"{key}: set by EmrStudio itself ({_ROLE_PROPS_SET_BY_STUDIO[key]}); allowed "
                f"role props: {', '.join(ROLE_PASSTHROUGH_PROPS)}"
            )
        else:
            problems.append(
                f"{key}: not a prop of EmrStudio; allowed: the Studio's props and the role "
                f"props {', '.join(ROLE_PASSTHROUGH_PROPS)}"
            )
    if tip is True and role_props.get("workspace_collaboration") is True:
        problems.append(
            "workspace_collaboration: got True with trusted_identity_propagation=True; allowed: "
            "None or False (AWS: Workspace collaboration isn't supported if trusted identity "
            "propagation is enabled)"
        )
    return problems
