#pragma once
// Tabular CLI output in the three formats: an aligned table for people, CSV
// with a header line, JSON as an array of objects (numbers as numbers, empty
// values as null). CSV and JSON carry every column in full, times as
// RFC 3339 UTC. The table for people shows times in the clinic's zone and,
// given a screen width it does not fit, fits it (docs/guide-admin.md,
// "Tables on a screen"):
//   1. long texts marked `below` leave the row: each goes on its own lines
//      under its row, indented and wrapped at words;
//   2. time columns lose the year and the zone ("12-02 08:14"), the header
//      naming the zone instead ("last_seen CET");
//   3. columns with a drop rank go, highest rank first;
//   4. shrinkable text columns are cut with "…", the widest first.
// Widths are display columns (UTF-8, wide CJK characters count two), and
// control characters never reach the terminal.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace steritrack {
class TimeZone;
}

namespace steritrack::cli {

enum class Format { table, csv, json };

using Cell = std::variant<std::monostate, std::int64_t, double, std::string>;

// How one column shows in the table for people; CSV and JSON ignore it.
struct ColumnView {
  bool time = false;   // RFC 3339 UTC text, shown in the clinic's zone
  bool seconds = false; // times to the second (readings), else to the minute
  int drop_rank = 0;   // 0: always shown; on a narrow screen the highest rank goes first
  bool shrink = false; // long text that may be cut with "…"
  bool below = false;  // long text that goes under its row, in full
};

struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;
  std::map<std::string, ColumnView> views = {};  // by column name; a column without one is plain
};

// Where a table for people goes.
struct Screen {
  const TimeZone* zone = nullptr;   // for time columns; nullptr: UTC
  std::optional<std::size_t> width = {};  // display columns to fit; none: every column in full
};

void print(std::ostream& out, const Table& table, Format format, const Screen& screen = {});
std::string csv_escape(const std::string& field);

// The width to fit: $COLUMNS when set to a number (a person asking for a
// width, also through a pipe), else the terminal's on `fd`, else none (a
// pipe or a file gets full text).
std::optional<std::size_t> screen_width(int fd, const char* columns_env);

// Display columns of UTF-8 text on a terminal (an invalid byte counts one).
std::size_t display_width(std::string_view utf8);
// Text safe to print in a cell: tabs and line breaks become spaces, other
// control characters (ESC, C1 codes, bidirectional overrides) are removed,
// invalid UTF-8 bytes become U+FFFD.
std::string printable(std::string_view utf8);
// Lines of at most `width` display columns, broken at spaces (a longer word
// is split).
std::vector<std::string> wrap_to_width(std::string_view utf8, std::size_t width);
// At most `width` display columns, ending in "…" when it had to be cut.
std::string fit_to_width(std::string_view utf8, std::size_t width);

}  // namespace steritrack::cli
