// The checked model graph: the one data structure that the interpreter, `cvm graph`,
// `cvm params` (and later the REPL and language server) read. Built by the checker from
// the AST; every name is resolved, every value evaluated and every unit and channel count
// checked. Nested models are flattened: nodes are primitive layers with dotted paths.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "frontend/graph/value.h"
#include "frontend/source/source_manager.h"
#include "frontend/units/unit.h"

namespace cvm::graph {

/// Where a signal comes from: a model input, or an output port of a node.
struct SignalRef {
  enum class Kind { Input, Node } kind = Kind::Input;
  int index = 0;  // into ModelGraph::inputs or ModelGraph::nodes
  int port = 0;   // output port of the node
  bool operator==(const SignalRef& o) const {
    return kind == o.kind && index == o.index && port == o.port;
  }
};

struct Parameter {
  std::string path;        // dotted: "conv.weight", "gain"
  std::string type;        // real, int, bool, time, frequency, length, tensor
  Dimension dim;
  Value value;             // a number, a list, or an initialiser call for tensors
  std::vector<int64_t> shape;  // tensors only
  /// Tensors: per dimension, the formal that gave it ("center_size", or "kernel_size[1]"
  /// for one value of a list formal), or "" when it is not a formal's value.
  std::vector<std::string> shape_formals;
  std::optional<double> lower, upper;  // bounds, in base units
  std::optional<Value> prior;          // a Call: normal(mu, sigma) ...
  std::string doc;
  bool fixed = false;
  std::optional<std::string> tied_to;  // path of the parameter whose value this one takes
  SourceRange range;
  /// The expression that gave the value (an argument, an override, or the declaration's
  /// own value); invalid for a default zero. Errors about the value point here.
  SourceRange value_range;
  /// convis's flat name: the dotted path with '.' replaced by '_'.
  std::string flat_name() const;
};

/// One input port of a node; several sources are summed.
struct NodeInput {
  std::string port;
  std::vector<SignalRef> sources;
};

/// An instance of a primitive layer.
struct Node {
  std::string path;       // "conv", "ln.conv"
  /// Prefix of its parameter and state paths: "conv." (or "" when the model is the
  /// primitive itself, `model M = Delay(delay = 3)`, so its names are convis's: "tau").
  std::string prefix;
  std::string primitive;  // "Conv3d"
  std::vector<std::pair<std::string, Value>> args;  // every formal of the primitive, evaluated
  std::vector<NodeInput> inputs;
  std::vector<std::string> outputs;     // output port names
  std::vector<int64_t> out_channels;    // per output port
  std::vector<int> params;              // indices into ModelGraph::params (its own params)
  std::vector<std::string> states;      // declared state names
  SourceRange range;                    // the layer declaration (innermost)
  const Value* arg(const std::string& name) const {
    for (const auto& a : args) {
      if (a.first == name) return &a.second;
    }
    return nullptr;
  }
};

struct GraphInput {
  std::string name;
  int64_t channels = 1;
  SourceRange range;
};

struct GraphOutput {
  std::string name;
  SignalRef source;
  int64_t channels = 1;
  SourceRange range;
};

/// A layer that is itself a model (`layer opl = OPL(...)`): flattened into nodes, but kept
/// by path so its outputs can be named (`--record opl`, `--record opl.y`).
struct Instance {
  std::string path;  // dotted: "opl", "a.b"
  std::string type;  // the model it instantiates: "OPL"
  std::vector<std::pair<std::string, SignalRef>> outputs;  // output name -> its signal
  SourceRange range;  // the layer declaration
};

struct ModelGraph {
  std::string model;  // name of the model
  std::string source_file;  // path of the file declaring it
  Resolution resolution;
  std::vector<GraphInput> inputs;
  std::vector<Node> nodes;  // in an order where every node comes after its sources
  std::vector<GraphOutput> outputs;
  std::vector<Parameter> params;
  std::vector<Instance> instances;  // composite layers, inner ones before the ones holding them
  std::string doc;

  /// Index of a parameter by dotted path, or -1.
  int find_param(const std::string& path) const;
  /// Index of a node by dotted path, or -1.
  int find_node(const std::string& path) const;
  /// Index of a composite instance by dotted path, or -1.
  int find_instance(const std::string& path) const;
};

}  // namespace cvm::graph
