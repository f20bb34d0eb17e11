import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.js';
import { UnavailableError } from '../../domain/errors.js';
import { egressDir } from '../../domain/layout.js';
import { KeyedLock } from '../../lib/keyed-lock.js';
import { replaceFile } from '../../lib/replace-file.js';
import { ALLOWLIST_FILE, allowlistFile, errorPages, squidConf } from '../../domain/squid-conf.js';
import { EGRESS_CONF_NAME, EGRESS_SOCKET_NAME, EGRESS_TARGET, type EgressProxyRuntime } from '../../runtime/index.js';

/** The files the proxy runs with, by name in the egress folder; `allow` is the admin's list where one is set. Pure. */
export function egressFiles(config: Pick<Config, 'egress'>, allow: readonly string[] = config.egress.allow): Record<string, string> {
  const mode = config.egress.mode === 'none' ? 'allowlist' : config.egress.mode;
  return {
    [EGRESS_CONF_NAME]: squidConf({ mode, dir: EGRESS_TARGET }),
    [ALLOWLIST_FILE]: allowlistFile(allow),
    ...errorPages(),
  };
}

/**
 * Keeps the instance's egress proxy as the settings say (docs/egress.md):
 * running with the current squid.conf and allowlist when egress is on,
 * gone when it is off. Users' containers keep running when the api stops,
 * and so does the proxy they use. The allowlist comes from `allow`, the
 * admin's setting, so a change needs no restart of the api.
 */
export class EgressProxy {
  // One change at a time: two quick saves must not write files under a proxy the other is starting.
  private readonly changes = new KeyedLock();

  constructor(
    private readonly config: Pick<Config, 'dataDir' | 'egress'>,
    private readonly instance: string,
    private readonly runtime: EgressProxyRuntime | undefined,
    private readonly log: FastifyBaseLogger,
    private readonly allow: () => readonly string[] = () => config.egress.allow,
  ) {}

  async start(): Promise<void> {
    if (this.runtime === undefined) {
      if (this.config.egress.mode !== 'none') this.log.warn('this runtime cannot run the egress proxy; users have no internet access');
      return;
    }
    if (this.config.egress.mode === 'none') {
      await this.runtime.remove(this.instance);
      fs.rmSync(path.join(egressDir(this.config.dataDir), EGRESS_SOCKET_NAME), { force: true });
      return;
    }
    try {
      await this.changes.run(0, () => this.ensure(this.runtime!));
    } catch (err) {
      // The api still serves; users' installs fail with pip's "Cannot connect to proxy" until this is fixed.
      this.log.error({ err }, 'the egress proxy could not be started; run scripts/build-egress-image.sh, or set PYHOST_EGRESS=none');
    }
  }

  /**
   * After the allowlist changed: the proxy runs with the new list when this
   * resolves. Only allowlist mode reads the list, so the others keep their
   * proxy as it is. Throws UnavailableError when the proxy could not be replaced.
   */
  async apply(): Promise<void> {
    const runtime = this.runtime;
    if (runtime === undefined || this.config.egress.mode !== 'allowlist') return;
    try {
      await this.changes.run(0, () => this.ensure(runtime));
    } catch (err) {
      this.log.error({ err }, 'the egress proxy could not be restarted with the new allowlist');
      throw new UnavailableError('the list is saved, but the egress proxy could not be restarted with it; see the api log');
    }
  }

  private async ensure(runtime: EgressProxyRuntime): Promise<void> {
    const dir = egressDir(this.config.dataDir);
    const allow = this.allow();
    const files = egressFiles(this.config, allow);
    const hash = createHash('sha256');
    for (const [name, text] of Object.entries(files)) {
      replaceFile(path.join(dir, name), text, 0o644);
      hash.update(`${name}\0${text}\0`);
    }
    hash.update(this.config.egress.image);
    const outcome = await runtime.ensure({ instance: this.instance, image: this.config.egress.image, dir, configHash: hash.digest('hex') });
    if (outcome === 'started') await this.waitForSocket(path.join(dir, EGRESS_SOCKET_NAME));
    this.log.info({ mode: this.config.egress.mode, allow, outcome }, 'egress proxy ready');
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
