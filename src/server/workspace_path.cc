#include "server/workspace_path.h"

#include <string>

#include "base/value_parsers.h"
#include "server/json_body.h"

namespace hearth::internal {

std::optional<WorkspaceRow> PathWorkspace(WorkspaceService& workspaces,
                                          const httplib::Request& request,
                                          httplib::Response& response) {
  StatusOr<WorkspaceRow> workspace = workspaces.GetWorkspace(request.path_params.at("slug"));
  if (!workspace.ok()) {
    SetJsonError(response, workspace.status());
    return std::nullopt;
  }
  return *workspace;
}

std::optional<int64_t> PathId(const httplib::Request& request, httplib::Response& response) {
  StatusOr<int64_t> id = ParseInt64(request.path_params.at("id"));
  if (!id.ok() || *id < 1) {
    SetJsonError(response, NotFoundError("no such id '" + request.path_params.at("id") + "'"));
    return std::nullopt;
  }
  return *id;
}

}  // namespace hearth::internal
