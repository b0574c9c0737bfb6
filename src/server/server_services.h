// What the HTTP routes serve: the layers below the server, owned by
// `hearth serve` and borrowed by the routes for the server's lifetime.
//
// Thread-safety: every service is thread-safe itself.
#ifndef HEARTH_SERVER_SERVER_SERVICES_H_
#define HEARTH_SERVER_SERVER_SERVICES_H_

namespace hearth {

class ModelStore;
class Scheduler;

struct ServerServices {
  // Installed models (/api/tags). Null: the model routes are not served.
  ModelStore* models = nullptr;
  // Loaded models (/api/ps, /api/generate, /api/embed). Null as above.
  Scheduler* scheduler = nullptr;
};

}  // namespace hearth

#endif  // HEARTH_SERVER_SERVER_SERVICES_H_
