/**
 * A private throwaway PostgreSQL 15 cluster from the machine's binaries, for faults (restart, crash) that
 * must not disturb the shared server on 127.0.0.1:5432 other test files use.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { removeAfterTests, tempDir } from './files.js';
import { freePort } from './processes.js';

const run = promisify(execFile);
const SERVER_VERSIONS = '/usr/lib/postgresql';

/** The newest Debian/Ubuntu PostgreSQL server binaries (15 here, 16 on GitHub's Ubuntu 24.04 runners), or PG_BIN. */
function serverBinaries(): string | undefined {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  if (!existsSync(SERVER_VERSIONS)) return undefined;
  return readdirSync(SERVER_VERSIONS)
    .filter((version) => /^\d+$/.test(version) && existsSync(join(SERVER_VERSIONS, version, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a))
    .map((version) => join(SERVER_VERSIONS, version, 'bin'))[0];
}

export interface PrivatePostgres {
  /** postgresql://postgres@127.0.0.1:<port>/postgres, trust auth. */
  readonly url: string;
  /** Stops the server (fast shutdown); the data stays for `restart`. */
  stop(): Promise<void>;
  /** Restarts the server, or starts it when stopped or killed. */
  restart(): Promise<void>;
  /** Crashes the server: SIGKILL to the postmaster and its children, as the OOM killer would. `restart` recovers. */
  kill(): Promise<void>;
  /** Stops the server and deletes its folder. */
  remove(): Promise<void>;
}

export async function startPostgres(): Promise<PrivatePostgres> {
  const found = serverBinaries();
  if (!found) throw new Error(`No PostgreSQL server binaries (initdb, pg_ctl) under ${SERVER_VERSIONS}/<version>/bin: install a postgresql-<version> package, or set PG_BIN.`);
  const bin = found;
  // initdb and postgres refuse to run as root: then the cluster belongs to the postgres user, in a folder it can reach.
  const asRoot = process.getuid?.() === 0;
  const dir = asRoot ? postgresUserDir() : tempDir('mcp-pg-');
  const data = join(dir, 'data');
  const port = await freePort();
  const postgresTool = (tool: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]) : run(join(bin, tool), args));
  // Small and unsynced: a test cluster needs neither memory nor durability against power loss. TCP only: a
  // Unix socket path under a long TMPDIR would pass the 107-character limit.
  const serverOptions = `-p ${port} -c unix_socket_directories='' -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=16MB -c max_connections=20`;
  const pgCtl = (action: string, ...args: string[]) => postgresTool('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', ...args, action]);
  const postmasterPid = () => Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);

  await postgresTool('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '--encoding=UTF8', '--locale=C']);
  await pgCtl('start', '-o', serverOptions);
  let running = true;
  // A test that fails before remove() must not leave a server behind when its worker exits.
  const onExit = () => {
    if (running) process.kill(postmasterPid(), 'SIGQUIT');
  };
  process.once('exit', onExit);

  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await pgCtl('stop', '-m', 'fast');
      running = false;
    },
    restart: async () => {
      await pgCtl('restart', '-m', 'fast', '-o', serverOptions);
      running = true;
    },
    kill: async () => {
      const postmaster = postmasterPid();
      const children = readFileSync(`/proc/${postmaster}/task/${postmaster}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
      const all = [postmaster, ...children];
      all.forEach((pid) => process.kill(pid, 'SIGKILL'));
      // The next start refuses while an old process still holds the shared memory.
      while (all.some(isAlive)) await new Promise((resolve) => setTimeout(resolve, 20));
      running = false;
    },
    remove: async () => {
      process.removeListener('exit', onExit);
      if (running) await pgCtl('stop', '-m', 'immediate');
      running = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A folder for a cluster the postgres user runs: under TMPDIR when that user can reach it, else (a private
 * TMPDIR, mode 0700) under the postgres user's home. Removed after the test file either way.
 */
function postgresUserDir(): string {
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
  const reachable = (dir: string) => {
    chownSync(dir, uid, gid);
    return spawnSync('runuser', ['-u', 'postgres', '--', 'test', '-w', dir]).status === 0;
  };
  const dir = tempDir('mcp-pg-');
  if (reachable(dir)) return dir;
  rmSync(dir, { recursive: true, force: true });
  const home = execFileSync('getent', ['passwd', 'postgres'], { encoding: 'utf8' }).split(':')[5]!;
  const own = mkdtempSync(join(home, 'mcp-pg-'));
  removeAfterTests(own);
  if (!reachable(own)) throw new Error(`neither TMPDIR nor ${home} is a folder the postgres user can write: set TMPDIR to one it can reach`);
  return own;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The machine's shared PostgreSQL server (trust auth, database `test`). */
export const SHARED_POSTGRES = 'postgresql://postgres@127.0.0.1:5432/test';

/** A URL of the shared server whose connections use `schema` (one per test file, so files never collide). */
export function sharedInSchema(schema: string): string {
  return `${SHARED_POSTGRES}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}

/** Runs SQL on the shared server with a connection of its own. */
export async function onSharedPostgres(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: SHARED_POSTGRES });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
