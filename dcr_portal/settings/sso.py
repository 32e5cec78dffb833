"""Single sign-on with the hospital's OpenID Connect provider (accounts/sso.py): off unless
``DCR_OIDC_CLIENT_ID`` is set, then every other value below must be set too.

DCR_OIDC_CLIENT_ID / DCR_OIDC_CLIENT_SECRET   the portal's registration at the provider
DCR_OIDC_AUTHORIZATION_ENDPOINT, DCR_OIDC_TOKEN_ENDPOINT, DCR_OIDC_USERINFO_ENDPOINT,
DCR_OIDC_JWKS_ENDPOINT                        the provider's addresses (its discovery document lists them)
DCR_OIDC_SCOPES                               default "openid email profile"
DCR_OIDC_GROUPS_CLAIM                         default "groups"
DCR_OIDC_ROLE_GROUPS                          e.g. "dcr-study-team=Study team,dcr-biobank=Biobank staff"
DCR_OIDC_SIGN_ALGORITHM                       default RS256
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import PRODUCTION, env_list

OIDC_ENABLED = bool(os.environ.get("DCR_OIDC_CLIENT_ID"))
OIDC_RP_CLIENT_ID = os.environ.get("DCR_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("DCR_OIDC_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("DCR_OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("DCR_OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("DCR_OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("DCR_OIDC_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = os.environ.get("DCR_OIDC_SIGN_ALGORITHM", "RS256")
OIDC_RP_SCOPES = os.environ.get("DCR_OIDC_SCOPES", "openid email profile")
OIDC_GROUPS_CLAIM = os.environ.get("DCR_OIDC_GROUPS_CLAIM", "groups")
OIDC_ROLE_GROUPS = dict(pair.split("=", 1) for pair in env_list("DCR_OIDC_ROLE_GROUPS") if "=" in pair)
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_CREATE_USER = True
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:sso_callback"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?sso=failed"

if OIDC_ENABLED:
    missing = [name for name, value in (
        ("DCR_OIDC_CLIENT_SECRET", OIDC_RP_CLIENT_SECRET),
        ("DCR_OIDC_AUTHORIZATION_ENDPOINT", OIDC_OP_AUTHORIZATION_ENDPOINT),
        ("DCR_OIDC_TOKEN_ENDPOINT", OIDC_OP_TOKEN_ENDPOINT),
        ("DCR_OIDC_USERINFO_ENDPOINT", OIDC_OP_USER_ENDPOINT),
        ("DCR_OIDC_JWKS_ENDPOINT", OIDC_OP_JWKS_ENDPOINT)) if not value]
    if missing:
        raise ImproperlyConfigured("Single sign-on needs " + ", ".join(missing))
    if PRODUCTION and not all(url.startswith("https://") for url in (
            OIDC_OP_AUTHORIZATION_ENDPOINT, OIDC_OP_TOKEN_ENDPOINT, OIDC_OP_USER_ENDPOINT, OIDC_OP_JWKS_ENDPOINT)):
        raise ImproperlyConfigured("Single sign-on endpoints must be https:// in production")
