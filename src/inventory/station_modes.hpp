#pragma once
// The supply modes of a station: RECEIVE, CONSUME and COUNT. Each scan runs
// in the scan's transaction (stations::ScanContext) at the station's
// location. Supply labels are GS1 element strings, HIBC or bare GTINs; the
// quantity is the label's count (AI 30/37, HIBC quantity) or 1.
//
// A refusal changes nothing, with one exception the dispatcher must keep: a
// supply code the catalog does not know is noted in unknown_codes (for
// `steritrack supplies unknown`) in the same transaction as the refused scan.
#include "stations/station.hpp"

namespace steritrack::inventory {

// Stock rises for the label's lot and expiry; the supply's open orders are
// credited oldest first.
class ReceiveMode final : public stations::ModeHandler {
public:
  stations::Outcome scan(stations::ScanContext& ctx, const codes::Code& code) override;
  stations::Outcome enter(stations::ScanContext& ctx) override;
  stations::Outcome done(stations::ScanContext& ctx) override;
  stations::Outcome cancel(stations::ScanContext& ctx) override;
};

// Stock falls: from the label's lot, or first expiry first out when the label
// has none. Taking more than the location has on record is accepted (the
// supply is already in someone's hand) and booked as a discrepancy; on-hand
// stays at 0 and the feedback asks for a count.
class ConsumeMode final : public stations::ModeHandler {
public:
  stations::Outcome scan(stations::ScanContext& ctx, const codes::Code& code) override;
  stations::Outcome enter(stations::ScanContext& ctx) override;
  stations::Outcome done(stations::ScanContext& ctx) override;
  stations::Outcome cancel(stations::ScanContext& ctx) override;
};

// A cycle count: scans are tallied in the station's open step (so a restart
// keeps them); DONE sets on-hand at the location for every supply counted,
// lot by lot (lots of a counted supply that were not scanned become 0) and
// books each difference; CANCEL drops the tally.
class CountMode final : public stations::ModeHandler {
public:
  stations::Outcome scan(stations::ScanContext& ctx, const codes::Code& code) override;
  stations::Outcome enter(stations::ScanContext& ctx) override;
  stations::Outcome done(stations::ScanContext& ctx) override;
  stations::Outcome cancel(stations::ScanContext& ctx) override;
};

}  // namespace steritrack::inventory
