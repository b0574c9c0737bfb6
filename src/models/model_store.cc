#include "models/model_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <mutex>
#include <set>
#include <span>
#include <utility>

#include "base/escaping.h"
#include "base/logging.h"
#include "base/paths.h"
#include "base/posix_error.h"
#include "base/status_macros.h"
#include "base/thread_annotations.h"
#include "base/unique_fd.h"
#include "models/gguf_file.h"
#include "models/manifest_directory.h"
#include "models/model_config.h"

namespace hearth {
namespace {

namespace fs = std::filesystem;

// Text layers (template, system, license, params, config, remote) are small;
// anything larger is not one hearth or Ollama wrote.
constexpr uint64_t kMaxTextLayerBytes = 4 << 20;

std::string Quote(const ModelName& name) { return QuoteForDisplay(name.DisplayName()); }

Status NotInstalledError(const ModelName& name) {
  return NotFoundError("model " + Quote(name) + " is not installed; 'hearth list' shows what is, " +
                       "'hearth pull " + name.DisplayName() + "' fetches it");
}

StatusOr<std::string> ReadTextFile(const fs::path& path, uint64_t max_bytes) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat info {};
  if (!fd.valid() || ::fstat(fd.get(), &info) != 0) {
    return PosixError(errno, "cannot read " + QuoteForDisplay(path.string(), 4096));
  }
  if (static_cast<uint64_t>(info.st_size) > max_bytes) {
    return InvalidArgumentError("blob " + QuoteForDisplay(path.string(), 4096) + " has " +
                                std::to_string(info.st_size) + " bytes; a text layer has at most " +
                                std::to_string(max_bytes));
  }
  std::string text(static_cast<size_t>(info.st_size), '\0');
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t got = ::read(fd.get(), text.data() + done, text.size() - done);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return PosixError(got < 0 ? errno : EIO, "cannot read " + path.string());
    done += static_cast<size_t>(got);
  }
  return text;
}

// The index of the first layer of `media_type`, or layers.size().
size_t LayerIndex(const std::vector<ManifestLayer>& layers, std::string_view media_type) {
  auto it = std::find_if(layers.begin(), layers.end(), [&](const ManifestLayer& layer) {
    return layer.media_type == media_type;
  });
  return static_cast<size_t>(it - layers.begin());
}

// Puts `layer` where the first layer of its type is (dropping any others of
// that type), or at the end.
void ReplaceLayer(std::vector<ManifestLayer>& layers, ManifestLayer layer) {
  const size_t index = LayerIndex(layers, layer.media_type);
  if (index == layers.size()) {
    layers.push_back(std::move(layer));
    return;
  }
  for (size_t i = layers.size() - 1; i > index; --i) {
    if (layers[i].media_type == layer.media_type)
      layers.erase(layers.begin() + static_cast<long>(i));
  }
  layers[index] = std::move(layer);
}

void RemoveLayers(std::vector<ManifestLayer>& layers, std::string_view media_type) {
  std::erase_if(layers, [&](const ManifestLayer& layer) { return layer.media_type == media_type; });
}

Status CheckSpec(const CreateSpec& spec) {
  const int sources = int{spec.from_file.has_value()} + int{spec.from_model.has_value()} +
                      int{spec.remote.has_value()};
  if (sources != 1) {
    return InvalidArgumentError(
        "a model is created from exactly one of a GGUF file, an installed "
        "model or a remote provider; " +
        std::to_string(sources) + " were given");
  }
  if (spec.remote) RETURN_IF_ERROR(ValidateRemoteModel(*spec.remote));
  return ValidateModelParameters(spec.parameters);
}

// The config's and every layer's digest.
std::vector<Digest> ManifestDigests(const ModelManifest& manifest) {
  std::vector<Digest> digests = {manifest.config.digest};
  for (const ManifestLayer& layer : manifest.layers) digests.push_back(layer.digest);
  return digests;
}

// What a new manifest is built from: the base's layers and details.
struct Draft {
  std::vector<ManifestLayer> layers;
  ModelDetails details;
  ModelParameters base_parameters;
};

}  // namespace

class ModelStore::Impl {
 public:
  Impl(fs::path root, std::unique_ptr<BlobStore> blobs, ManifestDirectory manifests)
      : root_(std::move(root)), blobs_(std::move(blobs)), manifests_(std::move(manifests)) {}

  StatusOr<ModelEntry> Create(const ModelName& name, const CreateSpec& spec);
  StatusOr<std::vector<ModelEntry>> List() const;
  StatusOr<ResolvedModel> Resolve(const ModelName& name) const;
  Status PutManifest(const ModelName& name, std::string_view manifest_json);
  Status Remove(const ModelName& name);
  Status Copy(const ModelName& from, const ModelName& to);

  BlobStore& blobs() { return *blobs_; }
  const fs::path& root() const { return root_; }

 private:
  struct Loaded {
    ManifestFile file;
    ModelManifest manifest;
  };

  StatusOr<Loaded> Load(const ModelName& name) const;
  Status CheckBlobs(const ModelManifest& manifest) const;
  StatusOr<ModelEntry> Entry(const ModelName& name, const Loaded& loaded) const;
  StatusOr<std::string> LayerText(const ManifestLayer& layer) const;
  StatusOr<GgufSummary> ValidateModelBlob(const ManifestLayer& layer) const;
  Status FillLayers(const ModelManifest& manifest, ResolvedModel& model) const;
  StatusOr<std::set<Digest>> ReferencedDigests() const;

  StatusOr<Draft> DraftFromFile(const fs::path& file, std::vector<Digest>& written);
  StatusOr<Draft> DraftFromModel(const ModelName& base) const;
  StatusOr<Draft> DraftFromRemote(const RemoteModel& remote, std::vector<Digest>& written);
  StatusOr<ManifestLayer> WriteTextLayer(std::string_view media_type, std::string_view text,
                                         std::vector<Digest>& written);
  Status ApplyOverrides(const CreateSpec& spec, Draft& draft, std::vector<Digest>& written);
  StatusOr<ModelEntry> CreateLocked(const ModelName& name, const CreateSpec& spec,
                                    std::vector<Digest>& written) EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void CollectGarbage(std::span<const Digest> candidates) EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const fs::path root_;
  const std::unique_ptr<BlobStore> blobs_;
  ManifestDirectory manifests_;
  std::mutex mu_;  // serializes mutations
};

StatusOr<ModelStore::Impl::Loaded> ModelStore::Impl::Load(const ModelName& name) const {
  StatusOr<ManifestFile> file = manifests_.Read(name);
  if (file.status().code() == StatusCode::kNotFound) return NotInstalledError(name);
  if (!file.ok()) return file.status();
  StatusOr<ModelManifest> manifest = ParseManifest(file->bytes);
  if (!manifest.ok()) {
    return manifest.status().WithContext(
        "model " + Quote(name) + " (remove it with 'hearth rm' and pull or create it again)");
  }
  return Loaded{*std::move(file), *std::move(manifest)};
}

Status ModelStore::Impl::CheckBlobs(const ModelManifest& manifest) const {
  std::vector<const ManifestLayer*> all = {&manifest.config};
  for (const ManifestLayer& layer : manifest.layers) all.push_back(&layer);
  for (const ManifestLayer* layer : all) {
    StatusOr<uint64_t> size = blobs_->SizeOf(layer->digest);
    if (!size.ok()) {
      return FailedPreconditionError("blob " + layer->digest.ToString() + " (" + layer->media_type +
                                     ") is not stored: " + size.status().message());
    }
    if (*size != layer->size) {
      return FailedPreconditionError("blob " + layer->digest.ToString() + " has " +
                                     std::to_string(*size) + " bytes but the manifest says " +
                                     std::to_string(layer->size));
    }
  }
  return OkStatus();
}

StatusOr<std::string> ModelStore::Impl::LayerText(const ManifestLayer& layer) const {
  ASSIGN_OR_RETURN(fs::path path, blobs_->PathOf(layer.digest));
  return ReadTextFile(path, kMaxTextLayerBytes);
}

StatusOr<ModelEntry> ModelStore::Impl::Entry(const ModelName& name, const Loaded& loaded) const {
  ModelEntry entry{.name = name,
                   .manifest_digest = Sha256Of(loaded.file.bytes),
                   .size = loaded.manifest.TotalSize(),
                   .modified = loaded.file.modified,
                   .details = {}};
  ASSIGN_OR_RETURN(std::string config, LayerText(loaded.manifest.config));
  ASSIGN_OR_RETURN(entry.details, ParseModelConfig(config));
  return entry;
}

StatusOr<GgufSummary> ModelStore::Impl::ValidateModelBlob(const ManifestLayer& layer) const {
  ASSIGN_OR_RETURN(fs::path path, blobs_->PathOf(layer.digest));
  return ReadGgufFile(path);
}

StatusOr<std::vector<ModelEntry>> ModelStore::Impl::List() const {
  std::vector<std::string> skipped;
  std::vector<ModelEntry> entries;
  for (const ModelName& name : manifests_.ListNames(&skipped)) {
    StatusOr<Loaded> loaded = Load(name);
    Status usable = loaded.ok() ? CheckBlobs(loaded->manifest) : loaded.status();
    StatusOr<ModelEntry> entry = usable.ok() ? Entry(name, *loaded) : usable;
    if (entry.ok()) {
      entries.push_back(*std::move(entry));
    } else {
      skipped.push_back(name.DisplayName() + ": " + entry.status().message());
    }
  }
  for (const std::string& problem : skipped) HEARTH_LOG(WARNING) << "skipping model " << problem;
  std::stable_sort(entries.begin(), entries.end(), [](const ModelEntry& a, const ModelEntry& b) {
    return a.modified > b.modified;
  });
  return entries;
}

Status ModelStore::Impl::FillLayers(const ModelManifest& manifest, ResolvedModel& model) const {
  for (const ManifestLayer& layer : manifest.layers) {
    const std::string_view type = layer.media_type;
    if (type == kModelLayerType && !model.model_digest) {
      ASSIGN_OR_RETURN(model.model_path, blobs_->PathOf(layer.digest));
      model.model_digest = layer.digest;
      continue;
    }
    const bool text = type == kTemplateLayerType || type == kSystemLayerType ||
                      type == kLicenseLayerType || type == kParamsLayerType ||
                      type == kRemoteLayerType;
    if (!text) continue;
    ASSIGN_OR_RETURN(std::string content, LayerText(layer));
    if (type == kTemplateLayerType) model.template_text = std::move(content);
    if (type == kSystemLayerType) model.system = std::move(content);
    if (type == kLicenseLayerType) {
      model.license += (model.license.empty() ? "" : "\n\n") + content;
    }
    if (type == kParamsLayerType) {
      ASSIGN_OR_RETURN(model.parameters, ParseModelParameters(content));
    }
    if (type == kRemoteLayerType) {
      ASSIGN_OR_RETURN(model.remote, ParseRemoteModel(content));
    }
  }
  return OkStatus();
}

StatusOr<ResolvedModel> ModelStore::Impl::Resolve(const ModelName& name) const {
  ASSIGN_OR_RETURN(Loaded loaded, Load(name));
  const std::string context =
      "model " + Quote(name) +
      " is damaged (remove it with 'hearth rm' and pull or create it again)";
  Status blobs = CheckBlobs(loaded.manifest);
  if (!blobs.ok()) return blobs.WithContext(context);
  ASSIGN_OR_RETURN(ModelEntry entry, Entry(name, loaded));
  ResolvedModel model{.entry = std::move(entry),
                      .manifest = {},
                      .model_path = {},
                      .model_digest = std::nullopt,
                      .gguf = std::nullopt,
                      .remote = std::nullopt,
                      .template_text = {},
                      .system = {},
                      .license = {},
                      .parameters = {}};
  if (Status filled = FillLayers(loaded.manifest, model); !filled.ok()) {
    return filled.WithContext(context);
  }
  if (model.model_digest) {
    StatusOr<GgufSummary> gguf = ValidateModelBlob(*loaded.manifest.FindLayer(kModelLayerType));
    if (!gguf.ok()) return gguf.status().WithContext(context);
    model.gguf = *std::move(gguf);
    model.entry.details = DetailsFromGguf(*model.gguf);
    const bool has_template = loaded.manifest.FindLayer(kTemplateLayerType) != nullptr;
    if (!has_template) model.template_text = std::string(model.gguf->chat_template().value_or(""));
  } else if (!model.remote) {
    return FailedPreconditionError(context + ": it has neither a model nor a remote layer");
  }
  model.manifest = std::move(loaded.manifest);
  return model;
}

StatusOr<std::set<Digest>> ModelStore::Impl::ReferencedDigests() const {
  std::vector<std::string> skipped;
  std::set<Digest> digests;
  for (const ModelName& name : manifests_.ListNames(&skipped)) {
    ASSIGN_OR_RETURN(Loaded loaded, Load(name));
    for (const Digest& digest : ManifestDigests(loaded.manifest)) digests.insert(digest);
  }
  if (!skipped.empty()) return FailedPreconditionError("unreadable manifest: " + skipped.front());
  return digests;
}

void ModelStore::Impl::CollectGarbage(std::span<const Digest> candidates) {
  StatusOr<std::set<Digest>> referenced = ReferencedDigests();
  if (!referenced.ok()) {
    HEARTH_LOG(WARNING) << "not removing unused blobs: " << referenced.status().message();
    return;
  }
  for (const Digest& digest : candidates) {
    if (referenced->contains(digest)) continue;
    Status removed = blobs_->Remove(digest);
    if (!removed.ok() && removed.code() != StatusCode::kNotFound) {
      HEARTH_LOG(WARNING) << "cannot remove unused blob " << digest << ": " << removed.message();
    }
  }
}

StatusOr<ManifestLayer> ModelStore::Impl::WriteTextLayer(std::string_view media_type,
                                                         std::string_view text,
                                                         std::vector<Digest>& written) {
  ASSIGN_OR_RETURN(std::unique_ptr<BlobWriter> writer, blobs_->NewWriter());
  RETURN_IF_ERROR(
      writer->Append(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size())));
  ASSIGN_OR_RETURN(Digest digest, writer->Commit());
  written.push_back(digest);
  return ManifestLayer{std::string(media_type), digest, text.size()};
}

// The file is validated before it is copied (a bad file leaves no trace),
// and the copy again (the file may have changed in between).
StatusOr<Draft> ModelStore::Impl::DraftFromFile(const fs::path& file,
                                                std::vector<Digest>& written) {
  ASSIGN_OR_RETURN(GgufSummary gguf, ReadGgufFile(file));
  ASSIGN_OR_RETURN(Digest digest, blobs_->ImportFile(file));
  written.push_back(digest);
  ASSIGN_OR_RETURN(fs::path blob, blobs_->PathOf(digest));
  ASSIGN_OR_RETURN(gguf, ReadGgufFile(blob));
  ASSIGN_OR_RETURN(uint64_t size, blobs_->SizeOf(digest));
  Draft draft;
  draft.layers.push_back({std::string(kModelLayerType), digest, size});
  draft.details = DetailsFromGguf(gguf);
  return draft;
}

StatusOr<Draft> ModelStore::Impl::DraftFromModel(const ModelName& base) const {
  ASSIGN_OR_RETURN(ResolvedModel model, Resolve(base));
  Draft draft;
  draft.layers = model.manifest.layers;
  draft.details = model.entry.details;
  draft.base_parameters = model.parameters;
  return draft;
}

StatusOr<Draft> ModelStore::Impl::DraftFromRemote(const RemoteModel& remote,
                                                  std::vector<Digest>& written) {
  Draft draft;
  ASSIGN_OR_RETURN(ManifestLayer layer,
                   WriteTextLayer(kRemoteLayerType, SerializeRemoteModel(remote), written));
  draft.layers.push_back(std::move(layer));
  draft.details.format = "remote";
  draft.details.family = "remote";
  return draft;
}

// An override of "" removes the layer; nullopt keeps the base's.
Status ModelStore::Impl::ApplyOverrides(const CreateSpec& spec, Draft& draft,
                                        std::vector<Digest>& written) {
  const std::pair<std::string_view, const std::optional<std::string>*> texts[] = {
      {kTemplateLayerType, &spec.template_text},
      {kSystemLayerType, &spec.system},
      {kLicenseLayerType, &spec.license}};
  for (const auto& [media_type, text] : texts) {
    if (!text->has_value()) continue;
    if ((*text)->empty()) {
      RemoveLayers(draft.layers, media_type);
      continue;
    }
    ASSIGN_OR_RETURN(ManifestLayer layer, WriteTextLayer(media_type, **text, written));
    ReplaceLayer(draft.layers, std::move(layer));
  }
  if (spec.parameters.empty()) return OkStatus();
  const ModelParameters merged = MergeModelParameters(draft.base_parameters, spec.parameters);
  ASSIGN_OR_RETURN(std::string json, SerializeModelParameters(merged));
  ASSIGN_OR_RETURN(ManifestLayer layer, WriteTextLayer(kParamsLayerType, json, written));
  ReplaceLayer(draft.layers, std::move(layer));
  return OkStatus();
}

StatusOr<ModelEntry> ModelStore::Impl::CreateLocked(const ModelName& name, const CreateSpec& spec,
                                                    std::vector<Digest>& written) {
  RETURN_IF_ERROR(CheckSpec(spec));
  Draft draft;
  if (spec.from_file) {
    ASSIGN_OR_RETURN(draft, DraftFromFile(*spec.from_file, written));
  } else if (spec.from_model) {
    ASSIGN_OR_RETURN(draft, DraftFromModel(*spec.from_model));
  } else {
    ASSIGN_OR_RETURN(draft, DraftFromRemote(*spec.remote, written));
  }
  RETURN_IF_ERROR(ApplyOverrides(spec, draft, written));
  ModelManifest manifest;
  manifest.layers = std::move(draft.layers);
  ASSIGN_OR_RETURN(manifest.config,
                   WriteTextLayer(kConfigMediaType,
                                  SerializeModelConfig(draft.details, manifest.layers), written));
  RETURN_IF_ERROR(manifests_.Write(name, SerializeManifest(manifest)));
  ASSIGN_OR_RETURN(Loaded loaded, Load(name));
  return Entry(name, loaded);
}

StatusOr<ModelEntry> ModelStore::Impl::Create(const ModelName& name, const CreateSpec& spec) {
  std::lock_guard lock(mu_);
  StatusOr<Loaded> replaced = Load(name);
  std::vector<Digest> written;
  StatusOr<ModelEntry> entry = CreateLocked(name, spec, written);
  // On failure, drop what this call stored that no manifest uses (a blob
  // that was already there and is referenced stays); on success, what the
  // replaced manifest used and nothing uses now.
  if (!entry.ok()) {
    CollectGarbage(written);
  } else if (replaced.ok()) {
    CollectGarbage(ManifestDigests(replaced->manifest));
  }
  return entry;
}

Status ModelStore::Impl::PutManifest(const ModelName& name, std::string_view manifest_json) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(ModelManifest manifest, ParseManifest(manifest_json));
  RETURN_IF_ERROR(CheckBlobs(manifest).WithContext("cannot install " + Quote(name) +
                                                   " (pull its blobs before the manifest)"));
  for (const ManifestLayer& layer : manifest.layers) {
    if (layer.media_type != kModelLayerType) continue;
    RETURN_IF_ERROR(ValidateModelBlob(layer).status());
  }
  return manifests_.Write(name, manifest_json);
}

Status ModelStore::Impl::Remove(const ModelName& name) {
  std::lock_guard lock(mu_);
  StatusOr<Loaded> loaded = Load(name);
  if (loaded.status().code() == StatusCode::kNotFound) return loaded.status();
  RETURN_IF_ERROR(manifests_.Remove(name));
  if (!loaded.ok()) return OkStatus();  // an unreadable manifest names no blobs we can trust
  CollectGarbage(ManifestDigests(loaded->manifest));
  return OkStatus();
}

Status ModelStore::Impl::Copy(const ModelName& from, const ModelName& to) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(Loaded loaded, Load(from));
  if (from == to) return OkStatus();
  return manifests_.Write(to, loaded.file.bytes);
}

ModelStore::ModelStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ModelStore::~ModelStore() = default;

StatusOr<std::unique_ptr<ModelStore>> ModelStore::Open(const ModelStoreOptions& options) {
  if (options.root.empty()) return InvalidArgumentError("the model store needs a root directory");
  RETURN_IF_ERROR(EnsureDirectory(options.root));
  ASSIGN_OR_RETURN(std::unique_ptr<BlobStore> blobs, BlobStore::Open({.root = options.root}));
  ASSIGN_OR_RETURN(ManifestDirectory manifests, ManifestDirectory::Open(options.root));
  auto impl = std::make_unique<Impl>(options.root, std::move(blobs), std::move(manifests));
  return std::unique_ptr<ModelStore>(new ModelStore(std::move(impl)));
}

StatusOr<ModelEntry> ModelStore::Create(const ModelName& name, const CreateSpec& spec) {
  return impl_->Create(name, spec);
}
StatusOr<std::vector<ModelEntry>> ModelStore::List() const { return impl_->List(); }
StatusOr<ResolvedModel> ModelStore::Resolve(const ModelName& name) const {
  return impl_->Resolve(name);
}
Status ModelStore::PutManifest(const ModelName& name, std::string_view manifest_json) {
  return impl_->PutManifest(name, manifest_json);
}
Status ModelStore::Remove(const ModelName& name) { return impl_->Remove(name); }
Status ModelStore::Copy(const ModelName& from, const ModelName& to) {
  return impl_->Copy(from, to);
}
BlobStore& ModelStore::blobs() { return impl_->blobs(); }
const fs::path& ModelStore::root() const { return impl_->root(); }

}  // namespace hearth
