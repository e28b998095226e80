#include "interpreter/kernels/spiking.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace cvm::kernels {

FrameLayout frame_layout(const at::Tensor& x, const char* kernel) {
  if (x.dim() != 5 || x.scalar_type() != at::kFloat)
    throw std::invalid_argument(std::string(kernel) + ": expected a float32 [B, C, T, X, Y] tensor");
  FrameLayout l{x.size(0), x.size(1), x.size(2), x.size(3), x.size(4)};
  if (l.cells() > int64_t{1} << 32)
    throw std::invalid_argument(std::string(kernel) + ": more than 2^32 cells per frame");
  return l;
}

at::Tensor state_copy(const at::Tensor& value, const FrameLayout& layout, float initial, const char* kernel,
                      const char* name) {
  const std::vector<int64_t> shape = layout.state_shape();
  if (!value.defined()) return at::full(shape, initial, at::kFloat);
  const at::Tensor v = value.to(at::kFloat);
  std::vector<int64_t> given(v.sizes().begin(), v.sizes().end());
  bool fits = given.size() <= shape.size();
  for (size_t i = 0; fits && i < given.size(); ++i) {
    const int64_t want = shape[shape.size() - given.size() + i];
    fits = given[i] == want || given[i] == 1;
  }
  if (!fits) {
    throw std::invalid_argument(std::string(kernel) + ": the state '" + name + "' has shape " + c10::str(v.sizes()) +
                                ", which does not fit the input's [batch, channel, x, y] = " +
                                c10::str(at::IntArrayRef(shape)));
  }
  return v.expand(shape).contiguous().clone();
}

at::Tensor poisson_spikes(const at::Tensor& rate, const CounterRng& rng, PoissonState& state) {
  const FrameLayout l = frame_layout(rate, "Poisson");
  const at::Tensor input = rate.contiguous();
  at::Tensor out = at::empty_like(input, at::MemoryFormat::Contiguous);
  const float* x = input.data_ptr<float>();
  float* o = out.data_ptr<float>();
  const int64_t pixels = l.pixels(), step = state.step;
  for_cell_runs(l, [&](int64_t plane, int64_t first, int64_t last) {
    for (int64_t t = 0; t < l.frames; ++t) {
      const int64_t frame = (plane * l.frames + t) * pixels;
      for (int64_t p = first; p < last; ++p) {
        const auto cell = static_cast<uint32_t>(plane * pixels + p);
        o[frame + p] = rng.uniform(cell, step + t, 0) <= x[frame + p] ? 1.0f : 0.0f;
      }
    }
  });
  state.step += l.frames;
  return out;
}

namespace {

/// The initial membrane potential of convis's LIF neurons: 0.5 + 0.2 U(0, 1).
at::Tensor initial_potential(const FrameLayout& l, const CounterRng& rng) {
  at::Tensor V = at::empty(l.state_shape(), at::kFloat);
  float* v = V.data_ptr<float>();
  for (int64_t cell = 0; cell < l.cells(); ++cell) {
    v[cell] = 0.2f * rng.uniform(static_cast<uint32_t>(cell), -1, 0) + 0.5f;
  }
  return V;
}

/// One Euler step of the membrane, in convis's float32 order:
/// V + ((I / tau - g_L V) + noise_sigma N sqrt(g_L / tau)) tau. Without noise the noise
/// term is 0 whatever N, so N is not drawn.
template <bool kNoise>
float integrate(float V, float I, const LifParams& p, float noise_scale, const CounterRng& rng, uint32_t cell,
                int64_t step) {
  float drive = I / p.tau - p.g_L * V;
  if (kNoise) drive = drive + p.noise_sigma * rng.normal(cell, step, 0) * noise_scale;
  return V + drive * p.tau;
}

template <bool kNoise>
void lif_loop(const float* x, float* o, float* V, const FrameLayout& l, const LifParams& p, const CounterRng& rng,
              int64_t step) {
  const float noise_scale = std::sqrt(p.g_L / p.tau);
  const int64_t pixels = l.pixels();
  for_cell_runs(l, [&](int64_t plane, int64_t first, int64_t last) {
    float* v = V + plane * pixels;
    for (int64_t t = 0; t < l.frames; ++t) {
      const int64_t frame = (plane * l.frames + t) * pixels;
      for (int64_t px = first; px < last; ++px) {
        const auto cell = static_cast<uint32_t>(plane * pixels + px);
        const float next = integrate<kNoise>(v[px], x[frame + px], p, noise_scale, rng, cell, step + t);
        const bool spike = next > 1.0f;
        v[px] = spike ? 0.0f : next;
        o[frame + px] = spike ? 1.0f : 0.0f;
      }
    }
  });
}

template <bool kNoise>
void refractory_loop(const float* x, float* o, float* V, float* refr, const FrameLayout& l, const LifParams& p,
                     const RefractoryParams& r, const CounterRng& rng, int64_t step) {
  const float noise_scale = std::sqrt(p.g_L / p.tau);
  const int64_t pixels = l.pixels();
  for_cell_runs(l, [&](int64_t plane, int64_t first, int64_t last) {
    float* v = V + plane * pixels;
    float* rf = refr + plane * pixels;
    for (int64_t t = 0; t < l.frames; ++t) {
      const int64_t frame = (plane * l.frames + t) * pixels;
      for (int64_t px = first; px < last; ++px) {
        const auto cell = static_cast<uint32_t>(plane * pixels + px);
        const float next = integrate<kNoise>(v[px], x[frame + px], p, noise_scale, rng, cell, step + t);
        const bool spike = next > 1.0f;
        float left = rf[px];
        if (spike) left = r.steps_per_second * (r.refr_mu + r.refr_sigma * rng.normal(cell, step + t, 1));
        if (left < 0.0f) left = 0.0f;
        left = left - 1.0f;
        rf[px] = left;
        v[px] = (left >= 0.5f || spike) ? 0.0f : next;
        o[frame + px] = spike ? 1.0f : 0.0f;
      }
    }
  });
}

}  // namespace

at::Tensor lif_spikes(const at::Tensor& current, const LifParams& p, const CounterRng& rng, LifState& state) {
  const FrameLayout l = frame_layout(current, "LeakyIntegrateAndFireNeuron");
  const at::Tensor input = current.contiguous();
  at::Tensor out = at::empty_like(input, at::MemoryFormat::Contiguous);
  // Work on a private copy of the state so an exception leaves `state` untouched.
  at::Tensor V = state.V.defined() ? state_copy(state.V, l, 0, "LeakyIntegrateAndFireNeuron", "V")
                                   : initial_potential(l, rng);
  if (p.noise_sigma != 0.0f) {
    lif_loop<true>(input.data_ptr<float>(), out.data_ptr<float>(), V.data_ptr<float>(), l, p, rng, state.step);
  } else {
    lif_loop<false>(input.data_ptr<float>(), out.data_ptr<float>(), V.data_ptr<float>(), l, p, rng, state.step);
  }
  state.V = V;
  state.step += l.frames;
  return out;
}

at::Tensor refractory_lif_spikes(const at::Tensor& current, const LifParams& p, const RefractoryParams& r,
                                 const CounterRng& rng, RefractoryLifState& state) {
  const char* name = "RefractoryLeakyIntegrateAndFireNeuron";
  const FrameLayout l = frame_layout(current, name);
  const at::Tensor input = current.contiguous();
  at::Tensor out = at::empty_like(input, at::MemoryFormat::Contiguous);
  at::Tensor V = state.V.defined() ? state_copy(state.V, l, 0, name, "V") : initial_potential(l, rng);
  at::Tensor refr;
  if (state.refr.defined()) {
    refr = state_copy(state.refr, l, 0, name, "refr");
  } else {
    refr = at::empty(l.state_shape(), at::kFloat);
    float* rf = refr.data_ptr<float>();
    for (int64_t cell = 0; cell < l.cells(); ++cell) {
      rf[cell] = r.steps_per_second * (r.refr_mu + r.refr_sigma * rng.normal(static_cast<uint32_t>(cell), -1, 1));
    }
  }
  float* x = input.data_ptr<float>();
  if (p.noise_sigma != 0.0f) {
    refractory_loop<true>(x, out.data_ptr<float>(), V.data_ptr<float>(), refr.data_ptr<float>(), l, p, r, rng,
                          state.step);
  } else {
    refractory_loop<false>(x, out.data_ptr<float>(), V.data_ptr<float>(), refr.data_ptr<float>(), l, p, r, rng,
                           state.step);
  }
  state.V = V;
  state.refr = refr;
  state.step += l.frames;
  return out;
}

}  // namespace cvm::kernels
