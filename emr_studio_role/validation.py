"""Input checks: pure functions that return problems; the construct raises them once.

Each message names the prop, the value it got, and what is allowed.  A value
that is a CDK token (known only at deploy time) is never refused.
"""

from __future__ import annotations

import re
from typing import Any, List, Optional

#: IAM role names: 1-64 characters from ``[\w+=,.@-]``.
ROLE_NAME_RE = re.compile(r"^[\w+=,.@-]{1,64}$", re.ASCII)
ROLE_NAME_MAX = 64
#: IAM paths: ``/`` or ``/`` + printable ASCII (0x21-0x7E) + ``/``, at most 512 characters.
PATH_RE = re.compile(r"^(/|/[\x21-\x7E]+/)$")
PATH_MAX = 512
#: IAM role descriptions: at most 1,000 characters of this set.
DESCRIPTION_RE = re.compile(r"^[\t\n\r\x20-\x7E\xA1-\xFF]*$")
DESCRIPTION_MAX = 1000
#: S3 object keys are at most 1,024 bytes of UTF-8; a prefix cannot be longer.
S3_KEY_MAX_BYTES = 1024


def is_token(value: Any) -> bool:
    """True for a string that holds a CDK token (its value is known only at deploy time)."""
    return isinstance(value, str) and "${Token[" in value


def _shown(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "...'"


def check_prefix(prop: str, prefix: Optional[str]) -> List[str]:
    """Problems with an S3 key prefix (``None`` or ``""`` means the whole bucket)."""
    if prefix is None or is_token(prefix):
        return []
    if not isinstance(prefix, str):
        return [f"{prop}: got {_shown(prefix)}; allowed: a string key prefix such as 'studio/', or None"]
    problems = []
    allowed = "a key prefix such as 'studio/' or 'teams/a/studio/'"
    if "*" in prefix or "?" in prefix:
        problems.append(
            f"{prop}: got {_shown(prefix)}, which holds a wildcard ('*' or '?'); "
            f"allowed: {allowed} without wildcards (the construct adds the only '*' itself)"
        )
    if prefix.startswith("/"):
        problems.append(
            f"{prop}: got {_shown(prefix)}, which starts with '/'; allowed: {allowed}, "
            "with no leading '/' (S3 keys do not start with one)"
        )
    if "//" in prefix:
        problems.append(
            f"{prop}: got {_shown(prefix)}, which has an empty segment ('//'); "
            f"allowed: {allowed}, each segment non-empty"
        )
    size = len(prefix.encode("utf-8"))
    if size > S3_KEY_MAX_BYTES:
        problems.append(
            f"{prop}: got a prefix of {size} bytes; allowed: at most {S3_KEY_MAX_BYTES} bytes "
            "(the longest S3 key)"
        )
    return problems


def normalize_prefix(prefix: Optional[str]) -> str:
    """``None``/``""`` -> ``""`` (whole bucket); ``"studio"`` -> ``"studio/"``.

    A prefix without a trailing ``/`` is treated as a folder: granting
    ``studio*`` would also grant ``studio-other/``.
    """
    if not prefix:
        return ""
    if is_token(prefix) or prefix.endswith("/"):
        return prefix
    return prefix + "/"


def check_role_name(role_name: Optional[str]) -> List[str]:
    if role_name is None or is_token(role_name):
        return []
    if not isinstance(role_name, str) or not ROLE_NAME_RE.match(role_name):
        return [
            f"role_name: got {_shown(role_name)}; allowed: 1 to {ROLE_NAME_MAX} characters "
            "from letters, digits and '+=,.@_-' (IAM's rule for role names)"
        ]
    return []


def check_path(path: Optional[str]) -> List[str]:
    if path is None or is_token(path):
        return []
    problems = []
    if not isinstance(path, str) or not PATH_RE.match(path):
        problems.append(
            f"path: got {_shown(path)}; allowed: '/' or a path that starts and ends with '/' "
            "and holds only printable ASCII characters without spaces, such as '/emr/studio/'"
        )
    if isinstance(path, str) and len(path) > PATH_MAX:
        problems.append(f"path: got {len(path)} characters; allowed: at most {PATH_MAX}")
    return problems


def check_description(description: Optional[str]) -> List[str]:
    if description is None or is_token(description):
        return []
    problems = []
    if len(description) > DESCRIPTION_MAX:
        problems.append(
            f"description: got {len(description)} characters; allowed: at most {DESCRIPTION_MAX}"
        )
    if not DESCRIPTION_RE.match(description):
        problems.append(
            f"description: got {_shown(description)}; allowed: tab, newline and printable "
            "Latin-1 characters (IAM's rule for role descriptions)"
        )
    return problems


def is_alias(key: Any) -> bool:
    """True when a ``kms.IKey`` is really an alias (``kms.Alias`` or ``Alias.from_alias_name``)."""
    if key is None:
        return False
    if hasattr(key, "alias_name"):
        return True
    # An alias ARN's literal part names it even when partition, region or account are tokens.
    arn = getattr(key, "key_arn", "")
    return isinstance(arn, str) and ":alias/" in arn


def check_key(prop: str, key: Any) -> List[str]:
    if key is None:
        return []
    if isinstance(key, str):
        return [
            f"{prop}: got the string {_shown(key)}; allowed: a kms.IKey "
            "(for an existing key use kms.Key.from_key_arn)"
        ]
    if is_alias(key):
        name = getattr(key, "alias_name", None) or getattr(key, "key_arn", key)
        return [
            f"{prop}: got the KMS alias {_shown(name)}; allowed: the key itself "
            "(kms.Key or kms.Key.from_key_arn): an alias ARN in an identity policy does not "
            "grant use of the key it points to"
        ]
    return []
