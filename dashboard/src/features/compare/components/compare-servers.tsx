import { useState, type FormEvent } from 'react';
import { ErrorMessage } from '@/components/error-message';
import { Field } from '@/components/field';
import { Spinner } from '@/components/spinner';
import { useCompareRuns, useLiveServer, useStartCompare, useSwitchServer, type CompareRun } from '../api/compare';
import { CompareChart } from './compare-chart';
import { CompareTable } from './compare-table';
import './compare-servers.css';

const LABEL = { gunicorn: 'gunicorn', uwsgi: 'uWSGI' } as const;

/**
 * Compare servers (docs/compare-servers.md): the app, as it is, under its
 * development server, gunicorn and uWSGI, measured at 1, 10 and 20
 * connections; the article's table and bars for it, what they mean, and
 * the offer to switch the live app to the faster production server.
 */
export function CompareServers({ username, domain }: { username: string; domain: string }) {
  const server = useLiveServer(username, domain).data;
  const runs = useCompareRuns(username, domain);
  const start = useStartCompare(username, domain);
  const [path, setPath] = useState('/');
  const latest = runs.data?.[0];
  const running = latest?.state === 'running';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    start.mutate({ path });
  };

  return (
    <section className="card" aria-labelledby="compare-heading">
      <h2 id="compare-heading">Compare servers</h2>
      <p>
        Runs your app, as it is, under the development server, gunicorn and uWSGI, each in a temporary container beside the live one with the same
        limits, and measures requests per second at 1, 10 and 20 concurrent connections for a few seconds each. Your live app, its traffic and its files
        are not touched. It takes about half a minute.
      </p>
      <form className="compare-form" onSubmit={submit} noValidate>
        <Field label="Path to measure" value={path} onChange={(e) => setPath(e.target.value)} error={start.error?.message} />
        <button type="submit" disabled={running || start.isPending}>
          {running ? 'Comparing…' : 'Compare servers'}
        </button>
      </form>
      {runs.error ? <ErrorMessage error={runs.error} title="Could not load the comparisons" /> : null}
      {runs.isPending ? <Spinner label="Loading comparisons" /> : null}
      {latest ? <RunView username={username} domain={domain} run={latest} server={server} /> : null}
    </section>
  );
}

function RunView({ username, domain, run, server }: { username: string; domain: string; run: CompareRun; server: CompareRun['current_server'] | undefined }) {
  const switcher = useSwitchServer(username, domain);
  return (
    <div aria-label="Comparison" aria-busy={run.state === 'running'}>
      {run.state === 'running' ? <Spinner label={`Measuring ${run.path}…`} /> : null}
      {run.state === 'failed' ? <p role="alert">The comparison failed: {run.error}</p> : null}
      {run.servers.length > 0 ? (
        <>
          <CompareTable run={run} />
          <CompareChart run={run} />
        </>
      ) : null}
      {run.summary ? <p className="compare-summary">{run.summary}</p> : null}
      {run.state === 'done' && run.winner !== null && server !== undefined && (run.winner !== server || switcher.isSuccess) ? (
        <p>
          <button type="button" onClick={() => switcher.mutate(run.winner!)} disabled={switcher.isPending || switcher.isSuccess}>
            {switcher.isPending ? `Switching to ${LABEL[run.winner]}…` : `Switch the live app to ${LABEL[run.winner]}`}
          </button>
          {switcher.isSuccess ? <span role="status"> The app now runs under {LABEL[run.winner]}.</span> : null}
          {switcher.error ? <span role="alert"> {switcher.error.message}</span> : null}
        </p>
      ) : null}
      <p>
        <small>
          Measured {run.finished_at ?? run.created_at}, {run.seconds_per_level} s per column, one server at a time.
        </small>
      </p>
    </div>
  );
}
