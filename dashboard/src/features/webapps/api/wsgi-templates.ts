// WSGI files the "Add a new web app" wizard writes, modelled on
// PythonAnywhere's. Pure functions: tested on their own.

/** A Python string literal holding `s` (single-quoted, backslashes and quotes escaped). */
export function pyString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

const header = (domain: string) => `# WSGI configuration for http://${domain}/ — written by Pyhost's wizard.
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

export const FLASK_HELLO = `# A minimal Flask app, created by Pyhost's wizard.
from flask import Flask

app = Flask(__name__)


@app.route('/')
def hello_world():
    return 'Hello from Flask!'
`;

/** A Python module name a file can be imported as. */
export const isModuleName = (name: string) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
