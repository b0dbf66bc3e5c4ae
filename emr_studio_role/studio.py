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

import re
from typing import Any, Dict, List, Optional, Sequence, Tuple

from aws_cdk import Names, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_emr as emr
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from . import user_policies as up
from .arns import stack_value, via_service
from .errors import EmrStudioRoleValidationError
from .options import GitSecretAccess, IdcUserAssignment, SessionIdentityType, StudioAuthMode
from .reads import read
from .role import PROP_TYPES as ROLE_PROP_TYPES
from .role import EmrStudioServiceRole, _MarkSynthesized, refuse_after_synth
from .studio_users import StudioUsers
from .studio_validation import (
    MAX_SUBNETS,
    ROLE_PASSTHROUGH_PROPS,
    check_roles_arg,
    check_session_mapping_args,
    check_studio_props,
)
from .tagging import tag_studio_resources
from .typecheck import check as type_problems

#: The engine port: Workspaces reach the attached cluster's engine on it (security-groups page).
ENGINE_PORT = 18888
#: Outbound HTTPS from Workspaces, to link Git repositories (security-groups page).
GIT_HTTPS_PORT = 443


def _prop_index(order: List[str], problem: str) -> int:
    """Where the prop a problem is about comes in ``order`` ("subnets[0] (subnet id): ..." is
    about ``subnets``); problems about no prop come last."""
    lead = re.match(r"[a-z_]+", problem)
    name = lead.group(0) if lead else ""
    return order.index(name) if name in order else len(order)


class EmrStudio(Construct):
    """An EMR Studio with its service role, security groups and (Identity Center) user role.

    Every prop is keyword-only and checked before anything is made: bad input raises one
    :class:`~emr_studio_role.EmrStudioRoleValidationError` that lists every problem (the
    Studio's props and the service role's), and leaves nothing behind in the scope.  The
    methods refuse calls after the app was synthesized.

    :param vpc: the Studio's VPC. It gets the EMR tag (the VPC resource only). Required.
    :param subnets: the Studio's subnets, 1 to 5, all in ``vpc``, each once. Each gets the EMR
        tag. Required.
    :param bucket: where the Studio backs up Workspaces and notebooks. Required.
    :param prefix: the key prefix under ``bucket`` (``studio`` is treated as ``studio/``).
        Default: ``None``, the bucket's root.
    :param name: the Studio's name (1-256 of ``A-Z a-z 0-9 _ -``). Default: a unique name
        from the construct path.
    :param description: the Studio's description (at most 256 characters, no control
        characters but tab and line breaks). Default: none.
    :param auth_mode: ``StudioAuthMode.IAM`` (default) or ``IAM_IDENTITY_CENTER``.
    :param workspace_encryption_key: a KMS key to encrypt Workspace files with
        (``EncryptionKeyArn``); the service role gets the page's KMS permissions on it, and
        a key created in this app gets the page's key-policy statement. Default: none (SSE-S3).
    :param engine_security_group: the engine security group, in ``vpc``. Default: a new group
        with the page's rule (TCP 18888 from the Workspace group) and no outbound rule.
    :param workspace_security_group: the Workspace security group, in ``vpc``. Default: a new
        group with the page's rules (TCP 18888 to the engine group, TCP 443 to 0.0.0.0/0 for
        Git) and nothing else outbound. Groups you pass are used as given and get the EMR tag
        (an imported one is warned about, or tagged at deploy time with
        ``tag_imported_resources``).
    :param idp_auth_url: IAM federation: your IdP's login URL (``https://``, at most 4,096
        characters). IAM mode only. Default: none.
    :param idp_relay_state_parameter_name: IAM federation: your IdP's RelayState parameter
        name (at most 256 characters). IAM mode only. Default: none.
    :param trusted_identity_propagation: Identity Center only: enable trusted identity
        propagation. Workspace collaboration is not supported with it (AWS), so it makes
        ``workspace_collaboration`` default to ``False`` and refuses ``True``. Default: ``False``.
    :param idc_instance_arn: Identity Center only: the ARN of the IAM Identity Center
        instance. Default: none (EMR uses the account's instance).
    :param idc_user_assignment: Identity Center only: ``IdcUserAssignment.REQUIRED`` or
        ``OPTIONAL``. Default: none (the service's default).
    :param service_role: an existing :class:`~emr_studio_role.EmrStudioServiceRole` to use
        (one role for several Studios, or a role a platform team already deployed). The
        Studio adds its own storage location to it (``add_storage_location(bucket,
        prefix=prefix)``: nothing changes when the role already grants it) and tags the VPC,
        subnets and security groups the role does not already tag. Its ``compute`` must be
        ``EC2_OR_EKS``; a ``workspace_encryption_key`` must be the role's own; the role props
        below, but ``tag_imported_resources``, are then refused (they are the role's).
        Default: ``None``, a new role under this construct (``ServiceRole``).
    :param encryption_key: the service role's prop: the bucket's KMS key. Default: the
        bucket's ``encryption_key``.
    :param git_secret_access: the service role's prop. Default: ``TAGGED_SECRETS``.
    :param git_secrets: the service role's prop: secrets with Git credentials. Default: none.
    :param workspace_collaboration: the service role's prop. Default: ``True`` (``False``
        with ``trusted_identity_propagation``).
    :param tag_imported_resources: tag imported VPCs, subnets, security groups and secrets at
        deploy time (the service role's prop; with ``service_role``, for what the Studio tags
        itself). Default: ``False`` (a warning names each one).
    :param role_name: the service role's name. Default: generated.
    :param path: the service role's IAM path. Default: ``/``.
    :param permissions_boundary: the service role's permissions boundary. Default: none.
    :param network_owner_account: the service role's prop: the account that owns a VPC shared
        through AWS RAM. Default: ``None``.
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
        service_role: Optional[EmrStudioServiceRole] = None,
        encryption_key: Optional[kms.IKey] = None,
        git_secret_access: Optional[GitSecretAccess] = None,
        git_secrets: Optional[Sequence[secretsmanager.ISecret]] = (),
        workspace_collaboration: Optional[bool] = None,
        tag_imported_resources: bool = False,
        role_name: Optional[str] = None,
        path: Optional[str] = None,
        permissions_boundary: Optional[iam.IManagedPolicy] = None,
        network_owner_account: Optional[str] = None,
    ) -> None:
        super().__init__(scope, id)
        props: Dict[str, Any] = dict(
            vpc=vpc, subnets=subnets, bucket=bucket, prefix=prefix, name=name,
            description=description, auth_mode=auth_mode,
            workspace_encryption_key=workspace_encryption_key,
            engine_security_group=engine_security_group,
            workspace_security_group=workspace_security_group, idp_auth_url=idp_auth_url,
            idp_relay_state_parameter_name=idp_relay_state_parameter_name,
            trusted_identity_propagation=trusted_identity_propagation,
            idc_instance_arn=idc_instance_arn, idc_user_assignment=idc_user_assignment,
            service_role=service_role, encryption_key=encryption_key,
            git_secret_access=git_secret_access, git_secrets=git_secrets,
            workspace_collaboration=workspace_collaboration,
            tag_imported_resources=tag_imported_resources, role_name=role_name, path=path,
            permissions_boundary=permissions_boundary, network_owner_account=network_owner_account,
        )
        try:
            self._build(props)
        except BaseException:
            # A refused Studio leaves nothing in the scope: no security groups, no role, no node.
            scope.node.try_remove_child(id)
            raise

    def _build(self, p: Dict[str, Any]) -> None:
        # Everything is checked before anything is made (issue 19 item 5).
        problems = check_studio_props(p, stack=Stack.of(self), role_types=ROLE_PROP_TYPES)
        if problems:
            # Grouped by prop, in the order of the signature.
            order = list(p)
            problems.sort(key=lambda x: _prop_index(order, x))
            raise EmrStudioRoleValidationError(self.node.path, problems, construct="EmrStudio")
        vpc, bucket, key = p["vpc"], p["bucket"], p["workspace_encryption_key"]
        subnets = tuple(p["subnets"])
        auth_mode: StudioAuthMode = p["auth_mode"]
        identity_center = auth_mode is StudioAuthMode.IAM_IDENTITY_CENTER
        #: How users sign in.
        self.auth_mode = auth_mode
        given_role: Optional[EmrStudioServiceRole] = p["service_role"]
        if given_role is not None:
            # Refused (too many policies) before this Studio made anything; the role is unchanged.
            location = given_role.add_storage_location(bucket, prefix=p["prefix"])

        engine_sg, workspace_sg = self._security_groups(
            vpc, p["engine_security_group"], p["workspace_security_group"]
        )
        #: The engine security group.
        self.engine_security_group: ec2.ISecurityGroup = engine_sg
        #: The Workspace security group.
        self.workspace_security_group: ec2.ISecurityGroup = workspace_sg

        if given_role is None:
            role_props = {k: p[k] for k in ROLE_PASSTHROUGH_PROPS}
            if p["trusted_identity_propagation"] and role_props["workspace_collaboration"] is None:
                role_props["workspace_collaboration"] = False
            #: The Studio's service role (the page's policy; it tags the VPC, subnets and groups).
            self.service_role = EmrStudioServiceRole(
                self,
                "ServiceRole",
                bucket=bucket,
                prefix=p["prefix"],
                workspace_encryption_key=key,
                vpc=vpc,
                subnets=subnets,
                security_groups=[engine_sg, workspace_sg],
                **role_props,
            )
            location = self.service_role.storage_locations[0]
            if key is not None:
                self._grant_key_policy(key, bucket)
        else:
            self.service_role = given_role
            self._tag_what_the_role_does_not(
                given_role, vpc, subnets, [engine_sg, workspace_sg], p["tag_imported_resources"]
            )

        #: Who signs in: the Identity Center user role, user policies, session mappings.
        self._users = StudioUsers(
            self, service_role=self.service_role, identity_center=identity_center
        )
        #: The Identity Center user role (``None`` in IAM mode).
        self.user_role: Optional[iam.Role] = self._users.user_role

        idc_user_assignment: Optional[IdcUserAssignment] = p["idc_user_assignment"]
        #: The ``AWS::EMR::Studio``.
        self.studio = emr.CfnStudio(
            self,
            "Resource",
            name=p["name"] or Names.unique_resource_name(self, max_length=64, separator="-"),
            description=p["description"],
            auth_mode=auth_mode.value,
            vpc_id=read(vpc, "vpc_id"),
            subnet_ids=[read(s, "subnet_id") for s in subnets],
            engine_security_group_id=engine_sg.security_group_id,
            workspace_security_group_id=workspace_sg.security_group_id,
            default_s3_location=f"s3://{bucket.bucket_name}/{location.prefix}",
            service_role=self.service_role.role.role_arn,
            user_role=self.user_role.role_arn if self.user_role is not None else None,
            encryption_key_arn=key.key_arn if key is not None else None,
            idp_auth_url=p["idp_auth_url"],
            idp_relay_state_parameter_name=p["idp_relay_state_parameter_name"],
            trusted_identity_propagation_enabled=True if p["trusted_identity_propagation"] else None,
            idc_instance_arn=p["idc_instance_arn"],
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
        self._synthesized = False
        _MarkSynthesized.of(Stack.of(self)).owners.append(self)

    def _tag_what_the_role_does_not(
        self,
        role: EmrStudioServiceRole,
        vpc: ec2.IVpc,
        subnets: Sequence[ec2.ISubnet],
        groups: List[ec2.ISecurityGroup],
        tag_imported: bool,
    ) -> None:
        """With a given service role: the EMR tag on the Studio's network that the role does not
        already tag (its VPC, subnets and security groups), the way the role tags its own."""
        tag_studio_resources(
            self,
            vpc=None if role.vpc is vpc else vpc,
            subnets=[s for s in subnets if all(s is not t for t in role.subnets)],
            security_groups=[g for g in groups if all(g is not t for t in role.security_groups)],
            secrets=(),
            tag_imported=tag_imported,
            network_owner_account=role.network_owner_account,
        )

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
                        "kms:CallerAccount": stack_value(stack, "account"),
                        "kms:EncryptionContext:aws:s3:arn": bucket.bucket_arn,
                        "kms:ViaService": via_service(stack, "s3"),
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

    def _check_open(self, method: str, problems: Sequence[str] = ()) -> None:
        """Refuse a call after synth, or with ``problems``; the Studio is left as it was."""
        refuse_after_synth(self, method, construct="EmrStudio")
        if problems:
            raise EmrStudioRoleValidationError(self.node.path, list(problems), construct="EmrStudio")

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
        statements (a session is the intersection of role and session policy).  Making a
        policy is refused after synth; reading one made before (the same level, no
        arguments) is not.

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
        problems = (
            type_problems("level", level, up.UserPolicyLevel)
            + check_roles_arg("serverless_runtime_roles", serverless_runtime_roles)
            + check_roles_arg("eks_execution_roles", eks_execution_roles)
        )
        # Reading a policy made before synth changes nothing, so it is allowed after synth too;
        # making one (or giving it roles) is not.
        reading = (
            not problems
            and not serverless_runtime_roles
            and not eks_execution_roles
            and not data_buckets
            and not glue_databases
            and not restrict_pass_role
            and self.node.try_find_child(f"{level.value}UserPolicy") is not None
        )
        if not reading:
            self._check_open("user_policy", problems)
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
        the role's permissions.  Identity Center mode only; the same identity and type twice
        is refused; refused after synth.

        :param identity_name: the user name or group display name in Identity Center (1 to
            256 characters).
        :param identity_type: ``"USER"`` or ``"GROUP"`` (or a :class:`SessionIdentityType`).
        :param session_policy: a customer-managed ``iam.IManagedPolicy``, e.g.
            :meth:`user_policy`'s ``.policy``. An AWS managed policy is refused, and so is an
            11th distinct policy (IAM's quota of 10 managed policies per role).
        """
        problems = check_session_mapping_args(identity_name, identity_type, session_policy)
        if problems and self.user_role is None:
            problems.insert(
                0,
                "add_session_mapping: the Studio uses StudioAuthMode.IAM; allowed: only with "
                "StudioAuthMode.IAM_IDENTITY_CENTER (in IAM mode, attach user policies to IAM "
                "identities and use grant_create_presigned_url)",
            )
        self._check_open("add_session_mapping", problems)
        return self._users.add_session_mapping(
            identity_name=identity_name,
            identity_type=identity_type,
            session_policy=session_policy,
        )

    def grant_create_presigned_url(self, grantee: iam.IGrantable) -> iam.Grant:
        """IAM mode: let ``grantee`` open this Studio (``CreateStudioPresignedUrl`` on its ARN),
        as *Assign a user or group to an EMR Studio* has it for IAM authentication.  Refused
        after synth, and for a grantee the grant cannot reach: a principal without an identity
        policy in this stack (``AnyPrincipal``, ``AccountRootPrincipal``, a service or ARN
        principal) or a role of another account."""
        self._check_open("grant_create_presigned_url", type_problems("grantee", grantee, iam.IGrantable))
        return self._users.grant_create_presigned_url(grantee)


__all__ = [
    "MAX_SUBNETS",
    "ROLE_PASSTHROUGH_PROPS",
    "EmrStudio",
    "IdcUserAssignment",
    "SessionIdentityType",
    "StudioAuthMode",
]
