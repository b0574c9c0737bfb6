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

// The path's {id} (>= 1), or nullopt with a 404 already set on `response`.
std::optional<int64_t> PathId(const httplib::Request& request, httplib::Response& response);

}  // namespace hearth::internal

#endif  // HEARTH_SERVER_WORKSPACE_PATH_H_
