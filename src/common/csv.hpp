#pragma once
// A small RFC 4180 CSV reader for the catalog imports (supplies, trays,
// instruments). Every error names the file and line so an admin can fix the
// spreadsheet; callers add the field for what they validate themselves.
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace steritrack::csv {

struct Record {
  std::size_t line = 0;  // 1-based line on which the record starts
  std::vector<std::string> fields;
};

// Comma-separated fields, optionally in double quotes ("" inside quotes is
// one quote; commas and line breaks inside quotes are data); CRLF or LF line
// ends; a UTF-8 byte order mark (spreadsheet exports) is skipped; blank lines
// are skipped. The reason of an error starts with "line N: ".
Result<std::vector<Record>> parse(std::string_view text);

// "FILE, line N, field F" (field left out when empty): the prefix of every
// import error message.
std::string where(std::string_view file, std::size_t line, std::string_view field = {});

// A CSV file whose first line names its columns.
class Table {
public:
  // Parses text read from `file` (the name is only used in messages). The
  // header must name each of `columns` exactly once, in any order, and no
  // other column; every row must have as many fields as the header. All such
  // problems are reported, one per line of the error.
  static Result<Table> parse(std::string_view file, std::string_view text,
                             std::span<const std::string_view> columns);
  // Reads and parses a file; an unreadable file is an error naming it.
  static Result<Table> read(const std::string& path, std::span<const std::string_view> columns);

  const std::string& file() const { return file_; }
  const std::vector<Record>& rows() const { return rows_; }
  // The field of `row` under `column`, which must be one of the columns the
  // table was parsed with.
  const std::string& field(const Record& row, std::string_view column) const;

private:
  std::string file_;
  std::vector<std::string> header_;
  std::vector<Record> rows_;
};

}  // namespace steritrack::csv
