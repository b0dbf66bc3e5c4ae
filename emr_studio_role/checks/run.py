"""Every rule over an app's templates: which roles and Studios each rule applies to, and
what was found."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterable, List, Mapping, Optional, Set, Tuple

from .ec2_rules import (
    check_create_request_tag,
    check_guarded_statements,
    has_ec2_action,
    is_studio_policy,
)
from .model import AppTemplates, Finding, Json, Template, props
from .network_rules import (
    check_studio_network_tags,
    check_studio_security_groups,
    studio_security_group_pairs,
    tagged_by_custom_resources,
)
from .policies import role_policies, role_target
from .render import Renderer
from .s3_rules import check_default_s3_location, check_s3_grant_scope, holds_page_object_statement
from .trust_rule import check_trust, role_trusts_emr

Key = Tuple[str, str]


@dataclass(frozen=True)
class Inventory:
    """What the rules found to check, so that "nothing found" is never silent."""

    #: Templates read.
    templates: int
    #: ``AWS::EMR::Studio`` resources.
    studios: int
    #: EMR Studio service roles: a Studio's ``ServiceRole``, or a role trusted by EMR whose
    #: policies hold one of the page's EC2 statements or its EMR Serverless object statement.
    studio_roles: int
    #: Other roles trusted by EMR (an EMR cluster's service role, a Studio's user role...).
    other_emr_roles: int
    #: Security groups joined by EMR Studio's TCP 18888 rule.
    studio_security_groups: int


@dataclass(frozen=True)
class Result:
    """The findings of every rule, and what they were about."""

    findings: Tuple[Finding, ...]
    inventory: Inventory


def run_checks(
    templates: Mapping[str, Template],
    stacks: Optional[Mapping[str, str]] = None,
    *,
    warned_imported: Iterable[Tuple[str, Json]] = (),
) -> Result:
    """Every rule over an app's templates, by path (no CDK needed).

    ``stacks`` maps stack names to template paths (see :func:`~.load.stack_names`), for
    ``Fn::GetStackOutput``; by default a template's file name is its stack's name.
    ``warned_imported`` are ``(template path, id)`` of imported network ids that
    ``EmrStudioServiceRole`` already warns about (the plugin reads them from the cloud
    assembly; see :func:`~.network_rules.check_studio_network_tags`).
    """
    app = AppTemplates(templates, stacks=dict(stacks or {}))
    warned_ids = {Renderer(app, p).render(v) for p, v in warned_imported if p in app.templates}
    findings: List[Finding] = []
    studio_roles: Dict[Key, List[Key]] = {}
    studios = list(app.all_resources("AWS::EMR::Studio"))
    user_roles: Set[Key] = set()
    for path, logical_id, studio in studios:
        role = role_target(app, path, props(studio).get("ServiceRole"))
        if role is not None:
            studio_roles.setdefault(role, []).append((path, logical_id))
        user_role = role_target(app, path, props(studio).get("UserRole"))
        if user_role is not None:
            user_roles.add(user_role)

    service_roles = 0
    other_emr_roles = 0
    for path, logical_id, role in app.all_resources("AWS::IAM::Role"):
        key = (path, logical_id)
        is_service_role = key in studio_roles
        if key in user_roles and not is_service_role:
            # A Studio's user role (IAM Identity Center): AWS's user-permissions page gives
            # its trust without the confused-deputy conditions, and its policies are the
            # page's user policies; the service role's rules do not apply to it.
            other_emr_roles += 1
            continue
        findings += check_trust(logical_id, role, path)
        if not is_service_role and not role_trusts_emr(role):
            continue
        policies = role_policies(app, key)
        if is_service_role:
            guarded = has_ec2_action(policies.statements)
        else:
            guarded = is_studio_policy(policies.statements)
            is_service_role = guarded or holds_page_object_statement(policies.statements)
        if not is_service_role:
            other_emr_roles += 1
            continue
        service_roles += 1
        if guarded:
            findings += check_guarded_statements(logical_id, policies, path)
        findings += check_create_request_tag(logical_id, policies, path)
        locations = [
            Renderer(app, s_path).show(props(app.resources(s_path)[s_id]).get("DefaultS3Location"))
            for s_path, s_id in studio_roles.get(key, [])
        ]
        findings += check_s3_grant_scope(logical_id, policies, locations, path)

    named_groups: Set[Key] = set()
    for path, logical_id, studio in studios:
        role = role_target(app, path, props(studio).get("ServiceRole"))
        policies = role_policies(app, role) if role is not None else None
        findings += check_default_s3_location(
            logical_id, studio, policies, path, Renderer(app, path)
        )
        for prop in ("WorkspaceSecurityGroupId", "EngineSecurityGroupId"):
            target = Renderer(app, path).target(props(studio).get(prop))
            if target is not None:
                named_groups.add(target)
    if studios:
        tagged = tagged_by_custom_resources(app)
        for path, logical_id, studio in studios:
            findings += check_studio_network_tags(
                logical_id, studio, path, Renderer(app, path), tagged, warned_ids
            )
    findings += check_studio_security_groups(app, named_groups)
    inventory = Inventory(
        templates=len(app.templates),
        studios=len(studios),
        studio_roles=service_roles,
        other_emr_roles=other_emr_roles,
        studio_security_groups=len(studio_security_group_pairs(app)),
    )
    return Result(tuple(findings), inventory)


def check_templates(
    templates: Mapping[str, Template], stacks: Optional[Mapping[str, str]] = None
) -> List[Finding]:
    """Every rule over an app's synthesized templates, by path: the findings of :func:`run_checks`."""
    return list(run_checks(templates, stacks).findings)
