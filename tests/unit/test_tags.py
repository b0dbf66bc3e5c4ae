"""The EMR tag goes on the Studio's VPC, subnets, security groups and Git secrets, and nothing else."""

import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_secretsmanager as sm
from aws_cdk.assertions import Match

from tests.helpers import role_stack, template_of

TAG = {"Key": "for-use-with-amazon-emr-managed-policies", "Value": "true"}


@pytest.fixture(scope="module")
def tagged():
    """A Studio on a new VPC: one chosen private subnet, a custom security group, a Git secret."""
    holder = {}

    def configure(stack):
        vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=0)
        chosen = vpc.isolated_subnets[0] if vpc.isolated_subnets else vpc.public_subnets[0]
        group = ec2.SecurityGroup(stack, "StudioGroup", vpc=vpc)
        secret = sm.Secret(stack, "GitSecret")
        holder.update(vpc=vpc, chosen=chosen)
        return {"vpc": vpc, "subnets": [chosen], "security_groups": [group], "git_secrets": [secret]}

    stack, _ = role_stack(configure)
    return template_of(stack), stack, holder


def _tagged_ids(template, type_):
    return {
        logical_id
        for logical_id, res in template.find_resources(type_).items()
        if TAG in res["Properties"].get("Tags", [])
    }


def test_vpc_carries_the_emr_tag(tagged):
    template, _, _ = tagged
    template.has_resource_properties("AWS::EC2::VPC", {"Tags": Match.array_with([TAG])})


def test_only_the_chosen_subnet_carries_the_emr_tag(tagged):
    template, stack, holder = tagged
    chosen = stack.get_logical_id(holder["chosen"].node.default_child)
    assert _tagged_ids(template, "AWS::EC2::Subnet") == {chosen}


def test_custom_security_group_carries_the_emr_tag(tagged):
    template, _, _ = tagged
    assert len(_tagged_ids(template, "AWS::EC2::SecurityGroup")) == 1


def test_git_secret_carries_the_emr_tag(tagged):
    template, _, _ = tagged
    template.has_resource_properties("AWS::SecretsManager::Secret", {"Tags": Match.array_with([TAG])})


def test_vpc_children_other_than_chosen_resources_are_not_tagged(tagged):
    template, _, _ = tagged
    for type_ in ("AWS::EC2::RouteTable", "AWS::EC2::InternetGateway"):
        assert _tagged_ids(template, type_) == set()


def test_no_tag_is_added_without_network_or_secrets():
    stack, _ = role_stack()
    for res in template_of(stack).to_json()["Resources"].values():
        assert TAG not in res.get("Properties", {}).get("Tags", [])


def test_a_network_shared_by_two_roles_is_tagged_once_and_each_resource_carries_the_tag_once(monkeypatch):
    """Two roles on one VPC, subnet and security group: one ``Tags.of(...).add`` per resource
    (a second one adds nothing to the template and costs round trips), the same tags."""
    from aws_cdk import Tags
    from aws_cdk import aws_s3 as s3

    from emr_studio_role import EmrStudioServiceRole, tagging

    tagged = []
    real_of = Tags.of
    monkeypatch.setattr(tagging.Tags, "of", lambda scope: tagged.append(scope.node.path) or real_of(scope))
    holder = {}

    def configure(stack):
        vpc = ec2.Vpc(stack, "Vpc", max_azs=1, nat_gateways=0)
        subnet = vpc.isolated_subnets[0] if vpc.isolated_subnets else vpc.public_subnets[0]
        group = ec2.SecurityGroup(stack, "StudioGroup", vpc=vpc)
        holder.update(vpc=vpc, subnet=subnet, group=group)
        return {"vpc": vpc, "subnets": [subnet], "security_groups": [group]}

    stack, _ = role_stack(configure)
    EmrStudioServiceRole(
        stack, "Second", bucket=s3.Bucket.from_bucket_name(stack, "B2", "other-bucket"),
        vpc=holder["vpc"], subnets=[holder["subnet"]], security_groups=[holder["group"]],
    )
    assert sorted(tagged) == sorted({holder[k].node.path for k in ("vpc", "subnet", "group")})
    template = template_of(stack)
    for type_ in ("AWS::EC2::VPC", "AWS::EC2::Subnet", "AWS::EC2::SecurityGroup"):
        (tags,) = [
            r["Properties"]["Tags"] for r in template.find_resources(type_).values()
            if TAG in r["Properties"].get("Tags", [])
        ]
        assert tags.count(TAG) == 1, (type_, tags)
