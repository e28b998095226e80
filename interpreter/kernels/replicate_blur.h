// A 2-D spatial blur with convis's replicate "same" padding, applied to a block of frames,
// and its adjoint (for backward passes).
//
// convis pads a frame with copies of its edge pixels, floor(K/2) before and K - floor(K/2) - 1
// after along each axis, then runs conv2d/conv3d, which is a correlation with the STORED
// weight. For a kernel W of kx x ky values (x major, y contiguous) and a frame of X x Y values
// (y contiguous) that is
//   out[x][y] = sum_{i<kx, j<ky} W[i][j] * in[clamp(x + i - px, 0, X-1)][clamp(y + j - py, 0, Y-1)]
// with px = floor(kx/2), py = floor(ky/2).
//
// Two paths, chosen once by BlurKernel::from:
// - separable (rank 1: |W - u v^T| <= 1e-6 max|W| for u = the column of W through its largest
//   |value| and v = that row divided by the largest value, as for gaussians): a 1-D pass along
//   y on a replicate-padded row, then a 1-D pass along x over clamped rows, K_x + K_y
//   multiply-adds per pixel instead of K_x * K_y;
// - direct: the 2-D correlation on a replicate-padded copy of the frame.
// Both inner loops run along y over contiguous memory, with the partial sums of 16 values
// kept in vector registers across the taps (the interior rows of the x pass are one long run).
// Arithmetic is in T; the summation order differs from ATen's, so results agree with
// at::conv2d to rounding.
//
// The adjoint maps an output gradient g to the input gradient (every product W[i][j] * g[x][y]
// scattered into the clamped input pixel, i.e. edge pixels collect the padding's share) and to
// the weight gradient (grad_w[i][j] = sum_{x,y} g[x][y] * padded_in[x+i][y+j]). Both accumulate.
#pragma once

#include <cstdint>
#include <vector>

namespace cvm::kernels {

/// A blur kernel prepared for replicate_blur: the weight and, when it has rank 1, its factors.
template <typename T>
struct BlurKernel {
  int kx = 1;  ///< size along x (the slower axis of a frame)
  int ky = 1;  ///< size along y (contiguous)
  std::vector<T> weight;  ///< kx * ky values, weight[i * ky + j], used as a correlation kernel
  bool separable = false;  ///< true when weight == u v^T within 1e-6 max|weight|
  std::vector<T> u;        ///< kx factors along x (separable only)
  std::vector<T> v;        ///< ky factors along y (separable only)

  /// Copies w (kx * ky values, x major, as stored in a [.., kx, ky] weight tensor) and tests
  /// whether it is separable. Throws std::invalid_argument if kx or ky < 1.
  static BlurKernel from(const T* w, int kx, int ky);
  /// The same kernel, always on the direct path (for tests and for comparing the paths).
  static BlurKernel direct(const T* w, int kx, int ky);
};

/// out = the blur of in, for `frames` contiguous X x Y planes (in and out must not overlap).
/// Parallel over frames (at::parallel_for) when the block is large enough.
/// Throws std::invalid_argument if X or Y < 1 or frames < 0.
template <typename T>
void replicate_blur(const BlurKernel<T>& kernel, const T* in, T* out, int64_t frames, int64_t X,
                    int64_t Y);

/// The adjoint of replicate_blur for `frames` planes: grad_in += A^T grad_out (grad_in is
/// accumulated, not overwritten) and, when grad_w is not null, grad_w[i * ky + j] +=
/// sum over frames and pixels of grad_out * padded in (`in` is only read then; it may be null
/// when grad_w is null). Serial and deterministic.
template <typename T>
void replicate_blur_adjoint(const BlurKernel<T>& kernel, const T* grad_out, T* grad_in, T* grad_w,
                            const T* in, int64_t frames, int64_t X, int64_t Y);

}  // namespace cvm::kernels
