/**
 * HCL expressions as *.tf.json writes them: a JSON string is a template ("text ${expr} text"), and the
 * expressions inside are Terraform's expression language. This parser is synchronous and small on
 * purpose: it reads what cdktf and people write into JSON (references, index and splat traversals,
 * function calls, tuples, objects, conditionals, operators, for expressions) and evaluates it with
 * partial knowledge: what is literal is known, what depends on a resource attribute, a variable or
 * anything not in the input is `Unknown`, carrying the resource addresses it references.
 *
 * (`@cdktf/hcl2json` exposes HCL's own expression AST, but only asynchronously, through a 1.7 MB Go
 * wasm module that takes ~320 ms to start and ~12 ms per expression, and only as a dev dependency of
 * cdktf-cli; the policy pass runs inside `cdktf synth` synchronously. The tests use it as an oracle.)
 */

export type Expr =
  | { kind: "literal"; value: string | number | boolean | null }
  | { kind: "template"; parts: (string | Expr)[] }
  | { kind: "traversal"; root: string; steps: Step[]; text: string }
  | { kind: "postfix"; base: Expr; steps: Step[] }
  | { kind: "call"; name: string; args: Expr[]; expand: boolean }
  | { kind: "tuple"; items: Expr[] }
  | { kind: "object"; items: [Expr, Expr][] }
  | { kind: "conditional"; condition: Expr; then: Expr; else: Expr }
  | { kind: "op"; op: string; args: Expr[] }
  | { kind: "for"; collection: Expr; body: Expr[]; keyVar: string | null; valueVar: string };

export type Step = { attr: string } | { index: Expr } | { splat: true };

/** A value that is not known before apply; `refs` are the resource addresses it depends on. */
export class Unknown {
  constructor(
    readonly refs: string[],
    /** Set when the value is exactly one attribute of one resource instance: "a specific resource". */
    readonly reference: { address: string; attribute: string } | null = null,
    /** A string that starts with such a reference and continues with literal text (`${bucket.arn}/*`). */
    readonly suffix: string | null = null,
    /** A template with known text around unknown parts (a JSON policy string with `${...}` inside). */
    readonly pieces: (string | Unknown)[] | null = null,
  ) {}
}

export type Value = string | number | boolean | null | Value[] | { [key: string]: Value } | Unknown;

export class HclSyntaxError extends Error {}

// ----------------------------------------------------------------------------- lexer

type Token =
  | { t: "num"; v: number }
  | { t: "id"; v: string }
  | { t: "str"; parts: (string | Expr)[] }
  | { t: "punct"; v: string }
  | { t: "eof" };

const PUNCT = ["...", "~", "=>", "==", "!=", "<=", ">=", "&&", "||", "::", "{", "}", "[", "]", "(", ")", ",", ".", ":", "=", "?", "!", "<", ">", "+", "-", "*", "/", "%"];

// Sticky: they match at lastIndex only, so reading a token never copies the rest of the text.
const NUMBER = /[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
const IDENT = /[A-Za-z_][A-Za-z0-9_-]*/y;

class Lexer {
  pos = 0;
  /** Nesting of expressions, templates inside them and unary operators, across nested parsers. */
  depth = 0;
  constructor(readonly src: string) {}

  next(): Token {
    const s = this.src;
    while (this.pos < s.length && (s[this.pos] === " " || s[this.pos] === "\n" || s[this.pos] === "\t" || s[this.pos] === "\r")) this.pos++;
    // Comments inside expressions are legal HCL; skip them.
    if (s.startsWith("#", this.pos) || s.startsWith("//", this.pos)) {
      while (this.pos < s.length && s[this.pos] !== "\n") this.pos++;
      return this.next();
    }
    if (s.startsWith("/*", this.pos)) {
      const end = s.indexOf("*/", this.pos + 2);
      if (end < 0) throw new HclSyntaxError("unterminated comment");
      this.pos = end + 2;
      return this.next();
    }
    if (this.pos >= s.length) return { t: "eof" };
    const c = s[this.pos]!;
    if (c >= "0" && c <= "9") {
      NUMBER.lastIndex = this.pos;
      const m = NUMBER.exec(s)!;
      this.pos += m[0].length;
      return { t: "num", v: Number(m[0]) };
    }
    if ((c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_") {
      IDENT.lastIndex = this.pos;
      const m = IDENT.exec(s)!;
      this.pos += m[0].length;
      return { t: "id", v: m[0] };
    }
    if (c === '"') {
      this.pos++;
      const parts = readTemplate(this, '"');
      return { t: "str", parts };
    }
    if (s.startsWith("<<", this.pos)) throw new HclSyntaxError("heredoc strings are not read");
    for (const p of PUNCT) {
      if (s.startsWith(p, this.pos)) {
        this.pos += p.length;
        return { t: "punct", v: p };
      }
    }
    throw new HclSyntaxError(`unexpected character ${JSON.stringify(c)}`);
  }
}

const ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", '"': '"', "\\": "\\" };

/**
 * Reads template text up to `end` (a closing quote, or the end of the source for the top-level
 * template a JSON string is). Interpolations are parsed as expressions; `$${` and `%%{` are escapes.
 * Template directives (`%{ if }`, `%{ for }`) are not read.
 */
function readTemplate(lexer: Lexer, end: '"' | null): (string | Expr)[] {
  const s = lexer.src;
  const parts: (string | Expr)[] = [];
  let text = "";
  for (;;) {
    if (lexer.pos >= s.length) {
      if (end === null) break;
      throw new HclSyntaxError("unterminated string");
    }
    const c = s[lexer.pos]!;
    if (end !== null && c === end) {
      lexer.pos++;
      break;
    }
    if (end !== null && c === "\\") {
      const e = s[lexer.pos + 1] ?? "";
      if (e in ESCAPES) {
        text += ESCAPES[e];
        lexer.pos += 2;
        continue;
      }
      if (e === "u" || e === "U") {
        const len = e === "u" ? 4 : 8;
        const hex = s.slice(lexer.pos + 2, lexer.pos + 2 + len);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) throw new HclSyntaxError("bad unicode escape");
        text += String.fromCodePoint(parseInt(hex, 16));
        lexer.pos += 2 + len;
        continue;
      }
      throw new HclSyntaxError(`bad escape \\${e}`);
    }
    if (s.startsWith("$${", lexer.pos) || s.startsWith("%%{", lexer.pos)) {
      text += s.slice(lexer.pos + 1, lexer.pos + 3);
      lexer.pos += 3;
      continue;
    }
    if (s.startsWith("%{", lexer.pos)) throw new HclSyntaxError("template directives are not read");
    if (s.startsWith("${", lexer.pos)) {
      if (text !== "") parts.push(text);
      text = "";
      lexer.pos += 2;
      if (s[lexer.pos] === "~") lexer.pos++;
      const parser = new Parser(lexer);
      const expr = parser.expression();
      if (parser.peek().t === "punct" && (parser.peek() as { v: string }).v === "~") parser.take();
      const close = parser.take();
      if (close.t !== "punct" || close.v !== "}") throw new HclSyntaxError("expected } after interpolation");
      parts.push(expr);
      continue;
    }
    text += c;
    lexer.pos++;
  }
  if (text !== "" || parts.length === 0) parts.push(text);
  return parts;
}

// ----------------------------------------------------------------------------- parser

const BINARY: string[][] = [["||"], ["&&"], ["==", "!="], ["<", ">", "<=", ">="], ["+", "-"], ["*", "/", "%"]];

class Parser {
  private buffered: Token | null = null;
  constructor(private readonly lexer: Lexer) {}

  peek(): Token {
    this.buffered ??= this.lexer.next();
    return this.buffered;
  }

  take(): Token {
    const t = this.peek();
    this.buffered = null;
    return t;
  }

  private is(v: string): boolean {
    const t = this.peek();
    return t.t === "punct" && t.v === v;
  }

  private expect(v: string): void {
    const t = this.take();
    if (t.t !== "punct" || t.v !== v) throw new HclSyntaxError(`expected ${v}`);
  }

  expression(): Expr {
    if (++this.lexer.depth > 64) throw new HclSyntaxError("expression nests too deep");
    try {
      const condition = this.binary(0);
      if (!this.is("?")) return condition;
      this.take();
      const then = this.expression();
      this.expect(":");
      return { kind: "conditional", condition, then, else: this.expression() };
    } finally {
      this.lexer.depth--;
    }
  }

  private binary(level: number): Expr {
    if (level >= BINARY.length) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      const t = this.peek();
      if (t.t !== "punct" || !BINARY[level]!.includes(t.v)) return left;
      this.take();
      left = { kind: "op", op: t.v, args: [left, this.binary(level + 1)] };
    }
  }

  private unary(): Expr {
    if (this.is("!") || this.is("-")) {
      const op = (this.take() as { v: string }).v;
      if (++this.lexer.depth > 64) throw new HclSyntaxError("expression nests too deep");
      try {
        return { kind: "op", op: `unary${op}`, args: [this.unary()] };
      } finally {
        this.lexer.depth--;
      }
    }
    return this.postfix(this.primary());
  }

  private postfix(base: Expr): Expr {
    const steps: Step[] = [];
    for (;;) {
      if (this.is(".")) {
        this.take();
        const t = this.take();
        if (t.t === "id") steps.push({ attr: t.v });
        else if (t.t === "num") steps.push({ index: { kind: "literal", value: t.v } });
        else if (t.t === "punct" && t.v === "*") steps.push({ splat: true });
        else throw new HclSyntaxError("expected an attribute name after .");
      } else if (this.is("[")) {
        this.take();
        if (this.is("*")) {
          this.take();
          this.expect("]");
          steps.push({ splat: true });
        } else {
          steps.push({ index: this.expression() });
          this.expect("]");
        }
      } else break;
    }
    if (steps.length === 0) return base;
    if (base.kind === "traversal") return { ...base, steps: [...base.steps, ...steps] };
    return { kind: "postfix", base, steps };
  }

  private primary(): Expr {
    const t = this.take();
    if (t.t === "num") return { kind: "literal", value: t.v };
    if (t.t === "str") return t.parts.length === 1 && typeof t.parts[0] === "string" ? { kind: "literal", value: t.parts[0] } : { kind: "template", parts: t.parts };
    if (t.t === "id") {
      if (t.v === "true" || t.v === "false") return { kind: "literal", value: t.v === "true" };
      if (t.v === "null") return { kind: "literal", value: null };
      let name = t.v;
      while (this.is("::")) {
        this.take();
        const part = this.take();
        if (part.t !== "id") throw new HclSyntaxError("expected a name after ::");
        name += `::${part.v}`;
      }
      if (this.is("(")) return this.call(name);
      return { kind: "traversal", root: name, steps: [], text: name };
    }
    if (t.t === "punct") {
      if (t.v === "(") {
        const inner = this.expression();
        this.expect(")");
        return inner;
      }
      if (t.v === "[") return this.tuple();
      if (t.v === "{") return this.object();
    }
    throw new HclSyntaxError("expected an expression");
  }

  private call(name: string): Expr {
    this.expect("(");
    const args: Expr[] = [];
    let expand = false;
    while (!this.is(")")) {
      args.push(this.expression());
      if (this.is("...")) {
        this.take();
        expand = true;
      }
      if (this.is(",")) this.take();
      else break;
    }
    this.expect(")");
    return { kind: "call", name, args, expand };
  }

  private tuple(): Expr {
    const t = this.peek();
    if (t.t === "id" && t.v === "for") return this.forExpr("]");
    const items: Expr[] = [];
    while (!this.is("]")) {
      items.push(this.expression());
      if (this.is(",")) this.take();
      else break;
    }
    this.expect("]");
    return { kind: "tuple", items };
  }

  private object(): Expr {
    const t = this.peek();
    if (t.t === "id" && t.v === "for") return this.forExpr("}");
    const items: [Expr, Expr][] = [];
    while (!this.is("}")) {
      const keyToken = this.peek();
      // A bare name as an object key is the literal name (HCL), not a variable.
      let key: Expr;
      if (keyToken.t === "id") {
        this.take();
        key = this.is("=") || this.is(":") ? { kind: "literal", value: keyToken.v } : this.postfix({ kind: "traversal", root: keyToken.v, steps: [], text: keyToken.v });
      } else key = this.expression();
      const sep = this.take();
      if (sep.t !== "punct" || (sep.v !== "=" && sep.v !== ":")) throw new HclSyntaxError("expected = or : in an object");
      items.push([key, this.expression()]);
      if (this.is(",")) this.take();
    }
    this.expect("}");
    return { kind: "object", items };
  }

  private forExpr(close: "]" | "}"): Expr {
    this.take(); // for
    const first = this.take();
    if (first.t !== "id") throw new HclSyntaxError("expected a name after for");
    let keyVar: string | null = null;
    let valueVar = first.v;
    if (this.is(",")) {
      this.take();
      const second = this.take();
      if (second.t !== "id") throw new HclSyntaxError("expected a name after ,");
      keyVar = first.v;
      valueVar = second.v;
    }
    const inTok = this.take();
    if (inTok.t !== "id" || inTok.v !== "in") throw new HclSyntaxError("expected in");
    const collection = this.expression();
    this.expect(":");
    const body: Expr[] = [this.expression()];
    if (this.is("=>")) {
      this.take();
      body.push(this.expression());
    }
    if (this.is("...")) this.take();
    const ifTok = this.peek();
    if (ifTok.t === "id" && ifTok.v === "if") {
      this.take();
      body.push(this.expression());
    }
    this.expect(close);
    return { kind: "for", collection, body, keyVar, valueVar };
  }
}

/** Parses a *.tf.json string value as the template it is. Throws HclSyntaxError. */
export function parseTemplate(source: string): (string | Expr)[] {
  const lexer = new Lexer(source);
  return readTemplate(lexer, null);
}

// ----------------------------------------------------------------------------- evaluation

/** What an expression can see: resources (by configuration address), locals, each / count. */
export interface Scope {
  /** Instance keys of a resource's configuration address: null = a single instance, undefined = not in the input, "unknown" = count/for_each not known. */
  instances(config: string): (string | number)[] | null | "unknown" | undefined;
  local(name: string): Value | undefined;
  each?: { key: Value; value: Value };
  /** The full address of a configuration address of this module (`module.a.aws_x.y` inside module a). */
  qualify?(config: string): string;
  /** An input variable of this module (a module call's argument, or the variable's default). */
  variable?(name: string): Value | undefined;
  /** An output of a child module called from this module; undefined when it cannot be read. */
  moduleOutput?(module: string, output: string): Value | undefined;
  /** dynamic block iterators in reach (`<label>.key`, `<label>.value`, or the `iterator` name). */
  iterators?: Map<string, { key: Value; value: Value }>;
  count?: number;
}

const MAX_EVAL = 10_000;

export class Evaluator {
  private steps = 0;
  constructor(private readonly scope: Scope) {}

  template(parts: (string | Expr)[]): Value {
    // A template of one interpolation and nothing else is that expression's value, with its type.
    if (parts.length === 1 && typeof parts[0] !== "string") return this.eval(parts[0]!);
    const values = parts.map((p) => (typeof p === "string" ? p : this.eval(p)));
    const unknown = values.filter((v) => v instanceof Unknown) as Unknown[];
    if (unknown.length === 0) return values.map((v) => (typeof v === "string" ? v : stringify(v))).join("");
    const refs = uniq(unknown.flatMap((u) => u.refs));
    const head = values[0];
    const rest = values.slice(1);
    if (head instanceof Unknown && head.reference && !head.suffix && rest.every((v) => typeof v === "string")) {
      return new Unknown(refs, head.reference, rest.join(""));
    }
    const pieces = values.map((v) => (v instanceof Unknown ? v : typeof v === "string" ? v : stringify(v)));
    return new Unknown(refs, null, null, pieces);
  }

  eval(expr: Expr): Value {
    if (++this.steps > MAX_EVAL) throw new HclSyntaxError("expression too large to evaluate");
    switch (expr.kind) {
      case "literal":
        return expr.value;
      case "template":
        return this.template(expr.parts);
      case "traversal":
        return this.traversal(expr);
      case "postfix":
        return this.applySteps(this.eval(expr.base), expr.steps);
      case "tuple":
        return expr.items.map((i) => this.eval(i));
      case "object": {
        const out: { [key: string]: Value } = Object.create(null) as { [key: string]: Value };
        const unknownKeys: Unknown[] = [];
        for (const [k, v] of expr.items) {
          const key = this.eval(k);
          const value = this.eval(v);
          if (key instanceof Unknown) unknownKeys.push(key, ...(value instanceof Unknown ? [value] : []));
          else if (typeof key === "string" || typeof key === "number" || typeof key === "boolean") out[String(key)] = value;
          else return new Unknown(collectRefs([key, value]));
        }
        if (unknownKeys.length > 0) return new Unknown(uniq([...unknownKeys.flatMap((u) => u.refs), ...collectRefs(Object.values(out))]));
        return out;
      }
      case "conditional": {
        const c = this.eval(expr.condition);
        if (c === true) return this.eval(expr.then);
        if (c === false) return this.eval(expr.else);
        // Either branch may apply: a value that depends on both proves nothing about either.
        return new Unknown(collectRefs([c, this.eval(expr.then), this.eval(expr.else)]));
      }
      case "op":
        return this.op(expr.op, expr.args.map((a) => this.eval(a)));
      case "call":
        return this.call(expr.name, expr.args.map((a) => this.eval(a)), expr.expand);
      case "for":
        return new Unknown(collectRefs([this.eval(expr.collection)]));
    }
  }

  private traversal(expr: Extract<Expr, { kind: "traversal" }>): Value {
    const { root, steps } = expr;
    const attr = (i: number) => {
      const s = steps[i];
      return s && "attr" in s ? s.attr : null;
    };
    const iterator = this.scope.iterators?.get(root);
    if (iterator) {
      const which = attr(0);
      if (which === "key") return this.applySteps(iterator.key, steps.slice(1));
      if (which === "value") return this.applySteps(iterator.value, steps.slice(1));
      return new Unknown([]);
    }
    if (root === "each" && this.scope.each) {
      const which = attr(0);
      if (which === "key") return this.applySteps(this.scope.each.key, steps.slice(1));
      if (which === "value") return this.applySteps(this.scope.each.value, steps.slice(1));
      return new Unknown([]);
    }
    if (root === "count" && attr(0) === "index" && this.scope.count !== undefined) return this.applySteps(this.scope.count, steps.slice(1));
    if (root === "local") {
      const name = attr(0);
      const value = name === null ? undefined : this.scope.local(name);
      return value === undefined ? new Unknown([]) : this.applySteps(value, steps.slice(1));
    }
    if (root === "var" && this.scope.variable) {
      const name = attr(0);
      const value = name === null ? undefined : this.scope.variable(name);
      if (value !== undefined) return this.applySteps(value, steps.slice(1));
    }
    if (root === "module" && this.scope.moduleOutput) {
      const name = attr(0);
      const output = attr(1);
      const value = name === null || output === null ? undefined : this.scope.moduleOutput(name, output);
      if (value !== undefined) return this.applySteps(value, steps.slice(2));
    }
    if (root === "var" || root === "path" || root === "terraform" || root === "self" || root === "each" || root === "count") return new Unknown([]);
    if (root === "module") {
      const name = attr(0);
      return new Unknown(name === null ? [] : [`module.${name}`]);
    }
    let offset: number;
    let config: string;
    if (root === "data") {
      const type = attr(0);
      const name = attr(1);
      if (type === null || name === null) return new Unknown([]);
      config = `data.${type}.${name}`;
      offset = 2;
    } else {
      const name = attr(0);
      if (name === null) return new Unknown([]);
      config = `${root}.${name}`;
      offset = 1;
    }
    return this.resourceValue(config, steps.slice(offset));
  }

  /** A reference to a resource: which instance(s), and which attribute. */
  private resourceValue(local: string, steps: Step[]): Value {
    const instances = this.scope.instances(local);
    const config = this.scope.qualify ? this.scope.qualify(local) : local;
    if (instances === undefined) return new Unknown([config]);
    const first = steps[0];
    const attributeAfter = (i: number) => steps.slice(i).map((s) => ("attr" in s ? s.attr : "*")).join(".");
    if (instances === null) {
      // A single instance: `type.name.attr`.
      const attribute = attributeAfter(0);
      return new Unknown([config], attribute !== "" && !attribute.includes("*") ? { address: config, attribute } : null);
    }
    if (instances === "unknown") {
      // count / for_each not known: the resource stands for all its instances, so a reference to one
      // of them (`x[0]`, `x["k"]`) cannot be linked to anything, and one to all of them is to all.
      if (first && "index" in first) return new Unknown([]);
      return new Unknown([config]);
    }
    if (first && "index" in first) {
      const key = this.eval(first.index);
      if (typeof key === "number" || typeof key === "string") {
        const match = instances.find((k) => String(k) === String(key) && typeof k === typeof key);
        if (match === undefined) return new Unknown([]);
        const address = instanceAddress(config, match);
        const attribute = attributeAfter(1);
        return new Unknown([address], attribute !== "" && !attribute.includes("*") ? { address, attribute } : null);
      }
    }
    // The whole collection (`for_each = aws_x.y`, `aws_x.y[*].arn`): a map or list of its instances.
    const rest = first && "splat" in first ? steps.slice(1) : first && "index" in first ? steps.slice(1) : steps;
    if (first && "index" in first) return new Unknown(instances.map((k) => instanceAddress(config, k)));
    const items = instances.map((k) => {
      const address = instanceAddress(config, k);
      return this.applySteps(new Unknown([address], { address, attribute: "" }), rest);
    });
    if (instances.every((k) => typeof k === "string") && !(first && "splat" in first)) {
      const out: { [key: string]: Value } = Object.create(null) as { [key: string]: Value };
      instances.forEach((k, i) => (out[k as string] = items[i]!));
      return out;
    }
    return items;
  }

  private applySteps(value: Value, steps: Step[]): Value {
    let current = value;
    for (const [i, step] of steps.entries()) {
      if (current instanceof Unknown) {
        const ref = current.reference;
        if (ref && "attr" in step) {
          current = new Unknown(current.refs, { address: ref.address, attribute: ref.attribute === "" ? step.attr : `${ref.attribute}.${step.attr}` });
          continue;
        }
        return new Unknown(current.refs);
      }
      if ("splat" in step) {
        const list = Array.isArray(current) ? current : current === null ? [] : [current];
        return list.map((v) => this.applySteps(v, steps.slice(i + 1)));
      }
      const key = "attr" in step ? step.attr : this.eval(step.index);
      if (key instanceof Unknown) return new Unknown(uniq([...key.refs, ...collectRefs([current])]));
      if (Array.isArray(current) && typeof key === "number") current = current[key] ?? new Unknown([]);
      else if (current && typeof current === "object" && !Array.isArray(current) && (typeof key === "string" || typeof key === "number")) {
        current = Object.prototype.hasOwnProperty.call(current, String(key)) ? (current as { [k: string]: Value })[String(key)]! : new Unknown([]);
      } else return new Unknown(collectRefs([current]));
    }
    return current;
  }

  private op(op: string, args: Value[]): Value {
    if (args.some((a) => a instanceof Unknown)) return new Unknown(collectRefs(args));
    const [a, b] = args;
    switch (op) {
      case "unary!":
        return typeof a === "boolean" ? !a : new Unknown([]);
      case "unary-":
        return typeof a === "number" ? -a : new Unknown([]);
      case "==":
        return JSON.stringify(a) === JSON.stringify(b);
      case "!=":
        return JSON.stringify(a) !== JSON.stringify(b);
      case "&&":
      case "||":
        if (typeof a !== "boolean" || typeof b !== "boolean") return new Unknown([]);
        return op === "&&" ? a && b : a || b;
    }
    const x = toNumber(a);
    const y = toNumber(b);
    if (x === null || y === null) return new Unknown([]);
    switch (op) {
      case "+": return x + y;
      case "-": return x - y;
      case "*": return x * y;
      case "/": return x / y;
      case "%": return x % y;
      case "<": return x < y;
      case ">": return x > y;
      case "<=": return x <= y;
      case ">=": return x >= y;
    }
    return new Unknown([]);
  }

  private call(name: string, rawArgs: Value[], expand: boolean): Value {
    let args = rawArgs;
    if (expand) {
      const last = args[args.length - 1];
      if (!Array.isArray(last)) return new Unknown(collectRefs(args));
      args = [...args.slice(0, -1), ...last];
    }
    const fn = name.replace(/^provider::[^:]+::/, "");
    if (fn === "jsonencode" && args.length === 1) {
      // Partly known: the structure is kept, the unknown leaves stay Unknown (see renderJson).
      return hasUnknown(args[0]!) ? new PartialJson(args[0]!, collectRefs(args)) : JSON.stringify(args[0]);
    }
    if (args.some((a) => a instanceof Unknown || (fn !== "concat" && fn !== "merge" && hasUnknown(a)))) return new Unknown(collectRefs(args));
    switch (fn) {
      case "toset": {
        const list = args[0];
        if (!Array.isArray(list)) return new Unknown([]);
        const seen = new Map<string, Value>();
        for (const v of list) seen.set(JSON.stringify(v), v);
        return [...seen.values()];
      }
      case "tolist":
        return Array.isArray(args[0]) ? args[0] : new Unknown([]);
      case "tomap":
        return args[0] && typeof args[0] === "object" && !Array.isArray(args[0]) ? args[0] : new Unknown([]);
      case "tostring":
        return typeof args[0] === "string" || typeof args[0] === "number" || typeof args[0] === "boolean" ? String(args[0]) : new Unknown([]);
      case "tonumber":
        return toNumber(args[0]!) ?? new Unknown([]);
      case "concat":
        return args.every(Array.isArray) ? (args as Value[][]).flat() : new Unknown(collectRefs(args));
      case "merge": {
        if (!args.every((a) => a && typeof a === "object" && !Array.isArray(a) && !(a instanceof Unknown))) return new Unknown(collectRefs(args));
        return Object.assign(Object.create(null) as { [key: string]: Value }, ...(args as { [key: string]: Value }[]));
      }
      case "lower":
        return typeof args[0] === "string" ? args[0].toLowerCase() : new Unknown([]);
      case "upper":
        return typeof args[0] === "string" ? args[0].toUpperCase() : new Unknown([]);
      case "length":
        if (Array.isArray(args[0])) return args[0].length;
        if (typeof args[0] === "string") return [...args[0]].length;
        if (args[0] && typeof args[0] === "object") return Object.keys(args[0]).length;
        return new Unknown([]);
      case "join":
        return typeof args[0] === "string" && Array.isArray(args[1]) && args[1].every((v) => typeof v === "string") ? (args[1] as string[]).join(args[0]) : new Unknown([]);
    }
    // Any other function: its result is not computed here.
    return new Unknown(collectRefs(args));
  }
}

/** The result of jsonencode over a value with unknown leaves: a JSON string not known before apply. */
export class PartialJson extends Unknown {
  constructor(
    readonly value: Value,
    refs: string[],
  ) {
    super(refs);
  }
}

export function instanceAddress(config: string, key: string | number): string {
  return typeof key === "number" ? `${config}[${key}]` : `${config}[${JSON.stringify(key)}]`;
}

export function hasUnknown(value: Value): boolean {
  if (value instanceof Unknown) return true;
  if (Array.isArray(value)) return value.some(hasUnknown);
  if (value && typeof value === "object") return Object.values(value).some(hasUnknown);
  return false;
}

export function collectRefs(values: Value[]): string[] {
  const out: string[] = [];
  const walk = (v: Value) => {
    if (v instanceof PartialJson) walk(v.value);
    if (v instanceof Unknown) out.push(...v.refs);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") Object.values(v).forEach(walk);
  };
  values.forEach(walk);
  return uniq(out);
}

function uniq(list: string[]): string[] {
  return [...new Set(list)].sort();
}

function toNumber(v: Value): number | null {
  if (typeof v === "number") return v;
  if (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))) return Number(v);
  return null;
}

function stringify(v: Value): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (v === null) return "";
  return JSON.stringify(v);
}

const NOT_RESOURCES = new Set(["var", "local", "each", "count", "path", "terraform", "self", "module"]);

/**
 * Resource addresses an expression names, from its syntax alone: `type.name`, `data.type.name`, with
 * the instance key when the reference picks one by a literal (`type.name[0]`, `type.name["k"]`).
 */
export function syntacticReferences(parts: (string | Expr)[]): string[] {
  const out = new Set<string>();
  const visit = (e: Expr | string): void => {
    if (typeof e === "string") return;
    switch (e.kind) {
      case "traversal": {
        for (const s of e.steps) if ("index" in s) visit(s.index);
        const resource = traversalResource(e);
        if (resource) out.add(resource.address);
        return;
      }
      case "template":
        return e.parts.forEach(visit);
      case "postfix":
        visit(e.base);
        for (const s of e.steps) if ("index" in s) visit(s.index);
        return;
      case "call":
        return e.args.forEach(visit);
      case "tuple":
        return e.items.forEach(visit);
      case "object":
        return e.items.forEach(([k, v]) => (visit(k), visit(v)));
      case "conditional":
        return [e.condition, e.then, e.else].forEach(visit);
      case "op":
        return e.args.forEach(visit);
      case "for":
        return [e.collection, ...e.body].forEach(visit);
      case "literal":
        return;
    }
  };
  parts.forEach(visit);
  return [...out].sort();
}

/**
 * The resource a traversal names, with the instance key when a literal picks one, and how many
 * attribute steps follow it: `aws_x.y.arn`, `data.aws_x.y.json`, `aws_x.y["k"].arn`, and the form the
 * readers render for a resource inside a module, `module.a.module.b.aws_x.y.arn` (a module output is
 * `module.a.NAME` with no resource type after it). Null for anything that is not a resource.
 */
export function traversalResource(e: Extract<Expr, { kind: "traversal" }>): { address: string; attributes: number; splat: boolean } | null {
  const steps = e.steps;
  const attrAt = (i: number) => {
    const s = steps[i];
    return s && "attr" in s ? s.attr : null;
  };
  let prefix = "";
  let root = e.root;
  let at = 0;
  if (root === "module") {
    // module.NAME(.module.NAME)*.TYPE.NAME.ATTR: at least a type that looks like one and an attribute after it.
    for (;;) {
      const name = attrAt(at);
      if (name === null) return null;
      at++;
      // A module instance: module.a["k"] (count / for_each).
      const index = steps[at];
      if (index && "index" in index && index.index.kind === "literal" && (typeof index.index.value === "string" || typeof index.index.value === "number")) {
        prefix += `${instanceAddress(`module.${name}`, index.index.value)}.`;
        at++;
      } else prefix += `module.${name}.`;
      if (attrAt(at) !== "module") break;
      at++;
    }
    const next = attrAt(at);
    if (next === null || (next !== "data" && !/^[a-z][a-z0-9]*_[a-z0-9_]+$/.test(next)) || attrAt(at + 1) === null || steps.length < at + 3) return null;
    root = next;
    at++;
  }
  let config: string;
  if (root === "data") {
    const type = attrAt(at);
    const name = attrAt(at + 1);
    if (type === null || name === null) return null;
    config = `${prefix}data.${type}.${name}`;
    at += 2;
  } else if (!NOT_RESOURCES.has(root) && /^[a-z][a-z0-9]*_[a-z0-9_]+$/.test(root) && attrAt(at) !== null) {
    config = `${prefix}${root}.${attrAt(at)}`;
    at += 1;
  } else return null;
  const step = steps[at];
  let address = config;
  if (step && "index" in step && step.index.kind === "literal" && (typeof step.index.value === "number" || typeof step.index.value === "string")) {
    address = instanceAddress(config, step.index.value);
    at++;
  }
  const rest = steps.slice(at);
  return { address, attributes: rest.filter((s) => !("index" in s && s.index.kind === "literal")).length, splat: steps.some((s) => "splat" in s) };
}

/**
 * A context-free string for an unknown value, which the readers recognise again: `${ADDR.ATTR}` for
 * "this attribute of this resource instance" (optionally followed by literal text), the JSON text of a
 * partly known jsonencode with its unknown leaves written that way, and `${unknown(REFS...)}` otherwise.
 */
export function renderUnknown(u: Unknown): string {
  if (u instanceof PartialJson) return JSON.stringify(renderLeaves(u.value));
  if (u.pieces) return u.pieces.map((p) => (typeof p === "string" ? escapeTemplate(p) : renderUnknown(p))).join("");
  if (u.reference && u.reference.attribute !== "") {
    const head = `\${${u.reference.address}.${u.reference.attribute}}`;
    return u.suffix === null ? head : head + escapeTemplate(u.suffix);
  }
  return `\${unknown(${u.refs.join(", ")})}`;
}

/** A value with every Unknown leaf replaced by its rendered string (JSON-compatible). */
export function renderLeaves(v: Value): unknown {
  if (v instanceof Unknown) return renderUnknown(v);
  if (Array.isArray(v)) return v.map(renderLeaves);
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const [k, x] of Object.entries(v)) out[k] = renderLeaves(x);
    return out;
  }
  return v;
}

/** Literal text inside a template: `${` and `%{` are written `$${` and `%%{`. */
function escapeTemplate(text: string): string {
  return text.replace(/\$\{/g, "$${").replace(/%\{/g, "%%{");
}
