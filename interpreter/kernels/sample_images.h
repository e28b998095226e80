// The 2-d arrays of convis.samples: spatial masks (mask_square, mask_circle) and sample
// kernels (gabor_kernel, text_kernel), computed in numpy's double arithmetic and returned as
// float32 tensors. They serve as tensor initialisers and, wrapped by StillImage
// (stimuli.h), as one-frame stimuli.
//
// Deviation: convis builds the masks with np.meshgrid's default 'xy' indexing, so
// mask_square(x, y, ..) has shape (1, y, x) and cannot multiply a (t, x, y) stimulus unless
// x == y. Here a mask has shape [x, y] (the transpose of convis's array, same values).
#pragma once

#include <cstdint>

#include <torch/torch.h>

namespace cvm::kernels {

/// convis mask_square: 1 where |X| < width and |Y| < width, with X = linspace(-x/2, x/2 (+1
/// if x is even and center_on_pixel), x) and likewise Y. Float32 [x, y] of 0 and 1.
at::Tensor mask_square(int64_t x = 20, int64_t y = 20, double width = 1,
                       bool center_on_pixel = true);

/// convis mask_circle: sigmoid(sharpness (radius - sqrt(X^2 + Y^2))) when smooth, else
/// radius > sqrt(X^2 + Y^2); X, Y as for mask_square. Float32 [x, y].
at::Tensor mask_circle(int64_t x = 20, int64_t y = 20, double radius = 1, bool smooth = true,
                       double sharpness = 5.0, bool center_on_pixel = true);

/// convis gabor_kernel: with v = linspace(-size / 2 / resolution, size / 2 / resolution,
/// size), element [i, j] (X = v[j], Y = v[i]) is exp(-(sigma_x X / 2)^2 - (sigma_y Y / 2)^2)
/// * sin(sin(phi) X / (2 pi / f) + cos(phi) Y / (2 pi / f) + phase). Float32 [size, size].
at::Tensor gabor_kernel(double phi = 2.0, int64_t size = 16, double resolution = 2.0,
                        double f = 10.0, double phase = 0.0, double sigma_x = 1,
                        double sigma_y = 1);

/// convis text_kernel: the letters "con" (rows 2..6) and "vis" (rows 9..13) as 1s in a
/// 16 x 16 float32 array of zeros.
at::Tensor text_kernel();

}  // namespace cvm::kernels
