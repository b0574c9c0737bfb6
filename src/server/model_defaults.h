// A model's stored parameters (Modelfile PARAMETER lines, kept in
// ResolvedModel::parameters) as the defaults of a generation request, with
// Ollama's semantics: an option the request sets is the request's; every
// other option takes the model's value, else hearth's default. `stop` is one
// option: stop strings in the request replace the model's, and without them
// the model's are added (to the chat template's). num_ctx is not applied
// here: the scheduler reads it when it chooses the context to load
// (models/scheduler.h). Parameters that tune the runner rather than a
// request (num_gpu, num_thread, use_mmap, mirostat, ...) are not applied.
// Internal to server/.
//
// Thread-safety: pure functions.
//
// Example:
//   ASSIGN_OR_RETURN(ModelLease lease, scheduler.Acquire(call.model));
//   RETURN_IF_ERROR(ApplyModelDefaults(lease.model().parameters, call.given_options,
//                                      &call.generate));
#ifndef HEARTH_SERVER_MODEL_DEFAULTS_H_
#define HEARTH_SERVER_MODEL_DEFAULTS_H_

#include <functional>
#include <set>
#include <string>

#include "base/status.h"
#include "models/inference.h"
#include "models/model_parameters.h"

namespace hearth::internal {

// The options a request set explicitly, by Ollama's names ("temperature",
// "num_predict", "stop", ...); the request parsers fill it in (an OpenAI
// request's max_tokens is "num_predict").
using GivenOptions = std::set<std::string, std::less<>>;

// Sets every sampling option, num_predict and stop of `generate` that
// `given` does not name to the value in `parameters`. Errors:
// InvalidArgument naming the parameter and the value when a stored value
// that would be used is bad (a params layer pulled from a registry is stored
// as it came); `generate` is then unchanged.
Status ApplyModelDefaults(const ModelParameters& parameters, const GivenOptions& given,
                          GenerateRequest* generate);

}  // namespace hearth::internal

#endif  // HEARTH_SERVER_MODEL_DEFAULTS_H_
