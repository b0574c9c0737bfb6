// BlobDownload: fetches one manifest layer into the blob store, resuming a
// partial file, checking the size as bytes arrive and the digest at the end.
// Internal to the model puller (models/model_puller.h), which runs several
// of these in parallel.
//
// Thread-safety: a BlobDownload is used by one thread; distinct downloads may
// run concurrently (BlobStore and HttpFetcher are thread-safe, and the
// progress callback must be).
#ifndef HEARTH_MODELS_BLOB_DOWNLOAD_H_
#define HEARTH_MODELS_BLOB_DOWNLOAD_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>

#include "base/status.h"
#include "models/http_fetcher.h"
#include "models/model_manifest.h"
#include "store/blob_store.h"

namespace hearth::internal {

// Called with the bytes of the blob held so far; throttled (the last call
// always has completed == layer.size on success).
using BlobProgressCallback = std::function<void(uint64_t completed)>;

class BlobDownload {
 public:
  // `url` is the blob's URL ({base}/v2/{ns}/{model}/blobs/{digest}). All
  // references must outlive the download.
  BlobDownload(BlobStore& blobs, const HttpFetcher& fetcher, std::string url,
               const ManifestLayer& layer, const BlobProgressCallback& progress);

  // Stores the blob unless it is already stored with the declared size,
  // resuming up to `retries` times after a broken or stalled connection.
  // Errors: see model_puller.h; after a digest mismatch or an oversized
  // body nothing is left in the store, after a broken connection the partial
  // file stays in blobs/tmp/ for the next pull.
  Status Run(int retries, std::stop_token stop);

 private:
  // One GET from where the partial file ends, then (if complete) Commit.
  Status Attempt(std::stop_token stop);
  Status OpenWriter();
  Status OnHead(const HttpResponse& head);
  Status OnBody(std::span<const uint8_t> bytes);
  Status CheckResponse(const HttpResponse& response);
  Status Verify();
  void Report(bool force);

  BlobStore& blobs_;
  const HttpFetcher& fetcher_;
  const std::string url_;
  const ManifestLayer& layer_;
  const BlobProgressCallback& progress_;
  std::unique_ptr<BlobWriter> writer_;
  uint64_t last_reported_ = 0;
};

// A blob's HTTP status other than 2xx as a Status naming `what` and the host.
Status RegistryHttpError(const HttpResponse& response, std::string_view what,
                         std::string_view url);

}  // namespace hearth::internal

#endif  // HEARTH_MODELS_BLOB_DOWNLOAD_H_
