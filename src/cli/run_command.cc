// `hearth run MODEL [PROMPT...]`: chat with a model of the running server on
// the terminal, like `ollama run`.
//
//   hearth run stories "Once upon a time"   one answer, streamed, then exit
//   echo "Summarize this" | hearth run m     stdin (after any PROMPT) is the prompt
//   hearth run stories                       interactive: >>> prompts, history kept
//
// Interactive commands: /bye (or Ctrl-D) leaves, /clear forgets the
// conversation, /help lists them; a line of three double quotes starts and
// ends a multi-line message. Ctrl-C while an answer streams stops that answer
// (the server cancels the generation) and returns to the prompt.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>

#include "base/status_macros.h"
#include "cli/commands.h"
#include "cli/global_options.h"
#include "cli/server_flags.h"
#include "cli/store_verbs.h"

namespace hearth::cli {
namespace {

constexpr char kUsage[] =
    "hearth run MODEL [PROMPT...] [--verbose] [--interactive] [--keep-alive D] [--host H --port P]";
constexpr char kMultiLineFence[] = "\"\"\"";

struct RunFlags {
  bool verbose = false;
  bool interactive = false;
  std::string keep_alive;
};

// Set by SIGINT while an answer streams.
std::atomic<bool> interrupted{false};

extern "C" void OnInterrupt(int) { interrupted.store(true); }

// SIGINT stops the current answer instead of the program while alive.
class InterruptStopsAnswer {
 public:
  InterruptStopsAnswer() {
    interrupted.store(false);
    struct sigaction action = {};
    action.sa_handler = OnInterrupt;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &previous_);
  }
  ~InterruptStopsAnswer() { sigaction(SIGINT, &previous_, nullptr); }
  InterruptStopsAnswer(const InterruptStopsAnswer&) = delete;
  InterruptStopsAnswer& operator=(const InterruptStopsAnswer&) = delete;

 private:
  struct sigaction previous_ = {};
};

std::string Explain(const Status& status, const std::string& model) {
  if (status.code() == StatusCode::kNotFound) {
    return status.message() + "\n  install it with 'hearth pull " + model +
           "', or import a GGUF file with 'hearth create " + model + " --from FILE.gguf'";
  }
  return status.message();
}

void PrintStats(const ChatTurnResult& result) {
  auto seconds = [](int64_t ns) { return static_cast<double>(ns) / 1e9; };
  auto rate = [&](int64_t tokens, int64_t ns) { return ns > 0 ? tokens / seconds(ns) : 0.0; };
  std::fprintf(stderr,
               "total duration:       %.3fs\nload duration:        %.3fs\n"
               "prompt eval count:    %lld token(s)\nprompt eval rate:     %.2f tokens/s\n"
               "eval count:           %lld token(s)\neval rate:            %.2f tokens/s\n",
               seconds(result.total_ns), seconds(result.load_ns),
               static_cast<long long>(result.prompt_tokens),
               rate(result.prompt_tokens, result.prompt_eval_ns),
               static_cast<long long>(result.generated_tokens),
               rate(result.generated_tokens, result.eval_ns));
}

// One turn: sends the conversation, streams the answer to stdout, and adds it
// to the conversation. A stopped answer keeps what was said so far.
Status Answer(const ServerAddress& address, const RunFlags& flags, ChatTurnRequest& conversation) {
  InterruptStopsAnswer guard;
  std::string said;
  StatusOr<ChatTurnResult> result = StreamChat(address, conversation, [&said](std::string_view piece) {
    if (interrupted.load()) return false;
    said.append(piece);
    std::cout << piece << std::flush;
    return true;
  });
  std::cout << "\n";
  if (!result.ok() && result.status().code() != StatusCode::kCancelled) {
    conversation.messages.pop_back();  // the question got no answer
    return result.status();
  }
  conversation.messages.push_back({"assistant", result.ok() ? result->content : said});
  if (result.ok() && flags.verbose) PrintStats(*result);
  return OkStatus();
}

// Reads one message at the >>> prompt: a line, or the lines between two
// """ fences. nullopt at end of input.
std::optional<std::string> ReadMessage(std::istream& in, bool show_prompt) {
  if (show_prompt) std::cout << ">>> " << std::flush;
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  if (line.rfind(kMultiLineFence, 0) != 0) return line;
  std::string text = line.substr(3);
  while (std::getline(in, line)) {
    const size_t fence = line.find(kMultiLineFence);
    if (fence != std::string::npos) return text + "\n" + line.substr(0, fence);
    if (show_prompt) std::cout << "... " << std::flush;
    text += "\n" + line;
  }
  return text;
}

Status Interact(const ServerAddress& address, const RunFlags& flags, ChatTurnRequest conversation) {
  const bool terminal = isatty(STDIN_FILENO) != 0;
  if (terminal) std::cout << "Send a message (/? for help)\n";
  while (std::optional<std::string> message = ReadMessage(std::cin, terminal)) {
    if (message->empty()) continue;
    if (*message == "/bye" || *message == "/exit") break;
    if (*message == "/clear") {
      conversation.messages.clear();
      std::cout << "Cleared the conversation.\n";
      continue;
    }
    if (*message == "/?" || *message == "/help") {
      std::cout << "  /clear   forget the conversation\n  /bye     leave (or Ctrl-D)\n"
                   "  \"\"\"      begin and end a multi-line message\n"
                   "  Ctrl-C   stop the answer being written\n";
      continue;
    }
    if ((*message)[0] == '/') {
      std::cout << "Unknown command '" << *message << "'. Type /? for help\n";
      continue;
    }
    conversation.messages.push_back({"user", *message});
    Status answered = Answer(address, flags, conversation);
    if (answered.code() == StatusCode::kUnavailable || answered.code() == StatusCode::kNotFound) {
      return answered;
    }
    if (!answered.ok()) std::cerr << "error: " << answered.message() << "\n";
  }
  return OkStatus();
}

}  // namespace

int RunRun(const CommandArgs& args) {
  GlobalOptions global;
  ServerAddress address;
  RunFlags flags;
  OptionBinder binder;
  BindGlobalOptions(binder, global);
  BindServerAddress(binder, address);
  binder.Bind("verbose", "", &flags.verbose, "print token counts and speeds after each answer");
  binder.Bind("interactive", "", &flags.interactive,
              "read messages from stdin one per line even when it is not a terminal");
  binder.Bind("keep-alive", "", &flags.keep_alive,
              "how long the model stays loaded after the last answer (Ollama's keep_alive)");
  CommandArgs positional;
  if (auto exit_code = ParseVerbFlags(binder, kUsage, args, &positional)) return *exit_code;
  if (positional.empty()) {
    std::cerr << "usage: " << kUsage << "\n";
    return kExitUsage;
  }
  ChatTurnRequest conversation{.model = positional.front()};
  if (!flags.keep_alive.empty()) conversation.keep_alive = flags.keep_alive;
  std::string prompt = JoinWords(CommandArgs(positional.begin() + 1, positional.end()));
  const bool piped = isatty(STDIN_FILENO) == 0 && !flags.interactive;
  if (piped) {
    const std::string input{std::istreambuf_iterator<char>(std::cin), {}};
    prompt += (prompt.empty() || input.empty() ? "" : "\n\n") + input;
  }
  Status status;
  if (!prompt.empty()) {
    conversation.messages.push_back({"user", prompt});
    status = Answer(address, flags, conversation);
  } else if (!piped) {
    status = Interact(address, flags, std::move(conversation));
  } else {
    std::cerr << "hearth run: nothing to ask: give a PROMPT or pipe text to stdin\n";
    return kExitUsage;
  }
  if (status.ok()) return kExitOk;
  std::cerr << "hearth run: " << Explain(status, positional.front()) << "\n";
  return kExitFailure;
}

}  // namespace hearth::cli
