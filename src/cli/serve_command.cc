#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <thread>

#include "base/environment.h"
#include "base/logging.h"
#include "base/status_macros.h"
#include "base/paths.h"
#include "app/knowledge_base.h"
#include "cli/commands.h"
#include "app/account_home.h"
#include "cli/global_options.h"
#include "cli/pull_flags.h"
#include "base/value_parsers.h"
#include "cli/scheduler_flags.h"
#include "models/chat_formatter.h"
#include "models/llama_backend.h"
#include "models/model_event_log.h"
#include "models/model_store.h"
#include "models/runner_loader.h"
#include "models/usage_recording_backend.h"
#include "server/metrics.h"
#include "models/scheduler.h"
#include "server/http_server.h"
#include "store/database.h"
#include "store/home_lock.h"
#include "store/write_faults.h"

namespace hearth::cli {
namespace {

constexpr char kUsage[] = "hearth serve [flags]";

sigset_t TerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

// Blocks SIGINT/SIGTERM in this thread, and so in every thread it starts
// afterwards; call before any thread exists.
void BlockTerminationSignals() {
  sigset_t signals = TerminationSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

// Waits for SIGINT/SIGTERM on its own thread and stops the server, which
// stops accepting at once and gives in-flight requests `grace` to finish.
// The signals are blocked in every other thread (the mask is inherited), so
// no handler runs in an async-signal context.
std::jthread StartSignalWatcher(HttpServer& server, std::chrono::milliseconds grace) {
  sigset_t signals = TerminationSignals();
  return std::jthread([&server, signals, grace](std::stop_token stop) {
    const timespec poll_interval{0, 200'000'000};
    while (!stop.stop_requested()) {
      int signal_number = sigtimedwait(&signals, nullptr, &poll_interval);
      if (signal_number > 0) {
        HEARTH_LOG(INFO) << "received " << strsignal(signal_number)
                         << "; shutting down (in-flight requests have up to "
                         << FormatDuration(grace) << ")";
        server.Stop();
        return;
      }
    }
  });
}

// Creates the home, takes its lock shared for the server's lifetime (a
// restore takes it exclusively) and migrates the database. Test-only write
// faults (store/write_faults.h) are installed first, before any connection.
StatusOr<HomeLock> PrepareHome(const std::filesystem::path& home) {
  RETURN_IF_ERROR(InstallWriteFaultsFromEnvironment(Environment::Process()).status());
  Status created = EnsureDirectory(home);
  if (!created.ok()) return created.WithContext("data directory (--home)");
  ASSIGN_OR_RETURN(HomeLock lock, HomeLock::Acquire(home, HomeLock::Mode::kShared));
  StatusOr<std::unique_ptr<Database>> db = Database::Open({.path = home / "hearth.db"});
  if (!db.ok()) return db.status();
  HEARTH_LOG(INFO) << "data directory " << home.string();
  return lock;
}

// The models the server runs: the store, and the scheduler that loads them
// into runner processes under the memory budget, and the chat templates.
struct ModelServices {
  // First: the scheduler reports to it until it is destroyed.
  std::unique_ptr<Metrics> metrics = std::make_unique<Metrics>();
  std::unique_ptr<ModelStore> store;
  std::unique_ptr<Scheduler> scheduler;
  std::unique_ptr<ChatFormatterCache> formatters = std::make_unique<ChatFormatterCache>();
};

StatusOr<ModelServices> StartModelServices(const std::filesystem::path& home,
                                           const SchedulerFlags& flags) {
  ASSIGN_OR_RETURN(SchedulerOptions options, ToSchedulerOptions(flags));
  ASSIGN_OR_RETURN(std::vector<ModelName> pins, PinnedModels(flags));
  ModelServices services;
  ASSIGN_OR_RETURN(services.store, ModelStore::Open({.root = home / "models"}));
  ASSIGN_OR_RETURN(ModelEventSink database_sink, DatabaseEventSink(home / "hearth.db"));
  Metrics* metrics = services.metrics.get();
  ModelEventSink sink = [database_sink, metrics](const ModelEvent& event) {
    database_sink(event);
    metrics->RecordModelEvent(event);
  };
  BackendLoader runners = MakeRunnerLoader({});
  BackendLoader counted = [runners, metrics](const ResolvedModel& model, const ModelLoadOptions& load)
      -> StatusOr<std::unique_ptr<InferenceBackend>> {
    StatusOr<std::unique_ptr<InferenceBackend>> backend = runners(model, load);
    if (!backend.ok()) return backend.status();
    return RecordUsage(std::move(*backend), model.entry.name.DisplayName(),
                       [metrics](const ModelUsage& usage) { metrics->RecordUsage(usage); });
  };
  ASSIGN_OR_RETURN(services.scheduler, Scheduler::Create(options, *services.store, counted, sink));
  HEARTH_LOG(INFO) << "memory budget " << FormatByteSize(services.scheduler->memory_budget());
  for (const ModelName& pin : pins) {
    Status pinned = services.scheduler->Pin(pin);
    if (!pinned.ok()) return pinned.WithContext("--pin " + pin.DisplayName());
  }
  return services;
}

// Multi-user mode from HEARTH_ADMIN_PASSWORD at the first start (the admin
// is HEARTH_ADMIN_NAME, default "admin"); then the rule that single-user
// mode (no login) serves only this machine unless --insecure-no-auth.
Status PrepareAccess(AccountService& accounts, const ServerOptions& options) {
  const char* password = std::getenv("HEARTH_ADMIN_PASSWORD");
  const char* name = std::getenv("HEARTH_ADMIN_NAME");
  ASSIGN_OR_RETURN(bool created, CreateFirstAdmin(accounts, name != nullptr && *name ? name : "admin",
                                                  password != nullptr ? password : ""));
  if (created) HEARTH_LOG(INFO) << "multi-user mode: created the first admin from HEARTH_ADMIN_PASSWORD";
  ASSIGN_OR_RETURN(bool multi_user, accounts.MultiUser());
  if (!multi_user && !IsLoopbackHost(options.host) && !options.insecure_no_auth) {
    return InvalidArgumentError(
        "--host " + options.host + " would let anyone who reaches it use hearth without signing "
        "in: create an admin first (hearth user add NAME --role admin, or HEARTH_ADMIN_PASSWORD) "
        "for multi-user mode, or pass --insecure-no-auth");
  }
  HEARTH_LOG(INFO) << (multi_user ? "multi-user mode: sign-in required" : "single-user mode: no sign-in (loopback only)");
  return OkStatus();
}

Status Serve(const GlobalOptions& global, const ServerOptions& options,
             const SchedulerFlags& scheduler_flags, const PullOptions& pull,
             const IngestionOptions& ingestion) {
  RETURN_IF_ERROR(ValidateServerOptions(options));
  BlockTerminationSignals();
  ASSIGN_OR_RETURN(HomeLock home_lock, PrepareHome(global.home));
  InitLlamaBackend();
  ASSIGN_OR_RETURN(ModelServices models, StartModelServices(global.home, scheduler_flags));
  ASSIGN_OR_RETURN(std::unique_ptr<KnowledgeBase> knowledge,
                   KnowledgeBase::Open(global.home, *models.store, *models.scheduler,
                                       *models.formatters, ingestion));
  RETURN_IF_ERROR(PrepareAccess(knowledge->accounts(), options));
  ASSIGN_OR_RETURN(std::unique_ptr<HttpServer> server,
                   HttpServer::Bind(options, {.models = models.store.get(),
                                              .scheduler = models.scheduler.get(),
                                              .formatters = models.formatters.get(),
                                              .metrics = models.metrics.get(),
                                              .pull = &pull,
                                              .workspaces = &knowledge->workspaces(),
                                              .ingestion = &knowledge->ingestion(),
                                              .threads = &knowledge->threads(),
                                              .answers = &knowledge->answers(),
                                              .retriever = &knowledge->retriever(),
                                              .accounts = &knowledge->accounts()}));
  std::jthread watcher = StartSignalWatcher(*server, options.shutdown_timeout);
  HEARTH_LOG(INFO) << "listening on http://" << options.host << ":" << server->port();
  Status served = server->Serve();
  HEARTH_LOG(INFO) << "stopped";
  return served;
}

}  // namespace

int RunServe(const CommandArgs& args) {
  GlobalOptions global;
  ServerOptions server;
  SchedulerFlags scheduler;
  OptionBinder binder;
  BindGlobalOptions(binder, global);
  BindServerOptions(binder, server);
  BindSchedulerFlags(binder, scheduler);
  PullOptions pull;
  BindRegistryOptions(binder, pull);
  IngestionOptions ingestion;
  binder.Bind("ingest-workers", "HEARTH_INGEST_WORKERS", &ingestion.workers,
              "documents converted and embedded at the same time");
  CommandArgs positional;
  if (auto exit_code = ParseVerbFlags(binder, kUsage, args, &positional)) return *exit_code;
  // The ingestion service holds documents to the same limit as the upload route.
  ingestion.max_document_bytes = server.limits.max_document_bytes;
  if (!positional.empty()) {
    std::cerr << "hearth serve: unexpected argument '" << positional.front() << "'\n";
    return kExitUsage;
  }
  Status status = ApplyGlobalOptions(global);
  if (status.ok()) status = Serve(global, server, scheduler, pull, ingestion);
  if (!status.ok()) {
    std::cerr << "hearth serve: " << status.message() << "\n";
    return status.code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailure;
  }
  return kExitOk;
}

}  // namespace hearth::cli
