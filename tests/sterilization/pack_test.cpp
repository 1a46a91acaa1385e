#include <catch2/catch.hpp>

#include "sterilization/pack.hpp"

namespace steritrack::sterilization {
namespace {

PackState walk(PackState from, std::initializer_list<PackEvent> events) {
  for (const PackEvent e : events) {
    const auto next = next_state(from, e);
    INFO(std::string{to_string(from)} << " --" << to_string(e) << "--> refused: " << (next ? "" : next.error()));
    REQUIRE(next);
    from = *next;
  }
  return from;
}

}  // namespace

TEST_CASE("a pack goes dirty to issued and back to dirty", "[sterilization][pack]") {
  using E = PackEvent;
  CHECK(walk(PackState::dirty, {E::assemble}) == PackState::assembled);
  CHECK(walk(PackState::dirty, {E::assemble, E::load, E::start}) == PackState::processing);
  CHECK(walk(PackState::dirty, {E::assemble, E::load, E::start, E::release, E::issue, E::return_}) ==
        PackState::dirty);
}

TEST_CASE("a quarantined pack is released by its BI, a recalled one only returned", "[sterilization][pack]") {
  using E = PackEvent;
  CHECK(walk(PackState::processing, {E::quarantine, E::release}) == PackState::released);
  CHECK(walk(PackState::processing, {E::quarantine, E::recall, E::return_}) == PackState::dirty);
  CHECK(walk(PackState::released, {E::recall}) == PackState::recalled);
  CHECK(walk(PackState::processing, {E::recall}) == PackState::recalled);
  // A recall can reach a running cycle; if that cycle then fails, failed wins.
  CHECK(walk(PackState::processing, {E::recall, E::fail}) == PackState::failed);
}

TEST_CASE("a failed pack is assembled again directly", "[sterilization][pack]") {
  using E = PackEvent;
  CHECK(walk(PackState::processing, {E::fail, E::assemble}) == PackState::assembled);
  // and may also be returned to the sink first
  CHECK(walk(PackState::processing, {E::fail, E::return_, E::assemble}) == PackState::assembled);
}

TEST_CASE("an assembled pack can be recounted and a pending load cancelled", "[sterilization][pack]") {
  using E = PackEvent;
  CHECK(walk(PackState::assembled, {E::assemble}) == PackState::assembled);
  CHECK(walk(PackState::assembled, {E::load, E::unload}) == PackState::assembled);
}

TEST_CASE("invalid moves are refused with a reason", "[sterilization][pack]") {
  struct Case {
    PackState from;
    PackEvent event;
    const char* reason_part;
  };
  const Case cases[] = {
      {PackState::dirty, PackEvent::load, "assemble it first"},
      {PackState::released, PackEvent::load, "already sterilized"},
      {PackState::recalled, PackEvent::assemble, "recalled"},
      {PackState::recalled, PackEvent::issue, "not sterile"},
      {PackState::quarantined, PackEvent::issue, "quarantined"},
      {PackState::assembled, PackEvent::issue, "assembled"},
      {PackState::issued, PackEvent::issue, "already issued"},
      {PackState::processing, PackEvent::return_, "running cycle"},
      {PackState::loaded, PackEvent::return_, "cancel the load"},
      {PackState::dirty, PackEvent::return_, "already dirty"},
      {PackState::failed, PackEvent::recall, "failed packs stay failed"},
      {PackState::issued, PackEvent::recall, "listed, not recalled"},
      {PackState::dirty, PackEvent::recall, "listed, not recalled"},
      {PackState::released, PackEvent::fail, "only a pack in a cycle"},
      {PackState::assembled, PackEvent::start, "only a loaded pack"},
      {PackState::released, PackEvent::assemble, "RETURN"},
      {PackState::issued, PackEvent::assemble, "RETURN"},
      {PackState::quarantined, PackEvent::quarantine, "only a pack in a cycle"},
  };
  for (const Case& c : cases) {
    const auto next = next_state(c.from, c.event);
    INFO(to_string(c.from) << " --" << to_string(c.event) << "-->");
    REQUIRE_FALSE(next);
    CHECK_THAT(next.error(), Catch::Contains(c.reason_part));
  }
}

TEST_CASE("every state has one name", "[sterilization][pack]") {
  for (int i = 0; i <= static_cast<int>(PackState::issued); ++i) {
    const auto s = static_cast<PackState>(i);
    CHECK(pack_state_from_string(to_string(s)) == s);
  }
  CHECK_FALSE(pack_state_from_string("sterile"));
}

}  // namespace steritrack::sterilization
