// steritrack decode, driven through the CLI parser as main() does, with an
// injected clock and captured output. No database is involved.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/cli.hpp"
#include "common/clock.hpp"
#include "support/paths.hpp"

namespace {

using namespace steritrack;
using Json = nlohmann::ordered_json;

struct Run {
  int exit_code = 0;
  std::string out;
  std::string error;
};

const std::string kImages = test_paths::data() + "/images/";

Run run(std::vector<std::string> args, std::chrono::year_month_day today = std::chrono::year{2026} / 3 / 15) {
  ManualClock clock(std::chrono::sys_days{today});
  cli::Context ctx;
  std::ostringstream out, err;
  ctx.out = &out;
  ctx.err = &err;
  ctx.clock = &clock;
  ctx.db_option = "/nonexistent/decode-must-not-open.db";
  CLI::App app;
  app.require_subcommand(1);
  app.fallthrough();
  app.add_option("--format", ctx.format_option);
  cli::add_decode_commands(app, ctx);
  args.insert(args.begin(), "steritrack");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  Run r;
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const cli::Failure& f) {
    r.exit_code = f.exit_code();
    r.error = f.what();
  }
  r.out = out.str();
  return r;
}

}  // namespace

TEST_CASE("decode CODE --format json: one object with the fields found", "[cli][decode]") {
  const auto r = run({"decode", "]d2010950600013435217281231" "10ABC<GS>21X9", "--format", "json"});
  REQUIRE(r.exit_code == 0);
  const auto j = Json::parse(r.out);
  CHECK(j["kind"] == "gs1");
  CHECK(j["gtin"] == "09506000134352");
  CHECK(j["lot"] == "ABC");
  CHECK(j["serial"] == "X9");
  CHECK(j["expiry"] == "2028-12-31");
  CHECK_FALSE(j.contains("count"));
  // AI -> raw value, in scan order.
  REQUIRE(j["ai"].size() == 4);
  std::vector<std::string> order;
  for (const auto& [ai, value] : j["ai"].items()) order.push_back(ai);
  CHECK(order == std::vector<std::string>{"01", "17", "10", "21"});
  CHECK(j["ai"]["17"] == "281231");

  // \x1D works as well as <GS>, and --format before the command words.
  const auto escaped = run({"--format", "json", "decode", "]d2010950600013435217281231" "10ABC\\x1D21X9"});
  REQUIRE(escaped.exit_code == 0);
  CHECK(Json::parse(escaped.out) == j);
}

TEST_CASE("decode: counts are numbers, dates YYYY-MM-DD, GTINs 14 digits", "[cli][decode]") {
  const auto logistic =
      run({"decode", "--format", "json", "]C100006141411234567890" "0200614141000012" "3748<GS>11250601"});
  REQUIRE(logistic.exit_code == 0);
  const auto j = Json::parse(logistic.out);
  CHECK(j["count"] == 48);
  CHECK(j["count"].is_number_integer());
  CHECK(j["sscc"] == "006141411234567890");
  CHECK(j["gtin"] == "00614141000012");
  CHECK(j["production_date"] == "2025-06-01");

  const auto ean = Json::parse(run({"decode", "--format", "json", "4006381333931"}).out);
  CHECK(ean["kind"] == "gtin");
  CHECK(ean["gtin"] == "04006381333931");
  CHECK_FALSE(ean.contains("ai"));
}

TEST_CASE("decode: HIBC, labels and command cards", "[cli][decode]") {
  const auto hibc = Json::parse(run({"decode", "--format", "json", "+H123ABC01231/$$3280615LOT77Y"}).out);
  CHECK(hibc["kind"] == "hibc");
  CHECK(hibc["labeler"] == "H123");
  CHECK(hibc["product"] == "ABC0123");
  CHECK(hibc["unit"] == 1);
  CHECK(hibc["lot"] == "LOT77");
  CHECK(hibc["expiry"] == "2028-06-15");

  const auto tray = Json::parse(run({"decode", "--format", "json", "T-ORTHO-03"}).out);
  CHECK(tray["kind"] == "tray");
  CHECK(tray["label"] == "T-ORTHO-03");
  const auto badge = Json::parse(run({"decode", "--format", "json", "U-0042"}).out);
  CHECK(badge["kind"] == "operator");
  const auto card = Json::parse(run({"decode", "--format", "json", "CMD-RECEIVE"}).out);
  CHECK(card["kind"] == "command");
  CHECK(card["command"] == "RECEIVE");
}

TEST_CASE("decode: an invalid code exits 1 with the reason", "[cli][decode]") {
  const auto r = run({"decode", "0109506000134353"});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.error.find("check digit 3 is wrong, the digits before it give 2") != std::string::npos);
  const auto missing_gs = run({"decode", "0109506000134352" "10ABC21X9ABCDEFGHIJKLMNOP"});
  CHECK(missing_gs.exit_code == 1);
  CHECK(missing_gs.error.find("separator is probably missing") != std::string::npos);
  const auto nothing = run({"decode"});
  CHECK(nothing.exit_code == 2);
}

TEST_CASE("decode: today's date comes from the clock", "[cli][decode]") {
  const auto in_2026 = Json::parse(run({"decode", "--format", "json", "0109506000134352" "17770101"}).out);
  CHECK(in_2026["expiry"] == "1977-01-01");
  const auto in_2030 = Json::parse(
      run({"decode", "--format", "json", "0109506000134352" "17770101"}, std::chrono::year{2030} / 1 / 1).out);
  CHECK(in_2030["expiry"] == "2077-01-01");
}

TEST_CASE("decode --gs-substitute maps the station's stand-in for GS", "[cli][decode]") {
  const auto refused = run({"decode", "0109506000134352" "10ABC~21X9"});
  CHECK(refused.exit_code == 1);
  CHECK(refused.error.find("set gs_substitute") != std::string::npos);
  const auto r = run({"decode", "--format", "json", "--gs-substitute", "~", "0109506000134352" "10ABC~21X9"});
  REQUIRE(r.exit_code == 0);
  CHECK(Json::parse(r.out)["serial"] == "X9");
}

TEST_CASE("decode: the table is for people", "[cli][decode]") {
  const auto r = run({"decode", "]d2010950600013435217281231" "10ABC<GS>21X9"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("gs1 (GS1 element string)") != std::string::npos);
  CHECK(r.out.find("10ABC<GS>21X9") != std::string::npos);  // the separator made visible
  CHECK(r.out.find("expiry date") != std::string::npos);
  CHECK(r.out.find("catalog code  09506000134352") != std::string::npos);
  const auto csv = run({"decode", "--format", "csv", "+H123ABC01231/$$3280615LOT77Y"});
  CHECK(csv.out.find("kind,label,command,gtin,labeler,product,unit,lot") == 0);
  CHECK(csv.out.find("hibc,,,,H123,ABC0123,1,LOT77,,2028-06-15") != std::string::npos);
}

TEST_CASE("decode --image: an array in reading order, with text and symbology", "[cli][decode][images]") {
  const auto r = run({"decode", "--image", kImages + "multi_grid.png", "--format", "json"});
  REQUIRE(r.exit_code == 0);
  const auto a = Json::parse(r.out);
  REQUIRE(a.is_array());
  REQUIRE(a.size() == 4);
  CHECK(a[0]["symbology"] == "DataMatrix");
  CHECK(a[0]["text"] == "]d2010950600013435217281231" "10ABC\x1D" "21X9");
  CHECK(a[0]["kind"] == "gs1");
  CHECK(a[0]["gtin"] == "09506000134352");
  CHECK(a[1]["symbology"] == "Code128");
  CHECK(a[1]["kind"] == "tray");
  CHECK(a[2]["symbology"] == "EAN-13");
  CHECK(a[2]["gtin"] == "04006381333931");
  CHECK(a[3]["symbology"] == "QRCode");
  CHECK(a[3]["lot"] == "QR1");

  const auto table = run({"decode", "--image", kImages + "hibc_two_symbols.png"});
  REQUIRE(table.exit_code == 0);
  CHECK(table.out.find("labeler H123") != std::string::npos);
  CHECK(table.out.find("link I") != std::string::npos);
}

TEST_CASE("decode --image: a barcode that is no known code is listed with its reason", "[cli][decode][images]") {
  const auto r = run({"decode", "--image", kImages + "unknown_label.png", "--format", "json"});
  CHECK(r.exit_code == 1);
  CHECK(r.error.find("1 of 2 barcodes in") != std::string::npos);
  const auto a = Json::parse(r.out);
  REQUIRE(a.size() == 2);
  CHECK(a[0]["text"] == "HELLO-WORLD");
  CHECK(a[0]["error"].get<std::string>().find("is not a code steritrack knows") != std::string::npos);
  CHECK_FALSE(a[0].contains("kind"));
  CHECK(a[1]["kind"] == "tray");
  const auto table = run({"decode", "--image", kImages + "unknown_label.png"});
  CHECK(table.out.find("refused") != std::string::npos);
}

TEST_CASE("decode --image: nothing found, not an image, no file", "[cli][decode][images]") {
  const auto empty = run({"decode", "--image", kImages + "empty.jpg", "--format", "json"});
  CHECK(empty.exit_code == 1);
  CHECK(Json::parse(empty.out) == Json::array());
  CHECK(empty.error.find("no barcode found") != std::string::npos);
  const auto text = run({"decode", "--image", kImages + "expected.tsv"});
  CHECK(text.exit_code == 1);
  CHECK(text.error.find("not a PNG or JPEG image") != std::string::npos);
  const auto missing = run({"decode", "--image", kImages + "missing.png"});
  CHECK(missing.exit_code == 1);
  CHECK(missing.error.find("cannot read") != std::string::npos);
}
