#include "server/system_status_routes.h"

#include <map>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "models/quantization_advisor.h"
#include "models/scheduler.h"
#include "nlohmann/json.hpp"
#include "server/json_body.h"
#include "server/ollama_responses.h"

namespace hearth::internal {
namespace {

using nlohmann::json;

json LoadedJson(const LoadedModelInfo& info) {
  return {{"name", info.name},
          {"bytes", info.bytes},
          {"measured", info.measured},
          {"context", info.options.context_length},
          {"slots", info.options.slots},
          {"pinned", info.pinned},
          {"active_requests", info.active_leases},
          {"loaded_at", FormatRfc3339(info.loaded_at)},
          {"expires_at", info.expires_at ? json(FormatRfc3339(*info.expires_at)) : json(nullptr)},
          {"load_reason", info.load_reason}};
}

json MemoryJson(const Scheduler& scheduler, const std::vector<LoadedModelInfo>& loaded) {
  json models = json::array();
  for (const LoadedModelInfo& info : loaded) models.push_back(LoadedJson(info));
  json memory = {{"budget_bytes", scheduler.memory_budget()},
                 {"used_bytes", scheduler.memory_used()},
                 {"models", models}};
  // The machine's memory is a help, not a requirement: left out when
  // /proc/meminfo cannot be read (e.g. in a sandbox).
  StatusOr<MachineMemory> machine = ReadMachineMemory();
  if (machine.ok()) {
    memory["machine_total_bytes"] = machine->total;
    memory["machine_available_bytes"] = machine->available;
  }
  return memory;
}

// Counts over what the scheduler keeps (its last events), and the live
// state; the lifetime counters are in /metrics.
json MetricsJson(const std::vector<LoadedModelInfo>& loaded,
                 const std::vector<ModelEvent>& events) {
  int64_t active = 0;
  for (const LoadedModelInfo& info : loaded) active += info.active_leases;
  std::map<std::string_view, int64_t> counts;
  for (const ModelEvent& event : events) ++counts[ModelEventKindName(event.kind)];
  return {{"loaded_models", loaded.size()},
          {"active_requests", active},
          {"loads", counts["load"]},
          {"unloads", counts["unload"]},
          {"load_failures", counts["load_failed"]},
          {"crashes", counts["crash"]}};
}

json SystemStatusJson(const Scheduler& scheduler) {
  const std::vector<LoadedModelInfo> loaded = scheduler.Loaded();
  const std::vector<ModelEvent> events = scheduler.Events();
  json event_rows = json::array();
  for (const ModelEvent& event : events) event_rows.push_back(ModelEventJson(event));
  return {{"version", HEARTH_VERSION},
          {"memory", MemoryJson(scheduler, loaded)},
          {"events", event_rows},
          {"metrics", MetricsJson(loaded, events)}};
}

}  // namespace

void RegisterSystemStatusRoutes(RouteTable& routes, const ServerServices& services) {
  if (services.scheduler == nullptr) return;
  const Scheduler& scheduler = *services.scheduler;
  routes.Get("/api/v1/system", [&scheduler](const httplib::Request&, httplib::Response& response) {
    SetJson(response, SystemStatusJson(scheduler));
  });
}

}  // namespace hearth::internal
