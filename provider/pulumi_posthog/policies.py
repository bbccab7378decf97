"""Reusable pulumi-policy policies for PostHog resources (``pip install 'pulumi-posthog[policy]'``).

Import-safe: this module only defines policies. A ``PolicyPack(...)`` starts a gRPC server and never returns, so it
is built in a pack's ``__main__.py`` only (``policy/__main__.py`` in this repo)::

    from pulumi_policy import EnforcementLevel, PolicyPack
    from pulumi_posthog.policies import PACK_NAME, POLICIES

    PolicyPack(PACK_NAME, policies=POLICIES, enforcement_level=EnforcementLevel.ADVISORY)

Policies match resources on their type token (``pulumi-python:dynamic/posthog:<Name>``) and read their properties
only. During a preview some properties are not known yet: reading one raises pulumi-policy's ``UnknownValueError``,
which pulumi-policy reports as an advisory ("can't run policy … during preview") — policies let it propagate, except
where the answer does not depend on the value: a config key that is present is set (``kms_key_id=key.arn`` of a new
key), and a new bucket's region is the one its provider creates it in.
Nothing else in ``pulumi_posthog`` imports this module, so ``pulumi-policy`` stays optional for the provider.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import pulumi

try:
    from pulumi_policy import (
        EnforcementLevel,
        Policy,
        PolicyConfigSchema,
        PolicyResource,
        ReportViolation,
        ResourceValidationArgs,
        ResourceValidationPolicy,
        StackValidationArgs,
        StackValidationPolicy,
    )
    from pulumi_policy.proxy import UnknownValueError
except ImportError as exc:  # the provider does not need pulumi-policy; a policy pack does
    raise ImportError(
        "pulumi_posthog.policies needs pulumi-policy, which is not installed: "
        "pip install 'pulumi-posthog[policy]' (or pip install pulumi-policy) in the policy pack's virtualenv"
    ) from exc

from pulumi_posthog.dates import midnight_utc, parse_instant
from pulumi_posthog.destinations import INTERVALS, TESTED_TYPES, TYPES

PACK_NAME = "posthog"
TOKEN_PREFIX = "pulumi-python:dynamic/posthog:"
ORGANIZATION = TOKEN_PREFIX + "Organization"
BATCH_EXPORT = TOKEN_PREFIX + "BatchExport"
INTEGRATION = TOKEN_PREFIX + "Integration"
BACKFILL = TOKEN_PREFIX + "BatchExportBackfill"
AWS_BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
AWS_PROVIDER = "pulumi:providers:aws"
ROLE_KINDS = ("aws-s3", "aws-redshift")
AWS_KEYS = ("aws_access_key_id", "aws_secret_access_key")
ENCRYPTIONS = ("AES256", "aws:kms")
ENCRYPTED_TYPES = tuple(sorted(name for name, spec in TYPES.items() if "encryption" in spec.fields))
DEFAULT_MAX_DAYS = 31


# ----- reading properties ---------------------------------------------------------------------------------------


def _destination(props: Mapping[str, Any]) -> tuple[Any, Mapping[str, Any]]:
    """A BatchExport's destination ``type`` and ``config`` (an empty mapping when unset)."""
    destination = props.get("destination")
    if not isinstance(destination, Mapping):
        return None, {}
    config = destination.get("config")
    return destination.get("type"), config if isinstance(config, Mapping) else {}


def _is_set(config: Mapping[str, Any], key: str) -> bool:
    """Whether ``config`` holds ``key`` with a value; a value not known yet (a preview) is one, whatever it becomes."""
    if key not in set(config):  # iterating keys reads no value
        return False
    try:
        return config[key] is not None
    except UnknownValueError:
        return True  # e.g. kms_key_id=key.arn of a new key: set, so reading the value is not needed


def _set_at(config: Mapping[str, Any], path: tuple[str, ...]) -> bool:
    """Whether a value is at ``path``; a mapping on the way that is not known yet cannot be looked into (raises)."""
    current: Any = config
    for key in path[:-1]:
        if not isinstance(current, Mapping) or key not in set(current):
            return False
        current = current[key]
    return isinstance(current, Mapping) and _is_set(current, path[-1])


def _named_at_any_depth(config: Mapping[str, Any], names: frozenset[str], prefix: tuple[str, ...] = ()) -> list:
    """Paths of keys called one of ``names`` at any depth; a value not known yet is not looked into."""
    found: list[tuple[str, ...]] = []
    for key in list(config):  # iterating keys reads no value
        path = (*prefix, str(key))
        if key in names:
            if _is_set(config, key):
                found.append(path)
            continue
        try:
            value = config[key]
        except UnknownValueError:
            continue  # e.g. bucket_name=bucket.bucket: an unknown scalar holds no credential key
        if isinstance(value, Mapping):
            found += _named_at_any_depth(value, names, path)
    return found


def _inline_secrets(
    config: Mapping[str, Any], declared: tuple[tuple[str, ...], ...], names: frozenset[str]
) -> list[tuple[str, ...]]:
    """Secret paths holding a value: the declared ones (an unknown container on the way raises) and any key PostHog
    treats as secret wherever it is (PostHog strips ``secret_fields`` names at any depth)."""
    found = {path for path in declared if _set_at(config, path)}
    found.update(_named_at_any_depth(config, names))
    return sorted(found)


def _label(kind: str, name: str) -> str:
    """How a message names a resource, e.g. ``posthog.BatchExport 'events'``."""
    return f"posthog.{kind} '{name}'"


def _option(args: ResourceValidationArgs | StackValidationArgs, key: str, default: Any) -> Any:
    """A policy config option, or its default when the config leaves it out."""
    value = args.get_config().get(key)
    return default if value is None else value


def _parse_time(value: Any) -> datetime | None:
    """A backfill bound as an aware datetime: ``YYYY-MM-DD`` is midnight UTC, a naive datetime is taken as UTC."""
    if not isinstance(value, str):
        return None
    if len(value) == 10:
        try:
            return midnight_utc(value)
        except ValueError:
            return None
    return parse_instant(value)


# ----- organizations --------------------------------------------------------------------------------------------


def _enforce_2fa(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Organizations set ``enforce_2fa=True``."""
    if args.resource_type != ORGANIZATION:
        return
    value = args.props.get("enforce_2fa")
    if value is True:
        return
    state = "leaves enforce_2fa unset (PostHog keeps what its UI set)" if value is None else f"sets enforce_2fa={value}"
    report_violation(
        f"{_label('Organization', args.name)} {state}: set enforce_2fa=True so every member must use two-factor "
        "authentication."
    )


def _deletion_protection(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Organizations keep ``deletion_protection`` (unset means the provider's default, True)."""
    if args.resource_type != ORGANIZATION:
        return
    if args.props.get("deletion_protection") is False:
        report_violation(
            f"{_label('Organization', args.name)} sets deletion_protection=False, so removing it from the program "
            "deletes the organization with all its projects and data: remove deletion_protection=False (the "
            "default is True). To delete it on purpose, disable this policy for that one update."
        )


# ----- batch exports --------------------------------------------------------------------------------------------


def _no_inline_credentials(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Destinations reach their service through an Integration, not credentials in ``destination.config``."""
    if args.resource_type != BATCH_EXPORT:
        return
    type_, config = _destination(args.props)
    spec = TYPES.get(type_) if isinstance(type_, str) else None
    if spec is None or not (spec.integration_kind or spec.legacy):
        return  # unknown types fail the provider's check; HTTP has no Integration to move its token to
    label = _label("BatchExport", args.name)
    if spec.legacy:
        report_violation(
            f"{label} uses the legacy '{type_}' destination, which keeps AWS access keys in its config: use "
            "posthog.destinations.AwsS3(..., integration_id=lake) with lake = posthog.Integration(kind='aws-s3', "
            "config={'name': ..., 'aws_role_arn': ...})."
        )
        return
    found = _inline_secrets(config, spec.secret_paths(), spec.secret)
    if found:
        nested = sorted({".".join(path[:-1]) for path in found if len(path) > 1})
        inside = (
            f" Nested ones ({', '.join(nested)}): put an Integration's id (or, where PostHog takes one, an IAM "
            "role ARN) in place of the keys."
            if nested
            else ""
        )
        report_violation(
            f"{label} has credentials in destination config ({', '.join('.'.join(p) for p in found)}): move them "
            f"into a posthog.Integration(kind='{spec.integration_kind}', config={{...}}), pass it as the "
            f"destination's integration_id, and remove them from the config.{inside}"
        )


def _s3_encryption(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """S3 exports set server-side ``encryption`` (the configured value if any) and ``kms_key_id`` for aws:kms."""
    if args.resource_type != BATCH_EXPORT:
        return
    type_, config = _destination(args.props)
    if type_ not in ENCRYPTED_TYPES:
        return
    label = _label("BatchExport", args.name)
    required = _option(args, "encryption", None)
    encryption = config.get("encryption")
    wanted = f"encryption='{required}'" if required else "encryption='aws:kms' (or 'AES256')"
    if encryption is None:
        report_violation(
            f"{label} writes to S3 without server-side encryption: set {wanted} in its destination, e.g. "
            "posthog.destinations.AwsS3(..., encryption='aws:kms', kms_key_id=key.arn)."
        )
    elif required and encryption != required:
        report_violation(f"{label} sets encryption='{encryption}': this stack requires {wanted}.")
    if encryption == "aws:kms" and not _is_set(config, "kms_key_id"):
        report_violation(
            f"{label} sets encryption='aws:kms' without kms_key_id: set kms_key_id to the ARN of the KMS key that "
            "PostHog's role may use (e.g. kms_key_id=key.arn)."
        )


def _allowed_destinations(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Exports use one of the allowed destination types."""
    if args.resource_type != BATCH_EXPORT:
        return
    allowed = list(_option(args, "allowedTypes", sorted(TYPES)))
    type_, _ = _destination(args.props)
    if type_ is not None and type_ not in allowed:
        report_violation(
            f"{_label('BatchExport', args.name)} writes to a '{type_}' destination, which this stack does not "
            f"allow: use one of {', '.join(allowed) or '(none)'}, or add '{type_}' to allowedTypes in the "
            "policy config."
        )


def _allowed_intervals(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Exports run at one of the allowed intervals."""
    if args.resource_type != BATCH_EXPORT:
        return
    allowed = list(_option(args, "allowedIntervals", list(INTERVALS)))
    interval = args.props.get("interval")
    if interval is not None and interval not in allowed:
        shown = ", ".join(f"'{i}'" for i in allowed) or "(none)"
        report_violation(
            f"{_label('BatchExport', args.name)} runs every '{interval}', which this stack does not allow: set "
            f"interval to one of {shown}, or add it to allowedIntervals in the policy config."
        )


def _paused(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Exports declared ``paused=True`` export nothing."""
    if args.resource_type != BATCH_EXPORT:
        return
    if args.props.get("paused") is True:
        report_violation(
            f"{_label('BatchExport', args.name)} is declared paused=True, so it exports nothing and its data "
            "falls behind: set paused=False (or remove paused) to resume it, then backfill the gap if needed."
        )


def _verify_destination(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Exports to a cloud destination PostHog can test set ``verify_destination=True``."""
    if args.resource_type != BATCH_EXPORT:
        return
    type_, _ = _destination(args.props)
    if type_ not in TESTED_TYPES or args.props.get("verify_destination") is True:
        return
    report_violation(
        f"{_label('BatchExport', args.name)} writes to {type_} without verify_destination=True, so a wrong bucket, "
        "role, password or table name shows only when its first run fails (and PostHog pauses an export after "
        "repeated failures): set verify_destination=True to have `pulumi up` run PostHog's destination test, "
        "every step, before it creates the export or changes its destination."
    )


# ----- integrations and backfills -------------------------------------------------------------------------------


def _prefer_aws_role(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """aws-s3 and aws-redshift integrations assume an IAM role instead of holding access keys."""
    if args.resource_type != INTEGRATION:
        return
    kind = args.props.get("kind")
    if kind not in ROLE_KINDS:
        return
    config = args.props.get("config")
    keys = set(config) if isinstance(config, Mapping) else set()
    if "aws_role_arn" in keys:
        return
    if kind == "aws-redshift" and not keys & set(AWS_KEYS):
        return  # database user and password only: no AWS credentials to replace
    report_violation(
        f"{_label('Integration', args.name)} ({kind}) uses AWS access keys: set config aws_role_arn to a role "
        "PostHog may assume (posthog.aws.trust_policy(org_id) gives its trust policy) and remove "
        f"{' and '.join(AWS_KEYS)}."
    )


def _backfill_max_range(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Backfills span at most ``maxDays`` days (PostHog never deduplicates a backfill)."""
    if args.resource_type != BACKFILL:
        return
    max_days = float(_option(args, "maxDays", DEFAULT_MAX_DAYS))
    label = _label("BatchExportBackfill", args.name)
    start_at, end_at = args.props.get("start_at"), args.props.get("end_at")
    if start_at is None:
        report_violation(
            f"{label} has no start_at, so it re-exports everything before end_at ({end_at}), and PostHog never "
            f"deduplicates backfills: set start_at at most {max_days:g} days before end_at."
        )
        return
    start, end = _parse_time(start_at), _parse_time(end_at)
    if start is None or end is None:
        return  # the provider's check reports malformed bounds
    days = (end - start).total_seconds() / 86400
    if days > max_days:
        report_violation(
            f"{label} spans {days:g} days ({start_at} → {end_at}), more than the {max_days:g} allowed, and PostHog "
            "never deduplicates backfills: split it into backfills of at most "
            f"{max_days:g} days, or raise maxDays in the policy config for this stack."
        )


# ----- stack: the export's bucket -------------------------------------------------------------------------------


def _default_region(bucket: PolicyResource) -> str | None:
    """The region a bucket lands in when it does not say: its AWS provider's ``region``, else ``aws:region``."""
    provider = bucket.provider
    if provider is not None and provider.resource_type == AWS_PROVIDER:
        region = provider.props.get("region")
        if isinstance(region, str):
            return region
    return pulumi.Config("aws").get("region")


def _bucket_region(bucket: PolicyResource) -> str | None:
    """A bucket's region: its ``region`` property, or its provider's region while that is not known yet."""
    try:
        region = bucket.props.get("region")
    except UnknownValueError:
        region = None  # a new bucket's computed region (a preview) is the one its provider creates it in
    return region if isinstance(region, str) else _default_region(bucket)


def _stack_buckets(resources: list[PolicyResource]) -> dict[str, list[str | None]]:
    """Bucket name → regions (None: not determinable) of the AWS S3 buckets the stack manages."""
    buckets: dict[str, list[str | None]] = {}
    for resource in resources:
        if resource.resource_type in AWS_BUCKETS:
            name = resource.props.get("bucket")
            if isinstance(name, str):
                buckets.setdefault(name, []).append(_bucket_region(resource))
    return buckets


def _bucket_in_stack(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """An AwsS3 export writes to an S3 bucket this stack manages, in the export's region."""
    exports = [r for r in args.resources if r.resource_type == BATCH_EXPORT and _destination(r.props)[0] == "AwsS3"]
    if not exports:
        return
    buckets = _stack_buckets(args.resources)
    for export in exports:
        _, config = _destination(export.props)
        name, region = config.get("bucket_name"), config.get("region")
        label = _label("BatchExport", export.name)
        regions = buckets.get(name) if isinstance(name, str) else None
        if regions is None:
            report_violation(
                f"{label} writes to S3 bucket '{name}', which no aws:s3 Bucket or BucketV2 in this stack manages: "
                "create the bucket in this stack and pass bucket.bucket as bucket_name (so its encryption, "
                "lifecycle and access are reviewed with the export).",
                export.urn,
            )
        elif region is not None and region not in regions and None not in regions:
            located = ", ".join(sorted({r for r in regions if r}))
            report_violation(
                f"{label} says region='{region}' but its bucket '{name}' is in {located}: set the destination's "
                f"region to '{located}' (PostHog writes to the region the export names).",
                export.urn,
            )


# ----- the policies ---------------------------------------------------------------------------------------------

_STRINGS = {"type": "array", "items": {"type": "string"}, "uniqueItems": True}


def _setting(key: str, description: str, **schema: Any) -> PolicyConfigSchema:
    """A policy's one setting: its JSON Schema, ``description`` last."""
    return PolicyConfigSchema(properties={key: {**schema, "description": description}})


def _allowed(key: str, default: list[str], description: str) -> PolicyConfigSchema:
    """A setting listing the values a policy allows."""
    return _setting(key, description, **_STRINGS, default=default)


POLICIES: list[Policy] = [
    ResourceValidationPolicy(
        name="posthog-organization-enforce-2fa",
        description="PostHog organizations require two-factor authentication (enforce_2fa=True).",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_enforce_2fa,
    ),
    ResourceValidationPolicy(
        name="posthog-organization-deletion-protection",
        description="PostHog organizations keep deletion_protection (never set it to False).",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_deletion_protection,
    ),
    ResourceValidationPolicy(
        name="posthog-export-no-inline-credentials",
        description="PostHog batch exports reach their destination through an Integration, not credentials in "
        "destination config.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_no_inline_credentials,
    ),
    ResourceValidationPolicy(
        name="posthog-integration-prefer-aws-role",
        description="PostHog aws-s3 and aws-redshift integrations assume an IAM role instead of holding access keys.",
        enforcement_level=EnforcementLevel.ADVISORY,
        validate=_prefer_aws_role,
    ),
    ResourceValidationPolicy(
        name="posthog-export-s3-encryption",
        description="PostHog S3 exports set server-side encryption (and kms_key_id for aws:kms).",
        enforcement_level=EnforcementLevel.ADVISORY,
        config_schema=_setting(
            "encryption",
            "The encryption every S3 export must use; unset accepts either.",
            type="string",
            enum=list(ENCRYPTIONS),
        ),
        validate=_s3_encryption,
    ),
    ResourceValidationPolicy(
        name="posthog-export-allowed-destinations",
        description="PostHog batch exports use an allowed destination type.",
        enforcement_level=EnforcementLevel.MANDATORY,
        config_schema=_allowed("allowedTypes", sorted(TYPES), "Destination types exports may use (default: all)."),
        validate=_allowed_destinations,
    ),
    ResourceValidationPolicy(
        name="posthog-export-allowed-intervals",
        description="PostHog batch exports run at an allowed interval.",
        enforcement_level=EnforcementLevel.MANDATORY,
        config_schema=_allowed(
            "allowedIntervals", list(INTERVALS), 'Intervals exports may use (default: all), e.g. ["hour", "day"].'
        ),
        validate=_allowed_intervals,
    ),
    StackValidationPolicy(
        name="posthog-export-bucket-in-stack",
        description="PostHog AwsS3 exports write to an S3 bucket managed in the same stack, in the export's region.",
        enforcement_level=EnforcementLevel.ADVISORY,
        validate=_bucket_in_stack,
    ),
    ResourceValidationPolicy(
        name="posthog-backfill-max-range",
        description="PostHog backfills span a bounded period (PostHog never deduplicates backfills).",
        enforcement_level=EnforcementLevel.MANDATORY,
        config_schema=_setting(
            "maxDays",
            "The longest backfill allowed, in days.",
            type="number",
            exclusiveMinimum=0,
            default=DEFAULT_MAX_DAYS,
        ),
        validate=_backfill_max_range,
    ),
    ResourceValidationPolicy(
        name="posthog-export-paused",
        description="PostHog batch exports are not declared paused.",
        enforcement_level=EnforcementLevel.ADVISORY,
        validate=_paused,
    ),
    ResourceValidationPolicy(
        name="posthog-export-verify-destination",
        description="PostHog exports to cloud destinations run PostHog's destination test before writing "
        "(verify_destination=True).",
        enforcement_level=EnforcementLevel.ADVISORY,
        validate=_verify_destination,
    ),
]
"""The eleven policies, in the order of the README."""

POLICIES_BY_NAME: dict[str, Policy] = {policy.name: policy for policy in POLICIES}
