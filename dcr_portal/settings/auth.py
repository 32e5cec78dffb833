"""Sign-in: the user model, password rules, sessions, the lockout and the optional second step."""

import os
from datetime import timedelta

from .base import INSTALLED_APPS, MIDDLEWARE

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Failed sign-ins per client address across accounts (password spraying): accounts/lockout.py.
    "accounts.lockout.FailuresPerAddressBackend",
    "accounts.backends.CachedPermissionsBackend",
    # Single sign-on (accounts/sso.py): does nothing unless DCR_OIDC_CLIENT_ID is set.
    "accounts.sso.HospitalSSOBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:my_account"
LOGOUT_REDIRECT_URL = "home"
SESSION_COOKIE_AGE = int(os.environ.get("DCR_SESSION_AGE_SECONDS", str(60 * 60 * 8)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2

AXES_FAILURE_LIMIT = int(os.environ.get("DCR_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# The lockout reads the client's address the way the rate limits do (through trusted proxies).
AXES_CLIENT_IP_CALLABLE = "common.ratelimit.axes_client_ip"


# Failed sign-ins from one client address across all accounts, per window (password spraying).
SIGNIN_FAILURES_PER_ADDRESS = int(os.environ.get("DCR_SIGNIN_FAILURES_PER_ADDRESS", "20"))
SIGNIN_FAILURES_WINDOW_SECONDS = int(os.environ.get("DCR_SIGNIN_FAILURES_WINDOW_SECONDS", str(15 * 60)))

# Sign-in lockout counts failures per account whatever the case of the typed email.
AXES_USERNAME_CALLABLE = "accounts.lockout.lockout_username"

# Two-step sign-in (accounts/two_step.py, second_step.py): an authenticator app (TOTP) and
# recovery codes (static) from django-otp; required for people who see protected data, optional
# for other staff. A session that owes the code (or the set-up) is sent there before any page.
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static",
                   "mozilla_django_oidc"]
# django-otp's OTPMiddleware, with the session's device kept in the cache (accounts/otp_device.py).
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
                  "accounts.otp_device.KeptDeviceOTPMiddleware")
MIDDLEWARE.insert(MIDDLEWARE.index("accounts.otp_device.KeptDeviceOTPMiddleware") + 1,
                  "accounts.two_step.TwoStepMiddleware")
OTP_TOTP_ISSUER = "DCR Portal"
# django-otp's own throttle doubles the wait without end (15 wrong codes: hours), so anyone with
# the password could lock a person out: off; accounts/second_step.py slows guesses, capped.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
