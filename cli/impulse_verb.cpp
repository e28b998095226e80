// `cvm impulse` (the response to a one-bin impulse, with a plot) and `cvm plot` (PNG or
// SVG of the datasets of a file cvm wrote). Options are checked here, including the plot
// file's extension; the interpreter library computes and draws (engine_loader.h).
#include <algorithm>
#include <cctype>
#include <filesystem>

#include "cli/engine_loader.h"
#include "cli/verb_support.h"
#include "cli/verbs.h"

namespace cvm {
namespace {

/// A plot file must end in .png or .svg (any case).
void check_plot_path(const std::string& path, const char* option) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext != ".png" && ext != ".svg") {
    throw UsageError(std::string(option) + " must name a .png or .svg file; found '" + path + "'");
  }
}

}  // namespace

int cmd_impulse(const VerbArgs& args) {
  po::options_description visible("options");
  visible.add_options()("help,h", "show this help")
      ("output,o", po::value<std::string>(), "output HDF5 file: /outputs/NAME [1, channel, T, x, y] (written under a temporary name, renamed when complete)")
      ("shape", po::value<std::string>()->default_value("500,10,10"), "T,X,Y of the input (convis's default)")
      ("at", po::value<int64_t>()->default_value(0), "frame of the impulse, in [0, T)")
      ("chunk", po::value<int64_t>()->default_value(0), "frames per chunk (default 500); any chunking gives the same result")
      ("plot", po::value<std::string>()->default_value(""), "also draw the response: OUT.png or OUT.svg")
      ("quiet,q", "print no summary");
  visible.add(model_options());
  po::variables_map vm;
  if (!parse_options(args, visible, Positional::OneFile, vm,
             "usage: cvm impulse FILE [--model M] --output OUT.h5 [--shape T,X,Y] [--at N] [--chunk N]\n"
             "                   [--plot OUT.png|OUT.svg] [--set PATH=VALUE]... [--params P.h5|P.npz] [--quiet]\n\n"
             "The response to a one-bin impulse, as convis's plot_impulse: the model runs from a fresh\n"
             "state on zeros of shape T,X,Y, then on the same input with a 1 at frame N of the centre\n"
             "pixel (X/2, Y/2) of every input and channel; the response to the second is written to\n"
             "OUT.h5 (root attributes impulse_frame, impulse_x, impulse_y) and, with --plot, drawn:\n"
             "the centre pixel against time from the impulse, and the frame of largest response."))
    return kExitOk;
  if (!vm.count("file")) throw UsageError("cvm impulse needs a FILE");
  if (!vm.count("output")) throw UsageError("cvm impulse needs --output OUT.h5");
  ImpulseRequest r;
  r.model = model_request(vm, vm["file"].as<std::string>());
  r.output = vm["output"].as<std::string>();
  r.shape = parse_size(vm["shape"].as<std::string>(), "--shape");
  r.at = vm["at"].as<int64_t>();
  if (r.at < 0 || r.at >= r.shape[0]) {
    throw UsageError("--at must lie in [0, " + std::to_string(r.shape[0]) + ") for " + std::to_string(r.shape[0]) + " frames");
  }
  r.chunk = vm["chunk"].as<int64_t>();
  if (r.chunk < 0) throw UsageError("--chunk must be positive");
  r.plot = vm["plot"].as<std::string>();
  if (!r.plot.empty()) check_plot_path(r.plot, "--plot");
  if (!r.plot.empty() && std::filesystem::weakly_canonical(r.plot) == std::filesystem::weakly_canonical(r.output)) {
    throw UsageError("--plot and --output name the same file");
  }
  r.quiet = vm.count("quiet") > 0;
  return call_engine_impulse(r);
}

int cmd_plot(const VerbArgs& args) {
  po::options_description visible("options");
  visible.add_options()("help,h", "show this help")
      ("kind,k", po::value<std::string>()->default_value("auto"), "auto, traces, impulse, spatial, kernel or loss")
      ("dataset,d", po::value<std::vector<std::string>>()->composing(),
       "a dataset to draw, e.g. /outputs/response or /params/conv_weight (repeatable; default: the file's outputs)")
      ("output,o", po::value<std::string>(), "the plot: OUT.png or OUT.svg")
      ("quiet,q", "print nothing but errors");
  po::variables_map vm;
  if (!parse_options(args, visible, Positional::OneFile, vm,
             "usage: cvm plot IN.h5 [--kind auto|traces|impulse|spatial|kernel|loss] [--dataset D]...\n"
             "                --output OUT.png|OUT.svg\n\n"
             "Draws datasets of a file cvm wrote. --kind auto picks: loss when the file has /fit/loss,\n"
             "impulse for a file of `cvm impulse`, kernel for /params/... and /kernel datasets, else\n"
             "traces of /outputs/* (the mean over pixels and sample pixels against time)."))
    return kExitOk;
  if (!vm.count("file")) throw UsageError("cvm plot needs a file IN.h5");
  if (!vm.count("output")) throw UsageError("cvm plot needs --output OUT.png or OUT.svg");
  PlotRequest r;
  r.file = vm["file"].as<std::string>();
  r.kind = vm["kind"].as<std::string>();
  const std::vector<std::string> kinds{"auto", "traces", "impulse", "spatial", "kernel", "loss"};
  if (std::find(kinds.begin(), kinds.end(), r.kind) == kinds.end()) {
    throw UsageError("--kind must be auto, traces, impulse, spatial, kernel or loss; found '" + r.kind + "'");
  }
  if (vm.count("dataset")) r.datasets = vm["dataset"].as<std::vector<std::string>>();
  r.output = vm["output"].as<std::string>();
  check_plot_path(r.output, "--output");
  r.quiet = vm.count("quiet") > 0;
  return call_engine_plot(r);
}

}  // namespace cvm
