// The real binary from a user's point of view: version, help, usage errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runHearth } from '../support/hearth_process.mjs';

test('--version names hearth and the llama.cpp it was built with', () => {
  const { status, stdout } = runHearth(['--version']);
  assert.equal(status, 0);
  assert.match(stdout, /^hearth \d+\.\d+\.\d+$/m);
  assert.match(stdout, /^llama\.cpp v\d+\.\d+\.\d+ \(commit [0-9a-f]{8}/m);
  assert.match(stdout, /GGML_NATIVE=ON/);
  assert.match(stdout, /CPU/);
});

test('help lists the verbs, and every verb explains its flags', () => {
  const { status, stdout } = runHearth(['help']);
  assert.equal(status, 0);
  for (const verb of ['serve', 'version', 'help']) assert.match(stdout, new RegExp(`^  ${verb} `, 'm'));
  const serve = runHearth(['serve', '--help']);
  assert.equal(serve.status, 0);
  assert.match(serve.stdout, /--host .*\(HEARTH_HOST\)/);
  assert.match(serve.stdout, /default: 127\.0\.0\.1/);
});

test('an unknown verb or flag is a usage error (exit 2) that says what was wrong', () => {
  const verb = runHearth(['frobnicate']);
  assert.equal(verb.status, 2);
  assert.match(verb.stderr, /unknown verb 'frobnicate'/);
  const flag = runHearth(['serve', '--prot', '8080']);
  assert.equal(flag.status, 2);
  assert.match(flag.stderr, /--prot/);
});

test('a bad environment value is reported with the variable name', () => {
  const { status, stderr } = runHearth(['serve'], { env: { HEARTH_PORT: 'eighty' } });
  assert.equal(status, 2);
  assert.match(stderr, /HEARTH_PORT/);
  assert.match(stderr, /eighty/);
});
