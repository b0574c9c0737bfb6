#include "models/runner_loader.h"

#include "models/runner_client.h"

namespace hearth {

BackendLoader MakeRunnerLoader(RunnerLoaderOptions options) {
  return [options = std::move(options)](const ResolvedModel& model, const ModelLoadOptions& load)
             -> StatusOr<std::unique_ptr<InferenceBackend>> {
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
