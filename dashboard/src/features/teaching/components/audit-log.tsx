import { ErrorMessage } from '@/components/error-message';
import { Spinner } from '@/components/spinner';
import { formatDate } from '@/lib/format';
import { useAudit, type AuditEntry } from '../api/my-teacher';
import './teaching.css';

const VERBS: Record<string, string> = { GET: 'looked at', HEAD: 'looked at', POST: 'made or ran', PUT: 'changed', PATCH: 'changed', DELETE: 'deleted' };

/** An entry's request in words: "looked at /files/path/home/ann/app.py". */
export function describeEntry(e: AuditEntry): string {
  return `${VERBS[e.method] ?? e.method} ${e.path}`;
}

function outcome(status: number): string {
  if (status === 101) return 'opened';
  return status < 400 ? `done (${status})` : `refused (${status})`;
}

function AuditRow({ entry }: { entry: AuditEntry }) {
  return (
    <tr>
      <td data-label="When">{formatDate(entry.at)}</td>
      <td data-label="Who"><span className="mono">{entry.actor}</span> <span className="muted">({entry.role})</span></td>
      <td data-label="What" className="mono">{describeEntry(entry)}</td>
      <td data-label="Result">{outcome(entry.status)}</td>
    </tr>
  );
}

/** What teachers and administrators did with your things, newest first, a page at a time. */
export function AuditLog() {
  const audit = useAudit();
  const entries = audit.data?.pages.flat() ?? [];
  return (
    <section className="card" aria-labelledby="audit-heading">
      <h2 id="audit-heading">Audit log</h2>
      <p>Everything your teacher or an administrator does with your things is written here: each change, and each look (a page they keep open counts once every ten minutes).</p>
      {audit.isPending ? <Spinner label="Loading the audit log" /> : null}
      <ErrorMessage error={audit.error} />
      {audit.data && entries.length === 0 ? <p className="muted">Nobody but you has looked at or changed your things.</p> : null}
      {entries.length > 0 ? (
        <div className="table-wrap">
          <table className="stacked-table audit-table">
            <caption className="visually-hidden">Audit log</caption>
            <thead>
              <tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Result</th></tr>
            </thead>
            <tbody>{entries.map((e) => <AuditRow key={e.id} entry={e} />)}</tbody>
          </table>
        </div>
      ) : null}
      {audit.hasNextPage ? (
        <button type="button" className="older" onClick={() => void audit.fetchNextPage()} disabled={audit.isFetchingNextPage}>
          {audit.isFetchingNextPage ? 'Loading…' : 'Older entries'}
        </button>
      ) : null}
    </section>
  );
}
