// Request ids: a per-thread tag that ties log lines to the request being served.
//
// The server gives each incoming request an id (a client-supplied one after
// validation, or NewRequestId()) and installs it with a ScopedRequestId on the
// thread that handles the request. Every HEARTH_LOG line written on that
// thread while the scope is alive carries the id ("[req=...]" in text logs,
// "req" in JSON logs).
//
//   void HandleChat(const Request& request) {
//     ScopedRequestId request_id(NewRequestId());
//     HEARTH_LOG(INFO) << "chat with " << request.model;  // ... [req=3f9c...] ...
//   }
//
// Thread-safety: the id is thread-local. Work handed to another thread does not
// inherit it; install a ScopedRequestId there too.

#ifndef HEARTH_BASE_REQUEST_ID_H_
#define HEARTH_BASE_REQUEST_ID_H_

#include <string>
#include <string_view>

namespace hearth {

// Sets the calling thread's request id to `id` for the lifetime of this object
// and restores the previous id (possibly none) when destroyed. Scopes nest and
// must be destroyed in reverse order of creation on the thread that created
// them, which is what block-scoped RAII objects do.
class ScopedRequestId {
 public:
  explicit ScopedRequestId(std::string id);
  ~ScopedRequestId();

  ScopedRequestId(const ScopedRequestId&) = delete;
  ScopedRequestId& operator=(const ScopedRequestId&) = delete;

 private:
  std::string previous_;
};

// The calling thread's current request id, or "" if none is set. The view is
// valid until a ScopedRequestId is next created or destroyed on this thread.
std::string_view CurrentRequestId();

// Returns a new random id of 16 lowercase hex characters. Ids are for
// correlation, not secrets: they come from a fast non-cryptographic generator
// seeded per thread from std::random_device.
std::string NewRequestId();

}  // namespace hearth

#endif  // HEARTH_BASE_REQUEST_ID_H_
