"""The portal's addresses plus /bench/floor, for the benchmark's web server only."""

from django.urls import path

from . import bench
from .urls import urlpatterns as portal_urlpatterns

urlpatterns = [path("bench/floor", bench.floor, name="bench_floor"), *portal_urlpatterns]
