"""The Studio's users: the Identity Center user role, the example user policies, session
mappings (Identity Center) and ``CreateStudioPresignedUrl`` grants (IAM).

AWS's pages: *Configure EMR Studio user permissions* (the user role, its trust policy, the
example user policies and the user-level Git secret statement) and *Assign and manage EMR
Studio users* (session mappings, and presigned URLs in IAM mode).

:class:`StudioUsers` is not a construct: what it makes is created under the ``EmrStudio``
(``UserRole``, ``<Level>UserPolicy``, ``SessionMapping<n>``), so that logical IDs stay stable.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import jsii
from aws_cdk import Annotations, Stack, Token
from aws_cdk import aws_emr as emr
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct, IValidation

from . import statements as st
from . import typecheck
from . import user_policies as up
from .errors import EmrStudioRoleValidationError
from .grantees import other_account_problems, unsuccessful_problems
from .limits import MANAGED_POLICIES_PER_ROLE, ArnKind, Bound
from .nag import acknowledge, iam5_resources
from .options import SessionIdentityType
from .role import EmrStudioServiceRole, GitSecretAccess
from .studio_validation import _has
from .trust import emr_service_principal_name
from .validation import ROLE_ARN, check_arn, check_bucket, literal_parts

#: Warning: ``EmrStudio`` in IAM mode with ``git_secret_access=USER_ROLE`` (no user role).
WARN_NO_GIT_SECRET_READER = "emr-studio-role:studioNoGitSecretReader"
#: Warning: an Identity Center ``EmrStudio`` without a session mapping when it is synthesized.
WARN_NO_SESSION_MAPPING = "emr-studio-role:noSessionMapping"


@jsii.implements(iam.IAssumeRolePrincipal)
class _UserRolePrincipal(iam.ServicePrincipal):
    """The page's user-role trust: one statement, ``sts:AssumeRole`` and ``sts:SetContext``."""

    def __init__(self, service: str) -> None:
        super().__init__(service)
        self._service = service

    def add_to_assume_role_policy(self, document: iam.PolicyDocument) -> None:
        document.add_statements(
            iam.PolicyStatement(
                sid=up.USER_ROLE_TRUST_SID,
                actions=list(up.USER_ROLE_TRUST_ACTIONS),
                principals=[iam.ServicePrincipal(self._service)],
            )
        )



@jsii.implements(IValidation)
class _NoSessionMappingWarning:
    """At synth: an Identity Center Studio with no session mapping lets nobody do anything."""

    def __init__(self, users: StudioUsers) -> None:
        self._users = users

    def validate(self) -> List[str]:
        users = self._users
        if users.user_role is not None and not users._mappings and not users._warned:
            users._warned = True
            Annotations.of(users._scope).add_warning_v2(
                WARN_NO_SESSION_MAPPING,
                "This EmrStudio uses IAM Identity Center but has no session mapping, and its user "
                "role has no session policy: no user or group is assigned, and an assigned one "
                "could do nothing (AWS: 'Before you assign users and groups to a Studio, attach "
                "your EMR Studio session policies to the user role'). Add one with "
                "studio.add_session_mapping(identity_name=..., identity_type='GROUP', "
                "session_policy=studio.user_policy(UserPolicyLevel.BASIC).policy). The app "
                "(-c createStudio=true -c authMode=IAM_IDENTITY_CENTER) has no context key for "
                "session mappings: make them in your own app (README, 'Create the Studio too').",
            )
        return []


class StudioUsers:
    """Who signs in to one ``EmrStudio`` and with what permissions.

    :param scope: the ``EmrStudio``; everything is created under it.
    :param service_role: the Studio's service role.
    :param identity_center: whether the Studio uses IAM Identity Center (a user role).

    The ``EmrStudio`` sets :attr:`studio_id` and :attr:`studio_arn` once its
    ``AWS::EMR::Studio`` exists (session mappings and presigned-URL grants name it).
    """

    def __init__(
        self,
        scope: Construct,
        *,
        service_role: EmrStudioServiceRole,
        identity_center: bool,
    ) -> None:
        self._scope = scope
        self._service_role = service_role
        self._mappings: Dict[Tuple[str, str], emr.CfnStudioSessionMapping] = {}
        self._user_policies: Dict[up.UserPolicyLevel, up.UserPolicy] = {}
        #: The arguments each level's policy was made with (a later call must repeat them).
        self._policy_args: Dict[up.UserPolicyLevel, Tuple[Tuple[str, str], ...]] = {}
        #: Identity Center with USER_ROLE: the user role's Git secret statements, which every
        #: session policy must hold too (the session is the intersection of role and policy).
        self._git_statements: Tuple[Mapping[str, Any], ...] = ()
        self._git_bounds: Tuple[Tuple[str, Bound], ...] = ()
        self._warned = False
        self.studio_id: Optional[str] = None
        self.studio_arn: Optional[str] = None
        #: The Identity Center user role (``None`` in IAM mode).
        self.user_role: Optional[iam.Role] = None
        user_role_access = service_role.git_secret_access is GitSecretAccess.USER_ROLE
        if identity_center:
            self.user_role = iam.Role(
                scope,
                "UserRole",
                assumed_by=_UserRolePrincipal(emr_service_principal_name(Stack.of(scope))),
                description="EMR Studio user role (IAM Identity Center); its session policies "
                "narrow each user's permissions",
            )
            if user_role_access:
                grant = service_role.grant_git_secret_read(self.user_role)
                self._acknowledge_git_grant(self.user_role, grant)
                self._git_statements, self._git_bounds = self._session_git_statements()
            scope.node.add_validation(_NoSessionMappingWarning(self))
        elif user_role_access:
            Annotations.of(scope).add_warning_v2(
                WARN_NO_GIT_SECRET_READER,
                "This EmrStudio uses StudioAuthMode.IAM with git_secret_access=USER_ROLE: its "
                "service role reads no Git secret and there is no Identity Center user role to "
                "give them to, so linking a Git repository fails until you grant the IAM "
                "identities that use the Studio the user-level statement: "
                "studio.service_role.grant_git_secret_read(identity) for each role, user or group.",
            )

    def _session_git_statements(self) -> Tuple[Tuple[Mapping[str, Any], ...], Tuple[Tuple[str, Bound], ...]]:
        """The user role's inline statements right after the Git grant (the page's user-level
        statement, and ``kms:Decrypt`` for secrets with a customer-managed key), with the size
        bound of each token they hold."""
        assert self.user_role is not None
        policy = self.user_role.node.try_find_child("DefaultPolicy")
        if policy is None:  # pragma: no cover - the grant always adds one
            return (), ()
        statements: List[Dict[str, Any]] = []
        bounds: List[Tuple[str, Bound]] = []
        for statement in policy.document.to_json()["Statement"]:  # type: ignore[attr-defined]
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            key = any(a.startswith("kms:") for a in actions)
            kind = ArnKind.KMS_KEY if key else ArnKind.SECRET
            sid = st.GIT_SECRET_KEY_DECRYPT_SID if key else up.USER_LEVEL_GIT_SECRET_READ.sid
            statements.append({"Sid": sid, **{k: v for k, v in statement.items() if k != "Sid"}})
            resources = statement["Resource"]
            for arn in resources if isinstance(resources, list) else [resources]:
                bounds.append((arn, kind))
        return tuple(statements), tuple(bounds)

    def _fail(self, problems: List[str]) -> None:
        raise EmrStudioRoleValidationError(
            self._scope.node.path, problems, construct="EmrStudio"
        )

    def _acknowledge_git_grant(self, role: iam.Role, grant: iam.Grant) -> None:
        """The page's user-level Git secret statement lands in the user role's default
        (inline) policy, as ``grant_*`` methods do."""
        policy = role.node.try_find_child("DefaultPolicy")
        if policy is None:
            return
        arns = [r for s in grant.principal_statements for r in s.resources if "*" in r]
        findings = [(f, up.WILDCARD_REASONS[up.UserResource.ANY_SECRET]) for f in
                    dict.fromkeys(iam5_resources(Stack.of(self._scope), arns))]
        inline = (
            "The EMR Studio user role's only inline statement is AWS's user-level Git secret "
            "statement (page 'Configure EMR Studio user permissions'), added by "
            "EmrStudioServiceRole.grant_git_secret_read like any CDK grant; the role's other "
            "permissions are the managed session policies."
        )
        findings += [
            (f"{pack}-IAMNoInlinePolicy", inline)
            for pack in ("HIPAA.Security", "NIST.800.53.R5", "PCI.DSS.321")
        ]
        acknowledge(policy, findings)

    # ------------------------------------------------------------- user policies

    @staticmethod
    def _roles_problems(prop: str, roles: Any) -> List[str]:
        problems = typecheck.check(prop, roles, Sequence[iam.IRole])
        if problems:
            return problems
        for i, role in enumerate(roles):
            problems += check_arn(f"{prop}[{i}]", role.role_arn, ROLE_ARN)
        return problems

    @staticmethod
    def _glue_problems(names: Any) -> List[str]:
        problems = typecheck.check("glue_databases", names, Sequence[str])
        if problems:
            return problems
        for i, name in enumerate(names):
            text = "".join(literal_parts(name))
            if not Token.is_unresolved(name) and not 1 <= len(name) <= up.GLUE_NAME_MAX:
                problems.append(
                    f"glue_databases[{i}]: got {name!r}; allowed: a Glue database name of 1 to "
                    f"{up.GLUE_NAME_MAX} characters"
                )
            elif any(c in text for c in "*?/") or "${" in text or any(ord(c) < 32 for c in text):
                problems.append(
                    f"glue_databases[{i}]: got {name!r}; allowed: a Glue database name without "
                    "wildcards ('*', '?'), '/', control characters or '${'"
                )
        return problems

    def _policy_arguments(
        self,
        runtime: Sequence[iam.IRole],
        eks: Sequence[iam.IRole],
        buckets: Sequence[s3.IBucket],
        glue: Sequence[str],
        restrict: bool,
    ) -> Tuple[Tuple[str, str], ...]:
        return (
            ("serverless_runtime_roles", typecheck.describe(list(runtime))),
            ("eks_execution_roles", typecheck.describe(list(eks))),
            ("data_buckets", typecheck.describe(list(buckets))),
            ("glue_databases", repr(list(glue))),
            ("restrict_pass_role", repr(restrict)),
        )

    def user_policy(
        self,
        level: up.UserPolicyLevel = up.UserPolicyLevel.BASIC,
        *,
        serverless_runtime_roles: Sequence[iam.IRole] = (),
        eks_execution_roles: Sequence[iam.IRole] = (),
        data_buckets: Sequence[s3.IBucket] = (),
        glue_databases: Sequence[str] = (),
        restrict_pass_role: bool = False,
    ) -> up.UserPolicy:
        """The page's ``level`` example user policy for this Studio, made once per level
        (see :meth:`EmrStudio.user_policy`)."""
        problems: List[str] = []
        if not isinstance(level, up.UserPolicyLevel):
            self._fail(
                [f"level: got {level!r}; allowed: UserPolicyLevel.BASIC, INTERMEDIATE or ADVANCED"],
            )
        problems += self._roles_problems("serverless_runtime_roles", serverless_runtime_roles)
        problems += self._roles_problems("eks_execution_roles", eks_execution_roles)
        problems += typecheck.check("data_buckets", data_buckets, Sequence[s3.IBucket])
        if not problems:
            for i, bucket in enumerate(data_buckets):
                problems += check_bucket(f"data_buckets[{i}]", bucket)
        problems += self._glue_problems(glue_databases)
        problems += typecheck.check("restrict_pass_role", restrict_pass_role, bool)
        if level is not up.UserPolicyLevel.ADVANCED:
            for prop, given in (("data_buckets", data_buckets), ("glue_databases", glue_databases)):
                if given:
                    problems.append(
                        f"{prop}: given for UserPolicyLevel.{level.name}; allowed: only with "
                        "UserPolicyLevel.ADVANCED (only its AllowAthenaSQL statement grants S3 "
                        "and Glue actions on '*')"
                    )
        if problems:
            self._fail(problems)
        arguments = self._policy_arguments(
            serverless_runtime_roles, eks_execution_roles, data_buckets, glue_databases,
            restrict_pass_role,
        )
        made = self._user_policies.get(level)
        if made is not None:
            earlier = self._policy_args[level]
            if arguments != earlier:
                shown = ", ".join(f"{k}={v}" for k, v in earlier)
                asked = ", ".join(f"{k}={v}" for k, v in arguments if (k, v) not in earlier)
                self._fail(
                    [
                        f"user_policy(UserPolicyLevel.{level.name}, {asked}): the {level.name} "
                        f"policy was already made by an earlier user_policy call with {shown}, and "
                        "a level's policy is made once (these arguments would be left out); "
                        "allowed: the earlier call's arguments (the same policy), or every role, "
                        "bucket and database in the first call"
                    ]
                )
            return made
        service_role = self._service_role.role
        inputs = up.UserPolicyInputs(
            service_role_arn=service_role.role_arn,
            serverless_runtime_roles=tuple(serverless_runtime_roles),
            eks_execution_roles=tuple(eks_execution_roles),
            data_buckets=tuple(data_buckets),
            glue_databases=tuple(glue_databases),
            restrict_pass_role=restrict_pass_role,
            extra_statements=self._git_statements,
            extra_bounds=self._git_bounds,
            service_role_bound=up.role_arn_bound(service_role),
        )
        try:
            made = up.build_user_policy(
                self._scope, f"{level.value}UserPolicy", level=level, inputs=inputs
            )
        except up.UserPolicyTooLarge as error:
            self._fail([f"user_policy(UserPolicyLevel.{level.name}): {error}"])
        self._user_policies[level] = made
        self._policy_args[level] = arguments
        return made

    # ---------------------------------------------------------- session mappings

    def _attached_policies(self) -> List[str]:
        """The managed policy ARNs attached to the user role now (whoever attached them)."""
        assert self.user_role is not None
        cfn = self.user_role.node.default_child
        arns = Stack.of(self._scope).resolve(cfn.managed_policy_arns) or []  # type: ignore[union-attr]
        return [json.dumps(a, sort_keys=True) for a in arns]

    def add_session_mapping(
        self,
        *,
        identity_name: str,
        identity_type: str,
        session_policy: iam.IManagedPolicy,
    ) -> emr.CfnStudioSessionMapping:
        """Assign an Identity Center user or group to the Studio, with a session policy
        (see :meth:`EmrStudio.add_session_mapping`)."""
        problems: List[str] = []
        if self.user_role is None:
            problems.append(
                "add_session_mapping: the Studio uses StudioAuthMode.IAM; allowed: only with "
                "StudioAuthMode.IAM_IDENTITY_CENTER (in IAM mode, attach user policies to IAM "
                "identities and use grant_create_presigned_url)"
            )
        if not isinstance(identity_name, str) or not identity_name or len(identity_name) > 256:
            problems.append(
                f"identity_name: got {identity_name!r}; allowed: an Identity Center user or "
                "group name of 1 to 256 characters"
            )
        kind = identity_type.value if isinstance(identity_type, SessionIdentityType) else identity_type
        if kind not in ("USER", "GROUP"):
            problems.append(f"identity_type: got {identity_type!r}; allowed: 'USER' or 'GROUP'")
        if not _has(session_policy, "managed_policy_arn"):
            problems.append(
                f"session_policy: got {session_policy!r}; allowed: an iam.IManagedPolicy "
                "(e.g. studio.user_policy(UserPolicyLevel.BASIC).policy)"
            )
        elif self._aws_managed(session_policy):
            problems.append(
                f"session_policy: got the AWS managed policy {self._policy_name(session_policy)}; "
                "allowed: a customer-managed policy of this account (e.g. studio.user_policy"
                "(UserPolicyLevel.BASIC).policy). AWS's session policies for EMR Studio are "
                "customer-managed; an AWS managed policy is attached to the user role too, where "
                "it grants every user of the Studio far more than EMR Studio needs"
            )
        if not problems and (kind, identity_name) in self._mappings:
            problems.append(
                f"identity_name: {kind} {identity_name!r} is already mapped; allowed: one "
                "session mapping per user or group"
            )
        if not problems and self.user_role is not None:
            attached = self._attached_policies()
            arn = json.dumps(Stack.of(self._scope).resolve(session_policy.managed_policy_arn), sort_keys=True)
            if arn not in attached and len(attached) >= MANAGED_POLICIES_PER_ROLE:
                problems.append(
                    f"session_policy: {self._policy_name(session_policy)} would be managed policy "
                    f"number {len(attached) + 1} of the user role; allowed: at most "
                    f"{MANAGED_POLICIES_PER_ROLE} managed policies per role (IAM's default quota; "
                    "each session policy is attached to the user role): map more users or groups "
                    "to the same session policy"
                )
        if problems:
            self._fail(problems)
        assert self.user_role is not None
        self.user_role.add_managed_policy(session_policy)
        count = len(self._mappings) + 1
        mapping = emr.CfnStudioSessionMapping(
            self._scope,
            f"SessionMapping{count}",
            identity_name=identity_name,
            identity_type=kind,
            session_policy_arn=session_policy.managed_policy_arn,
            studio_id=self.studio_id,
        )
        self._mappings[(kind, identity_name)] = mapping
        return mapping

    def _aws_managed(self, policy: iam.IManagedPolicy) -> bool:
        """An AWS managed policy: its ARN is ``arn:<partition>:iam::aws:policy/...``."""
        resolved = Stack.of(self._scope).resolve(policy.managed_policy_arn)
        return ":iam::aws:policy/" in json.dumps(resolved)

    def _policy_name(self, policy: iam.IManagedPolicy) -> str:
        resolved = Stack.of(self._scope).resolve(policy.managed_policy_arn)
        text = json.dumps(resolved) if not isinstance(resolved, str) else resolved
        if ":policy/" in text:
            return repr(text.split(":policy/", 1)[1].split('"')[0])
        return typecheck.describe(policy)

    # ------------------------------------------------------------------- grants

    def grant_create_presigned_url(self, grantee: iam.IGrantable) -> iam.Grant:
        """IAM mode: let ``grantee`` open this Studio (``CreateStudioPresignedUrl`` on its ARN),
        as *Assign a user or group to an EMR Studio* has it for IAM authentication."""
        method = "grant_create_presigned_url"
        if self.user_role is not None:
            self._fail(
                [
                    "grant_create_presigned_url: the Studio uses IAM_IDENTITY_CENTER; allowed: "
                    "only with StudioAuthMode.IAM (use add_session_mapping)"
                ],
            )
        problems = typecheck.check("grantee", grantee, iam.IGrantable)
        if not problems:
            problems = other_account_problems(method, grantee, Stack.of(self._scope))
        if problems:
            self._fail(problems)
        grant = iam.Grant.add_to_principal(
            grantee=grantee,
            actions=["elasticmapreduce:CreateStudioPresignedUrl"],
            resource_arns=[self.studio_arn],
        )
        problems = unsuccessful_problems(method, grantee, grant)
        if problems:  # nothing was added: CDK found no identity policy to add to
            self._fail(problems)
        return grant
