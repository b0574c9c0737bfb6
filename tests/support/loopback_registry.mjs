// An Ollama registry of one repository, library/tiny:latest, served from
// memory on loopback (node:http): the model is a fixture GGUF made by
// hearth-fixture, with a config and a template layer, as the real registry
// serves them. Used by the pull tests of the CLI and of the npm client.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';

export const sha256 = (bytes) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

// Builds the fixture model in `dir` and serves it. Resolves to
// { server, state: { corrupt, requests }, port, modelDigest, close() }.
// Setting state.corrupt flips a byte of every blob served.
export async function startLoopbackRegistry(fixtureBin, dir) {
  const gguf = path.join(dir, 'tiny.gguf');
  const made = spawnSync(fixtureBin, ['llama', '--out', gguf], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  const model = readFileSync(gguf);
  const config = Buffer.from('{"model_format":"gguf","model_family":"llama"}');
  const template = Buffer.from('{{ .Prompt }}');
  const layer = (mediaType, bytes) => ({ mediaType, digest: sha256(bytes), size: bytes.length });
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: layer('application/vnd.docker.container.image.v1+json', config),
    layers: [
      layer('application/vnd.ollama.image.model', model),
      layer('application/vnd.ollama.image.template', template),
    ],
  });
  const blobs = new Map([model, config, template].map((bytes) => [sha256(bytes), bytes]));
  const state = { corrupt: false, requests: 0 };
  const server = http.createServer((req, res) => {
    state.requests += 1;
    const blob = req.url.match(/^\/v2\/library\/tiny\/blobs\/(sha256:[0-9a-f]{64})$/);
    if (req.url === '/v2/library/tiny/manifests/latest') {
      res.writeHead(200, { 'Content-Type': 'application/vnd.docker.distribution.manifest.v2+json' });
      res.end(manifest);
    } else if (blob && blobs.has(blob[1])) {
      const bytes = Buffer.from(blobs.get(blob[1]));
      if (state.corrupt) bytes[bytes.length - 1] ^= 1;
      res.writeHead(200, { 'Content-Length': bytes.length });
      res.end(bytes);
    } else {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end('{"errors":[{"code":"NOT_FOUND"}]}');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, state, port: server.address().port, modelDigest: sha256(model),
           close: () => server.close() };
}
