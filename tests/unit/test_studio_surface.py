"""EmrStudio's surface keeps the role's promises (issues 16, 19 items 4-6, 15): declared props, an
existing service role, refusals of every hostile input with clear messages, nothing left behind,
nothing accepted after synth.

One behaviour per test; each test builds its own small app (no CLI, no shared output folder).
"""

from __future__ import annotations

import inspect
from typing import Any, Tuple

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Template

from emr_studio_role import (
    EmrStudio,
    EmrStudioRoleValidationError,
    EmrStudioServiceRole,
    StudioAuthMode,
    StudioCompute,
    UserPolicyLevel,
)
from emr_studio_role.studio import ROLE_PASSTHROUGH_PROPS
from tests.helpers import ENV, cdk_app

TAG = {"Key": "for-use-with-amazon-emr-managed-policies", "Value": "true"}
VPC_ID = "vpc-0123456789abcdef0"


def _stack() -> Tuple[App, Stack]:
    app = cdk_app()
    return app, Stack(app, "TestStack", env=ENV)


def _vpc(stack: Stack, id: str = "Vpc") -> ec2.Vpc:
    return ec2.Vpc(
        stack, id, max_azs=2, nat_gateways=0, restrict_default_security_group=False,
        subnet_configuration=[
            ec2.SubnetConfiguration(name="Public", subnet_type=ec2.SubnetType.PUBLIC),
            ec2.SubnetConfiguration(name="Studio", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
        ],
    )


def _imported_vpc(stack: Stack, vpc_id: str = VPC_ID) -> ec2.IVpc:
    return ec2.Vpc.from_vpc_attributes(stack, "Imported", vpc_id=vpc_id, availability_zones=["eu-west-1a"])


def _bucket(stack: Stack) -> s3.IBucket:
    found = stack.node.try_find_child("Bucket")
    return found if found is not None else s3.Bucket.from_bucket_name(stack, "Bucket", "notebooks-bucket")


def _studio(stack: Stack, vpc: Any = None, **props: Any) -> EmrStudio:
    vpc = vpc if vpc is not None else _vpc(stack)
    if "subnets" not in props:
        props["subnets"] = vpc.isolated_subnets
    props.setdefault("bucket", _bucket(stack))
    return EmrStudio(stack, "Studio", vpc=vpc, **props)


def _problems(build) -> Tuple[str, ...]:
    app, stack = _stack()
    with pytest.raises(EmrStudioRoleValidationError) as caught:
        build(stack)
    assert caught.value.construct == "EmrStudio"
    return caught.value.problems


def _idc(stack: Stack) -> EmrStudio:
    return _studio(stack, auth_mode=StudioAuthMode.IAM_IDENTITY_CENTER)


def _managed(stack: Stack) -> iam.IManagedPolicy:
    return iam.ManagedPolicy.from_managed_policy_name(stack, "P", "studio-users")


# --------------------------------------------------------------------------- declared props


def test_the_roles_props_are_declared_parameters_not_a_catch_all():
    params = inspect.signature(EmrStudio.__init__).parameters
    assert all(p.kind is not inspect.Parameter.VAR_KEYWORD for p in params.values())
    assert set(ROLE_PASSTHROUGH_PROPS) | {"service_role"} <= set(params)


def test_a_misspelled_required_prop_is_named_by_python():
    _, stack = _stack()
    with pytest.raises(TypeError, match="unexpected keyword argument 'bucket_name'"):
        EmrStudio(stack, "Studio", vpc=_vpc(stack), subnets=[], bucket_name="notebooks")


# --------------------------------------------------------------------------- an existing service role


def _shared_role(stack: Stack, **props: Any) -> EmrStudioServiceRole:
    return EmrStudioServiceRole(stack, "SharedRole", bucket=_bucket(stack), prefix="shared/", **props)


def test_an_existing_service_role_is_used_and_no_other_role_is_made():
    _, stack = _stack()
    role = _shared_role(stack)
    studio = _studio(stack, service_role=role, prefix="studio/")
    assert studio.service_role is role and studio.node.try_find_child("ServiceRole") is None
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::IAM::Role", 1)
    (studio_resource,) = template.find_resources("AWS::EMR::Studio").values()
    role_id = stack.get_logical_id(role.role.node.default_child)
    assert studio_resource["Properties"]["ServiceRole"] == {"Fn::GetAtt": [role_id, "Arn"]}


def test_an_existing_service_role_gets_the_studios_storage_location():
    _, stack = _stack()
    role = _shared_role(stack)
    _studio(stack, service_role=role, prefix="studio")
    assert [loc.prefix for loc in role.storage_locations] == ["shared/", "studio/"]


def test_two_studios_share_one_role_and_its_policies():
    _, stack = _stack()
    role = _shared_role(stack)
    vpc = _vpc(stack)
    EmrStudio(stack, "A", vpc=vpc, subnets=vpc.isolated_subnets[:1], bucket=role.storage_locations[0].bucket,
              prefix="shared/", service_role=role)
    EmrStudio(stack, "B", vpc=vpc, subnets=vpc.isolated_subnets[1:], bucket=role.storage_locations[0].bucket,
              prefix="shared/", service_role=role)
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::EMR::Studio", 2)
    template.resource_count_is("AWS::IAM::Role", 1)
    assert len(role.storage_locations) == 1


def test_with_an_existing_role_the_studio_tags_its_own_security_groups_and_network():
    _, stack = _stack()
    role = _shared_role(stack)
    studio = _studio(stack, service_role=role)
    template = Template.from_stack(stack)
    for group in (studio.engine_security_group, studio.workspace_security_group):
        resource = template.to_json()["Resources"][stack.get_logical_id(group.node.default_child)]
        assert TAG in resource["Properties"]["Tags"]
    (vpc,) = template.find_resources("AWS::EC2::VPC").values()
    assert TAG in vpc["Properties"]["Tags"]


def test_the_roles_own_props_are_refused_with_an_existing_role_naming_each():
    problems = _problems(lambda s: _studio(s, service_role=_shared_role(s), role_name="x", path="/emr/"))
    assert [p.split(":")[0] for p in problems] == ["role_name", "path"]
    assert all("it is the role's own prop: give it to the EmrStudioServiceRole at 'TestStack/SharedRole'" in p
               for p in problems)


def test_an_emr_serverless_role_is_refused_as_a_studios_service_role():
    serverless = StudioCompute.EMR_SERVERLESS
    (problem,) = _problems(lambda s: _studio(s, service_role=_shared_role(s, compute=serverless)))
    assert problem.startswith(
        "service_role: got the role at 'TestStack/SharedRole' with compute=EMR_SERVERLESS"
    )


def test_a_plain_iam_role_is_refused_as_service_role_by_its_path():
    def build(s):
        role = iam.Role(s, "Plain", assumed_by=iam.ServicePrincipal("elasticmapreduce.amazonaws.com"))
        _studio(s, service_role=role)

    (problem,) = _problems(build)
    assert problem.startswith("service_role: got Role at 'TestStack/Plain'; allowed: an EmrStudioServiceRole")


def test_a_workspace_key_the_existing_role_does_not_hold_is_refused():
    def build(s):
        key = kms.Key(s, "Key", enable_key_rotation=True)
        _studio(s, service_role=_shared_role(s), workspace_encryption_key=key)

    (problem,) = _problems(build)
    assert problem.startswith("workspace_encryption_key: got Key at 'TestStack/Key', which the service role")


def test_an_existing_role_with_collaboration_is_refused_with_trusted_identity_propagation():
    (problem,) = _problems(lambda s: _studio(
        s, service_role=_shared_role(s), auth_mode=StudioAuthMode.IAM_IDENTITY_CENTER,
        trusted_identity_propagation=True,
    ))
    assert "workspace_collaboration=False" in problem and problem.startswith("service_role:")


# --------------------------------------------------------------------------- messages


def test_subnet_id_strings_are_refused_with_the_from_subnet_id_hint():
    (problem,) = _problems(lambda s: _studio(s, subnets=["subnet-0123456789abcdef0"]))
    assert problem == (
        "subnets[0]: got the string 'subnet-0123456789abcdef0'; allowed: a construct (for an existing "
        "one use ec2.Subnet.from_subnet_id(scope, id, 'subnet-0123456789abcdef0'))"
    )


def test_a_vpc_id_string_is_refused_with_the_from_vpc_attributes_hint():
    problems = _problems(lambda s: EmrStudio(s, "Studio", vpc=VPC_ID, subnets=_vpc(s).isolated_subnets,
                                             bucket=_bucket(s)))
    assert problems[0].startswith(f"vpc: got the string '{VPC_ID}'") and "from_vpc_attributes" in problems[0]


def test_a_security_group_id_string_is_refused_with_the_from_security_group_id_hint():
    (problem,) = _problems(lambda s: _studio(s, engine_security_group="sg-0123456789abcdef0"))
    assert "ec2.SecurityGroup.from_security_group_id(scope, id, 'sg-0123456789abcdef0')" in problem


def test_selected_subnets_are_refused_without_a_repr_of_them():
    (problem,) = _problems(lambda s: _studio(s, vpc=(v := _vpc(s)), subnets=v.select_subnets()))
    assert problem.startswith("subnets: got the result of vpc.select_subnets(...)")
    assert "SelectedSubnets(" not in problem and "InterfaceDynamicProxy" not in problem


def test_the_selected_subnets_hint_names_no_vpc_subnets_prop_that_emr_studio_does_not_have():
    (problem,) = _problems(lambda s: _studio(s, vpc=(v := _vpc(s)), subnets=v.select_subnets()))
    assert problem.endswith("(pass selected.subnets)") and "vpc_subnets" not in problem


def test_a_vpc_among_the_subnets_is_named_by_its_path_not_a_proxy():
    (problem,) = _problems(lambda s: _studio(s, vpc=(v := _vpc(s)), subnets=[v]))
    assert problem.startswith("subnets[0]: got Vpc at 'TestStack/Vpc'")
    assert " object at 0x" not in problem


def test_a_bad_name_does_not_hide_bad_prefix_role_name_and_path():
    problems = _problems(lambda s: _studio(s, name="bad name!", prefix="a*", role_name="r\n", path="emr"))
    assert [p.split(":")[0] for p in problems] == ["prefix", "name", "role_name", "path"]


def test_a_type_error_does_not_hide_the_roles_value_errors():
    problems = _problems(lambda s: _studio(s, auth_mode="SSO", role_name="bad*"))
    assert [p.split(":")[0] for p in problems] == ["auth_mode", "role_name"]


# --------------------------------------------------------------------------- nothing left behind


def test_a_refused_studio_leaves_no_security_group_and_no_node():
    app, stack = _stack()
    vpc = _vpc(stack)
    with pytest.raises(EmrStudioRoleValidationError):
        _studio(stack, vpc=vpc, role_name="bad*")  # the role's refusal came after the groups
    assert stack.node.try_find_child("Studio") is None
    Template.from_stack(stack).resource_count_is("AWS::EC2::SecurityGroup", 0)


def test_after_a_refusal_the_same_id_can_be_used_again():
    app, stack = _stack()
    vpc = _vpc(stack)
    with pytest.raises(EmrStudioRoleValidationError):
        _studio(stack, vpc=vpc, name="bad name")
    studio = _studio(stack, vpc=vpc, name="good-name")
    assert studio.node.path == "TestStack/Studio"


def test_a_refused_studio_with_an_existing_role_leaves_the_role_unchanged():
    app, stack = _stack()
    role = _shared_role(stack)
    vpc = _vpc(stack)
    with pytest.raises(EmrStudioRoleValidationError):
        _studio(stack, vpc=vpc, service_role=role, prefix="studio/", name="bad name")
    assert [loc.prefix for loc in role.storage_locations] == ["shared/"]
    _studio(stack, vpc=vpc, service_role=role, prefix="studio/", name="good-name")
    assert [loc.prefix for loc in role.storage_locations] == ["shared/", "studio/"]


# --------------------------------------------------------------------------- values AWS::EMR::Studio refuses


def test_an_idp_auth_url_longer_than_4096_is_refused():
    url = "https://idp.example.com/" + "a" * 4073
    (problem,) = _problems(
        lambda s: _studio(s, idp_auth_url=url, idp_relay_state_parameter_name="RelayState")
    )
    assert problem == "idp_auth_url: got 4097 characters; allowed: at most 4096 (AWS::EMR::Studio IdpAuthUrl)"


@pytest.mark.parametrize("url", ["http://idp.example.com/", "https://idp.example.com/\n", "https://"])
def test_an_idp_auth_url_that_is_no_https_url_is_refused(url):
    (problem,) = _problems(
        lambda s: _studio(s, idp_auth_url=url, idp_relay_state_parameter_name="RelayState")
    )
    assert problem.startswith(f"idp_auth_url: got {url!r}")


@pytest.mark.parametrize("vpc_id", ["vpc-abc", "vpc-0123456789ABCDEF0", "vpc-*"])
def test_an_imported_vpc_id_of_the_wrong_shape_is_refused(vpc_id):
    def build(s):
        vpc = _imported_vpc(s, vpc_id)
        _studio(s, vpc=vpc, subnets=[ec2.Subnet.from_subnet_id(s, "S", "subnet-0aaaaaaaaaaaaaaaa")])

    (problem,) = _problems(build)
    assert problem.startswith(f"vpc (vpc id): got the vpc id {vpc_id!r}; allowed: 'vpc-' and 8 or 17")


@pytest.mark.parametrize("subnet_id", ["subnet-abc", "subnet-0123456789ABCDEF0"])
def test_an_imported_subnet_id_of_the_wrong_shape_is_refused(subnet_id):
    def build(s):
        _studio(s, vpc=_imported_vpc(s), subnets=[ec2.Subnet.from_subnet_id(s, "S", subnet_id)])

    (problem,) = _problems(build)
    assert problem.startswith(f"subnets[0] (subnet id): got the subnet id {subnet_id!r}")


def test_an_imported_security_group_id_of_the_wrong_shape_is_refused():
    def build(s):
        group = ec2.SecurityGroup.from_security_group_id(s, "G", "sg-abc")
        _studio(s, engine_security_group=group)

    (problem,) = _problems(build)
    assert problem.startswith("engine_security_group (security group id): got the security group id 'sg-abc'")


@pytest.mark.parametrize("description", ["team\x00studio", "bell\x07", "x" * 257])
def test_a_description_emr_refuses_is_refused(description):
    (problem,) = _problems(lambda s: _studio(s, description=description))
    assert problem.startswith("description: got")


@pytest.mark.parametrize("name", ["studio\n", "", "a" * 257, "stüdio"])
def test_a_name_emr_refuses_is_refused_naming_the_escaped_value(name):
    (problem,) = _problems(lambda s: _studio(s, name=name))
    assert problem.startswith(f"name: got {name[:70]!r}"[:30])


def test_the_same_created_subnet_twice_is_refused():
    def build(s):
        vpc = _vpc(s)
        _studio(s, vpc=vpc, subnets=[vpc.isolated_subnets[0], vpc.isolated_subnets[0]])

    (problem,) = _problems(build)
    assert problem.startswith("subnets: got ['TestStack/Vpc/StudioSubnet1'] more than once")


def test_a_security_group_of_another_vpc_is_refused():
    def build(s):
        group = ec2.SecurityGroup(s, "Elsewhere", vpc=_vpc(s, "OtherVpc"))
        _studio(s, workspace_security_group=group)

    (problem,) = _problems(build)
    assert problem.startswith(
        "workspace_security_group: got SecurityGroup at 'TestStack/Elsewhere', "
        "a security group of another VPC"
    )


def test_a_relay_state_name_longer_than_256_is_refused():
    (problem,) = _problems(lambda s: _studio(s, idp_auth_url="https://idp.example.com/x",
                                             idp_relay_state_parameter_name="R" * 257))
    assert problem.startswith("idp_relay_state_parameter_name: got 257 characters; allowed: at most 256")


def test_an_identity_center_instance_arn_with_a_trailing_newline_is_refused():
    (problem,) = _problems(lambda s: _studio(s, auth_mode=StudioAuthMode.IAM_IDENTITY_CENTER,
                                             idc_instance_arn="arn:aws:sso:::instance/ssoins-1234567890abcdef\n"))
    assert problem.startswith("idc_instance_arn: got 'arn:aws:sso:::instance/ssoins-1234567890abcdef\\n'")


# --------------------------------------------------------------------------- methods after synth


def test_add_session_mapping_after_synth_is_refused():
    app, stack = _stack()
    studio = _idc(stack)
    policy = _managed(stack)
    app.synth()
    with pytest.raises(EmrStudioRoleValidationError, match="add_session_mapping: called after the app"):
        studio.add_session_mapping(identity_name="a", identity_type="USER", session_policy=policy)


def test_grant_create_presigned_url_after_synth_is_refused():
    app, stack = _stack()
    studio = _studio(stack)
    user = iam.Role(stack, "Analyst", assumed_by=iam.AccountRootPrincipal())
    app.synth()
    with pytest.raises(EmrStudioRoleValidationError, match="grant_create_presigned_url: called after"):
        studio.grant_create_presigned_url(user)


def test_making_a_user_policy_after_synth_is_refused():
    app, stack = _stack()
    studio = _idc(stack)
    app.synth()
    with pytest.raises(EmrStudioRoleValidationError, match="user_policy: called after"):
        studio.user_policy(UserPolicyLevel.ADVANCED)


def test_reading_a_user_policy_made_before_synth_is_allowed_after_it():
    app, stack = _stack()
    studio = _idc(stack)
    made = studio.user_policy(UserPolicyLevel.BASIC)
    app.synth()
    assert studio.user_policy(UserPolicyLevel.BASIC) is made


def test_an_after_synth_refusal_names_the_studio_not_the_role():
    app, stack = _stack()
    studio = _idc(stack)
    app.synth()
    with pytest.raises(EmrStudioRoleValidationError) as caught:
        studio.user_policy(UserPolicyLevel.ADVANCED)
    assert str(caught.value).startswith("EmrStudio at 'TestStack/Studio'")


# --------------------------------------------------------------------------- method arguments


def test_an_inline_policy_as_session_policy_is_refused_by_its_path():
    _, stack = _stack()
    studio = _idc(stack)
    statement = iam.PolicyStatement(actions=["s3:ListBucket"], resources=["*"])
    inline = iam.Policy(stack, "Inline", statements=[statement])
    with pytest.raises(EmrStudioRoleValidationError) as caught:
        studio.add_session_mapping(identity_name="a", identity_type="USER", session_policy=inline)
    (problem,) = caught.value.problems
    assert problem.startswith("session_policy: got Policy at 'TestStack/Inline', an inline policy")


def test_a_user_policy_object_as_session_policy_is_refused_with_the_fix():
    _, stack = _stack()
    studio = _idc(stack)
    made = studio.user_policy(UserPolicyLevel.BASIC)
    with pytest.raises(EmrStudioRoleValidationError, match=r"pass its \.policy"):
        studio.add_session_mapping(identity_name="a", identity_type="USER", session_policy=made)


@pytest.mark.parametrize("identity", ["", "   ", "a\x00b", "u" * 257, 7])
def test_an_identity_name_emr_refuses_is_refused(identity):
    _, stack = _stack()
    studio = _idc(stack)
    with pytest.raises(EmrStudioRoleValidationError, match="identity_name: got"):
        studio.add_session_mapping(
            identity_name=identity, identity_type="USER", session_policy=_managed(stack)
        )


def test_a_refused_session_mapping_leaves_the_studio_as_it_was():
    _, stack = _stack()
    studio = _idc(stack)
    with pytest.raises(EmrStudioRoleValidationError):
        studio.add_session_mapping(identity_name="", identity_type="USER", session_policy=_managed(stack))
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::EMR::StudioSessionMapping", 0)
    role = template.to_json()["Resources"][stack.get_logical_id(studio.user_role.node.default_child)]
    assert "ManagedPolicyArns" not in role["Properties"]


def test_runtime_role_arns_as_strings_are_refused_with_the_from_role_arn_hint():
    _, stack = _stack()
    studio = _idc(stack)
    arn = "arn:aws:iam::111122223333:role/runtime"
    with pytest.raises(EmrStudioRoleValidationError, match=r"iam.Role.from_role_arn\(scope, id, 'arn:aws"):
        studio.user_policy(UserPolicyLevel.ADVANCED, serverless_runtime_roles=[arn])


def test_a_grantee_that_is_no_grantable_is_refused_naming_the_argument():
    _, stack = _stack()
    studio = _studio(stack)
    with pytest.raises(EmrStudioRoleValidationError, match="grantee: got 'analyst'"):
        studio.grant_create_presigned_url("analyst")
