// The registry flags shared by `hearth pull` and `hearth serve` (for
// /api/pull), on the HEARTH_REGISTRY_URL / HEARTH_HF_ENDPOINT variables.
#ifndef HEARTH_CLI_PULL_FLAGS_H_
#define HEARTH_CLI_PULL_FLAGS_H_

#include "base/options.h"
#include "models/model_puller.h"

namespace hearth::cli {

inline void BindRegistryOptions(OptionBinder& binder, PullOptions& options) {
  binder.Bind("registry-url", "HEARTH_REGISTRY_URL", &options.registry_url,
              "base URL of the registry for registry.ollama.ai names");
  binder.Bind("hf-endpoint", "HEARTH_HF_ENDPOINT", &options.hf_endpoint,
              "base URL for hf.co/ORG/REPO names");
  binder.Bind("insecure", "", &options.insecure,
              "allow plain http for a name's own host (host:port/ns/model) and redirects");
}

}  // namespace hearth::cli

#endif  // HEARTH_CLI_PULL_FLAGS_H_
