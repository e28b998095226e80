// `cvm fit`: fits a model's parameters to recorded data as a fit block of the file says.
// The file is checked here with the frontend first (compile_fit), so a model or fit error
// exits 1 before the interpreter library loads; then the request goes to the engine.
#include <unistd.h>

#include <iostream>

#include "cli/engine_loader.h"
#include "cli/verb_support.h"
#include "cli/verbs.h"
#include "frontend/diagnostics/render.h"
#include "frontend/semantic/compile.h"

namespace cvm {
namespace {

const char* kFitUsage =
    "usage: cvm fit FILE [--fit NAME] [--set PATH=VALUE]... [--params P.h5|P.npz] [--epochs N]\n"
    "               [--checkpoint C.h5 [--resume] [--checkpoint-every N]] [--data F.h5]\n"
    "               [--export OUT.h5|OUT.npz] [--seed S] [--max-steps N] [--threads N]\n"
    "               [--device cpu|cuda] [--quiet]\n\n"
    "Fits the free parameters of a model to recorded data as a fit block of FILE says: one\n"
    "optimizer step per chunk, the state carried from chunk to chunk, epochs restarting from\n"
    "the initial state. Writes the fitted parameters and the loss history to the fit's\n"
    "export file (or --export). With --checkpoint, Ctrl-C or a kill leaves the last\n"
    "checkpoint intact and --resume continues from it, giving the same result as an\n"
    "uninterrupted run.";

/// A non-negative integer option given as text (program_options would wrap "-1").
uint64_t parse_seed(const std::string& text) {
  bool digits = !text.empty() && text.size() <= 20;
  for (char ch : text) digits = digits && ch >= '0' && ch <= '9';
  try {
    if (digits) return std::stoull(text);
  } catch (const std::out_of_range&) {
  }
  throw UsageError("--seed must be an integer in [0, 18446744073709551615]; found '" + text + "'");
}

/// Reports a dataset no file is known for: the fit has no `data` and --data was not given.
bool check_data_files(Compilation& c, const graph::FitSpec& spec) {
  auto named = [](const graph::FitDataset& d) { return !d.file.empty(); };
  bool ok = true;
  for (const auto& i : spec.inputs) ok = ok && named(i.data);
  for (const auto& t : spec.targets) ok = ok && named(t.data);
  if (spec.validate) ok = ok && named(spec.validate->input) && named(spec.validate->target);
  if (!ok) {
    c.sink.error("E0701", spec.range, "fit '" + spec.name + "' names no data file")
        .help = "add 'data \"F.h5\"' to the fit, give --data F.h5, or name datasets as \"F.h5:/dataset\"";
  }
  return ok;
}

}  // namespace

int cmd_fit(const VerbArgs& args) {
  po::options_description visible("options");
  visible.add_options()("help,h", "show this help")
      ("fit", po::value<std::string>()->default_value(""), "the fit to run: its 'as NAME', or its model's name (default: the file's only fit)")
      ("epochs", po::value<int>(), "epochs to run, instead of the fit's 'epochs'")
      ("checkpoint", po::value<std::string>()->default_value(""),
       "checkpoint file C.h5, written at every epoch end, on Ctrl-C and with --checkpoint-every")
      ("resume", "continue from --checkpoint (same result as an uninterrupted run)")
      ("checkpoint-every", po::value<int>(), "also write the checkpoint every N optimizer steps")
      ("data", po::value<std::string>()->default_value(""), "data file F.h5 instead of the fit's 'data'")
      ("export", po::value<std::string>()->default_value(""), "write the fitted parameters to OUT.h5 (bundle) or OUT.npz (convis's format) instead of the fit's 'export'")
      ("seed", po::value<std::string>(), "seed for random numbers, instead of the fit's 'seed'")
      ("max-steps", po::value<int64_t>(), "stop cleanly after N optimizer steps (checkpoint written)")
      ("quiet,q", "print no progress and no summary")
      ("set", po::value<std::vector<std::string>>()->composing(),
       "PATH=VALUE: start a parameter from a value, e.g. --set 'lowpass.tau=35 ms'")
      ("params", po::value<std::string>()->default_value(""),
       "start from parameter values: P.npz (convis's save_parameters), P.h5[:/group] or a fit bundle")
      ("device", po::value<std::string>()->default_value("cpu"), "cpu or cuda")
      ("threads", po::value<int>()->default_value(1), "threads for computation (a resumed fit needs the same number)");
  po::variables_map vm;
  if (!parse_options(args, visible, Positional::OneFile, vm, kFitUsage)) return kExitOk;
  if (!vm.count("file")) throw UsageError("cvm fit needs a FILE");

  FitRequest r;
  r.model.file = vm["file"].as<std::string>();
  if (vm.count("set")) r.model.sets = vm["set"].as<std::vector<std::string>>();
  r.model.params_file = vm["params"].as<std::string>();
  r.model.device = vm["device"].as<std::string>();
  r.model.threads = vm["threads"].as<int>();
  if (r.model.threads < 1) throw UsageError("--threads must be at least 1");
  if (r.model.device != "cpu" && r.model.device != "cuda") throw UsageError("--device must be cpu or cuda");
  if (vm.count("epochs")) {
    r.epochs = vm["epochs"].as<int>();
    if (r.epochs < 1) throw UsageError("--epochs must be at least 1");
  }
  r.checkpoint = vm["checkpoint"].as<std::string>();
  r.resume = vm.count("resume") > 0;
  if (r.resume && r.checkpoint.empty()) throw UsageError("--resume needs --checkpoint C.h5 (the checkpoint to continue from)");
  if (vm.count("checkpoint-every")) {
    r.checkpoint_every = vm["checkpoint-every"].as<int>();
    if (r.checkpoint_every < 1) throw UsageError("--checkpoint-every must be at least 1");
    if (r.checkpoint.empty()) throw UsageError("--checkpoint-every needs --checkpoint C.h5");
  }
  r.data = vm["data"].as<std::string>();
  r.export_path = vm["export"].as<std::string>();
  if (vm.count("seed")) {
    r.has_seed = true;
    r.seed = parse_seed(vm["seed"].as<std::string>());
  }
  if (vm.count("max-steps")) {
    r.max_steps = vm["max-steps"].as<int64_t>();
    if (r.max_steps < 1) throw UsageError("--max-steps must be at least 1");
  }
  r.quiet = vm.count("quiet") > 0;
  r.progress = isatty(STDERR_FILENO) && !r.quiet;

  // Model and fit errors exit 1 here, before LibTorch loads. Warnings are left to the
  // engine, which compiles the file again.
  Compilation c;
  auto compiled = compile_fit(c, r.model.file, vm["fit"].as<std::string>(), r.model.sets);
  if (compiled && !r.data.empty()) graph::replace_data_file(compiled->spec, r.data);
  if (!compiled || !check_data_files(c, compiled->spec)) {
    render_all(std::cerr, c.sources, c.sink);
    return kExitModelError;
  }
  r.fit_name = compiled->spec.name;
  r.model.model = compiled->spec.model;
  return call_engine_fit(r);
}

}  // namespace cvm
