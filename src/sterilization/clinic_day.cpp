#include "sterilization/clinic_day.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>

namespace steritrack::sterilization {
namespace {

using namespace std::chrono;

std::int64_t read_be(std::string_view data, std::size_t pos, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(data[pos + static_cast<std::size_t>(i)]);
  if (bytes == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
  return static_cast<std::int64_t>(v);
}

// A small cursor over a POSIX TZ string.
class PosixReader {
public:
  explicit PosixReader(std::string_view text) : text_(text) {}
  bool done() const { return pos_ >= text_.size(); }
  bool take(char c) {
    if (!done() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool name() {
    if (take('<')) {
      const auto end = text_.find('>', pos_);
      if (end == std::string_view::npos || end == pos_) return false;
      pos_ = end + 1;
      return true;
    }
    const std::size_t start = pos_;
    while (!done() && ((text_[pos_] >= 'A' && text_[pos_] <= 'Z') || (text_[pos_] >= 'a' && text_[pos_] <= 'z')))
      ++pos_;
    return pos_ - start >= 3;
  }
  std::optional<int> number(int max) {
    const std::size_t start = pos_;
    int v = 0;
    while (!done() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      v = v * 10 + (text_[pos_] - '0');
      if (v > max) return std::nullopt;
      ++pos_;
    }
    if (pos_ == start) return std::nullopt;
    return v;
  }
  // [+-]hh[:mm[:ss]] as seconds; hours up to 167 (TZif v3 times).
  std::optional<std::int32_t> hms() {
    int sign = 1;
    if (take('-'))
      sign = -1;
    else
      take('+');
    const auto h = number(167);
    if (!h) return std::nullopt;
    std::int32_t s = *h * 3600;
    if (take(':')) {
      const auto m = number(59);
      if (!m) return std::nullopt;
      s += *m * 60;
      if (take(':')) {
        const auto sec = number(59);
        if (!sec) return std::nullopt;
        s += *sec;
      }
    }
    return sign * s;
  }
  std::optional<TimeZone::RuleDay> rule_day() {
    TimeZone::RuleDay d;
    if (take('M')) {
      const auto m = number(12);
      if (!m || *m < 1 || !take('.')) return std::nullopt;
      const auto w = number(5);
      if (!w || *w < 1 || !take('.')) return std::nullopt;
      const auto wd = number(6);
      if (!wd) return std::nullopt;
      d.kind = TimeZone::RuleDay::Kind::month_week_day;
      d.month = *m;
      d.week = *w;
      d.weekday = *wd;
    } else if (take('J')) {
      const auto n = number(365);
      if (!n || *n < 1) return std::nullopt;
      d.kind = TimeZone::RuleDay::Kind::julian_no_leap;
      d.day = *n;
    } else {
      const auto n = number(365);
      if (!n) return std::nullopt;
      d.kind = TimeZone::RuleDay::Kind::julian;
      d.day = *n;
    }
    if (take('/')) {
      const auto t = hms();
      if (!t) return std::nullopt;
      d.time_s = *t;
    }
    return d;
  }

private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

sys_days rule_date(const TimeZone::RuleDay& d, int y) {
  const year yr{y};
  switch (d.kind) {
    case TimeZone::RuleDay::Kind::julian_no_leap: {
      // Day 1-365; February 29 is never counted.
      sys_days day = sys_days{yr / January / 1} + days{d.day - 1};
      if (yr.is_leap() && d.day >= 60) day += days{1};
      return day;
    }
    case TimeZone::RuleDay::Kind::julian:
      return sys_days{yr / January / 1} + days{d.day};
    case TimeZone::RuleDay::Kind::month_week_day: {
      const month m{static_cast<unsigned>(d.month)};
      const weekday wd{static_cast<unsigned>(d.weekday)};
      if (d.week == 5) return sys_days{yr / m / wd[last]};
      return sys_days{yr / m / wd[static_cast<unsigned>(d.week)]};
    }
  }
  return sys_days{yr / January / 1};
}

std::int32_t rule_offset(const TimeZone::PosixRule& r, std::int64_t t) {
  if (!r.dst_offset) return r.std_offset;
  const auto local = sys_seconds{seconds{t + r.std_offset}};
  const int y = static_cast<int>(year_month_day{floor<days>(local)}.year());
  // The start is given in standard time, the end in daylight time.
  const std::int64_t start =
      sys_seconds{rule_date(r.dst_start, y)}.time_since_epoch().count() + r.dst_start.time_s - r.std_offset;
  const std::int64_t end =
      sys_seconds{rule_date(r.dst_end, y)}.time_since_epoch().count() + r.dst_end.time_s - *r.dst_offset;
  const bool dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);
  return dst ? *r.dst_offset : r.std_offset;
}

bool valid_zone_name(std::string_view name) {
  if (name.empty() || name.front() == '/' || name.find("..") != std::string_view::npos) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' || c == '_' ||
           c == '-' || c == '+';
  });
}

}  // namespace

TimeZone TimeZone::utc() { return TimeZone{}; }

Result<TimeZone> TimeZone::parse_posix(std::string_view text) {
  PosixReader r(text);
  PosixRule rule;
  if (!r.name()) return fail("time zone rule: no standard time name");
  const auto std_west = r.hms();
  if (!std_west) return fail("time zone rule: no standard offset");
  rule.std_offset = -*std_west;  // POSIX offsets count west of Greenwich
  if (!r.done()) {
    if (!r.name()) return fail("time zone rule: bad daylight time name");
    rule.dst_offset = rule.std_offset + 3600;
    if (!r.done() && !r.take(',')) {
      const auto dst_west = r.hms();
      if (!dst_west) return fail("time zone rule: bad daylight offset");
      rule.dst_offset = -*dst_west;
      if (!r.take(',')) return fail("time zone rule: no daylight time dates");
    } else if (r.done()) {
      return fail("time zone rule: no daylight time dates");
    }
    const auto start = r.rule_day();
    if (!start || !r.take(',')) return fail("time zone rule: bad daylight time start");
    const auto end = r.rule_day();
    if (!end || !r.done()) return fail("time zone rule: bad daylight time end");
    rule.dst_start = *start;
    rule.dst_end = *end;
  }
  TimeZone z;
  z.initial_offset_ = rule.std_offset;
  z.rule_ = rule;
  return z;
}

Result<TimeZone> TimeZone::parse_tzif(std::string_view data) {
  constexpr std::size_t kHeader = 44;
  auto header_counts = [&](std::size_t at, std::array<std::int64_t, 6>& counts) {
    if (data.size() < at + kHeader || data.substr(at, 4) != "TZif") return false;
    for (std::size_t i = 0; i < 6; ++i) counts[i] = read_be(data, at + 20 + 4 * i, 4);
    return std::all_of(counts.begin(), counts.end(), [](std::int64_t c) { return c >= 0 && c < 1'000'000; });
  };
  std::array<std::int64_t, 6> c{};  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  if (!header_counts(0, c)) return fail("not a TZif file");
  const char version = data[4];
  auto block_size = [](const std::array<std::int64_t, 6>& n, int time_bytes) {
    return static_cast<std::size_t>(n[3] * time_bytes + n[3] + n[4] * 6 + n[5] + n[2] * (time_bytes + 4) + n[1] +
                                    n[0]);
  };
  std::size_t at = kHeader;
  int time_bytes = 4;
  if (version >= '2') {
    at += block_size(c, 4);
    if (!header_counts(at, c)) return fail("TZif: bad second header");
    at += kHeader;
    time_bytes = 8;
  }
  const auto timecnt = static_cast<std::size_t>(c[3]);
  const auto typecnt = static_cast<std::size_t>(c[4]);
  if (typecnt == 0) return fail("TZif: no local time types");
  if (data.size() < at + block_size(c, time_bytes)) return fail("TZif: truncated");

  const std::size_t times_at = at;
  const std::size_t index_at = times_at + timecnt * static_cast<std::size_t>(time_bytes);
  const std::size_t types_at = index_at + timecnt;
  std::vector<std::int32_t> offsets(typecnt);
  for (std::size_t i = 0; i < typecnt; ++i) offsets[i] = static_cast<std::int32_t>(read_be(data, types_at + 6 * i, 4));

  TimeZone z;
  z.initial_offset_ = offsets[0];
  z.transitions_.reserve(timecnt);
  for (std::size_t i = 0; i < timecnt; ++i) {
    const std::int64_t t = read_be(data, times_at + i * static_cast<std::size_t>(time_bytes), time_bytes);
    const auto type = static_cast<unsigned char>(data[index_at + i]);
    if (type >= typecnt) return fail("TZif: bad local time type index");
    if (!z.transitions_.empty() && t <= z.transitions_.back().at) return fail("TZif: transitions out of order");
    z.transitions_.push_back({t, offsets[type]});
  }
  if (time_bytes == 8) {
    const std::size_t footer_at = at + block_size(c, time_bytes);
    if (data.size() > footer_at + 1 && data[footer_at] == '\n') {
      const auto end = data.find('\n', footer_at + 1);
      if (end != std::string_view::npos && end > footer_at + 1) {
        auto rule = parse_posix(data.substr(footer_at + 1, end - footer_at - 1));
        if (!rule) return fail("TZif footer: " + rule.error());
        z.rule_ = rule->rule_;
      }
    }
  }
  return z;
}

Result<TimeZone> TimeZone::load(std::string_view name) {
  if (name == "UTC" || name == "Etc/UTC" || name == "Z") return utc();
  if (!valid_zone_name(name)) return fail("not a time zone name: " + std::string{name});
  const char* dir = std::getenv("TZDIR");
  const std::string path = std::string{dir && *dir ? dir : "/usr/share/zoneinfo"} + "/" + std::string{name};
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("unknown time zone " + std::string{name} + " (no " + path + ")");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  auto zone = parse_tzif(bytes.str());
  if (!zone) return fail(path + ": " + zone.error());
  return zone;
}

std::chrono::seconds TimeZone::utc_offset(TimePoint t) const {
  const std::int64_t s = floor<seconds>(t).time_since_epoch().count();
  if (transitions_.empty()) return seconds{rule_ ? rule_offset(*rule_, s) : initial_offset_};
  if (s < transitions_.front().at) return seconds{initial_offset_};
  if (rule_ && s >= transitions_.back().at) return seconds{rule_offset(*rule_, s)};
  const auto it = std::upper_bound(transitions_.begin(), transitions_.end(), s,
                                   [](std::int64_t v, const Transition& tr) { return v < tr.at; });
  return seconds{std::prev(it)->offset};
}

std::chrono::year_month_day TimeZone::local_date(TimePoint t) const {
  return year_month_day{floor<days>(t + utc_offset(t))};
}

const TimeZone& clinic_zone(const std::string& name) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<TimeZone>> zones;
  const std::lock_guard lock(mutex);
  auto& slot = zones[name];
  if (!slot) {
    auto zone = TimeZone::load(name);
    if (zone) {
      slot = std::make_unique<TimeZone>(std::move(zone).value());
    } else {
      spdlog::warn("policy.timezone_unknown zone={} reason=\"{}\": using UTC for the clinic's day", name,
                   zone.error());
      slot = std::make_unique<TimeZone>(TimeZone::utc());
    }
  }
  return *slot;
}

}  // namespace steritrack::sterilization
