// `npm run demo`: fills a RUNNING Closeness through its public API and signed webhooks, so the
// whole pipeline (ingestion → projections → follow-up worker) runs on believable data.
// Deterministic (seeded PRNG, ids from customer and touchpoint indexes) and idempotent: a second
// run finds every user, customer and touchpoint already there and adds nothing.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Webhook } from 'standardwebhooks';
import { deterministicId } from '../libs/shared/src/clock.js';

export interface DemoOptions {
  baseUrl: string;
  adminEmail: string;
  adminPassword: string;
  /** Number of customers (200 for the full demo). */
  customers?: number;
  /** Average touchpoints per customer, replies included (100 for the full demo). */
  touchpointsPerCustomer?: number;
  /** Send each customer's latest inbound message as a signed webhook (default true). */
  webhooks?: boolean;
  /** Progress bar on stderr (default: when stderr is a terminal). */
  progress?: boolean;
  /** Anchor of the time-relative dates (default: now). Ids never depend on it. */
  now?: Date;
}

export interface DemoUser {
  role: 'team_lead' | 'account_manager' | 'ops';
  name: string;
  email: string;
  password: string;
  id: string;
}

export interface DemoResult {
  users: DemoUser[];
  customers: { created: number; existing: number; ids: Map<string, string> };
  touchpoints: { sent: number; accepted: number; duplicates: number };
  webhooks: { sent: number; stored: number; duplicates: number; skipped?: string };
  outcomes: number;
  elapsedMs: number;
}

// The demo users' passwords are printed at the end: this is example data for a local install.
export const DEMO_USERS: Omit<DemoUser, 'id'>[] = [
  { role: 'team_lead', name: 'Ingrid Berg', email: 'ingrid.berg@example.com', password: 'closeness-lead-1' },
  { role: 'account_manager', name: 'Kari Nordmann', email: 'kari.nordmann@example.com', password: 'closeness-am-1' },
  { role: 'account_manager', name: 'Ola Hansen', email: 'ola.hansen@example.com', password: 'closeness-am-2' },
  { role: 'account_manager', name: 'Emma Wilson', email: 'emma.wilson@example.com', password: 'closeness-am-3' },
  { role: 'account_manager', name: 'James Carter', email: 'james.carter@example.com', password: 'closeness-am-4' },
  { role: 'ops', name: 'Olav Drift', email: 'ops@example.com', password: 'closeness-ops-1' },
];

const DAY = 86_400_000;
const HOUR = 3_600_000;
const BATCH = 1000;

// ---------------------------------------------------------------------------------------------
// Deterministic randomness: one generator per (purpose, customer index), so a reduced demo is a
// prefix of the full one and re-runs produce the same touchpoints.

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seedOf(...parts: (string | number)[]): number {
  let h = 2166136261;
  for (const ch of parts.join('|')) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

class Rng {
  private readonly next: () => number;
  constructor(...parts: (string | number)[]) {
    this.next = mulberry32(seedOf('closeness-demo-v1', ...parts));
  }
  float(): number {
    return this.next();
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  weighted<T extends string>(weights: Partial<Record<T, number>>): T {
    const entries = Object.entries(weights) as [T, number][];
    const total = entries.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [k, w] of entries) {
      r -= w;
      if (r <= 0) return k;
    }
    return entries[entries.length - 1][0];
  }
}

// ---------------------------------------------------------------------------------------------
// The customers: archetypes drive the contact patterns and the recorded outcomes.

export type Archetype = 'sliding' | 'steady' | 'detractor' | 'automated_returns' | 'mixed';

// Index order matters: every account manager gets a sliding customer among their first ones,
// so even a small demo has red customers and follow-ups.
const ARCHETYPE_SLOTS: Archetype[] = [
  'sliding', 'steady', 'detractor', 'automated_returns', 'steady', 'mixed', 'sliding', 'steady', 'mixed', 'steady',
  'detractor', 'steady', 'automated_returns', 'sliding', 'mixed', 'steady', 'sliding', 'steady', 'automated_returns', 'detractor',
];
export const archetypeOf = (i: number): Archetype => ARCHETYPE_SLOTS[i % ARCHETYPE_SLOTS.length];

const SEGMENTS = { enterprise: [400_000, 2_000_000], mid_market: [80_000, 400_000], smb: [10_000, 80_000], public_sector: [150_000, 900_000] } as const;
type Segment = keyof typeof SEGMENTS;

const NB_PREFIX = ['Fjord', 'Nordlys', 'Bølge', 'Vidde', 'Tind', 'Skog', 'Havbris', 'Stein', 'Elve', 'Polar'];
const NB_SUFFIX = ['Logistikk', 'Energi', 'Bygg', 'Helse', 'Handel', 'Data', 'Marin', 'Transport'];
const EN_PREFIX = ['Harbor', 'Summit', 'Bright', 'Oak', 'Riverside', 'Northwind', 'Keystone', 'Silver', 'Meadow', 'Beacon'];
const EN_SUFFIX = ['Logistics', 'Foods', 'Analytics', 'Health', 'Retail', 'Systems', 'Labs', 'Travel'];
const TIERS = ['', ' Group', ' Partners', ' Nordic'];
const NB_PEOPLE = ['Kari', 'Ingrid', 'Lars', 'Ola', 'Nora', 'Sindre', 'Marte', 'Jonas', 'Silje', 'Håkon'];
const EN_PEOPLE = ['Sarah', 'Tom', 'Emily', 'David', 'Grace', 'Oliver', 'Hannah', 'Michael'];
const SUPPORT_AGENTS = ['Lars (support)', 'Sofie (support)', 'Amir (support)', 'Helene (support)', 'Jon (support)'];

export interface DemoCustomer {
  index: number;
  externalId: string;
  name: string;
  contact: string;
  language: 'en' | 'nb';
  segment: Segment;
  annualValue: number;
  archetype: Archetype;
  amIndex: number;
  /** Days from now to the renewal that matters (negative: it already happened). */
  renewalInDays: number;
  /** For sliding customers: how many days ago personal contact started giving way to automation. */
  slideAgo: number;
  outcome: { type: 'renewed' | 'churned' | 'expanded' | 'downgraded'; daysAgo: number } | null;
}

export function demoCustomer(i: number): DemoCustomer {
  const rng = new Rng('customer', i);
  const language = rng.chance(0.45) ? 'nb' : 'en';
  const prefix = (language === 'nb' ? NB_PREFIX : EN_PREFIX)[i % 10];
  const suffix = (language === 'nb' ? NB_SUFFIX : EN_SUFFIX)[Math.floor(i / 10) % 8];
  const tier = TIERS[Math.floor(i / 80) % TIERS.length];
  const segment = rng.weighted<Segment>({ enterprise: 2, mid_market: 4, smb: 5, public_sector: 1.5 });
  const [lo, hi] = SEGMENTS[segment];
  const annualValue = Math.round((lo + rng.float() * (hi - lo)) / 1000) * 1000;
  const archetype = archetypeOf(i);
  const renewalInDays = rng.int(-330, 330);
  // Some slides are old news (red by now), some started recently (still yellow, trending down).
  const slideAgo = rng.int(70, 260);
  let outcome: DemoCustomer['outcome'] = null;
  if (renewalInDays < 0) {
    const daysAgo = -renewalInDays;
    // Outcomes follow the patterns: a slide that began ~6 months ago ends in churn at the next renewal.
    if (archetype === 'sliding') outcome = { type: daysAgo < slideAgo - 45 ? 'churned' : 'renewed', daysAgo };
    else if (archetype === 'detractor') outcome = { type: daysAgo < 200 && rng.chance(0.6) ? 'downgraded' : 'renewed', daysAgo };
    else if (archetype === 'automated_returns') outcome = { type: daysAgo < 150 && rng.chance(0.5) ? 'churned' : 'renewed', daysAgo };
    else if (archetype === 'steady') outcome = { type: rng.chance(0.35) ? 'expanded' : 'renewed', daysAgo };
    else outcome = { type: 'renewed', daysAgo };
  }
  return {
    index: i,
    externalId: `DEMO-${String(i + 1).padStart(4, '0')}`,
    name: `${prefix} ${suffix}${tier} ${language === 'nb' ? 'AS' : 'Ltd'}`,
    contact: rng.pick(language === 'nb' ? NB_PEOPLE : EN_PEOPLE),
    language,
    segment,
    annualValue,
    archetype,
    amIndex: i % 4,
    renewalInDays,
    slideAgo,
    outcome,
  };
}

// ---------------------------------------------------------------------------------------------
// The touchpoints: a year of contact per customer following its archetype.

type Channel = 'email' | 'phone' | 'meeting' | 'video' | 'chat' | 'chatbot' | 'sms' | 'support_ticket' | 'return' | 'survey' | 'newsletter' | 'in_app' | 'social' | 'letter' | 'other';

export interface DemoTouchpoint {
  id: string;
  externalId: string;
  customerExternalId: string;
  customerId?: string;
  customerName?: string;
  channel: Channel;
  direction: 'inbound' | 'outbound';
  initiatedBy: 'customer' | 'company';
  handledBy: 'human' | 'automation';
  occurredAt: string;
  agent?: { name: string };
  durationSeconds?: number;
  waitSeconds?: number;
  handoffs?: number;
  resolved?: boolean;
  topic?: string;
  subject?: string;
  summary?: string;
  transcript?: { speaker: 'customer' | 'agent' | 'bot'; text: string }[];
  survey?: { kind: 'nps' | 'csat' | 'ces'; score: number; comment?: string };
  replyToId?: string;
  language: string;
  tags?: string[];
}

const TOPICS = ['onboarding', 'invoice', 'delivery', 'integration', 'pricing', 'renewal', 'product feedback', 'outage', 'training', 'reporting', 'user access', 'data export', 'contract', 'mobile app', 'api', 'security review', 'billing address', 'new site', 'roadmap', 'performance'];

const LINES = {
  en: {
    open: ['How is the rollout going on your side?', 'What would make next quarter a success for you?', 'Tell me more about what happened with the delivery.', 'How are your users finding the new workflow?'],
    ack: ['I understand, that sounds frustrating.', 'Sorry to hear that — thank you for telling me.', 'I hear you, let us fix that together.'],
    customer: ['We have had a few issues with the last deliveries.', 'Things are mostly fine, the team likes the new reports.', 'Our finance team asked about the invoice again.', 'We are planning to expand to two more sites next year.'],
    push: ['Our new premium tier is available from next month.', 'Please see the attached offer.', 'Your case has been registered.'],
    bot: ['I am a virtual assistant. Please choose one of the options below.', 'I did not understand that. Please rephrase.', 'Your return label has been generated. Case closed.', 'Please visit our help centre for more information.'],
    customerBot: ['I want to talk to a person.', 'Where is my refund?', 'This is the third time I ask about this.'],
    close: ['Thanks for taking the time, I will follow up on Friday.', 'Great, I will send a summary today.'],
  },
  nb: {
    open: ['Hvordan går utrullingen hos dere?', 'Hva skal til for at neste kvartal blir vellykket for dere?', 'Fortell meg litt mer om hva som skjedde med leveransen.', 'Hvordan opplever brukerne den nye arbeidsflyten?'],
    ack: ['Jeg forstår, det høres frustrerende ut.', 'Beklager at dere har opplevd dette — takk for at du sier fra.', 'Jeg hører deg, la oss løse dette sammen.'],
    customer: ['Vi har hatt noen problemer med de siste leveransene.', 'Det går stort sett fint, teamet liker de nye rapportene.', 'Økonomiavdelingen spurte om fakturaen igjen.', 'Vi planlegger å utvide til to nye lokasjoner neste år.'],
    push: ['Vår nye premium-pakke er tilgjengelig fra neste måned.', 'Se vedlagte tilbud.', 'Saken din er registrert.'],
    bot: ['Jeg er en virtuell assistent. Velg et av alternativene under.', 'Jeg forsto ikke det. Prøv å formulere deg annerledes.', 'Returetiketten er laget. Saken er lukket.', 'Se vårt hjelpesenter for mer informasjon.'],
    customerBot: ['Jeg vil snakke med et menneske.', 'Hvor blir det av refusjonen min?', 'Dette er tredje gang jeg spør om dette.'],
    close: ['Takk for at du tok deg tid, jeg følger opp på fredag.', 'Flott, jeg sender et sammendrag i dag.'],
  },
};

type Kind =
  | 'meeting' | 'call' | 'video' | 'email_in_answered' | 'email_out_personal' | 'chat_human' | 'ticket_answered'
  | 'chatbot' | 'ticket_unanswered' | 'noreply_email' | 'newsletter' | 'upsell' | 'return_automated' | 'in_app'
  | 'survey_promoter' | 'survey_detractor' | 'survey_passive' | 'ticket_transferred' | 'sms_reminder' | 'letter' | 'social';

/** The mix of contact kinds for a customer at a point in the year (`ago` days before now). */
function mixFor(c: DemoCustomer, ago: number): Partial<Record<Kind, number>> {
  switch (c.archetype) {
    case 'steady':
      return { meeting: 3, call: 4, video: 2, email_in_answered: 4, email_out_personal: 3, chat_human: 2, ticket_answered: 2, newsletter: 1.5, survey_promoter: 0.8, survey_passive: 0.3, in_app: 0.5, letter: 0.2, social: 0.2 };
    case 'sliding':
      if (ago > c.slideAgo) return { meeting: 3, call: 4, video: 2, email_in_answered: 3, email_out_personal: 2, chat_human: 1, newsletter: 1, survey_promoter: 0.5 };
      if (ago > c.slideAgo / 2) return { call: 1, email_in_answered: 1.5, chatbot: 3, ticket_unanswered: 1, ticket_answered: 1.5, noreply_email: 2, newsletter: 2, upsell: 1, sms_reminder: 1 };
      return { chatbot: 5, ticket_unanswered: 2, noreply_email: 3, newsletter: 2, upsell: 1.5, survey_detractor: 0.5, in_app: 1, sms_reminder: 1, email_in_answered: 0.5 };
    case 'detractor':
      return { ticket_transferred: 2.5, ticket_answered: 2.5, ticket_unanswered: 0.5, chatbot: 1.5, call: 2, meeting: 0.6, email_in_answered: 2, email_out_personal: 1, survey_detractor: 0.5, survey_passive: 0.5, newsletter: 1, social: 0.3 };
    case 'automated_returns':
      return { return_automated: 4, chatbot: 2.5, noreply_email: 2, newsletter: 2, in_app: 1.5, sms_reminder: 1, call: 1.2, email_out_personal: 1, email_in_answered: 1, meeting: ago > 200 ? 0.6 : 0.2, survey_passive: 0.5, survey_detractor: 0.25 };
    case 'mixed':
      return { call: 2, email_in_answered: 3, email_out_personal: 1, chat_human: 2, chatbot: 2, ticket_answered: 2, newsletter: 2, upsell: 1, in_app: 1, survey_passive: 0.6, survey_promoter: 0.3, meeting: ago % 90 < 30 ? 1 : 0.3 };
  }
}

/** All touchpoints of one customer, oldest first; `perCustomer` is the average count including replies. */
export function demoTouchpoints(c: DemoCustomer, perCustomer: number, amName: string, now: Date): DemoTouchpoint[] {
  const rng = new Rng('touchpoints', c.index);
  const lang = LINES[c.language];
  const target = Math.max(3, Math.round(perCustomer * (0.8 + rng.float() * 0.4)));
  // Replies add roughly a quarter on top of the primary contacts.
  const primaries = Math.max(3, Math.round(target / 1.25));
  const churnedAgo = c.outcome && c.outcome.type === 'churned' ? c.outcome.daysAgo : null;
  const ages: number[] = [];
  for (let k = 0; k < primaries; k++) ages.push(365 * rng.float() ** (c.archetype === 'sliding' ? 0.9 : 1));
  ages.sort((a, b) => b - a);

  const out: DemoTouchpoint[] = [];
  let seq = 0;
  let recurring = rng.pick(TOPICS);
  const base = (ago: number, extra: Partial<DemoTouchpoint>): DemoTouchpoint => {
    const k = seq++;
    // Never in the future: the newest contact is at least 20 minutes old.
    const at = new Date(now.getTime() - Math.max(ago * DAY, 20 * 60_000));
    return {
      id: deterministicId('demo', 'touchpoint', String(c.index), String(k)),
      externalId: `demo-${c.index}-${k}`,
      customerExternalId: c.externalId,
      channel: 'other',
      direction: 'outbound',
      initiatedBy: 'company',
      handledBy: 'human',
      occurredAt: at.toISOString(),
      language: c.language,
      ...extra,
    };
  };
  const say = (speaker: 'customer' | 'agent' | 'bot', text: string) => ({ speaker, text });

  for (const ago of ages) {
    // After a churn only the automated mailings keep coming.
    const kind: Kind = churnedAgo !== null && ago < churnedAgo ? rng.weighted<Kind>({ newsletter: 3, noreply_email: 1 }) : rng.weighted(mixFor(c, ago));
    const topic = c.archetype === 'detractor' && rng.chance(0.35) ? recurring : rng.pick(TOPICS);
    if (rng.chance(0.1)) recurring = rng.pick(TOPICS);
    const humanAgent = { name: amName };
    const support = { name: rng.pick(SUPPORT_AGENTS) };
    switch (kind) {
      case 'meeting':
      case 'video':
      case 'call': {
        const channel: Channel = kind === 'call' ? 'phone' : kind;
        const inbound = kind === 'call' && rng.chance(0.4);
        out.push(base(ago, {
          channel, direction: inbound ? 'inbound' : 'outbound', initiatedBy: inbound ? 'customer' : rng.chance(0.5) ? 'customer' : 'company',
          handledBy: 'human', agent: humanAgent, durationSeconds: kind === 'meeting' ? rng.int(1800, 5400) : rng.int(300, 2400), waitSeconds: inbound ? rng.int(5, 60) : 0,
          handoffs: 0, resolved: true, topic, subject: kind === 'meeting' ? `Quarterly review with ${c.contact}` : `Check-in with ${c.contact}`,
          summary: `${amName} and ${c.contact} talked about ${topic}; agreed next steps.`,
          transcript: [say('agent', rng.pick(lang.open)), say('customer', rng.pick(lang.customer)), say('agent', rng.pick(lang.ack)), say('customer', rng.pick(lang.customer)), say('agent', rng.pick(lang.close))],
        }));
        break;
      }
      case 'email_in_answered':
      case 'ticket_answered':
      case 'chat_human': {
        const channel: Channel = kind === 'email_in_answered' ? 'email' : kind === 'chat_human' ? 'chat' : 'support_ticket';
        const inbound = base(ago, {
          channel, direction: 'inbound', initiatedBy: 'customer', handledBy: 'human', topic,
          subject: `${topic.charAt(0).toUpperCase()}${topic.slice(1)} question`, summary: rng.pick(lang.customer), agent: channel === 'email' ? humanAgent : support,
        });
        out.push(inbound);
        const replyAgo = Math.max(0.015, ago - rng.float() * (c.archetype === 'steady' ? 0.2 : 0.9));
        out.push(base(replyAgo, {
          channel, direction: 'outbound', initiatedBy: 'customer', handledBy: 'human', agent: channel === 'email' ? humanAgent : support,
          replyToId: inbound.id, topic, resolved: c.archetype !== 'detractor' || rng.chance(0.5), handoffs: 0, waitSeconds: rng.int(30, 600),
          summary: `Hi ${c.contact}, ${rng.pick(lang.ack)} ${rng.pick(lang.open)}`,
          transcript: channel === 'chat' ? [say('customer', rng.pick(lang.customer)), say('agent', rng.pick(lang.ack)), say('agent', rng.pick(lang.open)), say('customer', rng.pick(lang.customer))] : undefined,
        }));
        break;
      }
      case 'email_out_personal':
        out.push(base(ago, { channel: 'email', direction: 'outbound', initiatedBy: 'company', handledBy: 'human', agent: humanAgent, topic, subject: `Following up, ${c.contact}`, summary: `Hi ${c.contact}, ${rng.pick(lang.open)}` }));
        break;
      case 'chatbot':
        out.push(base(ago, {
          channel: 'chatbot', direction: 'inbound', initiatedBy: 'customer', handledBy: 'automation', agent: { name: 'Chatbot Ada' }, topic, resolved: rng.chance(0.3), handoffs: rng.int(0, 2),
          transcript: [say('customer', rng.pick(lang.customerBot)), say('bot', rng.pick(lang.bot)), say('customer', rng.pick(lang.customerBot)), say('bot', rng.pick(lang.bot))],
        }));
        break;
      case 'ticket_unanswered':
        out.push(base(ago, { channel: rng.chance(0.6) ? 'support_ticket' : 'email', direction: 'inbound', initiatedBy: 'customer', handledBy: 'human', topic, subject: `Still waiting: ${topic}`, summary: rng.pick(lang.customerBot), resolved: false }));
        break;
      case 'ticket_transferred': {
        const inbound = base(ago, { channel: 'support_ticket', direction: 'inbound', initiatedBy: 'customer', handledBy: 'human', topic, subject: `Again about ${topic}`, summary: rng.pick(lang.customerBot), agent: support });
        out.push(inbound);
        out.push(base(Math.max(0.015, ago - 1 - rng.float() * 3), {
          channel: 'support_ticket', direction: 'outbound', initiatedBy: 'customer', handledBy: 'human', agent: { name: rng.pick(SUPPORT_AGENTS) }, replyToId: inbound.id, topic,
          handoffs: rng.int(2, 4), waitSeconds: rng.int(1800, 14_400), resolved: rng.chance(0.3), summary: rng.pick(lang.push),
        }));
        break;
      }
      case 'noreply_email':
        out.push(base(ago, { channel: 'email', direction: 'outbound', initiatedBy: 'company', handledBy: 'automation', agent: { name: 'no-reply' }, topic, subject: 'Your case has been updated', summary: rng.pick(lang.push) }));
        break;
      case 'newsletter':
        out.push(base(ago, { channel: 'newsletter', direction: 'outbound', initiatedBy: 'company', handledBy: 'automation', subject: 'News from us this month', tags: ['newsletter'] }));
        break;
      case 'upsell':
        out.push(base(ago, { channel: rng.chance(0.5) ? 'email' : 'phone', direction: 'outbound', initiatedBy: 'company', handledBy: rng.chance(0.5) ? 'automation' : 'human', topic: 'pricing', subject: 'An offer for you', summary: rng.pick(lang.push), tags: ['campaign'], transcript: undefined }));
        break;
      case 'return_automated':
        out.push(base(ago, {
          channel: 'return', direction: 'inbound', initiatedBy: 'customer', handledBy: 'automation', agent: { name: 'Returns portal' }, topic: 'return', resolved: true,
          summary: 'Return registered in the self-service portal; label sent automatically.',
        }));
        break;
      case 'in_app':
        out.push(base(ago, { channel: 'in_app', direction: 'outbound', initiatedBy: 'company', handledBy: 'automation', subject: 'Tip: try the new dashboard', topic: 'product feedback' }));
        break;
      case 'sms_reminder':
        out.push(base(ago, { channel: 'sms', direction: 'outbound', initiatedBy: 'company', handledBy: 'automation', summary: 'Reminder: your invoice is due.', topic: 'invoice' }));
        break;
      case 'letter':
        out.push(base(ago, { channel: 'letter', direction: 'outbound', initiatedBy: 'company', handledBy: 'human', agent: humanAgent, subject: 'Thank you for a good year', topic: 'renewal' }));
        break;
      case 'social':
        out.push(base(ago, { channel: 'social', direction: 'inbound', initiatedBy: 'customer', handledBy: 'human', agent: support, summary: c.archetype === 'detractor' ? rng.pick(lang.customerBot) : rng.pick(lang.customer), topic }));
        break;
      case 'survey_promoter':
      case 'survey_passive':
      case 'survey_detractor': {
        const score = kind === 'survey_promoter' ? rng.int(9, 10) : kind === 'survey_passive' ? rng.int(7, 8) : rng.int(1, 5);
        const comment = kind === 'survey_detractor'
          ? (c.language === 'nb' ? 'Ingen lytter. Vi snakker bare med roboter.' : 'Nobody listens. We only ever talk to bots.')
          : kind === 'survey_promoter'
            ? (c.language === 'nb' ? `${amName} kjenner oss og følger opp.` : `${amName} knows us and follows up.`)
            : undefined;
        out.push(base(ago, { channel: 'survey', direction: 'inbound', initiatedBy: 'company', handledBy: 'automation', survey: { kind: 'nps', score, ...(comment ? { comment } : {}) }, topic: 'survey' }));
        break;
      }
    }
  }
  // Oldest first; replies always after what they answer.
  return out.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
}

// ---------------------------------------------------------------------------------------------
// The HTTP side.

class Http {
  token = '';
  constructor(private readonly baseUrl: string) {}

  async call<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, raw?: string): Promise<{ status: number; body: T }> {
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(`${this.baseUrl}${path}`, {
          method,
          headers: {
            accept: 'application/json',
            ...(body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {}),
            ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
            ...headers,
          },
          body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
        });
      } catch (err) {
        if (attempt < 4) {
          await sleep(500 * (attempt + 1));
          continue;
        }
        throw new Error(`cannot reach ${this.baseUrl}${path}: ${(err as Error).message}`, { cause: err });
      }
      // Busy or restarting server: back off and retry (every write here is idempotent).
      if ((res.status === 503 || res.status === 429) && attempt < 6) {
        await sleep(Number(res.headers.get('retry-after') ?? 1) * 1000);
        continue;
      }
      const text = await res.text();
      let parsed: any = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {}
      return { status: res.status, body: parsed as T };
    }
  }

  async ok<T = any>(method: string, path: string, body?: unknown, accept: number[] = [200, 201]): Promise<{ status: number; body: T }> {
    const res = await this.call<T>(method, path, body);
    if (!accept.includes(res.status)) throw new Error(`${method} ${path} answered ${res.status}: ${describeProblem(res.body)}`);
    return res;
  }
}

function describeProblem(body: any): string {
  if (!body || typeof body !== 'object') return String(body).slice(0, 300);
  const errors = Array.isArray(body.errors) ? ` ${body.errors.slice(0, 5).map((e: any) => `${e.path}: ${e.message}`).join('; ')}` : '';
  return `${body.title ?? ''} ${body.detail ?? ''}${errors}`.trim();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i], i);
      }
    }),
  );
}

class Progress {
  private last = '';
  // A terminal gets a live bar; a log file gets one line per finished stage.
  private readonly live = process.stderr.isTTY === true;
  constructor(private readonly enabled: boolean) {}
  update(stage: string, done: number, total: number): void {
    if (!this.enabled) return;
    if (!this.live) {
      if (done >= total) process.stderr.write(`${stage.padEnd(12)} done: ${done}/${total}\n`);
      return;
    }
    const width = 30;
    const ratio = total ? Math.min(1, done / total) : 1;
    const filled = Math.round(ratio * width);
    const line = `\r${stage.padEnd(12)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(ratio * 100)).padStart(3)}% ${done}/${total}`;
    if (line === this.last) return;
    this.last = line;
    process.stderr.write(line);
    if (done >= total) process.stderr.write('\n');
  }
  note(text: string): void {
    if (this.enabled) process.stderr.write(`${text}\n`);
  }
}

async function listAll(http: Http, path: string): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 200; page++) {
    const sep = path.includes('?') ? '&' : '?';
    const res: { status: number; body: any } = await http.call('GET', `${path}${sep}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${describeProblem(res.body)}`);
    const body: any = res.body;
    items.push(...(Array.isArray(body) ? body : (body?.items ?? [])));
    cursor = Array.isArray(body) ? null : (body?.nextCursor ?? null);
    if (!cursor) return items;
  }
  return items;
}

async function ensureUsers(http: Http): Promise<DemoUser[]> {
  const users: DemoUser[] = [];
  let existing: any[] | null = null;
  let leadId: string | undefined;
  for (const u of DEMO_USERS) {
    const body = { email: u.email, name: u.name, password: u.password, role: u.role, ...(u.role === 'account_manager' && leadId ? { teamLeadId: leadId } : {}) };
    const res = await http.call('POST', '/api/v1/users', body);
    let id: string | undefined;
    if (res.status === 201 || res.status === 200) id = res.body.id;
    else if (res.status === 409) {
      existing ??= await listAll(http, '/api/v1/users');
      id = existing.find((x) => String(x.email).toLowerCase() === u.email)?.id;
      if (!id) throw new Error(`user ${u.email} exists but GET /users does not list it`);
    } else throw new Error(`POST /users (${u.email}) answered ${res.status}: ${describeProblem(res.body)}`);
    if (u.role === 'team_lead') leadId = id;
    users.push({ ...u, id: id! });
  }
  return users;
}

function renewalDate(c: DemoCustomer, now: Date): string {
  // A renewal that already happened rolls over to next year unless the customer churned.
  const days = c.renewalInDays < 0 && c.outcome?.type !== 'churned' ? c.renewalInDays + 365 : c.renewalInDays;
  return new Date(now.getTime() + days * DAY).toISOString().slice(0, 10);
}

/**
 * Fills the Closeness at `baseUrl` with the demo data set. Safe to run again: users and customers
 * that exist are reused, touchpoints and webhook deliveries carry fixed ids.
 */
export async function runDemo(opts: DemoOptions): Promise<DemoResult> {
  const started = performance.now();
  const n = opts.customers ?? 200;
  const perCustomer = opts.touchpointsPerCustomer ?? 100;
  const now = opts.now ?? new Date();
  const progress = new Progress(opts.progress ?? process.stderr.isTTY === true);
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');
  const http = new Http(baseUrl);

  const login = await http.call('POST', '/api/v1/auth/login', { email: opts.adminEmail, password: opts.adminPassword });
  if (login.status !== 200 || !login.body?.token) throw new Error(`admin login as ${opts.adminEmail} failed (${login.status}): ${describeProblem(login.body)}`);
  http.token = login.body.token;

  progress.note(`Closeness demo → ${baseUrl}: ${n} customers, about ${n * perCustomer} touchpoints`);
  const users = await ensureUsers(http);
  const ams = users.filter((u) => u.role === 'account_manager');

  // Customers: created through the API; an existing externalId (409) is looked up once.
  const customers = Array.from({ length: n }, (_, i) => demoCustomer(i));
  const ids = new Map<string, string>();
  const createdNow = new Set<string>();
  let existing = 0;
  let done = 0;
  await pool(customers, 8, async (c) => {
    const am = ams[c.amIndex % ams.length];
    const res = await http.call('POST', '/api/v1/customers', {
      externalId: c.externalId, name: c.name, segment: c.segment, accountManagerId: am.id, renewalDate: renewalDate(c, now), annualValue: c.annualValue,
    });
    if (res.status === 201 || res.status === 200) {
      ids.set(c.externalId, res.body.id);
      createdNow.add(c.externalId);
    } else if (res.status === 409) existing++;
    else throw new Error(`POST /customers (${c.externalId}) answered ${res.status}: ${describeProblem(res.body)}`);
    progress.update('customers', ++done, n);
  });
  if (existing > 0) {
    const listed = await listAll(http, '/api/v1/customers?sort=name').catch(() => []);
    for (const row of listed) if (row.externalId && !ids.has(row.externalId)) ids.set(row.externalId, row.id);
  }

  // Touchpoints: every customer's year; each customer's latest inbound message goes by webhook.
  const all: DemoTouchpoint[] = [];
  const viaWebhook: DemoTouchpoint[] = [];
  for (const c of customers) {
    const tps = demoTouchpoints(c, perCustomer, ams[c.amIndex % ams.length].name, now);
    const customerId = ids.get(c.externalId);
    for (const tp of tps) {
      if (customerId) tp.customerId = customerId;
      else tp.customerName = c.name;
    }
    const lastInbound = opts.webhooks === false ? -1 : tps.findLastIndex((t) => t.direction === 'inbound' && t.channel !== 'survey');
    tps.forEach((tp, k) => (k === lastInbound ? viaWebhook : all).push(tp));
  }
  const touchpoints = { sent: 0, accepted: 0, duplicates: 0 };
  progress.update('touchpoints', 0, all.length);
  const batches: DemoTouchpoint[][] = [];
  for (let k = 0; k < all.length; k += BATCH) batches.push(all.slice(k, k + BATCH));
  await pool(batches, 2, async (batch) => {
    // customerId and customerExternalId are alternatives in the contract: send one.
    const body = { touchpoints: batch.map(({ customerExternalId, ...tp }) => (tp.customerId ? tp : { ...tp, customerExternalId })) };
    const res = await http.ok('POST', '/api/v1/touchpoints/batch', body);
    touchpoints.sent += batch.length;
    touchpoints.accepted += res.body.accepted ?? 0;
    touchpoints.duplicates += res.body.duplicates ?? 0;
    progress.update('touchpoints', touchpoints.sent, all.length);
  });

  // Signed webhooks from a "helpdesk" source (Standard Webhooks).
  const webhooks: DemoResult['webhooks'] = { sent: 0, stored: 0, duplicates: 0 };
  if (viaWebhook.length) {
    const secret = await webhookSecret(http);
    if (!secret) {
      webhooks.skipped = 'the sources API is not available; those touchpoints went through the batch endpoint';
      const res = await http.ok('POST', '/api/v1/touchpoints/batch', { touchpoints: viaWebhook.map(({ customerExternalId, ...tp }) => (tp.customerId ? tp : { ...tp, customerExternalId })) });
      touchpoints.sent += viaWebhook.length;
      touchpoints.accepted += res.body.accepted ?? 0;
      touchpoints.duplicates += res.body.duplicates ?? 0;
    } else {
      const wh = new Webhook(secret.secret);
      await pool(viaWebhook, 8, async (tp) => {
        const { customerExternalId, ...rest } = tp;
        const payload = JSON.stringify(rest.customerId ? rest : { ...rest, customerExternalId });
        const msgId = `msg_demo_${tp.externalId}`;
        const ts = new Date();
        const res = await http.call('POST', `/api/v1/webhooks/${secret.id}`, undefined, {
          'webhook-id': msgId,
          'webhook-timestamp': String(Math.floor(ts.getTime() / 1000)),
          'webhook-signature': wh.sign(msgId, ts, payload),
        }, payload);
        if (res.status === 202) webhooks.stored++;
        else if (res.status === 200) webhooks.duplicates++;
        else throw new Error(`webhook ${msgId} answered ${res.status}: ${describeProblem(res.body)}`);
        progress.update('webhooks', ++webhooks.sent, viaWebhook.length);
      });
    }
  }

  // Outcomes only for customers this run created: a re-run must not record a renewal twice.
  let outcomes = 0;
  const withOutcome = customers.filter((c) => c.outcome && createdNow.has(c.externalId));
  await pool(withOutcome, 8, async (c) => {
    const occurredAt = new Date(now.getTime() - c.outcome!.daysAgo * DAY - 2 * HOUR).toISOString();
    await http.ok('POST', `/api/v1/customers/${ids.get(c.externalId)}/outcomes`, { type: c.outcome!.type, occurredAt });
    outcomes++;
    progress.update('outcomes', outcomes, withOutcome.length);
  });

  return {
    users,
    customers: { created: createdNow.size, existing, ids },
    touchpoints,
    webhooks,
    outcomes,
    elapsedMs: Math.round(performance.now() - started),
  };
}

const SOURCE_NAME = 'Demo helpdesk';

/** The demo's webhook source and a secret valid now: created once, its secret rotated on re-runs. */
async function webhookSecret(http: Http): Promise<{ id: string; secret: string } | null> {
  const list = await http.call('GET', '/api/v1/sources');
  if (list.status === 200) {
    const rows = Array.isArray(list.body) ? list.body : (list.body?.items ?? []);
    const found = rows.find((s: any) => s.name === SOURCE_NAME && s.format === 'touchpoint');
    if (found) {
      const rotated = await http.call('POST', `/api/v1/sources/${found.id}/rotate-secret`);
      if ((rotated.status === 200 || rotated.status === 201) && rotated.body?.secret) return { id: found.id, secret: rotated.body.secret };
    }
  }
  const created = await http.call('POST', '/api/v1/sources', { name: SOURCE_NAME, format: 'touchpoint' });
  if ((created.status === 201 || created.status === 200) && created.body?.secret) return { id: created.body.id, secret: created.body.secret };
  if (created.status === 404 || created.status === 405) return null;
  throw new Error(`POST /sources answered ${created.status}: ${describeProblem(created.body)}`);
}

function printSummary(result: DemoResult, baseUrl: string, adminEmail: string): void {
  const lines = [
    '',
    `Closeness demo ready in ${(result.elapsedMs / 1000).toFixed(1)} s`,
    `  customers:   ${result.customers.created} created, ${result.customers.existing} already there`,
    `  touchpoints: ${result.touchpoints.accepted} stored, ${result.touchpoints.duplicates} already there`,
    `  webhooks:    ${result.webhooks.skipped ? `skipped (${result.webhooks.skipped})` : `${result.webhooks.stored} stored, ${result.webhooks.duplicates} already there`}`,
    `  outcomes:    ${result.outcomes} recorded`,
    '',
    `Open ${baseUrl}/ and sign in as:`,
    `  admin            ${adminEmail.padEnd(28)} (password from ADMIN_PASSWORD)`,
    ...result.users.map((u) => `  ${u.role.replace('_', ' ').padEnd(16)} ${u.email.padEnd(28)} ${u.password}   (${u.name})`),
    '',
    'The worker scores the touchpoints and raises follow-ups in the background: the portfolio shows every',
    'customer red, yellow or green once it has caught up (GET /ops/projections shows the lag). Silence',
    '(unanswered messages, relationships gone quiet) is recorded by the scheduled silence check, which runs',
    'at every quarter hour by default (SILENCE_CHECK_CRON), so those drivers appear after the next one.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

async function main(): Promise<void> {
  const baseUrl = process.env.DEMO_URL ?? 'http://127.0.0.1:3000';
  const adminEmail = process.env.ADMIN_EMAIL;
  const adminPassword = process.env.ADMIN_PASSWORD;
  if (!adminEmail || !adminPassword) {
    process.stderr.write('closeness demo: set ADMIN_EMAIL and ADMIN_PASSWORD (the admin of the running Closeness)\n');
    process.exit(78);
  }
  const result = await runDemo({
    baseUrl,
    adminEmail,
    adminPassword,
    customers: process.env.DEMO_CUSTOMERS ? Number(process.env.DEMO_CUSTOMERS) : 200,
    touchpointsPerCustomer: process.env.DEMO_TOUCHPOINTS_PER_CUSTOMER ? Number(process.env.DEMO_TOUCHPOINTS_PER_CUSTOMER) : 100,
    progress: true,
  });
  printSummary(result, baseUrl.replace(/\/+$/, ''), adminEmail);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    process.stderr.write(`\ncloseness demo failed: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
