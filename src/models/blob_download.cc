#include "models/blob_download.h"

#include <algorithm>
#include <utility>

#include "base/escaping.h"
#include "base/logging.h"
#include "base/status_macros.h"

namespace hearth::internal {
namespace {

constexpr uint64_t kMinReportStep = 1 << 20;

bool IsRetryable(const Status& status) {
  return status.code() == StatusCode::kUnavailable ||
         status.code() == StatusCode::kDeadlineExceeded;
}

Status TooLarge(const ManifestLayer& layer, uint64_t bytes) {
  return FailedPreconditionError("the registry sent at least " + std::to_string(bytes) +
                                 " bytes for blob " + layer.digest.ToString() +
                                 ", but the manifest declares " + std::to_string(layer.size) +
                                 "; nothing was stored (the registry or the manifest is wrong)");
}

}  // namespace

Status RegistryHttpError(const HttpResponse& response, std::string_view what,
                         std::string_view url) {
  const std::string where = std::string(what) + " at " + HostOfUrl(url) + " (HTTP " +
                            std::to_string(response.status) + ")";
  const std::string detail =
      response.error_body.empty() ? "" : ": " + QuoteForDisplay(response.error_body, 200);
  switch (response.status) {
    case 404: return NotFoundError(where + " was not found" + detail + "; check the name");
    case 401:
      return UnauthenticatedError(where + " needs credentials" + detail +
                                  "; hearth pulls public models only");
    case 403: return PermissionDeniedError(where + " is forbidden" + detail);
    default: break;
  }
  return UnavailableError("the registry refused " + where + detail +
                          (response.status >= 500 ? "; try again later" : ""));
}

BlobDownload::BlobDownload(BlobStore& blobs, const HttpFetcher& fetcher, std::string url,
                           const ManifestLayer& layer, const BlobProgressCallback& progress)
    : blobs_(blobs), fetcher_(fetcher), url_(std::move(url)), layer_(layer), progress_(progress) {}

Status BlobDownload::Run(int retries, std::stop_token stop) {
  StatusOr<uint64_t> stored = blobs_.SizeOf(layer_.digest);
  if (stored.ok() && *stored == layer_.size) {
    if (progress_) progress_(layer_.size);
    return OkStatus();
  }
  for (int attempt = 0;; ++attempt) {
    Status status = Attempt(stop);
    writer_.reset();  // keeps an interrupted partial file for the next attempt
    if (status.ok() || !IsRetryable(status) || attempt >= retries || stop.stop_requested()) {
      return status;
    }
    HEARTH_LOG(WARNING) << "resuming blob " << layer_.digest << " after: " << status.message();
  }
}

Status BlobDownload::Attempt(std::stop_token stop) {
  RETURN_IF_ERROR(OpenWriter());
  Report(true);
  if (writer_->bytes_written() < layer_.size) {
    HttpRequest request;
    request.url = url_;
    request.range_start = writer_->bytes_written();
    ASSIGN_OR_RETURN(
        HttpResponse response,
        fetcher_.Fetch(
            request, [this](const HttpResponse& head) { return OnHead(head); },
            [this](std::span<const uint8_t> bytes) { return OnBody(bytes); }, stop));
    RETURN_IF_ERROR(CheckResponse(response));
  }
  return Verify();
}

// A partial file longer than the blob cannot be part of it: start over.
Status BlobDownload::OpenWriter() {
  ASSIGN_OR_RETURN(writer_, blobs_.ResumeWriter(layer_.digest));
  if (writer_->bytes_written() <= layer_.size) return OkStatus();
  writer_->Abort();
  ASSIGN_OR_RETURN(writer_, blobs_.ResumeWriter(layer_.digest));
  return OkStatus();
}

// A server that ignores Range answers 200 with the whole blob: the partial
// bytes are then dropped and the body written from the start.
Status BlobDownload::OnHead(const HttpResponse& head) {
  if (head.status != 206 && writer_->bytes_written() > 0) {
    writer_->Abort();
    RETURN_IF_ERROR(OpenWriter());
    last_reported_ = 0;
  }
  if (head.content_length && writer_->bytes_written() + *head.content_length > layer_.size) {
    writer_->Abort();
    return TooLarge(layer_, writer_->bytes_written() + *head.content_length);
  }
  return OkStatus();
}

Status BlobDownload::OnBody(std::span<const uint8_t> bytes) {
  if (writer_->bytes_written() + bytes.size() > layer_.size) {
    const uint64_t seen = writer_->bytes_written() + bytes.size();
    writer_->Abort();
    return TooLarge(layer_, seen);
  }
  RETURN_IF_ERROR(writer_->Append(bytes));
  Report(false);
  return OkStatus();
}

Status BlobDownload::CheckResponse(const HttpResponse& response) {
  if (response.status < 200 || response.status >= 300) {
    if (response.status == 416) writer_->Abort();  // the partial file no longer fits
    return RegistryHttpError(response, "blob " + layer_.digest.ToString(), url_);
  }
  if (writer_->bytes_written() < layer_.size) {
    return UnavailableError("the transfer of blob " + layer_.digest.ToString() + " from " +
                            HostOfUrl(url_) + " ended after " +
                            std::to_string(writer_->bytes_written()) + " of " +
                            std::to_string(layer_.size) + " bytes; pull again to resume");
  }
  return OkStatus();
}

// The size is right by now; Commit checks the digest and deletes the data
// when it differs.
Status BlobDownload::Verify() {
  StatusOr<Digest> digest = writer_->Commit(layer_.digest);
  if (!digest.ok()) return digest.status();
  Report(true);
  return OkStatus();
}

void BlobDownload::Report(bool force) {
  if (!progress_) return;
  const uint64_t completed = writer_->bytes_written();
  const uint64_t step = std::max<uint64_t>(kMinReportStep, layer_.size / 100);
  if (!force && completed != layer_.size && completed < last_reported_ + step) return;
  last_reported_ = completed;
  progress_(completed);
}

}  // namespace hearth::internal
