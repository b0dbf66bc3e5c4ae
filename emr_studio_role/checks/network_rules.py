"""Rule ``EmrStudio-NetworkTagged``: the Studio's VPC, subnets and security groups carry the EMR tag."""

from __future__ import annotations

import json
from typing import Iterable, List, Optional, Tuple

from .. import statements as st
from .model import WARNING, AppTemplates, Finding, Json, as_list, props
from .render import Renderer
from .rules import RULE_NETWORK

#: The Studio's network properties, and the resource type each one names.
STUDIO_NETWORK_PROPERTIES: Tuple[Tuple[str, str], ...] = (
    ("VpcId", "AWS::EC2::VPC"),
    ("SubnetIds", "AWS::EC2::Subnet"),
    ("WorkspaceSecurityGroupId", "AWS::EC2::SecurityGroup"),
    ("EngineSecurityGroupId", "AWS::EC2::SecurityGroup"),
)
_TAG_CALL_ACTIONS = frozenset({"createtags"})


def _has_emr_tag(resource: Json) -> bool:
    """The resource's own ``Tags`` hold ``for-use-with-amazon-emr-managed-policies=true``."""
    return any(
        isinstance(tag, dict) and tag.get("Key") == st.EMR_TAG_KEY and tag.get("Value") == st.EMR_TAG_VALUE
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
        parameters = call.get("parameters") or {}
        tags = parameters.get("Tags") or []
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
) -> List[Finding]:
    """Rule ``EmrStudio-NetworkTagged`` for one ``AWS::EMR::Studio``.

    Each of its ``VpcId``, ``SubnetIds``, ``WorkspaceSecurityGroupId`` and
    ``EngineSecurityGroupId`` must carry the EMR tag, which the page's conditions
    require at run time: a resource of the app through its ``Tags``, any id through a
    tagging custom resource (``tagged_ids``, see :func:`tagged_by_custom_resources`).
    A resource of the app without the tag is an error.  An id that is not a resource of
    the app (imported) and that no custom resource tags is a warning: its tag cannot be
    seen here.
    """
    renderer = renderer or Renderer(None, template)
    tagged = frozenset(tagged_ids)
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
                    f"Studio {logical_id}: {prop} is {renderer.render(raw)}, not a list of ids, so "
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
                if _has_emr_tag(resource):
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
            findings.append(
                Finding(
                    RULE_NETWORK, template, logical_id, where,
                    f"Studio {logical_id}: its {prop} {shown} is not a resource of the app and no "
                    f"tagging custom resource of the app tags it with {st.EMR_TAG_KEY}="
                    f"{st.EMR_TAG_VALUE}; unless it already carries that tag, the EMR Studio "
                    "service role's conditions deny the Studio at run time (AWS's page, step 2).",
                    WARNING,
                )
            )
    return findings
