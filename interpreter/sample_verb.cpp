// `cvm sample`: synthetic (input, output) data as convis's SampleGenerator makes it. After
// np.random.seed(seed) a random kernel is drawn (randn, rand or sparse), then a random input
// from the same numpy sequence (or a stimulus), and the output is the LN model
// clamp(kernel * input, 0, 1e6) with convis's causal, same-size Conv3d. Input and output are
// streamed chunk by chunk to the HDF5 file (written under a temporary name, renamed when
// complete), so memory holds one chunk whatever the length.
#include <cmath>
#include <iostream>
#include <sstream>

#include "frontend/diagnostics/render.h"
#include "frontend/semantic/command_line.h"
#include "interpreter/io/hdf5_file.h"
#include "interpreter/kernels/causal_conv3d.h"
#include "interpreter/kernels/nonlinearities.h"
#include "interpreter/kernels/numpy_random.h"
#include "interpreter/kernels/stimuli_random.h"
#include "interpreter/kernels/stimulus_factory.h"
#include "interpreter/runtime/model_setup.h"
#include "interpreter/runtime/progress.h"
#include "interpreter/runtime/tensor_array.h"

namespace cvm::interp {
namespace {

constexpr int64_t kDefaultChunk = 500;

bool is_random_kind(const std::string& kind) {
  return kind == "random" || kind == "randn" || kind == "rand" || kind == "sparse";
}

/// "(10,5,5)", a size as Python writes a tuple.
std::string tuple_text(const std::vector<int64_t>& v) {
  std::string s = "(";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
  return s + ")";
}

/// The kernel SampleGenerator.__init__ draws: randn(*size) for random/randn, rand(*size), or
/// 1.0 * (rand(*size) < p) for sparse. Float32 [T, X, Y], the impulse response.
at::Tensor draw_kernel(const SampleRequest& r, kernels::NumpyRandomState& rng) {
  if (r.kernel_size.size() != 3) throw io::DataError("--kernel-size needs three sizes T,X,Y");
  for (int64_t s : r.kernel_size) {
    if (s < 1) throw io::DataError("--kernel-size: every size must be at least 1");
  }
  at::Tensor kernel = at::empty(r.kernel_size, at::kFloat);
  float* k = kernel.data_ptr<float>();
  for (int64_t i = 0; i < kernel.numel(); ++i) {
    double v = 0;
    if (r.kernel == "random" || r.kernel == "randn") v = rng.standard_normal();
    else if (r.kernel == "rand") v = rng.random_sample();
    else if (r.kernel == "sparse") v = rng.random_sample() < r.p ? 1.0 : 0.0;
    else throw io::DataError("--kernel must be random, randn, rand or sparse");
    k[i] = static_cast<float>(v);
  }
  return kernel;
}

/// The input SampleGenerator.generate uses: random numbers continuing `rng`'s sequence, or
/// a stimulus call. Null when the stimulus call has errors (diagnostics are in `c`).
std::unique_ptr<io::FrameSource> open_input(const SampleRequest& r, const kernels::NumpyRandomState& rng,
                                            Compilation& c) {
  using Noise = kernels::NumpyNoise;
  if (!is_random_kind(r.input)) {
    auto call = evaluate_stimulus(c, Resolution{}, r.input);
    if (!call) return nullptr;
    return kernels::make_stimulus(*call);
  }
  if (r.size.size() != 3) throw io::DataError("--size needs three sizes T,X,Y");
  for (int64_t s : r.size) {
    if (s < 1) throw io::DataError("--size: every size must be at least 1");
  }
  const Noise::Kind kind = r.input == "rand"     ? Noise::Kind::Uniform
                           : r.input == "sparse" ? Noise::Kind::Sparse
                                                 : Noise::Kind::Normal;
  return std::make_unique<Noise>(r.size[0], r.size[1], r.size[2], kind, rng, r.p);
}

/// The convis code that makes the same data.
std::string convis_call(const SampleRequest& r) {
  std::ostringstream s;
  s << "np.random.seed(" << r.seed << "); g = convis.samples.SampleGenerator('" << r.kernel
    << "', kernel_size=" << tuple_text(r.kernel_size) << ", p=" << r.p << "); x, y = g.generate(";
  if (is_random_kind(r.input)) s << "'" << r.input << "', size=" << tuple_text(r.size) << ", p=" << r.p << ")";
  else s << "convis.samples." << r.input << ")";
  return s.str();
}

/// min, mean and max of a stream, accumulated chunk by chunk.
struct Summary {
  double min = INFINITY, max = -INFINITY, sum = 0;
  int64_t count = 0;
  void add(const at::Tensor& t) {
    min = std::min(min, t.min().item<double>());
    max = std::max(max, t.max().item<double>());
    sum += t.sum().item<double>();
    count += t.numel();
  }
};

int sample(const SampleRequest& r) {
  Compilation c;
  return guarded(&c, [&]() -> int {
    at::NoGradGuard no_grad;
    at::set_num_threads(r.threads);
    kernels::NumpyRandomState rng(r.seed);
    const at::Tensor kernel = draw_kernel(r, rng);
    auto input = open_input(r, rng, c);
    render_all(std::cerr, c.sources, c.sink);
    if (!input) return kExitModelError;
    const auto shape = input->shape();
    if (shape[1] != 1) throw io::DataError("the input must have one channel");
    // convis's set_weight flips the impulse response into the stored (correlation) weight.
    const at::Tensor weight = kernel.flip({0, 1, 2}).reshape({1, 1, kernel.size(0), kernel.size(1), kernel.size(2)}).contiguous();

    io::Hdf5OutputFile out(r.output);
    out.set_attribute("/", "cvm_version", std::string(CVM_VERSION));
    out.set_attribute("/", "seed", static_cast<int64_t>(r.seed));
    out.set_attribute("/", "call", convis_call(r));
    out.set_attribute("/", "kernel", r.kernel);
    out.set_attribute("/", "input", r.input);
    out.set_attribute("/", "p", r.p);
    out.write_dataset("/kernel", array_from_tensor(kernel));
    out.set_attribute("/kernel", "doc", std::string("the LN model's kernel (impulse response) [time, x, y]"));
    out.add_stream("input", {shape[0], shape[1], shape[3], shape[4]});
    out.add_stream("output", {shape[0], shape[1], shape[3], shape[4]});

    const int64_t total = shape[2];
    const int64_t chunk = r.chunk > 0 ? r.chunk : kDefaultChunk;
    kernels::TimeHistory history;
    Summary in_summary, out_summary;
    Progress progress(r.progress, total, "frames");
    for (int64_t t0 = 0; t0 < total; t0 += chunk) {
      const at::Tensor x = tensor_from_array(input->read(t0, chunk));
      const at::Tensor y = kernels::nl_rectify(kernels::causal_conv3d(x, weight, c10::nullopt, history)).contiguous();
      out.append("input", x.data_ptr<float>(), x.size(2));
      out.append("output", y.data_ptr<float>(), y.size(2));
      in_summary.add(x);
      out_summary.add(y);
      progress.update(std::min(total, t0 + chunk));
    }
    progress.finish();
    out.commit();
    if (!r.quiet) {
      std::cout << "sample: kernel " << r.kernel << " " << tuple_text(r.kernel_size) << ", seed " << r.seed << ", "
                << total << " frames of " << shape[3] << "x" << shape[4] << ", wrote " << r.output << "\n";
      for (auto [name, s] : {std::pair{"input", in_summary}, std::pair{"output", out_summary}}) {
        std::cout << "  /outputs/" << name << " [" << shape[0] << ", " << shape[1] << ", " << total << ", "
                  << shape[3] << ", " << shape[4] << "]  min " << s.min << "  mean " << s.sum / std::max<int64_t>(s.count, 1)
                  << "  max " << s.max << "\n";
      }
    }
    return kExitOk;
  });
}

}  // namespace
}  // namespace cvm::interp

extern "C" int cvm_engine_sample(const cvm::SampleRequest* request) { return cvm::interp::sample(*request); }
