#include "cli/store_verbs.h"

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "base/escaping.h"
#include "base/status_macros.h"
#include "cli/commands.h"

namespace hearth::cli {
namespace {

std::string Plural(int64_t count, std::string_view unit) {
  return std::to_string(count) + " " + std::string(unit) + (count == 1 ? "" : "s") + " ago";
}

}  // namespace

StatusOr<std::unique_ptr<ModelStore>> OpenModelStore(const GlobalOptions& global) {
  RETURN_IF_ERROR(ApplyGlobalOptions(global));
  return ModelStore::Open({.root = std::filesystem::path(global.home) / "models"});
}

std::optional<ModelName> ParseNameArgument(std::string_view verb, std::string_view text) {
  StatusOr<ModelName> name = ParseModelName(text);
  if (!name.ok()) {
    std::cerr << "hearth " << verb << ": " << name.status().message() << "\n";
    return std::nullopt;
  }
  return *std::move(name);
}

int ReportFailure(std::string_view verb, const Status& status) {
  std::cerr << "hearth " << verb << ": " << status.message() << "\n";
  return kExitFailure;
}

std::string HumanBytes(uint64_t bytes) {
  constexpr const char* kUnits[] = {"KB", "MB", "GB", "TB"};
  if (bytes < 1000) return std::to_string(bytes) + " B";
  auto value = static_cast<double>(bytes) / 1000;
  size_t unit = 0;
  while (value >= 1000 && unit + 1 < std::size(kUnits)) {
    value /= 1000;
    ++unit;
  }
  char text[32];
  if (value < 10) {
    std::snprintf(text, sizeof(text), "%.1f %s", value, kUnits[unit]);
  } else {
    std::snprintf(text, sizeof(text), "%d %s", static_cast<int>(value), kUnits[unit]);
  }
  return text;
}

std::string HumanAge(std::chrono::system_clock::time_point then,
                     std::chrono::system_clock::time_point now) {
  using std::chrono::duration_cast;
  if (then > now + std::chrono::seconds(1)) return "In the future";
  const int64_t seconds = duration_cast<std::chrono::seconds>(now - then).count();
  const int64_t minutes = seconds / 60;
  const int64_t hours = minutes / 60;
  const int64_t days = hours / 24;
  if (seconds < 1) return "Less than a second ago";
  if (seconds < 60) return Plural(seconds, "second");
  if (minutes < 2) return "About a minute ago";
  if (minutes < 60) return Plural(minutes, "minute");
  if (hours < 2) return "About an hour ago";
  if (hours < 48) return Plural(hours, "hour");
  if (days < 14) return Plural(days, "day");
  if (days < 60) return Plural(days / 7, "week");
  if (days < 730) return Plural(days / 30, "month");
  return Plural(days / 365, "year");
}

}  // namespace hearth::cli
