"""cdk-nag 3: the packs the app applies, and acknowledgments with their reasons.

An acknowledgment names one exact finding (``AwsSolutions-IAM5[Resource::...]``)
and says why it is acceptable, citing AWS's page where the page is the reason.
Each is applied to the construct that owns the resource, right where that
construct is made.
"""

from __future__ import annotations

import re
import weakref
from typing import Any, Dict, Iterable, List, Sequence, Tuple

from aws_cdk import Acknowledgment, Annotations, IPolicyValidationPlugin, Stack, Validations
from constructs import IConstruct


def nag_plugins(scope: IConstruct) -> List[IPolicyValidationPlugin]:
    """The four packs the app applies: AwsSolutions, HIPAA Security, NIST 800-53 R5, PCI DSS 3.2.1.

    cdk-nag is the optional extra ``emr-studio-role[nag]``: the construct itself does
    not need it, so it is imported here, when the packs are asked for.
    """
    try:
        from cdk_nag import AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks
    except ImportError as error:  # pragma: no cover - depends on the install
        raise ImportError(
            "nag_plugins() needs cdk-nag: pip install 'emr-studio-role[nag]'"
        ) from error
    return [
        AwsSolutionsChecks(scope),
        HIPAASecurityChecks(scope),
        NIST80053R5Checks(scope),
        PCIDSS321Checks(scope),
    ]


#: Warning id when a finding id cannot be written as a CDK validation id.
WARN_UNACKNOWLEDGEABLE = "emr-studio-role:findingNotAcknowledgeable"
_OPEN = {"]": "[", ")": "(", "}": "{"}


def writable_id(rule_id: str) -> bool:
    """True when CDK's Validations accept ``rule_id``: every closing bracket closes the last
    open one (aws-cdk-lib core/lib/validation/private/validation-id.js refuses an unmatched
    or mismatched closing bracket; an unclosed opening one is accepted)."""
    stack: List[str] = []
    for c in rule_id:
        if c in "[({":
            stack.append(c)
        elif c in _OPEN:
            if not stack or stack.pop() != _OPEN[c]:
                return False
    return True


def acknowledge(scope: IConstruct, findings: Iterable[Tuple[str, str]]) -> None:
    """Acknowledge ``(finding id, reason)`` pairs on ``scope``, in one call.

    A cdk-nag finding id is given with its pack's namespace (``AwsSolutions::...``): CDK
    matches such an id whatever it holds (a space in an S3 prefix included), while an id
    without a namespace is matched only where it has no space.  An id that CDK cannot
    hold at all (an S3 prefix with unbalanced brackets) is not acknowledged: a warning
    names it, so that nothing is dropped silently.
    """
    acks = []
    for rule_id, reason in findings:
        if not writable_id(rule_id):
            Annotations.of(scope).add_warning_v2(
                WARN_UNACKNOWLEDGEABLE,
                f"The cdk-nag finding '{rule_id}' cannot be acknowledged here: CDK's validation ids "
                "cannot hold unbalanced brackets. If you run cdk-nag, acknowledge the rule on this "
                f"policy yourself (reason: {reason})",
            )
            continue
        pack = rule_id.split("-", 1)[0]
        if " " in rule_id and pack in _PACK_NAMESPACES:
            rule_id = f"{_PACK_NAMESPACES[pack]}::{rule_id}"
        acks.append(Acknowledgment(id=rule_id, reason=reason))
    if acks:
        Validations.of(scope).acknowledge(*acks)


#: cdk-nag 3's plugin namespace by rule prefix.
_PACK_NAMESPACES = {
    "AwsSolutions": "AwsSolutions",
    "HIPAA.Security": "HIPAA.Security",
    "NIST.800.53.R5": "NIST.800.53.R5",
    "PCI.DSS.321": "PCI.DSS.321",
}


def nag_repr(stack: Stack, value: str) -> str:
    """How cdk-nag prints a resource string in a finding id (``<AWS::Partition>``, ``<X.Arn>``)."""
    return _repr(stack.resolve(value))


def _repr(node: Any) -> str:
    if isinstance(node, str):
        return node
    if isinstance(node, dict):
        if "Ref" in node:
            return f"<{node['Ref']}>"
        if "Fn::GetAtt" in node:
            target, attr = node["Fn::GetAtt"]
            return f"<{target}.{attr}>"
        if "Fn::Join" in node:
            sep, parts = node["Fn::Join"]
            return sep.join(_repr(p) for p in parts)
    return str(node)


def _finding_id(resource: str) -> str:
    return f"AwsSolutions-IAM5[Resource::{resource}]"


def iam5_resource(stack: Stack, resource: str) -> str:
    """The finding id of AwsSolutions-IAM5 for one wildcard resource."""
    return _finding_id(nag_repr(stack, resource))


def iam5_resources(stack: Stack, resources: Sequence[str]) -> List[str]:
    """:func:`iam5_resource` of each resource, resolved in one call to the jsii runtime."""
    return [_finding_id(_repr(r)) for r in stack.resolve(list(resources))]


#: A CDK token in a string, e.g. ``${Token[AWS.Partition.12]}``.
_TOKEN = re.compile(r"\$\{Token\[[^\]]*\]\}")
#: Per stack: each token string seen, as cdk-nag prints it.
_TOKEN_REPRS: weakref.WeakKeyDictionary[Stack, Dict[str, str]] = weakref.WeakKeyDictionary()


def iam5_ids(stack: Stack, resources: Sequence[str]) -> Dict[str, str]:
    """:func:`iam5_resource` of each resource, by resource.

    A resource is literal text around tokens, and cdk-nag prints it as that text around
    each token's own print (``<AWS::Partition>``, ``<Bucket.Arn>``); so each distinct token
    is resolved once per stack, in one call for all of them, and every further ARN built
    from known tokens (each role's bucket ARN with its prefix, on the same partition token)
    costs no round trip to the jsii runtime."""
    known = _TOKEN_REPRS.setdefault(stack, {})
    todo = list(dict.fromkeys(t for r in resources for t in _TOKEN.findall(r) if t not in known))
    if todo:
        known.update(zip(todo, (_repr(v) for v in stack.resolve(todo))))
    out = {}
    for resource in resources:
        parts = _TOKEN.split(resource)
        tokens = _TOKEN.findall(resource)
        text = parts[0] + "".join(known[t] + after for t, after in zip(tokens, parts[1:]))
        out[resource] = _finding_id(text)
    return out


REPLICATION_REASON = (
    "Cross-region replication needs a second bucket in another region and a replication role, "
    "a disaster-recovery choice for the team that owns the data; the bucket is versioned and "
    "retained on stack deletion."
)


def acknowledge_access_logs_bucket(bucket: IConstruct) -> None:
    """The bucket that receives the notebook bucket's S3 server access logs."""
    reason_kms = (
        "S3 server access logs can only be delivered to a bucket encrypted with SSE-S3 "
        "(Amazon S3 managed keys), not SSE-KMS; this bucket holds only access logs."
    )
    acknowledge(
        bucket,
        [
            ("HIPAA.Security-S3BucketReplicationEnabled", REPLICATION_REASON),
            ("NIST.800.53.R5-S3BucketReplicationEnabled", REPLICATION_REASON),
            ("PCI.DSS.321-S3BucketReplicationEnabled", REPLICATION_REASON),
            ("HIPAA.Security-S3DefaultEncryptionKMS", reason_kms),
            ("NIST.800.53.R5-S3DefaultEncryptionKMS", reason_kms),
            ("PCI.DSS.321-S3DefaultEncryptionKMS", reason_kms),
        ],
    )


def acknowledge_notebook_bucket(bucket: IConstruct) -> None:
    """The Studio's notebook bucket (the app's default storage)."""
    acknowledge(
        bucket,
        [
            ("HIPAA.Security-S3BucketReplicationEnabled", REPLICATION_REASON),
            ("NIST.800.53.R5-S3BucketReplicationEnabled", REPLICATION_REASON),
            ("PCI.DSS.321-S3BucketReplicationEnabled", REPLICATION_REASON),
        ],
    )
