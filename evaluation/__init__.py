"""Evaluation tools for the face pipeline: the `python -m evaluation` command line and accuracy metrics.

Kept outside `chalicelib/` on purpose: Chalice bundles `app.py` and `chalicelib/` into the Lambda package,
and nothing deployed needs these. They import the pipeline (`chalicelib.face`); `chalicelib` must never
import them (tests/unit/infra/test_infra_package_contents.py checks both).
"""
