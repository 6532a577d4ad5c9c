"""Health checks for load balancers: ``/healthz`` (the process answers) and ``/readyz`` (it can
reach its database).

They are answered by the first middleware, before host validation and the HTTPS redirect, because
a load balancer probes a backend by its address over plain HTTP.
"""

import logging

from django.db import DatabaseError, connection
from django.http import JsonResponse

logger = logging.getLogger("panda.health")


def database_reachable() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        logger.warning("readyz: the database is not reachable", exc_info=True)
        return False


def healthz() -> JsonResponse:
    return JsonResponse({"status": "ok"})


def readyz() -> JsonResponse:
    if database_reachable():
        return JsonResponse({"status": "ok", "database": "ok"})
    return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)


CHECKS = {"/healthz": healthz, "/readyz": readyz}


class HealthCheckMiddleware:
    """Answer GET/HEAD ``/healthz`` and ``/readyz`` (with or without a trailing slash)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        check = CHECKS.get(request.path_info.rstrip("/"))
        if check is not None and request.method in ("GET", "HEAD"):
            response = check()
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)
