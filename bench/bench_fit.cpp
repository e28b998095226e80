// Time per optimizer step of an LN fit (the fit_ln_adam setting, larger: a 10x3x3 kernel,
// chunks of 100 frames of 20x20 pixels, Adam lr 0.05, sum of squares) through cvm's fit
// loop, against a straightforward LibTorch loop in the same process (replicate-pad the
// chunk with the previous frames, conv3d, clamp, loss, backward, Adam step). Both start
// from zero weights on the same data; the final losses are printed so the two can be
// compared. Run: build/bench/bench_fit [epochs] (default 10).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include <torch/torch.h>

#include "frontend/semantic/compile.h"
#include "interpreter/fit/fit_loop.h"
#include "interpreter/fit/param_space.h"
#include "interpreter/io/hdf5_file.h"
#include "interpreter/runtime/parameters.h"
#include "interpreter/runtime/tensor_array.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr int64_t kFrames = 2000, kSide = 20, kChunkFrames = 100;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// The plain LibTorch fit: per chunk, the previous 9 frames (replicated first frame at the
/// start of an epoch) before the chunk, conv3d, clamp, sum of squares, Adam.
double libtorch_fit(const at::Tensor& x, const at::Tensor& y, int epochs, double& final_loss) {
  at::Tensor w = at::zeros({1, 1, 10, 3, 3}).set_requires_grad(true);
  torch::optim::Adam adam({w}, torch::optim::AdamOptions(0.05));
  auto start = Clock::now();
  for (int e = 0; e < epochs; ++e) {
    at::Tensor history = x.narrow(2, 0, 1).expand({1, 1, 9, kSide, kSide});
    for (int64_t t = 0; t < kFrames; t += kChunkFrames) {
      at::Tensor chunk = x.narrow(2, t, kChunkFrames);
      at::Tensor padded = at::cat({history, chunk}, 2);
      padded = at::replication_pad3d(padded, {1, 1, 1, 1, 0, 0});
      adam.zero_grad();
      at::Tensor out = at::clamp(at::conv3d(padded, w), 0, 1e6);
      at::Tensor loss = (out - y.narrow(2, t, kChunkFrames)).pow(2).sum();
      loss.backward();
      adam.step();
      final_loss = loss.item<double>();
      history = chunk.narrow(2, kChunkFrames - 9, 9);
    }
  }
  return seconds_since(start);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace cvm;
  const int epochs = argc > 1 ? std::stoi(argv[1]) : 10;
  at::set_num_threads(1);
  at::manual_seed(1);
  const auto dir = std::filesystem::temp_directory_path() / ("cvm_bench_fit_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  at::Tensor x = at::randn({1, 1, kFrames, kSide, kSide});
  at::Tensor truth = at::randn({1, 1, 10, 3, 3}) * 0.2;
  at::Tensor y;
  {
    at::NoGradGuard no_grad;
    at::Tensor padded = at::replication_pad3d(at::cat({x.narrow(2, 0, 1).expand({1, 1, 9, kSide, kSide}), x}, 2),
                                              {1, 1, 1, 1, 0, 0});
    y = at::clamp(at::conv3d(padded, truth), 0, 1e6);
  }
  {
    io::Hdf5OutputFile out((dir / "data.h5").string());
    out.write_dataset("/x", interp::array_from_tensor(x));
    out.write_dataset("/y", interp::array_from_tensor(y));
    out.commit();
  }
  const std::string model = (dir / "fit.cvm").string();
  std::ofstream(model) << "import std.convis\nmodel LNFit = LN(kernel_dim = [10, 3, 3])\n"
                          "fit LNFit {\n  data \"data.h5\"\n  input x = \"/x\"\n  target output = \"/y\" loss sse\n"
                          "  free conv.weight\n  optimizer Adam(lr = 0.05)\n  chunk 100; epochs "
                       << epochs << "\n}\n";
  Compilation c;
  auto compiled = compile_fit(c, model, "");
  if (!compiled) {
    std::fprintf(stderr, "bench_fit: the fit did not compile\n");
    return 1;
  }
  const graph::ModelGraph& g = compiled->graph;
  auto start_values = interp::materialise_params(g, dir.string());
  std::vector<int> free;
  for (const auto& f : compiled->spec.free) free.push_back(f.index);
  interp::fit::ParamSpace space(g, dir.string(), start_values, free, {});
  auto start = Clock::now();
  interp::fit::FitOutcome outcome = interp::fit::run_fit(g, compiled->spec, space, {g.resolution, 0}, {});
  const double cvm_seconds = seconds_since(start);
  double torch_loss = 0;
  const double torch_seconds = libtorch_fit(x, y, epochs, torch_loss);
  const double steps = static_cast<double>(outcome.progress.global_step);
  std::printf("LN fit, 10x3x3 kernel, %lldx%lldx%lld frames, chunks of %lld, Adam, %d epochs (%g steps), 1 thread\n",
              static_cast<long long>(kFrames), static_cast<long long>(kSide), static_cast<long long>(kSide),
              static_cast<long long>(kChunkFrames), epochs, steps);
  std::printf("  cvm fit loop      %8.2f ms/step  final loss %.6g\n", 1000 * cvm_seconds / steps,
              outcome.progress.loss.back());
  std::printf("  plain LibTorch    %8.2f ms/step  final loss %.6g\n", 1000 * torch_seconds / steps, torch_loss);
  std::printf("  ratio (LibTorch / cvm) %.2f\n", torch_seconds / cvm_seconds);
  std::filesystem::remove_all(dir);
  return 0;
}
