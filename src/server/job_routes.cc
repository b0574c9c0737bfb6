#include "server/job_routes.h"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>

#include "app/ingestion_service.h"
#include "app/workspace_service.h"
#include "base/clock.h"
#include "nlohmann/json.hpp"
#include "server/json_body.h"
#include "server/openai_responses.h"
#include "server/sse.h"
#include "server/stream_recheck.h"
#include "server/workspace_path.h"

namespace hearth::internal {
namespace {

using nlohmann::json;

bool Ended(JobState state) {
  return state == JobState::kDone || state == JobState::kFailed || state == JobState::kCancelled;
}

// The job's speed over its life so far (or whole life), and for a running job
// the time its remaining chunks will take at that speed.
void AddSpeed(const JobRow& row, json& body) {
  const int64_t end_ms = row.finished_at_ms.value_or(
      std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count());
  if (!row.started_at_ms || end_ms <= *row.started_at_ms || row.progress.chunks_done <= 0) return;
  const double seconds = static_cast<double>(end_ms - *row.started_at_ms) / 1000;
  const double rate = static_cast<double>(row.progress.chunks_done) / seconds;
  body["chunks_per_second"] = rate;
  if (!row.finished_at_ms && row.progress.chunks_total > row.progress.chunks_done) {
    body["eta_seconds"] =
        static_cast<double>(row.progress.chunks_total - row.progress.chunks_done) / rate;
  }
}

// Why the unfinished job of `row` is stalled (IngestionService), or nullopt.
using StallLookup = std::function<std::optional<std::string>(int64_t job_id)>;

// The job without its speed, which changes with every read: what an event
// stream compares to decide whether the job has moved. A stalled job shows
// state "stalled" and the error it is stalled on.
json JobStateJson(const JobRow& row, const StallLookup& stall) {
  std::optional<std::string> stalled;
  if (!Ended(row.state) && stall) stalled = stall(row.id);
  json body = {{"id", row.id},
               {"kind", JobKindName(row.kind)},
               {"workspace_id", row.workspace_id},
               {"state", stalled ? std::string("stalled") : std::string(JobStateName(row.state))},
               {"pages_done", row.progress.pages_done},
               {"chunks_total", row.progress.chunks_total},
               {"chunks_done", row.progress.chunks_done},
               {"created_at", FormatRfc3339UnixMillis(row.created_at_ms)}};
  if (row.document_id) body["document_id"] = *row.document_id;
  if (row.kind == JobKind::kReembed) body["target_embedder"] = row.target_embedder;
  if (!row.error.empty()) body["error"] = row.error;
  if (stalled) {
    body["error"] = *stalled + " (the job runs again every " +
                    std::to_string(kStalledJobRetry.count()) + " s)";
  }
  if (row.started_at_ms) body["started_at"] = FormatRfc3339UnixMillis(*row.started_at_ms);
  if (row.finished_at_ms) body["finished_at"] = FormatRfc3339UnixMillis(*row.finished_at_ms);
  return body;
}

json JobJson(const JobRow& row, const StallLookup& stall) {
  json body = JobStateJson(row, stall);
  AddSpeed(row, body);
  return body;
}

// Waits `duration`, or less when `stop` is requested.
void Pause(std::chrono::milliseconds duration, std::stop_token stop) {
  std::mutex mu;
  std::condition_variable_any wake;
  std::unique_lock lock(mu);
  wake.wait_for(lock, stop, duration, [] { return false; });
}

// The event stream of job `id` (see job_routes.h); runs until the job ends,
// the client leaves, the server shuts down or the stream has lasted
// kJobEventsMaxDuration. False when the client has left.
bool StreamJob(WorkspaceService& workspaces, const StallLookup& stall, int64_t id,
               const std::function<Status()>& recheck, std::stop_token shutdown,
               httplib::DataSink& sink) {
  StreamRecheck still_allowed(recheck);
  const auto deadline = std::chrono::steady_clock::now() + kJobEventsMaxDuration;
  json last;
  while (!shutdown.stop_requested() && std::chrono::steady_clock::now() < deadline) {
    if (Status allowed = still_allowed.Check(); !allowed.ok()) {
      WriteSseEvent(sink, "error", {{"error", allowed.message()}});
      break;
    }
    StatusOr<JobRow> job = workspaces.GetJob(id);
    if (!job.ok()) {
      WriteSseEvent(sink, "error", {{"error", job.status().message()}});
      break;
    }
    json state = JobStateJson(*job, stall);
    if (state != last) {
      json body = state;
      AddSpeed(*job, body);
      if (!WriteSseEvent(sink, "progress", body)) return false;
      if (Ended(job->state)) {
        WriteSseEvent(sink, "done", body);
        break;
      }
      last = std::move(state);
    }
    if (!sink.is_writable()) return false;
    Pause(kJobEventsPoll, shutdown);
  }
  sink.done();
  return true;
}

}  // namespace

void RegisterJobRoutes(RouteTable& routes, const ServerServices& services) {
  if (services.workspaces == nullptr) return;
  WorkspaceService& workspaces = *services.workspaces;
  StallLookup stall;
  if (services.ingestion != nullptr) {
    stall = [ingestion = services.ingestion](int64_t job_id) {
      return ingestion->StallReason(job_id);
    };
  }
  routes.Get("/api/v1/jobs/:id", [&workspaces, stall](const httplib::Request& request,
                                                      httplib::Response& response) {
    std::optional<int64_t> id = PathId(request, response);
    if (!id) return;
    StatusOr<JobRow> job = workspaces.GetJob(*id);
    if (!job.ok()) return SetJsonError(response, job.status());
    SetJson(response, JobJson(*job, stall));
  });
  routes.Get("/api/v1/jobs/:id/events", [&workspaces, stall, shutdown = services.shutdown](
                                            const httplib::Request& request,
                                            httplib::Response& response,
                                            const RequestContext& context) {
    std::optional<int64_t> id = PathId(request, response);
    if (!id) return;
    StatusOr<JobRow> job = workspaces.GetJob(*id);
    if (!job.ok()) return SetJsonError(response, job.status());
    response.set_header("Cache-Control", "no-cache");
    response.set_chunked_content_provider(
        kSseContentType, [&workspaces, stall, job_id = *id, shutdown,
                          recheck = context.Recheck()](size_t, httplib::DataSink& sink) {
          return StreamJob(workspaces, stall, job_id, recheck, shutdown, sink);
        });
  });
}

}  // namespace hearth::internal
