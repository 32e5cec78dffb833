"""The shared rate-limit counters and how the client address is read behind proxies."""

from django.core.cache import cache
from django.test import RequestFactory

from common import ratelimit


def test_limit_counts_per_identity_and_scope():
    for _ in range(3):
        assert ratelimit.hit("form", "a@example.org", limit=3, window_seconds=60)
    assert not ratelimit.hit("form", "A@example.org ", limit=3, window_seconds=60)  # same person
    assert ratelimit.hit("other-form", "a@example.org", limit=3, window_seconds=60)
    assert ratelimit.is_limited("form", "a@example.org", limit=3)
    assert not ratelimit.is_limited("form", "b@example.org", limit=3)


def test_identities_are_never_stored_in_clear():
    ratelimit.count("form", "secret.person@example.org", window_seconds=60)
    keys = list(cache._cache.keys())  # locmem in tests
    assert keys and not any("secret.person" in key for key in keys)


def test_forwarded_for_is_ignored_without_trusted_proxies(settings):
    settings.TRUSTED_PROXIES = 0
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert ratelimit.client_ip(request) == "10.0.0.5"


def test_one_trusted_proxy_gives_the_address_it_saw(settings):
    settings.TRUSTED_PROXIES = 1
    forged = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert ratelimit.client_ip(forged) == "203.0.113.9"


def test_sign_in_lockout_uses_the_same_client_address(settings):
    from axes.helpers import get_client_ip_address

    settings.TRUSTED_PROXIES = 1
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="10.0.0.5",
                                    HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.4")
    assert get_client_ip_address(request) == "198.51.100.4"
