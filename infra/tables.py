"""DynamoDB tables generated from chalicelib.store.models, the single source of the data layout.

Every model becomes one table named ``prefix + base_name`` with the model's keys, global secondary
indexes and TTL attribute, on-demand billing and point-in-time recovery. Tables are retained when the
stack is deleted or a change would replace them: attendance records are evidence, never collateral.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pynamodb.attributes import TTLAttribute
from pynamodb.models import Model

from .cfn import Json, camel, checkov_skip
from .errors import TemplateError

# A table's name, prefix included, is at most this long, which the policies' sizes count on (access.py).
MAX_TABLE_NAME = 100


def table_logical_id(model: type[Model]) -> str:
    return f"{camel(_base_name(model))}Table"


def _base_name(model: type[Model]) -> str:
    name = getattr(model, "base_name", "")
    if not isinstance(name, str) or not name:
        raise ValueError(f"{model.__name__} has no base_name")
    return name


def _key_schema(elements: Iterable[Mapping[str, Any]]) -> list[Json]:
    # DynamoDB wants the HASH element first; pynamodb lists them in attribute-name order.
    ordered = sorted(elements, key=lambda e: 0 if e["KeyType"] == "HASH" else 1)
    return [{"AttributeName": e["AttributeName"], "KeyType": e["KeyType"]} for e in ordered]


def _projection(raw: Mapping[str, Any]) -> Json:
    projection: Json = {"ProjectionType": raw["ProjectionType"]}
    if raw.get("NonKeyAttributes"):
        projection["NonKeyAttributes"] = sorted(raw["NonKeyAttributes"])
    return projection


def _gsi(raw: Mapping[str, Any]) -> Json:
    return {
        "IndexName": raw["index_name"],
        "KeySchema": _key_schema(raw["key_schema"]),
        "Projection": _projection(raw["projection"]),
    }


def ttl_attribute(model: type[Model]) -> str | None:
    """Name of the model's TTLAttribute (DynamoDB allows one per table), or None."""
    names = [name for name, attr in model.get_attributes().items() if isinstance(attr, TTLAttribute)]
    if len(names) > 1:
        raise ValueError(f"{model.__name__} has more than one TTLAttribute: {names}")
    return names[0] if names else None


def table_resource(model: type[Model], prefix: str) -> Json:
    """One AWS::DynamoDB::Table resource for a pynamodb model."""
    schema = model._get_schema()
    if schema.get("local_secondary_indexes"):
        raise ValueError(f"{model.__name__}: local secondary indexes are not generated (none are used)")
    definitions = {d["AttributeName"]: d["AttributeType"] for d in schema["attribute_definitions"]}
    name = prefix + _base_name(model)
    if len(name) > MAX_TABLE_NAME:
        raise TemplateError(f"table name {name!r} is longer than {MAX_TABLE_NAME} characters: shorten the prefix")
    properties: Json = {
        "TableName": name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": n, "AttributeType": t} for n, t in sorted(definitions.items())],
        "KeySchema": _key_schema(schema["key_schema"]),
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        "DeletionProtectionEnabled": True,
    }
    indexes = sorted(schema.get("global_secondary_indexes", []), key=lambda i: str(i["index_name"]))
    if indexes:
        properties["GlobalSecondaryIndexes"] = [_gsi(index) for index in indexes]
    ttl = ttl_attribute(model)
    if ttl is not None:
        properties["TimeToLiveSpecification"] = {"AttributeName": ttl, "Enabled": True}
    return {
        "Type": "AWS::DynamoDB::Table",
        "Metadata": checkov_skip(
            (
                "CKV_AWS_119",
                "encrypted at rest with DynamoDB's AWS owned key; who can read an item is decided by the per-function "
                "IAM policies (infra/access.py), which a customer managed key would only repeat in a key policy, at "
                "the risk of making every record unreadable if the key is disabled (docs/decision_log.md)",
            )
        ),
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": properties,
    }


def table_resources(models: Iterable[type[Model]], prefix: str) -> dict[str, Json]:
    """Logical id → table resource for every model."""
    resources: dict[str, Json] = {}
    for model in models:
        logical_id = table_logical_id(model)
        if logical_id in resources:
            raise ValueError(f"two models map to the table {logical_id}")
        resources[logical_id] = table_resource(model, prefix)
    return resources
