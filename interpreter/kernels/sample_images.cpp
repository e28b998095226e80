#include "interpreter/kernels/sample_images.h"

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "interpreter/kernels/numpy_compat.h"

namespace cvm::kernels {

namespace {

/// |linspace(-n/2, n/2 + (1 if n is even and center_on_pixel), n)|, convis's mask axis.
std::vector<double> mask_axis(int64_t n, bool center_on_pixel) {
  const double half = static_cast<double>(n) / 2;
  const double stop = half + (n % 2 == 0 && center_on_pixel ? 1 : 0);
  std::vector<double> v = numpy::linspace(-half, stop, n);
  for (double& a : v) a = std::abs(a);
  return v;
}

void check_side(int64_t n, const char* what) {
  if (n < 1) throw std::invalid_argument(std::string(what) + " must be at least 1");
}

/// A float32 [x, y] tensor with element [i, j] = f(i, j).
template <typename F>
at::Tensor image(int64_t x, int64_t y, F f) {
  at::Tensor out = at::empty({x, y}, at::kFloat);
  float* p = out.data_ptr<float>();
  for (int64_t i = 0; i < x; ++i)
    for (int64_t j = 0; j < y; ++j) *p++ = static_cast<float>(f(i, j));
  return out;
}

}  // namespace

at::Tensor mask_square(int64_t x, int64_t y, double width, bool center_on_pixel) {
  check_side(x, "mask_square: x");
  check_side(y, "mask_square: y");
  const std::vector<double> ax = mask_axis(x, center_on_pixel), ay = mask_axis(y, center_on_pixel);
  return image(x, y, [&](int64_t i, int64_t j) { return ax[i] < width && ay[j] < width ? 1.0 : 0.0; });
}

at::Tensor mask_circle(int64_t x, int64_t y, double radius, bool smooth, double sharpness,
                       bool center_on_pixel) {
  check_side(x, "mask_circle: x");
  check_side(y, "mask_circle: y");
  const std::vector<double> ax = mask_axis(x, center_on_pixel), ay = mask_axis(y, center_on_pixel);
  return image(x, y, [&](int64_t i, int64_t j) {
    const double r = std::sqrt(ax[i] * ax[i] + ay[j] * ay[j]);
    if (!smooth) return radius > r ? 1.0 : 0.0;
    return 1.0 / (1.0 + std::exp(-(sharpness * (radius - r))));
  });
}

at::Tensor gabor_kernel(double phi, int64_t size, double resolution, double f, double phase,
                        double sigma_x, double sigma_y) {
  check_side(size, "gabor_kernel: size");
  const double extent = 0.5 * static_cast<double>(size) / resolution;
  const std::vector<double> v = numpy::linspace(-extent, extent, size);
  const double pi = std::acos(-1.0);
  const double wavelength = 2.0 * pi / f;
  const double sin_phi = std::sin(phi), cos_phi = std::cos(phi);
  return image(size, size, [&](int64_t i, int64_t j) {
    const double gx = sigma_x * v[j] / 2.0, gy = sigma_y * v[i] / 2.0;
    const double gaussian = std::exp(-(gx * gx) - gy * gy);
    return gaussian * std::sin(sin_phi * v[j] / wavelength + cos_phi * v[i] / wavelength + phase);
  });
}

at::Tensor text_kernel() {
  static const char* const kCon[] = {"0011000110010010", "0100101001011010", "0100001001011010",
                                     "0100101001010110", "0011000110010110"};
  static const char* const kVis[] = {"0010001010011100", "0010001010110010", "0001010010011000",
                                     "0001010010100110", "0000100010011100"};
  at::Tensor out = at::zeros({16, 16}, at::kFloat);
  auto a = out.accessor<float, 2>();
  for (int row = 0; row < 5; ++row) {
    for (int col = 0; col < 16; ++col) {
      if (kCon[row][col] == '1') a[row + 2][col] = 1.0f;
      if (kVis[row][col] == '1') a[row + 9][col] = 1.0f;
    }
  }
  return out;
}

}  // namespace cvm::kernels
