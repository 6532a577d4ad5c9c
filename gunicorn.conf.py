"""gunicorn's configuration for PANDA, read by bin/start. Every value can be set from the
environment: BIND, WEB_CONCURRENCY, GUNICORN_TIMEOUT, GUNICORN_ACCESS_LOG."""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
# Sync workers, one per core and one more to use a core while another waits on the database.
# Measured on 2 cores under wrk: 4 sync workers, or 2 gthread workers with 2 or 4 threads each,
# cost more CPU per request than 2 or 3 sync workers.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests, a guard against slow leaks (`make bench` sees
# workers peak at 77-94 MiB). Each replacement costs a core about half a second of start-up,
# which at one every 10,000 requests was a few per cent of the CPU under full load.
max_requests = 100000
max_requests_jitter = 10000
# An empty GUNICORN_ACCESS_LOG turns the access log off.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
# The access log masks NHS numbers and query values, like PANDA's own request log, and carries
# each request's id (panda_project.request_log).
logger_class = "panda_project.request_log.MaskingGunicornLogger"
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms [%({x-request-id}o)s]'
# No control socket: several PANDA instances (and the test harnesses) run on one machine.
control_socket_disable = True
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker):
    """Once a worker has loaded PANDA, load its URLs too (which import every view), then move
    everything loaded so far out of the garbage collector's reach: none of it is ever freed, and
    each full collection would otherwise walk all of it again (Python's gc.freeze())."""
    import gc

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports the URLconf and with it every view
    gc.freeze()
