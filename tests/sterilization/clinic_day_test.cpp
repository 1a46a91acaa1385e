#include <catch2/catch.hpp>

#include <cstdlib>

#include "common/time.hpp"
#include "sterilization/clinic_day.hpp"

namespace steritrack::sterilization {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

TimePoint at(const char* t) { return *parse_rfc3339(t); }

}  // namespace

TEST_CASE("a POSIX rule gives summer and winter offsets and the change instants", "[sterilization][timezone]") {
  const auto berlin = TimeZone::parse_posix("CET-1CEST,M3.5.0,M10.5.0/3");
  REQUIRE(berlin);
  CHECK(berlin->utc_offset(at("2026-01-15T12:00:00Z")) == hours{1});
  CHECK(berlin->utc_offset(at("2026-07-15T12:00:00Z")) == hours{2});
  // Summer time starts on the last Sunday of March at 01:00 UTC, ends on the last Sunday of October at 01:00 UTC.
  CHECK(berlin->utc_offset(at("2026-03-29T00:59:59Z")) == hours{1});
  CHECK(berlin->utc_offset(at("2026-03-29T01:00:00Z")) == hours{2});
  CHECK(berlin->utc_offset(at("2026-10-25T00:59:59Z")) == hours{2});
  CHECK(berlin->utc_offset(at("2026-10-25T01:00:00Z")) == hours{1});

  const auto sydney = TimeZone::parse_posix("AEST-10AEDT,M10.1.0,M4.1.0/3");
  REQUIRE(sydney);
  CHECK(sydney->utc_offset(at("2026-01-15T00:00:00Z")) == hours{11});
  CHECK(sydney->utc_offset(at("2026-07-15T00:00:00Z")) == hours{10});

  const auto fixed = TimeZone::parse_posix("<+0530>-5:30");
  REQUIRE(fixed);
  CHECK(fixed->utc_offset(at("2026-07-15T00:00:00Z")) == hours{5} + std::chrono::minutes{30});

  CHECK_FALSE(TimeZone::parse_posix("CET"));
  CHECK_FALSE(TimeZone::parse_posix("CET-1CEST,M13.5.0,M10.5.0"));
}

TEST_CASE("zones load from the system tz database", "[sterilization][timezone]") {
  const auto berlin = TimeZone::load("Europe/Berlin");
  REQUIRE(berlin);
  // 23:30 UTC on June 1st is already June 2nd in Berlin.
  CHECK(berlin->local_date(at("2026-06-01T23:30:00Z")) == std::chrono::year_month_day{
                                                              std::chrono::year{2026}, std::chrono::June,
                                                              std::chrono::day{2}});
  CHECK(berlin->utc_offset(at("1990-07-01T00:00:00Z")) == hours{2});
  const auto new_york = TimeZone::load("America/New_York");
  REQUIRE(new_york);
  CHECK(new_york->utc_offset(at("2026-01-10T12:00:00Z")) == hours{-5});
  // Past the file's transitions (2037), the footer's rule applies.
  CHECK(new_york->utc_offset(at("2041-07-01T12:00:00Z")) == hours{-4});
  CHECK(new_york->utc_offset(at("2041-12-01T12:00:00Z")) == hours{-5});
  CHECK(TimeZone::load("UTC")->utc_offset(at("2026-07-01T00:00:00Z")) == seconds{0});
}

TEST_CASE("unknown zones are refused, and the clinic's day falls back to UTC", "[sterilization][timezone]") {
  CHECK_THAT(TimeZone::load("Mars/Olympus_Mons").error(), Catch::Contains("unknown time zone"));
  CHECK_THAT(TimeZone::load("../etc/passwd").error(), Catch::Contains("not a time zone name"));
  CHECK_FALSE(TimeZone::parse_tzif("not a tzif file at all, but long enough to have a header....."));
  CHECK(clinic_zone("Mars/Olympus_Mons").utc_offset(at("2026-07-01T00:00:00Z")) == seconds{0});
}

}  // namespace steritrack::sterilization
