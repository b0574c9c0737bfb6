// Test helper for the inference engine tests: fixture models built once per
// test process (in a temporary folder removed at exit) and engines opened on
// them.
//
// Thread-safety: call from the test's main thread.
#ifndef HEARTH_MODELS_ENGINE_TEST_MODELS_H_
#define HEARTH_MODELS_ENGINE_TEST_MODELS_H_

#include <filesystem>
#include <memory>
#include <string>

#include "models/inference_engine.h"
#include "models/model_load_options.h"
#include "tests/fixtures/fixture_spec.h"

namespace hearth::testing {

// The path of the fixture `spec` describes, building it on first use. Empty
// (after a test failure) if it cannot be built.
std::filesystem::path FixtureModel(const fixture::Spec& spec);

// The same for the `preset` fixture of `kind` (F16, seed 0).
std::filesystem::path FixtureModel(fixture::FixtureKind kind, const std::string& preset);

// Opens an engine with llama.cpp's log kept to errors; nullptr (after a test
// failure naming the status) when Open fails.
std::unique_ptr<InferenceEngine> OpenEngine(const ModelLoadOptions& options);

}  // namespace hearth::testing

#endif  // HEARTH_MODELS_ENGINE_TEST_MODELS_H_
