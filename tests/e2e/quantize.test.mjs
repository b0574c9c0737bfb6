// `hearth quantize` and `hearth doctor` through the real binary: import the
// shared stories260K model, quantize it to q8_0 in a worker process, and see
// both in `hearth list` with their sizes; what is refused is refused with a
// message and leaves the store as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { runHearth, tempDir } from '../support/hearth_process.mjs';

const dataDir = process.env.HEARTH_TEST_DATA || process.env.HEARTH_DEFAULT_TEST_DATA || '../shared';
const storiesPath = path.join(dataDir, 'models', 'stories260K.gguf');
const haveStories = existsSync(storiesPath);
const skip = haveStories ? false : `test data ${storiesPath} is absent (set HEARTH_TEST_DATA)`;

function inHome(home) {
  return (args, options = {}) => runHearth(args, { ...options, env: { HEARTH_HOME: home, ...options.env } });
}

// Files and folders under the store that are not blobs or manifests (a
// quantize left behind).
function strayFiles(home) {
  const root = path.join(home, 'models');
  return readdirSync(root).filter((name) => !['blobs', 'manifests'].includes(name));
}

test('quantize stories260K to q8_0: list shows both with sizes, show names the type', { skip }, () => {
  const { dir, cleanup } = tempDir();
  try {
    const hearth = inHome(dir);
    const created = hearth(['create', 'stories', '--from', storiesPath]);
    assert.equal(created.status, 0, created.stderr);

    const quantized = hearth(['quantize', 'stories', '--type', 'q8_0']);
    assert.equal(quantized.status, 0, quantized.stderr);
    assert.match(quantized.stdout, /quantized to q8_0 as stories:latest-q8_0: \S+ \S+ \(F32\) -> \S+ \S+ \(Q8_0\)/);
    assert.match(quantized.stdout, /\d+ of \d+ tensors converted/);

    const list = hearth(['list']);
    assert.equal(list.status, 0, list.stderr);
    const source = list.stdout.split('\n').find((line) => line.startsWith('stories:latest '));
    const result = list.stdout.split('\n').find((line) => line.startsWith('stories:latest-q8_0 '));
    assert.ok(source, list.stdout);
    assert.ok(result, list.stdout);
    assert.match(source, /\d+(\.\d)? [KM]B/);
    assert.match(result, /\d+(\.\d)? [KM]B/);
    assert.match(result, /Q8_0/);
    assert.deepEqual(strayFiles(dir), []);

    const named = hearth(['quantize', 'stories', '--type', 'Q4_K_M', '--as', 'tiny-story:small']);
    assert.equal(named.status, 0, named.stderr);
    assert.match(named.stdout, /as tiny-story:small/);
    assert.match(named.stdout, /^fallback: \S+ stored as \S+ instead of q\d_K/m);
    const show = hearth(['show', 'tiny-story:small']);
    assert.equal(show.status, 0, show.stderr);
    assert.match(show.stdout, /Q4_K_M/);
  } finally {
    cleanup();
  }
});

test('quantize refuses requantizing, unknown types and missing models, leaving the store alone', { skip }, () => {
  const { dir, cleanup } = tempDir();
  try {
    const hearth = inHome(dir);
    assert.equal(hearth(['create', 'stories', '--from', storiesPath]).status, 0);
    assert.equal(hearth(['quantize', 'stories', '--type', 'q8_0']).status, 0);
    const before = hearth(['list']).stdout.split('\n').map((line) => line.split(/\s+/)[0]).sort();

    const requantize = hearth(['quantize', 'stories:latest-q8_0', '--type', 'q4_0']);
    assert.equal(requantize.status, 1);
    assert.match(requantize.stderr, /already quantized \(file type Q8_0/);
    assert.match(requantize.stderr, /--allow-requantize/);

    const badType = hearth(['quantize', 'stories', '--type', 'q3_K_S']);
    assert.equal(badType.status, 2);
    assert.match(badType.stderr, /'q3_K_S' is not a quantization type .*q4_0, q4_K_M, q5_K_M, q6_K, q8_0/);

    const missing = hearth(['quantize', 'nothing-here', '--type', 'q8_0']);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /nothing-here/);

    const after = hearth(['list']).stdout.split('\n').map((line) => line.split(/\s+/)[0]).sort();
    assert.deepEqual(after, before);
    assert.deepEqual(strayFiles(dir), []);

    const allowed = hearth(['quantize', 'stories:latest-q8_0', '--type', 'q4_0', '--allow-requantize']);
    assert.equal(allowed.status, 0, allowed.stderr);
    assert.match(allowed.stdout, /as stories:latest-q8_0-q4_0/);
  } finally {
    cleanup();
  }
});

test('doctor prints a row per type and a recommendation for a parameter count', () => {
  const { status, stdout, stderr } = runHearth(['doctor', '--params', '1B', '--ctx', '4096', '--budget', '8GiB']);
  assert.equal(status, 0, stderr);
  for (const type of ['q4_0', 'q4_K_M', 'q5_K_M', 'q6_K', 'q8_0', 'f16']) {
    assert.match(stdout, new RegExp(`^${type} `, 'm'));
  }
  assert.match(stdout, /budget: +8 GiB \(--budget\)/);
  assert.match(stdout, /^recommended: q8_0 .*f16 would fit too, but is never recommended/m);

  const none = runHearth(['doctor', '--params', '70B', '--budget', '4GiB']);
  assert.equal(none.status, 0, none.stderr);
  assert.match(none.stdout, /^recommended: none \(no type fits/m);

  const usage = runHearth(['doctor', '--params', '1B', '--model', 'stories']);
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /a model or a size \(params\), not both/);
});

test('doctor with no model recommends a quantization for each common size beside an embedder', () => {
  const { status, stdout, stderr } = runHearth(['doctor', '--budget', '6GiB']);
  assert.equal(status, 0, stderr);
  assert.match(stdout, /^beside: +embedder a typical embedder \(nomic-embed-text, F16\) 384 MiB$/m);
  assert.match(stdout, /^1B +q8_0 .* llama3\.2:1b-instruct-q8_0$/m);
  assert.match(stdout, /^70B +none +- +does not fit$/m);
  assert.match(stdout, /^largest comfortable size: \S+ at q\w+$/m);
});
