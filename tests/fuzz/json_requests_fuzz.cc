// Fuzzes HTTP JSON request parsing (server/json_body.h, server/
// request_limits.h) and the request parsers the OpenAI and Ollama admin
// routes run on a parsed body (server/openai_requests.h, server/
// ollama_admin_requests.h). The Ollama generate/embed parsers have their own
// target (ollama_requests_fuzz.cc).
// Invariants:
//   - ParseJsonObject accepts exactly the JSON objects nested at most
//     kMaxJsonDepth deep (the same verdict as nlohmann's own parser plus a
//     depth count), refuses everything else with InvalidArgument, and never
//     silently drops a part of the body;
//   - JsonNestingDepth, the pre-scan the request limits run, agrees with
//     the parsed document's depth on every valid JSON text;
//   - every parser error is InvalidArgument; an accepted request respects
//     the documented caps (stop strings, embed inputs, rerank documents,
//     tools, prompt bytes) and names a valid model.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_checks.h"
#include "models/model_name.h"
#include "nlohmann/json.hpp"
#include "server/json_body.h"
#include "server/ollama_admin_requests.h"
#include "server/openai_requests.h"
#include "server/request_limits.h"

namespace {

using hearth::StatusCode;
using hearth::fuzz::Check;
namespace in = hearth::internal;

// Nesting depth of objects and arrays (a scalar is 0, {} is 1).
int Depth(const nlohmann::json& value) {
  if (!value.is_structured()) return 0;
  int deepest = 0;
  for (const nlohmann::json& child : value) deepest = std::max(deepest, Depth(child));
  return deepest + 1;
}

template <typename T>
bool Refused(const hearth::StatusOr<T>& parsed) {
  if (parsed.ok()) return false;
  Check(parsed.status().code() == StatusCode::kInvalidArgument);
  return true;
}

void CheckModel(const hearth::ModelRequest& model) {
  auto name = hearth::ParseModelName(model.model.FullName());
  Check(name.ok() && *name == model.model);
}

void FuzzOpenAi(const nlohmann::json& body) {
  if (auto completion = in::ParseOpenAiCompletion(body); !Refused(completion)) {
    CheckModel(completion->model);
    Check(completion->generate.prompt.size() <= in::kMaxPromptBytes);
    Check(completion->generate.stop.size() <= in::kMaxStopStrings);
  }
  if (auto chat = in::ParseOpenAiChat(body); !Refused(chat)) {
    CheckModel(chat->model);
    Check(chat->chat.messages.size() <= in::kMaxChatMessages);
    if (!chat->chat.tools_json.empty()) {
      const nlohmann::json tools = nlohmann::json::parse(chat->chat.tools_json);
      Check(tools.is_array() && tools.size() <= in::kMaxTools);
    }
    if (chat->format == in::ResponseFormatKind::kJsonSchema) {
      Check(nlohmann::json::accept(chat->json_schema));
    }
  }
  if (auto embed = in::ParseOpenAiEmbed(body); !Refused(embed)) {
    CheckModel(embed->model);
    Check(!embed->embed.inputs.empty() && embed->embed.inputs.size() <= in::kMaxEmbedInputs);
    Check(!embed->dimensions || *embed->dimensions > 0);
  }
  if (auto rerank = in::ParseOpenAiRerank(body); !Refused(rerank)) {
    CheckModel(rerank->model);
    Check(!rerank->rerank.documents.empty() &&
          rerank->rerank.documents.size() <= in::kMaxRerankDocuments);
  }
}

void FuzzOllamaAdmin(const nlohmann::json& body) {
  if (auto show = in::ParseOllamaShow(body); !Refused(show)) {
    Check(hearth::ParseModelName(show->model.FullName()).ok());
  }
  if (auto create = in::ParseOllamaCreate(body); !Refused(create)) {
    Check(hearth::ParseModelName(create->model.FullName()).ok());
  }
  if (auto copy = in::ParseOllamaCopy(body); !Refused(copy)) {
    Check(hearth::ParseModelName(copy->source.FullName()).ok());
    Check(hearth::ParseModelName(copy->destination.FullName()).ok());
  }
  if (auto pull = in::ParseOllamaPull(body); !Refused(pull)) {
    Check(hearth::ParseModelName(pull->model).ok());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto body = in::ParseJsonObject(text);

  // nlohmann takes a NUL byte for the end of the input; JSON has none.
  const bool valid_json =
      text.find('\0') == std::string_view::npos && nlohmann::json::accept(text);
  if (valid_json) {
    const nlohmann::json plain = nlohmann::json::parse(text);
    const int depth = Depth(plain);
    Check(in::JsonNestingDepth(text, 2 * in::kMaxJsonDepth) ==
          std::min(depth, 2 * in::kMaxJsonDepth + 1));
    const bool acceptable = plain.is_object() && depth <= in::kMaxJsonDepth;
    Check(body.ok() == acceptable);
    if (body.ok()) Check(*body == plain);
  }
  if (Refused(body)) return 0;
  Check(body->is_object() && Depth(*body) <= in::kMaxJsonDepth);
  FuzzOpenAi(*body);
  FuzzOllamaAdmin(*body);
  return 0;
}
