import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  TLS_DIR_MODE,
  TLS_FILE_MODE,
  certFileEntry,
  challengeFile,
  parseTlsIndex,
  serializeTlsIndex,
  tlsCertsDir,
  tlsChallengesDir,
  tlsDir,
  tlsIndexFile,
  type TlsCertificateEntry,
} from '../../domain/tls-store.js';
import { ensureDir, isRoot } from '../../lib/platform-dirs.js';

/** PYHOST_DATA/acme: the ACME account's key, root's alone. */
export function acmeDir(dataDir: string): string {
  return path.join(dataDir, 'acme');
}

export function acmeAccountKeyFile(dataDir: string): string {
  return path.join(acmeDir(dataDir), 'account.pem');
}

/**
 * The writing side of the certificate store (domain/tls-store.ts): every
 * file is written whole under a temporary name in its own folder, handed to
 * root:<ingress> with its mode, synced, then renamed over the old one, so
 * the router reads either the old file or the new one, never a part.
 */
export class TlsFiles {
  constructor(
    private readonly dataDir: string,
    private readonly ingressUid: number,
  ) {}

  prepare(): void {
    for (const dir of [tlsDir(this.dataDir), tlsCertsDir(this.dataDir), tlsChallengesDir(this.dataDir)]) {
      ensureDir(dir, 0, this.ingressUid, TLS_DIR_MODE);
    }
  }

  writeCertificate(id: string, keyPem: string, chainPem: string): void {
    this.prepare();
    const pem = `${keyPem.trim()}\n${chainPem.trim()}\n`;
    writeAtomically(path.join(this.dataDir, 'tls', certFileEntry(id)), pem, TLS_FILE_MODE, this.ingressUid);
  }

  removeCertificate(id: string): void {
    fs.rmSync(path.join(this.dataDir, 'tls', certFileEntry(id)), { force: true });
  }

  /** The index's version now (0 when there is none or it is unreadable). */
  indexVersion(): number {
    try {
      return parseTlsIndex(fs.readFileSync(tlsIndexFile(this.dataDir), 'utf8')).version;
    } catch {
      return 0;
    }
  }

  /** Replaces index.json with `certificates`, one version up; returns the new version. */
  writeIndex(certificates: readonly TlsCertificateEntry[]): number {
    this.prepare();
    const version = this.indexVersion() + 1;
    writeAtomically(tlsIndexFile(this.dataDir), serializeTlsIndex({ version, certificates }), TLS_FILE_MODE, this.ingressUid);
    return version;
  }

  writeChallenge(token: string, keyAuthorization: string): void {
    this.prepare();
    const file = challengeFile(this.dataDir, token);
    if (!file) throw new Error(`the CA sent a challenge token that is not one: ${JSON.stringify(token.slice(0, 40))}`);
    writeAtomically(file, keyAuthorization, TLS_FILE_MODE, this.ingressUid);
  }

  removeChallenge(token: string): void {
    const file = challengeFile(this.dataDir, token);
    if (file) fs.rmSync(file, { force: true });
  }

  /** The ACME account's key (PEM), made by `create` the first time; acme/ 0700 and account.pem 0600, root's. */
  async accountKey(create: () => Promise<string>): Promise<string> {
    const file = acmeAccountKeyFile(this.dataDir);
    try {
      return fs.readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    ensureDir(acmeDir(this.dataDir), 0, 0, 0o700);
    const pem = await create();
    writeAtomically(file, pem, 0o600, null);
    return pem;
  }
}

/** Writes `file` whole: a temporary file beside it (owner and mode set before any byte), synced, renamed over it. */
function writeAtomically(file: string, content: string, mode: number, group: number | null): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  const fd = fs.openSync(temp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600);
  try {
    if (group !== null && isRoot()) fs.fchownSync(fd, 0, group);
    fs.fchmodSync(fd, mode);
    fs.writeFileSync(fd, content);
    fs.fsyncSync(fd);
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw err;
  }
  fs.closeSync(fd);
  fs.renameSync(temp, file);
}
