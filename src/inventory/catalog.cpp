#include "inventory/catalog.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>

#include "common/time.hpp"
#include "inventory/stock_alerts.hpp"

namespace steritrack::inventory {
namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool gtin_check_digit_ok(std::string_view digits) {
  // GS1 mod 10: from the right, excluding the check digit, weights 3,1,3,...
  int sum = 0;
  const std::size_t n = digits.size();
  for (std::size_t i = 0; i + 1 < n; ++i) {
    const int d = digits[n - 2 - i] - '0';
    sum += (i % 2 == 0) ? 3 * d : d;
  }
  return (10 - sum % 10) % 10 == digits[n - 1] - '0';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

constexpr std::int64_t kMaxLevel = 1'000'000'000;

Result<std::int64_t> parse_level(std::string_view text) {
  const auto t = trim(text);
  if (t.empty()) return fail("is empty, expected a whole number");
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (ec != std::errc{} || end != t.data() + t.size())
    return fail("\"" + std::string{t} + "\" is not a whole number");
  if (value < 0) return fail(std::string{t} + " is negative");
  if (value > kMaxLevel) return fail(std::string{t} + " is too large");
  return value;
}

Supply read_supply(const store::Statement& s) {
  return Supply{s.get_text(0), s.get_text(1), s.get_text(2), s.get_text(3), s.get_int(4), s.get_int(5), s.get_int(6)};
}

}  // namespace

Result<std::string> normalize_supply_code(std::string_view text) {
  auto t = trim(text);
  if (t.empty()) return fail("is empty, expected a GTIN or an HIBC labeler+product");
  if (all_digits(t)) {
    if (t.size() != 8 && t.size() != 12 && t.size() != 13 && t.size() != 14)
      return fail("\"" + std::string{t} + "\" has " + std::to_string(t.size()) +
                  " digits: a GTIN has 8, 12, 13 or 14");
    if (!gtin_check_digit_ok(t)) return fail("\"" + std::string{t} + "\" has a wrong GTIN check digit");
    return std::string(14 - t.size(), '0') + std::string{t};
  }
  if (t.front() == '+') t.remove_prefix(1);
  std::string code;
  for (char c : t) {
    const auto u = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (!std::isalnum(static_cast<unsigned char>(u)))
      return fail("\"" + std::string{text} + "\" is neither a GTIN (digits only) nor an HIBC labeler+product "
                  "(letters and digits)");
    code += u;
  }
  if (code.size() < 5 || code.size() > 22 || !std::isalpha(static_cast<unsigned char>(code.front())))
    return fail("\"" + std::string{text} + "\" is not an HIBC labeler+product: a letter, 3 more letters or digits "
                "(the labeler), then a product number of 1 to 18");
  return code;
}

Result<std::vector<Supply>> supplies_from_csv(const csv::Table& table) {
  std::vector<Supply> supplies;
  std::vector<std::string> problems;
  std::map<std::string, std::size_t> first_line;
  for (const auto& row : table.rows()) {
    const auto problem = [&](std::string_view field, const std::string& reason) {
      problems.push_back(csv::where(table.file(), row.line, field) + ": " + reason);
    };
    Supply s;
    bool ok = true;
    if (auto code = normalize_supply_code(table.field(row, "code"))) {
      s.code = *code;
      if (const auto [it, added] = first_line.emplace(s.code, row.line); !added) {
        problem("code", s.code + " is already on line " + std::to_string(it->second));
        ok = false;
      }
    } else {
      problem("code", code.error());
      ok = false;
    }
    for (auto [field, target] : {std::pair{"name", &s.name}, std::pair{"unit", &s.unit}}) {
      *target = trim(table.field(row, field));
      if (target->empty()) {
        problem(field, "is empty");
        ok = false;
      }
    }
    s.vendor = trim(table.field(row, "vendor"));
    for (auto [field, target] : {std::pair{"par_level", &s.par_level}, std::pair{"reorder_point", &s.reorder_point},
                                 std::pair{"reorder_qty", &s.reorder_qty}}) {
      if (auto v = parse_level(table.field(row, field))) {
        *target = *v;
      } else {
        problem(field, v.error());
        ok = false;
      }
    }
    if (ok && s.reorder_point > s.par_level) {
      // Ordering up to par would never lift the supply above its reorder
      // point: the reorder alert could never clear.
      problem("reorder_point", std::to_string(s.reorder_point) + " is above par_level " + std::to_string(s.par_level));
      ok = false;
    }
    if (ok) supplies.push_back(std::move(s));
  }
  if (!problems.empty()) {
    std::string joined;
    for (const auto& p : problems) joined += (joined.empty() ? "" : "\n") + p;
    return fail(joined);
  }
  return supplies;
}

std::optional<Supply> find_supply(store::Connection& db, std::string_view code) {
  auto& s = db.query(
      "SELECT code, name, unit, vendor, par_level, reorder_point, reorder_qty FROM supplies WHERE code = ?", code);
  std::optional<Supply> out;
  if (s.step()) out = read_supply(s);
  s.reset();
  return out;
}

ImportSummary upsert_supplies(store::Connection& db, const std::vector<Supply>& supplies, TimePoint now) {
  ImportSummary summary;
  for (const auto& s : supplies) {
    const bool exists = db.query_int("SELECT 1 FROM supplies WHERE code = ?", s.code).has_value();
    db.execute(
        "INSERT INTO supplies (code, name, unit, vendor, par_level, reorder_point, reorder_qty)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (code) DO UPDATE SET name = excluded.name, unit = excluded.unit, vendor = excluded.vendor,"
        " par_level = excluded.par_level, reorder_point = excluded.reorder_point, reorder_qty = excluded.reorder_qty",
        s.code, s.name, s.unit, s.vendor, s.par_level, s.reorder_point, s.reorder_qty);
    db.execute("DELETE FROM unknown_codes WHERE code = ?", s.code);
    ++(exists ? summary.updated : summary.added);
    check_supply(db, s, now);
  }
  return summary;
}

Result<ImportSummary> import_supplies(store::Connection& db, const std::string& path, TimePoint now) {
  const auto table = csv::Table::read(path, kSupplyColumns);
  if (!table) return table.failure();
  const auto supplies = supplies_from_csv(*table);
  if (!supplies) return supplies.failure();
  store::Transaction tx(db);
  const auto summary = upsert_supplies(db, *supplies, now);
  tx.commit();
  return summary;
}

void record_unknown(store::Connection& db, std::string_view code, std::string_view text, std::string_view station,
                    TimePoint now) {
  const std::string ts = format_rfc3339(now);
  db.execute(
      "INSERT INTO unknown_codes (code, last_text, times_scanned, last_station, first_seen, last_seen)"
      " VALUES (?, ?, 1, ?, ?, ?)"
      " ON CONFLICT (code) DO UPDATE SET last_text = excluded.last_text, times_scanned = times_scanned + 1,"
      " last_station = excluded.last_station, last_seen = excluded.last_seen",
      code, text, station, ts, ts);
}

std::vector<UnknownCode> unknown_codes(store::Connection& db) {
  auto& s = db.query(
      "SELECT code, last_text, times_scanned, last_station, first_seen, last_seen FROM unknown_codes"
      " ORDER BY last_seen DESC, code");
  std::vector<UnknownCode> out;
  while (s.step())
    out.push_back({s.get_text(0), s.get_text(1), s.get_int(2), s.get_text(3), s.get_text(4), s.get_text(5)});
  return out;
}

}  // namespace steritrack::inventory
