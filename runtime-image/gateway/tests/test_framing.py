import io
import os
import sys
import tempfile
import unittest

from pyhost_gateway import apploader
from pyhost_gateway.apploader import wrap
from pyhost_gateway.framing import LAST_CHUNK, needs_length


def article_hello(environ, start_response):
    # The article's first example, exactly (no Content-Length).
    start_response('200 OK', [('Content-Type', 'text/html')])
    return [b'<h1>Hello</h1>']


def article_environ(environ, start_response):
    # The article's second example, exactly.
    content = ''
    for k, v in environ.items():
        content += k
        content += ': '
        content += str(v)
        content += '\n'
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [content.encode('utf8')]


def lazy_generator(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/plain')])  # runs at the first next()
    yield b'one '
    yield b''
    yield b'two'


def empty_generator(environ, start_response):
    start_response('200 OK', [])
    return
    yield  # a generator that yields nothing


def empty_chunks_first(environ, start_response):
    start_response('200 OK', [])
    yield b''
    yield b''
    yield b'late'


def with_length(environ, start_response):
    start_response('200 OK', [('Content-Length', '5')])
    return iter([b'he', b'llo'])


def already_chunked(environ, start_response):
    start_response('200 OK', [('Transfer-Encoding', 'chunked')])
    return iter([b'2\r\nhi\r\n', b'0\r\n\r\n'])


def legacy_write(environ, start_response):
    write = start_response('200 OK', [])
    write(b'a')
    write(b'')
    write(b'b')
    return [b'c']


def write_only(environ, start_response):
    start_response('200 OK', [])(b'written')
    return []


def status(code):
    def app(environ, start_response):
        start_response(code, [])
        return [b'']
    return app


def empty_list(environ, start_response):
    start_response('200 OK', [])
    return []


def tuple_body(environ, start_response):
    start_response('404 Not Found', [('Content-Type', 'text/plain')])
    return (b'not ', b'here')


def never_starts(environ, start_response):
    yield b'body without start_response'


def str_body(environ, start_response):
    start_response('200 OK', [])
    return ['not bytes']


def fails_before_body(environ, start_response):
    start_response('200 OK', [])
    raise ValueError('before the body')
    yield b''


def fails_in_the_middle(environ, start_response):
    start_response('200 OK', [])
    yield b'part'
    raise KeyError('in the middle')


def error_page_with_exc_info(environ, start_response):
    try:
        raise ValueError('handled')
    except ValueError:
        start_response('200 OK', [])
        start_response('503 Service Unavailable', [('Content-Type', 'text/plain')], sys.exc_info())
    return [b'sorry']


class FakeServer:
    """What uWSGI does with a WSGI app, recorded: the events in order."""

    def __init__(self, method='GET', protocol='HTTP/1.1', uwsgi=True, file_wrapper=None):
        self.environ = {'REQUEST_METHOD': method, 'PATH_INFO': '/p', 'SERVER_PROTOCOL': protocol}
        if uwsgi:
            self.environ['uwsgi.version'] = b'2.0.21'
        if file_wrapper is not None:
            self.environ['wsgi.file_wrapper'] = file_wrapper
        self.events = []
        self.status = None
        self.headers = None
        self.result = None

    def start_response(self, status, headers, exc_info=None):
        self.status, self.headers = status, list(headers)
        self.events.append(('start', status))
        return lambda data: self.events.append(('write', bytes(data)))

    def run(self, app):
        self.result = wrap(app)(self.environ, self.start_response)
        try:
            for data in self.result:
                if self.status is None:
                    raise AssertionError('body before start_response')
                self.events.append(('body', bytes(data)))
        finally:
            if hasattr(self.result, 'close'):
                self.result.close()
        return self

    @property
    def raw(self):
        return b''.join(data for kind, data in self.events if kind in ('write', 'body'))

    def header(self, name):
        values = [v for k, v in self.headers if k.lower() == name.lower()]
        return values[0] if values else None


def dechunk(raw):
    out, rest = b'', raw
    while True:
        size_line, rest = rest.split(b'\r\n', 1)
        size = int(size_line, 16)
        if size == 0:
            if rest != b'\r\n':
                raise AssertionError(f'bytes after the last chunk: {rest!r}')
            return out
        out, rest = out + rest[:size], rest[size:]
        if not rest.startswith(b'\r\n'):
            raise AssertionError('chunk not followed by CRLF')
        rest = rest[2:]


class FramingTableTest(unittest.TestCase):
    def setUp(self):
        self.logged = []
        self._log = apploader._log
        apploader._log = lambda headline, lines: self.logged.append(headline + ''.join(lines))

    def tearDown(self):
        apploader._log = self._log

    # (name, app, server options, expected status, Content-Length, chunked, body)
    CASES = [
        ('article hello world gets its length', article_hello, {}, '200 OK', '14', False, b'<h1>Hello</h1>'),
        ('a tuple gets its length', tuple_body, {}, '404 Not Found', '8', False, b'not here'),
        ('an empty list gets Content-Length: 0', empty_list, {}, '200 OK', '0', False, b''),
        ('a generator that calls start_response lazily is chunked', lazy_generator, {}, '200 OK', None, True, b'one two'),
        ('empty pieces are skipped, not sent as the last chunk', empty_chunks_first, {}, '200 OK', None, True, b'late'),
        ('an empty generator gets Content-Length: 0', empty_generator, {}, '200 OK', '0', False, b''),
        ('write() is chunked, then the returned body', legacy_write, {}, '200 OK', None, True, b'abc'),
        ('write() only', write_only, {}, '200 OK', None, True, b'written'),
        ('an existing Content-Length is untouched', with_length, {}, '200 OK', '5', False, b'hello'),
        ('an app that chunks itself is untouched', already_chunked, {}, '200 OK', None, False, b'2\r\nhi\r\n0\r\n\r\n'),
        ('HEAD is untouched', article_hello, {'method': 'HEAD'}, '200 OK', None, False, b'<h1>Hello</h1>'),
        ('HTTP/1.0 is untouched (uWSGI closes the connection)', article_hello, {'protocol': 'HTTP/1.0'}, '200 OK', None, False, b'<h1>Hello</h1>'),
        ('gunicorn is untouched (it frames by itself)', article_hello, {'uwsgi': False}, '200 OK', None, False, b'<h1>Hello</h1>'),
        ('204 has no body to frame', status('204 No Content'), {}, '204 No Content', None, False, b''),
        ('304 has no body to frame', status('304 Not Modified'), {}, '304 Not Modified', None, False, b''),
        ('an error page started with exc_info replaces the first status', error_page_with_exc_info, {}, '503 Service Unavailable', '5', False, b'sorry'),
    ]

    def test_cases(self):
        for name, app, options, status_line, length, chunked, body in self.CASES:
            with self.subTest(name):
                server = FakeServer(**options).run(app)
                self.assertEqual(server.status, status_line)
                self.assertEqual(server.header('Content-Length'), length)
                if chunked:
                    self.assertEqual(server.header('Transfer-Encoding'), 'chunked')
                    self.assertTrue(server.raw.endswith(LAST_CHUNK))
                    self.assertEqual(dechunk(server.raw), body)
                else:
                    if app is not already_chunked:
                        self.assertIsNone(server.header('Transfer-Encoding'))
                    self.assertEqual(server.raw, body)
                # The server learns the status and headers before any body byte.
                self.assertEqual(server.events[0][0], 'start')
                self.assertEqual([e for e in server.events if e[0] == 'start'], [server.events[0]])
                self.assertEqual(self.logged, [])

    def test_the_article_environ_listing_gets_its_length(self):
        server = FakeServer().run(article_environ)
        self.assertIn(b'REQUEST_METHOD: GET\n', server.raw)
        self.assertEqual(server.header('Content-Length'), str(len(server.raw)))

    def test_a_list_is_passed_on_as_is(self):
        body = [b'<h1>Hello</h1>']
        server = FakeServer()
        server.run(lambda environ, start_response: (start_response('200 OK', []), body)[1])
        self.assertIs(server.result, body)  # not copied, not wrapped

    def test_start_response_is_deferred_until_the_first_piece(self):
        pieces = []

        def app(environ, start_response):
            start_response('200 OK', [])
            pieces.append('started')
            yield b'x'
        server = FakeServer()
        result = wrap(app)(server.environ, server.start_response)
        self.assertEqual(server.events, [])
        iterator = iter(result)
        self.assertEqual(next(iterator), b'1\r\nx\r\n')
        self.assertEqual(server.events, [('start', '200 OK')])

    def test_close_is_called(self):
        for name, options in (('framed', {}), ('not framed', {'protocol': 'HTTP/1.0'})):
            with self.subTest(name):
                closed = []

                class Body:
                    def __iter__(self):
                        return iter([b'a', b'b'])

                    def close(self):
                        closed.append(True)

                def app(environ, start_response):
                    start_response('200 OK', [])
                    return Body()
                server = FakeServer(**options).run(app)
                self.assertEqual(closed, [True])
                self.assertEqual(dechunk(server.raw) if name == 'framed' else server.raw, b'ab')

    def test_close_is_called_when_the_body_fails(self):
        closed = []

        def app(environ, start_response):
            start_response('200 OK', [])
            try:
                yield b'part'
                raise KeyError('late')
            finally:
                closed.append(True)
        with self.assertRaises(KeyError):
            FakeServer().run(app)
        self.assertEqual(closed, [True])

    def test_failure_before_the_body_is_a_500_with_a_length(self):
        for app in (fails_before_body, never_starts, str_body):
            with self.subTest(app.__name__):
                self.logged.clear()
                server = FakeServer().run(app)
                self.assertEqual(server.status, '500 Internal Server Error')
                self.assertEqual(server.header('Content-Length'), str(len(server.raw)))
                self.assertEqual(len(self.logged), 1)
                self.assertIn('Error running WSGI application (GET /p)', self.logged[0])
                self.assertNotIn('pyhost_gateway/', self.logged[0])  # the user's frames only

    def test_failure_in_the_middle_is_raised_without_the_last_chunk_and_ends_the_connection(self):
        aborted = self.count_aborts()
        server = FakeServer()
        with self.assertRaises(KeyError):
            server.run(fails_in_the_middle)
        self.assertEqual(server.raw, b'4\r\npart\r\n')
        self.assertEqual(len(self.logged), 1)
        self.assertIn("KeyError: 'in the middle'", self.logged[0])
        self.assertEqual(aborted, [True])

    def test_failure_after_write_ends_the_connection(self):
        aborted = self.count_aborts()

        def app(environ, start_response):
            start_response('200 OK', [])(b'part')
            raise ValueError('after write')
        server = FakeServer()
        with self.assertRaises(ValueError):
            server.run(app)
        self.assertEqual(server.raw, b'4\r\npart\r\n')
        self.assertEqual(aborted, [True])

    def test_a_response_that_completes_keeps_the_connection(self):
        aborted = self.count_aborts()
        for app in (article_hello, lazy_generator, legacy_write, fails_before_body):
            FakeServer().run(app)
        self.assertEqual(aborted, [])

    def count_aborts(self):
        aborted = []
        original = apploader._shut_down_uwsgi_connection
        apploader._shut_down_uwsgi_connection = lambda: aborted.append(True)
        self.addCleanup(setattr, apploader, '_shut_down_uwsgi_connection', original)
        return aborted

    def test_exception_from_the_app_call_is_a_500(self):
        def app(environ, start_response):
            start_response('200 OK', [])
            raise ValueError('boom')
        server = FakeServer().run(app)
        self.assertEqual((server.status, server.raw), ('500 Internal Server Error', b'Internal Server Error\n'))
        self.assertEqual(server.header('Content-Length'), '22')

    def test_exc_info_after_the_headers_went_out_is_raised(self):
        def app(environ, start_response):
            write = start_response('200 OK', [])
            write(b'sent')
            try:
                raise ValueError('too late')
            except ValueError:
                start_response('500 Internal Server Error', [], sys.exc_info())
            return []
        with self.assertRaisesRegex(ValueError, 'too late'):
            FakeServer().run(app)


class FileWrapperTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.dir.name, 'f.bin')
        with open(self.path, 'wb') as f:
            f.write(b'x' * 100_000)

    def tearDown(self):
        self.dir.cleanup()

    @staticmethod
    def uwsgi_file_wrapper(filelike, block_size=8192):
        return filelike  # like uWSGI: sendfile when the app returns this very object

    def app(self, opener, headers):
        def app(environ, start_response):
            start_response('200 OK', headers)
            return environ['wsgi.file_wrapper'](opener())
        return app

    def test_a_regular_file_with_a_length_keeps_the_sendfile_path(self):
        f = open(self.path, 'rb')
        self.addCleanup(f.close)
        server = FakeServer(file_wrapper=self.uwsgi_file_wrapper)
        result = wrap(self.app(lambda: f, [('Content-Length', '100000')]))(server.environ, server.start_response)
        self.assertIs(result, f)
        self.assertEqual(server.headers, [('Content-Length', '100000')])

    def test_a_regular_file_without_a_length_gets_its_size_and_keeps_the_sendfile_path(self):
        f = open(self.path, 'rb')
        self.addCleanup(f.close)
        server = FakeServer(file_wrapper=self.uwsgi_file_wrapper)
        result = wrap(self.app(lambda: f, []))(server.environ, server.start_response)
        self.assertIs(result, f)
        self.assertEqual(server.header('Content-Length'), '100000')

    def test_a_file_like_object_without_a_file_is_chunked_and_closed(self):
        buf = io.BytesIO(b'y' * 150_000)
        server = FakeServer(file_wrapper=self.uwsgi_file_wrapper).run(self.app(lambda: buf, []))
        self.assertEqual(server.header('Transfer-Encoding'), 'chunked')
        self.assertEqual(dechunk(server.raw), b'y' * 150_000)
        self.assertTrue(buf.closed)


class NeedsLengthTest(unittest.TestCase):
    def test_table(self):
        cases = [
            ('200 OK', [], True),
            ('200 OK', [('content-length', '1')], False),
            ('200 OK', [('TRANSFER-ENCODING', 'chunked')], False),
            ('101 Switching Protocols', [], False),
            ('204 No Content', [], False),
            ('304 Not Modified', [], False),
            ('404 Not Found', [], True),
            ('nonsense', [], False),
        ]
        for status_line, headers, expected in cases:
            with self.subTest(status_line):
                self.assertEqual(needs_length(status_line, headers), expected)


if __name__ == '__main__':
    unittest.main()
