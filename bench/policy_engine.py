"""What the timing benches of the shipped face pipeline share: their arguments (--runs, --policy, --model-dir)
and the engine that runs the policy's models."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from chalicelib.face import FaceConfig, FaceEngine
from chalicelib.face.scoring import ScoringPolicy
from evaluation.cli import resolve_model_dir


def parse_args(description: str | None, runs: int, argv: Sequence[str] | None) -> argparse.Namespace:
    """--runs (timed runs after the warm-up, default `runs`), --policy (name) and --model-dir."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--runs", type=int, default=runs)
    parser.add_argument("--policy", default="default")
    parser.add_argument("--model-dir", default=None)
    return parser.parse_args(argv)


def policy_engine(args: argparse.Namespace) -> tuple[ScoringPolicy, FaceEngine]:
    """The scoring policy named by --policy and an engine with its embedding models (from --model-dir)."""
    policy = ScoringPolicy.load(args.policy)
    return policy, FaceEngine(FaceConfig(model_dir=resolve_model_dir(args.model_dir), embedders=policy.model_ids))
