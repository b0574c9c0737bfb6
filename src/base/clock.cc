#include "base/clock.h"

#include <cstdio>
#include <thread>

#include "base/no_destructor.h"

namespace hearth {
namespace {

class RealClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point Now() const override {
    return std::chrono::steady_clock::now();
  }
  std::chrono::system_clock::time_point WallNow() const override {
    return std::chrono::system_clock::now();
  }
  void SleepFor(std::chrono::nanoseconds duration) override {
    std::this_thread::sleep_for(duration);
  }
};

}  // namespace

Clock::~Clock() = default;

Clock& Clock::Real() {
  static NoDestructor<RealClock> clock;
  return *clock.get();
}

std::string FormatRfc3339(std::chrono::system_clock::time_point time) {
  using std::chrono::floor;
  const auto millis = floor<std::chrono::milliseconds>(time);
  const auto day = floor<std::chrono::days>(millis);
  const std::chrono::year_month_day date(day);
  const std::chrono::hh_mm_ss clock_time(millis - day);
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), static_cast<int>(clock_time.hours().count()),
                static_cast<int>(clock_time.minutes().count()),
                static_cast<int>(clock_time.seconds().count()),
                static_cast<int>(clock_time.subseconds().count()));
  return buffer;
}

std::string FormatRfc3339UnixMillis(int64_t unix_ms) {
  return FormatRfc3339(std::chrono::system_clock::time_point(std::chrono::milliseconds(unix_ms)));
}

}  // namespace hearth
