#include <catch2/catch.hpp>

#include "common/time.hpp"
#include "common/time_zone.hpp"

using namespace steritrack;
using namespace std::chrono;

namespace {

TimePoint at(const char* t) { return *parse_rfc3339(t); }
year_month_day ymd(int y, unsigned m, unsigned d) { return year_month_day{year{y}, month{m}, day{d}}; }

}  // namespace

TEST_CASE("zones come from the system tz database with their offsets and abbreviations", "[time][timezone]") {
  const auto berlin = TimeZone::locate("Europe/Berlin");
  REQUIRE(berlin);
  CHECK(berlin->name() == "Europe/Berlin");
  CHECK(berlin->utc_offset(at("2026-01-10T12:00:00Z")) == hours{1});
  CHECK(berlin->utc_offset(at("2026-07-10T12:00:00Z")) == hours{2});
  CHECK(berlin->abbreviation(at("2026-01-10T12:00:00Z")) == "CET");
  CHECK(berlin->abbreviation(at("2026-07-10T12:00:00Z")) == "CEST");
  // 23:30 UTC on June 1st is already June 2nd in Berlin.
  CHECK(berlin->local_date(at("2026-06-01T23:30:00Z")) == ymd(2026, 6, 2));

  const auto kolkata = TimeZone::locate("Asia/Kolkata");
  REQUIRE(kolkata);
  CHECK(kolkata->utc_offset(at("2026-01-10T12:00:00Z")) == minutes{330});

  const auto utc = TimeZone::locate("UTC");
  REQUIRE(utc);
  CHECK(utc->utc_offset(at("2026-07-01T00:00:00Z")) == seconds{0});
  CHECK(utc->abbreviation(at("2026-07-01T00:00:00Z")) == "UTC");
}

TEST_CASE("an unknown zone is an error naming it, never UTC", "[time][timezone]") {
  for (const char* bad : {"Mars/Olympus", "../etc/passwd", "/etc/passwd", "Europe/", "europe/berlin", ""}) {
    INFO(bad);
    const auto zone = TimeZone::locate(bad);
    REQUIRE_FALSE(zone);
    if (*bad) CHECK_THAT(zone.error(), Catch::Contains(std::string{"\""} + bad + "\""));
  }
  CHECK_THAT(TimeZone::locate("Mars/Olympus").error(), Catch::Contains("unknown time zone"));
  CHECK_THROWS_AS(clinic_zone("Mars/Olympus"), std::invalid_argument);
  CHECK(&clinic_zone("Europe/Berlin") == &clinic_zone("Europe/Berlin"));
}

TEST_CASE("the clinic's day across the spring change in Berlin", "[time][timezone]") {
  // 2026-03-29: clocks go from 02:00 CET to 03:00 CEST at 01:00 UTC; the day
  // has 23 hours, from 2026-03-28T23:00Z to 2026-03-29T22:00Z.
  const TimeZone& berlin = clinic_zone("Europe/Berlin");
  CHECK(berlin.local_date(at("2026-03-28T22:59:59Z")) == ymd(2026, 3, 28));
  CHECK(berlin.local_date(at("2026-03-28T23:00:00Z")) == ymd(2026, 3, 29));
  CHECK(format_local_time(at("2026-03-29T00:59:00Z"), berlin) == "2026-03-29 01:59 CET");
  CHECK(format_local_time(at("2026-03-29T01:00:00Z"), berlin) == "2026-03-29 03:00 CEST");
  CHECK(berlin.local_date(at("2026-03-29T21:59:59Z")) == ymd(2026, 3, 29));
  CHECK(berlin.local_date(at("2026-03-29T22:00:00Z")) == ymd(2026, 3, 30));
}

TEST_CASE("the clinic's day across the autumn change in Berlin", "[time][timezone]") {
  // 2026-10-25: clocks go back from 03:00 CEST to 02:00 CET at 01:00 UTC;
  // the day has 25 hours, from 2026-10-24T22:00Z to 2026-10-25T23:00Z.
  const TimeZone& berlin = clinic_zone("Europe/Berlin");
  CHECK(berlin.local_date(at("2026-10-24T21:59:59Z")) == ymd(2026, 10, 24));
  CHECK(berlin.local_date(at("2026-10-24T22:00:00Z")) == ymd(2026, 10, 25));
  // 02:30 happens twice: the zone shown tells them apart.
  CHECK(format_local_time(at("2026-10-25T00:30:00Z"), berlin) == "2026-10-25 02:30 CEST");
  CHECK(format_local_time(at("2026-10-25T01:30:00Z"), berlin) == "2026-10-25 02:30 CET");
  CHECK(berlin.local_date(at("2026-10-25T22:59:59Z")) == ymd(2026, 10, 25));
  CHECK(berlin.local_date(at("2026-10-25T23:00:00Z")) == ymd(2026, 10, 26));
}

TEST_CASE("the clinic's day across both changes in New York", "[time][timezone]") {
  const TimeZone& new_york = clinic_zone("America/New_York");
  // 2026-03-08 02:00 EST -> 03:00 EDT (07:00 UTC): midnight to midnight is
  // 05:00Z to 04:00Z the next day.
  CHECK(new_york.local_date(at("2026-03-08T04:59:59Z")) == ymd(2026, 3, 7));
  CHECK(new_york.local_date(at("2026-03-08T05:00:00Z")) == ymd(2026, 3, 8));
  CHECK(format_local_time(at("2026-03-08T06:59:00Z"), new_york) == "2026-03-08 01:59 EST");
  CHECK(format_local_time(at("2026-03-08T07:00:00Z"), new_york) == "2026-03-08 03:00 EDT");
  CHECK(new_york.local_date(at("2026-03-09T03:59:59Z")) == ymd(2026, 3, 8));
  CHECK(new_york.local_date(at("2026-03-09T04:00:00Z")) == ymd(2026, 3, 9));
  // 2026-11-01 02:00 EDT -> 01:00 EST (06:00 UTC): the day ends at 05:00Z.
  CHECK(new_york.local_date(at("2026-11-01T03:59:59Z")) == ymd(2026, 10, 31));
  CHECK(new_york.local_date(at("2026-11-01T04:00:00Z")) == ymd(2026, 11, 1));
  CHECK(format_local_time(at("2026-11-01T05:30:00Z"), new_york) == "2026-11-01 01:30 EDT");
  CHECK(format_local_time(at("2026-11-01T06:30:00Z"), new_york) == "2026-11-01 01:30 EST");
  CHECK(new_york.local_date(at("2026-11-02T04:59:59Z")) == ymd(2026, 11, 1));
  CHECK(new_york.local_date(at("2026-11-02T05:00:00Z")) == ymd(2026, 11, 2));
}

TEST_CASE("local times for people show the zone", "[time][timezone]") {
  const TimeZone& berlin = clinic_zone("Europe/Berlin");
  CHECK(format_local_time(at("2026-12-02T07:14:59Z"), berlin) == "2026-12-02 08:14 CET");
  CHECK(format_local_time_short(at("2026-12-02T07:14:59Z"), berlin) == "12-02 08:14");
  CHECK(format_local_time(at("2026-12-02T07:14:59.900Z"), berlin, Precision::second) == "2026-12-02 08:14:59 CET");
  CHECK(format_local_time_short(at("2026-12-02T07:14:59Z"), berlin, Precision::second) == "12-02 08:14:59");
  CHECK(format_local_time(at("2026-12-31T23:30:00Z"), berlin) == "2027-01-01 00:30 CET");
  CHECK(localize_times("2026-12-02T07:14:00.250Z", berlin) == "2026-12-02 08:14 CET");
  CHECK(format_local_time(at("2026-12-02T07:14:00Z"), TimeZone::utc()) == "2026-12-02 07:14 UTC");
}

TEST_CASE("times in text for people are shown in the zone", "[time][timezone]") {
  const TimeZone& berlin = clinic_zone("Europe/Berlin");
  CHECK(localize_times("lowest 131.2 °C at 2026-12-02T07:14:03.500Z", berlin) ==
        "lowest 131.2 °C at 2026-12-02 08:14 CET");
  CHECK(localize_times("gap between 2026-07-01T10:00:00Z and 2026-07-01T10:01:00+00:00 (longest 30 s)", berlin) ==
        "gap between 2026-07-01 12:00 CEST and 2026-07-01 12:01 CEST (longest 30 s)");
  // Dates alone, lot numbers and near misses stay as they are.
  for (const char* kept : {"expired 2026-11-30", "lot 12026-12-02T07:14:03Z", "2026-12-02T25:14:03Z", "2026-12-02T07:14",
                           "", "T"})
    CHECK(localize_times(kept, berlin) == kept);
}

TEST_CASE("a day starts at local midnight, also on the days of a change", "[time][timezone]") {
  const TimeZone& berlin = clinic_zone("Europe/Berlin");
  CHECK(format_rfc3339(berlin.start_of_day(ymd(2026, 3, 29))) == "2026-03-28T23:00:00Z");
  CHECK(format_rfc3339(berlin.start_of_day(ymd(2026, 3, 30))) == "2026-03-29T22:00:00Z");
  CHECK(format_rfc3339(berlin.start_of_day(ymd(2026, 10, 26))) == "2026-10-25T23:00:00Z");
  const TimeZone& new_york = clinic_zone("America/New_York");
  CHECK(format_rfc3339(new_york.start_of_day(ymd(2026, 11, 1))) == "2026-11-01T04:00:00Z");
  CHECK(format_rfc3339(new_york.start_of_day(ymd(2026, 11, 2))) == "2026-11-02T05:00:00Z");
  // Havana skips midnight in March: the day starts at 01:00 CDT.
  const TimeZone& havana = clinic_zone("America/Havana");
  CHECK(format_rfc3339(havana.start_of_day(ymd(2026, 3, 8))) == "2026-03-08T05:00:00Z");
  CHECK(format_rfc3339(TimeZone::utc().start_of_day(ymd(2026, 3, 8))) == "2026-03-08T00:00:00Z");
}
