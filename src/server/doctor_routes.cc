#include "server/doctor_routes.h"

#include <string>

#include "base/status_macros.h"
#include "base/value_parsers.h"
#include "models/doctor_report.h"
#include "models/scheduler.h"
#include "nlohmann/json.hpp"
#include "server/json_body.h"

namespace hearth::internal {
namespace {

using nlohmann::json;

// Beyond any model's trained context; a bound on what is computed.
constexpr int64_t kMaxDoctorContext = 1 << 20;

std::string Param(const httplib::Request& request, const char* name) {
  return request.has_param(name) ? request.get_param_value(name) : std::string();
}

StatusOr<DoctorQuery> QueryOf(const httplib::Request& request, uint64_t budget) {
  DoctorQuery query{.model = Param(request, "model"),
                    .params = Param(request, "params"),
                    .embedder = Param(request, "embedder"),
                    .reranker = Param(request, "reranker"),
                    .budget = budget};
  if (request.has_param("ctx")) {
    StatusOr<int64_t> context = ParseInt64(request.get_param_value("ctx"));
    if (!context.ok() || *context <= 0 || *context > kMaxDoctorContext) {
      return InvalidArgumentError("ctx must be a whole number from 1 to " +
                                  std::to_string(kMaxDoctorContext));
    }
    query.context = static_cast<int32_t>(*context);
  }
  return query;
}

json RowJson(const AdviceRow& row, uint64_t companions) {
  const Footprint& f = row.footprint;
  return {{"type", GetQuantizationTypeInfo(row.type).name},
          {"weights_bytes", f.weights},
          {"kv_cache_bytes", f.kv_cache},
          {"compute_bytes", f.compute},
          {"overhead_bytes", f.overhead},
          {"total_bytes", f.total()},
          {"with_companions_bytes", f.total() + companions},
          {"fits", row.fits},
          {"has_headroom", row.has_headroom}};
}

json AdviceJson(const SizedAdvice& sized) {
  json rows = json::array();
  for (const AdviceRow& row : sized.advice.rows) {
    rows.push_back(RowJson(row, sized.advice.companions_bytes));
  }
  const auto& recommended = sized.advice.recommended;
  return {{"model", sized.model.label},
          {"parameters", sized.model.parameter_count},
          {"recommended", recommended ? json(GetQuantizationTypeInfo(*recommended).name) : json()},
          {"explanation", sized.advice.explanation},
          {"suggested_pull", sized.suggested_pull},
          {"rows", rows}};
}

json ReportJson(const DoctorReport& report) {
  json companions = json::array();
  for (const Companion& companion : report.companions) {
    companions.push_back(
        {{"role", companion.role}, {"name", companion.label}, {"bytes", companion.bytes}});
  }
  json advice = json::array();
  for (const SizedAdvice& sized : report.advice) advice.push_back(AdviceJson(sized));
  const SizedAdvice* largest = LargestComfortableSize(report);
  return {{"machine",
           {{"total_bytes", report.machine.total}, {"available_bytes", report.machine.available}}},
          {"budget_bytes", report.budget},
          {"context", report.context},
          {"companions", companions},
          {"typical_embedder_assumed", report.typical_embedder_assumed},
          {"advice", advice},
          {"largest_comfortable", largest != nullptr ? json(largest->model.label) : json()}};
}

}  // namespace

void RegisterDoctorRoutes(RouteTable& routes, const ServerServices& services) {
  if (services.models == nullptr || services.scheduler == nullptr) return;
  ModelStore& store = *services.models;
  const Scheduler& scheduler = *services.scheduler;
  routes.Get("/api/v1/doctor", [&store, &scheduler](const httplib::Request& request,
                                                    httplib::Response& response) {
    StatusOr<DoctorQuery> query = QueryOf(request, scheduler.memory_budget());
    if (!query.ok()) return SetJsonError(response, query.status());
    StatusOr<DoctorReport> report = BuildDoctorReport(&store, *query);
    if (!report.ok()) return SetJsonError(response, report.status());
    SetJson(response, ReportJson(*report));
  });
}

}  // namespace hearth::internal
