import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.js';
import { egressDir } from '../../domain/layout.js';
import { ALLOWLIST_FILE, allowlistFile, errorPages, squidConf } from '../../domain/squid-conf.js';
import { EGRESS_CONF_NAME, EGRESS_SOCKET_NAME, EGRESS_TARGET, type EgressProxyRuntime } from '../../runtime/index.js';

/** The files the proxy runs with, by name in the egress folder. Pure. */
export function egressFiles(config: Pick<Config, 'egress'>): Record<string, string> {
  const mode = config.egress.mode === 'none' ? 'allowlist' : config.egress.mode;
  return {
    [EGRESS_CONF_NAME]: squidConf({ mode, dir: EGRESS_TARGET }),
    [ALLOWLIST_FILE]: allowlistFile(config.egress.allow),
    ...errorPages(),
  };
}

/**
 * Written beside a temporary name and renamed over: the proxy never reads
 * half a file. The folder is root's alone (platform-dirs.ts), so nobody
 * else can have planted a link under either name; O_EXCL|O_NOFOLLOW refuse
 * one anyway.
 */
function writeFileAtomically(dir: string, name: string, text: string): void {
  const tmp = path.join(dir, `.${name}.tmp`);
  fs.rmSync(tmp, { force: true });
  const fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o644);
  try {
    fs.writeSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, path.join(dir, name));
}

/**
 * Keeps the instance's egress proxy as the settings say (docs/egress.md):
 * running with the current squid.conf and allowlist when egress is on,
 * gone when it is off. Users' containers keep running when the api stops,
 * and so does the proxy they use.
 */
export class EgressProxy {
  constructor(
    private readonly config: Pick<Config, 'dataDir' | 'egress'>,
    private readonly instance: string,
    private readonly runtime: EgressProxyRuntime | undefined,
    private readonly log: FastifyBaseLogger,
  ) {}

  async start(): Promise<void> {
    const dir = egressDir(this.config.dataDir);
    if (this.runtime === undefined) {
      if (this.config.egress.mode !== 'none') this.log.warn('this runtime cannot run the egress proxy; users have no internet access');
      return;
    }
    if (this.config.egress.mode === 'none') {
      await this.runtime.remove(this.instance);
      fs.rmSync(path.join(dir, EGRESS_SOCKET_NAME), { force: true });
      return;
    }
    const files = egressFiles(this.config);
    const hash = createHash('sha256');
    for (const [name, text] of Object.entries(files)) {
      writeFileAtomically(dir, name, text);
      hash.update(`${name}\0${text}\0`);
    }
    hash.update(this.config.egress.image);
    try {
      const outcome = await this.runtime.ensure({ instance: this.instance, image: this.config.egress.image, dir, configHash: hash.digest('hex') });
      if (outcome === 'started') await this.waitForSocket(path.join(dir, EGRESS_SOCKET_NAME));
      this.log.info({ mode: this.config.egress.mode, allow: this.config.egress.allow, outcome }, 'egress proxy ready');
    } catch (err) {
      // The api still serves; users' installs fail with pip's "Cannot connect to proxy" until this is fixed.
      this.log.error({ err }, 'the egress proxy could not be started; run scripts/build-egress-image.sh, or set PYHOST_EGRESS=none');
    }
  }

  private async waitForSocket(socket: string): Promise<void> {
    const deadline = Date.now() + 15_000;
    // The old proxy's socket was unlinked with it (unlink-early), so a socket here is the new one's.
    while (!fs.existsSync(socket)) {
      if (Date.now() > deadline) throw new Error(`the egress proxy made no socket at ${socket} within 15 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
