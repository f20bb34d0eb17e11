import http from 'node:http';
import { EntryProcess } from './entry-process.js';

/** The router as its own process (src/ingress-main.ts under tsx) on a loopback port. */
export class RouterProcess extends EntryProcess {
  constructor(env: Record<string, string>, port: number) {
    super({ entry: 'src/ingress-main.ts', name: 'router' }, env, port);
  }

  /** Any answer will do: an unknown host gets the router's own 404. */
  protected async probe(): Promise<void> {
    const status = await new Promise<number>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: this.port, path: '/', headers: { host: 'nobody.invalid' }, agent: false, timeout: 2000 }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject);
    });
    if (status !== 404) throw new Error(`router answered ${status}`);
  }
}
