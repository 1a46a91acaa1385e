#pragma once
// A pack is one sterile instance of a tray. Its life is a small state
// machine (pure, no I/O):
//
//   dirty -> assembled -> loaded -> processing -> released | quarantined | failed
//   quarantined -> released            (negative BI, or a release)
//   processing | released | quarantined -> recalled   (positive BI in scope)
//   released -> issued -> (RETURN) dirty
//   failed -> assembled                (reprocessed directly, no RETURN needed)
//
// Every refused move comes back with a reason a person at a station can act on.
#include <optional>
#include <string_view>

#include "common/result.hpp"

namespace steritrack::sterilization {

enum class PackState { dirty, assembled, loaded, processing, released, quarantined, failed, recalled, issued };
std::string_view to_string(PackState state);
std::optional<PackState> pack_state_from_string(std::string_view text);

enum class PackEvent {
  assemble,    // CMD-DONE in ASSEMBLE
  load,        // scanned into a pending load
  unload,      // the pending load was cancelled
  start,       // the load's cycle started
  release,     // passed cycle (no hold), negative BI, or a release command
  quarantine,  // passed cycle held for a BI (implants, out of service)
  fail,        // failed or incomplete cycle
  recall,      // in the scope of a positive BI
  issue,       // scanned to a case in ISSUE
  return_,     // scanned in RETURN: back to dirty
};
std::string_view to_string(PackEvent event);

// The state after `event`, or why the pack cannot take it.
Result<PackState> next_state(PackState from, PackEvent event);

}  // namespace steritrack::sterilization
