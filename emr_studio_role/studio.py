"""The L3 construct: an EMR Studio built around :class:`~emr_studio_role.EmrStudioServiceRole`.

AWS's pages, and what comes from each:

* *Create an EMR Studio*: the ``AWS::EMR::Studio`` (IAM or IAM Identity Center mode,
  federation props for IAM mode, trusted identity propagation for Identity Center);
* *Define security groups to control EMR Studio network traffic*: the engine and
  Workspace security groups and their rules;
* *Configure EMR Studio user permissions*: the Identity Center user role, its trust
  policy, the example user policies (:mod:`emr_studio_role.user_policies`) and the
  user-level Git secret statement;
* *Assign and manage EMR Studio users*: session mappings (Identity Center) and
  ``CreateStudioPresignedUrl`` on this Studio (IAM);
* *Encrypting EMR Studio workspace notebooks and files*: the workspace key.
"""

from __future__ import annotations

import enum
import re
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import jsii
from aws_cdk import Names, Stack, Token
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_emr as emr
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from . import user_policies as up
from .errors import EmrStudioRoleValidationError
from .nag import acknowledge, iam5_resources
from .role import EmrStudioServiceRole, GitSecretAccess
from .trust import emr_service_principal_name
from .validation import check_bucket

#: The engine port: Workspaces reach the attached cluster's engine on it (security-groups page).
ENGINE_PORT = 18888
#: Outbound HTTPS from Workspaces, to link Git repositories (security-groups page).
GIT_HTTPS_PORT = 443
#: "select a maximum of five subnets" (Create an EMR Studio).
MAX_SUBNETS = 5

#: The service role's props that ``EmrStudio`` passes through unchanged (add a new one here).
#: Everything else of the role (bucket, prefix, vpc, subnets, security groups, the workspace
#: key) is set by the Studio itself.
ROLE_PASSTHROUGH_PROPS: Tuple[str, ...] = (
    "encryption_key",
    "git_secret_access",
    "git_secrets",
    "workspace_collaboration",
    "tag_imported_resources",
    "role_name",
    "path",
    "permissions_boundary",
    "network_owner_account",
)
#: Role props the Studio sets itself, with the Studio prop that sets them.
_ROLE_PROPS_SET_BY_STUDIO: Mapping[str, str] = {
    "bucket": "bucket",
    "prefix": "prefix",
    "vpc": "vpc",
    "subnets": "subnets",
    "vpc_subnets": "subnets",
    "security_groups": "engine_security_group / workspace_security_group",
    "workspace_encryption_key": "workspace_encryption_key",
    "compute": "(always EC2_OR_EKS: a Studio has a VPC and subnets)",
    "description": "(the role's description is not set by EmrStudio)",
}

_NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_IDP_URL_RE = re.compile(r"^https://[0-9a-zA-Z]([-.\w]*[0-9a-zA-Z])(:[0-9]*)*([?/#].*)?$")
_IDC_INSTANCE_RE = re.compile(r"^arn:[a-z-]+:sso:::instance/(sso)?ins-[a-zA-Z0-9-.]{16}$")


class StudioAuthMode(enum.Enum):
    """How users sign in to the Studio (``AWS::EMR::Studio`` ``AuthMode``)."""

    #: IAM authentication or IAM federation with an external IdP.
    IAM = "IAM"
    #: IAM Identity Center: a user role and session policies per user or group.
    IAM_IDENTITY_CENTER = "SSO"


class IdcUserAssignment(enum.Enum):
    """Whether Identity Center users must be assigned to the Studio (``IdcUserAssignment``)."""

    REQUIRED = "REQUIRED"
    OPTIONAL = "OPTIONAL"


class SessionIdentityType(enum.Enum):
    """``AWS::EMR::StudioSessionMapping`` ``IdentityType``."""

    USER = "USER"
    GROUP = "GROUP"


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


def _has(value: Any, *attrs: str) -> bool:
    """Duck-typed check of a jsii interface (``isinstance`` cannot check jsii protocols)."""
    return value is not None and not isinstance(value, str) and all(hasattr(value, a) for a in attrs)


def _literal(value: Optional[str]) -> bool:
    return isinstance(value, str) and not Token.is_unresolved(value)


def _is_imported(resource: Any) -> bool:
    return resource.node.default_child is None


class EmrStudio(Construct):
    """An EMR Studio with its service role, security groups and (Identity Center) user role.

    :param vpc: the Studio's VPC. It gets the EMR tag (the VPC resource only). Required.
    :param subnets: the Studio's subnets, 1 to 5, all in ``vpc``. Each gets the EMR tag. Required.
    :param bucket: where the Studio backs up Workspaces and notebooks. Required.
    :param prefix: the key prefix under ``bucket`` (``studio`` is treated as ``studio/``).
        Default: ``None``, the bucket's root.
    :param name: the Studio's name (1-256 of ``A-Z a-z 0-9 _ -``). Default: a unique name
        from the construct path.
    :param description: the Studio's description (at most 256 characters). Default: none.
    :param auth_mode: ``StudioAuthMode.IAM`` (default) or ``IAM_IDENTITY_CENTER``.
    :param workspace_encryption_key: a KMS key to encrypt Workspace files with
        (``EncryptionKeyArn``); the service role gets the page's KMS permissions on it, and
        a key created in this app gets the page's key-policy statement. Default: none (SSE-S3).
    :param engine_security_group: the engine security group. Default: a new group with the
        page's rule (TCP 18888 from the Workspace group) and no outbound rule.
    :param workspace_security_group: the Workspace security group. Default: a new group with
        the page's rules (TCP 18888 to the engine group, TCP 443 to 0.0.0.0/0 for Git) and
        nothing else outbound. Groups you pass are used as given and get the EMR tag (an
        imported one is warned about, or tagged at deploy time with ``tag_imported_resources``).
    :param idp_auth_url: IAM federation: your IdP's login URL (``https://``). IAM mode only.
        Default: none.
    :param idp_relay_state_parameter_name: IAM federation: your IdP's RelayState parameter
        name. IAM mode only. Default: none.
    :param trusted_identity_propagation: Identity Center only: enable trusted identity
        propagation. Workspace collaboration is not supported with it (AWS), so it makes
        ``workspace_collaboration`` default to ``False`` and refuses ``True``. Default: ``False``.
    :param idc_instance_arn: Identity Center only: the ARN of the IAM Identity Center
        instance. Default: none (EMR uses the account's instance).
    :param idc_user_assignment: Identity Center only: ``IdcUserAssignment.REQUIRED`` or
        ``OPTIONAL``. Default: none (the service's default).
    :param role_props: the service role's own props, passed through unchanged (see
        :data:`ROLE_PASSTHROUGH_PROPS`): ``encryption_key``, ``git_secret_access``,
        ``git_secrets``, ``workspace_collaboration``, ``tag_imported_resources``,
        ``role_name``, ``path``, ``permissions_boundary``, ``network_owner_account``.
        Each has the role's default.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        vpc: ec2.IVpc,
        subnets: Sequence[ec2.ISubnet],
        bucket: s3.IBucket,
        prefix: Optional[str] = None,
        name: Optional[str] = None,
        description: Optional[str] = None,
        auth_mode: StudioAuthMode = StudioAuthMode.IAM,
        workspace_encryption_key: Optional[kms.IKey] = None,
        engine_security_group: Optional[ec2.ISecurityGroup] = None,
        workspace_security_group: Optional[ec2.ISecurityGroup] = None,
        idp_auth_url: Optional[str] = None,
        idp_relay_state_parameter_name: Optional[str] = None,
        trusted_identity_propagation: bool = False,
        idc_instance_arn: Optional[str] = None,
        idc_user_assignment: Optional[IdcUserAssignment] = None,
        **role_props: Any,
    ) -> None:
        super().__init__(scope, id)
        subnets = tuple(subnets) if isinstance(subnets, (list, tuple)) else subnets
        problems = self._check_props(
            vpc=vpc,
            subnets=subnets,
            bucket=bucket,
            name=name,
            description=description,
            auth_mode=auth_mode,
            workspace_encryption_key=workspace_encryption_key,
            engine_security_group=engine_security_group,
            workspace_security_group=workspace_security_group,
            idp_auth_url=idp_auth_url,
            idp_relay_state_parameter_name=idp_relay_state_parameter_name,
            trusted_identity_propagation=trusted_identity_propagation,
            idc_instance_arn=idc_instance_arn,
            idc_user_assignment=idc_user_assignment,
            role_props=role_props,
        )
        if problems:
            raise EmrStudioRoleValidationError(self.node.path, problems)

        identity_center = auth_mode is StudioAuthMode.IAM_IDENTITY_CENTER
        #: How users sign in.
        self.auth_mode = auth_mode
        if trusted_identity_propagation and role_props.get("workspace_collaboration") is None:
            role_props["workspace_collaboration"] = False

        engine_sg, workspace_sg = self._security_groups(
            vpc, engine_security_group, workspace_security_group
        )
        #: The engine security group.
        self.engine_security_group: ec2.ISecurityGroup = engine_sg
        #: The Workspace security group.
        self.workspace_security_group: ec2.ISecurityGroup = workspace_sg

        #: The Studio's service role (the page's policy; it tags the VPC, subnets and groups).
        self.service_role = EmrStudioServiceRole(
            self,
            "ServiceRole",
            bucket=bucket,
            prefix=prefix,
            workspace_encryption_key=workspace_encryption_key,
            vpc=vpc,
            subnets=subnets,
            security_groups=[engine_sg, workspace_sg],
            **role_props,
        )
        location = self.service_role.storage_locations[0]
        if workspace_encryption_key is not None:
            self._grant_key_policy(workspace_encryption_key, bucket)

        #: The Identity Center user role (``None`` in IAM mode).
        self.user_role: Optional[iam.Role] = None
        if identity_center:
            self.user_role = iam.Role(
                self,
                "UserRole",
                assumed_by=_UserRolePrincipal(emr_service_principal_name(Stack.of(self))),
                description="EMR Studio user role (IAM Identity Center); its session policies "
                "narrow each user's permissions",
            )
            if self.service_role.git_secret_access is GitSecretAccess.USER_ROLE:
                grant = self.service_role.grant_git_secret_read(self.user_role)
                self._acknowledge_git_grant(self.user_role, grant)

        #: The ``AWS::EMR::Studio``.
        self.studio = emr.CfnStudio(
            self,
            "Resource",
            name=name or Names.unique_resource_name(self, max_length=64, separator="-"),
            description=description,
            auth_mode=auth_mode.value,
            vpc_id=vpc.vpc_id,
            subnet_ids=[s.subnet_id for s in subnets],
            engine_security_group_id=engine_sg.security_group_id,
            workspace_security_group_id=workspace_sg.security_group_id,
            default_s3_location=f"s3://{bucket.bucket_name}/{location.prefix}",
            service_role=self.service_role.role.role_arn,
            user_role=self.user_role.role_arn if self.user_role is not None else None,
            encryption_key_arn=(
                workspace_encryption_key.key_arn if workspace_encryption_key is not None else None
            ),
            idp_auth_url=idp_auth_url,
            idp_relay_state_parameter_name=idp_relay_state_parameter_name,
            trusted_identity_propagation_enabled=True if trusted_identity_propagation else None,
            idc_instance_arn=idc_instance_arn,
            idc_user_assignment=idc_user_assignment.value if idc_user_assignment else None,
        )
        # CreateStudio checks the service role's S3 and KMS access when the Studio is
        # created (hashicorp/terraform-provider-aws#40743): the whole role construct first
        # (its managed policies and its tagging custom resources), and the user role.
        self.studio.node.add_dependency(self.service_role)
        if self.user_role is not None:
            self.studio.node.add_dependency(self.user_role)
        self._mappings: Dict[Tuple[str, str], emr.CfnStudioSessionMapping] = {}
        self._user_policies: Dict[up.UserPolicyLevel, up.UserPolicy] = {}

    # ------------------------------------------------------------------ props

    @staticmethod
    def _check_props(**p: Any) -> List[str]:
        problems: List[str] = []
        vpc, subnets = p["vpc"], p["subnets"]
        if not _has(vpc, "vpc_id", "select_subnets"):
            problems.append(f"vpc: got {vpc!r}; allowed: an ec2.IVpc")
            vpc = None
        if not isinstance(subnets, tuple) or not all(_has(s, "subnet_id") for s in subnets):
            problems.append(f"subnets: got {subnets!r}; allowed: a list of ec2.ISubnet")
        elif not 1 <= len(subnets) <= MAX_SUBNETS:
            problems.append(
                f"subnets: got {len(subnets)} subnets; allowed: 1 to {MAX_SUBNETS} "
                "(Create an EMR Studio: 'a maximum of five subnets')"
            )
        else:
            ids = [s.subnet_id for s in subnets]
            dupes = sorted({i for i in ids if ids.count(i) > 1 and _literal(i)})
            if dupes:
                problems.append(f"subnets: got {dupes} more than once; allowed: distinct subnets")
            if vpc is not None:
                problems += _subnets_outside(vpc, subnets)
        # The service role's own check: the type (by jsii interface, a construct by its path)
        # and the bucket ARN.
        problems += check_bucket("bucket", p["bucket"])
        name = p["name"]
        if name is not None and not (
            isinstance(name, str) and (Token.is_unresolved(name) or _NAME_RE.match(name))
        ):
            problems.append(
                f"name: got {name!r}; allowed: 1 to 256 characters of A-Z, a-z, 0-9, _ and - "
                "(AWS::EMR::Studio Name)"
            )
        desc = p["description"]
        if desc is not None and not (isinstance(desc, str) and len(desc) <= 256):
            problems.append(f"description: got {desc!r}; allowed: a string of at most 256 characters")
        mode = p["auth_mode"]
        if not isinstance(mode, StudioAuthMode):
            problems.append(
                f"auth_mode: got {mode!r}; allowed: StudioAuthMode.IAM or "
                "StudioAuthMode.IAM_IDENTITY_CENTER"
            )
        key = p["workspace_encryption_key"]
        if key is not None and not _has(key, "key_arn"):
            problems.append(f"workspace_encryption_key: got {key!r}; allowed: a kms.IKey or None")
        for prop in ("engine_security_group", "workspace_security_group"):
            group = p[prop]
            if group is not None and not _has(group, "security_group_id", "connections"):
                problems.append(f"{prop}: got {group!r}; allowed: an ec2.ISecurityGroup or None")
        engine, workspace = p["engine_security_group"], p["workspace_security_group"]
        if engine is not None and engine is workspace:
            problems.append(
                "engine_security_group and workspace_security_group: got the same group; "
                "allowed: two different groups (the Workspace group can't allow any inbound "
                "traffic, the engine group must allow it from the Workspace group)"
            )
        problems += _check_auth(p, mode)
        problems += _check_role_props(p["role_props"], p["trusted_identity_propagation"])
        return problems

    # ------------------------------------------------------- security groups

    def _security_groups(
        self,
        vpc: ec2.IVpc,
        engine: Optional[ec2.ISecurityGroup],
        workspace: Optional[ec2.ISecurityGroup],
    ) -> Tuple[ec2.ISecurityGroup, ec2.ISecurityGroup]:
        """The page's two groups; only groups created here get the page's rules."""
        if workspace is None:
            workspace = ec2.SecurityGroup(
                self,
                "WorkspaceSecurityGroup",
                vpc=vpc,
                allow_all_outbound=False,
                description="EMR Studio Workspace security group",
            )
            workspace.add_egress_rule(
                ec2.Peer.any_ipv4(),
                ec2.Port.tcp(GIT_HTTPS_PORT),
                "Allow traffic to the internet to link publicly hosted Git repositories to Workspaces",
            )
            new_workspace = True
        else:
            new_workspace = False
        if engine is None:
            engine = ec2.SecurityGroup(
                self,
                "EngineSecurityGroup",
                vpc=vpc,
                allow_all_outbound=False,
                description="EMR Studio engine security group",
            )
            engine.add_ingress_rule(
                workspace,
                ec2.Port.tcp(ENGINE_PORT),
                "Allow traffic from any resources in the Workspace security group for EMR Studio",
            )
        if new_workspace:
            workspace.add_egress_rule(
                engine,
                ec2.Port.tcp(ENGINE_PORT),
                "Allow traffic to any resources in the Engine security group for EMR Studio",
            )
        return engine, workspace

    # ------------------------------------------------------------------ keys

    def _grant_key_policy(self, key: kms.IKey, bucket: s3.IBucket) -> None:
        """The page's key-policy statement for a key created in this app (imported keys'
        policies are not ours to change: the service role's identity policy still has the
        page's KMS actions on the key)."""
        stack = Stack.of(self)
        key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowEMRStudioServiceRoleAccess",
                principals=[iam.ArnPrincipal(self.service_role.role.role_arn)],
                actions=[
                    "kms:Decrypt",
                    "kms:GenerateDataKey",
                    "kms:ReEncryptFrom",
                    "kms:ReEncryptTo",
                    "kms:DescribeKey",
                ],
                resources=["*"],
                conditions={
                    "StringEquals": {
                        "kms:CallerAccount": stack.account,
                        "kms:EncryptionContext:aws:s3:arn": bucket.bucket_arn,
                        "kms:ViaService": f"s3.{stack.region}.{stack.url_suffix}",
                    }
                },
            ),
            allow_no_op=True,
        )

    # ------------------------------------------------------------ user role

    def _acknowledge_git_grant(self, role: iam.Role, grant: iam.Grant) -> None:
        """The page's user-level Git secret statement lands in the user role's default
        (inline) policy, as ``grant_*`` methods do."""
        policy = role.node.try_find_child("DefaultPolicy")
        if policy is None:
            return
        arns = [r for s in grant.principal_statements for r in s.resources if "*" in r]
        findings = [(f, up.WILDCARD_REASONS[up.UserResource.ANY_SECRET]) for f in
                    dict.fromkeys(iam5_resources(Stack.of(self), arns))]
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

    # ----------------------------------------------------------- attributes

    @property
    def studio_id(self) -> str:
        """The Studio's ID (``es-...``)."""
        return self.studio.attr_studio_id

    @property
    def url(self) -> str:
        """The Studio's URL."""
        return self.studio.attr_url

    @property
    def studio_arn(self) -> str:
        """The Studio's ARN."""
        return self.studio.attr_arn

    # --------------------------------------------------------------- users

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
            raise EmrStudioRoleValidationError(
                self.node.path,
                [f"level: got {level!r}; allowed: UserPolicyLevel.BASIC, INTERMEDIATE or ADVANCED"],
            )
        made = self._user_policies.get(level)
        if made is None:
            made = up.build_user_policy(
                self,
                f"{level.value}UserPolicy",
                level=level,
                inputs=up.UserPolicyInputs(
                    service_role_arn=self.service_role.role.role_arn,
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
            raise EmrStudioRoleValidationError(self.node.path, problems)
        assert self.user_role is not None
        self.user_role.add_managed_policy(session_policy)
        count = len(self._mappings) + 1
        mapping = emr.CfnStudioSessionMapping(
            self,
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
            raise EmrStudioRoleValidationError(
                self.node.path,
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


# ---------------------------------------------------------------------- checks


def _known_subnet_ids(vpc: ec2.IVpc) -> List[str]:
    return [
        s.subnet_id for s in (*vpc.public_subnets, *vpc.private_subnets, *vpc.isolated_subnets)
    ]


def _subnets_outside(vpc: ec2.IVpc, subnets: Sequence[ec2.ISubnet]) -> List[str]:
    """Subnets provably not in ``vpc``: by construct membership, by a created subnet's
    ``VpcId``, or by literal IDs against a VPC whose subnets are known."""
    known = _known_subnet_ids(vpc)
    outside = []
    for subnet in subnets:
        sid = subnet.subnet_id
        if sid in known:
            continue
        cfn = subnet.node.default_child
        if isinstance(cfn, ec2.CfnSubnet):
            if cfn.vpc_id != vpc.vpc_id:
                outside.append(subnet.node.path)
        elif known and _literal(sid) and all(_literal(k) for k in known):
            outside.append(sid)
        elif known and not _is_imported(vpc):
            # A VPC created in this app: its subnets are all known, an imported one isn't one.
            outside.append(sid if _literal(sid) else subnet.node.path)
    if not outside:
        return []
    vpc_shown = vpc.vpc_id if _literal(vpc.vpc_id) else vpc.node.path
    return [
        f"subnets: got {outside}, not in the given vpc {vpc_shown}; allowed: subnets of that VPC "
        "(CreateStudio: 'The subnets must belong to the VPC specified by VpcId')"
    ]


def _check_auth(p: Mapping[str, Any], mode: Any) -> List[str]:
    problems: List[str] = []
    if mode is StudioAuthMode.IAM_IDENTITY_CENTER:
        for prop in ("idp_auth_url", "idp_relay_state_parameter_name"):
            if p[prop] is not None:
                problems.append(
                    f"{prop}: got {p[prop]!r} with auth_mode=IAM_IDENTITY_CENTER; allowed: None "
                    "(IdP federation is for StudioAuthMode.IAM only)"
                )
    elif mode is StudioAuthMode.IAM:
        if p["trusted_identity_propagation"]:
            problems.append(
                "trusted_identity_propagation: got True with auth_mode=IAM; allowed: False "
                "(trusted identity propagation is for StudioAuthMode.IAM_IDENTITY_CENTER only)"
            )
        for prop in ("idc_instance_arn", "idc_user_assignment"):
            if p[prop] is not None:
                problems.append(
                    f"{prop}: got {p[prop]!r} with auth_mode=IAM; allowed: None (for "
                    "StudioAuthMode.IAM_IDENTITY_CENTER only)"
                )
        url, relay = p["idp_auth_url"], p["idp_relay_state_parameter_name"]
        if (url is None) != (relay is None):
            problems.append(
                f"idp_auth_url / idp_relay_state_parameter_name: got {url!r} / {relay!r}; "
                "allowed: both or neither (IAM federation needs the IdP login URL and its "
                "RelayState parameter name)"
            )
        if _literal(url) and not _IDP_URL_RE.match(url):
            problems.append(f"idp_auth_url: got {url!r}; allowed: an https:// URL")
        if relay is not None and not (isinstance(relay, str) and len(relay) <= 256):
            problems.append(
                f"idp_relay_state_parameter_name: got {relay!r}; allowed: a string of at most "
                "256 characters"
            )
    if not isinstance(p["trusted_identity_propagation"], bool):
        problems.append(
            f"trusted_identity_propagation: got {p['trusted_identity_propagation']!r}; "
            "allowed: True or False"
        )
    arn = p["idc_instance_arn"]
    if arn is not None and not (
        isinstance(arn, str) and (Token.is_unresolved(arn) or _IDC_INSTANCE_RE.match(arn))
    ):
        problems.append(
            f"idc_instance_arn: got {arn!r}; allowed: an IAM Identity Center instance ARN "
            "(arn:<partition>:sso:::instance/ssoins-<16 characters>)"
        )
    assignment = p["idc_user_assignment"]
    if assignment is not None and not isinstance(assignment, IdcUserAssignment):
        problems.append(
            f"idc_user_assignment: got {assignment!r}; allowed: IdcUserAssignment.REQUIRED or "
            "IdcUserAssignment.OPTIONAL"
        )
    return problems


def _check_role_props(role_props: Mapping[str, Any], tip: Any) -> List[str]:
    problems: List[str] = []
    for key in sorted(role_props):
        if key in ROLE_PASSTHROUGH_PROPS:
            continue
        if key in _ROLE_PROPS_SET_BY_STUDIO:
            problems.append(
                f"{key}: set by EmrStudio itself ({_ROLE_PROPS_SET_BY_STUDIO[key]}); allowed "
                f"role props: {', '.join(ROLE_PASSTHROUGH_PROPS)}"
            )
        else:
            problems.append(
                f"{key}: not a prop of EmrStudio; allowed: the Studio's props and the role "
                f"props {', '.join(ROLE_PASSTHROUGH_PROPS)}"
            )
    if tip is True and role_props.get("workspace_collaboration") is True:
        problems.append(
            "workspace_collaboration: got True with trusted_identity_propagation=True; allowed: "
            "None or False (AWS: Workspace collaboration isn't supported if trusted identity "
            "propagation is enabled)"
        )
    return problems
