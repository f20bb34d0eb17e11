import socket
import tempfile
import threading
import unittest
import os

from pyhost_gateway import devserver


class ServerArgvTest(unittest.TestCase):
    def test_runserver_on_loopback_as_typed(self):
        self.assertEqual(devserver.server_argv("runserver", "/usr/bin/python3"),
                         ["/usr/bin/python3", "manage.py", "runserver", "127.0.0.1:8000"])

    def test_wsgi_runs_this_module(self):
        self.assertEqual(devserver.server_argv("wsgi", "/v/bin/python"),
                         ["/v/bin/python", "-m", "pyhost_gateway.devserver", "--serve-wsgi"])

    def test_unknown_kind_is_refused(self):
        with self.assertRaises(ValueError):
            devserver.server_argv("gunicorn", "python3")

    def test_python_of_a_virtualenv(self):
        self.assertEqual(devserver.python_for("/home/a/.virtualenvs/x"), "/home/a/.virtualenvs/x/bin/python")
        self.assertEqual(devserver.python_for(""), devserver.sys.executable)

    def test_wsgi_file_of_a_domain(self):
        self.assertEqual(devserver.wsgi_file("alice.localhost"), "/var/www/alice_localhost_wsgi.py")


class RelayTest(unittest.TestCase):
    def test_bytes_pass_both_ways_and_the_socket_appears_by_rename(self):
        tcp = socket.socket()
        tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        tcp.bind((devserver.HOST, 0))
        tcp.listen(1)
        port = tcp.getsockname()[1]

        def echo():
            conn, _ = tcp.accept()
            data = conn.recv(100)
            conn.sendall(data.upper())
            conn.close()

        threading.Thread(target=echo, daemon=True).start()
        with tempfile.TemporaryDirectory() as run_dir:
            saved = devserver.PORT
            devserver.PORT = port
            try:
                server = devserver.listen_unix(run_dir)
                self.assertFalse(os.path.exists(os.path.join(run_dir, ".dev.sock")))
                client = socket.socket(socket.AF_UNIX)
                client.connect(os.path.join(run_dir, "app.sock"))
                conn, _ = server.accept()
                threading.Thread(target=devserver.relay_one, args=(conn,), daemon=True).start()
                client.sendall(b"hello")
                client.shutdown(socket.SHUT_WR)
                self.assertEqual(client.recv(100), b"HELLO")
                client.close()
                server.close()
            finally:
                devserver.PORT = saved
                tcp.close()


if __name__ == "__main__":
    unittest.main()
