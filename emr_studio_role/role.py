"""The L3 construct: the IAM service role for Amazon EMR Studio.

It composes the page's parts: the trust policy (``trust.py``), the page's
statements (``statements.py``), the checks of every prop (``typecheck.py`` and
``validation.py``), IAM's size limits and the packing of statements into managed
policies (``limits.py``), the EMR tag on the Studio's network and secrets
(``tagging.py``), and the check of the guarded statements at synth (``guard.py``).
"""

from __future__ import annotations

import builtins
import weakref
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import jsii
from aws_cdk import Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct, IValidation

from . import statements as st
from . import typecheck
from . import validation as v
from .arns import pattern_arn, via_service
from .errors import EmrStudioRoleValidationError
from .grantees import other_account_problems, unsuccessful_problems
from .guard import expected_statements, guard
from .limits import (
    MANAGED_POLICIES_PER_ROLE,
    MANAGED_POLICY_MAX_CHARS,
    ROLE_INLINE_POLICIES_MAX_CHARS,
    ArnKind,
    PolicyOverflowError,
    PolicyPacker,
    StatementShape,
    statement_bound,
)
from .nag import acknowledge, iam5_ids
from .options import GitSecretAccess, SecretAccessLevel, StorageLocation, StudioCompute
from .reads import read
from .storage import Item, StorageLedger
from .tagging import tag_studio_resources
from .trust import studio_trust_principal

__all__ = [
    "EmrStudioServiceRole",
    "GitSecretAccess",
    "SecretAccessLevel",
    "StorageLocation",
    "StudioCompute",
]


def grant_size_problems(spec: st.StatementSpec, secrets: List[str], keys: List[str]) -> List[str]:
    """A grant lands in the grantee's own policy (CDK's ``DefaultPolicy``, inline in a role):
    refuse one whose statements alone exceed IAM's limit for a role's inline policies."""
    shape = StatementShape(spec.sid, spec.actions, ArnKind.SECRET, spec.condition)
    size = statement_bound(shape.body(secrets), {arn: ArnKind.SECRET for arn in secrets})
    if keys:
        size += statement_bound(
            StatementShape("", st.GIT_SECRET_KEY_ACTIONS, ArnKind.KMS_KEY).body(keys),
            {arn: ArnKind.KMS_KEY for arn in keys},
        ) + 200  # the kms:ViaService condition
    if size <= ROLE_INLINE_POLICIES_MAX_CHARS:
        return []
    return [
        f"grant_git_secret_read: the statement for {len(secrets)} listed secrets could take "
        f"{size} characters; allowed: at most {ROLE_INLINE_POLICIES_MAX_CHARS} (IAM's limit for "
        "a role's inline policies, where the grant goes): list fewer secrets, or use "
        "TAGGED_SECRETS"
    ]


#: Every prop's type, checked at runtime (``typecheck.py``).
PROP_TYPES: Mapping[str, Any] = {
    "bucket": s3.IBucket,
    "prefix": Optional[str],
    "encryption_key": Optional[kms.IKey],
    "workspace_encryption_key": Optional[kms.IKey],
    "compute": StudioCompute,
    "git_secret_access": Optional[GitSecretAccess],
    "git_secrets": Optional[Sequence[secretsmanager.ISecret]],
    "workspace_collaboration": Optional[bool],
    "vpc": Optional[ec2.IVpc],
    "subnets": Optional[Sequence[ec2.ISubnet]],
    "vpc_subnets": Optional[ec2.SubnetSelection],
    "security_groups": Optional[Sequence[ec2.ISecurityGroup]],
    "tag_imported_resources": bool,
    "network_owner_account": Optional[str],
    "role_name": Optional[str],
    "path": Optional[str],
    "permissions_boundary": Optional[iam.IManagedPolicy],
    "description": Optional[str],
}


@jsii.implements(iam.IGrantable)
class EmrStudioServiceRole(Construct):
    """The IAM service role for an EMR Studio, as AWS's page "Create an EMR Studio service role" has it.

    Every prop is keyword-only and checked at synth (type and value): bad input raises
    :class:`~emr_studio_role.EmrStudioRoleValidationError` naming the prop.  The role
    trusts ``elasticmapreduce.amazonaws.com`` only for this stack's account
    (``aws:SourceAccount``) and for EMR resources of this account and region
    (``aws:SourceArn``).  Its permissions are customer-managed policies attached through
    their ``Roles`` property, as many as IAM's 6,144-character limit needs (at most 10).
    The construct is an ``iam.IGrantable``: grants to it go to its role.

    :param bucket: the Studio's default S3 location (``CfnStudio.DefaultS3Location``). Required.
    :param prefix: the key prefix the Studio writes under. A prefix without a trailing
        ``/`` is treated as a folder (``studio`` -> ``studio/``); a prefix holding a token
        must end with a literal ``/``. Default: ``None``, the whole bucket.
    :param encryption_key: the bucket's KMS key. Default: ``bucket.encryption_key`` when the
        bucket has one, else no KMS permissions for this location.
    :param workspace_encryption_key: the key the Studio encrypts Workspaces with
        (``CfnStudio.EncryptionKeyArn``); it must be in the stack's account and region.
        Default: ``None``, no such permissions.
    :param compute: ``StudioCompute.EC2_OR_EKS`` (default) or ``StudioCompute.EMR_SERVERLESS``.
    :param git_secret_access: ``GitSecretAccess.TAGGED_SECRETS`` (default for EC2_OR_EKS),
        ``LISTED_SECRETS`` or ``USER_ROLE``. Not allowed with EMR_SERVERLESS.
    :param git_secrets: Secrets Manager secrets that hold Git credentials. They get the EMR
        tag; with ``LISTED_SECRETS`` they are the only readable ones; a secret encrypted with
        a customer-managed key also gets ``kms:Decrypt`` on that key through Secrets Manager.
        Default: none.
    :param workspace_collaboration: include ``AllowWorkspaceCollaboration``. Default: ``True``
        for EC2_OR_EKS, ``False`` for EMR_SERVERLESS (where ``True`` is refused).
    :param vpc: the Studio's VPC; it gets the EMR tag (the VPC resource only). Default: none.
    :param subnets: the Studio's subnets; each gets the EMR tag. Default: none.
    :param vpc_subnets: the Studio's subnets, selected from ``vpc`` (instead of ``subnets``).
        Default: none.
    :param security_groups: custom Studio security groups; each gets the EMR tag. Default: none.
    :param tag_imported_resources: tag imported VPCs, subnets, security groups and secrets at
        deploy time through a custom resource. Default: ``False`` (a warning names each one).
    :param network_owner_account: the account that owns the Studio's VPC when it is shared
        through AWS RAM: the subnet, VPC and security-group statements also cover that
        account's ARNs in the stack's region. Default: ``None``, the stack's account only.
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
        git_secrets: Optional[Sequence[secretsmanager.ISecret]] = (),
        workspace_collaboration: Optional[bool] = None,
        vpc: Optional[ec2.IVpc] = None,
        subnets: Optional[Sequence[ec2.ISubnet]] = (),
        vpc_subnets: Optional[ec2.SubnetSelection] = None,
        security_groups: Optional[Sequence[ec2.ISecurityGroup]] = (),
        tag_imported_resources: bool = False,
        network_owner_account: Optional[str] = None,
        role_name: Optional[str] = None,
        path: Optional[str] = None,
        permissions_boundary: Optional[iam.IManagedPolicy] = None,
        description: Optional[str] = None,
    ) -> None:
        super().__init__(scope, id)
        props = dict(
            bucket=bucket, prefix=prefix, encryption_key=encryption_key,
            workspace_encryption_key=workspace_encryption_key, compute=compute,
            git_secret_access=git_secret_access, git_secrets=git_secrets,
            workspace_collaboration=workspace_collaboration, vpc=vpc, subnets=subnets,
            vpc_subnets=vpc_subnets, security_groups=security_groups,
            tag_imported_resources=tag_imported_resources,
            network_owner_account=network_owner_account, role_name=role_name, path=path,
            permissions_boundary=permissions_boundary, description=description,
        )
        # Values the same for every role of a stack (its ARNs, the trust principal, cdk-nag
        # finding ids, the guarded statements) are kept per stack by the modules that make them.
        stack = scope if isinstance(scope, Stack) else Stack.of(self)
        self._stack = stack
        # Every prop's type and every value at once: a type error never hides a value error.
        problems = v.check_role_input(props, stack, PROP_TYPES)
        if problems:
            raise EmrStudioRoleValidationError(self.node.path, problems)
        git_secrets = tuple(git_secrets or ())
        security_groups = tuple(security_groups or ())
        subnets = tuple(subnets or ())
        if vpc_subnets is not None:
            # A jsii struct: its fields as keyword arguments.
            selection = dict(vpc_subnets._values)  # type: ignore[attr-defined]
            subnets = tuple(vpc.select_subnets(**selection).subnets)  # type: ignore[union-attr]

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
        #: The account that owns a VPC shared through AWS RAM, or ``None``.
        self.network_owner_account = network_owner_account
        #: The Studio's subnets (``subnets``, or those ``vpc_subnets`` selects).
        self.subnets: Tuple[ec2.ISubnet, ...] = subnets
        #: The Studio's VPC and security groups as given (the role tags them), and the Workspace key.
        self.vpc: Optional[ec2.IVpc] = vpc
        self.security_groups: Tuple[ec2.ISecurityGroup, ...] = security_groups
        self.workspace_encryption_key: Optional[kms.IKey] = workspace_encryption_key
        self._git_secrets = git_secrets
        self._storage = StorageLedger(PROP_TYPES)

        #: The ``iam.Role``.
        self.role = iam.Role(
            self,
            "Resource",
            assumed_by=studio_trust_principal(stack),
            role_name=role_name,
            path=path,
            permissions_boundary=permissions_boundary,
            description=description,
        )
        self._packer = PolicyPacker(self._new_policy, quota=MANAGED_POLICIES_PER_ROLE, as_document=True)

        page = self.page_statements()
        items = [(self._shape(spec), self.resolve_resources(spec), False) for spec in page]
        decrypt = self._secret_key_statement()
        if decrypt is not None:
            items.append(decrypt)
        storage, location, key_arn = self._plan_location(bucket, prefix, encryption_key, checked=True)
        workspace_arn = read(workspace_encryption_key, "key_arn") if workspace_encryption_key else None
        workspace_key = [] if workspace_arn == key_arn else self._storage.key_item(workspace_arn)
        touched = self._pack(items + storage + workspace_key, "the page's statements and storage")
        self._storage.record(location, key_arn, [workspace_arn] if workspace_arn else [])
        findings: Dict[int, List[Tuple[str, str]]] = {}
        page_findings = self._page_wildcards(page)
        for policies in touched[: len(page)]:
            for policy in policies:
                findings.setdefault(builtins.id(policy), []).extend(page_findings)
        if storage:
            self._object_finding(touched[len(items)], storage[0][1][0], findings)
        # One acknowledge call per policy: each call is a round trip to the jsii runtime.
        for policy in self._packer.policies:
            acknowledge(policy, dict.fromkeys(findings.get(builtins.id(policy), [])))

        tag_studio_resources(
            self,
            vpc=vpc,
            subnets=subnets,
            security_groups=security_groups,
            secrets=git_secrets,
            tag_imported=tag_imported_resources,
            network_owner_account=network_owner_account,
        )
        if page:
            guard(self, stack, lambda: self._packer.policies, self._guarded_expected())
        self._synthesized = False
        _MarkSynthesized.of(stack).owners.append(self)

    # ------------------------------------------------------------- IGrantable

    @property
    def grant_principal(self) -> iam.IPrincipal:
        """The role: ``bucket.grant_read(studio_role)`` and the like grant to it."""
        return self.role

    @property
    def role_arn(self) -> str:
        """The role's ARN (``CfnStudio.ServiceRole``)."""
        return self.role.role_arn

    @property
    def role_name(self) -> str:
        """The role's name."""
        return self.role.role_name

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

    def _arn(self, pattern: st.ArnPattern, account: Optional[str] = None) -> str:
        return pattern_arn(self._stack, pattern, account)

    def _secret_resources(self) -> List[str]:
        if self.git_secret_access is GitSecretAccess.LISTED_SECRETS:
            return list(dict.fromkeys(v.secret_policy_arn(s) for s in self._git_secrets))
        return [self._arn(st.SECRET)]

    def resolve_resources(self, spec: st.StatementSpec) -> List[str]:
        """The resource strings of one of the page's statements, for this role's stack and mode."""
        if spec is st.ALLOW_SECRETS_MANAGER_READ_WITH_EMR_TAGS:
            return self._secret_resources()
        out: List[str] = []
        for r in spec.resources:
            if isinstance(r, str):
                out.append(r)
                continue
            out.append(self._arn(r))
            if r.shared_network and self.network_owner_account is not None:
                out.append(self._arn(r, self.network_owner_account))
        return out

    @staticmethod
    def _shape(spec: st.StatementSpec) -> StatementShape:
        kind = ArnKind.SECRET if spec is st.ALLOW_SECRETS_MANAGER_READ_WITH_EMR_TAGS else ArnKind.ANY
        return StatementShape(spec.sid, spec.actions, kind, spec.condition)

    def _via_secrets_manager(self) -> Dict[str, Dict[str, str]]:
        stack = self._stack
        return {"StringEquals": {"kms:ViaService": via_service(stack, "secretsmanager")}}

    def _secret_key_arns(self, secrets: Sequence[secretsmanager.ISecret]) -> List[str]:
        keys = [read(s, "encryption_key") for s in secrets]
        return list(dict.fromkeys(read(k, "key_arn") for k in keys if k is not None))

    def _secret_key_statement(self) -> Optional[Tuple[StatementShape, List[str], bool]]:
        """``kms:Decrypt`` on the Git secrets' customer-managed keys, through Secrets Manager."""
        if self.git_secret_access in (None, GitSecretAccess.USER_ROLE):
            return None
        keys = self._secret_key_arns(self._git_secrets)
        if not keys:
            return None
        shape = StatementShape(
            st.GIT_SECRET_KEY_DECRYPT_SID, st.GIT_SECRET_KEY_ACTIONS, ArnKind.KMS_KEY,
            self._via_secrets_manager(),
        )
        return (shape, keys, False)

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
                accounts: List[Optional[str]] = [None]
                if not isinstance(r, str) and r.shared_network and self.network_owner_account:
                    accounts.append(self.network_owner_account)
                for account in accounts:
                    arn = r if isinstance(r, str) else self._arn(r, account)
                    arns.append(arn)
                    reasons.setdefault(arn, st.WILDCARD_REASONS[r])
        ids = iam5_ids(self._stack, arns)
        findings: Dict[str, str] = {}
        for arn in arns:
            findings.setdefault(ids[arn], reasons[arn])
        return list(findings.items())

    def _guarded_expected(self) -> Dict[str, Any]:
        """The guarded statements as CloudFormation renders them (for ``guard.py``)."""
        return expected_statements(self._stack, self.network_owner_account, lambda: {
            spec.sid: self._shape(spec).body(self.resolve_resources(spec))
            for spec in st.GUARDED_STATEMENTS
        })

    # ---------------------------------------------------------------- policies

    def _new_policy(
        self, count: int, document: List[Dict[str, Any]], statements: List[iam.PolicyStatement]
    ) -> iam.ManagedPolicy:
        return iam.ManagedPolicy(
            self,
            "Policy" if count == 1 else f"Policy{count}",
            document=iam.PolicyDocument.from_json({"Statement": document}) if document else None,
            statements=statements or None,
            roles=[self.role],
            description=(
                f"EMR Studio service role permissions, part {count} "
                "(AWS page: Create an EMR Studio service role)"
            ),
        )

    def _pack(
        self, items: Sequence[Tuple[StatementShape, Sequence[str], bool]], what: str
    ) -> List[List[Any]]:
        before = list(self._packer.policies)
        try:
            return self._packer.add(items, self._storage.bounds)
        except PolicyOverflowError as overflow:
            raise EmrStudioRoleValidationError(
                self.node.path,
                [
                    f"{what}: would need {overflow.needed} managed policies of at most "
                    f"{MANAGED_POLICY_MAX_CHARS} characters (counted at their longest possible "
                    f"values), more than {MANAGED_POLICIES_PER_ROLE} managed policies; allowed: "
                    "what fits in IAM's default quota of "
                    f"{MANAGED_POLICIES_PER_ROLE} managed policies per role (use fewer buckets, "
                    "keys, prefixes or listed secrets, e.g. a common parent prefix); the role is "
                    f"unchanged ({len(before)} policies)"
                ],
            ) from None

    @property
    def policies(self) -> List[iam.ManagedPolicy]:
        """The customer-managed policies attached to the role, in order."""
        return list(self._packer.policies)

    @property
    def policy_size_bounds(self) -> List[int]:
        """Upper bound of each policy's deployed size in characters (``limits.py``), in order."""
        return list(self._packer.bounds)

    # ---------------------------------------------------------------- storage

    @property
    def storage_locations(self) -> Tuple[StorageLocation, ...]:
        """Every S3 location the role grants, in the order added (identical ones merged)."""
        return tuple(self._storage.locations)

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
        defaults to ``bucket.encryption_key``.  Adding the same bucket, prefix and key
        again changes nothing; the same bucket and prefix with another key adds that key.
        A refused call (bad input, or more than 10 policies) leaves the role as it was.
        """
        self._check_open("add_storage_location")
        storage, location, key_arn = self._plan_location(bucket, prefix, encryption_key)
        if not storage:
            return location
        touched = self._pack(storage, f"add_storage_location({location.prefix!r})")
        self._storage.record(location, key_arn)
        findings: Dict[int, List[Tuple[str, str]]] = {}
        self._object_finding(touched[0], storage[0][1][0], findings)
        for policy in self._packer.policies:
            if id(policy) in findings:
                acknowledge(policy, findings[id(policy)])
        return location

    def _check_open(self, method: str) -> None:
        refuse_after_synth(self, method)

    def _plan_location(
        self, bucket: Any, prefix: Any, encryption_key: Any, checked: bool = False
    ) -> Tuple[List[Item], StorageLocation, str]:
        problems, items, location, key_arn = self._storage.plan(
            bucket, prefix, encryption_key, checked=checked
        )
        if problems:
            raise EmrStudioRoleValidationError(self.node.path, problems)
        return items, location, key_arn

    def _object_finding(
        self, policies: List[Any], object_arn: str, findings: Dict[int, List[Tuple[str, str]]]
    ) -> None:
        """The cdk-nag IAM5 finding of a location's object ARN, on the policy that holds it."""
        if not object_arn.endswith("*") or not policies:
            return
        (finding,) = iam5_ids(self._stack, [object_arn]).values()
        findings.setdefault(id(policies[0]), []).append((finding, st.OBJECT_WILDCARD_REASON))

    # ------------------------------------------------------------------ grants

    def grant_git_secret_read(
        self,
        grantee: iam.IGrantable,
        *,
        level: SecretAccessLevel = SecretAccessLevel.USER,
    ) -> iam.Grant:
        """Give ``grantee`` (the Studio user role) ``secretsmanager:GetSecretValue`` on Git secrets.

        This is the page's step 4 (with ``GitSecretAccess.USER_ROLE`` the service role has
        no secret access and the user role gets it instead), as AWS's user-permissions page
        writes it:

        * ``level=SecretAccessLevel.USER`` (default): only secrets whose
          ``for-use-with-amazon-emr-managed-user-policies`` tag is the caller's own
          ``${aws:userid}``, so each user reads only the Git secrets they linked;
        * ``level=SecretAccessLevel.SERVICE``: secrets with the EMR tag
          ``for-use-with-amazon-emr-managed-policies=true``, for secrets created before
          2023-09-01 that have no user-level tag (every holder of the role reads all of them).

        The resources are the listed secrets with ``LISTED_SECRETS``, else every secret of
        this account and region.  Listed secrets encrypted with a customer-managed key also
        get ``kms:Decrypt`` on the key, through Secrets Manager only.
        """
        self._check_open("grant_git_secret_read")
        problems = typecheck.check("grantee", grantee, iam.IGrantable)
        problems += typecheck.check("level", level, SecretAccessLevel)
        if not problems:
            problems += other_account_problems("grant_git_secret_read", grantee, Stack.of(self))
        if problems:
            raise EmrStudioRoleValidationError(self.node.path, problems)
        spec = st.USER_GIT_SECRET_READ if level is SecretAccessLevel.USER else st.GIT_SECRET_READ
        keys = self._secret_key_arns(self._git_secrets)
        problems = grant_size_problems(spec, self._secret_resources(), keys)
        if problems:
            raise EmrStudioRoleValidationError(self.node.path, problems)
        grant = iam.Grant.add_to_principal(
            grantee=grantee,
            actions=list(spec.actions),
            resource_arns=self._secret_resources(),
            conditions={k: dict(v_) for k, v_ in spec.condition.items()},
        )
        problems = unsuccessful_problems("grant_git_secret_read", grantee, grant)
        if problems:  # nothing was added: CDK found no identity policy to add to
            raise EmrStudioRoleValidationError(self.node.path, problems)
        if keys:
            iam.Grant.add_to_principal(
                grantee=grantee,
                actions=list(st.GIT_SECRET_KEY_ACTIONS),
                resource_arns=keys,
                conditions=self._via_secrets_manager(),
            )
        return grant

    def grant_pass_role(self, grantee: iam.IPrincipal) -> iam.Grant:
        """Let ``grantee`` pass this role to EMR (``iam:PassRole``), as creating a Studio needs."""
        self._check_open("grant_pass_role")
        problems = typecheck.check("grantee", grantee, iam.IPrincipal)
        if problems:
            raise EmrStudioRoleValidationError(self.node.path, problems)
        return self.role.grant_pass_role(grantee)


def refuse_after_synth(owner: Construct, method: str, *, construct: str = "EmrStudioServiceRole") -> None:
    """Refuse ``method`` of ``owner`` once the app was synthesized (``owner`` registered a
    :class:`_MarkSynthesized`): what it would add would be in no template."""
    # The construct's Node is read once per construct (reads.read); ``locked`` every time.
    if getattr(owner, "_synthesized", False) or read(owner, "node").locked:
        raise EmrStudioRoleValidationError(
            owner.node.path,
            [
                f"{method}: called after the app was synthesized; allowed: calls before "
                "app.synth() (the construct tree is locked during and after synthesis)"
            ],
            construct=construct,
        )


@jsii.implements(IValidation)
class _MarkSynthesized:
    """Runs when the app is synthesized: from then on, a change to a role (or a Studio) would not
    be in the template (and CDK has frozen its statements), so the methods that change it refuse.
    One per stack, for all its roles and Studios (a validation is three round trips to the jsii
    runtime); :func:`refuse_after_synth` reads the mark."""

    _STACKS: weakref.WeakKeyDictionary[Stack, _MarkSynthesized] = weakref.WeakKeyDictionary()

    def __init__(self) -> None:
        #: The constructs whose methods refuse once the stack was synthesized.
        self.owners: List[Construct] = []

    @classmethod
    def of(cls, stack: Stack) -> _MarkSynthesized:
        marker = cls._STACKS.get(stack)
        if marker is None:
            marker = cls._STACKS[stack] = cls()
            stack.node.add_validation(marker)
        return marker

    def validate(self) -> List[str]:
        for owner in self.owners:
            owner._synthesized = True  # type: ignore[attr-defined]
        return []
