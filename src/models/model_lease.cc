#include "models/loaded_model.h"
#include "models/scheduler.h"

namespace hearth {

ModelLease::ModelLease(std::shared_ptr<internal::LoadedModel> model, internal::LeaseOwner* owner,
                       std::optional<std::chrono::seconds> keep_alive)
    : model_(std::move(model)), owner_(owner), keep_alive_(keep_alive) {}

ModelLease::ModelLease(ModelLease&& other) noexcept
    : model_(std::move(other.model_)),
      owner_(std::exchange(other.owner_, nullptr)),
      keep_alive_(other.keep_alive_),
      loaded_now_(other.loaded_now_),
      load_duration_(other.load_duration_),
      clamped_from_(other.clamped_from_) {}

ModelLease& ModelLease::operator=(ModelLease&& other) noexcept {
  if (this != &other) {
    Release();
    model_ = std::move(other.model_);
    owner_ = std::exchange(other.owner_, nullptr);
    keep_alive_ = other.keep_alive_;
    loaded_now_ = other.loaded_now_;
    load_duration_ = other.load_duration_;
    clamped_from_ = other.clamped_from_;
  }
  return *this;
}

ModelLease::~ModelLease() { Release(); }

void ModelLease::Release() {
  if (owner_ != nullptr && model_ != nullptr) owner_->Release(model_, keep_alive_);
  owner_ = nullptr;
  model_.reset();
}

InferenceBackend& ModelLease::backend() const { return *model_->backend; }
const ResolvedModel& ModelLease::model() const { return model_->resolved; }
const ModelLoadOptions& ModelLease::options() const { return model_->options; }

void ModelLease::SetLoadInfo(std::chrono::nanoseconds load_duration,
                             std::optional<int32_t> clamped_from) {
  loaded_now_ = load_duration.count() > 0;
  load_duration_ = load_duration;
  clamped_from_ = clamped_from;
}

void ModelLease::ReportBackendFailure(const Status& status) {
  if (owner_ != nullptr && model_ != nullptr) owner_->BackendFailed(model_, status);
}

}  // namespace hearth
