#include "models/remote_backend.h"

#include <cmath>
#include <functional>
#include <span>
#include <string_view>
#include <utility>

#include "base/escaping.h"
#include "base/status_macros.h"
#include "models/http_fetcher.h"
#include "models/model_config.h"
#include "nlohmann/json.hpp"

namespace hearth {
namespace {

using Json = nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

constexpr uint32_t kRandomSeed = 0xFFFFFFFF;

std::string WithoutTrailingSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// Splits a streamed body into lines (without "\n" or "\r") for `on_line`.
class LineSplitter {
 public:
  LineSplitter(size_t max_line_bytes, std::function<Status(std::string_view)> on_line)
      : max_line_bytes_(max_line_bytes), on_line_(std::move(on_line)) {}

  Status Feed(std::span<const uint8_t> bytes) {
    for (uint8_t byte : bytes) {
      if (byte != '\n') {
        if (pending_.size() >= max_line_bytes_) {
          return InternalError("the remote provider sent a line longer than " +
                               std::to_string(max_line_bytes_) + " bytes");
        }
        pending_.push_back(static_cast<char>(byte));
        continue;
      }
      RETURN_IF_ERROR(Flush());
    }
    return OkStatus();
  }

  // Delivers a last line that did not end in "\n".
  Status Finish() { return pending_.empty() ? OkStatus() : Flush(); }

 private:
  Status Flush() {
    std::string line = std::move(pending_);
    pending_.clear();
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line.empty() ? OkStatus() : on_line_(line);
  }

  const size_t max_line_bytes_;
  const std::function<Status(std::string_view)> on_line_;
  std::string pending_;
};

// The message of an {"error": "..."} or {"error": {"message": "..."}} reply.
std::string ErrorMessageOf(const Json& json) {
  auto it = json.find("error");
  if (it == json.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_object() && it->contains("message") && (*it)["message"].is_string()) {
    return (*it)["message"].get<std::string>();
  }
  return it->dump();
}

StatusOr<Json> ParseReply(std::string_view text, std::string_view what) {
  Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    return InternalError("the remote provider sent " + std::string(what) +
                         " that is not a JSON object: " + QuoteForDisplay(text));
  }
  return json;
}

// A non-2xx answer as a Status: the provider's own message, quoted.
Status HttpStatusError(const std::string& where, const HttpResponse& response) {
  std::string detail = response.error_body;
  Json json = Json::parse(detail, nullptr, /*allow_exceptions=*/false);
  if (!json.is_discarded() && json.is_object() && json.contains("error")) {
    detail = ErrorMessageOf(json);
  }
  const std::string message = "remote provider " + where + " answered HTTP " +
                              std::to_string(response.status) + ": " + QuoteForDisplay(detail, 300);
  switch (response.status) {
    case 400: return InvalidArgumentError(message);
    case 401:
    case 403: return PermissionDeniedError(message + " (check the API key)");
    case 404: return NotFoundError(message);
    case 429: return ResourceExhaustedError(message);
    default:
      if (response.status >= 500) return UnavailableError(message);
      return InternalError(message);
  }
}

int64_t IntOr(const Json& json, const char* key, int64_t fallback) {
  auto it = json.find(key);
  return it != json.end() && it->is_number_integer() ? it->get<int64_t>() : fallback;
}

std::string StringOr(const Json& json, const char* key) {
  auto it = json.find(key);
  return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void Normalize(std::vector<float>& vector) {
  double sum = 0;
  for (float value : vector) sum += static_cast<double>(value) * value;
  if (sum <= 0) return;
  const double scale = 1.0 / std::sqrt(sum);
  for (float& value : vector) value = static_cast<float>(value * scale);
}

// Counts a request in flight for Stats().
class ActiveRequest {
 public:
  explicit ActiveRequest(std::atomic<int32_t>& count) : count_(count) { count_++; }
  ~ActiveRequest() { count_--; }
  ActiveRequest(const ActiveRequest&) = delete;
  ActiveRequest& operator=(const ActiveRequest&) = delete;

 private:
  std::atomic<int32_t>& count_;
};

// One streamed generation: turns provider lines into pieces and a result.
class GenerationStream {
 public:
  GenerationStream(const PieceCallback& on_piece, SteadyClock::time_point start)
      : on_piece_(on_piece), start_(start) {}

  // An Ollama NDJSON line.
  Status OllamaLine(std::string_view line) {
    ASSIGN_OR_RETURN(Json json, ParseReply(line, "a stream line"));
    if (json.contains("error")) {
      return InternalError("remote provider error: " + ErrorMessageOf(json));
    }
    RETURN_IF_ERROR(Emit(StringOr(json, "response")));
    if (json.value("done", false)) {
      done_ = true;
      if (StringOr(json, "done_reason") == "length") result_.finish_reason = FinishReason::kLength;
      result_.prompt_tokens = static_cast<int32_t>(IntOr(json, "prompt_eval_count", 0));
      result_.generated_tokens = static_cast<int32_t>(IntOr(json, "eval_count", pieces_));
      result_.prefill_duration = std::chrono::nanoseconds(IntOr(json, "prompt_eval_duration", 0));
      result_.decode_duration = std::chrono::nanoseconds(IntOr(json, "eval_duration", 0));
    }
    return OkStatus();
  }

  // A server-sent-events line of an OpenAI completions stream.
  Status OpenAiLine(std::string_view line) {
    if (line.starts_with(":") || !line.starts_with("data:")) return OkStatus();
    line.remove_prefix(5);
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    if (line == "[DONE]") {
      done_ = true;
      return OkStatus();
    }
    ASSIGN_OR_RETURN(Json json, ParseReply(line, "an event"));
    if (json.contains("error")) {
      return InternalError("remote provider error: " + ErrorMessageOf(json));
    }
    if (auto usage = json.find("usage"); usage != json.end() && usage->is_object()) {
      usage_seen_ = true;
      result_.prompt_tokens = static_cast<int32_t>(IntOr(*usage, "prompt_tokens", 0));
      result_.generated_tokens = static_cast<int32_t>(IntOr(*usage, "completion_tokens", 0));
    }
    auto choices = json.find("choices");
    if (choices == json.end() || !choices->is_array() || choices->empty()) return OkStatus();
    const Json& choice = choices->front();
    if (!choice.is_object()) return OkStatus();
    if (StringOr(choice, "finish_reason") == "length") {
      result_.finish_reason = FinishReason::kLength;
    }
    return Emit(StringOr(choice, "text"));
  }

  bool done() const { return done_; }

  GenerateResult Finish(bool measured_durations) {
    if (!measured_durations) {
      const SteadyClock::time_point end = SteadyClock::now();
      const SteadyClock::time_point first = pieces_ > 0 ? first_piece_ : end;
      result_.prefill_duration = first - start_;
      result_.decode_duration = end - first;
    }
    if (!usage_seen_ && result_.generated_tokens == 0) result_.generated_tokens = pieces_;
    return std::move(result_);
  }

 private:
  Status Emit(std::string text) {
    if (text.empty()) return OkStatus();
    if (pieces_++ == 0) first_piece_ = SteadyClock::now();
    result_.text += text;
    if (on_piece_ && !on_piece_(GeneratePiece{.text = std::move(text), .token_count = 1})) {
      return CancelledError("generation was cancelled by the caller");
    }
    return OkStatus();
  }

  const PieceCallback& on_piece_;
  const SteadyClock::time_point start_;
  SteadyClock::time_point first_piece_;
  GenerateResult result_;
  int32_t pieces_ = 0;
  bool done_ = false;
  bool usage_seen_ = false;
};

Json OllamaGenerateBody(const std::string& model, const GenerateRequest& request) {
  const SamplingOptions& s = request.sampling;
  Json options = {{"temperature", s.temperature},       {"top_k", s.top_k},
                  {"top_p", s.top_p},                   {"min_p", s.min_p},
                  {"repeat_penalty", s.repeat_penalty}, {"repeat_last_n", s.repeat_last_n},
                  {"presence_penalty", s.presence_penalty},
                  {"frequency_penalty", s.frequency_penalty}};
  if (s.seed != kRandomSeed) options["seed"] = s.seed;
  if (request.max_tokens >= 0) options["num_predict"] = request.max_tokens;
  if (!request.stop.empty()) options["stop"] = request.stop;
  return {{"model", model}, {"prompt", request.prompt}, {"raw", true},
          {"stream", true}, {"options", std::move(options)}};
}

Json OpenAiCompletionBody(const std::string& model, const GenerateRequest& request) {
  const SamplingOptions& s = request.sampling;
  Json body = {{"model", model},
               {"prompt", request.prompt},
               {"stream", true},
               {"stream_options", {{"include_usage", true}}},
               {"temperature", s.temperature},
               {"top_p", s.top_p},
               {"presence_penalty", s.presence_penalty},
               {"frequency_penalty", s.frequency_penalty}};
  if (s.seed != kRandomSeed) body["seed"] = s.seed;
  if (request.max_tokens >= 0) body["max_tokens"] = request.max_tokens;
  if (!request.stop.empty()) body["stop"] = request.stop;
  return body;
}

// The vectors of an embedding reply, in input order.
StatusOr<std::vector<std::vector<float>>> EmbeddingsOf(const Json& reply, bool openai) {
  std::vector<std::vector<float>> vectors;
  try {
    if (!openai) return reply.at("embeddings").get<std::vector<std::vector<float>>>();
    const Json& data = reply.at("data");
    vectors.resize(data.size());
    for (const Json& item : data) {
      const size_t index = item.value("index", size_t{0});
      if (index >= vectors.size()) return InternalError("embedding index out of range");
      vectors[index] = item.at("embedding").get<std::vector<float>>();
    }
  } catch (const Json::exception& e) {
    return InternalError(std::string("the remote provider's embedding reply is malformed: ") +
                         e.what());
  }
  return vectors;
}

}  // namespace

StatusOr<std::unique_ptr<RemoteBackend>> RemoteBackend::Open(const RemoteModel& remote,
                                                             std::string display_name,
                                                             RemoteBackendOptions options) {
  RETURN_IF_ERROR(ValidateRemoteModel(remote));
  return std::unique_ptr<RemoteBackend>(
      new RemoteBackend(remote, std::move(display_name), options));
}

RemoteBackend::RemoteBackend(RemoteModel remote, std::string display_name,
                             RemoteBackendOptions options)
    : remote_(std::move(remote)), display_name_(std::move(display_name)), options_(options) {}

bool RemoteBackend::IsOpenAi() const { return remote_.api == "openai"; }

std::string RemoteBackend::UrlOf(std::string_view ollama_path,
                                 std::string_view openai_path) const {
  return WithoutTrailingSlash(remote_.base_url) +
         std::string(IsOpenAi() ? openai_path : ollama_path);
}

StatusOr<std::string> RemoteBackend::Post(const std::string& url, const std::string& body,
                                          const std::function<Status(std::span<const uint8_t>)>& on_body,
                                          std::stop_token stop) const {
  HttpRequest request{.url = url,
                      .headers = {{"Content-Type", "application/json"},
                                  {"Accept", "application/json, text/event-stream"}},
                      .post_body = body};
  if (!remote_.api_key_env.empty()) {
    const Environment& env =
        options_.environment != nullptr ? *options_.environment : Environment::Process();
    std::optional<std::string> key = env.Get(remote_.api_key_env);
    if (!key || key->empty()) {
      return FailedPreconditionError("model '" + display_name_ + "' takes its API key from $" +
                                     remote_.api_key_env + ", which is not set");
    }
    request.headers.emplace_back("Authorization", "Bearer " + *key);
  }
  HttpFetcher fetcher({.allow_http = true,
                       .max_redirects = 0,
                       .connect_timeout = options_.connect_timeout,
                       .low_speed_bytes = 1,
                       .low_speed_time = options_.stall_timeout});
  StatusOr<HttpResponse> response = fetcher.Fetch(request, {}, on_body, stop);
  if (!response.ok()) {
    const Status& status = response.status();
    if (status.code() == StatusCode::kUnavailable) {
      return UnavailableError("cannot reach remote provider " + url + " for '" + display_name_ +
                              "': " + status.message());
    }
    if (status.code() == StatusCode::kDeadlineExceeded) {
      return DeadlineExceededError("remote provider " + url + " for '" + display_name_ +
                                   "' stalled: " + status.message());
    }
    return status;
  }
  if (response->status < 200 || response->status >= 300) return HttpStatusError(url, *response);
  return url;
}

StatusOr<GenerateResult> RemoteBackend::Generate(const GenerateRequest& request,
                                                 const PieceCallback& on_piece,
                                                 std::stop_token stop) {
  if (request.prompt.empty()) return InvalidArgumentError("the prompt is empty");
  if (!request.grammar.empty()) {
    return InvalidArgumentError("model '" + display_name_ +
                                "' is served by a remote provider, which takes no grammar "
                                "(structured output) from hearth");
  }
  ActiveRequest active(active_requests_);
  const Json body = IsOpenAi() ? OpenAiCompletionBody(remote_.model, request)
                               : OllamaGenerateBody(remote_.model, request);
  GenerationStream stream(on_piece, SteadyClock::now());
  LineSplitter lines(options_.max_line_bytes, [&](std::string_view line) {
    return IsOpenAi() ? stream.OpenAiLine(line) : stream.OllamaLine(line);
  });
  size_t total = 0;
  ASSIGN_OR_RETURN(std::string url,
                   Post(UrlOf("/api/generate", "/completions"), body.dump(),
                        [&](std::span<const uint8_t> bytes) -> Status {
                          total += bytes.size();
                          if (total > options_.max_response_bytes) {
                            return InternalError("the remote provider's reply exceeds " +
                                                 std::to_string(options_.max_response_bytes) +
                                                 " bytes");
                          }
                          return lines.Feed(bytes);
                        },
                        stop));
  RETURN_IF_ERROR(lines.Finish());
  if (stop.stop_requested()) return CancelledError("generation was cancelled");
  // An OpenAI stream without "[DONE]" but with a finish_reason is accepted.
  if (!stream.done() && !IsOpenAi()) {
    return UnavailableError("remote provider " + url + " ended the stream for '" + display_name_ +
                            "' before it was done");
  }
  return stream.Finish(/*measured_durations=*/!IsOpenAi());
}

StatusOr<EmbedResult> RemoteBackend::Embed(const EmbedRequest& request, std::stop_token stop) {
  if (request.inputs.empty()) return InvalidArgumentError("no inputs to embed");
  ActiveRequest active(active_requests_);
  const SteadyClock::time_point start = SteadyClock::now();
  Json body = {{"model", remote_.model}, {"input", request.inputs}};
  if (!IsOpenAi()) body["truncate"] = request.truncate;
  std::string reply_text;
  ASSIGN_OR_RETURN(std::string url,
                   Post(UrlOf("/api/embed", "/embeddings"), body.dump(),
                        [&](std::span<const uint8_t> bytes) -> Status {
                          if (reply_text.size() + bytes.size() > options_.max_response_bytes) {
                            return InternalError("the remote provider's reply exceeds " +
                                                 std::to_string(options_.max_response_bytes) +
                                                 " bytes");
                          }
                          reply_text.append(reinterpret_cast<const char*>(bytes.data()),
                                            bytes.size());
                          return OkStatus();
                        },
                        stop));
  ASSIGN_OR_RETURN(Json reply, ParseReply(reply_text, "an embedding reply"));
  ASSIGN_OR_RETURN(std::vector<std::vector<float>> vectors, EmbeddingsOf(reply, IsOpenAi()));
  if (vectors.size() != request.inputs.size()) {
    return InternalError("remote provider " + url + " returned " + std::to_string(vectors.size()) +
                         " embeddings for " + std::to_string(request.inputs.size()) + " inputs");
  }
  EmbedResult result;
  for (std::vector<float>& vector : vectors) {
    if (vector.empty()) return InternalError("remote provider " + url + " returned an empty embedding");
    if (request.normalize) Normalize(vector);
  }
  result.embeddings = std::move(vectors);
  result.truncated.assign(request.inputs.size(), false);
  result.prompt_tokens =
      IsOpenAi() ? static_cast<int32_t>(IntOr(reply.value("usage", Json::object()), "prompt_tokens", 0))
                 : static_cast<int32_t>(IntOr(reply, "prompt_eval_count", 0));
  result.duration = SteadyClock::now() - start;
  return result;
}

StatusOr<RerankResult> RemoteBackend::Rerank(const RerankRequest&, std::stop_token) {
  return FailedPreconditionError("model '" + display_name_ +
                                 "' is served by a remote provider, which hearth cannot ask "
                                 "to rerank");
}

StatusOr<std::vector<int32_t>> RemoteBackend::Tokenize(const std::string&, bool) {
  return FailedPreconditionError("model '" + display_name_ +
                                 "' is served by a remote provider; its tokenizer is not here");
}

StatusOr<std::string> RemoteBackend::Detokenize(const std::vector<int32_t>&) {
  return FailedPreconditionError("model '" + display_name_ +
                                 "' is served by a remote provider; its tokenizer is not here");
}

StatusOr<InferenceStats> RemoteBackend::Stats() {
  InferenceStats stats;
  stats.active_requests = active_requests_.load();
  return stats;
}

}  // namespace hearth
