#pragma once
// The clinic's record-keeping policy ([policy] in the config); defaults are
// those of the spec's compliance rules.
#include <string>

namespace steritrack {

struct Policy {
  int bi_interval_days = 7;          // bi_overdue after this many days without a BI
  int expiry_warning_days = 30;      // expiring alert window
  bool implant_quarantine = true;    // implant loads wait for a negative BI
  int negative_bi_to_return = 1;     // consecutive negative BIs to return a sterilizer to service
  int retention_years = 7;           // nothing younger is ever deleted
  std::string timezone = "UTC";      // the clinic's day (Bowie-Dick)
  double temp_tolerance_c = 0.0;     // how far below the minimum a sample may dip
  int max_sample_gap_s = 30;         // longest allowed gap between exposure samples
  int cycle_end_timeout_min = 120;   // no cycle_end after this: record_incomplete
  int device_silent_min = 10;        // no event while a cycle is open: device_silent
};

}  // namespace steritrack
