"""Settings of the benchmark's web server: the portal's own settings (run with DCR_ENV=production)
plus the floor page and the query-count header. Never used to serve the portal."""

from dcr_portal.settings import *  # noqa: F403

MIDDLEWARE = ["bench.hooks.QueryCountMiddleware", *MIDDLEWARE]  # noqa: F405
ROOT_URLCONF = "bench.urls"
