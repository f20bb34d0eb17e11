import os
import tempfile
import unittest

from pyhost_gateway.autoreload import changed, python_files, snapshot


class AutoReloadTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.root = self.dir.name

    def tearDown(self):
        self.dir.cleanup()

    def touch(self, rel, text="x = 1\n"):
        path = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_python_files_skip_noise(self):
        keep = [self.touch("app.py"), self.touch("pkg/views.py")]
        self.touch("README.md")
        self.touch(".git/hooks/x.py")
        self.touch("pkg/__pycache__/views.py")
        self.touch("node_modules/a/b.py")
        self.touch("venv/pyvenv.cfg", "home = /usr/bin\n")
        self.touch("venv/lib/python3.11/site-packages/django/__init__.py")
        self.assertEqual(sorted(python_files(self.root)), sorted(keep))

    def test_limit(self):
        for i in range(10):
            self.touch(f"m{i}.py")
        self.assertEqual(len(list(python_files(self.root, limit=4))), 4)

    def test_changed(self):
        a = self.touch("a.py")
        b = self.touch("b.py")
        before = snapshot([a, b])
        self.assertEqual(changed(before, snapshot([a, b])), [])
        self.touch("b.py", "x = 22\n")
        c = self.touch("c.py")
        os.unlink(a)
        self.assertEqual(changed(before, snapshot([a, b, c])), sorted([a, b, c]))


if __name__ == "__main__":
    unittest.main()
