"""``EmrStudioRoleStackSet``: the app's role stack in every account of an organization, by StackSets.

A CloudFormation StackSet with **service-managed** permissions deploys one template
to every account of the given organizational units (OUs), in every given region,
and, with auto-deployment, to each account that joins those OUs later.  The
template is the app's own :class:`~emr_studio_role.stack.EmrStudioServiceRoleStack`
(the *member*), built:

* **environment-agnostic**: no ``env``; account, region and partition are
  CloudFormation pseudo parameters, so each stack instance trusts EMR only for its
  own account and region, and makes its own notebook bucket and key;
* **without a bootstrap-version check and without assets**, because member accounts
  are not CDK-bootstrapped: the member uses :class:`aws_cdk.BootstraplessSynthesizer`,
  which writes no ``BootstrapVersion`` parameter or rule and refuses any asset.

The member lives in a :class:`aws_cdk.Stage` of its own under this construct, so it
inherits the app's context (feature flags) and the app's validation plugins (the
cdk-nag packs, ``EmrStudioChecks``) check it like any other stack.  Its template
goes into the StackSet inline (``TemplateBody``); nothing is uploaded, so the stack
holding the StackSet has no assets either.

Usage in your own app::

    stack = Stack(app, "OrgRollout")   # deployed in the management account or a
                                       # delegated administrator (call_as)
    EmrStudioRoleStackSet(
        stack, "EmrStudioRole",
        organizational_units=["ou-abcd-11111111"],
        regions=["eu-west-1", "us-east-1"],
        config=StudioStackConfig(compute=StudioCompute.EMR_SERVERLESS),
    )

In the app (``app.py``), :func:`add_stackset_from_context` adds the stack
``EmrStudioRoleStackSetStack`` holding one when both context keys are given::

    cdk synth -c stackSetOrganizationalUnits=ou-aaaa-11111111,ou-bbbb-22222222 \\
              -c stackSetRegions=eu-west-1,us-east-1 [-c stackSetCallAs=DELEGATED_ADMIN]

Role names: IAM role names are global to an account, so a fixed ``role_name``
(context ``roleName``) would collide as soon as the StackSet deploys it to a second
region of the same account.  A fixed name is therefore **refused** when more than
one region is given; with one region it is allowed (adding a region later then
needs the name removed first).
"""

from __future__ import annotations

import enum
import json
import re
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence

import jsii
from aws_cdk import (
    BootstraplessSynthesizer,
    IStringProducer,
    Lazy,
    Stack,
    Stage,
    Token,
)
from aws_cdk import aws_cloudformation as cfn
from constructs import Construct, IValidation

from .context import OU_ID_RE, REGION_RE, ContextReader, naming_context_keys
from .context_settings import read_role_settings, read_stackset_settings
from .errors import EmrStudioRoleValidationError
from .stack import EmrStudioServiceRoleStack, StudioStackConfig
from .typecheck import check as type_problems
from .typecheck import describe
from .validation import CONTROL_RE

#: Context keys read by :func:`add_stackset_from_context`.
CONTEXT_ORGANIZATIONAL_UNITS = "stackSetOrganizationalUnits"
CONTEXT_REGIONS = "stackSetRegions"
CONTEXT_CALL_AS = "stackSetCallAs"

#: The construct ID of the stack :func:`add_stackset_from_context` adds to the app.
STACKSET_STACK_ID = "EmrStudioRoleStackSetStack"

#: An organizational unit ID, or an organization root ID (the whole organization):
#: the pattern of ``DeploymentTargets.OrganizationalUnitIds`` in the CloudFormation API.
OU_ID_PATTERN = OU_ID_RE

#: A region code: ``us-east-1``, ``us-gov-west-1``, ``cn-north-1``, ``eusc-de-east-1``.
REGION_PATTERN = REGION_RE

#: ``StackSetName``: a letter, then letters, digits and hyphens; at most 128.
STACK_SET_NAME_PATTERN = re.compile(r"[a-zA-Z][-a-zA-Z0-9]{0,127}")

#: CloudFormation's limit on an inline ``TemplateBody``, in bytes.
TEMPLATE_BODY_LIMIT = 51_200

#: Settings that name one account's resources (or, for a bucket name, one global
#: bucket): every member would point at the same foreign resource, so they are refused.
#: StudioStackConfig field -> its context key.
_ACCOUNT_SPECIFIC = {
    "vpc_id": "vpcId",
    "user_role_arn": "userRoleArn",
    "bucket_name": "bucketName",
    "kms_key_arn": "kmsKeyArn",
    "workspace_kms_key_arn": "workspaceKmsKeyArn",
    "git_secret_arns": "gitSecretArns",
    "subnet_ids": "subnetIds",
    "security_group_ids": "securityGroupIds",
}


class StackSetCaller(enum.Enum):
    """Where the stack holding the StackSet is deployed (the StackSet's ``CallAs``)."""

    #: In the organization's management account.
    SELF = "SELF"
    #: In a member account registered as a delegated administrator for StackSets.
    DELEGATED_ADMIN = "DELEGATED_ADMIN"


@jsii.implements(IStringProducer)
class _MemberTemplateBody:
    def __init__(self, owner: EmrStudioRoleStackSet) -> None:
        self._owner = owner

    def produce(self, context: Any = None) -> str:
        return self._owner.member_template_body()


@jsii.implements(IValidation)
class _TemplateBodyFits:
    def __init__(self, owner: EmrStudioRoleStackSet) -> None:
        self._owner = owner

    def validate(self) -> List[str]:
        size = len(self._owner.member_template_body().encode("utf-8"))
        if size > TEMPLATE_BODY_LIMIT:
            return [
                f"the member template is {size} bytes; a StackSet's inline TemplateBody "
                f"allows at most {TEMPLATE_BODY_LIMIT}"
            ]
        return []


class EmrStudioRoleStackSet(Construct):
    """A service-managed StackSet deploying :class:`EmrStudioServiceRoleStack` to OUs.

    The ``AWS::CloudFormation::StackSet`` has ``PermissionModel`` ``SERVICE_MANAGED``,
    auto-deployment on, ``CAPABILITY_IAM`` and ``CAPABILITY_NAMED_IAM``, managed
    execution on, and one stack-instance group: ``organizational_units`` x ``regions``.

    Attributes:
        stack_set: the ``CfnStackSet``.
        member_stage: the :class:`aws_cdk.Stage` holding the member stack.
        member_stack: the member :class:`EmrStudioServiceRoleStack` (environment-agnostic).

    Raises:
        EmrStudioRoleValidationError: at construction, listing every bad prop at once.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        organizational_units: Sequence[str],
        regions: Sequence[str],
        config: StudioStackConfig = StudioStackConfig(),
        call_as: StackSetCaller = StackSetCaller.SELF,
        retain_stacks_on_account_removal: bool = False,
        stack_set_name: Optional[str] = None,
        description: Optional[str] = None,
        operation_preferences: Optional[cfn.CfnStackSet.OperationPreferencesProperty] = None,
    ) -> None:
        """
        Args:
            organizational_units: the OU IDs (``ou-xxxx-yyyyyyyy``), or the organization's
                root ID (``r-xxxx``), whose accounts get the role. Required, at least one.
                StackSets never deploys to the management account itself.
            regions: the regions each account gets the role in. Required, at least one.
            config: the member stack's settings, as the app's stack takes them. Default:
                ``StudioStackConfig()`` (a notebook bucket and key per account and region,
                ``studio/`` prefix, EC2/EKS compute). Settings naming one account's
                resources (bucket name, key ARNs, secret ARNs, subnets, security groups)
                and ``tag_imported_resources`` are refused; so is ``role_name`` with more
                than one region.
            call_as: ``SELF`` when the stack holding the StackSet is deployed in the
                management account, ``DELEGATED_ADMIN`` in a delegated administrator
                account. Default: ``SELF``.
            retain_stacks_on_account_removal: when an account leaves the OUs, ``False``
                deletes its stack instances (the role goes; the notebook bucket and key are
                retained by their ``DeletionPolicy``), ``True`` keeps its stacks, no longer
                managed by the StackSet. Default: ``False``.
            stack_set_name: the StackSet's name. Default: generated from the construct path.
            description: the StackSet's description. Default: a sentence naming the role.
            operation_preferences: concurrency and failure tolerance of StackSet
                operations. Default: CloudFormation's (one account at a time, no failures
                tolerated).
        """
        super().__init__(scope, id)
        try:
            self._build(
                organizational_units=organizational_units,
                regions=regions,
                config=config,
                call_as=call_as,
                retain_stacks_on_account_removal=retain_stacks_on_account_removal,
                stack_set_name=stack_set_name,
                description=description,
                operation_preferences=operation_preferences,
            )
        except BaseException:
            # A refused StackSet leaves nothing in the scope (no member stage, no node).
            scope.node.try_remove_child(id)
            raise

    def _build(
        self,
        *,
        organizational_units: Sequence[str],
        regions: Sequence[str],
        config: StudioStackConfig,
        call_as: StackSetCaller,
        retain_stacks_on_account_removal: bool,
        stack_set_name: Optional[str],
        description: Optional[str],
        operation_preferences: Optional[cfn.CfnStackSet.OperationPreferencesProperty],
    ) -> None:
        problems = _validate(
            organizational_units=organizational_units,
            regions=regions,
            config=config,
            call_as=call_as,
            retain_stacks_on_account_removal=retain_stacks_on_account_removal,
            stack_set_name=stack_set_name,
            description=description,
            operation_preferences=operation_preferences,
        )
        if problems:
            raise EmrStudioRoleValidationError(self.node.path, problems, construct="EmrStudioRoleStackSet")
        self.organizational_units = tuple(organizational_units)
        self.regions = tuple(regions)
        self._body: Optional[str] = None

        self.member_stage = Stage(self, "Member")
        try:
            self.member_stack = EmrStudioServiceRoleStack(
                self.member_stage,
                "EmrStudioServiceRoleStack",
                config=config,
                synthesizer=BootstraplessSynthesizer(),
                description="The IAM service role for Amazon EMR Studio (deployed by a StackSet)",
            )
        except EmrStudioRoleValidationError as error:
            # The member's role refused a setting of ``config``: the StackSet's refusal.
            raise EmrStudioRoleValidationError(
                self.node.path,
                [f"config (the member's EmrStudioServiceRole): {p}" for p in error.problems],
                construct="EmrStudioRoleStackSet",
            ) from error
        if not (
            Token.is_unresolved(self.member_stack.account)
            and Token.is_unresolved(self.member_stack.region)
        ):
            raise EmrStudioRoleValidationError(
                self.node.path,
                construct="EmrStudioRoleStackSet",
                problems=[
                    "the member stack is bound to account "
                    f"{self.member_stack.account!r} / region {self.member_stack.region!r}; "
                    "a StackSet member must be environment-agnostic"
                ],
            )

        self.stack_set = cfn.CfnStackSet(
            self,
            "Resource",
            stack_set_name=_generated_name(self) if stack_set_name is None else stack_set_name,
            description=(
                "The IAM service role for Amazon EMR Studio in every account of the target OUs"
                if description is None
                else description
            ),
            permission_model="SERVICE_MANAGED",
            call_as=call_as.value,
            auto_deployment=cfn.CfnStackSet.AutoDeploymentProperty(
                enabled=True,
                retain_stacks_on_account_removal=retain_stacks_on_account_removal,
            ),
            capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"],
            managed_execution={"Active": True},
            operation_preferences=operation_preferences,
            stack_instances_group=[
                cfn.CfnStackSet.StackInstancesProperty(
                    deployment_targets=cfn.CfnStackSet.DeploymentTargetsProperty(
                        organizational_unit_ids=list(self.organizational_units),
                    ),
                    regions=list(self.regions),
                )
            ],
            template_body=Lazy.uncached_string(_MemberTemplateBody(self)),
        )
        self.node.add_validation(_TemplateBodyFits(self))

    def member_template(self) -> Dict[str, Any]:
        """The member stack's template, as the StackSet deploys it.

        Synthesizes the member stage (once); after this, the member can no longer change.
        The app's synthesis calls it itself.
        """
        return json.loads(self.member_template_body())

    def member_template_body(self) -> str:
        """:meth:`member_template` as the compact JSON text of the StackSet's ``TemplateBody``."""
        if self._body is None:
            assembly = self.member_stage.synth()
            template = assembly.get_stack_artifact(self.member_stack.artifact_id).template
            self._body = json.dumps(template, separators=(",", ":"), sort_keys=True)
        return self._body


def _generated_name(construct: Construct) -> str:
    """A StackSet name from the construct path: letters and digits, within 128."""
    parts = [re.sub(r"[^A-Za-z0-9]", "", p) for p in construct.node.path.split("/")]
    name = "-".join(p for p in parts if p)
    if not name or not name[0].isalpha():
        name = "EmrStudio-" + name
    return name[:128].rstrip("-")


#: ``AWS::CloudFormation::StackSet`` ``Description``: 1 to 1,024 characters.
DESCRIPTION_MAX = 1024


def _validate(
    *,
    organizational_units: Any,
    regions: Any,
    config: Any,
    call_as: Any,
    retain_stacks_on_account_removal: Any,
    stack_set_name: Any,
    description: Any,
    operation_preferences: Any,
) -> List[str]:
    """Every problem with the props, at once (types first where a value cannot be read)."""
    problems: List[str] = []
    problems += _targets_problems("organizational_units", organizational_units, OU_ID_PATTERN,
                                  "organizational unit IDs (ou-<root>-<8 to 32 characters>) "
                                  "or an organization root ID (r-<4 to 32 characters>)")
    problems += _targets_problems("regions", regions, REGION_PATTERN,
                                  "region codes such as eu-west-1 or us-gov-west-1")
    if not isinstance(config, StudioStackConfig):
        problems.append(
            f"config: got {describe(config)}; allowed: a StudioStackConfig (the member stack's "
            "settings, e.g. StudioStackConfig(compute=StudioCompute.EMR_SERVERLESS))"
        )
    else:
        problems += _config_problems(config, regions)
    problems += type_problems("call_as", call_as, StackSetCaller)
    problems += type_problems("retain_stacks_on_account_removal", retain_stacks_on_account_removal, bool)
    if operation_preferences is not None and not isinstance(
        operation_preferences, cfn.CfnStackSet.OperationPreferencesProperty
    ):
        problems.append(
            f"operation_preferences: got {describe(operation_preferences)}; allowed: a "
            "CfnStackSet.OperationPreferencesProperty or None"
        )
    if stack_set_name is not None:
        if not isinstance(stack_set_name, str):
            problems += type_problems("stack_set_name", stack_set_name, Optional[str])
        elif not (Token.is_unresolved(stack_set_name) or STACK_SET_NAME_PATTERN.fullmatch(stack_set_name)):
            problems.append(
                f"stack_set_name: got {stack_set_name!r}; allowed: a letter, then letters, "
                "digits and hyphens, at most 128 characters (AWS::CloudFormation::StackSet "
                "StackSetName), or None for a generated one"
            )
    if description is not None:
        if not isinstance(description, str):
            problems += type_problems("description", description, Optional[str])
        elif not Token.is_unresolved(description):
            if not description.strip():
                problems.append(
                    f"description: got {description!r}; allowed: 1 to {DESCRIPTION_MAX} characters "
                    "that say something, or None for the default sentence"
                )
            elif len(description) > DESCRIPTION_MAX:
                problems.append(
                    f"description: got {len(description)} characters; allowed: at most "
                    f"{DESCRIPTION_MAX} (AWS::CloudFormation::StackSet Description)"
                )
            if CONTROL_RE.search(description.replace("\n", "").replace("\t", "").replace("\r", "")):
                problems.append(
                    f"description: got {describe(description)}, which holds a control character; "
                    "allowed: printable characters, tab and line breaks"
                )
    return problems


def _config_problems(config: StudioStackConfig, regions: Any) -> List[str]:
    problems: List[str] = []
    for field, key in _ACCOUNT_SPECIFIC.items():
        value = getattr(config, field, None)
        if value:
            problems.append(
                f"config.{field} (context '{key}'): got {value!r}; allowed: unset, because it "
                "names one account's resource and every account and region of the StackSet "
                "would get the same; the member makes its own bucket and key per account and region"
            )
    if config.tag_imported_resources:
        problems.append(
            "config.tag_imported_resources (context 'tagImportedResources'): got True; allowed: "
            "False, because tagging imported resources needs a custom resource whose Lambda "
            "code is a CDK asset, and StackSet member accounts are not bootstrapped for assets"
        )
    for field in ("account", "region"):
        value = getattr(config, field)
        if value is not None:
            problems.append(
                f"config.{field} (context '{field}'): got {value!r}; allowed: unset, because the "
                "member must be environment-agnostic (each stack instance takes its own account "
                "and region)"
            )
    count = len(set(regions)) if isinstance(regions, (list, tuple)) else 0
    if config.role_name and count > 1:
        problems.append(
            f"config.role_name (context 'roleName'): got {config.role_name!r} with {count} "
            "regions; allowed: unset (a generated name per stack instance), because IAM role "
            "names are global to an account and the second region's role would collide"
        )
    return problems


def _targets_problems(prop: str, values: Sequence[str], pattern: re.Pattern, allowed: str) -> List[str]:
    if isinstance(values, str) or not isinstance(values, (list, tuple)):
        return [f"{prop}: got {describe(values)}; allowed: a list of {allowed}"]
    if not values:
        return [f"{prop}: got an empty list; allowed: one or more {allowed}"]
    problems = []
    bad = [v for v in values if not (isinstance(v, str) and (Token.is_unresolved(v) or pattern.fullmatch(v)))]
    if bad:
        problems.append(f"{prop}: got {describe(bad)}; allowed: {allowed}")
    duplicates = sorted({v for v in values if isinstance(v, str) and values.count(v) > 1})
    if duplicates:
        problems.append(f"{prop}: got {duplicates!r} more than once; allowed: each once")
    return problems


# --------------------------------------------------------------------------- the app


def stackset_targets_from_context(
    get: Callable[[str], Any], *, keys: Iterable[str] = ()
) -> Optional[Mapping[str, Any]]:
    """The StackSet's targets from context, or ``None`` when neither target key is set.

    Reads ``stackSetOrganizationalUnits`` and ``stackSetRegions`` (comma-separated, or JSON
    lists) and ``stackSetCallAs`` (``SELF``, default, or ``DELEGATED_ADMIN``) with ``get(key)``,
    and refuses the keys that contradict a StackSet rollout
    (:func:`~emr_studio_role.context_settings.read_stackset_settings`); all problems at once, each
    naming its context key.
    """
    reader = ContextReader(get, keys=keys)
    targets = read_stackset_settings(reader)
    reader.raise_problems()
    return targets


def add_stackset_from_context(app: Construct, **stack_kwargs: Any) -> Optional[Stack]:
    """Add ``EmrStudioRoleStackSetStack`` holding an :class:`EmrStudioRoleStackSet` when the
    context asks for one; else add nothing and return ``None``.

    The member's settings are the app's (:meth:`StudioStackConfig.from_context`).
    ``stack_kwargs`` go to the holding :class:`aws_cdk.Stack` (default: none, so it is
    environment-agnostic; deploy it in the management or delegated administrator account).
    """
    reader = ContextReader.of(app)
    targets = read_stackset_settings(reader)
    config = read_role_settings(reader) if targets is not None else None
    reader.raise_problems()
    if targets is None or config is None:
        return None
    return add_stackset_stack(app, targets=targets, config=StudioStackConfig(**config), **stack_kwargs)


def add_stackset_stack(
    app: Construct, *, targets: Mapping[str, Any], config: StudioStackConfig, **stack_kwargs: Any
) -> Stack:
    """The stack ``EmrStudioRoleStackSetStack`` holding an :class:`EmrStudioRoleStackSet` of
    ``config`` to ``targets`` (``organizational_units``, ``regions``, ``call_as``), as
    :func:`add_stackset_from_context` makes it from read context."""
    stack = Stack(
        app,
        STACKSET_STACK_ID,
        description="A StackSet rolling the EMR Studio service role out to an organization",
        **stack_kwargs,
    )
    with naming_context_keys(_CONFIG_CONTEXT_KEYS):
        EmrStudioRoleStackSet(stack, "EmrStudioRoleStackSet", config=config, **targets)
    return stack


#: The StackSet's props the app sets from context, and the key each comes from.
_CONFIG_CONTEXT_KEYS: Mapping[str, str] = {
    "organizational_units": CONTEXT_ORGANIZATIONAL_UNITS,
    "regions": CONTEXT_REGIONS,
    "call_as": CONTEXT_CALL_AS,
}
