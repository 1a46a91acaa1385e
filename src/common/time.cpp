#include "common/time.hpp"

#include <charconv>
#include <cstdio>

namespace steritrack {
namespace {

bool read_int(std::string_view text, std::size_t pos, std::size_t len, int& out) {
  if (pos + len > text.size()) return false;
  for (std::size_t i = pos; i < pos + len; ++i)
    if (text[i] < '0' || text[i] > '9') return false;
  std::from_chars(text.data() + pos, text.data() + pos + len, out);
  return true;
}

}  // namespace

std::string format_rfc3339(TimePoint t) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{t - day};
  char buf[40];
  const auto ms = static_cast<int>(hms.subseconds().count());
  if (ms == 0) {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()));
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()), ms);
  }
  return buf;
}

std::optional<std::chrono::year_month_day> parse_date(std::string_view text) {
  using namespace std::chrono;
  int y = 0, m = 0, d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  if (!read_int(text, 0, 4, y) || !read_int(text, 5, 2, m) || !read_int(text, 8, 2, d)) return std::nullopt;
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

std::optional<TimePoint> parse_rfc3339(std::string_view text) {
  using namespace std::chrono;
  if (text.size() < 20) return std::nullopt;
  const auto date = parse_date(text.substr(0, 10));
  if (!date || (text[10] != 'T' && text[10] != 't')) return std::nullopt;
  int hh = 0, mi = 0, ss = 0;
  if (!read_int(text, 11, 2, hh) || text[13] != ':' || !read_int(text, 14, 2, mi) || text[16] != ':' ||
      !read_int(text, 17, 2, ss))
    return std::nullopt;
  if (hh > 23 || mi > 59 || ss > 60) return std::nullopt;
  std::size_t pos = 19;
  Duration frac{0};
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int digits = 0, value = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 3) value = value * 10 + (text[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (int i = digits; i < 3; ++i) value *= 10;
    frac = Duration{value};
  }
  if (pos >= text.size()) return std::nullopt;
  minutes offset{0};
  const char z = text[pos];
  if (z == 'Z' || z == 'z') {
    ++pos;
  } else if (z == '+' || z == '-') {
    int oh = 0, om = 0;
    if (!read_int(text, pos + 1, 2, oh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !read_int(text, pos + 4, 2, om) || oh > 23 || om > 59)
      return std::nullopt;
    offset = hours{oh} + minutes{om};
    if (z == '-') offset = -offset;
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  const auto t = sys_days{*date} + hours{hh} + minutes{mi} + seconds{ss} + frac - offset;
  return time_point_cast<Duration>(t);
}

std::string format_date(std::chrono::year_month_day d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                static_cast<unsigned>(d.day()));
  return buf;
}

std::chrono::year_month_day utc_date(TimePoint t) {
  return std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(t)};
}

}  // namespace steritrack
