#pragma once
// The clinic's calendar day in its configured time zone (policy.timezone),
// for daily rules (Bowie-Dick) and pack expiry dates.
//
// Zones come from the system's tz database (TZif files under
// /usr/share/zoneinfo, or $TZDIR) through our own small reader: changing the
// TZ environment variable for localtime_r is process-wide and not safe while
// other threads run, and GCC 12's libstdc++ has no std::chrono::tzdb. Past
// the file's last transition the zone's POSIX TZ rule (the TZif footer)
// applies, so dates stay right whether the files are "fat" or "slim".
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"

namespace steritrack::sterilization {

class TimeZone {
public:
  static TimeZone utc();
  // "UTC", "Europe/Berlin", ...: reads $TZDIR (default /usr/share/zoneinfo)/NAME.
  static Result<TimeZone> load(std::string_view name);
  // The contents of a TZif file (RFC 8536, versions 1 to 4).
  static Result<TimeZone> parse_tzif(std::string_view data);
  // A POSIX TZ rule such as "CET-1CEST,M3.5.0,M10.5.0/3" (the TZif footer).
  static Result<TimeZone> parse_posix(std::string_view rule);

  std::chrono::seconds utc_offset(TimePoint t) const;
  std::chrono::year_month_day local_date(TimePoint t) const;

  // One day of a POSIX rule: Jn (1-365, no Feb 29), n (0-365), or Mm.w.d.
  struct RuleDay {
    enum class Kind { julian_no_leap, julian, month_week_day } kind = Kind::month_week_day;
    int day = 0;  // Jn and n
    int month = 0, week = 0, weekday = 0;
    std::int32_t time_s = 7200;  // local wall time of the change
  };
  struct PosixRule {
    std::int32_t std_offset = 0;  // seconds east of UTC
    std::optional<std::int32_t> dst_offset;
    RuleDay dst_start, dst_end;
  };

private:
  struct Transition {
    std::int64_t at;  // UTC seconds
    std::int32_t offset;
  };
  std::vector<Transition> transitions_;
  std::int32_t initial_offset_ = 0;
  std::optional<PosixRule> rule_;
};

// The zone for policy.timezone, cached per name. An unknown name is logged
// (policy.timezone_unknown) and UTC is used, so a cycle is never lost to a
// typo in the config; validate the name at config load with TimeZone::load.
const TimeZone& clinic_zone(const std::string& name);

}  // namespace steritrack::sterilization
