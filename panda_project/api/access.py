"""Who may use the API, and how often: the PANDA_API_AUTH and PANDA_API_THROTTLE_RATE settings.

- ``PANDA_API_AUTH=none`` (the default): the trusted-network mode; anyone who reaches the API
  may use it, and credentials sent anyway are ignored.
- ``PANDA_API_AUTH=token``: every request needs a DRF token (``Authorization: Token …``) or a
  logged-in session (with its CSRF token for writes), else 401.

The classes read the settings on every request, so that a test can switch modes.
"""

from django.conf import settings
from drf_spectacular import authentication as schema_authentication
from rest_framework import authentication, permissions, throttling

API_AUTH_MODES = ("none", "token")


def api_auth_required() -> bool:
    return settings.PANDA_API_AUTH == "token"


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, active only when PANDA_API_AUTH is ``token``."""

    def authenticate(self, request):
        return super().authenticate(request) if api_auth_required() else None


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's session authentication (CSRF-checked), active only when PANDA_API_AUTH is ``token``."""

    def authenticate(self, request):
        return super().authenticate(request) if api_auth_required() else None


class APIAccess(permissions.BasePermission):
    """Everyone in ``none`` mode; only authenticated users in ``token`` mode."""

    def has_permission(self, request, view) -> bool:
        if not api_auth_required():
            return True
        user = request.user
        return bool(user and user.is_authenticated)


class APIRateThrottle(throttling.SimpleRateThrottle):
    """At most PANDA_API_THROTTLE_RATE requests (e.g. "600/minute") per user, or per client
    address when anonymous; unlimited when the setting is empty. Counts are kept in the default
    cache: per process with the local-memory cache, shared with a shared cache."""

    scope = "api"

    def get_rate(self):
        return settings.PANDA_API_THROTTLE_RATE or None

    def get_cache_key(self, request, view):
        user = request.user
        authenticated = bool(user and user.is_authenticated)
        ident = f"user-{user.pk}" if authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class _DocumentedInTokenMode:
    """The OpenAPI schema asks for credentials only when the API demands them."""

    priority = 1

    def get_security_requirement(self, auto_schema):
        return super().get_security_requirement(auto_schema) if api_auth_required() else None


class TokenScheme(_DocumentedInTokenMode, schema_authentication.TokenScheme):
    target_class = "panda_project.api.access.TokenAuthentication"


class SessionScheme(_DocumentedInTokenMode, schema_authentication.SessionScheme):
    target_class = "panda_project.api.access.SessionAuthentication"
