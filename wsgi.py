"""WSGI entry point: ``flask --app wsgi run`` or ``gunicorn wsgi:app``."""

from awards import create_app
from awards.collector import freeze_startup

app = create_app()
# What start-up built stays for the process's life: keep it out of every later garbage collection (and, under
# gunicorn's preload_app, shared with the workers it forks). See awards/collector.py.
freeze_startup()
