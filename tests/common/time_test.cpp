#include <catch2/catch.hpp>

#include "common/time.hpp"

using namespace steritrack;
using namespace std::chrono;

TEST_CASE("RFC 3339 round trip in UTC", "[time]") {
  const auto t = parse_rfc3339("2026-11-27T08:00:00Z");
  REQUIRE(t);
  CHECK(format_rfc3339(*t) == "2026-11-27T08:00:00Z");
  CHECK(utc_date(*t) == year_month_day{year{2026}, month{11}, day{27}});
}

TEST_CASE("RFC 3339 offsets and fractions are normalised to UTC", "[time]") {
  CHECK(format_rfc3339(*parse_rfc3339("2026-11-27T09:30:00+01:30")) == "2026-11-27T08:00:00Z");
  CHECK(format_rfc3339(*parse_rfc3339("2026-11-27T08:00:00.250Z")) == "2026-11-27T08:00:00.250Z");
  CHECK(format_rfc3339(*parse_rfc3339("2026-12-31T23:00:00-02:00")) == "2027-01-01T01:00:00Z");
}

TEST_CASE("RFC 3339 rejects malformed text", "[time]") {
  for (const char* bad : {"", "2026-11-27", "2026-11-27T08:00:00", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
                          "2026-11-27T25:00:00Z", "2026-11-27T08:00:00Zjunk", "2026-11-27 08:00:00Z"})
    CHECK_FALSE(parse_rfc3339(bad));
}

TEST_CASE("calendar dates parse and validate leap years", "[time]") {
  CHECK(parse_date("2028-02-29"));
  CHECK_FALSE(parse_date("2027-02-29"));
  CHECK(format_date(*parse_date("2027-01-05")) == "2027-01-05");
}
