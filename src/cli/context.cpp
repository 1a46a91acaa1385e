#include <filesystem>

#include "app/config.hpp"
#include "cli/cli.hpp"
#include "common/time_zone.hpp"
#include "store/migrations.hpp"

namespace steritrack::cli {

Format Context::format() const {
  if (format_option == "csv") return Format::csv;
  if (format_option == "json") return Format::json;
  return Format::table;
}

std::string Context::db_path() const {
  if (!db_option.empty()) return db_option;
  if (!config_option.empty()) return app::load_config(config_option).database_path;
  return "/var/lib/steritrack/steritrack.db";
}

const Policy& Context::policy() const {
  if (!policy_) policy_ = config_option.empty() ? Policy{} : app::load_config(config_option).policy;
  return *policy_;
}

Screen Context::screen() const { return Screen{&clinic_zone(policy().timezone), width}; }

store::Connection& Context::db() {
  if (!db_) {
    const std::string path = db_path();
    if (!std::filesystem::exists(path)) throw Failure("no database at " + path + ": run `steritrack init` first");
    auto conn = std::make_unique<store::Connection>(path, store::OpenMode::read_write);
    try {
      store::require_current_schema(*conn);
    } catch (const store::SchemaError& e) {
      throw Failure(e.what());
    }
    db_ = std::move(conn);
  }
  return *db_;
}

}  // namespace steritrack::cli
