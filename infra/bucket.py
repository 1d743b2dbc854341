"""The private bucket for selfies, enrolment photos and report exports, and the bucket of its access logs.

Public access is blocked four ways, objects are encrypted (SSE-S3, which is what the app's PutObject asks
for), versioning protects against an overwrite or a mistaken delete, and lifecycle rules keep the bucket
from growing forever: attendance photos under ``photos/`` for a configurable retention (default 730 days,
the evidence period), exports under ``exports/`` and SIMPEG imports waiting for the worker under
``imports/simpeg/`` for a week (Object Lock keeps every version for ``PhotoRetentionDays`` all the same, below,
and the DataBucket row of docs/deployment.md). Old versions expire after their own period
so versioning does not quietly double the storage bill.

The photos are evidence, so the bucket is created with S3 Object Lock and a default retention in
governance mode for ``PhotoRetentionDays``: within that period no version can be deleted or overwritten
in place, not even by a stolen function credential. Expiring a photo after the same period is compatible
with the lock (the retention runs from the upload, the lifecycle expiry from the same instant; the
noncurrent copy is removed once its retention is over). The bucket policy also denies the function roles
every delete, retention change and governance bypass, whatever their IAM policies say.

Server access logs of the data bucket go to a separate bucket (a bucket with Object Lock cannot receive
them), which S3's log delivery service may write into only for this account and this source bucket.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from chalicelib.usecases.simpeg import IMPORT_PREFIX

from .cfn import Json, checkov_skip, get_att, ref, sub

BUCKET_ID = "DataBucket"
ACCESS_LOG_BUCKET_ID = "AccessLogBucket"
PHOTO_PREFIX = "photos/"
EXPORT_PREFIX = "exports/"
REQUEST_PREFIX = "requests/"  # employees' request attachments (chalicelib/store/photos.py), kept like evidence
SIMPEG_IMPORT_PREFIX = IMPORT_PREFIX  # "imports/simpeg/": a long SIMPEG import waiting for the worker
ACCESS_LOG_PREFIX = "data-bucket/"
# What the function roles may never do on the data bucket (bucket policy, an explicit deny).
DENIED_TO_FUNCTIONS = (
    "s3:BypassGovernanceRetention",
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
    "s3:PutObjectLegalHold",
    "s3:PutObjectRetention",
    "s3:PutBucketObjectLockConfiguration",
    "s3:PutBucketPolicy",
    "s3:DeleteBucketPolicy",
    "s3:PutLifecycleConfiguration",
    "s3:PutBucketVersioning",
)

_PRIVATE = {
    "BlockPublicAcls": True,
    "BlockPublicPolicy": True,
    "IgnorePublicAcls": True,
    "RestrictPublicBuckets": True,
}
_SSE_S3 = {"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}


def _expiry_rule(rule_id: str, prefix: str, days_parameter: str) -> Json:
    return {
        "Id": rule_id,
        "Status": "Enabled",
        "Prefix": prefix,
        "ExpirationInDays": ref(days_parameter),
        "NoncurrentVersionExpiration": {"NoncurrentDays": ref("NoncurrentVersionDays")},
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
    }


def _data_bucket_name(bucket_base_name: str) -> str:
    return f"{bucket_base_name}-${{AWS::AccountId}}-${{AWS::Region}}"


def private_bucket(name: str, properties: Json, *, logged_as: str | None, metadata: Json | None = None) -> Json:
    """A retained bucket named `name` (a Fn::Sub text): public access blocked four ways, no ACLs, SSE-S3,
    versioned, with `properties` on top. `logged_as`: the prefix of its server access logs in the access-log
    bucket (it then waits for that bucket's policy, which lets S3's log delivery write them)."""
    bucket: Json = {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}
    base: Json = {
        "BucketName": sub(name),
        "PublicAccessBlockConfiguration": dict(_PRIVATE),
        "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
        "BucketEncryption": _SSE_S3,
        "VersioningConfiguration": {"Status": "Enabled"},
    }
    if logged_as is not None:
        bucket["DependsOn"] = f"{ACCESS_LOG_BUCKET_ID}Policy"
        base["LoggingConfiguration"] = {"DestinationBucketName": ref(ACCESS_LOG_BUCKET_ID), "LogFilePrefix": logged_as}
    if metadata is not None:
        bucket["Metadata"] = metadata
    bucket["Properties"] = {**base, **properties}
    return bucket


def _data_bucket(bucket_base_name: str) -> Json:
    metadata = checkov_skip(
        (
            "CKV_AWS_145",
            "SSE-S3 (AES256) on purpose: the app's PutObject asks for AES256 and no key policy has to be kept "
            "in step with the function roles; access is already limited by the roles and the bucket policy",
        ),
        (
            "CKV2_AWS_62",
            "nothing consumes object events: the app writes and reads the objects itself",
        ),
        (
            "CKV_AWS_144",
            "no cross-region replication: evidence must stay in the regency's region (Jakarta) and is "
            "protected by versioning and Object Lock",
        ),
    )
    properties: Json = {
        # Only at creation: an existing bucket gets Object Lock with put-object-lock-configuration.
        "ObjectLockEnabled": True,
        "ObjectLockConfiguration": {
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": ref("PhotoRetentionDays")}},
        },
        "LifecycleConfiguration": {
            "Rules": [
                _expiry_rule("ExpireAttendancePhotos", PHOTO_PREFIX, "PhotoRetentionDays"),
                # A sick note or a duty letter backs a leave decision: kept as long as the photos.
                _expiry_rule("ExpireRequestAttachments", REQUEST_PREFIX, "PhotoRetentionDays"),
                _expiry_rule("ExpireExports", EXPORT_PREFIX, "ExportRetentionDays"),
                _expiry_rule("ExpireSimpegImports", SIMPEG_IMPORT_PREFIX, "ExportRetentionDays"),
                {
                    # Expiring a current version leaves a delete marker; drop it once nothing is behind it.
                    "Id": "RemoveExpiredDeleteMarkers",
                    "Status": "Enabled",
                    "ExpiredObjectDeleteMarker": True,
                },
            ]
        },
    }
    return private_bucket(
        _data_bucket_name(bucket_base_name), properties, logged_as=ACCESS_LOG_PREFIX, metadata=metadata
    )


def _access_log_bucket(bucket_base_name: str) -> Json:
    metadata = checkov_skip(
        ("CKV_AWS_18", "this is the access-log bucket; logging its own access would log the log writes"),
        ("CKV_AWS_145", "S3 server access logs can only be delivered to a bucket encrypted with SSE-S3"),
        ("CKV2_AWS_62", "nothing consumes object events of the access logs"),
        ("CKV_AWS_144", "no cross-region replication: the logs stay in the region of the data they describe"),
    )
    lifecycle: Json = {
        "Rules": [
            {
                "Id": "ExpireAccessLogs",
                "Status": "Enabled",
                "ExpirationInDays": ref("AccessLogRetentionDays"),
                "NoncurrentVersionExpiration": {"NoncurrentDays": 1},
                "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
            },
            {"Id": "RemoveExpiredDeleteMarkers", "Status": "Enabled", "ExpiredObjectDeleteMarker": True},
        ]
    }
    name = f"{bucket_base_name}-logs-${{AWS::AccountId}}-${{AWS::Region}}"
    return private_bucket(name, {"LifecycleConfiguration": lifecycle}, logged_as=None, metadata=metadata)


def deny_plain_http(bucket_id: str) -> Json:
    return {
        "Sid": "DenyPlainHttp",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [get_att(bucket_id, "Arn"), sub(f"${{{bucket_id}.Arn}}/*")],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def bucket_policy(bucket_id: str, statements: list[Json]) -> Json:
    return {
        "Type": "AWS::S3::BucketPolicy",
        "Properties": {
            "Bucket": ref(bucket_id),
            "PolicyDocument": {"Version": "2012-10-17", "Statement": statements},
        },
    }


def bucket_resources(
    bucket_base_name: str, function_role_ids: Iterable[str] = (), other_logged: Mapping[str, str] | None = None
) -> dict[str, Json]:
    """The data bucket, its access-log bucket and their policies. Names are made unique per account and
    region (bucket names are global). `function_role_ids`: the roles denied deletes and lock changes;
    `other_logged`: more buckets whose access logs the log bucket receives (log prefix: bucket name, as a
    Fn::Sub text)."""
    statements = [deny_plain_http(BUCKET_ID)]
    roles = sorted(function_role_ids)
    if roles:
        statements.append(
            {
                "Sid": "FunctionsNeverDeleteOrUnlock",
                "Effect": "Deny",
                "Principal": "*",
                "Action": list(DENIED_TO_FUNCTIONS),
                "Resource": [get_att(BUCKET_ID, "Arn"), sub(f"${{{BUCKET_ID}.Arn}}/*")],
                "Condition": {"ArnEquals": {"aws:PrincipalArn": [get_att(role, "Arn") for role in roles]}},
            }
        )
    logged = {ACCESS_LOG_PREFIX: _data_bucket_name(bucket_base_name), **(other_logged or {})}
    log_delivery = {
        "Sid": "ServerAccessLogsOfTheStacksBuckets",
        "Effect": "Allow",
        "Principal": {"Service": "logging.s3.amazonaws.com"},
        "Action": "s3:PutObject",
        "Resource": [sub(f"${{{ACCESS_LOG_BUCKET_ID}.Arn}}/{prefix}*") for prefix in logged],
        "Condition": {
            # By name, not GetAtt: a logged bucket waits for this policy before it turns logging on.
            "ArnLike": {"aws:SourceArn": [sub(f"arn:${{AWS::Partition}}:s3:::{name}") for name in logged.values()]},
            "StringEquals": {"aws:SourceAccount": ref("AWS::AccountId")},
        },
    }
    return {
        BUCKET_ID: _data_bucket(bucket_base_name),
        f"{BUCKET_ID}Policy": bucket_policy(BUCKET_ID, statements),
        ACCESS_LOG_BUCKET_ID: _access_log_bucket(bucket_base_name),
        f"{ACCESS_LOG_BUCKET_ID}Policy": bucket_policy(
            ACCESS_LOG_BUCKET_ID, [deny_plain_http(ACCESS_LOG_BUCKET_ID), log_delivery]
        ),
    }
