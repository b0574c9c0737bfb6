#include "base/options.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hearth {
namespace {

using std::chrono::milliseconds;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// A typical options struct with documented defaults.
struct ServeOptions {
  std::string host = "127.0.0.1";
  int port = 11434;
  int64_t max_tokens = 4096;
  bool verbose = false;
  bool telemetry = true;
  double temperature = 0.8;
  uint64_t max_upload = uint64_t{64} << 20;
  milliseconds keep_alive = std::chrono::minutes(5);
  std::string api_key;
};

class OptionBinderTest : public ::testing::Test {
 protected:
  OptionBinderTest() {
    binder_.Bind("host", "HEARTH_HOST", &options_.host, "address to bind");
    binder_.Bind("port", "HEARTH_PORT", &options_.port, "TCP port");
    binder_.Bind("max-tokens", "", &options_.max_tokens, "generation limit");
    binder_.Bind("verbose", "HEARTH_VERBOSE", &options_.verbose, "log more");
    binder_.Bind("telemetry", "", &options_.telemetry, "send nothing anywhere");
    binder_.Bind("temperature", "HEARTH_TEMPERATURE", &options_.temperature,
                 "sampling temperature");
    binder_.BindBytes("max-upload", "HEARTH_MAX_UPLOAD", &options_.max_upload, "largest upload");
    binder_.BindDuration("keep-alive", "HEARTH_KEEP_ALIVE", &options_.keep_alive,
                         "how long an idle model stays loaded");
    binder_.Bind("api-key", "HEARTH_API_KEY", &options_.api_key, "required bearer token");
  }

  StatusOr<std::vector<std::string>> Flags(std::vector<std::string> args) {
    return binder_.ApplyFlags(args);
  }

  ServeOptions options_;
  OptionBinder binder_;
};

TEST_F(OptionBinderTest, DefaultsAreKeptWhenNothingIsGiven) {
  ASSERT_TRUE(binder_.ApplyEnvironment(MapEnvironment({})).ok());
  ASSERT_THAT(Flags({}).value(), IsEmpty());
  EXPECT_EQ(options_.host, "127.0.0.1");
  EXPECT_EQ(options_.port, 11434);
  EXPECT_EQ(options_.max_upload, uint64_t{64} << 20);
  EXPECT_EQ(options_.keep_alive, std::chrono::minutes(5));
  EXPECT_FALSE(options_.verbose);
}

TEST_F(OptionBinderTest, EnvironmentIsApplied) {
  const MapEnvironment env({{"HEARTH_HOST", "0.0.0.0"},
                            {"HEARTH_PORT", "8080"},
                            {"HEARTH_VERBOSE", "yes"},
                            {"HEARTH_MAX_UPLOAD", "1GiB"},
                            {"HEARTH_KEEP_ALIVE", "-1"},
                            {"HEARTH_UNRELATED", "x"}});
  ASSERT_TRUE(binder_.ApplyEnvironment(env).ok());
  EXPECT_EQ(options_.host, "0.0.0.0");
  EXPECT_EQ(options_.port, 8080);
  EXPECT_TRUE(options_.verbose);
  EXPECT_EQ(options_.max_upload, uint64_t{1} << 30);
  EXPECT_EQ(options_.keep_alive, milliseconds(-1000));
}

TEST_F(OptionBinderTest, EmptyEnvironmentValueCountsAsUnset) {
  ASSERT_TRUE(binder_.ApplyEnvironment(MapEnvironment({{"HEARTH_PORT", ""}})).ok());
  EXPECT_EQ(options_.port, 11434);
}

TEST_F(OptionBinderTest, FlagOverridesEnvironment) {
  ASSERT_TRUE(binder_.ApplyEnvironment(MapEnvironment({{"HEARTH_PORT", "8080"}})).ok());
  ASSERT_TRUE(Flags({"--port=9090"}).ok());
  EXPECT_EQ(options_.port, 9090);
}

TEST_F(OptionBinderTest, EqualsAndSeparateValueForms) {
  ASSERT_TRUE(Flags({"--host=::1", "--port", "1234", "--max-upload", "8GiB", "--keep-alive=1h30m",
                     "--api-key="})
                  .ok());
  EXPECT_EQ(options_.host, "::1");
  EXPECT_EQ(options_.port, 1234);
  EXPECT_EQ(options_.max_upload, uint64_t{8} << 30);
  EXPECT_EQ(options_.keep_alive, std::chrono::minutes(90));
  EXPECT_EQ(options_.api_key, "");
}

TEST_F(OptionBinderTest, ValueMayContainEqualsAndLeadingSingleDash) {
  ASSERT_TRUE(Flags({"--api-key=a=b", "--keep-alive", "-1"}).ok());
  EXPECT_EQ(options_.api_key, "a=b");
  EXPECT_EQ(options_.keep_alive, milliseconds(-1000));
}

TEST_F(OptionBinderTest, RealNumbers) {
  EXPECT_EQ(options_.temperature, 0.8);
  ASSERT_TRUE(binder_.ApplyEnvironment(MapEnvironment({{"HEARTH_TEMPERATURE", "2"}})).ok());
  EXPECT_EQ(options_.temperature, 2.0);
  ASSERT_TRUE(Flags({"--temperature", "-0.25"}).ok());
  EXPECT_EQ(options_.temperature, -0.25);
  ASSERT_TRUE(Flags({"--temperature=1e-3"}).ok());
  EXPECT_EQ(options_.temperature, 0.001);
  EXPECT_THAT(Flags({"--temperature=warm"}).status().message(),
              HasSubstr("invalid value for --temperature: 'warm' is not a number"));
  EXPECT_THAT(Flags({"--temperature=nan"}).status().message(), HasSubstr("'nan' is not a number"));
  EXPECT_EQ(options_.temperature, 0.001);
}

TEST_F(OptionBinderTest, BooleanForms) {
  ASSERT_TRUE(Flags({"--verbose", "--no-telemetry"}).ok());
  EXPECT_TRUE(options_.verbose);
  EXPECT_FALSE(options_.telemetry);
  ASSERT_TRUE(Flags({"--verbose=false", "--telemetry=yes"}).ok());
  EXPECT_FALSE(options_.verbose);
  EXPECT_TRUE(options_.telemetry);
  ASSERT_TRUE(Flags({"--verbose=1", "--telemetry=0"}).ok());
  EXPECT_TRUE(options_.verbose);
  EXPECT_FALSE(options_.telemetry);
}

TEST_F(OptionBinderTest, BooleanFlagDoesNotConsumeNextArgument) {
  EXPECT_THAT(Flags({"--verbose", "false"}).value(), ElementsAre("false"));
  EXPECT_TRUE(options_.verbose);
}

TEST_F(OptionBinderTest, PositionalArgumentsAndDoubleDash) {
  const auto positional = Flags({"run", "--port", "1", "llama", "-", "--", "--port", "-x"});
  ASSERT_TRUE(positional.ok()) << positional.status();
  EXPECT_THAT(*positional, ElementsAre("run", "llama", "-", "--port", "-x"));
  EXPECT_EQ(options_.port, 1);
}

TEST_F(OptionBinderTest, LaterFlagWins) {
  ASSERT_TRUE(Flags({"--port=1", "--port=2"}).ok());
  EXPECT_EQ(options_.port, 2);
}

TEST_F(OptionBinderTest, UnknownFlag) {
  const auto result = Flags({"--prot=1"});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status(), InvalidArgumentError("unknown flag --prot; see --help"));
  EXPECT_EQ(Flags({"-p"}).status(), InvalidArgumentError("unknown flag -p; see --help"));
  EXPECT_EQ(Flags({"--no-port"}).status(),
            InvalidArgumentError("unknown flag --no-port; see --help"));
}

TEST_F(OptionBinderTest, NegatedFlagTakesNoValue) {
  const auto result = Flags({"--no-verbose=true"});
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.status().message(), HasSubstr("--no-verbose does not take a value"));
}

TEST_F(OptionBinderTest, MissingValue) {
  const auto at_end = Flags({"--host"});
  ASSERT_FALSE(at_end.ok());
  EXPECT_EQ(at_end.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(at_end.status().message(), HasSubstr("flag --host needs a value"));
  EXPECT_THAT(Flags({"--host", "--port", "1"}).status().message(),
              HasSubstr("flag --host needs a value"));
  EXPECT_EQ(options_.host, "127.0.0.1");
}

TEST_F(OptionBinderTest, BadValuesNameTheFlagAndTheValue) {
  EXPECT_THAT(Flags({"--port=http"}).status().message(),
              HasSubstr("invalid value for --port: 'http' is not a whole number"));
  EXPECT_THAT(Flags({"--max-upload", "12QB"}).status().message(),
              HasSubstr("invalid value for --max-upload: '12QB' is not a byte size"));
  EXPECT_THAT(Flags({"--keep-alive=soon"}).status().message(),
              HasSubstr("invalid value for --keep-alive: 'soon' is not a duration"));
  EXPECT_THAT(Flags({"--verbose=maybe"}).status().message(),
              HasSubstr("invalid value for --verbose: 'maybe' is not a boolean"));
  EXPECT_EQ(Flags({"--port=x"}).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(OptionBinderTest, IntegerOverflowIsRejected) {
  EXPECT_THAT(Flags({"--port=2147483648"}).status().message(),
              HasSubstr("invalid value for --port: '2147483648' is out of range"));
  EXPECT_TRUE(Flags({"--port=2147483647"}).ok());
  EXPECT_THAT(Flags({"--max-tokens=9223372036854775808"}).status().message(),
              HasSubstr("'9223372036854775808' is out of the range"));
  EXPECT_FALSE(Flags({"--max-upload=20000000000000000000"}).ok());
}

TEST_F(OptionBinderTest, BadEnvironmentValueNamesTheVariableAndValue) {
  const Status status = binder_.ApplyEnvironment(MapEnvironment({{"HEARTH_PORT", "80x"}}));
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("invalid value for HEARTH_PORT: '80x'"));
  EXPECT_THAT(binder_.ApplyEnvironment(MapEnvironment({{"HEARTH_KEEP_ALIVE", "5 min"}})).message(),
              HasSubstr("invalid value for HEARTH_KEEP_ALIVE: '5 min' is not a duration"));
}

TEST_F(OptionBinderTest, HelpShowsAlignedOptionsWithDefaults) {
  const std::string help = binder_.Help();
  EXPECT_THAT(help, HasSubstr("  --host VALUE           (HEARTH_HOST) address to bind "
                              "[default: 127.0.0.1]\n"));
  EXPECT_THAT(help,
              HasSubstr("  --port N               (HEARTH_PORT) TCP port [default: 11434]\n"));
  EXPECT_THAT(help, HasSubstr("  --max-tokens N         generation limit [default: 4096]\n"));
  EXPECT_THAT(help,
              HasSubstr("  --verbose              (HEARTH_VERBOSE) log more [default: false]\n"));
  EXPECT_THAT(help, HasSubstr("  --temperature NUMBER   (HEARTH_TEMPERATURE) sampling temperature "
                              "[default: 0.8]\n"));
  EXPECT_THAT(help, HasSubstr("  --max-upload SIZE      (HEARTH_MAX_UPLOAD) largest upload "
                              "[default: 64 MiB]\n"));
  EXPECT_THAT(help, HasSubstr("  --keep-alive DURATION  (HEARTH_KEEP_ALIVE) how long an idle model "
                              "stays loaded [default: 5m]\n"));
  EXPECT_THAT(help, HasSubstr("  --api-key VALUE        (HEARTH_API_KEY) required bearer token\n"));
}

TEST_F(OptionBinderTest, HelpShowsDefaultsFromBindTimeNotLaterValues) {
  ASSERT_TRUE(Flags({"--port=1"}).ok());
  EXPECT_THAT(binder_.Help(), HasSubstr("[default: 11434]"));
}

// Fields whose defaults come from elsewhere (a preset), so "not given" must
// stay distinguishable from every value.
struct Overrides {
  std::optional<std::string> name;
  std::optional<int64_t> layers;
  std::optional<double> scale;
  std::optional<bool> tied;
};

class OptionalBindingTest : public ::testing::Test {
 protected:
  OptionalBindingTest() {
    binder_.Bind("name", "", &overrides_.name, "model name");
    binder_.Bind("layers", "HEARTH_LAYERS", &overrides_.layers, "layer count");
    binder_.Bind("scale", "", &overrides_.scale, "scale factor");
    binder_.Bind("tied", "", &overrides_.tied, "tie the output head");
  }

  Overrides overrides_;
  OptionBinder binder_;
};

TEST_F(OptionalBindingTest, FieldsStayUnsetUnlessGiven) {
  ASSERT_TRUE(binder_.ApplyEnvironment(MapEnvironment({})).ok());
  ASSERT_THAT(binder_.ApplyFlags({"word"}).value(), ElementsAre("word"));
  EXPECT_EQ(overrides_.name, std::nullopt);
  EXPECT_EQ(overrides_.layers, std::nullopt);
  EXPECT_EQ(overrides_.scale, std::nullopt);
  EXPECT_EQ(overrides_.tied, std::nullopt);
}

TEST_F(OptionalBindingTest, GivenValuesAreSetEvenWhenEmptyOrFalse) {
  ASSERT_TRUE(binder_.ApplyEnvironment(MapEnvironment({{"HEARTH_LAYERS", "0"}})).ok());
  ASSERT_TRUE(binder_.ApplyFlags({"--name=", "--scale", "0.5", "--no-tied"}).ok());
  EXPECT_EQ(overrides_.name, "");
  EXPECT_EQ(overrides_.layers, 0);
  EXPECT_EQ(overrides_.scale, 0.5);
  EXPECT_EQ(overrides_.tied, false);
  ASSERT_TRUE(binder_.ApplyFlags({"--tied", "--layers=-3"}).ok());
  EXPECT_EQ(overrides_.tied, true);
  EXPECT_EQ(overrides_.layers, -3);
}

TEST_F(OptionalBindingTest, BadValuesNameTheFlagAndLeaveTheFieldUnset) {
  EXPECT_THAT(binder_.ApplyFlags({"--layers=4x"}).status().message(),
              HasSubstr("invalid value for --layers: '4x' is not a whole number"));
  EXPECT_THAT(binder_.ApplyFlags({"--scale", "big"}).status().message(),
              HasSubstr("invalid value for --scale: 'big' is not a number"));
  EXPECT_THAT(binder_.ApplyFlags({"--tied=maybe"}).status().message(),
              HasSubstr("invalid value for --tied: 'maybe' is not a boolean"));
  EXPECT_EQ(overrides_.layers, std::nullopt);
  EXPECT_EQ(overrides_.scale, std::nullopt);
  EXPECT_EQ(overrides_.tied, std::nullopt);
}

TEST(OptionalBindingHelpTest, ShowsADefaultOnlyForFieldsSetAtBindTime) {
  std::optional<int64_t> unset;
  std::optional<double> scale = 1.5;
  OptionBinder binder;
  binder.Bind("layers", "", &unset, "layer count");
  binder.Bind("scale", "", &scale, "scale factor");
  EXPECT_EQ(binder.Help(),
            "  --layers N      layer count\n"
            "  --scale NUMBER  scale factor [default: 1.5]\n");
}

TEST(EnvironmentTest, MapEnvironmentReturnsOnlyItsVariables) {
  const MapEnvironment env({{"A", "1"}, {"EMPTY", ""}});
  EXPECT_EQ(env.Get("A"), "1");
  EXPECT_EQ(env.Get("EMPTY"), "");
  EXPECT_EQ(env.Get("B"), std::nullopt);
}

TEST(EnvironmentTest, ProcessEnvironmentReadsGetenv) {
  ASSERT_EQ(::setenv("HEARTH_OPTIONS_TEST_VAR", "value", 1), 0);
  EXPECT_EQ(Environment::Process().Get("HEARTH_OPTIONS_TEST_VAR"), "value");
  ASSERT_EQ(::unsetenv("HEARTH_OPTIONS_TEST_VAR"), 0);
  EXPECT_EQ(Environment::Process().Get("HEARTH_OPTIONS_TEST_VAR"), std::nullopt);
  EXPECT_EQ(Environment::Process().Get(std::string("PATH\0X", 6)), std::nullopt);
}

}  // namespace
}  // namespace hearth

namespace hearth {
namespace {

TEST(OptionBinderListTest, FlagsAppendAndTheVariableSplitsOnCommas) {
  std::vector<std::string> pins;
  OptionBinder binder;
  binder.BindList("pin", "HEARTH_PIN", &pins, "models kept loaded");
  ASSERT_TRUE(binder.ApplyEnvironment(MapEnvironment({{"HEARTH_PIN", "a,,b:q8"}})).ok());
  StatusOr<std::vector<std::string>> positional =
      binder.ApplyFlags({"--pin", "c", "--pin=d", "rest"});
  ASSERT_TRUE(positional.ok()) << positional.status();
  EXPECT_THAT(pins, ::testing::ElementsAre("a", "b:q8", "c", "d"));
  EXPECT_THAT(*positional, ::testing::ElementsAre("rest"));
}

}  // namespace
}  // namespace hearth
