import os
import sys
import tempfile
import unittest

from pyhost_gateway import apploader
from pyhost_gateway.apploader import LoadError, load_wsgi_file, one_line_error, wrap


class LoadWsgiFileTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.dir.name, "alice_localhost_wsgi.py")

    def tearDown(self):
        sys.modules.pop("alice_localhost_wsgi", None)
        self.dir.cleanup()

    def load(self, source):
        with open(self.path, "w") as f:
            f.write(source)
        return load_wsgi_file(self.path)

    def test_loads_application_not_as_main(self):
        app = self.load("seen = __name__\ndef application(e, s):\n    return [seen.encode()]\n")
        self.assertEqual(app({}, None), [b"alice_localhost_wsgi"])

    def test_reads_the_source_every_time(self):
        self.load("application = lambda e, s: [b'v1']\n")
        st = os.stat(self.path)
        app = self.load("application = lambda e, s: [b'v2']\n")
        os.utime(self.path, ns=(st.st_atime_ns, st.st_mtime_ns))  # same mtime and size
        self.assertEqual(app({}, None), [b"v2"])
        self.assertEqual(load_wsgi_file(self.path)({}, None), [b"v2"])

    def test_load_from_env_freezes_what_the_workers_will_share(self):
        # Workers are forks of the loading process: objects frozen before the fork are
        # never written by a worker's collections, so their pages stay shared.
        with open(self.path, "w") as f:
            f.write("class Kept: pass\nkept = [Kept() for _ in range(100)]\ndef application(e, s):\n    return [b'ok']\n")
        import gc
        gc.unfreeze()
        try:
            app = apploader.load_from_env({"PYHOST_SHIM_WSGI_FILE": self.path})
            self.assertGreater(gc.get_freeze_count(), 0)
            self.assertEqual(app({}, lambda status, headers: None), [b"ok"])
        finally:
            gc.unfreeze()

    def test_missing_application(self):
        with self.assertRaisesRegex(LoadError, "does not define 'application'"):
            self.load("app = 1\n")

    def test_application_not_callable(self):
        with self.assertRaisesRegex(LoadError, "not callable"):
            self.load("application = 42\n")

    def test_missing_file(self):
        with self.assertRaisesRegex(LoadError, "does not exist"):
            load_wsgi_file(os.path.join(self.dir.name, "nope_wsgi.py"))

    def test_one_line_errors(self):
        cases = [
            ("import no_such_module_here\n", "ModuleNotFoundError: No module named 'no_such_module_here'", 1),
            ("x = 1\ny = 1/0\n", "ZeroDivisionError: division by zero", 2),
            ("def f(:\n", "SyntaxError: ", 1),
        ]
        for source, start, line in cases:
            with self.subTest(source=source):
                try:
                    self.load(source)
                except BaseException as exc:  # assertRaises would drop the traceback
                    message = one_line_error(exc)
                else:
                    self.fail("no exception")
                self.assertTrue(message.startswith(start), message)
                self.assertIn(f"({self.path}, line {line})", message)
                self.assertNotIn("\n", message)

    def test_load_error_is_its_own_message(self):
        self.assertEqual(one_line_error(LoadError("x does not define 'application'")),
                         "x does not define 'application'")


class WrapTest(unittest.TestCase):
    def setUp(self):
        self.logged = []
        self._log = apploader._log
        apploader._log = lambda headline, lines: self.logged.append(headline + "".join(lines))

    def tearDown(self):
        apploader._log = self._log

    def call(self, app):
        started = []

        def start_response(status, headers, exc_info=None):
            started.append(status)
        body = b"".join(wrap(app)({"REQUEST_METHOD": "GET", "PATH_INFO": "/p"}, start_response))
        return started, body

    def test_passes_through(self):
        def app(environ, start_response):
            start_response("200 OK", [])
            return [b"hi"]
        self.assertEqual(self.call(app), (["200 OK"], b"hi"))
        self.assertEqual(self.logged, [])

    def test_exception_before_response_is_logged_and_answered_500(self):
        def app(environ, start_response):
            raise ValueError("boom")
        started, body = self.call(app)
        self.assertEqual(started, ["500 Internal Server Error"])
        self.assertEqual(len(self.logged), 1)
        self.assertIn("Error running WSGI application (GET /p)", self.logged[0])
        self.assertIn("ValueError: boom", self.logged[0])
        self.assertNotIn("pyhost_gateway/apploader.py", self.logged[0])  # the user's frames only

    def test_exception_after_start_response_is_logged_and_raised(self):
        def app(environ, start_response):
            start_response("200 OK", [])
            raise ValueError("late")
        with self.assertRaises(ValueError):
            self.call(app)
        self.assertEqual(len(self.logged), 1)

    def test_exception_while_iterating_is_logged_and_raised(self):
        def app(environ, start_response):
            start_response("200 OK", [])
            yield b"part"
            raise KeyError("late")
        with self.assertRaises(KeyError):
            self.call(app)
        self.assertEqual(len(self.logged), 1)

    def test_close_is_forwarded(self):
        closed = []

        class Body:
            def __iter__(self):
                return iter([b"a"])

            def close(self):
                closed.append(True)

        def app(environ, start_response):
            start_response("200 OK", [])
            return Body()
        result = wrap(app)({}, lambda *a: None)
        list(result)
        result.close()
        self.assertEqual(closed, [True])

    def test_wsgi_errors_is_stderr(self):
        seen = []

        def app(environ, start_response):
            seen.append(environ["wsgi.errors"])
            start_response("200 OK", [])
            return []
        self.call(app)
        self.assertIs(seen[0], sys.stderr)


if __name__ == "__main__":
    unittest.main()
