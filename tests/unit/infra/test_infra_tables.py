"""The DynamoDB tables of the template are exactly what chalicelib.store.models describes."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.store.models import ALL_MODELS, AuditModel, ChallengeModel, EmployeeModel, SyncRunModel, UnitModel
from infra.tables import table_logical_id, table_resource, ttl_attribute

from .conftest import of_type

PREFIX = "smart-prod-"


def _keys(key_schema: list[dict[str, str]]) -> list[tuple[str, str]]:
    return [(k["AttributeName"], k["KeyType"]) for k in key_schema]


def test_every_model_has_exactly_one_table(resources: dict[str, Any]) -> None:
    # GIVEN the merged template WHEN listing its tables THEN there is one per model, named prefix + base_name
    tables = of_type(resources, "AWS::DynamoDB::Table")
    assert sorted(t["Properties"]["TableName"] for t in tables.values()) == sorted(
        PREFIX + m.base_name for m in ALL_MODELS
    )


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.base_name)
def test_table_keys_indexes_and_ttl_follow_the_model(model: Any) -> None:
    properties = table_resource(model, PREFIX)["Properties"]
    expected_keys = [(model._hash_keyname, "HASH")]
    if model._range_keyname:
        expected_keys.append((model._range_keyname, "RANGE"))
    assert _keys(properties["KeySchema"]) == expected_keys
    indexes = {i["IndexName"]: i for i in properties.get("GlobalSecondaryIndexes", [])}
    assert set(indexes) == {index.Meta.index_name for index in model._indexes.values()}
    for index in model._indexes.values():
        generated = indexes[index.Meta.index_name]
        hash_key = next(name for name, a in index.Meta.attributes.items() if a.is_hash_key)
        assert generated["KeySchema"][0] == {"AttributeName": hash_key, "KeyType": "HASH"}
        assert generated["Projection"]["ProjectionType"] == index.Meta.projection.projection_type
    # DynamoDB refuses attribute definitions that no key uses, and needs every key attribute defined.
    used = {k["AttributeName"] for k in properties["KeySchema"]}
    used |= {k["AttributeName"] for i in indexes.values() for k in i["KeySchema"]}
    assert {d["AttributeName"] for d in properties["AttributeDefinitions"]} == used
    ttl = ttl_attribute(model)
    assert properties.get("TimeToLiveSpecification") == ({"AttributeName": ttl, "Enabled": True} if ttl else None)


def test_tables_are_on_demand_recoverable_and_retained(resources: dict[str, Any]) -> None:
    for table in of_type(resources, "AWS::DynamoDB::Table").values():
        assert table["Properties"]["BillingMode"] == "PAY_PER_REQUEST"
        assert table["Properties"]["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
        assert table["Properties"]["DeletionProtectionEnabled"] is True
        assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"


def test_known_layout_details() -> None:
    # Spot checks a reader can verify against models.py by eye.
    assert ttl_attribute(ChallengeModel) == "expires"
    assert ttl_attribute(EmployeeModel) is None
    assert ttl_attribute(AuditModel) == "expires"  # the links handed out expire (decision 123), changes never
    units = table_resource(UnitModel, PREFIX)["Properties"]
    assert units["GlobalSecondaryIndexes"][0]["Projection"] == {"ProjectionType": "KEYS_ONLY"}
    assert table_logical_id(EmployeeModel) == "EmployeesTable"


TABLE = "AWS::DynamoDB::Table"


def test_sync_runs_expire_in_the_template(resources: dict[str, Any]) -> None:
    # SIMPEG runs' row errors name NIPs: in the deployed template their table expires items, as job_runs does
    tables = {t["Properties"]["TableName"]: t["Properties"] for t in of_type(resources, TABLE).values()}
    for name in ("sync_runs", "job_runs"):
        assert tables[PREFIX + name]["TimeToLiveSpecification"] == {"AttributeName": "expires", "Enabled": True}
    assert ttl_attribute(SyncRunModel) == "expires"
