import json
import os
import tempfile
import unittest

from pyhost_gateway import argv as argv_module
from pyhost_gateway.__main__ import write_upstream_info
from pyhost_gateway.argv import GATEWAY_PATH, KEEPALIVE_TIMEOUT_S, SHIM, build_argv, build_env, render, upstream_info, uwsgi_options
from pyhost_gateway.config import from_env

BASE = {"PYHOST_DOMAIN_NAME": "alice.localhost", "PYHOST_USERNAME": "alice",
        "PYHOST_SOURCE_DIR": "/home/alice/proj", "PYHOST_WORKING_DIR": "/home/alice/work"}
SOCK, FIFO = "/run/pyhost/.app-3.sock", "/tmp/pyhost/uwsgi-3.fifo"


def argv_for(**env):
    cfg = from_env({**BASE, **{f"PYHOST_{k.upper()}": str(v) for k, v in env.items()}})
    return build_argv(cfg, SOCK, FIFO, backlog=512)


class ArgvTableTest(unittest.TestCase):
    # (name, env, must contain, must not contain)
    CASES = [
        ("uwsgi defaults", {},
         ["--plugins=python3", f"--http11-socket={SOCK}", f"--socket-timeout={KEEPALIVE_TIMEOUT_S}", "--processes=1", "--master",
          f"--master-fifo={FIFO}", "--need-app", "--chdir=/home/alice/work",
          f"--pythonpath={GATEWAY_PATH}", f"--module={SHIM}", "--listen=512", "--die-on-term"],
         ["--lazy-apps", "--http", "--http-socket", "--vacuum", "--add-header"]),
        ("uwsgi workers", {"workers": 4}, ["--processes=4"], ["--processes=1"]),
        ("uwsgi virtualenv", {"virtualenv": "/home/alice/.virtualenvs/v"},
         ["--virtualenv=/home/alice/.virtualenvs/v"], []),
        ("uwsgi without virtualenv", {}, [], ["--virtualenv"]),
        ("gunicorn defaults", {"server": "gunicorn"},
         [f"--bind=unix:{SOCK}", "--workers=1", "--preload", "--chdir=/home/alice/work",
          f"--pythonpath={GATEWAY_PATH}", "--backlog=512", "--worker-tmp-dir=/tmp/pyhost",
          "--config=python:pyhost_gateway.gunicorn_conf", "--error-logfile=-"],
         ["--daemon", "--reload"]),
        ("gunicorn workers", {"server": "gunicorn", "workers": 16}, ["--workers=16"], []),
        ("gunicorn virtualenv goes through the shim", {"server": "gunicorn", "virtualenv": "/v"},
         [], ["--virtualenv=/v", "--home=/v"]),
    ]

    def test_cases(self):
        for name, env, present, absent in self.CASES:
            with self.subTest(name):
                argv = argv_for(**env)
                for arg in present:
                    self.assertIn(arg, argv)
                for arg in absent:
                    self.assertFalse(any(a == arg or a.startswith(arg + "=") for a in argv), arg)

    def test_fork_hooks_per_python(self):
        # 3.13's PyMutex kills every worker under --py-call-osafterfork; bullseye's uWSGI has no fork-hooks option.
        cfg = from_env(BASE)
        for version, present, absent in [((3, 9, 2), "py-call-osafterfork", "py-call-uwsgi-fork-hooks"),
                                         ((3, 11, 2), "py-call-osafterfork", "py-call-uwsgi-fork-hooks"),
                                         ((3, 13, 5), "py-call-uwsgi-fork-hooks", "py-call-osafterfork")]:
            with self.subTest(version):
                names = [name for name, _ in uwsgi_options(cfg, SOCK, FIFO, 512, python_version=version)]
                self.assertIn(present, names)
                self.assertNotIn(absent, names)

    def test_executables(self):
        self.assertEqual(argv_for()[0], "uwsgi")
        gunicorn = argv_for(server="gunicorn")
        self.assertEqual(gunicorn[0], "gunicorn")
        self.assertEqual(gunicorn[-1], SHIM)  # the app is gunicorn's positional argument

    def test_no_shell_and_no_spaces_inside_options(self):
        for env in ({}, {"server": "gunicorn"}):
            for arg in argv_for(**env)[1:]:
                if arg != SHIM:
                    self.assertTrue(arg.startswith("--"), arg)
                self.assertNotIn(" ", arg)

    def test_upstream_info(self):
        # The router keeps at most one connection per uWSGI worker (a worker
        # waits on its kept-alive connection and accepts nothing else).
        def info(**env):
            return upstream_info(from_env({**BASE, **{f"PYHOST_{k.upper()}": str(v) for k, v in env.items()}}))
        self.assertEqual(info(workers=3), {"server": "uwsgi", "keep_alive": True, "max_connections": 3,
                                           "idle_timeout_s": KEEPALIVE_TIMEOUT_S})
        self.assertEqual(info(server="gunicorn", workers=2),
                         {"server": "gunicorn", "keep_alive": False, "max_connections": 2, "idle_timeout_s": 0})

    def test_sockets_and_upstream_info_are_open_to_the_router(self):
        # The router runs as its own uid; the run directory is the access check.
        self.assertIn("--chmod-socket=666", argv_for())
        with tempfile.TemporaryDirectory() as run_dir:
            old = os.umask(0o077)
            try:
                write_upstream_info(run_dir, {"server": "uwsgi"})
            finally:
                os.umask(old)
            path = os.path.join(run_dir, "upstream.json")
            self.assertEqual(os.stat(path).st_mode & 0o777, 0o644)
            with open(path) as f:
                self.assertEqual(json.load(f), {"server": "uwsgi"})

    def test_each_option_once(self):
        for env in ({}, {"server": "gunicorn"}):
            names = [a.split("=", 1)[0] for a in argv_for(**env)[1:] if a.startswith("--")]
            self.assertEqual(len(names), len(set(names)), names)

    def test_render(self):
        self.assertEqual(render([("master", None), ("processes", 2), ("chmod-socket", "660")]),
                         ["--master", "--processes=2", "--chmod-socket=660"])

    def test_paths_with_spaces_stay_one_argument(self):
        cfg = from_env({**BASE, "PYHOST_WORKING_DIR": "/home/alice/my project"})
        self.assertIn("--chdir=/home/alice/my project", build_argv(cfg, SOCK, FIFO))


class RequestHeadLimitsTest(unittest.TestCase):
    """Both servers take every head the router lets through (431 beyond
    100 fields or 32 KiB): uWSGI would otherwise hold the worker until
    socket-timeout, gunicorn answer 400."""

    def option(self, argv, name):
        values = [a.split("=", 1)[1] for a in argv if a.startswith(f"--{name}=")]
        self.assertEqual(len(values), 1, name)
        return int(values[0])

    def test_the_numbers_cover_the_router(self):
        self.assertEqual(argv_module.ROUTER_MAX_HEADER_FIELDS, 100)
        self.assertEqual(argv_module.ROUTER_MAX_HEAD_BYTES, 32 * 1024)
        # 100 from the client, and the 5 forwarding headers at least.
        self.assertGreaterEqual(argv_module.MAX_HEADER_FIELDS, 105)
        self.assertGreater(argv_module.MAX_HEAD_BYTES, argv_module.ROUTER_MAX_HEAD_BYTES + 2048)

    def test_uwsgi(self):
        argv = argv_for()
        self.assertEqual(self.option(argv, "buffer-size"), 65535)  # uWSGI's largest
        self.assertGreaterEqual(self.option(argv, "max-vars"), argv_module.MAX_HEADER_FIELDS + 9)

    def test_gunicorn(self):
        argv = argv_for(server="gunicorn")
        self.assertEqual(self.option(argv, "limit-request-line"), 0)  # unlimited; any other value is capped at 8190
        self.assertEqual(self.option(argv, "limit-request-fields"), argv_module.MAX_HEADER_FIELDS)
        self.assertGreaterEqual(self.option(argv, "limit-request-field_size"), argv_module.ROUTER_MAX_HEAD_BYTES + 2048)

    def test_the_worst_head_fits_uwsgis_variables(self):
        # uWSGI's request variables are one block of at most buffer-size
        # bytes, 4 + name + value each: the URL is in it twice, every
        # header field with HTTP_ before its name.
        own_headers = [("X-Forwarded-For", "203.0.113.7, 10.0.0.1"), ("X-Forwarded-Proto", "https"),
                       ("X-Forwarded-Host", "a" * 253), ("X-Real-IP", "203.0.113.7"),
                       ("X-Request-Id", "r" * 64), ("Connection", "close")]
        target = "/" + "u" * (argv_module.MAX_TARGET_BYTES - 1)
        line = f"GET {target} HTTP/1.1\r\n"
        fields = argv_module.ROUTER_MAX_HEADER_FIELDS - 1
        host = ("Host", "a" * 253)
        room = (argv_module.ROUTER_MAX_HEAD_BYTES - len(line) - len("Host: \r\n") - len(host[1]) - 2
                - fields * len("X-0000: \r\n"))
        client_headers = [host] + [(f"X-{i:04}", "v" * (room // fields)) for i in range(fields)]
        head = line + "".join(f"{k}: {v}\r\n" for k, v in client_headers) + "\r\n"
        self.assertGreater(len(head), argv_module.ROUTER_MAX_HEAD_BYTES - fields)
        self.assertLessEqual(len(head), argv_module.ROUTER_MAX_HEAD_BYTES)
        cgi = {"REQUEST_METHOD": "GET", "REQUEST_URI": target, "PATH_INFO": target, "QUERY_STRING": "",
               "SERVER_PROTOCOL": "HTTP/1.1", "SCRIPT_NAME": "", "SERVER_NAME": "0123456789ab",
               "SERVER_PORT": "80", "REMOTE_ADDR": "0.0.0.0"}
        size = sum(4 + len(k) + len(v) for k, v in cgi.items())
        size += sum(4 + len("HTTP_") + len(k) + len(v) for k, v in client_headers + own_headers)
        self.assertLess(size, self.option(argv_for(), "buffer-size"))
        self.assertLessEqual(len(cgi) + len(client_headers) + len(own_headers),
                             9 + argv_module.MAX_HEADER_FIELDS)


class EnvTest(unittest.TestCase):
    def env(self, base=None, **cfg_env):
        cfg = from_env({**BASE, **cfg_env})
        return build_env(cfg, base or {"PATH": "/usr/bin:/bin", "SECRET_KEY": "s3"},
                         server_id="7-3", inbox="/tmp/pyhost/inbox.sock")

    def test_identity_and_passthrough(self):
        env = self.env()
        self.assertEqual((env["HOME"], env["USER"], env["LOGNAME"]), ("/home/alice", "alice", "alice"))
        self.assertEqual(env["SECRET_KEY"], "s3")
        self.assertEqual(env["PATH"], "/usr/bin:/bin")
        self.assertNotIn("VIRTUAL_ENV", env)

    def test_shim_variables(self):
        env = self.env()
        self.assertEqual(env["PYHOST_SHIM_WSGI_FILE"], "/var/www/alice_localhost_wsgi.py")
        self.assertEqual(env["PYHOST_SHIM_SOURCE_DIR"], "/home/alice/proj")
        self.assertEqual(env["PYHOST_SHIM_INBOX"], "/tmp/pyhost/inbox.sock")
        self.assertEqual(env["PYHOST_SHIM_SERVER_ID"], "7-3")
        self.assertEqual(env["PYHOST_SHIM_VIRTUALENV"], "")
        self.assertEqual(env["PYHOST_SHIM_LOAD_TIMEOUT"], "15.0")

    def test_virtualenv_first_on_path(self):
        env = self.env(PYHOST_VIRTUALENV="/home/alice/.virtualenvs/v")
        self.assertEqual(env["VIRTUAL_ENV"], "/home/alice/.virtualenvs/v")
        self.assertTrue(env["PATH"].startswith("/home/alice/.virtualenvs/v/bin:"))
        self.assertEqual(env["PYHOST_SHIM_VIRTUALENV"], "/home/alice/.virtualenvs/v")

    def test_stale_virtual_env_removed(self):
        self.assertNotIn("VIRTUAL_ENV", self.env(base={"VIRTUAL_ENV": "/old"}))


if __name__ == "__main__":
    unittest.main()
