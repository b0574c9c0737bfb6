#include "server/request_limits.h"

#include <string>

#include "base/utf8.h"
#include "base/value_parsers.h"

namespace hearth::internal {
namespace {

std::string Quoted(std::string_view text) { return "'" + std::string(Utf8Prefix(text, 80)) + "'"; }

bool HasForbiddenCharacter(std::string_view name) {
  for (const char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f || c == '/' || c == '\\') return true;
  }
  return false;
}

}  // namespace

BodyLimit BodyLimitFor(bool blob_upload, bool multipart, const ServerLimits& limits) {
  if (blob_upload) return {limits.max_blob_bytes, "--max-blob-size"};
  if (multipart || limits.max_request_bytes <= limits.max_json_bytes) {
    return {limits.max_request_bytes, "--max-request-size"};
  }
  return {limits.max_json_bytes, "--max-json-size"};
}

Status BodyTooLarge(const BodyLimit& limit) {
  return InvalidArgumentError("request body too large: the limit is " + FormatByteSize(limit.bytes) +
                              " (" + limit.flag + ")");
}

Status CheckHeaderSize(uint64_t bytes, const ServerLimits& limits) {
  if (bytes <= limits.max_header_bytes) return OkStatus();
  return InvalidArgumentError("request headers too large: " + std::to_string(bytes) +
                              " bytes; the limit is " + FormatByteSize(limits.max_header_bytes) +
                              " (--max-header-size)");
}

int JsonNestingDepth(std::string_view body, int stop_above) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character, a quote included
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > deepest) deepest = depth;
      if (deepest > stop_above) return stop_above + 1;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

Status CheckJsonDepth(std::string_view body, const ServerLimits& limits) {
  if (JsonNestingDepth(body, limits.max_json_depth) <= limits.max_json_depth) return OkStatus();
  return InvalidArgumentError("request body nests objects and arrays more than " +
                              std::to_string(limits.max_json_depth) +
                              " levels deep; the limit is " +
                              std::to_string(limits.max_json_depth) + " (--max-json-depth)");
}

Status CheckUploadCounts(size_t parts, size_t files, const ServerLimits& limits) {
  if (parts > static_cast<size_t>(limits.max_upload_parts)) {
    return InvalidArgumentError("the upload has " + std::to_string(parts) +
                                " multipart parts; the limit is " +
                                std::to_string(limits.max_upload_parts) + " (--max-upload-parts)");
  }
  if (files > static_cast<size_t>(limits.max_upload_files)) {
    return InvalidArgumentError("the upload has " + std::to_string(files) +
                                " files; the limit is " + std::to_string(limits.max_upload_files) +
                                " per request (--max-upload-files); send the rest in another "
                                "request");
  }
  return OkStatus();
}

Status CheckUploadFileName(std::string_view name, const ServerLimits& limits) {
  if (name.size() > static_cast<size_t>(limits.max_filename_bytes)) {
    return InvalidArgumentError("file name " + Quoted(name) + "... is " +
                                std::to_string(name.size()) + " bytes; the limit is " +
                                std::to_string(limits.max_filename_bytes) +
                                " (--max-filename-length)");
  }
  if (!IsValidUtf8(name)) return InvalidArgumentError("a file name is not valid UTF-8");
  if (HasForbiddenCharacter(name) || name == "." || name == "..") {
    return InvalidArgumentError("file name " + Quoted(name) +
                                " has a control character, '/' or '\\', or is '.' or '..'; "
                                "rename the file");
  }
  return OkStatus();
}

Status CheckDocumentSize(std::string_view name, uint64_t bytes, const ServerLimits& limits) {
  if (bytes <= limits.max_document_bytes) return OkStatus();
  return InvalidArgumentError(Quoted(name) + " is " + std::to_string(bytes) +
                              " bytes; the limit is " + FormatByteSize(limits.max_document_bytes) +
                              " per document (--max-document-size)");
}

Status CheckMessageSize(std::string_view field, uint64_t bytes, const ServerLimits& limits) {
  if (bytes <= limits.max_message_bytes) return OkStatus();
  return InvalidArgumentError("\"" + std::string(field) + "\" is " + std::to_string(bytes) +
                              " bytes; the limit is " + std::to_string(limits.max_message_bytes) +
                              " bytes (--max-message-size)");
}

Status LimitGeneration(const ServerLimits& limits, const GivenOptions& given,
                       GenerateRequest* generate) {
  const int32_t cap = limits.max_generation_tokens;
  if (given.contains("num_predict") && generate->max_tokens > cap) {
    return InvalidArgumentError("the request asks for " + std::to_string(generate->max_tokens) +
                                " tokens (num_predict / max_tokens); the limit is " +
                                std::to_string(cap) + " (--max-generation-tokens)");
  }
  if (generate->max_tokens < 0 || generate->max_tokens > cap) generate->max_tokens = cap;
  return OkStatus();
}

}  // namespace hearth::internal
