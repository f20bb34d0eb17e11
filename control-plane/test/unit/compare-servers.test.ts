import { describe, expect, it } from 'vitest';
import { candidates, judgeLevel, looksLikeManagePy, pathProblem, summary, winner, type LevelResult, type ServerResult } from '../../src/domain/compare-servers.js';
import { homeSegments } from '../../src/services/compare/project-copy.js';

const level = (connections: number, rps: number, failed = false): LevelResult => ({ connections, rps, p50Ms: 3, p99Ms: 9, requests: 100, errors: failed ? 50 : 0, failed });
const server = (name: 'runserver' | 'devserver' | 'gunicorn' | 'uwsgi', rps: [number, number, number], failedAt: number[] = []): ServerResult => ({
  server: name,
  label: name === 'uwsgi' ? 'uWSGI' : name,
  production: name === 'gunicorn' || name === 'uwsgi',
  startError: null,
  levels: [1, 10, 20].map((c, i) => level(c, rps[i]!, failedAt.includes(c))),
});
// The article's table.
const ARTICLE = [server('runserver', [283, 310, 0], [20]), server('gunicorn', [304, 1070, 1400]), server('uwsgi', [406, 1024, 1303])];

describe('candidates', () => {
  it.each([
    [true, ['runserver', 'gunicorn', 'uwsgi']],
    [false, ['devserver', 'gunicorn', 'uwsgi']],
  ])('a Django project (%s) is measured under %j', (django, servers) => {
    expect(candidates(django).map((c) => c.server)).toEqual(servers);
    expect(candidates(django).map((c) => c.production)).toEqual([false, true, true]);
  });

  it('knows a manage.py', () => {
    expect(looksLikeManagePy("os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'blog.settings')\nfrom django.core.management import execute_from_command_line")).toBe(true);
    expect(looksLikeManagePy('print("hello")')).toBe(false);
  });
});

describe('judging a level', () => {
  it.each([
    [{ ok: 900, non2xx: 0, socketErrors: 0, timeouts: 0 }, 300, false],
    [{ ok: 900, non2xx: 9, socketErrors: 0, timeouts: 0 }, 300, false],
    [{ ok: 900, non2xx: 0, socketErrors: 20, timeouts: 5 }, 300, true],
    [{ ok: 0, non2xx: 0, socketErrors: 0, timeouts: 0 }, 0, true],
  ])('%j over 3 s → %d/s, Error: %s', (counts, rps, failed) => {
    const r = judgeLevel({ connections: 20, durationS: 3, p50Ms: 1, p99Ms: 2, ...counts });
    expect(r.rps).toBe(rps);
    expect(r.failed).toBe(failed);
    expect(r.errors).toBe(counts.non2xx + counts.socketErrors + counts.timeouts);
  });
});

describe('winner and summary', () => {
  it("picks the article's gunicorn, never runserver, and says what the numbers mean", () => {
    expect(winner(ARTICLE)).toBe('gunicorn');
    const text = summary(ARTICLE, 'uwsgi');
    expect(text).toContain('At 20 connections gunicorn served the most: 1400 requests/s');
    expect(text).toContain('about as many as uWSGI (1303/s');
    expect(text).toContain('runserver gave errors at 20 connections');
    expect(text).toContain("runserver is Django's development server");
    expect(text).toContain('you can switch it to gunicorn');
    expect(summary(ARTICLE, 'gunicorn')).toContain('already runs under gunicorn');
  });

  it('a production server with an Error level cannot win; the development server never does', () => {
    const results = [server('devserver', [5000, 5000, 5000]), server('gunicorn', [300, 900, 1000], [20]), server('uwsgi', [400, 800, 900])];
    expect(winner(results)).toBe('uwsgi');
    expect(winner([server('gunicorn', [1, 1, 1], [1]), { ...server('uwsgi', [0, 0, 0]), startError: 'no answer', levels: [] }])).toBeNull();
    expect(summary([server('gunicorn', [1, 1, 1], [1])], 'uwsgi')).toMatch(/no winner/);
  });

  it('a clear difference is said in per cent', () => {
    expect(summary([server('gunicorn', [100, 200, 300]), server('uwsgi', [100, 200, 200])], 'uwsgi')).toContain('50% more than uWSGI (200/s)');
  });
});

describe('inputs', () => {
  it.each([
    ['/', null],
    ['/posts/?page=2', null],
    ['posts', 'the path must start with /'],
    ['//evil.example/', 'the path must not start with //'],
    ['/a b', 'the path must be printable ASCII without spaces (percent-encode the rest)'],
    [`/${'a'.repeat(1024)}`, 'the path must be at most 1024 characters'],
  ])('path %j: %s', (p, problem) => expect(pathProblem(p)).toBe(problem));

  it.each([
    ['/home/alice/blog', ['blog']],
    ['/home/alice/a/b/', ['a', 'b']],
    ['/home/alice', null],
    ['/home/alice/../bob/x', null],
    ['/var/www', null],
  ])('%s below the home is %j', (visible, segments) => expect(homeSegments('alice', visible)).toEqual(segments));
});
