"""The private bucket for selfies, enrolment photos and report exports.

Public access is blocked four ways, objects are encrypted (SSE-S3, which is what the app's PutObject asks
for), versioning protects against an overwrite or a mistaken delete, and lifecycle rules keep the bucket
from growing forever: attendance photos under ``photos/`` for a configurable retention (default 730 days,
the evidence period), exports under ``exports/`` for a week. Old versions expire after their own period
so versioning does not quietly double the storage bill.
"""

from __future__ import annotations

from .cfn import Json, get_att, ref, sub

BUCKET_ID = "DataBucket"
PHOTO_PREFIX = "photos/"
EXPORT_PREFIX = "exports/"


def _expiry_rule(rule_id: str, prefix: str, days_parameter: str) -> Json:
    return {
        "Id": rule_id,
        "Status": "Enabled",
        "Prefix": prefix,
        "ExpirationInDays": ref(days_parameter),
        "NoncurrentVersionExpiration": {"NoncurrentDays": ref("NoncurrentVersionDays")},
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
    }


def bucket_resources(bucket_base_name: str) -> dict[str, Json]:
    """The bucket and its policy. The name is made unique per account and region (bucket names are global)."""
    bucket: Json = {
        "Type": "AWS::S3::Bucket",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            "BucketName": sub(f"{bucket_base_name}-${{AWS::AccountId}}-${{AWS::Region}}"),
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            },
            "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
            },
            "VersioningConfiguration": {"Status": "Enabled"},
            "LifecycleConfiguration": {
                "Rules": [
                    _expiry_rule("ExpireAttendancePhotos", PHOTO_PREFIX, "PhotoRetentionDays"),
                    _expiry_rule("ExpireExports", EXPORT_PREFIX, "ExportRetentionDays"),
                    {
                        # Expiring a current version leaves a delete marker; drop it once nothing is behind it.
                        "Id": "RemoveExpiredDeleteMarkers",
                        "Status": "Enabled",
                        "ExpiredObjectDeleteMarker": True,
                    },
                ]
            },
        },
    }
    policy: Json = {
        "Type": "AWS::S3::BucketPolicy",
        "Properties": {
            "Bucket": ref(BUCKET_ID),
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "DenyPlainHttp",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": [get_att(BUCKET_ID, "Arn"), sub(f"${{{BUCKET_ID}.Arn}}/*")],
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    }
                ],
            },
        },
    }
    return {BUCKET_ID: bucket, f"{BUCKET_ID}Policy": policy}
