// Ticket-like texts for bench/analysis/pipeline.ts and the responsiveness page (Node and the
// browser): seeded variations of the support tickets in notebooks/data/tickets.jsonl (51
// distinct templates once order numbers are taken out), so that n texts are mostly distinct
// and read like real requests: a greeting or none, the ticket with its product and order
// number varied, sometimes a second ticket of the same kind, a detail (device, time) and a
// closing or a signed-off name or none.

import { Random } from "ml-random";

/** A ticket as notebooks/data/tickets.jsonl holds it (only these fields are read). */
export interface Ticket {
  readonly text: string;
  readonly label: string;
}

const PRODUCTS = ["the API", "the browser extension", "the checkout page", "the desktop client", "the mobile app", "the web dashboard", "the admin console", "the iPad app", "the Android app", "the reports page"];
const GREETINGS = ["", "", "", "Hi,", "Hello,", "Hi team,", "Good morning,", "Hey support,", "Dear support team,", "Hello there,", "Urgent:", "Quick question:", "Hi again,"];
const CLOSINGS = ["", "", "", "Thanks.", "Thank you!", "Please help.", "Any update would be appreciated.", "This is blocking my work.", "Please advise asap.", "Can someone look into this today?", "I have attached a screenshot."];
const SIGN_OFFS = ["Regards", "Thanks in advance", "Cheers", "Best", "Kind regards", "Thanks"];
const NAMES = ["Sam", "Priya", "Tom", "Lena", "Ahmed", "Julia", "Kenji", "Maria", "Olu", "Chen", "Fatima", "Lucas", "Noor", "Ivan", "Grace", "Mateo", "Aisha", "Ben", "Sofia", "Raj", "Emma", "Yusuf", "Hana", "Leo", "Zoe", "Omar", "Mia", "Jonas", "Elif", "Dan"];
const DETAILS = ["", "", "", "", "This started yesterday.", "It happens on Chrome and Firefox.", "I am on Windows 11.", "I am using macOS Sonoma.", "It also happens on my phone.", "This is the third time this week.", "My colleague sees the same thing.", "We are on the business plan.", "I already cleared the cache.", "It worked fine last month.", "I tried reinstalling, no luck.", "Our whole team is affected."];
const PRODUCT_PATTERN = /\b(the|The) (API|browser extension|checkout page|desktop client|mobile app|web dashboard)\b/;

/** A seeded uniform random number generator in [0, 1) (ml-random's). */
export function seeded(seed: number): () => number {
  const random = new Random(seed);
  return () => random.random();
}

/** The tickets of a tickets.jsonl text. */
export function parseTickets(jsonl: string): Ticket[] {
  return jsonl
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as Ticket);
}

/** `n` ticket-like texts, seeded: the same tickets, n and seed give the same texts. */
export function ticketTexts(tickets: readonly Ticket[], n: number, seed: number): string[] {
  const random = seeded(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const byLabel = new Map<string, Ticket[]>();
  for (const t of tickets) byLabel.set(t.label, [...(byLabel.get(t.label) ?? []), t]);
  const vary = (text: string) =>
    text
      .replace(/#\d+/g, () => `#${10000 + Math.floor(random() * 90000)}`)
      .replace(PRODUCT_PATTERN, (match) => {
        const product = pick(PRODUCTS);
        return match[0] === "T" ? product[0]!.toUpperCase() + product.slice(1) : product;
      });
  const texts: string[] = [];
  for (let i = 0; i < n; i++) {
    const ticket = pick(tickets);
    const parts = [pick(GREETINGS), vary(ticket.text)];
    if (random() < 0.3) parts.push(`Also: ${vary(pick(byLabel.get(ticket.label)!).text)}`);
    parts.push(pick(DETAILS), random() < 0.4 ? `${pick(SIGN_OFFS)}, ${pick(NAMES)}` : pick(CLOSINGS));
    texts.push(parts.filter(Boolean).join(" "));
  }
  return texts;
}
