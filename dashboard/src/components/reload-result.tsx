import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { ApiError } from '@/lib/api-client';
import { formatDuration } from '@/lib/format';
import { inert } from '@/lib/inert-text';
import { errorText } from './error-message';

type Outcome = { ok: true; ms: number } | { ok: false; error: unknown };

/** What a reload needs of its mutation (a web app's or a website's). */
export interface ReloadMutation {
  mutate(variables: undefined, callbacks: { onSuccess(): void; onError(error: unknown): void }): void;
  readonly isPending: boolean;
}

/** Counts seconds while `running`, for the progress line. */
function useElapsed(running: boolean): number {
  const [seconds, setSeconds] = useState(0);
  useEffect(() => {
    if (!running) return;
    const started = Date.now();
    setSeconds(0);
    const timer = setInterval(() => setSeconds(Math.floor((Date.now() - started) / 1000)), 250);
    return () => clearInterval(timer);
  }, [running]);
  return seconds;
}

/** A reload and what came of it; `before` runs first (saving a file) and can call it off. */
export function useReloadState(reload: ReloadMutation) {
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [preparing, setPreparing] = useState(false);
  const started = useRef(0);
  const pending = preparing || reload.isPending;
  const elapsed = useElapsed(reload.isPending);

  const start = async (before?: () => Promise<boolean>) => {
    setOutcome(null);
    if (before) {
      setPreparing(true);
      const go = await before().finally(() => setPreparing(false));
      if (!go) return;
    }
    started.current = performance.now();
    reload.mutate(undefined, {
      onSuccess: () => setOutcome({ ok: true, ms: Math.round(performance.now() - started.current) }),
      onError: (error) => setOutcome({ ok: false, error }),
    });
  };
  return { start, pending, reloading: reload.isPending, elapsed, outcome };
}

export type ReloadState = ReturnType<typeof useReloadState>;

/** Progress while reloading; then the duration, or the error with the error log's tail and a link to it. */
export function ReloadResult({ state, errorLogHref }: { state: ReloadState; errorLogHref: string }) {
  const { reloading, elapsed, outcome } = state;
  const failure = outcome && !outcome.ok ? outcome.error : null;
  const logTail = failure instanceof ApiError ? failure.logTail : undefined;
  return (
    <>
      <div role="status" className="reload-status">
        {reloading ? (
          <>
            <progress aria-label="Reload in progress" />
            <span> waiting for the app to answer… {elapsed} s</span>
          </>
        ) : null}
        {outcome?.ok ? <span className="ok">✓ Reloaded in {formatDuration(outcome.ms)}</span> : null}
      </div>
      {failure ? (
        <div role="alert" className="reload-error">
          <p>
            <strong>Reload failed:</strong> {errorText(failure).replace(/^reload failed:\s*/i, '')}
          </p>
          {logTail ? (
            <pre className="log-tail" aria-label="End of the error log" tabIndex={0}>
              {inert(logTail)}
            </pre>
          ) : null}
          <p>
            <Link to={errorLogHref}>Open the error log</Link> for the whole story.
          </p>
        </div>
      ) : null}
    </>
  );
}

/** PythonAnywhere's big green button. */
export function ReloadControl({ domain, state, errorLogHref }: { domain: string; state: ReloadState; errorLogHref: string }) {
  return (
    <div className="reload">
      <button type="button" className="reload-button" onClick={() => void state.start()} disabled={state.pending}>
        {state.pending ? `Reloading ${domain}…` : `Reload ${domain}`}
      </button>
      <ReloadResult state={state} errorLogHref={errorLogHref} />
    </div>
  );
}
