#include "server/chat_preparation.h"

#include "base/status_macros.h"

namespace hearth::internal {
namespace {

void PutSystemFirst(const ResolvedModel& model, ChatFormatRequest* chat) {
  std::vector<ChatMessage>& messages = chat->messages;
  if (model.system.empty()) return;
  if (!messages.empty() && messages.front().role == "system") return;
  messages.insert(messages.begin(), ChatMessage{.role = "system", .content = model.system});
}

}  // namespace

StatusOr<std::shared_ptr<const ChatFormatter>> FormatChatFor(const ServerServices& services,
                                                             const ModelLease& lease,
                                                             ChatFormatRequest* chat,
                                                             const std::string& format,
                                                             GenerateRequest* generate) {
  ASSIGN_OR_RETURN(std::shared_ptr<const ChatFormatter> formatter,
                   services.formatters->Get(lease.model()));
  PutSystemFirst(lease.model(), chat);
  ASSIGN_OR_RETURN(FormattedChat formatted, formatter->Format(*chat));
  generate->prompt = std::move(formatted.prompt);
  generate->add_special = !formatted.prompt_has_bos;
  generate->stop.insert(generate->stop.end(), formatted.stop.begin(), formatted.stop.end());
  if (!formatted.grammar.empty()) {
    generate->grammar = std::move(formatted.grammar);
  } else if (!format.empty()) {
    ASSIGN_OR_RETURN(generate->grammar, JsonSchemaToGrammar(format));
  }
  return formatter;
}

Status CheckPromptFits(ModelLease& lease, const GenerateRequest& generate) {
  if (lease.model().remote) return OkStatus();
  ASSIGN_OR_RETURN(std::vector<int32_t> tokens,
                   lease.backend().Tokenize(generate.prompt, generate.add_special));
  const int32_t context = lease.options().context_length;
  if (static_cast<int64_t>(tokens.size()) < context) return OkStatus();
  // The engine's words (models/inference_engine.cc), so that both paths read alike.
  return InvalidArgumentError("the prompt is " + std::to_string(tokens.size()) +
                              " tokens, too long for the context of " + std::to_string(context) +
                              " tokens (it must leave room for the reply): shorten it or ask for "
                              "more context (options.num_ctx, or the model's num_ctx parameter)");
}

StatusOr<LeasedChat> LeaseAndFormatChat(const ServerServices& services, const ModelRequest& model,
                                        ChatFormatRequest* chat, const std::string& format,
                                        GenerateRequest* generate) {
  ASSIGN_OR_RETURN(ModelLease lease, services.scheduler->Acquire(model));
  ASSIGN_OR_RETURN(std::shared_ptr<const ChatFormatter> formatter,
                   FormatChatFor(services, lease, chat, format, generate));
  return LeasedChat{.lease = std::make_shared<ModelLease>(std::move(lease)),
                    .formatter = std::move(formatter)};
}

}  // namespace hearth::internal
