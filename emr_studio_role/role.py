"""The L3 construct: the IAM service role for Amazon EMR Studio.

It composes the page's parts: the trust policy (``trust.py``), the page's
statements (``statements.py``), storage and keys, the EMR tag on the Studio's
network and secrets (``tagging.py``), and IAM's size limits (``limits.py``).
"""

from __future__ import annotations

import enum
import weakref
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

import jsii
from aws_cdk import ArnFormat, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct, IValidation

from . import statements as st
from . import validation as v
from .errors import EmrStudioRoleValidationError
from .limits import (
    DOCUMENT_OVERHEAD,
    MANAGED_POLICIES_PER_ROLE,
    MANAGED_POLICY_MAX_CHARS,
    ArnKind,
    resource_bound,
    statement_bound,
)
from .nag import acknowledge, iam5_resource, iam5_resources
from .tagging import tag_studio_resources
from .trust import studio_trust_principal, trust_conditions


class StudioCompute(enum.Enum):
    """What the Studio runs its Workspaces on."""

    #: EMR on EC2 or EMR on EKS: the page's full policy (steps 1-3).
    EC2_OR_EKS = "EC2_OR_EKS"
    #: EMR Serverless: the page's "Minimum service role for EMR Serverless" (storage only).
    EMR_SERVERLESS = "EMR_SERVERLESS"


class GitSecretAccess(enum.Enum):
    """Who may read the Git credentials in Secrets Manager."""

    #: The page's statement: any secret in the account and region tagged with the EMR tag.
    TAGGED_SECRETS = "TAGGED_SECRETS"
    #: The page's statement and tag condition, on the ARNs of ``git_secrets`` only.
    LISTED_SECRETS = "LISTED_SECRETS"
    #: Page step 4: no secret access on the service role; grant it to the Studio user
    #: role with :meth:`EmrStudioServiceRole.grant_git_secret_read`.
    USER_ROLE = "USER_ROLE"


@dataclass(frozen=True)
class StorageLocation:
    """One S3 location the Studio reads and writes: bucket, key prefix, and its key."""

    bucket: s3.IBucket
    #: Normalised: ``""`` for the whole bucket, else ending in ``/``.
    prefix: str
    encryption_key: Optional[kms.IKey]


# The three storage statements, by Sid: (actions, kind of resource ARN).
_STORAGE_STATEMENTS: Dict[str, Tuple[Tuple[str, ...], ArnKind]] = {
    st.OBJECT_ACTIONS_SID: (st.S3_OBJECT_ACTIONS, ArnKind.BUCKET),
    st.BUCKET_ACTIONS_SID: (st.S3_BUCKET_ACTIONS, ArnKind.BUCKET),
    st.KMS_ACTIONS_SID: (st.KMS_ACTIONS, ArnKind.KMS_KEY),
}


_ARN_FORMATS = {"/": ArnFormat.SLASH_RESOURCE_NAME, ":": ArnFormat.COLON_RESOURCE_NAME}

# Values that are the same for every EmrStudioServiceRole of one stack (format_arn
# results, the trust conditions, cdk-nag finding ids of the page's resources) are
# computed once per stack: each would otherwise cost a round trip to the jsii
# runtime for every role (see docs/benchmarks.md).  Weak keys: a cache goes with its stack.
_STACK_CACHES: weakref.WeakKeyDictionary[Stack, Dict[str, Any]] = weakref.WeakKeyDictionary()


def _stack_cache(stack: Stack) -> Dict[str, Any]:
    cache = _STACK_CACHES.get(stack)
    if cache is None:
        cache = _STACK_CACHES[stack] = {}
    return cache


class _PolicySlot:
    """One managed policy being filled, with the size bound of what it holds."""

    def __init__(self, policy: iam.ManagedPolicy, used: int, document: iam.PolicyDocument) -> None:
        self.policy = policy
        self.used = used
        #: ``policy.document`` (the object passed to the policy), kept to save a round trip.
        self.document = document
        self.storage: Dict[str, iam.PolicyStatement] = {}

    def room(self) -> int:
        return MANAGED_POLICY_MAX_CHARS - self.used


class EmrStudioServiceRole(Construct):
    """The IAM service role for an EMR Studio, as AWS's page "Create an EMR Studio service role" has it.

    Every prop is keyword-only.  The role trusts ``elasticmapreduce.amazonaws.com``
    only for this stack's account (``aws:SourceAccount``) and for EMR resources
    of this account and region (``aws:SourceArn``).  Its permissions are
    customer-managed policies attached through their ``Roles`` property.

    :param bucket: the Studio's default S3 location (``CfnStudio.DefaultS3Location``). Required.
    :param prefix: the key prefix the Studio writes under. A prefix without a trailing
        ``/`` is treated as a folder (``studio`` -> ``studio/``). Default: ``None``, the whole bucket.
    :param encryption_key: the bucket's KMS key. Default: ``bucket.encryption_key`` when the
        bucket has one, else no KMS permissions for this location.
    :param workspace_encryption_key: the key the Studio encrypts Workspaces with
        (``CfnStudio.EncryptionKeyArn``). Default: ``None``, no such permissions.
    :param compute: ``StudioCompute.EC2_OR_EKS`` (default) or ``StudioCompute.EMR_SERVERLESS``.
    :param git_secret_access: ``GitSecretAccess.TAGGED_SECRETS`` (default for EC2_OR_EKS),
        ``LISTED_SECRETS`` or ``USER_ROLE``. Not allowed with EMR_SERVERLESS.
    :param git_secrets: Secrets Manager secrets that hold Git credentials. They get the EMR
        tag; with ``LISTED_SECRETS`` they are the only readable ones. Default: none.
    :param workspace_collaboration: include ``AllowWorkspaceCollaboration``. Default: ``True``
        for EC2_OR_EKS, ``False`` for EMR_SERVERLESS (where ``True`` is refused).
    :param vpc: the Studio's VPC; it gets the EMR tag (the VPC resource only). Default: none.
    :param subnets: the Studio's subnets; each gets the EMR tag. Default: none.
    :param security_groups: custom Studio security groups; each gets the EMR tag. Default: none.
    :param tag_imported_resources: tag imported VPCs, subnets, security groups and secrets at
        deploy time through a custom resource. Default: ``False`` (a warning names each one).
    :param role_name: the role's name. Default: a name CloudFormation generates.
    :param path: the role's IAM path. Default: ``/``.
    :param permissions_boundary: a managed policy to use as the role's boundary. Default: none.
    :param description: the role's description. Default: none.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        bucket: s3.IBucket,
        prefix: Optional[str] = None,
        encryption_key: Optional[kms.IKey] = None,
        workspace_encryption_key: Optional[kms.IKey] = None,
        compute: StudioCompute = StudioCompute.EC2_OR_EKS,
        git_secret_access: Optional[GitSecretAccess] = None,
        git_secrets: Sequence[secretsmanager.ISecret] = (),
        workspace_collaboration: Optional[bool] = None,
        vpc: Optional[ec2.IVpc] = None,
        subnets: Sequence[ec2.ISubnet] = (),
        security_groups: Sequence[ec2.ISecurityGroup] = (),
        tag_imported_resources: bool = False,
        role_name: Optional[str] = None,
        path: Optional[str] = None,
        permissions_boundary: Optional[iam.IManagedPolicy] = None,
        description: Optional[str] = None,
    ) -> None:
        super().__init__(scope, id)
        git_secrets = tuple(git_secrets)
        subnets = tuple(subnets)
        security_groups = tuple(security_groups)

        problems = self._check_props(
            bucket=bucket,
            prefix=prefix,
            encryption_key=encryption_key,
            workspace_encryption_key=workspace_encryption_key,
            compute=compute,
            git_secret_access=git_secret_access,
            git_secrets=git_secrets,
            workspace_collaboration=workspace_collaboration,
            vpc=vpc,
            subnets=subnets,
            security_groups=security_groups,
            role_name=role_name,
            path=path,
            description=description,
        )
        if problems:
            raise EmrStudioRoleValidationError(self.node.path, problems)

        serverless = compute is StudioCompute.EMR_SERVERLESS
        #: What the Studio runs on.
        self.compute = compute
        #: How Git secrets are read (``None`` for EMR_SERVERLESS, which has no Git statement).
        self.git_secret_access: Optional[GitSecretAccess] = (
            None if serverless else (git_secret_access or GitSecretAccess.TAGGED_SECRETS)
        )
        #: Whether ``AllowWorkspaceCollaboration`` is in the role.
        self.workspace_collaboration: bool = (
            (not serverless) if workspace_collaboration is None else workspace_collaboration
        )
        self._git_secrets = git_secrets
        self._locations: List[StorageLocation] = []
        self._seen: Dict[Tuple[str, str], int] = {}
        self._resources: Dict[str, set] = {sid: set() for sid in _STORAGE_STATEMENTS}
        self._slots: List[_PolicySlot] = []

        stack = scope if isinstance(scope, Stack) else Stack.of(self)
        self._stack = stack
        cache = _stack_cache(stack)
        if "trust" not in cache:
            cache["trust"] = trust_conditions(stack)
        #: The ``iam.Role``.
        self.role = iam.Role(
            self,
            "Resource",
            assumed_by=studio_trust_principal(cache["trust"]),
            role_name=role_name,
            path=path,
            permissions_boundary=permissions_boundary,
            description=description,
        )

        page = self.page_statements()
        document = {"Version": "2012-10-17", "Statement": [self._render(s) for s in page]}
        kinds = {arn: ArnKind.SECRET for arn in self._secret_resources()}
        used = DOCUMENT_OVERHEAD + sum(statement_bound(s, kinds) for s in document["Statement"])
        acks: List[Tuple[iam.ManagedPolicy, List[Tuple[str, str]]]] = []
        if page:
            slot = self._new_slot(iam.PolicyDocument.from_json(document), used)
            acks.append((slot.policy, self._page_wildcards(page)))
        _, policy, finding = self._add_location(bucket, prefix, encryption_key)
        if acks and acks[0][0] is policy:
            acks[0][1].append(finding)
        elif policy is not None:
            acks.append((policy, [finding]))
        # One acknowledge call per policy: each call is a round trip to the jsii runtime.
        for on, findings in acks:
            acknowledge(on, findings)
        if workspace_encryption_key is not None:
            self._add_resource(st.KMS_ACTIONS_SID, workspace_encryption_key.key_arn)

        tag_studio_resources(
            self,
            vpc=vpc,
            subnets=subnets,
            security_groups=security_groups,
            secrets=git_secrets,
            tag_imported=tag_imported_resources,
        )
        self.node.add_validation(_GuardedStatementsValidation(self))

    # ------------------------------------------------------------------ props

    @staticmethod
    def _check_props(**p: Any) -> List[str]:
        problems: List[str] = []
        if p["bucket"] is None or isinstance(p["bucket"], str):
            problems.append(
                f"bucket: got {p['bucket']!r}; allowed: an s3.IBucket "
                "(for an existing bucket use s3.Bucket.from_bucket_name)"
            )
        if not isinstance(p["compute"], StudioCompute):
            problems.append(
                f"compute: got {p['compute']!r}; allowed: StudioCompute.EC2_OR_EKS or "
                "StudioCompute.EMR_SERVERLESS"
            )
        access = p["git_secret_access"]
        if access is not None and not isinstance(access, GitSecretAccess):
            problems.append(
                f"git_secret_access: got {access!r}; allowed: GitSecretAccess.TAGGED_SECRETS, "
                "LISTED_SECRETS or USER_ROLE"
            )
        problems += v.check_prefix("prefix", p["prefix"])
        problems += v.check_key("encryption_key", p["encryption_key"])
        problems += v.check_key("workspace_encryption_key", p["workspace_encryption_key"])
        problems += v.check_role_name(p["role_name"])
        problems += v.check_path(p["path"])
        problems += v.check_description(p["description"])
        if p["compute"] is StudioCompute.EMR_SERVERLESS:
            why = (
                "the minimum EMR Serverless role (AWS's page) has only the storage "
                "permissions, so it has no use for it"
            )
            if p["workspace_collaboration"]:
                problems.append(
                    f"workspace_collaboration: got True with compute=EMR_SERVERLESS; allowed: "
                    f"None or False, because {why}"
                )
            for name in ("vpc", "subnets", "security_groups", "git_secrets"):
                if p[name]:
                    problems.append(
                        f"{name}: got {p[name]!r} with compute=EMR_SERVERLESS; allowed: nothing, "
                        f"because {why}"
                    )
            if access is not None:
                problems.append(
                    f"git_secret_access: got {access!r} with compute=EMR_SERVERLESS; allowed: "
                    f"None, because {why}"
                )
        elif access is GitSecretAccess.LISTED_SECRETS and not p["git_secrets"]:
            problems.append(
                "git_secrets: got no secrets with git_secret_access=LISTED_SECRETS; allowed: "
                "at least one secretsmanager.ISecret (with none, nothing would be readable; "
                "use USER_ROLE to take secret access off the service role)"
            )
        return problems

    # ------------------------------------------------------------- statements

    def page_statements(self) -> Tuple[st.StatementSpec, ...]:
        """The page's step-2 statements this role holds, in the page's order."""
        if self.compute is StudioCompute.EMR_SERVERLESS:
            return ()
        chosen = []
        for spec in st.PAGE_STATEMENTS:
            if spec is st.ALLOW_SECRETS_MANAGER_READ_WITH_EMR_TAGS and (
                self.git_secret_access is GitSecretAccess.USER_ROLE
            ):
                continue
            if spec is st.ALLOW_WORKSPACE_COLLABORATION and not self.workspace_collaboration:
                continue
            chosen.append(spec)
        return tuple(chosen)

    def _arn(self, pattern: st.ArnPattern) -> str:
        arns: Dict[st.ArnPattern, str] = _stack_cache(self._stack).setdefault("arns", {})
        arn = arns.get(pattern)
        if arn is None:
            arn = self._stack.format_arn(
                service=pattern.service,
                resource=pattern.resource,
                resource_name=pattern.resource_name,
                arn_format=(
                    _ARN_FORMATS[pattern.separator] if pattern.resource_name is not None else None
                ),
            )
            arns[pattern] = arn
        return arn

    def _secret_resources(self) -> List[str]:
        if self.git_secret_access is GitSecretAccess.LISTED_SECRETS:
            # A secret imported by name has a partial ARN: Secrets Manager appends
            # "-" and six random characters, which "-??????" matches exactly.
            return [s.secret_full_arn or f"{s.secret_arn}-??????" for s in self._git_secrets]
        return [self._arn(st.SECRET)]

    def resolve_resources(self, spec: st.StatementSpec) -> List[str]:
        """The resource strings of one of the page's statements, for this role's stack and mode."""
        if spec is st.ALLOW_SECRETS_MANAGER_READ_WITH_EMR_TAGS:
            return self._secret_resources()
        return [r if isinstance(r, str) else self._arn(r) for r in spec.resources]

    def _page_wildcards(self, page: Sequence[st.StatementSpec]) -> List[Tuple[str, str]]:
        """cdk-nag findings for the page's wildcard resources, each with the page's reason."""
        arns: List[str] = []
        reasons: Dict[str, str] = {}
        for spec in page:
            if spec is st.ALLOW_SECRETS_MANAGER_READ_WITH_EMR_TAGS and (
                self.git_secret_access is GitSecretAccess.LISTED_SECRETS
            ):
                # Full ARNs, or "-??????" for a secret imported by name: cdk-nag's IAM5
                # flags only "*", so there is nothing to acknowledge.
                continue
            for r in spec.resources:
                arn = r if isinstance(r, str) else self._arn(r)
                arns.append(arn)
                reasons.setdefault(arn, st.WILDCARD_REASONS[r])
        ids = self._iam5_ids(arns)
        findings: Dict[str, str] = {}
        for arn in arns:
            findings.setdefault(ids[arn], reasons[arn])
        return list(findings.items())

    def _iam5_ids(self, arns: Sequence[str]) -> Dict[str, str]:
        """``nag.iam5_resource`` of each ARN: one ``resolve`` round trip, cached per stack."""
        known: Dict[str, str] = _stack_cache(self._stack).setdefault("iam5", {})
        todo = [arn for arn in dict.fromkeys(arns) if arn not in known]
        if todo:
            known.update(zip(todo, iam5_resources(self._stack, todo)))
        return {arn: known[arn] for arn in arns}

    def _render(self, spec: st.StatementSpec) -> Dict[str, Any]:
        resources = self.resolve_resources(spec)
        out: Dict[str, Any] = {
            "Sid": spec.sid,
            "Effect": "Allow",
            "Action": list(spec.actions) if len(spec.actions) > 1 else spec.actions[0],
            "Resource": resources if len(resources) > 1 else resources[0],
        }
        if spec.condition:
            out["Condition"] = {k: dict(v_) for k, v_ in spec.condition.items()}
        return out

    # ---------------------------------------------------------------- storage

    @property
    def storage_locations(self) -> Tuple[StorageLocation, ...]:
        """Every S3 location the role grants, in the order added (duplicates merged)."""
        return tuple(self._locations)

    def add_storage_location(
        self,
        bucket: s3.IBucket,
        *,
        prefix: Optional[str] = None,
        encryption_key: Optional[kms.IKey] = None,
    ) -> StorageLocation:
        """Grant the role the page's S3 permissions (and KMS, with a key) on one more location.

        ``s3:PutObject``, ``s3:GetObject`` and ``s3:DeleteObject`` on
        ``<bucket>/<prefix>*``; ``s3:ListBucket`` and ``s3:GetEncryptionConfiguration``
        on the bucket; the five KMS actions on the key.  ``encryption_key``
        defaults to ``bucket.encryption_key``.  Adding the same bucket and prefix
        twice merges them.
        """
        location, policy, finding = self._add_location(bucket, prefix, encryption_key)
        if policy is not None:
            acknowledge(policy, [finding])
        return location

    def _add_location(
        self, bucket: s3.IBucket, prefix: Optional[str], encryption_key: Optional[kms.IKey]
    ) -> Tuple[StorageLocation, Optional[iam.ManagedPolicy], Tuple[str, str]]:
        """Add one location; return it, and the cdk-nag finding of its object ARN with the
        policy it is on (``None`` when the location was already there), to acknowledge."""
        problems: List[str] = []
        if bucket is None or isinstance(bucket, str):
            problems.append(f"bucket: got {bucket!r}; allowed: an s3.IBucket")
        problems += v.check_prefix("prefix", prefix)
        problems += v.check_key("encryption_key", encryption_key)
        if problems:
            raise EmrStudioRoleValidationError(self.node.path, problems)

        key = encryption_key if encryption_key is not None else bucket.encryption_key
        norm = v.normalize_prefix(prefix)
        bucket_arn = bucket.bucket_arn
        seen_at = self._seen.get((bucket_arn, norm))
        if seen_at is not None:
            old = self._locations[seen_at]
            if key is not None and old.encryption_key is None:
                self._locations[seen_at] = StorageLocation(bucket, norm, key)
                self._add_resource(st.KMS_ACTIONS_SID, key.key_arn)
            return self._locations[seen_at], None, ("", "")

        location = StorageLocation(bucket, norm, key)
        self._seen[(bucket_arn, norm)] = len(self._locations)
        self._locations.append(location)
        object_arn = f"{bucket_arn}/{norm}*"
        self._add_resource(st.OBJECT_ACTIONS_SID, object_arn)
        policy = self._slots[-1].policy  # the policy that now holds object_arn
        finding = (iam5_resource(self._stack, object_arn), st.OBJECT_WILDCARD_REASON)
        self._add_resource(st.BUCKET_ACTIONS_SID, bucket_arn)
        if key is not None:
            self._add_resource(st.KMS_ACTIONS_SID, key.key_arn)
        return location, policy, finding

    def _add_resource(self, sid: str, arn: str) -> None:
        """Add one resource to storage statement ``sid``, in the last policy that has room."""
        if arn in self._resources[sid]:
            return
        self._resources[sid].add(arn)
        actions, kind = _STORAGE_STATEMENTS[sid]
        slot = self._slots[-1] if self._slots else None
        if slot is not None and sid in slot.storage:
            cost = resource_bound(arn, kind)
            if cost <= slot.room():
                slot.storage[sid].add_resources(arn)
                slot.used += cost
                return
        body = {"Sid": sid, "Effect": "Allow", "Action": list(actions), "Resource": arn}
        cost = statement_bound(body, {arn: kind})
        if slot is None or sid in slot.storage or cost > slot.room():
            slot = self._new_slot(iam.PolicyDocument(), DOCUMENT_OVERHEAD)
        statement = iam.PolicyStatement.from_json(body)
        slot.policy.add_statements(statement)
        slot.storage[sid] = statement
        slot.used += cost

    def _new_slot(self, document: iam.PolicyDocument, used: int) -> _PolicySlot:
        count = len(self._slots) + 1
        if count > MANAGED_POLICIES_PER_ROLE:
            raise EmrStudioRoleValidationError(
                self.node.path,
                [
                    f"storage locations: {len(self._locations)} locations need more than "
                    f"{MANAGED_POLICIES_PER_ROLE} managed policies of at most "
                    f"{MANAGED_POLICY_MAX_CHARS} characters; allowed: what fits in IAM's default "
                    f"quota of {MANAGED_POLICIES_PER_ROLE} managed policies per role (use fewer "
                    "buckets, keys or prefixes, e.g. a common parent prefix)"
                ],
            )
        policy = iam.ManagedPolicy(
            self,
            "Policy" if count == 1 else f"Policy{count}",
            document=document,
            roles=[self.role],
            description=(
                f"EMR Studio service role permissions, part {count} "
                "(AWS page: Create an EMR Studio service role)"
            ),
        )
        slot = _PolicySlot(policy, used, document)
        self._slots.append(slot)
        return slot

    @property
    def policies(self) -> List[iam.ManagedPolicy]:
        """The customer-managed policies attached to the role, in order."""
        return [slot.policy for slot in self._slots]

    @property
    def policy_size_bounds(self) -> List[int]:
        """Upper bound of each policy's deployed size in characters (``limits.py``), in order."""
        return [slot.used for slot in self._slots]

    # ------------------------------------------------------------------ grants

    def grant_git_secret_read(self, grantee: iam.IGrantable) -> iam.Grant:
        """Give ``grantee`` (the Studio user role) the page's tag-conditioned GetSecretValue.

        This is the page's step 4: with ``GitSecretAccess.USER_ROLE`` the service
        role has no secret access and the user role gets it instead.  The
        resources are the listed secrets with ``LISTED_SECRETS``, else every
        secret of this account and region; the EMR tag condition is kept.
        """
        spec = st.GIT_SECRET_READ
        return iam.Grant.add_to_principal(
            grantee=grantee,
            actions=list(spec.actions),
            resource_arns=self._secret_resources(),
            conditions={k: dict(v_) for k, v_ in spec.condition.items()},
        )

    def grant_pass_role(self, grantee: iam.IPrincipal) -> iam.Grant:
        """Let ``grantee`` pass this role to EMR (``iam:PassRole``), as creating a Studio needs."""
        return self.role.grant_pass_role(grantee)


@jsii.implements(IValidation)
class _GuardedStatementsValidation:
    """Fails synth when a guarded statement is missing from, or altered in, the role's policies.

    The page: "you must not change the following statements:
    AllowAddingEMRTagsDuringDefaultSecurityGroupCreation and
    AllowAddingTagsDuringEC2ENICreation".
    """

    def __init__(self, owner: EmrStudioServiceRole) -> None:
        self._owner = owner

    def validate(self) -> List[str]:
        owner = self._owner
        if owner.compute is StudioCompute.EMR_SERVERLESS:
            return []
        stack = owner._stack
        found: Dict[str, List[Any]] = {sid: [] for sid in st.GUARDED_SIDS}
        # Compared unresolved: the page's statements are ours, built from the same token
        # strings, and no API removes or edits a statement of a policy, so a string
        # comparison decides as a resolved one would, without a round trip per document.
        # Only a failure is resolved, for the message.
        for slot in owner._slots:
            for statement in (slot.document.to_json() or {}).get("Statement", []):
                if statement.get("Sid") in found:
                    found[statement["Sid"]].append(statement)
        errors = []
        for spec in st.GUARDED_STATEMENTS:
            got = found[spec.sid]
            expected = owner._render(spec)
            if not got:
                errors.append(
                    f"The page's guarded statement '{spec.sid}' is missing from the EMR Studio "
                    "service role's policies; AWS's page says it must not be changed."
                )
            elif len(got) > 1 or _normal(got[0]) != _normal(expected):
                got, expected = stack.resolve([got, expected])
                errors.append(
                    f"The page's guarded statement '{spec.sid}' was altered in the EMR Studio "
                    f"service role's policies (found {got}, expected {expected}); AWS's page "
                    "says it must not be changed."
                )
        return errors


def _normal(statement: Dict[str, Any]) -> Dict[str, Any]:
    """A statement with single values and lists compared alike."""
    out = {}
    for key, value in statement.items():
        if key in ("Action", "Resource") and isinstance(value, str):
            value = [value]
        if isinstance(value, list):
            value = sorted(value, key=repr)
        out[key] = value
    return out
