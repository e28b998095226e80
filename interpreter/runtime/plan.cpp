#include "interpreter/runtime/plan.h"

#include <algorithm>
#include <map>

#include "frontend/diagnostics/diagnostic.h"
#include "interpreter/runtime/layer_registry.h"

namespace cvm::interp {

ExecutionPlan::ExecutionPlan(const graph::ModelGraph& g, std::vector<at::Tensor> params, const LayerContext& ctx,
                             const std::vector<std::string>& records)
    : graph_(g), params_(std::move(params)) {
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const graph::Node& node = g.nodes[i];
    const LayerFactory* factory = find_layer(node.primitive);
    if (!factory) {
      throw RuntimeError("primitive '" + node.primitive + "' is declared in the library but has no implementation",
                         node.range);
    }
    steps_.push_back(Step{static_cast<int>(i), (*factory)(node, ctx)});
  }
  bind_params();
  for (const auto& path : records) records_.push_back(record_signal(path));
  needed_.resize(g.nodes.size());
  for (size_t i = 0; i < g.nodes.size(); ++i) needed_[i].assign(g.nodes[i].outputs.size(), false);
  auto mark = [&](const graph::SignalRef& r) {
    if (r.kind == graph::SignalRef::Kind::Node) needed_[static_cast<size_t>(r.index)][static_cast<size_t>(r.port)] = true;
  };
  for (const auto& node : g.nodes) {
    for (const auto& port : node.inputs) {
      for (const auto& src : port.sources) mark(src);
    }
  }
  for (const auto& o : g.outputs) mark(o.source);
  for (const auto& r : records_) mark(r);
  for (auto& step : steps_) step.layer->set_needed_outputs(needed_[static_cast<size_t>(step.node)]);
}

void ExecutionPlan::bind_params() {
  if (params_.size() != graph_.params.size()) {
    throw std::logic_error("the plan needs " + std::to_string(graph_.params.size()) + " parameter tensors, not " +
                           std::to_string(params_.size()));
  }
  for (auto& step : steps_) {
    const graph::Node& node = graph_.nodes[static_cast<size_t>(step.node)];
    for (int p : node.params) {
      const std::string& path = graph_.params[static_cast<size_t>(p)].path;
      step.layer->params[path.substr(node.prefix.size())] = params_[static_cast<size_t>(p)];
    }
  }
}

void ExecutionPlan::set_params(std::vector<at::Tensor> params) {
  params_ = std::move(params);
  bind_params();
}

graph::SignalRef ExecutionPlan::record_signal(const std::string& path) const {
  // A node, or a node's port.
  if (int node = graph_.find_node(path); node >= 0) return {graph::SignalRef::Kind::Node, node, 0};
  const auto dot = path.rfind('.');
  const std::string head = dot == std::string::npos ? path : path.substr(0, dot);
  const std::string port = dot == std::string::npos ? "" : path.substr(dot + 1);
  if (int node = graph_.find_node(head); node >= 0 && dot != std::string::npos) {
    const auto& outs = graph_.nodes[static_cast<size_t>(node)].outputs;
    for (size_t k = 0; k < outs.size(); ++k) {
      if (outs[k] == port) return {graph::SignalRef::Kind::Node, node, static_cast<int>(k)};
    }
    throw RuntimeError("--record: layer '" + head + "' has no output '" + port + "' (its outputs: " + join_names(outs) +
                       ")");
  }
  // A composite instance with one output, or an instance's output.
  auto outputs_of = [](const graph::Instance& inst) {
    std::vector<std::string> names;
    for (const auto& o : inst.outputs) names.push_back(o.first);
    return names;
  };
  if (int i = graph_.find_instance(path); i >= 0) {
    const graph::Instance& inst = graph_.instances[static_cast<size_t>(i)];
    if (inst.outputs.size() == 1) return inst.outputs[0].second;
    throw RuntimeError("--record: layer '" + path + "' (" + inst.type + ") has several outputs; name one: " +
                       join_names(outputs_of(inst)));
  }
  if (int i = graph_.find_instance(head); i >= 0 && dot != std::string::npos) {
    const graph::Instance& inst = graph_.instances[static_cast<size_t>(i)];
    for (const auto& o : inst.outputs) {
      if (o.first == port) return o.second;
    }
    throw RuntimeError("--record: layer '" + head + "' (" + inst.type + ") has no output '" + port +
                       "' (its outputs: " + join_names(outputs_of(inst)) + ")");
  }
  std::vector<std::string> names;
  for (const auto& inst : graph_.instances) names.push_back(inst.path);
  for (const auto& n : graph_.nodes) names.push_back(n.path);
  throw RuntimeError("--record: model '" + graph_.model + "' has no layer '" + path + "' (its layers: " +
                     join_names(names) + ")");
}

std::vector<at::Tensor> ExecutionPlan::run_chunk(const std::vector<at::Tensor>& inputs,
                                                 std::vector<at::Tensor>* recorded) {
  std::vector<std::vector<at::Tensor>> outputs(graph_.nodes.size());
  auto value = [&](const graph::SignalRef& r) -> const at::Tensor& {
    if (r.kind == graph::SignalRef::Kind::Input) return inputs[static_cast<size_t>(r.index)];
    return outputs[static_cast<size_t>(r.index)][static_cast<size_t>(r.port)];
  };
  for (auto& step : steps_) {
    const graph::Node& node = graph_.nodes[static_cast<size_t>(step.node)];
    std::vector<at::Tensor> in;
    for (const auto& port : node.inputs) {
      at::Tensor sum = value(port.sources[0]);
      for (size_t k = 1; k < port.sources.size(); ++k) sum = sum + value(port.sources[k]);
      in.push_back(sum);
    }
    try {
      std::vector<at::Tensor>& out = outputs[static_cast<size_t>(step.node)];
      out = step.layer->forward(in);
      // A layer may leave an unneeded port undefined (set_needed_outputs), never a needed one.
      const std::vector<bool>& needed = needed_[static_cast<size_t>(step.node)];
      out.resize(std::max(out.size(), needed.size()));
      for (size_t k = 0; k < needed.size(); ++k) {
        if (needed[k] && !out[k].defined()) {
          throw RuntimeError("layer '" + node.path + "' (" + node.primitive + ") computed no value for its output '" +
                                 node.outputs[k] + "'",
                             node.range);
        }
      }
    } catch (const RuntimeError&) {
      throw;
    } catch (const c10::Error& e) {
      throw RuntimeError("layer '" + node.path + "' (" + node.primitive + ") failed: " + e.what_without_backtrace(),
                         node.range);
    } catch (const std::exception& e) {
      throw RuntimeError("layer '" + node.path + "' (" + node.primitive + ") failed: " + e.what(), node.range);
    }
  }
  std::vector<at::Tensor> result;
  for (const auto& o : graph_.outputs) result.push_back(value(o.source));
  if (recorded) {
    recorded->clear();
    for (const auto& r : records_) recorded->push_back(value(r));
  }
  return result;
}

void ExecutionPlan::reset_state() {
  for (auto& s : steps_) s.layer->reset_state();
}

void ExecutionPlan::set_states(const std::vector<std::pair<std::string, at::Tensor>>& values) {
  std::map<std::string, std::pair<Layer*, std::string>> by_flat;
  std::map<std::string, int> node_of;
  for (auto& step : steps_) {
    const graph::Node& node = graph_.nodes[static_cast<size_t>(step.node)];
    for (const auto& s : node.states) {
      std::string flat = node.prefix + s;
      std::replace(flat.begin(), flat.end(), '.', '_');
      by_flat[flat] = {step.layer.get(), s};
      node_of[flat] = step.node;
    }
  }
  std::vector<std::string> unknown;
  for (const auto& [name, value] : values) {
    auto it = by_flat.find(name);
    if (it == by_flat.end()) {
      unknown.push_back(name);
      continue;
    }
    try {
      it->second.first->set_state(it->second.second, value);
    } catch (const RuntimeError& e) {
      const graph::Node& node = graph_.nodes[static_cast<size_t>(node_of.at(name))];
      throw RuntimeError("--state " + name + ": " + e.what() + " (layer '" + node.path + "', " + node.primitive +
                             "; only spiking layers' states can be set)",
                         node.range);
    }
  }
  if (!unknown.empty()) {
    std::vector<std::string> known;
    for (const auto& k : by_flat) known.push_back(k.first);
    throw RuntimeError("model '" + graph_.model + "' has no state " + join_names(unknown) +
                       (known.empty() ? " (it has no state)" : " (its states: " + join_names(known) + ")"));
  }
}

std::vector<std::vector<at::Tensor>> ExecutionPlan::save_states() const {
  std::vector<std::vector<at::Tensor>> snapshot;
  for (const auto& s : steps_) snapshot.push_back(s.layer->save_state());
  return snapshot;
}

void ExecutionPlan::restore_states(const std::vector<std::vector<at::Tensor>>& states) {
  if (states.size() != steps_.size()) {
    throw std::logic_error("restore_states: " + std::to_string(states.size()) + " layer states for " +
                           std::to_string(steps_.size()) + " layers");
  }
  for (size_t i = 0; i < steps_.size(); ++i) steps_[i].layer->restore_state(states[i]);
}

void ExecutionPlan::push_state() { saved_.push_back(save_states()); }

void ExecutionPlan::pop_state() {
  if (saved_.empty()) throw std::logic_error("pop_state without push_state");
  auto snapshot = std::move(saved_.back());
  saved_.pop_back();
  restore_states(snapshot);
}

void ExecutionPlan::discard_pushed() {
  if (saved_.empty()) throw std::logic_error("discard_pushed without push_state");
  saved_.pop_back();
}

void ExecutionPlan::detach_state() {
  for (auto& s : steps_) s.layer->detach_state();
}

std::vector<at::Tensor> ExecutionPlan::layer_state(int node) const {
  for (const auto& s : steps_) {
    if (s.node == node) return s.layer->save_state();
  }
  return {};
}

}  // namespace cvm::interp
