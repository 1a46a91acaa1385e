// steritrack: the administration and compliance CLI.
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/cli.hpp"

int main(int argc, char** argv) {
  using namespace steritrack;
  SystemClock clock;
  cli::Context ctx;
  ctx.out = &std::cout;
  ctx.err = &std::cerr;
  ctx.clock = &clock;
  ctx.width = cli::screen_width(STDOUT_FILENO, std::getenv("COLUMNS"));

  CLI::App app{"steritrack: supplies and sterilization records for clinics"};
  app.require_subcommand(1);
  // Global options are accepted before or after the command words.
  app.fallthrough();
  app.add_option("--db", ctx.db_option, "database file (default: from --config, else /var/lib/steritrack/steritrack.db)");
  app.add_option("--config", ctx.config_option, "daemon config file (for the database path and policy)");
  app.add_option("--format", ctx.format_option, "output format")->check(CLI::IsMember({"table", "csv", "json"}));

  cli::add_platform_commands(app, ctx);
  cli::add_decode_commands(app, ctx);
  cli::add_inventory_commands(app, ctx);
  cli::add_sterilization_commands(app, ctx);
  cli::add_cycle_commands(app, ctx);
  cli::add_compliance_commands(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const cli::Failure& e) {
    std::cerr << "steritrack: " << e.what() << '\n';
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cerr << "steritrack: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
