"""EmrStudio: the Studio, its security groups, its service role, users and refusals."""

from __future__ import annotations

from typing import Any, Dict, Tuple

import pytest
from aws_cdk import App, Stack, Validations
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Annotations, Match, Template

from emr_studio_role import (
    EmrStudio,
    EmrStudioChecks,
    EmrStudioRoleValidationError,
    GitSecretAccess,
    IdcUserAssignment,
    StudioAuthMode,
    UserPolicyLevel,
)
from emr_studio_role.nag import acknowledge, nag_plugins
from emr_studio_role.studio import ROLE_PASSTHROUGH_PROPS
from tests.helpers import ENV, as_list, cdk_app, render

TAG = {"Key": "for-use-with-amazon-emr-managed-policies", "Value": "true"}
IDC_ARN = "arn:aws:sso:::instance/ssoins-1234567890abcdef"


def _stack(env=ENV) -> Tuple[App, Stack]:
    app = cdk_app()
    return app, Stack(app, "TestStack", env=env)


def _vpc(stack: Stack, id: str = "Vpc") -> ec2.Vpc:
    return ec2.Vpc(
        stack,
        id,
        max_azs=2,
        nat_gateways=0,
        restrict_default_security_group=False,
        subnet_configuration=[
            ec2.SubnetConfiguration(name="Public", subnet_type=ec2.SubnetType.PUBLIC),
            ec2.SubnetConfiguration(name="Studio", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
        ],
    )


def _studio(stack: Stack, vpc=None, **props: Any) -> EmrStudio:
    vpc = vpc or _vpc(stack)
    props.setdefault("subnets", vpc.isolated_subnets)
    props.setdefault("bucket", s3.Bucket.from_bucket_name(stack, "Bucket", "notebooks-bucket"))
    return EmrStudio(stack, "Studio", vpc=vpc, **props)


def _refused(**props: Any) -> EmrStudioRoleValidationError:
    _, stack = _stack()
    with pytest.raises(EmrStudioRoleValidationError) as info:
        _studio(stack, **props)
    return info.value


def _one(template: Template, type_: str) -> Tuple[str, Dict[str, Any]]:
    (item,) = template.find_resources(type_).items()
    return item


@pytest.fixture(scope="module")
def iam_mode():
    _, stack = _stack()
    studio = _studio(stack, prefix="studio", name="analytics", description="Team studio")
    return stack, studio, Template.from_stack(stack)


@pytest.fixture(scope="module")
def idc_mode():
    _, stack = _stack()
    studio = _studio(
        stack,
        prefix="studio/",
        auth_mode=StudioAuthMode.IAM_IDENTITY_CENTER,
        git_secret_access=GitSecretAccess.USER_ROLE,
    )
    policy = studio.user_policy(UserPolicyLevel.BASIC).policy
    studio.add_session_mapping(identity_name="analysts", identity_type="GROUP", session_policy=policy)
    return stack, studio, Template.from_stack(stack)


def _logical_id(stack: Stack, construct) -> str:
    return stack.get_logical_id(construct.node.default_child)


# --------------------------------------------------------------------- the Studio


def test_iam_mode_studio_has_auth_mode_iam_and_no_user_role(iam_mode):
    _, studio, template = iam_mode
    _, resource = _one(template, "AWS::EMR::Studio")
    assert resource["Properties"]["AuthMode"] == "IAM"
    assert "UserRole" not in resource["Properties"]
    assert studio.user_role is None


def test_name_and_description_reach_the_studio(iam_mode):
    _, _, template = iam_mode
    template.has_resource_properties(
        "AWS::EMR::Studio", {"Name": "analytics", "Description": "Team studio"}
    )


def test_default_name_is_generated_within_the_studio_name_rules():
    _, stack = _stack()
    _studio(stack)
    _, resource = _one(Template.from_stack(stack), "AWS::EMR::Studio")
    name = resource["Properties"]["Name"]
    assert 1 <= len(name) <= 64 and all(c.isalnum() or c in "-_" for c in name)


def test_default_s3_location_is_the_bucket_and_the_prefix_as_a_folder(iam_mode):
    _, studio, template = iam_mode
    template.has_resource_properties(
        "AWS::EMR::Studio", {"DefaultS3Location": "s3://notebooks-bucket/studio/"}
    )


def test_service_role_is_the_emr_studio_service_role_it_made(iam_mode):
    stack, studio, template = iam_mode
    _, resource = _one(template, "AWS::EMR::Studio")
    role_id = stack.get_logical_id(studio.service_role.role.node.default_child)
    assert resource["Properties"]["ServiceRole"] == {"Fn::GetAtt": [role_id, "Arn"]}


def test_studio_depends_on_the_role_and_every_managed_policy_of_it(iam_mode):
    stack, studio, template = iam_mode
    _, resource = _one(template, "AWS::EMR::Studio")
    policies = [stack.get_logical_id(p.node.default_child) for p in studio.service_role.policies]
    assert policies
    assert set(policies) <= set(resource["DependsOn"])


def test_studio_also_depends_on_the_roles_tagging_custom_resource():
    _, stack = _stack()
    vpc = ec2.Vpc.from_vpc_attributes(
        stack, "Imported", vpc_id="vpc-0123456789abcdef0", availability_zones=["eu-west-1a"],
        private_subnet_ids=["subnet-0123456789abcdef0"],
    )
    _studio(stack, vpc=vpc, subnets=vpc.private_subnets, tag_imported_resources=True)
    template = Template.from_stack(stack)
    _, studio = _one(template, "AWS::EMR::Studio")
    custom = [k for k, v in template.to_json()["Resources"].items()
              if v["Type"].startswith("Custom::") or v["Type"] == "AWS::CloudFormation::CustomResource"]
    assert custom and set(custom) <= set(studio["DependsOn"])


def test_vpc_and_chosen_subnets_are_the_studios(iam_mode):
    stack, studio, template = iam_mode
    _, resource = _one(template, "AWS::EMR::Studio")
    vpc_id, _ = _one(template, "AWS::EC2::VPC")
    assert resource["Properties"]["VpcId"] == {"Ref": vpc_id}
    isolated = [
        k for k, v in template.find_resources("AWS::EC2::Subnet").items()
        if {"Key": "aws-cdk:subnet-type", "Value": "Isolated"} in v["Properties"]["Tags"]
    ]
    assert sorted(r["Ref"] for r in resource["Properties"]["SubnetIds"]) == sorted(isolated)


def test_studio_id_url_and_arn_are_the_studios_attributes(iam_mode):
    stack, studio, _ = iam_mode
    sid = _logical_id(stack, studio)
    assert stack.resolve(studio.studio_id) == {"Fn::GetAtt": [sid, "StudioId"]}
    assert stack.resolve(studio.url) == {"Fn::GetAtt": [sid, "Url"]}
    assert stack.resolve(studio.studio_arn) == {"Fn::GetAtt": [sid, "Arn"]}


# ---------------------------------------------------------------- security groups


def _groups(stack, studio) -> Tuple[str, str]:
    return (
        stack.get_logical_id(studio.engine_security_group.node.default_child),
        stack.get_logical_id(studio.workspace_security_group.node.default_child),
    )


def test_studio_uses_the_two_groups(iam_mode):
    stack, studio, template = iam_mode
    engine, workspace = _groups(stack, studio)
    template.has_resource_properties(
        "AWS::EMR::Studio",
        {
            "EngineSecurityGroupId": {"Fn::GetAtt": [engine, "GroupId"]},
            "WorkspaceSecurityGroupId": {"Fn::GetAtt": [workspace, "GroupId"]},
        },
    )


def test_engine_group_accepts_tcp_18888_from_the_workspace_group_only(iam_mode):
    stack, studio, template = iam_mode
    engine, workspace = _groups(stack, studio)
    ingress = [
        r["Properties"] for r in template.find_resources("AWS::EC2::SecurityGroupIngress").values()
        if r["Properties"]["GroupId"] == {"Fn::GetAtt": [engine, "GroupId"]}
    ]
    assert [(i["IpProtocol"], i["FromPort"], i["ToPort"], i["SourceSecurityGroupId"]) for i in ingress] == [
        ("tcp", 18888, 18888, {"Fn::GetAtt": [workspace, "GroupId"]})
    ]
    inline = template.to_json()["Resources"][engine]["Properties"]
    assert "SecurityGroupIngress" not in inline


def test_workspace_group_allows_no_inbound_traffic(iam_mode):
    stack, studio, template = iam_mode
    _, workspace = _groups(stack, studio)
    assert "SecurityGroupIngress" not in template.to_json()["Resources"][workspace]["Properties"]
    for r in template.find_resources("AWS::EC2::SecurityGroupIngress").values():
        assert r["Properties"]["GroupId"] != {"Fn::GetAtt": [workspace, "GroupId"]}


def test_workspace_group_sends_tcp_18888_to_engine_and_tcp_443_anywhere_only(iam_mode):
    stack, studio, template = iam_mode
    engine, workspace = _groups(stack, studio)
    inline = template.to_json()["Resources"][workspace]["Properties"]["SecurityGroupEgress"]
    assert [(e["IpProtocol"], e["FromPort"], e["ToPort"], e["CidrIp"]) for e in inline] == [
        ("tcp", 443, 443, "0.0.0.0/0")
    ]
    separate = [
        r["Properties"] for r in template.find_resources("AWS::EC2::SecurityGroupEgress").values()
        if r["Properties"]["GroupId"] == {"Fn::GetAtt": [workspace, "GroupId"]}
    ]
    rules = [(e["IpProtocol"], e["FromPort"], e["ToPort"], e["DestinationSecurityGroupId"]) for e in separate]
    assert rules == [("tcp", 18888, 18888, {"Fn::GetAtt": [engine, "GroupId"]})]


def test_neither_group_allows_all_outbound_traffic(iam_mode):
    stack, studio, template = iam_mode
    resources = template.to_json()["Resources"]
    for logical_id in _groups(stack, studio):
        for rule in resources[logical_id]["Properties"].get("SecurityGroupEgress", []):
            assert rule["IpProtocol"] != "-1", (logical_id, rule)
            assert not (rule.get("CidrIp") == "0.0.0.0/0" and rule["IpProtocol"] != "tcp"), rule
    for r in template.find_resources("AWS::EC2::SecurityGroupEgress").values():
        assert r["Properties"]["IpProtocol"] != "-1"


def test_engine_group_has_only_cdks_disallow_all_placeholder_egress(iam_mode):
    stack, studio, template = iam_mode
    engine, _ = _groups(stack, studio)
    (egress,) = template.to_json()["Resources"][engine]["Properties"]["SecurityGroupEgress"]
    assert egress["CidrIp"] == "255.255.255.255/32" and egress["Description"] == "Disallow all traffic"


def test_vpc_chosen_subnets_and_both_groups_carry_the_emr_tag_and_other_subnets_do_not(iam_mode):
    stack, studio, template = iam_mode
    resources = template.to_json()["Resources"]
    (vpc,) = template.find_resources("AWS::EC2::VPC").values()
    assert TAG in vpc["Properties"]["Tags"]
    for logical_id in _groups(stack, studio):
        assert TAG in resources[logical_id]["Properties"]["Tags"]
    chosen = {stack.get_logical_id(s.node.default_child) for s in studio_subnets(studio)}
    for logical_id, subnet in template.find_resources("AWS::EC2::Subnet").items():
        assert (TAG in subnet["Properties"]["Tags"]) == (logical_id in chosen), logical_id


def studio_subnets(studio):
    return studio.node.scope.node.find_child("Vpc").isolated_subnets


def test_given_groups_are_used_as_given_and_tagged():
    _, stack = _stack()
    vpc = _vpc(stack)
    engine = ec2.SecurityGroup(stack, "MyEngine", vpc=vpc, allow_all_outbound=False)
    workspace = ec2.SecurityGroup(stack, "MyWorkspace", vpc=vpc, allow_all_outbound=False)
    studio = _studio(stack, vpc=vpc, engine_security_group=engine, workspace_security_group=workspace)
    template = Template.from_stack(stack)
    assert studio.engine_security_group is engine and studio.workspace_security_group is workspace
    assert len(template.find_resources("AWS::EC2::SecurityGroup")) == 2
    template.resource_count_is("AWS::EC2::SecurityGroupIngress", 0)
    template.resource_count_is("AWS::EC2::SecurityGroupEgress", 0)
    for group in template.find_resources("AWS::EC2::SecurityGroup").values():
        assert TAG in group["Properties"]["Tags"]


def test_imported_group_is_warned_about():
    _, stack = _stack()
    vpc = _vpc(stack)
    engine = ec2.SecurityGroup.from_security_group_id(stack, "Engine", "sg-0123456789abcdef0")
    _studio(stack, vpc=vpc, engine_security_group=engine)
    warnings = Annotations.from_stack(stack).find_warning(
        "*", Match.string_like_regexp("imported security group sg-0123456789abcdef0")
    )
    assert len(warnings) == 1


# ------------------------------------------------------------- Identity Center


def test_identity_center_studio_has_auth_mode_sso_and_the_user_role(idc_mode):
    stack, studio, template = idc_mode
    _, resource = _one(template, "AWS::EMR::Studio")
    assert resource["Properties"]["AuthMode"] == "SSO"
    role_id = stack.get_logical_id(studio.user_role.node.default_child)
    assert resource["Properties"]["UserRole"] == {"Fn::GetAtt": [role_id, "Arn"]}


EMR_PRINCIPAL = {"Fn::Join": ["", ["elasticmapreduce.", {"Ref": "AWS::URLSuffix"}]]}


def test_user_role_trusts_emr_for_assume_role_and_set_context_in_one_statement(idc_mode):
    stack, studio, template = idc_mode
    role = template.to_json()["Resources"][stack.get_logical_id(studio.user_role.node.default_child)]
    assert role["Properties"]["AssumeRolePolicyDocument"]["Statement"] == [
        {
            "Sid": "AllowSTSAssumerole",
            "Effect": "Allow",
            # EMR's principal in the stack's partition (.amazonaws.com.cn in aws-cn).
            "Principal": {"Service": EMR_PRINCIPAL},
            "Action": ["sts:AssumeRole", "sts:SetContext"],
        }
    ]


def test_user_role_reads_git_secrets_when_the_service_role_does_not(idc_mode):
    stack, studio, template = idc_mode
    role_id = stack.get_logical_id(studio.user_role.node.default_child)
    policies = [
        p["Properties"]["PolicyDocument"]["Statement"]
        for p in template.find_resources("AWS::IAM::Policy").values()
        if {"Ref": role_id} in p["Properties"]["Roles"]
    ]
    actions = [a for statements in policies for s in statements for a in as_list(s["Action"])]
    assert actions == ["secretsmanager:GetSecretValue"]
    service_sids = [
        s.get("Sid") for p in studio.service_role.policies
        for s in (stack.resolve(p.document.to_json()) or {}).get("Statement", [])
    ]
    assert "AllowSecretsManagerReadOnlyActionsWithEMRTags" not in service_sids


def test_user_role_gets_no_git_secret_statement_when_the_service_role_reads_them():
    _, stack = _stack()
    studio = _studio(stack, auth_mode=StudioAuthMode.IAM_IDENTITY_CENTER)
    assert studio.user_role.node.try_find_child("DefaultPolicy") is None


def test_session_mapping_maps_the_group_to_the_policy_on_this_studio(idc_mode):
    stack, studio, template = idc_mode
    policy_id = stack.get_logical_id(studio.user_policy(UserPolicyLevel.BASIC).policy.node.default_child)
    template.has_resource_properties(
        "AWS::EMR::StudioSessionMapping",
        {
            "IdentityName": "analysts",
            "IdentityType": "GROUP",
            "SessionPolicyArn": {"Ref": policy_id},
            "StudioId": {"Fn::GetAtt": [_logical_id(stack, studio), "StudioId"]},
        },
    )


def test_session_policy_is_attached_to_the_user_role(idc_mode):
    stack, studio, template = idc_mode
    policy_id = stack.get_logical_id(studio.user_policy(UserPolicyLevel.BASIC).policy.node.default_child)
    role = template.to_json()["Resources"][stack.get_logical_id(studio.user_role.node.default_child)]
    assert role["Properties"]["ManagedPolicyArns"] == [{"Ref": policy_id}]


def test_session_policy_passes_this_studios_service_role(idc_mode):
    stack, studio, _ = idc_mode
    document = stack.resolve(studio.user_policy(UserPolicyLevel.BASIC).policy.document.to_json())
    sid = "AllowPassingServiceRoleForWorkspaceCreation"
    (passing,) = [s for s in document["Statement"] if s["Sid"] == sid]
    role_id = stack.get_logical_id(studio.service_role.role.node.default_child)
    assert passing["Resource"] == {"Fn::GetAtt": [role_id, "Arn"]}


def test_user_policy_is_made_once_per_level(idc_mode):
    _, studio, _ = idc_mode
    assert studio.user_policy(UserPolicyLevel.BASIC) is studio.user_policy(UserPolicyLevel.BASIC)


def test_session_mapping_is_refused_in_iam_mode():
    _, stack = _stack()
    studio = _studio(stack)
    policy = iam.ManagedPolicy.from_managed_policy_name(stack, "P", "studio-users")
    with pytest.raises(EmrStudioRoleValidationError, match="StudioAuthMode.IAM"):
        studio.add_session_mapping(identity_name="a", identity_type="USER", session_policy=policy)


def test_identity_type_other_than_user_or_group_is_refused():
    _, stack = _stack()
    studio = _studio(stack, auth_mode=StudioAuthMode.IAM_IDENTITY_CENTER)
    policy = iam.ManagedPolicy.from_managed_policy_name(stack, "P", "studio-users")
    with pytest.raises(EmrStudioRoleValidationError, match="identity_type: got 'ROLE'"):
        studio.add_session_mapping(identity_name="a", identity_type="ROLE", session_policy=policy)


def test_session_policy_must_be_a_managed_policy():
    _, stack = _stack()
    studio = _studio(stack, auth_mode=StudioAuthMode.IAM_IDENTITY_CENTER)
    with pytest.raises(EmrStudioRoleValidationError, match="session_policy: got the string 'arn:"):
        studio.add_session_mapping(
            identity_name="a", identity_type="USER",
            session_policy="arn:aws:iam::111122223333:policy/x",
        )


def test_mapping_the_same_identity_twice_is_refused():
    _, stack = _stack()
    studio = _studio(stack, auth_mode=StudioAuthMode.IAM_IDENTITY_CENTER)
    policy = iam.ManagedPolicy.from_managed_policy_name(stack, "P", "studio-users")
    studio.add_session_mapping(identity_name="a", identity_type="USER", session_policy=policy)
    with pytest.raises(EmrStudioRoleValidationError, match="already mapped"):
        studio.add_session_mapping(identity_name="a", identity_type="USER", session_policy=policy)


def test_presigned_url_grant_is_scoped_to_this_studio_in_iam_mode():
    _, stack = _stack()
    studio = _studio(stack)
    user = iam.Role(stack, "Analyst", assumed_by=iam.AccountRootPrincipal())
    studio.grant_create_presigned_url(user)
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": {
                "Statement": [
                    {
                        "Action": "elasticmapreduce:CreateStudioPresignedUrl",
                        "Effect": "Allow",
                        "Resource": {"Fn::GetAtt": [_logical_id(stack, studio), "Arn"]},
                    }
                ]
            }
        },
    )


def test_presigned_url_grant_is_refused_in_identity_center_mode():
    _, stack = _stack()
    studio = _studio(stack, auth_mode=StudioAuthMode.IAM_IDENTITY_CENTER)
    user = iam.Role(stack, "Analyst", assumed_by=iam.AccountRootPrincipal())
    with pytest.raises(EmrStudioRoleValidationError, match="IAM_IDENTITY_CENTER"):
        studio.grant_create_presigned_url(user)


# ------------------------------------------------ federation and trusted identity


def test_federation_props_reach_the_studio_in_iam_mode():
    _, stack = _stack()
    _studio(stack, idp_auth_url="https://example.okta.com/app/x/y/sso/saml",
            idp_relay_state_parameter_name="RelayState")
    Template.from_stack(stack).has_resource_properties(
        "AWS::EMR::Studio",
        {
            "IdpAuthUrl": "https://example.okta.com/app/x/y/sso/saml",
            "IdpRelayStateParameterName": "RelayState",
        },
    )


def test_federation_props_are_refused_in_identity_center_mode():
    error = _refused(auth_mode=StudioAuthMode.IAM_IDENTITY_CENTER,
                     idp_auth_url="https://example.okta.com/x", idp_relay_state_parameter_name="RelayState")
    expected = "idp_auth_url: got 'https://example.okta.com/x' with auth_mode=IAM_IDENTITY_CENTER"
    assert any(p.startswith(expected) for p in error.problems)
    assert any(p.startswith("idp_relay_state_parameter_name:") for p in error.problems)


def test_federation_url_without_relay_state_is_refused():
    error = _refused(idp_auth_url="https://example.okta.com/x")
    assert any("both or neither" in p for p in error.problems)


def test_trusted_identity_propagation_props_reach_the_studio():
    _, stack = _stack()
    _studio(stack, auth_mode=StudioAuthMode.IAM_IDENTITY_CENTER, trusted_identity_propagation=True,
            idc_instance_arn=IDC_ARN, idc_user_assignment=IdcUserAssignment.REQUIRED)
    Template.from_stack(stack).has_resource_properties(
        "AWS::EMR::Studio",
        {
            "TrustedIdentityPropagationEnabled": True,
            "IdcInstanceArn": IDC_ARN,
            "IdcUserAssignment": "REQUIRED",
        },
    )


def test_trusted_identity_propagation_turns_workspace_collaboration_off_by_default():
    _, stack = _stack()
    studio = _studio(stack, auth_mode=StudioAuthMode.IAM_IDENTITY_CENTER, trusted_identity_propagation=True)
    assert studio.service_role.workspace_collaboration is False


def test_trusted_identity_propagation_with_workspace_collaboration_is_refused():
    error = _refused(auth_mode=StudioAuthMode.IAM_IDENTITY_CENTER, trusted_identity_propagation=True,
                     workspace_collaboration=True)
    assert any(p.startswith("workspace_collaboration: got True with trusted_identity_propagation=True")
               for p in error.problems)


def test_identity_center_props_are_refused_in_iam_mode():
    error = _refused(trusted_identity_propagation=True, idc_instance_arn=IDC_ARN,
                     idc_user_assignment=IdcUserAssignment.OPTIONAL)
    fields = sorted(p.split(":")[0] for p in error.problems)
    assert fields == ["idc_instance_arn", "idc_user_assignment", "trusted_identity_propagation"]


def test_malformed_identity_center_instance_arn_is_refused():
    error = _refused(auth_mode=StudioAuthMode.IAM_IDENTITY_CENTER, idc_instance_arn="ssoins-123")
    assert error.problems[0].startswith("idc_instance_arn: got 'ssoins-123'")


# ------------------------------------------------------------------- refusals


def test_subnets_of_another_vpc_are_refused():
    _, stack = _stack()
    other = _vpc(stack, "OtherVpc")
    with pytest.raises(EmrStudioRoleValidationError, match="not in the given vpc"):
        _studio(stack, subnets=other.isolated_subnets)


def test_imported_subnet_not_among_an_imported_vpcs_subnets_is_refused():
    _, stack = _stack()
    vpc = ec2.Vpc.from_vpc_attributes(
        stack, "Imported", vpc_id="vpc-0123456789abcdef0", availability_zones=["eu-west-1a"],
        private_subnet_ids=["subnet-0aaaaaaaaaaaaaaaa"],
    )
    stray = ec2.Subnet.from_subnet_id(stack, "Stray", "subnet-0bbbbbbbbbbbbbbbb")
    with pytest.raises(EmrStudioRoleValidationError) as info:
        _studio(stack, vpc=vpc, subnets=[stray])
    assert "['subnet-0bbbbbbbbbbbbbbbb'], not in the given vpc vpc-0123456789abcdef0" in str(info.value)


def test_imported_subnet_with_a_vpc_of_unknown_subnets_is_accepted():
    _, stack = _stack()
    vpc = ec2.Vpc.from_vpc_attributes(
        stack, "Imported", vpc_id="vpc-0123456789abcdef0", availability_zones=["eu-west-1a"]
    )
    subnet = ec2.Subnet.from_subnet_id(stack, "S", "subnet-0bbbbbbbbbbbbbbbb")
    studio = _studio(stack, vpc=vpc, subnets=[subnet])
    assert studio.studio.subnet_ids == ["subnet-0bbbbbbbbbbbbbbbb"]


def test_more_than_five_subnets_are_refused():
    _, stack = _stack()
    vpc = ec2.Vpc.from_vpc_attributes(stack, "Imported", vpc_id="vpc-0123456789abcdef0",
                                      availability_zones=["eu-west-1a"])
    subnets = [ec2.Subnet.from_subnet_id(stack, f"S{i}", f"subnet-0{i}aaaaaaaaaaaaaaa") for i in range(6)]
    with pytest.raises(EmrStudioRoleValidationError, match="got 6 subnets; allowed: 1 to 5"):
        _studio(stack, vpc=vpc, subnets=subnets)


def test_no_subnets_are_refused():
    error = _refused(subnets=[])
    assert error.problems[0].startswith("subnets: got 0 subnets")


def test_the_same_group_for_engine_and_workspace_is_refused():
    _, stack = _stack()
    vpc = _vpc(stack)
    group = ec2.SecurityGroup(stack, "G", vpc=vpc)
    with pytest.raises(EmrStudioRoleValidationError, match="got the same group"):
        _studio(stack, vpc=vpc, engine_security_group=group, workspace_security_group=group)


def test_every_problem_is_reported_at_once():
    error = _refused(name="bad name!", description="x" * 300, auth_mode="SSO", subnets=[])
    fields = [p.split(":")[0] for p in error.problems]
    assert fields == ["subnets", "name", "description", "auth_mode"]
    assert error.construct_path == "TestStack/Studio"


def test_a_string_where_an_interface_is_expected_is_refused_with_the_prop_name():
    error = _refused(bucket="notebooks-bucket", workspace_encryption_key="arn:aws:kms:eu-west-1:1:key/x")
    assert [p.split(":")[0] for p in error.problems] == ["bucket", "workspace_encryption_key"]


# ------------------------------------------------------------- role pass-through


def test_role_props_pass_through_to_the_service_role():
    _, stack = _stack()
    studio = _studio(stack, role_name="team-studio-service-role", workspace_collaboration=False)
    assert studio.service_role.workspace_collaboration is False
    Template.from_stack(stack).has_resource_properties(
        "AWS::IAM::Role", {"RoleName": "team-studio-service-role"}
    )


def test_role_props_the_studio_sets_itself_are_not_props_of_the_studio():
    # The props are declared (no **role_props): Python itself refuses an unknown keyword.
    _, stack = _stack()
    with pytest.raises(TypeError, match="unexpected keyword argument 'security_groups'"):
        _studio(stack, security_groups=[])


def test_unknown_props_are_refused_by_python():
    _, stack = _stack()
    with pytest.raises(TypeError, match="unexpected keyword argument 'collaboration'"):
        _studio(stack, collaboration=True)


def test_passthrough_list_names_the_roles_props():
    import inspect

    from emr_studio_role import EmrStudioServiceRole

    params = set(inspect.signature(EmrStudioServiceRole.__init__).parameters)
    # network_owner_account is being added to the role; every other name is a prop today.
    assert set(ROLE_PASSTHROUGH_PROPS) - {"network_owner_account"} <= params


# ----------------------------------------------------------------- workspace key


def test_workspace_key_encrypts_the_studio_and_is_granted_to_the_service_role():
    _, stack = _stack()
    key = kms.Key(stack, "WorkspaceKey", enable_key_rotation=True)
    studio = _studio(stack, workspace_encryption_key=key)
    template = Template.from_stack(stack)
    key_id = stack.get_logical_id(key.node.default_child)
    template.has_resource_properties(
        "AWS::EMR::Studio", {"EncryptionKeyArn": {"Fn::GetAtt": [key_id, "Arn"]}}
    )
    kms_statements = [
        s for p in studio.service_role.policies
        for s in stack.resolve(p.document.to_json())["Statement"] if s.get("Sid") == "KmsKeyActions"
    ]
    assert {"Fn::GetAtt": [key_id, "Arn"]} in [r for s in kms_statements for r in as_list(s["Resource"])]


def test_created_workspace_key_gets_the_pages_key_policy_statement():
    _, stack = _stack()
    key = kms.Key(stack, "WorkspaceKey", enable_key_rotation=True)
    studio = _studio(stack, workspace_encryption_key=key)
    policy = Template.from_stack(stack).to_json()["Resources"][stack.get_logical_id(key.node.default_child)]
    (statement,) = [s for s in policy["Properties"]["KeyPolicy"]["Statement"]
                    if s.get("Sid") == "AllowEMRStudioServiceRoleAccess"]
    role_id = stack.get_logical_id(studio.service_role.role.node.default_child)
    assert statement["Principal"] == {"AWS": {"Fn::GetAtt": [role_id, "Arn"]}}
    assert sorted(statement["Action"]) == sorted(
        ["kms:Decrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:DescribeKey"]
    )
    condition = statement["Condition"]["StringEquals"]
    assert condition["kms:CallerAccount"] == "111122223333"
    assert render(condition["kms:ViaService"]) == "s3.eu-west-1.${AWS::URLSuffix}"
    assert render(condition["kms:EncryptionContext:aws:s3:arn"]).endswith(":s3:::notebooks-bucket")


# ----------------------------------------------------------------- nag and checks


@pytest.mark.parametrize("mode", ["iam", "idc"])
def test_four_nag_packs_and_emr_studio_checks_report_nothing(mode):
    app, stack = _stack(env=None)
    vpc = ec2.Vpc(
        stack, "Vpc", max_azs=2, nat_gateways=0,
        subnet_configuration=[
            ec2.SubnetConfiguration(name="Studio", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
        ],
    )
    log_group = logs.LogGroup(
        stack, "FlowLogs", retention=logs.RetentionDays.ONE_YEAR,
        encryption_key=kms.Key(stack, "LogKey", enable_key_rotation=True),
    )
    flow_log = vpc.add_flow_log(
        "FlowLog", destination=ec2.FlowLogDestination.to_cloud_watch_logs(log_group)
    )
    acknowledge(flow_log, [  # test scaffolding, not the construct under test
        (f"{pack}-IAMNoInlinePolicy", "CDK's flow-log delivery role of the test VPC")
        for pack in ("HIPAA.Security", "NIST.800.53.R5", "PCI.DSS.321")
    ])
    if mode == "iam":
        _studio(stack, vpc=vpc)
    else:
        studio = _studio(stack, vpc=vpc, auth_mode=StudioAuthMode.IAM_IDENTITY_CENTER,
                         git_secret_access=GitSecretAccess.USER_ROLE)
        for level in UserPolicyLevel:
            studio.add_session_mapping(identity_name=level.value, identity_type="GROUP",
                                       session_policy=studio.user_policy(level).policy)
    Validations.of(app).add_plugins(*nag_plugins(app), EmrStudioChecks())
    app.synth()  # raises on any unacknowledged finding


def test_network_owner_account_reaches_the_service_role():
    _, stack = _stack()
    studio = _studio(stack, network_owner_account="999988887777")
    assert studio.service_role.network_owner_account == "999988887777"
    statements = [
        s
        for p in Template.from_stack(stack).find_resources("AWS::IAM::ManagedPolicy").values()
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]
    resources = [
        r
        for s in statements
        if s["Sid"] == "AllowEC2ENICreationInSubnetAndSecurityGroupWithEMRTags"
        for r in s["Resource"]
    ]
    assert "arn:aws:ec2:eu-west-1:999988887777:subnet/*" in resources


def test_an_l1_bucket_is_refused_by_its_path_not_its_repr():
    app, stack = _stack()
    with pytest.raises(EmrStudioRoleValidationError) as info:
        _studio(stack, bucket=s3.CfnBucket(stack, "L1"))
    assert "bucket: got CfnBucket at 'TestStack/L1'" in str(info.value)
    assert " object at 0x" not in str(info.value)
