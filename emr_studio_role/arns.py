"""The page's ARN patterns (``statements.py``) formatted for one stack, once per stack.

``Stack.format_arn`` is a round trip to the jsii runtime, and every
``EmrStudioServiceRole`` of a stack needs the same ARNs: each pattern is formatted
once per stack (and account), and kept here for the stack's lifetime.
"""

from __future__ import annotations

import weakref
from typing import Dict, Optional, Tuple

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
