// `hearth ingest WORKSPACE FILE_OR_DIR...`: upload documents to a workspace of
// the running server and follow their ingestion to the end, with progress.
//
//   hearth ingest handbook ~/docs/handbook --create --embedder nomic-embed-text
//
// Directories are walked recursively (hidden files and directories skipped).
// Files go up in batches; each file ends ingested, a duplicate of one already
// there, or with its own error, which never stops the others. Exit status 1
// when any file failed.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include "base/status_macros.h"
#include "cli/commands.h"
#include "cli/global_options.h"
#include "cli/server_flags.h"
#include "cli/store_verbs.h"
#include "store/workspace_table.h"

namespace hearth::cli {
namespace {

constexpr char kUsage[] =
    "hearth ingest WORKSPACE FILE_OR_DIR... [--create] [--embedder NAME] [--host H --port P]";
// Files per upload request, and bytes: a batch closes at whichever comes first.
constexpr size_t kFilesPerUpload = 16;
constexpr uint64_t kBytesPerUpload = 48ull << 20;

struct IngestFlags {
  bool create = false;
  std::string embedder;
};

bool Hidden(const std::filesystem::path& path) {
  const std::string name = path.filename().string();
  return !name.empty() && name[0] == '.';
}

// Every regular file named or under a named directory, sorted.
StatusOr<std::vector<std::filesystem::path>> ExpandInputs(const CommandArgs& inputs) {
  std::vector<std::filesystem::path> files;
  for (const std::string& input : inputs) {
    std::error_code error;
    const std::filesystem::path path(input);
    if (std::filesystem::is_regular_file(path, error)) {
      files.push_back(path);
      continue;
    }
    if (!std::filesystem::is_directory(path, error)) {
      return NotFoundError("'" + input + "' is neither a file nor a directory");
    }
    std::filesystem::recursive_directory_iterator it(path, error), end;
    for (; !error && it != end; it.increment(error)) {
      if (Hidden(it->path())) {
        if (it->is_directory()) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file()) files.push_back(it->path());
    }
    if (error) return UnavailableError("reading '" + input + "': " + error.message());
  }
  std::sort(files.begin(), files.end());
  return files;
}

StatusOr<std::string> ReadWhole(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot open '" + path.string() + "'");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

Status EnsureWorkspace(const ServerAddress& address, const std::string& slug,
                       const IngestFlags& flags) {
  StatusOr<WorkspaceInfo> found = FetchWorkspace(address, slug);
  if (found.ok() || found.status().code() != StatusCode::kNotFound) return found.status();
  if (!flags.create) {
    return NotFoundError("no workspace '" + slug + "'; add --create --embedder NAME to make it");
  }
  if (flags.embedder.empty()) {
    return InvalidArgumentError("--create needs --embedder NAME (an installed embedding model)");
  }
  StatusOr<WorkspaceInfo> created = CreateWorkspace(address, slug, flags.embedder);
  if (created.ok()) std::cerr << "created workspace '" << slug << "'\n";
  return created.status();
}

// What happened to each file, for the summary.
struct Tally {
  std::map<int64_t, std::string> jobs;  // job id -> file
  int ingested = 0;
  int duplicates = 0;
  std::vector<std::string> failures;    // "file: reason"
};

Status UploadAll(const ServerAddress& address, const std::string& slug,
                 const std::vector<std::filesystem::path>& files, Tally& tally) {
  std::vector<UploadFile> batch;
  uint64_t batch_bytes = 0;
  auto flush = [&]() -> Status {
    if (batch.empty()) return OkStatus();
    ASSIGN_OR_RETURN(std::vector<UploadOutcome> outcomes, UploadDocuments(address, slug, batch));
    for (const UploadOutcome& outcome : outcomes) {
      if (!outcome.error.empty()) {
        tally.failures.push_back(outcome.name + ": " + outcome.error);
      } else if (outcome.duplicate) {
        ++tally.duplicates;
      } else {
        tally.jobs[outcome.job_id] = outcome.name;
      }
    }
    batch.clear();
    batch_bytes = 0;
    return OkStatus();
  };
  for (const std::filesystem::path& file : files) {
    StatusOr<std::string> bytes = ReadWhole(file);
    if (!bytes.ok()) {
      tally.failures.push_back(file.string() + ": " + bytes.status().message());
      continue;
    }
    batch_bytes += bytes->size();
    batch.push_back({.name = file.filename().string(), .content = std::move(*bytes)});
    if (batch.size() >= kFilesPerUpload || batch_bytes >= kBytesPerUpload) RETURN_IF_ERROR(flush());
  }
  return flush();
}

// Polls the jobs until all have ended, drawing a progress line.
Status Follow(const ServerAddress& address, Tally& tally) {
  const auto start = std::chrono::steady_clock::now();
  const bool terminal = isatty(STDERR_FILENO) != 0;
  std::map<int64_t, JobInfo> last;
  while (true) {
    size_t finished = 0;
    int64_t chunks = 0;
    for (const auto& [id, name] : tally.jobs) {
      auto seen = last.find(id);
      if (seen == last.end() || !seen->second.finished()) {
        ASSIGN_OR_RETURN(last[id], FetchJob(address, id));
      }
      finished += last[id].finished();
      chunks += last[id].chunks_done;
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::ostringstream line;
    line << "ingesting: " << finished << "/" << tally.jobs.size() << " files, " << chunks
         << " chunks, " << static_cast<int64_t>(seconds > 0 ? chunks / seconds : 0) << " chunks/s";
    if (terminal) std::cerr << "\r" << line.str() << "   " << std::flush;
    if (finished == tally.jobs.size()) {
      std::cerr << (terminal ? "\n" : line.str() + "\n");
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  for (const auto& [id, job] : last) {
    if (job.state == "done") {
      ++tally.ingested;
    } else {
      tally.failures.push_back(tally.jobs[id] + ": " + job.error);
    }
  }
  return OkStatus();
}

Status Ingest(const ServerAddress& address, const std::string& slug, const CommandArgs& inputs,
              const IngestFlags& flags, Tally& tally) {
  RETURN_IF_ERROR(ValidateWorkspaceSlug(slug));
  ASSIGN_OR_RETURN(std::vector<std::filesystem::path> files, ExpandInputs(inputs));
  if (files.empty()) return InvalidArgumentError("no files to ingest");
  RETURN_IF_ERROR(EnsureWorkspace(address, slug, flags));
  RETURN_IF_ERROR(UploadAll(address, slug, files, tally));
  return Follow(address, tally);
}

}  // namespace

int RunIngest(const CommandArgs& args) {
  GlobalOptions global;
  ServerAddress address;
  IngestFlags flags;
  OptionBinder binder;
  BindGlobalOptions(binder, global);
  BindServerAddress(binder, address);
  binder.Bind("create", "", &flags.create, "create the workspace when it does not exist");
  binder.Bind("embedder", "", &flags.embedder, "embedding model of a workspace made by --create");
  CommandArgs positional;
  if (auto exit_code = ParseVerbFlags(binder, kUsage, args, &positional)) return *exit_code;
  if (positional.size() < 2) {
    std::cerr << "usage: " << kUsage << "\n";
    return kExitUsage;
  }
  Tally tally;
  Status status = Ingest(address, positional.front(),
                         CommandArgs(positional.begin() + 1, positional.end()), flags, tally);
  if (!status.ok()) return ReportFailure("ingest", status);
  std::cout << tally.ingested << " ingested, " << tally.duplicates << " already there, " << tally.failures.size()
            << " failed\n";
  for (const std::string& failure : tally.failures) std::cout << "  failed: " << failure << "\n";
  return tally.failures.empty() ? kExitOk : kExitFailure;
}

}  // namespace hearth::cli
