#pragma once
// What the fuzz targets share: a broken invariant aborts with the input's
// story on stderr, so that libFuzzer saves the input as a crash.
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace steritrack::fuzz {

[[noreturn]] inline void broken(const char* what, const char* file, int line) {
  std::fprintf(stderr, "fuzz invariant broken at %s:%d: %s\n", file, line, what);
  std::abort();
}

inline std::string_view text_of(const unsigned char* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace steritrack::fuzz

// An assert that stays on in every build type.
#define FUZZ_CHECK(cond) ((cond) ? static_cast<void>(0) : ::steritrack::fuzz::broken(#cond, __FILE__, __LINE__))
