#include "interpreter/fit/fit_loop.h"

#include <unistd.h>

#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <map>

#include "interpreter/fit/checkpoint.h"
#include "interpreter/fit/losses.h"
#include "interpreter/fit/optimizers.h"
#include "interpreter/io/hdf5_file.h"
#include "interpreter/runtime/interrupt.h"
#include "interpreter/runtime/plan.h"
#include "interpreter/runtime/tensor_array.h"

namespace cvm::interp::fit {
namespace {

std::string shape_text(at::IntArrayRef s) {
  std::string t = "[";
  for (size_t i = 0; i < s.size(); ++i) t += (i ? ", " : "") + std::to_string(s[i]);
  return t + "]";
}

/// One data set a fit runs on: a source per graph input and one per target.
struct FitData {
  std::vector<std::unique_ptr<io::FrameSource>> inputs;  // graph input order
  std::vector<std::unique_ptr<io::FrameSource>> targets;
  int64_t frames = 0;
};

std::unique_ptr<io::FrameSource> open_dataset(const graph::FitDataset& d) {
  try {
    return std::make_unique<io::Hdf5FrameSource>(d.file, d.dataset);
  } catch (const io::DataError& e) {
    throw RuntimeError(e.what(), d.range);
  }
}

void check_frames(FitData& data, const io::FrameSource& source, const graph::FitDataset& d) {
  if (data.frames == 0) data.frames = source.frames();
  if (source.frames() != data.frames) {
    throw RuntimeError("'" + d.dataset + "' in '" + d.file + "' has " + std::to_string(source.frames()) +
                           " frames, but the fit's first dataset has " + std::to_string(data.frames),
                       d.range);
  }
}

FitData open_training_data(const graph::ModelGraph& g, const graph::FitSpec& spec) {
  FitData data;
  for (const auto& input : g.inputs) {
    for (const auto& fi : spec.inputs) {
      if (fi.name != input.name) continue;
      data.inputs.push_back(open_dataset(fi.data));
      check_frames(data, *data.inputs.back(), fi.data);
    }
  }
  for (const auto& t : spec.targets) {
    data.targets.push_back(open_dataset(t.data));
    check_frames(data, *data.targets.back(), t.data);
  }
  return data;
}

FitData open_validation_data(const graph::FitValidation& v) {
  FitData data;
  data.inputs.push_back(open_dataset(v.input));
  check_frames(data, *data.inputs.back(), v.input);
  data.targets.push_back(open_dataset(v.target));
  check_frames(data, *data.targets.back(), v.target);
  return data;
}

std::vector<at::Tensor> read_all(std::vector<std::unique_ptr<io::FrameSource>>& sources, int64_t t0, int64_t n) {
  std::vector<at::Tensor> out;
  for (auto& s : sources) out.push_back(tensor_from_array(s->read(t0, n)));
  return out;
}

/// The model's outputs that targets compare, checked against the targets' shapes.
struct TargetMap {
  std::vector<size_t> output;  // per target: index into the graph's outputs
  std::vector<LossKind> loss;
  std::vector<double> weight;
};

TargetMap map_targets(const graph::ModelGraph& g, const graph::FitSpec& spec) {
  TargetMap m;
  for (const auto& t : spec.targets) {
    size_t k = 0;
    while (k < g.outputs.size() && g.outputs[k].name != t.output) ++k;
    if (k == g.outputs.size()) throw RuntimeError("model '" + g.model + "' has no output '" + t.output + "'", t.data.range);
    m.output.push_back(k);
    m.loss.push_back(loss_kind(t.loss));
    m.weight.push_back(t.weight);
  }
  return m;
}

void check_shapes(const at::Tensor& out, const at::Tensor& target, const graph::FitTarget& t, int64_t n) {
  if (out.dim() == 5 && out.size(2) != n) {
    throw RuntimeError("output '" + t.output + "' gives " + std::to_string(out.size(2)) + " frames for " +
                           std::to_string(n) + " input frames; a fit needs one output frame per input frame",
                       t.data.range);
  }
  if (!out.sizes().equals(target.sizes())) {
    throw RuntimeError("output '" + t.output + "' has shape " + shape_text(out.sizes()) + " per chunk but '" +
                           t.data.dataset + "' gives " + shape_text(target.sizes()),
                       t.data.range);
  }
}

class Fit {
 public:
  Fit(const graph::ModelGraph& g, const graph::FitSpec& spec, ParamSpace& space, const LayerContext& ctx,
      const FitOptions& options)
      : g_(g), spec_(spec), space_(space), options_(options), targets_(map_targets(g, spec)),
        data_(open_training_data(g, spec)), plan_(g, no_grad_values(), ctx),
        optimizer_(make_optimizer(spec.optimizer.name, spec.optimizer.settings, space.leaves())) {
    chunk_ = spec.chunk > 0 ? spec.chunk : data_.frames;
    check_skip(data_, "the data have");
    if (spec.validate) {
      validation_ = open_validation_data(*spec.validate);
      check_skip(validation_, "the validation data have");
    }
  }

  FitOutcome run() {
    FitOutcome outcome;
    FitProgress& p = outcome.progress;
    if (options_.resume) p = resume();
    SigintFlag sigint;
    SigintFlag::clear();
    int64_t steps_this_run = 0;
    while (p.epoch < spec_.epochs && p.status != "early_stop") {
      auto started = std::chrono::steady_clock::now();
      if (p.next_frame < 0) start_epoch(p);
      while (p.next_frame < data_.frames) {
        double loss = step(p.next_frame, std::min(chunk_, data_.frames - p.next_frame));
        if (p.global_step == 0 && !options_.resume) check_gradients();
        p.loss.push_back(loss);
        p.epoch_loss_so_far += loss;
        p.next_frame += std::min(chunk_, data_.frames - p.next_frame);
        ++p.global_step;
        ++steps_this_run;
        bool stop = SigintFlag::raised() || (options_.max_steps >= 0 && steps_this_run >= options_.max_steps);
        if (stop && p.next_frame < data_.frames) {
          p.status = "interrupted";
          save_checkpoint(p);
          return stopped(outcome);
        }
        if (options_.checkpoint_every > 0 && p.global_step % options_.checkpoint_every == 0) save_checkpoint(p);
      }
      if (end_epoch(p, started)) p.status = "early_stop";
      save_checkpoint(p);
      if (p.status == "early_stop") break;
      if (p.epoch < spec_.epochs &&
          (SigintFlag::raised() || (options_.max_steps >= 0 && steps_this_run >= options_.max_steps))) {
        p.status = "interrupted";
        return stopped(outcome);
      }
    }
    if (p.status == "running") p.status = "complete";
    if (spec_.validate && !best_leaves_.empty()) {
      at::NoGradGuard no_grad;
      for (size_t k = 0; k < best_leaves_.size(); ++k) space_.leaves()[k].copy_(best_leaves_[k]);
    }
    outcome.values = space_.final_values();
    return outcome;
  }

 private:
  void check_skip(const FitData& data, const char* what) const {
    if (spec_.skip >= data.frames) {
      throw RuntimeError("skip " + std::to_string(spec_.skip) + " leaves no frames to compare: " + what + " " +
                             std::to_string(data.frames),
                         spec_.range);
    }
  }

  FitOutcome& stopped(FitOutcome& outcome) {
    outcome.stopped = true;
    outcome.by_signal = SigintFlag::raised();
    outcome.values = space_.final_values();
    return outcome;
  }

  std::vector<at::Tensor> no_grad_values() const {
    at::NoGradGuard no_grad;
    return space_.values();
  }

  void start_epoch(FitProgress& p) {
    warm_up(data_);
    p.next_frame = spec_.skip;
    p.epoch_loss_so_far = 0;
  }

  /// One optimizer step on frames [t0, t0 + n); returns the loss before the update.
  double step(int64_t t0, int64_t n) {
    std::vector<at::Tensor> x = read_all(data_.inputs, t0, n);
    std::vector<at::Tensor> y = read_all(data_.targets, t0, n);
    const double prior_share = static_cast<double>(n) / static_cast<double>(data_.frames - spec_.skip);
    plan_.push_state();
    auto closure = [&]() -> at::Tensor {
      plan_.pop_state();
      plan_.push_state();
      optimizer_->zero_grad();
      std::vector<at::Tensor> values = space_.values();
      plan_.set_params(values);
      std::vector<at::Tensor> out = plan_.run_chunk(x);
      at::Tensor total = at::zeros({}, at::kFloat);
      for (size_t k = 0; k < y.size(); ++k) {
        const at::Tensor& prediction = out[targets_.output[k]];
        check_shapes(prediction, y[k], spec_.targets[k], n);
        total = total + targets_.weight[k] * chunk_loss(targets_.loss[k], prediction, y[k]);
      }
      total = total + prior_share * space_.prior_penalty(values);
      total.backward();
      return total;
    };
    at::Tensor loss = optimizer_->step(closure);
    plan_.discard_pushed();
    plan_.detach_state();
    const double value = loss.item<double>();
    if (!std::isfinite(value)) {
      throw RuntimeError("the loss of the chunk at frames " + std::to_string(t0) + "-" + std::to_string(t0 + n) +
                             " is " + std::to_string(value) +
                             " (a poisson loss on negative rates, a corr loss on a constant chunk, or parameters "
                             "that left a sensible range); the fit stops here",
                         spec_.range);
    }
    return value;
  }

  /// After the first step: a free parameter that received no gradient cannot be fitted.
  void check_gradients() {
    for (size_t k = 0; k < space_.leaves().size(); ++k) {
      if (!space_.leaves()[k].grad().defined()) {
        const graph::FitFreeParam& f = spec_.free[k];
        throw RuntimeError("no gradient reaches the free parameter '" + f.path +
                               "': every path from it to a target crosses a layer without gradient (spikes)",
                           f.range);
      }
    }
  }

  /// Runs frames [0, skip) of `data` from the initial state, without a loss (warm-up).
  void warm_up(FitData& data) {
    at::NoGradGuard no_grad;
    plan_.set_params(space_.values());
    plan_.reset_state();
    for (int64_t t = 0; t < spec_.skip; t += chunk_) {
      plan_.run_chunk(read_all(data.inputs, t, std::min(chunk_, spec_.skip - t)));
    }
  }

  /// The validation loss: the held-out input run as a training epoch runs (warm-up, then
  /// chunks from frame `skip`), without gradient.
  double validate() {
    at::NoGradGuard no_grad;
    warm_up(validation_);
    LossAccumulator acc(targets_.loss[0]);
    for (int64_t t = spec_.skip; t < validation_.frames; t += chunk_) {
      int64_t n = std::min(chunk_, validation_.frames - t);
      std::vector<at::Tensor> out = plan_.run_chunk(read_all(validation_.inputs, t, n));
      at::Tensor y = tensor_from_array(validation_.targets[0]->read(t, n));
      check_shapes(out[targets_.output[0]], y, spec_.targets[0], n);
      acc.add(out[targets_.output[0]], y);
    }
    return targets_.weight[0] * acc.value();
  }

  /// Ends an epoch: history, validation, early stopping, progress line. Returns whether
  /// to stop early.
  bool end_epoch(FitProgress& p, std::chrono::steady_clock::time_point started) {
    p.epoch_loss.push_back(p.epoch_loss_so_far);
    ++p.epoch;
    p.next_frame = -1;
    double value = p.epoch_loss.back();
    bool validated = false;
    if (spec_.validate && p.epoch % spec_.validate->every == 0) {
      value = validate();
      p.validation.push_back(value);
      p.validation_epoch.push_back(p.epoch);
      validated = true;
    }
    bool evaluated = validated || !spec_.validate;
    bool stop = false;
    if (evaluated) {
      if (value < p.best_value) {
        p.best_value = value;
        p.best_epoch = p.epoch;
        p.bad_evaluations = 0;
        best_leaves_.clear();
        for (const auto& l : space_.leaves()) best_leaves_.push_back(l.detach().clone());
      } else {
        ++p.bad_evaluations;
        stop = spec_.patience > 0 && p.bad_evaluations >= spec_.patience;
      }
    }
    if (options_.progress) {
      double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      std::fprintf(stderr, "epoch %" PRId64 "/%" PRId64 "  loss %.6g", p.epoch, spec_.epochs, p.epoch_loss.back());
      if (validated) std::fprintf(stderr, "  validation %.6g", value);
      std::fprintf(stderr, "  %.2f s%s\n", seconds, stop ? "  (early stop)" : "");
    }
    return stop;
  }

  void save_checkpoint(const FitProgress& p) {
    if (options_.checkpoint.empty()) return;
    Checkpoint c;
    c.identity = options_.identity;
    c.progress = p;
    for (const auto& l : space_.leaves()) c.leaves.push_back(l.detach());
    c.best_leaves = best_leaves_;
    c.optimizer = save_optimizer_state(*optimizer_);
    c.layer_states = plan_.save_states();
    write_checkpoint(options_.checkpoint, c);
  }

  FitProgress resume() {
    Checkpoint c = read_checkpoint(options_.checkpoint);
    if (c.identity != options_.identity) {
      throw io::DataError("checkpoint '" + options_.checkpoint +
                          "' belongs to another fit (the model, the fit block, the data or the thread count "
                          "differ); remove it or drop --resume");
    }
    if (c.leaves.size() != space_.leaves().size()) throw io::DataError("checkpoint '" + options_.checkpoint + "' is damaged");
    {
      at::NoGradGuard no_grad;
      for (size_t k = 0; k < c.leaves.size(); ++k) space_.leaves()[k].copy_(c.leaves[k].reshape(space_.leaves()[k].sizes()));
    }
    load_optimizer_state(*optimizer_, c.optimizer);
    best_leaves_.clear();
    for (size_t k = 0; k < c.best_leaves.size(); ++k) best_leaves_.push_back(c.best_leaves[k].reshape(space_.leaves()[k].sizes()));
    {
      at::NoGradGuard no_grad;
      plan_.set_params(space_.values());
    }
    plan_.restore_states(c.layer_states);
    if (c.progress.status != "early_stop") c.progress.status = "running";
    return c.progress;
  }

  const graph::ModelGraph& g_;
  const graph::FitSpec& spec_;
  ParamSpace& space_;
  FitOptions options_;
  TargetMap targets_;
  FitData data_;
  FitData validation_;
  ExecutionPlan plan_;
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  std::vector<at::Tensor> best_leaves_;
  int64_t chunk_ = 0;
};

}  // namespace

FitOutcome run_fit(const graph::ModelGraph& g, const graph::FitSpec& spec, ParamSpace& space, const LayerContext& ctx,
                   const FitOptions& options) {
  Fit fit(g, spec, space, ctx, options);
  return fit.run();
}

}  // namespace cvm::interp::fit
