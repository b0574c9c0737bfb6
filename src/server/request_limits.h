// The checks of a request against ServerLimits (server_limits.h), as pure
// functions: the request gate, the route table and the routes call them
// before anything reaches the layers below, so that a refused request stores
// nothing. Internal to server/.
//
// Each returns OK or an error whose message names what was too large, the
// limit's value and its flag; the comment of each says which HTTP status
// answers it (413, 431 and 400 are not all Status codes: the caller sets it,
// SetLimitError in route_table.h).
//
// Thread-safety: pure functions.
//
// Example:
//   if (Status named = CheckUploadFileName(file.filename, limits); !named.ok()) {
//     return SetLimitError(request, response, named, kBadRequest);
//   }
#ifndef HEARTH_SERVER_REQUEST_LIMITS_H_
#define HEARTH_SERVER_REQUEST_LIMITS_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/status.h"
#include "models/inference.h"
#include "server/model_defaults.h"
#include "server/server_limits.h"

namespace hearth::internal {

inline constexpr int kBadRequest = 400;
inline constexpr int kContentTooLarge = 413;
inline constexpr int kHeaderFieldsTooLarge = 431;

// The body limit that applies to a request, and the flag that sets it.
struct BodyLimit {
  uint64_t bytes = 0;
  const char* flag = "";
};

// A blob upload: max_blob_bytes; a multipart body: max_request_bytes; any
// other body (JSON): the smaller of max_json_bytes and max_request_bytes.
BodyLimit BodyLimitFor(bool blob_upload, bool multipart, const ServerLimits& limits);

// "request body too large: the limit is 16 MiB (--max-json-size)"; answered 413.
Status BodyTooLarge(const BodyLimit& limit);

// The request line and headers, `bytes` long; over max_header_bytes is
// answered 431.
Status CheckHeaderSize(uint64_t bytes, const ServerLimits& limits);

// The deepest nesting of objects and arrays in `body`, read as JSON (brackets
// inside strings do not count). Scanning stops once `stop_above` is passed
// and returns stop_above + 1. Malformed JSON is the parser's to refuse.
int JsonNestingDepth(std::string_view body, int stop_above);

// A JSON body nested deeper than max_json_depth; answered 400.
Status CheckJsonDepth(std::string_view body, const ServerLimits& limits);

// A multipart upload with `parts` parts, `files` of them files; over
// max_upload_parts or max_upload_files is answered 413.
Status CheckUploadCounts(size_t parts, size_t files, const ServerLimits& limits);

// An uploaded file's name: at most max_filename_bytes bytes of UTF-8, with
// no control character, '/' or '\', not "." or ".."; answered 400.
Status CheckUploadFileName(std::string_view name, const ServerLimits& limits);

// One uploaded document of `bytes` bytes; over max_document_bytes is
// answered 413.
Status CheckDocumentSize(std::string_view name, uint64_t bytes, const ServerLimits& limits);

// A chat question (the JSON field `field`) of `bytes` bytes; over
// max_message_bytes is answered 413.
Status CheckMessageSize(std::string_view field, uint64_t bytes, const ServerLimits& limits);

// After ApplyModelDefaults: a num_predict / max_tokens the request itself
// gave (`given` names "num_predict") above max_generation_tokens is refused
// (400); no limit (-1) or a model parameter above it becomes
// max_generation_tokens. `generate` is unchanged on error.
Status LimitGeneration(const ServerLimits& limits, const GivenOptions& given,
                       GenerateRequest* generate);

}  // namespace hearth::internal

#endif  // HEARTH_SERVER_REQUEST_LIMITS_H_
