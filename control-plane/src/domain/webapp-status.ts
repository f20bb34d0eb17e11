/** What the API reports about a web app's container. */
export type WebappState = 'starting' | 'running' | 'crashed' | 'stopped' | 'disabled' | 'sleeping';

export interface LastReload {
  at: string;
  duration_ms: number;
  ok: boolean;
  error: string | null;
}

export interface WebappStatus {
  state: WebappState;
  last_reload: LastReload | null;
}
