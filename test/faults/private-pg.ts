/**
 * A PostgreSQL server of the test's own (initdb into a temporary directory, a free port), so that
 * a test can stop and start it under the bot; the machine's cluster is never touched. Removed by
 * destroy().
 */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Debian's PostgreSQL binaries (the newest installed version), or undefined. */
export function postgresBinaries(): string | undefined {
  for (const version of ['17', '16', '15', '14']) {
    const dir = `/usr/lib/postgresql/${version}/bin`;
    if (existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'postgres'))) return dir;
  }
  return undefined;
}

export type PrivatePostgres = {
  port: number;
  /** postgres://postgres@127.0.0.1:port/<database> */
  url(database: string): string;
  createDatabase(name: string): Promise<string>;
  /** Stops the server: 'fast' is a clean shutdown, 'immediate' a crash (recovery at the next start). */
  stop(mode: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
};

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

/** initdb refuses to run as root; as root (CI containers) the server runs as the postgres user. */
function asServerUser(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBinaries();
  if (!bin) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql/*/bin');
  const dir = mkdtempSync(path.join(tmpdir(), 'duban-pg-'));
  chmodSync(dir, 0o777);
  const data = path.join(dir, 'data');
  if (process.getuid?.() === 0) await run('chown', ['postgres:postgres', dir]);
  const port = await freePort();
  await run(...asServerUser(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale', 'C']));
  const pgCtl = (args: string[]) => run(...asServerUser(path.join(bin, 'pg_ctl'), ['-D', data, ...args]));
  // fsync off is safe here (a crashed server, not a crashed machine, keeps what the OS was given);
  // synchronous_commit must stay on: off, a crash loses commits already confirmed to the bot.
  const options = [
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=off',
    '-c',
    'full_page_writes=off',
    '-c',
    'max_connections=60',
  ].join(' ');
  const start = async () => {
    try {
      await pgCtl(['start', '-w', '-t', '30', '-l', path.join(dir, 'server.log'), '-o', options]);
    } catch (error) {
      throw new Error(
        `the private PostgreSQL did not start: ${(error as Error).message}\n${existsSync(path.join(dir, 'server.log')) ? readFileSync(path.join(dir, 'server.log'), 'utf8').slice(-2000) : ''}`,
      );
    }
  };
  const stop = async (mode: 'fast' | 'immediate') => {
    await pgCtl(['stop', '-w', '-t', '30', '-m', mode]).catch(() => {});
  };
  await start();
  const url = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  return {
    port,
    url,
    async createDatabase(name) {
      await run(path.join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', name]);
      return url(name);
    },
    stop,
    start,
    async destroy() {
      await stop('immediate');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
