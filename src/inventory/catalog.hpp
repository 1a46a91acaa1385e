#pragma once
// The supplies catalog: what a supply is, how its code is written, the CSV
// import, and the codes scanned that the catalog does not know.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/csv.hpp"
#include "common/result.hpp"
#include "store/sqlite.hpp"

namespace steritrack::inventory {

struct Supply {
  std::string code;  // GTIN-14, or HIBC labeler+product
  std::string name;
  std::string unit;
  std::string vendor;
  std::int64_t par_level = 0;
  std::int64_t reorder_point = 0;
  std::int64_t reorder_qty = 0;
};

// A catalog code as an admin writes it: a GTIN-14/13/12/8 with a valid check
// digit (returned as 14 digits), or an HIBC labeler (4 characters, a letter
// first) followed by the product number (1-18 letters/digits), without the
// unit digit and check character, a leading '+' allowed ("H123ABC0123").
Result<std::string> normalize_supply_code(std::string_view text);

inline constexpr std::array<std::string_view, 7> kSupplyColumns = {
    "code", "name", "unit", "vendor", "par_level", "reorder_point", "reorder_qty"};

// Validates every row of a supplies CSV (columns kSupplyColumns). The error
// lists every problem, one per line, each naming file, line and field.
Result<std::vector<Supply>> supplies_from_csv(const csv::Table& table);

std::optional<Supply> find_supply(store::Connection& db, std::string_view code);

struct ImportSummary {
  std::size_t added = 0;
  std::size_t updated = 0;
};
// Inserts or updates the supplies (inside the caller's transaction), drops
// them from the unknown codes, and re-checks their reorder and stockout
// alerts: a changed reorder point changes the rule's answer.
ImportSummary upsert_supplies(store::Connection& db, const std::vector<Supply>& supplies, TimePoint now);

// `steritrack supplies import`: reads and validates the whole file, then
// upserts it in one transaction. Nothing is written when anything is wrong;
// the error then lists every problem, each naming file, line and field.
Result<ImportSummary> import_supplies(store::Connection& db, const std::string& path, TimePoint now);

struct UnknownCode {
  std::string code;
  std::string last_text;
  std::int64_t times_scanned = 0;
  std::string last_station;
  std::string first_seen;
  std::string last_seen;
};
// Notes a scan of a supply code the catalog does not have.
void record_unknown(store::Connection& db, std::string_view code, std::string_view text, std::string_view station,
                    TimePoint now);
// Most recently scanned first.
std::vector<UnknownCode> unknown_codes(store::Connection& db);

}  // namespace steritrack::inventory
