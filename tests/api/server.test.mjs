// HTTP behaviour of `hearth serve` that every later route relies on:
// liveness, version, JSON errors, request ids, limits, shutdown, bad setups.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { startServer, tempDir } from '../support/hearth_process.mjs';

test('answers liveness and version like Ollama', async (t) => {
  const server = await startServer();
  t.after(server.stop);
  const root = await fetch(`${server.url}/`);
  assert.equal(root.status, 200);
  assert.equal(await root.text(), 'hearth is running');
  const version = await fetch(`${server.url}/api/version`);
  assert.equal(version.status, 200);
  assert.match((await version.json()).version, /^\d+\.\d+\.\d+$/);
});

test('listens on loopback unless told otherwise', async (t) => {
  const server = await startServer();
  t.after(server.stop);
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:/);
});

test('an unknown route is a JSON 404 naming the route, with a request id', async (t) => {
  const server = await startServer();
  t.after(server.stop);
  const response = await fetch(`${server.url}/api/no-such-thing`);
  assert.equal(response.status, 404);
  assert.match(response.headers.get('content-type'), /application\/json/);
  const body = await response.json();
  assert.match(body.error, /GET \/api\/no-such-thing/);
  assert.match(response.headers.get('x-request-id'), /^[0-9a-f]{16}$/);
});

test('each request gets its own id, and the access log names it', async (t) => {
  const server = await startServer();
  t.after(server.stop);
  const a = (await fetch(`${server.url}/`)).headers.get('x-request-id');
  const b = (await fetch(`${server.url}/`)).headers.get('x-request-id');
  assert.notEqual(a, b);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.match(server.logs(), new RegExp(`req=${a}`));
});

test('a body over --max-request-size is refused with 413 and a JSON error', async (t) => {
  const server = await startServer(['--max-request-size', '1KiB']);
  t.after(server.stop);
  const response = await fetch(`${server.url}/api/version`, {
    method: 'POST',
    body: 'x'.repeat(4096),
  });
  assert.equal(response.status, 413);
  assert.match((await response.json()).error, /too large/);
  const after = await fetch(`${server.url}/`);
  assert.equal(after.status, 200, 'the server keeps serving');
});

test('SIGTERM stops the server cleanly', async () => {
  const server = await startServer();
  const { code } = await server.stop();
  assert.equal(code, 0);
  assert.match(server.logs(), /shutting down/);
});

test('a port in use is a clear startup error', async (t) => {
  const blocker = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => blocker.on('listening', resolve));
  t.after(() => blocker.close());
  const port = blocker.address().port;
  await assert.rejects(startServer(['--port', String(port)]), (error) => {
    assert.match(error.message, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}`));
    return true;
  });
});

test('a data directory holding a non-database hearth.db is refused and left untouched', async (t) => {
  const home = tempDir();
  t.after(home.cleanup);
  const dbPath = path.join(home.dir, 'hearth.db');
  writeFileSync(dbPath, 'not a database '.repeat(600));
  const before = readFileSync(dbPath);
  await assert.rejects(startServer([], { env: { HEARTH_HOME: home.dir } }), /not a usable hearth database/);
  assert.deepEqual(readFileSync(dbPath), before);
  assert.equal(existsSync(path.join(home.dir, 'hearth.db-wal')), false);
});
