import { describe, expect, it } from 'vitest';
import { FLASK_HELLO, djangoWsgi, flaskWsgi, helloWorldWsgi, isModuleName, pyString } from '../../src/domain/wsgi-templates.js';

describe('WSGI templates', () => {
  it.each([
    ['/home/alice/mysite', "'/home/alice/mysite'"],
    ["/home/alice/o'neil", "'/home/alice/o\\'neil'"],
    ['/home/alice/back\\slash', "'/home/alice/back\\\\slash'"],
    ['/home/alice/new\nline', "'/home/alice/new\\x0aline'"],
    ['/home/alice/carriage\rreturn', "'/home/alice/carriage\\x0dreturn'"],
    ['/home/alice/tab\there', "'/home/alice/tab\\x09here'"],
    ['/home/alice/café', "'/home/alice/café'"],
  ])('writes %j as the Python string literal %s', (raw, literal) => {
    expect(pyString(raw)).toBe(literal);
  });

  it('never leaves a character that ends the literal or its line', () => {
    const nasty = "/home/a/'\\\n\r\x00\x1b\x7f'";
    const inner = pyString(nasty).slice(1, -1);
    expect(inner).not.toMatch(/[\n\r\x00\x1b\x7f]/); // eslint-disable-line no-control-regex -- looking for them is the point
    expect(inner.replace(/\\./g, '')).not.toContain("'");
  });

  it('django: the project folder goes on sys.path, the settings module in DJANGO_SETTINGS_MODULE', () => {
    const text = djangoWsgi('blog.alice.localhost', "/home/alice/o'blog", 'blog.settings');
    expect(text).toMatch(/^# WSGI configuration for http:\/\/blog\.alice\.localhost\//);
    expect(text).toContain("path = '/home/alice/o\\'blog'\nif path not in sys.path:\n    sys.path.insert(0, path)\n");
    expect(text).toContain("os.environ['DJANGO_SETTINGS_MODULE'] = 'blog.settings'\n");
    expect(text).toContain('from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n');
    expect(text.indexOf('sys.path.insert')).toBeLessThan(text.indexOf('get_wsgi_application()'));
  });

  it('flask: the app folder goes on sys.path and the module\'s app is the application', () => {
    const text = flaskWsgi('alice.localhost', '/home/alice/mysite', 'flask_app');
    expect(text).toContain("path = '/home/alice/mysite'\n");
    expect(text).toContain('from flask_app import app as application');
    expect(text.indexOf('sys.path.insert')).toBeLessThan(text.indexOf('from flask_app import'));
  });

  it('the Flask hello world defines app and answers /', () => {
    expect(FLASK_HELLO).toContain('app = Flask(__name__)');
    expect(FLASK_HELLO).toContain("@app.route('/')");
  });

  it('the hello world (PythonAnywhere\'s manual configuration) names the domain and defines application', () => {
    const text = helloWorldWsgi('alice.localhost');
    expect(text).toContain('http://alice.localhost/');
    expect(text).toContain('def application(environ, start_response):');
  });

  it.each(['flask_app', 'app', '_private', 'App2', 'match', 'type'])('%s is a module name a WSGI file can import', (name) => {
    expect(isModuleName(name)).toBe(true);
  });

  it.each(['', '2app', 'my-app', 'flask app', 'app.py', 'import', 'class', 'None', 'from', 'lambda'])('%j is not', (name) => {
    expect(isModuleName(name)).toBe(false);
  });
});
