#include "frontend/graph/model_graph.h"

#include <cstdio>

namespace cvm::graph {

std::string Parameter::flat_name() const {
  std::string s = path;
  for (auto& c : s) {
    if (c == '.') c = '_';
  }
  return s;
}

int ModelGraph::find_param(const std::string& path) const {
  for (size_t i = 0; i < params.size(); ++i) {
    if (params[i].path == path) return static_cast<int>(i);
  }
  return -1;
}

int ModelGraph::find_node(const std::string& path) const {
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].path == path) return static_cast<int>(i);
  }
  return -1;
}

int ModelGraph::find_instance(const std::string& path) const {
  for (size_t i = 0; i < instances.size(); ++i) {
    if (instances[i].path == path) return static_cast<int>(i);
  }
  return -1;
}

static std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string to_string(const Value& v) {
  switch (v.kind) {
    case ValueKind::None: return "none";
    case ValueKind::Number: {
      std::string s = number_text(v.number);
      if (!v.dim.dimensionless()) s += " " + dimension_unit(v.dim);
      return s;
    }
    case ValueKind::Bool: return v.boolean ? "true" : "false";
    case ValueKind::String: return "\"" + v.text + "\"";
    case ValueKind::List: {
      std::string s = "[";
      for (size_t i = 0; i < v.items.size(); ++i) s += (i ? ", " : "") + to_string(v.items[i]);
      return s + "]";
    }
    case ValueKind::ParamRef: return v.text;
    case ValueKind::Call: {
      std::string s = v.text + "(";
      for (size_t i = 0; i < v.args.size(); ++i) {
        s += (i ? ", " : "") + v.args[i].first + " = " + to_string(v.args[i].second);
      }
      return s + ")";
    }
  }
  return "";
}

}  // namespace cvm::graph
