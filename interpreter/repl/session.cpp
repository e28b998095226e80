#include "interpreter/repl/session.h"

#include <chrono>
#include <filesystem>
#include <iostream>

#include "frontend/diagnostics/render.h"
#include "frontend/semantic/builtins.h"
#include "frontend/semantic/command_line.h"
#include "interpreter/repl/command.h"
#include "interpreter/repl/command_error.h"
#include "interpreter/runtime/input_sources.h"
#include "interpreter/runtime/parameters.h"
#include "interpreter/runtime/tensor_array.h"

namespace cvm::repl {

namespace {

constexpr int64_t kDefaultChunk = 500;

bool needs_arguments(const ast::ModelDecl& m) {
  for (const auto& f : m.formals) {
    if (!f.default_value) return true;
  }
  return false;
}

/// The VALUE of "PATH = VALUE", trimmed.
std::string setting_value(const std::string& spec) {
  std::string v = spec.substr(spec.find('=') + 1);
  size_t b = v.find_first_not_of(" \t"), e = v.find_last_not_of(" \t");
  return b == std::string::npos ? "" : v.substr(b, e - b + 1);
}

/// A run's input is a stimulus call (or a bare stimulus name, which then gets the
/// stimulus's own error), else data files.
bool is_stimulus(const std::string& text) {
  if (text.find('(') != std::string::npos) return true;
  const Builtin* b = find_builtin(text);
  return b && b->kind == BuiltinKind::Stimulus;
}

}  // namespace

/// A compiled model and what runs it.
struct Session::Model {
  interp::ModelSetup setup;
  std::string dir;  // resolves relative file names of initialisers
  std::unique_ptr<interp::ExecutionPlan> plan;
  std::vector<std::string> file_values;  // each parameter's value as the file gives it
  std::vector<std::pair<std::string, std::string>> settings;  // path -> "PATH = VALUE", in order

  graph::ModelGraph& graph() { return *setup.graph; }

  /// Applies a setting to the graph and the tensors; false when `scratch` holds errors.
  bool apply(Compilation& scratch, const std::string& spec) {
    graph::ModelGraph& g = graph();
    const std::string path = setting_path(spec);
    const int index = g.find_param(path);
    const graph::Value before = index >= 0 ? g.params[static_cast<size_t>(index)].value : graph::Value{};
    if (!apply_setting(scratch, g, spec)) return false;
    auto& values = setup.params;
    const size_t i = static_cast<size_t>(index);
    try {
      values[i].copy_(interp::materialise_param(g.params[i], g, dir, values));
      interp::rebuild_derived(g, dir, values);
    } catch (...) {
      // The value cannot be built (e.g. a file an initialiser reads): the old one stays.
      g.params[i].value = before;
      for (auto& q : g.params) {
        if (q.tied_to && *q.tied_to == path) q.value = before;
      }
      throw;
    }
    for (auto& s : settings) {
      if (s.first == path) {
        s.second = spec;
        return true;
      }
    }
    settings.emplace_back(path, spec);
    return true;
  }
};

Session::Session(int threads, std::string device) : threads_(threads), device_(std::move(device)) {}
Session::~Session() = default;

std::unique_ptr<Session::Model> Session::build(const std::string& file, const std::string& model) {
  auto m = std::make_unique<Model>();
  ModelRequest request;
  request.file = file;
  request.model = model;
  request.threads = threads_;
  request.device = device_;
  if (interp::setup_model(request, m->setup) != kExitOk) return nullptr;
  m->dir = std::filesystem::path(file).parent_path().string();
  if (m->dir.empty()) m->dir = ".";
  const graph::ModelGraph& g = *m->setup.graph;
  for (const auto& p : g.params) m->file_values.push_back(graph::to_string(p.value));
  m->plan = std::make_unique<interp::ExecutionPlan>(g, m->setup.params, interp::LayerContext{g.resolution, 0});
  return m;
}

void Session::scan_models(const Compilation& c) {
  models_.clear();
  for (const auto& m : c.program.file(*c.entry)->ast.models) {
    if (!m.is_primitive) models_.push_back({m.name.name, !needs_arguments(m)});
  }
}

bool Session::load(const std::string& file, const std::string& model) {
  Compilation probe;
  probe.entry = probe.program.load(file, probe.sink);
  if (!probe.entry || probe.sink.has_errors()) {
    if (!probe.sink.has_errors()) std::cerr << "cvm: error: cannot read '" << file << "'\n";
    render_all(std::cerr, probe.sources, probe.sink);
    return false;
  }
  std::vector<ModelEntry> old_models = std::move(models_);
  scan_models(probe);
  std::string chosen = model;
  if (chosen.empty() && models_.size() == 1) chosen = models_[0].name;
  std::unique_ptr<Model> built;
  if (!chosen.empty()) {
    built = build(file, chosen);
    if (!built) {
      models_ = std::move(old_models);
      return false;
    }
  }
  file_ = file;
  model_ = std::move(built);
  forget_state();
  return true;
}

bool Session::use(const std::string& model) {
  if (!has_file()) throw CommandError("no file is loaded: :load FILE first");
  auto built = build(file_, model);
  if (!built) return false;
  model_ = std::move(built);
  forget_state();
  return true;
}

std::optional<ReloadReport> Session::reload() {
  if (!has_file()) throw CommandError("no file is loaded: :load FILE first");
  if (!model_) {
    if (!load(file_, "")) return std::nullopt;
    return ReloadReport{};
  }
  auto fresh = build(file_, model_->setup.graph->model);
  if (!fresh) return std::nullopt;
  Compilation probe;
  probe.entry = probe.program.load(file_, probe.sink);
  if (probe.entry) scan_models(probe);

  ReloadReport report;
  const graph::ModelGraph& old_g = *model_->setup.graph;
  const graph::ModelGraph& new_g = *fresh->setup.graph;
  for (size_t i = 0; i < old_g.params.size(); ++i) {
    if (new_g.find_param(old_g.params[i].path) < 0) report.removed.push_back(old_g.params[i].path);
  }
  for (size_t i = 0; i < new_g.params.size(); ++i) {
    const std::string& path = new_g.params[i].path;
    int old_index = old_g.find_param(path);
    if (old_index < 0) {
      report.added.push_back(path + " = " + fresh->file_values[i]);
    } else if (session_value(path).empty() && model_->file_values[static_cast<size_t>(old_index)] != fresh->file_values[i]) {
      report.changed.push_back(path + ": " + model_->file_values[static_cast<size_t>(old_index)] + " -> " +
                               fresh->file_values[i]);
    }
  }
  for (const auto& [path, spec] : model_->settings) {
    Compilation scratch;
    bool kept = false;
    try {
      kept = fresh->apply(scratch, spec);
    } catch (const std::exception& e) {
      report.dropped.push_back(path + " = " + setting_value(spec) + ": " + e.what());
      continue;
    }
    if (kept) {
      int i = fresh->setup.graph->find_param(path);
      report.kept.push_back(path + " = " + setting_value(spec) + " (the file says " +
                            fresh->file_values[static_cast<size_t>(i)] + ")");
    } else {
      std::string why = "it cannot be set";
      for (const auto& d : scratch.sink.all()) {
        if (d.severity == Severity::Error) {
          why = d.message;
          break;
        }
      }
      report.dropped.push_back(path + " = " + setting_value(spec) + ": " + why);
    }
  }
  model_ = std::move(fresh);
  forget_state();
  return report;
}

void Session::forget_state() {
  last_run_.reset();
  state_depth_ = 0;
  state_input_.clear();
  pushed_inputs_.clear();
}

const graph::ModelGraph& Session::graph() const {
  if (!model_) {
    if (!has_file()) throw CommandError("no model is loaded: :load FILE first");
    std::vector<std::string> names;
    for (const auto& m : models_) names.push_back(m.name);
    throw CommandError("no model is chosen: :use MODEL (the models of " + file_ + ": " + join_names(names) + ")");
  }
  return *model_->setup.graph;
}

const std::vector<at::Tensor>& Session::params() const {
  graph();
  return model_->setup.params;
}

interp::ExecutionPlan& Session::plan() {
  graph();
  return *model_->plan;
}

const interp::ExecutionPlan& Session::plan() const {
  graph();
  return *model_->plan;
}

const Compilation* Session::compilation() const { return model_ ? &model_->setup.compilation : nullptr; }

const std::string& Session::file_value(size_t index) const {
  graph();
  return model_->file_values.at(index);
}

std::string Session::session_value(const std::string& path) const {
  if (!model_) return "";
  for (const auto& [p, spec] : model_->settings) {
    if (p == path) return setting_value(spec);
  }
  return "";
}

bool Session::set(Compilation& scratch, const std::string& spec) {
  graph();
  return model_->apply(scratch, spec);
}

const RunResult* Session::run(Compilation& scratch, const std::string& text, int64_t chunk,
                              const std::function<bool()>& stop) {
  const graph::ModelGraph& g = graph();
  at::NoGradGuard no_grad;
  std::vector<std::string> inputs;
  std::string stimulus;
  if (is_stimulus(text)) stimulus = text;
  else inputs = split_words(text);
  auto sources = interp::open_sources(scratch, g, inputs, stimulus);
  if (sources.empty()) return nullptr;
  interp::check_sources(g, sources);

  auto result = std::make_unique<RunResult>();
  for (const auto& o : g.outputs) result->names.push_back(o.name);
  result->stats.resize(g.outputs.size());
  result->input_shape = sources[0]->shape();
  const auto& in = result->input_shape;
  const std::vector<int64_t> input_size{in[0], in[1], in[3], in[4]};
  if (!state_input_.empty() && state_input_ != input_size) {
    model_->plan->reset_state();
    result->state_reset = true;
  }
  state_input_ = input_size;
  const int64_t total = sources[0]->frames();
  if (chunk <= 0) chunk = kDefaultChunk;
  std::vector<std::vector<at::Tensor>> parts(g.outputs.size());
  auto started = std::chrono::steady_clock::now();
  for (int64_t t0 = 0; t0 < total; t0 += chunk) {
    if (t0 > 0 && stop()) {
      result->interrupted = true;
      break;
    }
    std::vector<at::Tensor> chunk_inputs;
    for (auto& src : sources) chunk_inputs.push_back(interp::tensor_from_array(src->read(t0, chunk)));
    auto outputs = model_->plan->run_chunk(chunk_inputs);
    for (size_t k = 0; k < outputs.size(); ++k) {
      at::Tensor o = outputs[k].to(at::kFloat).contiguous();
      result->stats[k].add(o);
      parts[k].push_back(o);
    }
    result->frames_run = std::min(total, t0 + chunk);
  }
  result->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  for (auto& p : parts) result->outputs.push_back(at::cat(p, 2));
  last_run_ = std::move(result);
  return last_run_.get();
}

void Session::push_state() {
  plan().push_state();
  pushed_inputs_.push_back(state_input_);
  ++state_depth_;
}

void Session::pop_state() {
  if (state_depth_ == 0) throw CommandError(":pop: no state was pushed (:push saves one)");
  plan().pop_state();
  state_input_ = pushed_inputs_.back();
  pushed_inputs_.pop_back();
  --state_depth_;
}

void Session::reset_state() {
  plan().reset_state();
  state_input_.clear();
}

}  // namespace cvm::repl
