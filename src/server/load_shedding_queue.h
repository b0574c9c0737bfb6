// LoadSheddingQueue: httplib's task queue with an answer for overload.
//
// httplib hands every accepted connection to its task queue; when httplib's
// own pool is full it closes the socket without a word, which clients report
// as a network failure and retry at once. This queue runs connections on a
// bounded pool (`workers` threads, `max_queued` waiting) and, when that pool
// is full, hands the connection to a single shedding thread instead. There the
// request is read as usual, but IsSheddingThisRequest() is true, so the
// request gate answers 503 with Retry-After and closes the connection without
// running a route. Only when the shedding thread's own queue is full too is a
// connection closed unanswered.
//
// Thread-safety: enqueue() is called by httplib's listener thread; the
// gauges may be read from any thread.
#ifndef HEARTH_SERVER_LOAD_SHEDDING_QUEUE_H_
#define HEARTH_SERVER_LOAD_SHEDDING_QUEUE_H_

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>

#include "httplib.h"

namespace hearth {

class Metrics;

class LoadSheddingQueue final : public httplib::TaskQueue {
 public:
  // `metrics` (may be null) receives the queue depth and shed counts; it must
  // outlive the queue.
  LoadSheddingQueue(size_t workers, size_t max_queued, Metrics* metrics);
  ~LoadSheddingQueue() override;

  bool enqueue(std::function<void()> connection) override;
  void shutdown() override;

  // True on the shedding thread while it serves a connection.
  static bool IsSheddingThisRequest();

 private:
  std::unique_ptr<httplib::ThreadPool> workers_;
  std::unique_ptr<httplib::ThreadPool> shedder_;
  Metrics* metrics_;
};

}  // namespace hearth

#endif  // HEARTH_SERVER_LOAD_SHEDDING_QUEUE_H_
