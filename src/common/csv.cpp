#include "common/csv.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace steritrack::csv {

Result<std::vector<Record>> parse(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<Record> out;
  Record rec;
  std::string field;
  std::size_t line = 1;
  bool in_quotes = false;
  bool quoted = false;  // the current field was quoted
  bool row_has_data = false;
  rec.line = 1;

  auto end_field = [&] {
    rec.fields.push_back(std::move(field));
    field.clear();
    quoted = false;
  };
  auto end_row = [&] {
    end_field();
    if (row_has_data) out.push_back(std::move(rec));
    rec = Record{};
    row_has_data = false;
  };

  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    switch (c) {
      case '"':
        if (!field.empty() || quoted)
          return fail("line " + std::to_string(line) + ": a quote inside an unquoted field");
        in_quotes = true;
        quoted = true;
        row_has_data = true;
        break;
      case ',':
        end_field();
        row_has_data = true;
        break;
      case '\r':
        if (i + 1 < text.size() && text[i + 1] == '\n') break;
        return fail("line " + std::to_string(line) + ": a carriage return outside quotes");
      case '\n':
        end_row();
        ++line;
        rec.line = line;
        break;
      default:
        if (quoted) return fail("line " + std::to_string(line) + ": text after a closing quote");
        field += c;
        row_has_data = true;
    }
  }
  if (in_quotes) return fail("line " + std::to_string(rec.line) + ": a quoted field is not closed");
  end_row();
  return out;
}

std::string where(std::string_view file, std::size_t line, std::string_view field) {
  std::string out{file};
  out += ", line " + std::to_string(line);
  if (!field.empty()) {
    out += ", field ";
    out += field;
  }
  return out;
}

Result<Table> Table::parse(std::string_view file, std::string_view text, std::span<const std::string_view> columns) {
  auto records = csv::parse(text);
  if (!records) return fail(std::string{file} + ", " + records.error());
  if (records->empty()) return fail(std::string{file} + ": empty file, expected a header line");

  Table t;
  t.file_ = std::string{file};
  const Record& head = records->front();
  t.header_ = head.fields;
  std::string errors;
  auto add = [&](const std::string& e) { errors += (errors.empty() ? "" : "\n") + e; };
  for (const std::string_view col : columns) {
    const auto n = std::count(t.header_.begin(), t.header_.end(), col);
    if (n == 0) add(where(file, head.line) + ": missing column " + std::string{col});
    if (n > 1) add(where(file, head.line) + ": column " + std::string{col} + " appears more than once");
  }
  for (const std::string& h : t.header_)
    if (std::find(columns.begin(), columns.end(), h) == columns.end())
      add(where(file, head.line) + ": unknown column '" + h + "'");
  for (std::size_t i = 1; i < records->size(); ++i) {
    const Record& r = (*records)[i];
    if (r.fields.size() != t.header_.size())
      add(where(file, r.line) + ": " + std::to_string(r.fields.size()) + " fields, expected " +
          std::to_string(t.header_.size()));
  }
  if (!errors.empty()) return fail(errors);
  t.rows_.assign(records->begin() + 1, records->end());
  return t;
}

Result<Table> Table::read(const std::string& path, std::span<const std::string_view> columns) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(path + ": cannot read the file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse(path, text.str(), columns);
}

const std::string& Table::field(const Record& row, std::string_view column) const {
  const auto it = std::find(header_.begin(), header_.end(), column);
  if (it == header_.end()) throw std::logic_error("csv: no column " + std::string{column});
  return row.fields.at(static_cast<std::size_t>(it - header_.begin()));
}

}  // namespace steritrack::csv
