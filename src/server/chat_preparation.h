// What both chat routes (Ollama's /api/chat, OpenAI's /v1/chat/completions)
// do before generating: lease the model from the scheduler, get its chat
// formatter, put the model's SYSTEM text first when the conversation has no
// system message, render the conversation with the template, add the
// template's stop strings, and choose the grammar (the template's tool-call
// grammar first, else the requested response format). Internal to server/.
//
// Thread-safety: thread-safe (the services are).
#ifndef HEARTH_SERVER_CHAT_PREPARATION_H_
#define HEARTH_SERVER_CHAT_PREPARATION_H_

#include <memory>
#include <string>

#include "base/status.h"
#include "models/chat_formatter.h"
#include "models/scheduler.h"
#include "server/server_services.h"

namespace hearth::internal {

struct LeasedChat {
  std::shared_ptr<ModelLease> lease;
  std::shared_ptr<const ChatFormatter> formatter;
};

// `format` is "" (free text), "json" (any JSON object) or a JSON schema as
// text. Fills generate->prompt, add_special, stop and grammar. Errors: the
// scheduler's (NotFound, ResourceExhausted, ...), the formatter's
// (InvalidArgument, FailedPrecondition "does not support tools"), and
// JsonSchemaToGrammar's.
StatusOr<LeasedChat> LeaseAndFormatChat(const ServerServices& services, const ModelRequest& model,
                                        ChatFormatRequest* chat, const std::string& format,
                                        GenerateRequest* generate);

// The same for a model already leased; returns its formatter.
StatusOr<std::shared_ptr<const ChatFormatter>> FormatChatFor(const ServerServices& services,
                                                             const ModelLease& lease,
                                                             ChatFormatRequest* chat,
                                                             const std::string& format,
                                                             GenerateRequest* generate);

// Checks, before a streamed answer's 200 is sent, what the engine would
// check only once generation starts: that `generate`'s prompt, tokenized by
// the lease's model, leaves room in its context for at least one generated
// token. A remote model's provider checks for itself (always OK here).
// Errors: InvalidArgument naming both token counts and options.num_ctx; the
// tokenizer's (Unavailable when the runner died).
Status CheckPromptFits(ModelLease& lease, const GenerateRequest& generate);

}  // namespace hearth::internal

#endif  // HEARTH_SERVER_CHAT_PREPARATION_H_
