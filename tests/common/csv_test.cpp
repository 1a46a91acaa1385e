#include <array>

#include <catch2/catch.hpp>

#include "common/csv.hpp"

using namespace steritrack;

TEST_CASE("CSV: plain, quoted, doubled quotes, commas and line breaks in quotes", "[csv]") {
  const auto r = csv::parse("a,b,c\n1,\"two, 2\",\"say \"\"hi\"\"\"\n\"multi\nline\",,x\n");
  REQUIRE(r);
  REQUIRE(r->size() == 3);
  CHECK((*r)[0].fields == std::vector<std::string>{"a", "b", "c"});
  CHECK((*r)[1].fields == std::vector<std::string>{"1", "two, 2", "say \"hi\""});
  CHECK((*r)[2].fields == std::vector<std::string>{"multi\nline", "", "x"});
  CHECK((*r)[2].line == 3);
}

TEST_CASE("CSV: CRLF, a BOM, blank lines, no final newline, line numbers follow the file", "[csv]") {
  const auto r = csv::parse("\xEF\xBB\xBFh1,h2\r\n\r\n\"a\r\nb\",c\r\nd,e");
  REQUIRE(r);
  REQUIRE(r->size() == 3);
  CHECK((*r)[0].fields[0] == "h1");
  CHECK((*r)[1].line == 3);
  CHECK((*r)[1].fields[0] == "a\r\nb");
  CHECK((*r)[2].line == 5);
  CHECK((*r)[2].fields == std::vector<std::string>{"d", "e"});
}

TEST_CASE("CSV: a trailing comma is an empty last field", "[csv]") {
  const auto r = csv::parse("a,\n");
  REQUIRE(r);
  CHECK((*r)[0].fields == std::vector<std::string>{"a", ""});
}

TEST_CASE("CSV: syntax errors name the line", "[csv]") {
  auto r = csv::parse("a,b\n\"open,c\nd\n");
  REQUIRE_FALSE(r);
  CHECK(r.error() == "line 2: a quoted field is not closed");
  r = csv::parse("a,b\nx,\"q\"z\n");
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error(), Catch::StartsWith("line 2: unexpected text after a closing quote"));
  r = csv::parse("a,b\n\nx,ab\"c\n");
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error(), Catch::StartsWith("line 3: a quote inside an unquoted field"));
}

TEST_CASE("CSV table: header checked, fields by column name, any column order", "[csv]") {
  constexpr std::array<std::string_view, 2> cols = {"code", "name"};
  const auto t = csv::Table::parse("f.csv", "name,code\nGloves,0001\n", cols);
  REQUIRE(t);
  REQUIRE(t->rows().size() == 1);
  CHECK(t->field(t->rows()[0], "code") == "0001");
  CHECK(t->field(t->rows()[0], "name") == "Gloves");
}

TEST_CASE("CSV table: every header and row-length problem is reported with file and line", "[csv]") {
  constexpr std::array<std::string_view, 2> cols = {"code", "name"};
  auto t = csv::Table::parse("f.csv", "code,nmae,code\n", cols);
  REQUIRE_FALSE(t);
  CHECK_THAT(t.error(), Catch::Contains("f.csv, line 1: unknown column \"nmae\""));
  CHECK_THAT(t.error(), Catch::Contains("f.csv, line 1: column \"code\" appears twice"));
  CHECK_THAT(t.error(), Catch::Contains("f.csv, line 1: missing column \"name\""));

  t = csv::Table::parse("f.csv", "code,name\na,b\nc\nd,e,f\n", cols);
  REQUIRE_FALSE(t);
  CHECK(t.error() == "f.csv, line 3: 1 fields, expected 2\nf.csv, line 4: 3 fields, expected 2");

  t = csv::Table::parse("f.csv", "", cols);
  REQUIRE_FALSE(t);
  CHECK_THAT(t.error(), Catch::Contains("expected a header line"));

  t = csv::Table::parse("f.csv", "code,name\n\"x\n", cols);
  REQUIRE_FALSE(t);
  CHECK(t.error() == "f.csv, line 2: a quoted field is not closed");

  t = csv::Table::read("/nonexistent/f.csv", cols);
  REQUIRE_FALSE(t);
  CHECK_THAT(t.error(), Catch::Contains("/nonexistent/f.csv: cannot open"));
}

TEST_CASE("CSV: where() names file, line and field", "[csv]") {
  CHECK(csv::where("s.csv", 4, "par_level") == "s.csv, line 4, field par_level");
  CHECK(csv::where("s.csv", 4) == "s.csv, line 4");
}
