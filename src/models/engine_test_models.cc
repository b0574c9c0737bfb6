#include "models/engine_test_models.h"

#include <unistd.h>

#include <map>
#include <utility>

#include "gtest/gtest.h"
#include "models/llama_backend.h"
#include "models/quiet_llama_log.h"
#include "tests/fixtures/fixture_builder.h"

namespace hearth::testing {
namespace {

// The folder of this process's fixtures; removed when the process exits.
class FixtureFolder {
 public:
  FixtureFolder()
      : path_(std::filesystem::path(::testing::TempDir()) /
              ("hearth-engine-test-" + std::to_string(getpid()))) {
    std::filesystem::create_directories(path_);
  }
  ~FixtureFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

FixtureFolder& Folder() {
  static FixtureFolder folder;
  return folder;
}

}  // namespace

std::filesystem::path FixtureModel(const fixture::Spec& spec) {
  static std::map<std::string, std::filesystem::path> built;
  const std::string key = fixture::SpecKey(spec);
  if (auto it = built.find(key); it != built.end()) return it->second;
  InitLlamaBackend();
  ScopedQuietLlamaLog quiet;
  const std::filesystem::path path =
      Folder().path() / ("fixture-" + std::to_string(built.size()) + ".gguf");
  const Status status = fixture::BuildFixture(spec, path);
  EXPECT_TRUE(status.ok()) << status;
  if (!status.ok()) return {};
  built.emplace(key, path);
  return path;
}

std::filesystem::path FixtureModel(fixture::FixtureKind kind, const std::string& preset) {
  StatusOr<fixture::Spec> spec = fixture::PresetSpec(kind, preset);
  EXPECT_TRUE(spec.ok()) << spec.status();
  return spec.ok() ? FixtureModel(*spec) : std::filesystem::path();
}

std::unique_ptr<InferenceEngine> OpenEngine(const ModelLoadOptions& options) {
  InitLlamaBackend();
  ScopedQuietLlamaLog quiet;
  StatusOr<std::unique_ptr<InferenceEngine>> engine = InferenceEngine::Open(options);
  EXPECT_TRUE(engine.ok()) << engine.status();
  return engine.ok() ? std::move(*engine) : nullptr;
}

}  // namespace hearth::testing
