#include "server/workspace_routes.h"

#include <chrono>
#include <string>

#include "app/account_service.h"
#include "app/ingestion_service.h"
#include "app/workspace_service.h"
#include "base/clock.h"
#include "base/status_macros.h"
#include "base/value_parsers.h"
#include "nlohmann/json.hpp"
#include "server/http_status.h"
#include "server/json_body.h"
#include "server/request_limits.h"
#include "server/workspace_path.h"

namespace hearth::internal {
namespace {

using nlohmann::json;

json WorkspaceJson(const WorkspaceRow& row) {
  return {{"id", row.id},
          {"slug", row.slug},
          {"name", row.settings.name},
          {"embedder", row.settings.embedder},
          {"chunk_tokens", row.settings.chunk_tokens},
          {"chunk_overlap_tokens", row.settings.chunk_overlap_tokens},
          {"vector_type", VectorTypeName(row.settings.vector_type)},
          {"chat_model", row.settings.chat_model},
          {"reranker", row.settings.reranker},
          {"mode", ChatModeName(row.settings.mode)},
          {"top_k", row.settings.top_k},
          {"similarity_threshold", row.settings.similarity_threshold},
          {"context_budget_tokens", row.settings.context_budget_tokens},
          {"temperature", row.settings.temperature},
          {"system_prompt", row.settings.system_prompt},
          {"history_messages", row.settings.history_messages},
          {"history_tokens", row.settings.history_tokens},
          {"refusal_text", row.settings.refusal_text},
          {"retention_days", row.settings.retention_days},
          {"members_can_upload", row.settings.members_can_upload},
          {"created_at", FormatRfc3339UnixMillis(row.created_at_ms)},
          {"updated_at", FormatRfc3339UnixMillis(row.updated_at_ms)}};
}

json DocumentJson(const DocumentRow& row) {
  json warnings = json::array();
  size_t start = 0;
  while (start < row.warnings.size()) {
    size_t end = row.warnings.find('\n', start);
    if (end == std::string::npos) end = row.warnings.size();
    if (end > start) warnings.push_back(row.warnings.substr(start, end - start));
    start = end + 1;
  }
  json body = {{"id", row.id},
               {"name", row.name},
               {"digest", row.blob_digest},
               {"bytes", row.bytes},
               {"format", row.format},
               {"title", row.title},
               {"pages", row.page_count},
               {"status", DocumentStatusName(row.status)},
               {"warnings", warnings},
               {"pinned", row.pinned},
               {"uploaded_by", row.uploaded_by},
               {"created_at", FormatRfc3339UnixMillis(row.created_at_ms)},
               {"updated_at", FormatRfc3339UnixMillis(row.updated_at_ms)}};
  if (!row.error.empty()) body["error"] = row.error;
  return body;
}

// An integer field in [min, max], or `fallback` when absent.
StatusOr<int64_t> IntField(const json& body, const char* key, int64_t fallback, int64_t min,
                           int64_t max) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return fallback;
  if (!it->is_number_integer() || it->get<int64_t>() < min || it->get<int64_t>() > max) {
    return InvalidArgumentError("\"" + std::string(key) + "\" must be an integer from " +
                                std::to_string(min) + " to " + std::to_string(max));
  }
  return it->get<int64_t>();
}

// A number field in [min, max], or `fallback` when absent.
StatusOr<double> NumberField(const json& body, const char* key, double fallback, double min,
                             double max) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return fallback;
  if (!it->is_number() || !(it->get<double>() >= min && it->get<double>() <= max)) {
    return InvalidArgumentError("\"" + std::string(key) + "\" must be a number from " +
                                json(min).dump() + " to " + json(max).dump());
  }
  return it->get<double>();
}

// The boolean field `key` into `value` when present.
Status BoolField(const json& body, const char* key, bool& value) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return OkStatus();
  if (!it->is_boolean()) return InvalidArgumentError("\"" + std::string(key) + "\" must be true or false");
  value = it->get<bool>();
  return OkStatus();
}

// The string field `key` into `value` when present.
Status StringField(const json& body, const char* key, std::string& value) {
  ASSIGN_OR_RETURN(std::optional<std::string> given, OptionalString(body, key));
  if (given) value = std::move(*given);
  return OkStatus();
}

// The chat settings; string lengths are checked by WorkspaceTable.
StatusOr<WorkspaceSettings> ChatSettingsFrom(const json& body, WorkspaceSettings settings) {
  RETURN_IF_ERROR(StringField(body, "chat_model", settings.chat_model));
  RETURN_IF_ERROR(StringField(body, "reranker", settings.reranker));
  ASSIGN_OR_RETURN(std::optional<std::string> mode, OptionalString(body, "mode"));
  if (mode) {
    StatusOr<ChatMode> parsed = ParseChatMode(*mode);
    if (!parsed.ok()) return InvalidArgumentError("\"mode\" must be \"chat\" or \"query\"");
    settings.mode = *parsed;
  }
  ASSIGN_OR_RETURN(settings.top_k, IntField(body, "top_k", settings.top_k, kMinTopK, kMaxTopK));
  ASSIGN_OR_RETURN(settings.similarity_threshold,
                   NumberField(body, "similarity_threshold", settings.similarity_threshold, 0, 1));
  ASSIGN_OR_RETURN(settings.context_budget_tokens,
                   IntField(body, "context_budget_tokens", settings.context_budget_tokens,
                            kMinContextBudgetTokens, kMaxContextBudgetTokens));
  ASSIGN_OR_RETURN(settings.temperature, NumberField(body, "temperature", settings.temperature,
                                                     0, kMaxTemperature));
  RETURN_IF_ERROR(StringField(body, "system_prompt", settings.system_prompt));
  ASSIGN_OR_RETURN(settings.history_messages,
                   IntField(body, "history_messages", settings.history_messages, 0,
                            kMaxHistoryMessages));
  ASSIGN_OR_RETURN(settings.history_tokens, IntField(body, "history_tokens",
                                                     settings.history_tokens, 0,
                                                     kMaxHistoryTokens));
  RETURN_IF_ERROR(StringField(body, "refusal_text", settings.refusal_text));
  ASSIGN_OR_RETURN(settings.retention_days, IntField(body, "retention_days",
                                                     settings.retention_days, 0,
                                                     kMaxRetentionDays));
  RETURN_IF_ERROR(BoolField(body, "members_can_upload", settings.members_can_upload));
  return settings;
}

StatusOr<WorkspaceSettings> SettingsFrom(const json& body, WorkspaceSettings settings) {
  ASSIGN_OR_RETURN(std::optional<std::string> name, OptionalString(body, "name"));
  if (name) settings.name = *name;
  ASSIGN_OR_RETURN(std::optional<std::string> embedder, OptionalString(body, "embedder"));
  if (embedder) settings.embedder = *embedder;
  ASSIGN_OR_RETURN(settings.chunk_tokens,
                   IntField(body, "chunk_tokens", settings.chunk_tokens, 16, 8192));
  ASSIGN_OR_RETURN(settings.chunk_overlap_tokens,
                   IntField(body, "chunk_overlap_tokens", settings.chunk_overlap_tokens, 0, 4096));
  if (settings.chunk_overlap_tokens * 2 >= settings.chunk_tokens) {
    return InvalidArgumentError("\"chunk_overlap_tokens\" must be below half of \"chunk_tokens\" (" +
                                std::to_string(settings.chunk_tokens) + ")");
  }
  ASSIGN_OR_RETURN(std::optional<std::string> vectors, OptionalString(body, "vector_type"));
  if (vectors) {
    if (*vectors == "f16") {
      settings.vector_type = VectorType::kF16;
    } else if (*vectors == "i8") {
      settings.vector_type = VectorType::kI8;
    } else {
      return InvalidArgumentError("\"vector_type\" must be \"f16\" or \"i8\"");
    }
  }
  return ChatSettingsFrom(body, std::move(settings));
}

// PATCH: changes the given settings. A new chunk size applies to documents
// ingested afterwards. A new embedder for a workspace that holds documents
// starts a reembed job (202): the workspace keeps its embedder, shown with
// "pending_embedder", until the job has made every vector again.
void UpdateWorkspace(WorkspaceService& workspaces, IngestionService& ingestion,
                     const WorkspaceRow& workspace, const httplib::Request& request,
                     httplib::Response& response) {
  StatusOr<json> body = ParseJsonObject(request.body);
  if (!body.ok()) return SetJsonError(response, body.status());
  if (body->contains("slug")) {
    return SetJsonError(response, InvalidArgumentError("\"slug\" cannot change"));
  }
  StatusOr<WorkspaceSettings> settings = SettingsFrom(*body, workspace.settings);
  if (!settings.ok()) return SetJsonError(response, settings.status());
  const bool embedder_named = body->contains("embedder");
  StatusOr<WorkspaceUpdate> updated =
      ingestion.UpdateWorkspace(workspace.id, *settings, embedder_named);
  if (!updated.ok()) return SetJsonError(response, updated.status());
  StatusOr<WorkspaceRow> now = workspaces.GetWorkspace(workspace.slug);
  if (!now.ok()) return SetJsonError(response, now.status());
  json result = WorkspaceJson(*now);
  result["reembed_job"] = nullptr;
  result["pending_embedder"] = nullptr;
  if (updated->reembed_job != 0) {
    result["reembed_job"] = updated->reembed_job;
    result["pending_embedder"] = updated->pending_embedder;
    if (embedder_named) response.status = 202;
  }
  SetJson(response, result);
}

// GET of one workspace: its settings, and while a reembed job runs that job
// and the embedder it moves to ("reembed_job", "pending_embedder"; null
// when none), as PATCH shows them.
void WorkspaceWithPending(WorkspaceService& workspaces, const WorkspaceRow& workspace,
                          httplib::Response& response) {
  StatusOr<std::optional<JobRow>> pending = workspaces.PendingReembed(workspace.id);
  if (!pending.ok()) return SetJsonError(response, pending.status());
  json result = WorkspaceJson(workspace);
  result["reembed_job"] = *pending ? json((*pending)->id) : json(nullptr);
  result["pending_embedder"] = *pending ? json((*pending)->target_embedder) : json(nullptr);
  SetJson(response, result);
}

// POST .../documents/{id}/pin: {"pinned": true|false}; an empty body (or
// no "pinned") pins. Answers the document as GET does.
void PinDocument(WorkspaceService& workspaces, int64_t workspace_id, int64_t document_id,
                 const httplib::Request& request, httplib::Response& response) {
  StatusOr<json> body = ParseJsonObject(request.body.empty() ? "{}" : request.body);
  if (!body.ok()) return SetJsonError(response, body.status());
  bool pinned = true;
  if (auto it = body->find("pinned"); it != body->end()) {
    if (!it->is_boolean()) {
      return SetJsonError(response, InvalidArgumentError("\"pinned\" must be true or false"));
    }
    pinned = it->get<bool>();
  }
  Status set = workspaces.SetPinned(workspace_id, document_id, pinned);
  if (!set.ok()) return SetJsonError(response, set);
  StatusOr<DocumentRow> row = workspaces.GetDocument(workspace_id, document_id);
  if (!row.ok()) return SetJsonError(response, row.status());
  SetJson(response, DocumentJson(*row));
}

void CreateWorkspace(WorkspaceService& workspaces, AccountService* accounts,
                     const httplib::Request& request, httplib::Response& response,
                     const RequestContext& context) {
  StatusOr<json> body = ParseJsonObject(request.body);
  if (!body.ok()) return SetJsonError(response, body.status());
  StatusOr<std::optional<std::string>> slug = OptionalString(*body, "slug");
  if (!slug.ok()) return SetJsonError(response, slug.status());
  if (!*slug) return SetJsonError(response, InvalidArgumentError("\"slug\" is required"));
  WorkspaceSettings defaults;
  defaults.name = **slug;
  StatusOr<WorkspaceSettings> settings = SettingsFrom(*body, defaults);
  if (!settings.ok()) return SetJsonError(response, settings.status());
  StatusOr<WorkspaceRow> created = workspaces.CreateWorkspace(**slug, *settings);
  if (!created.ok()) return SetJsonError(response, created.status());
  // Whoever creates a workspace is its first member.
  const Principal& creator = context.principal();
  if (accounts != nullptr && creator.user_id > 0) {
    Status joined = accounts->AddMember(creator, created->id, creator.user_id);
    if (!joined.ok()) return SetJsonError(response, joined);
  }
  response.status = 201;
  SetJson(response, WorkspaceJson(*created));
}

std::string UploadName(const httplib::FormData& file) {
  return file.filename.empty() ? "upload" : file.filename;
}

// Every limit on an upload, checked for all its files before any is stored:
// a refused upload stores nothing. False with the error set on `response`.
bool UploadWithinLimits(const httplib::Request& request, httplib::Response& response,
                        const ServerLimits& limits) {
  const size_t parts = request.form.fields.size() + request.form.files.size();
  if (Status counts = CheckUploadCounts(parts, request.form.get_file_count("file"), limits);
      !counts.ok()) {
    SetLimitError(request, response, counts, kContentTooLarge);
    return false;
  }
  for (const httplib::FormData& file : request.form.get_files("file")) {
    const std::string name = UploadName(file);
    if (Status named = CheckUploadFileName(name, limits); !named.ok()) {
      SetLimitError(request, response, named, kBadRequest);
      return false;
    }
    if (Status sized = CheckDocumentSize(name, file.content.size(), limits); !sized.ok()) {
      SetLimitError(request, response, sized, kContentTooLarge);
      return false;
    }
  }
  return true;
}

void Upload(WorkspaceService& workspaces, IngestionService& ingestion, const ServerLimits& limits,
            const httplib::Request& request, httplib::Response& response,
            const RequestContext& context) {
  std::optional<WorkspaceRow> workspace = PathWorkspace(workspaces, request, response);
  if (!workspace) return;
  if (!request.is_multipart_form_data()) {
    return SetJsonError(response, InvalidArgumentError(
                                      "send the files as multipart/form-data, field \"file\""));
  }
  if (request.form.get_file_count("file") == 0) {
    return SetJsonError(response, InvalidArgumentError("no \"file\" part in the upload"));
  }
  if (!UploadWithinLimits(request, response, limits)) return;
  json results = json::array();
  Status first_failure;
  bool stored_any = false;
  for (const httplib::FormData& file : request.form.get_files("file")) {
    const std::string name = UploadName(file);
    StatusOr<SubmittedDocument> submitted = ingestion.Submit(workspace->id, name, file.content,
                                                           context.principal().user_id);
    if (!submitted.ok()) {
      if (first_failure.ok()) first_failure = submitted.status();
      results.push_back({{"name", name}, {"error", submitted.status().message()}});
      continue;
    }
    stored_any = true;
    json entry = {{"name", name}, {"document_id", submitted->document_id},
                  {"duplicate", submitted->duplicate}};
    if (submitted->job_id != 0) entry["job_id"] = submitted->job_id;
    results.push_back(entry);
  }
  // An upload that stored nothing failed as a whole: the first file's status
  // (507 for a full disk, 429 for a full queue) with every file's result.
  json body{{"documents", results}};
  if (!stored_any) body["error"] = first_failure.message();
  response.status = stored_any ? 202 : HttpStatusFor(first_failure);
  SetJson(response, body);
}

}  // namespace

void RegisterWorkspaceRoutes(RouteTable& routes, const ServerServices& services) {
  if (services.workspaces == nullptr || services.ingestion == nullptr) return;
  WorkspaceService& workspaces = *services.workspaces;
  IngestionService& ingestion = *services.ingestion;
  routes.Post("/api/v1/workspaces", [&workspaces, accounts = services.accounts](
                                        const httplib::Request& request,
                                        httplib::Response& response,
                                        const RequestContext& context) {
    CreateWorkspace(workspaces, accounts, request, response, context);
  });
  routes.Get("/api/v1/workspaces", [&workspaces](const httplib::Request&, httplib::Response& response,
                                                 const RequestContext& context) {
    StatusOr<std::vector<WorkspaceRow>> rows = workspaces.ListWorkspaces();
    if (!rows.ok()) return SetJsonError(response, rows.status());
    json list = json::array();
    for (const WorkspaceRow& row : *rows) {
      // Only the workspaces the principal may see.
      const Resource resource{.kind = ResourceKind::kWorkspace, .workspace_id = row.id};
      if (context.Allowed(Action::kRead, resource)) list.push_back(WorkspaceJson(row));
    }
    SetJson(response, json{{"workspaces", list}});
  });
  routes.Get("/api/v1/workspaces/:slug", [&workspaces](const httplib::Request& request,
                                                       httplib::Response& response) {
    if (auto workspace = PathWorkspace(workspaces, request, response)) {
      WorkspaceWithPending(workspaces, *workspace, response);
    }
  });
  routes.Patch("/api/v1/workspaces/:slug", [&workspaces, &ingestion](
                                                const httplib::Request& request,
                                                httplib::Response& response) {
    if (auto workspace = PathWorkspace(workspaces, request, response)) {
      UpdateWorkspace(workspaces, ingestion, *workspace, request, response);
    }
  });
  routes.Delete("/api/v1/workspaces/:slug", [&workspaces](const httplib::Request& request,
                                                          httplib::Response& response) {
    auto workspace = PathWorkspace(workspaces, request, response);
    if (!workspace) return;
    Status deleted = workspaces.DeleteWorkspace(workspace->id);
    if (!deleted.ok()) return SetJsonError(response, deleted);
    SetJson(response, json{{"deleted", workspace->slug}});
  });
  routes.Post("/api/v1/workspaces/:slug/documents",
              [&workspaces, &ingestion, limits = services.limits](
                  const httplib::Request& request, httplib::Response& response,
                  const RequestContext& context) {
                Upload(workspaces, ingestion, limits, request, response, context);
              });
  routes.Get("/api/v1/workspaces/:slug/documents", [&workspaces](const httplib::Request& request,
                                                                 httplib::Response& response) {
    auto workspace = PathWorkspace(workspaces, request, response);
    if (!workspace) return;
    StatusOr<std::vector<DocumentRow>> rows = workspaces.ListDocuments(workspace->id);
    if (!rows.ok()) return SetJsonError(response, rows.status());
    json list = json::array();
    for (const DocumentRow& row : *rows) list.push_back(DocumentJson(row));
    SetJson(response, json{{"documents", list}});
  });
  routes.Get("/api/v1/workspaces/:slug/documents/:id",
             [&workspaces](const httplib::Request& request, httplib::Response& response) {
               auto workspace = PathWorkspace(workspaces, request, response);
               auto id = workspace ? PathId(request, response) : std::nullopt;
               if (!id) return;
               StatusOr<DocumentRow> row = workspaces.GetDocument(workspace->id, *id);
               if (!row.ok()) return SetJsonError(response, row.status());
               SetJson(response, DocumentJson(*row));
             });
  routes.Delete("/api/v1/workspaces/:slug/documents/:id",
                [&workspaces](const httplib::Request& request, httplib::Response& response) {
                  auto workspace = PathWorkspace(workspaces, request, response);
                  auto id = workspace ? PathId(request, response) : std::nullopt;
                  if (!id) return;
                  Status deleted = workspaces.DeleteDocument(workspace->id, *id);
                  if (!deleted.ok()) return SetJsonError(response, deleted);
                  SetJson(response, json{{"deleted", *id}});
                });
  routes.Post("/api/v1/workspaces/:slug/documents/:id/pin",
              [&workspaces](const httplib::Request& request, httplib::Response& response) {
                auto workspace = PathWorkspace(workspaces, request, response);
                auto id = workspace ? PathId(request, response) : std::nullopt;
                if (id) PinDocument(workspaces, workspace->id, *id, request, response);
              });
}

}  // namespace hearth::internal
