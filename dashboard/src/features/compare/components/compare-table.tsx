import type { CompareRun } from '../api/compare';

type Level = CompareRun['servers'][number]['levels'][number];

const ms = (n: number) => (n < 10 ? n.toFixed(1) : Math.round(n).toString());

function Cell({ level }: { level: Level | undefined }) {
  if (level === undefined) return <td className="compare-pending">…</td>;
  if (level.error) {
    return (
      <td className="compare-error">
        <strong>Error</strong>
        <small>{level.errors} of {level.requests} failed</small>
      </td>
    );
  }
  return (
    <td>
      <strong>{level.requests_per_second.toFixed(1)}</strong>
      <small>p50 {ms(level.p50_ms)} ms · p99 {ms(level.p99_ms)} ms{level.errors > 0 ? ` · ${level.errors} errors` : ''}</small>
    </td>
  );
}

/** The article's table: servers down, concurrent connections across, requests per second (higher is better). */
export function CompareTable({ run }: { run: CompareRun }) {
  return (
    <table className="compare-table">
      <caption>Requests per second on {run.path} (higher is better), with median and 99th-percentile latency</caption>
      <thead>
        <tr>
          <th scope="col">Server</th>
          {run.connections.map((c) => (
            <th scope="col" key={c}>{c === 1 ? '1 connection' : `${c} connections`}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {run.servers.map((s) => (
          <tr key={s.server}>
            <th scope="row">
              {s.label}
              {s.server === run.current_server ? <small> (live)</small> : null}
              {s.server === run.winner ? <small> (fastest)</small> : null}
            </th>
            {s.start_error !== null ? (
              <td className="compare-error" colSpan={run.connections.length}>
                <strong>Error</strong>
                <small>{s.start_error}</small>
              </td>
            ) : (
              run.connections.map((c) => <Cell key={c} level={s.levels.find((l) => l.connections === c)} />)
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
