"""The EMR tag on the Studio's network: ``EmrStudio-NetworkTagged`` (the VPC, subnets and
security groups a Studio names) and ``EmrStudio-SecurityGroupTagged`` (a pair of security
groups with EMR Studio's rules that no Studio of the app names)."""

from __future__ import annotations

import json
from typing import Dict, Iterable, List, Optional, Set, Tuple

from .. import statements as st
from .model import WARNING, AppTemplates, Finding, Json, as_list, mapping, props
from .render import Renderer
from .rules import RULE_NETWORK, RULE_SECURITY_GROUPS

#: The Studio's network properties, and the resource type each one names.
STUDIO_NETWORK_PROPERTIES: Tuple[Tuple[str, str], ...] = (
    ("VpcId", "AWS::EC2::VPC"),
    ("SubnetIds", "AWS::EC2::Subnet"),
    ("WorkspaceSecurityGroupId", "AWS::EC2::SecurityGroup"),
    ("EngineSecurityGroupId", "AWS::EC2::SecurityGroup"),
)
_TAG_CALL_ACTIONS = frozenset({"createtags"})


def has_emr_tag(resource: Json) -> bool:
    """The resource's own ``Tags`` hold ``for-use-with-amazon-emr-managed-policies=true``
    (the value as CloudFormation reads it: YAML's unquoted ``true`` is the text ``true``)."""
    renderer = Renderer(None, "")
    return any(
        isinstance(tag, dict)
        and renderer.render(tag.get("Key")) == st.EMR_TAG_KEY
        and renderer.render(tag.get("Value")) == st.EMR_TAG_VALUE
        for tag in as_list(props(resource).get("Tags"))
    )


def tagged_by_custom_resources(app: AppTemplates) -> frozenset:
    """The ids that an ``AwsCustomResource`` (``Custom::AWS``) of the app tags with the EMR
    tag when it is created: EC2 ``createTags`` with the tag key and value ``true``.

    Ids are rendered in the custom resource's template, so a literal id is itself and a
    reference is the same ``${...}`` text as the Studio's reference to the same thing.
    """
    out = set()
    for path, _, resource in app.all_resources("Custom::AWS"):
        rendered = Renderer(app, path).render(props(resource).get("Create"))
        try:
            call = json.loads(rendered)
        except ValueError:
            continue
        if not isinstance(call, dict) or str(call.get("service", "")).lower() != "ec2":
            continue
        if str(call.get("action", "")).lower() not in _TAG_CALL_ACTIONS:
            continue
        parameters = mapping(call.get("parameters"))
        tags = as_list(parameters.get("Tags"))
        if not any(
            isinstance(t, dict) and t.get("Key") == st.EMR_TAG_KEY and t.get("Value") == st.EMR_TAG_VALUE
            for t in tags
        ):
            continue
        out.update(r for r in as_list(parameters.get("Resources")) if isinstance(r, str))
    return frozenset(out)


def check_studio_network_tags(
    logical_id: str,
    studio: Json,
    template: str = "",
    renderer: Optional[Renderer] = None,
    tagged_ids: Iterable[str] = (),
    warned_ids: Iterable[str] = (),
) -> List[Finding]:
    """Rule ``EmrStudio-NetworkTagged`` for one ``AWS::EMR::Studio``.

    Each of its ``VpcId``, ``SubnetIds``, ``WorkspaceSecurityGroupId`` and
    ``EngineSecurityGroupId`` must carry the EMR tag, which the page's conditions
    require at run time: a resource of the app through its ``Tags``, any id through a
    tagging custom resource (``tagged_ids``, see :func:`tagged_by_custom_resources`).
    A resource of the app without the tag is an error.  An id that is not a resource of
    the app (imported) and that no custom resource tags is a warning: its tag cannot be
    seen here; but not when it is in ``warned_ids``, the imported ids that
    ``EmrStudioServiceRole`` already warns about in the app
    (``emr-studio-role:importedResourceNotTagged``, on the imported resource itself), so
    that each resource is warned about once, under one id.
    """
    renderer = renderer or Renderer(None, template)
    tagged = frozenset(tagged_ids)
    warned = frozenset(warned_ids)
    findings = []
    for prop, type_ in STUDIO_NETWORK_PROPERTIES:
        raw = props(studio).get(prop)
        if raw is None:
            continue
        values = raw if isinstance(raw, list) else [raw]
        if prop == "SubnetIds" and not isinstance(raw, list):
            findings.append(
                Finding(
                    RULE_NETWORK, template, logical_id, f"Properties/{prop}",
                    f"Studio {logical_id}: {prop} is {renderer.show(raw)}, not a list of ids, so "
                    f"whether each subnet carries the tag {st.EMR_TAG_KEY}={st.EMR_TAG_VALUE} "
                    "cannot be checked.",
                    WARNING,
                )
            )
            continue
        for index, value in enumerate(values):
            where = f"Properties/{prop}" + (f"/{index}" if prop == "SubnetIds" else "")
            shown = renderer.render(value)
            if shown in tagged:
                continue
            target = renderer.target(value)
            resource = None
            if target is not None and renderer.app is not None:
                resource = renderer.app.resources(target[0])[target[1]]
            if resource is not None and resource.get("Type") == type_:
                if has_emr_tag(resource):
                    continue
                findings.append(
                    Finding(
                        RULE_NETWORK, template, logical_id, where,
                        f"Studio {logical_id}: its {prop} {target[1]} ({type_}) does not carry the "
                        f"tag {st.EMR_TAG_KEY}={st.EMR_TAG_VALUE}, so the EMR Studio service "
                        "role's conditions deny the Studio at run time (AWS's page, step 2).",
                    )
                )
                continue
            if shown in warned:
                continue
            findings.append(
                Finding(
                    RULE_NETWORK, template, logical_id, where,
                    f"Studio {logical_id}: its {prop} {renderer.show(value)} is not a resource of the "
                    "app and no "
                    f"tagging custom resource of the app tags it with {st.EMR_TAG_KEY}="
                    f"{st.EMR_TAG_VALUE}; unless it already carries that tag, the EMR Studio "
                    "service role's conditions deny the Studio at run time (AWS's page, step 2).",
                    WARNING,
                )
            )
    return findings


# ---------------------------------------------------------------------------
# EmrStudio-SecurityGroupTagged
# ---------------------------------------------------------------------------

#: The port between EMR Studio's Workspace and engine security groups (AWS's page "Define
#: security groups to control EMR Studio network traffic").
STUDIO_ENGINE_PORT = 18888

_SG = "AWS::EC2::SecurityGroup"
#: Rule resources: their type, and the property naming the other group.
_RULE_RESOURCES = {
    "AWS::EC2::SecurityGroupIngress": "SourceSecurityGroupId",
    "AWS::EC2::SecurityGroupEgress": "DestinationSecurityGroupId",
}
#: Inline rules of a security group: the property, and the property naming the other group.
_INLINE_RULES = (("SecurityGroupIngress", "SourceSecurityGroupId"),
                 ("SecurityGroupEgress", "DestinationSecurityGroupId"))


def _port(value: Json) -> Optional[int]:
    try:
        return int(Renderer(None, "").render(value))
    except ValueError:
        return None


def _is_engine_port_rule(rule: Json) -> bool:
    """A TCP rule for port 18888 alone, as the page writes it (a wider range, or ``-1``, all
    traffic, is some other group's rule: an EMR cluster's groups allow all TCP between them)."""
    rule = mapping(rule)
    protocol = Renderer(None, "").render(rule.get("IpProtocol")).lower()
    low, high = _port(rule.get("FromPort")), _port(rule.get("ToPort"))
    return protocol in ("tcp", "6") and low == high == STUDIO_ENGINE_PORT


def studio_security_group_pairs(app: AppTemplates) -> Dict[Tuple[str, str], Set[Tuple[str, str]]]:
    """Security groups of the app joined by a TCP 18888 rule (that port only) to another group
    of the app, as
    EMR Studio's engine and Workspace groups are: ``{group: {the groups it is joined to}}``.

    Rules are read inline (``SecurityGroupIngress``/``SecurityGroupEgress``) and as
    ``AWS::EC2::SecurityGroupIngress``/``Egress`` resources (as CDK writes rules between
    two groups); a group named by a reference it cannot follow is not counted.
    """
    pairs: Dict[Tuple[str, str], Set[Tuple[str, str]]] = {}

    def group(path: str, value: Json) -> Optional[Tuple[str, str]]:
        target = Renderer(app, path).target(value)
        if target is not None and app.resources(target[0])[target[1]].get("Type") == _SG:
            return target
        return None

    def join(a: Optional[Tuple[str, str]], b: Optional[Tuple[str, str]]) -> None:
        if a is not None and b is not None and a != b:
            pairs.setdefault(a, set()).add(b)
            pairs.setdefault(b, set()).add(a)

    for path, logical_id, resource in app.all_resources():
        type_ = str(resource.get("Type"))
        if type_ in _RULE_RESOURCES and _is_engine_port_rule(props(resource)):
            rule = props(resource)
            join(group(path, rule.get("GroupId")), group(path, rule.get(_RULE_RESOURCES[type_])))
        elif type_ == _SG:
            for prop, other in _INLINE_RULES:
                for rule in as_list(props(resource).get(prop)):
                    if _is_engine_port_rule(rule):
                        join((path, logical_id), group(path, mapping(rule).get(other)))
    return pairs


def check_studio_security_groups(
    app: AppTemplates, named_by_studios: Iterable[Tuple[str, str]] = ()
) -> List[Finding]:
    """Rule ``EmrStudio-SecurityGroupTagged`` over the app: each security group of a
    :func:`studio_security_group_pairs` pair without the EMR tag, unless a Studio of the
    app names it (``named_by_studios``: then ``EmrStudio-NetworkTagged`` reports it)."""
    named = set(named_by_studios)
    findings = []
    for (path, logical_id), others in sorted(studio_security_group_pairs(app).items()):
        if (path, logical_id) in named or has_emr_tag(app.resources(path)[logical_id]):
            continue
        joined = ", ".join(sorted(o[1] for o in others))
        findings.append(
            Finding(
                RULE_SECURITY_GROUPS, path, logical_id, "Properties/Tags",
                f"Security group {logical_id} allows TCP {STUDIO_ENGINE_PORT} with security group "
                f"{joined}, as EMR Studio's engine and Workspace security groups do, but does not "
                f"carry the tag {st.EMR_TAG_KEY}={st.EMR_TAG_VALUE}: EMR Studio's service role may "
                "only create a Workspace's network interface in a security group with that tag "
                "(AWS's page, step 2), so Workspaces in it would not start.",
                WARNING,
            )
        )
    return findings
