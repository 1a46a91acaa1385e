#include "sterilization/trays.hpp"

#include <algorithm>
#include <charconv>
#include <set>

namespace steritrack::sterilization {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<int> whole_number(std::string_view s, int min, int max) {
  int v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size() || v < min || v > max) return std::nullopt;
  return v;
}

bool printable(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c > 32 && c < 127; });
}

// An internal label: the prefix, then 1-64 printable characters.
bool valid_label(std::string_view s, std::string_view prefix) {
  return s.size() > prefix.size() && s.size() <= prefix.size() + 64 && s.substr(0, prefix.size()) == prefix &&
         printable(s);
}

bool valid_type_name(std::string_view s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
    return c >= 32 && c < 127 && c != ':' && c != ';' && c != ',';
  });
}

bool gtin_check_digit_ok(std::string_view digits) {
  int sum = 0;
  const std::size_t n = digits.size();
  for (std::size_t i = 0; i + 1 < n; ++i) {
    const int d = digits[i] - '0';
    // Weights 3,1,3,... counted from the digit left of the check digit.
    sum += ((n - 1 - i) % 2 == 1) ? 3 * d : d;
  }
  return (10 - sum % 10) % 10 == digits[n - 1] - '0';
}

// GTIN-8/12/13/14 with a valid check digit, as 14 digits.
std::optional<std::string> gtin14(std::string_view s) {
  if (s.size() != 8 && s.size() != 12 && s.size() != 13 && s.size() != 14) return std::nullopt;
  if (!std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
  if (!gtin_check_digit_ok(s)) return std::nullopt;
  return std::string(14 - s.size(), '0') + std::string{s};
}

// GS1 AI 21: up to 20 characters.
bool valid_serial(std::string_view s) { return !s.empty() && s.size() <= 20 && printable(s); }

class Errors {
public:
  void add(const std::string& where, const std::string& reason) {
    text_ += (text_.empty() ? "" : "\n") + where + ": " + reason;
  }
  bool empty() const { return text_.empty(); }
  const std::string& text() const { return text_; }

private:
  std::string text_;
};

}  // namespace

const std::vector<std::string_view> kTrayColumns = {"tray", "name", "recipe", "implants", "shelf_life_days"};
const std::vector<std::string_view> kInstrumentColumns = {"instrument", "type", "name"};

Result<Recipe> parse_recipe(std::string_view text) {
  Recipe recipe;
  text = trim(text);
  if (text.empty()) return fail("empty recipe: list the instrument types, e.g. mirror:2;probe:1");
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const auto end = std::min(text.find(';', pos), text.size());
    const std::string_view item = trim(text.substr(pos, end - pos));
    pos = end + 1;
    if (item.empty()) {
      if (end == text.size()) break;  // a trailing ';'
      return fail("empty item in the recipe");
    }
    const auto colon = item.find(':');
    if (colon == std::string_view::npos) return fail("'" + std::string{item} + "' is not TYPE:COUNT");
    const std::string_view type = trim(item.substr(0, colon));
    const std::string_view count = trim(item.substr(colon + 1));
    if (!valid_type_name(type)) return fail("'" + std::string{item} + "': bad instrument type");
    const auto n = whole_number(count, 1, 999);
    if (!n) return fail("'" + std::string{item} + "': the count must be a whole number from 1 to 999");
    if (!recipe.emplace(std::string{type}, *n).second)
      return fail("instrument type '" + std::string{type} + "' appears twice");
  }
  return recipe;
}

std::string format_recipe(const Recipe& recipe) {
  std::string out;
  for (const auto& [type, count] : recipe) {
    if (!out.empty()) out += ';';
    out += type + ':' + std::to_string(count);
  }
  return out;
}

std::string describe(const Recipe& counts) {
  std::string out;
  for (const auto& [type, count] : counts) {
    if (!out.empty()) out += ", ";
    out += type + " x" + std::to_string(count);
  }
  return out;
}

CountCheck compare(const Recipe& recipe, const Recipe& scanned) {
  CountCheck c;
  for (const auto& [type, need] : recipe) {
    const auto it = scanned.find(type);
    const int have = it == scanned.end() ? 0 : it->second;
    if (have < need) c.missing[type] = need - have;
    if (have > need) c.extra[type] = have - need;
  }
  for (const auto& [type, have] : scanned)
    if (have > 0 && !recipe.contains(type)) c.extra[type] = have;
  return c;
}

Result<std::vector<TrayRecord>> read_trays(const csv::Table& table) {
  Errors errors;
  std::vector<TrayRecord> out;
  std::set<std::string> seen;
  for (const csv::Record& row : table.rows()) {
    auto at = [&](std::string_view field) { return csv::where(table.file(), row.line, field); };
    TrayRecord t;
    t.id = std::string{trim(table.field(row, "tray"))};
    if (!valid_label(t.id, "T-"))
      errors.add(at("tray"), "'" + t.id + "' is not a tray label (T- and up to 64 printable characters)");
    else if (!seen.insert(t.id).second)
      errors.add(at("tray"), t.id + " appears twice in the file");
    t.name = std::string{trim(table.field(row, "name"))};
    if (t.name.empty()) errors.add(at("name"), "empty");
    auto recipe = parse_recipe(table.field(row, "recipe"));
    if (recipe)
      t.recipe = std::move(recipe).value();
    else
      errors.add(at("recipe"), recipe.error());
    const std::string_view implants = trim(table.field(row, "implants"));
    if (implants == "yes")
      t.implants = true;
    else if (implants != "no")
      errors.add(at("implants"), "'" + std::string{implants} + "': must be yes or no");
    const std::string_view shelf = trim(table.field(row, "shelf_life_days"));
    if (!shelf.empty()) {
      t.shelf_life_days = whole_number(shelf, 1, 3650);
      if (!t.shelf_life_days)
        errors.add(at("shelf_life_days"),
                   "'" + std::string{shelf} + "': a whole number of days from 1 to 3650, or empty for event-related");
    }
    out.push_back(std::move(t));
  }
  if (!errors.empty()) return fail(errors.text());
  return out;
}

Result<std::vector<InstrumentRecord>> read_instruments(const csv::Table& table) {
  Errors errors;
  std::vector<InstrumentRecord> out;
  std::set<std::string> seen;
  for (const csv::Record& row : table.rows()) {
    auto at = [&](std::string_view field) { return csv::where(table.file(), row.line, field); };
    InstrumentRecord r;
    const std::string id{trim(table.field(row, "instrument"))};
    if (valid_label(id, "I-")) {
      r.id = id;
    } else if (const auto slash = id.find('/'); slash != std::string::npos) {
      const auto gtin = gtin14(std::string_view{id}.substr(0, slash));
      const std::string serial = id.substr(slash + 1);
      if (!gtin)
        errors.add(at("instrument"), "'" + id + "': the GTIN before '/' needs 8, 12, 13 or 14 digits and a valid "
                                     "check digit");
      else if (!valid_serial(serial))
        errors.add(at("instrument"), "'" + id + "': the serial after '/' must be 1-20 printable characters");
      else
        r.id = *gtin + "/" + serial;
    } else {
      errors.add(at("instrument"), "'" + id + "' is neither an I- label nor GTIN/serial");
    }
    if (!r.id.empty() && !seen.insert(r.id).second) errors.add(at("instrument"), r.id + " appears twice in the file");
    r.type = std::string{trim(table.field(row, "type"))};
    if (!valid_type_name(r.type))
      errors.add(at("type"), "'" + r.type + "': an instrument type (no ':', ';' or ',') is required");
    r.name = std::string{trim(table.field(row, "name"))};
    if (r.name.empty()) errors.add(at("name"), "empty");
    out.push_back(std::move(r));
  }
  if (!errors.empty()) return fail(errors.text());
  return out;
}

ImportCount upsert_trays(store::Connection& db, const std::vector<TrayRecord>& trays) {
  ImportCount n;
  for (const TrayRecord& t : trays) {
    const bool exists = db.query_int("SELECT 1 FROM trays WHERE id = ?", t.id).has_value();
    db.execute(
        "INSERT INTO trays (id, name, recipe, implants, shelf_life_days) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET name = excluded.name, recipe = excluded.recipe,"
        " implants = excluded.implants, shelf_life_days = excluded.shelf_life_days",
        t.id, t.name, format_recipe(t.recipe), t.implants, t.shelf_life_days);
    ++(exists ? n.updated : n.added);
  }
  return n;
}

ImportCount upsert_instruments(store::Connection& db, const std::vector<InstrumentRecord>& instruments) {
  ImportCount n;
  for (const InstrumentRecord& r : instruments) {
    const bool exists = db.query_int("SELECT 1 FROM instruments WHERE id = ?", r.id).has_value();
    db.execute(
        "INSERT INTO instruments (id, type, name) VALUES (?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET type = excluded.type, name = excluded.name",
        r.id, r.type, r.name);
    ++(exists ? n.updated : n.added);
  }
  return n;
}

Result<std::string> instrument_key(const codes::Code& code) {
  if (code.kind == codes::Kind::instrument) return code.label;
  if (code.kind == codes::Kind::gs1 || code.kind == codes::Kind::gtin) {
    if (!code.gtin) return fail("the code has no GTIN");
    if (!code.serial) return fail("GTIN " + *code.gtin + " without a serial (AI 21) cannot name one instrument");
    return *code.gtin + "/" + *code.serial;
  }
  return fail("not an instrument: scan an I- label or the instrument's UDI code");
}

std::optional<TrayRecord> find_tray(store::Connection& db, std::string_view id) {
  auto& s = db.query("SELECT id, name, recipe, implants, shelf_life_days FROM trays WHERE id = ?", id);
  std::optional<TrayRecord> out;
  if (s.step()) {
    TrayRecord t;
    t.id = s.get_text(0);
    t.name = s.get_text(1);
    auto recipe = parse_recipe(s.get_text(2));
    if (recipe) t.recipe = std::move(recipe).value();
    t.implants = s.get_int(3) != 0;
    if (const auto days = s.get_opt_int(4)) t.shelf_life_days = static_cast<int>(*days);
    out = std::move(t);
  }
  s.reset();
  return out;
}

}  // namespace steritrack::sterilization
