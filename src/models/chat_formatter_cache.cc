// ChatFormatterCache: one ChatFormatter per (model blob, template).
#include "models/chat_formatter.h"

#include <map>
#include <mutex>
#include <utility>

#include "base/status_macros.h"
#include "base/thread_annotations.h"

namespace hearth {

struct ChatFormatterCache::State {
  std::mutex mu;
  std::map<std::string, std::shared_ptr<const ChatFormatter>> formatters GUARDED_BY(mu);
};

ChatFormatterCache::ChatFormatterCache() : state_(std::make_unique<State>()) {}
ChatFormatterCache::~ChatFormatterCache() = default;

StatusOr<std::shared_ptr<const ChatFormatter>> ChatFormatterCache::Get(const ResolvedModel& model) {
  if (model.remote.has_value() || !model.model_digest.has_value()) {
    return FailedPreconditionError("model '" + model.entry.name.DisplayName() +
                                   "' is remote; its provider formats chats itself");
  }
  // The template is part of the key: two models on one blob may carry
  // different TEMPLATE layers.
  const std::string key = model.model_digest->Hex() + '\n' + model.template_text;
  // Opening reads the tokenizer (milliseconds); holding the lock meanwhile
  // keeps two requests from opening the same model twice.
  std::lock_guard<std::mutex> lock(state_->mu);
  auto found = state_->formatters.find(key);
  if (found != state_->formatters.end()) return found->second;
  ASSIGN_OR_RETURN(std::unique_ptr<ChatFormatter> opened, ChatFormatter::Open(model));
  std::shared_ptr<const ChatFormatter> shared = std::move(opened);
  state_->formatters.emplace(key, shared);
  return shared;
}

}  // namespace hearth
