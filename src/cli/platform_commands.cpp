#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/cli.hpp"
#include "store/migrations.hpp"

namespace steritrack::cli {

void add_platform_commands(CLI::App& app, Context& ctx) {
  auto* init = app.add_subcommand("init", "create the database, or migrate it to the current schema");
  init->callback([&ctx] {
    const std::string path = ctx.db_path();
    try {
      store::Connection db(path, store::OpenMode::create);
      const int before = store::schema_version(db);
      const int applied = store::migrate(db);
      *ctx.out << path << ": schema version " << store::schema_version(db);
      if (applied == 0)
        *ctx.out << " (already current)\n";
      else
        *ctx.out << " (" << applied << " migration" << (applied == 1 ? "" : "s") << " applied, was " << before
                 << ")\n";
    } catch (const store::SchemaError& e) {
      throw Failure(e.what());
    } catch (const store::DatabaseError& e) {
      throw Failure(e.what());
    }
  });
}

}  // namespace steritrack::cli
