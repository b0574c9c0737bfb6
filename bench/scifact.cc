#include "bench/scifact.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string_view>

#include "base/status_macros.h"
#include "nlohmann/json.hpp"

namespace hearth::bench {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

// Calls `each` with every line of `path` and its 1-based number.
Status ForEachLine(const fs::path& path,
                   const std::function<Status(const std::string&, size_t)>& each) {
  std::ifstream in(path);
  if (!in) return NotFoundError("cannot read " + path.string());
  std::string line;
  for (size_t number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    Status status = each(line, number);
    if (!status.ok()) return status.WithContext(path.string() + ":" + std::to_string(number));
  }
  return OkStatus();
}

// The string field `key` of a JSON object line.
StatusOr<std::string> Field(const Json& record, const char* key) {
  auto it = record.find(key);
  if (it == record.end() || !it->is_string()) {
    return InvalidArgumentError(std::string("no string field \"") + key + "\"");
  }
  return it->get<std::string>();
}

StatusOr<Json> ParseLine(const std::string& line) {
  Json record = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!record.is_object()) return InvalidArgumentError("not a JSON object");
  return record;
}

Status ReadDocuments(const fs::path& path, std::vector<ScifactDocument>* out) {
  return ForEachLine(path, [&](const std::string& line, size_t) -> Status {
    ASSIGN_OR_RETURN(Json record, ParseLine(line));
    ScifactDocument doc;
    ASSIGN_OR_RETURN(doc.id, Field(record, "_id"));
    ASSIGN_OR_RETURN(doc.title, Field(record, "title"));
    ASSIGN_OR_RETURN(doc.text, Field(record, "text"));
    out->push_back(std::move(doc));
    return OkStatus();
  });
}

Status ReadQueries(const fs::path& path, std::map<std::string, std::string>* out) {
  return ForEachLine(path, [&](const std::string& line, size_t) -> Status {
    ASSIGN_OR_RETURN(Json record, ParseLine(line));
    ASSIGN_OR_RETURN(std::string id, Field(record, "_id"));
    ASSIGN_OR_RETURN((*out)[id], Field(record, "text"));
    return OkStatus();
  });
}

// query id -> (document id -> grade); the header line is skipped.
Status ReadQrels(const fs::path& path, std::map<std::string, std::map<std::string, int>>* out) {
  return ForEachLine(path, [&](const std::string& line, size_t number) -> Status {
    if (number == 1) return OkStatus();
    std::istringstream fields(line);
    std::string query, document;
    int grade = 0;
    if (!(fields >> query >> document >> grade)) {
      return InvalidArgumentError("expected \"query-id corpus-id score\"");
    }
    if (grade > 0) (*out)[query][document] = grade;
    return OkStatus();
  });
}

}  // namespace

StatusOr<ScifactSet> LoadScifact(const fs::path& dir) {
  ScifactSet set;
  RETURN_IF_ERROR(ReadDocuments(dir / "corpus.jsonl", &set.documents));
  std::map<std::string, std::string> queries;
  RETURN_IF_ERROR(ReadQueries(dir / "queries.jsonl", &queries));
  std::map<std::string, std::map<std::string, int>> qrels;
  RETURN_IF_ERROR(ReadQrels(dir / "qrels" / "test.tsv", &qrels));
  for (auto& [id, relevant] : qrels) {
    auto query = queries.find(id);
    if (query == queries.end()) {
      return InvalidArgumentError("qrels/test.tsv names query " + id + ", which queries.jsonl lacks");
    }
    set.test_queries.push_back({.id = id, .text = query->second, .relevant = std::move(relevant)});
  }
  for (auto& [id, text] : queries) set.all_query_texts.push_back(std::move(text));
  return set;
}

double NdcgAt10(const std::vector<std::string>& ranked, const std::map<std::string, int>& relevant) {
  constexpr size_t kCut = 10;
  double dcg = 0;
  for (size_t i = 0; i < std::min(kCut, ranked.size()); ++i) {
    auto it = relevant.find(ranked[i]);
    if (it != relevant.end()) dcg += it->second / std::log2(static_cast<double>(i) + 2);
  }
  std::vector<int> grades;
  for (const auto& [id, grade] : relevant) grades.push_back(grade);
  std::sort(grades.rbegin(), grades.rend());
  double ideal = 0;
  for (size_t i = 0; i < std::min(kCut, grades.size()); ++i) {
    ideal += grades[i] / std::log2(static_cast<double>(i) + 2);
  }
  return ideal > 0 ? dcg / ideal : 0;
}

double RecallAt100(const std::vector<std::string>& ranked,
                   const std::map<std::string, int>& relevant) {
  if (relevant.empty()) return 0;
  size_t found = 0;
  for (size_t i = 0; i < std::min<size_t>(100, ranked.size()); ++i) {
    found += relevant.count(ranked[i]);
  }
  return static_cast<double>(found) / static_cast<double>(relevant.size());
}

}  // namespace hearth::bench
