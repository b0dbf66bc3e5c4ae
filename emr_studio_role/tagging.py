"""The EMR tag on the Studio's VPC, subnets, security groups and Git secrets.

The page: "To use the example policy, you must tag the following resources with
the key for-use-with-amazon-emr-managed-policies and value true".  Resources this
app creates get the tag through ``Tags.of``, limited to the one CloudFormation
type that the page names (tagging a whole ``ec2.Vpc`` would also tag every subnet
in it, which would let EMR Studio use subnets nobody chose).

CloudFormation cannot tag an imported resource.  Each one gets a warning with a
stable id, on the imported resource's own construct (so that it can be acknowledged
for that resource alone), or, with ``tag_imported_resources=True``, a custom resource that tags
it at deploy time and removes the tag on delete.
"""

from __future__ import annotations

import weakref
from typing import List, Optional, Sequence, Set, Tuple

from aws_cdk import Annotations, Tags
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct, IConstruct

from .reads import read
from .statements import EMR_TAG_KEY, EMR_TAG_VALUE

#: Warning ids, stable so that users can acknowledge them.
WARN_IMPORTED_UNTAGGED = "emr-studio-role:importedResourceNotTagged"
#: Metadata type on an imported VPC, subnet or security group warned about with
#: :data:`WARN_IMPORTED_UNTAGGED`; its data is the resource's id.  ``EmrStudioChecks`` reads it
#: from the cloud assembly and does not warn about the same id again (one warning, one id).
IMPORTED_UNTAGGED_METADATA = "emr-studio-role:importedNetworkIdWarned"

_KINDS = {
    "vpc": "AWS::EC2::VPC",
    "subnet": "AWS::EC2::Subnet",
    "security group": "AWS::EC2::SecurityGroup",
    "secret": "AWS::SecretsManager::Secret",
}


#: Per resource: whether it is imported (two round trips to the jsii runtime to find out; the
#: Studios and roles of a stack often share one VPC and its subnets).
_IMPORTED: weakref.WeakKeyDictionary[IConstruct, bool] = weakref.WeakKeyDictionary()


def is_imported(resource: IConstruct) -> bool:
    """True for a resource this app does not create (``from_lookup``, ``from_*_id``, ...)."""
    try:
        return _IMPORTED[resource]
    except (KeyError, TypeError):
        pass
    imported = read(resource, "node").default_child is None
    try:
        _IMPORTED[resource] = imported
    except TypeError:  # pragma: no cover - an object that takes no weak reference
        pass
    return imported


def _ids(kind: str, resource: IConstruct) -> str:
    if kind == "vpc":
        return read(resource, "vpc_id")
    if kind == "subnet":
        return read(resource, "subnet_id")
    if kind == "security group":
        return read(resource, "security_group_id")
    return read(resource, "secret_arn")


def tag_studio_resources(
    owner: Construct,
    *,
    vpc: Optional[ec2.IVpc],
    subnets: Sequence[ec2.ISubnet],
    security_groups: Sequence[ec2.ISecurityGroup],
    secrets: Sequence[secretsmanager.ISecret],
    tag_imported: bool,
    network_owner_account: Optional[str] = None,
) -> List[Tuple[str, IConstruct]]:
    """Tag what we can; warn about, or tag at deploy time, what we cannot.

    Returns the imported resources as ``(kind, resource)``.
    """
    items: List[Tuple[str, IConstruct]] = []
    if vpc is not None:
        items.append(("vpc", vpc))
    items += [("subnet", s) for s in subnets]
    items += [("security group", g) for g in security_groups]
    items += [("secret", s) for s in secrets]

    imported: List[Tuple[str, IConstruct]] = []
    for kind, resource in items:
        if is_imported(resource):
            imported.append((kind, resource))
        elif _first(resource, ("tag", kind)):
            Tags.of(resource).add(
                EMR_TAG_KEY, EMR_TAG_VALUE, include_resource_types=[_KINDS[kind]]
            )
    if not imported:
        return imported
    if tag_imported:
        from .imported import ImportedResourceTagger

        ImportedResourceTagger(owner, "TagImportedResources", resources=imported)
        return imported
    for kind, resource in imported:
        ident = _ids(kind, resource)
        shown = ident if "${Token[" not in ident else resource.node.path
        if network_owner_account is not None and kind in ("vpc", "subnet"):
            fix = (
                f"it belongs to the VPC owner's account {network_owner_account} (AWS RAM), so "
                "that account must apply the tag: a participant can neither tag it nor see the "
                "owner's tags"
            )
        else:
            fix = (
                "apply that tag yourself, or tag it at deploy time with "
                "tag_imported_resources=True (in the app: -c tagImportedResources=true)"
            )
        message = (
            f"The imported {kind} {shown} cannot be tagged by CloudFormation. EMR Studio's "
            f"service role only works with it once it carries the tag "
            f"{EMR_TAG_KEY}={EMR_TAG_VALUE}: {fix}."
        )
        if not _first(resource, ("warning", message)):
            continue  # another role of the app gave this resource the same warning
        if kind != "secret":
            read(resource, "node").add_metadata(IMPORTED_UNTAGGED_METADATA, ident)
        Annotations.of(resource).add_warning_v2(WARN_IMPORTED_UNTAGGED, message)
    return imported


#: Per resource: what it has been given already, by this module: ``("warning", message)`` for
#: an imported resource's warning, ``("tag", kind)`` for the EMR tag on a resource of the app.
#: The roles and Studios of an app often share a VPC and its subnets; CDK keeps one copy of a
#: repeated warning, a second ``Tags.of(...).add`` of the same tag adds nothing to the
#: template, and each repeat costs two to four round trips to the jsii runtime.
_GIVEN: weakref.WeakKeyDictionary[IConstruct, Set[Tuple[str, str]]] = weakref.WeakKeyDictionary()


def _first(resource: IConstruct, what: Tuple[str, str]) -> bool:
    """True the first time ``resource`` is to be given ``what``."""
    try:
        given = _GIVEN.setdefault(resource, set())
    except TypeError:  # pragma: no cover - an object that takes no weak reference
        return True
    if what in given:
        return False
    given.add(what)
    return True
