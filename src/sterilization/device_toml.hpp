#pragma once
// Reading the device files (programs.toml, profiles/*.toml): one table at a
// time, every key checked for its type and range, unknown keys (typos)
// reported. Included only by programs.cpp and profiles.cpp (toml++ is heavy).
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <toml++/toml.h>

namespace steritrack::sterilization::device_toml {

// Parses a whole file's text; a syntax error names the source and line.
template <typename Error>
toml::table parse(std::string_view text, const std::string& source) {
  try {
    return toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    throw Error(source + ":" + std::to_string(e.source().begin.line) + ": " + std::string{e.description()});
  }
}

template <typename Error>
class Section {
public:
  Section(const toml::table& table, std::string path, std::string source)
      : table_(table), path_(std::move(path)), source_(std::move(source)) {}

  [[noreturn]] void error(const std::string& key, const std::string& reason) const {
    throw Error(source_ + ": " + (path_.empty() ? key : path_ + "." + key) + ": " + reason);
  }

  const toml::node* get(const std::string& key) {
    used_.insert(key);
    return table_.get(key);
  }
  std::optional<std::string> text(const std::string& key) {
    const toml::node* n = get(key);
    if (!n) return std::nullopt;
    if (!n->is_string()) error(key, "must be a string");
    return n->value<std::string>();
  }
  std::string required_text(const std::string& key) {
    auto v = text(key);
    if (!v || v->empty()) error(key, "is required");
    return *v;
  }
  std::optional<double> number(const std::string& key, double min, double max) {
    const toml::node* n = get(key);
    if (!n) return std::nullopt;
    if (!n->is_number()) error(key, "must be a number");
    const double v = *n->value<double>();
    // Written so that nan (valid TOML) fails too: every comparison with it is false.
    if (!(v >= min && v <= max)) error(key, "must be between " + trim(min) + " and " + trim(max));
    return v;
  }
  std::optional<bool> boolean(const std::string& key) {
    const toml::node* n = get(key);
    if (!n) return std::nullopt;
    if (!n->is_boolean()) error(key, "must be true or false");
    return n->value<bool>();
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
    if (!n->is_table()) error(key, "must be a table ([" + key + "])");
    return n->as_table();
  }
  std::vector<const toml::table*> tables(const std::string& key) {
    std::vector<const toml::table*> out;
    const toml::node* n = get(key);
    if (!n) return out;
    const toml::array* arr = n->as_array();
    if (!arr) error(key, "must be an array of tables ([[" + key + "]])");
    for (const auto& item : *arr) {
      if (!item.is_table()) error(key, "must be an array of tables ([[" + key + "]])");
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

}  // namespace steritrack::sterilization::device_toml
