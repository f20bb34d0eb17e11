"""gunicorn settings that have no command-line form; everything else is in
argv.py. Passing this module as --config also means a gunicorn.conf.py in
the user's working directory cannot change how the platform runs the app."""

# gunicorn's own messages go to stderr (the server log), without a
# timestamp: the gateway stamps every server.log line itself. No access log:
# the router writes it. The root logger gets no handler, so the app's own
# logging warnings reach sys.stderr, which the shim sends to the error log.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"level": "WARNING", "handlers": []},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["server_log"], "propagate": False,
                           "qualname": "gunicorn.error"},
        "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False,
                            "qualname": "gunicorn.access"},
    },
    "handlers": {
        "server_log": {"class": "logging.StreamHandler", "formatter": "plain",
                       "stream": "ext://sys.stderr"},
    },
    "formatters": {
        "plain": {"format": "[%(process)d] [%(levelname)s] %(message)s"},
    },
}
