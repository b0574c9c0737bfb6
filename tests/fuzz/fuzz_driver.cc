// A replay driver for fuzz targets when libFuzzer is not available (g++).
//
//   fuzz_X [--mutations=N] [--seed=S] DIR_OR_FILE...
//
// Runs LLVMFuzzerTestOneInput on every corpus file, then on N inputs made by
// mutating corpus entries with a seeded generator, so a run is repeatable.
// A crash, sanitizer report or hang is the failure signal. On a crash (abort,
// segfault, bus error, FPE) the driver writes the input that was running to
// ./fuzz-crash-input and says so on stderr, to reproduce it with
// `fuzz_X fuzz-crash-input`.
#include <fcntl.h>
#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

using Input = std::vector<uint8_t>;

// The input being run, for the crash handler.
const Input* running = nullptr;

// Async-signal-safe: only open, write, close and raise.
void SaveRunningInput(int signal_number) {
  constexpr char kPath[] = "fuzz-crash-input";
  constexpr char kMessage[] = "\nfuzz_driver: the crashing input is in ./fuzz-crash-input\n";
  if (running != nullptr) {
    const int fd = open(kPath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      if (write(fd, running->data(), running->size()) >= 0 &&
          write(STDERR_FILENO, kMessage, sizeof kMessage - 1) >= 0) {
      }
      close(fd);
    }
  }
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
}

void Run(const Input& input) {
  running = &input;
  LLVMFuzzerTestOneInput(input.data(), input.size());
  running = nullptr;
}

Input ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Input(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void LoadCorpus(const std::filesystem::path& path, std::vector<Input>& corpus) {
  if (std::filesystem::is_directory(path)) {
    for (const auto& entry : std::filesystem::directory_iterator(path)) {
      if (entry.is_regular_file()) corpus.push_back(ReadFile(entry.path()));
    }
  } else {
    corpus.push_back(ReadFile(path));
  }
}

// One random edit: flip, insert or erase a byte, or splice in a byte that
// parsers treat specially.
void Mutate(Input& input, std::mt19937_64& rng) {
  static constexpr uint8_t kSpecial[] = {'/', '.', '\\', 0, '\n', '=', '-', 0xff, 0xc0, '9'};
  const size_t position = input.empty() ? 0 : rng() % (input.size() + 1);
  switch (rng() % 4) {
    case 0:
      if (!input.empty()) input[position % input.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
      break;
    case 1:
      input.insert(input.begin() + static_cast<std::ptrdiff_t>(position), static_cast<uint8_t>(rng()));
      break;
    case 2:
      if (!input.empty()) input.erase(input.begin() + static_cast<std::ptrdiff_t>(position % input.size()));
      break;
    default:
      input.insert(input.begin() + static_cast<std::ptrdiff_t>(position),
                   kSpecial[rng() % sizeof kSpecial]);
      break;
  }
}

bool ParseFlag(std::string_view arg, std::string_view name, uint64_t* value) {
  if (arg.substr(0, name.size()) != name) return false;
  *value = std::strtoull(std::string(arg.substr(name.size())).c_str(), nullptr, 10);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t mutations = 1000, seed = 1;
  std::vector<Input> corpus;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg(argv[i]);
    if (!ParseFlag(arg, "--mutations=", &mutations) && !ParseFlag(arg, "--seed=", &seed)) {
      LoadCorpus(argv[i], corpus);
    }
  }
  if (corpus.empty()) corpus.push_back({});
  for (int signal_number : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE}) {
    std::signal(signal_number, SaveRunningInput);
  }
  for (const Input& input : corpus) Run(input);
  std::mt19937_64 rng(seed);
  for (uint64_t i = 0; i < mutations; ++i) {
    Input input = corpus[rng() % corpus.size()];
    for (uint64_t edits = 1 + rng() % 8; edits > 0; --edits) Mutate(input, rng);
    Run(input);
  }
  std::printf("%zu corpus inputs and %llu mutations ran without a fault\n", corpus.size(),
              static_cast<unsigned long long>(mutations));
  return 0;
}
