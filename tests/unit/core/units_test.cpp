#include "core/units.hpp"

#include <doctest/doctest.h>

using namespace std::chrono_literals;

TEST_CASE("durations parse in every unit people type") {
  CHECK(core::parse_duration("250ms") == 250ms);
  CHECK(core::parse_duration("1.5s") == 1500ms);
  CHECK(core::parse_duration("2m") == 120s);
  CHECK(core::parse_duration("1h30m") == 5400s);
  CHECK(core::parse_duration("100us") == 100us);
  CHECK(core::parse_duration("10") == 10s);
  CHECK(core::parse_duration("0") == 0s);
}

TEST_CASE("malformed durations are refused") {
  for (const char* bad : {"", "s", "-1s", "1x", "1m30", "1..5s", "abc", "1 s", "99999999999999h"})
    CHECK_MESSAGE(!core::parse_duration(bad), bad);
  // Ten years at most: two latencies of 9,033,333,333 s each overflowed their sum
  // (fuzz_fault_file).
  CHECK(core::parse_duration("3650d"));
  CHECK_FALSE(core::parse_duration("3651d"));
  CHECK_FALSE(core::parse_duration("9033333333s"));
}

TEST_CASE("formatted durations read back as the same value") {
  for (core::duration d : std::initializer_list<core::duration>{
           0ns, 1ns, 1500us, 250ms, 1500ms, 90s, 3661s, 5400s, 1h + 3us, 123456789ns}) {
    auto text = core::format_duration(d);
    CHECK_MESSAGE(core::parse_duration(text) == d, text);
  }
  CHECK(core::format_duration(1500ms) == "1.5s");
  CHECK(core::format_duration(90s) == "1m30s");
}

TEST_CASE("sizes use binary multiples unless written with a plain B") {
  CHECK(core::parse_size("65536") == 65536u);
  CHECK(core::parse_size("64K") == 65536u);
  CHECK(core::parse_size("64KiB") == 65536u);
  CHECK(core::parse_size("64KB") == 64000u);
  CHECK(core::parse_size("1.5M") == 1572864u);
  CHECK(core::parse_size("2G") == 2147483648u);
  CHECK(core::parse_size("100B") == 100u);
  CHECK(!core::parse_size("12Q"));
  CHECK(!core::parse_size("K"));
  CHECK(!core::parse_size(""));
}

TEST_CASE("sizes and bitrates format for people") {
  CHECK(core::format_size(512) == "512 B");
  CHECK(core::format_size(65536) == "64.00 KiB");
  CHECK(core::format_size(3ull << 30) == "3.00 GiB");
  CHECK(core::format_bitrate(21.5e9) == "21.5 Gbits/sec");
  CHECK(core::format_bitrate(940e6) == "940 Mbits/sec");
}

TEST_CASE("format_timestamp writes RFC 3339 in UTC with the fraction asked for") {
  using namespace std::chrono;
  const system_clock::time_point t = sys_days{2026y / 12 / 4} + 9h + 45min + 7s + 757123us;
  CHECK(core::format_timestamp(t, 3) == "2026-12-04T09:45:07.757Z");
  CHECK(core::format_timestamp(t, 6) == "2026-12-04T09:45:07.757123Z");
  CHECK(core::format_timestamp(t, 0) == "2026-12-04T09:45:07Z");
}
