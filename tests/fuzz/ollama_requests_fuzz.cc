// Fuzzes the Ollama request parsers (server/json_body.h and
// server/ollama_requests.h) with request bodies as a client sends them.
// Invariants: every error is InvalidArgument; an accepted body re-parses
// from its own serialization to the same JSON; and an accepted request
// respects the documented limits (a valid model name, prompt and inputs
// within kMaxPromptBytes, at most kMaxStopStrings stop strings and
// kMaxEmbedInputs inputs, a context length that is not negative, a
// keep_alive within kMaxKeepAlive).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "models/model_name.h"
#include "nlohmann/json.hpp"
#include "server/json_body.h"
#include "server/ollama_requests.h"

namespace {

using hearth::StatusCode;

void Check(bool condition) {
  if (!condition) std::abort();
}

void CheckModel(const hearth::ModelRequest& model) {
  Check(model.context_length >= 0);
  // The scheduler adds keep_alive to the current time; it must not overflow.
  if (model.keep_alive) {
    Check(*model.keep_alive <= hearth::internal::kMaxKeepAlive &&
          *model.keep_alive >= -hearth::internal::kMaxKeepAlive);
  }
  auto name = hearth::ParseModelName(model.model.FullName());
  Check(name.ok() && *name == model.model);
}

void FuzzGenerate(const nlohmann::json& body) {
  auto call = hearth::internal::ParseOllamaGenerate(body);
  if (!call.ok()) {
    Check(call.status().code() == StatusCode::kInvalidArgument);
    return;
  }
  CheckModel(call->model);
  Check(call->generate.prompt.size() <= hearth::internal::kMaxPromptBytes);
  Check(call->generate.stop.size() <= hearth::internal::kMaxStopStrings);
  auto prompt = body.find("prompt");
  const bool has_prompt = prompt != body.end() && prompt->is_string() &&
                          !prompt->get_ref<const std::string&>().empty();
  Check(call->load_only == !has_prompt);
  if (has_prompt) Check(call->generate.prompt.ends_with(prompt->get_ref<const std::string&>()));
}

void FuzzEmbed(const nlohmann::json& body) {
  auto call = hearth::internal::ParseOllamaEmbed(body);
  if (!call.ok()) {
    Check(call.status().code() == StatusCode::kInvalidArgument);
    return;
  }
  CheckModel(call->model);
  Check(call->embed.inputs.size() <= hearth::internal::kMaxEmbedInputs);
  size_t total = 0;
  for (const std::string& input : call->embed.inputs) total += input.size();
  Check(total <= hearth::internal::kMaxPromptBytes);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto body = hearth::internal::ParseJsonObject(text);
  if (!body.ok()) {
    Check(body.status().code() == StatusCode::kInvalidArgument);
    return 0;
  }
  Check(body->is_object());
  auto again = hearth::internal::ParseJsonObject(body->dump());
  Check(again.ok() && *again == *body);
  FuzzGenerate(*body);
  FuzzEmbed(*body);
  return 0;
}
