"""Deployable AWS definition of SMART: `chalice package` output merged with what Chalice does not create.

`python -m infra.package` (or `make package`) builds it; docs/deployment.md explains how to deploy it.
The template pieces are generated from the code they serve (tables from chalicelib.store.models, schedules
from the app's scheduled functions) so that the deployed shape cannot drift from what the app expects.
"""
