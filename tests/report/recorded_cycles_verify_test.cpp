// verify against the chain as the real cycle recorder writes it: an open
// cycle (samples still arriving), a passed one, a failed one and one closed
// by the timeout all verify; an edit of a finished cycle does not.
#include <catch2/catch.hpp>

#include "report/compliance_db.hpp"
#include "report/verify.hpp"
#include "sterilization/cycle_recorder.hpp"
#include "support/paths.hpp"

using namespace steritrack;
using namespace std::chrono;
using namespace steritrack::sterilization;
using steritrack::testing::add_sterilizer;
using steritrack::testing::at;
using steritrack::testing::sqlite3_shell;
using steritrack::testing::TempDb;

namespace {

void apply(store::Connection& db, CycleRecorder& rec, const CanonicalEvent& e, TimePoint now) {
  store::Transaction tx(db);
  const auto r = rec.handle(db, "A", e, now);
  REQUIRE(r.outcome == Outcome::applied);
  tx.commit();
}

void check_intact(store::Connection& db) {
  const auto r = report::verify(db);
  for (const auto& p : r.problems) INFO(report::describe(p));
  CHECK(r.ok());
}

// A prevac-132-4 cycle: 6 heating samples, `exposure` samples 10 s apart at
// `temp`, 3 exhaust samples; each event applied and the record verified.
TimePoint run_cycle(store::Connection& db, CycleRecorder& rec, const std::string& cycle, TimePoint t,
                    int exposure, double temp, std::optional<DeviceResult> result) {
  apply(db, rec, CycleStart{cycle, "prevac-132-4", t}, t);
  check_intact(db);
  auto sample = [&](Phase phase, double c) {
    t += seconds(10);
    apply(db, rec, SampleEvent{cycle, EventTime::absolute(t), phase, c, 290.0}, t);
  };
  for (int i = 0; i < 6; ++i) sample(Phase::heating, 100.0 + 5 * i);
  check_intact(db);  // open, samples arriving
  for (int i = 0; i < exposure; ++i) sample(Phase::exposure, temp);
  check_intact(db);
  for (int i = 0; i < 3; ++i) sample(Phase::exhaust, 110.0);
  if (result) {
    t += seconds(10);
    apply(db, rec, CycleEnd{cycle, EventTime::absolute(t), *result}, t);
    check_intact(db);
  }
  return t + minutes(5);
}

}  // namespace

TEST_CASE("cycles written by the recorder verify at every step", "[report][verify]") {
  TempDb tmp;
  store::Connection& db = tmp.db();
  add_sterilizer(db, "A");
  CycleRecorder rec(ProgramCatalog::load(test_paths::source_dir() + "/devices/programs.toml"), Policy{});

  auto t = at("2026-11-27T08:00:00Z");
  t = run_cycle(db, rec, "1042", t, 26, 133.0, DeviceResult::pass);
  t = run_cycle(db, rec, "1043", t, 10, 133.0, DeviceResult::pass);  // too short: fail
  t = run_cycle(db, rec, "1044", t, 26, 133.0, std::nullopt);        // never ends
  {
    store::Transaction tx(db);
    rec.check_timeouts(db, t + hours(3), Policy{});
    tx.commit();
  }
  check_intact(db);
  CHECK(db.query_int("SELECT count(*) FROM cycles WHERE verified IS NOT NULL") == 3);

  REQUIRE(sqlite3_shell(tmp.path(), "UPDATE cycles SET verified = 'pass' WHERE cycle = '1043';") == 0);
  const auto r = report::verify(db);
  REQUIRE_FALSE(r.ok());
  CHECK(r.problems.front().kind == report::ProblemKind::record_edited);
  CHECK(r.problems.front().record_key == "A/1043");
}
