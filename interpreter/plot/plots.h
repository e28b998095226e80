// The plots people look at, each written to one PNG or SVG file (by its extension):
// impulse responses (temporal response at the centre pixel and spatial profile), spatial
// profiles, output traces, kernels as image grids and loss curves. `cvm impulse`,
// `cvm plot` and the REPL draw with these. Axes carry units: time in ms, space in degrees
// (from the model's resolution), values in the signal's unit. Every function throws
// io::DataError for a path that does not end in .png or .svg, a file that cannot be
// written, or data of an unusable shape.
#pragma once

#include <string>
#include <vector>

#include <torch/torch.h>

#include "frontend/units/unit.h"

namespace cvm::plot {

/// A signal to plot: a model output [batch, channel, time, x, y] (batch 0 is drawn) and
/// the unit of its values ("1" or "": dimensionless, no unit shown).
struct NamedSignal {
  std::string name;
  at::Tensor data;
  std::string unit;
};

/// One row per output: on the left the response of the centre pixel (X / 2, Y / 2) against
/// time from the impulse (ms; one line per channel, the peak marked), on the right the
/// frame with the largest |response| as an image over x and y (deg), with a colour bar.
void plot_impulse(const std::string& path, const std::vector<NamedSignal>& outputs, const Resolution& resolution,
                  int64_t impulse_frame = 0);

/// One panel per output: the frame with the largest |value| as an image over x and y
/// (deg), with a colour bar (channel 0).
void plot_spatial(const std::string& path, const std::vector<NamedSignal>& outputs, const Resolution& resolution);

/// One panel per output: the mean over pixels and a few sample pixels (centre and the
/// quarter points) against time (ms), channel 0.
void plot_traces(const std::string& path, const std::vector<NamedSignal>& outputs, const Resolution& resolution);

/// A kernel or weight: [T, X, Y] (an impulse response, /kernel of `cvm sample`),
/// [out, in, T, X, Y] (Conv3d), [out, in, X, Y] (Conv2d), [X, Y], or temporal ([T],
/// [1, 1, T] as Conv1d weights, or 1 x 1 pixel). Spatial kernels are drawn as a grid of
/// images, one tile per frame in stored order (every k-th frame when there are more than
/// 30), with one colour scale and a colour bar; one grid per (out, in) channel pair when
/// there are at most 4, else the pair (0, 0). Temporal kernels are drawn as lines.
void plot_kernel(const std::string& path, const std::string& name, const at::Tensor& kernel,
                 const Resolution& resolution = {});

/// The loss against the step, and the validation loss when not empty (spread over the
/// same steps when it has fewer values, e.g. one per epoch). The y axis is logarithmic
/// when the positive values span more than two decades.
void plot_loss(const std::string& path, const std::vector<double>& loss, const std::vector<double>& validation);

}  // namespace cvm::plot
