// A progress bar on stderr for long runs: drawn only when enabled (stderr is a terminal)
// and only once the work has taken more than a second; redrawn at most ten times a second.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace cvm::interp {

class Progress {
 public:
  Progress(bool enabled, int64_t total, std::string unit);
  void update(int64_t done);
  /// Clears the bar's line.
  void finish();

 private:
  bool enabled_;
  int64_t total_;
  std::string unit_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace cvm::interp
