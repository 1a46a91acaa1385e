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
  std::string symbology_id;          // "]d2", "]C1", ... when the scanner sent one; empty otherwise
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
  // HIBC printed as two linear symbols: for a primary scanned alone, its
  // check character; for a secondary scanned alone (labeler empty), the link
  // character it carries. A secondary belongs to the primary whose check
  // character equals its link character (see join_hibc). Unset otherwise.
  std::optional<char> hibc_link;

  // The catalog key of a supply or UDI instrument type: the GTIN-14, or HIBC
  // labeler+product ("H123ABC0123"). Empty for internal labels, an HIBC
  // secondary alone, and a GS1 string without AI 01/02.
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
// half-parsed result. Positions in reasons count characters of the text as
// received, from 1, with ASCII 29 as one character.
Result<Code> parse(std::string_view text, const ParseOptions& options);

// An HIBC primary and secondary scanned as two linear symbols, joined into one
// code: the secondary's link character must be the primary's check character.
Result<Code> join_hibc(const Code& primary, const Code& secondary);

// The GS1 data title of an AI ("BATCH/LOT", "USE BY OR EXPIRY"), for people;
// empty for an AI steritrack does not know.
std::string_view ai_title(std::string_view ai);

// Why a character cannot stand in for ASCII 29 (it can occur in GS1 data or
// in labels, so mapping it would corrupt scans); nullopt if it can.
std::optional<std::string> gs_substitute_problem(char c);

}  // namespace steritrack::codes
