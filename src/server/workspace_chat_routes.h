// hearth's API for asking a workspace, under /api/v1:
//
//   POST   /api/v1/workspaces/{slug}/threads                 new thread {"title"?}
//   GET    /api/v1/workspaces/{slug}/threads                 list, most recent first
//   GET    /api/v1/workspaces/{slug}/threads/{id}/messages   the thread's messages with
//                                                            sources, ledger and trace
//   DELETE /api/v1/workspaces/{slug}/threads/{id}            delete with its messages
//   POST   /api/v1/workspaces/{slug}/chat                    ask {"message", "thread"?,
//                                                            "mode"?, "stream"?}; SSE events
//                                                            sources, token..., done | error
//   POST   /api/v1/workspaces/{slug}/search                  retrieval only {"query", "top_k"?}
//   GET    /api/v1/workspaces/{slug}/export?format=json|csv  every message, for keeping
//
// Errors are {"error": "..."} with the status of http_status.h; a message
// over kMaxQuestionBytes is 413.
#ifndef HEARTH_SERVER_WORKSPACE_CHAT_ROUTES_H_
#define HEARTH_SERVER_WORKSPACE_CHAT_ROUTES_H_

#include "httplib.h"
#include "server/route_table.h"
#include "server/server_services.h"

namespace hearth::internal {

// Registers the routes when services.workspaces, threads, answers and
// retriever are set.
void RegisterWorkspaceChatRoutes(RouteTable& routes, const ServerServices& services);

}  // namespace hearth::internal

#endif  // HEARTH_SERVER_WORKSPACE_CHAT_ROUTES_H_
