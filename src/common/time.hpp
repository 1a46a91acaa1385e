#pragma once
// RFC 3339 UTC timestamps and calendar dates, the only time formats on the
// wire, in the database and in CLI output.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.hpp"

namespace steritrack {

// "2026-11-27T08:00:00Z" (milliseconds shown only when not zero).
std::string format_rfc3339(TimePoint t);
// Accepts "YYYY-MM-DDTHH:MM:SS[.fff](Z|+hh:mm|-hh:mm)"; lower-case t/z too.
std::optional<TimePoint> parse_rfc3339(std::string_view text);

// "YYYY-MM-DD" for a calendar date.
std::string format_date(std::chrono::year_month_day d);
std::optional<std::chrono::year_month_day> parse_date(std::string_view text);

// The UTC calendar day of a time point.
std::chrono::year_month_day utc_date(TimePoint t);

}  // namespace steritrack
