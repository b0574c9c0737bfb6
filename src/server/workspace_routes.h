// hearth's own API for knowledge bases, under /api/v1 (the part ingestion
// needs; retrieval and chat come with the RAG routes):
//
//   POST   /api/v1/workspaces                              create
//   GET    /api/v1/workspaces                              list
//   GET    /api/v1/workspaces/{slug}                       one
//   PATCH  /api/v1/workspaces/{slug}                       change settings
//   DELETE /api/v1/workspaces/{slug}                       delete with its documents
//   POST   /api/v1/workspaces/{slug}/documents             upload (multipart, field "file", several)
//   GET    /api/v1/workspaces/{slug}/documents             list with status
//   GET    /api/v1/workspaces/{slug}/documents/{id}        one
//   DELETE /api/v1/workspaces/{slug}/documents/{id}        delete (chunks, FTS rows, vectors)
//   POST   /api/v1/workspaces/{slug}/documents/{id}/pin    pin or unpin ({"pinned": bool})
//
// The job routes (/api/v1/jobs/...) are in job_routes.h.
//
// Errors are {"error": "..."} with the status of http_status.h. An upload
// answers 202 with a result per file ({"documents": [{"name", "document_id",
// "job_id"} or {"name", "error"}]}); when no file was stored, the status is
// the first file's error (507 for a full disk), with the same per-file list.
#ifndef HEARTH_SERVER_WORKSPACE_ROUTES_H_
#define HEARTH_SERVER_WORKSPACE_ROUTES_H_

#include "httplib.h"
#include "server/route_table.h"
#include "server/server_services.h"

namespace hearth::internal {

// Registers the routes when services.workspaces and services.ingestion are set.
void RegisterWorkspaceRoutes(RouteTable& routes, const ServerServices& services);

}  // namespace hearth::internal

#endif  // HEARTH_SERVER_WORKSPACE_ROUTES_H_
