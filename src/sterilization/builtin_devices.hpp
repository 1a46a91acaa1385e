#pragma once
// The standard programs (devices/programs.toml) and device profiles
// (devices/profiles/*.toml) as compiled into the programs
// (cmake/embed_devices.cmake).
#include <optional>
#include <string_view>

namespace steritrack::sterilization {

std::string_view builtin_programs_toml();
std::optional<std::string_view> builtin_profile_toml(std::string_view name);

}  // namespace steritrack::sterilization
