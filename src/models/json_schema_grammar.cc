// JsonSchemaToGrammar, on llama.cpp's common json-schema-to-grammar.
#include <exception>
#include <string>

#include "json-schema-to-grammar.h"
#include "models/chat_formatter.h"

namespace hearth {
namespace {

// Ollama's `format: "json"`: any JSON object.
constexpr char kAnyObjectSchema[] = R"({"type":"object"})";

}  // namespace

StatusOr<std::string> JsonSchemaToGrammar(std::string_view schema_json) {
  const std::string text(schema_json == "json" ? std::string_view(kAnyObjectSchema) : schema_json);
  common_json schema;
  try {
    schema = common_json::parse(text);
  } catch (const std::exception& e) {
    return InvalidArgumentError(std::string("format is neither \"json\" nor a JSON schema: ") + e.what());
  }
  if (!schema.is_object()) {
    return InvalidArgumentError("format must be \"json\" or a JSON schema object");
  }
  try {
    return json_schema_to_grammar(schema, /*force_gbnf=*/true);
  } catch (const std::exception& e) {
    return InvalidArgumentError(std::string("the JSON schema in format cannot be enforced: ") + e.what());
  }
}

}  // namespace hearth
