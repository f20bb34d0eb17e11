// The two WSGI examples of the article learners follow first ("django로 만든
// 사이트를 돌리는 방법들", lexifdev, 2018), exactly as printed there: neither
// sets Content-Length, which PEP 3333 allows. Used by the real-Docker tests
// and by bench/router.ts.

/** Answers `<h1>Hello</h1>` to every request. */
export const ARTICLE_HELLO = `def application(environ, start_response):
   start_response('200 OK', [('Content-Type', 'text/html')])
   return [b'<h1>Hello</h1>']
`;

/** Lists the request's environ, one `key: value` line each. */
export const ARTICLE_ENVIRON = `def application(environ, start_response):
   content = ''
   for k, v in environ.items():
       content += k
       content += ': '
       content += str(v)
       content += '\\n'
   start_response('200 OK', [('Content-Type', 'text/plain')])
   return [content.encode('utf8')]
`;
