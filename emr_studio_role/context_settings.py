"""What the app's stacks read from the context: each stack's keys, checked against each other,
as the keyword arguments of ``StudioStackConfig`` (:func:`read_role_settings`),
``StudioAppConfig`` (:func:`read_studio_settings`) and the StackSet's targets
(:func:`read_stackset_settings`).  Each key is read by :class:`~emr_studio_role.context.ContextReader`
(one parser per kind of value, every problem naming the key); here are the checks between keys:
``subnetIds`` without ``vpcId``, a StackSet rollout with keys that name one account's
resources, an empty or blank prefix.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

from .context import (
    BUCKET_NAME_RE,
    HELP,
    KMS_KEY_ARN_RE,
    MAX_STUDIO_SUBNETS,
    OU_ID_RE,
    ROLE_ARN_RE,
    ROLE_KEYS,
    SECRET_ARN_RE,
    STUDIO_KEYS,
    STUDIO_NAME_RE,
    ContextReader,
    shown,
)
from .options import GitSecretAccess, StudioAuthMode, StudioCompute
from .validation import ACCOUNT_RE, EC2_ID_RES, REGION_RE


def _kms_key_arn(r: ContextReader, key: str) -> Optional[str]:
    value = r.text(key)
    if value is None:
        return None
    if ":alias/" in value:
        r.refuse(
            key,
            f"got {shown(value)}, a KMS alias ARN; allowed: a key ARN "
            "(arn:<partition>:kms:<region>:<account>:key/<key id>), because an alias ARN in an "
            "identity policy does not grant use of the key",
        )
        return None
    if not KMS_KEY_ARN_RE.fullmatch(value):
        r.refuse(key, f"got {shown(value)}; allowed: a KMS key ARN "
                      "(arn:<partition>:kms:<region>:<account>:key/<key id>, no wildcard)")
        return None
    return value


def _environment(r: ContextReader) -> Tuple[Optional[str], Optional[str]]:
    return r.text("account", ACCOUNT_RE), r.text("region", REGION_RE)


def _prefix(r: ContextReader) -> str:
    # An empty or blank prefix is refused by the reader (never taken as "the whole bucket").
    prefix = r.text("prefix")
    return "studio/" if prefix is None else prefix


def read_role_settings(r: ContextReader) -> Dict[str, Any]:
    """The role stack's keys, as ``StudioStackConfig``'s keyword arguments."""
    bucket_name = r.text("bucketName", BUCKET_NAME_RE)
    if bucket_name is not None and ".." in bucket_name:
        r.refuse("bucketName", f"got {shown(bucket_name)}; allowed: {HELP['bucketName']}")
    kms_key_arn = _kms_key_arn(r, "kmsKeyArn")
    if r.given("kmsKeyArn") and not r.present("bucketName"):
        r.refuse(
            "kmsKeyArn",
            f"got {shown(r.raw('kmsKeyArn'))} without 'bucketName'; allowed: only with bucketName "
            "(the default bucket uses the key this app creates)",
        )
    account, region = _environment(r)
    access = r.choice("gitSecretAccess", GitSecretAccess)
    user_role_arn = r.text("userRoleArn")
    if user_role_arn is not None:
        match = ROLE_ARN_RE.fullmatch(user_role_arn)
        if match is None:
            r.refuse("userRoleArn", f"got {shown(user_role_arn)}; allowed: {HELP['userRoleArn']}")
        elif account is not None and match.group(1) != account:
            r.refuse(
                "userRoleArn",
                f"got {shown(user_role_arn)}, a role of account {match.group(1)}; allowed: a role "
                f"of this stack's account ({account}): the grant is a policy added to the role, "
                "which only its own account can add",
            )
        if access is not GitSecretAccess.USER_ROLE:
            r.refuse(
                "userRoleArn",
                f"got {shown(user_role_arn)} with gitSecretAccess="
                f"{access.name if access else 'TAGGED_SECRETS (the default)'}; allowed: only with "
                "gitSecretAccess=USER_ROLE (the role the Studio's users assume reads the secrets)",
            )
    vpc_id = r.text("vpcId")
    if vpc_id is not None and "," in vpc_id:
        r.refuse("vpcId", f"got {shown(vpc_id)}; allowed: one VPC ID")
        vpc_id = None
    elif vpc_id is not None and not EC2_ID_RES["vpc"].fullmatch(vpc_id):
        r.refuse("vpcId", f"got {shown(r.raw('vpcId'))}; allowed: {HELP['vpcId']}")
        vpc_id = None
    return dict(
        bucket_name=bucket_name,
        prefix=_prefix(r),
        kms_key_arn=kms_key_arn,
        workspace_kms_key_arn=_kms_key_arn(r, "workspaceKmsKeyArn"),
        compute=r.choice("compute", StudioCompute) or StudioCompute.EC2_OR_EKS,
        git_secret_access=access,
        git_secret_arns=r.items("gitSecretArns", SECRET_ARN_RE),
        user_role_arn=user_role_arn,
        workspace_collaboration=r.boolean("workspaceCollaboration"),
        vpc_id=vpc_id,
        subnet_ids=r.items("subnetIds", EC2_ID_RES["subnet"]),
        security_group_ids=r.items("securityGroupIds", EC2_ID_RES["security group"]),
        tag_imported_resources=bool(r.boolean("tagImportedResources")),
        role_name=r.text("roleName"),
        role_path=r.text("rolePath"),
        account=account,
        region=region,
    )


def read_studio_settings(r: ContextReader) -> Dict[str, Any]:
    """The Studio stack's keys (``createStudio=true``), as ``StudioAppConfig``'s keyword arguments.

    The role stack's other keys are refused: the Studio stack does not read them.
    """
    for key in ROLE_KEYS:
        if key not in STUDIO_KEYS and r.given(key):
            r.refuse(
                key,
                f"got {shown(r.raw(key))} with createStudio=true; allowed keys with createStudio: "
                f"{', '.join(STUDIO_KEYS)} (the Studio stack does not read this key, and would "
                "otherwise ignore it)",
            )
    vpc_id = r.text("vpcId")
    if vpc_id is not None and not EC2_ID_RES["vpc"].fullmatch(vpc_id):
        r.refuse("vpcId", f"got {shown(r.raw('vpcId'))}; allowed: {HELP['vpcId']}")
    subnet_ids = r.items("subnetIds", EC2_ID_RES["subnet"])
    if r.present("vpcId") and not r.present("subnetIds"):
        r.refuse(
            "subnetIds",
            f"missing with vpcId={shown(r.raw('vpcId'))}; allowed: 1 to {MAX_STUDIO_SUBNETS} "
            "subnet IDs of that VPC (-c subnetIds=subnet-...,subnet-...)",
        )
    if len(subnet_ids) > MAX_STUDIO_SUBNETS:
        r.refuse(
            "subnetIds",
            f"got {len(subnet_ids)} subnet IDs; allowed: 1 to {MAX_STUDIO_SUBNETS} "
            "(Create an EMR Studio: 'a maximum of five subnets')",
        )
    if r.present("subnetIds") and not r.present("vpcId"):
        r.refuse(
            "subnetIds",
            f"got {shown(r.raw('subnetIds'))} without vpcId; allowed: only with vpcId (without it "
            "the app creates its own VPC and uses its private subnets)",
        )
    mode = r.choice(
        "authMode", StudioAuthMode, names={"IAM": StudioAuthMode.IAM,
                                           "IAM_IDENTITY_CENTER": StudioAuthMode.IAM_IDENTITY_CENTER}
    )
    account, region = _environment(r)
    return dict(
        vpc_id=vpc_id,
        subnet_ids=subnet_ids,
        studio_name=r.text("studioName", STUDIO_NAME_RE),
        auth_mode=mode or StudioAuthMode.IAM,
        prefix=_prefix(r),
        tag_imported_resources=bool(r.boolean("tagImportedResources")),
        account=account,
        region=region,
    )


#: Keys that name one account's resources (or one global bucket): a StackSet would deploy the
#: same to every account and region.
STACKSET_REFUSED_KEYS: Tuple[str, ...] = (
    "bucketName",
    "kmsKeyArn",
    "workspaceKmsKeyArn",
    "gitSecretArns",
    "userRoleArn",
    "vpcId",
    "subnetIds",
    "securityGroupIds",
)


def stackset_requested(r: ContextReader) -> bool:
    """True when either StackSet target key is in the context."""
    return r.given("stackSetOrganizationalUnits") or r.given("stackSetRegions")


def read_stackset_settings(r: ContextReader) -> Optional[Dict[str, Any]]:
    """The StackSet's targets (``organizational_units``, ``regions``, ``call_as``), or ``None``
    when neither target key is given; the keys that contradict a StackSet are refused."""
    from .stackset import StackSetCaller  # the construct's module imports the stacks

    if not stackset_requested(r):
        if r.given("stackSetCallAs"):
            r.refuse(
                "stackSetCallAs",
                f"got {shown(r.raw('stackSetCallAs'))} without 'stackSetOrganizationalUnits' and "
                "'stackSetRegions'; allowed: only with both",
            )
        return None
    ous = r.items("stackSetOrganizationalUnits", OU_ID_RE)
    regions = r.items("stackSetRegions", REGION_RE)
    for key, other in (("stackSetOrganizationalUnits", "stackSetRegions"),
                       ("stackSetRegions", "stackSetOrganizationalUnits")):
        if not r.given(key):
            r.refuse(key, f"missing or empty (given '{other}'); allowed: {HELP[key]}")
    call_as = r.choice("stackSetCallAs", StackSetCaller) or StackSetCaller.SELF
    why = "every account and region of the StackSet would get the same"
    for key in STACKSET_REFUSED_KEYS:
        if r.given(key):
            r.refuse(
                key,
                f"got {shown(r.raw(key))} with a StackSet rollout (stackSetOrganizationalUnits); "
                f"allowed: leave it out, because it names one account's resource and {why}; the "
                "member makes its own bucket and key per account and region",
            )
    if r.given("tagImportedResources") and r.boolean("tagImportedResources"):
        r.refuse(
            "tagImportedResources",
            "got true with a StackSet rollout; allowed: false, because tagging imported resources "
            "needs a custom resource whose Lambda code is a CDK asset, and StackSet member accounts "
            "are not bootstrapped for assets",
        )
    for key in ("account", "region"):
        if r.given(key):
            r.refuse(
                key,
                f"got {shown(r.raw(key))} with a StackSet rollout; allowed: leave it out, because "
                "the member template must be environment-agnostic (each stack instance takes its "
                "own account and region) and the app's stacks are deployed with it",
            )
    if r.given("roleName") and len(regions) > 1:
        r.refuse(
            "roleName",
            f"got {shown(r.raw('roleName'))} with {len(regions)} stackSetRegions; allowed: leave it "
            "out (a generated name per stack instance), because IAM role names are global to an "
            "account and the second region's role would collide",
        )
    if r.boolean("createStudio"):
        r.refuse(
            "createStudio",
            "got true with a StackSet rollout (stackSetOrganizationalUnits); allowed: one of the "
            "two, because the StackSet rolls out the role stack, not the Studio stack, and would "
            "ignore the Studio's keys",
        )
    return {"organizational_units": list(ous), "regions": list(regions), "call_as": call_as}
