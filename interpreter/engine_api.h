// The boundary between the `cvm` command and the interpreter library (libcvm_engine.so),
// which `cvm` loads only for verbs that compute. Plain structs, no LibTorch types, so
// cli/ can include this without paying for LibTorch.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cvm {

/// Exit codes of every verb (brief §3).
enum ExitCode : int { kExitOk = 0, kExitModelError = 1, kExitUsage = 2, kExitInternal = 3 };

/// Options shared by verbs that build a model.
struct ModelRequest {
  std::string file;
  std::string model;                 // empty: the file's only model
  std::vector<std::string> sets;     // "PATH=VALUE"
  std::string params_file;           // P.h5[:/group] or P.npz
  std::string device = "cpu";
  int threads = 1;
};

struct RunRequest {
  ModelRequest model;
  std::vector<std::string> inputs;   // "F.h5:/dataset", "F.npy", or "NAME=..." per input
  std::string stimulus;              // a stimulus expression, instead of inputs
  std::string output;                // OUT.h5
  int64_t chunk = 0;                 // frames per chunk; 0: the default
  std::optional<uint64_t> seed;
  std::vector<std::string> records;  // layer paths whose output is saved too
  std::string state_file;            // initial state: S.h5[:/group] or S.npz, by flat state name
  bool progress = false;             // draw a progress bar (stderr is a terminal)
  bool quiet = false;                // no summary
};

struct ParamsRequest {
  ModelRequest model;
  std::string format = "text";  // text | json
  std::string export_path;      // write the values (.npz or .h5) instead of printing
};

/// `cvm sample`: synthetic (input, output) pairs of an LN model with a random kernel
/// (convis's SampleGenerator).
struct SampleRequest {
  std::string kernel = "random";              // random | randn | rand | sparse
  std::vector<int64_t> kernel_size{10, 5, 5};  // T, X, Y of the kernel
  std::string input = "random";               // random | randn | rand | sparse | a stimulus call
  std::vector<int64_t> size{2000, 20, 20};     // T, X, Y of a random input
  double p = 0.1;                             // probability of a 1 in sparse kernels and inputs
  uint32_t seed = 0;                          // np.random.seed(seed) before the kernel is drawn
  int64_t chunk = 0;                          // frames per chunk; 0: the default
  std::string output;                         // OUT.h5
  int threads = 1;
  bool progress = false;
  bool quiet = false;
};


/// `cvm impulse`: the response to a one-bin impulse at the centre of a T x X x Y input,
/// after a run of zeros, as convis's plot_impulse does; the model's state is kept aside.
struct ImpulseRequest {
  ModelRequest model;
  std::vector<int64_t> shape{500, 10, 10};  // T, X, Y of the input
  int64_t at = 0;                            // frame of the impulse
  int64_t chunk = 0;                         // frames per chunk; 0: the default
  std::string output;                        // OUT.h5
  std::string plot;                          // OUT.png or OUT.svg; empty: no plot
  bool quiet = false;
};

/// `cvm plot`: draws datasets of an HDF5 file cvm wrote (outputs of run, impulse and
/// sample; kernels in parameter files; loss curves in fit bundles) as PNG or SVG.
struct PlotRequest {
  std::string file;                   // IN.h5
  std::string kind = "auto";          // auto | traces | impulse | spatial | kernel | loss
  std::vector<std::string> datasets;  // dataset paths; empty: every output of the file
  std::string output;                 // OUT.png or OUT.svg
  bool quiet = false;
};

/// `cvm fit`: fits a model's parameters to recorded data as one of the file's fit blocks
/// says (the cli has checked the file with compile_fit). Values here override the fit's.
struct FitRequest {
  ModelRequest model;          // file, --set, --params, --device, --threads; model: the fit's model
  std::string fit_name;        // the fit (`as NAME`, else its model's name), resolved by the cli
  int epochs = -1;             // -1: the fit's `epochs`
  std::string checkpoint;      // C.h5: written at every epoch end, on Ctrl-C and every checkpoint_every steps
  bool resume = false;         // continue from `checkpoint`
  int checkpoint_every = 0;    // steps between checkpoints; 0: at epoch ends only
  std::string data;            // replaces the fit's data file (datasets named without a file)
  std::string export_path;     // replaces the fit's `export`
  bool has_seed = false;       // seed replaces the fit's `seed`
  uint64_t seed = 0;
  int64_t max_steps = -1;      // stop cleanly (checkpoint written) after this many steps; -1: never
  bool progress = false;       // a progress line per epoch (stderr is a terminal)
  bool quiet = false;          // no summary
};

/// `cvm repl`: an interactive session on a model (a script when stdin is not a terminal).
struct ReplRequest {
  std::string file;          // may be empty: load one later
  std::string model;         // empty: the file's only model
  std::string history_file;  // empty: no history
  bool interactive = true;   // stdin is a terminal: line editing, completion, prompt
  int threads = 1;
  std::string device = "cpu";
};

}  // namespace cvm

extern "C" {
/// Entry points looked up by name with dlsym; each returns an ExitCode.
int cvm_engine_run(const cvm::RunRequest* request);
int cvm_engine_params(const cvm::ParamsRequest* request);
int cvm_engine_sample(const cvm::SampleRequest* request);
int cvm_engine_impulse(const cvm::ImpulseRequest* request);
int cvm_engine_plot(const cvm::PlotRequest* request);
int cvm_engine_repl(const cvm::ReplRequest* request);
int cvm_engine_fit(const cvm::FitRequest* request);
}
