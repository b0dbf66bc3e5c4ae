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

from typing import Any, Optional, Sequence, Tuple

from aws_cdk import Names, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_emr as emr
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from . import user_policies as up
from .errors import EmrStudioRoleValidationError
from .options import IdcUserAssignment, SessionIdentityType, StudioAuthMode
from .role import EmrStudioServiceRole
from .studio_users import StudioUsers
from .studio_validation import MAX_SUBNETS, ROLE_PASSTHROUGH_PROPS, check_studio_props

#: The engine port: Workspaces reach the attached cluster's engine on it (security-groups page).
ENGINE_PORT = 18888
#: Outbound HTTPS from Workspaces, to link Git repositories (security-groups page).
GIT_HTTPS_PORT = 443
#: "select a maximum of five subnets" (Create an EMR Studio).


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
        problems = check_studio_props(
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
            stack=Stack.of(self),
        )
        if problems:
            raise EmrStudioRoleValidationError(self.node.path, problems, construct="EmrStudio")

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

        #: Who signs in: the Identity Center user role, user policies, session mappings.
        self._users = StudioUsers(
            self, service_role=self.service_role, identity_center=identity_center
        )
        #: The Identity Center user role (``None`` in IAM mode).
        self.user_role: Optional[iam.Role] = self._users.user_role

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
        self._users.studio_id = self.studio.attr_studio_id
        self._users.studio_arn = self.studio.attr_arn

    # ------------------------------------------------------------------ props

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
        data_buckets: Sequence[s3.IBucket] = (),
        glue_databases: Sequence[str] = (),
        restrict_pass_role: bool = False,
    ) -> up.UserPolicy:
        """The page's ``level`` example user policy for this Studio, made once per level.

        The service role placeholder is this Studio's service role.  Statements for EMR
        Serverless runtime roles and EMR on EKS execution roles are in the policy only when
        those roles are given (see :mod:`emr_studio_role.user_policies`).  A later call for
        the same level returns the same policy when its arguments are the same, and is
        refused when they differ.  In Identity Center mode with
        ``git_secret_access=USER_ROLE`` the policy also holds the user role's Git secret
        statements (a session is the intersection of role and session policy).

        :param level: ``BASIC`` (default), ``INTERMEDIATE`` or ``ADVANCED``.
        :param serverless_runtime_roles: EMR Serverless runtime roles users may pass. Default:
            none (the statement is left out). A wildcard in a role's ARN is refused.
        :param eks_execution_roles: EMR on EKS execution roles of managed endpoints users may
            use. Default: none (the statement is left out).
        :param data_buckets: ADVANCED only: the Athena statement's S3 actions on these buckets
            (and their objects) instead of the page's ``*``. Default: none (the page's form).
        :param glue_databases: ADVANCED only: the Athena statement's Glue actions on this
            account's Data Catalog in the stack's region, these databases and their tables,
            instead of ``*``. Default: none (the page's form).
        :param restrict_pass_role: ``iam:PassedToService`` on the PassRole statement: the
            service role and ``EMR_DefaultRole_V2`` only to EMR, ``EMR_EC2_DefaultRole`` only
            to EC2. Default: ``False`` (the page's form).
        """
        return self._users.user_policy(
            level,
            serverless_runtime_roles=serverless_runtime_roles,
            eks_execution_roles=eks_execution_roles,
            data_buckets=data_buckets,
            glue_databases=glue_databases,
            restrict_pass_role=restrict_pass_role,
        )

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
        :param identity_type: ``"USER"`` or ``"GROUP"`` (or a :class:`SessionIdentityType`).
        :param session_policy: a customer-managed ``iam.IManagedPolicy``, e.g.
            :meth:`user_policy`. An AWS managed policy is refused, and so is an 11th distinct
            policy (IAM's quota of 10 managed policies per role).
        """
        return self._users.add_session_mapping(
            identity_name=identity_name,
            identity_type=identity_type,
            session_policy=session_policy,
        )

    def grant_create_presigned_url(self, grantee: iam.IGrantable) -> iam.Grant:
        """IAM mode: let ``grantee`` open this Studio (``CreateStudioPresignedUrl`` on its ARN),
        as *Assign a user or group to an EMR Studio* has it for IAM authentication.

        Refused for a grantee the grant cannot reach: a principal without an identity policy
        in this stack (``AnyPrincipal``, ``AccountRootPrincipal``, a service or ARN
        principal) or a role of another account."""
        return self._users.grant_create_presigned_url(grantee)


__all__ = [
    "MAX_SUBNETS",
    "ROLE_PASSTHROUGH_PROPS",
    "EmrStudio",
    "IdcUserAssignment",
    "SessionIdentityType",
    "StudioAuthMode",
]
