"""gunicorn settings of a province office server.

    gunicorn -c deploy/gunicorn.conf.py "staffing:create_app()"

Every request's state lives in PostgreSQL or Redis (sessions are signed cookies; login limits, edit stamps,
presence and job progress are rows), so any worker may answer any request.
"""

import multiprocessing
import os

bind = os.environ.get("STAFFING_BIND", "127.0.0.1:8000")  # behind nginx or Caddy, never exposed directly
# 2-4 processes on a small office server. Two threads each: the pages are CPU work in Python, so more threads
# only contend for the process's interpreter lock (measured on 2 cores, 16 users without pause: 1 thread
# 69-74 requests/s, 2 threads 66-67, 4 threads 58-60, 3 processes x 2 threads 51-55); the second thread keeps
# a lane open while the other serves a long export
workers = int(os.environ.get("STAFFING_WEB_WORKERS", min(4, max(2, multiprocessing.cpu_count()))))
worker_class = "gthread"
threads = int(os.environ.get("STAFFING_WEB_THREADS", "2"))
# each worker listens on its own socket (SO_REUSEPORT) and the kernel spreads connections over them: with one
# shared socket the worker that accepts first tends to take every kept-alive connection (of nginx or of
# browsers) and, one Python process using one core, leaves the other cores idle (measured: half the
# throughput in one run out of two; see README, Benchmarks)
reuse_port = True
timeout = 120  # a large export may take a minute; solves run in the workers, not here
graceful_timeout = 30
keepalive = 5
max_requests = 2000  # recycle workers now and then
max_requests_jitter = 200
preload_app = False  # each worker opens its own database connections
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = "127.0.0.1"  # trust X-Forwarded-Proto from the reverse proxy on this machine
