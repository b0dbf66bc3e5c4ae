"""Values that are the same for every EmrStudioServiceRole of a stack are made once per stack,
and are the same values each role would have made for itself."""

import pytest
from aws_cdk import App, ArnFormat, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_s3 as s3

from emr_studio_role import EmrStudioServiceRole
from emr_studio_role import statements as st
from emr_studio_role.arns import pattern_arn, stack_arn, stack_value
from emr_studio_role.nag import iam5_ids, iam5_resources
from tests.helpers import ENV, cdk_app


@pytest.fixture(params=["agnostic", "bound"])
def stack(request):
    app = cdk_app()
    return Stack(app, "S", **({"env": ENV} if request.param == "bound" else {}))


def test_iam5_ids_print_each_resource_as_one_resolve_of_it_would(stack):
    owned = s3.Bucket(stack, "Owned")
    imported = s3.Bucket.from_bucket_name(stack, "Imported", "notebooks-bucket")
    resources = [
        "*",
        f"{imported.bucket_arn}/studio/*",
        f"{owned.bucket_arn}/teams/a/*",
        owned.bucket_arn,
        pattern_arn(stack, st.SECRET),
        pattern_arn(stack, st.EMR_ANY_RESOURCE_IN_ACCOUNT),
        f"{owned.bucket_arn}/{stack.account}/{stack.region}/*",
    ]
    ids = iam5_ids(stack, resources)
    assert list(ids) == resources
    assert list(ids.values()) == iam5_resources(stack, resources)
    # Known tokens in a new combination: still what a resolve gives.
    later = f"{imported.bucket_arn}/{stack.region}/other/*"
    assert iam5_ids(stack, [later])[later] == iam5_resources(stack, [later])[0]


def test_pattern_arn_is_format_arn_once_per_stack(stack):
    first = pattern_arn(stack, st.SECRET)
    assert pattern_arn(stack, st.SECRET) is first
    assert stack.resolve(first) == stack.resolve(
        stack.format_arn(
            service="secretsmanager", resource="secret", resource_name="*",
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )
    )
    other = pattern_arn(stack, st.SECRET, "444455556666")
    assert "444455556666" in str(stack.resolve(other))


def test_roles_of_one_stack_share_their_trust_principal_and_keep_their_own_trust(stack):
    bucket = s3.Bucket.from_bucket_name(stack, "B", "notebooks-bucket")
    a = EmrStudioServiceRole(stack, "A", bucket=bucket)
    b = EmrStudioServiceRole(stack, "B2", bucket=bucket)
    assert a.role.assume_role_policy is not None and b.role.assume_role_policy is not None
    template = App.of(stack).synth().get_stack_by_name("S").template
    trusts = [
        r["Properties"]["AssumeRolePolicyDocument"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::IAM::Role"
    ]
    assert len(trusts) == 2 and trusts[0] == trusts[1]
    (statement,) = trusts[0]["Statement"]
    assert set(statement["Condition"]) == {"StringEquals", "ArnLike"}


def test_every_role_of_a_stack_refuses_changes_after_synth(stack):
    bucket = s3.Bucket.from_bucket_name(stack, "B", "notebooks-bucket")
    roles = [EmrStudioServiceRole(stack, f"R{i}", bucket=bucket) for i in range(3)]
    App.of(stack).synth()
    for role in roles:
        with pytest.raises(Exception, match="called after the app was synthesized"):
            role.add_storage_location(bucket, prefix="more/")



def test_a_roles_bucket_and_key_attributes_are_each_read_from_jsii_once(stack, monkeypatch):
    """The checks and the storage plan read the bucket's ARN and key, and the key's ARN, of the
    same objects: each attribute is one round trip to the jsii runtime, not one per reader."""
    import jsii
    from aws_cdk import aws_kms as kms

    key = kms.Key.from_key_arn(
        stack, "K", "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    )
    bucket = s3.Bucket.from_bucket_attributes(
        stack, "B", bucket_name="notebooks-bucket", encryption_key=key
    )
    watched = {"bucketArn", "encryptionKey", "keyArn"}
    reads = []
    provider = jsii.kernel.provider
    get = provider.get

    def counted(request):
        if request.property in watched:
            reads.append(request.property)
        return get(request)

    monkeypatch.setattr(provider, "get", counted)
    EmrStudioServiceRole(stack, "R", bucket=bucket, prefix="studio/")
    assert reads.count("bucketArn") == 1
    assert reads.count("encryptionKey") == 1
    # One read of the key's ARN, in one round trip, though ``bucket.encryption_key`` is jsii's
    # interface proxy (whose own ``getattr`` takes two: ``reads.attribute``).
    assert reads.count("keyArn") == 1


def test_other_arns_and_the_stacks_pseudo_values_are_read_once_per_stack(stack):
    """The user policies' ARNs (``user_policies.resolve_resource``) come from ``stack_arn`` and
    ``stack_value``: the same values as ``format_arn`` and the stack's attributes, made once."""
    first = stack_arn(stack, service="glue", resource="database", resource_name="sales")
    assert stack_arn(stack, resource_name="sales", resource="database", service="glue") is first
    assert stack.resolve(first) == stack.resolve(
        stack.format_arn(service="glue", resource="database", resource_name="sales")
    )
    for name in ("partition", "account", "region"):
        assert stack_value(stack, name) is stack_value(stack, name)
        assert stack.resolve(stack_value(stack, name)) == stack.resolve(getattr(stack, name))


def test_an_interface_proxys_attribute_is_read_in_one_round_trip_with_the_same_value(stack, monkeypatch):
    import jsii

    from emr_studio_role.reads import attribute

    subnet = ec2.Subnet.from_subnet_id(stack, "Sub", "subnet-0123456789abcdef0")
    assert type(subnet).__name__ == "InterfaceDynamicProxy"  # what the shortcut is for
    provider = jsii.kernel.provider
    gets = []
    get = provider.get
    monkeypatch.setattr(provider, "get", lambda r: gets.append(r.property) or get(r))
    assert attribute(subnet, "subnet_id") == "subnet-0123456789abcdef0"
    assert gets == ["subnetId"]
    assert attribute(subnet, "node").default_child is None
    with pytest.raises(AttributeError):
        attribute(subnet, "no_such_attribute")


def test_via_service_is_the_service_in_the_stacks_region_and_url_suffix(stack):
    from emr_studio_role.arns import via_service

    assert via_service(stack, "s3") == f"s3.{stack.region}.{stack.url_suffix}"
    assert stack_value(stack, "url_suffix") is stack_value(stack, "url_suffix")
