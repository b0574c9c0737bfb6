// The path parameters the /api/v1 workspace routes share: {slug} resolved
// to its workspace, {id} parsed. Internal to server/.
#ifndef HEARTH_SERVER_WORKSPACE_PATH_H_
#define HEARTH_SERVER_WORKSPACE_PATH_H_

#include <cstdint>
#include <optional>

#include "app/workspace_service.h"
#include "httplib.h"

namespace hearth::internal {

// The workspace the path's {slug} names, or nullopt with the error (404)
// already set on `response`.
std::optional<WorkspaceRow> PathWorkspace(WorkspaceService& workspaces,
                                          const httplib::Request& request,
                                          httplib::Response& response);

// The path parameter `name` as an id (>= 1); NotFound naming what the path
// said when it is absent or not one.
StatusOr<int64_t> ParsePathId(const httplib::Request& request, const char* name = "id");

// The path's {id} (>= 1), or nullopt with a 404 already set on `response`.
std::optional<int64_t> PathId(const httplib::Request& request, httplib::Response& response);

// The query parameter `name` as an integer, or `fallback` when it is absent
// or not one.
int64_t QueryInt64(const httplib::Request& request, const char* name, int64_t fallback);

}  // namespace hearth::internal

#endif  // HEARTH_SERVER_WORKSPACE_PATH_H_
