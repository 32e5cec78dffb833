"""The staff desk's side menu (written in Python by common.templatetags.admin_nav): what Django's own
template would draw, for what the person may use, with the page they are on marked."""

import re

from django.contrib import admin
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from common.templatetags.admin_nav import nav_sidebar_apps


def _normalised(html: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


def test_the_menu_is_djangos_markup_for_what_the_person_may_use(rf: RequestFactory, superuser, staff_a):
    for user in (superuser, staff_a):
        request = rf.get(reverse("admin:consultations_consultationrequest_changelist"))
        request.user = user
        apps = admin.site.get_app_list(request)
        django_drawn = render_to_string("admin/app_list.html",
                                        {"app_list": apps, "show_changelinks": False, "request": request})
        assert _normalised(nav_sidebar_apps({"available_apps": apps, "request": request})) == _normalised(django_drawn)


def test_the_side_menu_marks_the_page_and_leaves_out_what_staff_may_not_use(client, staff_a):
    client.force_login(staff_a)
    html = client.get(reverse("admin:centers_center_changelist")).content.decode()
    menu = html[html.index('id="nav-sidebar"'):html.index("</nav>", html.index('id="nav-sidebar"'))]
    assert 'aria-current="page"' in menu and 'class="model-center current-model"' in menu
    assert "/admin/accounts/user/" not in menu  # staff of a centre do not manage accounts


def test_someone_with_no_model_is_told_so(rf: RequestFactory, staff_a):
    request = rf.get("/admin/")
    assert "permission to view or edit anything" in nav_sidebar_apps({"available_apps": [], "request": request})
