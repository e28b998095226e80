#include "interpreter/kernels/replicate_blur.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace cvm::kernels {

namespace {

/// Relative tolerance of the rank-1 test.
constexpr double kSeparableTolerance = 1e-6;
/// Pixels (frames * X * Y) below which a forward block is not split over threads.
constexpr int64_t kParallelGrainPixels = 1 << 14;

/// Values updated together: a fixed trip count lets g++ -O2 vectorise the inner loops.
constexpr int64_t kLanes = 16;

int64_t clamp_index(int64_t i, int64_t n) { return i < 0 ? 0 : (i >= n ? n - 1 : i); }

/// dst[i] += w * src[i] for i < n.
template <typename T>
inline void add_scaled(T* __restrict dst, const T* __restrict src, T w, int64_t n) {
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int64_t l = 0; l < kLanes; ++l) dst[i + l] += w * src[i + l];
  for (; i < n; ++i) dst[i] += w * src[i];
}

void check_frame(int64_t frames, int64_t X, int64_t Y, const char* what) {
  if (frames < 0 || X < 1 || Y < 1)
    throw std::invalid_argument(std::string(what) + ": bad frame block " +
                                std::to_string(frames) + " x " + std::to_string(X) + " x " +
                                std::to_string(Y));
}

/// The geometry of one padded frame.
struct Padding {
  int64_t X, Y;    // frame
  int64_t px, py;  // padding before, along x and y
  int64_t PX, PY;  // padded frame: X + kx - 1, Y + ky - 1
};

template <typename T>
Padding padding_of(const BlurKernel<T>& k, int64_t X, int64_t Y) {
  return {X, Y, k.kx / 2, k.ky / 2, X + k.kx - 1, Y + k.ky - 1};
}

/// row (Y values) -> padded (Y + ky - 1 values): py copies of the first value, the row, and
/// the rest copies of the last value.
template <typename T>
void pad_row(const T* __restrict row, T* __restrict padded, const Padding& p) {
  for (int64_t c = 0; c < p.py; ++c) padded[c] = row[0];
  std::copy(row, row + p.Y, padded + p.py);
  for (int64_t c = p.py + p.Y; c < p.PY; ++c) padded[c] = row[p.Y - 1];
}

/// frame (X x Y) -> padded (PX x PY) with replicated edges.
template <typename T>
void pad_frame(const T* __restrict frame, T* __restrict padded, const Padding& p) {
  for (int64_t r = 0; r < p.PX; ++r)
    pad_row(frame + clamp_index(r - p.px, p.X) * p.Y, padded + r * p.PY, p);
}

/// The adjoint of pad_frame, accumulated: every padded value is added to the frame pixel
/// it was copied from.
template <typename T>
void fold_padded_frame(const T* __restrict padded, T* __restrict frame, const Padding& p) {
  for (int64_t r = 0; r < p.PX; ++r) {
    const T* __restrict src = padded + r * p.PY;
    T* __restrict dst = frame + clamp_index(r - p.px, p.X) * p.Y;
    for (int64_t c = 0; c < p.py; ++c) dst[0] += src[c];
    for (int64_t y = 0; y < p.Y; ++y) dst[y] += src[p.py + y];
    for (int64_t c = p.py + p.Y; c < p.PY; ++c) dst[p.Y - 1] += src[c];
  }
}

/// 16 bytes of T, one SSE register on x86-64: 4 floats or 2 doubles (GCC vector extensions).
template <typename T>
struct Vec16;
template <>
struct Vec16<float> {
  typedef float type __attribute__((vector_size(16)));
};
template <>
struct Vec16<double> {
  typedef double type __attribute__((vector_size(16)));
};

/// dst[m] = w[0] src[0][m] + w[1] src[1][m] + ... + w[taps-1] src[taps-1][m] for m < n,
/// summed in that order, with vectors of type V. Four vectors of sums stay in registers
/// across the taps, so each output is written once instead of once per tap (the blur's cost
/// is then its multiply-adds, not loads and stores of partial sums). Always inlined, so that
/// it is compiled for the instruction set of its caller.
template <typename T, typename V>
__attribute__((always_inline)) inline void weighted_sum_with(T* __restrict dst, const T* const* src, const T* w,
                                                             int taps, int64_t n) {
  constexpr int64_t lanes = sizeof(V) / sizeof(T), block = 4 * lanes;
  int64_t m = 0;
  V a0, a1, a2, a3, x0, x1, x2, x3;
  for (; m + block <= n; m += block) {
    const T* s = src[0] + m;
    std::memcpy(&x0, s, sizeof(V));
    std::memcpy(&x1, s + lanes, sizeof(V));
    std::memcpy(&x2, s + 2 * lanes, sizeof(V));
    std::memcpy(&x3, s + 3 * lanes, sizeof(V));
    a0 = w[0] * x0, a1 = w[0] * x1, a2 = w[0] * x2, a3 = w[0] * x3;
    for (int j = 1; j < taps; ++j) {
      s = src[j] + m;
      const T wj = w[j];
      std::memcpy(&x0, s, sizeof(V));
      std::memcpy(&x1, s + lanes, sizeof(V));
      std::memcpy(&x2, s + 2 * lanes, sizeof(V));
      std::memcpy(&x3, s + 3 * lanes, sizeof(V));
      a0 += wj * x0, a1 += wj * x1, a2 += wj * x2, a3 += wj * x3;
    }
    std::memcpy(dst + m, &a0, sizeof(V));
    std::memcpy(dst + m + lanes, &a1, sizeof(V));
    std::memcpy(dst + m + 2 * lanes, &a2, sizeof(V));
    std::memcpy(dst + m + 3 * lanes, &a3, sizeof(V));
  }
  for (; m + lanes <= n; m += lanes) {
    std::memcpy(&x0, src[0] + m, sizeof(V));
    a0 = w[0] * x0;
    for (int j = 1; j < taps; ++j) {
      std::memcpy(&x0, src[j] + m, sizeof(V));
      a0 += w[j] * x0;
    }
    std::memcpy(dst + m, &a0, sizeof(V));
  }
  for (; m < n; ++m) {
    T a = w[0] * src[0][m];
    for (int j = 1; j < taps; ++j) a += w[j] * src[j][m];
    dst[m] = a;
  }
}

#if defined(__x86_64__) && defined(__GNUC__)
/// The float sums with 8-float AVX2 vectors: the same operations in the same order (no fused
/// multiply-add), so the same numbers, twice the values per instruction.
__attribute__((target("avx2"))) void weighted_sum_avx2(float* __restrict dst, const float* const* src,
                                                       const float* w, int taps, int64_t n) {
  typedef float Float8 __attribute__((vector_size(32)));
  weighted_sum_with<float, Float8>(dst, src, w, taps, n);
}
#endif

/// weighted_sum_with on the widest vectors the processor has: AVX2's for float where it
/// has them, else 16 bytes (SSE2, always there on x86-64).
template <typename T>
void weighted_sum(T* __restrict dst, const T* const* src, const T* w, int taps, int64_t n) {
#if defined(__x86_64__) && defined(__GNUC__)
  if constexpr (std::is_same_v<T, float>) {
    static const bool avx2 = __builtin_cpu_supports("avx2");
    if (avx2) return weighted_sum_avx2(dst, src, w, taps, n);
  }
#endif
  weighted_sum_with<T, typename Vec16<T>::type>(dst, src, w, taps, n);
}

/// Separable forward of one frame. scratch: PY + X * Y values; rows: max(kx, ky) pointers.
template <typename T>
void blur_frame_separable(const BlurKernel<T>& k, const T* __restrict in, T* __restrict out,
                          T* __restrict scratch, const T** rows, const Padding& p) {
  T* __restrict padded_row = scratch;
  T* __restrict along_y = scratch + p.PY;
  const int64_t Y = p.Y;
  for (int j = 0; j < k.ky; ++j) rows[j] = padded_row + j;
  for (int64_t x = 0; x < p.X; ++x) {
    pad_row(in + x * Y, padded_row, p);
    weighted_sum(along_y + x * Y, rows, k.v.data(), k.ky, Y);
  }
  // Rows whose taps all lie inside the frame are one run of contiguous values.
  const int64_t first = p.px, last = std::max(first, p.X - (k.kx - 1 - p.px));
  if (last > first) {
    for (int i = 0; i < k.kx; ++i) rows[i] = along_y + (first + i - p.px) * Y;
    weighted_sum(out + first * Y, rows, k.u.data(), k.kx, (last - first) * Y);
  }
  for (int64_t x = 0; x < p.X; ++x) {
    if (x >= first && x < last) continue;
    for (int i = 0; i < k.kx; ++i) rows[i] = along_y + clamp_index(x + i - p.px, p.X) * Y;
    weighted_sum(out + x * Y, rows, k.u.data(), k.kx, Y);
  }
}

/// Direct forward of one frame. scratch: PX * PY values; rows: kx * ky pointers.
template <typename T>
void blur_frame_direct(const BlurKernel<T>& k, const T* __restrict in, T* __restrict out,
                       T* __restrict scratch, const T** rows, const Padding& p) {
  pad_frame(in, scratch, p);
  for (int64_t x = 0; x < p.X; ++x) {
    for (int i = 0; i < k.kx; ++i)
      for (int j = 0; j < k.ky; ++j) rows[i * k.ky + j] = scratch + (x + i) * p.PY + j;
    weighted_sum(out + x * p.Y, rows, k.weight.data(), k.kx * k.ky, p.Y);
  }
}

/// Separable adjoint of one frame, accumulated into grad_in. scratch: PY + X * Y values.
template <typename T>
void adjoint_frame_separable(const BlurKernel<T>& k, const T* __restrict g, T* __restrict grad_in,
                             T* __restrict scratch, const Padding& p) {
  T* __restrict padded_row = scratch;
  T* __restrict along_x = scratch + p.PY;
  const int64_t Y = p.Y;
  std::fill(along_x, along_x + p.X * Y, T(0));
  for (int64_t x = 0; x < p.X; ++x) {
    const T* __restrict src = g + x * Y;
    for (int i = 0; i < k.kx; ++i) add_scaled(along_x + clamp_index(x + i - p.px, p.X) * Y, src, k.u[i], Y);
  }
  for (int64_t x = 0; x < p.X; ++x) {
    std::fill(padded_row, padded_row + p.PY, T(0));
    const T* __restrict src = along_x + x * Y;
    for (int j = 0; j < k.ky; ++j) add_scaled(padded_row + j, src, k.v[j], Y);
    T* __restrict dst = grad_in + x * Y;
    for (int64_t c = 0; c < p.py; ++c) dst[0] += padded_row[c];
    for (int64_t y = 0; y < Y; ++y) dst[y] += padded_row[p.py + y];
    for (int64_t c = p.py + Y; c < p.PY; ++c) dst[Y - 1] += padded_row[c];
  }
}

/// Direct adjoint of one frame, accumulated into grad_in. scratch: PX * PY values.
template <typename T>
void adjoint_frame_direct(const BlurKernel<T>& k, const T* __restrict g, T* __restrict grad_in,
                          T* __restrict scratch, const Padding& p) {
  std::fill(scratch, scratch + p.PX * p.PY, T(0));
  const int64_t Y = p.Y;
  for (int64_t x = 0; x < p.X; ++x) {
    const T* __restrict src = g + x * Y;
    for (int i = 0; i < k.kx; ++i) {
      T* __restrict row = scratch + (x + i) * p.PY;
      for (int j = 0; j < k.ky; ++j) add_scaled(row + j, src, k.weight[static_cast<size_t>(i) * k.ky + j], Y);
    }
  }
  fold_padded_frame(scratch, grad_in, p);
}

/// grad_w += correlation of g with the padded frame. scratch: PX * PY values.
template <typename T>
void weight_gradient_frame(const BlurKernel<T>& k, const T* __restrict g, const T* __restrict in,
                           T* __restrict grad_w, T* __restrict scratch, const Padding& p) {
  pad_frame(in, scratch, p);
  const int64_t Y = p.Y;
  for (int i = 0; i < k.kx; ++i) {
    for (int j = 0; j < k.ky; ++j) {
      T sum = 0;
      for (int64_t x = 0; x < p.X; ++x) {
        const T* __restrict src = scratch + (x + i) * p.PY + j;
        const T* __restrict gx = g + x * Y;
        for (int64_t y = 0; y < Y; ++y) sum += gx[y] * src[y];
      }
      grad_w[static_cast<size_t>(i) * k.ky + j] += sum;
    }
  }
}

}  // namespace

template <typename T>
BlurKernel<T> BlurKernel<T>::direct(const T* w, int kx, int ky) {
  if (kx < 1 || ky < 1)
    throw std::invalid_argument("BlurKernel: kernel size " + std::to_string(kx) + " x " +
                                std::to_string(ky) + " (must be at least 1 x 1)");
  BlurKernel k;
  k.kx = kx;
  k.ky = ky;
  k.weight.assign(w, w + static_cast<size_t>(kx) * ky);
  return k;
}

template <typename T>
BlurKernel<T> BlurKernel<T>::from(const T* w, int kx, int ky) {
  BlurKernel k = direct(w, kx, ky);
  // The largest |value| anchors the factors: u = its column, v = its row / the value.
  size_t anchor = 0;
  T largest = 0;
  for (size_t n = 0; n < k.weight.size(); ++n) {
    if (!std::isfinite(static_cast<double>(k.weight[n]))) return k;
    if (std::abs(k.weight[n]) > largest) {
      largest = std::abs(k.weight[n]);
      anchor = n;
    }
  }
  const int ai = static_cast<int>(anchor / ky), aj = static_cast<int>(anchor % ky);
  std::vector<T> u(kx), v(ky);
  if (largest == 0) {
    std::fill(u.begin(), u.end(), T(0));
    std::fill(v.begin(), v.end(), T(0));
  } else {
    const T pivot = k.weight[anchor];
    for (int i = 0; i < kx; ++i) u[i] = k.weight[static_cast<size_t>(i) * ky + aj];
    for (int j = 0; j < ky; ++j) v[j] = k.weight[static_cast<size_t>(ai) * ky + j] / pivot;
  }
  const double tolerance = kSeparableTolerance * static_cast<double>(largest);
  for (int i = 0; i < kx; ++i)
    for (int j = 0; j < ky; ++j)
      if (std::abs(static_cast<double>(k.weight[static_cast<size_t>(i) * ky + j]) -
                   static_cast<double>(u[i]) * static_cast<double>(v[j])) > tolerance)
        return k;
  k.separable = true;
  k.u = std::move(u);
  k.v = std::move(v);
  return k;
}

template <typename T>
void replicate_blur(const BlurKernel<T>& kernel, const T* in, T* out, int64_t frames, int64_t X,
                    int64_t Y) {
  check_frame(frames, X, Y, "replicate_blur");
  const Padding p = padding_of(kernel, X, Y);
  const int64_t plane = X * Y;
  const int64_t scratch_size = kernel.separable ? p.PY + plane : p.PX * p.PY;
  const size_t row_pointers = kernel.separable ? std::max(kernel.kx, kernel.ky) : kernel.kx * kernel.ky;
  const int64_t grain = std::max<int64_t>(1, kParallelGrainPixels / plane);
  at::parallel_for(0, frames, grain, [&](int64_t begin, int64_t end) {
    std::vector<T> scratch(static_cast<size_t>(scratch_size));
    std::vector<const T*> rows(row_pointers);
    for (int64_t f = begin; f < end; ++f) {
      if (kernel.separable)
        blur_frame_separable(kernel, in + f * plane, out + f * plane, scratch.data(), rows.data(), p);
      else
        blur_frame_direct(kernel, in + f * plane, out + f * plane, scratch.data(), rows.data(), p);
    }
  });
}

template <typename T>
void replicate_blur_adjoint(const BlurKernel<T>& kernel, const T* grad_out, T* grad_in, T* grad_w,
                            const T* in, int64_t frames, int64_t X, int64_t Y) {
  check_frame(frames, X, Y, "replicate_blur_adjoint");
  if (grad_w != nullptr && in == nullptr)
    throw std::invalid_argument("replicate_blur_adjoint: the weight gradient needs the input");
  const Padding p = padding_of(kernel, X, Y);
  const int64_t plane = X * Y;
  std::vector<T> scratch(static_cast<size_t>(std::max(p.PY + plane, p.PX * p.PY)));
  for (int64_t f = 0; f < frames; ++f) {
    const T* g = grad_out + f * plane;
    if (kernel.separable)
      adjoint_frame_separable(kernel, g, grad_in + f * plane, scratch.data(), p);
    else
      adjoint_frame_direct(kernel, g, grad_in + f * plane, scratch.data(), p);
    if (grad_w != nullptr) weight_gradient_frame(kernel, g, in + f * plane, grad_w, scratch.data(), p);
  }
}

template struct BlurKernel<float>;
template struct BlurKernel<double>;
template void replicate_blur<float>(const BlurKernel<float>&, const float*, float*, int64_t,
                                    int64_t, int64_t);
template void replicate_blur<double>(const BlurKernel<double>&, const double*, double*, int64_t,
                                     int64_t, int64_t);
template void replicate_blur_adjoint<float>(const BlurKernel<float>&, const float*, float*, float*,
                                            const float*, int64_t, int64_t, int64_t);
template void replicate_blur_adjoint<double>(const BlurKernel<double>&, const double*, double*,
                                             double*, const double*, int64_t, int64_t, int64_t);

}  // namespace cvm::kernels
