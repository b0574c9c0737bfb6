#include "models/placement.h"

#include <algorithm>

namespace hearth {
namespace {

// Degrading never goes below this context unless the model's own is smaller.
constexpr int32_t kDefaultContextFloor = 2048;

PlanPolicy PolicyFor(const PlacementInput& input) {
  PlanPolicy policy;
  int32_t floor = std::max(kDefaultContextFloor, input.min_context);
  policy.min_context = std::min(floor, input.wanted.context_length);
  return policy;
}

uint64_t Available(uint64_t budget, uint64_t used) { return budget > used ? budget - used : 0; }

std::vector<PlacementCandidate> LeastRecentlyUsedFirst(std::vector<PlacementCandidate> idle) {
  std::sort(idle.begin(), idle.end(),
            [](const auto& a, const auto& b) { return a.last_used < b.last_used; });
  return idle;
}

LoadPlan AsAsked(const PlacementInput& input, const Footprint& footprint) {
  return LoadPlan{.options = input.wanted, .footprint = footprint, .degradations = {}};
}

Status DoesNotFit(const PlacementInput& input, const Footprint& footprint) {
  std::string message = "model '" + input.model_display + "' does not fit in memory: it needs " +
                        FormatMiB(footprint.total()) + " at context " +
                        std::to_string(input.wanted.context_length) + " (weights " +
                        FormatMiB(footprint.weights) + ", KV cache " +
                        FormatMiB(footprint.kv_cache) + ", compute " +
                        FormatMiB(footprint.compute) + "), and even at the smallest context " +
                        "and a q8_0 KV cache it would not fit in the " +
                        FormatMiB(Available(input.budget, input.used)) + " free of the " +
                        FormatMiB(input.budget) + " budget";
  if (!input.holders.empty()) {
    message += "; held by";
    for (const std::string& holder : input.holders) message += " " + holder + ",";
    message.pop_back();
  }
  message += ". Nothing was unloaded. Raise --memory-budget, stop a model, or use a smaller "
             "quantization ('hearth doctor' advises)";
  return ResourceExhaustedError(message);
}

}  // namespace

StatusOr<PlacementDecision> DecidePlacement(const PlacementInput& input) {
  const Footprint footprint = EstimateFootprint(input.gguf, input.wanted);
  const uint64_t free_now = Available(input.budget, input.used);
  const PlanPolicy policy = PolicyFor(input);
  // 1. As asked, beside everything.
  if (footprint.total() <= free_now) return PlacementDecision{AsAsked(input, footprint), {}};
  // 2. Degraded, beside everything.
  if (StatusOr<LoadPlan> plan = PlanLoad(input.gguf, input.wanted, free_now, policy); plan.ok()) {
    return PlacementDecision{std::move(*plan), {}};
  }
  // 3. As asked, after evicting the least recently used idle models.
  const std::vector<PlacementCandidate> idle = LeastRecentlyUsedFirst(input.idle);
  PlacementDecision decision;
  uint64_t freed = free_now;
  for (const PlacementCandidate& candidate : idle) {
    decision.victim_keys.push_back(candidate.key);
    freed += candidate.bytes;
    if (footprint.total() <= freed) {
      decision.plan = AsAsked(input, footprint);
      return decision;
    }
  }
  // 4. Degraded, after evicting as few of them as that needs.
  decision.victim_keys.clear();
  freed = free_now;
  for (const PlacementCandidate& candidate : idle) {
    decision.victim_keys.push_back(candidate.key);
    freed += candidate.bytes;
    if (StatusOr<LoadPlan> plan = PlanLoad(input.gguf, input.wanted, freed, policy); plan.ok()) {
      decision.plan = std::move(*plan);
      return decision;
    }
  }
  return DoesNotFit(input, footprint);
}

std::string FormatMiB(uint64_t bytes) {
  return std::to_string((bytes + (1 << 19)) >> 20) + " MiB";
}

}  // namespace hearth
