# Compiles the standard programs and device profiles of devices/ into the
# programs, so that a binary run from the tree or installed under any prefix
# starts with the minimal config and no data folder; a data folder adds or
# overrides (src/sterilization/builtin_devices.hpp).
set(STERITRACK_BUILTIN_PROFILES amsco-record generic-json tuttnauer-line)
set(_gen "${CMAKE_CURRENT_BINARY_DIR}/generated/builtin_devices_data.cpp")
set(_devices "${CMAKE_CURRENT_SOURCE_DIR}/devices")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${_devices}/programs.toml")
file(READ "${_devices}/programs.toml" _programs)
set(_profiles "")
foreach(_p IN LISTS STERITRACK_BUILTIN_PROFILES)
  set(_f "${_devices}/profiles/${_p}.toml")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${_f}")
  file(READ "${_f}" _text)
  string(APPEND _profiles "    {\"${_p}\", R\"steritrack_toml(${_text})steritrack_toml\"},\n")
endforeach()
file(CONFIGURE OUTPUT "${_gen}" CONTENT
"// Generated from devices/ by cmake/embed_devices.cmake. Do not edit.
#include \"sterilization/builtin_devices.hpp\"
#include <array>
#include <utility>
namespace steritrack::sterilization {
std::string_view builtin_programs_toml() {
  return R\"steritrack_toml(${_programs})steritrack_toml\";
}
std::optional<std::string_view> builtin_profile_toml(std::string_view name) {
  static constexpr std::pair<std::string_view, std::string_view> profiles[] = {
${_profiles}  };
  for (const auto& [n, text] : profiles)
    if (n == name) return text;
  return std::nullopt;
}
}  // namespace steritrack::sterilization
" @ONLY)
set(STERITRACK_BUILTIN_DEVICES_SOURCE "${_gen}")
