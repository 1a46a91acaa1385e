#include "report/chain.hpp"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

#include "common/time.hpp"

namespace steritrack::report {
namespace {

const RecordType& record_type(std::string_view name) {
  for (const RecordType& t : chained_record_types())
    if (t.name == name) return t;
  throw std::logic_error("no chained record type " + std::string{name});
}

}  // namespace

std::string sha256_hex(std::string_view text, std::string_view blob) {
  // Fetched once and reused: OpenSSL 3 looks the algorithm up on every
  // implicit fetch, which costs more than hashing a chain entry.
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), EVP_MD_CTX_free};
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!sha256 || !ctx || EVP_DigestInit_ex(ctx.get(), sha256, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), text.data(), text.size()) != 1 ||
      (!blob.empty() && EVP_DigestUpdate(ctx.get(), blob.data(), blob.size()) != 1) ||
      EVP_DigestFinal_ex(ctx.get(), digest, &len) != 1)
    throw std::runtime_error("SHA-256 failed in OpenSSL");
  static constexpr char hex[] = "0123456789abcdef";
  std::string out(static_cast<std::size_t>(len) * 2, '0');
  for (unsigned int i = 0; i < len; ++i) {
    out[2 * i] = hex[digest[i] >> 4];
    out[2 * i + 1] = hex[digest[i] & 15];
  }
  return out;
}

std::string content_hash(const store::Statement& row) {
  const std::string text = row.get_text(1);
  const store::Blob blob = row.is_null(2) ? store::Blob{} : row.get_blob(2);
  return sha256_hex(text, std::string_view{reinterpret_cast<const char*>(blob.data()), blob.size()});
}

std::string entry_hash(std::int64_t seq, std::string_view type, std::string_view key, std::string_view at,
                       std::string_view content, std::string_view prev_hash) {
  std::string text = std::to_string(seq);
  for (std::string_view part : {type, key, at, content, prev_hash}) {
    text += '|';
    text += part;
  }
  return sha256_hex(text);
}

void chain_record(store::Connection& db, std::string_view type, std::string_view key, TimePoint now) {
  const RecordType& t = record_type(type);
  auto& s = db.query(t.select_one, key);
  if (!s.step()) throw std::logic_error("chain_record: no " + std::string{type} + " record " + std::string{key});
  const std::string content = content_hash(s);
  s.reset();

  std::int64_t seq = 1;
  std::string prev_hash = kGenesisHash;
  {
    auto& last = db.query("SELECT seq, entry_hash FROM chain ORDER BY seq DESC LIMIT 1");
    if (last.step()) {
      seq = last.get_int(0) + 1;
      prev_hash = last.get_text(1);
    }
    last.reset();
  }
  const std::string at = format_rfc3339(now);
  const std::string hash = entry_hash(seq, type, key, at, content, prev_hash);
  db.execute(
      "INSERT INTO chain (seq, record_type, record_key, at, content_hash, prev_hash, entry_hash)"
      " VALUES (?, ?, ?, ?, ?, ?, ?)",
      seq, type, key, at, content, prev_hash, hash);
  db.execute(
      "INSERT INTO chain_head (id, seq, entry_hash) VALUES (1, ?, ?)"
      " ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, entry_hash = excluded.entry_hash",
      seq, hash);
}

}  // namespace steritrack::report
