#include <CLI/CLI.hpp>

#include "cli/cli.hpp"

namespace steritrack::cli {

void add_decode_commands(CLI::App& /*app*/, Context& /*ctx*/) {}

}  // namespace steritrack::cli
