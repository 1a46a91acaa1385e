#pragma once
// A fresh folder for one test (or one benchmark run), removed at the end
// unless STERITRACK_KEEP_TMP is set, so a failing run can be inspected.
#include <filesystem>
#include <string>
#include <string_view>

namespace steritrack::testkit {

class TempDir {
public:
  explicit TempDir(std::string_view prefix = "steritrack-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(std::string_view name) const { return path_ / name; }
  std::string file(std::string_view name) const { return (path_ / name).string(); }
  // Writes (replaces) a file inside the folder and returns its path.
  std::filesystem::path write(std::string_view name, std::string_view content) const;

private:
  std::filesystem::path path_;
};

std::string read_file(const std::filesystem::path& path);

}  // namespace steritrack::testkit
