"""The page's ARN patterns (``statements.py``) formatted for one stack, once per stack.

``Stack.format_arn`` is a round trip to the jsii runtime, and every
``EmrStudioServiceRole`` of a stack needs the same ARNs: each pattern is formatted
once per stack (and account), and kept here for the stack's lifetime.  So are the stack's
partition, account, region and URL suffix (:func:`stack_value`).
"""

from __future__ import annotations

import weakref
from typing import Any, Dict, Optional, Tuple

from aws_cdk import ArnFormat, Stack

from .statements import ArnPattern

_ARN_FORMATS = {"/": ArnFormat.SLASH_RESOURCE_NAME, ":": ArnFormat.COLON_RESOURCE_NAME}

_FORMATTED: weakref.WeakKeyDictionary[Stack, Dict[Tuple[ArnPattern, Optional[str]], str]] = (
    weakref.WeakKeyDictionary()
)


def pattern_arn(stack: Stack, pattern: ArnPattern, account: Optional[str] = None) -> str:
    """``pattern`` as an ARN of ``stack`` (its partition, and its region and account unless the
    pattern keeps ``*``); ``account`` names another account (a shared VPC's owner)."""
    formatted = _FORMATTED.setdefault(stack, {})
    key = (pattern, account)
    arn = formatted.get(key)
    if arn is None:
        arn = formatted[key] = stack.format_arn(
            service=pattern.service,
            resource=pattern.resource,
            resource_name=pattern.resource_name,
            region=pattern.region,
            account=account if account is not None else pattern.account,
            arn_format=_ARN_FORMATS[pattern.separator] if pattern.resource_name is not None else None,
        )
    return arn


#: Per stack: any other ARN formatted for it, by ``format_arn``'s arguments, and its
#: partition, account and region tokens.
_OTHER: weakref.WeakKeyDictionary[Stack, Dict[Tuple[Tuple[str, Any], ...], str]] = (
    weakref.WeakKeyDictionary()
)


def stack_arn(stack: Stack, **components: Any) -> str:
    """``stack.format_arn(**components)``, once per stack and components."""
    formatted = _OTHER.setdefault(stack, {})
    key = tuple(sorted(components.items()))
    arn = formatted.get(key)
    if arn is None:
        arn = formatted[key] = stack.format_arn(**components)
    return arn


def stack_value(stack: Stack, name: str) -> str:
    """``stack.partition``, ``stack.account``, ``stack.region`` or ``stack.url_suffix`` (a token
    when the stack is environment-agnostic), read once per stack."""
    formatted = _OTHER.setdefault(stack, {})
    key = (("__attribute__", name),)
    value = formatted.get(key)
    if value is None:
        value = formatted[key] = getattr(stack, name)
    return value


def via_service(stack: Stack, service: str) -> str:
    """``<service>.<region>.<URL suffix>`` of ``stack``: a ``kms:ViaService`` value."""
    return f"{service}.{stack_value(stack, 'region')}.{stack_value(stack, 'url_suffix')}"
