#pragma once
// Tamper evidence (compliance.md section 6): an append-only hash chain over
// the records the sterilization log depends on. Each entry holds the SHA-256
// of the previous entry and of its record's canonical content, and is
// written in the same transaction as the record.
//
// A record's canonical content is produced by SQL (json_array of its
// columns, plus an optional blob) from the registry in chain_records.cpp, so
// appending and verifying read the record the same way.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "store/sqlite.hpp"

namespace steritrack::report {

struct RecordType {
  std::string_view name;  // "cycle", "indicator", ...
  // SELECT key, content_text, content_blob FROM ... [WHERE key = ?1 when one]
  std::string_view select_all;
  std::string_view select_one;
};
const std::vector<RecordType>& chained_record_types();

// Appends an entry for the current state of the record (type, key). Call it
// after writing the record, inside the same transaction.
void chain_record(store::Connection& db, std::string_view type, std::string_view key, TimePoint now);

std::string sha256_hex(std::string_view text, std::string_view blob = {});

}  // namespace steritrack::report
