#include "models/runner_loader.h"

#include "models/remote_backend.h"
#include "models/runner_client.h"

namespace hearth {

BackendLoader MakeRunnerLoader(RunnerLoaderOptions options) {
  return [options = std::move(options)](const ResolvedModel& model, const ModelLoadOptions& load)
             -> StatusOr<std::unique_ptr<InferenceBackend>> {
    if (model.remote) {
      StatusOr<std::unique_ptr<RemoteBackend>> remote =
          RemoteBackend::Open(*model.remote, model.entry.name.DisplayName());
      if (!remote.ok()) return remote.status();
      return std::unique_ptr<InferenceBackend>(std::move(*remote));
    }
    StatusOr<std::unique_ptr<RunnerClient>> runner =
        RunnerClient::Start({.load = load,
                             .display_name = model.entry.name.DisplayName(),
                             .runner_binary = options.runner_binary,
                             .socket_dir = options.socket_dir,
                             .start_timeout = options.start_timeout});
    if (!runner.ok()) return runner.status();
    return std::unique_ptr<InferenceBackend>(std::move(*runner));
  };
}

}  // namespace hearth
