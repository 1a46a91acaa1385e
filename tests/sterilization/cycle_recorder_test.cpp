#include <algorithm>
#include <random>
#include <set>

#include <catch2/catch.hpp>

#include "alerts/alerts.hpp"
#include "common/time.hpp"
#include "simulator/trace.hpp"
#include "sterilization/cycle_recorder.hpp"
#include "sterilization/cycle_test_support.hpp"
#include "sterilization/samples.hpp"

using namespace steritrack;
using namespace steritrack::sterilization;

namespace {

const TimePoint kDay = *parse_rfc3339("2026-11-27T07:00:00Z");

struct CountingListener final : CycleListener {
  std::vector<std::int64_t> started, verified;
  void cycle_started(store::Connection&, std::int64_t row, TimePoint) override { started.push_back(row); }
  void cycle_verified(store::Connection&, std::int64_t row, TimePoint) override { verified.push_back(row); }
};

struct CycleRow {
  std::string verified;
  std::string device_result;
  double exposure_s = 0;
  std::optional<double> min_temp_c, max_temp_c;
  double f0_min = 0;
  std::int64_t sample_count = 0;
  std::string reasons;
  std::optional<std::string> end;
  store::Blob samples;
};

std::optional<CycleRow> row(store::Connection& db, const std::string& sterilizer, const std::string& cycle) {
  auto& s = db.query(
      "SELECT coalesce(verified, ''), coalesce(device_result, ''), exposure_s, min_temp_c, max_temp_c, f0_min,"
      " sample_count, coalesce(reasons, ''), end, samples FROM cycles WHERE sterilizer = ? AND cycle = ?",
      sterilizer, cycle);
  if (!s.step()) return std::nullopt;
  CycleRow r{s.get_text(0),       s.get_text(1), s.get_double(2), s.get_opt_double(3), s.get_opt_double(4),
             s.get_double(5),     s.get_int(6),  s.get_text(7),   s.get_opt_text(8),   s.get_blob(9)};
  s.reset();
  return r;
}

std::set<std::string> open_alerts(store::Connection& db, const std::string& subject) {
  std::set<std::string> kinds;
  for (const auto& a : alerts::list(db, false))
    if (a.subject == subject) kinds.insert(a.kind);
  return kinds;
}

std::int64_t count(store::Connection& db, const std::string& sql) { return db.query_int(sql).value_or(-1); }

// Feeds a topic/payload stream through the shipped profiles and the
// recorder, each message in its own transaction as the daemon does.
class Pipeline {
public:
  explicit Pipeline(test::CycleDb& cdb, CycleListener* listener = nullptr)
      : cdb_(cdb),
        router_({test::shipped_profile("generic-json"), test::shipped_profile("tuttnauer-line"),
                 test::shipped_profile("amsco-record")},
                {{"A", "generic-json"}, {"B", "tuttnauer-line"}, {"C", "amsco-record"}}, "steritrack"),
        recorder_(test::shipped_programs(), Policy{}, listener) {
    for (const char* s : {"A", "B", "C"})
      if (auto gap = router_.max_sample_interval_s(s)) recorder_.set_max_sample_interval(s, *gap);
  }

  std::vector<HandleResult> feed(const std::string& topic, const std::string& payload, TimePoint now) {
    auto mapped = router_.map(topic, payload, now);
    if (!mapped) return {HandleResult{Outcome::refused, mapped.error()}};
    std::vector<HandleResult> out;
    store::Transaction tx(cdb_.db());
    for (const auto& e : mapped->events) out.push_back(recorder_.handle(cdb_.db(), mapped->sterilizer, e, now));
    tx.commit();
    return out;
  }

  // Everything applied, duplicates allowed (records repeat their start).
  void feed_all(const std::vector<simulator::Message>& messages, TimePoint start) {
    for (const auto& m : messages)
      for (const auto& r : feed(m.topic, m.payload, start + m.offset)) {
        INFO(m.payload << " -> " << r.reason);
        REQUIRE(r.outcome != Outcome::refused);
      }
  }

  CycleRecorder& recorder() { return recorder_; }

private:
  test::CycleDb& cdb_;
  ProfileRouter router_;
  CycleRecorder recorder_;
};

void replay_example(Pipeline& p) {
  TimePoint now = kDay;
  for (const auto& [topic, payload] : test::example_trace()) {
    now += std::chrono::seconds{1};
    for (const auto& r : p.feed(topic, payload, now)) {
      INFO(payload);
      CHECK(r.outcome == Outcome::applied);
    }
  }
}

}  // namespace

TEST_CASE("replaying the example trace records cycles 1041 and 1042 as passed", "[recorder]") {
  test::CycleDb cdb;
  CountingListener listener;
  Pipeline p(cdb, &listener);
  replay_example(p);

  auto& db = cdb.db();
  const auto bd = row(db, "A", "1041");
  REQUIRE(bd);
  CHECK(bd->verified == "pass");
  CHECK(bd->exposure_s == 210);
  const auto c = row(db, "A", "1042");
  REQUIRE(c);
  CHECK(c->verified == "pass");
  CHECK(c->device_result == "pass");
  CHECK(c->exposure_s == 240);
  CHECK(c->min_temp_c == 132.4);
  CHECK(c->max_temp_c == 132.8);
  CHECK(c->sample_count == 44);
  CHECK(c->f0_min > 50);
  CHECK(c->reasons == "[]");
  CHECK(c->end == "2026-11-27T08:04:30Z");
  CHECK(decode_samples(c->samples)->size() == 44);

  CHECK(listener.started.size() == 2);
  CHECK(listener.verified.size() == 2);
  CHECK(alerts::list(db, true).empty());
  // Chained at start and at verdict.
  CHECK(count(db, "SELECT count(*) FROM chain WHERE record_type = 'cycle' AND record_key = 'A/1042'") == 2);
  CHECK(db.query_text("SELECT last_heard_at FROM sterilizers WHERE id = 'A'") == format_rfc3339(kDay + std::chrono::seconds{90}));
}

TEST_CASE("a replayed trace is applied once", "[recorder]") {
  test::CycleDb cdb;
  Pipeline p(cdb);
  replay_example(p);
  const auto before = row(cdb.db(), "A", "1042");
  const auto chain = count(cdb.db(), "SELECT count(*) FROM chain");
  for (const auto& [topic, payload] : test::example_trace()) {
    const auto r = p.feed(topic, payload, kDay + std::chrono::hours{1});
    INFO(payload);
    REQUIRE(r.size() == 1);
    CHECK(r[0].outcome == (payload.find("heartbeat") != std::string::npos ? Outcome::applied : Outcome::duplicate));
  }
  const auto after = row(cdb.db(), "A", "1042");
  CHECK(after->samples == before->samples);
  CHECK(after->verified == before->verified);
  CHECK(count(cdb.db(), "SELECT count(*) FROM chain") == chain);
}

TEST_CASE("samples out of order are placed by time", "[recorder]") {
  auto trace = test::example_trace();
  // Keep 1042's start first and its end last; shuffle its samples.
  const auto first = std::find_if(trace.begin(), trace.end(), [](const auto& m) {
    return m.second.find("\"1042\"") != std::string::npos && m.second.find("sample") != std::string::npos;
  });
  const auto last = trace.end() - 1;
  std::shuffle(first, last, std::mt19937{42});

  test::CycleDb in_order, shuffled;
  Pipeline a(in_order), b(shuffled);
  replay_example(a);
  TimePoint now = kDay;
  for (const auto& [topic, payload] : trace)
    for (const auto& r : b.feed(topic, payload, now += std::chrono::seconds{1})) CHECK(r.outcome == Outcome::applied);
  const auto x = row(in_order.db(), "A", "1042");
  const auto y = row(shuffled.db(), "A", "1042");
  CHECK(y->samples == x->samples);
  CHECK(y->exposure_s == 240);
  CHECK(y->verified == "pass");
}

TEST_CASE("events the recorder cannot apply are refused with a reason and write nothing", "[recorder]") {
  test::CycleDb cdb;
  CycleRecorder rec(test::shipped_programs(), Policy{});
  auto& db = cdb.db();
  const auto ev = [](const std::string& json) { return *parse_event(json); };
  const auto handle = [&](const std::string& sterilizer, const std::string& json) {
    return rec.handle(db, sterilizer, ev(json), kDay);
  };

  auto r = handle("A", R"({"type":"cycle_start","cycle":"9","program":"steam-999","ts":"2026-11-27T07:00:00Z"})");
  CHECK(r.outcome == Outcome::refused);
  CHECK_THAT(r.reason, Catch::Contains("unknown program \"steam-999\""));
  r = handle("A", R"({"type":"sample","cycle":"9","phase":"exposure","temp_c":132,"ts":"2026-11-27T07:00:10Z"})");
  CHECK_THAT(r.reason, Catch::Contains("sample for unknown cycle A/9"));
  r = handle("A", R"({"type":"cycle_end","cycle":"9","result":"pass","ts":"2026-11-27T07:00:10Z"})");
  CHECK_THAT(r.reason, Catch::Contains("cycle_end for unknown cycle A/9"));
  r = handle("Z", R"({"type":"heartbeat","ts":"2026-11-27T07:00:10Z"})");
  CHECK_THAT(r.reason, Catch::Contains("unknown sterilizer \"Z\""));
  CHECK(count(db, "SELECT count(*) FROM cycles") == 0);
  CHECK(count(db, "SELECT count(*) FROM chain") == 0);

  CHECK(handle("A", R"({"type":"cycle_start","cycle":"9","program":"prevac-132-4","ts":"2026-11-27T07:00:00Z"})").outcome ==
        Outcome::applied);
  r = handle("A", R"({"type":"cycle_start","cycle":"9","program":"prevac-132-4","ts":"2026-11-27T07:05:00Z"})");
  CHECK_THAT(r.reason, Catch::Contains("cycle A/9 already started at 2026-11-27T07:00:00Z"));
  CHECK(handle("A", R"({"type":"cycle_end","cycle":"9","result":"aborted","ts":"2026-11-27T07:01:00Z"})").outcome ==
        Outcome::applied);
  r = handle("A", R"({"type":"sample","cycle":"9","phase":"exposure","temp_c":132,"ts":"2026-11-27T07:00:30Z"})");
  CHECK_THAT(r.reason, Catch::Contains("sample for cycle A/9, which ended at 2026-11-27T07:01:00Z"));
  r = handle("A", R"({"type":"cycle_end","cycle":"9","result":"pass","ts":"2026-11-27T07:02:00Z"})");
  CHECK_THAT(r.reason, Catch::Contains("already ended"));
  CHECK(row(db, "A", "9")->device_result == "aborted");
  CHECK(row(db, "A", "9")->sample_count == 0);
}

TEST_CASE("vendor times since the cycle start are resolved against the recorded start", "[recorder]") {
  test::CycleDb cdb;
  Pipeline p(cdb);
  const std::string topic = "tuttnauer/B/cycle/00777";
  p.feed(topic, "START 2026-11-27 07:30:00 PROG 134 WRAPPED", kDay);
  p.feed(topic, "S 00:02:00 273.9F 29.7", kDay);
  p.feed(topic, "FAULT 00:02:05 E12 DOOR SEAL", kDay);
  CHECK(p.feed(topic, "FAULT 00:02:05 E12 DOOR SEAL", kDay)[0].outcome == Outcome::duplicate);
  const auto samples = decode_samples(row(cdb.db(), "B", "777")->samples);
  REQUIRE(samples->size() == 1);
  CHECK(format_rfc3339(samples->front().ts) == "2026-11-27T07:32:00Z");
  CHECK(cdb.db().query_text("SELECT ts || ' ' || code || ' ' || cycle FROM sterilizer_faults") ==
        "2026-11-27T07:32:05Z E12 777");
}

TEST_CASE("each simulator variant gets its verdict and alerts, in every format", "[recorder][simulator]") {
  struct Expect {
    simulator::Variant variant;
    const char* verdict;
    std::set<std::string> alerts;
  };
  const std::vector<Expect> expected = {
      {simulator::Variant::pass, "pass", {}},
      {simulator::Variant::device_fail, "fail", {"cycle_failed"}},
      {simulator::Variant::aborted, "fail", {"cycle_failed"}},
      {simulator::Variant::temp_dip, "fail", {"cycle_failed", "parameter_mismatch"}},
      {simulator::Variant::sample_gap, "incomplete", {"record_incomplete"}},
      {simulator::Variant::data_fail, "fail", {"cycle_failed", "parameter_mismatch"}},
  };
  const auto programs = test::shipped_programs();
  const std::map<simulator::Format, std::string> sterilizer_of = {
      {simulator::Format::generic, "A"}, {simulator::Format::tuttnauer, "B"}, {simulator::Format::amsco, "C"}};
  for (const auto& [format, sterilizer] : sterilizer_of) {
    const auto profile = test::shipped_profile(std::string{simulator::profile_name(format)});
    for (const Expect& e : expected) {
      DYNAMIC_SECTION(simulator::to_string(format) << " " << simulator::to_string(e.variant)) {
        test::CycleDb cdb;
        Pipeline p(cdb);
        simulator::TraceOptions o;
        o.sterilizer = sterilizer;
        o.cycle = "42";
        o.variant = e.variant;
        o.format = format;
        o.start = kDay;
        o.interval_s = format == simulator::Format::amsco ? 1 : 2;
        p.feed_all(simulator::make_trace(*programs.find("prevac-132-4"), o, &profile), kDay);
        const auto r = row(cdb.db(), sterilizer, "42");
        REQUIRE(r);
        INFO(r->reasons);
        CHECK(r->verified == e.verdict);
        CHECK(open_alerts(cdb.db(), sterilizer + "/42") == e.alerts);
      }
    }
  }
}

TEST_CASE("a missing cycle_end is found by the timer, also after a restart", "[recorder][timeouts]") {
  test::CycleDb cdb;
  ManualClock clock(kDay);
  const auto programs = test::shipped_programs();
  simulator::TraceOptions o;
  o.cycle = "50";
  o.variant = simulator::Variant::missing_end;
  o.start = kDay;
  o.interval_s = 5;
  const auto trace = simulator::make_trace(*programs.find("prevac-132-4"), o);
  {
    Pipeline p(cdb);
    p.feed_all(trace, kDay);
  }
  CHECK(row(cdb.db(), "A", "50")->verified.empty());

  // The daemon restarts: a new connection and a new recorder.
  cdb.reopen();
  CountingListener listener;
  CycleRecorder rec(programs, Policy{}, &listener);
  Policy policy;
  clock.set(kDay + std::chrono::minutes{119});
  {
    store::Transaction tx(cdb.db());
    const auto report = rec.check_timeouts(cdb.db(), clock.now(), policy);
    CHECK(report.timed_out.empty());
    tx.commit();
  }
  CHECK(row(cdb.db(), "A", "50")->verified.empty());
  clock.set(kDay + std::chrono::minutes{120});
  {
    store::Transaction tx(cdb.db());
    const auto report = rec.check_timeouts(cdb.db(), clock.now(), policy);
    CHECK(report.timed_out == std::vector<std::string>{"A/50"});
    tx.commit();
  }
  auto r = row(cdb.db(), "A", "50");
  CHECK(r->verified == "incomplete");
  CHECK_THAT(r->reasons, Catch::Contains("no cycle_end received"));
  CHECK(open_alerts(cdb.db(), "A/50") == std::set<std::string>{"record_incomplete"});
  CHECK(listener.verified.size() == 1);

  // Running the timer again changes nothing.
  {
    store::Transaction tx(cdb.db());
    CHECK(rec.check_timeouts(cdb.db(), clock.now() + std::chrono::minutes{5}, policy).timed_out.empty());
    tx.commit();
  }

  // The cycle_end was only late (the broker kept it while the daemon was
  // down): the record is complete now and verified again.
  const auto end = *parse_event(to_json(CycleEnd{"50", EventTime::absolute(kDay + std::chrono::minutes{30}), DeviceResult::pass}));
  {
    store::Transaction tx(cdb.db());
    CHECK(rec.handle(cdb.db(), "A", end, clock.now()).outcome == Outcome::applied);
    tx.commit();
  }
  r = row(cdb.db(), "A", "50");
  CHECK(r->verified == "pass");
  CHECK(open_alerts(cdb.db(), "A/50").empty());
  CHECK(listener.verified.size() == 2);
}

TEST_CASE("a new cycle_start closes a cycle left open", "[recorder]") {
  test::CycleDb cdb;
  CycleRecorder rec(test::shipped_programs(), Policy{});
  auto& db = cdb.db();
  const auto h = [&](const std::string& json) { return rec.handle(db, "A", *parse_event(json), kDay).outcome; };
  CHECK(h(R"({"type":"cycle_start","cycle":"1","program":"prevac-132-4","ts":"2026-11-27T07:00:00Z"})") == Outcome::applied);
  CHECK(h(R"({"type":"cycle_start","cycle":"2","program":"prevac-132-4","ts":"2026-11-27T07:30:00Z"})") == Outcome::applied);
  CHECK(row(db, "A", "1")->verified == "incomplete");
  CHECK(row(db, "A", "2")->verified.empty());
  CHECK(open_alerts(db, "A/1") == std::set<std::string>{"record_incomplete"});
}

TEST_CASE("device_silent: raised while a cycle is open and nothing is heard, resolved when heard", "[recorder][timeouts]") {
  test::CycleDb cdb;
  auto& db = cdb.db();
  CycleRecorder rec(test::shipped_programs(), Policy{});
  Policy policy;
  ManualClock clock(kDay);
  const auto tick = [&] {
    store::Transaction tx(db);
    auto r = rec.check_timeouts(db, clock.now(), policy);
    tx.commit();
    return r;
  };
  // Silence without an open cycle is not an alert.
  clock.advance(std::chrono::hours{1});
  CHECK(tick().silent.empty());

  rec.handle(db, "A", CycleStart{"7", "prevac-132-4", clock.now()}, clock.now());
  clock.advance(std::chrono::minutes{9});
  CHECK(tick().silent.empty());
  clock.advance(std::chrono::minutes{1});
  CHECK(tick().silent == std::vector<std::string>{"A"});
  CHECK(alerts::is_unresolved(db, "device_silent", "A"));
  const auto seq = alerts::list(db, false).front().change_seq;
  clock.advance(std::chrono::minutes{1});
  CHECK(tick().silent.empty());  // still silent: not raised again
  CHECK(alerts::list(db, false).front().change_seq == seq);

  rec.handle(db, "A", Heartbeat{clock.now()}, clock.now());
  CHECK_FALSE(alerts::is_unresolved(db, "device_silent", "A"));
  CHECK(*db.query_text("SELECT last_heard_at FROM sterilizers WHERE id = 'A'") == format_rfc3339(clock.now()));
}
