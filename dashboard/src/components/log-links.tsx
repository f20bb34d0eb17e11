import { Link } from 'react-router';
import type { LogKind } from '@/lib/paths';

const LOGS: { kind: LogKind; label: string; what: string }[] = [
  { kind: 'access', label: 'Access log', what: 'every request' },
  { kind: 'error', label: 'Error log', what: 'tracebacks and stderr' },
  { kind: 'server', label: 'Server log', what: 'the server’s messages and print()' },
];

/** A site's three logs (a web app's or a website's), each opening in the log viewer at `hrefOf(kind)`. */
export function LogLinks({ domain, hrefOf }: { domain: string; hrefOf(kind: LogKind): string }) {
  return (
    <section className="card" aria-labelledby="logs-heading">
      <h2 id="logs-heading">Log files</h2>
      <ul className="plain">
        {LOGS.map((l) => (
          <li key={l.kind}>
            <Link to={hrefOf(l.kind)}>{l.label}</Link> <span className="muted">/var/log/{domain}.{l.kind}.log — {l.what}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
