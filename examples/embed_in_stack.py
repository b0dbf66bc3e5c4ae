"""EmrStudioServiceRole in a larger stack: a VPC, a notebook bucket, the role and the Studio."""

from aws_cdk import App, Stack, Validations
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_emr as emr
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from emr_studio_role import EmrStudioChecks, EmrStudioServiceRole


class AnalyticsStack(Stack):
    def __init__(self, scope: Construct, id: str, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)

        vpc = ec2.Vpc(self, "StudioVpc", max_azs=2, nat_gateways=1)
        subnets = vpc.private_subnets

        # EMR Studio's two security groups: Workspaces reach the cluster's engine on 18888.
        engine_sg = ec2.SecurityGroup(
            self, "EngineSecurityGroup", vpc=vpc, allow_all_outbound=False,
            description="EMR Studio engine security group",
        )
        workspace_sg = ec2.SecurityGroup(
            self, "WorkspaceSecurityGroup", vpc=vpc, allow_all_outbound=False,
            description="EMR Studio Workspace security group",
        )
        engine_sg.add_ingress_rule(workspace_sg, ec2.Port.tcp(18888), "Workspaces to the engine")
        workspace_sg.add_egress_rule(engine_sg, ec2.Port.tcp(18888), "Workspaces to the engine")
        workspace_sg.add_egress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(443), "Git over HTTPS")

        key = kms.Key(self, "NotebookKey", enable_key_rotation=True)
        notebooks = s3.Bucket(
            self, "Notebooks",
            encryption_key=key,
            enforce_ssl=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            versioned=True,
        )

        # The service role: the page's policy, the bucket (and its key) under studio/,
        # and the EMR tag on the VPC, the subnets and the security groups.
        role = EmrStudioServiceRole(
            self, "StudioServiceRole",
            bucket=notebooks,
            prefix="studio/",
            vpc=vpc,
            subnets=subnets,
            security_groups=[engine_sg, workspace_sg],
        )

        studio = emr.CfnStudio(
            self, "Studio",
            name="analytics-studio",
            auth_mode="IAM",
            vpc_id=vpc.vpc_id,
            subnet_ids=[s.subnet_id for s in subnets],
            engine_security_group_id=engine_sg.security_group_id,
            workspace_security_group_id=workspace_sg.security_group_id,
            default_s3_location=f"s3://{notebooks.bucket_name}/studio/",
            service_role=role.role.role_arn,
        )
        # Everything the role creates (its policies, any tagging resource) exists before the Studio.
        studio.node.add_dependency(role)


app = App()
stack = AnalyticsStack(app, "AnalyticsStack")
# Optional: check every EMR Studio role and Studio of the app at synth time.
Validations.of(app).add_plugins(EmrStudioChecks())
app.synth()
