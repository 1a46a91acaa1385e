#pragma once
// Trays and their recipes, instruments, and the catalog imports
// (`steritrack trays import`, `steritrack instruments import`).
// Recipe parsing and comparison and the row validation are pure; upserts
// write in the caller's transaction.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codes/code.hpp"
#include "common/csv.hpp"
#include "common/result.hpp"
#include "store/sqlite.hpp"

namespace steritrack::sterilization {

// Instrument type -> count, e.g. {"mirror": 2, "probe": 1}.
using Recipe = std::map<std::string, int>;

// "mirror:2;probe:1" (spaces around names and numbers are ignored).
Result<Recipe> parse_recipe(std::string_view text);
std::string format_recipe(const Recipe& recipe);
// "forceps x1, curette x2" for a person at a station.
std::string describe(const Recipe& counts);

struct CountCheck {
  Recipe missing;  // recipe items short
  Recipe extra;    // scanned beyond the recipe
  bool complete() const { return missing.empty(); }
};
CountCheck compare(const Recipe& recipe, const Recipe& scanned);

struct TrayRecord {
  std::string id;  // T- label
  std::string name;
  Recipe recipe;
  bool implants = false;
  std::optional<int> shelf_life_days;  // none: event-related
};

struct InstrumentRecord {
  std::string id;  // I- label, or GTIN-14/serial
  std::string type;
  std::string name;
};

// The columns of each import, in the spec's order.
extern const std::vector<std::string_view> kTrayColumns;
extern const std::vector<std::string_view> kInstrumentColumns;

// Every row validated; all problems reported, one per line, each naming
// file, line and field. Duplicates within the file are errors.
Result<std::vector<TrayRecord>> read_trays(const csv::Table& table);
Result<std::vector<InstrumentRecord>> read_instruments(const csv::Table& table);

struct ImportCount {
  int added = 0;
  int updated = 0;
};
ImportCount upsert_trays(store::Connection& db, const std::vector<TrayRecord>& trays);
ImportCount upsert_instruments(store::Connection& db, const std::vector<InstrumentRecord>& instruments);

// "I-000731" or "00614141000098/SN-A1": the instruments table key of a
// scanned code, or a reason it cannot name an instrument.
Result<std::string> instrument_key(const codes::Code& code);

// The tray as the catalog holds it.
std::optional<TrayRecord> find_tray(store::Connection& db, std::string_view id);

}  // namespace steritrack::sterilization
