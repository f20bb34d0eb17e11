// Test fixtures on disk (control-plane/test/fixtures/): copy one into a user's
// home owned by that user's uid, and render the WSGI file template for it.
// See the README.md in each fixture directory for how it is set up and served.
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));

export type FixtureName = 'django-blog' | 'pkg-hello';

export const PROJECT_DIR_PLACEHOLDER = '{{PROJECT_DIR}}';

export function fixturePath(name: FixtureName): string {
  return path.join(FIXTURES_DIR, name);
}

export interface CopyOptions {
  /** Owner of everything copied (the destination directory included); applied only when running as root. */
  uid?: number;
  gid?: number;
  /**
   * Decides per entry (path relative to the source, `/`-separated) whether it
   * is copied; a skipped directory is skipped with its contents. Default:
   * {@link isNotBuildOutput}.
   */
  filter?: (relativePath: string) => boolean;
}

const BUILD_OUTPUT_NAMES = new Set(['__pycache__', 'db.sqlite3', 'db.sqlite3-journal']);

/**
 * False for what running a fixture leaves behind in a checkout (bytecode, the
 * SQLite file, pip's in-tree build output), so a fixture is always copied
 * as committed even if someone ran it in place.
 */
export function isNotBuildOutput(relativePath: string): boolean {
  const parts = relativePath.split('/');
  const base = parts[parts.length - 1] ?? '';
  if (BUILD_OUTPUT_NAMES.has(base) || base.endsWith('.pyc') || base.endsWith('.egg-info')) return false;
  // pip builds in-tree into <package>/build/ and Django's collectstatic fills <project>/static/.
  if (parts.length === 1 && (base === 'build' || base === 'static')) return false;
  return true;
}

/**
 * Copies a directory tree into `dest` (created if missing, merged if it
 * exists), keeping file modes, then chowns the whole of `dest` to uid:gid.
 */
export async function copyDir(src: string, dest: string, options: CopyOptions = {}): Promise<void> {
  const filter = options.filter ?? isNotBuildOutput;
  const srcRoot = path.resolve(src);
  await fs.cp(srcRoot, dest, {
    recursive: true,
    // Symlinks are copied as links, never followed out of the fixture.
    verbatimSymlinks: true,
    filter: (from) => {
      const rel = path.relative(srcRoot, from).split(path.sep).join('/');
      return rel === '' || filter(rel);
    },
  });
  if (options.uid !== undefined) await chownTree(dest, options.uid, options.gid ?? options.uid);
}

/** Copies a named fixture into `dest`; see {@link copyDir}. */
export async function copyFixture(name: FixtureName, dest: string, options: CopyOptions = {}): Promise<void> {
  await copyDir(fixturePath(name), dest, options);
}

/**
 * Recursively sets the owner of `root` and everything under it (symlinks
 * themselves, not their targets). Does nothing unless running as root: only
 * root can give files away, and a non-root test already owns what it made.
 */
export async function chownTree(root: string, uid: number, gid: number): Promise<void> {
  if (process.getuid?.() !== 0) return;
  await fs.lchown(root, uid, gid);
  const stat = await fs.lstat(root);
  if (!stat.isDirectory()) return;
  for (const entry of await fs.readdir(root, { withFileTypes: true })) {
    const child = path.join(root, entry.name);
    if (entry.isDirectory()) await chownTree(child, uid, gid);
    else await fs.lchown(child, uid, gid);
  }
}

/**
 * The django-blog WSGI file (PythonAnywhere style) for a project at
 * `projectDir`, the path as the container sees it (e.g. `/home/alice/blog`).
 */
export async function renderWsgiTemplate(projectDir: string): Promise<string> {
  // The path lands inside a single-quoted Python string literal.
  if (!path.posix.isAbsolute(projectDir) || /['\\\r\n]/.test(projectDir)) {
    throw new Error(`project dir must be an absolute path without quotes, backslashes or newlines: ${JSON.stringify(projectDir)}`);
  }
  const template = await fs.readFile(path.join(FIXTURES_DIR, 'django-blog.wsgi.py.txt'), 'utf8');
  if (!template.includes(PROJECT_DIR_PLACEHOLDER)) throw new Error(`WSGI template lacks ${PROJECT_DIR_PLACEHOLDER}`);
  return template.replaceAll(PROJECT_DIR_PLACEHOLDER, projectDir);
}

/** Writes the rendered django-blog WSGI file to `wsgiFile` (host path), owned by uid:gid when given. */
export async function writeWsgiFile(
  wsgiFile: string,
  projectDir: string,
  owner: { uid?: number; gid?: number } = {},
): Promise<void> {
  await fs.writeFile(wsgiFile, await renderWsgiTemplate(projectDir));
  if (owner.uid !== undefined) await chownTree(wsgiFile, owner.uid, owner.gid ?? owner.uid);
}
