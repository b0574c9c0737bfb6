// serving_bench.mjs: serving under concurrency (issue 9, row B3): time to
// first token and total tokens/s at 1, 4 and 8 concurrent streams, hearth
// (`hearth serve --parallel N`, Ollama's POST /api/generate, raw prompts)
// against llama.cpp's llama-server (`--parallel N`, POST /completion) with
// the same slots, threads and context per slot.
//
// Gate first: at temperature 0, one prompt, both servers with one slot
// produce the same text. Then for each N both servers are started with N
// slots and, per pair (hearth, then llama-server), N requests are sent at
// once, each with its own prompt (no shared prefix beyond the first word),
// each streaming --gen tokens at most. TTFT: from sending to the first
// non-empty piece, per request; throughput: all generated tokens / the
// wall time of the round.
//
//   HEARTH_BIN=build/hearth node bench/serving_bench.mjs --model FILE
//     --llama-server FILE [--pairs N] [--gen N] [--streams 1,4,8]
//     [--threads N] [--context N]
//
// HEARTH_BENCH_SERVER_LOG=FILE appends hearth's log of each stream count
// to FILE.
import fs from 'node:fs';
import path from 'node:path';
import { cpuSeconds, median, startLlamaServer, summary } from './bench_support.mjs';
import { runHearth, startServer, tempDir } from '../tests/support/hearth_process.mjs';

function parseFlags(argv) {
  const flags = { pairs: 5, gen: 64, streams: '1,4,8', threads: 2, context: 1024 };
  for (let i = 0; i + 1 < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '').replace('-', '_');
    if (!(name in flags) && !['model', 'llama_server', 'gate_model'].includes(name)) {
      throw new Error(`unknown flag ${argv[i]}`);
    }
    flags[name] = typeof flags[name] === 'number' ? Number(argv[i + 1]) : argv[i + 1];
  }
  if (!flags.model || !flags.llama_server) {
    throw new Error('usage: serving_bench.mjs --model FILE --llama-server FILE [--gate-model FILE] ' +
                    '[--pairs N] [--gen N] [--streams 1,4,8] [--threads N] [--context N]');
  }
  flags.streams = flags.streams.split(',').map(Number);
  return flags;
}

// A prompt of kPromptWords words that differs from the others from the start.
const kPromptWords = 100;
function promptFor(round, stream) {
  const words = ['river', 'stone', 'light', 'green', 'house', 'table', 'water', 'paper', 'music', 'bread', 'cloud'];
  const body = Array.from({ length: kPromptWords }, (_, i) => words[(i * 7 + stream * 3 + round) % words.length]);
  return `Request ${round}.${stream}: ${body.join(' ')}.`;
}

// Reads a streamed body, calling onLine for each line (NDJSON or SSE).
async function readLines(response, onLine) {
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const bytes of response.body) {
    buffered += decoder.decode(bytes, { stream: true });
    let end;
    while ((end = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, end).trim();
      buffered = buffered.slice(end + 1);
      if (line) onLine(line);
    }
  }
}

const sides = {
  hearth: {
    async stream(url, prompt, gen) {
      const start = performance.now();
      const response = await fetch(`${url}/api/generate`, { method: 'POST', body: JSON.stringify({
        model: 'chat', prompt, raw: true, stream: true, options: { temperature: 0, num_predict: gen } }) });
      if (!response.ok) throw new Error(`hearth: ${response.status} ${await response.text()}`);
      let ttft = null; let tokens = 0; let text = '';
      await readLines(response, (line) => {
        const chunk = JSON.parse(line);
        if (chunk.response && ttft === null) ttft = (performance.now() - start) / 1000;
        text += chunk.response ?? '';
        if (chunk.done) tokens = chunk.eval_count;
      });
      return { ttft, tokens, text };
    },
  },
  'llama-server': {
    async stream(url, prompt, gen) {
      const start = performance.now();
      const response = await fetch(`${url}/completion`, { method: 'POST', body: JSON.stringify({
        prompt, stream: true, n_predict: gen, temperature: 0, cache_prompt: true }) });
      if (!response.ok) throw new Error(`llama-server: ${response.status} ${await response.text()}`);
      let ttft = null; let tokens = 0; let text = '';
      await readLines(response, (line) => {
        if (!line.startsWith('data: ')) return;
        const chunk = JSON.parse(line.slice(6));
        if (chunk.content && ttft === null) ttft = (performance.now() - start) / 1000;
        text += chunk.content ?? '';
        if (chunk.stop) tokens = chunk.tokens_predicted;
      });
      return { ttft, tokens, text };
    },
  },
};

async function startHearth(flags, home, slots) {
  return startServer(['--threads', String(flags.threads), '--context', String(flags.context),
                      '--parallel', String(slots)],
                     { env: { HEARTH_HOME: home } });
}

const startPeer = (flags, slots) => startLlamaServer(flags.llama_server, ['-m', flags.model,
  '-t', String(flags.threads), '-tb', String(flags.threads), '--parallel', String(slots),
  '-c', String(flags.context * slots), '-b', '512', '-ub', '512']);

// N requests at once: per-request TTFTs, the round's tokens/s, its tokens
// and the CPU seconds the server (`pid`, and its children) used meanwhile.
async function round(side, server, n, roundIndex, gen) {
  const cpuBefore = cpuSeconds(server.pid);
  const start = performance.now();
  const results = await Promise.all(Array.from({ length: n }, (_, s) =>
    sides[side].stream(server.url, promptFor(roundIndex, s), gen)));
  const seconds = (performance.now() - start) / 1000;
  const cpuAfter = cpuSeconds(server.pid);
  const tokens = results.reduce((sum, r) => sum + r.tokens, 0);
  return { ttfts: results.map((r) => r.ttft), rate: tokens / seconds, tokens,
           cpu: { self: cpuAfter.self - cpuBefore.self, children: cpuAfter.children - cpuBefore.children } };
}

async function withServers(flags, home, slots, body) {
  const hearth = await startHearth(flags, home, slots);
  let peer;
  try {
    peer = await startPeer(flags, slots);
    await fetch(`${hearth.url}/api/generate`, { method: 'POST', body: JSON.stringify({ model: 'chat', prompt: 'warm', raw: true, stream: false, options: { num_predict: 1 } }) });
    return await body({ url: hearth.url, pid: hearth.child.pid }, peer);
  } finally {
    peer?.stop();
    await hearth.stop();
    // HEARTH_BENCH_SERVER_LOG=FILE keeps hearth's log (with HEARTH_LOG_LEVEL=debug
    // the runner logs every engine step: its batch, decode and sampling times).
    if (process.env.HEARTH_BENCH_SERVER_LOG) {
      fs.appendFileSync(process.env.HEARTH_BENCH_SERVER_LOG, `--- ${slots} slots\n${hearth.logs()}`);
    }
  }
}

// The gate for one model: at temperature 0 hearth and llama-server with one
// slot write the same 32 tokens for the same prompt. Prints the outcome;
// true when they agree. A model with random weights (`fixture`) has many
// near-equal logits, where any difference in the order of float additions
// (KV cache size, kernel) picks another token: its gate is printed but only
// the real model's decides whether the rows count (the fixture's tokens are
// checked against llama-simple in B1's gate).
async function gateOn(flags, home, fixture) {
  const created = runHearth(['create', 'chat', '--from', flags.model], { env: { HEARTH_HOME: home }, timeoutMs: 600_000 });
  if (created.status !== 0) throw new Error(`hearth create: ${created.stderr}`);
  const gate = await withServers(flags, home, 1, async (hearth, peer) => ({
    hearth: await sides.hearth.stream(hearth.url, 'Once upon a time', 32),
    peer: await sides['llama-server'].stream(peer.url, 'Once upon a time', 32),
  }));
  const same = gate.hearth.text === gate.peer.text && gate.hearth.tokens === gate.peer.tokens;
  console.log(`Gate on ${path.basename(flags.model)}${fixture ? ' (random weights: reported, not deciding)' : ''}: ` +
              'temperature 0, prompt "Once upon a time", 32 tokens at most, one slot: ' +
              `hearth ${gate.hearth.tokens} tokens, llama-server ${gate.peer.tokens}; same text: ${same ? 'yes' : '**no**'}.\n`);
  if (!same) console.log(`hearth: ${JSON.stringify(gate.hearth.text)}\nllama-server: ${JSON.stringify(gate.peer.text)}\n`);
  return same || (fixture && Boolean(flags.gate_model));
}

async function main() {
  const flags = parseFlags(process.argv.slice(2));
  const home = tempDir('hearth-bench-serving-');
  try {
    // The gate: each model (the --gate-model first) in both servers, one slot.
    let same = true;
    for (const model of [flags.gate_model, flags.model].filter(Boolean)) {
      same = (await gateOn({ ...flags, model }, home.dir, model === flags.model)) && same;
    }
    // 'chat' is now the model, created last by the gate.
    console.log(`${flags.pairs} interleaved pairs per stream count; ${flags.threads} threads; context ${flags.context} per slot; ` +
                `prompts of ${kPromptWords} words each (no prefix shared beyond the first word), ${flags.gen} tokens generated at most.\n`);
    console.log('| B3 streams | TTFT s, hearth | TTFT s, llama-server | TTFT hearth / peer (target ≤ 1.0) | ' +
                'tokens/s, hearth | tokens/s, llama-server | throughput hearth / peer (target ≥ 1.0) |\n|---:|---:|---:|---:|---:|---:|---:|');
    const cpuRows = [];
    for (const n of flags.streams) {
      const rows = await withServers(flags, home.dir, n, async (hearth, peer) => {
        const out = {};
        for (const key of ['hearth', 'peer']) out[key] = { ttfts: [], rates: [], tokens: 0, self: 0, children: 0 };
        for (let pair = 0; pair < flags.pairs; ++pair) {
          console.error(`${n} streams, pair ${pair + 1}/${flags.pairs}`);
          for (const [side, server, key] of [['hearth', hearth, 'hearth'], ['llama-server', peer, 'peer']]) {
            const r = await round(side, server, n, pair, flags.gen);
            out[key].ttfts.push(...r.ttfts);
            out[key].rates.push(r.rate);
            out[key].tokens += r.tokens;
            out[key].self += r.cpu.self;
            out[key].children += r.cpu.children;
          }
        }
        return out;
      });
      const perThousand = (seconds, tokens) => (1000 * seconds / tokens).toFixed(1);
      cpuRows.push(`| ${n} | ${perThousand(rows.hearth.self, rows.hearth.tokens)} | ` +
                   `${perThousand(rows.hearth.children, rows.hearth.tokens)} | ` +
                   `${perThousand(rows.peer.self + rows.peer.children, rows.peer.tokens)} |`);
      const ttftRatio = median(rows.hearth.ttfts) / median(rows.peer.ttfts);
      const rateRatio = median(rows.hearth.rates) / median(rows.peer.rates);
      const counted = same ? '' : ' (gate failed: does not count)';
      console.log(`| ${n} | ${summary(rows.hearth.ttfts, 2)} | ${summary(rows.peer.ttfts, 2)} | ` +
                  `${ttftRatio.toFixed(3)} ${ttftRatio <= 1 ? 'met' : '**not met**'}${counted} | ${summary(rows.hearth.rates, 2)} | ` +
                  `${summary(rows.peer.rates, 2)} | ${rateRatio.toFixed(3)} ${rateRatio >= 1 ? 'met' : '**not met**'}${counted} |`);
    }
    console.log('\nCPU seconds per 1,000 generated tokens over all pairs (user + system, from /proc):\n\n' +
                '| streams | hearth serve (HTTP) | hearth runner (model) | llama-server |\n|---:|---:|---:|---:|\n' +
                cpuRows.join('\n'));
  } finally {
    home.cleanup();
  }
}

main().catch((error) => {
  console.error(`serving_bench: ${error.stack ?? error}`);
  process.exit(1);
});
