/**
 * `ziping review`: the report served on loopback, where a reviewer's Save writes a correction at
 * once. Writes need the per-session token embedded in the page; requests whose Host or Origin is
 * not this server are refused (no other site, and no DNS-rebound name, can drive it).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Correction } from '../schemas/corrections.js';
import { renderReport } from '../pipeline/report.js';
import type { Store } from '../pipeline/stores.js';

const MAX_BODY = 1 << 20;

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer' });
  res.end(body);
}

const json = (res: ServerResponse, status: number, value: unknown): void => send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) { reject(new Error('request too large')); req.destroy(); return; }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export interface ReviewServer { server: Server; url: string; token: string }

export async function startReviewServer(store: Store, port = 0): Promise<ReviewServer> {
  const token = randomBytes(24).toString('hex');
  let origins: Set<string> = new Set();
  const server = createServer((req, res) => {
    void handle(req, res).catch((error: Error) => json(res, 500, { status: 'error', reason: error.message }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = req.headers.host ?? '';
    if (!origins.has(`http://${host}`)) { send(res, 403, 'text/plain', 'forbidden host'); return; }
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && (path === '/' || path === '/index.html')) {
      send(res, 200, 'text/html; charset=utf-8', await renderReport(await store.reportInputs(), { server: { token } }));
      return;
    }
    if (req.method === 'POST' && path === '/api/corrections') {
      const origin = req.headers.origin;
      if (!origin || !origins.has(origin)) { json(res, 403, { status: 'rejected', reason: 'cross-origin request refused' }); return; }
      if (req.headers['x-ziping-token'] !== token) { json(res, 403, { status: 'rejected', reason: 'missing or wrong session token' }); return; }
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req));
      } catch (error) {
        json(res, 400, { status: 'rejected', reason: `not JSON: ${(error as Error).message}` });
        return;
      }
      const parsed = Correction.safeParse(body);
      if (!parsed.success) { json(res, 400, { status: 'rejected', reason: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') }); return; }
      const outcome = await store.saveCorrection(parsed.data);
      // a corrected total may change what a summary row is checked against
      if (outcome.status === 'applied') await store.rescore();
      json(res, outcome.status === 'applied' ? 200 : 409, outcome);
      return;
    }
    send(res, 404, 'text/plain', 'not found');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  origins = new Set([`http://127.0.0.1:${actual}`, `http://localhost:${actual}`]);
  return { server, url: `http://127.0.0.1:${actual}/`, token };
}
