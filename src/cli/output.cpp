#include "cli/output.hpp"

#include <algorithm>
#include <cstdio>

#include <nlohmann/json.hpp>

namespace steritrack::cli {
namespace {

std::string cell_text(const Cell& c) {
  if (std::holds_alternative<std::int64_t>(c)) return std::to_string(std::get<std::int64_t>(c));
  if (std::holds_alternative<double>(c)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", std::get<double>(c));
    return buf;
  }
  if (std::holds_alternative<std::string>(c)) return std::get<std::string>(c);
  return {};
}

nlohmann::json cell_json(const Cell& c) {
  if (std::holds_alternative<std::int64_t>(c)) return std::get<std::int64_t>(c);
  if (std::holds_alternative<double>(c)) return std::get<double>(c);
  if (std::holds_alternative<std::string>(c)) {
    const auto& s = std::get<std::string>(c);
    return s.empty() ? nlohmann::json() : nlohmann::json(s);
  }
  return nullptr;
}

}  // namespace

std::string csv_escape(const std::string& field) {
  if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
  std::string out = "\"";
  for (char ch : field) {
    if (ch == '"') out += '"';
    out += ch;
  }
  out += '"';
  return out;
}

void print(std::ostream& out, const Table& table, Format format) {
  switch (format) {
    case Format::json: {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& row : table.rows) {
        nlohmann::json obj = nlohmann::json::object();
        for (std::size_t i = 0; i < table.columns.size(); ++i) obj[table.columns[i]] = cell_json(row.at(i));
        arr.push_back(std::move(obj));
      }
      out << arr.dump(2) << '\n';
      return;
    }
    case Format::csv: {
      for (std::size_t i = 0; i < table.columns.size(); ++i) out << (i ? "," : "") << csv_escape(table.columns[i]);
      out << '\n';
      for (const auto& row : table.rows) {
        for (std::size_t i = 0; i < row.size(); ++i) out << (i ? "," : "") << csv_escape(cell_text(row[i]));
        out << '\n';
      }
      return;
    }
    case Format::table: {
      std::vector<std::size_t> width(table.columns.size());
      for (std::size_t i = 0; i < table.columns.size(); ++i) width[i] = table.columns[i].size();
      for (const auto& row : table.rows)
        for (std::size_t i = 0; i < row.size() && i < width.size(); ++i)
          width[i] = std::max(width[i], cell_text(row[i]).size());
      auto line = [&](auto&& text_of) {
        std::string s;
        for (std::size_t i = 0; i < width.size(); ++i) {
          std::string t = text_of(i);
          s += t;
          if (i + 1 < width.size()) s += std::string(width[i] - t.size() + 2, ' ');
        }
        out << s << '\n';
      };
      line([&](std::size_t i) { return table.columns[i]; });
      line([&](std::size_t i) { return std::string(width[i], '-'); });
      for (const auto& row : table.rows) line([&](std::size_t i) { return cell_text(row[i]); });
      if (table.rows.empty()) out << "(none)\n";
      return;
    }
  }
}

}  // namespace steritrack::cli
