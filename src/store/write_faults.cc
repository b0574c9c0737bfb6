#include "store/write_faults.h"

#include <sqlite3.h>

#include <atomic>
#include <cstring>
#include <mutex>
#include <string>

#include "base/logging.h"
#include "base/status_macros.h"
#include "base/value_parsers.h"

namespace hearth {
namespace {

constexpr char kBlobVariable[] = "HEARTH_TEST_DISK_FULL_BLOB_BYTES";
constexpr char kDatabaseVariable[] = "HEARTH_TEST_DISK_FULL_DB_BYTES";

std::atomic<bool> blob_budget_on{false};
std::atomic<int64_t> blob_budget{0};
std::atomic<bool> database_budget_on{false};
std::atomic<int64_t> database_budget{0};

// Takes `bytes` from `budget`, or empties it when they do not fit: a disk
// that refused one write stays full.
bool Spend(std::atomic<int64_t>& budget, int64_t bytes) {
  int64_t left = budget.load(std::memory_order_relaxed);
  do {
    if (left < bytes) {
      budget.store(0, std::memory_order_relaxed);
      return false;
    }
  } while (!budget.compare_exchange_weak(left, left - bytes, std::memory_order_relaxed));
  return true;
}

int64_t AsBudget(uint64_t bytes) {
  return bytes > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(bytes);
}

// The shim VFS: every file SQLite opens is the real VFS's file behind a
// header whose methods forward to it; only xWrite looks at the budget.
struct FaultFile {
  sqlite3_file base;   // what SQLite sees; must come first
  sqlite3_file* real;  // the real VFS's file, stored right after this header
};

sqlite3_vfs* real_vfs = nullptr;
sqlite3_vfs fault_vfs{};

sqlite3_file* Real(sqlite3_file* file) { return reinterpret_cast<FaultFile*>(file)->real; }

int FaultClose(sqlite3_file* f) { return Real(f)->pMethods->xClose(Real(f)); }
int FaultRead(sqlite3_file* f, void* out, int amount, sqlite3_int64 offset) {
  return Real(f)->pMethods->xRead(Real(f), out, amount, offset);
}
int FaultWrite(sqlite3_file* f, const void* data, int amount, sqlite3_int64 offset) {
  if (database_budget_on.load(std::memory_order_relaxed) && !Spend(database_budget, amount)) {
    return SQLITE_FULL;
  }
  return Real(f)->pMethods->xWrite(Real(f), data, amount, offset);
}
int FaultTruncate(sqlite3_file* f, sqlite3_int64 size) {
  return Real(f)->pMethods->xTruncate(Real(f), size);
}
int FaultSync(sqlite3_file* f, int flags) { return Real(f)->pMethods->xSync(Real(f), flags); }
int FaultFileSize(sqlite3_file* f, sqlite3_int64* size) {
  return Real(f)->pMethods->xFileSize(Real(f), size);
}
int FaultLock(sqlite3_file* f, int level) { return Real(f)->pMethods->xLock(Real(f), level); }
int FaultUnlock(sqlite3_file* f, int level) { return Real(f)->pMethods->xUnlock(Real(f), level); }
int FaultCheckReservedLock(sqlite3_file* f, int* out) {
  return Real(f)->pMethods->xCheckReservedLock(Real(f), out);
}
int FaultFileControl(sqlite3_file* f, int op, void* arg) {
  return Real(f)->pMethods->xFileControl(Real(f), op, arg);
}
int FaultSectorSize(sqlite3_file* f) { return Real(f)->pMethods->xSectorSize(Real(f)); }
int FaultDeviceCharacteristics(sqlite3_file* f) {
  return Real(f)->pMethods->xDeviceCharacteristics(Real(f));
}
int FaultShmMap(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  return Real(f)->pMethods->xShmMap(Real(f), region, size, extend, out);
}
int FaultShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return Real(f)->pMethods->xShmLock(Real(f), offset, n, flags);
}
void FaultShmBarrier(sqlite3_file* f) { Real(f)->pMethods->xShmBarrier(Real(f)); }
int FaultShmUnmap(sqlite3_file* f, int delete_flag) {
  return Real(f)->pMethods->xShmUnmap(Real(f), delete_flag);
}
int FaultFetch(sqlite3_file* f, sqlite3_int64 offset, int amount, void** out) {
  return Real(f)->pMethods->xFetch(Real(f), offset, amount, out);
}
int FaultUnfetch(sqlite3_file* f, sqlite3_int64 offset, void* page) {
  return Real(f)->pMethods->xUnfetch(Real(f), offset, page);
}

const sqlite3_io_methods kFaultMethods = {
    3,
    FaultClose,
    FaultRead,
    FaultWrite,
    FaultTruncate,
    FaultSync,
    FaultFileSize,
    FaultLock,
    FaultUnlock,
    FaultCheckReservedLock,
    FaultFileControl,
    FaultSectorSize,
    FaultDeviceCharacteristics,
    FaultShmMap,
    FaultShmLock,
    FaultShmBarrier,
    FaultShmUnmap,
    FaultFetch,
    FaultUnfetch,
};

int FaultOpen(sqlite3_vfs* /*vfs*/, const char* name, sqlite3_file* file, int flags,
              int* out_flags) {
  auto* wrapper = reinterpret_cast<FaultFile*>(file);
  wrapper->real = reinterpret_cast<sqlite3_file*>(wrapper + 1);
  std::memset(wrapper->real, 0, static_cast<size_t>(real_vfs->szOsFile));
  const int rc = real_vfs->xOpen(real_vfs, name, wrapper->real, flags, out_flags);
  // SQLite closes a file whose pMethods is set, even after a failed open.
  wrapper->base.pMethods = wrapper->real->pMethods != nullptr ? &kFaultMethods : nullptr;
  return rc;
}

Status RegisterFaultVfs() {
  static std::once_flag once;
  static int rc = SQLITE_OK;
  std::call_once(once, [] {
    real_vfs = sqlite3_vfs_find(nullptr);
    if (real_vfs == nullptr) {
      rc = SQLITE_ERROR;
      return;
    }
    fault_vfs = *real_vfs;  // the real VFS's functions work on a copy of it
    fault_vfs.szOsFile = static_cast<int>(sizeof(FaultFile)) + real_vfs->szOsFile;
    fault_vfs.zName = "hearth-write-faults";
    fault_vfs.pNext = nullptr;
    fault_vfs.xOpen = FaultOpen;
    rc = sqlite3_vfs_register(&fault_vfs, /*makeDflt=*/1);
  });
  if (rc != SQLITE_OK) {
    return InternalError(std::string("cannot install the write-fault VFS: ") + sqlite3_errstr(rc));
  }
  return OkStatus();
}

StatusOr<std::optional<uint64_t>> ReadBudget(const Environment& env, const char* variable) {
  std::optional<std::string> text = env.Get(variable);
  if (!text || text->empty()) return std::optional<uint64_t>();
  StatusOr<uint64_t> bytes = ParseByteSize(*text);
  if (!bytes.ok()) return bytes.status().WithContext(variable);
  return std::optional<uint64_t>(*bytes);
}

}  // namespace

Status InstallWriteFaults(const WriteFaultOptions& options) {
  if (options.database_bytes) RETURN_IF_ERROR(RegisterFaultVfs());
  blob_budget.store(AsBudget(options.blob_bytes.value_or(0)));
  blob_budget_on.store(options.blob_bytes.has_value());
  database_budget.store(AsBudget(options.database_bytes.value_or(0)));
  database_budget_on.store(options.database_bytes.has_value());
  return OkStatus();
}

StatusOr<bool> InstallWriteFaultsFromEnvironment(const Environment& env) {
  WriteFaultOptions options;
  ASSIGN_OR_RETURN(options.blob_bytes, ReadBudget(env, kBlobVariable));
  ASSIGN_OR_RETURN(options.database_bytes, ReadBudget(env, kDatabaseVariable));
  if (!options.blob_bytes && !options.database_bytes) return false;
  RETURN_IF_ERROR(InstallWriteFaults(options));
  HEARTH_LOG(WARNING) << "test fault injection is on: writes fail as on a full disk after "
                      << (options.blob_bytes ? std::to_string(*options.blob_bytes) : "unlimited")
                      << " blob bytes and "
                      << (options.database_bytes ? std::to_string(*options.database_bytes)
                                                 : "unlimited")
                      << " database bytes (" << kBlobVariable << ", " << kDatabaseVariable << ")";
  return true;
}

namespace internal {

bool SpendBlobWriteBudget(size_t bytes) {
  if (!blob_budget_on.load(std::memory_order_relaxed)) return true;
  return Spend(blob_budget, static_cast<int64_t>(bytes));
}

}  // namespace internal

}  // namespace hearth
