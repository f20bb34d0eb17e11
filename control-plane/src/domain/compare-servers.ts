// Compare servers (docs/compare-servers.md): which servers a web app is
// measured under, how one measurement is judged, which server wins and the
// sentence that says what the numbers mean. Pure; table-tested.

/** gunicorn and uwsgi are what a web app can serve with; the development servers are only measured. */
export type CandidateServer = 'runserver' | 'devserver' | 'gunicorn' | 'uwsgi';
export type ProductionServer = 'gunicorn' | 'uwsgi';

export const CONNECTION_LEVELS = [1, 10, 20] as const;
export const DEFAULT_SECONDS_PER_LEVEL = 2;
export const MAX_SECONDS_PER_LEVEL = 3;
export const MAX_PATH_LENGTH = 1024;
/** Runs kept per web app; older ones are dropped when a new one starts. */
export const KEPT_RUNS = 10;
/** A level whose failed requests are more than this share of all is shown as the article's "Error". */
export const ERROR_SHARE = 0.01;

export interface Candidate {
  readonly server: CandidateServer;
  /** As the table names it. */
  readonly label: string;
  readonly production: boolean;
}

export const LABELS: Readonly<Record<CandidateServer, string>> = {
  runserver: 'runserver',
  devserver: 'development server',
  gunicorn: 'gunicorn',
  uwsgi: 'uWSGI',
};

/**
 * The article's three rows: the framework's development server first
 * (Django's runserver when the app is a Django project), then the two
 * servers a web app can run under.
 */
export function candidates(isDjango: boolean): Candidate[] {
  const dev: CandidateServer = isDjango ? 'runserver' : 'devserver';
  return [dev, 'gunicorn', 'uwsgi'].map((server) => ({
    server: server as CandidateServer,
    label: LABELS[server as CandidateServer],
    production: server === 'gunicorn' || server === 'uwsgi',
  }));
}

/** A Django project's manage.py names its settings module. */
export function looksLikeManagePy(source: string): boolean {
  return source.includes('DJANGO_SETTINGS_MODULE') && /\bexecute_from_command_line\b|\bdjango\b/.test(source);
}

export interface LevelResult {
  readonly connections: number;
  /** Answered requests (2xx and 3xx) per second. */
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Every response and failure counted. */
  readonly requests: number;
  /** Non-2xx/3xx answers, socket errors and timeouts. */
  readonly errors: number;
  /** The article's "Error": too many of the requests failed for the number to mean anything. */
  readonly failed: boolean;
}

export interface ServerResult {
  readonly server: CandidateServer;
  readonly label: string;
  readonly production: boolean;
  /** Why the server never answered (then there are no levels). */
  readonly startError: string | null;
  readonly levels: readonly LevelResult[];
}

/** What the load generator counted in one measurement. */
export interface LoadCounts {
  readonly connections: number;
  readonly durationS: number;
  readonly ok: number;
  readonly non2xx: number;
  readonly socketErrors: number;
  readonly timeouts: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export function judgeLevel(c: LoadCounts): LevelResult {
  const errors = c.non2xx + c.socketErrors + c.timeouts;
  const requests = c.ok + errors;
  const rps = c.durationS > 0 ? c.ok / c.durationS : 0;
  return {
    connections: c.connections,
    rps: Math.round(rps * 10) / 10,
    p50Ms: c.p50Ms,
    p99Ms: c.p99Ms,
    requests,
    errors,
    failed: c.ok === 0 || errors > ERROR_SHARE * requests,
  };
}

/** The production server that served most at the highest level where it gave no "Error"; null when neither did. */
export function winner(results: readonly ServerResult[]): ProductionServer | null {
  let best: { server: ProductionServer; score: readonly number[] } | null = null;
  for (const r of results) {
    if (!r.production || r.startError !== null || r.levels.length === 0 || r.levels.some((l) => l.failed)) continue;
    // Highest level first, then the lower ones, as tie-breaks.
    const score = [...r.levels].sort((a, b) => b.connections - a.connections).map((l) => l.rps);
    if (best === null || compareScores(score, best.score) > 0) best = { server: r.server as ProductionServer, score };
  }
  return best?.server ?? null;
}

function compareScores(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

const fmt = (rps: number) => `${Math.round(rps)}`;

/** What the numbers mean, in a few sentences made from them. */
export function summary(results: readonly ServerResult[], current: ProductionServer): string {
  const parts: string[] = [];
  const top = Math.max(...CONNECTION_LEVELS);
  const win = winner(results);
  const at = (r: ServerResult, n: number) => r.levels.find((l) => l.connections === n);
  if (win !== null) {
    const w = results.find((r) => r.server === win)!;
    const other = results.find((r) => r.production && r.server !== win);
    const wTop = at(w, top)!;
    const oTop = other ? at(other, top) : undefined;
    let s = `At ${top} connections ${w.label} served the most: ${fmt(wTop.rps)} requests/s`;
    if (other && oTop && !oTop.failed && oTop.rps > 0) {
      const pct = Math.round((wTop.rps / oTop.rps - 1) * 100);
      s += pct < 10 ? `, about as many as ${other.label} (${fmt(oTop.rps)}/s; a difference under 10% is within what a shared machine varies)` : `, ${pct}% more than ${other.label} (${fmt(oTop.rps)}/s)`;
    }
    parts.push(`${s}.`);
  } else {
    parts.push('Neither gunicorn nor uWSGI served every level without errors, so there is no winner to switch to; see the errors below.');
  }
  const dev = results.find((r) => !r.production);
  if (dev) {
    const failedAt = dev.levels.filter((l) => l.failed).map((l) => l.connections);
    const devIs = dev.server === 'runserver' ? "runserver is Django's development server" : 'The development server (Flask\'s, or the standard library\'s)';
    if (dev.startError !== null) parts.push(`The ${dev.label} did not start: ${dev.startError}.`);
    else if (failedAt.length > 0) parts.push(`${dev.server === 'runserver' ? dev.label : capitalize(dev.label)} gave errors at ${failedAt.join(' and ')} connection${failedAt.length === 1 && failedAt[0] === 1 ? '' : 's'}, as in the article.`);
    parts.push(`${devIs}: it is for trying code on your own machine, never for a live site.`);
  }
  if (win !== null) {
    parts.push(win === current ? `Your app already runs under ${LABELS[win]}.` : `Your app runs under ${LABELS[current]} now; you can switch it to ${LABELS[win]}.`);
  }
  return parts.join(' ');
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A path the load may ask for: absolute, printable ASCII, bounded. */
export function pathProblem(p: string): string | null {
  if (!p.startsWith('/')) return 'the path must start with /';
  if (p.length > MAX_PATH_LENGTH) return `the path must be at most ${MAX_PATH_LENGTH} characters`;
  if (!/^[\x21-\x7e]*$/.test(p)) return 'the path must be printable ASCII without spaces (percent-encode the rest)';
  if (p.startsWith('//')) return 'the path must not start with //';
  return null;
}

/** Where a candidate is reached: what the run's router needs to route the app's domain to its socket. */
export interface Target {
  readonly domain: string;
  readonly username: string;
  readonly uid: number;
  readonly socketPath: string;
  /** Where this candidate's access log goes (its own log folder). */
  readonly logDir: string;
}
