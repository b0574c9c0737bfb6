// The model store through the real binary: create (from a GGUF file and from
// a Modelfile), list, show, cp, rm, and refusal of broken files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runHearth, tempDir } from '../support/hearth_process.mjs';

const dataDir = process.env.HEARTH_TEST_DATA || process.env.HEARTH_DEFAULT_TEST_DATA || '';
const stories = path.join(dataDir, 'models', 'stories260K.gguf');
const skip = existsSync(stories)
  ? false
  : `test data models/stories260K.gguf is absent (set HEARTH_TEST_DATA to the shared folder to run this)`;

// Runs hearth with a private data directory; returns the runner and cleanup.
function withHome() {
  const home = tempDir('hearth-store-home-');
  const run = (...args) => runHearth(args, { env: { HEARTH_HOME: home.dir, HEARTH_LOG_LEVEL: 'warning' } });
  return { home: home.dir, run, cleanup: home.cleanup };
}

// Every file below `dir` with its size, for "nothing changed" checks.
function snapshot(dir) {
  const files = {};
  const walk = (current) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      files[path.relative(dir, full)] = entry.isDirectory() ? 'dir' : statSync(full).size;
    }
  };
  walk(dir);
  return files;
}

// The data rows of `hearth list`, split into columns.
function listRows(stdout) {
  const lines = stdout.trimEnd().split('\n');
  assert.match(lines[0], /^NAME\s+ID\s+SIZE\s+FAMILY\s+PARAMS\s+QUANT\s+MODIFIED$/);
  return lines.slice(1).map((line) => line.split(/\s{2,}/));
}

test('import, list, show, copy and remove a GGUF model', { skip }, () => {
  const { run, home, cleanup } = withHome();
  try {
    const created = run('create', 'stories', '--from', stories);
    assert.equal(created.status, 0, created.stderr);
    assert.match(created.stdout, /^created stories:latest \(llama 293K F32, 1\.\d MB\)$/m);

    const list = run('list');
    assert.equal(list.status, 0, list.stderr);
    const rows = listRows(list.stdout);
    assert.equal(rows.length, 1);
    const [name, id, size, family, params, quant, modified] = rows[0];
    assert.equal(name, 'stories:latest');
    assert.match(id, /^[0-9a-f]{12}$/);
    assert.match(size, /^1\.\d MB$/);
    assert.deepEqual([family, params, quant], ['llama', '293K', 'F32']);
    assert.match(modified, /(second|seconds) ago$/);

    const show = run('show', 'stories');
    assert.equal(show.status, 0, show.stderr);
    assert.match(show.stdout, /^ {4}architecture {8}llama$/m);
    assert.match(show.stdout, /^ {4}parameters {10}293K$/m);
    assert.match(show.stdout, /^ {4}quantization {8}F32$/m);
    assert.match(show.stdout, /^ {4}context length {6}2048$/m);
    assert.match(show.stdout, /^ {4}embedding length {4}64$/m);

    const json = JSON.parse(run('show', 'stories', '--json').stdout);
    assert.equal(json.details.family, 'llama');
    assert.equal(json.parameter_count, 292800);
    assert.equal(json.context_length, 2048);

    const cp = run('cp', 'stories', 'me/tales:v1');
    assert.equal(cp.status, 0, cp.stderr);
    const both = listRows(run('list').stdout);
    assert.deepEqual(both.map((row) => row[0]).sort(), ['me/tales:v1', 'stories:latest']);
    assert.equal(both[0][1], both[1][1], 'a copy names the same manifest');

    const rm = run('rm', 'stories');
    assert.equal(rm.status, 0, rm.stderr);
    assert.match(rm.stdout, /deleted 'stories:latest'/);
    assert.equal(run('show', 'me/tales:v1').status, 0, 'the copy keeps the shared blobs');
    assert.equal(run('rm', 'me/tales:v1').status, 0);
    const blobs = readdirSync(path.join(home, 'models', 'blobs')).filter((f) => f.startsWith('sha256-'));
    assert.deepEqual(blobs, [], 'removing the last name removes its blobs');
    assert.equal(listRows(run('list').stdout).length, 0);

    const again = run('rm', 'stories');
    assert.equal(again.status, 1);
    assert.match(again.stderr, /model 'stories:latest' is not installed/);
  } finally {
    cleanup();
  }
});

test('a truncated model is refused with the reason and nothing is stored', { skip }, () => {
  const { run, home, cleanup } = withHome();
  try {
    assert.equal(run('create', 'good', '--from', stories).status, 0);
    const before = snapshot(path.join(home, 'models'));
    const listBefore = run('list').stdout;

    const truncated = path.join(home, 'truncated.gguf');
    const bytes = readFileSync(stories);
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const result = run('create', 'broken', '--from', truncated);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /truncated\.gguf is not a valid GGUF file/);
    assert.match(result.stderr, /truncated|ends at byte/);

    const zeros = path.join(home, 'zeros.gguf');
    writeFileSync(zeros, Buffer.alloc(4096));
    const notGguf = run('create', 'broken', '--from', zeros);
    assert.equal(notGguf.status, 1);
    assert.match(notGguf.stderr, /zeros\.gguf is not a valid GGUF file/);

    assert.deepEqual(snapshot(path.join(home, 'models')), before);
    assert.equal(run('list').stdout.replace(/\S+ ago/g, ''), listBefore.replace(/\S+ ago/g, ''));
  } finally {
    cleanup();
  }
});

test('a Modelfile sets the template, system prompt and parameters', { skip }, () => {
  const { run, home, cleanup } = withHome();
  try {
    copyFileSync(stories, path.join(home, 'stories.gguf'));
    const modelfile = path.join(home, 'Modelfile');
    writeFileSync(modelfile, [
      '# a tiny storyteller',
      'FROM ./stories.gguf',
      'PARAMETER temperature 0.4',
      'PARAMETER num_ctx 128',
      'PARAMETER stop "<|end|>"',
      'PARAMETER stop "The End"',
      'SYSTEM You tell short stories.',
      'TEMPLATE """{{ .System }}',
      '{{ .Prompt }}"""',
      '',
    ].join('\n'));
    const created = run('create', 'teller', '-f', modelfile);
    assert.equal(created.status, 0, created.stderr);

    const show = run('show', 'teller');
    assert.match(show.stdout, /^ {2}Template\n {4}\{\{ \.System \}\}\n {4}\{\{ \.Prompt \}\}$/m);
    assert.match(show.stdout, /^ {2}System\n {4}You tell short stories\.$/m);
    assert.match(show.stdout, /^ {4}stop {12}"The End"$/m);
    assert.match(show.stdout, /^ {4}temperature {5}0\.4$/m);

    const json = JSON.parse(run('show', 'teller', '--json').stdout);
    assert.deepEqual(json.parameters, { num_ctx: 128, stop: ['<|end|>', 'The End'], temperature: 0.4 });
    assert.equal(json.system, 'You tell short stories.');

    // A Modelfile FROM an installed model shares its weights and overrides what it names.
    const derived = path.join(home, 'Derived');
    writeFileSync(derived, 'FROM teller\nPARAMETER temperature 0.9\n');
    assert.equal(run('create', 'teller:hot', '-f', derived).status, 0);
    const hot = JSON.parse(run('show', 'teller:hot', '--json').stdout);
    assert.deepEqual(hot.parameters, { num_ctx: 128, stop: ['<|end|>', 'The End'], temperature: 0.9 });
    assert.equal(hot.system, 'You tell short stories.');

    // --modelfile prints a Modelfile that recreates the model.
    const printed = run('show', 'teller', '--modelfile').stdout;
    assert.match(printed, /^FROM \/.*sha256-[0-9a-f]{64}$/m);
    writeFileSync(path.join(home, 'Printed'), printed);
    assert.equal(run('create', 'reprinted', '-f', path.join(home, 'Printed')).status, 0);
    const reprinted = JSON.parse(run('show', 'reprinted', '--json').stdout);
    assert.equal(reprinted.digest, json.digest, 'the same model, byte for byte');
  } finally {
    cleanup();
  }
});

test('bad command lines exit 2 and bad inputs exit 1, each saying what is wrong', () => {
  const { run, home, cleanup } = withHome();
  try {
    const noName = run('create');
    assert.equal(noName.status, 2);
    assert.match(noName.stderr, /usage: hearth create NAME/);
    const both = run('create', 'x', '--from', 'a.gguf', '-f', 'Modelfile');
    assert.equal(both.status, 2);
    const badName = run('show', 'no/good/name/here');
    assert.equal(badName.status, 2);
    assert.match(badName.stderr, /no\/good\/name\/here/);

    const missing = run('show', 'absent');
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /model 'absent:latest' is not installed/);
    const noFile = run('create', 'x', '--from', './absent.gguf');
    assert.equal(noFile.status, 1);
    assert.match(noFile.stderr, /no such file/);

    const modelfile = path.join(home, 'Modelfile');
    writeFileSync(modelfile, 'FROM ./x.gguf\nPARAMETER temprature 0.5\n');
    const typo = run('create', 'x', '-f', modelfile);
    assert.equal(typo.status, 1);
    assert.match(typo.stderr, /line 2: unknown PARAMETER 'temprature'; did you mean 'temperature'\?/);
  } finally {
    cleanup();
  }
});
