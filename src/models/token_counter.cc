#include "models/token_counter.h"

namespace hearth {

TokenCounter::~TokenCounter() = default;

}  // namespace hearth
