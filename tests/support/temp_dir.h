// A fresh folder under the system temporary directory, unique to this process and call, and
// removed when the test ends. ctest runs test cases in parallel processes, so a fixed folder
// name would let one test delete another's files.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace cvm::test {

struct TempDir {
  std::filesystem::path path;

  explicit TempDir(const std::string& stem = "cvm_test") {
    static int counter = 0;
    path = std::filesystem::temp_directory_path() /
           (stem + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

}  // namespace cvm::test
