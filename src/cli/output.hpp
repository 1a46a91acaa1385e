#pragma once
// Tabular CLI output in the three formats: an aligned table for people, CSV
// with a header line, JSON as an array of objects (numbers as numbers, empty
// values as null).
#include <cstdint>
#include <ostream>
#include <string>
#include <variant>
#include <vector>

namespace steritrack::cli {

enum class Format { table, csv, json };

using Cell = std::variant<std::monostate, std::int64_t, double, std::string>;

struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;
};

void print(std::ostream& out, const Table& table, Format format);
std::string csv_escape(const std::string& field);

}  // namespace steritrack::cli
