// convis's neuron models with their own dynamics, integrated with a fixed number of Euler
// sub-steps per frame (convis.filters.spiking): Izhikevich (spikes), FitzHugh–Nagumo and
// Hodgkin–Huxley (membrane potential). Each is one fused loop over the frames; the layout,
// state and randomness conventions are those of spiking.h. Every state starts where
// convis's does; a state given by the caller ([x, y] or [B, C, x, y]) replaces it.
#pragma once

#include "interpreter/kernels/spiking.h"

namespace cvm::kernels {

/// convis's Izhikevich parameters (its names and defaults).
struct IzhikevichParams {
  float a = 0.02f, b = 0.2f;
  float c = -65.0f;         // reset value of v
  float d = 6.0f;           // increase of u at a spike
  float threshold = 30.0f;  // spike when v >= threshold
};

struct IzhikevichState {
  at::Tensor v;  // [B, C, X, Y]; undefined: c
  at::Tensor u;  // [B, C, X, Y]; undefined: b c
};

/// convis.filters.spiking.Izhikevich with output_only_spikes: per frame, two Euler
/// sub-steps of 1/2 (both derivatives from the old v, u)
///   v += (0.04 v^2 + 5 v + 140 - u + I) / 2,   u += a (b v - u) / 2
/// then spike = v >= threshold, v = c where it spiked. convis raises u with
/// u.masked_scatter_(spike, u + d): the k-th spiking cell in row-major order over
/// [B, C, X, Y] gets u + d of the k-th cell, not its own. That numeric quirk is kept, so
/// the spikes are convis's. (convis draws noise here but never uses it.)
at::Tensor izhikevich_spikes(const at::Tensor& current, const IzhikevichParams& p, IzhikevichState& state);

/// convis's FitzHughNagumo parameters.
struct FitzHughNagumoParams {
  float a = 0.7f, b = 0.8f;
  float tau = 0.08f;  // rate of w (a multiplier, not a time)
  float noise_strength = 0.001f;
};

struct FitzHughNagumoState {
  at::Tensor v, w;  // [B, C, X, Y]; undefined: 0
  int64_t step = 0;
};

/// convis.filters.spiking.FitzHughNagumo: per frame two normal numbers N_v, N_w (one pair, draw 0),
/// then 10 Euler sub-steps of dt = 1/10:
///   v += dt (I + v - v^3 / 3 - w) + noise_strength dt N_v
///   w += dt (v - a - b w) tau     + noise_strength dt N_w
/// Returns v.
at::Tensor fitzhugh_nagumo(const at::Tensor& current, const FitzHughNagumoParams& p, const CounterRng& rng,
                           FitzHughNagumoState& state);

/// convis's HogkinHuxley parameters (squid axon, potentials relative to rest, mV).
struct HodgkinHuxleyParams {
  float gK = 36.0f, gNa = 120.0f, gL = 0.3f;
  float Cm = 1.0f;
  float VK = -12.0f, VNa = 115.0f, Vl = 10.613f;
  float noise_strength = 0.1f;
};

struct HodgkinHuxleyState {
  at::Tensor v, v_n, v_m, v_h;  // [B, C, X, Y]; undefined: 0 (convis's start, not rest)
  int64_t step = 0;
};

/// convis.filters.spiking.HogkinHuxley: per frame one normal draw N (draw 0), then 20
/// Euler sub-steps of dt = 1/20 of
///   v' = I + noise_strength N / Cm - gK/Cm n^4 (v - VK) - gNa/Cm m^3 h (v - VNa) - gL/Cm (v - Vl)
///   x' = alpha_x(v) (1 - x) - beta_x(v) x   for x in n, m, h (standard rate functions)
/// Returns v. Where alpha_n or alpha_m is 0/0 (v = 10 or v = 25 exactly) the limit is used;
/// convis gives NaN there.
at::Tensor hodgkin_huxley(const at::Tensor& current, const HodgkinHuxleyParams& p, const CounterRng& rng,
                          HodgkinHuxleyState& state);

}  // namespace cvm::kernels
