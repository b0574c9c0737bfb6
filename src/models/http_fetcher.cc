#include "models/http_fetcher.h"

#include <curl/curl.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <string_view>

#include "base/escaping.h"

namespace hearth {
namespace {

constexpr size_t kMaxErrorBody = 4096;

struct CurlEasyDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;

struct CurlListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using CurlList = std::unique_ptr<curl_slist, CurlListDeleter>;

// curl_global_init is not safe to race with other threads; run it once.
void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// What one Fetch call shares with libcurl's callbacks.
struct Transfer {
  CURL* curl = nullptr;
  const HttpHeadCallback* on_head = nullptr;
  const HttpBodyCallback* on_body = nullptr;
  std::stop_token stop;
  HttpResponse response;
  bool head_seen = false;
  bool callback_failed = false;
  Status callback_error;

  bool Successful() const { return response.status >= 200 && response.status < 300; }

  // Records the final response's head; runs on_head for a 2xx response.
  void BeginBody() {
    head_seen = true;
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    response.status = static_cast<int>(status);
    curl_off_t length = -1;
    curl_easy_getinfo(curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
    if (length >= 0) response.content_length = static_cast<uint64_t>(length);
    char* url = nullptr;
    curl_easy_getinfo(curl, CURLINFO_EFFECTIVE_URL, &url);
    if (url != nullptr) response.effective_url = url;
    if (Successful() && on_head != nullptr && *on_head) Fail((*on_head)(response));
  }

  void Fail(Status status) {
    if (status.ok() || callback_failed) return;
    callback_failed = true;
    callback_error = std::move(status);
  }

  // Returns false to make libcurl abort the transfer.
  bool Deliver(std::span<const uint8_t> bytes) {
    if (!head_seen) BeginBody();
    if (callback_failed) return false;
    if (!Successful()) {
      const size_t room = kMaxErrorBody - std::min(kMaxErrorBody, response.error_body.size());
      response.error_body.append(reinterpret_cast<const char*>(bytes.data()),
                                 std::min(room, bytes.size()));
      return true;
    }
    if (on_body != nullptr && *on_body) Fail((*on_body)(bytes));
    return !callback_failed;
  }
};

size_t OnWrite(char* data, size_t size, size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  const size_t bytes = size * count;
  const bool keep_going =
      transfer.Deliver(std::span(reinterpret_cast<const uint8_t*>(data), bytes));
  return keep_going ? bytes : 0;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<Transfer*>(user)->stop.stop_requested() ? 1 : 0;
}

Status CheckScheme(std::string_view url, bool allow_http) {
  if (StartsWith(url, "https://")) return OkStatus();
  if (StartsWith(url, "http://")) {
    if (allow_http) return OkStatus();
    return InvalidArgumentError("refusing plain http for " + QuoteForDisplay(url) +
                                "; use https, or --insecure for a registry you trust");
  }
  return InvalidArgumentError("unsupported URL " + QuoteForDisplay(url) +
                              "; registry URLs start with https:// (or http:// with --insecure)");
}

// Maps a libcurl failure to a Status that names the host.
Status CurlError(CURLcode code, const char* detail, std::string_view url) {
  const std::string host = HostOfUrl(url);
  const std::string why = (detail != nullptr && *detail != '\0') ? detail : curl_easy_strerror(code);
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return DeadlineExceededError("no progress from " + host + " in time: " + why +
                                   "; check the network and pull again to resume");
    case CURLE_TOO_MANY_REDIRECTS:
      return UnavailableError(host + " redirected too many times: " + why);
    case CURLE_UNSUPPORTED_PROTOCOL:
      return UnavailableError(host + " redirected to a refused protocol: " + why +
                              " (plain http needs --insecure)");
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
      return UnavailableError("the connection to " + host + " broke: " + why +
                              "; pull again to resume");
    default: return UnavailableError("cannot reach " + host + ": " + why);
  }
}

void SetOptions(CURL* curl, const HttpFetchOptions& options, const HttpRequest& request,
                curl_slist* headers, Transfer* transfer, char* error_buffer,
                const std::string& range) {
  const char* protocols = options.allow_http ? "http,https" : "https";
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, protocols);
  curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, protocols);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, static_cast<long>(options.max_redirects));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, static_cast<long>(options.low_speed_bytes));
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options.low_speed_time.count()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, options.user_agent.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &OnWrite);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, transfer);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &OnProgress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, transfer);
  if (!range.empty()) curl_easy_setopt(curl, CURLOPT_RANGE, range.c_str());
  if (request.post_body) {
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.post_body->data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.post_body->size()));
  }
}

}  // namespace

HttpFetcher::HttpFetcher(HttpFetchOptions options) : options_(std::move(options)) {}

StatusOr<HttpResponse> HttpFetcher::Fetch(const HttpRequest& request,
                                          const HttpHeadCallback& on_head,
                                          const HttpBodyCallback& on_body,
                                          std::stop_token stop) const {
  if (Status scheme = CheckScheme(request.url, options_.allow_http); !scheme.ok()) return scheme;
  InitCurlOnce();
  CurlEasy curl(curl_easy_init());
  if (curl == nullptr) return InternalError("cannot start an HTTP transfer (libcurl init failed)");
  CurlList headers;
  for (const auto& [name, value] : request.headers) {
    curl_slist* extended = curl_slist_append(headers.get(), (name + ": " + value).c_str());
    if (extended == nullptr) return InternalError("out of memory building HTTP headers");
    headers.release();
    headers.reset(extended);
  }
  Transfer transfer;
  transfer.curl = curl.get();
  transfer.on_head = &on_head;
  transfer.on_body = &on_body;
  transfer.stop = stop;
  char error_buffer[CURL_ERROR_SIZE] = {};
  const std::string range =
      request.range_start.value_or(0) > 0 ? std::to_string(*request.range_start) + "-" : "";
  SetOptions(curl.get(), options_, request, headers.get(), &transfer, error_buffer, range);
  const CURLcode code = curl_easy_perform(curl.get());
  if (code == CURLE_OK && !transfer.head_seen) transfer.BeginBody();
  if (transfer.callback_failed) return transfer.callback_error;
  if (stop.stop_requested()) {
    return CancelledError("the transfer from " + HostOfUrl(request.url) + " was cancelled");
  }
  if (code != CURLE_OK) return CurlError(code, error_buffer, request.url);
  return std::move(transfer.response);
}

std::string HostOfUrl(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme != std::string_view::npos) url.remove_prefix(scheme + 3);
  url = url.substr(0, url.find_first_of("/?#"));
  const size_t at = url.rfind('@');
  if (at != std::string_view::npos) url.remove_prefix(at + 1);
  return std::string(url);
}

}  // namespace hearth
