// hearth-bench-rag-glue: the peer of issue 9's row B9, the assembly hearth
// replaces. It does what a small RAG script glued from parts does: passages
// embedded by one llama-server (`--embedding`), indexed in hnswlib, and per
// question: embed the question there, take the top k from hnswlib, put them
// in a prompt, stream the answer from a second llama-server (the chat
// model, OpenAI chat route, so the model's own chat template applies).
// Connections are kept alive, as a script's HTTP session keeps them.
//
// bench/rag_bench.mjs runs it as a child and times hearth against it:
//
//   hearth-bench-rag-glue --embed-url http://127.0.0.1:P --chat-url http://127.0.0.1:Q
//                         --passages FILE.jsonl [--ef N]
//
// FILE.jsonl holds one {"text": "..."} per passage. At start the glue embeds
// them all (batches of 32) and builds the index, then prints one line
//   {"ready": true, "passages": N, "dimensions": D, "setup_s": S}
// and answers each line of stdin, {"question", "prompt_tokens",
// "max_tokens"}, with one line: {"embed_ms", "search_ms", "pack_ms",
// "passages", "ttft_ms", "total_ms", "prompt_tokens", "cached_tokens",
// "prefill_ms", "decode_ms", "generated_tokens"}. The prompt takes the
// nearest passages, best first, while it stays within prompt_tokens (counted
// with the chat server's /tokenize), so that it is as large as hearth's for
// the same question: prompt size sets the cost of prefill and, through
// attention, of every decoded token. The answer is greedy and exactly
// max_tokens long (ignore_eos), as long as hearth's; the prefill and decode
// figures are llama-server's own timings. Errors end the program with a
// message on stderr.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <hnswlib/hnswlib.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "base/status.h"
#include "base/status_macros.h"
#include "bench/bench_flags.h"
#include "bench/bench_main.h"

namespace hearth::bench {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr int kEmbedBatch = 32;
constexpr int kHnswM = 16;
constexpr int kHnswEfConstruction = 128;
// Nearest passages fetched per question; the prompt takes them in order.
constexpr size_t kCandidates = 20;
constexpr const char* kSystemPrompt =
    "You answer questions from the numbered sources the user gives. Cite each source you use "
    "as [n]. If the sources do not hold the answer, say so.";

struct Flags {
  std::string embed_url;
  std::string chat_url;
  std::string passages;
  int ef = 64;
};

double MillisSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

StatusOr<json> PostJson(httplib::Client& client, const std::string& path, const json& body) {
  httplib::Result result = client.Post(path, body.dump(), "application/json");
  if (!result) return UnavailableError("POST " + path + ": " + httplib::to_string(result.error()));
  if (result->status != 200) {
    return InternalError("POST " + path + ": " + std::to_string(result->status) + " " + result->body);
  }
  json parsed = json::parse(result->body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return InternalError("POST " + path + ": the answer is not JSON");
  return parsed;
}

void Normalize(std::vector<float>& vector) {
  double norm = 0;
  for (float v : vector) norm += double(v) * v;
  if (norm <= 0) return;
  const float scale = float(1.0 / std::sqrt(norm));
  for (float& v : vector) v *= scale;
}

// The unit vectors of `texts`, in order, from the embedding server's
// OpenAI route.
StatusOr<std::vector<std::vector<float>>> Embed(httplib::Client& embedder,
                                                const std::vector<std::string>& texts) {
  ASSIGN_OR_RETURN(json answer, PostJson(embedder, "/v1/embeddings", {{"input", texts}}));
  std::vector<std::vector<float>> vectors(texts.size());
  for (const json& item : answer.at("data")) {
    const size_t index = item.at("index").get<size_t>();
    if (index >= vectors.size()) return InternalError("an embedding's index is out of range");
    vectors[index] = item.at("embedding").get<std::vector<float>>();
    Normalize(vectors[index]);
  }
  for (const auto& vector : vectors) {
    if (vector.empty() || vector.size() != vectors[0].size()) {
      return InternalError("the embedding server left a text without a vector");
    }
  }
  return vectors;
}

StatusOr<std::vector<std::string>> ReadPassages(const std::string& file) {
  std::ifstream in(file);
  if (!in) return NotFoundError("cannot read " + file);
  std::vector<std::string> passages;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    const json passage = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!passage.is_object() || !passage.contains("text") || !passage["text"].is_string()) {
      return InvalidArgumentError(file + ": a line is not {\"text\": \"...\"}");
    }
    passages.push_back(passage["text"].get<std::string>());
  }
  if (passages.empty()) return InvalidArgumentError(file + " holds no passage");
  return passages;
}

class Glue {
 public:
  Glue(const Flags& flags) : embedder_(flags.embed_url), chat_(flags.chat_url), ef_(flags.ef) {
    for (httplib::Client* client : {&embedder_, &chat_}) {
      client->set_keep_alive(true);
      client->set_read_timeout(std::chrono::minutes(10));
    }
  }

  // Embeds and indexes the passages.
  Status Index(std::vector<std::string> passages) {
    passages_ = std::move(passages);
    for (size_t begin = 0; begin < passages_.size(); begin += kEmbedBatch) {
      const size_t end = std::min(passages_.size(), begin + kEmbedBatch);
      ASSIGN_OR_RETURN(auto vectors,
                       Embed(embedder_, std::vector<std::string>(passages_.begin() + begin,
                                                                 passages_.begin() + end)));
      if (!index_) {
        dimensions_ = vectors[0].size();
        space_ = std::make_unique<hnswlib::InnerProductSpace>(dimensions_);
        index_ = std::make_unique<hnswlib::HierarchicalNSW<float>>(
            space_.get(), passages_.size(), kHnswM, kHnswEfConstruction);
      }
      for (size_t i = 0; i < vectors.size(); ++i) {
        if (vectors[i].size() != dimensions_) return InternalError("embeddings changed dimensions");
        index_->addPoint(vectors[i].data(), begin + i);
      }
    }
    index_->setEf(ef_);
    return OkStatus();
  }

  size_t passages() const { return passages_.size(); }
  size_t dimensions() const { return dimensions_; }

  StatusOr<json> Answer(const json& request) {
    if (!request.is_object() || !request.contains("question") || !request["question"].is_string() ||
        !request.contains("prompt_tokens") || !request["prompt_tokens"].is_number_unsigned() ||
        !request.contains("max_tokens") || !request["max_tokens"].is_number_unsigned()) {
      return InvalidArgumentError(
          "a request is not {\"question\", \"prompt_tokens\", \"max_tokens\"}");
    }
    const std::string question = request.at("question").get<std::string>();
    const size_t prompt_tokens = request.at("prompt_tokens").get<size_t>();
    const int max_tokens = request.at("max_tokens").get<int>();
    json result;
    const Clock::time_point start = Clock::now();
    ASSIGN_OR_RETURN(auto vectors, Embed(embedder_, {question}));
    result["embed_ms"] = MillisSince(start);
    const Clock::time_point searched = Clock::now();
    auto found = index_->searchKnn(vectors[0].data(), std::min(kCandidates, passages_.size()));
    std::vector<size_t> ranked;
    for (; !found.empty(); found.pop()) ranked.push_back(found.top().second);
    std::reverse(ranked.begin(), ranked.end());  // the queue pops the farthest first
    result["search_ms"] = MillisSince(searched);
    const Clock::time_point packed = Clock::now();
    ASSIGN_OR_RETURN(std::vector<size_t> ids, Pack(ranked, question, prompt_tokens));
    result["pack_ms"] = MillisSince(packed);
    result["passages"] = ids.size();
    RETURN_IF_ERROR(Stream(PromptFor(ids, question), max_tokens, start, result));
    result["total_ms"] = MillisSince(start);
    return result;
  }

 private:
  // Tokens of `text` in the chat model's vocabulary (its /tokenize route).
  StatusOr<size_t> CountTokens(const std::string& text) {
    ASSIGN_OR_RETURN(json answer, PostJson(chat_, "/tokenize", {{"content", text}}));
    return answer.at("tokens").size();
  }

  // The passages of `ranked`, best first, while the prompt stays within
  // `target` tokens (at least one): a glue that budgets its prompt, given
  // the size hearth's prompt had, so both sides prefill alike.
  StatusOr<std::vector<size_t>> Pack(const std::vector<size_t>& ranked, const std::string& question,
                                     size_t target) {
    ASSIGN_OR_RETURN(size_t used, CountTokens(std::string(kSystemPrompt) + "\n" + question));
    std::vector<size_t> ids;
    for (size_t id : ranked) {
      ASSIGN_OR_RETURN(size_t tokens, CountTokens(passages_[id]));
      if (!ids.empty() && used + tokens > target) break;
      ids.push_back(id);
      used += tokens;
    }
    return ids;
  }

  std::string PromptFor(const std::vector<size_t>& ids, const std::string& question) const {
    std::string prompt = "Sources:\n";
    for (size_t i = 0; i < ids.size(); ++i) {
      prompt += "[" + std::to_string(i + 1) + "] " + passages_[ids[i]] + "\n\n";
    }
    return prompt + "Question: " + question;
  }

  // Streams the chat answer; records the time to the first token and
  // llama-server's timings from the last event.
  Status Stream(const std::string& prompt, int max_tokens, Clock::time_point start, json& result) {
    const json body = {
        {"messages", json::array({{{"role", "system"}, {"content", kSystemPrompt}},
                                  {{"role", "user"}, {"content", prompt}}})},
        {"stream", true}, {"temperature", 0}, {"max_tokens", max_tokens}, {"ignore_eos", true}};
    std::string buffered;
    json timings;
    bool first = true;
    httplib::Result response = chat_.Post(
        "/v1/chat/completions", httplib::Headers{}, body.dump(), "application/json",
        [&](const char* data, size_t length) {
          buffered.append(data, length);
          for (size_t end; (end = buffered.find("\n\n")) != std::string::npos;) {
            const std::string event = buffered.substr(0, end);
            buffered.erase(0, end + 2);
            if (!event.starts_with("data: ") || event == "data: [DONE]") continue;
            const json chunk = json::parse(event.substr(6), nullptr, false);
            if (chunk.is_discarded()) continue;
            if (first && chunk.contains("choices") && !chunk["choices"].empty() &&
                chunk["choices"][0]["delta"].contains("content")) {
              result["ttft_ms"] = MillisSince(start);
              first = false;
            }
            if (chunk.contains("timings")) timings = chunk["timings"];
          }
          return true;
        });
    if (!response) return UnavailableError("chat: " + httplib::to_string(response.error()));
    if (response->status != 200) return InternalError("chat: status " + std::to_string(response->status));
    if (first || timings.is_null()) return InternalError("chat: the stream had no token or no timings");
    result["prompt_tokens"] = timings.value("prompt_n", 0) + timings.value("cache_n", 0);
    result["cached_tokens"] = timings.value("cache_n", 0);
    result["prefill_ms"] = timings.value("prompt_ms", 0.0);
    result["decode_ms"] = timings.value("predicted_ms", 0.0);
    result["generated_tokens"] = timings.value("predicted_n", 0);
    return OkStatus();
  }

  httplib::Client embedder_;
  httplib::Client chat_;
  int ef_;
  std::vector<std::string> passages_;
  size_t dimensions_ = 0;
  std::unique_ptr<hnswlib::InnerProductSpace> space_;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> index_;
};

Status Run(const Flags& flags) {
  const Clock::time_point start = Clock::now();
  ASSIGN_OR_RETURN(std::vector<std::string> passages, ReadPassages(flags.passages));
  Glue glue(flags);
  RETURN_IF_ERROR(glue.Index(std::move(passages)));
  std::cout << json{{"ready", true}, {"passages", glue.passages()}, {"dimensions", glue.dimensions()},
                    {"setup_s", MillisSince(start) / 1000}}.dump()
            << std::endl;
  for (std::string line; std::getline(std::cin, line);) {
    if (line.empty()) continue;
    ASSIGN_OR_RETURN(json result, glue.Answer(json::parse(line, nullptr, /*allow_exceptions=*/false)));
    std::cout << result.dump() << std::endl;
  }
  return OkStatus();
}

StatusOr<Flags> ParseFlags(int argc, char** argv) {
  Flags flags;
  FlagParser parser(
      "hearth-bench-rag-glue --embed-url URL --chat-url URL --passages FILE.jsonl [--ef N]");
  parser.Text("--embed-url", &flags.embed_url)
      .Text("--chat-url", &flags.chat_url)
      .Text("--passages", &flags.passages)
      .Int("--ef", &flags.ef);
  RETURN_IF_ERROR(parser.Parse(argc, argv));
  if (flags.embed_url.empty() || flags.chat_url.empty() || flags.passages.empty() || flags.ef < 1) {
    return parser.Usage();
  }
  return flags;
}

}  // namespace
}  // namespace hearth::bench

int main(int argc, char** argv) {
  return hearth::bench::BenchMain("hearth-bench-rag-glue", argc, argv, hearth::bench::ParseFlags,
                                  hearth::bench::Run);
}
