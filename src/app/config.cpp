#include "app/config.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "common/time_zone.hpp"
#include "common/toml_reader.hpp"

namespace steritrack::app {

std::string default_devices_dir() {
  // Where this program runs from does not change: looked up once.
  static const std::string dir = [] {
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
      const auto beside = exe.parent_path().parent_path() / "share/steritrack/devices";
      if (std::filesystem::is_directory(beside, ec)) return beside.string();
    }
    return std::string{STERITRACK_DEVICES_DIR};
  }();
  return dir;
}

namespace {

using Section = toml_reader::Section<ConfigError>;

bool is_label(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (unsigned char c : id)
    if (!(std::isalnum(c) || c == '-' || c == '_' || c == '.')) return false;
  return true;
}

bool is_device_path(const std::string& path) {
  if (path.size() < 2 || path.front() != '/' || path.size() > 255) return false;
  if (path.find("/../") != std::string::npos || path.ends_with("/..")) return false;
  for (unsigned char c : path)
    if (c <= 0x20 || c == 0x7f) return false;
  return true;
}

void parse_mqtt(Section& s, mqtt::Options& m) {
  m.url = s.text_or("url", m.url);
  if (!(m.url.rfind("tcp://", 0) == 0 || m.url.rfind("ssl://", 0) == 0 || m.url.rfind("mqtt://", 0) == 0 ||
        m.url.rfind("mqtts://", 0) == 0))
    s.error("url", "must start with tcp://, ssl://, mqtt:// or mqtts:// (got \"" + m.url + "\")");
  m.client_id = s.text_or("client_id", m.client_id);
  if (m.client_id.empty() || m.client_id.size() > 64) s.error("client_id", "must be 1 to 64 characters");
  m.topic_prefix = s.text_or("topic_prefix", m.topic_prefix);
  if (m.topic_prefix.empty() || m.topic_prefix.find_first_of("#+") != std::string::npos ||
      m.topic_prefix.back() == '/')
    s.error("topic_prefix", "must be non-empty, without '#', '+' or a trailing '/'");
  m.username = s.text("username");
  m.password_file = s.text("password_file");
  if (s.get("password"))
    s.error("password", "passwords are not kept in the config: put it in a file readable only by steritrack "
                        "and name that file in mqtt.password_file");
  m.ca_file = s.text("ca_file");
  m.cert_file = s.text("cert_file");
  m.key_file = s.text("key_file");
  if (m.cert_file.has_value() != m.key_file.has_value())
    s.error(m.cert_file ? "key_file" : "cert_file", "cert_file and key_file go together");
  if (m.password_file && !m.username) s.error("username", "is required when password_file is set");
  m.keepalive_s = static_cast<int>(s.integer("keepalive_s", 5, 3600).value_or(m.keepalive_s));
  m.reconnect_min_s = static_cast<int>(s.integer("reconnect_min_s", 1, 600).value_or(m.reconnect_min_s));
  m.reconnect_max_s = static_cast<int>(s.integer("reconnect_max_s", 1, 3600).value_or(m.reconnect_max_s));
  if (m.reconnect_max_s < m.reconnect_min_s) s.error("reconnect_max_s", "must be at least reconnect_min_s");
  s.reject_unknown();
}

std::optional<char> parse_gs_substitute(Section& s, const std::string& text) {
  // "^]" is how a terminal shows ASCII 29; other scanners send a printable
  // stand-in such as "~" or "|".
  if (text.empty()) return std::nullopt;
  if (text == "^]") return '\x1D';
  if (text.size() == 1 && text[0] > 32 && text[0] < 127) return text[0];
  s.error("gs_substitute", "must be one printable character, or \"^]\"");
}

void parse_policy(Section& s, Policy& p) {
  p.bi_interval_days = static_cast<int>(s.integer("bi_interval_days", 1, 365).value_or(p.bi_interval_days));
  p.expiry_warning_days =
      static_cast<int>(s.integer("expiry_warning_days", 0, 3650).value_or(p.expiry_warning_days));
  p.implant_quarantine = s.boolean("implant_quarantine").value_or(p.implant_quarantine);
  p.negative_bi_to_return =
      static_cast<int>(s.integer("negative_bi_to_return", 1, 10).value_or(p.negative_bi_to_return));
  p.retention_years = static_cast<int>(s.integer("retention_years", 1, 100).value_or(p.retention_years));
  p.timezone = s.text_or("timezone", p.timezone);
  // Never silently UTC: the clinic's day (daily tests, the log's dates)
  // and every time people read depend on it.
  if (const auto zone = TimeZone::locate(p.timezone); !zone) s.error("timezone", zone.error());
  p.temp_tolerance_c = s.number("temp_tolerance_c", 0, 10).value_or(p.temp_tolerance_c);
  p.max_sample_gap_s = static_cast<int>(s.integer("max_sample_gap_s", 1, 3600).value_or(p.max_sample_gap_s));
  p.cycle_end_timeout_min =
      static_cast<int>(s.integer("cycle_end_timeout_min", 1, 24 * 60).value_or(p.cycle_end_timeout_min));
  p.device_silent_min = static_cast<int>(s.integer("device_silent_min", 1, 24 * 60).value_or(p.device_silent_min));
  s.reject_unknown();
}

}  // namespace

Config parse_config(const std::string& toml_text, const std::string& source_name) {
  const toml::table root = toml_reader::parse<ConfigError>(toml_text, source_name);
  Config c;
  c.source = source_name;
  Section top(root, "", source_name);

  if (const toml::table* t = top.table("database")) {
    Section s(*t, "database", source_name);
    c.database_path = s.required_text("path");
    s.reject_unknown();
  } else {
    top.error("database", "is required ([database] with path = \"...\")");
  }
  if (const toml::table* t = top.table("mqtt")) {
    Section s(*t, "mqtt", source_name);
    parse_mqtt(s, c.mqtt);
  }
  if (const toml::table* t = top.table("devices")) {
    Section s(*t, "devices", source_name);
    c.devices_dir = s.required_text("dir");
    s.reject_unknown();
  }
  if (const toml::table* t = top.table("alerts")) {
    Section s(*t, "alerts", source_name);
    c.alert_check_interval_s = static_cast<int>(s.integer("check_interval_s", 1, 3600).value_or(60));
    s.reject_unknown();
  }

  std::set<std::string> seen;
  int i = 0;
  for (const toml::table* t : top.tables("station")) {
    Section s(*t, "station[" + std::to_string(i++) + "]", source_name);
    StationConfig st;
    st.id = s.required_text("id");
    if (!is_label(st.id)) s.error("id", "use letters, digits, '-', '_' or '.' (it is part of MQTT topics)");
    if (!seen.insert("station:" + st.id).second) s.error("id", "station \"" + st.id + "\" is defined twice");
    st.location = s.text_or("location", "");
    if (!st.location.empty() && st.location.rfind("L-", 0) != 0)
      s.error("location", "must be a location label such as \"L-STORE-1\"");
    st.input = s.one_of("input", "mqtt", {"mqtt", "serial", "evdev"});
    st.device = s.text_or("device", "");
    if (st.input != "mqtt" && st.device.empty()) s.error("device", "is required for input = \"" + st.input + "\"");
    if (!st.device.empty() && !is_device_path(st.device))
      s.error("device", "must be an absolute path such as /dev/ttyACM0 or /dev/input/by-id/...-event-kbd");
    st.baud = static_cast<int>(s.integer("baud", 1200, 921600).value_or(9600));
    st.terminator = s.one_of("terminator", "CR", {"CR", "LF", "CRLF"});
    st.gs_substitute = parse_gs_substitute(s, s.text_or("gs_substitute", ""));
    s.reject_unknown();
    c.stations.push_back(std::move(st));
  }
  i = 0;
  for (const toml::table* t : top.tables("sterilizer")) {
    Section s(*t, "sterilizer[" + std::to_string(i++) + "]", source_name);
    SterilizerConfig st;
    st.id = s.required_text("id");
    if (!is_label(st.id)) s.error("id", "use letters, digits, '-', '_' or '.' (it is part of MQTT topics)");
    if (!seen.insert("sterilizer:" + st.id).second) s.error("id", "sterilizer \"" + st.id + "\" is defined twice");
    st.name = s.text_or("name", st.id);
    st.type = s.one_of("type", "prevac", {"prevac", "gravity"});
    st.profile = s.text_or("profile", "generic-json");
    if (!is_label(st.profile)) s.error("profile", "must be a profile name from devices/profiles");
    s.reject_unknown();
    c.sterilizers.push_back(std::move(st));
  }
  i = 0;
  for (const toml::table* t : top.tables("program")) {
    Section s(*t, "program[" + std::to_string(i++) + "]", source_name);
    sterilization::ProgramDefinition p;
    p.name = s.required_text("name");
    p.kind = s.one_of("kind", "load", {"load", "air_removal_test", "leak_test"});
    p.temp_c = *[&] {
      auto v = s.number("temp_c", 100, 150);
      if (!v) s.error("temp_c", "is required");
      return v;
    }();
    p.exposure_s = *[&] {
      auto v = s.number("exposure_s", 1, 24 * 3600);
      if (!v) s.error("exposure_s", "is required");
      return v;
    }();
    p.tolerance_c = s.number("tolerance_c", 0, 10).value_or(0);
    s.reject_unknown();
    c.programs.push_back(std::move(p));
  }
  if (const toml::table* t = top.table("policy")) {
    Section s(*t, "policy", source_name);
    parse_policy(s, c.policy);
  }
  top.reject_unknown();
  return c;
}

namespace {

// The files the broker connection needs must be readable now: at connect
// time a missing one would only be a log line, retried for ever.
void check_readable(const std::string& source, const std::string& key, const std::optional<std::string>& path) {
  if (!path) return;
  std::ifstream in(*path);
  if (!in)
    throw ConfigError(source + ": " + key + ": cannot read " + *path + " (" + std::strerror(errno) +
                      "): the file must exist and be readable by the user steritrackd runs as");
}

}  // namespace

Config load_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError(path + ": cannot read the config file");
  std::stringstream buf;
  buf << in.rdbuf();
  Config c = parse_config(buf.str(), path);
  check_readable(path, "mqtt.password_file", c.mqtt.password_file);
  check_readable(path, "mqtt.ca_file", c.mqtt.ca_file);
  check_readable(path, "mqtt.cert_file", c.mqtt.cert_file);
  check_readable(path, "mqtt.key_file", c.mqtt.key_file);
  return c;
}

}  // namespace steritrack::app
