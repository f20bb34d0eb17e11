"""The module the WSGI server loads (`pyhost_gateway.wsgi_shim:application`)
instead of the user's WSGI file; see apploader for what loading involves.

It is imported once per server, in the master process (uWSGI without
--lazy-apps, gunicorn --preload); the workers are forks of it.
"""

from .apploader import load_from_env

application = load_from_env()
