// convis's GanglionSpiking (convis.filters.retina): leaky integrate-and-fire ganglion cells
// with a random refractory period, driven by the ganglion input current I (Hz). One fused
// loop over the frames; per frame and (batch, channel) plane, in convis's order:
//
//   V'   = V + (I - g_L V + noise_sigma N1 sqrt(g_L / tau)) tau
//   rn   = 1000 (refr_mu + refr_sigma N2)
//   refr = refr - 1;   V' = 0 where refr >= 0.5
//   spike = V' > 1;    refr = rn where spike (the k-th spiking cell of the plane, in row-major
//                      order, takes the k-th cell's rn: convis's masked_scatter_)
//   refr = 0 where refr < 0;   V' = 0 where spike;   V = V'
//
// Initial state (the first call): V = 0.5 + 0.2 U, refr = 1000 (refr_mu + refr_sigma N).
// The refractory count is in steps of 1 ms (convis's hard-coded 1000) whatever the
// resolution. Arithmetic is float32 in convis's order, so without noise (noise_sigma = 0,
// refr_sigma = 0) the spikes are convis's exactly: the initial V is still drawn, but with
// refr_sigma = 0 the first frames are refractory, so it never shows (as in convis).
// Random numbers come from CounterRng keyed by (cell, frame since the reset, draw): draw 0 is
// N1 (and U at step -1), draw 1 is N2 (and the initial refr's N at step -1), so any chunking
// gives the same spikes (not torch's numbers: seeded runs agree with convis statistically).
// Output: float32 0/1 spikes shaped like the input. No gradient (as convis).
#pragma once

#include <ATen/ATen.h>

#include "interpreter/kernels/counter_rng.h"

namespace cvm::kernels {

struct GanglionSpikingParams {
  float refr_mu = 0.003f;     // mean refractory time, s
  float refr_sigma = 0.001f;  // its standard deviation, s
  float noise_sigma = 0.1f;   // membrane noise
  float g_L = 50.0f;          // leak, Hz
  float tau = 0.001f;         // Euler step, s
};

struct GanglionSpikingState {
  at::Tensor V;     // membrane potential [B, C, X, Y]; undefined before the first frame
  at::Tensor refr;  // remaining refractory steps [B, C, X, Y]; undefined before the first frame
  int64_t step = 0;  // frames since the reset
};

/// One chunk of input current [B, C, T, X, Y] -> spikes of the same shape; updates `state`.
/// Throws std::invalid_argument for a bad input or a state that does not fit it.
at::Tensor ganglion_spikes(const at::Tensor& current, const GanglionSpikingParams& p, const CounterRng& rng,
                           GanglionSpikingState& state);

}  // namespace cvm::kernels
