"""tests/reliability imports a few tests of other folders (races, SMTP retries) so that
``make check-security`` runs them; when their own folder is collected too, the copies here are
dropped and each test runs once."""

from __future__ import annotations


def pytest_collection_modifyitems(session, config, items):
    here = [item for item in items if "tests/reliability/" in item.nodeid]
    elsewhere = {getattr(item, "function", None) for item in items if "tests/reliability/" not in item.nodeid}
    copies = [item for item in here
              if getattr(item, "function", None) in elsewhere and item.function.__module__ != item.module.__name__]
    if copies:
        config.hook.pytest_deselected(items=copies)
        dropped = set(map(id, copies))
        items[:] = [item for item in items if id(item) not in dropped]
