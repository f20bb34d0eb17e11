"""Pyhost gateway: runs uWSGI or gunicorn on a user's WSGI file."""
