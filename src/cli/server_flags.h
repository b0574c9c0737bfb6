// The --host/--port flags of the verbs that talk to a running server
// (`hearth ps`, `hearth stop`), on the same HEARTH_HOST/HEARTH_PORT
// variables `hearth serve` listens on.
#ifndef HEARTH_CLI_SERVER_FLAGS_H_
#define HEARTH_CLI_SERVER_FLAGS_H_

#include "base/options.h"
#include "server/api_client.h"

namespace hearth::cli {

inline void BindServerAddress(OptionBinder& binder, ServerAddress& address) {
  binder.Bind("host", "HEARTH_HOST", &address.host, "address of the running hearth server");
  binder.Bind("port", "HEARTH_PORT", &address.port, "port of the running hearth server");
  binder.Bind("api-key", "HEARTH_API_KEY", &address.api_key,
              "API key for a multi-user server (hearth_sk_...; create one in POST /api/v1/keys)");
}

}  // namespace hearth::cli

#endif  // HEARTH_CLI_SERVER_FLAGS_H_
