// Speed and memory of convis's Retina(spikes = false) in cvm: the model compiled from
// `import std.convis; model R = Retina(spikes = false)` through the frontend and run by
// the execution plan on moving_grating(2000, 50, 50) in chunks of 200 frames (made before
// the clock starts). Against, in the same process, a
// straightforward LibTorch implementation of the same computation (per frame: conv2d of
// the replicate-padded frame, the recursive filters and the contrast gain control as
// tensor ops; per chunk: the transient FIR as one conv3d and the rectification), checked
// equal to cvm's output. convis takes 5.0 s for 2000 frames on one thread (catalogue §12).
// Peak memory: the highest resident size during a run that streams the stimulus chunk by
// chunk, as `cvm run` does, minus the resident size before it, for 2000 and 20000 frames.
// Run: build/bench/bench_retina
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <cstdio>
#include <fstream>
#include <string>

#include <torch/torch.h>

#include "frontend/semantic/compile.h"
#include "interpreter/kernels/stimuli.h"
#include "interpreter/runtime/parameters.h"
#include "interpreter/runtime/plan.h"
#include "interpreter/runtime/tensor_array.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr int64_t kSide = 50, kChunk = 200;
constexpr int kRepeats = 7;  // runs per timing (the best counts: this machine is shared)
constexpr double kConvisSeconds = 5.0;  // Retina(spikes=False), 2000 x 50 x 50, 1 thread
const char* kRetina = "import std.convis\nmodel R = Retina(spikes = false)\n";

struct Model {
  cvm::Compilation c;
  cvm::graph::ModelGraph g;
  std::vector<at::Tensor> params;
  at::Tensor param(const std::string& flat) const {
    for (size_t i = 0; i < g.params.size(); ++i)
      if (g.params[i].flat_name() == flat) return params[i];
    throw std::runtime_error("no parameter " + flat);
  }
  double number(const std::string& flat) const { return param(flat).item<double>(); }
};

void load(Model& m, const std::string& text) {
  const std::string path = "/tmp/cvm_bench_retina_" + std::to_string(::getpid()) + ".cvm";
  std::ofstream(path) << text;
  auto g = cvm::compile_model(m.c, path, "");
  std::remove(path.c_str());
  if (!g) throw std::runtime_error("the retina did not compile");
  m.g = *g;
  m.params = cvm::interp::materialise_params(m.g, ".");
}

/// The stimulus in chunks, made before timing (generating it is not the model's work).
std::vector<at::Tensor> stimulus_chunks(int64_t frames) {
  cvm::kernels::MovingGrating grating(frames, kSide, kSide);
  std::vector<at::Tensor> chunks;
  for (int64_t t = 0; t < frames; t += kChunk) chunks.push_back(cvm::interp::tensor_from_array(grating.read(t, kChunk)));
  return chunks;
}

/// cvm: the plan over the chunks. Returns the ON output when `keep`.
at::Tensor run_cvm(const Model& m, const std::vector<at::Tensor>& chunks, bool keep) {
  at::NoGradGuard no_grad;
  cvm::interp::ExecutionPlan plan(m.g, m.params, {m.g.resolution, 0});
  std::vector<at::Tensor> parts;
  for (const auto& x : chunks) {
    auto out = plan.run_chunk({x});
    if (keep) parts.push_back(out[0]);
  }
  return keep ? at::cat(parts, 2) : at::Tensor();
}

/// cvm with records: the chunks of each recorded signal, in `records` order.
std::vector<std::vector<at::Tensor>> recorded_chunks(const Model& m, const std::vector<at::Tensor>& chunks,
                                                     const std::vector<std::string>& records) {
  at::NoGradGuard no_grad;
  cvm::interp::ExecutionPlan plan(m.g, m.params, {m.g.resolution, 0}, records);
  std::vector<std::vector<at::Tensor>> out(records.size());
  for (const auto& x : chunks) {
    std::vector<at::Tensor> recorded;
    plan.run_chunk({x}, &recorded);
    for (size_t r = 0; r < records.size(); ++r) out[r].push_back(recorded[r]);
  }
  return out;
}

/// cvm streaming the stimulus as `cvm run` does (for the memory measurement).
void stream_cvm(const Model& m, int64_t frames) {
  at::NoGradGuard no_grad;
  cvm::interp::ExecutionPlan plan(m.g, m.params, {m.g.resolution, 0});
  cvm::kernels::MovingGrating grating(frames, kSide, kSide);
  for (int64_t t = 0; t < frames; t += kChunk) plan.run_chunk({cvm::interp::tensor_from_array(grating.read(t, kChunk))});
}

at::Tensor blur(const at::Tensor& frame, const at::Tensor& w) {  // frame [1, 1, X, Y], w [K, K]
  const int64_t k = w.size(0), before = k / 2, after = k - before - 1;
  return at::conv2d(at::replication_pad2d(frame, {before, after, before, after}), w.view({1, 1, k, k}));
}

/// The same computation written plainly with LibTorch ops, one frame at a time.
at::Tensor run_libtorch(const Model& m, const std::vector<at::Tensor>& chunks) {
  at::NoGradGuard no_grad;
  const std::string o = "opl_opl_filter_";
  const float dt = 0.001f;
  const at::Tensor gc = m.param(o + "center_G_weight").view({m.param(o + "center_G_weight").size(-2), -1});
  const at::Tensor gs = m.param(o + "surround_G_weight").view({m.param(o + "surround_G_weight").size(-2), -1});
  const float lambda = static_cast<float>(m.number(o + "lambda_opl")), w = static_cast<float>(m.number(o + "relative_weight"));
  const float tc = static_cast<float>(m.number(o + "center_E_tau")), tu = static_cast<float>(m.number(o + "center_undershoot_tau"));
  const float ku = static_cast<float>(m.number(o + "center_undershoot_k")), ts = static_cast<float>(m.number(o + "surround_E_tau"));
  const float ec = std::exp(-(dt / tc)), eu = std::exp(-(dt / tu)), es = std::exp(-(dt / ts));
  const at::Tensor kb = m.param("bipolar_conv2d_weight").view({m.param("bipolar_conv2d_weight").size(-2), -1});
  const float g_leak = static_cast<float>(m.number("bipolar_g_leak")), amp = static_cast<float>(m.number("bipolar_input_amp"));
  const float lambda_amp = static_cast<float>(m.number("bipolar_lambda_amp"));
  const float a1 = -std::exp(-0.001f / 5.0f), b0 = 1 - a1;
  const at::Tensor h = m.param("gang_0_input_transient_weight");  // [1, 1, L, 1, 1], stored flipped
  const int64_t taps = h.size(2);
  const float i0 = static_cast<float>(m.number("gang_0_input_i_0")), v0 = static_cast<float>(m.number("gang_0_input_v_0"));
  const float lg = static_cast<float>(m.number("gang_0_input_lambda_G"));

  at::Tensor yc = at::zeros({1, 1, kSide, kSide}), z = yc.clone(), ys = yc.clone(), c1_prev;
  at::Tensor v = at::zeros({1, 1, kSide, kSide}), inh = at::ones({1, 1, kSide, kSide});
  at::Tensor history = at::zeros({1, 1, taps - 1, kSide, kSide});
  std::vector<at::Tensor> parts;
  for (const at::Tensor& x : chunks) {
    std::vector<at::Tensor> bipolar;
    for (int64_t t = 0; t < x.size(2); ++t) {
      at::Tensor a = blur(x.select(2, t), gc) * lambda;
      yc = a * (1 + ec) + yc * ec;
      at::Tensor c1 = yc / (2 * tc / dt);
      if (!c1_prev.defined()) c1_prev = c1;
      z = c1_prev * (1 + eu) + z * eu;
      at::Tensor c = c1 - (ku * z) / (2 * tu / dt);
      c1_prev = c1;
      ys = blur(c, gs) * (1 + es) + ys * es;
      at::Tensor opl = c - w * (ys / (2 * ts / dt));
      at::Tensor g = inh + g_leak;
      at::Tensor decay = at::exp(-dt * g);
      at::Tensor e = amp * opl / g;
      at::Tensor v_new = (v - e) * decay + e;
      at::Tensor drive = lambda_amp * v * v * b0 - inh * a1;
      at::Tensor mean = drive.mean();
      inh = blur(drive - mean, kb) + mean;
      v = v_new;
      bipolar.push_back(v_new);
    }
    at::Tensor vb = at::stack(bipolar, 2);
    at::Tensor buffer = at::cat({history, vb}, 2);
    history = buffer.narrow(2, buffer.size(2) - (taps - 1), taps - 1);
    at::Tensor y = at::conv3d(buffer, h);
    at::Tensor d = lg * (y - v0);
    parts.push_back(at::where(y > v0, i0 + d, i0 / (1 - d / i0)));
  }
  return at::cat(parts, 2);
}

template <typename F>
double best_seconds(int repeats, F f) {
  double best = 1e300;
  for (int r = 0; r < repeats; ++r) {
    auto start = Clock::now();
    f();
    best = std::min(best, std::chrono::duration<double>(Clock::now() - start).count());
  }
  return best;
}

long status_kb(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key, 0) == 0) return std::stol(line.substr(std::string(key).size()));
  return -1;
}

/// Peak memory of a run above the memory in use before it (model compiled, parameters
/// built), in MB, measured in a fresh process (this program run with --peak FRAMES), so
/// memory freed by earlier runs cannot hide the peak.
double peak_mb(int64_t frames) {
  const std::string command = "/proc/" + std::to_string(::getpid()) + "/exe --peak " + std::to_string(frames);
  FILE* child = popen(command.c_str(), "r");
  double mb = -1;
  if (child && std::fscanf(child, "%lf", &mb) != 1) mb = -1;
  if (child) pclose(child);
  return mb;
}

int measure_peak(int64_t frames) {
  Model m;
  load(m, kRetina);
  at::set_num_threads(1);
  const long before = status_kb("VmRSS:");
  stream_cvm(m, frames);
  std::printf("%.1f\n", (status_kb("VmHWM:") - before) / 1024.0);
  return 0;
}

/// CPU seconds of the process (all threads).
double cpu_seconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

/// One stage of the retina as a model of its own, run on the signal the retina feeds it.
struct Stage {
  const char* name;
  const char* text;
  int input;  // -1: the stimulus; else the index of a record of the whole retina
};

/// Times each stage alone (its own plan, on the whole retina's recorded input), in ms, best
/// of kRepeats, at 1 and 2 threads: where the time goes.
void time_stages(const Model& retina, const std::vector<at::Tensor>& chunks) {
  const std::vector<std::string> records{"opl", "bipolar"};
  at::set_num_threads(1);
  const auto recorded = recorded_chunks(retina, chunks, records);
  const Stage stages[] = {
      {"OPL", "import std.convis\nmodel S = OPL() { opl_filter.lambda_opl = 10 }\n", -1},
      {"Bipolar", "import std.convis\nmodel S = Bipolar() { tau = 5 ms }\n", 0},
      {"GanglionInput (ON)", "import std.convis\nmodel S = GanglionInput()\n", 1},
  };
  std::printf("  per stage, alone (ms, best of %d)     1 thread   2 threads\n", kRepeats);
  for (const Stage& stage : stages) {
    Model m;
    load(m, stage.text);
    const auto& input = stage.input < 0 ? chunks : recorded[static_cast<size_t>(stage.input)];
    double ms[2];
    for (int threads : {1, 2}) {
      at::set_num_threads(threads);
      ms[threads - 1] = 1000 * best_seconds(kRepeats, [&] { run_cvm(m, input, false); });
    }
    std::printf("    %-32s %9.1f %11.1f\n", stage.name, ms[0], ms[1]);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--peak") return measure_peak(std::stoll(argv[2]));
  Model m;
  load(m, kRetina);
  const int64_t frames = 2000;
  at::set_num_threads(1);
  const std::vector<at::Tensor> chunks = stimulus_chunks(frames);
  const at::Tensor ours = run_cvm(m, chunks, true);
  const at::Tensor theirs = run_libtorch(m, chunks);
  const double error = (ours - theirs).abs().max().item<double>() / theirs.abs().max().item<double>();
  std::printf("Retina(spikes = false), moving_grating(%lld, %lld, %lld), chunks of %lld\n",
              static_cast<long long>(frames), static_cast<long long>(kSide), static_cast<long long>(kSide),
              static_cast<long long>(kChunk));
  std::printf("  cvm vs the plain LibTorch version: max |difference| / max |output| = %.2g\n", error);
  const double plain = best_seconds(1, [&] { run_libtorch(m, chunks); });
  std::printf("  (best of %d runs: wall time, and CPU time of all threads)\n", kRepeats);
  std::printf("  %-26s %9s %9s %10s %12s %11s\n", "", "ms", "cpu ms", "frames/s", "vs LibTorch", "vs convis");
  for (int threads : {1, 2}) {
    at::set_num_threads(threads);
    double cpu = 1e300;
    const double s = best_seconds(kRepeats, [&] {
      const double c0 = cpu_seconds();
      run_cvm(m, chunks, false);
      cpu = std::min(cpu, cpu_seconds() - c0);
    });
    std::printf("  cvm, %d thread%s %15.1f %9.1f %10.0f %11.1fx %10.1fx\n", threads, threads > 1 ? "s" : " ",
                1000 * s, 1000 * cpu, frames / s, plain / s, kConvisSeconds / s);
  }
  std::printf("  %-26s %9.1f %9s %10.0f\n", "plain LibTorch, 1 thread", 1000 * plain, "", frames / plain);
  time_stages(m, chunks);
  for (int64_t n : {int64_t{2000}, int64_t{20000}}) {
    std::printf("  peak memory above start, %lld frames: %.1f MB\n", static_cast<long long>(n), peak_mb(n));
  }
  return error <= 1e-5 ? 0 : 1;
}
