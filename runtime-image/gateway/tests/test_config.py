import unittest

from pyhost_gateway.config import Config, ConfigError, from_env

BASE = {"PYHOST_DOMAIN_NAME": "alice.localhost", "PYHOST_USERNAME": "alice"}


class FromEnvTest(unittest.TestCase):
    def test_defaults(self):
        cfg = from_env(BASE)
        self.assertEqual(cfg.server, "uwsgi")
        self.assertEqual(cfg.workers, 1)
        self.assertEqual(cfg.source_dir, "/home/alice")
        self.assertEqual(cfg.working_dir, "/home/alice")
        self.assertIsNone(cfg.virtualenv)
        self.assertFalse(cfg.auto_reload)
        self.assertEqual(cfg.log_max_bytes, 10 * 1024 * 1024)
        self.assertEqual(cfg.log_keep, 5)

    def test_all_fields(self):
        cfg = from_env({**BASE, "PYHOST_SERVER": "gunicorn", "PYHOST_WORKERS": "4",
                        "PYHOST_SOURCE_DIR": "/home/alice/proj/", "PYHOST_WORKING_DIR": "/home/alice",
                        "PYHOST_VIRTUALENV": "/home/alice/.virtualenvs/v", "PYHOST_AUTO_RELOAD": "1",
                        "PYHOST_LOG_MAX_BYTES": "2048", "PYHOST_LOG_KEEP": "0"})
        self.assertEqual((cfg.server, cfg.workers), ("gunicorn", 4))
        self.assertEqual(cfg.source_dir, "/home/alice/proj")  # normalised
        self.assertEqual(cfg.virtualenv, "/home/alice/.virtualenvs/v")
        self.assertTrue(cfg.auto_reload)
        self.assertEqual((cfg.log_max_bytes, cfg.log_keep), (2048, 0))

    def test_empty_virtualenv_means_none(self):
        self.assertIsNone(from_env({**BASE, "PYHOST_VIRTUALENV": " "}).virtualenv)

    def test_derived_paths(self):
        cfg = from_env({**BASE, "PYHOST_DOMAIN_NAME": "www.Example.org"})
        self.assertEqual(cfg.domain_name, "www.example.org")
        self.assertEqual(cfg.wsgi_file, "/var/www/www_example_org_wsgi.py")
        self.assertEqual(cfg.error_log, "/var/log/www.example.org.error.log")
        self.assertEqual(cfg.server_log, "/var/log/www.example.org.server.log")
        self.assertEqual(cfg.app_socket, "/run/pyhost/app.sock")
        self.assertEqual(cfg.control_socket, "/run/pyhost/control.sock")
        self.assertEqual(cfg.home, "/home/alice")

    def test_frozen(self):
        with self.assertRaises(Exception):
            from_env(BASE).workers = 3  # type: ignore[misc]

    def test_overrides_for_tests(self):
        self.assertEqual(from_env(BASE, log_dir="/tmp/x").error_log, "/tmp/x/alice.localhost.error.log")

    def test_invalid(self):
        cases = {
            "missing domain": {"PYHOST_USERNAME": "alice"},
            "domain with slash": {**BASE, "PYHOST_DOMAIN_NAME": "a/../b"},
            "domain with underscore": {**BASE, "PYHOST_DOMAIN_NAME": "a_b.localhost"},
            "missing username": {"PYHOST_DOMAIN_NAME": "alice.localhost"},
            "username with slash": {**BASE, "PYHOST_USERNAME": "../root"},
            "unknown server": {**BASE, "PYHOST_SERVER": "waitress"},
            "workers zero": {**BASE, "PYHOST_WORKERS": "0"},
            "workers too many": {**BASE, "PYHOST_WORKERS": "17"},
            "workers not a number": {**BASE, "PYHOST_WORKERS": "two"},
            "relative source dir": {**BASE, "PYHOST_SOURCE_DIR": "proj"},
            "relative working dir": {**BASE, "PYHOST_WORKING_DIR": "./"},
            "relative virtualenv": {**BASE, "PYHOST_VIRTUALENV": "venv"},
            "auto reload yes": {**BASE, "PYHOST_AUTO_RELOAD": "yes"},
            "tiny log size": {**BASE, "PYHOST_LOG_MAX_BYTES": "10"},
            "negative keep": {**BASE, "PYHOST_LOG_KEEP": "-1"},
        }
        for name, env in cases.items():
            with self.subTest(name), self.assertRaises(ConfigError):
                from_env(env)

    def test_error_names_the_variable(self):
        with self.assertRaisesRegex(ConfigError, "PYHOST_WORKERS"):
            from_env({**BASE, "PYHOST_WORKERS": "99"})

    def test_config_has_the_contract_defaults(self):
        cfg = Config(domain_name="a.localhost", username="a")
        self.assertEqual((cfg.www_dir, cfg.log_dir, cfg.run_dir), ("/var/www", "/var/log", "/run/pyhost"))
        self.assertEqual(cfg.load_timeout_s, 15.0)


if __name__ == "__main__":
    unittest.main()
