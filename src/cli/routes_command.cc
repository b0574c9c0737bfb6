// `hearth routes [--json]`: every HTTP route with the action it performs and
// the resource it acts on and its lane (server/route_specs.h), so that the authorization
// matrix test and a reviewer see the same table the server enforces.
#include <iostream>

#include "cli/commands.h"
#include "nlohmann/json.hpp"
#include "server/route_specs.h"

namespace hearth::cli {

int RunRoutes(const CommandArgs& args) {
  const bool json = !args.empty() && args.front() == "--json";
  if (args.size() > (json ? 1u : 0u)) {
    std::cerr << "usage: hearth routes [--json]\n";
    return kExitUsage;
  }
  nlohmann::json list = nlohmann::json::array();
  for (const RouteSpec& spec : AllRouteSpecs()) {
    if (json) {
      list.push_back({{"method", spec.method},
                      {"pattern", spec.pattern},
                      {"action", ActionName(spec.action)},
                      {"resource", ResourceLookupName(spec.lookup)},
                      {"lane", RouteLaneName(spec.lane)}});
    } else {
      std::cout << spec.method << " " << spec.pattern << "  " << ActionName(spec.action) << " "
                << ResourceLookupName(spec.lookup) << " " << RouteLaneName(spec.lane) << "\n";
    }
  }
  if (json) std::cout << list.dump(1) << "\n";
  return kExitOk;
}

}  // namespace hearth::cli
