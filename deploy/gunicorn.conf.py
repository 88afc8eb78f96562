"""gunicorn settings for Tandis, read by `make serve` and by deploy/tandis-web.service.

Every value can be changed from the environment (the systemd EnvironmentFile), so this file stays as shipped.
"""

import multiprocessing
import os

wsgi_app = "wsgi:app"
bind = os.environ.get("AWARDS_BIND", "127.0.0.1:8000")
# Page requests are short and CPU-bound (templates); bulk printing runs in the job consumer, not here.
workers = int(os.environ.get("AWARDS_WEB_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("AWARDS_WEB_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
# Load the app once in the master: a bad configuration (say, a short secret key) stops start-up at once.
preload_app = True
# The app writes its own one-line-per-request log to stdout (awards/serving.py); gunicorn's would repeat it.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("AWARDS_LOG_LEVEL", "info")
# Behind nginx on the same host only 127.0.0.1 may set X-Forwarded-*; the app's ProxyFix decides how many
# hops to trust (AWARDS_TRUSTED_PROXIES), so gunicorn's own forwarded-header handling stays at its default.
proc_name = "tandis-web"
# No control socket (gunicorn 25+ would put one in $HOME, shared by every gunicorn of the user): systemd and
# signals (HUP, TERM) manage the server.
control_socket_disable = True


def post_fork(server, worker):
    """Each worker opens its own database connections (none may be shared across a fork)."""
    from awards.db import db

    if db.engine is not None:
        db.engine.dispose(close=False)
