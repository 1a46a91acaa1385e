// Supplies end to end: the real steritrackd and steritrack binaries, a real
// mosquitto. Receive by GS1 with counts (raw and JSON scans, a repeated scan
// id), consume below the reorder point -> the reorder alert is published, an
// order placed with the CLI clears it on MQTT, the receipt fills the order.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "integration/fixture.hpp"
#include "support/paths.hpp"

using namespace steritrack::testkit;

namespace {

const std::string kGloves = "00614141000012";  // reorder point 8, par 20, reorder qty 24
const std::string kPouches = "00614141000029";
const std::string kGS = "\x1D";

struct Desk {
  TestClient& mqtt;
  // Publishes one scan to the desk station and returns its feedback.
  nlohmann::json scan(const std::string& payload) {
    mqtt.publish("steritrack/scan/desk", payload);
    const auto fb = mqtt.wait_for("steritrack/station/desk/feedback");
    REQUIRE(fb);
    return nlohmann::json::parse(fb->payload);
  }
};

std::string cli_ok(const std::vector<std::string>& args) {
  const auto r = run_cli_args(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

bool is_open_alert(const Message& m, const std::string& text) {
  if (m.payload.empty()) return false;
  const auto j = nlohmann::json::parse(m.payload);
  return j["state"] == "open" && j["message"].get<std::string>().find(text) != std::string::npos;
}

}  // namespace

TEST_CASE("inventory: receive, consume to the reorder point, order, receipt", "[inventory]") {
  Broker broker;
  Daemon daemon(broker);
  const std::string db = daemon.db_path();
  cli_ok({"init", "--db", db});
  cli_ok({"supplies", "import", test_paths::data() + "/supplies.csv", "--db", db});

  TestClient mqtt(broker.url());
  mqtt.subscribe("steritrack/station/desk/feedback");
  mqtt.subscribe("steritrack/alerts/#");
  daemon.start_ready();
  Desk desk{mqtt};

  // The catalog was imported with nothing on hand: its alerts are published.
  REQUIRE(mqtt.wait_for("steritrack/alerts/reorder/" + kGloves,
                        [](const Message& m) { return is_open_alert(m, "0 on hand"); }));

  CHECK(desk.scan("U-0042")["ok"] == true);
  CHECK(desk.scan("CMD-RECEIVE")["mode"] == "RECEIVE");

  // Raw GS1 with a symbology identifier: GTIN, expiry, count (AI 37, variable: GS after it), lot.
  auto fb = desk.scan("]d201" + kGloves + "17270331" + "3724" + kGS + "10A12");
  CHECK(fb["ok"] == true);
  CHECK(fb["message"] == "Received 24 × Nitrile exam gloves M (box 100) lot A12 exp 2027-03-31 — on hand 24");
  // 24 > reorder point 8: the reorder alert clears (empty retained message).
  CHECK(mqtt.wait_for_payload("steritrack/alerts/reorder/" + kGloves, ""));
  CHECK(mqtt.wait_for_payload("steritrack/alerts/stockout/" + kGloves, ""));

  // A JSON scan in human-readable form with AI 30, then the same scan id again.
  const std::string json_scan =
      R"({"id":"desk-0001","code":"(01)00614141000029(17)270630(30)12(10)P7","ts":"2026-11-27T08:00:00Z"})";
  fb = desk.scan(json_scan);
  CHECK(fb["ok"] == true);
  CHECK(fb["message"] == "Received 12 × Self-seal sterilization pouch 3.5x9 (200) lot P7 exp 2027-06-30 — on hand 12");
  CHECK(fb["id"] == "desk-0001");
  const auto repeated = desk.scan(json_scan);
  CHECK(repeated["message"] == fb["message"]);
  CHECK(cli_ok({"stock", "--db", db, "--format", "csv"}) ==
        "code,name,lot,expiry,location,quantity\n"
        "00614141000012,Nitrile exam gloves M (box 100),A12,2027-03-31,L-STORE-1,24\n"
        "00614141000029,Self-seal sterilization pouch 3.5x9 (200),P7,2027-06-30,L-STORE-1,12\n");

  // Consume a 16-box label: 8 left, at the reorder point.
  CHECK(desk.scan("CMD-CONSUME")["mode"] == "CONSUME");
  fb = desk.scan("01" + kGloves + "3716");
  CHECK(fb["ok"] == true);
  CHECK(fb["message"] ==
        "Consumed 16 × Nitrile exam gloves M (box 100) lot A12 exp 2027-03-31 — on hand 8 — at or below the reorder "
        "point");
  const auto raised = mqtt.wait_for("steritrack/alerts/reorder/" + kGloves,
                                    [](const Message& m) { return is_open_alert(m, "8 on hand + 0 on order"); });
  REQUIRE(raised);
  CHECK(nlohmann::json::parse(raised->payload)["severity"] == "warning");

  // The reorder list says what to order; the order placed with the CLI clears the alert on MQTT.
  CHECK(cli_ok({"reorder", "--db", db, "--format", "csv", "--vendor", "Henry Schein"}) ==
        "code,name,vendor,on_hand,on_order,reorder_point,par_level,suggested_qty\n"
        "00614141000012,Nitrile exam gloves M (box 100),Henry Schein,8,0,8,20,24\n");
  cli_ok({"orders", "add", kGloves, "24", "--db", db});
  CHECK(mqtt.wait_for_payload("steritrack/alerts/reorder/" + kGloves, "", std::chrono::seconds{15}));

  // The delivery arrives: receiving it fills the order.
  CHECK(desk.scan("CMD-RECEIVE")["mode"] == "RECEIVE");
  fb = desk.scan("]C101" + kGloves + "17280131" + "3724" + kGS + "10B3");
  CHECK(fb["message"] ==
        "Received 24 × Nitrile exam gloves M (box 100) lot B3 exp 2028-01-31 — on hand 32; order 1: 24 of 24 received");
  const auto orders = nlohmann::json::parse(cli_ok({"orders", "list", "--db", db, "--format", "json"}));
  REQUIRE(orders.size() == 1);
  CHECK(orders[0]["status"] == "received");
  CHECK(orders[0]["received"] == 24);

  // An unknown supply is refused, named, and listed for the office.
  fb = desk.scan("0100614141000999");
  CHECK(fb["ok"] == false);
  CHECK(fb["message"].get<std::string>().find("00614141000999") != std::string::npos);
  CHECK(cli_ok({"supplies", "unknown", "--db", db, "--format", "csv"}).find("00614141000999,1,desk,") !=
        std::string::npos);

  CHECK(daemon.terminate() == 0);
}
