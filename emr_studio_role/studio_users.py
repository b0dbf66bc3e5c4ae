"""The Studio's users: the Identity Center user role, the example user policies, session
mappings (Identity Center) and ``CreateStudioPresignedUrl`` grants (IAM).

AWS's pages: *Configure EMR Studio user permissions* (the user role, its trust policy, the
example user policies and the user-level Git secret statement) and *Assign and manage EMR
Studio users* (session mappings, and presigned URLs in IAM mode).

:class:`StudioUsers` is not a construct: what it makes is created under the ``EmrStudio``
(``UserRole``, ``<Level>UserPolicy``, ``SessionMapping<n>``), so that logical IDs stay stable.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Tuple

import jsii
from aws_cdk import Stack
from aws_cdk import aws_emr as emr
from aws_cdk import aws_iam as iam
from constructs import Construct

from . import user_policies as up
from .errors import EmrStudioRoleValidationError
from .nag import acknowledge, iam5_resources
from .options import SessionIdentityType
from .role import EmrStudioServiceRole, GitSecretAccess
from .studio_validation import _has
from .trust import emr_service_principal_name


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
        self.studio_id: Optional[str] = None
        self.studio_arn: Optional[str] = None
        #: The Identity Center user role (``None`` in IAM mode).
        self.user_role: Optional[iam.Role] = None
        if identity_center:
            self.user_role = iam.Role(
                scope,
                "UserRole",
                assumed_by=_UserRolePrincipal(emr_service_principal_name(Stack.of(scope))),
                description="EMR Studio user role (IAM Identity Center); its session policies "
                "narrow each user's permissions",
            )
            if service_role.git_secret_access is GitSecretAccess.USER_ROLE:
                grant = service_role.grant_git_secret_read(self.user_role)
                self._acknowledge_git_grant(self.user_role, grant)

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

    def user_policy(
        self,
        level: up.UserPolicyLevel = up.UserPolicyLevel.BASIC,
        *,
        serverless_runtime_roles: Sequence[iam.IRole] = (),
        eks_execution_roles: Sequence[iam.IRole] = (),
    ) -> up.UserPolicy:
        """The page's ``level`` example user policy for this Studio, made once per level.

        The service role placeholder is this Studio's service role.  Statements for EMR
        Serverless runtime roles and EMR on EKS execution roles are in the policy only when
        those roles are given (see :mod:`emr_studio_role.user_policies`); the first call
        for a level decides.  Default level: ``BASIC``.
        """
        if not isinstance(level, up.UserPolicyLevel):
            self._fail(
                [f"level: got {level!r}; allowed: UserPolicyLevel.BASIC, INTERMEDIATE or ADVANCED"],
            )
        made = self._user_policies.get(level)
        if made is None:
            made = up.build_user_policy(
                self._scope,
                f"{level.value}UserPolicy",
                level=level,
                inputs=up.UserPolicyInputs(
                    service_role_arn=self._service_role.role.role_arn,
                    serverless_runtime_roles=tuple(serverless_runtime_roles),
                    eks_execution_roles=tuple(eks_execution_roles),
                ),
            )
            self._user_policies[level] = made
        return made

    def add_session_mapping(
        self,
        *,
        identity_name: str,
        identity_type: str,
        session_policy: iam.IManagedPolicy,
    ) -> emr.CfnStudioSessionMapping:
        """Assign an Identity Center user or group to the Studio, with a session policy.

        The session policy is also attached to the user role, as the page says ("attach
        your EMR Studio session policies to the user role"): a session can only narrow
        the role's permissions.  Identity Center mode only.

        :param identity_name: the user name or group display name in Identity Center.
        :param identity_type: ``"USER"`` or ``"GROUP"``.
        :param session_policy: an ``iam.IManagedPolicy``, e.g. :meth:`user_policy`.
        """
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
        if not problems and (kind, identity_name) in self._mappings:
            problems.append(
                f"identity_name: {kind} {identity_name!r} is already mapped; allowed: one "
                "session mapping per user or group"
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

    def grant_create_presigned_url(self, grantee: iam.IGrantable) -> iam.Grant:
        """IAM mode: let ``grantee`` open this Studio (``CreateStudioPresignedUrl`` on its ARN),
        as *Assign a user or group to an EMR Studio* has it for IAM authentication."""
        if self.user_role is not None:
            self._fail(
                [
                    "grant_create_presigned_url: the Studio uses IAM_IDENTITY_CENTER; allowed: "
                    "only with StudioAuthMode.IAM (use add_session_mapping)"
                ],
            )
        return iam.Grant.add_to_principal(
            grantee=grantee,
            actions=["elasticmapreduce:CreateStudioPresignedUrl"],
            resource_arns=[self.studio_arn],
        )
