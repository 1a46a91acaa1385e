#include "report/chain.hpp"

namespace steritrack::report {

// The records under the chain. Keys are text; content is json_array of every
// column the log or a recall depends on, so an edit to any of them shows.
// Each entry: {name, select_all, select_one} (see report/chain.hpp); a
// record type is added here with its first chain_record call. Alerts are
// under the chain from their acknowledgement on (compliance.md section 6):
// last_seen and message change on every repeat and are left out.
// select_one must find its row by an index: it runs on every append.
const std::vector<RecordType>& chained_record_types() {
  static const std::vector<RecordType> types = {
      // While a cycle is open (verified IS NULL) its samples and summary change
      // with every sample: the chain covers them from the verdict on, and the
      // fixed part of the cycle from its start.
      {"cycle",
       "SELECT sterilizer || '/' || cycle, json_array(sterilizer, cycle, program, program_kind, required_temp_c,"
       " required_exposure_s, tolerance_c, max_gap_s, max_leak_rate_kpa_min, start, end, operator, device_result,"
       " verified, reasons, iif(verified IS NULL, NULL, exposure_s), iif(verified IS NULL, NULL, min_temp_c),"
       " iif(verified IS NULL, NULL, max_temp_c), iif(verified IS NULL, NULL, f0_min),"
       " iif(verified IS NULL, NULL, sample_count), load, implants, bi, bi_lot, ci, bowie_dick, status, released_by,"
       " released_at), iif(verified IS NULL, NULL, samples) FROM cycles",
       "SELECT sterilizer || '/' || cycle, json_array(sterilizer, cycle, program, program_kind, required_temp_c,"
       " required_exposure_s, tolerance_c, max_gap_s, max_leak_rate_kpa_min, start, end, operator, device_result,"
       " verified, reasons, iif(verified IS NULL, NULL, exposure_s), iif(verified IS NULL, NULL, min_temp_c),"
       " iif(verified IS NULL, NULL, max_temp_c), iif(verified IS NULL, NULL, f0_min),"
       " iif(verified IS NULL, NULL, sample_count), load, implants, bi, bi_lot, ci, bowie_dick, status, released_by,"
       " released_at), iif(verified IS NULL, NULL, samples) FROM cycles"
       " WHERE sterilizer = substr(?1, 1, instr(?1, '/') - 1) AND cycle = substr(?1, instr(?1, '/') + 1)"},
      {"alert",
       "SELECT CAST(id AS TEXT), json_array(id, kind, subject, severity, state, first_seen, acknowledged_by,"
       " acknowledged_at, resolved_at), NULL FROM alerts WHERE acknowledged_by IS NOT NULL",
       "SELECT CAST(id AS TEXT), json_array(id, kind, subject, severity, state, first_seen, acknowledged_by,"
       " acknowledged_at, resolved_at), NULL FROM alerts WHERE id = CAST(?1 AS INTEGER)"},
  };
  return types;
}

}  // namespace steritrack::report
