// convis's spiking layers (convis.filters.spiking) that fire from a rate or a membrane
// potential: Poisson, LeakyIntegrateAndFireNeuron and RefractoryLeakyIntegrateAndFireNeuron,
// each one fused loop over the frames (time outer, cells inner) instead of convis's tensor
// operations per frame; plus the pieces every spiking kernel shares (input layout, state
// tensors, the parallel loop over cells, the order of convis's masked_scatter_).
//
// Every cell (batch, channel, x, y) is an independent neuron; convis supports batch 1 and
// channel 1 only. Arithmetic is float32 in convis's order, so deterministic runs (no
// noise) give convis's spikes exactly. Random numbers come from CounterRng (counter_rng.h)
// keyed by the cell and the frame count since the reset, so any chunking and any thread
// count give the same spikes. Outputs are float32 0/1, shaped like the input.
#pragma once

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "interpreter/kernels/counter_rng.h"

namespace cvm::kernels {

/// The sizes of a spiking layer's input [batch, channel, time, x, y].
struct FrameLayout {
  int64_t batch = 0, channels = 0, frames = 0, x = 0, y = 0;
  int64_t pixels() const { return x * y; }
  int64_t planes() const { return batch * channels; }
  int64_t cells() const { return planes() * pixels(); }
  /// The shape of one state variable: [batch, channel, x, y].
  std::vector<int64_t> state_shape() const { return {batch, channels, x, y}; }
};

/// The layout of `x`; throws std::invalid_argument unless x is a float32 5-d tensor.
FrameLayout frame_layout(const at::Tensor& x, const char* kernel);

/// A private contiguous copy of a state variable in the layout's state shape: `value`
/// broadcast ([x, y] and [1, 1, x, y] give every plane the same values), or `initial` in
/// every cell when `value` is undefined. Throws std::invalid_argument naming `name` when
/// `value` cannot be broadcast.
at::Tensor state_copy(const at::Tensor& value, const FrameLayout& layout, float initial, const char* kernel,
                      const char* name);

/// Calls body(plane, first_pixel, end_pixel) on disjoint runs of cells that together cover
/// every cell once, in parallel (at::parallel_for) when there is enough work. A body loops
/// over the frames outside and its pixels inside.
template <class Body>
void for_cell_runs(const FrameLayout& layout, Body body) {
  const int64_t pixels = layout.pixels();
  const int64_t grain = std::max<int64_t>(64, 32768 / std::max<int64_t>(layout.frames, 1));
  at::parallel_for(0, layout.cells(), grain, [&](int64_t begin, int64_t end) {
    for (int64_t cell = begin; cell < end;) {
      const int64_t plane = cell / pixels, first = cell % pixels;
      const int64_t last = std::min(pixels, first + (end - cell));
      body(plane, first, last);
      cell += last - first;
    }
  });
}

/// convis's f.masked_scatter_(mask, g(f)) on a frame of cells: the k-th cell of `cells`
/// (the mask's cells in row-major order) takes g of cell k's value, not of its own. Cells
/// are visited backwards, so cell k is read before it is written (the k-th masked cell is
/// at k or later).
template <class Update>
void masked_scatter_in_rank_order(float* f, const std::vector<int64_t>& cells, Update update) {
  for (auto k = static_cast<int64_t>(cells.size()) - 1; k >= 0; --k) {
    f[cells[static_cast<size_t>(k)]] = update(f[k]);
  }
}

/// What the random spiking layers remember: the frame count since the reset, which keys
/// their random numbers.
struct PoissonState {
  int64_t step = 0;
};

/// convis.filters.spiking.Poisson: a spike where U[0,1) <= rate (a spike probability per
/// frame).
at::Tensor poisson_spikes(const at::Tensor& rate, const CounterRng& rng, PoissonState& state);

/// Parameters of convis's leaky integrate-and-fire neurons (convis's names).
struct LifParams {
  float noise_sigma = 0.1f;  // membrane noise
  float g_L = 50.0f;         // leak conductance, Hz
  float tau = 0.001f;        // Euler step, s (convis: 1 / steps_per_second)
};

struct LifState {
  /// Membrane potential [B, C, X, Y]; undefined before the first frame, then drawn as
  /// 0.5 + 0.2 U(0, 1) (at step -1, draw 0).
  at::Tensor V;
  int64_t step = 0;  // frames since the reset
};

/// convis.filters.spiking.LeakyIntegrateAndFireNeuron, per frame and cell:
///   V' = V + (I / tau - g_L V + noise_sigma N sqrt(g_L / tau)) tau   (N: draw 0)
///   spike = V' > 1;  V = spike ? 0 : V'
at::Tensor lif_spikes(const at::Tensor& current, const LifParams& p, const CounterRng& rng, LifState& state);

/// The refractory period of RefractoryLeakyIntegrateAndFireNeuron.
struct RefractoryParams {
  float refr_mu = 0.003f;     // mean refractory time, s
  float refr_sigma = 0.001f;  // its standard deviation, s
  /// Steps per second of refractory times: convis hard-codes 1000 (1 ms steps) whatever
  /// the resolution.
  float steps_per_second = 1000.0f;
};

struct RefractoryLifState {
  at::Tensor V;     // as LifState::V
  /// Remaining refractory steps [B, C, X, Y]; undefined before the first frame, then
  /// steps_per_second (refr_mu + refr_sigma N) (at step -1, draw 1).
  at::Tensor refr;
  int64_t step = 0;
};

/// convis.filters.spiking.RefractoryLeakyIntegrateAndFireNeuron, per frame and cell:
///   V' as in lif_spikes;  spike = V' > 1
///   if spike: refr = steps_per_second (refr_mu + refr_sigma N)   (N: draw 1)
///   refr = max(refr, 0) - 1;  V = (refr >= 0.5 or spike) ? 0 : V'
/// convis hands the refractory draws to the spiking cells in row-major order
/// (masked_scatter_); here each cell has its own draw, which has the same distribution.
at::Tensor refractory_lif_spikes(const at::Tensor& current, const LifParams& p, const RefractoryParams& r,
                                 const CounterRng& rng, RefractoryLifState& state);

}  // namespace cvm::kernels
