"""The page's trust policy (step 1), with the confused-deputy conditions."""

from __future__ import annotations

from typing import Any, Mapping

from aws_cdk import Stack
from aws_cdk import aws_iam as iam

from .statements import EMR_ANY_RESOURCE_IN_ACCOUNT, EMR_SERVICE_PRINCIPAL


def trust_conditions(stack: Stack) -> dict:
    """``aws:SourceAccount`` = the stack's account; ``aws:SourceArn`` like
    ``arn:<partition>:elasticmapreduce:<region>:<account>:*``."""
    p = EMR_ANY_RESOURCE_IN_ACCOUNT
    return {
        "StringEquals": {"aws:SourceAccount": stack.account},
        "ArnLike": {
            "aws:SourceArn": stack.format_arn(
                service=p.service, resource=p.resource, resource_name=p.resource_name
            )
        },
    }


def studio_trust_principal(stack: Stack, conditions: Mapping[str, Any]) -> iam.IPrincipal:
    """``elasticmapreduce.amazonaws.com`` for ``sts:AssumeRole``, under :func:`trust_conditions`
    (computed by the caller, once per stack).

    The same name in every partition, aws-cn included: AWS's China documentation writes
    EMR's trust policies with ``elasticmapreduce.amazonaws.com`` (see the README, "Partitions"),
    and CDK renders a ``ServicePrincipal`` as the name it is given.
    """
    del stack  # one principal for every partition (kept for a per-partition rendering)
    return iam.ServicePrincipal(EMR_SERVICE_PRINCIPAL, conditions=conditions)
