"""The page's ARN patterns (``statements.py``) and the other ARNs of a stack, formatted as
``Stack.format_arn`` formats them.

``Stack.format_arn`` is a round trip to the jsii runtime, and every role, Studio and tagging
resource of a stack formats ARNs with the same partition, region and account.  :func:`format_arn`
makes the same string here, from those three values read once per stack (:func:`stack_value`);
``tests/unit/test_per_stack.py`` compares it with ``Stack.format_arn`` for every pattern.
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
        arn = formatted[key] = format_arn(
            stack,
            service=pattern.service,
            resource=pattern.resource,
            resource_name=pattern.resource_name,
            region=pattern.region,
            account=account if account is not None else pattern.account,
            sep=pattern.separator,
        )
    return arn


def format_arn(
    stack: Stack,
    *,
    service: str,
    resource: str,
    resource_name: Optional[str] = None,
    region: Optional[str] = None,
    account: Optional[str] = None,
    sep: str = "/",
) -> str:
    """The string ``stack.format_arn(...)`` returns, made without a round trip to the jsii
    runtime.  CDK's ``Arn.format`` joins ``arn:<partition>:<service>:<region>:<account>:<resource>``
    and, when there is a resource name, ``<sep><resource_name>``; the partition, and the region
    and account unless given (``""`` is given: a global service), are the stack's, tokens when
    it is environment-agnostic.  ``sep``: ``"/"`` (``ArnFormat.SLASH_RESOURCE_NAME``) or ``":"``
    (``ArnFormat.COLON_RESOURCE_NAME``)."""
    if sep not in _ARN_FORMATS:
        raise ValueError(f"sep: got {sep!r}; allowed: '/' or ':'")
    parts = [
        "arn:", stack_value(stack, "partition"), ":", service, ":",
        region if region is not None else stack_value(stack, "region"), ":",
        account if account is not None else stack_value(stack, "account"), ":", resource,
    ]
    if resource_name is not None:
        parts += [sep, resource_name]
    return "".join(parts)


#: Per stack: any other ARN formatted for it, by ``format_arn``'s arguments, and its
#: partition, account and region tokens.
_OTHER: weakref.WeakKeyDictionary[Stack, Dict[Tuple[Tuple[str, Any], ...], str]] = (
    weakref.WeakKeyDictionary()
)


def stack_arn(
    stack: Stack, *, arn_format: Optional[ArnFormat] = None, **components: Optional[str]
) -> str:
    """``stack.format_arn(arn_format=..., **components)`` (:func:`format_arn`), once per stack and
    components; ``arn_format``: ``None``, ``SLASH_RESOURCE_NAME`` or ``COLON_RESOURCE_NAME``."""
    formatted = _OTHER.setdefault(stack, {})
    key = (("arn_format", arn_format), *sorted(components.items()))
    arn = formatted.get(key)
    if arn is None:
        sep = ":" if arn_format == ArnFormat.COLON_RESOURCE_NAME else "/"
        if arn_format not in (None, ArnFormat.SLASH_RESOURCE_NAME, ArnFormat.COLON_RESOURCE_NAME):
            raise ValueError(f"arn_format: got {arn_format!r}; allowed: None, SLASH_RESOURCE_NAME, "
                             "COLON_RESOURCE_NAME")
        arn = formatted[key] = format_arn(stack, sep=sep, **components)  # type: ignore[arg-type]
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
