import type { Db } from './database.js';
import { AccountList } from './account-list.js';
import { AlwaysOnStore } from './always-on-store.js';
import { AuditStore } from './audit-store.js';
import { CertificatesStore } from './certificates-store.js';
import { CustomDomainsStore } from './custom-domains-store.js';
import { CompareRunsStore } from './compare-runs-store.js';
import { ConsolesStore } from './consoles-store.js';
import { CpuUsageStore } from './cpu-usage-store.js';
import { InviteCodesStore } from './invite-codes-store.js';
import { MetaStore } from './meta-store.js';
import { RouteRows } from './route-rows.js';
import { ScheduledTasksStore } from './scheduled-tasks-store.js';
import { SessionsStore } from './sessions-store.js';
import { StudentRows } from './student-rows.js';
import { TaskRunsStore } from './task-runs-store.js';
import { TokensStore } from './tokens-store.js';
import { UsersStore } from './users-store.js';
import { WebappsStore } from './webapps-store.js';
import { WebsitesStore } from './websites-store.js';

/** Every table's store, made once per database and handed to whoever needs one. */
export interface Stores {
  readonly users: UsersStore;
  readonly sessions: SessionsStore;
  readonly tokens: TokensStore;
  readonly meta: MetaStore;
  readonly webapps: WebappsStore;
  readonly consoles: ConsolesStore;
  readonly audit: AuditStore;
  /** The Admin page's accounts with their counts, one query. */
  readonly accountList: AccountList;
  readonly inviteCodes: InviteCodesStore;
  /** A teacher's Students page, read-only. */
  readonly studentRows: StudentRows;
  /** What the router needs, read-only. */
  readonly routeRows: RouteRows;
  readonly scheduledTasks: ScheduledTasksStore;
  readonly taskRuns: TaskRunsStore;
  readonly alwaysOn: AlwaysOnStore;
  /** Websites: command-based web apps (docs/websites.md). */
  readonly websites: WebsitesStore;
  /** Compare servers' runs (docs/compare-servers.md). */
  readonly compareRuns: CompareRunsStore;
  /** TLS certificates and their renewal (docs/https.md). */
  readonly certificates: CertificatesStore;
  /** Custom domains' DNS checks (docs/https.md). */
  readonly customDomains: CustomDomainsStore;
  /** CPU time per account per UTC day (docs/cpu-seconds.md). */
  readonly cpuUsage: CpuUsageStore;
  /** Runs `work` in one transaction: everything it writes, or nothing. */
  inTransaction<T>(work: () => T): T;
}

export function openStores(db: Db): Stores {
  return Object.freeze({
    users: new UsersStore(db),
    sessions: new SessionsStore(db),
    tokens: new TokensStore(db),
    meta: new MetaStore(db),
    webapps: new WebappsStore(db),
    consoles: new ConsolesStore(db),
    audit: new AuditStore(db),
    accountList: new AccountList(db),
    inviteCodes: new InviteCodesStore(db),
    studentRows: new StudentRows(db),
    routeRows: new RouteRows(db),
    scheduledTasks: new ScheduledTasksStore(db),
    taskRuns: new TaskRunsStore(db),
    alwaysOn: new AlwaysOnStore(db),
    websites: new WebsitesStore(db),
    compareRuns: new CompareRunsStore(db),
    certificates: new CertificatesStore(db),
    customDomains: new CustomDomainsStore(db),
    cpuUsage: new CpuUsageStore(db),
    inTransaction: <T>(work: () => T): T => db.transaction(work)(),
  });
}
