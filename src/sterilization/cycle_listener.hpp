#pragma once
// The seam between the cycle recorder (sterilizer events) and the
// sterilization workflow (loads and packs). The recorder calls it inside the
// event's transaction.
#include <cstdint>
#include <string>

#include "common/clock.hpp"
#include "store/sqlite.hpp"

namespace steritrack::sterilization {

class CycleListener {
public:
  virtual ~CycleListener() = default;
  // A cycle_start was recorded (cycles.id = cycle_row): bind the sterilizer's
  // pending load, fill cycles.operator/load/implants, mark its packs processing.
  virtual void cycle_started(store::Connection& db, std::int64_t cycle_row, TimePoint now) = 0;
  // The cycle got its verdict (cycles.verified is set): release, quarantine
  // or fail its packs and set cycles.status.
  virtual void cycle_verified(store::Connection& db, std::int64_t cycle_row, TimePoint now) = 0;
};

}  // namespace steritrack::sterilization
