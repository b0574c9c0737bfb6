// QuantizeStoredModel and DefaultQuantizedName (models/quantizer.h): the
// model-store half of quantization, apart from quantizer.cc so that code
// quantizing plain files does not link the store.
#include <unistd.h>

#include <atomic>
#include <system_error>

#include "base/status_macros.h"
#include "models/quantizer.h"

namespace hearth {
namespace {

// A path beside the store's files for the worker's output (same file system
// as the blobs, so importing it is a copy on one disk).
std::filesystem::path TemporaryOutputPath(const ModelStore& store) {
  static std::atomic<uint64_t> counter{0};
  return store.root() / (".quantize-" + std::to_string(::getpid()) + "-" +
                         std::to_string(counter.fetch_add(1)) + ".gguf");
}

// Removes the temporary output whether the import succeeded or not.
class TemporaryFile {
 public:
  explicit TemporaryFile(std::filesystem::path path) : path_(std::move(path)) {}
  ~TemporaryFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace

CreateSpec InheritedSpec(const ResolvedModel& source) {
  CreateSpec spec;
  if (source.manifest.FindLayer(kTemplateLayerType) != nullptr) {
    spec.template_text = source.template_text;
  }
  if (source.manifest.FindLayer(kSystemLayerType) != nullptr) spec.system = source.system;
  if (source.manifest.FindLayer(kLicenseLayerType) != nullptr) spec.license = source.license;
  spec.parameters = source.parameters;
  return spec;
}

StatusOr<QuantizedModel> QuantizeIntoStore(ModelStore& store,
                                           const std::filesystem::path& source_file,
                                           CreateSpec spec, const ModelName& target,
                                           const QuantizeOptions& options) {
  TemporaryFile temporary(TemporaryOutputPath(store));
  ASSIGN_OR_RETURN(QuantizeReport report, QuantizeFile(source_file, temporary.path(), options));
  spec.from_model.reset();
  spec.remote.reset();
  spec.from_file = temporary.path();
  ASSIGN_OR_RETURN(ModelEntry entry, store.Create(target, spec));
  return QuantizedModel{std::move(entry), std::move(report)};
}

StatusOr<ModelName> DefaultQuantizedName(const ModelName& source, QuantizationType type) {
  std::string tag = source.tag() + "-" + std::string(GetQuantizationTypeInfo(type).name);
  StatusOr<ModelName> name = ParseModelName(source.host() + "/" + source.namespace_name() + "/" +
                                            source.model() + ":" + tag);
  if (!name.ok()) {
    return InvalidArgumentError("cannot name the result '" + source.model() + ":" + tag +
                                "' (" + name.status().message() + "); choose a name with --as");
  }
  return name;
}

StatusOr<QuantizedModel> QuantizeStoredModel(ModelStore& store, const ModelName& source,
                                             const std::optional<ModelName>& target,
                                             const QuantizeOptions& options) {
  ModelName name = source;
  if (target) {
    name = *target;
  } else {
    ASSIGN_OR_RETURN(name, DefaultQuantizedName(source, options.type));
  }
  if (name == source) {
    return InvalidArgumentError("the result would replace '" + source.DisplayName() +
                                "'; choose another name with --as");
  }
  ASSIGN_OR_RETURN(ResolvedModel resolved, store.Resolve(source));
  if (resolved.model_path.empty()) {
    return InvalidArgumentError("'" + source.DisplayName() +
                                "' is a remote model; only local GGUF models can be quantized");
  }
  StatusOr<QuantizedModel> quantized =
      QuantizeIntoStore(store, resolved.model_path, InheritedSpec(resolved), name, options);
  if (!quantized.ok()) {
    return quantized.status().WithContext("quantizing '" + source.DisplayName() + "'");
  }
  return quantized;
}

}  // namespace hearth
