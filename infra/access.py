"""Least-privilege IAM for SMART's functions: their own tables, their own bucket, their own logs and
secrets, nothing else.

Chalice is told ``autogen_policy: false`` for dev and prod; the merge step empties the placeholder policy
Chalice writes and attaches this managed policy to every function role instead. There is no ``Scan``,
``CreateTable`` or ``DeleteTable``: the app reads by key and index, and the stack owns the tables.
"""

from __future__ import annotations

from collections.abc import Iterable

from .bucket import BUCKET_ID, EXPORT_PREFIX, PHOTO_PREFIX
from .cfn import Json, get_att, ref, sub

POLICY_ID = "AppAccessPolicy"

DYNAMODB_ACTIONS = (
    "dynamodb:BatchGetItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DeleteItem",
    "dynamodb:DescribeTable",  # pynamodb describes a table once per container before using it
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:UpdateItem",
)
OBJECT_ACTIONS = ("s3:GetObject", "s3:PutObject", "s3:DeleteObject")


def _statement(sid: str, actions: Iterable[str], resources: list[object]) -> Json:
    return {"Sid": sid, "Effect": "Allow", "Action": sorted(actions), "Resource": resources}


def access_policy(table_ids: Iterable[str], log_group_ids: Iterable[str], role_ids: Iterable[str]) -> Json:
    """AWS::IAM::ManagedPolicy attached to `role_ids`, granting only what the app uses."""
    tables: list[object] = []
    for table_id in sorted(table_ids):
        tables += [get_att(table_id, "Arn"), sub(f"${{{table_id}.Arn}}/index/*")]
    objects: list[object] = [sub(f"${{{BUCKET_ID}.Arn}}/{prefix}*") for prefix in (PHOTO_PREFIX, EXPORT_PREFIX)]
    parameters = "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${SecretsPath}"
    statements = [
        _statement("OwnTables", DYNAMODB_ACTIONS, tables),
        _statement("OwnObjects", OBJECT_ACTIONS, objects),
        # Without ListBucket a missing photo answers 403 instead of 404, which the app reports as an outage.
        _statement("ListOwnBucket", ["s3:ListBucket"], [get_att(BUCKET_ID, "Arn")]),
        _statement(
            "OwnLogs",
            ["logs:CreateLogStream", "logs:PutLogEvents"],
            [get_att(log_id, "Arn") for log_id in sorted(log_group_ids)],
        ),
        _statement("ReadSecretsPath", ["ssm:GetParametersByPath"], [sub(parameters)]),
        _statement("ReadSecrets", ["ssm:GetParameter", "ssm:GetParameters"], [sub(parameters + "/*")]),
    ]
    return {
        "Type": "AWS::IAM::ManagedPolicy",
        "Properties": {
            "Description": "SMART functions: own tables, bucket, logs and SSM parameters only",
            "Roles": [ref(role_id) for role_id in sorted(role_ids)],
            "PolicyDocument": {"Version": "2012-10-17", "Statement": statements},
        },
    }
