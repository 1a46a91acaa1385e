#pragma once
// What a scanned text means. Pure: no I/O, no third-party headers.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"

namespace steritrack::codes {

enum class Kind { command, operator_badge, tray, sterilizer, case_label, location, instrument, gs1, hibc, gtin };
// The JSON/CLI name: command, operator, tray, sterilizer, case, location, instrument, gs1, hibc, gtin.
std::string_view to_string(Kind kind);

enum class Command { receive, consume, count, return_, assemble, load, issue, done, cancel };
std::string_view to_string(Command command);  // "RECEIVE", ...

constexpr char kGroupSeparator = '\x1D';

struct Code {
  Kind kind = Kind::gs1;
  std::string text;                  // the scanned text as received
  std::string label;                 // internal labels: the whole label ("T-ORTHO-03"); empty otherwise
  std::optional<Command> command;    // Kind::command
  // Product identification (gs1, hibc, gtin).
  std::optional<std::string> gtin;   // always 14 digits
  std::optional<std::string> labeler;  // HIBC labeler identification code (4 chars)
  std::optional<std::string> product;  // HIBC product/catalog number
  std::optional<int> unit;             // HIBC unit of measure digit
  std::optional<std::string> lot;
  std::optional<std::string> serial;
  std::optional<std::string> sscc;
  std::optional<std::chrono::year_month_day> expiry;
  std::optional<std::chrono::year_month_day> production_date;
  std::optional<std::int64_t> count;   // AI 30/37, or the HIBC quantity
  std::vector<std::pair<std::string, std::string>> ai;  // GS1: AI -> raw value, in scan order

  // The catalog key of a supply or UDI instrument type: the GTIN-14, or HIBC
  // labeler+product. Empty for internal labels.
  std::string supply_code() const;
};

struct ParseOptions {
  // Today's date, for the GS1 century rule of YYMMDD dates. Always from the
  // injected clock at the time of the scan, never a date frozen at start-up.
  std::chrono::year_month_day today;
  // A character a keyboard-wedge scanner types instead of ASCII 29, if any.
  std::optional<char> gs_substitute;
};

// One scan text -> a typed code, or a refusal with a reason. Never a
// half-parsed result.
Result<Code> parse(std::string_view text, const ParseOptions& options);

}  // namespace steritrack::codes
