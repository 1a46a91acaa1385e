#include <catch2/catch.hpp>

#include "common/time.hpp"
#include "sterilization/cycle_test_support.hpp"
#include "sterilization/events.hpp"

using namespace steritrack;
using namespace steritrack::sterilization;

TEST_CASE("each canonical event type parses into its typed event", "[events]") {
  auto start = parse_event(R"({"type":"cycle_start","cycle":"1042","program":"prevac-132-4","ts":"2026-11-27T07:52:00Z"})");
  REQUIRE(start);
  const auto& s = std::get<CycleStart>(*start);
  CHECK(s.cycle == "1042");
  CHECK(s.program == "prevac-132-4");
  CHECK(format_rfc3339(s.ts) == "2026-11-27T07:52:00Z");

  auto sample = parse_event(
      R"({"type":"sample","cycle":"1042","phase":"exposure","temp_c":132.6,"pressure_kpa":288.0,"ts":"2026-11-27T07:54:00Z"})");
  REQUIRE(sample);
  const auto& m = std::get<SampleEvent>(*sample);
  CHECK(m.phase == Phase::exposure);
  CHECK(m.temp_c == Approx(132.6));
  CHECK(m.pressure_kpa == Approx(288.0));
  CHECK_FALSE(m.ts.since_start);

  auto no_pressure = parse_event(R"({"type":"sample","cycle":"7","phase":"heating","temp_c":110,"ts":"2026-11-27T07:54:00Z"})");
  REQUIRE(no_pressure);
  CHECK_FALSE(std::get<SampleEvent>(*no_pressure).pressure_kpa);

  for (const char* r : {"pass", "fail", "aborted"}) {
    auto end = parse_event(std::string{R"({"type":"cycle_end","cycle":"1042","result":")"} + r +
                           R"(","ts":"2026-11-27T08:04:30Z"})");
    REQUIRE(end);
    CHECK(to_string(std::get<CycleEnd>(*end).result) == r);
  }

  auto fault = parse_event(R"({"type":"fault","code":"E12","message":"door seal","ts":"2026-11-27T08:00:00Z"})");
  REQUIRE(fault);
  CHECK(std::get<Fault>(*fault).code == "E12");
  CHECK_FALSE(std::get<Fault>(*fault).cycle);

  auto hb = parse_event(R"({"type":"heartbeat","ts":"2026-11-27T07:43:00Z"})");
  REQUIRE(hb);
  CHECK(event_type(*hb) == "heartbeat");
}

TEST_CASE("a bad payload is a reason naming the problem", "[events]") {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"not json", "not valid JSON"},
      {"[1,2]", "must be a JSON object"},
      {R"({"ts":"2026-11-27T07:43:00Z"})", "type: missing"},
      {R"({"type":5,"ts":"2026-11-27T07:43:00Z"})", "type: must be a string"},
      {R"({"type":"reboot","ts":"2026-11-27T07:43:00Z"})", "not a sterilizer event type"},
      {R"({"type":"heartbeat"})", "ts: missing"},
      {R"({"type":"heartbeat","ts":"yesterday"})", "not an RFC 3339 time"},
      {R"({"type":"cycle_start","program":"p","ts":"2026-11-27T07:43:00Z"})", "cycle: missing"},
      {R"({"type":"cycle_start","cycle":1042,"program":"p","ts":"2026-11-27T07:43:00Z"})", "cycle: must be a string"},
      {R"({"type":"cycle_start","cycle":"10/42","program":"p","ts":"2026-11-27T07:43:00Z"})", "cycle: \"10/42\""},
      {R"({"type":"cycle_start","cycle":"1042","ts":"2026-11-27T07:43:00Z"})", "program: missing"},
      {R"({"type":"sample","cycle":"1","phase":"sterilize","temp_c":1,"ts":"2026-11-27T07:43:00Z"})", "phase:"},
      {R"({"type":"sample","cycle":"1","phase":"exposure","temp_c":"132","ts":"2026-11-27T07:43:00Z"})",
       "temp_c: must be a number"},
      {R"({"type":"sample","cycle":"1","phase":"exposure","temp_c":1320,"ts":"2026-11-27T07:43:00Z"})", "temp_c:"},
      {R"({"type":"sample","cycle":"1","phase":"exposure","temp_c":132,"pressure_kpa":-5,"ts":"2026-11-27T07:43:00Z"})",
       "pressure_kpa:"},
      {R"({"type":"cycle_end","cycle":"1","result":"ok","ts":"2026-11-27T07:43:00Z"})", "result:"},
      {R"({"type":"fault","ts":"2026-11-27T07:43:00Z"})", "code: missing"},
  };
  for (const auto& [payload, reason] : cases) {
    INFO(payload);
    auto e = parse_event(payload);
    REQUIRE_FALSE(e);
    CHECK_THAT(e.error(), Catch::Contains(reason));
  }
}

TEST_CASE("to_json writes the canonical form back", "[events]") {
  const auto ts = *parse_rfc3339("2026-11-27T07:54:00Z");
  const std::vector<CanonicalEvent> events = {
      CycleStart{"1042", "prevac-132-4", ts},
      SampleEvent{"1042", EventTime::absolute(ts), Phase::drying, 96.5, 15.0},
      SampleEvent{"1042", EventTime::absolute(ts), Phase::heating, 120.0, std::nullopt},
      CycleEnd{"1042", EventTime::absolute(ts), DeviceResult::aborted},
      Fault{std::string{"1042"}, EventTime::absolute(ts), "E12", "door seal"},
      Heartbeat{ts},
  };
  for (const auto& e : events) {
    auto back = parse_event(to_json(e));
    REQUIRE(back);
    CHECK(*back == e);
  }
  CHECK_THROWS_AS(to_json(SampleEvent{"1", EventTime::elapsed(Duration{1000}), Phase::exposure, 1, 1}),
                  std::logic_error);
}

TEST_CASE("every line of the example trace is a valid canonical event", "[events]") {
  const auto trace = test::example_trace();
  REQUIRE(trace.size() == 90);
  for (const auto& [topic, payload] : trace) {
    INFO(payload);
    CHECK(parse_event(payload));
  }
}
