"""cfn-lint on a generated template, in process and offline (the SAM transform runs locally)."""

from __future__ import annotations

from cfnlint.api import ManualArgs, lint


def lint_template(template_text: str, region: str) -> list[str]:
    """Every cfn-lint finding (errors, warnings and informational) for `region`; empty means clean."""
    return [str(match) for match in lint(template_text, config=ManualArgs(regions=[region]))]
