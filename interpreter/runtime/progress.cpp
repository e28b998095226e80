#include "interpreter/runtime/progress.h"

#include <cstdio>

namespace cvm::interp {

Progress::Progress(bool enabled, int64_t total, std::string unit)
    : enabled_(enabled), total_(total), unit_(std::move(unit)), start_(std::chrono::steady_clock::now()), last_(start_) {}

void Progress::update(int64_t done) {
  if (!enabled_ || total_ <= 0) return;
  auto now = std::chrono::steady_clock::now();
  if (now - start_ < std::chrono::seconds(1)) return;
  if (drawn_ && now - last_ < std::chrono::milliseconds(100) && done < total_) return;
  last_ = now;
  drawn_ = true;
  double fraction = static_cast<double>(done) / static_cast<double>(total_);
  int width = 30, filled = static_cast<int>(fraction * width);
  double elapsed = std::chrono::duration<double>(now - start_).count();
  double eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0;
  std::fprintf(stderr, "\r[%.*s%*s] %3d%% %lld/%lld %s, %.0f s left ", filled, "##############################",
               width - filled, "", static_cast<int>(fraction * 100), static_cast<long long>(done),
               static_cast<long long>(total_), unit_.c_str(), eta);
  std::fflush(stderr);
}

void Progress::finish() {
  if (drawn_) std::fprintf(stderr, "\r%*s\r", 79, "");
}

}  // namespace cvm::interp
