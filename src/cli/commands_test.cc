#include "cli/commands.h"

#include <set>
#include <string>

#include "gtest/gtest.h"

namespace hearth::cli {
namespace {

TEST(CommandsTest, EveryVerbIsFoundByItsNameAndNamesAreUnique) {
  std::set<std::string_view> names;
  for (const Command& command : AllCommands()) {
    EXPECT_EQ(FindCommand(command.name), &command);
    EXPECT_FALSE(command.summary.empty()) << command.name;
    EXPECT_TRUE(names.insert(command.name).second) << "duplicate verb " << command.name;
  }
  EXPECT_NE(FindCommand("serve"), nullptr);
}

TEST(CommandsTest, UnknownVerbIsAUsageError) {
  testing::internal::CaptureStderr();
  int code = RunCommandLine({"frobnicate"});
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(code, kExitUsage);
  EXPECT_NE(err.find("frobnicate"), std::string::npos);
  EXPECT_NE(err.find("hearth help"), std::string::npos);
}

TEST(CommandsTest, ServeRejectsUnknownFlagWithUsage) {
  testing::internal::CaptureStderr();
  int code = RunCommandLine({"serve", "--no-such-flag"});
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(code, kExitUsage);
  EXPECT_NE(err.find("--no-such-flag"), std::string::npos) << err;
}

TEST(CommandsTest, ServeRejectsABadPortBeforeTouchingTheDataDirectory) {
  testing::internal::CaptureStderr();
  int code = RunCommandLine({"serve", "--home=/nonexistent/hearth-home", "--port=99999"});
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(code, kExitUsage) << err;
  EXPECT_NE(err.find("--port"), std::string::npos) << err;
}

}  // namespace
}  // namespace hearth::cli
