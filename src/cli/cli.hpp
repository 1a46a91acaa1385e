#pragma once
// The CLI's shared context and the registration of each domain's commands.
// A command signals a user error by throwing cli::Failure: main prints its
// message to stderr and exits with its code. Nothing is written when a
// command fails (each command writes in one transaction).
#include <iosfwd>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "cli/output.hpp"
#include "common/clock.hpp"
#include "common/error_kind.hpp"
#include "common/policy.hpp"
#include "store/sqlite.hpp"

namespace CLI {
class App;
}

namespace steritrack::cli {

class Failure : public std::runtime_error {
public:
  explicit Failure(const std::string& message, int exit_code = 1)
      : std::runtime_error(message), exit_code_(exit_code) {}
  // A refusal from the domain: its exit code follows its kind (error_kind.hpp).
  explicit Failure(const Error& error)
      : std::runtime_error(error.reason), exit_code_(steritrack::exit_code(error.kind)) {}
  int exit_code() const { return exit_code_; }

private:
  int exit_code_;
};

class Context {
public:
  std::string db_option;      // --db
  std::string config_option;  // --config
  std::string format_option = "table";
  std::ostream* out = nullptr;
  std::ostream* err = nullptr;
  const Clock* clock = nullptr;
  std::optional<std::size_t> width;  // of the screen, to fit tables for people (output.hpp)

  Format format() const;
  // The database path: --db, else [database] path of --config, else the default.
  std::string db_path() const;
  // The policy from --config, or the defaults.
  const Policy& policy() const;
  // The database, opened and checked to be at the current schema.
  store::Connection& db();
  TimePoint now() const { return clock->now(); }
  // Tables for people in the clinic's zone (policy.timezone of --config,
  // else UTC), fitted to the screen.
  Screen screen() const;
  void show(const Table& table) const { print(*out, table, format(), screen()); }

private:
  std::unique_ptr<store::Connection> db_;
  mutable std::optional<Policy> policy_;
};

void add_platform_commands(CLI::App& app, Context& ctx);       // init
void add_decode_commands(CLI::App& app, Context& ctx);         // decode
void add_inventory_commands(CLI::App& app, Context& ctx);      // supplies, stock, reorder, orders
void add_sterilization_commands(CLI::App& app, Context& ctx);  // trays, instruments, indicator, release, recall
void add_cycle_commands(CLI::App& app, Context& ctx);          // cycle show, log
void add_compliance_commands(CLI::App& app, Context& ctx);     // alerts, verify, backup

}  // namespace steritrack::cli
