"""The page's trust policy (step 1), with the confused-deputy conditions."""

from __future__ import annotations

import weakref

from aws_cdk import Stack
from aws_cdk import aws_iam as iam

from .arns import stack_value
from .statements import EMR_ANY_RESOURCE_IN_ACCOUNT, EMR_SERVICE_PRINCIPAL


def trust_conditions(stack: Stack) -> dict:
    """``aws:SourceAccount`` = the stack's account; ``aws:SourceArn`` like
    ``arn:<partition>:elasticmapreduce:<region>:<account>:*``."""
    p = EMR_ANY_RESOURCE_IN_ACCOUNT
    return {
        "StringEquals": {"aws:SourceAccount": stack_value(stack, "account")},
        "ArnLike": {
            "aws:SourceArn": stack.format_arn(
                service=p.service, resource=p.resource, resource_name=p.resource_name
            )
        },
    }


def emr_service_principal_name(stack: Stack) -> str:
    """EMR's service principal in the stack's partition: ``elasticmapreduce.<URL suffix>``.

    That is ``elasticmapreduce.amazonaws.com`` in aws and aws-us-gov, and
    ``elasticmapreduce.amazonaws.com.cn`` in aws-cn, where EMR does not accept the
    commercial name (aws/aws-cdk#19867: clusters failed with it, and worked with the
    ``.cn`` name; aws/aws-cdk#31767: the same again after CDK dropped its per-partition
    table).  Current CDK rewrites a literal ``...amazonaws.com.cn`` service principal to
    ``...amazonaws.com``, so the name is written with the ``AWS::URLSuffix`` pseudo
    parameter, which CloudFormation resolves in the stack's own partition; one template
    serves every partition.
    """
    return f"{EMR_SERVICE_PRINCIPAL.rsplit('.amazonaws.com', 1)[0]}.{stack_value(stack, 'url_suffix')}"


_PRINCIPALS: weakref.WeakKeyDictionary[Stack, iam.IPrincipal] = weakref.WeakKeyDictionary()


def studio_trust_principal(stack: Stack) -> iam.IPrincipal:
    """EMR's service principal (:func:`emr_service_principal_name`) for ``sts:AssumeRole``,
    under :func:`trust_conditions`.  The same for every role of a stack, so made once per
    stack and shared (each part is a round trip to the jsii runtime)."""
    principal = _PRINCIPALS.get(stack)
    if principal is None:
        principal = _PRINCIPALS[stack] = iam.ServicePrincipal(
            emr_service_principal_name(stack), conditions=trust_conditions(stack)
        )
    return principal
