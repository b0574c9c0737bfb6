// A job's progress as Server-Sent Events, end to end: GET /api/v1/jobs/{id}/
// events sends "progress" with the job's JSON at once and as it moves, then
// "done" with the final JSON, and closes; a job already over gets both at
// once; an unknown job is a plain 404. A fixture embedder (random weights)
// stands in for a real one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startServer, tempDir, installTestModels } from '../support/hearth_process.mjs';

const fixtureBin = process.env.HEARTH_FIXTURE_BIN;
const skip = !fixtureBin ? 'HEARTH_FIXTURE_BIN is not set (run through ctest)' : false;

// Enough paragraphs for a few dozen chunks.
const longText = Array.from({ length: 120 }, (_, i) =>
  `Paragraph ${i}: the river carries silt past the old mill, and the miller counts the sacks of flour ` +
  `stacked by the door on market day number ${i}.`).join('\n\n');

let home;
let server;

async function api(method, route, body) {
  const response = await fetch(server.url + route, {
    method, body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

async function upload(name, text) {
  const form = new FormData();
  form.append('file', new Blob([text]), name);
  const uploaded = await fetch(`${server.url}/api/v1/workspaces/mill/documents`, { method: 'POST', body: form });
  assert.equal(uploaded.status, 202);
  return (await uploaded.json()).documents[0].job_id;
}

// The whole stream of job `id`: its response and its events, parsed.
async function events(id) {
  const response = await fetch(`${server.url}/api/v1/jobs/${id}/events`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type'), /text\/event-stream/);
  const text = await response.text();
  assert.ok(text.endsWith('\n\n'), text);
  return text.trim().split('\n\n').map((block) => {
    const [eventLine, dataLine, ...rest] = block.split('\n');
    assert.deepEqual(rest, [], block);
    assert.ok(eventLine.startsWith('event: ') && dataLine.startsWith('data: '), block);
    return { event: eventLine.slice('event: '.length), data: JSON.parse(dataLine.slice('data: '.length)) };
  });
}

before(async () => {
  if (skip) return;
  home = tempDir('hearth-job-events-');
  installTestModels(home.dir);
  server = await startServer(['--threads', '1'], { env: { HEARTH_HOME: home.dir } });
  const workspace = await api('POST', '/api/v1/workspaces', { slug: 'mill', embedder: 'embedder',
    chunk_tokens: 32, chunk_overlap_tokens: 4 });
  assert.equal(workspace.status, 201, JSON.stringify(workspace.body));
});

after(async () => {
  await server?.stop();
  home?.cleanup();
});

test('an ingest job streams its progress, then done, then the stream closes', { skip }, async () => {
  const id = await upload('mill.md', longText);
  const stream = await events(id);
  const progress = stream.filter((e) => e.event === 'progress');
  assert.ok(progress.length >= 1, JSON.stringify(stream));
  assert.equal(stream[0].event, 'progress');
  assert.deepEqual(stream.map((e) => e.event), [...progress.map(() => 'progress'), 'done']);
  for (const e of stream) {
    assert.equal(e.data.id, id);
    assert.equal(e.data.kind, 'ingest');
  }
  for (let i = 1; i < progress.length; ++i) {
    assert.ok(progress[i].data.chunks_done >= progress[i - 1].data.chunks_done, JSON.stringify(progress));
  }
  const done = stream.at(-1).data;
  assert.equal(done.state, 'done', JSON.stringify(done));
  assert.ok(done.chunks_total > 1, JSON.stringify(done));
  assert.equal(done.chunks_done, done.chunks_total);
  assert.deepEqual(progress.at(-1).data, done);
  const job = await api('GET', `/api/v1/jobs/${id}`);
  assert.equal(job.status, 200);
  for (const key of ['state', 'chunks_total', 'chunks_done', 'document_id', 'finished_at']) {
    assert.deepEqual(done[key], job.body[key], key);
  }
  assert.equal(job.body.target_embedder, undefined);  // only reembed jobs have one
});

test('a job already over gets its state and done at once', { skip }, async () => {
  const id = await upload('short.md', 'The mill wheel turns slowly in the spring flood.');
  for (let i = 0; i < 600 && (await api('GET', `/api/v1/jobs/${id}`)).body.state !== 'done'; ++i) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const stream = await events(id);
  assert.deepEqual(stream.map((e) => e.event), ['progress', 'done']);
  assert.equal(stream[1].data.state, 'done');
});

test('a client that leaves mid-stream does not disturb the job or the server', { skip }, async () => {
  const id = await upload('again.md', `${longText}\n\nOne more line about the weir.`);
  const controller = new AbortController();
  const response = await fetch(`${server.url}/api/v1/jobs/${id}/events`, { signal: controller.signal });
  assert.equal(response.status, 200);
  const reader = response.body.getReader();
  const first = new TextDecoder().decode((await reader.read()).value);
  assert.match(first, /^event: progress\ndata: \{/);
  controller.abort();
  const stream = await events(id);  // another client still follows it to the end
  assert.equal(stream.at(-1).event, 'done');
  assert.equal(stream.at(-1).data.state, 'done');
});

test('an unknown job is a plain 404, not a stream', { skip }, async () => {
  for (const id of ['999999', '0', 'abc']) {
    const response = await fetch(`${server.url}/api/v1/jobs/${id}/events`);
    assert.equal(response.status, 404, id);
    assert.match(response.headers.get('content-type'), /application\/json/);
    const body = await response.json();
    assert.equal(typeof body.error, 'string');
  }
});
