// A replay driver for fuzz targets when libFuzzer is not available (g++).
//
//   fuzz_X [--mutations=N] [--seed=S] DIR_OR_FILE...
//
// Runs LLVMFuzzerTestOneInput on every corpus file, then on N inputs made by
// mutating corpus entries with a seeded generator, so a run is repeatable.
// A crash, sanitizer report or hang is the failure signal; the driver prints
// the input that was running when it started, to reproduce it.
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
  for (const Input& input : corpus) LLVMFuzzerTestOneInput(input.data(), input.size());
  std::mt19937_64 rng(seed);
  for (uint64_t i = 0; i < mutations; ++i) {
    Input input = corpus[rng() % corpus.size()];
    for (uint64_t edits = 1 + rng() % 8; edits > 0; --edits) Mutate(input, rng);
    LLVMFuzzerTestOneInput(input.data(), input.size());
  }
  std::printf("%zu corpus inputs and %llu mutations ran without a fault\n", corpus.size(),
              static_cast<unsigned long long>(mutations));
  return 0;
}
