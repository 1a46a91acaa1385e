#pragma once
// The one mapping from a refusal's kind to what the CLI and the web API
// answer (docs/operations.md, docs/web.md).
#include <string_view>

#include "common/result.hpp"

namespace steritrack {

// The CLI exits 1 for every refusal (the message says why), as documented
// since the first release; only storage failures differ.
constexpr int exit_code(ErrorKind kind) {
  return kind == ErrorKind::internal ? 4 : 1;
}

constexpr int http_status(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::bad_input: return 400;
    case ErrorKind::not_found: return 404;
    case ErrorKind::conflict: return 409;
    case ErrorKind::not_allowed: return 403;
    case ErrorKind::internal: return 500;
  }
  return 500;
}

constexpr std::string_view name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::bad_input: return "bad_input";
    case ErrorKind::not_found: return "not_found";
    case ErrorKind::conflict: return "conflict";
    case ErrorKind::not_allowed: return "not_allowed";
    case ErrorKind::internal: return "internal";
  }
  return "internal";
}

}  // namespace steritrack
