// Fuzzes the flag and value parsers: arbitrary argument vectors and values
// must produce a result or a clear error, never a crash or a hang.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/options.h"
#include "base/value_parsers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto bytes = hearth::ParseByteSize(text); bytes.ok()) (void)hearth::FormatByteSize(*bytes);
  (void)hearth::ParseDuration(text);
  (void)hearth::ParseBool(text);
  (void)hearth::ParseDouble(text);

  std::vector<std::string> args;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == '\n') {
      args.emplace_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  std::string host = "127.0.0.1";
  int port = 11434;
  bool verbose = false;
  uint64_t budget = 0;
  std::chrono::milliseconds keep_alive{300000};
  double temperature = 0.8;
  std::optional<int64_t> layers;
  hearth::OptionBinder binder;
  binder.Bind("host", "HEARTH_HOST", &host, "address");
  binder.Bind("port", "HEARTH_PORT", &port, "port");
  binder.Bind("verbose", "", &verbose, "more output");
  binder.BindBytes("memory-budget", "HEARTH_MEMORY_BUDGET", &budget, "bytes");
  binder.BindDuration("keep-alive", "HEARTH_KEEP_ALIVE", &keep_alive, "duration");
  binder.Bind("temperature", "", &temperature, "number");
  binder.Bind("layers", "", &layers, "optional integer");
  (void)binder.ApplyFlags(args);
  return 0;
}
