// The route table's data: every HTTP route hearth serves, with the action it
// performs and how the wrapper finds the resource it acts on. RouteTable
// (route_table.h) refuses to register a route that is not listed here, and
// the authorization-matrix test (tests/e2e/authorization_matrix.test.mjs,
// through `hearth routes --json`) fails on a route it has no expectation
// for: a new route cannot skip authorization, nor its test.
//
// Internal to server/ (and `hearth routes`).
#ifndef HEARTH_SERVER_ROUTE_SPECS_H_
#define HEARTH_SERVER_ROUTE_SPECS_H_

#include <span>
#include <string_view>

#include "auth/access.h"

namespace hearth {

// How the wrapper finds a route's resource before Authorize().
enum class ResourceLookup {
  kPublic,     // no authentication at all (health, version, login, the UI)
  kSystem,     // Resource{kSystem}
  kModel,      // Resource{kModel}
  kWorkspace,  // the path's :slug
  kDocument,   // :slug and the document :id in it
  kThread,     // :slug and the thread :id in it (owner checked)
  kJob,        // the job :id (its workspace)
  kUser,       // the user :id (owner = that user)
  kSelf,       // the requesting user (owner = the principal's own user id)
  kApiKey,     // the key :id (owner = its user)
};
std::string_view ResourceLookupName(ResourceLookup lookup);

// How long a route may hold its HTTP worker. A long route waits for a model
// (generation, embedding, reranking, a search's query embedding, a load),
// streams for as long as a job runs, or reads a body of gigabytes; a quick
// route answers from memory or SQLite. Long routes share a bounded part of
// the worker pool (--http-quick-threads keeps the rest for quick ones), so
// /api/tags, sign-in and the UI are answered while every model is busy.
enum class RouteLane { kQuick, kLong };
std::string_view RouteLaneName(RouteLane lane);

struct RouteSpec {
  std::string_view method;   // "GET", "POST", "PATCH", "DELETE", "HEAD"
  std::string_view pattern;  // as registered with httplib ("/api/v1/workspaces/:slug")
  Action action;
  ResourceLookup lookup;
  RouteLane lane = RouteLane::kQuick;
};

std::span<const RouteSpec> AllRouteSpecs();

// The spec of (method, pattern), or nullptr.
const RouteSpec* FindRouteSpec(std::string_view method, std::string_view pattern);

}  // namespace hearth

#endif  // HEARTH_SERVER_ROUTE_SPECS_H_
