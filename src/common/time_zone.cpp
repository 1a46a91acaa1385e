#include "common/time_zone.hpp"

#include <date/tz.h>

#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "common/time.hpp"

namespace steritrack {
namespace {

using namespace std::chrono;

bool is_utc_name(std::string_view name) { return name == "UTC" || name == "Etc/UTC"; }

date::sys_info info(const date::time_zone* zone, TimePoint t) {
  return zone->get_info(date::sys_seconds{floor<seconds>(t).time_since_epoch()});
}

// The wall-clock time at t in the zone, as a sys_time-shaped value.
sys_time<Duration> local_wall(TimePoint t, const TimeZone& zone) { return t + zone.utc_offset(t); }

}  // namespace

TimeZone TimeZone::utc() { return TimeZone{"UTC", nullptr}; }

Result<TimeZone> TimeZone::locate(std::string_view name) {
  if (is_utc_name(name)) return TimeZone{std::string{name}, nullptr};
  if (name.empty()) return fail("a time zone name is needed (e.g. Europe/Berlin or UTC)");
  try {
    // The library lists the zones it found under /usr/share/zoneinfo and
    // finds the name in that list: a name is never used as a path.
    const date::time_zone* zone = date::locate_zone(name);
    return TimeZone{std::string{name}, zone};
  } catch (const std::exception&) {
    return fail("unknown time zone \"" + std::string{name} +
                "\": not in the system's tz database (/usr/share/zoneinfo; is tzdata installed?)");
  }
}

seconds TimeZone::utc_offset(TimePoint t) const { return zone_ ? info(zone_, t).offset : seconds{0}; }

std::string TimeZone::abbreviation(TimePoint t) const { return zone_ ? info(zone_, t).abbrev : std::string{"UTC"}; }

year_month_day TimeZone::local_date(TimePoint t) const { return year_month_day{floor<days>(local_wall(t, *this))}; }

TimePoint TimeZone::start_of_day(year_month_day d) const {
  const sys_days midnight{d};
  if (!zone_) return TimePoint{midnight};
  // earliest: a midnight that happens twice counts from its first time; one
  // that is skipped gives the instant of the change.
  const auto start = zone_->to_sys(date::local_days{midnight.time_since_epoch()}, date::choose::earliest);
  return time_point_cast<Duration>(start);
}

std::string format_local_time(TimePoint t, const TimeZone& zone, Precision precision) {
  const auto wall = floor<seconds>(local_wall(t, zone));
  const auto day = floor<days>(wall);
  const year_month_day ymd{day};
  const hh_mm_ss hms{wall - day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()));
  std::string text = buf;
  if (precision == Precision::second) {
    std::snprintf(buf, sizeof buf, ":%02d", static_cast<int>(hms.seconds().count()));
    text += buf;
  }
  return text + " " + zone.abbreviation(t);
}

std::string format_local_time_short(TimePoint t, const TimeZone& zone, Precision precision) {
  // "YYYY-MM-DD HH:MM[:SS] ZONE" without the year and the zone.
  const std::string full = format_local_time(t, zone, precision);
  return full.substr(5, precision == Precision::second ? 14 : 11);
}

std::string localize_times(std::string_view text, const TimeZone& zone) {
  const auto digit = [&](std::size_t i) { return i < text.size() && text[i] >= '0' && text[i] <= '9'; };
  std::string out;
  std::size_t copied = 0;
  for (std::size_t i = 0; i + 20 <= text.size(); ++i) {
    if (!digit(i) || (i > 0 && digit(i - 1)) || text[i + 4] != '-' || (text[i + 10] != 'T' && text[i + 10] != 't'))
      continue;
    // The end of "YYYY-MM-DDTHH:MM:SS[.fff](Z|+hh:mm)"; parse_rfc3339 checks the rest.
    std::size_t end = i + 19;
    if (end < text.size() && text[end] == '.')
      for (++end; digit(end);) ++end;
    if (end < text.size() && (text[end] == 'Z' || text[end] == 'z'))
      end += 1;
    else if (end < text.size() && (text[end] == '+' || text[end] == '-'))
      end += 6;
    if (end > text.size()) continue;
    const auto t = parse_rfc3339(text.substr(i, end - i));
    if (!t) continue;
    out.append(text.substr(copied, i - copied));
    out += format_local_time(*t, zone);
    copied = end;
    i = end - 1;
  }
  out.append(text.substr(copied));
  return out;
}

const TimeZone& clinic_zone(const std::string& name) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<const TimeZone>, std::less<>> zones;
  const std::lock_guard lock(mutex);
  auto& slot = zones[name];
  if (!slot) {
    auto zone = TimeZone::locate(name);
    if (!zone) throw std::invalid_argument("policy.timezone: " + zone.error());
    slot = std::make_unique<const TimeZone>(std::move(zone).value());
  }
  return *slot;
}

}  // namespace steritrack
