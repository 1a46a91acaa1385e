#include <CLI/CLI.hpp>

#include "cli/cli.hpp"

namespace steritrack::cli {

void add_sterilization_commands(CLI::App& /*app*/, Context& /*ctx*/) {}

}  // namespace steritrack::cli
