// cvm's own syntax tree, built from the ANTLR parse tree by parse.cpp and owned by the
// frontend from then on. Every node keeps its SourceRange. No ANTLR type appears here.
//
// Expressions are one tagged struct (small language, few kinds); declarations are one
// struct each. `--dump-ast` prints this tree (ast_dump.h).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "frontend/source/source_manager.h"

namespace cvm::ast {

struct Ident {
  std::string name;
  SourceRange range;
};

/// A dotted name: `conv.weight`, `std.convis`.
struct Path {
  std::vector<Ident> parts;
  SourceRange range;
  std::string str() const;
};

/// One factor of a unit written after a number: `ms`, `deg`, `s^-1`.
struct UnitFactor {
  std::string name;
  int power = 1;
  SourceRange range;
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

/// `name = value` or a positional `value` (name empty) in a call or instance.
struct Arg {
  Ident name;
  ExprPtr value;
};

enum class ExprKind { Number, String, Bool, List, Path, Call, Unary, Binary, Index };

struct Expr {
  ExprKind kind = ExprKind::Number;
  SourceRange range;
  // Number: value, whether it was written as an integer, and its unit (empty: none).
  double number = 0;
  bool is_integer = false;
  std::vector<UnitFactor> unit;
  // String: the unescaped text. Bool: the value.
  std::string text;
  bool boolean = false;
  // Path and Call: the (dotted) name.
  Path path;
  // Call: arguments.
  std::vector<Arg> args;
  // List: elements. Unary: [operand]. Binary and Index: [lhs, rhs].
  std::vector<ExprPtr> operands;
  std::string op;  // Unary: + - not; Binary: + - * / < <= > >= == != and or
};

/// A type: `real`, `time`, `int[3]`, `tensor[out, in, k]`, `signal[2]`.
struct TypeRef {
  Ident name;
  std::vector<ExprPtr> dims;
  bool has_dims = false;
  SourceRange range;
};

/// An argument a model or primitive declares: `kernel_dim: int[3] = [1, 1, 1]`.
struct Formal {
  Ident name;
  TypeRef type;
  ExprPtr default_value;  // may be null: the argument is required
  SourceRange range;
};

struct InputDecl {
  Ident name;
  std::optional<TypeRef> type;
  std::string doc;
  SourceRange range;
};

struct ParamDecl {
  Ident name;
  TypeRef type;
  ExprPtr value;           // may be null
  ExprPtr lower, upper;    // bounds, both or neither
  ExprPtr prior;           // a Call, may be null
  std::string description; // the string after the declaration
  std::string doc;         // the /// comment before it
  bool fixed = false;
  ExprPtr condition;       // `if bias`: the parameter exists only when true (primitives)
  SourceRange range;
};

/// `path = value` inside `{ }` after an instance: overrides a nested parameter.
struct Override {
  Path path;
  ExprPtr value;
  SourceRange range;
};

/// `Type(args) { overrides }`: a use of a primitive or model.
struct Instance {
  Path type;
  std::vector<Arg> args;
  std::vector<Override> overrides;
  SourceRange range;
};

struct LayerDecl {
  Ident name;
  Instance instance;
  std::string doc;
  SourceRange range;
};

struct OutputDecl {
  Ident name;
  std::optional<TypeRef> type;
  std::optional<Path> source;  // `output response = nl`
  std::string doc;
  SourceRange range;
};

/// `a -> b -> c`: each arrow is an edge from one signal to the next.
struct Connection {
  std::vector<Path> chain;
  SourceRange range;
};

struct StateDecl {
  Ident name;
  std::string description;
  SourceRange range;
};

/// A `model` (with a body or as an instance of another) or a library `primitive`.
struct ModelDecl {
  Ident name;
  bool is_primitive = false;
  std::vector<Formal> formals;
  std::vector<InputDecl> inputs;
  std::vector<ParamDecl> params;
  std::vector<LayerDecl> layers;
  std::vector<OutputDecl> outputs;
  std::vector<Connection> connections;
  std::vector<StateDecl> states;
  std::optional<Instance> alias;  // `model LN2 = LN(...)`
  std::string doc;
  SourceRange range;
};

struct ImportDecl {
  Path module;       // `import std.convis`
  std::string file;  // `import "lib/kernels.cvm"`
  bool is_file = false;
  SourceRange range;
};

struct Setting {
  Ident name;
  ExprPtr value;
};

struct ResolutionDecl {
  std::vector<Setting> settings;
  SourceRange range;
};

struct FitTarget {
  Ident output;
  std::string dataset;
  SourceRange dataset_range;
  std::optional<Ident> loss;
  ExprPtr weight;
};

/// A `fit` block: parsed and checked by the frontend, executed by `cvm fit`.
struct FitDecl {
  Path model;
  std::optional<Ident> name;  // `fit LN1 as cell07`
  std::optional<std::string> data_file;
  std::vector<std::pair<Ident, std::string>> inputs;
  std::vector<FitTarget> targets;
  std::vector<Path> free;
  std::vector<Path> fixed;
  ExprPtr optimizer;  // a Call
  ExprPtr chunk, skip, epochs, seed, patience;
  std::optional<std::pair<std::string, std::string>> validate;
  ExprPtr validate_every;
  std::optional<std::string> export_file;
  SourceRange range;
};

struct File {
  FileId file = -1;
  std::vector<ImportDecl> imports;
  std::vector<ResolutionDecl> resolutions;
  std::vector<ModelDecl> models;  // models and primitives, in source order
  std::vector<FitDecl> fits;
};

}  // namespace cvm::ast
