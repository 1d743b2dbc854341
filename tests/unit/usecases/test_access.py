"""Who may read and change what: the auditor's scopes beside the admins' (usecases/access.py)."""

from __future__ import annotations

import pytest

from chalicelib.domain.people import Principal
from chalicelib.errors import ForbiddenError
from chalicelib.usecases import access

SUPER = Principal("admin", "super_admin")
UNIT_ADMIN = Principal("budi", "unit_admin", frozenset({"U1"}))
REGENCY_AUDITOR = Principal("inspektorat", "auditor")
UNIT_AUDITOR = Principal("pemeriksa", "auditor", frozenset({"U2"}))
EMPLOYEE = Principal("198501012010011001", "employee")


def test_a_regency_auditor_reads_like_a_super_admin_and_a_unit_auditor_like_a_unit_admin() -> None:
    assert access.visible_units(REGENCY_AUDITOR, None) is None
    assert access.visible_units(REGENCY_AUDITOR, "U7") == ["U7"]
    assert access.visible_units(UNIT_AUDITOR, None) == ["U2"]
    with pytest.raises(ForbiddenError) as refused:
        access.require_unit_scope(UNIT_AUDITOR, "U1")
    assert "unit lain" in refused.value.message  # says why, not only "not allowed"
    access.require_regency_reader(REGENCY_AUDITOR)
    access.require_regency_reader(SUPER)
    for principal in (UNIT_AUDITOR, UNIT_ADMIN, EMPLOYEE):
        with pytest.raises(ForbiddenError):
            access.require_regency_reader(principal)


def test_only_an_auditor_is_refused_changes_and_never_becomes_a_super_admin() -> None:
    for principal in (SUPER, UNIT_ADMIN, EMPLOYEE):
        access.require_may_change(principal)
    for auditor in (REGENCY_AUDITOR, UNIT_AUDITOR):
        with pytest.raises(ForbiddenError) as refused:
            access.require_may_change(auditor)
        assert refused.value.details == {"role": "auditor"}
        with pytest.raises(ForbiddenError):
            access.require_super_admin(auditor)
    with pytest.raises(ForbiddenError):
        access.require_admin(EMPLOYEE)
    access.require_admin(REGENCY_AUDITOR)
