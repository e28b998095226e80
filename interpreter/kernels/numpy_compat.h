// numpy's elementary array builders and float operators, to the bit, for code that must
// reproduce convis's numpy computations exactly (kernels, stimuli): linspace, arange and
// Python's float modulo.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace cvm::kernels::numpy {

/// Sample i of numpy.linspace(start, stop, num): i * step + start with
/// step = (stop - start) / (num - 1); the last sample is exactly stop.
inline double linspace_at(double start, double stop, int64_t num, int64_t i) {
  if (num <= 1) return start;
  if (i == num - 1) return stop;
  return static_cast<double>(i) * ((stop - start) / static_cast<double>(num - 1)) + start;
}

/// numpy.linspace(start, stop, num).
inline std::vector<double> linspace(double start, double stop, int64_t num) {
  std::vector<double> v(static_cast<size_t>(std::max<int64_t>(num, 0)));
  for (int64_t i = 0; i < num; ++i) v[static_cast<size_t>(i)] = linspace_at(start, stop, num, i);
  return v;
}

/// numpy.arange(start, stop) with step 1.
inline std::vector<double> arange(double start, double stop) {
  const auto num = static_cast<int64_t>(std::ceil(stop - start));
  std::vector<double> v(static_cast<size_t>(std::max<int64_t>(num, 0)));
  for (size_t i = 0; i < v.size(); ++i) v[i] = start + static_cast<double>(i);
  return v;
}

/// numpy.remainder / Python's a % b for floats: the result has the sign of b.
inline double python_mod(double a, double b) {
  double m = std::fmod(a, b);
  if (m != 0) {
    if ((b < 0) != (m < 0)) m += b;
  } else {
    m = std::copysign(0.0, b);
  }
  return m;
}

}  // namespace cvm::kernels::numpy
