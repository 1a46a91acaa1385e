#pragma once
// `steritrack verify`: recomputes the tamper-evident chain and checks every
// current record against its latest entry (compliance.md section 6).
//
// What it proves, and what it cannot (docs/compliance.md, "Tamper
// evidence"): any edit, deletion or insertion of a chained record, and any
// edit, deletion, insertion or reordering of chain entries, made with the
// sqlite3 shell, is found unless the attacker also recomputes every later
// entry hash and the head. Such a consistent rewrite is only caught against
// an anchor kept outside the database: the head printed by an earlier verify
// or read from an earlier backup.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/sqlite.hpp"

namespace steritrack::report {

// One chain entry as recorded elsewhere: "SEQ:HASH".
struct Anchor {
  std::int64_t seq = 0;
  std::string entry_hash;
};
std::optional<Anchor> parse_anchor(std::string_view text);
std::string to_string(const Anchor& anchor);
// The last entry of the chain, if any (what a later verify can be anchored to).
std::optional<Anchor> last_entry(store::Connection& db);

enum class ProblemKind {
  hash_mismatch,        // an entry's stored hash is not the hash of its fields: the entry was edited
  broken_link,          // an entry's prev_hash is not the previous entry's hash, or entries are missing before it
  unknown_record_type,  // an entry for a record type steritrack does not chain
  chain_truncated,      // entries the head (or an anchor) records are gone
  head_mismatch,        // the head names another last entry: entries added or head edited behind steritrack
  anchor_mismatch,      // the entry an anchor names has another hash: the chain was rewritten
  record_edited,        // a record no longer matches its latest entry
  record_deleted,       // a record with entries is gone
  record_unchained,     // a record without any entry: inserted behind steritrack
};
std::string_view to_string(ProblemKind kind);

struct Problem {
  ProblemKind kind;
  std::int64_t seq = 0;     // the chain entry concerned; 0 when none
  std::string record_type;  // the record concerned; empty when none
  std::string record_key;
  std::string detail;
};
// "entry 17 (cycle A/1042): record edited: ..."
std::string describe(const Problem& problem);

struct VerifyResult {
  std::int64_t entries_checked = 0;
  std::int64_t records_checked = 0;
  std::optional<Anchor> head;  // the chain's last entry as found
  // Chain problems in seq order, then the head and anchors, then records in
  // the order of their latest entry; at most VerifyOptions::max_problems.
  std::vector<Problem> problems;
  std::int64_t problem_count = 0;  // all found, also beyond the cap
  bool ok() const { return problem_count == 0; }
};

struct VerifyOptions {
  std::vector<Anchor> anchors;
  std::size_t max_problems = 100;
};

// Reads one consistent snapshot (a read transaction unless the caller is in
// one), so it runs while the daemon writes.
VerifyResult verify(store::Connection& db, const VerifyOptions& options = {});

}  // namespace steritrack::report
