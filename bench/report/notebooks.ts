// The notebooks bench/report builds: a generated N-row eval as a Weft notebook, and the same
// eval as an Observable Notebook Kit notebook (the peer), over the same JSONL rows.

const LABELS = ["billing", "bug", "account", "question"] as const;

/** Phrases per label; a row's text joins one or two of them, so the rule-based ops are right most of the time but not always. */
const PHRASES: Record<(typeof LABELS)[number], readonly string[]> = {
  billing: ["I was charged twice for order", "please refund my last payment", "the invoice shows the wrong price", "my receipt is missing the tax"],
  bug: ["the app crashes when I open settings", "I get an error on the export page", "the dashboard stays blank after login", "the search button does nothing"],
  account: ["I cannot log in since yesterday", "how do I reset my password", "my account is locked after two-factor", "change the email address on my account"],
  question: ["do you ship to Canada", "what are your opening hours", "is there a student discount", "can I use the API for free"],
};

/** A small deterministic generator (mulberry32), so every run builds the same rows. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` ticket-like rows `{id, text, label}` as JSON Lines. */
export function rowsJsonl(n: number, seed = 11): string {
  const rand = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const lines: string[] = [];
  for (let i = 1; i <= n; i++) {
    const label = pick(LABELS);
    // One row in five mixes in a phrase of another label, one in four ends as a question.
    let text = pick(PHRASES[label]);
    if (rand() < 0.2) text += `, and ${pick(PHRASES[pick(LABELS)])}`;
    text += rand() < 0.25 ? "?" : ".";
    if (rand() < 0.3) text += ` Order #${String(10000 + Math.floor(rand() * 90000))}.`;
    lines.push(JSON.stringify({ id: `R${String(i).padStart(5, "0")}`, text: text[0]!.toUpperCase() + text.slice(1), label }));
  }
  return `${lines.join("\n")}\n`;
}

/** The two rule-based classifiers, as the bodies both notebooks use. */
const KEYWORDS = `({text}) => {
  const t = text.toLowerCase();
  if (/refund|charge|invoice|payment/.test(t)) return "billing";
  if (/crash|error|blank|does nothing/.test(t)) return "bug";
  if (/password|log in|account/.test(t)) return "account";
  return "question";
}`;

const QUESTION_FIRST = `({text}) => {
  const t = text.toLowerCase();
  if (t.trim().endsWith("?")) return "question";
  const evidence = {
    billing: ["refund", "charge", "invoice", "payment", "price", "receipt"],
    bug: ["crash", "error", "blank", "does nothing"],
    account: ["log in", "password", "account", "email address", "two-factor", "locked"]
  };
  let best = "question", bestScore = 0;
  for (const [label, words] of Object.entries(evidence)) {
    const score = words.filter((w) => t.includes(w)).length;
    if (score > bestScore) (best = label), (bestScore = score);
  }
  return best;
}`;

/** The Weft notebook: the rows as a dataset, two ops, one scorer, an evaluation, then its chart (the first chart of the page). */
export function weftNotebook(n: number): string {
  return `# A ${n.toLocaleString("en-US")}-row evaluation

Two rule-based classifiers over ${n.toLocaleString("en-US")} generated tickets, one trial each, scored by exact match.

\`\`\`js
const rows = await dataset.load("data/rows.jsonl")
\`\`\`

\`\`\`js
const keywords = op("keywords", ${KEYWORDS})
\`\`\`

\`\`\`js
const questionFirst = op("question-first", ${QUESTION_FIRST})
\`\`\`

\`\`\`js
const results = evaluate({dataset: rows, ops: {keywords, questionFirst}, trials: 1, scorers: {correct: scorers.exactMatch({expected: "label"})}})
\`\`\`

\`\`\`plot
data: results
chart: bars
x: op
y: score.correct
title: Accuracy per classifier (mean over ${n.toLocaleString("en-US")} rows, 95% CI)
\`\`\`

\`\`\`js
results.summary()
\`\`\`
`;
}

/**
 * The same evaluation as an Observable Notebook Kit notebook: the rows from a file attachment,
 * both classifiers and the exact-match score computed in the page (the Kit has no call cache
 * and no snapshot: a built notebook runs its cells in the browser), and a bar chart of the mean
 * per classifier. Plot is imported from node_modules (bundled by the build), since the Kit's
 * built-in \`Plot\` loads from cdn.jsdelivr.net, which this machine cannot reach.
 */
export function kitNotebook(n: number): string {
  // A <script> element's text is raw (no entities): the bodies only must not contain "</script".
  const cells = [
    ["text/markdown", `# A ${n.toLocaleString("en-US")}-row evaluation (Notebook Kit)`],
    ["module", `import * as Plot from "@observablehq/plot";`],
    ["module", `const rows = (await FileAttachment("data/rows.jsonl").text()).trim().split("\\n").map((line) => JSON.parse(line));`],
    ["module", `const keywords = ${KEYWORDS};`],
    ["module", `const questionFirst = ${QUESTION_FIRST};`],
    ["module", `const results = Object.entries({keywords, questionFirst}).flatMap(([op, f]) => rows.map((row) => {
  const output = f(row);
  return {op, id: row.id, output, correct: output === row.label ? 1 : 0};
}));`],
    ["module", `Plot.plot({
  title: "Accuracy per classifier (mean over ${n.toLocaleString("en-US")} rows)",
  y: {domain: [0, 1], grid: true},
  marks: [Plot.barY(results, Plot.groupX({y: "mean"}, {x: "op", y: "correct"})), Plot.ruleY([0])]
})`],
  ];
  return `<!doctype html>
<notebook theme="air">
  <title>A ${n.toLocaleString("en-US")}-row evaluation (Notebook Kit)</title>
${cells.map(([type, body], i) => `  <script id="${i + 1}" type="${type}">\n${body!}\n  </script>`).join("\n")}
</notebook>
`;
}
