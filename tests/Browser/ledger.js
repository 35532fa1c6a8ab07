// The ledger server for the browser tests, started the way a person starts it: the demo seeds
// a fresh data folder, then `dotnet Api.dll` serves it on a free loopback port. Api.dll is the
// one `dotnet build src/Api` makes (an up-to-date build is a no-op), or the one LEDGER_API_DLL names.

import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const repository = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);

/** Fen as the page shows an amount — the sign before the currency, thousands separated — written here apart from the page's own formatter. */
export function shownAmount(fen) {
  const abs = Math.abs(fen);
  return `${fen < 0 ? '-' : ''}¥${Math.floor(abs / 100).toLocaleString('en-US')}.${String(abs % 100).padStart(2, '0')}`;
}

export async function apiDll() {
  if (process.env.LEDGER_API_DLL) {
    return resolve(process.env.LEDGER_API_DLL);
  }
  await run('dotnet', ['build', join(repository, 'src/Api'), '--nologo', '-v', 'q', '-c', 'Debug'], { cwd: repository, maxBuffer: 1 << 24 });
  return join(repository, 'src/Api/bin/Debug/net10.0/Api.dll');
}

/** The verifier (docs/VERIFIER.md), built like the server: the oracle the browser tests end with. */
export async function verifierDll() {
  await run('dotnet', ['build', join(repository, 'src/Verifier'), '--nologo', '-v', 'q', '-c', 'Debug'], { cwd: repository, maxBuffer: 1 << 24 });
  return join(repository, 'src/Verifier/bin/Debug/net10.0/Verifier.dll');
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
    server.on('error', reject);
  });
}

/** The witness (src/Witness, docs/WITNESS.md), built like the server. */
async function witnessDll() {
  await run('dotnet', ['build', join(repository, 'src/Witness'), '--nologo', '-v', 'q', '-c', 'Debug'], { cwd: repository, maxBuffer: 1 << 24 });
  return join(repository, 'src/Witness/bin/Debug/net10.0/Witness.dll');
}

/** Starts `command` and resolves once its output contains `ready` (90 s at most); the process and what it printed. */
async function started(command, args, ready) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise((resolveReady, fail) => {
    const timer = setTimeout(() => fail(new Error(`${args[0]} did not start in 90 s:\n${output}`)), 90_000);
    const collect = chunk => {
      output += chunk;
      if (ready.test(output)) {
        clearTimeout(timer);
        resolveReady();
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('exit', code => {
      clearTimeout(timer);
      fail(new Error(`${args[0]} exited with ${code}:\n${output}`));
    });
  });
  return { child, output: () => output };
}

async function stopped(child) {
  if (child.exitCode === null) {
    const exited = new Promise(done => child.once('exit', done));
    child.kill('SIGTERM');
    await exited;
  }
}

/**
 * Seeds the demo into a new data folder and serves it; `stop()` stops the server and removes the
 * folder. With `witnesses: ['name', …]`, a witness process of each name (src/Witness, a state
 * folder of its own) follows the log, and the server submits its checkpoints to them
 * (`witnesses` then holds each one's name and verifier key).
 */
export async function startDemoLedger({ witnesses: witnessNames = [] } = {}) {
  const dll = await apiDll();
  // PostgreSQL runs as the postgres user when the tests run as root: the folder must be traversable.
  const data = mkdtempSync(join(tmpdir(), 'ledger-browser-'));
  chmodSync(data, 0o755);
  const dataFolder = join(data, 'data');
  const demo = await run('dotnet', [dll, 'demo', '--data', dataFolder], { maxBuffer: 1 << 24 });
  const serve = async settings => {
    const address = `http://127.0.0.1:${await freePort()}`;
    // Checkpoints every second, so that an entry written by a test is under one within a second or two.
    const { child, output } = await started('dotnet', [dll, '--data', dataFolder, '--urls', address, '--Log:CheckpointIntervalSeconds=1', ...settings],
      /Now listening on/);
    return { address, server: child, output };
  };
  const witnesses = [];
  const settings = [];
  if (witnessNames.length > 0) {
    // The log's key as a witness's operator reads it (GET /v1/log/vkey), from the server once started.
    const first = await serve([]);
    const logKey = await (await fetch(`${first.address}/v1/log/vkey`)).text();
    await stopped(first.server);
    const witness = await witnessDll();
    for (const [i, name] of witnessNames.entries()) {
      const state = join(data, `witness-${i}`);
      const { stdout } = await run('dotnet', [witness, 'init', '--name', name, '--state', state]);
      const address = `http://127.0.0.1:${await freePort()}`;
      const { child } = await started('dotnet', [witness, 'serve', '--state', state, '--log', `${logKey.split('+')[0]}=${logKey}`, '--listen', address],
        /witness .* serving /);
      witnesses.push({ name, vkey: stdout.trim(), process: child });
      settings.push(`--Witness:Witnesses:${i}:VerifierKey=${stdout.trim()}`, `--Witness:Witnesses:${i}:Url=${address}`);
    }
  }
  const { address, server, output } = await serve(settings);
  return {
    address,
    dataFolder,
    demoOutput: demo.stdout,
    output,
    keyFile: personId => join(dataFolder, 'demo-keys', `${personId}.json`),
    registrarKeyFile: join(dataFolder, 'keys', 'registrar.json'),
    psql: sql => psql(dataFolder, sql),
    /** GETs a path of the API: JSON read, anything else as text; a response that is not ok fails the test with its status. */
    async api(path) {
      const response = await fetch(address + path);
      assert.ok(response.ok, `${path}: ${response.status}`);
      return response.headers.get('content-type').includes('json') ? response.json() : response.text();
    },
    /** How many entries the ledger's database holds. */
    entryCount: () => Number(psql(dataFolder, 'SELECT count(*) FROM entry')),
    /** Audits the database with the verifier, pinning the root key: its exit code and report. */
    async audit(rootKeyId) {
      const { port, password } = cluster(dataFolder);
      const connection = `Host=127.0.0.1;Port=${port};Username=ledger;Password=${password};Database=ledger`;
      const verifier = await verifierDll();
      const result = spawnSync('dotnet', [verifier, '--database', connection, '--root-key', rootKeyId], { encoding: 'utf8', maxBuffer: 1 << 24 });
      return { status: result.status, output: result.stdout + result.stderr };
    },
    witnesses: witnesses.map(({ name, vkey }) => ({ name, vkey })),
    async stop() {
      await stopped(server);
      for (const witness of witnesses) {
        await stopped(witness.process);
      }
      if (!process.env.LEDGER_KEEP_DATA) {
        rmSync(data, { recursive: true, force: true });
      }
    },
  };
}

/** The local cluster's port and its superuser's password (docs/STORAGE.md: the data folder's postgres/ and postgres.password). */
function cluster(dataFolder) {
  const conf = readFileSync(join(dataFolder, 'postgres', 'postgresql.conf'), 'utf8');
  return {
    port: /^\s*port\s*=\s*(\d+)/m.exec(conf)?.[1],
    password: readFileSync(join(dataFolder, 'postgres.password'), 'utf8').trim(),
  };
}

/** Runs SQL as the local cluster's superuser (docs/STORAGE.md: the data folder's postgres/ and postgres.password). */
function psql(dataFolder, sql) {
  const { port, password } = cluster(dataFolder);
  const binary = ['/usr/bin/psql', ...['17', '16', '15'].map(v => `/usr/lib/postgresql/${v}/bin/psql`)].find(existsSync) ?? 'psql';
  const result = spawnSync(binary, ['-h', '127.0.0.1', '-p', port, '-U', 'ledger', '-d', 'ledger', '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', sql],
    { env: { ...process.env, PGPASSWORD: password }, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`psql failed: ${result.stderr}`);
  }
  return result.stdout.trim();
}
