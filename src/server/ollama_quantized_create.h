// POST /api/create with "quantize": the model named by "from" (or the GGUF
// blob of "files") is quantized by llama.cpp in a worker process
// (models/quantizer.h) and installed under "model", keeping the source's
// template, system prompt, licence and parameters unless the request sets
// them. Internal to server/.
//
// Streaming answers NDJSON status lines as Ollama does ("quantizing F16
// model to Q4_K_M", ..., "success") or one {"error": ...} line; without
// "stream" the answer is {"status": "success"} or the error with its status.
// Quantizing takes minutes for a large model and uses every core, so a
// client that leaves (Ctrl-C on `ollama create`) stops it: the worker is
// killed and nothing is installed. The store is unchanged on any error.
//
// Thread-safety: as ModelStore; each request runs its own worker.
#ifndef HEARTH_SERVER_OLLAMA_QUANTIZED_CREATE_H_
#define HEARTH_SERVER_OLLAMA_QUANTIZED_CREATE_H_

#include "httplib.h"
#include "models/model_store.h"
#include "server/ollama_admin_requests.h"

namespace hearth::internal {

// `call.quantize` is set. Answers on `response`.
void HandleQuantizedCreate(ModelStore& store, const OllamaCreate& call,
                           const httplib::Request& request, httplib::Response& response);

}  // namespace hearth::internal

#endif  // HEARTH_SERVER_OLLAMA_QUANTIZED_CREATE_H_
