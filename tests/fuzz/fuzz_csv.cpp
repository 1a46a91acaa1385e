// libFuzzer target: the catalog imports. The input is a CSV file: read by
// the RFC 4180 reader (csv::parse), and as each import's table (supplies,
// trays, instruments) validated by the row checks of its import command.
#include <algorithm>
#include <optional>
#include <span>
#include <type_traits>
#include <string>
#include <vector>

#include "check.hpp"
#include "common/csv.hpp"
#include "inventory/catalog.hpp"
#include "sterilization/trays.hpp"

namespace {

using namespace steritrack;

constexpr std::string_view kFile = "fuzz.csv";

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Every field quoted: what a spreadsheet could have written for the records.
std::string write_csv(const std::vector<csv::Record>& records) {
  std::string out;
  for (const auto& r : records) {
    for (std::size_t i = 0; i < r.fields.size(); ++i) {
      if (i > 0) out += ',';
      out += '"';
      for (char c : r.fields[i]) out += c == '"' ? std::string("\"\"") : std::string(1, c);
      out += '"';
    }
    out += "\r\n";
  }
  return out;
}

void check_records(std::string_view text) {
  const auto records = csv::parse(text);
  if (!records) {
    FUZZ_CHECK(records.error().starts_with("line "));
    return;
  }
  std::size_t last_line = 0;
  for (const auto& r : *records) {
    FUZZ_CHECK(r.line > last_line);
    FUZZ_CHECK(!r.fields.empty());
    last_line = r.line;
  }
  // Written back with every field quoted and read again: the same fields.
  const auto again = csv::parse(write_csv(*records));
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(again->size() == records->size());
  for (std::size_t i = 0; i < records->size(); ++i) FUZZ_CHECK((*again)[i].fields == (*records)[i].fields);
}

// The rows an import accepts; nothing when the header or a row is refused,
// with a reason that names the file.
template <typename Read>
auto accepted(std::string_view text, std::span<const std::string_view> columns, Read read) {
  const auto table = csv::Table::parse(kFile, text, columns);
  using Rows = std::decay_t<decltype(*read(*table))>;
  if (!table) return std::optional<Rows>{};
  auto rows = read(*table);
  if (!rows) {
    FUZZ_CHECK(rows.error().starts_with(kFile));
    return std::optional<Rows>{};
  }
  FUZZ_CHECK(rows->size() == table->rows().size());
  return std::optional<Rows>{std::move(*rows)};
}

void check_supplies(std::string_view text) {
  const auto supplies = accepted(text, inventory::kSupplyColumns, inventory::supplies_from_csv);
  if (!supplies) return;
  for (const auto& s : *supplies) {
    FUZZ_CHECK((s.code.size() == 14 && all_digits(s.code)) || (s.code.size() >= 5 && s.code.size() <= 22));
    FUZZ_CHECK(inventory::normalize_supply_code(s.code).value() == s.code);
    FUZZ_CHECK(!s.name.empty() && !s.unit.empty());
    FUZZ_CHECK(s.par_level >= 0 && s.reorder_point >= 0 && s.reorder_qty >= 0);
    FUZZ_CHECK(s.reorder_point <= s.par_level);
  }
}

void check_trays(std::string_view text) {
  const auto trays = accepted(text, sterilization::kTrayColumns, sterilization::read_trays);
  if (!trays) return;
  for (const auto& t : *trays) {
    FUZZ_CHECK(t.id.starts_with("T-") && t.id.size() > 2);
    FUZZ_CHECK(!t.name.empty() && !t.recipe.empty());
    for (const auto& [type, count] : t.recipe) FUZZ_CHECK(!type.empty() && count >= 1 && count <= 999);
    // The recipe is stored formatted and read back by find_tray.
    const auto stored = sterilization::parse_recipe(sterilization::format_recipe(t.recipe));
    FUZZ_CHECK(stored.ok() && *stored == t.recipe);
    if (t.shelf_life_days) FUZZ_CHECK(*t.shelf_life_days >= 1 && *t.shelf_life_days <= 3650);
  }
}

void check_instruments(std::string_view text) {
  const auto instruments = accepted(text, sterilization::kInstrumentColumns, sterilization::read_instruments);
  if (!instruments) return;
  for (const auto& r : *instruments) {
    const auto slash = r.id.find('/');
    FUZZ_CHECK(r.id.starts_with("I-") || (slash == 14 && all_digits(r.id.substr(0, 14))));
    FUZZ_CHECK(!r.type.empty() && !r.name.empty());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  const std::string_view text = fuzz::text_of(data, size);
  check_records(text);
  check_supplies(text);
  check_trays(text);
  check_instruments(text);
  return 0;
}
