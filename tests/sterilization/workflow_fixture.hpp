#pragma once
// A real SQLite file in a temp folder, migrated, with two sterilizers and the
// example catalog; the workflow's handlers and cycle listener driven the way
// the daemon drives them (one transaction per scan or event), on a
// ManualClock.
#include <catch2/catch.hpp>

#include <filesystem>
#include <memory>
#include <string>

#include "alerts/alerts.hpp"
#include "codes/code.hpp"
#include "common/clock.hpp"
#include "common/csv.hpp"
#include "common/policy.hpp"
#include "common/time.hpp"
#include "report/chain.hpp"
#include "stations/station.hpp"
#include "sterilization/station_modes.hpp"
#include "sterilization/trays.hpp"
#include "sterilization/workflow.hpp"
#include "store/migrations.hpp"
#include "store/sqlite.hpp"
#include "support/temp_dir.hpp"
#include "support/paths.hpp"

namespace steritrack::sterilization::test {

inline TimePoint at(const char* rfc3339) { return *parse_rfc3339(rfc3339); }

inline codes::Code label(codes::Kind kind, const std::string& text) {
  codes::Code c;
  c.kind = kind;
  c.text = text;
  c.label = text;
  return c;
}
inline codes::Code tray(const std::string& id) { return label(codes::Kind::tray, id); }
inline codes::Code instrument(const std::string& id) { return label(codes::Kind::instrument, id); }
inline codes::Code sterilizer(const std::string& id) { return label(codes::Kind::sterilizer, "S-" + id); }
inline codes::Code case_label(const std::string& id) { return label(codes::Kind::case_label, id); }
inline codes::Code udi(const std::string& gtin14, const std::string& serial) {
  codes::Code c;
  c.kind = codes::Kind::gs1;
  c.text = "01" + gtin14 + "21" + serial;
  c.gtin = gtin14;
  c.serial = serial;
  return c;
}

class WorkflowDb {
 public:
  testkit::TempDir dir;
  std::unique_ptr<store::Connection> db;
  ManualClock clock{at("2026-11-27T07:00:00Z")};
  Policy policy;
  Workflow workflow{[this] { return policy; }};
  AssembleMode assemble;
  LoadMode load;
  IssueMode issue;
  ReturnMode return_mode;
  stations::Station bench{"bench", stations::Mode::assemble, "U-0042", "L-STERI", nullptr};
  stations::Station autoclave{"autoclave", stations::Mode::load, "U-0042", "L-STERI", nullptr};
  stations::Station operatory{"op1", stations::Mode::issue, "U-0077", "L-OP1", nullptr};
  stations::Station sink{"sink", stations::Mode::return_, "U-0077", "L-SINK", nullptr};

  WorkflowDb() {
    db = std::make_unique<store::Connection>((dir.path() / "steritrack.db").string());
    store::migrate(*db);
    db->execute(
        "INSERT INTO sterilizers (id, name, type, profile) VALUES ('A', 'Autoclave A', 'prevac', 'generic-json')");
    db->execute(
        "INSERT INTO sterilizers (id, name, type, profile) VALUES ('B', 'Autoclave B', 'gravity', 'generic-json')");
    const std::string data = test_paths::data();
    auto trays = csv::Table::read(data + "/trays.csv", kTrayColumns);
    REQUIRE(trays);
    auto tray_rows = read_trays(*trays);
    REQUIRE(tray_rows);
    auto instruments = csv::Table::read(data + "/instruments.csv", kInstrumentColumns);
    REQUIRE(instruments);
    auto instrument_rows = read_instruments(*instruments);
    REQUIRE(instrument_rows);
    store::Transaction tx(*db);
    upsert_trays(*db, *tray_rows);
    upsert_instruments(*db, *instrument_rows);
    tx.commit();
  }

  template <typename Step>
  stations::Outcome in_scan(stations::Station& station, Step step) {
    store::Transaction tx(*db);
    stations::ScanContext ctx{*db, station, policy, clock.now(), 0};
    stations::Outcome out = step(ctx);
    tx.commit();
    return out;
  }
  stations::Outcome scan(stations::Station& station, stations::ModeHandler& mode, const codes::Code& code) {
    return in_scan(station, [&](stations::ScanContext& ctx) { return mode.scan(ctx, code); });
  }
  stations::Outcome done(stations::Station& station, stations::ModeHandler& mode) {
    return in_scan(station, [&](stations::ScanContext& ctx) { return mode.done(ctx); });
  }
  stations::Outcome cancel(stations::Station& station, stations::ModeHandler& mode) {
    return in_scan(station, [&](stations::ScanContext& ctx) { return mode.cancel(ctx); });
  }

  // ASSEMBLE: the tray, these instruments, CMD-DONE.
  stations::Outcome assemble_tray(const std::string& id, const std::vector<std::string>& instruments = {}) {
    const auto opened = scan(bench, assemble, tray(id));
    REQUIRE(opened.ok);
    for (const auto& i : instruments) REQUIRE(scan(bench, assemble, instrument(i)).ok);
    return done(bench, assemble);
  }
  // LOAD: the sterilizer label, these packs, CMD-DONE.
  void load_packs(const std::string& sterilizer_id, const std::vector<std::string>& trays) {
    REQUIRE(scan(autoclave, load, sterilizer(sterilizer_id)).ok);
    for (const auto& t : trays) {
      const auto o = scan(autoclave, load, tray(t));
      INFO(o.message);
      REQUIRE(o.ok);
    }
    REQUIRE(done(autoclave, load).ok);
  }

  // What the cycle recorder does at cycle_start: the row, then the listener.
  std::int64_t start_cycle(const std::string& sterilizer_id, const std::string& cycle, const std::string& kind = "load",
                           const std::string& program = "prevac-132-4") {
    store::Transaction tx(*db);
    db->execute(
        "INSERT INTO cycles (sterilizer, cycle, program, program_kind, required_temp_c, required_exposure_s,"
        " tolerance_c, max_gap_s, start) VALUES (?, ?, ?, ?, 132.0, 240, 0.0, 30, ?)",
        sterilizer_id, cycle, program, kind, format_rfc3339(clock.now()));
    const std::int64_t row = db->last_insert_id();
    report::chain_record(*db, "cycle", sterilizer_id + "/" + cycle, clock.now());
    workflow.cycle_started(*db, row, clock.now());
    tx.commit();
    return row;
  }
  // What the recorder does at the verdict.
  void end_cycle(std::int64_t row, const std::string& verified = "pass") {
    store::Transaction tx(*db);
    db->execute("UPDATE cycles SET end = ?, device_result = ?, verified = ? WHERE id = ?", format_rfc3339(clock.now()),
                verified == "pass" ? "pass" : "fail", verified, row);
    const auto key = db->query_text("SELECT sterilizer || '/' || cycle FROM cycles WHERE id = ?", row);
    report::chain_record(*db, "cycle", *key, clock.now());
    workflow.cycle_verified(*db, row, clock.now());
    tx.commit();
  }
  std::int64_t run_cycle(const std::string& sterilizer_id, const std::string& cycle,
                         const std::string& verified = "pass") {
    const auto row = start_cycle(sterilizer_id, cycle);
    clock.advance(std::chrono::minutes{30});
    end_cycle(row, verified);
    clock.advance(std::chrono::minutes{5});
    return row;
  }

  std::string text(const std::string& sql) { return db->query_text(sql).value_or("<null>"); }
  std::string pack_state(const std::string& tray_id) {
    return db->query_text("SELECT state FROM packs WHERE tray = ? ORDER BY id DESC LIMIT 1", tray_id)
        .value_or("<none>");
  }
  std::string cycle_column(const std::string& column, const std::string& sterilizer_id, const std::string& cycle) {
    return db->query_text("SELECT " + column + " FROM cycles WHERE sterilizer = ? AND cycle = ?", sterilizer_id, cycle)
        .value_or("<null>");
  }
  bool alert_open(const std::string& kind, const std::string& subject) {
    return alerts::is_unresolved(*db, kind, subject);
  }

  // Every chained record the workflow writes has its newest chain entry
  // matching its current content: no write was left out of the chain.
  // (Alerts are chained by the alert engine's owner, not here.)
  void require_chain_current() {
    for (const report::RecordType& type : report::chained_record_types()) {
      if (type.name == "alert") continue;
      auto& s = db->query(type.select_all);
      std::vector<std::pair<std::string, std::string>> records;
      while (s.step()) {
        const store::Blob blob = s.is_null(2) ? store::Blob{} : s.get_blob(2);
        records.emplace_back(
            s.get_text(0),
            report::sha256_hex(s.get_text(1),
                               std::string_view{reinterpret_cast<const char*>(blob.data()), blob.size()}));
      }
      for (const auto& [key, hash] : records) {
        INFO(std::string{type.name} << " " << key);
        const auto chained = db->query_text(
            "SELECT content_hash FROM chain WHERE record_type = ? AND record_key = ? ORDER BY seq DESC LIMIT 1",
            type.name, key);
        REQUIRE(chained);
        CHECK(*chained == hash);
      }
    }
  }
};

}  // namespace steritrack::sterilization::test
