#include "server/metrics.h"

#include <sstream>

namespace hearth {
namespace {

// A label value with Prometheus' escapes: backslash, double quote, newline.
std::string Label(std::string_view value) {
  std::string escaped;
  for (char c : value) {
    if (c == '\\' || c == '"') escaped += '\\';
    if (c == '\n') {
      escaped += "\\n";
      continue;
    }
    escaped += c;
  }
  return "\"" + escaped + "\"";
}

void Header(std::ostringstream& out, std::string_view name, std::string_view type,
            std::string_view help) {
  out << "# HELP " << name << " " << help << "\n# TYPE " << name << " " << type << "\n";
}

// One histogram per label value, in Prometheus' text form.
template <typename Histograms, typename Bounds>
void RenderHistograms(std::ostringstream& out, std::string_view name, std::string_view label,
                      const Bounds& bounds, const Histograms& histograms) {
  for (const auto& [value, histogram] : histograms) {
    const std::string labels = std::string(label) + "=" + Label(value);
    for (size_t i = 0; i < bounds.size(); ++i) {
      out << name << "_bucket{" << labels << ",le=\"" << bounds[i] << "\"} "
          << histogram.counts[i] << "\n";
    }
    out << name << "_bucket{" << labels << ",le=\"+Inf\"} " << histogram.count << "\n";
    out << name << "_sum{" << labels << "} " << histogram.sum << "\n";
    out << name << "_count{" << labels << "} " << histogram.count << "\n";
  }
}

}  // namespace

void Metrics::Histogram::Observe(const std::array<double, 12>& bounds, double value) {
  for (size_t i = 0; i < bounds.size(); ++i) counts[i] += value <= bounds[i];
  ++count;
  sum += value;
}

void Metrics::RequestStarted() {
  std::lock_guard lock(mu_);
  ++in_flight_;
}

void Metrics::ConnectionQueued() {
  std::lock_guard lock(mu_);
  ++queue_depth_;
}

void Metrics::ConnectionDequeued() {
  std::lock_guard lock(mu_);
  if (queue_depth_ > 0) --queue_depth_;
}

void Metrics::RequestShed() {
  std::lock_guard lock(mu_);
  ++shed_;
}

void Metrics::RequestFinished(std::string_view route, std::string_view method, int status,
                              double seconds) {
  std::lock_guard lock(mu_);
  if (in_flight_ > 0) --in_flight_;
  const std::string label(route.empty() ? std::string_view("other") : route);
  ++requests_[{label, std::string(method), status}];
  durations_[label].Observe(kBuckets, seconds);
}

void Metrics::RecordRagStage(std::string_view stage, double seconds) {
  std::lock_guard lock(mu_);
  rag_stages_[std::string(stage)].Observe(kBuckets, seconds);
}

void Metrics::RecordLedgerTokens(std::string_view part, double tokens) {
  std::lock_guard lock(mu_);
  ledger_tokens_[std::string(part)].Observe(kTokenBuckets, tokens);
}

void Metrics::RecordUsage(const ModelUsage& usage) {
  std::lock_guard lock(mu_);
  prompt_tokens_[{usage.model, usage.kind}] += static_cast<double>(usage.prompt_tokens);
  prefill_seconds_[{usage.model, usage.kind}] +=
      std::chrono::duration<double>(usage.prefill).count();
  if (usage.kind != "generate") return;
  ModelCounters& counters = models_[usage.model];
  counters.generated_tokens += static_cast<double>(usage.generated_tokens);
  counters.decode_seconds += std::chrono::duration<double>(usage.decode).count();
}

void Metrics::RecordModelEvent(const ModelEvent& event) {
  std::lock_guard lock(mu_);
  ++model_events_[std::string(ModelEventKindName(event.kind))];
}

std::string Metrics::Render(const Scheduler* scheduler) const {
  std::ostringstream out;
  std::lock_guard lock(mu_);
  Header(out, "hearth_http_requests_total", "counter", "HTTP requests by route, method and status.");
  for (const auto& [key, count] : requests_) {
    const auto& [route, method, status] = key;
    out << "hearth_http_requests_total{route=" << Label(route) << ",method=" << Label(method)
        << ",status=\"" << status << "\"} " << count << "\n";
  }
  Header(out, "hearth_http_request_duration_seconds", "histogram", "HTTP request latency.");
  RenderHistograms(out, "hearth_http_request_duration_seconds", "route", kBuckets, durations_);
  Header(out, "hearth_rag_stage_seconds", "histogram",
         "Time per stage of workspace answers (the answers' traces).");
  RenderHistograms(out, "hearth_rag_stage_seconds", "stage", kBuckets, rag_stages_);
  Header(out, "hearth_rag_ledger_tokens", "histogram",
         "Prompt tokens of workspace answers by part (the answers' ledgers).");
  RenderHistograms(out, "hearth_rag_ledger_tokens", "part", kTokenBuckets, ledger_tokens_);
  Header(out, "hearth_http_requests_in_flight", "gauge", "Requests being served now.");
  out << "hearth_http_requests_in_flight " << in_flight_ << "\n";
  Header(out, "hearth_http_queue_depth", "gauge", "Connections waiting for an HTTP worker.");
  out << "hearth_http_queue_depth " << queue_depth_ << "\n";
  Header(out, "hearth_http_requests_shed_total", "counter",
         "Requests refused with 503 because every HTTP worker was busy.");
  out << "hearth_http_requests_shed_total " << shed_ << "\n";
  Header(out, "hearth_prompt_tokens_total", "counter", "Prompt tokens evaluated, by model and kind.");
  for (const auto& [key, tokens] : prompt_tokens_) {
    out << "hearth_prompt_tokens_total{model=" << Label(key.first) << ",kind=" << Label(key.second)
        << "} " << tokens << "\n";
  }
  Header(out, "hearth_prefill_seconds_total", "counter", "Time spent evaluating prompts.");
  for (const auto& [key, seconds] : prefill_seconds_) {
    out << "hearth_prefill_seconds_total{model=" << Label(key.first)
        << ",kind=" << Label(key.second) << "} " << seconds << "\n";
  }
  Header(out, "hearth_generated_tokens_total", "counter", "Tokens generated, by model.");
  for (const auto& [model, counters] : models_) {
    out << "hearth_generated_tokens_total{model=" << Label(model) << "} "
        << counters.generated_tokens << "\n";
  }
  Header(out, "hearth_decode_seconds_total", "counter",
         "Time spent generating; generated tokens over this is tokens per second.");
  for (const auto& [model, counters] : models_) {
    out << "hearth_decode_seconds_total{model=" << Label(model) << "} " << counters.decode_seconds
        << "\n";
  }
  Header(out, "hearth_model_events_total", "counter", "Model loads, unloads, failed loads, crashes.");
  for (const auto& [kind, count] : model_events_) {
    out << "hearth_model_events_total{kind=" << Label(kind) << "} " << count << "\n";
  }
  if (scheduler == nullptr) return out.str();
  Header(out, "hearth_memory_budget_bytes", "gauge", "Memory all loaded models may hold.");
  out << "hearth_memory_budget_bytes " << scheduler->memory_budget() << "\n";
  Header(out, "hearth_memory_used_bytes", "gauge", "Memory the loaded models hold.");
  out << "hearth_memory_used_bytes " << scheduler->memory_used() << "\n";
  const std::vector<LoadedModelInfo> loaded = scheduler->Loaded();
  Header(out, "hearth_model_loaded_bytes", "gauge", "Footprint of each loaded model.");
  for (const LoadedModelInfo& model : loaded) {
    out << "hearth_model_loaded_bytes{model=" << Label(model.name) << "} " << model.bytes << "\n";
  }
  Header(out, "hearth_model_active_requests", "gauge", "Requests each loaded model is serving.");
  for (const LoadedModelInfo& model : loaded) {
    out << "hearth_model_active_requests{model=" << Label(model.name) << "} "
        << model.active_leases << "\n";
  }
  return out.str();
}

}  // namespace hearth
