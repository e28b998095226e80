# Editor support (editor-support/): the keywords coloured by the VS Code grammar and by the
# Vim syntax are exactly the keywords of grammar/Cvm.g4 (a keyword added to or removed from
# the grammar fails here, naming the word); every JSON file parses and the manifest's paths
# exist; every TextMate regex compiles; the TextMate grammar, run over examples/, stdlib/
# and the examples of docs/language.md, colours declarations, fit items, units and
# comments; every snippet expands to a file `cvm check` accepts.
source "$(dirname "$0")/lib.sh"
command -v python3 > /dev/null || fail "python3 is needed"
ED="$CVM_SOURCE_DIR/editor-support"
for f in README.md vscode/package.json vscode/language-configuration.json \
         vscode/syntaxes/cvm.tmLanguage.json vscode/snippets/cvm.json \
         vim/syntax/cvm.vim vim/ftdetect/cvm.vim vim/ftplugin/cvm.vim; do
  [ -f "$ED/$f" ] || fail "missing editor-support/$f"
done

python3 - "$CVM_SOURCE_DIR" "$WORK" <<'PY'
import glob, json, os, re, sys

src, work = sys.argv[1], sys.argv[2]
ed = os.path.join(src, "editor-support")
errors = []


def fail(msg):
    errors.append(msg)


def done():
    if errors:
        for e in errors:
            print("FAIL:", e, file=sys.stderr)
        sys.exit(1)


# ---------------------------------------------------------------- the grammar's keywords
# Lexer rules of the form `NAME : 'word' ;` whose literal is a word.
g4 = open(os.path.join(src, "grammar", "Cvm.g4")).read()
keywords = set(re.findall(r"^[A-Z][A-Z0-9_]*\s*:\s*'([A-Za-z_]+)'\s*;", g4, re.M))
if len(keywords) < 20 or "model" not in keywords:
    fail(f"found only {len(keywords)} keywords in grammar/Cvm.g4: {sorted(keywords)}")
done()


def compare(what, found):
    for w in sorted(keywords - found):
        fail(f"{what}: keyword '{w}' of grammar/Cvm.g4 is missing")
    for w in sorted(found - keywords):
        fail(f"{what}: '{w}' is not a keyword of grammar/Cvm.g4")


# ---------------------------------------------------------------- JSON files
docs = {}
for path in sorted(glob.glob(os.path.join(ed, "vscode", "**", "*.json"), recursive=True)):
    try:
        docs[os.path.relpath(path, ed)] = json.load(open(path))
    except ValueError as e:
        fail(f"{os.path.relpath(path, src)} is not valid JSON: {e}")
done()

pkg = docs["vscode/package.json"]
contrib = pkg.get("contributes", {})
for key in ("name", "publisher", "version", "engines"):
    if key not in pkg:
        fail(f"package.json has no '{key}'")
langs = [l for l in contrib.get("languages", []) if l.get("id") == "cvm"]
if not langs or ".cvm" not in langs[0].get("extensions", []):
    fail("package.json does not contribute language 'cvm' with extension .cvm")
grammars = [g for g in contrib.get("grammars", []) if g.get("language") == "cvm"]
if not grammars:
    fail("package.json contributes no grammar for 'cvm'")
referenced = [l.get("configuration") for l in langs] + [g.get("path") for g in grammars] + \
             [s.get("path") for s in contrib.get("snippets", [])]
for rel in referenced:
    if not rel or not os.path.isfile(os.path.join(ed, "vscode", rel)):
        fail(f"package.json names '{rel}', which does not exist")
done()
conf = docs["vscode/language-configuration.json"]
if conf.get("comments") != {"lineComment": "//", "blockComment": ["/*", "*/"]}:
    fail("language-configuration.json: comments are not // and /* */")
conf_regexes = [conf.get("wordPattern", "")] + list(conf.get("indentationRules", {}).values()) + \
               list(conf.get("folding", {}).get("markers", {}).values()) + \
               [r.get("beforeText", "") for r in conf.get("onEnterRules", [])]
for rx in conf_regexes:
    try:
        re.compile(rx)
    except re.error as e:
        fail(f"language-configuration.json: regex {rx!r} does not compile: {e}")
tm = docs["vscode/syntaxes/cvm.tmLanguage.json"]
if grammars[0].get("scopeName") != tm.get("scopeName") or tm.get("scopeName") != "source.cvm":
    fail("package.json and cvm.tmLanguage.json disagree on the scope name (source.cvm)")

# ---------------------------------------------------------------- TextMate regexes
# Every regex must compile with Python's re (the grammar keeps to what Oniguruma and Python
# share: fixed-width lookbehind, no \G, no possessive quantifiers).
repo = tm.get("repository", {})


def rules(node, where):
    """Every rule dict of the grammar, with a readable location."""
    if isinstance(node, dict):
        if any(k in node for k in ("match", "begin", "include", "patterns")):
            yield node, where
        for k, v in node.items():
            if k in ("patterns",):
                for i, r in enumerate(v):
                    yield from rules(r, f"{where}.patterns[{i}]")
    elif isinstance(node, list):
        for i, r in enumerate(node):
            yield from rules(r, f"{where}[{i}]")


all_rules = list(rules({"patterns": tm.get("patterns", [])}, "patterns"))
for name, r in repo.items():
    all_rules += list(rules(r, f"repository.{name}"))
compiled = {}
for r, where in all_rules:
    for key in ("match", "begin", "end"):
        if key in r:
            try:
                compiled[r[key]] = re.compile(r[key])
            except re.error as e:
                fail(f"cvm.tmLanguage.json {where}.{key} does not compile: {e}: {r[key]}")
    inc = r.get("include")
    if inc and inc not in ("$self", "$base") and not (inc.startswith("#") and inc[1:] in repo):
        fail(f"cvm.tmLanguage.json {where} includes unknown '{inc}'")
included = {r["include"][1:] for r, _ in all_rules if r.get("include", "").startswith("#")}
for name in sorted(set(repo) - included):
    fail(f"cvm.tmLanguage.json: repository.{name} is never included")
done()

# ---------------------------------------------------------------- TextMate keywords
# A keyword is a capture group whose whole text is a list of words (`(model|primitive)`)
# and whose scope is a keyword, storage or language-constant scope. Lists that keep
# keywords from being read as units, `(?!(?:in|if|...)\b)`, must also name every keyword.
KEYWORD_SCOPE = re.compile(r"^(keyword\.|storage\.|constant\.language\.)")
WORD_LIST = re.compile(r"^(?:\(\?:)?([A-Za-z_]+(?:\|[A-Za-z_]+)*)\)?$")


def groups(pattern):
    """{capture group number: its text} of a regex (plain groups only count)."""
    out, stack, n, i = {}, [], 0, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            i += 1
            if i < len(pattern) and pattern[i] == "^":
                i += 1
            if i < len(pattern) and pattern[i] == "]":
                i += 1
            while i < len(pattern) and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
        elif c == "(":
            if pattern.startswith("(?", i):
                stack.append(None)
            else:
                n += 1
                stack.append((n, i + 1))
        elif c == ")":
            top = stack.pop()
            if top:
                out[top[0]] = pattern[top[1]:i]
        i += 1
    return out


tm_words = set()
for r, where in all_rules:
    for key, caps in (("match", "captures"), ("begin", "beginCaptures"), ("end", "endCaptures")):
        if key not in r:
            continue
        texts = groups(r[key])
        for num, cap in r.get(caps, {}).items():
            scopes = cap.get("name", "").split()
            if num == "0" or not any(KEYWORD_SCOPE.match(s) for s in scopes):
                continue
            if any(s.startswith("keyword.other.unit") for s in scopes):
                continue
            m = WORD_LIST.match(texts.get(int(num), ""))
            if m:
                tm_words |= set(m.group(1).split("|"))
compare("VS Code grammar (keyword captures in cvm.tmLanguage.json)", tm_words)
unit_lists = set()
for r, where in all_rules:
    for key in ("match", "begin", "end"):
        for lst in re.findall(r"\(\?!\(\?:([A-Za-z_|]+)\)\\b\)", r.get(key, "")):
            if (where, lst) not in unit_lists:
                unit_lists.add((where, lst))
                compare(f"VS Code grammar ({where}: the words that are not units)", set(lst.split("|")))
if not unit_lists:
    fail("cvm.tmLanguage.json: no `(?!(?:KEYWORDS)\\b)` list keeps keywords from being units")

# ---------------------------------------------------------------- Vim keywords
VIM_OPTIONS = {"contained", "transparent", "skipwhite", "skipnl", "skipempty", "fold",
               "display", "extend", "conceal", "concealends", "oneline", "keepend"}
vim_words = set()
vim_lines = open(os.path.join(ed, "vim", "syntax", "cvm.vim")).read().split("\n")
for i, line in enumerate(vim_lines):
    m = re.match(r"^\s*syn(?:tax)?\s+keyword\s+\w+\s+(.*)$", line)
    if not m:
        continue
    if i + 1 < len(vim_lines) and re.match(r"^\s*\\", vim_lines[i + 1]):
        fail(f"vim/syntax/cvm.vim line {i + 1}: a `syn keyword` line may not continue on the next line")
    vim_words |= {w for w in m.group(1).split() if "=" not in w and w not in VIM_OPTIONS}
compare("Vim syntax (`syn keyword` lines in vim/syntax/cvm.vim)", vim_words)
done()


# ---------------------------------------------------------------- a TextMate tokenizer
# Enough of TextMate's rules for this grammar: match and begin/end rules, captures,
# includes; at each position the earliest match wins, the end pattern and then the
# rules in order on ties. It gives every character its list of scopes.
def expand(patterns, seen=()):
    out = []
    for p in patterns:
        if "include" in p:
            inc = p["include"]
            if inc in seen:
                continue
            target = tm["patterns"] if inc in ("$self", "$base") else [repo[inc[1:]]]
            out += expand(target, seen + (inc,))
        elif "match" in p or "begin" in p:
            out.append(p)
        else:
            out += expand(p.get("patterns", []), seen)
    return out


def paint(scopes, m, base, name, caps):
    for i in range(m.start(), min(m.end(), len(scopes))):
        scopes[i] = base + ([name] if name else [])
    for num in sorted(caps, key=int):
        k = int(num)
        if k > (m.re.groups) or m.start(k) < 0:
            continue
        for i in range(m.start(k), min(m.end(k), len(scopes))):
            scopes[i] = scopes[i] + caps[num].get("name", "").split()


def tokenize(text):
    top = expand(tm["patterns"])
    stack = []  # (rule, scopes inside it, its patterns)
    result = []
    for line in text.split("\n"):
        s = line + "\n"
        scopes = [None] * len(line)
        pos = 0
        while pos <= len(line):
            base = stack[-1][1] if stack else []
            cands = [("end", stack[-1][0])] if stack else []
            cands += [("rule", r) for r in (stack[-1][2] if stack else top)]
            best = None
            for kind, r in cands:
                rx = compiled[r["end"] if kind == "end" else r.get("match", r.get("begin"))]
                m = rx.search(s, pos)
                if m and (best is None or m.start() < best[2].start()):
                    best = (kind, r, m)
            if best is None:
                break
            kind, r, m = best
            for i in range(pos, min(m.start(), len(line))):
                scopes[i] = list(base)
            if kind == "end":
                paint(scopes, m, base, None, r.get("endCaptures", {}))
                stack.pop()
            elif "match" in r:
                paint(scopes, m, base, r.get("name"), r.get("captures", {}))
                if m.end() == m.start():
                    if m.start() < len(line):
                        scopes[m.start()] = list(base)
                    pos = m.end() + 1
                    continue
            else:
                paint(scopes, m, base, r.get("name"), r.get("beginCaptures", {}))
                inner = base + ([r["name"]] if r.get("name") else [])
                stack.append((r, inner, expand(r.get("patterns", []))))
            pos = m.end()
        base = stack[-1][1] if stack else []
        result.append((line, [sc if sc is not None else list(base) for sc in scopes]))
    return result


def has(scopes, prefix):
    return any(s.startswith(prefix) for s in scopes)


# ---------------------------------------------------------------- colouring of real files
sources = [os.path.join(src, "examples", "ln.cvm")]
sources += sorted(glob.glob(os.path.join(src, "stdlib", "**", "*.cvm"), recursive=True))
blocks, inside = [], None
for line in open(os.path.join(src, "docs", "language.md")):
    if line.startswith("```"):
        inside = [] if line.strip() in ("```cvm", "```cvm-error") and inside is None else None
        if inside is not None:
            blocks.append(inside)
        continue
    if inside is not None:
        inside.append(line)
texts = [(os.path.relpath(p, src), open(p).read()) for p in sources]
texts += [(f"docs/language.md example {i + 1}", "".join(b)) for i, b in enumerate(blocks)]
if len(blocks) < 5:
    fail(f"found only {len(blocks)} examples in docs/language.md")

ID = r"[A-Za-z_][A-Za-z0-9_]*"
DECLS = {"model": "entity.name.type", "primitive": "entity.name.type", "fit": "entity.name.type",
         "layer": "entity.name.variable", "input": "entity.name.variable",
         "param": "entity.name.variable", "output": "entity.name.variable",
         "state": "entity.name.variable", "import": "entity.name.namespace"}
UNITS = r"(?:s|ms|us|steps|Hz|deg|arcmin|px)"
checked = {"keyword": 0, "name": 0, "not keyword": 0, "unit": 0, "doc comment": 0}
ln_decls = set()
for where, text in texts:
    for n, (line, scopes) in enumerate(tokenize(text), 1):
        at = f"{where}:{n}"
        m = re.match(r"^(\s*)(" + ID + r")", line)
        if m and m.group(2) in keywords and not has(scopes[m.start(2)], "comment") \
                and not has(scopes[m.start(2)], "string"):
            word, rest = m.group(2), line[m.end(2):]
            kw = any(KEYWORD_SCOPE.match(s) for s in scopes[m.start(2)])
            reserved = word in ("in", "true", "false")  # never names
            if not reserved and re.match(r"\s*(=(?!=)|->|[.,:)\]])", rest):
                checked["not keyword"] += 1
                if kw:
                    fail(f"{at}: '{word}' is a name here but is coloured as a keyword: {line.strip()}")
            elif reserved or re.match(r"\s+[A-Za-z_0-9\"{.]", rest):
                checked["keyword"] += 1
                if not kw:
                    fail(f"{at}: keyword '{word}' is not coloured as a keyword: {line.strip()}")
                d = re.match(r"\s+(" + ID + ")", rest)
                if word in DECLS and d:
                    checked["name"] += 1
                    col = m.end(2) + d.start(1)
                    if not has(scopes[col], DECLS[word]):
                        fail(f"{at}: '{d.group(1)}' after '{word}' is not {DECLS[word]}: {scopes[col]}")
                    elif where == "examples/ln.cvm":
                        ln_decls.add(word)
                if word == "layer":
                    t = re.match(r"\s+" + ID + r"\s*=\s*(" + ID + ")", rest)
                    if t and not has(scopes[m.end(2) + t.start(1)], "entity.name.type"):
                        fail(f"{at}: the type of layer is not entity.name.type: {line.strip()}")
        for u in re.finditer(r"(?<![\w.])[0-9]+(?:\.[0-9]*)?[ \t]+(" + UNITS + r")\b", line):
            if has(scopes[u.start()], "comment") or has(scopes[u.start()], "string"):
                continue
            checked["unit"] += 1
            if not has(scopes[u.start(1)], "keyword.other.unit"):
                fail(f"{at}: unit '{u.group(1)}' is not keyword.other.unit: {line.strip()}")
        c = re.match(r"^\s*//(/?)", line)
        if c and not has(scopes[c.start(0) + len(c.group(0)) - 1], "string"):
            want = "comment.line.documentation" if c.group(1) else "comment.line.double-slash"
            checked["doc comment"] += bool(c.group(1))
            if not has(scopes[c.end() - 1], want):
                fail(f"{at}: comment is not {want}: {line.strip()}")
missing = {"import", "model", "input", "param", "layer", "output"} - ln_decls
if missing:
    fail(f"examples/ln.cvm: declarations not found coloured: {sorted(missing)}")
for what, count in checked.items():
    if count < 3:
        fail(f"only {count} '{what}' checks ran over the example files")
print("colouring checks:", ", ".join(f"{v} {k}" for k, v in checked.items()))

# ---------------------------------------------------------------- snippets
# Expand every snippet with its defaults (first choice of a choice) and wrap it so that
# `cvm check` can judge it; the shell part runs cvm.
snippets = docs["vscode/snippets/cvm.json"]
prefixes = {s.get("prefix") for s in snippets.values()}
for want in ("model", "layer", "param", "fit", "primitive", "import"):
    if want not in prefixes:
        fail(f"snippets/cvm.json has no '{want}' snippet")


def expand_snippet(body):
    text = "\n".join(body) if isinstance(body, list) else body
    previous = None
    while previous != text:
        previous = text
        text = re.sub(r"\$\{\d+:([^${}]*)\}", r"\1", text)
        text = re.sub(r"\$\{\d+\|([^,|]*)[^|]*\|\}", r"\1", text)
    return re.sub(r"\$\{?\d+\}?", "", text).replace("\t", "  ")


expanded = {s["prefix"]: expand_snippet(s["body"]) for s in snippets.values()}
if "$" in "".join(expanded.values()):
    fail("a snippet kept a '$' after expansion: " + repr(expanded))
for prefix, body in expanded.items():
    first = re.search(r"^\s*(" + ID + ")", re.sub(r"^\s*///.*\n", "", body, flags=re.M), re.M)
    first = first.group(1) if first else ""
    if first in ("import", "resolution", "primitive", "model"):
        text = body if first == "import" else "import std.convis\n" + body
    elif first == "fit":
        text = "import std.convis\n" + expanded.get("model", "") + body
    elif first == "layer":
        name = re.search(r"layer\s+(" + ID + ")", body).group(1)
        text = (f"import std.convis\nmodel Wrapper {{\n  input x\n  {body}\n"
                f"  x -> {name}\n  output y = {name}\n}}\n")
    elif first == "param":
        text = ("import std.convis\nmodel Wrapper {\n  input x\n  " + body +
                "\n  layer nl = NLRectify()\n  x -> nl\n  output y = nl\n}\n")
    else:
        fail(f"snippet '{prefix}': no way to check a snippet starting with '{first}'")
        continue
    open(os.path.join(work, f"snippet_{prefix}.cvm"), "w").write(text)
done()
print("keywords:", len(keywords), "in the grammar, the VS Code grammar and the Vim syntax")
PY

n=0
for f in "$WORK"/snippet_*.cvm; do
  [ -e "$f" ] || fail "no snippet was expanded"
  n=$((n + 1))
  expect_exit 0 "$CVM" check "$f"
done
echo "editor support: ok ($n snippets pass cvm check)"
