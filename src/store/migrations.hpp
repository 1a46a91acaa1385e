#pragma once
// Numbered schema migrations (schemas/sql/NNNN_name.sql, compiled in). Each
// is applied in its own transaction and recorded in schema_migrations; a
// database written by a newer steritrack is refused.
#include <string>
#include <vector>

#include "store/sqlite.hpp"

namespace steritrack::store {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

const std::vector<Migration>& migrations();  // generated, in version order
int latest_schema_version();
int schema_version(Connection& db);  // 0 for an empty database

// Applies every pending migration. Returns how many were applied.
// Throws SchemaError for a database newer than this program.
int migrate(Connection& db);
// Throws SchemaError unless the database is exactly at the latest version.
void require_current_schema(Connection& db);

class SchemaError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

}  // namespace steritrack::store
