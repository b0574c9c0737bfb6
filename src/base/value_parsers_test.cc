#include "base/value_parsers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <limits>
#include <string>

namespace hearth {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;

constexpr uint64_t kKiB = 1024;
constexpr uint64_t kGiB = kKiB * kKiB * kKiB;

TEST(ParseInt64Test, AcceptsDecimalIntegers) {
  EXPECT_EQ(ParseInt64("0").value(), 0);
  EXPECT_EQ(ParseInt64("42").value(), 42);
  EXPECT_EQ(ParseInt64("-7").value(), -7);
  EXPECT_EQ(ParseInt64("9223372036854775807").value(), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(ParseInt64("-9223372036854775808").value(), std::numeric_limits<int64_t>::min());
}

TEST(ParseInt64Test, RejectsJunkAndOverflow) {
  for (const char* bad : {"", " 1", "1 ", "+1", "1x", "0x10", "1.5", "-", "1e3"}) {
    const StatusOr<int64_t> result = ParseInt64(bad);
    EXPECT_FALSE(result.ok()) << "'" << bad << "'";
    EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  }
  const StatusOr<int64_t> overflow = ParseInt64("9223372036854775808");
  ASSERT_FALSE(overflow.ok());
  EXPECT_THAT(overflow.status().message(), HasSubstr("'9223372036854775808' is out of the range"));
}

TEST(ParseDoubleTest, AcceptsDecimalNumbers) {
  EXPECT_EQ(ParseDouble("0").value(), 0.0);
  EXPECT_EQ(ParseDouble("42").value(), 42.0);
  EXPECT_EQ(ParseDouble("-0.5").value(), -0.5);
  EXPECT_EQ(ParseDouble("10000.5").value(), 10000.5);
  EXPECT_EQ(ParseDouble("1e4").value(), 10000.0);
  EXPECT_EQ(ParseDouble("2.5E-3").value(), 0.0025);
}

TEST(ParseDoubleTest, RejectsJunkInfinitiesAndOverflow) {
  for (const char* bad :
       {"", " 1", "1 ", "+1", "1x", "0x10", "1,5", "-", "inf", "-inf", "nan", "infinity"}) {
    const StatusOr<double> result = ParseDouble(bad);
    EXPECT_FALSE(result.ok()) << "'" << bad << "'";
    EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  }
  EXPECT_THAT(ParseDouble("fast").status().message(), HasSubstr("'fast' is not a number"));
  EXPECT_THAT(ParseDouble("1e999").status().message(), HasSubstr("'1e999' is out of the range"));
}

TEST(ParseBoolTest, AcceptsTheDocumentedWords) {
  for (const char* yes : {"true", "TRUE", "yes", "Yes", "1"}) EXPECT_TRUE(ParseBool(yes).value());
  for (const char* no : {"false", "False", "no", "NO", "0"}) EXPECT_FALSE(ParseBool(no).value());
}

TEST(ParseBoolTest, RejectsOthers) {
  for (const char* bad : {"", "y", "2", "truee", " true", "on"}) {
    EXPECT_FALSE(ParseBool(bad).ok()) << bad;
  }
  EXPECT_THAT(ParseBool("maybe").status().message(), HasSubstr("'maybe' is not a boolean"));
}

TEST(ParseByteSizeTest, PlainNumbersAreBytes) {
  EXPECT_EQ(ParseByteSize("0").value(), 0u);
  EXPECT_EQ(ParseByteSize("512").value(), 512u);
  EXPECT_EQ(ParseByteSize("512B").value(), 512u);
  EXPECT_EQ(ParseByteSize("512b").value(), 512u);
}

TEST(ParseByteSizeTest, DecimalAndBinaryUnitsInAnyCase) {
  EXPECT_EQ(ParseByteSize("512MB").value(), 512'000'000u);
  EXPECT_EQ(ParseByteSize("512mb").value(), 512'000'000u);
  EXPECT_EQ(ParseByteSize("2K").value(), 2000u);
  EXPECT_EQ(ParseByteSize("3T").value(), 3'000'000'000'000u);
  EXPECT_EQ(ParseByteSize("8GiB").value(), 8 * kGiB);
  EXPECT_EQ(ParseByteSize("8gib").value(), 8 * kGiB);
  EXPECT_EQ(ParseByteSize("8Gi").value(), 8 * kGiB);
  EXPECT_EQ(ParseByteSize("64KiB").value(), 64 * kKiB);
  EXPECT_EQ(ParseByteSize("1TiB").value(), kGiB * kKiB);
}

TEST(ParseByteSizeTest, FractionsRoundDownToWholeBytes) {
  EXPECT_EQ(ParseByteSize("1.5G").value(), 1'500'000'000u);
  EXPECT_EQ(ParseByteSize("1.5GiB").value(), kGiB + kGiB / 2);
  EXPECT_EQ(ParseByteSize("0.5KiB").value(), 512u);
  EXPECT_EQ(ParseByteSize("1.1KiB").value(), 1126u);  // 1126.4
  EXPECT_EQ(ParseByteSize("2.5").value(), 2u);
}

TEST(ParseByteSizeTest, AcceptsSpaceBeforeUnitAndFormatOutput) {
  EXPECT_EQ(ParseByteSize("1.5 GiB").value(), kGiB + kGiB / 2);
  for (const uint64_t bytes : {uint64_t{0}, uint64_t{512}, 8 * kGiB, 3 * kKiB}) {
    EXPECT_EQ(ParseByteSize(FormatByteSize(bytes)).value(), bytes) << FormatByteSize(bytes);
  }
}

TEST(ParseByteSizeTest, RejectsBadInputWithAClearMessage) {
  for (const char* bad : {"", "GiB", "-1", "1.", ".5G", "12QB", "5 G B", "1GiBs", "512 ", " 512",
                          "1,5G", "1e9", "0x10"}) {
    const StatusOr<uint64_t> result = ParseByteSize(bad);
    EXPECT_FALSE(result.ok()) << "'" << bad << "'";
    EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  }
  EXPECT_THAT(ParseByteSize("12QB").status().message(),
              HasSubstr("'12QB' is not a byte size; use a number with an optional unit"));
}

TEST(ParseByteSizeTest, RejectsOverflow) {
  EXPECT_EQ(ParseByteSize("18446744073709551615").value(), std::numeric_limits<uint64_t>::max());
  EXPECT_FALSE(ParseByteSize("18446744073709551616").ok());
  EXPECT_FALSE(ParseByteSize("99999999999999999999999").ok());
  EXPECT_EQ(ParseByteSize("16777215TiB").value(), 16777215 * kGiB * kKiB);
  const StatusOr<uint64_t> too_big = ParseByteSize("16777216TiB");  // 2^64
  ASSERT_FALSE(too_big.ok());
  EXPECT_THAT(too_big.status().message(), HasSubstr("'16777216TiB' is too large"));
  EXPECT_FALSE(ParseByteSize("17179869184GiB").ok());  // 2^34 GiB = 2^64 bytes
}

TEST(FormatByteSizeTest, UsesBinaryUnitsWithOneDecimal) {
  EXPECT_EQ(FormatByteSize(0), "0 B");
  EXPECT_EQ(FormatByteSize(1023), "1023 B");
  EXPECT_EQ(FormatByteSize(1024), "1 KiB");
  EXPECT_EQ(FormatByteSize(kGiB + kGiB / 2), "1.5 GiB");
  EXPECT_EQ(FormatByteSize(8 * kGiB), "8 GiB");
  EXPECT_EQ(FormatByteSize(kKiB * kKiB - 1), "1 MiB");  // rounds up into the next unit
  EXPECT_EQ(FormatByteSize(std::numeric_limits<uint64_t>::max()), "16 EiB");
}

TEST(ParseDurationTest, UnitsAndComponents) {
  EXPECT_EQ(ParseDuration("300ms").value(), milliseconds(300));
  EXPECT_EQ(ParseDuration("5s").value(), milliseconds(5'000));
  EXPECT_EQ(ParseDuration("5m").value(), milliseconds(300'000));
  EXPECT_EQ(ParseDuration("1h").value(), milliseconds(3'600'000));
  EXPECT_EQ(ParseDuration("1h30m").value(), milliseconds(5'400'000));
  EXPECT_EQ(ParseDuration("1m30s250ms").value(), milliseconds(90'250));
  EXPECT_EQ(ParseDuration("1.5h").value(), milliseconds(5'400'000));
  EXPECT_EQ(ParseDuration("0.0005s").value(), milliseconds(0));
}

TEST(ParseDurationTest, PlainNumberIsSecondsAndNegativeIsAllowed) {
  EXPECT_EQ(ParseDuration("30").value(), milliseconds(30'000));
  EXPECT_EQ(ParseDuration("2.5").value(), milliseconds(2'500));
  EXPECT_EQ(ParseDuration("0").value(), milliseconds(0));
  EXPECT_EQ(ParseDuration("-1").value(), milliseconds(-1'000));
  EXPECT_EQ(ParseDuration("-5m").value(), milliseconds(-300'000));
}

TEST(ParseDurationTest, RejectsBadInputWithAClearMessage) {
  for (const char* bad : {"", "-", "s", "5x", "5 m", "1h30", "--1", "+5s", "5m-1s", "1.s", "5S",
                          " 5s", "5s ", "1d"}) {
    const StatusOr<milliseconds> result = ParseDuration(bad);
    EXPECT_FALSE(result.ok()) << "'" << bad << "'";
    EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  }
  EXPECT_THAT(ParseDuration("5x").status().message(),
              HasSubstr("'5x' is not a duration; use a number of seconds"));
}

TEST(ParseDurationTest, RejectsOverflow) {
  EXPECT_EQ(ParseDuration("9223372036854775807ms").value().count(),
            std::numeric_limits<int64_t>::max());
  EXPECT_FALSE(ParseDuration("9223372036854775808ms").ok());
  EXPECT_FALSE(ParseDuration("9999999999999999h").ok());
  EXPECT_FALSE(ParseDuration("9223372036854775807ms1ms").ok());
  EXPECT_THAT(ParseDuration("99999999999999999999").status().message(), HasSubstr("is too long"));
}

TEST(FormatDurationTest, WritesParseableUnits) {
  EXPECT_EQ(FormatDuration(milliseconds(0)), "0s");
  EXPECT_EQ(FormatDuration(milliseconds(300)), "300ms");
  EXPECT_EQ(FormatDuration(milliseconds(300'000)), "5m");
  EXPECT_EQ(FormatDuration(milliseconds(5'400'000)), "1h30m");
  EXPECT_EQ(FormatDuration(milliseconds(60'500)), "1m500ms");
  EXPECT_EQ(FormatDuration(milliseconds(-1'000)), "-1s");
  for (const int64_t ms : {0LL, 1LL, 999LL, 3'723'004LL, -90'000LL, 1LL << 50}) {
    EXPECT_EQ(ParseDuration(FormatDuration(milliseconds(ms))).value(), milliseconds(ms));
  }
}

}  // namespace
}  // namespace hearth
