// The web-app fields come from the control plane's TypeBox schemas, the ones
// its routes validate and serialise with, so the two cannot drift. Types only:
// nothing of the control plane is bundled.
import type { Webapp as ApiWebapp, WebappPatch as ApiWebappPatch } from '@pyhost/control-plane/api-types';

export type { ServerKind, StaticFile, WebappCreate, WebappUsageReply } from '@pyhost/control-plane/api-types';

/**
 * Sleeping web apps (docs/sleeping-apps.md): an app idle for
 * sleep_after_seconds loses its container until its next request or a Reload
 * wakes it. Spelled out here on top of the schema's types so that they hold
 * whether or not the schema lists these fields yet; where it does, the two
 * are the same.
 */
interface SleepFields {
  /** When it went to sleep (ISO 8601, UTC); null when it is not asleep. */
  sleeping_since: string | null;
  /** The owner asked that it never sleeps. */
  keep_awake: boolean;
  /** The idle time before it sleeps, as it applies to this app; 0: it never sleeps. */
  sleep_after_seconds: number;
}

export type WebappState = ApiWebapp['state'] | 'sleeping';
export type Webapp = Omit<ApiWebapp, 'state' | keyof SleepFields> & SleepFields & { state: WebappState };
export type WebappPatch = ApiWebappPatch & { keep_awake?: boolean };
