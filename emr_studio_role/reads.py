"""Attribute reads of the jsii objects a role is given, once per object.

Reading ``bucket.bucket_arn`` or ``key.key_arn`` is a round trip to the jsii runtime.  The
checks (``validation.py``) and the storage plan (``storage.py``) read the same attributes of
the same bucket and key; these attributes never change once the object exists (a bucket's
ARN and key, a key's ARN), so each is read once per object and kept for the object's lifetime.
"""

from __future__ import annotations

import weakref
from typing import Any, Dict

_READ: weakref.WeakKeyDictionary[Any, Dict[str, Any]] = weakref.WeakKeyDictionary()


def read(obj: Any, name: str) -> Any:
    """``getattr(obj, name)``, read from the jsii runtime once per object and attribute."""
    try:
        cached = _READ.setdefault(obj, {})
    except TypeError:  # an object that takes no weak reference: read it every time
        return getattr(obj, name)
    try:
        return cached[name]
    except KeyError:
        value = cached[name] = getattr(obj, name)
        return value
