// Metrics: what the server counts, rendered as Prometheus text for
// GET /metrics:
//
//   hearth_http_requests_total{route,method,status}          counter
//   hearth_http_request_duration_seconds{route}              histogram
//   hearth_http_requests_in_flight                           gauge
//   hearth_http_queue_depth                                  gauge (connections waiting for a worker)
//   hearth_http_requests_shed_total                          counter (answered 503: overloaded)
//   hearth_prompt_tokens_total{model,kind}                   counter
//   hearth_generated_tokens_total{model}                     counter
//   hearth_decode_seconds_total{model}                       counter (generated / decode = tokens/s)
//   hearth_prefill_seconds_total{model,kind}                 counter
//   hearth_model_events_total{kind}                          counter (load, unload, load_failed, crash)
//   hearth_memory_budget_bytes, hearth_memory_used_bytes     gauges
//   hearth_model_loaded_bytes{model}                         gauge, one per loaded model
//   hearth_model_active_requests{model}                      gauge
//   hearth_rag_stage_seconds{stage}                          histogram (workspace answers: query_embed,
//                                                            vector_search, lexical_search, rerank, queue,
//                                                            model_load, prefill, decode, total)
//   hearth_rag_ledger_tokens{part}                           histogram (where answers' prompt tokens went)
//
// Routes are labeled by their pattern (`/api/blobs/:digest`), never by the
// raw path, so label sets stay bounded; an unmatched path counts as "other".
//
// Thread-safety: thread-safe.
#ifndef HEARTH_SERVER_METRICS_H_
#define HEARTH_SERVER_METRICS_H_

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

#include "base/thread_annotations.h"
#include "models/scheduler.h"
#include "models/usage_recording_backend.h"

namespace hearth {

class Metrics {
 public:
  void RequestStarted();
  // A connection waits for an HTTP worker / was taken by one.
  void ConnectionQueued();
  void ConnectionDequeued();
  // A request was refused with 503 because every worker was busy.
  void RequestShed();
  void RequestFinished(std::string_view route, std::string_view method, int status, double seconds);
  void RecordUsage(const ModelUsage& usage);
  void RecordModelEvent(const ModelEvent& event);
  // One workspace answer's stage (AnswerTrace) and token ledger part.
  void RecordRagStage(std::string_view stage, double seconds);
  void RecordLedgerTokens(std::string_view part, double tokens);

  // The Prometheus text exposition; `scheduler` (may be null) adds the
  // memory and loaded-model gauges.
  std::string Render(const Scheduler* scheduler) const;

 private:
  static constexpr std::array<double, 12> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                      0.5,   1,    2.5,   5,    10,  30};
  static constexpr std::array<double, 12> kTokenBuckets = {16,   64,   128,  256,  512,   1024,
                                                           2048, 4096, 8192, 16384, 32768, 131072};
  struct Histogram {
    std::array<uint64_t, 12> counts{};  // one per bucket bound
    uint64_t count = 0;
    double sum = 0;
    void Observe(const std::array<double, 12>& bounds, double value);
  };
  struct ModelCounters {
    double generated_tokens = 0;
    double decode_seconds = 0;
  };

  mutable std::mutex mu_;
  int64_t in_flight_ GUARDED_BY(mu_) = 0;
  int64_t queue_depth_ GUARDED_BY(mu_) = 0;
  uint64_t shed_ GUARDED_BY(mu_) = 0;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_ GUARDED_BY(mu_);
  std::map<std::string, Histogram> durations_ GUARDED_BY(mu_);
  std::map<std::pair<std::string, std::string>, double> prompt_tokens_ GUARDED_BY(mu_);
  std::map<std::pair<std::string, std::string>, double> prefill_seconds_ GUARDED_BY(mu_);
  std::map<std::string, ModelCounters> models_ GUARDED_BY(mu_);
  std::map<std::string, uint64_t> model_events_ GUARDED_BY(mu_);
  std::map<std::string, Histogram> rag_stages_ GUARDED_BY(mu_);
  std::map<std::string, Histogram> ledger_tokens_ GUARDED_BY(mu_);
};

}  // namespace hearth

#endif  // HEARTH_SERVER_METRICS_H_
