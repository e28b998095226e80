#include "frontend/import/virtualretina.h"

#include <tinyxml2.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string_view>

#include "frontend/import/number_text.h"
#include "frontend/import/python_number.h"
#include "frontend/import/vr_vocabulary.h"

namespace cvm {
namespace {

using tinyxml2::XMLAttribute;
using tinyxml2::XMLDocument;
using tinyxml2::XMLElement;

// convis's Resolution.filter_epsilon: where its kernels are cut off.
constexpr double kFilterEpsilon = 0.001;

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == ':' || static_cast<unsigned char>(c) >= 0x80;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/// Source ranges of elements and attributes: tinyxml2 gives their line; the column is found
/// by looking for the name on that line (and after it, for a tag split over lines).
class XmlLocator {
 public:
  XmlLocator(const SourceFile& file, FileId id) : file_(file), id_(id) {}

  SourceRange line(int line) const {
    uint32_t begin = line_start(line);
    uint32_t end = begin;
    while (end < file_.text.size() && file_.text[end] != '\n') ++end;
    while (begin < end && is_space(file_.text[begin])) ++begin;
    return {id_, begin, std::max(begin + 1, end)};
  }

  SourceRange element(const XMLElement* e) const {
    std::string name = e->Name();
    const std::string& t = file_.text;
    for (size_t at = t.find("<" + name, line_start(e->GetLineNum())); at != std::string::npos;
         at = t.find("<" + name, at + 1)) {
      size_t after = at + 1 + name.size();
      if (after >= t.size() || !is_name_char(t[after])) return range(at + 1, after);
    }
    return line(e->GetLineNum());
  }

  /// The element's closing tag `</name`, or its start tag when it has none.
  SourceRange end_of(const XMLElement* e) const {
    SourceRange start = element(e);
    if (e->NoChildren()) return start;
    std::string name = e->Name();
    const std::string& t = file_.text;
    for (size_t at = t.find("</" + name, start.end); at != std::string::npos; at = t.find("</" + name, at + 1)) {
      size_t after = at + 2 + name.size();
      if (after >= t.size() || !is_name_char(t[after])) return range(at + 2, after);
    }
    return start;
  }

  SourceRange attribute(const XMLAttribute* a) const {
    std::string name = a->Name();
    const std::string& t = file_.text;
    for (size_t at = t.find(name, line_start(a->GetLineNum())); at != std::string::npos; at = t.find(name, at + 1)) {
      if (at > 0 && !is_space(t[at - 1])) continue;
      size_t after = at + name.size();
      while (after < t.size() && is_space(t[after])) ++after;
      if (after < t.size() && t[after] == '=') return range(at, at + name.size());
    }
    return line(a->GetLineNum());
  }

 private:
  uint32_t line_start(int line) const {
    size_t index = static_cast<size_t>(std::max(line, 1) - 1);
    if (index >= file_.line_starts.size()) return static_cast<uint32_t>(file_.text.size());
    return file_.line_starts[index];
  }
  SourceRange range(size_t begin, size_t end) const {
    return {id_, static_cast<uint32_t>(begin), static_cast<uint32_t>(end)};
  }

  const SourceFile& file_;
  FileId id_;
};

/// A guess for a misspelt name: the same name with its unit suffix ("__deg") added or
/// changed, else the closest by edit distance.
std::string guess(const std::string& name, const std::vector<std::string>& candidates) {
  auto stem = [](const std::string& s) { return s.substr(0, s.find("__")); };
  for (const auto& c : candidates) {
    if (c != name && stem(c) == stem(name)) return "did you mean '" + c + "'?";
  }
  return did_you_mean(name, candidates);
}

const char* unit_word(Quantity q) {
  switch (q) {
    case Quantity::Time: return " s";
    case Quantity::Length: return " deg";
    case Quantity::Frequency: return " Hz";
    default: return "";
  }
}

/// An attribute's value for a message: quoted, control characters shown as '?', cut when
/// long (a value may hold anything, newlines included).
std::string quoted_value(const std::string& value) {
  constexpr size_t kLongest = 40;
  std::string out;
  for (char ch : value.substr(0, kLongest)) out += static_cast<unsigned char>(ch) < 0x20 ? '?' : ch;
  return "\"" + out + (value.size() > kLongest ? "...\"" : "\"");
}

/// Number text with a '.' in it, as convis's Parameter.set needs to use float().
std::string with_point(std::string text) {
  if (text.find('.') != std::string::npos) return text;
  size_t e = text.find('e');
  return e == std::string::npos ? text + ".0" : text.insert(e, ".0");
}

std::string with_unit(const RetinaValue& v) {
  return number_text(v.value, v.quantity == Quantity::Integer) + unit_word(v.quantity);
}

/// Why convis's gauss_filter_2d fails for sigma `deg` (degrees, after float()), or "".
/// The XML value is a string, so its `sigma == 0` shortcut never applies.
std::string gaussian_failure(double deg) {
  double sp = deg * kConvisPixelsPerDegree;
  if (sp == 0) return "convis's gauss_filter_2d fails for it, its case for 0 misses a value given as text";
  if (!std::isfinite(sp) || sp < 0) return "convis's gauss_filter_2d fails for it";
  double a = 1.0 / (sp * std::sqrt(2.0 * std::acos(-1.0)));
  if (a < kFilterEpsilon) return "convis's gauss_filter_2d fails for it, the gaussian is below 0.001 everywhere";
  return "";
}

/// Whether convis's exponential_highpass_filter_1d can build the transient kernel.
bool transient_buildable(double tau_s, double weight) {
  double steps = tau_s * kConvisStepsPerSecond;
  return std::isfinite(steps) && steps > 0 && std::isfinite(weight) && weight > 0 && std::isfinite(weight / steps);
}

class Reader {
 public:
  Reader(const SourceManager& sources, FileId id, const VirtualRetinaImportOptions& options)
      : file_(sources.file(id)), at_(file_, id), options_(options) {}

  std::optional<ConvisRetinaConfig> read() {
    XMLDocument doc;
    if (doc.Parse(file_.text.data(), file_.text.size()) != tinyxml2::XML_SUCCESS) {
      report_xml_error(doc);
      return std::nullopt;
    }
    const XMLElement* root = doc.RootElement();
    if (!root) {  // only a declaration or comments: tinyxml2 calls that well formed
      error("E1001", at_.line(1), "the file holds no XML element (a VirtualRetina file has <" + vr_root_name() +
                                      "> with a <retina> inside)");
      return std::nullopt;
    }
    check_vocabulary(root, nullptr);
    const XMLElement* retina = root->FirstChildElement("retina");
    if (!retina) {
      std::string name = root->Name();
      error("E1002", at_.element(root),
            "no <retina> element inside the root element <" + name + ">: convis reads the retina there",
            name == "retina" ? "VirtualRetina files hold it inside <" + vr_root_name() + ">" : "");
      return std::nullopt;
    }
    config_ = default_convis_retina();
    config_.crop_pool = options_.crop_pool;
    read_root(root, retina);
    read_retina(retina);
    check_transients();
    return config_;
  }

  void flush(DiagnosticSink& sink) {
    std::stable_sort(diagnostics_.begin(), diagnostics_.end(),
                     [](const Diagnostic& a, const Diagnostic& b) { return a.range.begin < b.range.begin; });
    if (warnings_ > kMaxWarnings) {
      diagnostics_.push_back({Severity::Warning, "", {},
                              std::to_string(warnings_ - kMaxWarnings) + " more warnings are not shown", {}, ""});
    }
    for (auto& d : diagnostics_) {
      Diagnostic& added = d.severity == Severity::Error ? sink.error(d.code, d.range, d.message)
                                                        : sink.warning(d.code, d.range, d.message);
      added.help = d.help;
    }
  }

 private:
  // ---- diagnostics --------------------------------------------------------------------

  void error(const char* code, SourceRange range, std::string message, std::string help = "") {
    diagnostics_.push_back({Severity::Error, code, range, std::move(message), {}, std::move(help)});
  }
  /// A warning; past kMaxWarnings they are only counted (a generated file may repeat one
  /// mistake many times).
  void warning(const char* code, SourceRange range, std::string message, std::string help = "") {
    if (++warnings_ > kMaxWarnings) return;
    diagnostics_.push_back({Severity::Warning, code, range, std::move(message), {}, std::move(help)});
  }
  /// A setting convis ignores: a W1002 warning, remembered for the model's header.
  void ignored(SourceRange range, const std::string& what, const std::string& why, int line) {
    warning("W1002", range, what + " is ignored by convis" + (why.empty() ? "" : ": " + why));
    config_.ignored.push_back({what, static_cast<uint32_t>(line)});
  }
  void ignored(const XMLElement* e, const std::string& why) {
    ignored(at_.element(e), "<" + std::string(e->Name()) + ">", why, e->GetLineNum());
  }
  void ignored(const XMLAttribute* a, const std::string& why) {
    ignored(at_.attribute(a), std::string(a->Name()) + " = " + quoted_value(a->Value()), why, a->GetLineNum());
  }

  void report_xml_error(const XMLDocument& doc) {
    static const std::pair<tinyxml2::XMLError, const char*> kWhat[] = {
        {tinyxml2::XML_ERROR_PARSING_ELEMENT, "malformed element"},
        {tinyxml2::XML_ERROR_PARSING_ATTRIBUTE, "malformed attribute"},
        {tinyxml2::XML_ERROR_PARSING_TEXT, "malformed text"},
        {tinyxml2::XML_ERROR_PARSING_CDATA, "malformed CDATA section"},
        {tinyxml2::XML_ERROR_PARSING_COMMENT, "unterminated comment"},
        {tinyxml2::XML_ERROR_PARSING_DECLARATION, "malformed <? declaration ?>"},
        {tinyxml2::XML_ERROR_PARSING_UNKNOWN, "malformed <! ... > section"},
        {tinyxml2::XML_ERROR_EMPTY_DOCUMENT, "no XML element in the file"},
        {tinyxml2::XML_ERROR_MISMATCHED_ELEMENT, "a closing tag does not match the element it closes"},
        {tinyxml2::XML_ERROR_PARSING, "malformed XML"},
        {tinyxml2::XML_ELEMENT_DEPTH_EXCEEDED, "elements nested deeper than 100 levels"},
    };
    std::string what = "malformed XML";
    for (const auto& [id, text] : kWhat) {
      if (doc.ErrorID() == id) what = text;
    }
    // tinyxml2's own text after "Line number=N: " names the element or attribute.
    std::string detail = doc.ErrorStr() ? doc.ErrorStr() : "";
    size_t colon = detail.find(": ");
    detail = colon == std::string::npos || doc.ErrorID() == tinyxml2::XML_ELEMENT_DEPTH_EXCEEDED
                 ? ""
                 : detail.substr(colon + 2);
    int line = std::max(doc.ErrorLineNum(), 1);
    if (doc.ErrorID() == tinyxml2::XML_ERROR_EMPTY_DOCUMENT) line = 1;
    error("E1001", at_.line(line), "not well-formed XML: " + what + (detail.empty() ? "" : " (" + detail + ")"));
  }

  // ---- vocabulary -----------------------------------------------------------------------

  /// Unknown elements and attributes, against VirtualRetina's vocabulary. An unknown
  /// element's contents are not checked (nothing in it is read).
  void check_vocabulary(const XMLElement* e, const VrElement* parent) {
    std::string name = e->Name();
    const VrElement* known = vr_element(name);
    bool allowed = parent ? std::count(parent->children.begin(), parent->children.end(), name) > 0
                          : name == vr_root_name();
    if (!allowed) {
      std::string where = parent ? "inside <" + parent->name + ">" : "as the root element";
      std::vector<std::string> places = vr_parents(name);
      if (known && !places.empty()) {
        warning("W1001", at_.element(e), "VirtualRetina does not read <" + name + "> " + where,
                "it belongs inside <" + join_names(places) + ">");
      } else if (known || parent) {
        warning("W1001", at_.element(e), "unknown element <" + name + "> " + where,
                guess(name, parent ? parent->children : std::vector<std::string>{vr_root_name()}));
      } else {
        warning("W1001", at_.element(e), "unknown root element <" + name + ">: VirtualRetina files start with <" +
                                             vr_root_name() + ">");
      }
      if (parent) return;  // not read where it is
      if (!known) known = vr_element(vr_root_name());  // convis looks for <retina> in any root
    }
    for (const XMLAttribute* a = e->FirstAttribute(); a; a = a->Next()) {
      std::string attr = a->Name();
      if (std::count(known->attributes.begin(), known->attributes.end(), attr)) continue;
      warning("W1001", at_.attribute(a), "unknown attribute '" + attr + "' of <" + name + ">",
              known->attributes.empty() ? "<" + name + "> has no attributes" : guess(attr, known->attributes));
    }
    for (const XMLElement* c = e->FirstChildElement(); c; c = c->NextSiblingElement()) check_vocabulary(c, known);
  }

  // ---- values ---------------------------------------------------------------------------

  /// Sets the parameters of `layer` that `e`'s attributes configure, as parse_config does.
  void read_values(const XMLElement* e, RetinaLayer& layer) {
    const VrElement* known = vr_element(e->Name());
    for (const XMLAttribute* a = e->FirstAttribute(); a; a = a->Next()) {
      std::string attr = a->Name();
      if (!known || !std::count(known->attributes.begin(), known->attributes.end(), attr)) continue;
      for (auto& v : layer.values) {
        if (v.key == attr) set_value(a, layer, v);
      }
    }
  }

  /// Sets `v` from attribute `a` as convis converts it; a value convis drops is a warning
  /// (unless the value meant is the one kept anyway).
  void set_value(const XMLAttribute* a, const RetinaLayer& layer, RetinaValue& v) {
    std::string text = a->Value();
    std::optional<double> meant = python_float(text);
    double value = 0;
    bool read = false;  // convis takes `value`
    std::string why;   // why convis drops the value
    std::string help;
    switch (v.conversion) {
      case ConvisConversion::Parameter:
        if (text.find('.') != std::string::npos) {
          read = meant.has_value();
          if (read) value = *meant;
          else why = "it is not a number for float()";
        } else if (auto i = python_int(text)) {
          value = static_cast<double>(*i);
          read = true;
        } else if (python_int_syntax(text)) {
          why = "convis cannot turn an integer this large into a tensor";
        } else if (meant) {
          why = "without a '.' convis's Parameter.set reads it with int(), which fails";
          if (std::isfinite(*meant)) help = "write it with a '.': \"" + with_point(number_text(*meant)) + "\"";
        } else {
          why = "it is not a number for int()";
        }
        break;
      case ConvisConversion::IntVirtual:
        if (auto i = python_int(text)) {
          value = static_cast<double>(*i);
          read = true;
        } else {
          why = python_int_syntax(text) ? "cvm cannot hold an integer this large"
                                        : "convis reads it with int(), which fails";
        }
        break;
      case ConvisConversion::FloatVirtual:
      case ConvisConversion::TransientVirtual:
      case ConvisConversion::GaussianVirtual:
        read = meant.has_value();
        if (read) value = *meant;
        else why = "it is not a number for float()";
        break;
    }
    if (read && !std::isfinite(value)) {
      why = "convis takes it, but cvm cannot hold it";
      read = false;
    }
    if (read && v.conversion == ConvisConversion::GaussianVirtual) {
      std::string failure = gaussian_failure(value);
      if (!failure.empty()) {
        why = failure;
        read = false;
      }
    }
    SourceRange where = at_.attribute(a);
    if (!read) {
      if (meant && *meant == v.value) return;  // dropped, but the value kept is the same
      warning("W1003", where,
              "convis drops " + std::string(a->Name()) + " = " + quoted_value(text) + ": " + why + "; " +
                  layer.name + "." + v.param + " keeps " + with_unit(v),
              help);
      return;
    }
    v.value = value;
    v.origin = where;
    v.line = static_cast<uint32_t>(a->GetLineNum());
  }

  /// convis rebuilds a ganglion layer's transient kernel each time parse_config sets its
  /// tau, then its relative weight; a rebuild that fails (exponential_filter_1d raises)
  /// leaves the kernel as it was. cvm derives the kernel from the two parameters, so they
  /// take the values of convis's last successful rebuild.
  void check_transients() {
    for (const char* name : {"gang_0_input", "gang_1_input"}) {
      RetinaLayer& layer = config_.layer(name);
      RetinaValue& tau = *layer.find("transient_tau_center");
      RetinaValue& weight = *layer.find("transient_relative_weight_center");
      const RetinaLayer defaults = default_convis_retina().layer(name);
      double set_tau = defaults.find(tau.param)->value;
      double set_weight = defaults.find(weight.param)->value;
      double kernel_tau = set_tau;
      double kernel_weight = set_weight;
      for (RetinaValue* v : {&tau, &weight}) {
        if (!v->origin.valid()) continue;
        (v == &tau ? set_tau : set_weight) = v->value;
        if (transient_buildable(set_tau, set_weight)) {
          kernel_tau = set_tau;
          kernel_weight = set_weight;
        }
      }
      for (RetinaValue* v : {&tau, &weight}) {
        double kernel = v == &tau ? kernel_tau : kernel_weight;
        if (!v->origin.valid() || v->value == kernel) continue;
        v->value = kernel;
        warning("W1003", v->origin,
                "convis drops " + v->key + " = " + number_text(v == &tau ? set_tau : set_weight) +
                    ": convis's exponential_highpass_filter_1d fails for transient-tau__sec " +
                    number_text(set_tau) + " s and transient-relative-weight " + number_text(set_weight) +
                    ", so the kernel keeps being built from " + layer.name + "." + v->param + " = " +
                    with_unit(*v));
        v->origin = {};
        v->line = 0;
      }
    }
  }

  // ---- structure ------------------------------------------------------------------------

  void read_root(const XMLElement* root, const XMLElement* retina) {
    for (const XMLElement* c = root->FirstChildElement(); c; c = c->NextSiblingElement()) {
      std::string name = c->Name();
      if (name == "basic-microsaccade-generator") ignored(c, "convis has no eye movements");
      else if (name == "retina" && c != retina) ignored(c, "convis reads the first <retina>");
    }
  }

  void read_retina(const XMLElement* retina) {
    for (const XMLAttribute* a = retina->FirstAttribute(); a; a = a->Next()) {
      std::string attr = a->Name();
      auto number = python_float(a->Value());
      if (attr == "pixels-per-degree" && number != kConvisPixelsPerDegree) {
        ignored(a, "convis uses 10 px/deg");
      } else if (attr == "temporal-step__sec" && number != 1 / kConvisStepsPerSecond) {
        ignored(a, "convis uses 1000 steps/s");
      } else if (attr == "input-luminosity-range") {
        ignored(a, "convis multiplies the input by opl-amplification alone (VirtualRetina also divides by the range)");
      }
    }
    const XMLElement* opl = nullptr;
    const XMLElement* cgc = nullptr;
    int ganglion_layers = 0;
    for (const XMLElement* c = retina->FirstChildElement(); c; c = c->NextSiblingElement()) {
      std::string name = c->Name();
      if (name == "outer-plexiform-layer") {
        read_opl(c, opl == nullptr);
        if (!opl) opl = c;
      } else if (name == "contrast-gain-control") {
        if (cgc) ignored(c, "convis reads the first <contrast-gain-control>");
        else read_values(cgc = c, config_.layer("bipolar"));
      } else if (name == "ganglion-layer") {
        read_ganglion_layer(c, ganglion_layers++);
      } else if (name == "log-polar-scheme") {
        ignored(c, "convis filters with the same sigma everywhere");
      } else if (name == "basic-microsaccade-generator") {
        ignored(c, "convis has no eye movements");
      } else if (name == "contrast-gain-control-custom") {
        ignored(c, "convis reads only <contrast-gain-control>");
      }
    }
    SourceRange here = at_.end_of(retina);
    if (!opl) {
      warning("W1004", here, "no <outer-plexiform-layer>: convis keeps its default OPL");
    }
    if (!cgc) {
      warning("W1004", here,
              "no <contrast-gain-control>: convis keeps its default bipolar stage (opl-amplification__Hz 50, "
              "bipolar-inert-leaks__Hz 50, adaptation-feedback-amplification__Hz 0)");
    }
    for (int i = ganglion_layers; i < 2; ++i) {
      warning("W1004", here,
              "no ganglion layer " + std::to_string(i) + ": convis keeps its default gang_" + std::to_string(i) +
                  " (" + (i == 0 ? "ON" : "OFF") + ", spiking)");
    }
  }

  void read_opl(const XMLElement* opl, bool first) {
    const XMLElement* linear = opl->FirstChildElement("linear-version");
    if (!linear) {
      error("E1003", at_.element(opl), "<outer-plexiform-layer> without <linear-version>: convis cannot read it",
            opl->FirstChildElement("luminance-gain-control-version")
                ? "convis has no <luminance-gain-control-version>: describe the OPL with <linear-version>"
                : "");
      return;
    }
    if (!first) {
      ignored(opl, "convis uses the first <outer-plexiform-layer>");
      return;
    }
    for (const XMLElement* c = opl->FirstChildElement(); c; c = c->NextSiblingElement()) {
      std::string name = c->Name();
      if (name == "luminance-gain-control-version") ignored(c, "convis uses <linear-version>");
      else if (name == "linear-version" && c != linear) ignored(c, "convis reads the first <linear-version>");
    }
    RetinaLayer& layer = config_.layer("opl");
    read_values(linear, layer);
    for (const XMLAttribute* a = linear->FirstAttribute(); a; a = a->Next()) {
      std::string attr = a->Name();
      auto number = python_float(a->Value());
      if (attr == "leaky-heat-equation" && !(number && *number == 0)) {
        ignored(a, "convis filters with a gaussian and an exponential");
      } else if (attr == "center-n__uint" && layer.find("opl_filter.n_center")->value != 0) {
        ignored(a, "convis's OPL centre is one exponential (n = 0)");
      }
    }
    const XMLElement* undershoot = linear->FirstChildElement("undershoot");
    if (undershoot) {
      read_values(undershoot, layer);
      for (auto c = undershoot->NextSiblingElement("undershoot"); c; c = c->NextSiblingElement("undershoot")) {
        ignored(c, "convis reads the first <undershoot>");
      }
    } else {
      warning("W1004", at_.element(linear),
              "no <undershoot>: convis keeps its default undershoot (relative-weight 0.8, tau__sec 0.1), "
              "VirtualRetina has none",
              "add <undershoot relative-weight=\"0\"/> for VirtualRetina's behaviour");
    }
  }

  void read_ganglion_layer(const XMLElement* g, int index) {
    if (index >= 2) {
      ignored(g, "convis builds two ganglion layers (ON and OFF) from the first two");
      return;
    }
    std::string prefix = "gang_" + std::to_string(index);
    RetinaLayer& input = config_.layer(prefix + "_input");
    read_values(g, input);
    if (const XMLAttribute* pool = g->FindAttribute("sigma-pool__deg")) {
      if (input.find("sigma_surround")->value > 0 && !config_.crop_pool) {
        warning("W1005", at_.attribute(pool),
                "convis's pooling crops the ganglion output (a valid convolution); cvm keeps the frame size",
                "pass --crop-pool to crop as convis does");
      }
    }
    const XMLElement* channel = g->FirstChildElement("spiking-channel");
    RetinaLayer& spikes = config_.layer(prefix + "_spikes");
    if (!channel) {
      if (const XMLElement* adap = g->FirstChildElement("spiking-channel-adap")) {
        ignored(adap, "convis spikes without adaptation, with its default spiking parameters");
      } else {
        spikes.enabled = false;
        warning("W1005", at_.element(g),
                "no <spiking-channel>: " + prefix + " outputs rates, as in VirtualRetina (convis would spike)");
      }
      return;
    }
    read_values(channel, spikes);
    for (const XMLAttribute* a = channel->FirstAttribute(); a; a = a->Next()) {
      if (std::strcmp(a->Name(), "random-init") == 0) ignored(a, "convis starts V at 0.5 + 0.2 U(0, 1)");
    }
    for (const XMLElement* c = channel->FirstChildElement(); c; c = c->NextSiblingElement()) {
      std::string name = c->Name();
      if (name == "square-array" || name == "circular-array" || name == "all-units") {
        ignored(c, "convis has one cell per pixel");
      }
    }
    for (auto c = channel->NextSiblingElement("spiking-channel"); c; c = c->NextSiblingElement("spiking-channel")) {
      ignored(c, "convis reads the first <spiking-channel>");
    }
  }

  const SourceFile& file_;
  XmlLocator at_;
  VirtualRetinaImportOptions options_;
  ConvisRetinaConfig config_;
  std::vector<Diagnostic> diagnostics_;
  size_t warnings_ = 0;
  static constexpr size_t kMaxWarnings = 100;
};

}  // namespace

std::optional<ConvisRetinaConfig> read_virtualretina(const SourceManager& sources, FileId file,
                                                     const VirtualRetinaImportOptions& options,
                                                     DiagnosticSink& sink) {
  Reader reader(sources, file, options);
  std::optional<ConvisRetinaConfig> config = reader.read();
  reader.flush(sink);
  if (sink.has_errors()) return std::nullopt;
  return config;
}

}  // namespace cvm
