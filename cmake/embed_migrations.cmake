# Generates a C++ table of the numbered SQL migrations in schemas/sql.
# The list is explicit: a migration is added here when it is written.
set(STERITRACK_MIGRATIONS
  0001_platform.sql
  0002_inventory.sql
  0003_cycles.sql
  0004_sterilization.sql
  0005_compliance.sql
)
set(_gen "${CMAKE_CURRENT_BINARY_DIR}/generated/migrations_data.cpp")
set(_body "")
foreach(_m IN LISTS STERITRACK_MIGRATIONS)
  set(_f "${CMAKE_CURRENT_SOURCE_DIR}/schemas/sql/${_m}")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${_f}")
  file(READ "${_f}" _sql)
  string(REGEX MATCH "^[0-9]+" _num "${_m}")
  math(EXPR _num "${_num}")
  string(APPEND _body "  {${_num}, \"${_m}\", R\"steritrack_sql(${_sql})steritrack_sql\"},\n")
endforeach()
file(CONFIGURE OUTPUT "${_gen}" CONTENT
"// Generated from schemas/sql by cmake/embed_migrations.cmake. Do not edit.
#include \"store/migrations.hpp\"
namespace steritrack::store {
const std::vector<Migration>& migrations() {
  static const std::vector<Migration> all = {
${_body}  };
  return all;
}
}  // namespace steritrack::store
" @ONLY)
set(STERITRACK_MIGRATIONS_SOURCE "${_gen}")
