#include "sterilization/programs.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "sterilization/builtin_devices.hpp"
#include "common/toml_reader.hpp"

namespace steritrack::sterilization {
namespace {

constexpr std::string_view kKinds[] = {"load", "air_removal_test", "leak_test"};

using Section = toml_reader::Section<ProgramError>;

bool valid_program_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (unsigned char c : name)
    if (c <= 0x20 || c == 0x7f || c == '/') return false;
  return true;
}

Program read_program(Section& s) {
  Program p;
  p.name = s.required_text("name");
  if (!valid_program_name(p.name)) s.error("name", "must be 1-64 characters without spaces or '/'");
  const std::string kind = s.text("kind").value_or("load");
  const auto k = parse_program_kind(kind);
  if (!k) s.error("kind", "\"" + kind + "\" is not load, air_removal_test or leak_test");
  p.kind = *k;
  const auto temp = s.number("temp_c", 0, 150);
  if (!temp && p.kind != ProgramKind::leak_test) s.error("temp_c", "is required");
  p.temp_c = temp.value_or(0);
  const auto exposure = s.number("exposure_s", 1, 24 * 3600);
  if (!exposure) s.error("exposure_s", "is required");
  p.exposure_s = *exposure;
  p.tolerance_c = s.number("tolerance_c", 0, 10);
  p.max_leak_rate_kpa_min = s.number("max_leak_rate_kpa_min", 0, 100);
  if (p.max_leak_rate_kpa_min && p.kind != ProgramKind::leak_test)
    s.error("max_leak_rate_kpa_min", "applies to leak tests only");
  if (p.kind == ProgramKind::leak_test && !p.max_leak_rate_kpa_min)
    s.error("max_leak_rate_kpa_min", "is required for a leak test");
  p.description = s.text("description").value_or("");
  s.reject_unknown();
  return p;
}

}  // namespace

std::string_view to_string(ProgramKind k) { return kKinds[static_cast<int>(k)]; }

std::optional<ProgramKind> parse_program_kind(std::string_view text) {
  for (int i = 0; i < 3; ++i)
    if (kKinds[i] == text) return static_cast<ProgramKind>(i);
  return std::nullopt;
}

ProgramCatalog ProgramCatalog::parse(std::string_view toml_text, const std::string& source) {
  const toml::table doc = toml_reader::parse<ProgramError>(toml_text, source);
  Section top(doc, "", source);
  ProgramCatalog catalog;
  int i = 0;
  for (const toml::table* t : top.tables("program")) {
    Section s(*t, "program[" + std::to_string(i++) + "]", source);
    Program p = read_program(s);
    if (catalog.find(p.name)) s.error("name", "program \"" + p.name + "\" is defined twice");
    catalog.add(std::move(p));
  }
  top.reject_unknown();
  return catalog;
}

ProgramCatalog ProgramCatalog::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ProgramError(path + ": cannot read the programs file");
  std::stringstream buf;
  buf << in.rdbuf();
  return parse(buf.str(), path);
}

ProgramCatalog ProgramCatalog::standard() {
  return parse(builtin_programs_toml(), "built-in programs.toml");
}

ProgramCatalog ProgramCatalog::standard_and(const std::string& devices_dir) {
  ProgramCatalog catalog = standard();
  const std::string path = devices_dir + "/programs.toml";
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    const ProgramCatalog folder = load(path);
    for (const Program& p : folder.all()) catalog.add(p);
  }
  return catalog;
}

void ProgramCatalog::add(Program p) {
  for (Program& existing : programs_) {
    if (existing.name == p.name) {
      existing = std::move(p);
      return;
    }
  }
  programs_.push_back(std::move(p));
}

void ProgramCatalog::add(const std::vector<ProgramDefinition>& programs) {
  for (const ProgramDefinition& c : programs) {
    Program p;
    p.name = c.name;
    p.kind = parse_program_kind(c.kind).value_or(ProgramKind::load);
    p.temp_c = c.temp_c;
    p.exposure_s = c.exposure_s;
    // The config cannot tell "0" from "not given": 0 defers to the policy's
    // temp_tolerance_c (itself 0 unless the clinic sets it).
    if (c.tolerance_c > 0) p.tolerance_c = c.tolerance_c;
    // The config has no leak-rate key: a leak test defined there keeps the
    // limit of the shipped program it overrides, else EN 13060's 0.13 kPa/min.
    if (p.kind == ProgramKind::leak_test) {
      const Program* shipped = find(c.name);
      p.max_leak_rate_kpa_min = shipped && shipped->max_leak_rate_kpa_min ? *shipped->max_leak_rate_kpa_min : 0.13;
    }
    add(std::move(p));
  }
}

const Program* ProgramCatalog::find(std::string_view name) const {
  for (const Program& p : programs_)
    if (p.name == name) return &p;
  return nullptr;
}

}  // namespace steritrack::sterilization
