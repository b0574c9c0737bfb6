#include "models/model_load_options.h"

namespace hearth {

std::string_view KvCacheTypeName(KvCacheType type) {
  switch (type) {
    case KvCacheType::kF16: return "f16";
    case KvCacheType::kQ8_0: return "q8_0";
  }
  return "f16";
}

}  // namespace hearth
