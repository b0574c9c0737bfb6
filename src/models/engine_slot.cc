#include "models/engine_slot.h"

#include <algorithm>
#include <utility>

#include "models/token_text.h"

namespace hearth {
namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

EngineSlot::EngineSlot(llama_context* context, const llama_vocab* vocab, llama_seq_id sequence,
                       int32_t context_length)
    : context_(context), vocab_(vocab), sequence_(sequence), context_length_(context_length) {}

size_t EngineSlot::ReusableLength(const std::vector<llama_token>& prompt) const {
  const size_t common = CommonPrefixLength(cached_, prompt);
  // The last prompt token must be evaluated again to get logits to sample from.
  return common == prompt.size() && common > 0 ? common - 1 : common;
}

void EngineSlot::Start(std::shared_ptr<GenerationJob> job) {
  job_ = std::move(job);
  const std::vector<llama_token>& prompt = job_->input().prompt;
  size_t reuse = ReusableLength(prompt);
  llama_memory_t memory = llama_get_memory(context_);
  if (!llama_memory_seq_rm(memory, sequence_, static_cast<llama_pos>(reuse), -1)) {
    // Some caches (recurrent models) cannot drop a tail: start afresh.
    llama_memory_seq_rm(memory, sequence_, -1, -1);
    reuse = 0;
  }
  cached_.resize(reuse);
  prompt_done_ = reuse;
  pending_.reset();
  staged_.clear();
  output_.emplace(job_->input().stop);
  result_ = GenerateResult{};
  result_.prompt_tokens = static_cast<int32_t>(prompt.size());
  result_.cached_prompt_tokens = static_cast<int32_t>(reuse);
  phase_start_ = Clock::now();
  result_.queue_duration = phase_start_ - job_->created();
}

bool EngineSlot::ReleaseIfCancelled(uint64_t tick) {
  if (!busy() || !job_->cancelled()) return false;
  job_->Finish(CancelledError("the request was cancelled"));
  Release(tick);
  return true;
}

void EngineSlot::AddToBatch(TokenBatch& batch) {
  staged_.clear();
  output_index_ = -1;
  if (!busy() || batch.room() == 0) return;
  if (pending_.has_value()) {
    staged_.push_back(*pending_);
    output_index_ = batch.Add(*pending_, static_cast<llama_pos>(cached_.size()), sequence_, true);
    return;
  }
  const std::vector<llama_token>& prompt = job_->input().prompt;
  const size_t count = std::min(prompt.size() - prompt_done_, static_cast<size_t>(batch.room()));
  for (size_t i = prompt_done_; i < prompt_done_ + count; ++i) {
    const bool last = i + 1 == prompt.size();
    staged_.push_back(prompt[i]);
    const int32_t index = batch.Add(prompt[i], static_cast<llama_pos>(i), sequence_, last);
    if (last) output_index_ = index;
  }
}

void EngineSlot::AfterDecode(uint64_t tick) {
  if (staged_.empty()) return;
  cached_.insert(cached_.end(), staged_.begin(), staged_.end());
  if (!pending_.has_value()) prompt_done_ += staged_.size();
  staged_.clear();
  if (output_index_ < 0) return;
  if (!pending_.has_value()) {  // the prompt is complete
    const Clock::time_point now = Clock::now();
    result_.prefill_duration = now - phase_start_;
    phase_start_ = now;
    if (job_->input().max_tokens == 0) return Complete(FinishReason::kLength, tick);
  }
  HandleToken(llama_sampler_sample(job_->input().sampler.get(), context_, output_index_), tick);
}

void EngineSlot::HandleToken(llama_token token, uint64_t tick) {
  pending_.reset();
  ++result_.generated_tokens;
  const GenerationInput& input = job_->input();
  if (!input.ignore_eos && llama_vocab_is_eog(vocab_, token)) {
    return Complete(FinishReason::kStop, tick);
  }
  job_->RecordGenerated(token);
  Emit(output_->AddToken(TokenPiece(vocab_, token)));
  if (output_->stopped()) return Complete(FinishReason::kStop, tick);
  if (input.max_tokens > 0 && result_.generated_tokens >= input.max_tokens) {
    return Complete(FinishReason::kLength, tick);
  }
  if (OutOfRoom()) return Complete(FinishReason::kLength, tick);
  pending_ = token;
}

bool EngineSlot::OutOfRoom() const {
  return cached_.size() >= static_cast<size_t>(context_length_);
}

void EngineSlot::Emit(std::optional<GeneratePiece> piece) {
  if (piece.has_value()) job_->Emit(std::move(*piece));
}

void EngineSlot::Complete(FinishReason reason, uint64_t tick) {
  Emit(output_->Finish());
  result_.text = output_->text();
  result_.finish_reason = reason;
  result_.decode_duration = Clock::now() - phase_start_;
  job_->Finish(std::move(result_));
  Release(tick);
}

void EngineSlot::AbortDecode(const Status& error, uint64_t tick) {
  if (staged_.empty()) return;
  llama_memory_seq_rm(llama_get_memory(context_), sequence_,
                      static_cast<llama_pos>(cached_.size()), -1);
  staged_.clear();
  job_->Finish(error);
  Release(tick);
}

void EngineSlot::Fail(const Status& error) {
  if (!busy()) return;
  job_->Finish(error);
  Release(last_used_);
}

void EngineSlot::Release(uint64_t tick) {
  job_.reset();
  output_.reset();
  pending_.reset();
  staged_.clear();
  last_used_ = tick;
}

}  // namespace hearth
