/** A web app's or a website's state, as their APIs name them. */
export type SiteState = 'running' | 'starting' | 'sleeping' | 'crashed' | 'stopped' | 'disabled' | 'failed';

const STATE_TEXT: Record<SiteState, string> = {
  running: 'Running',
  starting: 'Starting…',
  sleeping: 'Sleeping — wakes on its next request',
  crashed: 'Crashed — see the error log',
  stopped: 'Stopped',
  disabled: 'Disabled',
  failed: 'Not serving — see the error log',
};

export function StateBadge({ state }: { state: SiteState }) {
  return <span className={`badge state-${state}`}>{STATE_TEXT[state]}</span>;
}
