// traffic_bench.mjs: the load test of issue 10. Many clients on loopback mix
// workspace chat, search, document uploads and deletions, and Ollama API calls
// (generate, embed, tags, ps) against one real `hearth serve` for a fixed
// time. It reports, per kind of request, the count, the answers by status and
// the latency percentiles; the server's RSS over the run (the server process,
// and the server with its runner children); and two verdicts:
//   - errors: any answer other than 2xx, or 503/429 with Retry-After (over
//     capacity, which the server may say), or a request that failed outright;
//   - growth: the server's RSS at the end against the RSS once warm (after the
//     first third of the run) must grow less than --max-growth-mb (a leak
//     shows as steady growth under steady load).
// Bounded in count and time: --clients clients for --seconds seconds.
//
//   HEARTH_BIN=build/hearth node bench/traffic_bench.mjs --model stories.gguf
//     --embedder embedder.gguf --docs DIR [--clients 16] [--seconds 180]
//     [--threads 1] [--max-growth-mb 64]
// Prints markdown on stdout; progress on stderr. Exit status 1 when a verdict
// fails. The models may have random weights: the load, not the answers, is
// what is measured.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { runHearth, startServer, tempDir } from '../tests/support/hearth_process.mjs';

const kKinds = ['chat', 'search', 'upload', 'delete', 'generate', 'embed', 'tags', 'ps'];
// Relative weights of the kinds each client draws from.
const kWeights = { chat: 2, search: 6, upload: 2, delete: 1, generate: 2, embed: 3, tags: 3, ps: 1 };
const kQuestions = ['What is this document about?', 'Which results are reported?', 'Who took part?',
                    'What method was used?', 'What are the limitations?'];

function parseFlags(argv) {
  const flags = { clients: 16, seconds: 180, threads: 1, 'max-growth-mb': 64 };
  for (let i = 0; i + 1 < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '');
    if (!(name in flags) && !['model', 'embedder', 'docs'].includes(name)) throw new Error(`unknown flag ${argv[i]}`);
    flags[name] = typeof flags[name] === 'number' ? Number(argv[i + 1]) : argv[i + 1];
  }
  if (!flags.model || !flags.embedder || !flags.docs || !(flags.clients >= 1) || !(flags.seconds >= 10)) {
    throw new Error('usage: traffic_bench.mjs --model FILE --embedder FILE --docs DIR [--clients N] ' +
                    '[--seconds N >= 10] [--threads N] [--max-growth-mb N]');
  }
  return flags;
}

// A small deterministic generator, so that runs draw the same mix.
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function pick(rand) {
  const total = Object.values(kWeights).reduce((a, b) => a + b, 0);
  let at = rand() * total;
  for (const kind of kKinds) {
    at -= kWeights[kind];
    if (at < 0) return kind;
  }
  return kKinds[0];
}

// The RSS in bytes of `pid`, and of `pid` with its children (the runners and
// converters), from /proc.
function rssOf(pid) {
  const read = (p) => {
    try {
      const match = readFileSync(`/proc/${p}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
      return match ? Number(match[1]) * 1024 : 0;
    } catch {
      return 0;
    }
  };
  let tree = read(pid);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) tree += read(entry);
    } catch {
      // the process ended meanwhile
    }
  }
  return { server: read(pid), tree };
}

class Tally {
  constructor() {
    this.byKind = Object.fromEntries(kKinds.map((kind) => [kind, { latencies: [], statuses: {} }]));
    this.errors = [];
  }

  record(kind, status, ms, detail) {
    const entry = this.byKind[kind];
    entry.latencies.push(ms);
    entry.statuses[status] = (entry.statuses[status] ?? 0) + 1;
    if (detail && this.errors.length < 20) this.errors.push(`${kind}: ${detail}`);
  }
}

// Over capacity, said properly: 503 or 429 with Retry-After.
const isShed = (response) => (response.status === 503 || response.status === 429) &&
  response.headers.get('retry-after') !== null;

async function timed(tally, kind, send) {
  const start = performance.now();
  let response;
  try {
    response = await send();
    const body = await response.text();
    const ms = performance.now() - start;
    const fine = response.ok || isShed(response);
    tally.record(kind, response.status, ms, fine ? null : `${response.status} ${body.slice(0, 200)}`);
    return response.ok ? body : null;
  } catch (error) {
    tally.record(kind, 'failed', performance.now() - start, error.message);
    return null;
  }
}

// One client: draws a kind, sends it, until the deadline.
async function client(id, server, deadline, tally, uploaded) {
  const rand = random(id + 1);
  const json = (route, body, method = 'POST') => fetch(server.url + route, {
    method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  let n = 0;
  while (Date.now() < deadline) {
    const kind = pick(rand);
    const question = kQuestions[Math.floor(rand() * kQuestions.length)];
    n += 1;
    if (kind === 'chat') {
      await timed(tally, kind, () => json('/api/v1/workspaces/load/chat', { message: question, stream: false }));
    } else if (kind === 'search') {
      await timed(tally, kind, () => json('/api/v1/workspaces/load/search', { query: question }));
    } else if (kind === 'upload') {
      const form = new FormData();
      form.append('file', new Blob([`# Note ${id}-${n}\n\nClient ${id} wrote note ${n}: ${question}\n`]),
                  `note-${id}-${n}.md`);
      const body = await timed(tally, kind, () => fetch(`${server.url}/api/v1/workspaces/load/documents`,
                                                        { method: 'POST', body: form }));
      const documentId = body ? JSON.parse(body).documents?.[0]?.document_id : undefined;
      if (documentId) uploaded.push(documentId);
    } else if (kind === 'delete') {
      const documentId = uploaded.shift();
      if (documentId === undefined) continue;
      await timed(tally, kind, () => fetch(`${server.url}/api/v1/workspaces/load/documents/${documentId}`,
                                           { method: 'DELETE' }));
    } else if (kind === 'generate') {
      await timed(tally, kind, () => json('/api/generate', {
        model: 'chat', prompt: question, stream: false, options: { num_predict: 16 } }));
    } else if (kind === 'embed') {
      await timed(tally, kind, () => json('/api/embed', { model: 'embedder', input: [question, `${question} ${n}`] }));
    } else if (kind === 'tags') {
      await timed(tally, kind, () => fetch(`${server.url}/api/tags`));
    } else {
      await timed(tally, kind, () => fetch(`${server.url}/api/ps`));
    }
  }
}

async function prepare(flags) {
  const home = tempDir('hearth-traffic-');
  for (const [name, file] of [['chat', flags.model], ['embedder', flags.embedder]]) {
    const created = runHearth(['create', name, '--from', file], { env: { HEARTH_HOME: home.dir } });
    if (created.status !== 0) throw new Error(`hearth create ${name}: ${created.stderr}`);
  }
  const server = await startServer(['--threads', String(flags.threads), '--ingest-workers', '1'],
                                   { env: { HEARTH_HOME: home.dir } });
  const created = await fetch(`${server.url}/api/v1/workspaces`, {
    method: 'POST', body: JSON.stringify({ slug: 'load', embedder: 'embedder', chat_model: 'chat',
                                           chunk_tokens: 64, chunk_overlap_tokens: 8 }) });
  if (created.status !== 201) throw new Error(`creating the workspace: ${created.status} ${await created.text()}`);
  const files = readdirSync(flags.docs).filter((name) => /\.(md|txt)$/.test(name)).slice(0, 20);
  for (const name of files) {
    const form = new FormData();
    form.append('file', new Blob([readFileSync(path.join(flags.docs, name))]), name);
    await fetch(`${server.url}/api/v1/workspaces/load/documents`, { method: 'POST', body: form });
  }
  return { home, server, seeded: files.length };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const mb = (bytes) => (bytes / 2 ** 20).toFixed(1);
const ms = (value) => (Number.isNaN(value) ? '-' : value.toFixed(value < 10 ? 1 : 0));

function report(flags, tally, samples, seeded) {
  const lines = [];
  lines.push(`${flags.clients} clients for ${flags.seconds} s on loopback; ${seeded} seed documents; ` +
             `runner threads ${flags.threads}.`, '');
  lines.push('| request | count | answers by status | p50 ms | p95 ms | p99 ms | max ms |');
  lines.push('|---|---:|---|---:|---:|---:|---:|');
  let total = 0;
  for (const kind of kKinds) {
    const { latencies, statuses } = tally.byKind[kind];
    const sorted = [...latencies].sort((a, b) => a - b);
    total += sorted.length;
    const answers = Object.entries(statuses).map(([status, count]) => `${status}: ${count}`).join(', ');
    lines.push(`| ${kind} | ${sorted.length} | ${answers} | ${ms(percentile(sorted, 50))} | ` +
               `${ms(percentile(sorted, 95))} | ${ms(percentile(sorted, 99))} | ${ms(sorted.at(-1) ?? NaN)} |`);
  }
  const all = kKinds.flatMap((kind) => tally.byKind[kind].latencies).sort((a, b) => a - b);
  lines.push(`| **all** | ${total} | | ${ms(percentile(all, 50))} | ${ms(percentile(all, 95))} | ` +
             `${ms(percentile(all, 99))} | ${ms(all.at(-1) ?? NaN)} |`, '');
  const warmIndex = Math.floor(samples.length / 3);
  const warm = samples[warmIndex];
  const last = samples.at(-1);
  const peak = samples.reduce((a, s) => Math.max(a, s.server), 0);
  const growth = last.server - warm.server;
  lines.push('| RSS | start | warm (1/3) | end | peak |', '|---|---:|---:|---:|---:|');
  lines.push(`| server, MiB | ${mb(samples[0].server)} | ${mb(warm.server)} | ${mb(last.server)} | ${mb(peak)} |`);
  lines.push(`| server + runners, MiB | ${mb(samples[0].tree)} | ${mb(warm.tree)} | ${mb(last.tree)} | ` +
             `${mb(samples.reduce((a, s) => Math.max(a, s.tree), 0))} |`, '');
  const errorsOk = tally.errors.length === 0;
  const growthOk = growth < flags['max-growth-mb'] * 2 ** 20;
  lines.push(`- Errors other than 503/429 with Retry-After: ${errorsOk ? 'none' : tally.errors.length} ` +
             `(**${errorsOk ? 'pass' : 'FAIL'}**)`);
  for (const error of tally.errors) lines.push(`  - ${error.replace(/\n/g, ' ')}`);
  lines.push(`- Server RSS growth from warm to end: ${mb(growth)} MiB, bound ${flags['max-growth-mb']} MiB ` +
             `(**${growthOk ? 'pass' : 'FAIL'}**)`);
  return { text: lines.join('\n'), ok: errorsOk && growthOk };
}

async function main() {
  const flags = parseFlags(process.argv.slice(2));
  const { home, server, seeded } = await prepare(flags);
  try {
    const tally = new Tally();
    const samples = [rssOf(server.child.pid)];
    const sampler = setInterval(() => samples.push(rssOf(server.child.pid)), 1000);
    const deadline = Date.now() + flags.seconds * 1000;
    const uploaded = [];
    const progress = setInterval(() => {
      const done = kKinds.reduce((a, kind) => a + tally.byKind[kind].latencies.length, 0);
      process.stderr.write(`[traffic] ${Math.round((deadline - Date.now()) / 1000)} s left, ${done} requests\n`);
    }, 15_000);
    await Promise.all(Array.from({ length: flags.clients }, (_, id) => client(id, server, deadline, tally, uploaded)));
    clearInterval(sampler);
    clearInterval(progress);
    samples.push(rssOf(server.child.pid));
    const { text, ok } = report(flags, tally, samples, seeded);
    console.log(text);
    process.exitCode = ok ? 0 : 1;
  } finally {
    await server.stop();
    home.cleanup();
  }
}

await main();
