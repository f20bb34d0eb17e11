// The web-app fields come from the control plane's TypeBox schemas, the ones
// its routes validate and serialise with, so the two cannot drift. Types only:
// nothing of the control plane is bundled.
export type { ServerKind, StaticFile, Webapp, WebappCreate, WebappPatch, WebappState, WebappUsageReply } from '@pyhost/control-plane/api-types';
