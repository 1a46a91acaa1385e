#include <catch2/catch.hpp>

#include "common/csv.hpp"
#include "sterilization/trays.hpp"
#include "workflow_fixture.hpp"
#include "support/paths.hpp"

namespace steritrack::sterilization {
namespace {

Result<std::vector<TrayRecord>> trays_from(const std::string& text) {
  auto table = csv::Table::parse("trays.csv", text, kTrayColumns);
  if (!table) return fail(table.error());
  return read_trays(*table);
}

Result<std::vector<InstrumentRecord>> instruments_from(const std::string& text) {
  auto table = csv::Table::parse("instruments.csv", text, kInstrumentColumns);
  if (!table) return fail(table.error());
  return read_instruments(*table);
}

}  // namespace

TEST_CASE("recipes parse, format and compare", "[sterilization][trays]") {
  const auto r = parse_recipe(" mirror:2; probe : 1 ;");
  REQUIRE(r);
  CHECK(*r == Recipe{{"mirror", 2}, {"probe", 1}});
  CHECK(format_recipe(*r) == "mirror:2;probe:1");

  const auto check = compare(*r, Recipe{{"mirror", 1}, {"probe", 2}, {"scaler", 1}});
  CHECK(check.missing == Recipe{{"mirror", 1}});
  CHECK(check.extra == Recipe{{"probe", 1}, {"scaler", 1}});
  CHECK_FALSE(check.complete());
  CHECK(compare(*r, *r).complete());
  CHECK(describe(check.missing) == "mirror x1");

  CHECK_THAT(parse_recipe("").error(), Catch::Contains("empty recipe"));
  CHECK_THAT(parse_recipe("mirror").error(), Catch::Contains("TYPE:COUNT"));
  CHECK_THAT(parse_recipe("mirror:0").error(), Catch::Contains("whole number"));
  CHECK_THAT(parse_recipe("mirror:x").error(), Catch::Contains("whole number"));
  CHECK_THAT(parse_recipe("mirror:1;;probe:1").error(), Catch::Contains("empty item"));
  CHECK_THAT(parse_recipe("mirror:1;mirror:2").error(), Catch::Contains("twice"));
}

TEST_CASE("the example tray catalog imports", "[sterilization][trays]") {
  auto table = csv::Table::read(test_paths::data() + "/trays.csv", kTrayColumns);
  REQUIRE(table);
  const auto trays = read_trays(*table);
  REQUIRE(trays);
  REQUIRE(trays->size() == 4);
  CHECK((*trays)[0].id == "T-EXAM-01");
  CHECK_FALSE((*trays)[0].shelf_life_days);
  CHECK((*trays)[3].implants);
  CHECK((*trays)[3].shelf_life_days == 30);
  CHECK((*trays)[3].recipe.at("drill") == 4);
}

TEST_CASE("a bad tray file names file, line and field for every problem", "[sterilization][trays]") {
  const auto r = trays_from(
      "tray,name,recipe,implants,shelf_life_days\n"
      "T-A,Tray A,mirror:1,no,\n"
      "X-B,Tray B,mirror:1,maybe,0\n"
      "T-A,,mirror,no,abc\n");
  REQUIRE_FALSE(r);
  const std::string& e = r.error();
  CHECK_THAT(e, Catch::Contains("trays.csv, line 3, field tray: 'X-B' is not a tray label"));
  CHECK_THAT(e, Catch::Contains("trays.csv, line 3, field implants: 'maybe': must be yes or no"));
  CHECK_THAT(e, Catch::Contains("trays.csv, line 3, field shelf_life_days"));
  CHECK_THAT(e, Catch::Contains("trays.csv, line 4, field tray: T-A appears twice"));
  CHECK_THAT(e, Catch::Contains("trays.csv, line 4, field name: empty"));
  CHECK_THAT(e, Catch::Contains("trays.csv, line 4, field recipe"));
  CHECK_THAT(e, Catch::Contains("trays.csv, line 4, field shelf_life_days: 'abc'"));
}

TEST_CASE("the header must name exactly the import's columns", "[sterilization][trays]") {
  const auto missing = trays_from("tray,name,recipe,implants\nT-A,A,m:1,no\n");
  REQUIRE_FALSE(missing);
  CHECK_THAT(missing.error(), Catch::Contains("trays.csv, line 1: missing column \"shelf_life_days\""));
  const auto unknown = trays_from("tray,name,recipe,implants,shelf_life_days,colour\nT-A,A,m:1,no,,red\n");
  REQUIRE_FALSE(unknown);
  CHECK_THAT(unknown.error(), Catch::Contains("unknown column \"colour\""));
  const auto short_row = trays_from("tray,name,recipe,implants,shelf_life_days\nT-A,A,m:1,no\n");
  REQUIRE_FALSE(short_row);
  CHECK_THAT(short_row.error(), Catch::Contains("line 2: 4 fields, expected 5"));
}

TEST_CASE("CSV quoting, CRLF and a byte order mark", "[sterilization][trays]") {
  const auto r = trays_from(
      "\xEF\xBB\xBFtray,name,recipe,implants,shelf_life_days\r\n"
      "T-A,\"Tray, \"\"big\"\"\",mirror:1,yes,14\r\n"
      "\r\n");
  REQUIRE(r);
  REQUIRE(r->size() == 1);
  CHECK((*r)[0].name == "Tray, \"big\"");
  CHECK((*r)[0].shelf_life_days == 14);
  const auto open = csv::parse("a,\"b\n");
  REQUIRE_FALSE(open);
  CHECK_THAT(open.error(), Catch::Contains("line 1"));
}

TEST_CASE("instruments: I- labels and UDI GTIN/serial, normalised to GTIN-14", "[sterilization][trays]") {
  const auto r = instruments_from(
      "instrument,type,name\n"
      "I-000101,mirror,Mirror\n"
      "0614141000098/SN-A1,driver,Driver\n");  // a GTIN-13
  REQUIRE(r);
  CHECK((*r)[1].id == "00614141000098/SN-A1");

  const auto bad = instruments_from(
      "instrument,type,name\n"
      "00614141000099/SN-A1,driver,Bad check digit\n"
      "00614141000098/,driver,No serial\n"
      "X-1,mirror,Not a label\n"
      "I-1,,No type\n");
  REQUIRE_FALSE(bad);
  CHECK_THAT(bad.error(), Catch::Contains("instruments.csv, line 2, field instrument"));
  CHECK_THAT(bad.error(), Catch::Contains("check digit"));
  CHECK_THAT(bad.error(), Catch::Contains("instruments.csv, line 3, field instrument"));
  CHECK_THAT(bad.error(), Catch::Contains("instruments.csv, line 4, field instrument"));
  CHECK_THAT(bad.error(), Catch::Contains("instruments.csv, line 5, field type"));
}

TEST_CASE("a scanned code names an instrument by label or UDI", "[sterilization][trays]") {
  using test::instrument;
  using test::udi;
  CHECK(*instrument_key(instrument("I-000101")) == "I-000101");
  CHECK(*instrument_key(udi("00614141000098", "SN-A1")) == "00614141000098/SN-A1");
  codes::Code no_serial = udi("00614141000098", "x");
  no_serial.serial.reset();
  CHECK_THAT(instrument_key(no_serial).error(), Catch::Contains("without a serial"));
  CHECK_FALSE(instrument_key(test::tray("T-EXAM-01")));
}

TEST_CASE("importing again updates the catalog", "[sterilization][trays]") {
  test::WorkflowDb w;
  const auto edited = trays_from(
      "tray,name,recipe,implants,shelf_life_days\n"
      "T-EXAM-01,Exam cassette (new),mirror:2,no,60\n"
      "T-NEW-01,New tray,probe:1,no,\n");
  REQUIRE(edited);
  store::Transaction tx(*w.db);
  const ImportCount n = upsert_trays(*w.db, *edited);
  tx.commit();
  CHECK(n.added == 1);
  CHECK(n.updated == 1);
  const auto t = find_tray(*w.db, "T-EXAM-01");
  REQUIRE(t);
  CHECK(t->name == "Exam cassette (new)");
  CHECK(t->recipe == Recipe{{"mirror", 2}});
  CHECK(t->shelf_life_days == 60);
}

}  // namespace steritrack::sterilization
