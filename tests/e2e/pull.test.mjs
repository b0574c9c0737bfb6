// `hearth pull` through the real binary against a registry served by this
// test on loopback (node:http) with a fixture GGUF from hearth-fixture: a pull
// installs the model; a corrupted blob is refused and leaves nothing behind;
// a bad name is a usage error before any request.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { hearthBin, tempDir } from '../support/hearth_process.mjs';
import { startLoopbackRegistry } from '../support/loopback_registry.mjs';

const fixtureBin = process.env.HEARTH_FIXTURE_BIN;
const skip = fixtureBin ? false : 'HEARTH_FIXTURE_BIN is not set (ctest sets it)';

// Runs hearth without blocking this process's event loop (the registry
// answers from it).
function hearth(home, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(hearthBin, args, { env: { ...process.env, HEARTH_HOME: home, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

let registry;
let fixture;
let modelDigest;

before(async () => {
  if (skip) return;
  fixture = tempDir('hearth-pull-fixture-');
  registry = await startLoopbackRegistry(fixtureBin, fixture.dir);
  modelDigest = registry.modelDigest;
});

after(() => {
  registry?.close();
  fixture?.cleanup();
});

function blobFiles(home) {
  const blobs = path.join(home, 'models', 'blobs');
  return existsSync(blobs) ? readdirSync(blobs).filter((name) => name !== 'tmp') : [];
}

function tmpFiles(home) {
  const tmp = path.join(home, 'models', 'blobs', 'tmp');
  return existsSync(tmp) ? readdirSync(tmp) : [];
}

function manifestPath(home) {
  return path.join(home, 'models', 'manifests', `127.0.0.1:${registry.port}`, 'library', 'tiny', 'latest');
}

test('pull from a loopback registry installs the model', { skip }, async () => {
  const { dir, cleanup } = tempDir();
  try {
    const name = `127.0.0.1:${registry.port}/library/tiny:latest`;
    const pulled = await hearth(dir, ['pull', '--insecure', name]);
    assert.equal(pulled.status, 0, pulled.stderr);
    assert.match(pulled.stdout, /^pulling manifest$/m);
    assert.match(pulled.stdout, new RegExp(`^pulling ${modelDigest.slice(7, 19)} `, 'm'));
    assert.match(pulled.stdout, /^success$/m);
    assert.ok(existsSync(manifestPath(dir)), 'the manifest is installed');
    assert.ok(blobFiles(dir).includes(modelDigest.replace(':', '-')));
    assert.deepEqual(tmpFiles(dir), []);

    const help = spawnSync(hearthBin, ['help'], { encoding: 'utf8' });
    if (/^ {2}list /m.test(help.stdout)) {
      const list = await hearth(dir, ['list']);
      assert.equal(list.status, 0, list.stderr);
      assert.match(list.stdout, new RegExp(`127\\.0\\.0\\.1:${registry.port}/library/tiny:latest`));
    }
  } finally {
    cleanup();
  }
});

test('the registry URL comes from HEARTH_REGISTRY_URL', { skip }, async () => {
  const { dir, cleanup } = tempDir();
  try {
    const pulled = await hearth(dir, ['pull', 'tiny'], {
      HEARTH_REGISTRY_URL: `http://127.0.0.1:${registry.port}`,
    });
    assert.equal(pulled.status, 0, pulled.stderr);
    assert.ok(existsSync(path.join(dir, 'models', 'manifests', 'registry.ollama.ai', 'library', 'tiny', 'latest')));
  } finally {
    cleanup();
  }
});

test('a corrupted blob is refused and leaves no file behind', { skip }, async () => {
  const { dir, cleanup } = tempDir();
  registry.state.corrupt = true;
  try {
    const pulled = await hearth(dir, ['pull', '--insecure', `127.0.0.1:${registry.port}/library/tiny`]);
    assert.equal(pulled.status, 1, pulled.stdout);
    assert.match(pulled.stderr, /digest mismatch/);
    assert.deepEqual(blobFiles(dir), []);
    assert.deepEqual(tmpFiles(dir), []);
    assert.ok(!existsSync(manifestPath(dir)), 'no manifest');
  } finally {
    registry.state.corrupt = false;
    cleanup();
  }
});

test('a name with path traversal is a usage error before any request', { skip }, async () => {
  const { dir, cleanup } = tempDir();
  try {
    const before = registry.state.requests;
    const pulled = await hearth(dir, ['pull', '--insecure', `127.0.0.1:${registry.port}/../../etc/passwd`]);
    assert.equal(pulled.status, 2);
    assert.match(pulled.stderr, /invalid model name/);
    assert.equal(registry.state.requests, before);
    assert.ok(!existsSync(path.join(dir, 'models')), 'nothing was created');
  } finally {
    cleanup();
  }
});
