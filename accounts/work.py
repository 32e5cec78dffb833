"""Each person's own work: the menu entries their roles give them, and where signing in lands.

Domain apps register their pages here (in their ``AppConfig.ready``), so that accounts, below
them, names no domain app. A link is ``(label, URL name, roles, order)``: the lowest ``order``
the person's roles allow is where signing in lands; the menu lists the rest in that order.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from . import roles


@dataclass(frozen=True)
class WorkLink:
    label: str
    url_name: str
    roles: tuple[str, ...]
    order: int
    in_menu: bool = True  # the staff desk already has the "Staff" menu


_LINKS: dict[str, WorkLink] = {}


def register(label, url_name: str, *, roles: tuple[str, ...], order: int, in_menu: bool = True) -> None:
    """Add (or replace, by URL name) a page of a person's own work."""
    _LINKS[url_name] = WorkLink(label, url_name, tuple(roles), order, in_menu)


def _links_of(user) -> list[WorkLink]:
    if not getattr(user, "is_authenticated", False):
        return []
    return sorted((link for link in _LINKS.values() if roles.has_role(user, *link.roles)),
                  key=lambda link: (link.order, link.url_name))


def menu_links(user) -> list[tuple[str, str]]:
    """(label, address) of the person's own pages, for the main menu."""
    return [(link.label, reverse(link.url_name)) for link in _links_of(user) if link.in_menu]


def landing_url(user) -> str:
    """Where signing in takes a person: their work, or their profile when no role gives them any."""
    if getattr(user, "is_superuser", False):
        return reverse("admin:index")
    links = _links_of(user)
    return reverse(links[0].url_name) if links else reverse("accounts:my_account")


# The staff desk is Django's admin, not a domain app: registered here.
register("Staff desk", "admin:index", roles=(roles.DCR_STAFF, roles.BIOBANK_STAFF), order=10, in_menu=False)
