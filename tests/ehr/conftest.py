from __future__ import annotations

import pytest

from accounts.permissions import sync_role_permissions


@pytest.fixture(autouse=True)
def _role_permissions(db):
    sync_role_permissions()
