#include <fstream>

#include <catch2/catch.hpp>

#include "inventory/catalog.hpp"
#include "inventory_fixture.hpp"
#include "support/paths.hpp"

using namespace steritrack;
using namespace steritrack::inventory;
using namespace steritrack::inventory::test;

namespace {

std::string write_file(const TempDb& temp, const std::string& name, const std::string& text) {
  const auto path = (temp.dir() / name).string();
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

const char* kHeader = "code,name,unit,vendor,par_level,reorder_point,reorder_qty\n";

}  // namespace

TEST_CASE("catalog codes: GTIN-8/12/13/14 with a valid check digit become GTIN-14", "[inventory][catalog]") {
  CHECK(*normalize_supply_code("00614141000012") == "00614141000012");
  CHECK(*normalize_supply_code("614141000012") == "00614141000012");     // UPC-A
  CHECK(*normalize_supply_code("9506000134352") == "09506000134352");    // EAN-13
  CHECK(*normalize_supply_code("96385074") == "00000096385074");         // EAN-8
  CHECK(*normalize_supply_code(" 10614141000019 ") == "10614141000019");  // GTIN-14, packaging level 1
  CHECK_THAT(normalize_supply_code("00614141000013").error(), Catch::Contains("check digit"));
  CHECK_THAT(normalize_supply_code("00614141000").error(), Catch::Contains("11 digits"));
  CHECK_THAT(normalize_supply_code("12345").error(), Catch::Contains("8, 12, 13 or 14"));
  CHECK_THAT(normalize_supply_code("").error(), Catch::Contains("empty"));
}

TEST_CASE("catalog codes: HIBC labeler+product, a leading + allowed, upper-cased", "[inventory][catalog]") {
  CHECK(*normalize_supply_code("H123ABC0123") == "H123ABC0123");
  CHECK(*normalize_supply_code("+h123abc0123") == "H123ABC0123");
  CHECK_FALSE(normalize_supply_code("1H23ABC"));    // a labeler starts with a letter
  CHECK_FALSE(normalize_supply_code("H123"));       // no product
  CHECK_FALSE(normalize_supply_code("H123-ABC"));   // not alphanumeric
  CHECK_FALSE(normalize_supply_code("H123ABCDEFGHIJKLMNOPQRS"));  // product longer than 18
}

TEST_CASE("supplies import: the example catalog imports, then re-import updates", "[inventory][catalog]") {
  TempDb temp;
  auto& db = temp.db();
  const auto now = at("2026-11-27T08:00:00Z");
  auto r = import_supplies(db, test_paths::data() + "/supplies.csv", now);
  REQUIRE(r);
  CHECK(r->added == 8);
  CHECK(r->updated == 0);
  const auto gloves = find_supply(db, kGloves);
  REQUIRE(gloves);
  CHECK(gloves->name == "Nitrile exam gloves M (box 100)");
  CHECK(gloves->vendor == "Henry Schein");
  CHECK(gloves->par_level == 20);
  CHECK(gloves->reorder_point == 8);
  CHECK(gloves->reorder_qty == 24);

  const auto edited = write_file(temp, "edited.csv",
                                 std::string{kHeader} +
                                     "614141000012,\"Nitrile exam gloves, size M (box of 100)\",box,\"Henry "
                                     "Schein\",30,10,24\r\n"
                                     "00614141000098,\"Prophy paste \"\"mint\"\" (200)\",box,Dentsply,5,2,5\r\n");
  r = import_supplies(db, edited, now);
  REQUIRE(r);
  CHECK(r->added == 1);
  CHECK(r->updated == 1);
  CHECK(find_supply(db, kGloves)->name == "Nitrile exam gloves, size M (box of 100)");
  CHECK(find_supply(db, kGloves)->par_level == 30);
  CHECK(find_supply(db, "00614141000098")->name == "Prophy paste \"mint\" (200)");
  CHECK(db.query_int("SELECT count(*) FROM supplies") == 9);
}

TEST_CASE("supplies import: one bad row writes nothing and names file, line and field", "[inventory][catalog]") {
  TempDb temp;
  auto& db = temp.db();
  const auto path = write_file(temp, "bad.csv",
                               std::string{kHeader} +
                                   "00614141000012,Gloves,box,Henry Schein,20,8,24\n"
                                   "00614141000029,\"Pouches\nlong name\",box,Henry Schein,10,4,12\n"
                                   "00614141000036,BI vials,box,3M,4,one,4\n");
  const auto r = import_supplies(db, path, at("2026-11-27T08:00:00Z"));
  REQUIRE_FALSE(r);
  // The bad row starts on line 5: the quoted line break of line 3 counts.
  CHECK(r.error() == path + ", line 5, field reorder_point: \"one\" is not a whole number");
  CHECK(db.query_int("SELECT count(*) FROM supplies") == 0);
  CHECK(db.query_int("SELECT count(*) FROM alerts") == 0);
}

TEST_CASE("supplies import: every problem is listed", "[inventory][catalog]") {
  TempDb temp;
  const auto path = write_file(temp, "bad.csv",
                               std::string{kHeader} +
                                   "00614141000013,Gloves,box,Henry Schein,20,8,24\n"
                                   "00614141000029,,box,Henry Schein,10,4,-1\n"
                                   "00614141000036,BI vials,box,3M,4,5,4\n"
                                   "614141000029,Pouches again,box,Henry Schein,10,4,12\n");
  const auto r = import_supplies(temp.db(), path, at("2026-11-27T08:00:00Z"));
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error(), Catch::Contains(", line 2, field code: \"00614141000013\" has a wrong GTIN check digit"));
  CHECK_THAT(r.error(), Catch::Contains(", line 3, field name: is empty"));
  CHECK_THAT(r.error(), Catch::Contains(", line 3, field reorder_qty: -1 is negative"));
  CHECK_THAT(r.error(), Catch::Contains(", line 4, field reorder_point: 5 is above par_level 4"));
  CHECK_THAT(r.error(), Catch::Contains(", line 5, field code: 00614141000029 is already on line 3"));
  CHECK(temp.db().query_int("SELECT count(*) FROM supplies") == 0);
}

TEST_CASE("supplies import: header problems and unreadable files", "[inventory][catalog]") {
  TempDb temp;
  auto path = write_file(temp, "cols.csv", "code,name,unit,vendor,par,reorder_point,reorder_qty\n");
  auto r = import_supplies(temp.db(), path, at("2026-11-27T08:00:00Z"));
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error(), Catch::Contains(path + ", line 1: unknown column \"par\""));
  CHECK_THAT(r.error(), Catch::Contains(path + ", line 1: missing column \"par_level\""));

  path = write_file(temp, "quote.csv", std::string{kHeader} + "00614141000012,\"Gloves,box,x,1,1,1\n");
  r = import_supplies(temp.db(), path, at("2026-11-27T08:00:00Z"));
  REQUIRE_FALSE(r);
  CHECK(r.error() == path + ", line 2: a quoted field is not closed");

  r = import_supplies(temp.db(), (temp.dir() / "missing.csv").string(), at("2026-11-27T08:00:00Z"));
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error(), Catch::Contains("missing.csv: cannot open the file"));
}

TEST_CASE("import raises reorder and stockout for supplies with nothing on hand", "[inventory][catalog]") {
  Fixture f;
  CHECK(f.alert_open("reorder", kGloves));
  CHECK(f.alert_open("stockout", kGloves));
  // Re-importing unchanged keeps the one alert.
  store::Transaction tx(f.db);
  upsert_supplies(f.db, {f.supply(kGloves)}, f.clock.now());
  tx.commit();
  CHECK(f.alert_rows("reorder", kGloves) == 1);
}

TEST_CASE("unknown codes are counted per code with the last station, and go away on import",
          "[inventory][catalog]") {
  Fixture f;
  record_unknown(f.db, "00614141000999", "0100614141000999", "desk", f.clock.now());
  f.clock.advance(std::chrono::minutes{5});
  record_unknown(f.db, "00614141000999", "]d20100614141000999", "op-1", f.clock.now());
  record_unknown(f.db, "H999XYZ", "+H999XYZ1A", "desk", f.clock.now());
  const auto unknown = unknown_codes(f.db);
  REQUIRE(unknown.size() == 2);
  const auto& u = unknown[0].code == "00614141000999" ? unknown[0] : unknown[1];
  CHECK(u.times_scanned == 2);
  CHECK(u.last_station == "op-1");
  CHECK(u.last_text == "]d20100614141000999");
  CHECK(u.first_seen == "2026-11-27T08:00:00Z");
  CHECK(u.last_seen == "2026-11-27T08:05:00Z");

  store::Transaction tx(f.db);
  upsert_supplies(f.db, {Supply{"00614141000999", "New thing", "each", "", 1, 0, 1}}, f.clock.now());
  tx.commit();
  REQUIRE(unknown_codes(f.db).size() == 1);
  CHECK(unknown_codes(f.db)[0].code == "H999XYZ");
}
