"""Every rule over an app's templates: which roles and Studios each rule applies to."""

from __future__ import annotations

from typing import Dict, List, Mapping, Optional, Tuple

from .ec2_rules import check_guarded_statements, has_ec2_action, is_studio_policy
from .model import AppTemplates, Finding, Template, props
from .network_rules import check_studio_network_tags, tagged_by_custom_resources
from .policies import role_policies, role_target
from .render import Renderer
from .s3_rules import check_default_s3_location
from .trust_rule import check_trust, role_trusts_emr


def check_templates(
    templates: Mapping[str, Template], stacks: Optional[Mapping[str, str]] = None
) -> List[Finding]:
    """All four rules over an app's synthesized templates, by path (no CDK needed).

    ``stacks`` maps stack names to template paths (see :func:`stack_names`), for
    ``Fn::GetStackOutput``; by default a template's file name is its stack's name.
    """
    app = AppTemplates(templates, stacks=dict(stacks or {}))
    findings: List[Finding] = []
    studio_roles: Dict[Tuple[str, str], List[Tuple[str, str]]] = {}
    studios = list(app.all_resources("AWS::EMR::Studio"))
    user_roles = set()
    for path, logical_id, studio in studios:
        role = role_target(app, path, props(studio).get("ServiceRole"))
        if role is not None:
            studio_roles.setdefault(role, []).append((path, logical_id))
        user_role = role_target(app, path, props(studio).get("UserRole"))
        if user_role is not None:
            user_roles.add(user_role)

    for path, logical_id, role in app.all_resources("AWS::IAM::Role"):
        key = (path, logical_id)
        if key in user_roles and key not in studio_roles:
            # A Studio's user role (IAM Identity Center): AWS's user-permissions page gives
            # its trust without the confused-deputy conditions, and its policies are the
            # page's user policies; the service role's rules do not apply to it.
            continue
        findings += check_trust(logical_id, role, path)
        if key not in studio_roles and not role_trusts_emr(role):
            continue
        policies = role_policies(app, key)
        if key in studio_roles:
            checked = has_ec2_action(policies.statements)
        else:
            checked = is_studio_policy(policies.statements)
        if checked:
            findings += check_guarded_statements(logical_id, policies, path)

    for path, logical_id, studio in studios:
        role = role_target(app, path, props(studio).get("ServiceRole"))
        policies = role_policies(app, role) if role is not None else None
        findings += check_default_s3_location(
            logical_id, studio, policies, path, Renderer(app, path)
        )
    if studios:
        tagged = tagged_by_custom_resources(app)
        for path, logical_id, studio in studios:
            findings += check_studio_network_tags(
                logical_id, studio, path, Renderer(app, path), tagged
            )
    return findings
