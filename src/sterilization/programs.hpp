#pragma once
// Sterilizer programs: what a cycle must reach to be verified. They ship in
// devices/programs.toml and may be added or overridden by [[program]] tables
// in the daemon's config. Loading errors are start-up errors (exceptions).
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace steritrack::sterilization {

enum class ProgramKind { load, air_removal_test, leak_test };
std::string_view to_string(ProgramKind k);
std::optional<ProgramKind> parse_program_kind(std::string_view text);

struct Program {
  std::string name;
  ProgramKind kind = ProgramKind::load;
  double temp_c = 0;      // minimum exposure temperature (not used by leak tests)
  double exposure_s = 0;  // required exposure (the vacuum hold for leak tests)
  std::optional<double> tolerance_c;            // unset: the policy's temp_tolerance_c
  std::optional<double> max_leak_rate_kpa_min;  // leak tests: allowed pressure rise during the hold
  std::string description;
};

// A [[program]] table of the daemon's config, as validated there.
struct ProgramDefinition {
  std::string name;
  std::string kind = "load";  // load, air_removal_test, leak_test
  double temp_c = 0;
  double exposure_s = 0;
  double tolerance_c = 0;
};

class ProgramError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

class ProgramCatalog {
public:
  // Parses programs.toml text; throws ProgramError("SOURCE: program[i].key: reason").
  static ProgramCatalog parse(std::string_view toml_text, const std::string& source);
  static ProgramCatalog load(const std::string& path);
  // The standard programs compiled into the program (devices/programs.toml).
  static ProgramCatalog standard();
  // The standard programs, then those of <devices_dir>/programs.toml when the
  // data folder has one (adding or overriding by name).
  static ProgramCatalog standard_and(const std::string& devices_dir);

  // Adds a program, replacing one of the same name.
  void add(Program p);
  // The daemon config's [[program]] tables.
  void add(const std::vector<ProgramDefinition>& programs);

  const Program* find(std::string_view name) const;
  const std::vector<Program>& all() const { return programs_; }

private:
  std::vector<Program> programs_;
};

}  // namespace steritrack::sterilization
