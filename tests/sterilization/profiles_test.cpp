#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "common/time.hpp"
#include "sterilization/cycle_test_support.hpp"
#include "sterilization/profiles.hpp"

using namespace steritrack;
using namespace steritrack::sterilization;

namespace {

const TimePoint kReceived = *parse_rfc3339("2026-11-27T09:00:00Z");

ProfileMapper mapper(const std::string& name) {
  return ProfileMapper(std::make_shared<const DeviceProfile>(test::shipped_profile(name)), "steritrack");
}

MappedMessage map_ok(const ProfileMapper& m, const std::string& topic, const std::string& payload) {
  auto r = m.map(topic, payload, kReceived);
  INFO(payload);
  if (!r) FAIL(r.error());
  return std::move(*r);
}

std::string map_error(const ProfileMapper& m, const std::string& topic, const std::string& payload) {
  auto r = m.map(topic, payload, kReceived);
  INFO(payload);
  REQUIRE_FALSE(r);
  return r.error();
}

DeviceProfile parse(const std::string& text) { return parse_profile(text, "test.toml"); }

}  // namespace

TEST_CASE("unit conversions to °C and absolute kPa", "[profiles]") {
  CHECK(to_celsius(270, TempUnit::fahrenheit) == Approx(132.2222));
  CHECK(to_celsius(212, TempUnit::fahrenheit) == Approx(100.0));
  CHECK(to_celsius(405.15, TempUnit::kelvin) == Approx(132.0));
  CHECK(to_kpa(288, PressureUnit::kpa) == 288);
  CHECK(to_kpa(0, PressureUnit::psig) == Approx(101.325));
  CHECK(to_kpa(30, PressureUnit::psig) == Approx(308.168).epsilon(1e-5));
  CHECK(to_kpa(14.696, PressureUnit::psia) == Approx(101.325).epsilon(1e-4));
  CHECK(to_kpa(2.0, PressureUnit::bar) == Approx(200.0));
  CHECK(to_kpa(1.0, PressureUnit::bar_gauge) == Approx(201.325));
  CHECK(to_kpa(186.7, PressureUnit::kpa_gauge) == Approx(288.025));
  CHECK(to_kpa(150, PressureUnit::mbar) == Approx(15.0));
  CHECK(to_kpa(20, PressureUnit::inhg_vacuum) == Approx(33.5972).epsilon(1e-4));
  CHECK(to_kpa(29.92, PressureUnit::inhg_vacuum) == Approx(0.0).margin(0.01));
  CHECK(to_kpa(31, PressureUnit::inhg_vacuum) == 0.0);  // past full vacuum: full vacuum
}

TEST_CASE("the generic-json profile maps the example trace exactly as the canonical parser", "[profiles]") {
  const auto m = mapper("generic-json");
  CHECK(m.subscriptions() == std::vector<std::string>{"steritrack/sterilizer/+/event"});
  for (const auto& [topic, payload] : test::example_trace()) {
    const auto mapped = map_ok(m, topic, payload);
    CHECK(mapped.sterilizer == "A");
    REQUIRE(mapped.events.size() == 1);
    CHECK(mapped.events[0] == *parse_event(payload));
  }
  CHECK_THAT(map_error(m, "steritrack/sterilizer/A/event", R"({"type":"sample","cycle":"1","phase":"sterilize","temp_c":1,"ts":"2026-11-27T07:00:00Z"})"),
             Catch::Contains("phase: \"sterilize\""));
  CHECK_THAT(map_error(m, "steritrack/sterilizer/A/event", "{"), Catch::Contains("not valid JSON"));
  CHECK_THAT(map_error(m, "steritrack/sterilizer/A/status", "{}"), Catch::Contains("does not match"));
  CHECK_THAT(map_error(m, "steritrack/sterilizer/A/event", R"({"type":"boot","ts":"2026-11-27T07:00:00Z"})"),
             Catch::Contains("type: \"boot\""));
  CHECK_THAT(map_error(m, "steritrack/sterilizer/A/event",
                       R"({"type":"sample","cycle":"1","phase":"exposure","temp_c":999,"ts":"2026-11-27T07:00:00Z"})"),
             Catch::Contains("temp_c"));
}

TEST_CASE("the tuttnauer-line profile reads printout lines", "[profiles]") {
  const auto m = mapper("tuttnauer-line");
  CHECK(m.subscriptions() == std::vector<std::string>{"tuttnauer/+/cycle/+", "tuttnauer/+/status"});
  const std::string topic = "tuttnauer/B/cycle/01041";

  auto start = map_ok(m, topic, "START 2026-11-27 07:30:00 PROG 134 WRAPPED");
  CHECK(start.sterilizer == "B");
  REQUIRE(start.events.size() == 1);
  CHECK(std::get<CycleStart>(start.events[0]) ==
        CycleStart{"1041", "prevac-134-3", *parse_rfc3339("2026-11-27T07:30:00Z")});

  auto vac = map_ok(m, topic, "A 00:00:10 213.8F 17.7In\r\n");
  const auto& s1 = std::get<SampleEvent>(vac.events.at(0));
  CHECK(s1.cycle == "1041");
  CHECK(s1.phase == Phase::conditioning);
  CHECK(s1.ts == EventTime::elapsed(std::chrono::seconds{10}));
  CHECK(s1.temp_c == Approx(101.0));
  CHECK(*s1.pressure_kpa == Approx(101.325 - 17.7 * 3.386389));

  auto hot = map_ok(m, topic, "S 00:02:00 273.9F 29.7");
  const auto& s2 = std::get<SampleEvent>(hot.events.at(0));
  CHECK(s2.phase == Phase::exposure);
  CHECK(s2.temp_c == Approx(134.3889).epsilon(1e-5));
  CHECK(*s2.pressure_kpa == Approx(29.7 * 6.894757 + 101.325));
  CHECK(s2.ts == EventTime::elapsed(std::chrono::seconds{120}));

  auto fault = map_ok(m, topic, "FAULT 00:03:10 E12 DOOR SEAL");
  CHECK(std::get<Fault>(fault.events.at(0)) ==
        Fault{std::string{"1041"}, EventTime::elapsed(std::chrono::seconds{190}), "E12", "DOOR SEAL"});

  auto end = map_ok(m, topic, "END 00:12:00 COMPLETED");
  CHECK(std::get<CycleEnd>(end.events.at(0)) ==
        CycleEnd{"1041", EventTime::elapsed(std::chrono::minutes{12}), DeviceResult::pass});
  CHECK(std::get<CycleEnd>(map_ok(m, topic, "END 00:12:00 ABORTED").events.at(0)).result == DeviceResult::aborted);

  CHECK(map_ok(m, topic, "TUTTNAUER 3870ELV  SN 2110457").events.empty());
  CHECK(map_ok(m, topic, "").events.empty());
  auto hb = map_ok(m, "tuttnauer/B/status", "READY");
  CHECK(std::get<Heartbeat>(hb.events.at(0)).ts == kReceived);

  CHECK_THAT(map_error(m, topic, "X 00:00:10 213.8F 17.7"), Catch::Contains("no line pattern"));
  CHECK_THAT(map_error(m, topic, "END 00:12:00 MAYBE"), Catch::Contains("result: \"MAYBE\""));
  CHECK_THAT(map_error(m, topic, "S 00:99:00 273.9F 29.7"), Catch::Contains("elapsed"));
  CHECK_THAT(map_error(m, "tuttnauer/B/status", "A 00:00:10 213.8F 17.7In"), Catch::Contains("cycle: missing"));
}

TEST_CASE("the amsco-record profile turns each 1 Hz record into events", "[profiles]") {
  const auto m = mapper("amsco-record");
  const std::string topic = "amsco/C/record";
  auto pulse = map_ok(m, topic,
                      R"({"cycle_no":"0057","cycle_start":"2026-11-27 07:30:00","time":"2026-11-27 07:30:05",
                          "cycle_name":"PREVAC 270F 4MIN","stage":"PULSE","sterilize":0,"chamber_temp":150.2,
                          "chamber_press":-24.6,"result":""})");
  CHECK(pulse.sterilizer == "C");
  REQUIRE(pulse.events.size() == 2);
  CHECK(std::get<CycleStart>(pulse.events[0]) ==
        CycleStart{"57", "prevac-132-4", *parse_rfc3339("2026-11-27T07:30:00Z")});
  const auto& s = std::get<SampleEvent>(pulse.events[1]);
  CHECK(s.phase == Phase::conditioning);
  CHECK(s.temp_c == Approx(65.6667).epsilon(1e-5));
  CHECK(*s.pressure_kpa == Approx(101.325 - 24.6 * 3.386389));  // negative: inches of mercury of vacuum
  CHECK(s.ts.at == *parse_rfc3339("2026-11-27T07:30:05Z"));

  // The sterilize flag makes the sample exposure whatever the stage says.
  auto hot = map_ok(m, topic,
                    R"({"cycle_no":"0057","cycle_start":"2026-11-27 07:30:00","time":"2026-11-27 07:35:00",
                        "cycle_name":"PREVAC 270F 4MIN","stage":"CHARGE","sterilize":1,"chamber_temp":271.0,
                        "chamber_press":27.5,"result":""})");
  const auto& h = std::get<SampleEvent>(hot.events.at(1));
  CHECK(h.phase == Phase::exposure);
  CHECK(*h.pressure_kpa == Approx(27.5 * 6.894757 + 101.325));

  auto done = map_ok(m, topic,
                     R"({"cycle_no":"0057","cycle_start":"2026-11-27 07:30:00","time":"2026-11-27 07:55:00",
                         "cycle_name":"PREVAC 270F 4MIN","stage":"COMPLETE","sterilize":0,"chamber_temp":180.0,
                         "chamber_press":0.0,"result":"CYCLE COMPLETE"})");
  REQUIRE(done.events.size() == 2);  // the start again, then the end; no sample for COMPLETE
  CHECK(std::get<CycleEnd>(done.events[1]) ==
        CycleEnd{"57", EventTime::absolute(*parse_rfc3339("2026-11-27T07:55:00Z")), DeviceResult::pass});

  auto idle = map_ok(m, topic, R"({"time":"2026-11-27 08:10:00","stage":"IDLE","chamber_temp":80.0})");
  REQUIRE(idle.events.size() == 1);
  CHECK(std::get<Heartbeat>(idle.events[0]).ts == *parse_rfc3339("2026-11-27T08:10:00Z"));

  CHECK_THAT(map_error(m, topic, R"({"cycle_no":"57","time":"2026-11-27 07:35:00","stage":"WARP","chamber_temp":1})"),
             Catch::Contains("phase: \"WARP\""));
  CHECK_THAT(map_error(m, topic, R"({"cycle_no":"57","time":"2026-11-27 07:35:00","stage":"DRY","chamber_temp":"hot"})"),
             Catch::Contains("temp: \"hot\" is not a number"));
}

TEST_CASE("vendor times without a zone use the profile's UTC offset", "[profiles]") {
  auto text = std::string{R"(
name = "local"
format = "json"
topics = ["x/{sterilizer}"]
utc_offset = "+01:00"
[fields]
type = "kind"
ts = "when"
)"};
  const ProfileMapper m(std::make_shared<const DeviceProfile>(parse(text)), "p");
  auto hb = m.map("x/A", R"({"kind":"heartbeat","when":"2026-11-27 08:00:00"})", kReceived);
  REQUIRE(hb);
  CHECK(std::get<Heartbeat>(hb->events.at(0)).ts == *parse_rfc3339("2026-11-27T07:00:00Z"));
  auto epoch = m.map("x/A", R"({"kind":"heartbeat","when":1796198400})", kReceived);
  REQUIRE(epoch);
  CHECK(format_rfc3339(std::get<Heartbeat>(epoch->events.at(0)).ts) == "2026-12-02T08:00:00Z");
}

TEST_CASE("a bad profile names the file, key and reason", "[profiles]") {
  const std::string base = "name = \"p\"\nformat = \"line\"\ntopics = [\"v/{sterilizer}\"]\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {base + "[[line]]\ntype = \"sample\"\npattern = '(['\ngroups = [\"temp\"]\n", "line[0].pattern"},
      {base + "[[line]]\ntype = \"sample\"\npattern = '(a)(b)'\ngroups = [\"temp\"]\n",
       "line[0].groups: names 1 groups but the pattern has 2"},
      {base + "[[line]]\ntype = \"sample\"\npattern = '(a)'\ngroups = [\"colour\"]\n", "\"colour\" is not a field"},
      {base + "[[line]]\ntype = \"warp\"\npattern = '(a)'\ngroups = [\"temp\"]\n", "line[0].type"},
      {base + "[[line]]\ntype = \"sample\"\npattern = '(a)'\ngroups = [\"temp\"]\n[units]\npressure = \"atm\"\n",
       "units.pressure: \"atm\""},
      {base + "[[line]]\ntype = \"sample\"\npattern = '(a)'\ngroups = [\"temp\"]\n[phases]\nsoak = \"S\"\n",
       "phases.soak"},
      {"name = \"p\"\nformat = \"line\"\ntopics = [\"v/+/x\"]\n[[line]]\ntype = \"sample\"\npattern = '(a)'\ngroups = [\"temp\"]\n",
       "topics: \"v/+/x\""},
      {"name = \"p\"\nformat = \"line\"\ntopics = [\"v/x\"]\n[[line]]\ntype = \"sample\"\npattern = '(a)'\ngroups = [\"temp\"]\n",
       "has no {sterilizer} level"},
      {"name = \"p\"\nformat = \"json\"\ntopics = [\"v/{sterilizer}\"]\n[fields]\ncycle = \"c\"\n", "needs a type field"},
      {"name = \"p\"\nformat = \"json\"\ntopics = [\"v/{sterilizer}\"]\n", "fields: a json profile needs [fields]"},
      {"name = \"p\"\nformat = \"xml\"\n", "format: \"xml\""},
      {base + "[[line]]\ntype = \"sample\"\npattern = '(a)'\ngroups = [\"temp\"]\nspeed = 3\n", "speed: unknown key"},
      // Found by fuzz_config in the shared TOML reader: nan passed every range check.
      {"max_sample_interval_s = nan\n" + base, "max_sample_interval_s: must be between 1 and 3600"},
  };
  for (const auto& [text, reason] : cases) {
    INFO(text);
    try {
      parse(text);
      FAIL("no error");
    } catch (const ProfileError& e) {
      CHECK_THAT(e.what(), Catch::Contains("test.toml: ") && Catch::Contains(reason));
    }
  }
  CHECK_THROWS_WITH(load_profile(test::devices_dir() + "/profiles", "no-such-profile"), Catch::Contains("cannot read"));
}

TEST_CASE("the router picks each sterilizer's own profile", "[profiles]") {
  const std::vector<DeviceProfile> profiles = {test::shipped_profile("generic-json"),
                                               test::shipped_profile("tuttnauer-line"),
                                               test::shipped_profile("amsco-record")};
  const ProfileRouter router(profiles, {{"A", "generic-json"}, {"B", "tuttnauer-line"}}, "clinic/st");
  const auto subs = router.subscriptions();
  CHECK(subs == std::vector<std::string>{"clinic/st/sterilizer/+/event", "tuttnauer/+/cycle/+", "tuttnauer/+/status"});
  CHECK(router.max_sample_interval_s("B") == 30);

  const std::string hb = R"({"type":"heartbeat","ts":"2026-11-27T07:00:00Z"})";
  CHECK(router.map("clinic/st/sterilizer/A/event", hb, kReceived));
  CHECK_THAT(router.map("clinic/st/sterilizer/B/event", hb, kReceived).error(),
             Catch::Contains("sterilizer B uses profile tuttnauer-line, not generic-json"));
  CHECK_THAT(router.map("clinic/st/sterilizer/Z/event", hb, kReceived).error(), Catch::Contains("unknown sterilizer"));
  CHECK_THAT(router.map("other/topic", hb, kReceived).error(), Catch::Contains("no device profile"));
  CHECK(router.map("tuttnauer/B/status", "READY", kReceived));
  CHECK_THROWS_AS(ProfileRouter(profiles, {{"A", "missing"}}, "p"), ProfileError);
}

// Found by fuzz_sterilizer_event (docs/fuzzing.md): a printout line whose
// program carried Latin-1 bytes passed validate(), and its JSON form threw
// (nlohmann type_error 316): `steritrack cycle show --format json` of a
// cycle with such a fault message failed the same way.
TEST_CASE("fuzz regression: captured text that is not UTF-8 is refused", "[profiles][fuzz]") {
  const auto m = mapper("tuttnauer-line");
  const std::string topic = "tuttnauer/C/cycle/01041";
  const std::string start = "START 2026-11-27 07:30:00 PROG 134 WRAPP" + std::string(26, '\xDE') + "ED";
  CHECK_THAT(map_error(m, topic, start), Catch::Contains("program: must be 1-64 printable characters (UTF-8)"));
  CHECK_THAT(map_error(m, topic, "FAULT 00:03:10 E12 DOOR SEAL 90\xB0" "C"),
             Catch::Contains("message: must be at most 500 printable characters (UTF-8)"));
  // UTF-8 text is kept, and has a JSON form.
  const auto fault = map_ok(m, topic, "FAULT 00:03:10 E12 DOOR SEAL 90\xC2\xB0" "C");
  const auto& f = std::get<Fault>(fault.events.at(0));
  CHECK(f.message == "DOOR SEAL 90\xC2\xB0" "C");
  CHECK(parse_event(to_json(Fault{f.cycle, EventTime::absolute(kReceived), f.code, f.message})));
}

// Found by fuzz_sterilizer_event: std::regex matches recursively, and a
// long printout line overflowed the stack (a segfault of steritrackd from
// one MQTT message; about 50 000 characters did it in a release build).
TEST_CASE("fuzz regression: an overlong printout line is refused before matching", "[profiles][fuzz]") {
  const auto m = mapper("tuttnauer-line");
  const std::string topic = "tuttnauer/C/cycle/01041";
  CHECK_THAT(map_error(m, topic, "START 2026-11-27 07:30:00 PROG " + std::string(200'000, 'X')),
             Catch::Contains("printout lines are at most 1024"));
  CHECK_THAT(map_error(m, topic, "FAULT 00:03:10 E12 " + std::string(1100, 'X')),
             Catch::Contains("a line of 1119 characters"));
  CHECK(map_ok(m, topic, "FAULT 00:03:10 E12 " + std::string(400, 'X')).events.size() == 1);
}

TEST_CASE("the shipped profiles are built in and a data folder's file wins", "[profiles]") {
  const auto missing = std::filesystem::temp_directory_path() / "steritrack-no-profiles";
  for (const char* name : {"generic-json", "tuttnauer-line", "amsco-record"}) {
    INFO(name);
    CHECK(find_profile(missing.string(), name).name == name);
  }
  CHECK_THROWS_WITH(find_profile(missing.string(), "nope"), Catch::Contains("nope") && Catch::Contains("no built-in"));
  const auto dir = std::filesystem::temp_directory_path() / "steritrack-profiles-test";
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(test::devices_dir() + "/profiles/generic-json.toml", dir / "generic-json.toml",
                             std::filesystem::copy_options::overwrite_existing);
  CHECK(find_profile(dir.string(), "generic-json").name == "generic-json");
  {
    std::ofstream out(dir / "generic-json.toml", std::ios::app);
    out << "\nno_such_key = 1\n";
  }
  // The folder's file is read (and its typo reported), not the built-in one.
  CHECK_THROWS_WITH(find_profile(dir.string(), "generic-json"), Catch::Contains("no_such_key"));
  std::filesystem::remove_all(dir);
}
