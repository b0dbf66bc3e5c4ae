"""EmrStudio in a larger stack: a VPC, a notebook bucket, and the Studio with everything around it."""

from aws_cdk import App, Stack, Validations
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from emr_studio_role import (
    EmrStudio,
    EmrStudioChecks,
    GitSecretAccess,
    StudioAuthMode,
    UserPolicyLevel,
)


class AnalyticsStudioStack(Stack):
    def __init__(self, scope: Construct, id: str, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)

        vpc = ec2.Vpc(self, "StudioVpc", max_azs=2, nat_gateways=1)
        key = kms.Key(self, "NotebookKey", enable_key_rotation=True)
        notebooks = s3.Bucket(
            self, "Notebooks",
            encryption_key=key,
            enforce_ssl=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            versioned=True,
        )

        # The Studio, its service role (AWS's page), its two security groups (TCP 18888
        # Workspace -> engine, TCP 443 out for Git), the EMR tag on the VPC, the chosen
        # subnets and the groups, and the Identity Center user role.
        studio = EmrStudio(
            self, "Studio",
            vpc=vpc,
            subnets=vpc.private_subnets,
            bucket=notebooks,
            prefix="studio/",
            name="analytics",
            auth_mode=StudioAuthMode.IAM_IDENTITY_CENTER,
            # A service-role prop, passed through: users read their own Git secrets.
            git_secret_access=GitSecretAccess.USER_ROLE,
        )

        # Who may use it, and with which of AWS's example user policies.
        studio.add_session_mapping(
            identity_name="data-analysts",
            identity_type="GROUP",
            session_policy=studio.user_policy(UserPolicyLevel.BASIC).policy,
        )
        studio.add_session_mapping(
            identity_name="data-engineers",
            identity_type="GROUP",
            session_policy=studio.user_policy(UserPolicyLevel.ADVANCED).policy,
        )


app = App()
stack = AnalyticsStudioStack(app, "AnalyticsStudioStack")
# Optional: check every EMR Studio role and Studio of the app at synth time.
Validations.of(app).add_plugins(EmrStudioChecks())
app.synth()
