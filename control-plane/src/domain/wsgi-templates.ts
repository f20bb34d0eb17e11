// The WSGI files Pyhost writes for a new web app: PythonAnywhere's hello
// world, and the Django and Flask ones of "Add a new web app". Pure.

export function helloWorldWsgi(domain: string): string {
  return `# This file contains the WSGI configuration required to serve up your
# web application at http://${domain}/
# It works by setting the variable 'application' to a WSGI handler of some
# description. Replace it with your own app, e.g. for Flask:
#
#     import sys
#     path = '/home/<you>/mysite'
#     if path not in sys.path:
#         sys.path.insert(0, path)
#     from flask_app import app as application
#
# or for Django:
#
#     import os, sys
#     path = '/home/<you>/mysite'
#     if path not in sys.path:
#         sys.path.insert(0, path)
#     os.environ['DJANGO_SETTINGS_MODULE'] = 'mysite.settings'
#     from django.core.wsgi import get_wsgi_application
#     application = get_wsgi_application()

HELLO_WORLD = b"""<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>Hello from Pyhost</title></head>
<body>
<h1>Hello, World!</h1>
<p>This is the default welcome page for a Python web app hosted on Pyhost.</p>
<p>Edit this app's WSGI file to make it your own.</p>
</body>
</html>"""


def application(environ, start_response):
    start_response('200 OK', [
        ('Content-Type', 'text/html; charset=utf-8'),
        ('Content-Length', str(len(HELLO_WORLD))),
    ])
    return [HELLO_WORLD]
`;
}

/**
 * A Python string literal holding `s`: single-quoted, with backslashes and
 * quotes escaped and every control character as \xNN (a bare CR, like a
 * newline, would end the line in Python's source and break the file).
 */
export function pyString(s: string): string {
  const escaped = s
    .replace(/[\\']/g, (c) => `\\${c}`)
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    .replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return `'${escaped}'`;
}

const header = (domain: string) => `# WSGI configuration for http://${domain}/ — written by Pyhost.
# Edit freely, then press Reload on the Web tab.
import os
import sys
`;

export function djangoWsgi(domain: string, projectDir: string, settingsModule: string): string {
  return `${header(domain)}
# The folder that holds manage.py goes on the module search path.
path = ${pyString(projectDir)}
if path not in sys.path:
    sys.path.insert(0, path)

os.environ['DJANGO_SETTINGS_MODULE'] = ${pyString(settingsModule)}

from django.core.wsgi import get_wsgi_application
application = get_wsgi_application()
`;
}

export function flaskWsgi(domain: string, appDir: string, moduleName: string): string {
  return `${header(domain)}
path = ${pyString(appDir)}
if path not in sys.path:
    sys.path.insert(0, path)

from ${moduleName} import app as application  # noqa
`;
}

export const FLASK_HELLO = `# A minimal Flask app, created by Pyhost.
from flask import Flask

app = Flask(__name__)


@app.route('/')
def hello_world():
    return 'Hello from Flask!'
`;

// Python's hard keywords: `from import import app` is a SyntaxError, so a file so named cannot be imported by a WSGI file.
const KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(' '),
);

/** A Python module name a file can be imported as (`from <name> import app`). */
export const isModuleName = (name: string) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !KEYWORDS.has(name);
