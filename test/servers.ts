/**
 * A private Redis and a private PostgreSQL cluster for the distributed tests: started by the tests
 * in a temp folder, on free loopback ports (PostgreSQL also on a Unix socket in that folder), and
 * stopped afterwards — never a system service. PostgreSQL's initdb and pg_ctl refuse to run as
 * root, and CI runs as root: then they run as the `postgres` user Debian's package creates.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

function which(command: string): string | null {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : null;
}

/** Debian puts PostgreSQL's server programs in /usr/lib/postgresql/<version>/bin. */
function postgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join(root, v, 'bin', 'pg_ctl'))) return join(root, v, 'bin');
  const initdb = which('initdb');
  return initdb ? join(initdb, '..') : null;
}

const isRoot = process.getuid?.() === 0;

/**
 * util-linux's runuser, which lives in an sbin folder: a PATH without sbin (a CI shell started
 * with a bare PATH) must still find it.
 */
function runuser(): string | null {
  return which('runuser') ?? ['/usr/sbin/runuser', '/sbin/runuser'].find((p) => existsSync(p)) ?? null;
}

/** Why the servers cannot start here (a contributor without them installed), or null. */
export function serversMissing(): string | null {
  if (!which('redis-server')) return 'redis-server is not installed (apt-get install redis-server)';
  if (!postgresBin()) return 'PostgreSQL is not installed (apt-get install postgresql)';
  if (isRoot && spawnSync('id', ['-u', 'postgres']).status !== 0) return 'running as root without a postgres user to run PostgreSQL as';
  if (isRoot && !runuser()) return 'running as root without runuser (util-linux) to run PostgreSQL as the postgres user';
  return null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' }, () => { socket.end(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not start on port ${port}`);
}

export interface Servers {
  /** a Redis URL on a database of its own (0–15), so tests do not share queues */
  redisUrl(db: number): string;
  /** a new, empty PostgreSQL database of this name */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startServers(): Promise<Servers> {
  const dir = mkdtempSync(join(tmpdir(), 'ziping-servers-'));
  const bin = postgresBin()!;
  const asPostgres = (program: string, args: string[]): void => {
    const [command, all] = isRoot ? [runuser()!, ['-u', 'postgres', '--', join(bin, program), ...args]] : [join(bin, program), args];
    execFileSync(command, all, { stdio: 'pipe' });
  };
  if (isRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
    chownSync(dir, uid, gid);
  }
  const redisPort = await freePort();
  const redis: ChildProcess = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore', detached: true });
  const pgPort = await freePort();
  const data = join(dir, 'data');
  let pgStarted = false;
  const stopPostgres = (): void => {
    if (!pgStarted) return;
    pgStarted = false;
    try { asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']); } catch { /* already stopped */ }
  };
  const stopRedis = (): void => { try { process.kill(-redis.pid!, 'SIGKILL'); } catch { /* already stopped */ } };
  // a test run that dies still takes its servers along
  const onExit = (): void => { stopPostgres(); stopRedis(); };
  process.once('exit', onExit);
  try {
    await waitForPort(redisPort, 'redis-server');
    asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
    asPostgres('pg_ctl', ['-D', data, '-l', join(dir, 'postgres.log'), '-w', '-o',
      `-p ${pgPort} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=100`, 'start']);
    pgStarted = true;
  } catch (error) {
    onExit();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const base = `postgres://postgres@127.0.0.1:${pgPort}`;
  return {
    redisUrl: (db) => `redis://127.0.0.1:${redisPort}/${db}`,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: `${base}/postgres` });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name.replace(/[^a-z0-9_]/g, '_')}`);
      } finally {
        await client.end();
      }
      return `${base}/${name}`;
    },
    async stop() {
      process.off('exit', onExit);
      onExit();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
