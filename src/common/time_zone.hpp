#pragma once
// The clinic's time zone (policy.timezone): its calendar day for daily rules
// (Bowie-Dick) and pack expiry dates, and the local times people read in
// tables, alerts and reasons. The wire, the database, CSV and JSON keep
// RFC 3339 UTC (common/time.hpp).
//
// Zones come from the system's tz database (/usr/share/zoneinfo, Debian's
// tzdata) through Howard Hinnant's date library, the model of C++20's
// chrono zones (GCC 12's libstdc++ has no std::chrono::tzdb). The TZ
// environment variable is never changed: localtime_r with a changed TZ is
// process-wide and not safe while other threads run.
#include <chrono>
#include <string>
#include <string_view>

#include "common/clock.hpp"
#include "common/result.hpp"

namespace date {
class time_zone;
}

namespace steritrack {

class TimeZone {
 public:
  // UTC needs no tz database: it works on a machine without tzdata.
  static TimeZone utc();

  // "Europe/Berlin", "America/New_York", "UTC", ...: the name as in the tz
  // database; an unknown name is an error that names it. This is the check
  // for policy.timezone.
  static Result<TimeZone> locate(std::string_view name);

  const std::string& name() const { return name_; }
  std::chrono::seconds utc_offset(TimePoint t) const;
  // "CET", "CEST", "EST"; zones without letters in the database give
  // their offset as it lists it ("-03", "+0530").
  std::string abbreviation(TimePoint t) const;
  // The clinic's calendar day at instant t.
  std::chrono::year_month_day local_date(TimePoint t) const;
  // The first instant of day d: local midnight, or when a change of
  // daylight saving time skips midnight, the first time after it.
  TimePoint start_of_day(std::chrono::year_month_day d) const;

 private:
  TimeZone(std::string name, const date::time_zone* zone) : name_(std::move(name)), zone_(zone) {}
  std::string name_;
  const date::time_zone* zone_ = nullptr;  // nullptr: UTC
};

// Local times for people, always with the zone shown; to the minute, or
// to the second for readings taken seconds apart.
enum class Precision { minute, second };
// "2026-12-02 08:14 CET", "2026-12-02 08:14:05 CET"
std::string format_local_time(TimePoint t, const TimeZone& zone, Precision precision = Precision::minute);
// "12-02 08:14": for narrow tables, whose header names the zone.
std::string format_local_time_short(TimePoint t, const TimeZone& zone, Precision precision = Precision::minute);

// Text for people with every RFC 3339 time in it ("lowest 131.2 °C at
// 2026-12-02T07:14:03Z") shown as a local time ("... at 2026-12-02 08:14 CET").
// Records keep UTC; this is for showing them.
std::string localize_times(std::string_view text, const TimeZone& zone);

// The zone for policy.timezone, located once per name and kept for the life
// of the process. The config check (TimeZone::locate) refuses unknown names
// before anything runs, so an unknown name here is a programmer error and
// throws std::invalid_argument (never a silent UTC).
const TimeZone& clinic_zone(const std::string& name);

}  // namespace steritrack
