// rag_bench.mjs: one RAG answer end to end (issue 9, row B9), hearth against
// the assembly it replaces.
//
// hearth: a fresh `hearth serve` (HEARTH_BIN) with the chat model and the
// embedder, a workspace of the first --docs SciFact abstracts (one Markdown
// file each, ingested by hearth), asked over the streamed workspace chat
// route. Its answer's trace gives the stages.
//
// The peer (bench/rag_glue.cc, --glue): two llama-servers from the same
// llama.cpp (the embedder with --embedding, the chat model), the same
// abstracts split into passages of about 200 words (30 words overlap, what a
// text splitter does), embedded and indexed in hnswlib by the glue at its
// start, and per question: embed, search, prompt, stream.
//
// Per pair (hearth first), the same SciFact claim is asked of both. The glue
// fills its prompt with passages up to the size of hearth's prompt (prompt
// size sets the cost of prefill and of every decoded token) and generates exactly
// as many tokens as hearth's answer had (ignore_eos; answers are capped at
// --answer-tokens, default 256, a typical cited answer), so both do the same
// work; prompt sizes are reported side by side. Each question is in a new
// thread. One warm-up question each is not counted.
//
//   HEARTH_BIN=build/hearth node bench/rag_bench.mjs --model FILE --embedder FILE
//     --scifact DIR --llama-server FILE --glue FILE [--pairs N] [--docs N]
//     [--context N] [--budget N] [--threads N] [--answer-tokens N]
// Prints markdown on stdout; progress on stderr.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { abstractMarkdown, askWorkspace, makeWorkspace, median, readJsonl, readScifactCorpus,
         startLlamaServer, summary } from './bench_support.mjs';
import { runHearth, startServer, tempDir } from '../tests/support/hearth_process.mjs';

const kPassageWords = 200;
const kOverlapWords = 30;

function parseFlags(argv) {
  const flags = { pairs: 5, docs: 300, context: 2048, budget: 1000, threads: 2, answer_tokens: 256 };
  for (let i = 0; i + 1 < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '').replace('-', '_');
    if (!(name in flags) && !['model', 'embedder', 'scifact', 'llama_server', 'glue'].includes(name)) {
      throw new Error(`unknown flag ${argv[i]}`);
    }
    flags[name] = typeof flags[name] === 'number' ? Number(argv[i + 1]) : argv[i + 1];
  }
  if (!flags.model || !flags.embedder || !flags.scifact || !flags.llama_server || !flags.glue ||
      !(flags.pairs >= 1)) {
    throw new Error('usage: rag_bench.mjs --model FILE --embedder FILE --scifact DIR --llama-server FILE ' +
                    '--glue FILE [--pairs N] [--docs N] [--context N] [--budget N] [--threads N] [--answer-tokens N]');
  }
  return flags;
}

// The glue's passages: each abstract's words in windows of kPassageWords,
// consecutive windows sharing kOverlapWords.
function splitPassages(docs) {
  const passages = [];
  for (const doc of docs) {
    const words = abstractMarkdown(doc).split(/\s+/).filter(Boolean);
    for (let start = 0; ; start += kPassageWords - kOverlapWords) {
      passages.push(words.slice(start, start + kPassageWords).join(' '));
      if (start + kPassageWords >= words.length) break;
    }
  }
  return passages;
}

// The glue child: resolves to { ask(request) → result, stop, ready } once it
// has embedded and indexed the passages.
async function startGlue(flags, embedUrl, chatUrl, passagesFile) {
  const child = spawn(flags.glue, ['--embed-url', embedUrl, '--chat-url', chatUrl, '--passages', passagesFile],
                      { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error(`the glue ended (exit code ${child.exitCode})`);
    return JSON.parse(value);
  };
  const ready = await next();
  return {
    ready,
    async ask(request) { child.stdin.write(`${JSON.stringify(request)}\n`); return next(); },
    stop() { child.stdin.end(); },
  };
}

function question(query) {
  return `What does the research say about this claim: ${query.text}`;
}

async function askHearth(server, query) {
  const { ttft, total, answer } = await askWorkspace(server, 'bench', question(query));
  return { ttft, total, answer, passages: answer.sources.filter((s) => s.in_prompt).length };
}

function report(flags, glueReady, pairs) {
  const h = (pick) => pairs.map((p) => pick(p.hearth));
  const g = (pick) => pairs.map((p) => pick(p.glue));
  const ratio = median(h((x) => x.total)) / median(g((x) => x.total_ms / 1000));
  console.log(`${pairs.length} interleaved pairs (hearth, then the glue), each a SciFact claim asked in a new ` +
              `thread; ${flags.docs} abstracts; hearth: \`hearth serve --context ${flags.context} ` +
              `--threads ${flags.threads} --max-generation-tokens ${flags.answer_tokens}\`, workspace context budget ` +
              `${flags.budget} tokens, temperature 0; ` +
              `glue: ${glueReady.passages} passages of ${kPassageWords} words (${glueReady.dimensions}-d), ` +
              `hnswlib M 16, ef 64, llama-servers with -c ${flags.context} -t ${flags.threads}. ` +
              'Times in ms, median (min–max), except where marked.\n');
  console.log('| B9 stage | hearth | glue (llama-server + hnswlib) |\n|---|---:|---:|');
  const row = (name, hearth, glue, digits = 1) =>
    console.log(`| ${name} | ${hearth ? summary(hearth, digits) : '-'} | ${glue ? summary(glue, digits) : '-'} |`);
  row('embed the question', h((x) => x.answer.trace.query_embed_ms), g((x) => x.embed_ms));
  row('vector search', h((x) => x.answer.trace.vector_search_ms), g((x) => x.search_ms), 2);
  row('count tokens to fill the prompt (/tokenize)', null, g((x) => x.pack_ms));
  row('lexical search (BM25)', h((x) => x.answer.trace.lexical_search_ms), null, 2);
  row('retrieval in all (with fusion)', h((x) => x.answer.trace.retrieval_ms), null);
  row('wait for the model and a slot', h((x) => x.answer.trace.queue_ms), null);
  row('prefill', h((x) => x.answer.trace.prefill_ms), g((x) => x.prefill_ms), 0);
  row('decode', h((x) => x.answer.trace.decode_ms), g((x) => x.decode_ms), 0);
  row('time to first token (client)', h((x) => x.ttft * 1000), g((x) => x.ttft_ms), 0);
  row('**total (client)**', h((x) => x.total * 1000), g((x) => x.total_ms), 0);
  row('passages in the prompt', h((x) => x.passages), g((x) => x.passages), 0);
  row('prompt tokens', h((x) => x.answer.usage.prompt_tokens), g((x) => x.prompt_tokens), 0);
  row('of them reused from the cache', h((x) => x.answer.usage.cached_prompt_tokens), g((x) => x.cached_tokens), 0);
  row('generated tokens', h((x) => x.answer.usage.generated_tokens), g((x) => x.generated_tokens), 0);
  reportPairs(pairs);
  console.log(`\n**hearth / glue, total: ${ratio.toFixed(3)}** (target ≤ 1.0: ${ratio <= 1 ? 'met' : '**not met**'})`);
}

// Each pair's prefill per token it had to compute (prompt tokens not reused
// from the cache): the pairs ask different questions, so their prompts
// differ in size, and medians over pairs do not compare equal work.
function reportPairs(pairs) {
  console.log('\n| pair | hearth: new prompt tokens | prefill ms | ms per token | ' +
              'glue: new prompt tokens | prefill ms | ms per token | hearth / glue per token |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|');
  const ratios = [];
  pairs.forEach((pair, i) => {
    const hearthNew = pair.hearth.answer.usage.prompt_tokens - pair.hearth.answer.usage.cached_prompt_tokens;
    const glueNew = pair.glue.prompt_tokens - pair.glue.cached_tokens;
    const hearthPer = pair.hearth.answer.trace.prefill_ms / hearthNew;
    const gluePer = pair.glue.prefill_ms / glueNew;
    ratios.push(hearthPer / gluePer);
    console.log(`| ${i + 1} | ${hearthNew} | ${pair.hearth.answer.trace.prefill_ms.toFixed(0)} | ${hearthPer.toFixed(2)} | ` +
                `${glueNew} | ${pair.glue.prefill_ms.toFixed(0)} | ${gluePer.toFixed(2)} | ${(hearthPer / gluePer).toFixed(3)} |`);
  });
  console.log(`\nPrefill per computed token, hearth / glue: median ${median(ratios).toFixed(3)}.`);
}

async function main() {
  const flags = parseFlags(process.argv.slice(2));
  const home = tempDir('hearth-bench-rag-');
  const stops = [];
  try {
    for (const [name, file] of [['chat', flags.model], ['embedder', flags.embedder]]) {
      const created = runHearth(['create', name, '--from', file], { env: { HEARTH_HOME: home.dir }, timeoutMs: 600_000 });
      if (created.status !== 0) throw new Error(`hearth create ${name}: ${created.stderr}`);
    }
    const server = await startServer(['--threads', String(flags.threads), '--context', String(flags.context),
                                      '--max-generation-tokens', String(flags.answer_tokens)],
                                     { env: { HEARTH_HOME: home.dir } });
    stops.push(() => server.stop());
    const docs = await readScifactCorpus(flags.scifact, flags.docs);
    console.error(`hearth: ingesting ${docs.length} abstracts`);
    await makeWorkspace(server, { slug: 'bench', embedder: 'embedder', chat_model: 'chat', temperature: 0,
                                  context_budget_tokens: flags.budget }, docs);
    const threads = ['-t', String(flags.threads), '-tb', String(flags.threads)];
    const embedServer = await startLlamaServer(flags.llama_server, ['-m', flags.embedder, '--embedding',
      '-c', '512', '-b', '512', '-ub', '512', '--parallel', '1', ...threads]);
    stops.push(() => embedServer.stop());
    const chatServer = await startLlamaServer(flags.llama_server, ['-m', flags.model, '-c', String(flags.context),
      '-b', '512', '-ub', '512', '--parallel', '1', ...threads]);
    stops.push(() => chatServer.stop());
    const passagesFile = path.join(home.dir, 'glue-passages.jsonl');
    writeFileSync(passagesFile, splitPassages(docs).map((text) => JSON.stringify({ text })).join('\n'));
    console.error('glue: embedding and indexing the passages');
    const glue = await startGlue(flags, embedServer.url, chatServer.url, passagesFile);
    stops.push(() => glue.stop());
    const queries = await readJsonl(path.join(flags.scifact, 'queries.jsonl'), flags.pairs + 1);
    const pairs = [];
    for (const [i, query] of queries.entries()) {
      console.error(i === 0 ? 'warm-up pair' : `pair ${i}/${flags.pairs}`);
      const hearth = await askHearth(server, query);
      const glueAnswer = await glue.ask({ question: question(query),
                                          prompt_tokens: hearth.answer.usage.prompt_tokens,
                                          max_tokens: Math.max(1, hearth.answer.usage.generated_tokens) });
      if (i > 0) pairs.push({ hearth, glue: glueAnswer });
    }
    report(flags, glue.ready, pairs);
  } finally {
    for (const stop of stops.reverse()) await stop();
    home.cleanup();
  }
}

main().catch((error) => {
  console.error(`rag_bench: ${error.stack ?? error}`);
  process.exit(1);
});
