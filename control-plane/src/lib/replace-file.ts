import fs from 'node:fs';

/**
 * Writes `text` to `file` whole: beside it under a temporary name, then
 * renamed over it, so that a reader polling the file never sees half of
 * one. The folder is the writer's own, so nobody else can have planted a
 * link under either name; O_EXCL|O_NOFOLLOW refuse one anyway. `owner`
 * (when running as root): the uid and gid the file is handed to through
 * its descriptor.
 */
export function replaceFile(file: string, text: string, mode: number, owner?: { readonly uid: number; readonly gid: number }): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.rmSync(tmp, { force: true });
  const fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, mode);
  try {
    if (owner !== undefined) fs.fchownSync(fd, owner.uid, owner.gid);
    fs.writeSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}
