from __future__ import annotations

import pytest

from accounts.permissions import sync_role_permissions


@pytest.fixture(autouse=True)
def _role_permissions(db):
    """Role permissions as after `migrate` (the test database is built without post_migrate for new groups)."""
    sync_role_permissions()
