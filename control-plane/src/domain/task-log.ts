// Task log files in the user's /var/log and the lines Pyhost stamps into
// them (docs/tasks.md, "Logs"). Pure.

export type TaskLogKind = 'scheduled' | 'always_on';

/** The file name in /var/log; stable whatever the schedule becomes, so rotation and the viewer keep finding it. */
export function taskLogName(kind: TaskLogKind, id: number): string {
  return kind === 'scheduled' ? `tasklog-${id}.log` : `alwayson-log-${id}.log`;
}

/** PythonAnywhere's `logfile`: the file's path in the user's files, under /user/<u>/files. */
export function paLogfile(username: string, kind: TaskLogKind, id: number): string {
  return `/user/${username}/files/var/log/${taskLogName(kind, id)}`;
}

/** Recognises the live or a rotated file of one task's log: the rotation (0: live), or null. */
export function taskLogRotation(kind: TaskLogKind, id: number, name: string): { rotation: number; compressed: boolean } | null {
  const base = taskLogName(kind, id);
  if (name === base) return { rotation: 0, compressed: false };
  if (!name.startsWith(`${base}.`)) return null;
  const m = /^([1-9]\d?)(\.gz)?$/.exec(name.slice(base.length + 1));
  if (!m) return null;
  const rotation = Number(m[1]);
  // The scheme: .1 is plain, .2 on are gzipped (ingress/log-rotation.ts).
  if ((rotation === 1) !== (m[2] === undefined)) return null;
  return { rotation, compressed: m[2] !== undefined };
}

/** "2026-12-01 16:05:00 UTC": the stamp every Pyhost line starts with. */
export function stamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

const escapeControl = (ch: string) => {
  const code = ch.charCodeAt(0);
  return code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : ch;
};

/** A line about a run, with a newline; control characters of the command are shown escaped so that a line stays one line. */
export function runLine(ms: number, text: string): string {
  return `${stamp(ms)} ${Array.from(text, escapeControl).join('')}\n`;
}

export function startedText(runId: number, trigger: string, due: number | null, command: string): string {
  const why = trigger === 'run_now' ? 'run now' : `${trigger === 'catch_up' ? 'catch-up' : 'schedule'}, due ${due === null ? '?' : hhmm(due)}`;
  return `run ${runId} started (${why}): ${command}`;
}

export function endedText(runId: number, exitCode: number | null, seconds: number): string {
  return `run ${runId} ended: exit code ${exitCode ?? 'unknown'} after ${seconds.toFixed(1)} s`;
}

export function catchUpText(due: number, missed: number): string {
  const rest = missed > 0 ? `; ${missed} earlier missed run${missed === 1 ? ' is' : 's are'} not replayed` : '';
  return `catching up: the ${hhmm(due)} run was missed while Pyhost was down${rest}`;
}
