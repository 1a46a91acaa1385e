#include <CLI/CLI.hpp>

#include "cli/cli.hpp"

namespace steritrack::cli {

void add_compliance_commands(CLI::App& /*app*/, Context& /*ctx*/) {}

}  // namespace steritrack::cli
