// Docker labels are the only way Pyhost finds its containers (names are for
// humans). Everything here is pure so that the reconciler's idea of "ours"
// is table-tested and cannot drift between the builder and the parser.
import { isWorkloadKind, type WorkloadKind } from '../domain/workloads.js';

export const LABEL_MANAGED = 'io.pyhost.managed';
export const LABEL_INSTANCE = 'io.pyhost.instance';
export const LABEL_USER = 'io.pyhost.user';
export const LABEL_KIND = 'io.pyhost.kind';
/** The workload's id within its kind (a web app's id, a console container's user id). */
export const LABEL_WORKLOAD = 'io.pyhost.workload';
/** A web app's id, as containers made before LABEL_WORKLOAD carry it (and still do, for `docker ps --filter`). */
export const LABEL_WEBAPP = 'io.pyhost.webapp';
export const LABEL_GENERATION = 'io.pyhost.generation';

export type ContainerKind = WorkloadKind;

export interface PyhostLabels {
  instance: string;
  user: string;
  kind: ContainerKind;
  /** The workload's id; null only on console containers made before it was labelled. */
  workload: number | null;
  /** Which generation of the workload's settings the container runs; null for kinds with one container. */
  generation: number | null;
}

export type LabelMap = Record<string, string>;

// Instance ids end up in container names and label filters; keep them to a
// charset Docker accepts in names so a bad config fails early and loudly.
const INSTANCE_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;

export function isValidInstanceId(instance: string): boolean {
  return INSTANCE_RE.test(instance);
}

export function assertValidInstanceId(instance: string): void {
  if (!isValidInstanceId(instance)) {
    throw new Error(`invalid instance id ${JSON.stringify(instance)}: use letters, digits, '_', '.', '-'`);
  }
}

function isNonNegativeInt(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

export function buildLabels(labels: PyhostLabels): LabelMap {
  assertValidInstanceId(labels.instance);
  if (labels.user === '') throw new Error('label user must not be empty');
  if (labels.workload === null || !isNonNegativeInt(labels.workload)) throw new Error('label workload must be a non-negative integer');
  if (labels.generation !== null && !isNonNegativeInt(labels.generation)) throw new Error('label generation must be a non-negative integer');
  if (labels.kind === 'webapp' && labels.generation === null) throw new Error('a webapp container needs a generation label');
  const map: LabelMap = {
    [LABEL_MANAGED]: 'true',
    [LABEL_INSTANCE]: labels.instance,
    [LABEL_USER]: labels.user,
    [LABEL_KIND]: labels.kind,
    [LABEL_WORKLOAD]: String(labels.workload),
  };
  if (labels.kind === 'webapp') map[LABEL_WEBAPP] = String(labels.workload);
  if (labels.generation !== null) map[LABEL_GENERATION] = String(labels.generation);
  return map;
}

function parseIntLabel(value: string | undefined): number | null | undefined {
  if (value === undefined) return null;
  if (!/^(0|[1-9][0-9]{0,14})$/.test(value)) return undefined; // malformed
  return Number(value);
}

/**
 * Reads Pyhost labels back from any Docker label map (container labels or an
 * event's Actor.Attributes, which mixes in `name`, `image`, `exitCode`).
 * Returns null when the container is not ours, belongs to another instance
 * (when `instance` is given) or carries malformed labels: the reconciler must
 * never touch what it cannot fully account for.
 */
export function parseLabels(map: Readonly<Record<string, string>> | null | undefined, instance?: string): PyhostLabels | null {
  if (!map || map[LABEL_MANAGED] !== 'true') return null;
  const inst = map[LABEL_INSTANCE];
  const user = map[LABEL_USER];
  const kind = map[LABEL_KIND];
  if (inst === undefined || !isValidInstanceId(inst)) return null;
  if (instance !== undefined && inst !== instance) return null;
  if (user === undefined || user === '' || !isWorkloadKind(kind)) return null;
  const workload = parseIntLabel(map[LABEL_WORKLOAD] ?? map[LABEL_WEBAPP]);
  const generation = parseIntLabel(map[LABEL_GENERATION]);
  if (workload === undefined || generation === undefined) return null;
  if (workload === null && kind !== 'console') return null;
  if (kind === 'webapp' && generation === null) return null;
  return { instance: inst, user, kind, workload, generation };
}

/** Docker `label` filter values selecting exactly one instance's containers. */
export function instanceLabelFilter(instance: string): string[] {
  assertValidInstanceId(instance);
  return [`${LABEL_MANAGED}=true`, `${LABEL_INSTANCE}=${instance}`];
}
