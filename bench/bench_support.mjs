// bench_support.mjs: what the Node benchmarks (bench/*_bench.mjs) share:
// medians, llama-server as a peer, SciFact abstracts, a workspace of them
// in `hearth serve` asked questions over the streamed chat route, and the
// CPU time of a server process.
import { spawn } from 'node:child_process';
import fs, { createReadStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

// "median (min–max)" with `digits` decimals.
export const summary = (values, digits) =>
  `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;

// Starts `binary` (llama-server) on a random loopback port with `args`;
// resolves to { url, pid, stop } once /health answers, within 5 minutes.
export async function startLlamaServer(binary, args) {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(binary, [...args, '--port', String(port), '--host', '127.0.0.1'], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; ++i) {
    if (child.exitCode !== null) throw new Error(`llama-server exited (${child.exitCode})`);
    try { if ((await fetch(`${url}/health`)).ok) return { url, pid: child.pid, stop: () => child.kill('SIGTERM') }; } catch {}
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  child.kill('SIGKILL');
  throw new Error('llama-server did not become healthy in 5 minutes');
}

// The first `count` records of a JSONL file of a BEIR set (corpus.jsonl,
// queries.jsonl) that `keep` accepts.
export async function readJsonl(file, count, keep = () => true) {
  const records = [];
  const lines = createInterface({ input: createReadStream(file) });
  for await (const line of lines) {
    const record = JSON.parse(line);
    if (keep(record)) records.push(record);
    if (records.length === count) break;
  }
  lines.close();
  return records;
}

// The first `count` SciFact abstracts that have a title and a text.
export const readScifactCorpus = (dir, count) =>
  readJsonl(path.join(dir, 'corpus.jsonl'), count, (doc) => doc.title && doc.text);

// An abstract as the Markdown file both benchmarks upload.
export const abstractMarkdown = (doc) => `# ${doc.title}\n\n${doc.text}\n`;

export async function api(url, method, body) {
  const response = await fetch(url, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${text}`);
  return JSON.parse(text);
}

// Creates workspace `settings.slug` (models 'embedder' and 'chat' must be in
// the server's store), uploads one Markdown file per abstract, and waits
// until every document is ready; a failed one is an error.
// The files sent per upload request: under the server's default limit of
// multipart parts (--max-upload-parts, 128).
const kFilesPerUpload = 100;

export async function makeWorkspace(server, settings, docs) {
  await api(`${server.url}/api/v1/workspaces`, 'POST', settings);
  const base = `${server.url}/api/v1/workspaces/${settings.slug}`;
  for (let first = 0; first < docs.length; first += kFilesPerUpload) {
    const form = new FormData();
    for (const doc of docs.slice(first, first + kFilesPerUpload)) {
      form.append('file', new Blob([abstractMarkdown(doc)]), `${doc._id}.md`);
    }
    const uploaded = await fetch(`${base}/documents`, { method: 'POST', body: form });
    if (uploaded.status !== 202) throw new Error(`upload: ${uploaded.status} ${await uploaded.text()}`);
  }
  for (;;) {
    const { documents } = await api(`${base}/documents`, 'GET');
    if (documents.every((d) => d.status === 'ready' || d.status === 'failed')) {
      const failed = documents.filter((d) => d.status === 'failed');
      if (failed.length > 0) throw new Error(`ingestion failed: ${JSON.stringify(failed[0])}`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

// One streamed turn of the workspace chat route: { ttft, total } in seconds
// from sending the request, as the client sees them, and the answer (the
// done event: usage, ledger, trace, sources, thread).
export async function askWorkspace(server, slug, message, thread) {
  const start = performance.now();
  const response = await fetch(`${server.url}/api/v1/workspaces/${slug}/chat`, {
    method: 'POST', body: JSON.stringify({ message, stream: true, ...(thread ? { thread } : {}) }),
  });
  if (!response.ok) throw new Error(`chat: ${response.status} ${await response.text()}`);
  const decoder = new TextDecoder();
  let buffered = '';
  let ttft = null;
  for await (const bytes of response.body) {
    buffered += decoder.decode(bytes, { stream: true });
    let end;
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      const [eventLine, dataLine] = buffered.slice(0, end).split('\n');
      buffered = buffered.slice(end + 2);
      const event = eventLine.slice('event: '.length);
      if (event === 'token' && ttft === null) ttft = (performance.now() - start) / 1000;
      if (event === 'error') throw new Error(`chat stream: ${dataLine}`);
      if (event === 'done') {
        const total = (performance.now() - start) / 1000;
        return { ttft, total, answer: JSON.parse(dataLine.slice('data: '.length)) };
      }
    }
  }
  throw new Error('the chat stream ended without a done event');
}

// CPU seconds (user + system) that process `pid` has used so far, and each
// of its children's (e.g. a `hearth serve` and its runners): { self,
// children }. Read from /proc; a process that has ended counts 0.
export function cpuSeconds(pid) {
  const ticksPerSecond = 100;  // USER_HZ, 100 on Linux
  const stat = (id) => {
    try {
      const text = fs.readFileSync(`/proc/${id}/stat`, 'utf8');
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      return { ppid: Number(fields[1]), seconds: (Number(fields[11]) + Number(fields[12])) / ticksPerSecond };
    } catch { return null; }
  };
  let children = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue;
    const s = stat(entry);
    if (s && s.ppid === pid) children += s.seconds;
  }
  return { self: stat(pid)?.seconds ?? 0, children };
}
