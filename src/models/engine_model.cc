#include "models/engine_model.h"

#include <algorithm>
#include <filesystem>
#include <limits>
#include <string>
#include <thread>
#include <utility>

#include "base/logging.h"
#include "base/mapped_file_pages.h"
#include "base/status_macros.h"
#include "models/llama_backend.h"

namespace hearth {
namespace {

constexpr int32_t kMinContext = 16;
constexpr int32_t kMaxSlots = 256;  // llama.cpp's LLAMA_MAX_SEQ

Status ValidateOptions(const ModelLoadOptions& options) {
  if (options.context_length < kMinContext) {
    return InvalidArgumentError("context length " + std::to_string(options.context_length) +
                                " is too small; use at least " + std::to_string(kMinContext));
  }
  if (options.slots < 1 || options.slots > kMaxSlots) {
    return InvalidArgumentError("slots = " + std::to_string(options.slots) +
                                " is out of range; use 1 to " + std::to_string(kMaxSlots));
  }
  if (int64_t{options.context_length} * options.slots > std::numeric_limits<int32_t>::max()) {
    return InvalidArgumentError("context length " + std::to_string(options.context_length) +
                                " x " + std::to_string(options.slots) +
                                " slots is more than the KV cache can address");
  }
  if (options.batch_size < 1) {
    return InvalidArgumentError("batch size " + std::to_string(options.batch_size) +
                                " is out of range; use at least 1");
  }
  if (options.batch_size < options.slots) {
    return InvalidArgumentError("batch size " + std::to_string(options.batch_size) +
                                " is smaller than the " + std::to_string(options.slots) +
                                " slots; every slot needs room in each decode");
  }
  if (options.threads < 0) {
    return InvalidArgumentError("threads = " + std::to_string(options.threads) +
                                " is out of range; use 0 (all cores) or more");
  }
  return OkStatus();
}

std::string MetadataString(const llama_model* model, const std::string& key) {
  char buffer[256];
  const int32_t n = llama_model_meta_val_str(model, key.c_str(), buffer, sizeof buffer);
  return n < 0 ? std::string() : std::string(buffer, std::min<size_t>(size_t(n), sizeof buffer - 1));
}

// The pooling the context should use: the file's `<arch>.pooling_type`, mean
// for BERT-family files that lack it, NONE for generators.
enum llama_pooling_type PoolingOf(const llama_model* model) {
  const std::string arch = MetadataString(model, "general.architecture");
  const std::string pooling = MetadataString(model, arch + ".pooling_type");
  if (!pooling.empty()) {
    const int value = std::atoi(pooling.c_str());
    if (value > 0 && value <= LLAMA_POOLING_TYPE_RANK) {
      return static_cast<enum llama_pooling_type>(value);
    }
  }
  if (arch.find("bert") != std::string::npos) return LLAMA_POOLING_TYPE_MEAN;
  return LLAMA_POOLING_TYPE_NONE;
}

ModelRole RoleOf(enum llama_pooling_type pooling) {
  if (pooling == LLAMA_POOLING_TYPE_RANK) return ModelRole::kReranker;
  return pooling == LLAMA_POOLING_TYPE_NONE ? ModelRole::kGenerator : ModelRole::kEmbedder;
}

// The compute threads: options.threads, or one per core.
int32_t ComputeThreads(const ModelLoadOptions& options) {
  return options.threads > 0 ? options.threads
                             : std::max(1, static_cast<int32_t>(std::thread::hardware_concurrency()));
}

llama_context_params ContextParams(const ModelLoadOptions& options,
                                   enum llama_pooling_type pooling) {
  llama_context_params params = llama_context_default_params();
  const int32_t threads = ComputeThreads(options);
  params.n_threads = threads;
  params.n_threads_batch = threads;
  params.n_batch = static_cast<uint32_t>(options.batch_size);
  params.n_ubatch = static_cast<uint32_t>(options.batch_size);
  const ggml_type kv = options.kv_cache_type == KvCacheType::kQ8_0 ? GGML_TYPE_Q8_0 : GGML_TYPE_F16;
  params.type_k = kv;
  params.type_v = kv;
  params.no_perf = true;
  if (pooling == LLAMA_POOLING_TYPE_NONE) {
    params.n_ctx = static_cast<uint32_t>(options.context_length * options.slots);
    params.n_seq_max = static_cast<uint32_t>(options.slots);
    params.kv_unified = false;
    return params;
  }
  params.embeddings = true;
  params.pooling_type = pooling;
  params.n_ctx = static_cast<uint32_t>(std::max(options.context_length, options.batch_size));
  // llama.cpp reserves one output per sequence within n_batch outputs.
  params.n_seq_max = static_cast<uint32_t>(std::min(kMaxEmbedSequences, options.batch_size));
  params.kv_unified = true;  // packed inputs share one stream; cleared per decode
  return params;
}

// The CPU backend copies the weights it repacks out of the file mapping;
// the mapped pages they came from would stay resident for nothing (see
// base/mapped_file_pages.h). Weights still read from the mapping come back
// on their first use. A failure only costs memory, so it is logged.
void ReleaseCopiedWeightPages(const std::filesystem::path& model_path) {
  StatusOr<uint64_t> released = ReleaseMappedFilePages(model_path);
  if (!released.ok()) {
    HEARTH_LOG(WARNING) << "the model file's mapped pages stay resident: "
                        << released.status().ToString();
  }
}

}  // namespace

StatusOr<std::unique_ptr<EngineModel>> EngineModel::Load(const ModelLoadOptions& options) {
  RETURN_IF_ERROR(ValidateOptions(options));
  std::error_code error;
  if (!std::filesystem::is_regular_file(options.model_path, error)) {
    return NotFoundError("model file " + options.model_path.string() + " does not exist");
  }
  InitLlamaBackend();
  llama_model_params model_params = llama_model_default_params();
  if (!options.use_mmap) model_params.load_mode = LLAMA_LOAD_MODE_NONE;
  llama_model_ptr model(llama_model_load_from_file(options.model_path.c_str(), model_params));
  if (model == nullptr) {
    return InternalError("llama.cpp could not load " + options.model_path.string() +
                         " (its log says why)");
  }
  if (options.use_mmap) ReleaseCopiedWeightPages(options.model_path);
  const enum llama_pooling_type pooling = PoolingOf(model.get());
  llama_context_ptr context(llama_init_from_model(model.get(), ContextParams(options, pooling)));
  if (context == nullptr) {
    return ResourceExhaustedError("llama.cpp could not create a context of " +
                                  std::to_string(options.context_length) + " tokens x " +
                                  std::to_string(options.slots) + " slots for " +
                                  options.model_path.string() +
                                  "; try a smaller context, fewer slots or a q8_0 KV cache");
  }
  // One pool for decode and batch work alike: n_threads and n_threads_batch
  // are equal (ContextParams).
  ggml_threadpool_params pool_params = ggml_threadpool_params_default(ComputeThreads(options));
  ThreadpoolPtr threadpool(ggml_threadpool_new(&pool_params));
  if (threadpool == nullptr) {
    return ResourceExhaustedError("could not start " + std::to_string(pool_params.n_threads) +
                                  " compute threads for " + options.model_path.string());
  }
  llama_attach_threadpool(context.get(), threadpool.get(), nullptr);
  return std::unique_ptr<EngineModel>(new EngineModel(options, RoleOf(pooling), std::move(model),
                                                      std::move(threadpool), std::move(context)));
}

EngineModel::EngineModel(ModelLoadOptions options, ModelRole role, llama_model_ptr model,
                         ThreadpoolPtr threadpool, llama_context_ptr context)
    : options_(std::move(options)),
      role_(role),
      model_(std::move(model)),
      threadpool_(std::move(threadpool)),
      context_(std::move(context)) {}

int32_t EngineModel::max_sequences() const {
  return role_ == ModelRole::kGenerator ? options_.slots
                                        : std::min(kMaxEmbedSequences, options_.batch_size);
}

int32_t EngineModel::max_input_tokens() const {
  int32_t limit = std::min(options_.context_length, options_.batch_size);
  const int32_t trained = llama_model_n_ctx_train(model_.get());
  if (trained > 0) limit = std::min(limit, trained);
  return limit;
}

}  // namespace hearth
