import net from 'node:net';
import path from 'node:path';
import { Agent, fetch as undiciFetch, type RequestInit, type Response } from 'undici';
import { EntryProcess } from './entry-process.js';

/** A free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * The api as its own process (src/server.ts under tsx), for tests that kill
 * or restart it. Output is kept for failure messages. The api listens only
 * on its unix socket (PYHOST_API_SOCKET, by default <data>/api.sock);
 * `fetch` talks to it there, as the router does.
 */
export class ServerProcess extends EntryProcess {
  private readonly agent: Agent;

  constructor(env: Record<string, string>, port: number) {
    super({ entry: 'src/server.ts', name: 'api' }, env, port);
    this.agent = new Agent({ connect: { socketPath: this.socketPath } });
  }

  get socketPath(): string {
    return this.env.PYHOST_API_SOCKET ?? path.join(this.env.PYHOST_DATA ?? './data', 'api.sock');
  }

  /** A request to the api over its socket; `url` is a path such as /api/health. */
  fetch(url: string, init: RequestInit = {}): Promise<Response> {
    return undiciFetch(`http://localhost${url}`, { ...init, dispatcher: this.agent });
  }

  protected async probe(): Promise<void> {
    const res = await this.fetch('/api/health');
    if (res.status !== 200) throw new Error(`health ${res.status}`);
  }

  /** SIGKILL: no chance to clean anything up. */
  async kill9(): Promise<void> {
    await this.signal('SIGKILL');
  }

  async request(method: string, url: string, token: string | null, body?: object): Promise<{ status: number; json: () => unknown; text: string }> {
    const res = await this.fetch(url, {
      method,
      headers: { ...(token ? { authorization: `Token ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, text, json: () => JSON.parse(text) as unknown };
  }
}
