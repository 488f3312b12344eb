from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    """The claims a provider gives: the address, and whether it vouches for it (the
    user's first name says "unverified" for an address it does not)."""

    oidc_claim_scope = None  # every claim below, whatever the scope

    def get_additional_claims(self, request):
        user = request.user
        return {
            "email": user.email,
            "email_verified": user.first_name != "unverified",
            "name": user.get_username(),
            "preferred_username": user.get_username(),
        }
