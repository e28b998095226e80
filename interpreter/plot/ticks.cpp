#include "interpreter/plot/ticks.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace cvm::plot {
namespace {

/// The nice step (1, 2, 2.5 or 5 times a power of ten) nearest to `raw`, not below it.
double nice_step(double raw) {
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (m * magnitude >= raw * (1 - 1e-9)) return m * magnitude;
  }
  return 10 * magnitude;
}

}  // namespace

Ticks linear_ticks(double lo, double hi, int target, bool widen) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) lo = 0, hi = 1;
  if (lo > hi) std::swap(lo, hi);
  if (hi - lo <= 1e-12 * std::max(std::abs(lo), std::abs(hi)) || hi == lo) {
    const double pad = lo == 0 ? 1 : std::abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  Ticks t;
  t.step = nice_step((hi - lo) / std::max(target, 1));
  const double first = std::floor(lo / t.step + 1e-9) * t.step, last = std::ceil(hi / t.step - 1e-9) * t.step;
  t.lo = widen ? first : lo;
  t.hi = widen ? last : hi;
  for (double v = first; v <= last + t.step * 1e-9; v += t.step) {
    const double snapped = std::abs(v) < t.step * 1e-9 ? 0 : v;
    if (snapped >= t.lo - t.step * 1e-9 && snapped <= t.hi + t.step * 1e-9) t.values.push_back(snapped);
  }
  return t;
}

Ticks log_ticks(double lo, double hi) {
  Ticks t;
  const int d0 = static_cast<int>(std::floor(std::log10(lo) + 1e-9));
  const int d1 = std::max(d0 + 1, static_cast<int>(std::ceil(std::log10(hi) - 1e-9)));
  const int every = d1 - d0 > 12 ? 3 : d1 - d0 > 6 ? 2 : 1;
  t.lo = std::pow(10.0, d0);
  t.hi = std::pow(10.0, d1);
  t.step = std::pow(10.0, every);
  for (int d = d0; d <= d1; d += every) t.values.push_back(std::pow(10.0, d));
  return t;
}

std::string tick_label(double value, double step) {
  char buf[32];
  if (value == 0) return "0";
  const double magnitude = std::abs(value);
  if (magnitude >= 1e5 || magnitude < 1e-3) {
    // Scientific: enough mantissa digits to tell neighbouring ticks apart.
    int digits = 0;
    const double scale = std::pow(10.0, std::floor(std::log10(magnitude)));
    while (digits < 4 && std::abs(std::round(step / scale * std::pow(10.0, digits)) -
                                  step / scale * std::pow(10.0, digits)) > 1e-6) {
      ++digits;
    }
    std::snprintf(buf, sizeof buf, "%.*e", digits, value);
    // "2.5e+04" -> "2.5e4", "1e-06" -> "1e-6"
    std::string text = buf;
    const size_t e = text.find('e');
    std::string exponent = text.substr(e + 1);
    const bool negative = exponent[0] == '-';
    exponent.erase(0, exponent.find_first_not_of("+-0"));
    return text.substr(0, e + 1) + (negative ? "-" : "") + (exponent.empty() ? "0" : exponent);
  }
  int decimals = 0;
  while (decimals < 8 && std::abs(std::round(step * std::pow(10.0, decimals)) - step * std::pow(10.0, decimals)) >
                             1e-6 * std::pow(10.0, decimals)) {
    ++decimals;
  }
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

}  // namespace cvm::plot
