#include "interpreter/runtime/output_summary.h"

#include <sstream>

namespace cvm::interp {

std::string shape_text(at::IntArrayRef shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + "]";
}

void OutputStats::add(const at::Tensor& chunk) {
  if (shape_.empty()) {
    shape_ = chunk.sizes().vec();
  } else {
    shape_[2] += chunk.size(2);
  }
  if (chunk.numel() == 0) return;  // a layer without time padding has no frames yet
  min_ = std::min(min_, chunk.min().item<double>());
  max_ = std::max(max_, chunk.max().item<double>());
  sum_ += chunk.sum().item<double>();
}

std::vector<int64_t> OutputStats::shape() const { return shape_; }

std::string OutputStats::line(const std::string& name) const {
  double count = 1;
  for (auto d : shape_) count *= static_cast<double>(d);
  std::ostringstream out;
  out << name << " " << shape_text(shape_) << "  min " << min_ << "  mean " << sum_ / count << "  max " << max_;
  return out.str();
}

std::string impulse_peak_text(const at::Tensor& response, int64_t impulse_frame, const Resolution& r) {
  if (response.numel() == 0) return "no frames";
  const at::Tensor flat = response.abs().nan_to_num(0).reshape({-1});
  int64_t i = flat.argmax().item<int64_t>();
  const double value = response.reshape({-1})[i].item<double>();
  const auto s = response.sizes();  // [batch, channel, time, x, y]
  const int64_t y = i % s[4], x = (i / s[4]) % s[3], t = (i / (s[4] * s[3])) % s[2];
  std::ostringstream out;
  out << "peak " << value << " at " << static_cast<double>(t - impulse_frame) * 1000 / r.steps_per_second
      << " ms from the impulse, pixel (" << x << ", " << y << ")";
  return out.str();
}

}  // namespace cvm::interp
