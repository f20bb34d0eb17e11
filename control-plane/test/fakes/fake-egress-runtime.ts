import fs from 'node:fs';
import path from 'node:path';
import { EGRESS_SOCKET_NAME, type EgressProxyRuntime, type EgressProxySpec } from '../../src/runtime/index.js';

/** Stands in for Docker: keeps the running proxy's configuration hash and makes its socket as a started squid would. */
export class FakeEgressRuntime implements EgressProxyRuntime {
  readonly specs: EgressProxySpec[] = [];
  running: string | null = null;
  failing = false;

  async ensure(spec: EgressProxySpec): Promise<'kept' | 'started'> {
    if (this.failing) throw new Error('no such image');
    this.specs.push(spec);
    if (this.running === spec.configHash) return 'kept';
    this.running = spec.configHash;
    fs.writeFileSync(path.join(spec.dir, EGRESS_SOCKET_NAME), '');
    return 'started';
  }

  async remove(): Promise<void> {
    this.running = null;
  }

  async find(): Promise<string | null> {
    return this.running;
  }
}
