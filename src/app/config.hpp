#pragma once
// The daemon's configuration (TOML). Every key is validated at load: types,
// ranges, unknown keys. A ConfigError names the file, the key and the reason.
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/policy.hpp"

namespace steritrack::app {

class ConfigError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

struct MqttConfig {
  std::string url = "tcp://127.0.0.1:1883";
  std::string client_id = "steritrackd";
  std::string topic_prefix = "steritrack";
  std::optional<std::string> username;
  std::optional<std::string> password_file;  // the password itself never sits in the config
  std::optional<std::string> ca_file;
  std::optional<std::string> cert_file;
  std::optional<std::string> key_file;
  int keepalive_s = 30;
  int reconnect_min_s = 1;
  int reconnect_max_s = 30;
};

struct StationConfig {
  std::string id;
  std::string location;             // an L- label
  std::string input = "mqtt";       // mqtt, serial, evdev
  std::string device;               // serial or evdev device path
  int baud = 9600;
  std::string terminator = "CR";    // serial: CR, LF, CRLF
  std::optional<char> gs_substitute;  // what a wedge scanner types for ASCII 29
};

struct SterilizerConfig {
  std::string id;
  std::string name;
  std::string type;     // prevac, gravity
  std::string profile;  // devices/profiles/<profile>.toml
};

struct ProgramConfig {
  std::string name;
  std::string kind = "load";  // load, air_removal_test, leak_test
  double temp_c = 0;
  double exposure_s = 0;
  double tolerance_c = 0;
};

struct Config {
  std::string source;  // the file it came from
  std::string database_path = "/var/lib/steritrack/steritrack.db";
  std::string devices_dir = "/usr/share/steritrack/devices";  // profiles/ and programs.toml
  MqttConfig mqtt;
  std::vector<StationConfig> stations;
  std::vector<SterilizerConfig> sterilizers;
  std::vector<ProgramConfig> programs;  // added to (or overriding) devices/programs.toml
  Policy policy;
  int alert_check_interval_s = 60;      // how often time-based alert rules are re-checked
};

// Throws ConfigError ("FILE: KEY: reason").
Config load_config(const std::string& path);
Config parse_config(const std::string& toml_text, const std::string& source_name);

}  // namespace steritrack::app
