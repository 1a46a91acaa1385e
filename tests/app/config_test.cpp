#include <catch2/catch.hpp>

#include "app/config.hpp"

using namespace steritrack::app;
using Catch::Contains;

namespace {

const char* kMinimal = R"(
[database]
path = "/var/lib/steritrack/steritrack.db"

[mqtt]
url = "tcp://127.0.0.1:1883"
client_id = "steritrackd"
topic_prefix = "steritrack"

[[station]]
id = "desk"
location = "L-STORE-1"

[[sterilizer]]
id = "A"
name = "Operatory autoclave A"
type = "prevac"
profile = "generic-json"

[policy]
bi_interval_days = 7
expiry_warning_days = 30
implant_quarantine = true
negative_bi_to_return = 1
retention_years = 7
timezone = "UTC"
)";

std::string with(std::string text, const std::string& from, const std::string& to) {
  const auto pos = text.find(from);
  REQUIRE(pos != std::string::npos);
  text.replace(pos, from.size(), to);
  return text;
}

}  // namespace

TEST_CASE("the spec's minimal config loads", "[config]") {
  const Config c = parse_config(kMinimal, "test.toml");
  CHECK(c.database_path == "/var/lib/steritrack/steritrack.db");
  CHECK(c.mqtt.url == "tcp://127.0.0.1:1883");
  REQUIRE(c.stations.size() == 1);
  CHECK(c.stations[0].input == "mqtt");
  CHECK(c.stations[0].location == "L-STORE-1");
  REQUIRE(c.sterilizers.size() == 1);
  CHECK(c.sterilizers[0].type == "prevac");
  CHECK(c.policy.bi_interval_days == 7);
  CHECK(c.policy.implant_quarantine);
}

TEST_CASE("a wrong type names the file and the key", "[config]") {
  CHECK_THROWS_WITH(parse_config(with(kMinimal, "url = \"tcp://127.0.0.1:1883\"", "url = 42"), "x.toml"),
                    Contains("x.toml: mqtt.url: must be a string"));
}

TEST_CASE("unknown keys are reported, not ignored", "[config]") {
  CHECK_THROWS_WITH(parse_config(with(kMinimal, "timezone = \"UTC\"", "timezone = \"UTC\"\nbi_intervall_days = 3"),
                                 "x.toml"),
                    Contains("policy.bi_intervall_days: unknown key"));
  CHECK_THROWS_WITH(parse_config(std::string{kMinimal} + "\n[extra]\n", "x.toml"), Contains("extra: unknown key"));
}

TEST_CASE("ranges and enumerations are checked", "[config]") {
  CHECK_THROWS_WITH(parse_config(with(kMinimal, "bi_interval_days = 7", "bi_interval_days = 0"), "x.toml"),
                    Contains("policy.bi_interval_days: must be between 1 and 365"));
  CHECK_THROWS_WITH(parse_config(with(kMinimal, "type = \"prevac\"", "type = \"steam\""), "x.toml"),
                    Contains("sterilizer[0].type: \"steam\" is not one of"));
  CHECK_THROWS_WITH(parse_config(with(kMinimal, "tcp://127.0.0.1:1883", "http://x"), "x.toml"),
                    Contains("mqtt.url: must start with"));
}

TEST_CASE("station inputs need a device and a valid substitute", "[config]") {
  CHECK_THROWS_WITH(parse_config(with(kMinimal, "location = \"L-STORE-1\"", "location = \"L-STORE-1\"\ninput = \"serial\""),
                                 "x.toml"),
                    Contains("station[0].device: is required"));
  const Config c = parse_config(
      with(kMinimal, "location = \"L-STORE-1\"",
           "location = \"L-STORE-1\"\ninput = \"evdev\"\ndevice = \"/dev/input/event3\"\ngs_substitute = \"^]\""),
      "x.toml");
  CHECK(c.stations[0].gs_substitute == '\x1D');
  CHECK_THROWS_WITH(parse_config(with(kMinimal, "location = \"L-STORE-1\"", "location = \"L-STORE-1\"\ngs_substitute = \"ab\""),
                                 "x.toml"),
                    Contains("station[0].gs_substitute"));
}

TEST_CASE("duplicate ids and a password in the config are refused", "[config]") {
  CHECK_THROWS_WITH(parse_config(std::string{kMinimal} + "\n[[station]]\nid = \"desk\"\n", "x.toml"),
                    Contains("defined twice"));
  CHECK_THROWS_WITH(parse_config(with(kMinimal, "client_id = \"steritrackd\"", "client_id = \"s\"\npassword = \"x\""),
                                 "x.toml"),
                    Contains("mqtt.password: passwords are not kept in the config"));
}

TEST_CASE("broken TOML names the line", "[config]") {
  CHECK_THROWS_WITH(parse_config("[database\npath = 1", "bad.toml"), Contains("bad.toml:1:"));
}

TEST_CASE("the database section is required", "[config]") {
  CHECK_THROWS_WITH(parse_config("[mqtt]\n", "x.toml"), Contains("x.toml: database: is required"));
}

// Found by fuzz_config (docs/fuzzing.md): nan is a TOML float, and every
// comparison with it is false, so `temp_c = nan` passed the range check. A
// load program with a nan minimum temperature rounds to a 0 °C threshold in
// verification: any cycle would have reached it.
TEST_CASE("fuzz regression: nan is outside every range", "[config][fuzz]") {
  const std::string program = "\n[[program]]\nname = \"p\"\ntemp_c = 134\nexposure_s = 300\ntolerance_c = 0.5\n";
  const std::string base = std::string{kMinimal} + program;
  CHECK(parse_config(base, "x.toml").programs.at(0).temp_c == 134);
  for (const std::string nan : {"nan", "+nan", "-nan"}) {
    INFO(nan);
    CHECK_THROWS_WITH(parse_config(with(base, "temp_c = 134", "temp_c = " + nan), "x.toml"),
                      Contains("program[0].temp_c: must be between"));
    CHECK_THROWS_WITH(parse_config(with(base, "exposure_s = 300", "exposure_s = " + nan), "x.toml"),
                      Contains("program[0].exposure_s: must be between"));
    CHECK_THROWS_WITH(parse_config(with(base, "tolerance_c = 0.5", "tolerance_c = " + nan), "x.toml"),
                      Contains("program[0].tolerance_c: must be between"));
    CHECK_THROWS_WITH(parse_config(with(base, "timezone = \"UTC\"", "timezone = \"UTC\"\ntemp_tolerance_c = " + nan),
                                   "x.toml"),
                      Contains("policy.temp_tolerance_c: must be between"));
  }
}

TEST_CASE("an unknown time zone is refused by its key, never taken as UTC", "[config]") {
  CHECK_THROWS_WITH(parse_config(with(kMinimal, "timezone = \"UTC\"", "timezone = \"Mars/Olympus\""), "x.toml"),
                    Contains("x.toml: policy.timezone:") && Contains("Mars/Olympus"));
  const Config c = parse_config(with(kMinimal, "timezone = \"UTC\"", "timezone = \"America/New_York\""), "x.toml");
  CHECK(c.policy.timezone == "America/New_York");
}

TEST_CASE("scanner device paths must be absolute", "[config]") {
  for (const char* bad : {"ttyACM0", "/dev/../etc/passwd", "/dev/tty ACM0"}) {
    INFO(bad);
    CHECK_THROWS_WITH(parse_config(with(kMinimal, "location = \"L-STORE-1\"",
                                        std::string{"location = \"L-STORE-1\"\ninput = \"serial\"\ndevice = \""} + bad +
                                            "\""),
                                   "x.toml"),
                      Contains("station[0].device: must be an absolute path"));
  }
}

TEST_CASE("without a devices table the data folder of the installation is used", "[config]") {
  const Config c = parse_config(kMinimal, "x.toml");
  CHECK(c.devices_dir == default_devices_dir());
  CHECK(c.devices_dir.ends_with("share/steritrack/devices"));
}
