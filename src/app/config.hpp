#pragma once
// The daemon's configuration (TOML). Every key is validated at load: types,
// ranges, unknown keys. A ConfigError names the file, the key and the reason.
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/policy.hpp"
#include "mqtt/options.hpp"
#include "sterilization/programs.hpp"

namespace steritrack::app {

class ConfigError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

// <prefix>/share/steritrack/devices for the prefix this program runs from
// (its own path's ../share), else the prefix it was configured for. It need
// not exist: the standard programs and profiles are compiled in.
std::string default_devices_dir();

struct StationConfig {
  std::string id;
  std::string location;             // an L- label
  std::string input = "mqtt";       // mqtt, serial, evdev
  std::string device;               // serial or evdev device path
  int baud = 9600;
  std::string terminator = "CR";    // serial: CR, LF, CRLF
  std::optional<char> gs_substitute;  // what a wedge scanner types for ASCII 29

  bool operator==(const StationConfig&) const = default;
};

struct SterilizerConfig {
  std::string id;
  std::string name;
  std::string type;     // prevac, gravity
  std::string profile;  // devices/profiles/<profile>.toml
};

struct Config {
  std::string source;  // the file it came from
  std::string database_path = "/var/lib/steritrack/steritrack.db";
  // profiles/ and programs.toml adding to or overriding the built-in ones;
  // by default the data folder of the installation (default_devices_dir()).
  std::string devices_dir = default_devices_dir();
  mqtt::Options mqtt;
  std::vector<StationConfig> stations;
  std::vector<SterilizerConfig> sterilizers;
  std::vector<sterilization::ProgramDefinition> programs;  // added to (or overriding) devices/programs.toml
  Policy policy;
  int alert_check_interval_s = 60;      // how often time-based alert rules are re-checked
};

// Throws ConfigError ("FILE: KEY: reason").
Config load_config(const std::string& path);
Config parse_config(const std::string& toml_text, const std::string& source_name);

}  // namespace steritrack::app
