#include "server/model_pin_route.h"

#include "base/status_macros.h"
#include "models/model_name.h"
#include "models/scheduler.h"
#include "nlohmann/json.hpp"
#include "server/json_body.h"

namespace hearth::internal {
namespace {

using nlohmann::json;

struct PinRequest {
  ModelName model;
  bool pinned = true;
};

StatusOr<PinRequest> ParsePinRequest(const std::string& text) {
  ASSIGN_OR_RETURN(json body, ParseJsonObject(text));
  ASSIGN_OR_RETURN(std::optional<std::string> name, OptionalString(body, "model"));
  if (!name || name->empty()) return InvalidArgumentError("\"model\" is required");
  ASSIGN_OR_RETURN(ModelName model, ParseModelName(*name));
  auto pinned = body.find("pinned");
  if (pinned == body.end() || !pinned->is_boolean()) {
    return InvalidArgumentError("\"pinned\" must be true or false");
  }
  return PinRequest{std::move(model), pinned->get<bool>()};
}

}  // namespace

void RegisterModelPinRoute(RouteTable& routes, const ServerServices& services) {
  if (services.scheduler == nullptr) return;
  Scheduler& scheduler = *services.scheduler;
  routes.Post("/api/v1/models/pin", [&scheduler](const httplib::Request& request,
                                                 httplib::Response& response) {
    StatusOr<PinRequest> pin = ParsePinRequest(request.body);
    if (!pin.ok()) return SetJsonError(response, pin.status());
    if (pin->pinned) {
      Status pinned = scheduler.Pin(pin->model);
      if (!pinned.ok()) return SetJsonError(response, pinned);
    } else {
      scheduler.Unpin(pin->model);
    }
    SetJson(response, json{{"model", pin->model.DisplayName()}, {"pinned", pin->pinned}});
  });
}

}  // namespace hearth::internal
