import http from 'node:http';

export interface SocketResponse {
  status: number;
  body: string;
}

/** One GET over a unix socket (a web app's app.sock), with a time limit. */
export function getViaSocket(socketPath: string, path = '/', timeoutMs = 5000, host = 'localhost'): Promise<SocketResponse> {
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath, path, headers: { host }, timeout: timeoutMs, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${socketPath} within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}
