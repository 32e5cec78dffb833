"""The portal's addresses plus /bench/floor, for the benchmark's web server only."""

from django.urls import path

from bench import hooks
from dcr_portal.urls import urlpatterns as portal_urlpatterns

urlpatterns = [path("bench/floor", hooks.floor, name="bench_floor"), *portal_urlpatterns]
