"""The budget page, kept rendered per person and address until anything it shows changes.

A budget of 10 arms x 40 visits x 50 procedures is 2,000 inputs and the sums of 20,000 cells:
reading and writing them costs many times the portal's cheapest page, while the page changes
only when someone saves. So each person's page for an address (the arm shown) is rendered once
and served from the cache (``common.page_cache``; the visitor's own CSRF token is put back)
until a budget, its arms, visits, procedures or versions, a project, its team, a catalogue
service (the procedure form lists them) or a person's name or roles change (``connect``), or
``TIMEOUT`` passes. Rights are checked before the cache is read, on every request; the key also
holds the budget's ``updated_at``, which every write of a budget moves. Pages carrying messages
for the visitor are never stored. The Excel and CSV files are kept the same way, once for
everyone who may see the budget (seconds of openpyxl for 20,000 cells).
"""

from __future__ import annotations

from accounts.backends import forget_on_change
from common.page_cache import PageCache, serve_person

TIMEOUT = 600
PAGES = PageCache("budgets:pages", timeout=TIMEOUT)


def cached_page(request, budget_id: int, updated_at, render):
    return serve_person(PAGES, request, render, frozenset({"arm"}), (budget_id, updated_at.isoformat()))


def cached_file(budget, kind: str, make) -> bytes | str:
    """The XLSX or CSV of ``budget`` (the same for everyone who may see it), made once per change."""
    key = PAGES.key("file", kind, budget.pk, budget.updated_at.isoformat())
    content, version = PAGES.read(key)
    if content is None:
        content = make()
        PAGES.write(key, version, content)
    return content


def connect() -> None:
    from centers.models import Service
    from projects.models import Member, Project

    from .models import Arm, Budget, BudgetVersion, Procedure, Visit

    # Not Cell: its rows change only with their budget's calendar save, which saves the budget (and
    # a receiver would make Django read every cell of a removed arm or visit before deleting them).
    forget_on_change(PAGES, (Budget, Arm, Visit, Procedure, BudgetVersion, Project, Member, Service), "budgets.pages")
