import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

// A stand-in for the gateway of a web-app container (docs/runtime-contract.md)
// in this process: control.sock answers /status and /reload, app.sock
// answers every request, both owned by the container's uid as the real
// ones are (the control plane connects only to sockets of that uid). How it
// behaves is chosen per container, so that fast tests can drive the
// lifecycle's failure paths: an app that loads, one whose code fails to
// load, one whose gateway never answers.

export type GatewayBehaviour = 'serves' | 'fails-to-load' | 'silent';

export class FakeGateway {
  private readonly servers: http.Server[] = [];
  reloads = 0;

  private constructor(
    readonly runDir: string,
    private readonly behaviour: GatewayBehaviour,
    private readonly body: string,
  ) {}

  static async start(runDir: string, uid: number, behaviour: GatewayBehaviour, body: string): Promise<FakeGateway> {
    const gw = new FakeGateway(runDir, behaviour, body);
    if (behaviour === 'silent') return gw;
    await gw.listen('control.sock', uid, (req, res) => gw.control(req, res));
    if (behaviour === 'serves') await gw.listen('app.sock', uid, (_req, res) => gw.app(res));
    return gw;
  }

  close(): void {
    for (const s of this.servers.splice(0)) {
      s.closeAllConnections();
      s.close();
    }
  }

  private async listen(name: string, uid: number, handler: http.RequestListener): Promise<void> {
    const file = path.join(this.runDir, name);
    fs.rmSync(file, { force: true });
    const server = http.createServer(handler);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(file, () => resolve());
    });
    if (process.getuid?.() === 0) fs.lchownSync(file, uid, uid);
    this.servers.push(server);
  }

  private control(req: http.IncomingMessage, res: http.ServerResponse): void {
    req.resume();
    const json = (status: number, body: object) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && req.url === '/status') {
      const failed = this.behaviour !== 'serves';
      json(200, { state: failed ? 'failed' : 'running', server: 'uwsgi', started_at: 1, reloads: this.reloads, last_error: failed ? 'ImportError: the fake app fails to load' : null });
    } else if (req.method === 'POST' && req.url === '/reload') {
      if (this.behaviour === 'serves') {
        this.reloads++;
        json(200, { ok: true, duration_ms: 1 });
      } else {
        json(422, { ok: false, error: 'ImportError: the fake app fails to load', log_tail: 'Traceback …' });
      }
    } else {
      json(404, { error: 'no such control endpoint' });
    }
  }

  private app(res: http.ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(this.body) });
    res.end(this.body);
  }
}
