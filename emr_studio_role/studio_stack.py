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
from typing import Any, Callable, Iterable, List, Mapping, Optional, Tuple

from aws_cdk import Acknowledgment, CfnOutput, Environment, Fn, Stack, Validations
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_s3 as s3
from constructs import Construct

from .context import STUDIO_KEYS, ContextReader, naming_context_keys
from .context_settings import read_studio_settings
from .nag import acknowledge
from .stack import notebook_storage
from .studio import EmrStudio, StudioAuthMode

#: Every context key the Studio stack reads (:data:`emr_studio_role.context.STUDIO_KEYS`).
STUDIO_CONTEXT_KEYS = STUDIO_KEYS

#: ``EmrStudio``'s props the Studio stack sets from context, and the key each comes from.
STUDIO_PROP_CONTEXT_KEYS: Mapping[str, str] = {
    "name": "studioName",
    "prefix": "prefix",
    "vpc": "vpcId",
    "subnets": "subnetIds",
    "auth_mode": "authMode",
    "tag_imported_resources": "tagImportedResources",
}


def create_studio_requested(get: Callable[[str], Any], *, keys: Iterable[str] = ()) -> bool:
    """``createStudio`` from context: ``true``/``false`` in any case, or a JSON boolean (default
    false); anything else, or a misspelled key, is refused."""
    reader = ContextReader(get, keys=keys)
    requested = reader.boolean("createStudio")
    reader.raise_problems()
    return bool(requested)


@dataclass(frozen=True)
class StudioAppConfig:
    """The Studio stack's settings, read from context by :meth:`from_context`."""

    vpc_id: Optional[str] = None
    subnet_ids: Tuple[str, ...] = ()
    studio_name: Optional[str] = None
    auth_mode: StudioAuthMode = StudioAuthMode.IAM
    prefix: str = "studio/"
    tag_imported_resources: bool = False
    account: Optional[str] = None
    region: Optional[str] = None

    @property
    def environment(self) -> Optional[Environment]:
        """``Environment(account, region)`` when either is given, else ``None`` (agnostic)."""
        if self.account is None and self.region is None:
            return None
        return Environment(account=self.account, region=self.region)

    @classmethod
    def from_context(cls, get: Callable[[str], Any], *, keys: Iterable[str] = ()) -> StudioAppConfig:
        """Read the Studio stack's keys with ``get(key)``; refuse bad values and the role stack's
        other keys at once (:func:`~emr_studio_role.context_settings.read_studio_settings`)."""
        reader = ContextReader(get, keys=keys)
        settings = read_studio_settings(reader)
        reader.raise_problems()
        return cls(**settings)


class EmrStudioStack(Stack):
    """A notebook bucket and key, a VPC (or an existing one), and an :class:`EmrStudio`."""

    def __init__(
        self, scope: Construct, id: str, *, config: StudioAppConfig = StudioAppConfig(), **kwargs: Any
    ) -> None:
        kwargs.setdefault("env", config.environment)
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

        with naming_context_keys(STUDIO_PROP_CONTEXT_KEYS):
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
