"""cdk-nag 3: the packs the app applies, and acknowledgments with their reasons.

An acknowledgment names one exact finding (``AwsSolutions-IAM5[Resource::...]``)
and says why it is acceptable, citing AWS's page where the page is the reason.
Each is applied to the construct that owns the resource, right where that
construct is made.
"""

from __future__ import annotations

from typing import Any, Iterable, List, Sequence, Tuple

from aws_cdk import Acknowledgment, IPolicyValidationPlugin, Stack, Validations
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


def acknowledge(scope: IConstruct, findings: Iterable[Tuple[str, str]]) -> None:
    """Acknowledge ``(finding id, reason)`` pairs on ``scope``, in one call."""
    acks = [Acknowledgment(id=i, reason=r) for i, r in findings]
    if acks:
        Validations.of(scope).acknowledge(*acks)


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


def iam5_resource(stack: Stack, resource: str) -> str:
    """The finding id of AwsSolutions-IAM5 for one wildcard resource."""
    return f"AwsSolutions-IAM5[Resource::{nag_repr(stack, resource)}]"


def iam5_resources(stack: Stack, resources: Sequence[str]) -> List[str]:
    """:func:`iam5_resource` of each resource, resolved in one call to the jsii runtime."""
    return [f"AwsSolutions-IAM5[Resource::{_repr(r)}]" for r in stack.resolve(list(resources))]


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
