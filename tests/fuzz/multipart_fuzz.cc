// Fuzzes multipart/form-data parsing as hearth reads uploads: cpp-httplib's
// server parses the body before the route runs (POST
// /api/v1/workspaces/{slug}/documents), then the route applies
// server/request_limits.h to the parts. The input's first line (at most 70
// bytes) is the boundary, the rest the body; the target wraps them in a
// request and runs it through httplib::Server::process_request over an
// in-memory stream, with a handler that does what the upload route does.
// Invariants: nothing crashes or hangs; the server answers 200 (the handler
// ran) or a 4xx; every part's content is bytes of the body, the files
// together no longer than it and no more of them than httplib's part cap;
// a file name that CheckUploadFileName accepts is valid UTF-8 within
// max_filename_bytes, with no '/', '\', control character, and not "." or "..".
#include <cstdint>
#include <string>
#include <string_view>

#include "base/utf8.h"
#include "fuzz_checks.h"
#include "httplib.h"
#include "server/request_limits.h"
#include "server/server_limits.h"

namespace {

using hearth::fuzz::Check;

// A connection whose request bytes are fixed and whose response is dropped.
class MemoryStream final : public httplib::Stream {
 public:
  explicit MemoryStream(std::string_view request) : request_(request) {}
  bool is_readable() const override { return position_ < request_.size(); }
  bool wait_readable() const override { return true; }
  bool wait_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    const size_t n = std::min(size, request_.size() - position_);
    std::copy_n(request_.data() + position_, n, ptr);
    position_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char*, size_t size) override { return static_cast<ssize_t>(size); }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 1;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 2;
  }
  socket_t socket() const override { return INVALID_SOCKET; }
  time_t duration() const override { return 0; }

 private:
  std::string_view request_;
  size_t position_ = 0;
};

// Exposes the one-request entry point a socket connection runs.
class FuzzServer final : public httplib::Server {
 public:
  // The status the server answered `request` with.
  int Serve(std::string_view request) {
    MemoryStream stream(request);
    bool closed = false;
    last_status_ = 0;
    process_request(stream, "127.0.0.1", 1, "127.0.0.1", 2, true, closed,
                    [](httplib::Request&) {});
    return last_status_;
  }
  // Set by the logger, which runs once per answered request.
  int last_status_ = 0;
};

bool ValidFileName(std::string_view name, const hearth::ServerLimits& limits) {
  if (name == "." || name == ".." ||
      name.size() > static_cast<size_t>(limits.max_filename_bytes) || !hearth::IsValidUtf8(name)) {
    return false;
  }
  for (char c : name) {
    if (c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  }
  return true;
}

FuzzServer& Server(std::string_view& body) {
  static FuzzServer* server = [&body] {
    auto* s = new FuzzServer;
    s->Post("/upload", [&body](const httplib::Request& request, httplib::Response& response) {
      const hearth::ServerLimits limits;
      size_t bytes = 0;
      const std::vector<httplib::FormData> files = request.form.get_files("file");
      Check(files.size() <= CPPHTTPLIB_MULTIPART_FORM_DATA_FILE_MAX_COUNT);
      for (const httplib::FormData& file : files) {
        Check(body.find(file.content) != std::string_view::npos);
        bytes += file.content.size();
        if (hearth::internal::CheckUploadFileName(file.filename, limits).ok()) {
          Check(ValidFileName(file.filename, limits));
        }
      }
      Check(bytes <= body.size());
      (void)hearth::internal::CheckUploadCounts(files.size(), files.size(), limits);
      response.status = 200;
    });
    s->set_logger([s](const httplib::Request&, const httplib::Response& response) {
      s->last_status_ = response.status;
    });
    return s;
  }();
  return *server;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::string_view body;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t line_end = input.substr(0, 71).find('\n');
  if (line_end == std::string_view::npos) return 0;
  const std::string_view boundary = input.substr(0, line_end);
  body = input.substr(line_end + 1);
  // Header values cannot hold line breaks; the boundary's are the request's.
  if (boundary.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos) return 0;
  const std::string request = "POST /upload HTTP/1.1\r\nHost: hearth\r\n"
                              "Content-Type: multipart/form-data; boundary=" +
                              std::string(boundary) + "\r\nContent-Length: " +
                              std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
  FuzzServer& server = Server(body);
  const int status = server.Serve(request);
  Check(status == 200 || (status >= 400 && status < 500));
  return 0;
}
