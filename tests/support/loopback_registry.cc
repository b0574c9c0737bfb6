#include "tests/support/loopback_registry.h"

#include <httplib.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

namespace hearth::testing {
namespace {

constexpr size_t kPieceBytes = 64 * 1024;
constexpr char kBlobType[] = "application/octet-stream";

void NotFound(httplib::Response& res, const std::string& code) {
  res.status = 404;
  res.set_content(R"({"errors":[{"code":")" + code + R"(","message":"not found"}]})",
                  "application/json");
}

// What one blob response sends: its bytes and where to drop the connection.
struct BlobReply {
  std::shared_ptr<const std::string> bytes;
  std::optional<uint64_t> cut_after;  // bytes of this response's body
};

// A sized body: httplib applies a request's Range to it (206).
void SendSized(httplib::Response& res, BlobReply reply) {
  auto sent = std::make_shared<uint64_t>(0);
  res.set_content_provider(
      reply.bytes->size(), kBlobType,
      [reply, sent](size_t offset, size_t length, httplib::DataSink& sink) {
        size_t piece = std::min(length, kPieceBytes);
        if (reply.cut_after) piece = std::min<uint64_t>(piece, *reply.cut_after - *sent);
        if (piece > 0 && !sink.write(reply.bytes->data() + offset, piece)) return false;
        *sent += piece;
        return !reply.cut_after || *sent < *reply.cut_after;  // false drops the connection
      });
}

// An unsized body (ends when the connection closes): httplib ignores Range.
void SendUnsized(httplib::Response& res, BlobReply reply) {
  res.set_content_provider(kBlobType, [reply](size_t offset, httplib::DataSink& sink) {
    const size_t end = std::min<uint64_t>(reply.bytes->size(),
                                          reply.cut_after.value_or(reply.bytes->size()));
    const size_t piece = std::min(kPieceBytes, end - std::min(end, offset));
    if (piece > 0) return sink.write(reply.bytes->data() + offset, piece);
    if (end < reply.bytes->size()) return false;
    sink.done();
    return true;
  });
}

}  // namespace

class LoopbackRegistry::Impl {
 public:
  Impl() {
    server_.Get(R"(/v2/(.+)/manifests/([^/]+))",
                [this](const httplib::Request& req, httplib::Response& res) {
                  ServeManifest(req.matches[1], req.matches[2], res);
                });
    server_.Get(R"(/v2/(.+)/blobs/([^/]+))",
                [this](const httplib::Request& req, httplib::Response& res) {
                  if (Redirecting()) return res.set_redirect("/cdn/" + req.matches[2].str(), 307);
                  ServeBlob(req, req.matches[2], res);
                });
    server_.Get(R"(/cdn/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
      ServeBlob(req, req.matches[1], res);
    });
    server_.set_pre_routing_handler([this](const httplib::Request&, httplib::Response&) {
      std::lock_guard lock(mu_);
      ++requests_;
      return httplib::Server::HandlerResponse::Unhandled;
    });
  }

  bool Start() {
    // One request per connection, so an unsized body ends when the server
    // closes the connection (httplib would otherwise keep it open).
    server_.set_keep_alive_max_count(1);
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) return false;
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    server_.wait_until_ready();
    return true;
  }

  ~Impl() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

  bool Redirecting() {
    std::lock_guard lock(mu_);
    return redirect_;
  }

  void ServeManifest(const std::string& repository, const std::string& tag,
                     httplib::Response& res) {
    std::lock_guard lock(mu_);
    ++manifest_requests_;
    auto it = manifests_.find(repository + ":" + tag);
    if (it == manifests_.end()) return NotFound(res, "MANIFEST_UNKNOWN");
    res.set_content(it->second, "application/vnd.docker.distribution.manifest.v2+json");
  }

  void ServeBlob(const httplib::Request& req, const std::string& digest, httplib::Response& res) {
    std::optional<BlobReply> reply = TakeReply(req, digest);
    if (!reply) return NotFound(res, "BLOB_UNKNOWN");
    std::lock_guard lock(mu_);
    honor_range_ ? SendSized(res, std::move(*reply)) : SendUnsized(res, std::move(*reply));
  }

  std::optional<BlobReply> TakeReply(const httplib::Request& req, const std::string& digest) {
    std::lock_guard lock(mu_);
    ++blob_requests_;
    if (req.has_header("Range")) ranges_.push_back(req.get_header_value("Range"));
    auto it = blobs_.find(digest);
    if (it == blobs_.end()) return std::nullopt;
    std::string bytes = it->second;
    if (corrupt_ && !bytes.empty()) bytes.back() = static_cast<char>(bytes.back() ^ 0x01);
    std::optional<uint64_t> cut;
    if (cut_next_ && bytes.size() > *cut_next_) cut = std::exchange(cut_next_, std::nullopt);
    return BlobReply{std::make_shared<const std::string>(std::move(bytes)), cut};
  }

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  mutable std::mutex mu_;
  std::map<std::string, std::string> blobs_;      // by "sha256:<hex>"
  std::map<std::string, std::string> manifests_;  // by "repository:tag"
  bool corrupt_ = false;
  bool honor_range_ = true;
  bool redirect_ = false;
  std::optional<uint64_t> cut_next_;
  int requests_ = 0;
  int manifest_requests_ = 0;
  int blob_requests_ = 0;
  std::vector<std::string> ranges_;
};

std::unique_ptr<LoopbackRegistry> LoopbackRegistry::Start() {
  auto impl = std::make_unique<Impl>();
  if (!impl->Start()) {
    std::cerr << "LoopbackRegistry: cannot bind a port on 127.0.0.1\n";
    std::abort();
  }
  return std::unique_ptr<LoopbackRegistry>(new LoopbackRegistry(std::move(impl)));
}

LoopbackRegistry::LoopbackRegistry(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LoopbackRegistry::~LoopbackRegistry() = default;

std::string LoopbackRegistry::host() const { return "127.0.0.1:" + std::to_string(impl_->port_); }
std::string LoopbackRegistry::base_url() const { return "http://" + host(); }

Digest LoopbackRegistry::AddBlob(std::string bytes) {
  const Digest digest = Sha256Of(bytes);
  AddBlobAs(digest, std::move(bytes));
  return digest;
}

void LoopbackRegistry::AddBlobAs(const Digest& digest, std::string bytes) {
  std::lock_guard lock(impl_->mu_);
  impl_->blobs_[digest.ToString()] = std::move(bytes);
}

void LoopbackRegistry::SetManifest(const std::string& repository, const std::string& tag,
                                   std::string json) {
  std::lock_guard lock(impl_->mu_);
  impl_->manifests_[repository + ":" + tag] = std::move(json);
}

void LoopbackRegistry::set_corrupt_blobs(bool corrupt) {
  std::lock_guard lock(impl_->mu_);
  impl_->corrupt_ = corrupt;
}

void LoopbackRegistry::CutNextBlobAfter(uint64_t bytes) {
  std::lock_guard lock(impl_->mu_);
  impl_->cut_next_ = bytes;
}

void LoopbackRegistry::set_honor_range(bool honor) {
  std::lock_guard lock(impl_->mu_);
  impl_->honor_range_ = honor;
}

void LoopbackRegistry::set_redirect_blobs(bool redirect) {
  std::lock_guard lock(impl_->mu_);
  impl_->redirect_ = redirect;
}

int LoopbackRegistry::requests() const {
  std::lock_guard lock(impl_->mu_);
  return impl_->requests_;
}

int LoopbackRegistry::manifest_requests() const {
  std::lock_guard lock(impl_->mu_);
  return impl_->manifest_requests_;
}

int LoopbackRegistry::blob_requests() const {
  std::lock_guard lock(impl_->mu_);
  return impl_->blob_requests_;
}

std::vector<std::string> LoopbackRegistry::ranges() const {
  std::lock_guard lock(impl_->mu_);
  return impl_->ranges_;
}

std::string MakeManifestJson(const TestLayer& config, const std::vector<TestLayer>& layers) {
  auto layer_json = [](const TestLayer& layer) {
    return R"({"mediaType":")" + layer.media_type + R"(","digest":")" + layer.digest.ToString() +
           R"(","size":)" + std::to_string(layer.size) + "}";
  };
  std::string json =
      R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",)"
      R"("config":)" +
      layer_json(config) + R"(,"layers":[)";
  for (size_t i = 0; i < layers.size(); ++i) json += (i > 0 ? "," : "") + layer_json(layers[i]);
  return json + "]}";
}

}  // namespace hearth::testing
