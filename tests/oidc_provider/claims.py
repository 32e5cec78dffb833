"""What the test provider says about a person: email, name and the groups of the hospital directory.

Groups are kept in Django's auth groups of the provider's own database (seed_provider).
"""

from oauth2_provider.oauth2_validators import OAuth2Validator


class HospitalClaims(OAuth2Validator):
    oidc_claim_scope = None  # every claim below, whatever the scopes

    def get_additional_claims(self, request):
        user = request.user
        return {
            "email": user.email,
            "email_verified": True,
            "name": f"{user.first_name} {user.last_name}".strip(),
            "groups": sorted(user.groups.values_list("name", flat=True)),
        }
