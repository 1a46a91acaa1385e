#include <catch2/catch.hpp>

#include <vector>

#include "sterilization/recall.hpp"

namespace steritrack::sterilization {
namespace {

constexpr auto none = BiReading::none;
constexpr auto neg = BiReading::negative;
constexpr auto pos = BiReading::positive;

// Cycles 1..n in start order with these BI readings.
std::vector<CycleBi> history(std::initializer_list<BiReading> readings) {
  std::vector<CycleBi> out;
  std::int64_t row = 0;
  for (const BiReading r : readings) out.push_back({++row, r, false, false});
  return out;
}

std::vector<std::int64_t> rows(const std::vector<ScopedCycle>& scope) {
  std::vector<std::int64_t> out;
  for (const auto& s : scope) out.push_back(s.row);
  return out;
}

}  // namespace

TEST_CASE("recall scope: between the negative BIs around N, both excluded", "[sterilization][recall]") {
  //                     1    2     3     4    5    6     7
  const auto h = history({neg, none, none, pos, none, neg, none});
  CHECK(rows(recall_scope(h, 4)) == std::vector<std::int64_t>{2, 3, 4, 5});
}

TEST_CASE("recall scope: no earlier negative BI reaches back to the first cycle", "[sterilization][recall]") {
  const auto h = history({none, none, pos, none, neg});
  CHECK(rows(recall_scope(h, 3)) == std::vector<std::int64_t>{1, 2, 3, 4});
}

TEST_CASE("recall scope: no later negative BI reaches up to now", "[sterilization][recall]") {
  const auto h = history({neg, none, pos, none, none});
  CHECK(rows(recall_scope(h, 3)) == std::vector<std::int64_t>{2, 3, 4, 5});
}

TEST_CASE("recall scope: N is always in, even between two negative BIs", "[sterilization][recall]") {
  CHECK(rows(recall_scope(history({neg, pos, neg}), 2)) == std::vector<std::int64_t>{2});
  CHECK(rows(recall_scope(history({pos}), 1)) == std::vector<std::int64_t>{1});
  // a second positive BI is not a boundary
  CHECK(rows(recall_scope(history({pos, none, pos}), 3)) == std::vector<std::int64_t>{1, 2, 3});
  // the newest cycle
  CHECK(rows(recall_scope(history({neg, neg, pos}), 3)) == std::vector<std::int64_t>{3});
}

TEST_CASE("recall scope: failed and test cycles are in scope but keep their packs' state", "[sterilization][recall]") {
  auto h = history({neg, none, none, pos, none});
  h[1].failed = true;  // cycle 2: failed, its packs stay failed
  h[2].test = true;    // cycle 3: a Bowie-Dick test, no packs
  const auto scope = recall_scope(h, 4);
  REQUIRE(rows(scope) == std::vector<std::int64_t>{2, 3, 4, 5});
  CHECK_FALSE(scope[0].recall_packs);
  CHECK_FALSE(scope[1].recall_packs);
  CHECK(scope[2].recall_packs);
  CHECK(scope[3].recall_packs);
}

TEST_CASE("recall scope: a cycle not in the history has no scope", "[sterilization][recall]") {
  CHECK(recall_scope(history({neg, pos}), 9).empty());
  CHECK(recall_scope({}, 1).empty());
}

TEST_CASE("back in service after the policy's number of negative BIs on later cycles", "[sterilization][recall]") {
  CHECK(negative_bis_still_needed(history({neg, none}), 1) == 0);  // never positive
  CHECK(negative_bis_still_needed(history({neg, pos}), 1) == 1);
  CHECK(negative_bis_still_needed(history({neg, pos, none}), 1) == 1);
  CHECK(negative_bis_still_needed(history({neg, pos, none, neg}), 1) == 0);
  // CDC dental procedure after a repair: three
  CHECK(negative_bis_still_needed(history({pos, neg, none, neg}), 3) == 1);
  CHECK(negative_bis_still_needed(history({pos, neg, neg, neg}), 3) == 0);
  // a new positive starts the count again
  CHECK(negative_bis_still_needed(history({pos, neg, neg, pos, neg}), 3) == 2);
  // negatives before the positive do not count
  CHECK(negative_bis_still_needed(history({neg, neg, pos}), 2) == 2);
}

}  // namespace steritrack::sterilization
