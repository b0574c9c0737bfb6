#include "models/engine_loop.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "base/logging.h"

namespace hearth {
namespace {

using Clock = std::chrono::steady_clock;

double Milliseconds(Clock::duration duration) {
  return std::chrono::duration<double, std::milli>(duration).count();
}

Status StoppedError() { return CancelledError("the model is being unloaded"); }

Status QueueFullError() {
  return ResourceExhaustedError("every slot is busy and " + std::to_string(kMaxQueuedRequests) +
                                " requests are already waiting; retry later");
}

}  // namespace

EngineLoop::EngineLoop(EngineModel& model)
    : model_(model), batch_(model.options().batch_size) {
  for (int32_t i = 0; i < model.slots(); ++i) {
    slots_.emplace_back(model.context(), model.vocab(), i, model.context_length());
  }
  thread_ = std::thread([this] { Main(); });
}

EngineLoop::~EngineLoop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_.notify_all();
  thread_.join();
}

Status EngineLoop::Submit(std::shared_ptr<GenerationJob> job) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return StoppedError();
    if (queued_.size() + tasks_.size() >= kMaxQueuedRequests) return QueueFullError();
    queued_.push_back(std::move(job));
  }
  work_.notify_all();
  return OkStatus();
}

Status EngineLoop::RunTask(std::function<Status()> task) {
  auto entry = std::make_unique<Task>();
  entry->run = std::move(task);
  std::future<Status> done = entry->done.get_future();
  {
    std::lock_guard lock(mu_);
    if (stopping_) return StoppedError();
    if (queued_.size() + tasks_.size() >= kMaxQueuedRequests) return QueueFullError();
    tasks_.push_back(std::move(entry));
  }
  work_.notify_all();
  return done.get();
}

int32_t EngineLoop::active_requests() const {
  std::lock_guard lock(mu_);
  return busy_slots_ + static_cast<int32_t>(queued_.size() + tasks_.size());
}

void EngineLoop::Main() {
  while (WaitForWork()) {
    ++tick_;
    for (EngineSlot& slot : slots_) slot.ReleaseIfCancelled(tick_);
    RunTasks();
    AdmitJobs();
    Step();
  }
  FailEverything();
}

bool EngineLoop::WaitForWork() {
  std::unique_lock lock(mu_);
  busy_slots_ = static_cast<int32_t>(
      std::count_if(slots_.begin(), slots_.end(), [](const EngineSlot& s) { return s.busy(); }));
  work_.wait(lock, [&] {
    return stopping_ || busy_slots_ > 0 || !tasks_.empty() || !queued_.empty();
  });
  return !stopping_;
}

void EngineLoop::RunTasks() {
  std::deque<std::unique_ptr<Task>> tasks;
  {
    std::lock_guard lock(mu_);
    tasks.swap(tasks_);
  }
  for (const std::unique_ptr<Task>& task : tasks) task->done.set_value(task->run());
}

void EngineLoop::AdmitJobs() {
  std::lock_guard lock(mu_);
  while (!queued_.empty()) {
    std::shared_ptr<GenerationJob>& job = queued_.front();
    if (job->cancelled()) {
      job->Finish(CancelledError("the request was cancelled while waiting for a slot"));
      queued_.pop_front();
      continue;
    }
    EngineSlot* slot = ChooseSlot(job->input().prompt);
    if (slot == nullptr) return;
    HEARTH_LOG(DEBUG) << "engine step " << tick_ << ": a job of "
                      << job->input().prompt.size() << " prompt tokens enters a slot after "
                      << Milliseconds(Clock::now() - job->created()) << " ms in the queue";
    slot->Start(std::move(job));
    queued_.pop_front();
    ++busy_slots_;
  }
}

EngineSlot* EngineLoop::ChooseSlot(const std::vector<llama_token>& prompt) {
  EngineSlot* best = nullptr;
  size_t best_reuse = 0;
  for (EngineSlot& slot : slots_) {
    if (slot.busy()) continue;
    const size_t reuse = slot.ReusableLength(prompt);
    if (best == nullptr || reuse > best_reuse ||
        (reuse == best_reuse && slot.last_used() < best->last_used())) {
      best = &slot;
      best_reuse = reuse;
    }
  }
  return best;
}

void EngineLoop::Step() {
  batch_.Clear();
  for (EngineSlot& slot : slots_) {
    if (slot.generating()) slot.AddToBatch(batch_);
  }
  const int32_t generating = batch_.size();
  for (EngineSlot& slot : slots_) {
    if (slot.prefilling()) slot.AddToBatch(batch_);
  }
  if (batch_.size() == 0) return;
  const Clock::time_point start = Clock::now();
  const int32_t code = llama_decode(model_.context(), batch_.get());
  const Clock::time_point decoded = Clock::now();
  for (EngineSlot& slot : slots_) {
    if (!slot.in_batch()) continue;
    if (code == 0) {
      slot.AfterDecode(tick_);
    } else {
      slot.AbortDecode(InternalError("llama_decode failed with code " + std::to_string(code)),
                       tick_);
    }
  }
  const Clock::time_point done = Clock::now();
  HEARTH_LOG(DEBUG) << "engine step " << tick_ << ": " << generating << " generating + "
                    << batch_.size() - generating << " prompt tokens; "
                    << Milliseconds(start - last_step_end_) << " ms since the last step, decode "
                    << Milliseconds(decoded - start) << " ms, sampling "
                    << Milliseconds(done - decoded) << " ms";
  last_step_end_ = done;
}

void EngineLoop::FailEverything() {
  for (EngineSlot& slot : slots_) slot.Fail(StoppedError());
  std::lock_guard lock(mu_);
  for (const auto& job : queued_) job->Finish(StoppedError());
  for (const auto& task : tasks_) task->done.set_value(StoppedError());
  queued_.clear();
  tasks_.clear();
}

}  // namespace hearth
