#include "models/model_puller.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "base/ascii.h"
#include "base/escaping.h"
#include "base/status_macros.h"
#include "base/thread_annotations.h"
#include "models/blob_download.h"
#include "models/gguf_file.h"
#include "models/http_fetcher.h"

namespace hearth {
namespace {

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

StatusOr<std::string> CheckBaseUrl(std::string_view url, std::string_view what) {
  if (!StartsWith(url, "https://") && !StartsWith(url, "http://")) {
    return InvalidArgumentError(std::string(what) + " " + QuoteForDisplay(url) +
                                " must start with https:// (or http://)");
  }
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  return std::string(url);
}

StatusOr<std::string> BaseUrl(const ModelName& name, const PullOptions& options) {
  if (name.IsHuggingFace()) return CheckBaseUrl(options.hf_endpoint, "the Hugging Face endpoint");
  if (EqualsIgnoreAsciiCase(name.host(), kDefaultModelHost)) {
    return CheckBaseUrl(options.registry_url, "the registry URL");
  }
  return (options.insecure ? "http://" : "https://") + name.host();
}

std::string RepositoryUrl(std::string_view base, const ModelName& name) {
  return std::string(base) + "/v2/" + name.namespace_name() + "/" + name.model();
}

// Serializes progress events from the download threads.
class ProgressSink {
 public:
  explicit ProgressSink(const PullProgressCallback& callback) : callback_(callback) {}

  void Send(const PullProgress& progress) {
    if (!callback_) return;
    std::lock_guard lock(mu_);
    callback_(progress);
  }
  void Say(std::string status) {
    PullProgress progress;
    progress.status = std::move(status);
    Send(progress);
  }
  void Blob(const ManifestLayer& layer, uint64_t completed) {
    Send({.status = "pulling " + layer.digest.Hex().substr(0, 12),
          .digest = layer.digest.ToString(),
          .total = layer.size,
          .completed = completed});
  }

 private:
  const PullProgressCallback& callback_;
  std::mutex mu_;
};

HttpFetcher MakeFetcher(const PullOptions& options, std::string_view base) {
  HttpFetchOptions fetch;
  fetch.allow_http = options.insecure || StartsWith(base, "http://");
  fetch.max_redirects = options.max_redirects;
  fetch.connect_timeout = options.connect_timeout;
  fetch.low_speed_time = options.stall_timeout;
  return HttpFetcher(std::move(fetch));
}

Status ManifestTooLarge(std::string_view url) {
  return InvalidArgumentError("the manifest at " + QuoteForDisplay(url, 300) + " is larger than " +
                              std::to_string(kMaxManifestBytes) + " bytes; refusing it");
}

StatusOr<std::string> FetchManifest(const HttpFetcher& fetcher, const ModelName& name,
                                    const std::string& url, std::stop_token stop) {
  std::string body;
  HttpRequest request;
  request.url = url;
  request.headers = {{"Accept", std::string(kManifestMediaType)}};
  auto on_head = [&](const HttpResponse& head) {
    return head.content_length.value_or(0) > kMaxManifestBytes ? ManifestTooLarge(url)
                                                                : OkStatus();
  };
  auto on_body = [&](std::span<const uint8_t> bytes) {
    if (body.size() + bytes.size() > kMaxManifestBytes) return ManifestTooLarge(url);
    body.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    return OkStatus();
  };
  ASSIGN_OR_RETURN(HttpResponse response, fetcher.Fetch(request, on_head, on_body, stop));
  if (response.status != 200) {
    return internal::RegistryHttpError(response, "the manifest of " + name.DisplayName(), url);
  }
  return body;
}

// The config and the layers, each digest once.
std::vector<ManifestLayer> BlobsOf(const ModelManifest& manifest) {
  std::vector<ManifestLayer> blobs = {manifest.config};
  for (const ManifestLayer& layer : manifest.layers) {
    const bool seen = std::any_of(blobs.begin(), blobs.end(), [&](const ManifestLayer& other) {
      return other.digest == layer.digest;
    });
    if (!seen) blobs.push_back(layer);
  }
  return blobs;
}

// Runs the downloads on up to `streams` threads. The first real error stops
// the others (they see a stop request) and is the result.
class ParallelDownloads {
 public:
  ParallelDownloads(BlobStore& blobs, const HttpFetcher& fetcher, std::string repository_url,
                    const PullOptions& options, ProgressSink& progress)
      : blobs_(blobs),
        fetcher_(fetcher),
        repository_url_(std::move(repository_url)),
        options_(options),
        progress_(progress) {}

  Status Run(const std::vector<ManifestLayer>& layers, std::stop_token stop) {
    std::stop_callback forward(stop, [this] { cancel_.request_stop(); });
    const size_t streams =
        std::min<size_t>(layers.size(), static_cast<size_t>(std::max(1, options_.parallel_streams)));
    {
      std::vector<std::jthread> helpers;
      for (size_t i = 1; i < streams; ++i) helpers.emplace_back([&] { Work(layers); });
      Work(layers);
    }
    std::lock_guard lock(mu_);
    if (first_error_.ok() && stop.stop_requested()) return CancelledError("the pull was cancelled");
    if (!first_error_.ok() && !IsResumable(first_error_)) DiscardPartials(layers);
    return first_error_;
  }

 private:
  void Work(const std::vector<ManifestLayer>& layers) {
    while (!cancel_.stop_requested()) {
      const size_t index = next_.fetch_add(1);
      if (index >= layers.size()) return;
      Record(Download(layers[index]));
    }
  }

  Status Download(const ManifestLayer& layer) {
    internal::BlobProgressCallback report = [&](uint64_t completed) {
      progress_.Blob(layer, completed);
    };
    internal::BlobDownload download(blobs_, fetcher_,
                                    repository_url_ + "/blobs/" + layer.digest.ToString(), layer,
                                    report);
    return download.Run(options_.retries, cancel_.get_token());
  }

  // A network failure or a cancellation keeps partial files for the next
  // pull to resume; bad data from the registry (a digest mismatch, an
  // oversized blob, a missing one) fails the pull for good, and then the
  // transfers it stopped leave nothing behind either.
  static bool IsResumable(const Status& status) {
    return status.code() == StatusCode::kUnavailable ||
           status.code() == StatusCode::kDeadlineExceeded ||
           status.code() == StatusCode::kCancelled;
  }

  void DiscardPartials(const std::vector<ManifestLayer>& layers) {
    for (const ManifestLayer& layer : layers) {
      blobs_.RemovePartial(layer.digest).IgnoreError();
    }
  }

  void Record(Status status) {
    if (status.ok()) return;
    std::lock_guard lock(mu_);
    if (first_error_.ok() || first_error_.code() == StatusCode::kCancelled) {
      first_error_ = std::move(status);
    }
    cancel_.request_stop();
  }

  BlobStore& blobs_;
  const HttpFetcher& fetcher_;
  const std::string repository_url_;
  const PullOptions& options_;
  ProgressSink& progress_;
  std::stop_source cancel_;
  std::atomic<size_t> next_{0};
  std::mutex mu_;
  Status first_error_ GUARDED_BY(mu_);
};

// The model layer must be a GGUF file hearth can load before the model is
// installed. A blob this pull brought that fails is deleted again: no
// manifest references it.
Status CheckModelLayer(BlobStore& blobs, const ModelName& name, const ModelManifest& manifest,
                       bool was_stored) {
  const ManifestLayer* model = manifest.FindLayer(kModelLayerType);
  if (model == nullptr) return OkStatus();
  ASSIGN_OR_RETURN(std::filesystem::path path, blobs.PathOf(model->digest));
  StatusOr<GgufSummary> gguf = ReadGgufFile(path);
  if (gguf.ok()) return OkStatus();
  if (!was_stored) blobs.Remove(model->digest).IgnoreError();
  return Status(gguf.status().code(),
                "the model layer " + model->digest.ToString() + " of " + name.DisplayName() +
                    " is not a usable GGUF file, so the model was not installed: " +
                    gguf.status().message());
}

bool ModelLayerStored(BlobStore& blobs, const ModelManifest& manifest) {
  const ManifestLayer* model = manifest.FindLayer(kModelLayerType);
  return model != nullptr && blobs.Contains(model->digest);
}

}  // namespace

StatusOr<std::string> ManifestUrl(const ModelName& name, const PullOptions& options) {
  ASSIGN_OR_RETURN(std::string base, BaseUrl(name, options));
  return RepositoryUrl(base, name) + "/manifests/" + name.tag();
}

ModelPuller::ModelPuller(ModelStore& store, PullOptions options)
    : store_(store), options_(std::move(options)) {}

Status ModelPuller::Pull(std::string_view name_text, const PullProgressCallback& progress,
                         std::stop_token stop) const {
  ASSIGN_OR_RETURN(const ModelName name, ParseModelName(name_text));
  ASSIGN_OR_RETURN(const std::string base, BaseUrl(name, options_));
  const HttpFetcher fetcher = MakeFetcher(options_, base);
  ProgressSink sink(progress);
  sink.Say("pulling manifest");
  ASSIGN_OR_RETURN(const std::string url, ManifestUrl(name, options_));
  ASSIGN_OR_RETURN(const std::string manifest_json, FetchManifest(fetcher, name, url, stop));
  StatusOr<ModelManifest> manifest = ParseManifest(manifest_json);
  if (!manifest.ok()) return manifest.status().WithContext("the manifest of " + name.DisplayName());
  BlobStore& blobs = store_.blobs();
  const bool model_was_stored = ModelLayerStored(blobs, *manifest);
  ParallelDownloads downloads(blobs, fetcher, RepositoryUrl(base, name), options_, sink);
  Status downloaded = downloads.Run(BlobsOf(*manifest), stop);
  if (downloaded.code() == StatusCode::kCancelled) {
    return CancelledError("the pull of " + name.DisplayName() +
                          " was cancelled; pull again to resume where it stopped");
  }
  RETURN_IF_ERROR(downloaded);
  sink.Say("verifying sha256 digest");
  RETURN_IF_ERROR(CheckModelLayer(blobs, name, *manifest, model_was_stored));
  sink.Say("writing manifest");
  RETURN_IF_ERROR(store_.PutManifest(name, manifest_json));
  sink.Say("success");
  return OkStatus();
}

}  // namespace hearth
