#include "server/load_shedding_queue.h"

#include <utility>

#include "base/logging.h"
#include "server/metrics.h"

namespace hearth {
namespace {

// Connections that may wait for the shedding thread; beyond this, a
// connection is closed unanswered (httplib's own behaviour).
constexpr size_t kMaxShedQueue = 256;

thread_local bool shedding_this_request = false;

}  // namespace

LoadSheddingQueue::LoadSheddingQueue(size_t workers, size_t max_queued, Metrics* metrics)
    : workers_(std::make_unique<httplib::ThreadPool>(workers, 0, max_queued)),
      shedder_(std::make_unique<httplib::ThreadPool>(1, 0, kMaxShedQueue)),
      metrics_(metrics) {}

LoadSheddingQueue::~LoadSheddingQueue() = default;

bool LoadSheddingQueue::enqueue(std::function<void()> connection) {
  if (metrics_ != nullptr) metrics_->ConnectionQueued();
  Metrics* metrics = metrics_;
  auto run = [connection, metrics] {
    if (metrics != nullptr) metrics->ConnectionDequeued();
    connection();
  };
  if (workers_->enqueue(run)) return true;
  if (metrics_ != nullptr) metrics_->ConnectionDequeued();
  const bool accepted = shedder_->enqueue([connection = std::move(connection)] {
    shedding_this_request = true;
    connection();
    shedding_this_request = false;
  });
  if (!accepted) HEARTH_LOG(WARNING) << "overloaded: closing a connection unanswered";
  return accepted;
}

void LoadSheddingQueue::shutdown() {
  workers_->shutdown();
  shedder_->shutdown();
}

bool LoadSheddingQueue::IsSheddingThisRequest() { return shedding_this_request; }

}  // namespace hearth
