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

StatusOr<int64_t> ParsePathId(const httplib::Request& request, const char* name) {
  const auto found = request.path_params.find(name);
  if (found == request.path_params.end()) return NotFoundError("no such resource");
  StatusOr<int64_t> id = ParseInt64(found->second);
  if (!id.ok() || *id < 1) return NotFoundError("no such id '" + found->second + "'");
  return *id;
}

std::optional<int64_t> PathId(const httplib::Request& request, httplib::Response& response) {
  StatusOr<int64_t> id = ParsePathId(request);
  if (!id.ok()) {
    SetJsonError(response, id.status());
    return std::nullopt;
  }
  return *id;
}

int64_t QueryInt64(const httplib::Request& request, const char* name, int64_t fallback) {
  if (!request.has_param(name)) return fallback;
  StatusOr<int64_t> value = ParseInt64(request.get_param_value(name));
  return value.ok() ? *value : fallback;
}

}  // namespace hearth::internal
