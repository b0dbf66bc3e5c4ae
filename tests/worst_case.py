"""Resolve a synthesized template's values with worst-case (longest plausible) deploy-time values.

Used by the property test (tests/unit/test_properties.py) to measure every policy as IAM
would count it in the worst case, and tested on its own in tests/unit/test_worst_case.py.

Worst-case values:

* ``AWS::Partition`` ``aws-us-gov`` (10 characters, the longest partition), ``AWS::Region``
  a 14-character region (``ap-southeast-5``), ``AWS::AccountId`` 12 digits,
  ``AWS::URLSuffix`` ``amazonaws.com.cn`` (16);
* a bucket the template creates without a ``BucketName``: a 63-character name (S3's
  maximum); a KMS key: a 36-character key ID; a secret without a ``Name``: a
  512-character name (Secrets Manager's maximum) and the 6-character suffix; a role:
  a 64-character name; a log group: a 512-character name; EC2 ids with 17 hex digits;
* a parameter: the value the caller gives for it (a parameter has no longest value
  of its own; the caller knows what it stands for).

Each generated name is made from the resource's logical ID, so two resources never
share a value.  Anything else (an intrinsic or an attribute not listed) raises
:class:`Unresolvable`, so that a test never measures a guess.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Dict, List, Mapping, Optional

from emr_studio_role.checks.render import get_att_arguments, sub_arguments, substitute

PARTITION = "aws-us-gov"
REGION = "ap-southeast-5"
ACCOUNT = "123456789012"
URL_SUFFIX = "amazonaws.com.cn"
STACK_NAME_LENGTH = 128

BUCKET_NAME_MAX = 63
SECRET_NAME_MAX = 512
ROLE_NAME_MAX = 64
LOG_GROUP_NAME_MAX = 512
FUNCTION_NAME_MAX = 64
KEY_ID_LENGTH = 36  # 1234abcd-12ab-34cd-56ef-1234567890ab
EC2_ID_HEX = 17

PSEUDO: Mapping[str, str] = {
    "AWS::Partition": PARTITION,
    "AWS::Region": REGION,
    "AWS::AccountId": ACCOUNT,
    "AWS::URLSuffix": URL_SUFFIX,
}


class Unresolvable(ValueError):
    """A value the resolver has no worst case for."""


def filler(seed: str, length: int, alphabet: str = "abcdefghijklmnopqrstuvwxyz0123456789") -> str:
    """``length`` characters of ``alphabet``, the same for the same seed, different per seed."""
    out = ""
    counter = 0
    while len(out) < length:
        digest = hashlib.sha256(f"{seed}:{counter}".encode()).digest()
        out += "".join(alphabet[b % len(alphabet)] for b in digest)
        counter += 1
    return out[:length]


def key_id(seed: str) -> str:
    h = filler(seed, 32, "0123456789abcdef")
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def ec2_id(prefix: str, seed: str) -> str:
    return f"{prefix}-{filler(seed, EC2_ID_HEX, '0123456789abcdef')}"


class WorstCase:
    """Resolves values of one template; ``parameters`` give each parameter's value."""

    def __init__(self, template: Mapping[str, Any], parameters: Optional[Mapping[str, str]] = None):
        self.resources: Mapping[str, Any] = template.get("Resources") or {}
        self.parameters = dict(parameters or {})

    # ---------------------------------------------------------------- resources

    def _resource(self, logical_id: str) -> Mapping[str, Any]:
        if logical_id not in self.resources:
            raise Unresolvable(f"no resource {logical_id!r} in the template")
        return self.resources[logical_id]

    def _prop(self, logical_id: str, name: str) -> Optional[str]:
        value = (self._resource(logical_id).get("Properties") or {}).get(name)
        return None if value is None else self.value(value)

    def _name(self, logical_id: str, prop: str, length: int, alphabet: str = "") -> str:
        given = self._prop(logical_id, prop)
        if given is not None:
            return given
        return filler(logical_id, length, alphabet) if alphabet else filler(logical_id, length)

    def ref(self, name: str) -> Any:
        if name in PSEUDO:
            return PSEUDO[name]
        if name == "AWS::StackName":
            return filler("stack", STACK_NAME_LENGTH)
        if name in self.parameters:
            return self.parameters[name]
        type_ = self._resource(name).get("Type")
        if type_ == "AWS::S3::Bucket":
            return self._bucket_name(name)
        if type_ == "AWS::KMS::Key":
            return key_id(name)
        if type_ == "AWS::SecretsManager::Secret":
            return self._secret_arn(name)
        if type_ == "AWS::EC2::Subnet":
            return ec2_id("subnet", name)
        if type_ == "AWS::EC2::VPC":
            return ec2_id("vpc", name)
        if type_ == "AWS::EC2::SecurityGroup":
            return ec2_id("sg", name)
        if type_ == "AWS::IAM::Role":
            return self._name(name, "RoleName", ROLE_NAME_MAX)
        if type_ == "AWS::Logs::LogGroup":
            return self._name(name, "LogGroupName", LOG_GROUP_NAME_MAX)
        if type_ == "AWS::IAM::ManagedPolicy":
            return f"arn:{PARTITION}:iam::{ACCOUNT}:policy/{filler(name, 128)}"
        raise Unresolvable(f"Ref of {name} ({type_})")

    def get_att(self, logical_id: str, attribute: str) -> Any:
        type_ = self._resource(logical_id).get("Type")
        if (type_, attribute) == ("AWS::S3::Bucket", "Arn"):
            return f"arn:{PARTITION}:s3:::{self._bucket_name(logical_id)}"
        if (type_, attribute) == ("AWS::KMS::Key", "Arn"):
            return f"arn:{PARTITION}:kms:{REGION}:{ACCOUNT}:key/{key_id(logical_id)}"
        if (type_, attribute) == ("AWS::KMS::Key", "KeyId"):
            return key_id(logical_id)
        if (type_, attribute) == ("AWS::EC2::SecurityGroup", "GroupId"):
            return ec2_id("sg", logical_id)
        if (type_, attribute) == ("AWS::EC2::Subnet", "SubnetId"):
            return ec2_id("subnet", logical_id)
        if (type_, attribute) == ("AWS::EC2::VPC", "VpcId"):
            return ec2_id("vpc", logical_id)
        if (type_, attribute) == ("AWS::IAM::Role", "Arn"):
            path = self._prop(logical_id, "Path") or "/"
            return f"arn:{PARTITION}:iam::{ACCOUNT}:role{path}{self.ref(logical_id)}"
        if (type_, attribute) == ("AWS::Logs::LogGroup", "Arn"):
            # CloudFormation's Arn of a log group ends in ":*" (its log streams).
            return f"arn:{PARTITION}:logs:{REGION}:{ACCOUNT}:log-group:{self.ref(logical_id)}:*"
        if (type_, attribute) == ("AWS::Lambda::Function", "Arn"):
            name = self._name(logical_id, "FunctionName", FUNCTION_NAME_MAX)
            return f"arn:{PARTITION}:lambda:{REGION}:{ACCOUNT}:function:{name}"
        raise Unresolvable(f"Fn::GetAtt {logical_id}.{attribute} ({type_})")

    def _bucket_name(self, logical_id: str) -> str:
        return self._name(logical_id, "BucketName", BUCKET_NAME_MAX)

    def _secret_arn(self, logical_id: str) -> str:
        name = self._name(logical_id, "Name", SECRET_NAME_MAX)
        suffix = filler(logical_id + "#suffix", 6, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        return f"arn:{PARTITION}:secretsmanager:{REGION}:{ACCOUNT}:secret:{name}-{suffix}"

    # ---------------------------------------------------------------- values

    def value(self, node: Any) -> Any:
        """One CloudFormation value: a string, a list, or an intrinsic that gives one."""
        if isinstance(node, (str, bool, int, float)) or node is None:
            return node
        if isinstance(node, list):
            return [self.value(v) for v in node]
        if isinstance(node, dict) and len(node) == 1:
            (fn, arg), = node.items()
            if fn == "Ref":
                return self.ref(arg)
            if fn == "Fn::GetAtt":
                parts = get_att_arguments(arg)
                if parts is None:
                    raise Unresolvable(f"Fn::GetAtt of {arg!r}")
                return self.get_att(*parts)
            if fn == "Fn::Join":
                sep, parts = arg
                values = self.value(parts)
                if not all(isinstance(v, str) for v in values):
                    raise Unresolvable(f"Fn::Join of non-strings {values!r}")
                return sep.join(values)
            if fn == "Fn::Select":
                index, values = arg
                values = self.value(values)
                return values[int(self.value(index))]
            if fn == "Fn::Split":
                sep, text = arg
                return self.value(text).split(sep)
            if fn == "Fn::Sub":
                return self._sub(arg)
            if fn.startswith("Fn::") or fn == "Condition":
                raise Unresolvable(f"{fn} is not resolved")
        raise Unresolvable(f"not a value: {node!r}")

    def _sub(self, arg: Any) -> str:
        # The same substitution as EmrStudioChecks' renderer, with worst-case values.
        parsed = sub_arguments(arg)
        if parsed is None:
            raise Unresolvable(f"Fn::Sub of {arg!r}")
        text, variables = parsed
        return substitute(text, variables, value=self.value, ref=self.ref, get_att=self.get_att)

    def tree(self, node: Any) -> Any:
        """A whole document: every intrinsic inside it resolved."""
        if isinstance(node, dict):
            if len(node) == 1:
                (fn,) = node
                if fn == "Ref" or fn.startswith("Fn::"):
                    return self.value(node)
            return {k: self.tree(v) for k, v in node.items()}
        if isinstance(node, list):
            return [self.tree(v) for v in node]
        return node


def iam_length(document: Any) -> int:
    """The characters IAM counts for a resolved policy document: its JSON without white space."""
    return len(json.dumps(document, separators=(",", ":"), ensure_ascii=False))


def granted_resources(document: Mapping[str, Any]) -> List[str]:
    """Every ``Resource`` of every Allow statement of a resolved document."""
    out: List[str] = []
    for statement in document.get("Statement", []):
        if statement.get("Effect") != "Allow":
            continue
        resources = statement.get("Resource", [])
        out += resources if isinstance(resources, list) else [resources]
    return out


def managed_policies(template: Mapping[str, Any]) -> Dict[str, Any]:
    """``AWS::IAM::ManagedPolicy`` resources by logical ID."""
    return {
        logical_id: r
        for logical_id, r in (template.get("Resources") or {}).items()
        if r.get("Type") == "AWS::IAM::ManagedPolicy"
    }
