"""The common platform case: the VPC, subnets, security groups, bucket and key already exist.

Each is imported by its ID (or ARN); only the role, its policies and the Studio are new.
"""

from aws_cdk import Acknowledgment, App, Stack, Validations
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_emr as emr
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from emr_studio_role import EmrStudioChecks, EmrStudioServiceRole

# What the platform team already runs (replace with yours).
VPC_ID = "vpc-0123456789abcdef0"
SUBNET_IDS = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
ENGINE_SECURITY_GROUP_ID = "sg-0123456789abcdef0"
WORKSPACE_SECURITY_GROUP_ID = "sg-0fedcba9876543210"
BUCKET_NAME = "platform-emr-notebooks"
KEY_ARN = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"


class StudioOnExistingPlatformStack(Stack):
    def __init__(self, scope: Construct, id: str, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)

        vpc = ec2.Vpc.from_vpc_attributes(
            self, "Vpc", vpc_id=VPC_ID, availability_zones=self.availability_zones
        )
        subnets = [ec2.Subnet.from_subnet_id(self, f"Subnet{i}", s) for i, s in enumerate(SUBNET_IDS)]
        for subnet in subnets:  # CDK warns it cannot read their route tables; nothing here reads them.
            Validations.of(subnet).acknowledge(
                Acknowledgment(id="@aws-cdk/aws-ec2:noSubnetRouteTableId", reason="Not used here.")
            )
        engine_sg = ec2.SecurityGroup.from_security_group_id(
            self, "EngineSecurityGroup", ENGINE_SECURITY_GROUP_ID, mutable=False
        )
        workspace_sg = ec2.SecurityGroup.from_security_group_id(
            self, "WorkspaceSecurityGroup", WORKSPACE_SECURITY_GROUP_ID, mutable=False
        )
        key = kms.Key.from_key_arn(self, "NotebookKey", KEY_ARN)
        notebooks = s3.Bucket.from_bucket_attributes(
            self, "Notebooks", bucket_name=BUCKET_NAME, encryption_key=key
        )

        # CloudFormation cannot tag imported resources: the role warns about each one that
        # must carry the EMR tag (or tags them at deploy time with tag_imported_resources=True).
        role = EmrStudioServiceRole(
            self, "StudioServiceRole",
            bucket=notebooks,  # its key comes with it (bucket.encryption_key)
            prefix="studio/",
            vpc=vpc,
            subnets=subnets,
            security_groups=[engine_sg, workspace_sg],
        )
        # The platform team tags this VPC itself: acknowledge that one warning, for that one resource.
        Validations.of(vpc).acknowledge(
            Acknowledgment(
                id="emr-studio-role:importedResourceNotTagged",
                reason="The platform team tags this VPC with for-use-with-amazon-emr-managed-policies=true.",
            )
        )

        studio = emr.CfnStudio(
            self, "Studio",
            name="platform-studio",
            auth_mode="IAM",
            vpc_id=vpc.vpc_id,
            subnet_ids=[s.subnet_id for s in subnets],
            engine_security_group_id=engine_sg.security_group_id,
            workspace_security_group_id=workspace_sg.security_group_id,
            default_s3_location=f"s3://{BUCKET_NAME}/studio/",
            service_role=role.role.role_arn,
        )
        # Everything the role creates (its policies, any tagging resource) exists before the Studio.
        studio.node.add_dependency(role)


app = App()
stack = StudioOnExistingPlatformStack(app, "StudioOnExistingPlatformStack")
Validations.of(app).add_plugins(EmrStudioChecks())
app.synth()
