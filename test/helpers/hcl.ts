/**
 * A small reader for the HCL native syntax of simple Terraform files (the provider's examples):
 * blocks with labels, `name = value` attributes, objects `{ k = v }`, lists, strings (with
 * `${...}` kept as written), heredocs, numbers, bools, null and comments. Any other expression (a
 * reference such as `libvirt_volume.base.path`, a function call, arithmetic) becomes the string
 * `${<expression>}`, which the schema checks take as "any type", as they do for cdktf tokens.
 *
 * The result has Terraform JSON's shape: `{ resource: { <type>: { <name>: body } }, data: ...,
 * provider: { <name>: [body] }, ... }`; a nested block becomes an object, or a list of objects
 * when it appears more than once. It is not a full HCL parser (no `for` expressions, no template
 * directives, no `dynamic` or splat handling beyond keeping them as expressions) and says so by
 * throwing on what it does not understand.
 */

type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

class Reader {
  private pos = 0;
  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {}

  fail(msg: string): never {
    const line = this.text.slice(0, this.pos).split("\n").length;
    throw new Error(`${this.file}:${line}: ${msg}`);
  }

  /** Skips spaces, comments and (when `newlines`) line ends. */
  skip(newlines: boolean): void {
    for (;;) {
      const c = this.text[this.pos];
      if (c === " " || c === "\t" || c === "\r" || (newlines && c === "\n")) this.pos++;
      else if (c === "#" || (c === "/" && this.text[this.pos + 1] === "/")) {
        while (this.pos < this.text.length && this.text[this.pos] !== "\n") this.pos++;
      } else if (c === "/" && this.text[this.pos + 1] === "*") {
        const end = this.text.indexOf("*/", this.pos + 2);
        if (end < 0) this.fail("unterminated comment");
        this.pos = end + 2;
      } else return;
    }
  }

  peek(): string | undefined {
    return this.text[this.pos];
  }

  identifier(): string | undefined {
    const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(this.text.slice(this.pos, this.pos + 200));
    if (!m) return undefined;
    this.pos += m[0].length;
    return m[0];
  }

  /** A body: attributes and blocks until `}` (consumed) or the end of the text. */
  body(closing: boolean): Record<string, Value> {
    const out: Record<string, Value> = {};
    for (;;) {
      this.skip(true);
      const c = this.peek();
      if (c === undefined) {
        if (closing) this.fail("missing `}`");
        return out;
      }
      if (c === "}") {
        if (!closing) this.fail("unexpected `}`");
        this.pos++;
        return out;
      }
      const name = this.identifier() ?? this.fail(`expected an attribute or block name, found \`${c}\``);
      this.skip(false);
      if (this.peek() === "=" && this.text[this.pos + 1] !== "=") {
        this.pos++;
        if (name in out) this.fail(`attribute \`${name}\` set twice`);
        out[name] = this.expression();
        continue;
      }
      const labels: string[] = [];
      while (this.peek() === '"') {
        labels.push(this.quoted());
        this.skip(false);
      }
      if (this.peek() !== "{") this.fail(`expected \`=\` or \`{\` after \`${name}\``);
      this.pos++;
      addBlock(out, name, labels, this.body(true));
    }
  }

  /** A double-quoted string; `${...}` and `%{...}` stay as written. */
  quoted(): string {
    if (this.peek() !== '"') this.fail("expected a string");
    this.pos++;
    let out = "";
    for (;;) {
      const c = this.text[this.pos++];
      if (c === undefined || c === "\n") this.fail("unterminated string");
      if (c === '"') return out;
      if (c === "\\") {
        const e = this.text[this.pos++];
        out += e === "n" ? "\n" : e === "t" ? "\t" : e === "r" ? "\r" : e;
      } else if ((c === "$" || c === "%") && this.text[this.pos] === "{") {
        const end = this.matching(this.pos);
        out += c + this.text.slice(this.pos, end + 1);
        this.pos = end + 1;
      } else out += c;
    }
  }

  /** The index of the bracket that closes the one at `at`. */
  matching(at: number): number {
    const pairs: Record<string, string> = { "(": ")", "[": "]", "{": "}" };
    const stack: string[] = [];
    for (let i = at; i < this.text.length; i++) {
      const c = this.text[i];
      if (c === '"') {
        i++;
        while (i < this.text.length && this.text[i] !== '"') i += this.text[i] === "\\" ? 2 : 1;
      } else if (pairs[c]) stack.push(pairs[c]);
      else if (c === stack[stack.length - 1]) {
        stack.pop();
        if (stack.length === 0) return i;
      }
    }
    this.fail("unbalanced brackets");
  }

  expression(): Value {
    this.skip(false);
    const start = this.pos;
    const c = this.peek();
    let value: Value;
    if (c === "{") value = this.object();
    else if (c === "[") value = this.list();
    else if (c === '"') value = this.quoted();
    else if (c === "<" && this.text.startsWith("<<", this.pos)) return this.heredoc();
    else {
      const m = /^(-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|true|false|null)(?![A-Za-z0-9_.(\[])/.exec(this.text.slice(this.pos, this.pos + 100));
      if (m) {
        this.pos += m[0].length;
        value = m[0] === "true" ? true : m[0] === "false" ? false : m[0] === "null" ? null : Number(m[0]);
      } else {
        return this.raw(start);
      }
    }
    // A literal followed by an operator is part of a larger expression.
    this.skip(false);
    const next = this.peek();
    if (next !== undefined && !"\n,}]".includes(next)) return this.raw(start);
    return value;
  }

  /** Any other expression, up to the end of the line or a `,`, `}` or `]` at depth 0: `${...}`. */
  raw(start: number): string {
    this.pos = start;
    for (;;) {
      const c = this.peek();
      if (c === undefined || c === "\n" || c === "," || c === "}" || c === "]" || c === "#") break;
      if (c === "/" && (this.text[this.pos + 1] === "/" || this.text[this.pos + 1] === "*")) break;
      if (c === "(" || c === "[" || c === "{") this.pos = this.matching(this.pos) + 1;
      else if (c === '"') this.quoted();
      else this.pos++;
    }
    const expr = this.text.slice(start, this.pos).trim();
    if (expr === "") this.fail("expected a value");
    return `\${${expr}}`;
  }

  heredoc(): string {
    const m = /^<<(-?)([A-Za-z_][A-Za-z0-9_]*)\r?\n/.exec(this.text.slice(this.pos, this.pos + 100));
    if (!m) this.fail("malformed heredoc");
    this.pos += m[0].length;
    const lines: string[] = [];
    for (;;) {
      if (this.pos >= this.text.length) this.fail(`heredoc ${m[2]} not closed`);
      let end = this.text.indexOf("\n", this.pos);
      if (end < 0) end = this.text.length;
      const line = this.text.slice(this.pos, end);
      this.pos = end;
      if (line.trim() === m[2]) break;
      this.pos++;
      lines.push(line);
    }
    if (m[1] === "-") {
      const indent = Math.min(...lines.filter((l) => l.trim() !== "").map((l) => /^[ \t]*/.exec(l)![0].length));
      return lines.map((l) => l.slice(indent)).join("\n") + "\n";
    }
    return lines.join("\n") + "\n";
  }

  object(): Record<string, Value> {
    this.pos++; // {
    const out: Record<string, Value> = {};
    for (;;) {
      this.skip(true);
      if (this.peek() === "}") {
        this.pos++;
        return out;
      }
      const key = this.peek() === '"' ? this.quoted() : (this.identifier() ?? this.fail(`expected an object key, found \`${this.peek()}\``));
      this.skip(false);
      if (this.peek() !== "=" && this.peek() !== ":") this.fail(`expected \`=\` after \`${key}\``);
      this.pos++;
      if (key in out) this.fail(`object key \`${key}\` twice`);
      out[key] = this.expression();
      this.skip(false);
      if (this.peek() === ",") this.pos++;
    }
  }

  list(): Value[] {
    this.pos++; // [
    const out: Value[] = [];
    for (;;) {
      this.skip(true);
      if (this.peek() === "]") {
        this.pos++;
        return out;
      }
      out.push(this.expression());
      this.skip(true);
      if (this.peek() === ",") this.pos++;
      else if (this.peek() !== "]") this.fail("expected `,` or `]` in a list");
    }
  }
}

function addBlock(out: Record<string, Value>, name: string, labels: string[], body: Record<string, Value>): void {
  if (name === "provider") {
    const providers = (out.provider ??= {}) as Record<string, Value[]>;
    (providers[labels[0]] ??= []).push(body);
    return;
  }
  if (labels.length === 0) {
    const prior = out[name];
    out[name] = prior === undefined ? body : Array.isArray(prior) ? [...prior, body] : [prior, body];
    return;
  }
  let at = (out[name] ??= {}) as Record<string, Value>;
  for (const label of labels.slice(0, -1)) at = (at[label] ??= {}) as Record<string, Value>;
  const last = labels[labels.length - 1];
  if (last in at) throw new Error(`block ${name} ${labels.map((l) => `"${l}"`).join(" ")} twice`);
  at[last] = body;
}

/** Reads one file (or several files' texts, merged as Terraform merges a module's files). */
export function readHcl(text: string, file = "<hcl>"): Record<string, Value> {
  return new Reader(text, file).body(false);
}

/** Merges the top-level sections of several files of one module. */
export function mergeHcl(docs: ReadonlyArray<Record<string, Value>>): Record<string, Value> {
  const out: Record<string, any> = {};
  for (const doc of docs) {
    for (const [section, value] of Object.entries(doc)) {
      if (section === "resource" || section === "data") {
        for (const [type, instances] of Object.entries(value as Record<string, Record<string, Value>>)) {
          out[section] ??= {};
          out[section][type] = { ...(out[section][type] ?? {}), ...instances };
        }
      } else if (section === "provider") {
        for (const [name, list] of Object.entries(value as Record<string, Value[]>)) {
          out.provider ??= {};
          out.provider[name] = [...(out.provider[name] ?? []), ...list];
        }
      } else out[section] = value;
    }
  }
  return out;
}
