// sha256.js against node's own SHA-256: every length around the block and
// padding boundaries, fed whole and in uneven pieces, and a File-like Blob
// read in slices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Sha256, sha256File } from './sha256.js';

const reference = (bytes) => createHash('sha256').update(bytes).digest('hex');

test('the empty input and the FIPS 180-4 "abc" example', () => {
  assert.equal(new Sha256().hex(), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  const abc = new Sha256();
  abc.update(new TextEncoder().encode('abc'));
  assert.equal(abc.hex(), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

test('every length around the 64-byte block and the 56-byte padding edge, in uneven pieces', () => {
  const pieces = [1, 7, 63, 64, 65, 200];
  for (let length = 0; length <= 300; ++length) {
    const bytes = randomBytes(length);
    const whole = new Sha256();
    whole.update(new Uint8Array(bytes));
    const split = new Sha256();
    for (let offset = 0, i = 0; offset < length; ++i) {
      const take = Math.min(pieces[i % pieces.length], length - offset);
      split.update(new Uint8Array(bytes.subarray(offset, offset + take)));
      offset += take;
    }
    const expected = reference(bytes);
    assert.equal(whole.hex(), expected, `length ${length}, whole`);
    assert.equal(split.hex(), expected, `length ${length}, in pieces`);
  }
});

test('a Blob larger than one slice is hashed slice by slice with progress', async () => {
  const bytes = randomBytes((9 << 20) + 13);
  const seen = [];
  const hex = await sha256File(new Blob([bytes]), (done, total) => seen.push([done, total]));
  assert.equal(hex, reference(bytes));
  assert.equal(seen.length, 3);
  assert.deepEqual(seen.at(-1), [bytes.length, bytes.length]);
});

test('an aborted hash stops with an AbortError', async () => {
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(sha256File(new Blob([randomBytes(10)]), null, controller.signal), { name: 'AbortError' });
});
