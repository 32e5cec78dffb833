"""Response headers every page needs, whatever view made it.

``PrivatePagesMiddleware``: a page made for a signed-in person may hold personal data, so the
browser must not keep it (``Cache-Control: no-store``): after signing out, Back shows nothing.
Public pages for anonymous visitors keep whatever caching their view chose.

``PermissionsPolicyMiddleware``: the portal uses no camera, microphone, location, payment or
USB device, and says so, so that a script injected somehow could not ask for them either.
"""

from __future__ import annotations

from django.utils.cache import add_never_cache_headers

PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope", "magnetometer",
    "microphone", "midi", "payment", "publickey-credentials-get", "screen-wake-lock", "serial", "usb",
    "xr-spatial-tracking", "browsing-topics",
))


class PrivatePagesMiddleware:
    """``no-store`` on every answer to a signed-in person (reads ``request.user`` on the way out)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "no-store" not in response.get("Cache-Control", ""):
            # The same header as Django's never_cache (the admin's): max-age=0, no-cache, no-store,
            # must-revalidate, private; a view's own "public" or max-age is overridden.
            response.headers.pop("Cache-Control", None)
            add_never_cache_headers(response)
        return response


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
