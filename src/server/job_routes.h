// hearth's own API for background jobs (ingestion, re-embedding), under
// /api/v1:
//
//   GET /api/v1/jobs/{id}          the job: kind, state, progress, speed, eta
//   GET /api/v1/jobs/{id}/events   the same JSON as Server-Sent Events while
//                                  the job runs
//
// The event stream: "progress" with the job's JSON at once and whenever its
// state or progress changes (the job row is read every kJobEventsPoll),
// then "done" with the final JSON when the job has ended (state done,
// failed or cancelled), and the stream closes. It also closes, without
// "done", when the client disconnects, at server shutdown, after
// kJobEventsMaxDuration (a client reconnects to go on following), or with
// "error" ({"error": "..."}) when the job can no longer be read (its
// workspace was deleted). An unknown job is a 404 JSON error, not a stream.
//
// A job stalled on an error its row could not record (app/
// ingestion_service.h: the disk holding the database is full) shows state
// "stalled" and that error until it runs again.
//
// Errors are {"error": "..."} with the status of http_status.h.
#ifndef HEARTH_SERVER_JOB_ROUTES_H_
#define HEARTH_SERVER_JOB_ROUTES_H_

#include <chrono>

#include "httplib.h"
#include "server/route_table.h"
#include "server/server_services.h"

namespace hearth::internal {

// How often an event stream reads its job.
inline constexpr std::chrono::milliseconds kJobEventsPoll{250};
// The longest one event stream stays open.
inline constexpr std::chrono::hours kJobEventsMaxDuration{1};

// Registers the routes when services.workspaces is set.
void RegisterJobRoutes(RouteTable& routes, const ServerServices& services);

}  // namespace hearth::internal

#endif  // HEARTH_SERVER_JOB_ROUTES_H_
