#pragma once
// The one strict TOML reader, for the daemon's config and the device files
// (programs.toml, profiles/*.toml): one table at a time, every key checked
// for its type and range, unknown keys (typos) reported, and every message
// in one form, "SOURCE: table.key: reason", thrown as the caller's Error
// type. toml++ is heavy: include this only where a file is parsed.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

namespace steritrack::toml_reader {

// Parses a whole file's text; a syntax error names the source, line and column.
template <typename Error>
toml::table parse(std::string_view text, const std::string& source) {
  try {
    return toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    throw Error(source + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) +
                ": not valid TOML: " + std::string{e.description()});
  }
}

template <typename Error>
class Section {
public:
  Section(const toml::table& table, std::string path, std::string source)
      : table_(table), path_(std::move(path)), source_(std::move(source)) {}

  [[noreturn]] void error(const std::string& key, const std::string& reason) const {
    throw Error(source_ + ": " + qualified(key) + ": " + reason);
  }
  std::string qualified(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

  const toml::node* get(const std::string& key) {
    used_.insert(key);
    return table_.get(key);
  }
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
    if (!(v >= min && v <= max)) error(key, "must be between " + trim(min) + " and " + trim(max));
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
  // A string or an array of strings.
  std::vector<std::string> texts(const std::string& key) {
    const toml::node* n = get(key);
    std::vector<std::string> out;
    if (!n) return out;
    if (n->is_string()) {
      out.push_back(*n->value<std::string>());
      return out;
    }
    const toml::array* arr = n->as_array();
    if (!arr) error(key, "must be a string or an array of strings");
    for (const auto& item : *arr) {
      if (!item.is_string()) error(key, "must be a string or an array of strings");
      out.push_back(*item.value<std::string>());
    }
    return out;
  }
  const toml::table* table(const std::string& key) {
    const toml::node* n = get(key);
    if (!n) return nullptr;
    if (!n->is_table()) error(key, "must be a table ([" + qualified(key) + "]), not " + type_name(*n));
    return n->as_table();
  }
  std::vector<const toml::table*> tables(const std::string& key) {
    std::vector<const toml::table*> out;
    const toml::node* n = get(key);
    if (!n) return out;
    const toml::array* arr = n->as_array();
    if (!arr) error(key, "must be an array of tables ([[" + qualified(key) + "]])");
    for (const auto& item : *arr) {
      if (!item.is_table()) error(key, "must be an array of tables ([[" + qualified(key) + "]])");
      out.push_back(item.as_table());
    }
    return out;
  }
  // Every key of a table whose values are strings or arrays of strings.
  std::map<std::string, std::vector<std::string>> string_lists() {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& [k, v] : table_) {
      const std::string key{k.str()};
      out[key] = texts(key);
    }
    return out;
  }
  void reject_unknown() const {
    for (const auto& [k, v] : table_) {
      const std::string key{k.str()};
      if (!used_.count(key)) error(key, "unknown key");
    }
  }
  const std::string& path() const { return path_; }
  const std::string& source() const { return source_; }

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
  static std::string trim(double v) {
    std::string s = std::to_string(v);
    s.erase(s.find_last_not_of('0') + 1);
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
  }

  const toml::table& table_;
  std::string path_;
  std::string source_;
  std::set<std::string> used_;
};

}  // namespace steritrack::toml_reader
