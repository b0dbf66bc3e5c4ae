"""``EmrStudioStack``: the app's stack when it creates the Studio too (``-c createStudio=true``).

Context keys (all optional besides ``createStudio``):

=========================  ====================================================================
key                        meaning
=========================  ====================================================================
``createStudio``           ``true``: app.py builds this stack instead of the role-only stack
``vpcId``                  use this existing VPC; then ``subnetIds`` is required (1 to 5)
``subnetIds``              comma-separated subnet IDs of the Studio (with ``vpcId``)
``studioName``             the Studio's name (default: generated)
``authMode``               ``IAM`` (default) or ``IAM_IDENTITY_CENTER``
``prefix``                 the Studio's key prefix in the notebook bucket (default ``studio/``)
``tagImportedResources``   ``true``: tag the existing VPC and subnets at deploy time
=========================  ====================================================================

Without ``vpcId`` the stack creates its own VPC: two AZs, public subnets (for one NAT
gateway, no public IPs on launch) and private subnets with egress, which the Studio uses,
so that Workspaces can reach Git over HTTPS; VPC flow logs go to the access-logs bucket.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, List, Optional, Tuple

from aws_cdk import Acknowledgment, CfnOutput, Fn, Stack, Validations
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_s3 as s3
from constructs import Construct

from .errors import EmrStudioRoleValidationError
from .nag import acknowledge
from .stack import CONTEXT_KEYS as ROLE_STACK_CONTEXT_KEYS
from .stack import notebook_storage
from .studio import MAX_SUBNETS, EmrStudio, StudioAuthMode

STUDIO_CONTEXT_KEYS = (
    "createStudio",
    "vpcId",
    "subnetIds",
    "studioName",
    "authMode",
    "prefix",
    "tagImportedResources",
    "account",
    "region",
)


def _csv(value: Any) -> Tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return tuple(p.strip() for p in str(value).split(",") if p.strip())


def create_studio_requested(get: Any) -> bool:
    """``createStudio`` from context: ``true``/``false`` (default false); anything else refused."""
    value = get("createStudio")
    if value is None or isinstance(value, bool):
        return bool(value)
    text = str(value).strip().lower()
    if text not in ("true", "false"):
        raise EmrStudioRoleValidationError(
            "app context", [f"context 'createStudio': got {value!r}; allowed: true or false"]
        )
    return text == "true"


@dataclass(frozen=True)
class StudioAppConfig:
    """The Studio stack's settings, read from context by :meth:`from_context`."""

    vpc_id: Optional[str] = None
    subnet_ids: Tuple[str, ...] = ()
    studio_name: Optional[str] = None
    auth_mode: StudioAuthMode = StudioAuthMode.IAM
    prefix: str = "studio/"
    tag_imported_resources: bool = False

    @classmethod
    def from_context(cls, get: Any) -> StudioAppConfig:
        problems: List[str] = []
        for key in ROLE_STACK_CONTEXT_KEYS:
            if key not in STUDIO_CONTEXT_KEYS and get(key) is not None:
                problems.append(
                    f"context '{key}': got {get(key)!r} with createStudio=true; allowed keys with "
                    f"createStudio: {', '.join(STUDIO_CONTEXT_KEYS)} (the Studio stack does not "
                    "read this key, and would otherwise ignore it)"
                )
        vpc_id = get("vpcId")
        subnet_ids = _csv(get("subnetIds"))
        if vpc_id is not None and not 1 <= len(subnet_ids) <= MAX_SUBNETS:
            problems.append(
                f"context 'subnetIds': got {list(subnet_ids)} with vpcId; allowed: 1 to "
                f"{MAX_SUBNETS} subnet IDs of that VPC"
            )
        if vpc_id is None and subnet_ids:
            problems.append(
                f"context 'subnetIds': got {list(subnet_ids)} without vpcId; allowed: only with "
                "vpcId (without it the app creates its own VPC and uses its private subnets)"
            )
        mode_text = get("authMode")
        mode = StudioAuthMode.IAM
        if mode_text is not None:
            try:
                mode = StudioAuthMode[str(mode_text).strip().upper()]
            except KeyError:
                problems.append(
                    f"context 'authMode': got {mode_text!r}; allowed: IAM or IAM_IDENTITY_CENTER"
                )
        tag = get("tagImportedResources")
        if tag is not None and str(tag).strip().lower() not in ("true", "false"):
            problems.append(f"context 'tagImportedResources': got {tag!r}; allowed: true or false")
        if problems:
            raise EmrStudioRoleValidationError("app context", problems)
        prefix = get("prefix")
        return cls(
            vpc_id=vpc_id,
            subnet_ids=subnet_ids,
            studio_name=get("studioName"),
            auth_mode=mode,
            prefix="studio/" if prefix is None else str(prefix),
            tag_imported_resources=tag is not None and str(tag).strip().lower() == "true",
        )


class EmrStudioStack(Stack):
    """A notebook bucket and key, a VPC (or an existing one), and an :class:`EmrStudio`."""

    def __init__(
        self, scope: Construct, id: str, *, config: StudioAppConfig = StudioAppConfig(), **kwargs: Any
    ) -> None:
        super().__init__(scope, id, **kwargs)
        self.config = config
        logs, bucket = self._storage()
        if config.vpc_id is not None:
            # The VPC's AZs are never read (its subnets are imported one by one below); a
            # token, so that an environment-specific stack does not look them up.
            vpc: ec2.IVpc = ec2.Vpc.from_vpc_attributes(
                self, "Vpc", vpc_id=config.vpc_id, availability_zones=[Fn.select(0, Fn.get_azs())]
            )
            subnets: List[ec2.ISubnet] = []
            for i, subnet_id in enumerate(config.subnet_ids):
                subnet = ec2.Subnet.from_subnet_id(self, f"Subnet{i}", subnet_id)
                Validations.of(subnet).acknowledge(
                    Acknowledgment(
                        id="@aws-cdk/aws-ec2:noSubnetRouteTableId",
                        reason="The app only passes the subnet's ID to the Studio and the role; "
                        "it never reads the subnet's route table.",
                    )
                )
                subnets.append(subnet)
        else:
            vpc = self._vpc(logs)
            subnets = list(vpc.private_subnets)

        #: The Studio (and its service role).
        self.studio = EmrStudio(
            self,
            "Studio",
            vpc=vpc,
            subnets=subnets,
            bucket=bucket,
            prefix=config.prefix,
            name=config.studio_name,
            auth_mode=config.auth_mode,
            tag_imported_resources=config.tag_imported_resources,
        )
        CfnOutput(self, "StudioId", value=self.studio.studio_id, description="ID of the EMR Studio")
        CfnOutput(self, "StudioUrl", value=self.studio.url, description="URL of the EMR Studio")
        CfnOutput(
            self,
            "RoleArn",
            value=self.studio.service_role.role.role_arn,
            description="ARN of the EMR Studio service role",
        )

    def _vpc(self, logs: s3.IBucket) -> ec2.Vpc:
        vpc = ec2.Vpc(
            self,
            "Vpc",
            max_azs=2,
            nat_gateways=1,
            subnet_configuration=[
                ec2.SubnetConfiguration(
                    name="Public",
                    subnet_type=ec2.SubnetType.PUBLIC,
                    cidr_mask=24,
                    map_public_ip_on_launch=False,
                ),
                ec2.SubnetConfiguration(
                    name="Studio", subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS, cidr_mask=24
                ),
            ],
            flow_logs={
                "ToS3": ec2.FlowLogOptions(
                    destination=ec2.FlowLogDestination.to_s3(logs, "vpc-flow-logs/"),
                    traffic_type=ec2.FlowLogTrafficType.ALL,
                )
            },
        )
        reason = (
            "The public subnets hold only the NAT gateway (no public IPs on launch): EMR Studio "
            "Workspaces in the private subnets reach Git over HTTPS through it (AWS's page "
            "'Define security groups': outbound TCP 443 to link Git repositories)."
        )
        for subnet in vpc.public_subnets:
            acknowledge(
                subnet.node.find_child("DefaultRoute"),
                [
                    ("NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW", reason),
                    ("PCI.DSS.321-VPCNoUnrestrictedRouteToIGW", reason),
                    ("HIPAA.Security-VPCNoUnrestrictedRouteToIGW", reason),
                ],
            )
        # CDK's own custom resource that removes the default security group's rules
        # (@aws-cdk/aws-ec2:restrictDefaultSecurityGroup): checkov reads skips from metadata.
        provider = self.node.try_find_child("Custom::VpcRestrictDefaultSGCustomResourceProvider")
        handler = provider.node.try_find_child("Handler") if provider is not None else None
        if handler is not None:
            why = (
                "CDK's provider for the VPC's restrictDefaultSecurityGroup custom resource: runs "
                "only during deployments, outside the VPC it configures, with no event source"
            )
            handler.add_metadata(  # type: ignore[attr-defined]
                "checkov",
                {
                    "skip": [
                        {"id": "CKV_AWS_115", "comment": f"{why} (no concurrency to limit)."},
                        {"id": "CKV_AWS_116", "comment": f"{why} (CloudFormation retries it)."},
                        {"id": "CKV_AWS_117", "comment": f"{why}."},
                    ]
                },
            )
        return vpc

    def _storage(self) -> Tuple[s3.Bucket, s3.Bucket]:
        """An access-logs bucket, and a notebook bucket encrypted with a rotating KMS key."""
        _, logs, bucket = notebook_storage(
            self,
            logs_skip_comment="This bucket receives the notebook bucket's access logs and "
            "the VPC flow logs; logging it to itself would log its own deliveries.",
        )
        return logs, bucket
