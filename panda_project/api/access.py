"""Who may use the API, and how often: the PANDA_API_AUTH and PANDA_API_THROTTLE_RATE settings.

- ``PANDA_API_AUTH=none`` (the default): the trusted-network mode; anyone who reaches the API
  may use it, and credentials sent anyway are ignored.
- ``PANDA_API_AUTH=token``: every request needs a DRF token (``Authorization: Bearer …`` or
  ``Authorization: Token …``) or a logged-in session (with its CSRF token for writes), else 401.
  The user then needs the Django permission that the back office asks for the same action (the
  staff roles of ``backoffice.roles``), else 403: a receptionist cannot delete a patient here
  either.

The classes read the settings on every request, so that a test can switch modes.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular import authentication as schema_authentication
from rest_framework import authentication, exceptions, permissions, throttling

API_AUTH_MODES = ("none", "token")


def api_auth_required() -> bool:
    return settings.PANDA_API_AUTH == "token"


# What a 401 asks for: either scheme carries the same token (RFC 6750 and RFC 9110 challenges).
CHALLENGE = 'Bearer realm="PANDA", Token realm="PANDA"'
SCHEMES = (b"bearer", b"token")


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, active only when PANDA_API_AUTH is ``token``. The token may
    come as ``Bearer <token>`` (what FHIR and OAuth clients send) or ``Token <token>``."""

    def authenticate(self, request):
        if not api_auth_required():
            return None
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() not in SCHEMES:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the token as Authorization: Bearer <token>.")
            )
        try:
            key = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed() from None
        return self.authenticate_credentials(key)

    def authenticate_credentials(self, key):
        try:
            return super().authenticate_credentials(key)
        except exceptions.AuthenticationFailed:
            # PANDA's own words, whether the token is unknown or its user inactive.
            raise exceptions.AuthenticationFailed() from None

    def authenticate_header(self, request):
        sent = authentication.get_authorization_header(request).split()
        if sent and sent[0].lower() == b"bearer":
            return 'Bearer realm="PANDA", error="invalid_token"'
        return CHALLENGE


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's session authentication (CSRF-checked), active only when PANDA_API_AUTH is ``token``."""

    def authenticate(self, request):
        return super().authenticate(request) if api_auth_required() else None


class APIAccess(permissions.BasePermission):
    """Everyone in ``none`` mode. In ``token`` mode, an authenticated user with the model
    permission the back office asks for the same action: ``view`` to read, ``add`` to create,
    ``change`` to change (a detail action such as cancel or attend changes), ``delete`` to
    delete. The model is the view's ``permission_model``, else its queryset's; a view with
    neither (the schema) needs only a user."""

    ACTIONS = {"POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}

    def has_permission(self, request, view) -> bool:
        if not api_auth_required():
            return True
        user = request.user
        if not (user and user.is_authenticated):
            return False
        model = permission_model(view)
        if model is None:
            return True
        action = self.ACTIONS.get(request.method, "view")
        if request.method == "POST" and getattr(view, "detail", False):
            action = "change"
        return user.has_perm(f"{model._meta.app_label}.{action}_{model._meta.model_name}")


def permission_model(view):
    model = getattr(view, "permission_model", None)
    if model is None and getattr(view, "queryset", None) is not None:
        model = view.queryset.model
    return model


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
