import os
import tempfile
import unittest

from pyhost_gateway.config import from_env
from pyhost_gateway.preflight import preflight


class PreflightTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        root = self.dir.name
        self.www = os.path.join(root, "www")
        self.src = os.path.join(root, "proj")
        self.venv = os.path.join(root, "venv")
        os.makedirs(self.www)
        os.makedirs(self.src)
        with open(os.path.join(self.www, "alice_localhost_wsgi.py"), "w") as f:
            f.write("application = None\n")

    def tearDown(self):
        self.dir.cleanup()

    def cfg(self, **env):
        base = {"PYHOST_DOMAIN_NAME": "alice.localhost", "PYHOST_USERNAME": "alice",
                "PYHOST_SOURCE_DIR": self.src, "PYHOST_WORKING_DIR": self.src}
        return from_env({**base, **env}, www_dir=self.www)

    def make_venv(self, lib="python3.11"):
        os.makedirs(os.path.join(self.venv, "lib", lib, "site-packages"))
        open(os.path.join(self.venv, "pyvenv.cfg"), "w").close()

    def test_ok(self):
        self.assertIsNone(preflight(self.cfg(), (3, 11)))

    def test_ok_with_virtualenv(self):
        self.make_venv()
        self.assertIsNone(preflight(self.cfg(PYHOST_VIRTUALENV=self.venv), (3, 11)))

    def test_problems(self):
        cases = [
            ("missing WSGI file", {"PYHOST_DOMAIN_NAME": "bob.localhost"}, "WSGI file .* does not exist"),
            ("missing source dir", {"PYHOST_SOURCE_DIR": "/nonexistent/src"}, "source directory /nonexistent/src does not exist"),
            ("missing working dir", {"PYHOST_WORKING_DIR": "/nonexistent/wd"}, "working directory /nonexistent/wd does not exist"),
            ("missing virtualenv", {"PYHOST_VIRTUALENV": "/nonexistent/venv"}, "virtualenv /nonexistent/venv does not exist"),
            ("not a virtualenv", {"PYHOST_VIRTUALENV": "SRC"}, "is not a virtualenv"),
        ]
        for name, env, pattern in cases:
            env = {k: (self.src if v == "SRC" else v) for k, v in env.items()}
            with self.subTest(name):
                self.assertRegex(preflight(self.cfg(**env), (3, 11)) or "", pattern)

    def test_virtualenv_of_another_python(self):
        self.make_venv(lib="python3.9")
        problem = preflight(self.cfg(PYHOST_VIRTUALENV=self.venv), (3, 11))
        self.assertIn("not made with python3.11", problem)


if __name__ == "__main__":
    unittest.main()
