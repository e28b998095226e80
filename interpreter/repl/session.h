// The state of a `cvm repl` session: the file, its models, the current model (compiled
// graph, parameter tensors, execution plan with its state), the values set in the session
// and the outputs of the last run. Commands act on it. The session prints only the
// compile errors of the files it loads (as every verb does); otherwise results are
// returned, model errors thrown as RuntimeError / io::DataError, mistakes as
// CommandError, and frontend diagnostics about a command's text are left in the
// compilation the caller passes.
#pragma once

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "frontend/semantic/compile.h"
#include "interpreter/runtime/model_setup.h"
#include "interpreter/runtime/output_summary.h"
#include "interpreter/runtime/plan.h"

namespace cvm::repl {

/// A model declared in the session's file.
struct ModelEntry {
  std::string name;
  bool runnable = true;  // false: it needs arguments, so it cannot run on its own
};

/// The outputs of the last :run, kept whole.
struct RunResult {
  std::vector<std::string> names;    // graph output names
  std::vector<at::Tensor> outputs;   // [batch, channel, time, x, y] each
  std::vector<interp::OutputStats> stats;
  std::array<int64_t, 5> input_shape{};
  int64_t frames_run = 0;            // input frames run (fewer than the input's when interrupted)
  bool interrupted = false;
  /// The input's batch, channels or frame size differ from the last run's, so the state
  /// (sized for that input) started afresh.
  bool state_reset = false;
  double seconds = 0;
};

/// What :reload did to the values set in the session.
struct ReloadReport {
  std::vector<std::string> kept;     // "lowpass.tau = 30 ms (the file says 0.02 s)"
  std::vector<std::string> changed;  // values the file changed: "gain: 2 -> 3"
  std::vector<std::string> dropped;  // "old.tau = 3 ms: the model has no parameter 'old.tau'"
  std::vector<std::string> added;    // parameters new in the file
  std::vector<std::string> removed;  // parameters no longer in the file
};

class Session {
 public:
  Session(int threads, std::string device);
  ~Session();

  /// Loads FILE and builds MODEL (or the file's only model; none when it has several).
  /// Compile errors are printed (as by every verb); returns false then, and the session is
  /// unchanged.
  bool load(const std::string& file, const std::string& model);
  /// Reads the file again, rebuilds the current model and sets the session's values again.
  /// Returns nullopt (after printing the errors) when the file no longer compiles.
  std::optional<ReloadReport> reload();
  /// Builds another model of the file. Returns false after printing compile errors.
  bool use(const std::string& model);

  bool has_file() const { return !file_.empty(); }
  bool has_model() const { return model_ != nullptr; }
  const std::string& file() const { return file_; }
  const std::vector<ModelEntry>& models() const { return models_; }

  /// The current model's graph, parameter tensors (graph order) and plan; each throws
  /// CommandError when there is no model.
  const graph::ModelGraph& graph() const;
  const std::vector<at::Tensor>& params() const;
  interp::ExecutionPlan& plan();
  const interp::ExecutionPlan& plan() const;
  /// The compilation of the current model (renders errors of its layers), or nullptr.
  const Compilation* compilation() const;
  /// The value of parameter `index` as the file gives it (text), and the value text set in
  /// this session when there is one ("" otherwise).
  const std::string& file_value(size_t index) const;
  std::string session_value(const std::string& path) const;

  /// Sets a parameter from `spec` ("PATH = VALUE", checked like --set); tensors built
  /// from it are rebuilt. Returns false when `scratch` holds the diagnostics.
  bool set(Compilation& scratch, const std::string& spec);

  /// Runs the model on a stimulus call or input files (`text`), `chunk` frames at a time
  /// (0: 500), stopping at a chunk boundary when `stop()` says so. The state carries over
  /// from the last run when the input has the same batch, channels and frame size.
  /// Returns nullptr when `scratch` holds diagnostics about the stimulus.
  const RunResult* run(Compilation& scratch, const std::string& text, int64_t chunk, const std::function<bool()>& stop);
  /// The outputs of the last run, or nullptr.
  const RunResult* last_run() const { return last_run_.get(); }

  void push_state();
  void pop_state();  // CommandError when nothing was pushed
  void reset_state();
  size_t state_depth() const { return state_depth_; }

 private:
  struct Model;
  std::unique_ptr<Model> build(const std::string& file, const std::string& model);
  void scan_models(const Compilation& c);
  /// A new model: no outputs, no pushed states, a fresh state.
  void forget_state();

  int threads_;
  std::string device_;
  std::string file_;
  std::vector<ModelEntry> models_;
  std::unique_ptr<Model> model_;
  std::unique_ptr<RunResult> last_run_;
  size_t state_depth_ = 0;
  /// [batch, channel, x, y] of the input the state was last run with (empty: a fresh
  /// state, which fits any input), and the same for each state on the :push stack.
  std::vector<int64_t> state_input_;
  std::vector<std::vector<int64_t>> pushed_inputs_;
};

}  // namespace cvm::repl
