// Generates notebooks/data/tickets.jsonl: support tickets for the eval demo, from templates
// with a seeded generator, so the file is reproducible. Run: node scripts/make-tickets.mjs
import { writeFileSync } from "node:fs";

let seed = 20261123;
const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const order = () => String(10000 + Math.floor(rand() * 89999));

const products = ["the mobile app", "the web dashboard", "the desktop client", "the checkout page", "the API", "the browser extension"];
const templates = {
  billing: [
    (o) => `I was charged twice for order #${o}, please refund the duplicate payment.`,
    (o) => `My invoice for order #${o} shows the wrong amount.`,
    () => `Why did my subscription renew at a higher price this month?`,
    (o) => `Refund request: order #${o} arrived damaged.`,
    () => `The payment failed but the money left my account anyway.`,
    (o) => `Please cancel order #${o} and return the charge to my card.`,
    () => `Can you send me a receipt for last month's payment?`,
  ],
  bug: [
    () => `${pick(products)} crashes when I open the settings screen.`,
    () => `I get an error 500 every time I save my profile in ${pick(products)}.`,
    () => `The export button does nothing in ${pick(products)}.`,
    () => `${pick(products)} freezes after I log in.`,
    (o) => `Tracking for order #${o} shows a blank page with a JavaScript error.`,
    () => `Notifications stopped working after the last update of ${pick(products)}.`,
    () => `Search results in ${pick(products)} are empty even though I have data.`,
  ],
  question: [
    () => `How do I export my data to CSV?`,
    () => `Is there a way to share a workspace with my team?`,
    (o) => `When will order #${o} be delivered?`,
    () => `Can I use ${pick(products)} offline?`,
    () => `What are your support hours on weekends?`,
    () => `Does the plan include an API key for automation?`,
  ],
  account: [
    () => `I can't log in, the password reset email never arrives.`,
    () => `Please delete my account and all associated data.`,
    () => `How do I change the email address on my account?`,
    () => `My account was locked after too many login attempts.`,
    () => `I want to enable two-factor authentication but the code is rejected.`,
  ],
};

const rows = [];
const labels = Object.keys(templates);
for (let i = 0; i < 320; i++) {
  const label = pick(labels);
  const o = order();
  const template = pick(templates[label]);
  const text = template(o);
  rows.push({ id: `T${String(i + 1).padStart(4, "0")}`, text, label, order_id: text.includes(`#${o}`) ? o : null });
}
writeFileSync(new URL("../notebooks/data/tickets.jsonl", import.meta.url), rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
console.log(`wrote ${rows.length} tickets`);
