"""An Atom feed of a finder search: the newest studies that match it, for a feed reader to follow."""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext

from . import rich_text, selectors

FEED_SIZE = 50


class SearchFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request):
        params = request.GET.copy()
        params["sort"] = "newest"
        params.pop("page", None)
        return selectors.finder(params), selectors.finder_query(params)

    def title(self, obj) -> str:
        finder, _ = obj
        shown = ", ".join(f"{label}: {value}" for label, value, _ in finder.active)
        return gettext("New studies: %(search)s") % {"search": shown} if shown else gettext("New studies")

    def link(self, obj) -> str:
        _, query = obj
        return f"{reverse('studies:finder')}?{query}" if query else reverse("studies:finder")

    def subtitle(self, obj) -> str:
        return gettext("Studies of the Division of Clinical Research that match this search, newest first.")

    def items(self, obj):
        finder, _ = obj
        return list(finder.page.paginator.object_list[:FEED_SIZE])

    def item_title(self, item) -> str:
        return item.lay_title

    def item_description(self, item) -> str:
        return rich_text.to_plain_text(item.summary)

    def item_link(self, item) -> str:
        return item.get_absolute_url()

    def item_updateddate(self, item):
        return item.updated_at

    def item_pubdate(self, item):
        return item.created_at

    def item_guid(self, item) -> str:
        return f"{settings.SITE_URL}{item.get_absolute_url()}"

    item_guid_is_permalink = True
