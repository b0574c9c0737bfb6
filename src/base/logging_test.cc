#include "base/logging.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "base/log_line.h"
#include "base/utf8.h"

namespace hearth {
namespace {

// A strict parser for the JSON our log lines use: one object whose values are
// all strings, no whitespace. Returns nullopt for anything that is not valid
// JSON of that shape, so a test fails if escaping is wrong.
class FlatJsonParser {
 public:
  explicit FlatJsonParser(std::string_view text) : text_(text) {}

  std::optional<std::map<std::string, std::string>> Parse() {
    std::map<std::string, std::string> fields;
    if (!IsValidUtf8(text_) || !Consume('{')) return std::nullopt;
    do {
      std::optional<std::string> key = ParseString();
      if (!key || !Consume(':')) return std::nullopt;
      std::optional<std::string> value = ParseString();
      if (!value) return std::nullopt;
      fields[*key] = *value;
    } while (Consume(','));
    if (!Consume('}') || pos_ != text_.size()) return std::nullopt;
    return fields;
  }

 private:
  bool Consume(char c) {
    if (pos_ >= text_.size() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }

  std::optional<std::string> ParseString() {
    if (!Consume('"')) return std::nullopt;
    std::string out;
    while (pos_ < text_.size()) {
      const char c = text_[pos_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) return std::nullopt;
      if (c != '\\') {
        out += c;
      } else if (!ParseEscape(out)) {
        return std::nullopt;
      }
    }
    return std::nullopt;
  }

  bool ParseEscape(std::string& out) {
    if (pos_ >= text_.size()) return false;
    const char c = text_[pos_++];
    const std::map<char, char> simple = {{'"', '"'},  {'\\', '\\'}, {'/', '/'},  {'b', '\b'},
                                         {'f', '\f'}, {'n', '\n'},  {'r', '\r'}, {'t', '\t'}};
    if (const auto it = simple.find(c); it != simple.end()) {
      out += it->second;
      return true;
    }
    if (c != 'u' || pos_ + 4 > text_.size()) return false;
    const unsigned long code = std::stoul(std::string(text_.substr(pos_, 4)), nullptr, 16);
    pos_ += 4;
    AppendUtf8(code, out);  // log lines only escape BMP non-surrogates
    return true;
  }

  static void AppendUtf8(unsigned long code, std::string& out) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
};

std::map<std::string, std::string> ParseJsonOrFail(const std::string& line) {
  std::optional<std::map<std::string, std::string>> fields = FlatJsonParser(line).Parse();
  EXPECT_TRUE(fields.has_value()) << "not valid JSON: " << line;
  return fields.value_or(std::map<std::string, std::string>());
}

class LoggingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ConfigureLogging(LogOptions());
    SetLogSinkForTesting([this](std::string_view line) { lines_.emplace_back(line); });
  }
  void TearDown() override {
    SetLogSinkForTesting(nullptr);
    ConfigureLogging(LogOptions());
  }

  std::vector<std::string> lines_;
};

TEST_F(LoggingTest, TextLineHasTimestampLevelSourceAndMessage) {
  const int line = __LINE__ + 1;
  HEARTH_LOG(INFO) << "loaded " << 42 << " chunks";
  ASSERT_EQ(lines_.size(), 1u);
  const std::regex pattern(
      R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO  logging_test\.cc:(\d+) loaded 42 chunks$)");
  std::smatch match;
  ASSERT_TRUE(std::regex_match(lines_[0], match, pattern)) << lines_[0];
  EXPECT_EQ(match[1].str(), std::to_string(line));
}

TEST(LogLineTest, TextFormatIsExact) {
  const auto time = std::chrono::system_clock::time_point(std::chrono::milliseconds(1795269785123));
  const internal::LogRecord record{.time = time,
                                   .level = LogLevel::kInfo,
                                   .request_id = "abc123",
                                   .file = "/src/models/file.cc",
                                   .line = 42,
                                   .message = "message"};
  EXPECT_EQ(internal::FormatTextLogLine(record),
            "2026-11-21T14:03:05.123Z INFO  [req=abc123] file.cc:42 message");
  EXPECT_EQ(internal::FormatJsonLogLine(record),
            R"({"ts":"2026-11-21T14:03:05.123Z","level":"info","req":"abc123",)"
            R"("src":"file.cc:42","msg":"message"})");
}

TEST_F(LoggingTest, JsonLineIsValidAndEscapesTheMessage) {
  ConfigureLogging({.level = LogLevel::kInfo, .json = true});
  const std::string message =
      "say \"hi\"\nback\\slash\ttab \x01\x1f del\x7f caf\xc3\xa9 \xe2\x9c\x93";
  HEARTH_LOG(WARNING) << message;
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_EQ(lines_[0].find('\n'), std::string::npos);
  EXPECT_NE(lines_[0].find("\\u0001"), std::string::npos) << lines_[0];
  const auto fields = ParseJsonOrFail(lines_[0]);
  EXPECT_EQ(fields.at("msg"), message);
  EXPECT_EQ(fields.at("level"), "warn");
  EXPECT_TRUE(fields.at("src").starts_with("logging_test.cc:"));
  EXPECT_TRUE(std::regex_match(fields.at("ts"), std::regex(R"(\d{4}-\d\d-\d\dT[\d:]{8}\.\d{3}Z)")));
  EXPECT_EQ(fields.count("req"), 0u);
}

TEST_F(LoggingTest, JsonReplacesInvalidUtf8) {
  ConfigureLogging({.level = LogLevel::kInfo, .json = true});
  HEARTH_LOG(INFO) << "bad \xff byte";
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_EQ(ParseJsonOrFail(lines_[0]).at("msg"), "bad \xef\xbf\xbd byte");
}

TEST_F(LoggingTest, TextModeKeepsEachMessageOnOneLine) {
  HEARTH_LOG(ERROR) << "first\nsecond\r\x1b[31mred";
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_TRUE(lines_[0].ends_with("first\\nsecond\\r\\x1b[31mred")) << lines_[0];
  EXPECT_EQ(lines_[0].find_first_of("\n\r\x1b"), std::string::npos);
}

TEST_F(LoggingTest, MessagesBelowTheLevelAreDropped) {
  ConfigureLogging({.level = LogLevel::kWarning});
  HEARTH_LOG(DEBUG) << "debug";
  HEARTH_LOG(INFO) << "info";
  HEARTH_LOG(WARNING) << "warning";
  HEARTH_LOG(ERROR) << "error";
  ASSERT_EQ(lines_.size(), 2u);
  EXPECT_NE(lines_[0].find(" WARN  "), std::string::npos) << lines_[0];
  EXPECT_TRUE(lines_[0].ends_with(" warning"));
  EXPECT_NE(lines_[1].find(" ERROR "), std::string::npos) << lines_[1];
}

TEST_F(LoggingTest, DebugLevelEnablesDebugMessages) {
  ConfigureLogging({.level = LogLevel::kDebug});
  HEARTH_LOG(DEBUG) << "details";
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_NE(lines_[0].find(" DEBUG "), std::string::npos);
}

TEST_F(LoggingTest, DisabledMessagesAreNotFormatted) {
  int evaluations = 0;
  auto expensive = [&evaluations] {
    ++evaluations;
    return "expensive";
  };
  HEARTH_LOG(DEBUG) << expensive();
  EXPECT_EQ(evaluations, 0);
  HEARTH_LOG(INFO) << expensive();
  EXPECT_EQ(evaluations, 1);
}

TEST_F(LoggingTest, WorksAsUnbracedIfElseBody) {
  for (const bool flag : {true, false}) {
    if (flag)
      HEARTH_LOG(INFO) << "yes";
    else
      HEARTH_LOG(INFO) << "no";
  }
  ASSERT_EQ(lines_.size(), 2u);
  EXPECT_TRUE(lines_[0].ends_with(" yes"));
  EXPECT_TRUE(lines_[1].ends_with(" no"));
}

TEST_F(LoggingTest, RequestIdAppearsAndIsRestoredAfterScope) {
  EXPECT_EQ(CurrentRequestId(), "");
  {
    ScopedRequestId outer("outer1");
    HEARTH_LOG(INFO) << "a";
    {
      ScopedRequestId inner("inner2");
      EXPECT_EQ(CurrentRequestId(), "inner2");
      HEARTH_LOG(INFO) << "b";
    }
    EXPECT_EQ(CurrentRequestId(), "outer1");
    HEARTH_LOG(INFO) << "c";
  }
  EXPECT_EQ(CurrentRequestId(), "");
  HEARTH_LOG(INFO) << "d";
  ASSERT_EQ(lines_.size(), 4u);
  EXPECT_NE(lines_[0].find(" INFO  [req=outer1] logging_test.cc:"), std::string::npos) << lines_[0];
  EXPECT_NE(lines_[1].find("[req=inner2]"), std::string::npos) << lines_[1];
  EXPECT_NE(lines_[2].find("[req=outer1]"), std::string::npos) << lines_[2];
  EXPECT_EQ(lines_[3].find("[req="), std::string::npos) << lines_[3];
}

TEST_F(LoggingTest, RequestIdInJson) {
  ConfigureLogging({.level = LogLevel::kInfo, .json = true});
  ScopedRequestId request_id("abc\"123");
  HEARTH_LOG(INFO) << "x";
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_EQ(ParseJsonOrFail(lines_[0]).at("req"), "abc\"123");
}

TEST(RequestIdTest, IsPerThread) {
  ScopedRequestId request_id("main-thread");
  std::string seen = "unset";
  std::thread([&seen] { seen = std::string(CurrentRequestId()); }).join();
  EXPECT_EQ(seen, "");
  EXPECT_EQ(CurrentRequestId(), "main-thread");
}

TEST(RequestIdTest, NewRequestIdIsSixteenHexCharsAndRandom) {
  const std::string first = NewRequestId();
  EXPECT_TRUE(std::regex_match(first, std::regex("[0-9a-f]{16}"))) << first;
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) ids.insert(NewRequestId());
  EXPECT_EQ(ids.size(), 100u);
}

TEST_F(LoggingTest, ConcurrentMessagesStayWholeLines) {
  ConfigureLogging({.level = LogLevel::kInfo, .json = true});
  constexpr int kThreads = 8;
  constexpr int kMessages = 100;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t] {
      ScopedRequestId request_id("thread" + std::to_string(t));
      for (int i = 0; i < kMessages; ++i) HEARTH_LOG(INFO) << "message " << t << "/" << i;
    });
  }
  for (std::thread& thread : threads) thread.join();
  ASSERT_EQ(lines_.size(), size_t{kThreads * kMessages});
  std::set<std::string> messages;
  for (const std::string& line : lines_) {
    const auto fields = ParseJsonOrFail(line);
    const std::string& msg = fields.at("msg");
    EXPECT_EQ(fields.at("req"), "thread" + msg.substr(8, msg.find('/') - 8)) << line;
    messages.insert(msg);
  }
  EXPECT_EQ(messages.size(), size_t{kThreads * kMessages});
}

// Points file descriptor 2 at a temporary file for the lifetime of the object.
class StderrCapture {
 public:
  StderrCapture() : file_(std::tmpfile()), saved_(::dup(2)) {
    std::fflush(stderr);
    ::dup2(::fileno(file_), 2);
  }
  ~StderrCapture() {
    Restore();
    std::fclose(file_);
  }
  std::string Finish() {
    Restore();
    std::string text;
    std::rewind(file_);
    for (int c = std::fgetc(file_); c != EOF; c = std::fgetc(file_)) text += static_cast<char>(c);
    return text;
  }

 private:
  void Restore() {
    if (saved_ < 0) return;
    std::fflush(stderr);
    ::dup2(saved_, 2);
    ::close(saved_);
    saved_ = -1;
  }
  std::FILE* file_;
  int saved_;
};

TEST_F(LoggingTest, WritesOneLineToStderrWithoutSink) {
  SetLogSinkForTesting(nullptr);
  StderrCapture capture;
  const int line = __LINE__ + 1;
  HEARTH_LOG(ERROR) << "to stderr";
  const std::string text = capture.Finish();
  EXPECT_TRUE(text.ends_with(" ERROR logging_test.cc:" + std::to_string(line) + " to stderr\n"))
      << text;
  EXPECT_EQ(text.find('\n'), text.size() - 1);
  EXPECT_TRUE(lines_.empty());
}

TEST(ParseLogLevelTest, AcceptsNamesInAnyCase) {
  EXPECT_EQ(ParseLogLevel("debug").value(), LogLevel::kDebug);
  EXPECT_EQ(ParseLogLevel("INFO").value(), LogLevel::kInfo);
  EXPECT_EQ(ParseLogLevel("warn").value(), LogLevel::kWarning);
  EXPECT_EQ(ParseLogLevel("Warning").value(), LogLevel::kWarning);
  EXPECT_EQ(ParseLogLevel("error").value(), LogLevel::kError);
}

TEST(ParseLogLevelTest, RejectsOthersNamingTheValue) {
  const StatusOr<LogLevel> level = ParseLogLevel("verbose");
  ASSERT_FALSE(level.ok());
  EXPECT_EQ(level.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(level.status().message().find("'verbose'"), std::string::npos);
  EXPECT_FALSE(ParseLogLevel("").ok());
  EXPECT_FALSE(ParseLogLevel("info ").ok());
}

}  // namespace
}  // namespace hearth
