#include "server/ollama_responses.h"

#include "base/clock.h"

namespace hearth::internal {
namespace {

using nlohmann::json;

std::string Now() { return FormatRfc3339(std::chrono::system_clock::now()); }

std::string_view FinishReasonName(FinishReason reason) {
  switch (reason) {
    case FinishReason::kStop: return "stop";
    case FinishReason::kLength: return "length";
    case FinishReason::kCancelled: return "cancelled";
  }
  return "stop";
}

json LoadedModelJson(const LoadedModelInfo& info) {
  json row = {{"name", info.name},
              {"model", info.name},
              {"size", info.bytes},
              {"size_vram", 0},
              {"digest", info.digest.Hex()},
              {"context_length", info.options.context_length},
              {"expires_at", info.expires_at ? FormatRfc3339(*info.expires_at)
                                             : std::string("0001-01-01T00:00:00Z")}};
  row["hearth"] = {{"pinned", info.pinned},
                   {"size_measured", info.measured},
                   {"slots", info.options.slots},
                   {"kv_cache_type", KvCacheTypeName(info.options.kv_cache_type)},
                   {"active_requests", info.active_leases},
                   {"loaded_at", FormatRfc3339(info.loaded_at)},
                   {"load_reason", info.load_reason}};
  return row;
}

void AddTiming(json& body, const CallTiming& timing) {
  body["total_duration"] = timing.total.count();
  body["load_duration"] = timing.load.count();
  if (timing.clamped_from) {
    body["hearth"]["context_clamped"] = {{"requested", *timing.clamped_from},
                                         {"served", timing.context_length}};
  }
}

}  // namespace

json ModelEventJson(const ModelEvent& event) {
  return {{"at", FormatRfc3339(event.at)},
          {"model", event.model},
          {"kind", ModelEventKindName(event.kind)},
          {"reason", event.reason},
          {"duration_ms", event.duration.count()},
          {"bytes", event.bytes}};
}

json DetailsJson(const ModelDetails& details) {
  return {{"parent_model", ""},
          {"format", details.format},
          {"family", details.family},
          {"families", json::array({details.family})},
          {"parameter_size", details.parameter_size},
          {"quantization_level", details.quantization_level}};
}

json TagsJson(const std::vector<ModelEntry>& entries) {
  json models = json::array();
  for (const ModelEntry& entry : entries) {
    models.push_back({{"name", entry.name.DisplayName()},
                      {"model", entry.name.DisplayName()},
                      {"modified_at", FormatRfc3339(entry.modified)},
                      {"size", entry.size},
                      {"digest", entry.manifest_digest.Hex()},
                      {"details", DetailsJson(entry.details)}});
  }
  return {{"models", models}};
}

json PsJson(const Scheduler& scheduler) {
  json models = json::array();
  for (const LoadedModelInfo& info : scheduler.Loaded()) models.push_back(LoadedModelJson(info));
  json events = json::array();
  for (const ModelEvent& event : scheduler.Events()) events.push_back(ModelEventJson(event));
  return {{"models", models},
          {"hearth",
           {{"memory_budget", scheduler.memory_budget()},
            {"memory_used", scheduler.memory_used()},
            {"events", events}}}};
}

json GenerateChunkJson(const std::string& model, const std::string& text) {
  return {{"model", model}, {"created_at", Now()}, {"response", text}, {"done", false}};
}

json GenerateFinalJson(const std::string& model, const GenerateResult& result,
                       const CallTiming& timing, bool include_text) {
  json body = {{"model", model},
               {"created_at", Now()},
               {"response", include_text ? result.text : std::string()},
               {"done", true},
               {"done_reason", FinishReasonName(result.finish_reason)},
               {"prompt_eval_count", result.prompt_tokens},
               {"prompt_eval_duration", result.prefill_duration.count()},
               {"eval_count", result.generated_tokens},
               {"eval_duration", result.decode_duration.count()}};
  AddTiming(body, timing);
  body["hearth"]["cached_prompt_tokens"] = result.cached_prompt_tokens;
  body["hearth"]["queue_duration"] = result.queue_duration.count();
  return body;
}

json LoadOnlyJson(const std::string& model, std::string_view done_reason) {
  return {{"model", model}, {"created_at", Now()}, {"response", ""}, {"done", true},
          {"done_reason", done_reason}};
}

json EmbedJson(const std::string& model, const EmbedResult& result, const CallTiming& timing) {
  json body = {{"model", model},
               {"embeddings", result.embeddings},
               {"prompt_eval_count", result.prompt_tokens}};
  AddTiming(body, timing);
  return body;
}

}  // namespace hearth::internal
