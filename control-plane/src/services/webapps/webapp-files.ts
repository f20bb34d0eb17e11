import fs from 'node:fs';
import fsp, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Config } from '../../config.js';
import { ConflictError, DomainError, NotFoundError, ValidationError } from '../../domain/errors.js';
import { uidFor, userDirs, visibleRoots } from '../../domain/layout.js';
import { LOG_KINDS, logFileName } from '../../domain/log-files.js';
import { wsgiFileName } from '../../domain/names.js';
import { FLASK_HELLO, djangoWsgi, flaskWsgi, helloWorldWsgi, isModuleName } from '../../domain/wsgi-templates.js';
import { confineBeneath, mapVisiblePath, type MappedPath } from '../../lib/path-confinement.js';
import type { WebappCreate } from '../../schemas/webapps.js';
import type { UserRow } from '../../store/users-store.js';
import { canChown } from '../accounts/user-dirs.js';
import type { FileService } from '../files/file-service.js';

const SETTINGS_MODULE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** What "Add a new web app" (or PythonAnywhere's create) puts in place for a new app. */
export interface PreparedSite {
  /** The folder the app's code is in, for source and working directory; null: the home folder. */
  readonly codeDir: string | null;
  /** Writes the files; called once everything was checked. */
  write(): Promise<void>;
}

/**
 * The files a new web app starts with: a WSGI file (PythonAnywhere's hello
 * world, or one for an existing Django project or a Flask file, created if
 * missing) and its three empty logs. Checks everything first, writes second.
 */
export class WebappFiles {
  constructor(
    private readonly config: Config,
    private readonly files: FileService,
  ) {}

  async prepare(owner: UserRow, domain: string, input: WebappCreate): Promise<PreparedSite> {
    const wsgi = `${visibleRoots(owner.username).www}/${wsgiFileName(domain)}`;
    const framework = input.framework ?? 'manual';
    if (framework === 'django') {
      const dir = (input.django_project ?? '').trim().replace(/\/+$/, '');
      if (dir === '') throw new ValidationError('give the folder that holds your project\'s manage.py, e.g. /home/you/mysite', 'django_project');
      const settings = (input.django_settings ?? '').trim();
      if (!SETTINGS_MODULE.test(settings)) throw new ValidationError('django_settings must be a module name such as mysite.settings', 'django_settings');
      if (!(await this.exists(owner, `${dir}/manage.py`, 'django_project'))) {
        throw new ValidationError(`there is no manage.py in ${dir}: give the folder that holds your project's manage.py`, 'django_project');
      }
      return { codeDir: dir, write: () => this.writeText(owner, wsgi, djangoWsgi(domain, dir, settings)) };
    }
    if (framework === 'flask') {
      const file = (input.flask_file ?? '').trim();
      const module = path.posix.basename(file).replace(/\.py$/, '');
      if (!file.endsWith('.py') || !isModuleName(module)) {
        throw new ValidationError('the Flask file must be a .py file whose name Python can import, e.g. /home/you/mysite/flask_app.py', 'flask_file');
      }
      const dir = path.posix.dirname(file);
      const missing = !(await this.exists(owner, file, 'flask_file'));
      if (missing) await this.checkWritable(owner, file, 'flask_file');
      return {
        codeDir: dir,
        write: async () => {
          // Only where nothing is by now: a file the user made since the check is theirs to keep.
          if (missing) await this.writeText(owner, file, FLASK_HELLO, { replace: false }).catch((err: unknown) => {
            if (!(err instanceof ConflictError)) throw err;
          });
          await this.writeText(owner, wsgi, flaskWsgi(domain, dir, module));
        },
      };
    }
    // PythonAnywhere's manual configuration: a hello world, unless a WSGI file is there already.
    return { codeDir: null, write: () => this.writeHelloIfMissing(owner, domain) };
  }

  /**
   * Empty access, error and server logs, as PythonAnywhere has for a new app:
   * its clients list an app's logs from /var/log and expect all three. The
   * group is the log folder's, so whoever that folder lets write logs (the
   * router, for the access log) can write these too.
   */
  async createLogs(owner: UserRow, domain: string): Promise<void> {
    const dir = userDirs(this.config.dataDir, owner.username).log;
    const uid = uidFor(this.config.uidBase, owner.id);
    const { gid } = await fsp.stat(dir);
    for (const kind of LOG_KINDS) {
      await createOwnFile(path.join(dir, logFileName(domain, kind)), 0o660, uid, gid, async () => {});
    }
  }

  private async writeHelloIfMissing(owner: UserRow, domain: string): Promise<void> {
    const file = path.join(userDirs(this.config.dataDir, owner.username).www, wsgiFileName(domain));
    const uid = uidFor(this.config.uidBase, owner.id);
    // Never overwrites a WSGI file the user already has (or a symlink planted there).
    await createOwnFile(file, 0o644, uid, uid, (handle) => handle.writeFile(helloWorldWsgi(domain)));
  }

  /** Through the files API's own safe writing (the folders are the user's and this process is root). */
  private async writeText(owner: UserRow, visible: string, text: string, options: { replace?: boolean } = {}): Promise<void> {
    await this.files.write(owner, visible, Readable.from([Buffer.from(text)]), options);
  }

  private async exists(owner: UserRow, visible: string, field: string): Promise<boolean> {
    try {
      const found = await this.files.read(owner, visible);
      if (found.kind !== 'file') throw new ValidationError(`${visible} is a folder, not a file`);
      await found.handle.close();
      return true;
    } catch (err) {
      if (err instanceof NotFoundError) return false;
      if (err instanceof ValidationError) throw new ValidationError(`${field}: ${err.message}`, field);
      throw err;
    }
  }

  /**
   * The confinement check the write will make, made now, so that a file to
   * create behind a link out of the user's files (which reads as missing) is
   * refused before anything is written. The write checks again for itself.
   */
  private async checkWritable(owner: UserRow, visible: string, field: string): Promise<void> {
    let mapped: MappedPath | undefined;
    try {
      mapped = mapVisiblePath(owner.username, userDirs(this.config.dataDir, owner.username), visible);
      await confineBeneath(mapped, { followLast: false });
    } catch (err) {
      if (err instanceof NotFoundError && mapped) throw new ValidationError(`${field}: ${visible} cannot be created: the way there leads out of your files`, field);
      if (err instanceof DomainError) throw new ValidationError(`${field}: ${err.message}`, field);
      throw err;
    }
  }
}

/**
 * Creates `file` for a user in a folder the user can write, where this
 * process runs as root: O_EXCL|O_NOFOLLOW, so that whatever is there
 * already (the user's own file, or a symlink they planted) is left alone
 * and never followed; mode and owner are set through the handle, never by
 * path (a chown by path follows a symlink swapped in meanwhile: it would
 * hand /etc/shadow to the user).
 */
async function createOwnFile(file: string, mode: number, uid: number, gid: number, fill: (handle: FileHandle) => Promise<void>): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await fsp.open(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, mode);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw err;
  }
  try {
    await fill(handle);
    await handle.chmod(mode); // the umask narrowed the mode open() was given
    if (canChown()) await handle.chown(uid, gid);
  } finally {
    await handle.close();
  }
}
