// What a router process tells the api in its activity file,
// ingress/activity/router-<n>.json (docs/sleeping-apps.md): written by
// ingress/router-activity.ts, read by services/platform/router-activity.ts.

export interface ActivityFile {
  readonly format: 1;
  /** Route key (a web app's id; a website's id negated) → ms of its last request there. */
  readonly seen: Record<string, number>;
  /** Route key → ms that router last asked for the sleeping app to wake. */
  readonly wake: Record<string, number>;
}
