#include "models/stop_matcher.h"

#include <algorithm>
#include <utility>

namespace hearth {

StopMatcher::StopMatcher(std::vector<std::string> stops) : stops_(std::move(stops)) {
  std::erase_if(stops_, [](const std::string& stop) { return stop.empty(); });
}

std::string StopMatcher::Append(std::string_view text) {
  if (stopped_) return "";
  held_ += text;
  size_t first = std::string::npos;
  for (const std::string& stop : stops_) first = std::min(first, held_.find(stop));
  if (first != std::string::npos) {
    std::string before = held_.substr(0, first);
    held_.clear();
    stopped_ = true;
    return before;
  }
  const size_t keep = PossibleStartLength();
  std::string ready = held_.substr(0, held_.size() - keep);
  held_.erase(0, held_.size() - keep);
  return ready;
}

std::string StopMatcher::Flush() {
  std::string rest = std::move(held_);
  held_.clear();
  return rest;
}

size_t StopMatcher::PossibleStartLength() const {
  size_t longest = 0;
  const std::string_view held(held_);
  for (const std::string& stop : stops_) {
    const size_t limit = std::min(held.size(), stop.size() - 1);
    for (size_t length = limit; length > longest; --length) {
      if (held.substr(held.size() - length) == std::string_view(stop).substr(0, length)) {
        longest = length;
        break;
      }
    }
  }
  return longest;
}

}  // namespace hearth
