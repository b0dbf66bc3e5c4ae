"""A check for a whole CDK app: EMR Studio service roles as AWS's page wants them.

Apply it to the app::

    from aws_cdk import Validations
    from emr_studio_role import EmrStudioChecks

    Validations.of(app).add_plugins(EmrStudioChecks())

``app.synth()`` (and ``cdk synth``) then fails with a validation report when a
rule is broken.  A finding is acknowledged like any CDK validation, on the
resource's construct or an ancestor, with the plugin's namespace::

    Validations.of(role).acknowledge(
        Acknowledgment(id="EmrStudioChecks::EmrStudio-TrustConditions", reason="...")
    )

Rules (AWS's page "Create an EMR Studio service role"):

``EmrStudio-TrustConditions``
    An ``AWS::IAM::Role`` whose trust policy allows ``elasticmapreduce.amazonaws.com``
    in a statement without both the ``aws:SourceAccount`` and the ``aws:SourceArn``
    condition (page, step 1, against the confused deputy); a Studio's ``UserRole`` (IAM
    Identity Center), whose trust AWS's user-permissions page gives without them, is not
    checked by this rule nor the next.  Each key must be under a
    matching operator (``StringEquals``/``StringLike``/``ArnEquals``/``ArnLike``, not
    ``...IfExists``) and must not leave the account open (a ``*`` or ``?`` in the
    account).
``EmrStudio-GuardedStatements``
    An EMR Studio policy that lacks ``AllowAddingEMRTagsDuringDefaultSecurityGroupCreation``
    or ``AllowAddingTagsDuringEC2ENICreation`` exactly as the page has them (page, step 2:
    "you must not change the following statements").  An EMR Studio policy is the set of
    policies of a role that is the ``ServiceRole`` of an ``AWS::EMR::Studio`` (unless it
    has no ``ec2:`` action at all: that is the page's "Minimum service role for EMR
    Serverless"), or of a role trusted by EMR whose policies hold one of the page's EC2
    statements (by Sid, or by the same actions and condition).  "Exactly" means the same
    Sid, effect, actions, condition and resource: ``arn:<partition>:ec2:*:*:security-group/*``
    and ``arn:<partition>:ec2:*:*:network-interface/*``, where only the partition may be
    the stack's (a partition name or ``Ref AWS::Partition``); a region or account narrowed
    from the page's ``*``, or any other change, is reported.
``EmrStudio-DefaultS3LocationGrant``
    An ``AWS::EMR::Studio`` whose ``DefaultS3Location`` (bucket and prefix) is not
    granted ``s3:PutObject`` and ``s3:GetObject`` on its objects by its service role's
    policies (page, step 3).  Only Allow statements with ``Action`` and ``Resource``
    count; their conditions, Deny statements and boundaries are not evaluated.  The
    object ARNs may be in any one partition: ``Ref AWS::Partition``, or a partition
    named literally, as CDK writes it for a stack in a known region
    (``arn:aws-cn:s3:::...`` in ``cn-north-1``).
``EmrStudio-NetworkTagged``
    An ``AWS::EMR::Studio`` whose ``VpcId``, ``SubnetIds``, ``WorkspaceSecurityGroupId``
    or ``EngineSecurityGroupId`` does not carry the tag
    ``for-use-with-amazon-emr-managed-policies=true`` (page, step 2: the role's
    conditions deny the Studio otherwise).  A tag counts when it is in the resource's
    ``Tags`` in the app, or when a tagging custom resource of the app (``Custom::AWS``
    whose Create call is EC2 ``createTags`` with that tag, as
    ``tag_imported_resources=True`` makes) names the id.  A resource of the app without
    the tag is an error.  An id the app neither creates nor tags (an imported VPC,
    subnet or security group) is reported with severity ``warning``: the report shows
    it, synth does not fail; acknowledge it once the resource is tagged.

``EmrStudio-RequestTagOnCreate``
    An EMR Studio policy that allows ``ec2:CreateNetworkInterface`` on
    ``network-interface/*`` or ``ec2:CreateSecurityGroup`` on ``security-group/*`` only
    under an ``aws:ResourceTag`` (or ``ec2:ResourceTag``) condition, and in no other
    statement: a resource being created has no tags yet, so the condition never holds
    and EMR Studio cannot create the Workspace's network interface or its default
    security group.  AWS's page conditions these two on ``aws:RequestTag`` (the tag in
    the request), and ``aws:ResourceTag`` only on the subnet, security group and VPC the
    new resource goes into.  (terraform-aws-emr issue 4.)
``EmrStudio-S3GrantScope``
    An EMR Studio service role whose policies allow one of the page's S3 actions
    (``s3:PutObject``, ``s3:GetObject``, ``s3:DeleteObject``, ``s3:ListBucket``,
    ``s3:GetEncryptionConfiguration``) on a resource whose bucket name holds a wildcard
    (``arn:<partition>:s3:::*``, ``arn:...:s3:::notebooks-*/*``, ``*``): page, step 3
    grants "your Amazon S3 location for EMR Studio", the Studio's ``DefaultS3Location``,
    which the message names when a Studio uses the role.  A bucket ARN has no account,
    so such a grant also reaches other accounts' buckets whose policies allow it.
``EmrStudio-SecurityGroupTagged``
    An ``AWS::EC2::SecurityGroup`` of the app that allows TCP port 18888 (that port
    alone) to or from another security group of the app, as EMR Studio's engine and Workspace security
    groups do (AWS's page "Define security groups to control EMR Studio network
    traffic"), without the EMR tag, and that no Studio of the app names (those are
    ``EmrStudio-NetworkTagged``'s).  A ``warning``: the pair is known by its rules only.
    (terraform-aws-modules/terraform-aws-emr issue 25: Workspaces failed on
    ``ec2:CreateNetworkInterface`` because the groups lacked the tag.)

Severities: every finding is an ``error`` (fails synth unless acknowledged), except
the imported-id findings of ``EmrStudio-NetworkTagged`` and the findings of
``EmrStudio-SecurityGroupTagged``, which are ``warning``.

Which roles: ``EmrStudio-TrustConditions`` applies to every role trusted by EMR (a
Studio's Identity Center user role excepted).  The other role rules apply to EMR Studio
service roles only: the ``ServiceRole`` of an ``AWS::EMR::Studio`` of the app, or a role
trusted by EMR whose policies hold one of the page's EC2 statements, or the object
statement of its "Minimum service role for EMR Serverless" (exactly ``s3:PutObject``,
``s3:GetObject``, ``s3:DeleteObject``).  Roles and resources of any other kind are left
alone.

A role's policies are its inline ``Policies``, the ``AWS::IAM::Policy``,
``AWS::IAM::RolePolicy`` and ``AWS::IAM::ManagedPolicy`` resources that name it,
and its ``ManagedPolicyArns`` found in the app.  Intrinsics are followed where
their meaning is certain: ``Ref`` and ``Fn::GetAtt`` of resources in the same
template, ``Fn::Join``, ``Fn::Sub``, ``Fn::ImportValue`` of another stack's
export and ``Fn::GetStackOutput`` of another stack's output (CDK's cross-stack
references; the stack is found by its template's file name), pseudo parameters,
and literal ARNs and names (a bucket's literal ``BucketName``, a role's literal
``RoleName``).  Any other value (a parameter, ``Fn::Select``...) is kept as an
opaque token that only matches itself, so the check reports rather than guesses;
acknowledge such a finding if you know better.
A policy that is not in the app (an AWS managed policy) cannot be read; findings
name it.

Why a CDK Validations plugin and not a cdk-nag 3 rule pack
    The rules need the whole app: which policies attach to a role, which role a
    Studio uses, across stacks (``Fn::ImportValue``, ``Fn::GetStackOutput``).  The
    synthesized templates have all of it, in the form that is deployed.  A cdk-nag 3
    ``NagPack`` subclass sees one ``CfnResource`` at a time, through a jsii callback
    per resource and rule, and would have to walk the construct tree and resolve
    tokens itself to find the rest; its rules are jsii interface implementations,
    awkward from Python.  The plugin is plain Python on parsed JSON: each rule is a
    pure function of a template's resources (``check_trust``,
    ``check_guarded_statements``, ``check_default_s3_location``,
    ``check_studio_network_tags``; ``check_templates``
    runs them all, without CDK), and it reports into the same ``Validations`` report,
    with the same acknowledgments, as the cdk-nag 3 packs.
"""

from __future__ import annotations

from typing import Tuple

#: Rule ids (the plugin reports them as ``EmrStudioChecks::<id>``).
RULE_TRUST = "EmrStudio-TrustConditions"
RULE_GUARDED = "EmrStudio-GuardedStatements"
RULE_S3 = "EmrStudio-DefaultS3LocationGrant"
RULE_NETWORK = "EmrStudio-NetworkTagged"
RULE_REQUEST_TAG = "EmrStudio-RequestTagOnCreate"
RULE_S3_SCOPE = "EmrStudio-S3GrantScope"
RULE_SECURITY_GROUPS = "EmrStudio-SecurityGroupTagged"
#: Every rule id, in the order the rules are documented above.
RULE_IDS: Tuple[str, ...] = (
    RULE_TRUST, RULE_GUARDED, RULE_S3, RULE_NETWORK, RULE_REQUEST_TAG, RULE_S3_SCOPE,
    RULE_SECURITY_GROUPS,
)

#: One line on what each rule reports (the SARIF rule's short description).
SUMMARIES = {
    RULE_TRUST: "A role trusted by EMR lacks the aws:SourceAccount/aws:SourceArn trust conditions.",
    RULE_GUARDED: "An EMR Studio policy lacks or alters a statement AWS's page says must not change.",
    RULE_S3: "A Studio's DefaultS3Location is not granted to its service role.",
    RULE_NETWORK: "A Studio's VPC, subnet or security group lacks the EMR tag.",
    RULE_REQUEST_TAG: "A Create* EC2 action on the new resource is conditioned on aws:ResourceTag.",
    RULE_S3_SCOPE: "An EMR Studio service role is granted S3 buckets by a wildcard.",
    RULE_SECURITY_GROUPS: "Security groups with EMR Studio's TCP 18888 rules lack the EMR tag.",
}

#: What to do about a finding, by rule id (the report's "fix").
FIXES = {
    RULE_TRUST: (
        "Add the page's trust conditions: StringEquals aws:SourceAccount = <account-id> and "
        "ArnLike aws:SourceArn = arn:<partition>:elasticmapreduce:<region>:<account-id>:* "
        "(emr_studio_role.EmrStudioServiceRole does this)."
    ),
    RULE_GUARDED: (
        "Keep both statements exactly as AWS's page has them (Sid, actions, condition, "
        "resource); do not edit or drop them (emr_studio_role.EmrStudioServiceRole adds them)."
    ),
    RULE_S3: (
        "Grant the service role s3:PutObject and s3:GetObject (with s3:DeleteObject, "
        "s3:ListBucket, s3:GetEncryptionConfiguration) on the Studio's DefaultS3Location, e.g. "
        "EmrStudioServiceRole(bucket=..., prefix=...) or add_storage_location()."
    ),
    RULE_NETWORK: (
        "Tag the Studio's VPC, subnets and security groups with "
        "for-use-with-amazon-emr-managed-policies=true: pass them to EmrStudioServiceRole "
        "(vpc=, subnets=, security_groups=), with tag_imported_resources=True for imported ones, "
        "or tag them yourself and acknowledge the finding."
    ),
    RULE_REQUEST_TAG: (
        "Condition ec2:CreateNetworkInterface on network-interface/* and ec2:CreateSecurityGroup "
        "on security-group/* on aws:RequestTag/for-use-with-amazon-emr-managed-policies = true, "
        "as AWS's page does (AllowEC2ENICreationWithEMRTags, "
        "AllowDefaultEC2SecurityGroupsCreationWithEMRTags); keep aws:ResourceTag for the "
        "subnet, security group and VPC the new resource goes into."
    ),
    RULE_S3_SCOPE: (
        "Name the bucket: grant the S3 actions on arn:<partition>:s3:::<bucket> and "
        "arn:<partition>:s3:::<bucket>/<prefix>* of the Studio's DefaultS3Location (page, step 3), "
        "e.g. EmrStudioServiceRole(bucket=..., prefix=...)."
    ),
    RULE_SECURITY_GROUPS: (
        "Tag both security groups with for-use-with-amazon-emr-managed-policies=true "
        "(emr_studio_role.EmrStudio makes and tags them), or acknowledge the finding if they "
        "are not for EMR Studio."
    ),
}
