#include "interpreter/kernels/ganglion_spiking.h"

#include <ATen/Parallel.h>

#include <cmath>
#include <vector>

#include "interpreter/kernels/spiking.h"

namespace cvm::kernels {

namespace {

constexpr const char* kName = "GanglionSpiking";

/// convis's refractory time in steps: 1000 (refr_mu + refr_sigma N).
float refractory_steps(const GanglionSpikingParams& p, float normal) {
  return 1000.0f * (p.refr_mu + p.refr_sigma * normal);
}

/// One (batch, channel) plane over the chunk. kNoise: draw N1; kRefrNoise: draw N2.
template <bool kNoise, bool kRefrNoise>
void spike_plane(const float* I, float* out, float* V, float* refr, int64_t plane, const FrameLayout& l,
                 const GanglionSpikingParams& p, const CounterRng& rng, int64_t step) {
  const int64_t P = l.pixels();
  const float noise_scale = std::sqrt(p.g_L / p.tau);
  const float fixed_refr = refractory_steps(p, 0.0f);
  std::vector<float> next(static_cast<size_t>(P));
  std::vector<int64_t> spiking;
  spiking.reserve(static_cast<size_t>(P));
  for (int64_t t = 0; t < l.frames; ++t) {
    const float* It = I + (plane * l.frames + t) * P;
    float* ot = out + (plane * l.frames + t) * P;
    spiking.clear();
    for (int64_t px = 0; px < P; ++px) {
      float drive = It[px] - p.g_L * V[px];
      if (kNoise) {
        const auto cell = static_cast<uint32_t>(plane * P + px);
        drive = drive + p.noise_sigma * rng.normal(cell, step + t, 0) * noise_scale;
      }
      float v = V[px] + drive * p.tau;
      refr[px] = refr[px] - 1.0f;
      if (refr[px] >= 0.5f) v = 0.0f;
      const bool spike = v > 1.0f;
      if (spike) spiking.push_back(px);
      next[static_cast<size_t>(px)] = v;
      ot[px] = spike ? 1.0f : 0.0f;
    }
    // masked_scatter_: the k-th spiking cell takes the refractory time drawn for cell k.
    for (size_t k = 0; k < spiking.size(); ++k) {
      const auto cell = static_cast<uint32_t>(plane * P + static_cast<int64_t>(k));
      refr[spiking[k]] = kRefrNoise ? refractory_steps(p, rng.normal(cell, step + t, 1)) : fixed_refr;
    }
    for (int64_t px = 0; px < P; ++px) {
      if (refr[px] < 0.0f) refr[px] = 0.0f;
      V[px] = ot[px] != 0.0f ? 0.0f : next[static_cast<size_t>(px)];
    }
  }
}

template <bool kNoise, bool kRefrNoise>
void spike_planes(const float* I, float* out, float* V, float* refr, const FrameLayout& l,
                  const GanglionSpikingParams& p, const CounterRng& rng, int64_t step) {
  at::parallel_for(0, l.planes(), 1, [&](int64_t begin, int64_t end) {
    for (int64_t plane = begin; plane < end; ++plane) {
      spike_plane<kNoise, kRefrNoise>(I, out, V + plane * l.pixels(), refr + plane * l.pixels(), plane, l, p, rng,
                                      step);
    }
  });
}

}  // namespace

at::Tensor ganglion_spikes(const at::Tensor& current, const GanglionSpikingParams& p, const CounterRng& rng,
                           GanglionSpikingState& state) {
  const FrameLayout l = frame_layout(current, kName);
  const at::Tensor input = current.contiguous();
  at::Tensor out = at::empty_like(input, at::MemoryFormat::Contiguous);
  // Private copies of the state, so an exception leaves `state` untouched.
  at::Tensor V, refr;
  if (state.V.defined()) {
    V = state_copy(state.V, l, 0, kName, "V");
  } else {
    V = at::empty(l.state_shape(), at::kFloat);
    float* v = V.data_ptr<float>();
    for (int64_t cell = 0; cell < l.cells(); ++cell) {
      v[cell] = 0.2f * rng.uniform(static_cast<uint32_t>(cell), -1, 0) + 0.5f;
    }
  }
  if (state.refr.defined()) {
    refr = state_copy(state.refr, l, 0, kName, "refr");
  } else {
    refr = at::empty(l.state_shape(), at::kFloat);
    float* r = refr.data_ptr<float>();
    for (int64_t cell = 0; cell < l.cells(); ++cell) {
      r[cell] = p.refr_sigma != 0.0f ? refractory_steps(p, rng.normal(static_cast<uint32_t>(cell), -1, 1))
                                     : refractory_steps(p, 0.0f);
    }
  }
  const float* I = input.data_ptr<float>();
  float* o = out.data_ptr<float>();
  float* v = V.data_ptr<float>();
  float* r = refr.data_ptr<float>();
  const bool noise = p.noise_sigma != 0.0f, refr_noise = p.refr_sigma != 0.0f;
  if (noise && refr_noise) spike_planes<true, true>(I, o, v, r, l, p, rng, state.step);
  else if (noise) spike_planes<true, false>(I, o, v, r, l, p, rng, state.step);
  else if (refr_noise) spike_planes<false, true>(I, o, v, r, l, p, rng, state.step);
  else spike_planes<false, false>(I, o, v, r, l, p, rng, state.step);
  state.V = V;
  state.refr = refr;
  state.step += l.frames;
  return out;
}

}  // namespace cvm::kernels
