"""Create SMART's tables and bucket where nothing else does: the local stack and tests.

In AWS the CloudFormation template of infra/ creates them (generated from the same models).
Run as ``python -m chalicelib.store.schema create`` with the same environment as the app.
"""

from __future__ import annotations

import sys

from chalicelib.settings import Settings, load_settings
from chalicelib.store.models import ALL_MODELS, configure
from chalicelib.store.photos import photo_store


def create_tables(settings: Settings) -> list[str]:
    """Create every missing table (on-demand billing, TTL where the model has one); return created names."""
    configure(settings.table_prefix, settings.region)
    created = []
    for model in ALL_MODELS:
        if not model.exists():
            model.create_table(wait=True, billing_mode="PAY_PER_REQUEST")
            created.append(model.Meta.table_name)
    return created


def create_all(settings: Settings) -> list[str]:
    created = create_tables(settings)
    photo_store(settings).ensure_bucket(settings.region)
    return created


def main(argv: list[str]) -> int:
    if argv[1:] != ["create"]:
        print("usage: python -m chalicelib.store.schema create", file=sys.stderr)
        return 2
    settings = load_settings()
    created = create_all(settings)
    print(f"tables ready ({len(created)} created), bucket {settings.bucket} ready")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
