#include "rag/thread_prompt.h"

namespace hearth {
namespace {

std::string NumberList(std::span<const int32_t> numbers) {
  std::string list;
  for (int32_t number : numbers) {
    if (!list.empty()) list += ", ";
    list += "[" + std::to_string(number) + "]";
  }
  return list;
}

}  // namespace

std::string RenderUserTurn(std::span<const Passage> new_passages,
                           std::span<const int32_t> recited_numbers, std::string_view question) {
  std::string content;
  if (!new_passages.empty()) {
    content += "Sources:\n";
    for (const Passage& passage : new_passages) {
      content += CitationHeader(passage) + passage.text;
      content += passage.text.ends_with('\n') ? "\n" : "\n\n";
    }
  }
  if (!recited_numbers.empty()) {
    content += "Sources given earlier that apply again: " + NumberList(recited_numbers) + "\n\n";
  }
  if (!content.empty()) content += "Question: ";
  content += question;
  return content;
}

std::vector<ThreadMessage> ThreadConversation(std::string_view system_prompt,
                                                std::span<const PriorTurn> prior,
                                                std::string_view user_content) {
  std::vector<ThreadMessage> messages;
  if (!system_prompt.empty()) messages.push_back({"system", std::string(system_prompt)});
  for (const PriorTurn& turn : prior) {
    if (turn.answer.empty()) continue;
    messages.push_back({"user", turn.user_content});
    messages.push_back({"assistant", turn.answer});
  }
  messages.push_back({"user", std::string(user_content)});
  return messages;
}

}  // namespace hearth
