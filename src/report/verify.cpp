#include "report/verify.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <map>
#include <unordered_map>

#include "report/chain.hpp"

namespace steritrack::report {
namespace {

// A read transaction: every query sees the same commit, so a daemon writing
// meanwhile cannot make a record look edited. Rolled back: it wrote nothing.
class ReadSnapshot {
public:
  explicit ReadSnapshot(store::Connection& db) : db_(db), own_(!db.in_transaction()) {
    if (own_) db_.exec("BEGIN");
  }
  ~ReadSnapshot() {
    if (!own_) return;
    try {
      db_.exec("ROLLBACK");
    } catch (...) {
      // A read transaction has nothing to lose; SQLite ends it on close.
    }
  }
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

private:
  store::Connection& db_;
  bool own_;
};

struct Latest {
  std::int64_t seq = 0;
  std::string content_hash;
  bool seen = false;
};

std::string record_id(std::string_view type, std::string_view key) {
  std::string id{type};
  id += '\x1f';
  id += key;
  return id;
}

std::string range(std::int64_t from, std::int64_t to) {
  return from == to ? "entry " + std::to_string(from)
                    : "entries " + std::to_string(from) + ".." + std::to_string(to);
}

// "entry 5 is" / "entries 5..7 are"
std::string range(std::int64_t from, std::int64_t to, std::string_view one, std::string_view many) {
  return range(from, to) + " " + std::string{from == to ? one : many};
}

bool known_type(std::string_view type) {
  const auto& types = chained_record_types();
  return std::any_of(types.begin(), types.end(), [&](const RecordType& t) { return t.name == type; });
}

}  // namespace

std::optional<Anchor> parse_anchor(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  Anchor a;
  const auto* end = text.data() + colon;
  const auto [ptr, ec] = std::from_chars(text.data(), end, a.seq);
  if (ec != std::errc{} || ptr != end || a.seq < 1) return std::nullopt;
  a.entry_hash = std::string{text.substr(colon + 1)};
  if (a.entry_hash.size() != 64) return std::nullopt;
  for (char& c : a.entry_hash) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  }
  return a;
}

std::string to_string(const Anchor& anchor) { return std::to_string(anchor.seq) + ":" + anchor.entry_hash; }

std::optional<Anchor> last_entry(store::Connection& db) {
  auto& s = db.query("SELECT seq, entry_hash FROM chain ORDER BY seq DESC LIMIT 1");
  std::optional<Anchor> out;
  if (s.step()) out = Anchor{s.get_int(0), s.get_text(1)};
  s.reset();
  return out;
}

std::string_view to_string(ProblemKind kind) {
  switch (kind) {
    case ProblemKind::hash_mismatch: return "hash mismatch";
    case ProblemKind::broken_link: return "broken link";
    case ProblemKind::unknown_record_type: return "unknown record type";
    case ProblemKind::chain_truncated: return "chain truncated";
    case ProblemKind::head_mismatch: return "head mismatch";
    case ProblemKind::anchor_mismatch: return "anchor mismatch";
    case ProblemKind::record_edited: return "record edited";
    case ProblemKind::record_deleted: return "record deleted";
    case ProblemKind::record_unchained: return "record inserted without entry";
  }
  return "problem";
}

std::string describe(const Problem& p) {
  std::string out;
  if (p.seq > 0) out = "entry " + std::to_string(p.seq);
  if (!p.record_type.empty()) {
    const std::string record = p.record_type + " " + p.record_key;
    out += out.empty() ? record : " (" + record + ")";
  }
  if (!out.empty()) out += ": ";
  out += to_string(p.kind);
  if (!p.detail.empty()) out += ": " + p.detail;
  return out;
}

VerifyResult verify(store::Connection& db, const VerifyOptions& options) {
  ReadSnapshot snapshot(db);
  VerifyResult result;
  std::vector<Problem> chain_problems;
  std::vector<Problem> record_problems;

  std::map<std::int64_t, std::string> anchors;
  for (const Anchor& a : options.anchors) anchors[a.seq] = a.entry_hash;

  // 1. The chain itself: contiguous seqs, each linked to the previous
  //    entry's stored hash (so one edited entry is one problem, not a
  //    cascade), each hash recomputed from its fields.
  std::unordered_map<std::string, Latest> latest;
  latest.reserve(static_cast<std::size_t>(db.query_int("SELECT coalesce(max(seq), 0) FROM chain").value_or(0)));
  std::int64_t last_seq = 0;
  std::string last_hash = kGenesisHash;
  {
    auto& s = db.query("SELECT seq, record_type, record_key, at, content_hash, prev_hash, entry_hash FROM chain"
                       " ORDER BY seq");
    while (s.step()) {
      const std::int64_t seq = s.get_int(0);
      std::string type = s.get_text(1);
      std::string key = s.get_text(2);
      const std::string at = s.get_text(3);
      std::string content = s.get_text(4);
      const std::string prev = s.get_text(5);
      std::string hash = s.get_text(6);
      ++result.entries_checked;

      if (seq != last_seq + 1) {
        chain_problems.push_back({ProblemKind::broken_link, seq, type, key,
                                  range(last_seq + 1, seq - 1, "is", "are") + " missing before it"});
      } else if (prev != last_hash) {
        chain_problems.push_back({ProblemKind::broken_link, seq, type, key,
                                  "its prev_hash is not the hash of " +
                                      (last_seq == 0 ? std::string{"the chain's start"} : range(last_seq, last_seq)) +
                                      ": an entry before it was rewritten, removed or moved"});
      }
      if (entry_hash(seq, type, key, at, content, prev) != hash)
        chain_problems.push_back({ProblemKind::hash_mismatch, seq, type, key,
                                  "its stored hash is not the hash of its fields: the entry was edited"});
      if (!known_type(type))
        chain_problems.push_back({ProblemKind::unknown_record_type, seq, type, key,
                                  "steritrack does not chain records of type \"" + type + "\""});
      if (const auto it = anchors.find(seq); it != anchors.end()) {
        if (it->second != hash)
          chain_problems.push_back({ProblemKind::anchor_mismatch, seq, type, key,
                                    "its hash differs from the anchor " + to_string(Anchor{seq, it->second}) +
                                        ": the chain was rewritten up to here"});
        anchors.erase(it);
      }
      latest[record_id(type, key)] = Latest{seq, std::move(content), false};
      last_seq = seq;
      last_hash = std::move(hash);
    }
  }
  if (result.entries_checked > 0) result.head = Anchor{last_seq, last_hash};

  // 2. The head kept by every append, and the anchors kept outside.
  std::vector<Problem> end_problems;
  {
    auto& h = db.query("SELECT seq, entry_hash FROM chain_head WHERE id = 1");
    std::optional<Anchor> head;
    if (h.step()) head = Anchor{h.get_int(0), h.get_text(1)};
    h.reset();
    if (!head) {
      if (result.entries_checked > 0)
        end_problems.push_back({ProblemKind::head_mismatch, last_seq, {}, {}, "the chain head is missing"});
    } else if (head->seq > last_seq) {
      end_problems.push_back({ProblemKind::chain_truncated, last_seq + 1, {}, {},
                              "the head records entry " + std::to_string(head->seq) + " but the chain " +
                                  (last_seq == 0 ? std::string{"is empty"}
                                                 : "ends at entry " + std::to_string(last_seq)) +
                                  ": " + range(last_seq + 1, head->seq, "is", "are") + " gone"});
    } else if (head->seq < last_seq) {
      end_problems.push_back({ProblemKind::head_mismatch, head->seq + 1, {}, {},
                              "the head records entry " + std::to_string(head->seq) + ": " +
                                  range(head->seq + 1, last_seq, "was", "were") + " added behind steritrack"});
    } else if (head->entry_hash != last_hash) {
      end_problems.push_back({ProblemKind::head_mismatch, last_seq, {}, {},
                              "the head records another hash for this entry: the chain's end was rewritten"});
    }
    for (const auto& [seq, hash] : anchors) {
      if (seq > last_seq)
        end_problems.push_back({ProblemKind::chain_truncated, seq, {}, {},
                                "the anchor " + to_string(Anchor{seq, hash}) + " names an entry past the chain's end (" +
                                    std::to_string(last_seq) + ")"});
      else
        end_problems.push_back({ProblemKind::anchor_mismatch, seq, {}, {},
                                "the entry the anchor " + to_string(Anchor{seq, hash}) + " names is missing"});
    }
  }

  // 3. Every current record against its latest entry.
  for (const RecordType& t : chained_record_types()) {
    auto& s = db.query(t.select_all);
    while (s.step()) {
      ++result.records_checked;
      std::string key = s.get_text(0);
      const auto it = latest.find(record_id(t.name, key));
      if (it == latest.end()) {
        record_problems.push_back({ProblemKind::record_unchained, 0, std::string{t.name}, std::move(key),
                                   "no chain entry covers it"});
        continue;
      }
      it->second.seen = true;
      if (content_hash(s) != it->second.content_hash)
        record_problems.push_back({ProblemKind::record_edited, it->second.seq, std::string{t.name}, std::move(key),
                                   "its content no longer matches its latest entry"});
    }
  }
  for (const auto& [id, entry] : latest) {
    if (entry.seen) continue;
    const auto sep = id.find('\x1f');
    const std::string type = id.substr(0, sep);
    if (!known_type(type)) continue;  // already reported with its entry
    record_problems.push_back({ProblemKind::record_deleted, entry.seq, type, id.substr(sep + 1),
                               "the record its latest entry covers is gone"});
  }
  // Records in chain order; those without any entry last.
  std::sort(record_problems.begin(), record_problems.end(), [](const Problem& a, const Problem& b) {
    const auto order = [](const Problem& p) { return p.seq == 0 ? std::numeric_limits<std::int64_t>::max() : p.seq; };
    if (order(a) != order(b)) return order(a) < order(b);
    return a.record_key < b.record_key;
  });

  for (auto* group : {&chain_problems, &end_problems, &record_problems}) {
    result.problem_count += static_cast<std::int64_t>(group->size());
    for (Problem& p : *group)
      if (result.problems.size() < options.max_problems) result.problems.push_back(std::move(p));
  }
  return result;
}

}  // namespace steritrack::report
