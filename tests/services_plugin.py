"""Test setup: the embedded PostgreSQL and Redis when DATABASE_URL / REDIS_URL are not given.

Loaded with ``-p`` (pytest.ini) so that it runs before pytest-django reads the settings.
"""

import pytest


@pytest.hookimpl(wrapper=True)
def pytest_load_initial_conftests(early_config, parser, args):
    from devtools.embedded import provide_missing_urls

    provide_missing_urls()
    return (yield)
