// The production BackendLoader: every model the scheduler loads runs in its
// own `hearth runner` child process (models/runner_client.h), so a model that
// crashes llama.cpp takes down its runner, never the server. A model with a
// remote layer is served by a RemoteBackend (models/remote_backend.h) instead.
//
// Thread-safety: the returned loader is thread-safe.
#ifndef HEARTH_MODELS_RUNNER_LOADER_H_
#define HEARTH_MODELS_RUNNER_LOADER_H_

#include <chrono>
#include <filesystem>

#include "models/scheduler.h"

namespace hearth {

struct RunnerLoaderOptions {
  // The hearth executable that serves `hearth runner`.
  std::filesystem::path runner_binary = "/proc/self/exe";
  // Where runner sockets go ("" = DefaultRunnerSocketDir()).
  std::filesystem::path socket_dir = {};
  // How long a runner may take to load its model.
  std::chrono::milliseconds start_timeout{120'000};
};

// A loader that starts a RunnerClient for the model with the given options.
BackendLoader MakeRunnerLoader(RunnerLoaderOptions options);

}  // namespace hearth

#endif  // HEARTH_MODELS_RUNNER_LOADER_H_
