"""allauth's SAML provider with its views imported on their first call (provider.py)."""
