#include "support/paths.hpp"

namespace steritrack::test_paths {

std::string data() { return STERITRACK_TEST_DATA; }
std::string source_dir() { return STERITRACK_SOURCE_DIR; }
std::string daemon() { return STERITRACKD_PATH; }
std::string cli() { return STERITRACK_CLI_PATH; }

}  // namespace steritrack::test_paths
