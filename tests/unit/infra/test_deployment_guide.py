"""docs/deployment.md says what the template and the settings really do."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from chalicelib.settings import TEMPLATE_SETTINGS

from .conftest import of_type

GUIDE = (Path(__file__).parents[3] / "docs" / "deployment.md").read_text(encoding="utf-8")


def test_the_guide_counts_the_tables_the_template_makes(resources: dict[str, Any]) -> None:
    [counted] = re.findall(r"^\| (\d+) DynamoDB tables ", GUIDE, re.M)
    assert int(counted) == len(of_type(resources, "AWS::DynamoDB::Table"))


def test_every_ssm_command_of_the_guide_names_the_region() -> None:
    # The functions read the secrets in the stack's region; a parameter put in the CLI profile's region is lost.
    commands = re.findall(r"aws ssm [a-z-]+(?:[^\n`]|\\\n)*", GUIDE)
    assert len(commands) >= 10
    assert [c for c in commands if "--region ap-southeast-3" not in c] == []


def test_no_ssm_command_of_the_guide_puts_a_setting_the_stack_owns() -> None:
    # The functions refuse to start on such a parameter (chalicelib.settings.TEMPLATE_SETTINGS).
    puts = re.findall(r"aws ssm put-parameter(?:[^\n`]|\\\n)*", GUIDE)
    assert puts
    assert [p for p in puts if any(f"/{name} " in p or p.endswith(f"/{name}") for name in TEMPLATE_SETTINGS)] == []


def test_the_guide_lists_the_settings_the_stack_owns() -> None:
    # The settings reference names exactly the settings an SSM parameter may not override.
    [paragraph] = re.findall(r"^\*\*Set by the template or the build\*\*(.*?)\n\n", GUIDE, re.M | re.S)
    assert set(re.findall(r"`(SMART_[A-Z0-9_]+)`", paragraph)) == set(TEMPLATE_SETTINGS)


def _section(title: str) -> str:
    [section] = re.findall(rf"^#+ {re.escape(title)}\n(.*?)\n#", GUIDE, re.M | re.S)
    return str(section)


def test_the_guide_says_what_each_function_may_do(resources: dict[str, Any]) -> None:
    rows = re.findall(r"^\| `(\w+)`", _section("What each function may do"), re.M)
    assert sorted(rows) == sorted(of_type(resources, "AWS::Serverless::Function"))


def test_the_guide_says_the_no_check_in_alarm_keeps_quiet_on_the_regency_s_days_off() -> None:
    # The runbook's row of the alarm: a weekday holiday no longer sounds it; the day-off watch is named, and what
    # happens when the watch fails
    [row] = [line for line in GUIDE.splitlines() if line.startswith("| `NoAcceptedCheckinsAlarm`")]
    assert "holiday on a weekday sounds it" not in row
    assert all(word in row for word in ("`DayOff`", "`day_off_watch`", "DayOffWatchErrorsAlarm")), row
