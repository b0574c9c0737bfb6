#include "base/child_process.h"

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace hearth {
namespace {

std::string ReadAll(int fd) {
  std::string text;
  char buffer[256];
  ssize_t n = 0;
  while ((n = ::read(fd, buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<size_t>(n));
  return text;
}

std::unique_ptr<ChildProcess> Shell(const std::string& script, bool capture = false,
                                    std::vector<std::string> env = {}) {
  StatusOr<std::unique_ptr<ChildProcess>> child = ChildProcess::Spawn(
      {.argv = {"/bin/sh", "-c", script}, .extra_env = std::move(env), .capture_stdout = capture});
  EXPECT_TRUE(child.ok()) << child.status();
  return child.ok() ? std::move(*child) : nullptr;
}

TEST(ChildProcessTest, ReportsExitCode) {
  auto child = Shell("exit 3");
  StatusOr<ExitInfo> exit = child->Wait();
  ASSERT_TRUE(exit.ok());
  EXPECT_EQ(exit->exit_code, 3);
  EXPECT_FALSE(exit->Succeeded());
  EXPECT_EQ(exit->Describe(), "exited with status 3");
}

TEST(ChildProcessTest, ReportsDeathBySignal) {
  auto child = Shell("kill -9 $$");
  StatusOr<ExitInfo> exit = child->Wait();
  ASSERT_TRUE(exit.ok());
  EXPECT_EQ(exit->signal, SIGKILL);
  EXPECT_NE(exit->Describe().find("killed by signal 9"), std::string::npos) << exit->Describe();
}

TEST(ChildProcessTest, CapturesStdoutAndPassesEnvironment) {
  auto child = Shell("echo \"value=$HEARTH_CHILD_TEST\"", true, {"HEARTH_CHILD_TEST=42"});
  EXPECT_EQ(ReadAll(child->stdout_fd()), "value=42\n");
  EXPECT_TRUE(child->Wait()->Succeeded());
}

TEST(ChildProcessTest, WaitTimesOutWhileRunningThenTerminates) {
  auto child = Shell("exec sleep 30");
  StatusOr<ExitInfo> waited = child->Wait(std::chrono::milliseconds(20));
  EXPECT_EQ(waited.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_FALSE(child->Poll().has_value());
  ExitInfo ended = child->Terminate(std::chrono::milliseconds(2000));
  EXPECT_EQ(ended.signal, SIGTERM);
}

TEST(ChildProcessTest, ChildStartsWithSignalsUnblockedEvenIfParentBlocksThem) {
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &block, &old);
  auto child = Shell("exec sleep 30");
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  ExitInfo ended = child->Terminate(std::chrono::milliseconds(2000));
  EXPECT_EQ(ended.signal, SIGTERM) << ended.Describe();
}

TEST(ChildProcessTest, DestructorKillsAndReaps) {
  pid_t pid = 0;
  {
    auto child = Shell("exec sleep 30");
    pid = child->pid();
  }
  // Reaped: the pid no longer names our child.
  EXPECT_NE(::kill(pid, 0), 0);
}

TEST(ChildProcessTest, MissingOrNonExecutableProgramIsAClearError) {
  auto missing = ChildProcess::Spawn({.argv = {"/nonexistent/program"}});
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("/nonexistent/program"), std::string::npos);
  std::string plain_file = ::testing::TempDir() + "child-process-plain-" + std::to_string(::getpid());
  { std::ofstream(plain_file) << "not a program\n"; }
  std::filesystem::permissions(plain_file, std::filesystem::perms::owner_read |
                                               std::filesystem::perms::owner_write);
  auto not_executable = ChildProcess::Spawn({.argv = {plain_file}});
  EXPECT_EQ(not_executable.status().code(), StatusCode::kPermissionDenied);
  std::filesystem::remove(plain_file);
  EXPECT_EQ(ChildProcess::Spawn({}).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hearth
