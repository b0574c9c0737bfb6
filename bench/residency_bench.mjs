// residency_bench.mjs: issue 9, row B5 — the chat model must not reload on
// every question because the embedder competes with it for memory. One real
// `hearth serve` gets a chat model and an embedder and a workspace; then
// --rounds times, alternately, a document upload (ingestion: the embedder)
// and a RAG question (the query embedding, then the chat model), each waited
// for. The count of model loads and unloads comes from the server's own
// counter (/metrics, hearth_model_events_total).
//
// Two budgets, same traffic:
//   - "fits both": the sum of what the two models hold once loaded (measured
//     first, GET /api/v1/system) plus 10 % — the target is exactly 2 loads
//     and 0 unloads;
//   - "fits one": the larger model's footprint plus 5 % — what a budget too
//     small for both costs (every switch a load), the behaviour users report
//     of other servers when an embedder competes with the chat model.
//
//   HEARTH_BIN=build/hearth node bench/residency_bench.mjs --model FILE
//     --embedder FILE [--rounds 100] [--context 1024] [--threads 2]
// Prints markdown on stdout; progress on stderr. Exit status 1 when "fits
// both" misses its target.
import { runHearth, startServer, tempDir } from '../tests/support/hearth_process.mjs';

function parseFlags(argv) {
  const flags = { rounds: 100, context: 1024, threads: 2 };
  for (let i = 0; i + 1 < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '');
    if (!(name in flags) && !['model', 'embedder'].includes(name)) throw new Error(`unknown flag ${argv[i]}`);
    flags[name] = typeof flags[name] === 'number' ? Number(argv[i + 1]) : argv[i + 1];
  }
  if (!flags.model || !flags.embedder || !(flags.rounds >= 2)) {
    throw new Error('usage: residency_bench.mjs --model FILE --embedder FILE [--rounds N >= 2] [--context N] [--threads N]');
  }
  return flags;
}

async function call(server, method, route, body) {
  const init = { method, headers: { 'content-type': 'application/json' } };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(server.url + route, init);
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : {};
}

async function modelEvents(server) {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const count = (kind) => Number(text.match(new RegExp(`hearth_model_events_total\\{kind="${kind}"\\} (\\d+)`))?.[1] ?? 0);
  return { loads: count('load'), unloads: count('unload') };
}

// What each model holds once loaded (GET /api/v1/system), measured on a
// server with room for both.
async function footprints(flags, home) {
  const server = await startServer(['--context', String(flags.context), '--threads', String(flags.threads)],
                                   { env: { HEARTH_HOME: home } });
  try {
    await call(server, 'POST', '/api/generate', { model: 'chat', keep_alive: '10m', stream: false });
    await call(server, 'POST', '/api/embed', { model: 'embedder', input: 'warm up', keep_alive: '10m' });
    const { memory } = await call(server, 'GET', '/api/v1/system');
    const bytes = (name) => memory.models.find((m) => m.name === `${name}:latest`)?.bytes;
    if (!bytes('chat') || !bytes('embedder')) throw new Error(`both models should be loaded: ${JSON.stringify(memory)}`);
    return { chat: bytes('chat'), embedder: bytes('embedder') };
  } finally {
    await server.stop();
  }
}

async function waitForJob(server, jobId) {
  for (let i = 0; i < 600; i++) {
    const job = await call(server, 'GET', `/api/v1/jobs/${jobId}`);
    if (['done', 'failed', 'cancelled'].includes(job.state)) return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`job ${jobId} did not finish`);
}

// One run: a fresh server with `budget`, the alternating traffic, the counts.
async function run(flags, home, budget, label) {
  const server = await startServer(['--memory-budget', String(budget), '--context', String(flags.context),
                                    '--threads', String(flags.threads), '--ingest-workers', '1'],
                                   { env: { HEARTH_HOME: home } });
  try {
    const slug = `b5-${label.replace(/\W+/g, '-')}`;
    await call(server, 'POST', '/api/v1/workspaces', { slug, embedder: 'embedder', chat_model: 'chat',
                                                       chunk_tokens: 64, chunk_overlap_tokens: 8 });
    const started = performance.now();
    for (let round = 0; round < flags.rounds; round++) {
      if (round % 2 === 0) {
        const form = new FormData();
        form.append('file', new Blob([`# Report ${round}\n\nThe walrus count in bay ${round} was ${round * 7}.\n`]),
                    `report-${round}.md`);
        const response = await fetch(`${server.url}/api/v1/workspaces/${slug}/documents`, { method: 'POST', body: form });
        const body = await response.json();
        const jobId = body.documents?.[0]?.job_id;
        if (response.status !== 202 || !jobId) throw new Error(`upload ${round}: ${response.status} ${JSON.stringify(body)}`);
        await waitForJob(server, jobId);
      } else {
        await call(server, 'POST', `/api/v1/workspaces/${slug}/chat`,
                   { message: `How many walruses were in bay ${round - 1}?`, stream: false });
      }
      if ((round + 1) % 20 === 0 || process.env.HEARTH_BENCH_VERBOSE) process.stderr.write(`[B5 ${label}] ${round + 1}/${flags.rounds}\n`);
    }
    const seconds = (performance.now() - started) / 1000;
    return { ...(await modelEvents(server)), seconds };
  } finally {
    await server.stop();
  }
}

const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

async function main() {
  const flags = parseFlags(process.argv.slice(2));
  const home = tempDir('hearth-b5-');
  try {
    for (const [name, file] of [['chat', flags.model], ['embedder', flags.embedder]]) {
      const created = runHearth(['create', name, '--from', file], { env: { HEARTH_HOME: home.dir } });
      if (created.status !== 0) throw new Error(`hearth create ${name}: ${created.stderr}`);
    }
    const sizes = await footprints(flags, home.dir);
    const both = Math.ceil((sizes.chat + sizes.embedder) * 1.10);
    const one = Math.ceil(Math.max(sizes.chat, sizes.embedder) * 1.05);
    const fits = await run(flags, home.dir, both, 'fits both');
    const tight = await run(flags, home.dir, one, 'fits one');
    const ok = fits.loads === 2 && fits.unloads === 0;
    console.log(`${flags.rounds} rounds alternating an upload (ingestion embeds) and a RAG question ` +
                `(query embedding, then the chat model); footprints once loaded at context ${flags.context}: ` +
                `chat ${mib(sizes.chat)}, embedder ${mib(sizes.embedder)}.`);
    console.log('');
    console.log('| budget | loads | unloads | seconds | target |');
    console.log('|---|---:|---:|---:|---|');
    console.log(`| fits both (${mib(both)}) | ${fits.loads} | ${fits.unloads} | ${fits.seconds.toFixed(1)} | ` +
                `2 loads, 0 unloads: **${ok ? 'met' : 'MISSED'}** |`);
    console.log(`| fits one (${mib(one)}) | ${tight.loads} | ${tight.unloads} | ${tight.seconds.toFixed(1)} | ` +
                'the contrast: a budget too small for both |');
    process.exitCode = ok ? 0 : 1;
  } finally {
    home.cleanup();
  }
}

await main();
