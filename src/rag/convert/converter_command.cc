#include "rag/convert/converter_command.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <new>
#include <string>
#include <string_view>
#include <utility>

#include "base/posix_error.h"
#include "base/status_macros.h"
#include "base/unique_fd.h"
#include "base/value_parsers.h"
#include "rag/convert/convert_dispatch.h"
#include "rag/document_wire.h"

namespace hearth {
namespace {

// Files larger than this are refused before reading: no supported format
// needs more, and reading it would eat into the address-space limit.
constexpr int64_t kMaxInputBytes = 1ll << 30;
constexpr rlim_t kMaxOpenFiles = 64;

struct ConverterFlags {
  std::string input;
  std::string name;
  int64_t cpu_seconds = 60;
  int64_t memory_bytes = 2ll << 30;
  ConvertLimits limits;
};

// Flags that take a number, and where each one goes.
using NumberSetter = std::function<void(ConverterFlags&, int64_t)>;
const std::pair<std::string_view, NumberSetter> kNumberFlags[] = {
    {"--cpu-seconds", [](ConverterFlags& f, int64_t v) { f.cpu_seconds = v; }},
    {"--memory-bytes", [](ConverterFlags& f, int64_t v) { f.memory_bytes = v; }},
    {"--max-output-bytes",
     [](ConverterFlags& f, int64_t v) { f.limits.max_output_bytes = static_cast<uint64_t>(v); }},
    {"--ocr-dpi", [](ConverterFlags& f, int64_t v) { f.limits.ocr_dpi = static_cast<int32_t>(v); }},
    {"--max-pages", [](ConverterFlags& f, int64_t v) { f.limits.max_pages = static_cast<int32_t>(v); }},
    {"--max-blocks", [](ConverterFlags& f, int64_t v) { f.limits.max_blocks = static_cast<uint64_t>(v); }},
    {"--max-cells", [](ConverterFlags& f, int64_t v) { f.limits.max_cells = static_cast<uint64_t>(v); }},
    {"--max-xml-depth",
     [](ConverterFlags& f, int64_t v) { f.limits.max_xml_depth = static_cast<int32_t>(v); }},
    {"--max-zip-entries",
     [](ConverterFlags& f, int64_t v) { f.limits.max_zip_entries = static_cast<uint64_t>(v); }},
    {"--max-unpacked-bytes",
     [](ConverterFlags& f, int64_t v) { f.limits.max_unpacked_bytes = static_cast<uint64_t>(v); }},
    {"--max-entry-bytes",
     [](ConverterFlags& f, int64_t v) { f.limits.max_entry_bytes = static_cast<uint64_t>(v); }},
};

Status ParseNumberFlag(std::string_view flag, std::string_view value, ConverterFlags& flags) {
  for (const auto& [name, set] : kNumberFlags) {
    if (name != flag) continue;
    StatusOr<int64_t> parsed = ParseInt64(value);
    if (!parsed.ok()) return parsed.status().WithContext(flag);
    int64_t number = *parsed;
    if (number <= 0 || number > (int64_t{1} << 40)) {
      return InvalidArgumentError(std::string(flag) + " must be a positive number, not " +
                                  std::string(value));
    }
    set(flags, number);
    return OkStatus();
  }
  return InvalidArgumentError("unknown flag " + std::string(flag));
}

StatusOr<ConverterFlags> ParseFlags(int argc, char** argv) {
  ConverterFlags flags;
  for (int i = 1; i < argc; ++i) {
    std::string_view flag = argv[i];
    if (flag == "--no-ocr") {
      flags.limits.ocr = false;
      continue;
    }
    if (i + 1 >= argc) return InvalidArgumentError(std::string(flag) + " needs a value");
    std::string_view value = argv[++i];
    if (flag == "--input") {
      flags.input = value;
    } else if (flag == "--name") {
      flags.name = value;
    } else {
      RETURN_IF_ERROR(ParseNumberFlag(flag, value, flags));
    }
  }
  if (flags.input.empty()) return InvalidArgumentError("--input PATH is required");
  if (flags.name.empty()) flags.name = flags.input;
  return flags;
}

Status SetLimit(int resource, rlim_t soft, rlim_t hard, std::string_view what) {
  rlimit limit{soft, hard};
  if (setrlimit(resource, &limit) != 0) return PosixError(errno, "cannot limit " + std::string(what));
  return OkStatus();
}

// The hard CPU limit is a second past the soft one: SIGXCPU ends the process
// first, SIGKILL catches a process that survives it.
Status LimitSelf(const ConverterFlags& flags) {
  auto cpu = static_cast<rlim_t>(flags.cpu_seconds);
  RETURN_IF_ERROR(SetLimit(RLIMIT_CPU, cpu, cpu + 1, "CPU time"));
  if (kConverterLimitsAddressSpace) {
    auto memory = static_cast<rlim_t>(flags.memory_bytes);
    RETURN_IF_ERROR(SetLimit(RLIMIT_AS, memory, memory, "address space"));
  }
  RETURN_IF_ERROR(SetLimit(RLIMIT_CORE, 0, 0, "core files"));
  return SetLimit(RLIMIT_NOFILE, kMaxOpenFiles, kMaxOpenFiles, "open files");
}

StatusOr<std::string> ReadInput(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return PosixError(errno, "cannot open " + path);
  struct stat info {};
  if (fstat(fd.get(), &info) != 0) return PosixError(errno, "cannot stat " + path);
  if (!S_ISREG(info.st_mode)) return InvalidArgumentError(path + " is not a regular file");
  if (info.st_size > kMaxInputBytes) {
    return ResourceExhaustedError("the file is " + std::to_string(info.st_size) +
                                  " bytes; hearth converts files of at most 1 GiB");
  }
  std::string bytes(static_cast<size_t>(info.st_size), '\0');
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t got = ::read(fd.get(), bytes.data() + done, bytes.size() - done);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return PosixError(errno, "cannot read " + path);
    if (got == 0) break;
    done += static_cast<size_t>(got);
  }
  bytes.resize(done);
  return bytes;
}

Status WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t wrote = ::write(fd, bytes.data(), bytes.size());
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote < 0) return PosixError(errno, "cannot write the document to stdout");
    bytes.remove_prefix(static_cast<size_t>(wrote));
  }
  return OkStatus();
}

Status Run(int argc, char** argv) {
  ASSIGN_OR_RETURN(ConverterFlags flags, ParseFlags(argc, argv));
  RETURN_IF_ERROR(LimitSelf(flags));
  ASSIGN_OR_RETURN(std::string bytes, ReadInput(flags.input));
  ASSIGN_OR_RETURN(StructuredDocument document, ConvertDocument(bytes, flags.name, flags.limits));
  bytes.clear();
  bytes.shrink_to_fit();
  return WriteAll(STDOUT_FILENO, Encode(document));
}

}  // namespace

int RunConverter(int argc, char** argv) {
  try {
    Status status = Run(argc, argv);
    if (status.ok()) return 0;
    std::string line = status.ToString();
    for (char& c : line) {
      if (c == '\n') c = ' ';
    }
    std::fprintf(stderr, "%s\n", line.c_str());
    return kConvertExitDocumentError;
  } catch (const std::bad_alloc&) {
    return kConvertExitOutOfMemory;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "INTERNAL: the converter failed: %s\n", error.what());
    return kConvertExitDocumentError;
  }
}

}  // namespace hearth
