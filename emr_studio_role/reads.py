"""Attribute reads of the jsii objects a role is given, once per object.

Reading ``bucket.bucket_arn`` or ``key.key_arn`` is a round trip to the jsii runtime.  The
checks (``validation.py``) and the storage plan (``storage.py``) read the same attributes of
the same bucket and key; these attributes never change once the object exists (a bucket's
ARN and key, a key's ARN), so each is read once per object and kept for the object's lifetime.
"""

from __future__ import annotations

import weakref
from typing import Any, Dict

try:  # what jsii returns for an object known only by its interfaces (``Subnet.from_subnet_id``)
    from jsii._reference_map import InterfaceDynamicProxy as _InterfaceProxy
except ImportError:  # pragma: no cover - another jsii layout: plain getattr
    _InterfaceProxy = None

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
        value = cached[name] = attribute(obj, name)
        return value


def attribute(obj: Any, name: str) -> Any:
    """``getattr(obj, name)`` in one round trip to the jsii runtime.

    jsii's proxy for an object known only by its interfaces answers ``getattr`` by asking each
    interface in turn with ``hasattr`` (which reads the attribute) and then reading it again:
    two round trips.  Here the interface that declares the attribute is found by its class,
    and the attribute read once; any other object is read with ``getattr``."""
    if _InterfaceProxy is not None and type(obj) is _InterfaceProxy:
        for delegate in object.__getattribute__(obj, "_delegates"):
            if hasattr(type(delegate), name):
                return getattr(delegate, name)
    return getattr(obj, name)
