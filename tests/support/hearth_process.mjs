// Runs the real hearth binary for the node tests (tests/api, tests/e2e).
//
// HEARTH_BIN names the binary (ctest sets it); startServer() launches
// `hearth serve` on a free loopback port with a fresh data directory and
// resolves once it logs the address it listens on.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const hearthBin = process.env.HEARTH_BIN ?? path.resolve('build/hearth');

// A fresh temporary directory, removed by the returned cleanup function.
export function tempDir(prefix = 'hearth-test-') {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

// Runs `hearth ...args` to completion: { status, stdout, stderr }.
export function runHearth(args, { env = {}, timeoutMs = 60_000 } = {}) {
  const result = spawnSync(hearthBin, args, {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

// Starts `hearth serve --port 0 ...args`. Resolves to
// { url, port, child, logs(), stop() }; rejects if the server exits or does
// not come up within timeoutMs.
export function startServer(args = [], { env = {}, timeoutMs = 30_000 } = {}) {
  const home = env.HEARTH_HOME ? null : tempDir('hearth-home-');
  const child = spawn(hearthBin, ['serve', '--port', '0', ...args], {
    env: { ...process.env, HEARTH_HOME: home?.dir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let logText = '';
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`hearth serve did not start in ${timeoutMs} ms; log:\n${logText}`));
    }, timeoutMs);
    const onData = (chunk) => {
      logText += chunk;
      const match = logText.match(/listening on (http:\/\/[^\s:]+:(\d+))/);
      if (!match) return;
      clearTimeout(timer);
      resolve({
        url: match[1],
        port: Number(match[2]),
        child,
        exited,
        logs: () => logText,
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          const result = await exited;
          home?.cleanup();
          return result;
        },
      });
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      home?.cleanup();
      reject(new Error(`hearth serve exited (${code ?? signal}) before listening; log:\n${logText}`));
    });
  });
}

// Installs the test models into the hearth home `homeDir`: "embedder", the
// tiny fixture embedder (random weights) that HEARTH_FIXTURE_BIN writes,
// and "stories" from `storiesFile` when given. Throws with the tool's
// output when a step fails.
export function installTestModels(homeDir, { storiesFile } = {}) {
  const embedder = path.join(homeDir, 'embedder.gguf');
  const made = spawnSync(process.env.HEARTH_FIXTURE_BIN, ['embedder', '--preset', 'tiny', '--out', embedder],
                         { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`hearth-fixture embedder failed: ${made.stderr}`);
  const models = [['embedder', embedder], ...(storiesFile ? [['stories', storiesFile]] : [])];
  for (const [name, file] of models) {
    const created = runHearth(['create', name, '--from', file], { env: { HEARTH_HOME: homeDir } });
    if (created.status !== 0) throw new Error(`hearth create ${name} failed: ${created.stderr}`);
  }
}

// A fresh hearth home with `storiesFile` installed as "stories", and a server
// on it started with `args`. Resolves to { home, server }; stop the server and
// clean the home up after.
export async function startStoriesServer(storiesFile, args, prefix = 'hearth-stories-') {
  const home = tempDir(prefix);
  const created = runHearth(['create', 'stories', '--from', storiesFile], { env: { HEARTH_HOME: home.dir } });
  if (created.status !== 0) {
    home.cleanup();
    throw new Error(`hearth create stories failed: ${created.stderr}`);
  }
  const server = await startServer(args, { env: { HEARTH_HOME: home.dir } });
  return { home, server };
}
