"""IAM limits: policy size accounting with token bounds, and packing.

IAM limits a customer-managed policy to 6,144 characters, not counting white
space, and a role to 10 attached managed policies by default.  At synth time
some parts of a policy are CDK tokens (the partition, a bucket's ARN, ...), so
their length is not known; we count each token at a documented upper bound:

=================================  ======  ==========================================
token                              bound   why
=================================  ======  ==========================================
``AWS::Partition``                 10      longest partition name, ``aws-us-gov``
``AWS::Region``                    20      longest region code is 14 (``ap-southeast-5``);
                                           20 leaves room for new ones
``AWS::AccountId``                 12      account IDs are 12 digits
``AWS::URLSuffix``                 20      ``amazonaws.com.cn`` is 17
S3 bucket ARN                      83      ``arn:aws-us-gov:s3:::`` + 63-char bucket name
KMS key ARN                        93      partition 10, region 20, account 12, key ID 36
Secrets Manager secret ARN         590     secret names are at most 512 characters
any other token                    2048    the longest ARN IAM accepts
=================================  ======  ==========================================

A value made of literal text and pseudo-parameter tokens is counted exactly for
its literal part.  A value with any other token is counted at the bound of its
kind (the caller says which kind of ARN it is), so the sum is always an upper
bound of the deployed length.
"""

from __future__ import annotations

import enum
import json
import re
from typing import Any, Mapping

#: IAM's limit for one customer-managed policy, white space not counted.
MANAGED_POLICY_MAX_CHARS = 6144
#: IAM's default quota of managed policies attached to one role.
MANAGED_POLICIES_PER_ROLE = 10

PSEUDO_BOUNDS: Mapping[str, int] = {
    "AWS.Partition": 10,
    "AWS.Region": 20,
    "AWS.AccountId": 12,
    "AWS.URLSuffix": 20,
}
#: Upper bound for a token we know nothing about: IAM's longest ARN.
UNKNOWN_TOKEN_BOUND = 2048

_TOKEN = re.compile(r"\$\{Token\[([A-Za-z_.]+?)\.\d+\]\}")


class ArnKind(enum.Enum):
    """Kinds of ARN with a documented maximum length (see the module docstring)."""

    BUCKET = 83
    KMS_KEY = 93
    SECRET = 590
    ANY = UNKNOWN_TOKEN_BOUND


def bound_length(value: str, kind: ArnKind = ArnKind.ANY) -> int:
    """Upper bound of ``value``'s deployed length, tokens counted at their bounds."""
    total = 0
    last = 0
    for m in _TOKEN.finditer(value):
        total += m.start() - last
        last = m.end()
        pseudo = PSEUDO_BOUNDS.get(m.group(1))
        if pseudo is None:
            # A resource attribute or other deploy-time value: the kind's bound
            # covers the whole value.
            return max(kind.value, len(_TOKEN.sub("", value)))
        total += pseudo
    total += len(value) - last
    return total


def _bound_json(node: Any, kind_of: Mapping[str, ArnKind]) -> int:
    if isinstance(node, str):
        return bound_length(node, kind_of.get(node, ArnKind.ANY)) + 2  # the quotes
    if isinstance(node, Mapping):
        items = list(node.items())
        return 2 + max(len(items) - 1, 0) + sum(
            _bound_json(k, kind_of) + 1 + _bound_json(v, kind_of) for k, v in items
        )
    if isinstance(node, (list, tuple)):
        return 2 + max(len(node) - 1, 0) + sum(_bound_json(v, kind_of) for v in node)
    return len(json.dumps(node))


def statement_bound(statement: Mapping[str, Any], kind_of: Mapping[str, ArnKind]) -> int:
    """Upper bound of one statement's length in a policy, with the comma that follows it.

    ``kind_of`` maps resource strings holding tokens to their :class:`ArnKind`.
    Resources are always counted as a list, so adding one later costs
    :func:`resource_bound` only.
    """
    stmt = dict(statement)
    resources = stmt.get("Resource")
    if isinstance(resources, str):
        stmt["Resource"] = [resources]
    return _bound_json(stmt, kind_of) + 1


def resource_bound(arn: str, kind: ArnKind) -> int:
    """What one more resource costs in a statement's ``Resource`` list."""
    return bound_length(arn, kind) + 3  # quotes and a comma


#: ``{"Version":"2012-10-17","Statement":[]}``
DOCUMENT_OVERHEAD = len('{"Version":"2012-10-17","Statement":[]}')


def document_length(document: Mapping[str, Any]) -> int:
    """The length IAM counts for a resolved, concrete policy document (no white space)."""
    return len(json.dumps(document, separators=(",", ":")))
