// followup_bench.mjs: time to first token of a follow-up question on the same
// topic against the first question (issue 9, row B13), through the real
// workspace chat route (POST /api/v1/workspaces/{slug}/chat, streamed).
//
// A fresh `hearth serve` (HEARTH_BIN) gets the chat model and the embedder
// (`hearth create`), a workspace with the first --docs SciFact abstracts, one
// Markdown file each. Then, per pair, in a new thread: a question about one
// abstract's title, and a follow-up about the same title, whose retrieved
// passages are mostly those of the first turn (the thread's prompt grows by
// appending, and the runner's slot keeps the first turn's tokens: only the
// new part is prefilled; models/prompt_memo.h). TTFT is measured by the
// client: from sending the request to the first "token" event. Each pair's
// two turns run back to back, pairs on different abstracts.
//
// The window must hold both turns: the first prompt (about --budget tokens
// of passages plus the system prompt and question), its answer (a random-
// weight model writes until the answer reserve, a quarter of --context, or
// --answer-tokens when given),
// the follow-up's new passages and question, and the reserve again.
// Otherwise the thread is rebuilt for the follow-up (the report says so) and
// nothing is reused.
//
//   HEARTH_BIN=build/hearth node bench/followup_bench.mjs --model FILE
//     --embedder FILE --scifact DIR [--pairs N] [--docs N] [--context N]
//     [--budget N] [--threads N]
// Prints markdown on stdout; progress on stderr.
import { askWorkspace, makeWorkspace, readScifactCorpus, summary, median } from './bench_support.mjs';
import { runHearth, startServer, tempDir } from '../tests/support/hearth_process.mjs';

function parseFlags(argv) {
  const flags = { pairs: 5, docs: 200, context: 4096, budget: 3000, threads: 2, answer_tokens: 0 };
  for (let i = 0; i + 1 < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '').replace('-', '_');
    if (!(name in flags) && !['model', 'embedder', 'scifact'].includes(name)) {
      throw new Error(`unknown flag ${argv[i]}`);
    }
    flags[name] = typeof flags[name] === 'number' ? Number(argv[i + 1]) : argv[i + 1];
  }
  if (!flags.model || !flags.embedder || !flags.scifact || !(flags.pairs >= 1)) {
    throw new Error('usage: followup_bench.mjs --model FILE --embedder FILE --scifact DIR ' +
                    '[--pairs N] [--docs N] [--context N] [--budget N] [--threads N] [--answer-tokens N]');
  }
  return flags;
}

// Server flags that cap every answer at `tokens` (0: no cap beyond the
// answer reserve, a quarter of the context).
const answerCap = (tokens) => (tokens > 0 ? ['--max-generation-tokens', String(tokens)] : []);

function report(flags, pairs) {
  const first = pairs.map((p) => p.first.ttft);
  const next = pairs.map((p) => p.next.ttft);
  const ratio = median(next) / median(first);
  const column = (pick) => pairs.map((p) => pick(p));
  console.log(`${pairs.length} pairs (a first question in a new thread, then a follow-up on the same topic); ` +
              `${flags.docs} SciFact abstracts; server --context ${flags.context} --threads ${flags.threads}; ` +
              `workspace context budget ${flags.budget} tokens, temperature 0` +
              `${flags.answer_tokens > 0 ? `; answers capped at ${flags.answer_tokens} tokens (--max-generation-tokens)` : ''}.\n`);
  console.log('| B13 | first question | follow-up |\n|---|---:|---:|');
  console.log(`| time to first token, s | ${summary(first, 2)} | ${summary(next, 2)} |`);
  console.log(`| prompt tokens | ${summary(column((p) => p.first.answer.usage.prompt_tokens), 0)} | ` +
              `${summary(column((p) => p.next.answer.usage.prompt_tokens), 0)} |`);
  console.log(`| of them reused from the slot's cache | ${summary(column((p) => p.first.answer.usage.cached_prompt_tokens), 0)} | ` +
              `${summary(column((p) => p.next.answer.usage.cached_prompt_tokens), 0)} |`);
  console.log(`| thread rebuilt because it outgrew the context | - | ` +
              `${pairs.filter((p) => p.next.answer.ledger.rebuilt).length} of ${pairs.length} |`);
  console.log(`| passages cited again without being resent (recited) | - | ` +
              `${summary(column((p) => p.next.answer.ledger.recited ?? 0), 0)} |`);
  console.log(`| prefill (trace), ms | ${summary(column((p) => p.first.answer.trace.prefill_ms), 0)} | ` +
              `${summary(column((p) => p.next.answer.trace.prefill_ms), 0)} |`);
  console.log(`| generated tokens | ${summary(column((p) => p.first.answer.usage.generated_tokens), 0)} | ` +
              `${summary(column((p) => p.next.answer.usage.generated_tokens), 0)} |`);
  console.log(`\n**follow-up / first TTFT: ${ratio.toFixed(3)}** (target ≤ 0.2×: ${ratio <= 0.2 ? 'met' : '**not met**'})`);
}

async function main() {
  const flags = parseFlags(process.argv.slice(2));
  const home = tempDir('hearth-bench-followup-');
  let server;
  try {
    for (const [name, file] of [['chat', flags.model], ['embedder', flags.embedder]]) {
      const created = runHearth(['create', name, '--from', file], { env: { HEARTH_HOME: home.dir }, timeoutMs: 600_000 });
      if (created.status !== 0) throw new Error(`hearth create ${name}: ${created.stderr}`);
    }
    server = await startServer(['--threads', String(flags.threads), '--context', String(flags.context),
                                ...answerCap(flags.answer_tokens)],
                               { env: { HEARTH_HOME: home.dir } });
    const docs = await readScifactCorpus(flags.scifact, flags.docs);
    console.error(`ingesting ${docs.length} abstracts`);
    await makeWorkspace(server, { slug: 'bench', embedder: 'embedder', chat_model: 'chat', temperature: 0,
                                  context_budget_tokens: flags.budget }, docs);
    const pairs = [];
    for (let i = 0; i < flags.pairs; ++i) {
      const title = docs[Math.floor((i + 0.5) * docs.length / flags.pairs)].title;
      console.error(`pair ${i + 1}/${flags.pairs}: ${title}`);
      const first = await askWorkspace(server, 'bench', `What does the research say about this: ${title}?`);
      const next = await askWorkspace(server, 'bench', `What more does the research say about this: ${title}?`, first.answer.thread);
      pairs.push({ first, next });
    }
    report(flags, pairs);
  } finally {
    await server?.stop();
    home.cleanup();
  }
}

main().catch((error) => {
  console.error(`followup_bench: ${error.stack ?? error}`);
  process.exit(1);
});
