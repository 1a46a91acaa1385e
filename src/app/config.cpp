#include "app/config.hpp"

#include <fstream>
#include <set>
#include <sstream>

#include <toml++/toml.h>

#include "common/time_zone.hpp"

namespace steritrack::app {
namespace {

// Reads one table, remembering which keys were used so that unknown keys
// (typos) are reported instead of silently ignored.
class Section {
public:
  Section(const toml::table& table, std::string path, const std::string& file)
      : table_(table), path_(std::move(path)), file_(file) {}

  [[noreturn]] void error(const std::string& key, const std::string& reason) const {
    throw ConfigError(file_ + ": " + qualified(key) + ": " + reason);
  }

  std::string qualified(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

  std::optional<std::string> text(const std::string& key) {
    const toml::node* n = get(key);
    if (!n) return std::nullopt;
    if (!n->is_string()) error(key, std::string{"must be a string, not "} + type_name(*n));
    return n->value<std::string>();
  }
  std::string text_or(const std::string& key, std::string fallback) { return text(key).value_or(std::move(fallback)); }
  std::string required_text(const std::string& key) {
    auto v = text(key);
    if (!v) error(key, "is required");
    if (v->empty()) error(key, "must not be empty");
    return *v;
  }
  std::optional<std::int64_t> integer(const std::string& key, std::int64_t min, std::int64_t max) {
    const toml::node* n = get(key);
    if (!n) return std::nullopt;
    if (!n->is_integer()) error(key, std::string{"must be an integer, not "} + type_name(*n));
    const auto v = *n->value<std::int64_t>();
    if (v < min || v > max) error(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return v;
  }
  std::optional<double> number(const std::string& key, double min, double max) {
    const toml::node* n = get(key);
    if (!n) return std::nullopt;
    if (!n->is_number()) error(key, std::string{"must be a number, not "} + type_name(*n));
    const double v = *n->value<double>();
    // Written so that nan (valid TOML) fails too: every comparison with it is false.
    if (!(v >= min && v <= max))
      error(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return v;
  }
  std::optional<bool> boolean(const std::string& key) {
    const toml::node* n = get(key);
    if (!n) return std::nullopt;
    if (!n->is_boolean()) error(key, std::string{"must be true or false, not "} + type_name(*n));
    return n->value<bool>();
  }
  std::string one_of(const std::string& key, std::string fallback, const std::set<std::string>& allowed) {
    std::string v = text_or(key, std::move(fallback));
    if (!allowed.count(v)) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      error(key, "\"" + v + "\" is not one of " + list);
    }
    return v;
  }
  const toml::node* get(const std::string& key) {
    used_.insert(key);
    return table_.get(key);
  }
  void reject_unknown() const {
    for (const auto& [k, v] : table_) {
      const std::string key{k.str()};
      if (!used_.count(key)) error(key, "unknown key");
    }
  }

  static const char* type_name(const toml::node& n) {
    switch (n.type()) {
      case toml::node_type::string: return "a string";
      case toml::node_type::integer: return "an integer";
      case toml::node_type::floating_point: return "a number";
      case toml::node_type::boolean: return "a boolean";
      case toml::node_type::table: return "a table";
      case toml::node_type::array: return "an array";
      default: return "a date/time";
    }
  }

private:
  const toml::table& table_;
  std::string path_;
  const std::string& file_;
  std::set<std::string> used_;
};

const toml::table* sub_table(Section& parent, const std::string& key) {
  const toml::node* n = parent.get(key);
  if (!n) return nullptr;
  if (!n->is_table()) parent.error(key, "must be a table ([" + key + "]), not " + Section::type_name(*n));
  return n->as_table();
}

std::vector<const toml::table*> table_array(Section& parent, const std::string& key) {
  std::vector<const toml::table*> out;
  const toml::node* n = parent.get(key);
  if (!n) return out;
  const toml::array* arr = n->as_array();
  if (!arr) parent.error(key, "must be an array of tables ([[" + key + "]])");
  for (const auto& item : *arr) {
    if (!item.is_table()) parent.error(key, "must be an array of tables ([[" + key + "]])");
    out.push_back(item.as_table());
  }
  return out;
}

bool is_label(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (unsigned char c : id)
    if (!(std::isalnum(c) || c == '-' || c == '_' || c == '.')) return false;
  return true;
}

void parse_mqtt(Section& s, MqttConfig& m) {
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
  if (auto zone = TimeZone::locate(p.timezone); !zone) s.error("timezone", zone.error());
  p.temp_tolerance_c = s.number("temp_tolerance_c", 0, 10).value_or(p.temp_tolerance_c);
  p.max_sample_gap_s = static_cast<int>(s.integer("max_sample_gap_s", 1, 3600).value_or(p.max_sample_gap_s));
  p.cycle_end_timeout_min =
      static_cast<int>(s.integer("cycle_end_timeout_min", 1, 24 * 60).value_or(p.cycle_end_timeout_min));
  p.device_silent_min = static_cast<int>(s.integer("device_silent_min", 1, 24 * 60).value_or(p.device_silent_min));
  s.reject_unknown();
}

}  // namespace

Config parse_config(const std::string& toml_text, const std::string& source_name) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    throw ConfigError(source_name + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) +
                      ": not valid TOML: " + std::string{e.description()});
  }
  Config c;
  c.source = source_name;
  Section top(root, "", source_name);

  if (const toml::table* t = sub_table(top, "database")) {
    Section s(*t, "database", source_name);
    c.database_path = s.required_text("path");
    s.reject_unknown();
  } else {
    top.error("database", "is required ([database] with path = \"...\")");
  }
  if (const toml::table* t = sub_table(top, "mqtt")) {
    Section s(*t, "mqtt", source_name);
    parse_mqtt(s, c.mqtt);
  }
  if (const toml::table* t = sub_table(top, "devices")) {
    Section s(*t, "devices", source_name);
    c.devices_dir = s.required_text("dir");
    s.reject_unknown();
  }
  if (const toml::table* t = sub_table(top, "alerts")) {
    Section s(*t, "alerts", source_name);
    c.alert_check_interval_s = static_cast<int>(s.integer("check_interval_s", 1, 3600).value_or(60));
    s.reject_unknown();
  }

  std::set<std::string> seen;
  int i = 0;
  for (const toml::table* t : table_array(top, "station")) {
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
    st.baud = static_cast<int>(s.integer("baud", 1200, 921600).value_or(9600));
    st.terminator = s.one_of("terminator", "CR", {"CR", "LF", "CRLF"});
    st.gs_substitute = parse_gs_substitute(s, s.text_or("gs_substitute", ""));
    s.reject_unknown();
    c.stations.push_back(std::move(st));
  }
  i = 0;
  for (const toml::table* t : table_array(top, "sterilizer")) {
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
  for (const toml::table* t : table_array(top, "program")) {
    Section s(*t, "program[" + std::to_string(i++) + "]", source_name);
    ProgramConfig p;
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
  if (const toml::table* t = sub_table(top, "policy")) {
    Section s(*t, "policy", source_name);
    parse_policy(s, c.policy);
  }
  top.reject_unknown();
  return c;
}

Config load_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError(path + ": cannot read the config file");
  std::stringstream buf;
  buf << in.rdbuf();
  return parse_config(buf.str(), path);
}

}  // namespace steritrack::app
