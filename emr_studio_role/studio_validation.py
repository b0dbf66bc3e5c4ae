"""``EmrStudio``'s input checks: every problem with its props, found at once, before anything is made.

Each message names the prop, the value it got (a construct by its path, never a proxy's repr)
and what is allowed.  The service role's own checks (:mod:`emr_studio_role.validation`) are
reused where a prop is the role's; ``AWS::EMR::Studio``'s schema (cfn-lint's copy of it) gives
the shapes of the Studio's own values: ``Name`` 1 to 256 of ``[A-Za-z0-9_-]``, ``Description``
at most 256, ``IdpAuthUrl`` an https URL of at most 4,096, ``IdpRelayStateParameterName`` at
most 256, ``VpcId``/``SubnetIds`` ``vpc-``/``subnet-`` and 8 or 17 hex digits, at most five
subnets ("select a maximum of five subnets", Create an EMR Studio).
"""

from __future__ import annotations

import re
from typing import Any, List, Mapping, Optional, Sequence, Set, Tuple

from aws_cdk import Token
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk.region_info import RegionInfo

from . import validation as v
from .options import IdcUserAssignment, SessionIdentityType, StudioAuthMode, StudioCompute
from .reads import attribute, read
from .tagging import is_imported
from .typecheck import check as type_problems
from .typecheck import check_types, describe, implements

#: "select a maximum of five subnets" (Create an EMR Studio).
MAX_SUBNETS = 5

#: The service role's props that ``EmrStudio`` takes and passes through unchanged (add a new
#: one here and to ``EmrStudio.__init__``).  Everything else of the role (bucket, prefix, vpc,
#: subnets, security groups, the workspace key) is set by the Studio itself.
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
#: The role props that belong to the role when ``service_role`` is given (``tag_imported_resources``
#: then applies to what the Studio tags itself: its network that the role does not tag).
ROLE_ONLY_PROPS: Tuple[str, ...] = tuple(p for p in ROLE_PASSTHROUGH_PROPS if p != "tag_imported_resources")

#: ``AWS::EMR::Studio`` limits (the resource schema, as cfn-lint ships it).
NAME_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")
DESCRIPTION_MAX = 256
IDP_AUTH_URL_MAX = 4096
IDP_URL_RE = re.compile(r"https://[0-9a-zA-Z]([-.\w]*[0-9a-zA-Z])(:[0-9]*)*([?/#].*)?", re.ASCII)
RELAY_STATE_MAX = 256
IDC_INSTANCE_RE = re.compile(r"arn:aws(-[a-z]+)*:sso:::instance/(sso)?ins-[a-zA-Z0-9-.]{16}")
#: EMR's text fields (``XmlString``): no control character but tab, line feed and carriage return.
EMR_TEXT_RE = re.compile(r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*")
#: ``AWS::EMR::StudioSessionMapping`` ``IdentityName``: at most 256.
IDENTITY_NAME_MAX = 256

#: The Studio's own props and their types (the role's are the role's ``PROP_TYPES``).
STUDIO_PROP_TYPES: Mapping[str, Any] = {
    "vpc": ec2.IVpc,
    "subnets": Sequence[ec2.ISubnet],
    "name": Optional[str],
    "description": Optional[str],
    "auth_mode": StudioAuthMode,
    "engine_security_group": Optional[ec2.ISecurityGroup],
    "workspace_security_group": Optional[ec2.ISecurityGroup],
    "idp_auth_url": Optional[str],
    "idp_relay_state_parameter_name": Optional[str],
    "trusted_identity_propagation": bool,
    "idc_instance_arn": Optional[str],
    "idc_user_assignment": Optional[IdcUserAssignment],
}


def _has(value: Any, *attrs: str) -> bool:
    """Duck-typed check of a jsii interface (``isinstance`` cannot check jsii protocols)."""
    return value is not None and not isinstance(value, str) and all(hasattr(value, a) for a in attrs)


def _literal(value: Any) -> bool:
    return isinstance(value, str) and not Token.is_unresolved(value)


def _is_imported(resource: Any) -> bool:
    return is_imported(resource)  # kept per resource: the role's tagging asks the same


def _shown(value: Any) -> str:
    if isinstance(value, str):
        text = repr(value)
        return text if len(text) <= 80 else text[:76] + "...'"
    return describe(value)


def _lead(problem: str) -> str:
    """The prop a problem is about: its text up to the first ':' or ' ('."""
    return re.split(r":| \(", problem, maxsplit=1)[0]


# --------------------------------------------------------------------------- the Studio's props


def check_studio_props(p: Mapping[str, Any], *, stack: Any, role_types: Mapping[str, Any]) -> List[str]:
    """Every problem with ``EmrStudio``'s props ``p``, at once (empty when all are good).

    ``p`` holds the Studio's props, ``bucket``, ``prefix``, ``workspace_encryption_key``,
    ``service_role`` and the role props of :data:`ROLE_PASSTHROUGH_PROPS`.
    """
    problems, bad = check_types(p, STUDIO_PROP_TYPES)
    vpc = None if "vpc" in bad else p["vpc"]
    subnets = () if "subnets" in bad else tuple(p["subnets"])
    problems += _check_network(vpc, subnets, p, bad)
    problems += _check_text(p, bad)
    mode = None if "auth_mode" in bad else p["auth_mode"]
    problems += _check_auth(p, mode, bad, stack)
    service_role = p["service_role"]
    if service_role is not None:
        problems += _check_service_role(p, service_role, subnets)
    else:
        role_props = {
            "bucket": p["bucket"], "prefix": p["prefix"],
            "workspace_encryption_key": p["workspace_encryption_key"],
            "compute": StudioCompute.EC2_OR_EKS, "vpc": vpc, "subnets": subnets, "vpc_subnets": None,
            # The groups given are checked above, strictly; the groups the Studio makes are good.
            "security_groups": (),
            "description": None,
            **{k: p[k] for k in ROLE_PASSTHROUGH_PROPS},
        }
        said = {_lead(problem) for problem in problems}
        problems += [x for x in v.check_role_input(role_props, stack, role_types) if _lead(x) not in said]
        if p["trusted_identity_propagation"] is True and p["workspace_collaboration"] is True:
            problems.append(
                "workspace_collaboration: got True with trusted_identity_propagation=True; allowed: "
                "None or False (AWS: Workspace collaboration isn't supported if trusted identity "
                "propagation is enabled)"
            )
    return problems


def _check_network(vpc: Any, subnets: Tuple[Any, ...], p: Mapping[str, Any], bad: Set[str]) -> List[str]:
    problems: List[str] = []
    if vpc is not None and _is_imported(vpc):
        problems += v.check_ec2_id("vpc (vpc id)", read(vpc, "vpc_id"), "vpc", strict=True)
    if "subnets" not in bad:
        if not 1 <= len(subnets) <= MAX_SUBNETS:
            problems.append(
                f"subnets: got {len(subnets)} subnets; allowed: 1 to {MAX_SUBNETS} "
                "(Create an EMR Studio: 'a maximum of five subnets')"
            )
        ids = [read(s, "subnet_id") for s in subnets]
        twice = [s for i, s in enumerate(subnets) if ids.index(ids[i]) != i]
        if twice:
            shown = [read(s, "subnet_id") if _literal(read(s, "subnet_id")) else s.node.path for s in twice]
            problems.append(
                f"subnets: got {shown} more than once; allowed: each subnet once (AWS::EMR::Studio "
                "SubnetIds)"
            )
        for i, subnet in enumerate(subnets):
            if _is_imported(subnet):
                problems += v.check_ec2_id(
                    f"subnets[{i}] (subnet id)", read(subnet, "subnet_id"), "subnet", strict=True
                )
        if vpc is not None and subnets:
            problems += _subnets_outside(vpc, subnets)
    groups = [(prop, p[prop]) for prop in ("engine_security_group", "workspace_security_group")
              if prop not in bad and p[prop] is not None]
    if len(groups) == 2 and groups[0][1] is groups[1][1]:
        problems.append(
            "engine_security_group and workspace_security_group: got the same group; "
            "allowed: two different groups (the Workspace group can't allow any inbound "
            "traffic, the engine group must allow it from the Workspace group)"
        )
    for prop, group in groups:
        if _is_imported(group):
            problems += v.check_ec2_id(f"{prop} (security group id)", read(group, "security_group_id"),
                                       "security group", strict=True)
        elif vpc is not None:
            cfn = group.node.default_child
            if isinstance(cfn, ec2.CfnSecurityGroup) and cfn.vpc_id != read(vpc, "vpc_id"):
                problems.append(
                    f"{prop}: got {describe(group)}, a security group of another VPC than "
                    f"{_vpc_shown(vpc)}; allowed: a group of the Studio's VPC (AWS::EMR::Studio: "
                    "'it must be in the same VPC specified by VpcId')"
                )
    return problems


def _vpc_shown(vpc: Any) -> str:
    vpc_id = read(vpc, "vpc_id")
    return vpc_id if _literal(vpc_id) else describe(vpc)


def _known_subnet_ids(vpc: ec2.IVpc) -> List[str]:
    return [
        read(s, "subnet_id")
        for s in (*read(vpc, "public_subnets"), *read(vpc, "private_subnets"), *read(vpc, "isolated_subnets"))
    ]


def _subnets_outside(vpc: ec2.IVpc, subnets: Sequence[ec2.ISubnet]) -> List[str]:
    """Subnets provably not in ``vpc``: by construct membership, by a created subnet's
    ``VpcId``, or by literal IDs against a VPC whose subnets are known."""
    known = _known_subnet_ids(vpc)
    outside = []
    for subnet in subnets:
        sid = read(subnet, "subnet_id")
        if sid in known:
            continue
        cfn = attribute(subnet, "node").default_child
        if isinstance(cfn, ec2.CfnSubnet):
            if cfn.vpc_id != read(vpc, "vpc_id"):
                outside.append(subnet.node.path)
        elif known and _literal(sid) and all(_literal(k) for k in known):
            outside.append(sid)
        elif known and not _is_imported(vpc):
            # A VPC created in this app: its subnets are all known, an imported one isn't one.
            outside.append(sid if _literal(sid) else subnet.node.path)
    if not outside:
        return []
    return [
        f"subnets: got {outside}, not in the given vpc {_vpc_shown(vpc)}; allowed: subnets of that "
        "VPC (CreateStudio: 'The subnets must belong to the VPC specified by VpcId')"
    ]


def check_emr_text(prop: str, value: Any, limit: int, what: str) -> List[str]:
    """A text that reaches EMR: at most ``limit`` characters, no control character but tab and
    line breaks (EMR's ``XmlString``); a token passes."""
    if value is None or (isinstance(value, str) and Token.is_unresolved(value)):
        return []
    problems = []
    if len(value) > limit:
        problems.append(f"{prop}: got {len(value)} characters; allowed: at most {limit} ({what})")
    if not EMR_TEXT_RE.fullmatch(value):
        problems.append(
            f"{prop}: got {_shown(value)}, which holds a control character; allowed: printable "
            f"characters, tab and line breaks ({what})"
        )
    return problems


def _check_text(p: Mapping[str, Any], bad: Set[str]) -> List[str]:
    problems: List[str] = []
    name = p["name"]
    if "name" not in bad and name is not None and not (Token.is_unresolved(name) or NAME_RE.fullmatch(name)):
        problems.append(
            f"name: got {_shown(name)}; allowed: 1 to 256 characters of A-Z, a-z, 0-9, _ and - "
            "(AWS::EMR::Studio Name)"
        )
    if "description" not in bad:
        problems += check_emr_text(
            "description", p["description"], DESCRIPTION_MAX, "AWS::EMR::Studio Description"
        )
    return problems


def _check_auth(p: Mapping[str, Any], mode: Any, bad: Set[str], stack: Any) -> List[str]:
    problems: List[str] = []
    url = None if "idp_auth_url" in bad else p["idp_auth_url"]
    relay = None if "idp_relay_state_parameter_name" in bad else p["idp_relay_state_parameter_name"]
    tip = p["trusted_identity_propagation"] if "trusted_identity_propagation" not in bad else False
    if mode is StudioAuthMode.IAM_IDENTITY_CENTER:
        for prop in ("idp_auth_url", "idp_relay_state_parameter_name"):
            if p[prop] is not None:
                problems.append(
                    f"{prop}: got {_shown(p[prop])} with auth_mode=IAM_IDENTITY_CENTER; allowed: None "
                    "(IdP federation is for StudioAuthMode.IAM only)"
                )
    elif mode is StudioAuthMode.IAM:
        if tip:
            problems.append(
                "trusted_identity_propagation: got True with auth_mode=IAM; allowed: False "
                "(trusted identity propagation is for StudioAuthMode.IAM_IDENTITY_CENTER only)"
            )
        for prop in ("idc_instance_arn", "idc_user_assignment"):
            if p[prop] is not None:
                problems.append(
                    f"{prop}: got {_shown(p[prop])} with auth_mode=IAM; allowed: None (for "
                    "StudioAuthMode.IAM_IDENTITY_CENTER only)"
                )
        if (p["idp_auth_url"] is None) != (p["idp_relay_state_parameter_name"] is None):
            problems.append(
                f"idp_auth_url / idp_relay_state_parameter_name: got {_shown(p['idp_auth_url'])} / "
                f"{_shown(p['idp_relay_state_parameter_name'])}; allowed: both or neither (IAM "
                "federation needs the IdP login URL and its RelayState parameter name)"
            )
    if _literal(url):
        if len(url) > IDP_AUTH_URL_MAX:
            problems.append(
                f"idp_auth_url: got {len(url)} characters; allowed: at most {IDP_AUTH_URL_MAX} "
                "(AWS::EMR::Studio IdpAuthUrl)"
            )
        elif not IDP_URL_RE.fullmatch(url):
            problems.append(
                f"idp_auth_url: got {_shown(url)}; allowed: an https:// URL (AWS::EMR::Studio IdpAuthUrl)"
            )
    if relay is not None:
        problems += check_emr_text(
            "idp_relay_state_parameter_name", relay, RELAY_STATE_MAX,
            "AWS::EMR::Studio IdpRelayStateParameterName",
        )
        if _literal(relay) and not relay.strip():
            problems.append(
                f"idp_relay_state_parameter_name: got {_shown(relay)}; allowed: your IdP's RelayState "
                "parameter name, such as RelayState or TargetResource"
            )
    arn = None if "idc_instance_arn" in bad else p["idc_instance_arn"]
    if _literal(arn) and not IDC_INSTANCE_RE.fullmatch(arn):
        problems.append(
            f"idc_instance_arn: got {_shown(arn)}; allowed: an IAM Identity Center instance ARN "
            "(arn:<partition>:sso:::instance/ssoins-<16 characters>)"
        )
    elif _literal(arn) and stack is not None:
        region = stack.region
        partition = RegionInfo.get(region).partition if _literal(region) else None
        if partition and arn.split(":")[1] != partition:
            problems.append(
                f"idc_instance_arn: got {_shown(arn)}, in partition {arn.split(':')[1]!r}; allowed: "
                f"an IAM Identity Center instance of the stack's partition {partition!r} (region "
                f"{region}): arn:{partition}:sso:::instance/..."
            )
    return problems


# --------------------------------------------------------------------------- an existing service role


def _check_service_role(p: Mapping[str, Any], role: Any, subnets: Tuple[Any, ...]) -> List[str]:
    from .role import PROP_TYPES, EmrStudioServiceRole

    if not isinstance(role, EmrStudioServiceRole):
        return [
            f"service_role: got {_shown(role)}; allowed: an EmrStudioServiceRole (the page's role; "
            "for another role, build the AWS::EMR::Studio yourself), or None to make one"
        ]
    problems: List[str] = []
    for prop in ROLE_ONLY_PROPS:
        value = p[prop]
        if value is not None and value != () and value != []:
            problems.append(
                f"{prop}: got {_shown(value)} with service_role; allowed: None (it is the role's "
                f"own prop: give it to the EmrStudioServiceRole at '{role.node.path}')"
            )
    if role.compute is not StudioCompute.EC2_OR_EKS:
        problems.append(
            f"service_role: got the role at '{role.node.path}' with compute={role.compute.name}; "
            "allowed: a role with StudioCompute.EC2_OR_EKS (a Studio has a VPC and subnets, for "
            "which the EMR Serverless role has no permissions)"
        )
    if getattr(role, "_synthesized", False):
        problems.append(
            f"service_role: got the role at '{role.node.path}' after the app was synthesized; "
            "allowed: a role that can still take the Studio's storage location"
        )
    if p["trusted_identity_propagation"] is True and role.workspace_collaboration:
        problems.append(
            f"service_role: got the role at '{role.node.path}' with workspace collaboration and "
            "trusted_identity_propagation=True; allowed: a role made with "
            "workspace_collaboration=False (AWS: Workspace collaboration isn't supported if "
            "trusted identity propagation is enabled)"
        )
    tag = p["tag_imported_resources"]
    problems += type_problems("tag_imported_resources", tag, bool)
    if tag is True and role.network_owner_account is not None:
        problems.append(
            f"tag_imported_resources: got True with a service role for the shared VPC of account "
            f"{role.network_owner_account}; allowed: False, because a VPC participant cannot tag "
            "the owner's VPC and subnets (AWS RAM)"
        )
    key = p["workspace_encryption_key"]
    types = {k: PROP_TYPES[k] for k in ("bucket", "prefix", "workspace_encryption_key")}
    type_found, bad = check_types(p, types)
    problems += type_found
    if "bucket" not in bad and "prefix" not in bad:
        problems += v.check_location(p["bucket"], p["prefix"], None)
    if "workspace_encryption_key" not in bad and key is not None:
        held = role.workspace_encryption_key
        if held is None or held.key_arn != key.key_arn:
            problems.append(
                f"workspace_encryption_key: got {_shown(key)}, which the service role at "
                f"'{role.node.path}' does not hold; allowed: the key the role was made with "
                "(EmrStudioServiceRole(workspace_encryption_key=...)), so that it has the page's "
                "KMS permissions on it"
            )
    return problems


# --------------------------------------------------------------------------- methods


def check_session_mapping_args(identity_name: Any, identity_type: Any, session_policy: Any) -> List[str]:
    """``add_session_mapping``'s arguments: types and ``AWS::EMR::StudioSessionMapping``'s shapes."""
    problems: List[str] = []
    if not isinstance(identity_name, str) or not identity_name.strip():
        problems.append(
            f"identity_name: got {_shown(identity_name)}; allowed: an Identity Center user name or "
            f"group display name of 1 to {IDENTITY_NAME_MAX} characters"
        )
    elif not Token.is_unresolved(identity_name):
        problems += check_emr_text(
            "identity_name", identity_name, IDENTITY_NAME_MAX, "AWS::EMR::StudioSessionMapping IdentityName"
        )
    if not (isinstance(identity_type, SessionIdentityType) or identity_type in ("USER", "GROUP")):
        problems.append(
            f"identity_type: got {_shown(identity_type)}; allowed: 'USER' or 'GROUP' (or "
            "SessionIdentityType.USER / GROUP)"
        )
    problems += check_session_policy(session_policy)
    return problems


def check_session_policy(policy: Any) -> List[str]:
    """A session policy: an ``iam.IManagedPolicy``, with the fix for what people pass instead."""
    from .user_policies import UserPolicy

    if isinstance(policy, UserPolicy):
        return [
            f"session_policy: got the UserPolicy of level {policy.level.name}; allowed: an "
            "iam.IManagedPolicy (pass its .policy: studio.user_policy(...).policy)"
        ]
    if isinstance(policy, str):
        return [
            f"session_policy: got the string {_shown(policy)}; allowed: an iam.IManagedPolicy (for "
            f"an existing one use iam.ManagedPolicy.from_managed_policy_arn(scope, id, {policy!r}))"
        ]
    if isinstance(policy, (iam.Policy, iam.PolicyDocument)) or (
        implements(policy, iam.IPolicy) and not implements(policy, iam.IManagedPolicy)
    ):
        return [
            f"session_policy: got {_shown(policy)}, an inline policy; allowed: an "
            "iam.IManagedPolicy (a session mapping names a managed policy's ARN), such as "
            "studio.user_policy(UserPolicyLevel.BASIC).policy or an iam.ManagedPolicy"
        ]
    return type_problems("session_policy", policy, iam.IManagedPolicy)


def check_roles_arg(prop: str, roles: Any) -> List[str]:
    """A list of ``iam.IRole`` (runtime or execution roles), with the fix for ARN strings."""
    if isinstance(roles, (list, tuple)):
        found = []
        for i, role in enumerate(roles):
            if isinstance(role, str):
                found.append(
                    f"{prop}[{i}]: got the string {_shown(role)}; allowed: an iam.IRole (for an "
                    f"existing one use iam.Role.from_role_arn(scope, id, {role!r}))"
                )
        if found:
            return found
    return type_problems(prop, roles, Sequence[iam.IRole])

