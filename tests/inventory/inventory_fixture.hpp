#pragma once
// A fresh migrated database in a temp folder, a clock, a policy and a small
// catalog, for the inventory tests; plus builders for parsed supply labels.
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include "codes/code.hpp"
#include "common/clock.hpp"
#include "common/policy.hpp"
#include "common/time.hpp"
#include "inventory/catalog.hpp"
#include "store/migrations.hpp"
#include "store/sqlite.hpp"

namespace steritrack::inventory::test {

using namespace std::chrono_literals;

inline const std::string kGloves = "00614141000012";   // par 20, reorder point 8, reorder qty 24
inline const std::string kPouches = "00614141000029";  // par 10, reorder point 4, reorder qty 12
inline const std::string kHibcSupply = "H123ABC0123";  // par 6, reorder point 2, reorder qty 6

class TempDb {
public:
  TempDb() {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() / ("steritrack-inventory-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
    db_ = std::make_unique<store::Connection>((dir_ / "test.db").string());
    store::migrate(*db_);
  }
  ~TempDb() {
    db_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  TempDb(const TempDb&) = delete;
  TempDb& operator=(const TempDb&) = delete;
  store::Connection& db() { return *db_; }
  std::filesystem::path dir() const { return dir_; }

private:
  std::filesystem::path dir_;
  std::unique_ptr<store::Connection> db_;
};

inline TimePoint at(const char* rfc3339) { return *parse_rfc3339(rfc3339); }

struct Fixture {
  TempDb temp;
  store::Connection& db = temp.db();
  ManualClock clock{at("2026-11-27T08:00:00Z")};
  Policy policy;

  Fixture() {
    store::Transaction tx(db);
    upsert_supplies(db,
                    {Supply{kGloves, "Nitrile exam gloves M (box 100)", "box", "Henry Schein", 20, 8, 24},
                     Supply{kPouches, "Self-seal pouch 3.5x9 (200)", "box", "Henry Schein", 10, 4, 12},
                     Supply{kHibcSupply, "Dental implant 4.0x10 mm", "each", "Straumann", 6, 2, 6}},
                    clock.now());
    tx.commit();
  }
  Supply supply(const std::string& code) { return *find_supply(db, code); }
  std::int64_t count_rows(const std::string& sql) { return db.query_int(sql).value_or(-1); }
  bool alert_open(const std::string& kind, const std::string& subject) {
    return db.query_int("SELECT 1 FROM alerts WHERE kind = ? AND subject = ? AND state <> 'resolved'", kind, subject)
        .has_value();
  }
  std::int64_t alert_rows(const std::string& kind, const std::string& subject) {
    return db.query_int("SELECT count(*) FROM alerts WHERE kind = ? AND subject = ?", kind, subject).value_or(0);
  }
};

// A parsed GS1 label, as codes::parse would give it.
inline codes::Code gs1(const std::string& gtin, std::optional<std::string> lot = std::nullopt,
                       std::optional<std::chrono::year_month_day> expiry = std::nullopt,
                       std::optional<std::int64_t> count = std::nullopt) {
  codes::Code c;
  c.kind = codes::Kind::gs1;
  c.text = "]d201" + gtin;
  c.gtin = gtin;
  c.ai.emplace_back("01", gtin);
  if (expiry) {
    c.expiry = expiry;
    const auto text = format_date(*expiry);
    const std::string yymmdd = text.substr(2, 2) + text.substr(5, 2) + text.substr(8, 2);
    c.text += "17" + yymmdd;
    c.ai.emplace_back("17", yymmdd);
  }
  if (count) {
    c.count = count;
    c.text += "37" + std::to_string(*count) + std::string(1, codes::kGroupSeparator);
    c.ai.emplace_back("37", std::to_string(*count));
  }
  if (lot) {
    c.lot = lot;
    c.text += "10" + *lot;
    c.ai.emplace_back("10", *lot);
  }
  return c;
}

inline codes::Code bare_gtin(const std::string& gtin) {
  codes::Code c;
  c.kind = codes::Kind::gtin;
  c.text = gtin;
  c.gtin = gtin;
  return c;
}

inline codes::Code hibc(const std::string& labeler, const std::string& product, std::optional<std::string> lot,
                        std::optional<std::chrono::year_month_day> expiry, std::optional<std::int64_t> quantity) {
  codes::Code c;
  c.kind = codes::Kind::hibc;
  c.text = "+" + labeler + product + "1/$$...";
  c.labeler = labeler;
  c.product = product;
  c.unit = 1;
  c.lot = lot;
  c.expiry = expiry;
  c.count = quantity;
  return c;
}

}  // namespace steritrack::inventory::test
