"""Input checks: pure functions that return problems; the construct raises them once.

Each message names the prop, the value it got, and what is allowed.  A value
that is a CDK token (known only at deploy time) is never refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, List, Mapping, Optional, Tuple

from .arns import stack_value
from .reads import read
from .typecheck import (
    check_types,
    describe,
    describe_selection,
    hint_types,  # noqa: F401 - importable from here, as before
    implements,
)

# Every pattern here is matched with ``fullmatch``: ``$`` would also match before a trailing
# newline, so "studio-role\n" would pass for a role name.

#: IAM role names: 1-64 characters from ``[\w+=,.@-]``.
ROLE_NAME_RE = re.compile(r"[\w+=,.@-]{1,64}", re.ASCII)
ROLE_NAME_MAX = 64
#: IAM paths: ``/`` or ``/`` + printable ASCII (0x21-0x7E) + ``/``, at most 512 characters.
PATH_RE = re.compile(r"/|/[\x21-\x7E]+/")
PATH_MAX = 512
#: IAM role descriptions: at most 1,000 characters of this set.
DESCRIPTION_RE = re.compile(r"[\t\n\r\x20-\x7E\xA1-\xFF]*")
DESCRIPTION_MAX = 1000
#: S3 object keys are at most 1,024 bytes of UTF-8; a prefix cannot be longer.
S3_KEY_MAX_BYTES = 1024


#: A CDK token in a string.
TOKEN_RE = re.compile(r"\$\{Token\[[^\]]*\]\}")
#: Control characters: IAM rejects some and misreads others in a policy document.
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


def is_token(value: Any) -> bool:
    """True for a string that holds a CDK token (its value is known only at deploy time)."""
    return isinstance(value, str) and "${Token[" in value


def _shown(value: Any, limit: int = 80) -> str:
    if not isinstance(value, str):
        return describe(value)
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "...'"


def literal_parts(value: str) -> List[str]:
    """The literal text of a string around its CDK tokens (the whole string when it has none)."""
    return TOKEN_RE.split(value)


def _literal_problems(prop: str, value: str, allowed: str) -> List[str]:
    """Wildcards, control characters and IAM policy variables in the literal parts of ``value``."""
    text = "".join(literal_parts(value))
    problems = []
    if "*" in text or "?" in text:
        problems.append(
            f"{prop}: got {_shown(value)}, which holds a wildcard ('*' or '?'); allowed: {allowed} "
            "without wildcards (the construct adds the only '*' itself)"
        )
    if CONTROL_RE.search(text):
        problems.append(
            f"{prop}: got {_shown(value)}, which holds a control character; allowed: {allowed} "
            "of printable characters (IAM rejects or misreads control characters in a policy)"
        )
    if "${" in text:
        problems.append(
            f"{prop}: got {_shown(value)}, which holds '${{'; allowed: {allowed} without '${{' "
            "(IAM reads '${...}' in a policy as a policy variable)"
        )
    return problems


def check_prefix(prop: str, prefix: Optional[str]) -> List[str]:
    """Problems with an S3 key prefix (``None`` or ``""`` means the whole bucket).

    A prefix holding a CDK token (a ``CfnParameter``, ``Aws.ACCOUNT_ID``) is checked
    in its literal parts, and must end with a literal ``/``: the construct cannot add
    the ``/`` itself without knowing the value, and without it ``<token>*`` would
    grant more than the same literal prefix does (``studio*`` also matches
    ``studio-other/``).
    """
    if prefix is None:
        return []
    if not isinstance(prefix, str):
        return [f"{prop}: got {_shown(prefix)}; allowed: a string key prefix such as 'studio/', or None"]
    allowed = "a key prefix such as 'studio/' or 'teams/a/studio/'"
    problems = _literal_problems(prop, prefix, allowed)
    parts = literal_parts(prefix)
    if parts[0].startswith("/"):
        problems.append(
            f"{prop}: got {_shown(prefix)}, which starts with '/'; allowed: {allowed}, "
            "with no leading '/' (S3 keys do not start with one)"
        )
    if any("//" in part for part in parts):
        problems.append(
            f"{prop}: got {_shown(prefix)}, which has an empty segment ('//'); "
            f"allowed: {allowed}, each segment non-empty"
        )
    if is_token(prefix) and not parts[-1].endswith("/"):
        problems.append(
            f"{prop}: got {_shown(prefix)}, a deploy-time value (token) that does not end with a "
            "literal '/'; allowed: a token prefix followed by '/', e.g. f\"{param.value_as_string}/\" "
            "(the construct cannot add the '/' to a value it does not know, and '<value>*' would "
            "also grant sibling prefixes such as '<value>-other/')"
        )
    size = len(prefix.encode("utf-8"))
    if not is_token(prefix) and size > S3_KEY_MAX_BYTES:
        problems.append(
            f"{prop}: got a prefix of {size} bytes; allowed: at most {S3_KEY_MAX_BYTES} bytes "
            "(the longest S3 key)"
        )
    return problems


def normalize_prefix(prefix: Optional[str]) -> str:
    """``None``/``""`` -> ``""`` (whole bucket); ``"studio"`` -> ``"studio/"``.

    A prefix without a trailing ``/`` is treated as a folder: granting
    ``studio*`` would also grant ``studio-other/``.  A token prefix is returned as
    it is (:func:`check_prefix` requires it to end with a literal ``/``).
    """
    if not prefix:
        return ""
    if is_token(prefix) or prefix.endswith("/"):
        return prefix
    return prefix + "/"


# --------------------------------------------------------------------------- ARNs and ids

#: Partitions as IAM writes them: aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-eusc...
PARTITION_RE = re.compile(r"aws(-[a-z]+)*")
#: A region code: ``us-east-1``, ``us-gov-west-1``, ``cn-north-1``, ``eusc-de-east-1``.
REGION_RE = re.compile(r"[a-z]{2,4}(?:-[a-z]+){1,3}-[0-9]{1,2}")
ACCOUNT_RE = re.compile(r"[0-9]{12}")
#: EC2 ids as ``AWS::EMR::Studio`` takes them (``VpcId``, ``SubnetIds``) and EC2 makes them:
#: the prefix and 8 or 17 lowercase hex digits.
EC2_ID_RES = {
    "vpc": re.compile(r"vpc-(?:[0-9a-f]{8}|[0-9a-f]{17})"),
    "subnet": re.compile(r"subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})"),
    "security group": re.compile(r"sg-(?:[0-9a-f]{8}|[0-9a-f]{17})"),
}
_PLACEHOLDER = "\ue000"


@dataclass(frozen=True)
class ArnShape:
    """What a user-supplied ARN must look like: service, resource type, and whether region and
    account are part of it (S3 bucket ARNs have neither)."""

    service: str
    resource_types: Tuple[str, ...]
    #: ``"/"`` for ``key/<id>``, ``":"`` for ``secret:<name>``, ``""`` for an S3 bucket name.
    separator: str
    regional: bool = True
    example: str = ""
    #: IAM: no region, but a 12-digit account (``arn:<partition>:iam::<account>:role/<name>``).
    global_with_account: bool = False


BUCKET_ARN = ArnShape("s3", ("",), "", regional=False, example="arn:<partition>:s3:::<bucket>")
KEY_ARN = ArnShape("kms", ("key",), "/", example="arn:<partition>:kms:<region>:<account>:key/<key-id>")
SECRET_ARN = ArnShape(
    "secretsmanager", ("secret",), ":",
    example="arn:<partition>:secretsmanager:<region>:<account>:secret:<name>",
)
ROLE_ARN = ArnShape(
    "iam", ("role",), "/", regional=False, global_with_account=True,
    example="arn:<partition>:iam::<account>:role/<name>",
)


def check_arn(prop: str, arn: Any, shape: ArnShape) -> List[str]:
    """Problems with an ARN that reaches a policy: the right service and resource type,
    and no wildcard, control character or policy variable in any literal part.

    Tokens pass; their literal neighbours are still checked.
    """
    if not isinstance(arn, str):
        return [f"{prop}: got {_shown(arn)}; allowed: an ARN string ({shape.example})"]
    allowed = f"an ARN of the form {shape.example}"
    problems = _literal_problems(prop, arn, allowed)
    if TOKEN_RE.fullmatch(arn):
        return problems
    marked = TOKEN_RE.sub(_PLACEHOLDER, arn)
    parts = marked.split(":", 5)
    wrong = f"{prop}: got {_shown(arn)}; allowed: {allowed}"
    if len(parts) < 6:
        return problems + ([] if _PLACEHOLDER in marked else [f"{wrong} (it is not an ARN)"])

    def literal(part: str) -> bool:
        return _PLACEHOLDER not in part

    head, partition, service, region, account, resource = parts
    if literal(head) and head != "arn":
        problems.append(f"{wrong} (it does not start with 'arn:')")
    if literal(partition) and not PARTITION_RE.fullmatch(partition):
        problems.append(f"{wrong} (partition {partition!r} is not one)")
    if literal(service) and service != shape.service:
        problems.append(f"{wrong} (service {service!r}, expected {shape.service!r})")
        return problems
    if shape.global_with_account:
        if literal(region) and region:
            problems.append(f"{wrong} ({shape.service} ARNs have no region)")
        if literal(account) and not ACCOUNT_RE.match(account):
            problems.append(f"{wrong} (account {account!r} is not 12 digits)")
    elif not shape.regional:
        if (literal(region) and region) or (literal(account) and account):
            problems.append(f"{wrong} ({shape.service} ARNs have no region or account)")
    else:
        if literal(region) and not REGION_RE.fullmatch(region):
            problems.append(f"{wrong} (region {region!r} is not one)")
        if literal(account) and not ACCOUNT_RE.fullmatch(account):
            problems.append(f"{wrong} (account {account!r} is not 12 digits)")
    if shape.separator:
        rtype, sep, name = resource.partition(shape.separator)
        if literal(rtype) and (rtype not in shape.resource_types or not sep):
            problems.append(
                f"{wrong} (resource {resource!r}, expected {shape.resource_types[0]}"
                f"{shape.separator}<name>)"
            )
        elif sep and literal(name) and not name:
            problems.append(f"{wrong} (the resource has no name)")
    elif literal(resource) and ("/" in resource or not resource):
        problems.append(f"{wrong} (resource {resource!r} is not a bucket name)")
    return problems


def arn_region_account(arn: str) -> Tuple[Optional[str], Optional[str]]:
    """The literal region and account of an ARN (``None`` where a token stands)."""
    parts = TOKEN_RE.sub(_PLACEHOLDER, arn).split(":", 5)
    if len(parts) < 6:
        return None, None
    region, account = parts[3], parts[4]
    return (
        None if _PLACEHOLDER in region else region,
        None if _PLACEHOLDER in account else account,
    )


#: EC2 ids as the tagging policy and the Studio use them.
EC2_ID_PREFIXES = {"vpc": "vpc", "subnet": "subnet", "security group": "sg"}


def check_ec2_id(prop: str, value: Any, kind: str, *, strict: bool = False) -> List[str]:
    """An EC2 id: ``vpc-...``, ``subnet-...`` or ``sg-...`` (tokens pass).

    ``strict``: the prefix and 8 or 17 lowercase hex digits, the shape EC2 gives its ids and
    ``AWS::EMR::Studio`` accepts (``EmrStudio``); else the prefix and letters or digits (the
    service role, which only tags the resource).
    """
    if is_token(value) and TOKEN_RE.fullmatch(value):
        return []
    prefix = EC2_ID_PREFIXES[kind]
    pattern = EC2_ID_RES[kind] if strict else re.compile(rf"{prefix}-[0-9a-zA-Z]+")
    if isinstance(value, str) and pattern.fullmatch(value):
        return []
    if strict:
        allowed = (
            f"'{prefix}-' and 8 or 17 lowercase hex digits (the shape EC2 gives its ids and "
            "AWS::EMR::Studio accepts)"
        )
    else:
        allowed = f"an id of the form '{prefix}-<hex>' with no wildcard"
    return [f"{prop}: got the {kind} id {_shown(value)}; allowed: {allowed}"]


def check_account(prop: str, value: Any) -> List[str]:
    """A 12-digit AWS account id (or a token)."""
    if value is None or (isinstance(value, str) and TOKEN_RE.fullmatch(value)):
        return []
    if isinstance(value, str) and ACCOUNT_RE.fullmatch(value):
        return []
    return [f"{prop}: got {_shown(value)}; allowed: a 12-digit AWS account id, or None"]


def _literal_fits(value: str, pattern: re.Pattern[str]) -> bool:
    """Each literal part of ``value`` (around its tokens) is made of ``pattern``'s characters."""
    return all(pattern.fullmatch(part) for part in literal_parts(value) if part)


_ROLE_NAME_CHARS = re.compile(r"[\w+=,.@-]*", re.ASCII)
_PATH_CHARS = re.compile(r"[\x21-\x7E]*")


def check_role_name(role_name: Optional[str], prop: str = "role_name") -> List[str]:
    """IAM's rule for role names; a token passes, its literal neighbours are still checked."""
    if role_name is None:
        return []
    if not isinstance(role_name, str):
        pass
    elif ROLE_NAME_RE.fullmatch(role_name):
        return []
    elif is_token(role_name) and _literal_fits(role_name, _ROLE_NAME_CHARS):
        return []
    return [
        f"{prop}: got {_shown(role_name)}; allowed: 1 to {ROLE_NAME_MAX} characters "
        "from letters, digits and '+=,.@_-' (IAM's rule for role names)"
    ]


def check_path(path: Optional[str], prop: str = "path") -> List[str]:
    """IAM's rule for paths; a token passes, its literal neighbours are still checked."""
    if path is None:
        return []
    if is_token(path):
        if isinstance(path, str) and _literal_fits(path, _PATH_CHARS):
            return []
        return [f"{prop}: got {_shown(path)}; allowed: printable ASCII characters without spaces "
                "around the deploy-time value"]
    problems = []
    if not isinstance(path, str) or not PATH_RE.fullmatch(path):
        problems.append(
            f"{prop}: got {_shown(path)}; allowed: '/' or a path that starts and ends with '/' "
            "and holds only printable ASCII characters without spaces, such as '/emr/studio/'"
        )
    if isinstance(path, str) and len(path) > PATH_MAX:
        problems.append(f"{prop}: got {len(path)} characters; allowed: at most {PATH_MAX}")
    return problems


def check_description(description: Optional[str]) -> List[str]:
    if description is None or is_token(description):
        return []
    problems = []
    if len(description) > DESCRIPTION_MAX:
        problems.append(
            f"description: got {len(description)} characters; allowed: at most {DESCRIPTION_MAX}"
        )
    if not DESCRIPTION_RE.fullmatch(description):
        problems.append(
            f"description: got {_shown(description)}; allowed: tab, newline and printable "
            "Latin-1 characters (IAM's rule for role descriptions)"
        )
    return problems


def is_alias(key: Any) -> bool:
    """True when a ``kms.IKey`` is really an alias (``kms.Alias``, ``Alias.from_alias_name``,
    or ``Key.from_key_arn`` of an alias ARN)."""
    from aws_cdk import aws_kms as kms

    if key is None:
        return False
    if implements(key, kms.IAlias):
        return True
    # An alias ARN's literal part names it even when partition, region or account are tokens.
    arn = read(key, "key_arn")
    return isinstance(arn, str) and ":alias/" in arn


def check_key(prop: str, key: Any) -> List[str]:
    """A KMS key that reaches a policy: a ``kms.IKey`` (not an alias) with a key ARN."""
    from aws_cdk import aws_kms as kms

    if key is None:
        return []
    if not implements(key, kms.IKey):
        return [
            f"{prop}: got {_shown(key)}; allowed: a kms.IKey "
            "(for an existing key use kms.Key.from_key_arn)"
        ]
    if is_alias(key):
        name = key.alias_name if implements(key, kms.IAlias) else read(key, "key_arn")
        return [
            f"{prop}: got the KMS alias {_shown(name)}; allowed: the key itself "
            "(kms.Key or kms.Key.from_key_arn): an alias ARN in an identity policy does not "
            "grant use of the key it points to"
        ]
    return check_arn(f"{prop} (key ARN)", read(key, "key_arn"), KEY_ARN)


def check_bucket(prop: str, bucket: Any) -> List[str]:
    """An S3 bucket that reaches a policy: an ``s3.IBucket`` with a bucket ARN, and its key."""
    from aws_cdk import aws_s3 as s3

    if not implements(bucket, s3.IBucket):
        return [
            f"{prop}: got {_shown(bucket)}; allowed: an s3.IBucket (for an existing bucket use "
            "s3.Bucket.from_bucket_name; for an L1 CfnBucket, s3.Bucket.from_cfn_bucket)"
        ]
    return check_arn(f"{prop} (bucket ARN)", read(bucket, "bucket_arn"), BUCKET_ARN)


def secret_policy_arn(secret: Any) -> str:
    """The ARN a policy names for a secret: its full ARN, or, for a secret known by name
    or partial ARN, that ARN with ``-??????`` (Secrets Manager's six-character suffix)."""
    return read(secret, "secret_full_arn") or f"{read(secret, 'secret_arn')}-??????"


def check_secret(prop: str, secret: Any) -> List[str]:
    """A Secrets Manager secret that reaches a policy, and its encryption key."""
    from aws_cdk import aws_secretsmanager as secretsmanager

    if not implements(secret, secretsmanager.ISecret):
        return [
            f"{prop}: got {_shown(secret)}; allowed: a secretsmanager.ISecret (for an existing "
            "secret use secretsmanager.Secret.from_secret_complete_arn or from_secret_name_v2)"
        ]
    problems = check_arn(f"{prop} (secret ARN)", read(secret, "secret_arn"), SECRET_ARN)
    if read(secret, "encryption_key") is not None:
        problems += check_key(f"{prop}.encryption_key", read(secret, "encryption_key"))
    return problems


# --------------------------------------------------------------------------- the construct's props


#: What a prop of the wrong type stands in for while the other props' values are checked.
_STAND_INS: Mapping[str, Any] = {
    "git_secrets": (),
    "subnets": (),
    "security_groups": (),
    "tag_imported_resources": False,
}


def check_role_input(props: Mapping[str, Any], stack: Any, types: Mapping[str, Any]) -> List[str]:
    """Every problem of :class:`~emr_studio_role.EmrStudioServiceRole`'s props at once: each prop's
    type, and the values of the others (a type error never hides a value error)."""
    from .options import StudioCompute

    problems, bad = check_types(props, types)
    stand_ins = {**_STAND_INS, "compute": StudioCompute.EC2_OR_EKS}
    sane = {k: (stand_ins.get(k) if k in bad else v) for k, v in props.items()}
    return problems + check_role_props(sane, stack)


def _literal_region_account(stack: Any) -> Tuple[Optional[str], Optional[str]]:
    region, account = stack_value(stack, "region"), stack_value(stack, "account")
    region = None if is_token(region) else region
    account = None if is_token(account) else account
    return region, account


def check_workspace_key(key: Any, stack: Any) -> List[str]:
    """AWS's page on Workspace storage encryption: the key must be in the Studio's account and
    region (literal ARNs only: a token passes)."""
    problems = check_key("workspace_encryption_key", key)
    if problems or key is None:
        return problems
    key_region, key_account = arn_region_account(read(key, "key_arn"))
    region, account = _literal_region_account(stack)
    for what, got, want in (("region", key_region, region), ("account", key_account, account)):
        if got is not None and want is not None and got != want:
            problems.append(
                f"workspace_encryption_key: got a key in {what} {got!r}; allowed: a key in the "
                f"Studio's {what} {want!r} (AWS's page 'Encrypting EMR Studio workspace notebooks "
                "and files': the key must be in the same account and region as the Studio)"
            )
    return problems


def check_location(bucket: Any, prefix: Any, encryption_key: Any) -> List[str]:
    """One storage location: the bucket's ARN, the prefix, the key (or the bucket's own key)."""
    problems = check_bucket("bucket", bucket) + check_prefix("prefix", prefix)
    if encryption_key is not None:
        problems += check_key("encryption_key", encryption_key)
    elif not problems and read(bucket, "encryption_key") is not None:
        problems += check_key("bucket.encryption_key", read(bucket, "encryption_key"))
    return problems


def _network_ids(props: Mapping[str, Any]) -> List[str]:
    problems: List[str] = []
    vpc = props.get("vpc")
    if vpc is not None:
        problems += check_ec2_id("vpc (vpc id)", read(vpc, "vpc_id"), "vpc")
    for i, subnet in enumerate(props.get("subnets") or ()):
        problems += check_ec2_id(f"subnets[{i}] (subnet id)", read(subnet, "subnet_id"), "subnet")
    for i, group in enumerate(props.get("security_groups") or ()):
        problems += check_ec2_id(
            f"security_groups[{i}] (security group id)", read(group, "security_group_id"),
            "security group"
        )
    return problems


def check_selection(vpc: Any, selection: Any, prop: str = "vpc_subnets") -> List[str]:
    """A ``SubnetSelection`` that selects at least one subnet of ``vpc`` (CDK's own refusal, such
    as "There are no 'Isolated' subnet groups in this VPC", is given as the reason)."""
    try:
        selected = vpc.select_subnets(**dict(selection._values)).subnets
    except Exception as error:  # noqa: BLE001 - jsii raises CDK's error as a RuntimeError
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        selected, why = [], f": {reason}"
    else:
        why = ""
    if selected:
        return []
    return [
        f"{prop}: got {describe_selection(selection)}, which selects no subnet of the vpc "
        f"{describe(vpc)}{why}; allowed: a selection of subnets the VPC has"
    ]


def check_role_props(props: Mapping[str, Any], stack: Any) -> List[str]:
    """Every value problem of :class:`~emr_studio_role.EmrStudioServiceRole`'s props (types
    already checked), collected."""
    from .options import GitSecretAccess, StudioCompute

    problems: List[str] = []
    if props["bucket"] is None:  # its type was refused: the prefix and the key on their own
        problems += check_prefix("prefix", props["prefix"])
        problems += check_key("encryption_key", props["encryption_key"])
    else:
        problems += check_location(props["bucket"], props["prefix"], props["encryption_key"])
    problems += check_workspace_key(props["workspace_encryption_key"], stack)
    for i, secret in enumerate(props.get("git_secrets") or ()):
        problems += check_secret(f"git_secrets[{i}]", secret)
    problems += _network_ids(props)
    problems += check_account("network_owner_account", props["network_owner_account"])
    problems += check_role_name(props["role_name"])
    problems += check_path(props["path"])
    problems += check_description(props["description"])
    if props["vpc_subnets"] is not None:
        if props["vpc"] is None:
            problems.append(
                "vpc_subnets: got a SubnetSelection without vpc; allowed: only with vpc "
                "(the selection is made from it)"
            )
        if props["subnets"]:
            problems.append(
                "vpc_subnets: got a SubnetSelection together with subnets; allowed: one of the two"
            )
        elif props["vpc"] is not None:
            problems += check_selection(props["vpc"], props["vpc_subnets"])
    if props["network_owner_account"] is not None and props["tag_imported_resources"]:
        problems.append(
            f"tag_imported_resources: got True with network_owner_account="
            f"{props['network_owner_account']!r}; allowed: False, because a VPC participant cannot "
            "tag the owner's VPC and subnets (AWS RAM): the owner account tags them with "
            "for-use-with-amazon-emr-managed-policies=true (see the README, 'Shared VPCs')"
        )
    access = props["git_secret_access"]
    if props["compute"] is StudioCompute.EMR_SERVERLESS:
        why = (
            "the minimum EMR Serverless role (AWS's page) has only the storage "
            "permissions, so it has no use for it"
        )
        if props["workspace_collaboration"]:
            problems.append(
                "workspace_collaboration: got True with compute=EMR_SERVERLESS; allowed: "
                f"None or False, because {why}"
            )
        for name in ("vpc", "subnets", "vpc_subnets", "security_groups", "git_secrets",
                     "network_owner_account"):
            if props[name]:
                problems.append(
                    f"{name}: got {_shown(props[name])} with compute=EMR_SERVERLESS; allowed: "
                    f"nothing, because {why}"
                )
        if access is not None:
            problems.append(
                f"git_secret_access: got {access!r} with compute=EMR_SERVERLESS; allowed: "
                f"None, because {why}"
            )
    elif access is GitSecretAccess.LISTED_SECRETS and not props["git_secrets"]:
        problems.append(
            "git_secrets: got no secrets with git_secret_access=LISTED_SECRETS; allowed: "
            "at least one secretsmanager.ISecret (with none, nothing would be readable; "
            "use USER_ROLE to take secret access off the service role)"
        )
    return problems
