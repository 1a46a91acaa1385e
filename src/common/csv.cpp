#include "common/csv.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace steritrack::csv {
namespace {

std::string at_line(std::size_t line, std::string_view reason) {
  return "line " + std::to_string(line) + ": " + std::string{reason};
}

}  // namespace

Result<std::vector<Record>> parse(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  std::vector<Record> records;
  std::size_t pos = 0;
  std::size_t line = 1;
  const auto at_end = [&] { return pos >= text.size(); };
  // Consumes one line end (CRLF, LF or a lone CR) if there is one here.
  const auto line_end = [&] {
    if (at_end()) return false;
    if (text[pos] == '\r') {
      ++pos;
      if (!at_end() && text[pos] == '\n') ++pos;
    } else if (text[pos] == '\n') {
      ++pos;
    } else {
      return false;
    }
    ++line;
    return true;
  };

  while (!at_end()) {
    if (line_end()) continue;  // blank line
    Record record;
    record.line = line;
    for (;;) {
      std::string field;
      if (!at_end() && text[pos] == '"') {
        const std::size_t opened = line;
        ++pos;
        for (;;) {
          if (at_end()) return fail(at_line(opened, "a quoted field is not closed"));
          const char c = text[pos];
          if (c == '"') {
            if (pos + 1 < text.size() && text[pos + 1] == '"') {
              field += '"';
              pos += 2;
              continue;
            }
            ++pos;
            break;
          }
          if (c == '\n' || (c == '\r' && (pos + 1 >= text.size() || text[pos + 1] != '\n'))) ++line;
          field += c;
          ++pos;
        }
        if (!at_end() && text[pos] != ',' && text[pos] != '\r' && text[pos] != '\n')
          return fail(at_line(line, "unexpected text after a closing quote (a quote inside a quoted field is "
                                    "written as two quotes)"));
      } else {
        while (!at_end() && text[pos] != ',' && text[pos] != '\r' && text[pos] != '\n') {
          if (text[pos] == '"')
            return fail(at_line(line, "a quote inside an unquoted field (quote the whole field and double the "
                                      "quote)"));
          field += text[pos++];
        }
      }
      record.fields.push_back(std::move(field));
      if (!at_end() && text[pos] == ',') {
        ++pos;
        continue;
      }
      line_end();
      break;
    }
    records.push_back(std::move(record));
  }
  return records;
}

std::string where(std::string_view file, std::size_t line, std::string_view field) {
  std::string out{file};
  out += ", line ";
  out += std::to_string(line);
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

  Table table;
  table.file_ = file;
  Record& header = records->front();
  std::vector<std::string> problems;
  for (const auto& name : header.fields) {
    if (std::find(columns.begin(), columns.end(), name) == columns.end())
      problems.push_back(where(file, header.line) + ": unknown column \"" + name + "\"");
    else if (std::find(table.header_.begin(), table.header_.end(), name) != table.header_.end())
      problems.push_back(where(file, header.line) + ": column \"" + name + "\" appears twice");
    table.header_.push_back(name);
  }
  for (const auto& name : columns)
    if (std::find(header.fields.begin(), header.fields.end(), name) == header.fields.end())
      problems.push_back(where(file, header.line) + ": missing column \"" + std::string{name} + "\"");
  if (problems.empty()) {
    for (std::size_t i = 1; i < records->size(); ++i) {
      Record& row = (*records)[i];
      if (row.fields.size() != table.header_.size())
        problems.push_back(where(file, row.line) + ": " + std::to_string(row.fields.size()) + " fields, expected " +
                           std::to_string(table.header_.size()));
      else
        table.rows_.push_back(std::move(row));
    }
  }
  if (!problems.empty()) {
    std::string joined;
    for (const auto& p : problems) joined += (joined.empty() ? "" : "\n") + p;
    return fail(joined);
  }
  return table;
}

Result<Table> Table::read(const std::string& path, std::span<const std::string_view> columns) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(path + ": cannot open the file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return fail(path + ": cannot read the file");
  return parse(path, text.str(), columns);
}

const std::string& Table::field(const Record& row, std::string_view column) const {
  const auto it = std::find(header_.begin(), header_.end(), column);
  return row.fields.at(static_cast<std::size_t>(it - header_.begin()));
}

}  // namespace steritrack::csv
