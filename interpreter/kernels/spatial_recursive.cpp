#include "interpreter/kernels/spatial_recursive.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "interpreter/kernels/filter_kernels.h"

namespace cvm::kernels {

namespace {

/// Deriche's coefficients by name.
struct Coefficients {
  explicit Coefficients(double density) {
    const std::array<double, 6> c = deriche_coefficients(density);
    a1 = c[0], a2 = c[1], a3 = c[2], a4 = c[3], b1 = c[4], b2 = c[5];
  }
  double a1, a2, a3, a4, b1, b2;
};

/// Samples per parallel task: below this, threads cost more than they save.
constexpr int64_t kGrainSamples = 1 << 15;

/// Scratch for filter_lines, sized for lines of up to `samples` samples in total.
struct Scratch {
  explicit Scratch(int64_t samples, int64_t lanes)
      : causal(static_cast<size_t>(samples)), zeros(static_cast<size_t>(lanes), 0.0),
        later(static_cast<size_t>(lanes)), latest(static_cast<size_t>(lanes)) {}
  std::vector<double> causal;  ///< y+ of every sample
  std::vector<double> zeros;   ///< y+_{-1}, y+_{-2}
  std::vector<double> later;   ///< y-_{i+2} of every lane
  std::vector<double> latest;  ///< y-_{i+1} of every lane
};

/// Filters `lanes` lines of `n` samples: sample i of lane l is at i * step + l * lane_step
/// in `in` and `out`. Lanes are the inner loop, so with lane_step 1 (the pass along x) the
/// loops vectorise.
void filter_lines(const float* __restrict in, float* __restrict out, int64_t n, int64_t step,
                  int64_t lanes, int64_t lane_step, const Coefficients& c, Scratch& s) {
  double* __restrict causal = s.causal.data();
  for (int64_t i = 0; i < n; ++i) {
    const float* x0 = in + i * step;
    const float* x1 = in + std::max<int64_t>(i - 1, 0) * step;  // x_{-1} := x_0
    const double* y1 = i >= 1 ? causal + (i - 1) * lanes : s.zeros.data();
    const double* y2 = i >= 2 ? causal + (i - 2) * lanes : s.zeros.data();
    double* y = causal + i * lanes;
    for (int64_t l = 0; l < lanes; ++l)
      y[l] = c.a1 * x0[l * lane_step] + c.a2 * x1[l * lane_step] + c.b1 * y1[l] + c.b2 * y2[l];
  }
  // Anti-causal pass, backwards. Past the end, x_N := x_0 (convis's wrap-around) and
  // x_{N+1} := 0 (a zero coefficient on any valid row).
  double* __restrict later = s.later.data();
  double* __restrict latest = s.latest.data();
  std::fill(later, later + lanes, 0.0);
  std::fill(latest, latest + lanes, 0.0);
  for (int64_t i = n - 1; i >= 0; --i) {
    const float* xa = i + 1 < n ? in + (i + 1) * step : in;
    const float* xb = i + 2 < n ? in + (i + 2) * step : in;
    const double a4 = i + 2 <= n ? c.a4 : 0.0;
    const double* y = causal + i * lanes;
    float* o = out + i * step;
    for (int64_t l = 0; l < lanes; ++l) {
      const double v = c.a3 * xa[l * lane_step] + a4 * xb[l * lane_step] + c.b1 * latest[l] +
                       c.b2 * later[l];
      later[l] = latest[l];
      latest[l] = v;
      o[l * lane_step] = static_cast<float>(y[l] + v);
    }
  }
}

}  // namespace

at::Tensor spatial_recursive_gaussian(const at::Tensor& x, double density) {
  if (x.dim() != 5 || !at::isFloatingType(x.scalar_type()))
    throw std::invalid_argument("spatial_recursive_gaussian: expected a float [B, C, T, X, Y] tensor");
  const at::Tensor input = x.to(at::kFloat).contiguous();
  at::Tensor out = at::empty_like(input, at::MemoryFormat::Contiguous);
  const int64_t nx = input.size(3), ny = input.size(4), pixels = nx * ny;
  const int64_t planes = input.numel() / std::max<int64_t>(pixels, 1);
  if (pixels == 0 || planes == 0) return out;
  const Coefficients c(density);
  const float* src = input.data_ptr<float>();
  float* dst = out.data_ptr<float>();
  const int64_t grain = std::max<int64_t>(1, kGrainSamples / pixels);
  at::parallel_for(0, planes, grain, [&](int64_t begin, int64_t end) {
    std::vector<float> along_x(static_cast<size_t>(pixels));
    Scratch scratch(pixels, std::max(nx, ny));
    for (int64_t p = begin; p < end; ++p) {
      // Along x: lines are columns (step ny), lanes the contiguous y index.
      filter_lines(src + p * pixels, along_x.data(), nx, ny, ny, 1, c, scratch);
      // Along y: lines are rows (step 1), lanes the rows (step ny).
      filter_lines(along_x.data(), dst + p * pixels, ny, 1, nx, ny, c, scratch);
    }
  });
  return out;
}

}  // namespace cvm::kernels
