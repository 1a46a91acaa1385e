// libFuzzer target: the daemon's TOML config (app::parse_config, the loader
// behind load_config, --check-config and SIGHUP reloads). A bad config must
// be a ConfigError naming the file; any other exception escapes and crashes
// the target. An accepted config must hold only values in the documented
// ranges.
#include <set>
#include <string>

#include "app/config.hpp"
#include "check.hpp"

namespace {

using namespace steritrack;

bool in(double v, double lo, double hi) { return v >= lo && v <= hi; }

void check_config(const app::Config& c) {
  FUZZ_CHECK(c.source == "fuzz.toml");
  FUZZ_CHECK(!c.database_path.empty() && !c.devices_dir.empty());
  FUZZ_CHECK(!c.mqtt.client_id.empty() && c.mqtt.client_id.size() <= 64);
  FUZZ_CHECK(!c.mqtt.topic_prefix.empty() && c.mqtt.topic_prefix.back() != '/');
  FUZZ_CHECK(in(c.mqtt.keepalive_s, 5, 3600));
  FUZZ_CHECK(c.mqtt.reconnect_min_s >= 1 && c.mqtt.reconnect_max_s >= c.mqtt.reconnect_min_s);
  FUZZ_CHECK(in(c.alert_check_interval_s, 1, 3600));
  std::set<std::string> ids;
  for (const auto& s : c.stations) {
    FUZZ_CHECK(ids.insert("station:" + s.id).second);
    FUZZ_CHECK(s.input == "mqtt" || !s.device.empty());
    FUZZ_CHECK(s.location.empty() || s.location.starts_with("L-"));
  }
  for (const auto& s : c.sterilizers) {
    FUZZ_CHECK(ids.insert("sterilizer:" + s.id).second);
    FUZZ_CHECK(!s.profile.empty());
  }
  // Programs decide whether a load is verified: their numbers must be real.
  for (const auto& p : c.programs) {
    FUZZ_CHECK(!p.name.empty());
    FUZZ_CHECK(in(p.temp_c, 100, 150));
    FUZZ_CHECK(in(p.exposure_s, 1, 24 * 3600));
    FUZZ_CHECK(in(p.tolerance_c, 0, 10));
  }
  FUZZ_CHECK(in(c.policy.temp_tolerance_c, 0, 10));
  FUZZ_CHECK(in(c.policy.bi_interval_days, 1, 365));
  FUZZ_CHECK(in(c.policy.max_sample_gap_s, 1, 3600));
  FUZZ_CHECK(!c.policy.timezone.empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    check_config(app::parse_config(text, "fuzz.toml"));
  } catch (const app::ConfigError& e) {
    FUZZ_CHECK(std::string_view(e.what()).starts_with("fuzz.toml"));
  }
  return 0;
}
