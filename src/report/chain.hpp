#pragma once
// Tamper evidence (compliance.md section 6): an append-only hash chain over
// the records the sterilization log depends on. Each entry holds the SHA-256
// of the previous entry and of its record's canonical content, and is
// written in the same transaction as the record.
//
// A record's canonical content is produced by SQL (json_array of its
// columns, plus an optional blob) from the registry in chain_records.cpp, so
// appending and verifying read the record the same way. Every append also
// moves the chain head (table chain_head), so a cut-off tail shows.
// report/verify.hpp checks all of it.
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
  // SELECT key, content_text, content_blob FROM ... [WHERE key = ?1 when one].
  // select_all returns every record that must be under the chain: verify
  // reports one without an entry as inserted behind steritrack's back.
  std::string_view select_all;
  std::string_view select_one;
};
const std::vector<RecordType>& chained_record_types();

// Appends an entry for the current state of the record (type, key). Call it
// after writing the record, inside the same transaction.
void chain_record(store::Connection& db, std::string_view type, std::string_view key, TimePoint now);

std::string sha256_hex(std::string_view text, std::string_view blob = {});
// The content hash of a row read by a RecordType select (key, text, blob).
std::string content_hash(const store::Statement& row);
// The hash an entry is chained by.
std::string entry_hash(std::int64_t seq, std::string_view type, std::string_view key, std::string_view at,
                       std::string_view content_hash, std::string_view prev_hash);
// The prev_hash of the first entry.
inline const std::string kGenesisHash(64, '0');

}  // namespace steritrack::report
