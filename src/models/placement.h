// Placement: the scheduler's decision of where a model that is about to load
// fits, as a pure function of the budget and what is loaded, so every rule
// is unit-tested without loading anything.
//
// The order, first that works (docs/architecture.md, "The scheduler"):
//   1. it fits beside everything loaded, as asked;
//   2. it fits beside everything loaded after degrading (smaller context,
//      down to the request's own need or PlanPolicy's floor; then q8_0 KV) —
//      co-residency before eviction, so a chat model and an embedder do not
//      take turns evicting each other;
//   3. evicting idle, unpinned models, least recently used first, as few as
//      needed, makes it fit as asked;
//   4. evicting every idle unpinned model and degrading makes it fit;
//   5. otherwise: ResourceExhausted naming the MiB needed and available and
//      what holds the rest. Nothing is evicted in that case.
//
// Thread-safety: pure functions.
#ifndef HEARTH_MODELS_PLACEMENT_H_
#define HEARTH_MODELS_PLACEMENT_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "models/gguf_summary.h"
#include "models/memory_planner.h"
#include "models/model_load_options.h"

namespace hearth {

// A loaded model that could be evicted (idle and not pinned).
struct PlacementCandidate {
  std::string key = {};
  uint64_t bytes = 0;
  std::chrono::steady_clock::time_point last_used;
};

struct PlacementInput {
  const GgufSummary& gguf;
  ModelLoadOptions wanted;
  uint64_t budget = 0;
  uint64_t used = 0;  // by everything loaded
  std::vector<PlacementCandidate> idle = {};
  // Models that cannot be evicted, described for the error message
  // ("llama3.2:latest 2.1 GiB (serving)").
  std::vector<std::string> holders = {};
  // The request's own context need (0 = none): degrading never goes below it.
  int32_t min_context = 0;
  std::string model_display = {};
};

struct PlacementDecision {
  LoadPlan plan;
  std::vector<std::string> victim_keys = {};  // to evict, in order
};

StatusOr<PlacementDecision> DecidePlacement(const PlacementInput& input);

// "512 MiB" (rounded to whole MiB) for messages about memory.
std::string FormatMiB(uint64_t bytes);

}  // namespace hearth

#endif  // HEARTH_MODELS_PLACEMENT_H_
