// The inventory commands in process: real argument parsing, a real database
// file, the three output formats.
#include <fstream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/cli.hpp"
#include "inventory/stock.hpp"
#include "../inventory/inventory_fixture.hpp"

using namespace steritrack;
using namespace steritrack::inventory::test;
using namespace std::chrono;

namespace {

struct Cli {
  explicit Cli(Fixture& fixture) : f(fixture) {}
  Fixture& f;
  std::ostringstream out;
  std::ostringstream err;

  // Runs one command line; returns the output, throws cli::Failure like main sees it.
  std::string run(std::vector<std::string> args) {
    out.str("");
    cli::Context ctx;
    ctx.out = &out;
    ctx.err = &err;
    ctx.clock = &f.clock;
    ctx.db_option = f.db.path();
    CLI::App app{"steritrack"};
    app.require_subcommand(1);
    app.fallthrough();
    app.add_option("--db", ctx.db_option);
    app.add_option("--format", ctx.format_option)->check(CLI::IsMember({"table", "csv", "json"}));
    cli::add_inventory_commands(app, ctx);
    std::vector<const char*> argv{"steritrack"};
    for (const auto& a : args) argv.push_back(a.c_str());
    app.parse(static_cast<int>(argv.size()), argv.data());
    return out.str();
  }
};

void receive(Fixture& f, const std::string& code, const std::string& lot, std::optional<year_month_day> expiry,
             std::int64_t n) {
  store::Transaction tx(f.db);
  inventory::receive(f.db, f.supply(code), inventory::LabelLot{lot, expiry}, n, "L-STORE-1",
                     inventory::Origin{std::nullopt, "desk", "", f.clock.now()}, f.policy);
  tx.commit();
}

}  // namespace

TEST_CASE("cli: supplies import reports, and a bad file names line and field", "[cli][inventory]") {
  Fixture f;
  Cli cli{f};
  const std::string good = (f.temp.dir() / "good.csv").string();
  std::ofstream(good) << "code,name,unit,vendor,par_level,reorder_point,reorder_qty\n"
                         "00614141000036,\"Steam BI vials (25)\",box,3M,4,1,4\n"
                         "00614141000012,\"Nitrile exam gloves M (box 100)\",box,Henry Schein,20,8,24\n";
  CHECK(cli.run({"supplies", "import", good}) == good + ": 2 supplies imported (1 added, 1 updated)\n");
  CHECK(cli.run({"--format", "csv", "supplies", "import", good}) == "file,added,updated\n" + good + ",0,2\n");

  const std::string bad = (f.temp.dir() / "bad.csv").string();
  std::ofstream(bad) << "code,name,unit,vendor,par_level,reorder_point,reorder_qty\n"
                        "00614141000043,Integrators,box,3M,4,2,4\n"
                        "00614141000050,Bowie-Dick pack,each,3M,30,10,x\n";
  try {
    cli.run({"supplies", "import", bad});
    FAIL("no failure");
  } catch (const cli::Failure& e) {
    CHECK(std::string{e.what()} ==
          bad + ", line 3, field reorder_qty: \"x\" is not a whole number\nnothing was imported");
    CHECK(e.exit_code() == 1);
  }
  CHECK_FALSE(inventory::find_supply(f.db, "00614141000043"));
}

TEST_CASE("cli: stock, reorder and orders in csv and json", "[cli][inventory]") {
  Fixture f;
  Cli cli{f};
  receive(f, kGloves, "A12", 2027y / March / 31, 7);
  receive(f, kPouches, "", std::nullopt, 10);

  CHECK(cli.run({"stock", "--format", "csv"}) ==
        "code,name,lot,expiry,location,quantity\n"
        "00614141000012,Nitrile exam gloves M (box 100),A12,2027-03-31,L-STORE-1,7\n"
        "00614141000029,Self-seal pouch 3.5x9 (200),,,L-STORE-1,10\n");
  const auto stock = nlohmann::json::parse(cli.run({"--format", "json", "stock"}));
  CHECK(stock[1]["lot"].is_null());
  CHECK(stock[1]["quantity"] == 10);

  CHECK(cli.run({"--format", "csv", "reorder"}) ==
        "code,name,vendor,on_hand,on_order,reorder_point,par_level,suggested_qty\n"
        "00614141000012,Nitrile exam gloves M (box 100),Henry Schein,7,0,8,20,24\n"
        "H123ABC0123,Dental implant 4.0x10 mm,Straumann,0,0,2,6,6\n");
  CHECK(cli.run({"--format", "csv", "reorder", "--vendor", "Straumann"}) ==
        "code,name,vendor,on_hand,on_order,reorder_point,par_level,suggested_qty\n"
        "H123ABC0123,Dental implant 4.0x10 mm,Straumann,0,0,2,6,6\n");

  CHECK(cli.run({"orders", "add", "614141000012", "24"}) ==
        "Order 1 placed: 24 × Nitrile exam gloves M (box 100) from Henry Schein (open, 0 received)\n");
  CHECK_FALSE(f.alert_open("reorder", kGloves));
  const auto orders = nlohmann::json::parse(cli.run({"orders", "list", "--format", "json"}));
  REQUIRE(orders.size() == 1);
  CHECK(orders[0]["id"] == 1);
  CHECK(orders[0]["code"] == kGloves);
  CHECK(orders[0]["quantity"] == 24);
  CHECK(orders[0]["received"] == 0);
  CHECK(orders[0]["status"] == "open");
  CHECK(orders[0]["created"] == "2026-11-27T08:00:00Z");
  CHECK(cli.run({"--format", "csv", "orders", "cancel", "1"}) ==
        "id,code,name,vendor,quantity,received,status,created\n"
        "1,00614141000012,Nitrile exam gloves M (box 100),Henry Schein,24,0,cancelled,2026-11-27T08:00:00Z\n");
  CHECK(f.alert_open("reorder", kGloves));
  CHECK_THROWS_WITH(cli.run({"orders", "cancel", "1"}), "order 1 is already cancelled");
  CHECK_THROWS_WITH(cli.run({"orders", "add", "00614141000999", "3"}),
                    Catch::Contains("00614141000999 is not in the supplies catalog"));
}

TEST_CASE("cli: supplies unknown, stock --discrepancies, transfer", "[cli][inventory]") {
  Fixture f;
  Cli cli{f};
  inventory::record_unknown(f.db, "00614141000999", "0100614141000999", "desk", f.clock.now());
  CHECK(cli.run({"supplies", "unknown", "--format", "csv"}) ==
        "code,times_scanned,last_station,first_seen,last_seen,last_text\n"
        "00614141000999,1,desk,2026-11-27T08:00:00Z,2026-11-27T08:00:00Z,0100614141000999\n");

  receive(f, kGloves, "A12", 2027y / March / 31, 5);
  receive(f, kGloves, "B1", 2027y / June / 30, 5);
  CHECK_THROWS_WITH(cli.run({"transfer", kGloves, "2", "--from", "L-STORE-1", "--to", "L-OP-1"}),
                    Catch::Contains("several lots at L-STORE-1 (A12, B1): choose one with --lot"));
  CHECK(cli.run({"transfer", kGloves, "2", "--lot", "B1", "--from", "L-STORE-1", "--to", "L-OP-1"}) ==
        "Moved 2 × Nitrile exam gloves M (box 100) lot B1 from L-STORE-1 to L-OP-1 — 2 there now\n");
  CHECK(cli.run({"transfer", kGloves, "1", "--from", "L-OP-1", "--to", "L-OP-2"}) ==
        "Moved 1 × Nitrile exam gloves M (box 100) lot B1 from L-OP-1 to L-OP-2 — 1 there now\n");

  {
    store::Transaction tx(f.db);
    inventory::consume(f.db, f.supply(kGloves), std::nullopt, 2, "L-OP-1",
                       inventory::Origin{std::nullopt, "op-1", "U-7", f.clock.now()}, f.policy);
    tx.commit();
  }
  CHECK(cli.run({"stock", "--discrepancies", "--format", "csv"}) ==
        "at,code,name,lot,location,shortfall,station,operator\n"
        "2026-11-27T08:00:00Z,00614141000012,Nitrile exam gloves M (box 100),B1,L-OP-1,1,op-1,U-7\n");
}
