/**
 * Element builders for the dashboard, served as the browser module `/dashboard/dom.js`.
 * Everything from the API goes into the page as text (`textContent`, text nodes) or as an
 * attribute value; nothing is ever parsed as markup. SVG is built with `createElementNS`.
 *
 * @example
 * ```ts
 * app.get("/dashboard/dom.js", (c) => c.body(DOM_JS)); // one of DASHBOARD_SCRIPTS
 * ```
 */
export const DOM_JS = `// Element builders: text and attributes only, never markup.
const SVG = "http://www.w3.org/2000/svg";

export const $ = (id) => document.getElementById(id);

// el("td", { class: "x", title: "…" }, "text", child): strings become text nodes.
export function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  set(node, attributes);
  node.append(...children);
  return node;
}

export function svg(tag, attributes, ...children) {
  const node = document.createElementNS(SVG, tag);
  set(node, attributes);
  node.append(...children);
  return node;
}

function set(node, attributes) {
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value !== undefined && value !== null) node.setAttribute(name, String(value));
  }
}

// A verdict in words with a shape beside it, so it never rests on colour alone.
export const MARKS = { up: "●", down: "✕", degraded: "◐", unknown: "?", drained: "‖" };

export function verdict(tag, value, label) {
  const node = el(tag, { class: "verdict " + value, "data-verdict": value });
  node.append(el("span", { class: "mark", "aria-hidden": "true" }, MARKS[value] || "?"), label || value);
  return node;
}

// What a verdict rests on (the snapshot's "evidence"), in words, with what it means.
const EVIDENCE = {
  answers: ["answers", "calls got answers (failing ones: 5xx, 429, 408): evidence about the upstream itself"],
  unreachable: ["unreachable", "calls or heartbeats got no answer: evidence about the path from there only"],
  heartbeats: ["health checks", "health checks only, no traffic evidence"],
};

// A small label beside a verdict; nothing when there is nothing to say.
export function tag(text, title) {
  return text ? el("span", { class: "tag", title }, text) : "";
}

export function evidence(kind) {
  const words = EVIDENCE[kind];
  return words ? tag(words[0], words[1]) : kind ? tag(String(kind)) : "";
}

export function cell(row, text, attributes) {
  const td = el("td", attributes, text);
  row.append(td);
  return td;
}
`;
