import os
import tempfile
import unittest
from unittest import mock

from pyhost_gateway.config import Config, from_env
from pyhost_gateway.preflight import preflight


class PreflightTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        root = self.dir.name
        self.www = os.path.join(root, "www")
        self.src = os.path.join(root, "proj")
        self.venv = os.path.join(root, "venv")
        self.home = os.path.join(root, "home")
        os.makedirs(self.www)
        os.makedirs(self.src)
        os.makedirs(self.home)
        # /home/<user> is the home bind mount in a container; here, a temporary folder.
        home = mock.patch.object(Config, "home", new_callable=mock.PropertyMock, return_value=self.home)
        self.home_property = home.start()
        self.addCleanup(home.stop)
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
        checked = preflight(self.cfg(), (3, 11))
        self.assertEqual((checked.problem, checked.warnings), (None, ()))
        self.assertEqual(checked.cfg, self.cfg())

    def test_ok_with_virtualenv(self):
        self.make_venv()
        self.assertIsNone(preflight(self.cfg(PYHOST_VIRTUALENV=self.venv), (3, 11)).problem)

    def test_refusals(self):
        # What the server cannot run without.
        cases = [
            ("missing WSGI file", {"PYHOST_DOMAIN_NAME": "bob.localhost"}, "WSGI file .* does not exist"),
            ("missing virtualenv", {"PYHOST_VIRTUALENV": "/nonexistent/venv"}, "virtualenv /nonexistent/venv does not exist"),
            ("not a virtualenv", {"PYHOST_VIRTUALENV": "SRC"}, "is not a virtualenv"),
        ]
        for name, env, pattern in cases:
            env = {k: (self.src if v == "SRC" else v) for k, v in env.items()}
            with self.subTest(name):
                self.assertRegex(preflight(self.cfg(**env), (3, 11)).problem or "", pattern)

    def test_virtualenv_of_another_python(self):
        self.make_venv(lib="python3.9")
        problem = preflight(self.cfg(PYHOST_VIRTUALENV=self.venv), (3, 11)).problem
        self.assertIn("not made with python3.11", problem)

    def test_a_missing_source_directory_is_a_warning(self):
        # `pa webapp create` saves source_directory=~/<domain> and never creates it;
        # PythonAnywhere serves the WSGI file anyway.
        cfg = self.cfg(PYHOST_SOURCE_DIR="/nonexistent/src")
        checked = preflight(cfg, (3, 11))
        self.assertIsNone(checked.problem)
        self.assertEqual(len(checked.warnings), 1)
        self.assertRegex(checked.warnings[0], r"^source directory /nonexistent/src does not exist; serving the WSGI file anyway")
        # It stays on sys.path (the shim puts it first): it works once it exists.
        self.assertEqual(checked.cfg, cfg)

    def test_a_missing_working_directory_gives_way_to_the_home_folder(self):
        cfg = self.cfg(PYHOST_WORKING_DIR="/nonexistent/wd")
        home = self.home
        checked = preflight(cfg, (3, 11))
        self.assertIsNone(checked.problem)
        self.assertEqual(checked.warnings, (f"working directory /nonexistent/wd does not exist; "
                                            f"the server runs in the home folder {home} instead",))
        self.assertEqual(checked.cfg, cfg._replace(working_dir=home))
        self.assertEqual(cfg.working_dir, "/nonexistent/wd", "the configuration itself is left as it is")

    def test_both_folders_missing_warn_twice(self):
        cfg = self.cfg(PYHOST_SOURCE_DIR="/nonexistent/src", PYHOST_WORKING_DIR="/nonexistent/src")
        checked = preflight(cfg, (3, 11))
        self.assertIsNone(checked.problem)
        self.assertEqual([w.split(" does not exist")[0] for w in checked.warnings],
                         ["source directory /nonexistent/src", "working directory /nonexistent/src"])
        self.assertEqual(checked.cfg.working_dir, self.home)

    def test_a_missing_working_directory_without_a_home_folder_is_refused(self):
        self.home_property.return_value = "/nonexistent/home"
        checked = preflight(self.cfg(PYHOST_WORKING_DIR="/nonexistent/wd"), (3, 11))
        self.assertEqual(checked.problem, "working directory /nonexistent/wd does not exist, nor does the home folder /nonexistent/home")

    def test_a_refusal_comes_with_the_warnings(self):
        checked = preflight(self.cfg(PYHOST_DOMAIN_NAME="bob.localhost", PYHOST_SOURCE_DIR="/nonexistent/src"), (3, 11))
        self.assertRegex(checked.problem, "WSGI file .* does not exist")
        self.assertEqual(len(checked.warnings), 1)


if __name__ == "__main__":
    unittest.main()
