// What the dashboard may know about the API: types only, taken from the
// route schemas. package.json exports this file under the "types" condition
// alone, so `import type` works and a value import fails the dashboard build.
export type {
  LastReload,
  ServerKind,
  StaticFile,
  StaticFileCreate,
  StaticFilePatch,
  Webapp,
  WebappCreate,
  WebappPatch,
  WebappState,
} from './schemas/webapps.js';
export type { Website, WebsiteCreate, WebsitePatch, WebsiteState } from './schemas/websites.js';
export type { CompareRun, CompareStart } from './schemas/compare.js';
export type { CpuUsageReply } from './schemas/cpu.js';
export type { DiskUsageReply } from './schemas/disk.js';
export type { WebappUsageReply } from './schemas/webapp-usage.js';
