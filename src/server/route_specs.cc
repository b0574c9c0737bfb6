#include "server/route_specs.h"

namespace hearth {
namespace {

using A = Action;
using L = ResourceLookup;
constexpr RouteLane kLong = RouteLane::kLong;

constexpr RouteSpec kRoutes[] = {
    // System.
    {"GET", "/", A::kRead, L::kPublic},
    {"GET", "/assets/(.+)", A::kRead, L::kPublic},
    {"GET", "/health", A::kRead, L::kPublic},
    {"GET", "/api/version", A::kRead, L::kPublic},
    {"GET", "/metrics", A::kRead, L::kSystem},
    {"GET", "/api/v1/system", A::kRead, L::kSystem},
    {"GET", "/api/v1/doctor", A::kRead, L::kSystem},
    // Sign-in and the signed-in user.
    {"POST", "/api/v1/auth/login", A::kRead, L::kPublic},
    {"POST", "/api/v1/auth/logout", A::kRead, L::kSystem},
    {"GET", "/api/v1/auth/me", A::kRead, L::kSystem},
    // Users, keys, audit.
    {"GET", "/api/v1/users", A::kAdmin, L::kSystem},
    {"POST", "/api/v1/users", A::kAdmin, L::kSystem},
    {"GET", "/api/v1/users/:id", A::kRead, L::kUser},
    {"PATCH", "/api/v1/users/:id", A::kAdmin, L::kSystem},
    {"DELETE", "/api/v1/users/:id", A::kAdmin, L::kSystem},
    {"POST", "/api/v1/users/:id/password", A::kManage, L::kUser},
    {"GET", "/api/v1/keys", A::kRead, L::kSelf},
    {"POST", "/api/v1/keys", A::kManage, L::kSelf},
    {"DELETE", "/api/v1/keys/:id", A::kManage, L::kApiKey},
    {"GET", "/api/v1/audit", A::kAdmin, L::kSystem},
    // Models: Ollama's API.
    {"GET", "/api/tags", A::kRead, L::kModel},
    {"GET", "/api/ps", A::kRead, L::kModel},
    {"POST", "/api/show", A::kRead, L::kModel},
    {"POST", "/api/generate", A::kChat, L::kModel, kLong},
    {"POST", "/api/chat", A::kChat, L::kModel, kLong},
    {"POST", "/api/embed", A::kChat, L::kModel, kLong},
    {"POST", "/api/embeddings", A::kChat, L::kModel, kLong},
    {"POST", "/api/create", A::kAdmin, L::kModel, kLong},
    {"POST", "/api/v1/models/pin", A::kAdmin, L::kModel, kLong},
    {"POST", "/api/copy", A::kAdmin, L::kModel},
    {"DELETE", "/api/delete", A::kAdmin, L::kModel},
    {"POST", "/api/pull", A::kAdmin, L::kModel, kLong},
    {"GET", "/api/blobs/:digest", A::kAdmin, L::kModel},  // HEAD is served by GET
    {"POST", "/api/blobs/:digest", A::kAdmin, L::kModel, kLong},
    // Models: OpenAI's API.
    {"GET", "/v1/models", A::kRead, L::kModel},
    {"GET", "/v1/models/(.+)", A::kRead, L::kModel},
    {"POST", "/v1/chat/completions", A::kChat, L::kModel, kLong},
    {"POST", "/v1/completions", A::kChat, L::kModel, kLong},
    {"POST", "/v1/embeddings", A::kChat, L::kModel, kLong},
    {"POST", "/v1/rerank", A::kChat, L::kModel, kLong},
    {"POST", "/v1/rerankings", A::kChat, L::kModel, kLong},
    // Workspaces and documents.
    {"POST", "/api/v1/workspaces", A::kCreateWorkspace, L::kSystem},
    {"GET", "/api/v1/workspaces", A::kRead, L::kSystem},
    {"GET", "/api/v1/workspaces/:slug", A::kRead, L::kWorkspace},
    {"PATCH", "/api/v1/workspaces/:slug", A::kManage, L::kWorkspace},
    {"DELETE", "/api/v1/workspaces/:slug", A::kManage, L::kWorkspace},
    {"GET", "/api/v1/workspaces/:slug/members", A::kRead, L::kWorkspace},
    {"POST", "/api/v1/workspaces/:slug/members", A::kManage, L::kWorkspace},
    {"DELETE", "/api/v1/workspaces/:slug/members/:id", A::kManage, L::kWorkspace},
    {"POST", "/api/v1/workspaces/:slug/documents", A::kWrite, L::kWorkspace, kLong},
    {"GET", "/api/v1/workspaces/:slug/documents", A::kRead, L::kWorkspace},
    {"GET", "/api/v1/workspaces/:slug/documents/:id", A::kRead, L::kDocument},
    {"DELETE", "/api/v1/workspaces/:slug/documents/:id", A::kWrite, L::kDocument},
    {"POST", "/api/v1/workspaces/:slug/documents/:id/pin", A::kWrite, L::kDocument},
    {"GET", "/api/v1/jobs/:id", A::kRead, L::kJob},
    {"GET", "/api/v1/jobs/:id/events", A::kRead, L::kJob, kLong},
    // Threads, chat, search, export.
    {"POST", "/api/v1/workspaces/:slug/threads", A::kChat, L::kWorkspace},
    {"GET", "/api/v1/workspaces/:slug/threads", A::kRead, L::kWorkspace},
    {"GET", "/api/v1/workspaces/:slug/threads/:id/messages", A::kRead, L::kThread},
    {"DELETE", "/api/v1/workspaces/:slug/threads/:id", A::kChat, L::kThread},
    {"POST", "/api/v1/workspaces/:slug/chat", A::kChat, L::kWorkspace, kLong},
    {"POST", "/api/v1/workspaces/:slug/search", A::kRead, L::kWorkspace, kLong},
    {"GET", "/api/v1/workspaces/:slug/export", A::kRead, L::kWorkspace, kLong},
};

}  // namespace

std::string_view ResourceLookupName(ResourceLookup lookup) {
  switch (lookup) {
    case L::kPublic: return "public";
    case L::kSystem: return "system";
    case L::kModel: return "model";
    case L::kWorkspace: return "workspace";
    case L::kDocument: return "document";
    case L::kThread: return "thread";
    case L::kJob: return "job";
    case L::kUser: return "user";
    case L::kSelf: return "self";
    case L::kApiKey: return "api_key";
  }
  return "unknown";
}

std::string_view RouteLaneName(RouteLane lane) {
  return lane == RouteLane::kLong ? "long" : "quick";
}

std::span<const RouteSpec> AllRouteSpecs() { return kRoutes; }

const RouteSpec* FindRouteSpec(std::string_view method, std::string_view pattern) {
  for (const RouteSpec& spec : kRoutes) {
    if (spec.method == method && spec.pattern == pattern) return &spec;
  }
  return nullptr;
}

}  // namespace hearth
