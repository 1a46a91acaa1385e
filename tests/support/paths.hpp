#pragma once
// Where the tests find their data and the programs they start. The paths are
// compiled into paths.cpp alone, so that every other test file is the same
// in any checkout and comes from the compiler cache.
#include <string>

namespace steritrack::test_paths {

std::string data();         // tests/data
std::string source_dir();   // the repository's root
std::string daemon();       // the built steritrackd
std::string cli();          // the built steritrack

}  // namespace steritrack::test_paths

namespace steritrack::testkit {
namespace test_paths = steritrack::test_paths;
}  // namespace steritrack::testkit
