// A year of touchpoints for one demo customer, drawn from its story: the story's relational level
// at each moment decides how often the account manager is in touch, who handles the customer's
// questions (a person who asks and owns it, or a chatbot and a template), how the customer ends
// each conversation, what they answer in surveys. Broadcasts keep their own calendar (a monthly
// newsletter goes out once a month, on the same day for everyone).
import { deterministicId } from '../../libs/shared/src/clock.js';
import { churnAgo, DAY, HOUR, levelAt, Rng, SEGMENTS, type DemoCustomer } from './stories.js';
import {
  chatbotConversation,
  checkInAnswer,
  checkInConversation,
  checkInEmail,
  customerMessage,
  drawFacts,
  inAppTip,
  invoiceMail,
  MONTHS,
  neutralConversation,
  neutralReply,
  newsletter,
  paymentReminder,
  pushOffer,
  relationalConversation,
  relationalReply,
  renewalReminder,
  subjectOf,
  surveyComment,
  templatedReply,
  THEMES,
  TOPICS,
  transactionalCall,
  type Facts,
  type Theme,
  type Topic,
  type Turn,
} from './texts.js';

export type Channel = 'email' | 'phone' | 'meeting' | 'video' | 'chat' | 'chatbot' | 'sms' | 'support_ticket' | 'return' | 'survey' | 'newsletter' | 'in_app' | 'social' | 'letter' | 'other';

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
  transcript?: Turn[];
  survey?: { kind: 'nps' | 'csat' | 'ces'; score: number; comment?: string };
  replyToId?: string;
  language: string;
  tags?: string[];
}

/** How a contact was handled in the story (kept in the ground truth, never sent). */
export type Style = 'relational' | 'neutral' | 'transactional' | 'broadcast';

const SUPPORT_AGENTS = ['Lars Moe', 'Sofie Dahl', 'Amir Khan', 'Helene Berg', 'Jon Lie'];
const BOT = { name: 'Chatbot Ada' };
const NO_REPLY = { name: 'no-reply' };

/** Average touchpoints per customer of the full demo (density 1): the scale for `perCustomer`. */
export const NATURAL_PER_CUSTOMER = 90;

const clamp = (x: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, x));

export interface GeneratedTouchpoints {
  touchpoints: DemoTouchpoint[];
  styles: Record<Style, number>;
  /** touchpoint id → how the story had it handled. */
  styleOf: Map<string, Style>;
}

/** All touchpoints of one customer, oldest first. */
export function demoTouchpoints(c: DemoCustomer, perCustomer: number, amName: string, now: Date, seed = 'v2'): DemoTouchpoint[] {
  return generateTouchpoints(c, perCustomer, amName, now, seed).touchpoints;
}

export function generateTouchpoints(c: DemoCustomer, perCustomer: number, amName: string, now: Date, seed = 'v2'): GeneratedTouchpoints {
  const rng = new Rng(seed, 'touchpoints', c.index);
  const density = clamp(perCustomer / NATURAL_PER_CUSTOMER, 0.05, 4);
  const seg = SEGMENTS[c.segment];
  // Everything is drawn relative to the start of the run's UTC day, so two runs on the same day
  // draw the same touchpoints under the same ids (idempotent), and nothing lies in the future.
  const nowMs = Math.floor(now.getTime() / DAY) * DAY;
  const latest = nowMs - 60_000;
  const startMs = nowMs - 365 * DAY;
  const churned = churnAgo(c);
  const endAgo = churned ?? 0; // nothing personal after a churn
  const out: { tp: DemoTouchpoint; style: Style }[] = [];
  let seq = 0;
  const lang = c.language;
  const am = { name: amName };

  const agoOf = (ms: number) => (nowMs - ms) / DAY;
  /** A working-hours moment on the day `ago` days back (moved off weekends, never after `latest`). */
  const workMoment = (ago: number, r: Rng = rng): number => {
    let dayStart = Math.floor((nowMs - ago * DAY) / DAY) * DAY;
    const wd = new Date(dayStart).getUTCDay();
    if (wd === 6) dayStart -= DAY;
    if (wd === 0) dayStart -= 2 * DAY;
    let t = dayStart + (7 + r.float() * 8) * HOUR;
    while (t > latest) t -= DAY;
    return t;
  };
  const push = (atMs: number, style: Style, extra: Partial<DemoTouchpoint> & Pick<DemoTouchpoint, 'channel' | 'direction' | 'initiatedBy' | 'handledBy'>): DemoTouchpoint | null => {
    if (atMs < startMs || atMs > latest) return null;
    const k = seq++;
    const tp: DemoTouchpoint = {
      id: deterministicId('demo', seed, 'touchpoint', String(c.index), String(k)),
      externalId: `demo-${c.index}-${k}`,
      customerExternalId: c.externalId,
      occurredAt: new Date(Math.round(atMs)).toISOString(),
      language: lang,
      ...extra,
    };
    out.push({ tp, style });
    return tp;
  };
  const facts = (atMs: number, topic: Topic, agent: string): Facts => drawFacts(rng, lang, topic, c.contact.first, agent, new Date(atMs).getUTCMonth());
  const level = (atMs: number) => clamp(levelAt(c, agoOf(atMs)) + rng.noise() * 0.05, 0.02, 0.98);
  const alive = (atMs: number) => churned === null || agoOf(atMs) > churned;

  // ---- Broadcasts: the company's calendar, one per month (the second working day, 07:30 UTC).
  const first = new Date(startMs);
  for (let m = 0; m <= 12; m++) {
    const monthStart = Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + m, 1);
    const monthIndex = new Date(monthStart).getUTCMonth();
    const year = new Date(monthStart).getUTCFullYear();
    let d = monthStart;
    let working = 0;
    while (working < 2) {
      const wd = new Date(d).getUTCDay();
      if (wd !== 0 && wd !== 6) working++;
      if (working < 2) d += DAY;
    }
    if (!alive(d)) continue;
    if (c.newsletter) {
      const n = newsletter(lang, monthIndex, year, 0);
      push(d + 7.5 * HOUR, 'broadcast', { channel: 'newsletter', direction: 'outbound', initiatedBy: 'company', handledBy: 'automation', subject: n.subject, summary: n.summary, topic: 'newsletter', tags: ['newsletter'] });
    }
    // Invoices: monthly for smaller customers, quarterly for the large ones (on the 1st, 06:00).
    const quarterly = c.segment === 'enterprise' || c.segment === 'public_sector';
    if (!quarterly || monthIndex % 3 === 0) {
      const invoiceNo = 300_000 + c.index * 100 + m;
      const inv = invoiceMail(lang, monthIndex, year, invoiceNo);
      const at = monthStart + 6 * HOUR;
      push(at, 'broadcast', { channel: 'email', direction: 'outbound', initiatedBy: 'company', handledBy: 'automation', agent: NO_REPLY, subject: inv.subject, summary: inv.summary, topic: 'invoice', tags: ['invoice'] });
      // A customer drifting away pays late: a reminder by SMS.
      if (level(at) < 0.4 && rng.chance(0.35)) {
        const due = new Date(at + 14 * DAY).toISOString().slice(0, 10);
        push(at + 16 * DAY + 8 * HOUR, 'broadcast', { channel: 'sms', direction: 'outbound', initiatedBy: 'company', handledBy: 'automation', summary: paymentReminder(lang, invoiceNo, due), topic: 'invoice', tags: ['reminder'] });
      }
    }
  }
  if (c.inApp) {
    for (let ago = 365 - rng.int(5, 40), k = 0; ago > endAgo; ago -= rng.int(35, 55), k++) {
      const tip = inAppTip(lang, c.index + k);
      push(workMoment(ago), 'broadcast', { channel: 'in_app', direction: 'outbound', initiatedBy: 'company', handledBy: 'automation', subject: tip.subject, summary: tip.summary, topic: 'product tips' });
    }
  }
  // A renewal reminder a month before each renewal on record.
  for (const o of c.outcomes) {
    if (o.type !== 'renewed' && o.type !== 'churned' && o.type !== 'downgraded') continue;
    const at = workMoment(o.daysAgo + 30);
    const dateText = lang === 'nb' ? norwegianDate(nowMs - o.daysAgo * DAY) : englishDate(nowMs - o.daysAgo * DAY);
    const r = renewalReminder(facts(at, 'invoice', amName), dateText);
    push(at, 'broadcast', { channel: 'email', direction: 'outbound', initiatedBy: 'company', handledBy: 'automation', agent: NO_REPLY, subject: r.subject, summary: r.body, topic: 'renewal', tags: ['renewal'] });
  }

  // ---- The account manager: cadence per segment, more often the closer the relationship.
  const theme: Theme = rng.pick(THEMES(facts(startMs, 'onboarding', amName)));
  for (let ago = 365 - rng.float() * seg.amEveryDays; ago > endAgo + 1; ) {
    const at = workMoment(ago);
    const L = level(at);
    const u = rng.float();
    if (u < L) {
      const topic = rng.pick(TOPICS);
      const f = facts(at, topic, amName);
      const ch = rng.weighted({ phone: 45, video: 20, email: 35 });
      if (ch === 'email') {
        const mail = push(at, 'relational', { channel: 'email', direction: 'outbound', initiatedBy: 'company', handledBy: 'human', agent: am, topic, subject: lang === 'nb' ? `Hvordan går det, ${c.contact.first}?` : `How are things, ${c.contact.first}?`, summary: checkInEmail(rng, f, theme) });
        if (mail && rng.chance(0.3 + 0.6 * L)) {
          const answerAt = at + rng.between(3, 30) * HOUR;
          const answer = push(answerAt, 'relational', { channel: 'email', direction: 'inbound', initiatedBy: 'customer', handledBy: 'human', agent: am, topic, replyToId: mail.id, subject: lang === 'nb' ? `Sv: Hvordan går det, ${c.contact.first}?` : `Re: How are things, ${c.contact.first}?`, summary: checkInAnswer(rng, f, true) });
          if (answer) push(answerAt + rng.between(1, 6) * HOUR, 'relational', { channel: 'email', direction: 'outbound', initiatedBy: 'customer', handledBy: 'human', agent: am, topic, replyToId: answer.id, resolved: true, summary: relationalReply(rng, f) });
        }
      } else {
        const call = push(at, 'relational', {
          channel: ch, direction: 'outbound', initiatedBy: 'company', handledBy: 'human', agent: am, topic, resolved: true, handoffs: 0, waitSeconds: 0,
          durationSeconds: rng.int(600, 2400), subject: lang === 'nb' ? `Samtale med ${c.contact.first}` : `Call with ${c.contact.first}`, transcript: checkInConversation(rng, f, theme, false),
        });
        // Promises kept: the account manager comes back on the day promised.
        if (call && rng.chance(0.35)) {
          const back = at + rng.between(1, 3) * DAY;
          push(back, 'relational', {
            channel: 'phone', direction: 'outbound', initiatedBy: 'company', handledBy: 'human', agent: am, topic, resolved: true, handoffs: 0, waitSeconds: 0,
            durationSeconds: rng.int(300, 900), subject: lang === 'nb' ? `Oppfølging: ${topicName(topic, lang)}` : `Follow-up: ${topicName(topic, lang)}`, transcript: checkInConversation(rng, facts(back, topic, amName), theme, true),
          });
        }
      }
    } else if (u < L + 0.55 * (1 - L)) {
      const f = facts(at, 'onboarding', amName);
      push(at, 'neutral', {
        channel: 'email', direction: 'outbound', initiatedBy: 'company', handledBy: 'human', agent: am, topic: 'check-in', subject: lang === 'nb' ? 'Kort statusoppdatering' : 'A quick status update',
        summary: lang === 'nb'
          ? `Hei ${f.first},\n\nHer er en kort oppdatering fra oss: neste versjon kommer i ${MONTHS.nb[(new Date(at).getUTCMonth() + 1) % 12]}.\n\nHilsen\n${f.agent}`
          : `Hi ${f.first},\n\nA short update from us: the next release is due in ${MONTHS.en[(new Date(at).getUTCMonth() + 1) % 12]}.\n\nBest regards,\n${f.agent}`,
      });
    } else {
      const offer = pushOffer(rng, facts(at, 'onboarding', amName));
      push(at, 'transactional', { channel: 'email', direction: 'outbound', initiatedBy: 'company', handledBy: rng.chance(0.6) ? 'automation' : 'human', agent: am, topic: 'offer', subject: offer.subject, summary: offer.body, tags: ['campaign'] });
    }
    ago -= (seg.amEveryDays / density / (0.3 + L)) * rng.between(0.7, 1.3);
  }
  // Quarterly business reviews for the large accounts, held while the relationship holds.
  if (seg.qbr) {
    for (let ago = 365 - rng.int(20, 80); ago > endAgo + 1; ago -= rng.int(85, 95)) {
      const at = workMoment(ago);
      if (level(at) < 0.45) continue; // cancelled, and not rebooked
      const topic = rng.pick(TOPICS);
      push(at, 'relational', {
        channel: 'meeting', direction: 'outbound', initiatedBy: 'company', handledBy: 'human', agent: am, topic, resolved: true, handoffs: 0, waitSeconds: 0, durationSeconds: rng.int(3000, 5400),
        subject: lang === 'nb' ? `Kvartalsmøte med ${c.name}` : `Quarterly review with ${c.name}`, transcript: checkInConversation(rng, facts(at, topic, amName), theme, false),
      });
    }
  }
  // A churning customer says so before the contract ends.
  if (churned !== null) {
    const at = workMoment(churned + rng.int(10, 25));
    push(at, 'transactional', {
      channel: 'phone', direction: 'inbound', initiatedBy: 'customer', handledBy: 'human', agent: am, topic: 'renewal', resolved: true, durationSeconds: rng.int(240, 600), waitSeconds: rng.int(20, 90),
      subject: lang === 'nb' ? 'Avtalen fornyes ikke' : 'Not renewing',
      transcript: lang === 'nb'
        ? [{ speaker: 'customer', text: 'Vi har bestemt oss for å ikke fornye avtalen. Vi bytter leverandør.' }, { speaker: 'agent', text: `Det er dessverre ikke mulig å endre prisene i år. Jeg sender deg skjemaet for oppsigelse.` }, { speaker: 'customer', text: 'Samme det.' }]
        : [{ speaker: 'customer', text: 'We have decided not to renew. We are switching to another provider.' }, { speaker: 'agent', text: 'Unfortunately it is not possible to change the prices this year. I will send you the cancellation form.' }, { speaker: 'customer', text: 'Whatever.' }],
    });
  }

  // ---- The customer's own questions: support, handled as the story says.
  let recurring: Topic = rng.pick(TOPICS);
  const supportRate = (seg.supportPerMonth / 30) * density;
  for (let ago = 365 - rng.float() * 10; ago > endAgo + 0.5; ) {
    const at = workMoment(ago);
    const L = level(at);
    ago -= (-Math.log(1 - rng.float() * 0.999) / (supportRate * (1.25 - 0.4 * L)));
    if (rng.chance(0.15)) recurring = rng.pick(TOPICS);
    // A customer whose problems are not solved keeps writing about the same one.
    const topic: Topic = rng.chance((c.story === 'churning' ? 0.6 : 0.35) * (1 - L)) ? recurring : rng.pick(TOPICS);
    supportContact(at, L, topic, undefined, 0);
  }

  function supportContact(at: number, L: number, topic: Topic, extra: 'repeat' | 'broken' | undefined, depth: number): void {
    if (!alive(at)) return;
    const pRel = Math.pow(L, 1.2);
    const u = rng.float();
    const style: Style = u < pRel ? 'relational' : u < pRel + 0.22 ? 'neutral' : 'transactional';
    const agentName = rng.chance(style === 'relational' ? 0.35 : 0.1) ? amName : rng.pick(SUPPORT_AGENTS);
    const agent = { name: agentName };
    const f = facts(at, topic, agentName);
    const csat = (tone: 'good' | 'mixed' | 'bad', when: number) => {
      if (!rng.chance(0.22)) return;
      const score = tone === 'good' ? rng.int(4, 5) : tone === 'mixed' ? rng.int(3, 4) : rng.int(1, 2);
      push(when + rng.between(2, 30) * HOUR, 'broadcast', { channel: 'survey', direction: 'inbound', initiatedBy: 'company', handledBy: 'automation', topic, survey: { kind: 'csat', score, ...opt(surveyComment(rng, lang, 'csat', tone, amName)) } });
    };
    let unresolved = false;
    if (style === 'relational') {
      const ch = rng.weighted({ phone: 25, email: 35, chat: 25, support_ticket: 15 });
      if (ch === 'email' || ch === 'support_ticket') {
        const msg = push(at, style, { channel: ch, direction: 'inbound', initiatedBy: 'customer', handledBy: 'human', agent, topic, subject: subjectOf(rng, f), summary: customerMessage(rng, f, extra) });
        if (msg) push(at + rng.between(0.3, 3) * HOUR, style, { channel: ch, direction: 'outbound', initiatedBy: 'customer', handledBy: 'human', agent, topic, replyToId: msg.id, resolved: true, handoffs: 0, summary: relationalReply(rng, f) });
      } else {
        push(at, style, { channel: ch, direction: 'inbound', initiatedBy: 'customer', handledBy: 'human', agent, topic, resolved: true, handoffs: 0, waitSeconds: rng.int(5, 90), durationSeconds: rng.int(240, 1200), transcript: relationalConversation(rng, f) });
      }
      csat('good', at);
    } else if (style === 'neutral') {
      const ch = rng.weighted({ email: 40, chat: 30, support_ticket: 30 });
      if (ch === 'chat') {
        push(at, style, { channel: ch, direction: 'inbound', initiatedBy: 'customer', handledBy: 'human', agent, topic, resolved: true, handoffs: 0, waitSeconds: rng.int(30, 300), durationSeconds: rng.int(120, 600), transcript: neutralConversation(rng, f) });
      } else {
        const msg = push(at, style, { channel: ch, direction: 'inbound', initiatedBy: 'customer', handledBy: 'human', agent, topic, subject: subjectOf(rng, f), summary: customerMessage(rng, f, extra) });
        if (msg) push(at + rng.between(2, 20) * HOUR, style, { channel: ch, direction: 'outbound', initiatedBy: 'customer', handledBy: 'human', agent, topic, replyToId: msg.id, resolved: true, handoffs: 0, summary: neutralReply(rng, f) });
      }
      csat('mixed', at);
    } else {
      // Drifting is automation taking over (bots, templates that get there in the end); a breakdown
      // (messages left unanswered, transfers, coming back again and again) is how churning feels.
      const breakdown = c.story === 'churning';
      const kind = rng.weighted(breakdown ? { chatbot: 35, templated: 25, unanswered: 8, transferred: 16, call: 12 } : { chatbot: 45, templated: 35, unanswered: 3, transferred: 10, call: 7 });
      unresolved = true;
      if (kind === 'chatbot') {
        push(at, style, { channel: 'chatbot', direction: 'inbound', initiatedBy: 'customer', handledBy: 'automation', agent: BOT, topic, resolved: false, handoffs: rng.int(0, 1), transcript: chatbotConversation(rng, f, rng.weighted({ resigned: 5, none: 3, okay: 2 })) });
        if (rng.chance(0.15)) {
          const score = rng.int(5, 7);
          push(at + rng.between(1, 5) * HOUR, 'broadcast', { channel: 'survey', direction: 'inbound', initiatedBy: 'company', handledBy: 'automation', topic, survey: { kind: 'ces', score, ...opt(surveyComment(rng, lang, 'ces', 'bad', amName)) } });
        }
      } else if (kind === 'templated' || kind === 'transferred') {
        const ch = rng.chance(0.6) ? 'support_ticket' : 'email';
        const msg = push(at, style, { channel: ch, direction: 'inbound', initiatedBy: 'customer', handledBy: 'human', agent, topic, subject: subjectOf(rng, f), summary: customerMessage(rng, f, extra) });
        if (msg) {
          const late = kind === 'transferred' ? rng.between(24, 96) : rng.between(4, 60);
          const reply = push(at + late * HOUR, style, {
            channel: ch, direction: 'outbound', initiatedBy: 'customer', handledBy: kind === 'templated' && rng.chance(0.5) ? 'automation' : 'human', agent: kind === 'templated' ? NO_REPLY : { name: rng.pick(SUPPORT_AGENTS) },
            // Not marked resolved either way: the case stays open until someone solves it.
            topic, replyToId: msg.id, handoffs: kind === 'transferred' ? rng.int(2, 4) : 0, waitSeconds: kind === 'transferred' ? rng.int(1800, 14_400) : undefined, summary: templatedReply(rng, f),
          });
          // Under automation most cases get solved in the end, days later and without a word about
          // the situation; in a breakdown many are left, the customer resigned in the same thread.
          const fate = reply ? rng.weighted(breakdown ? { solved: 50, resigned: 30, silent: 20 } : { solved: 85, resigned: 10, silent: 5 }) : 'silent';
          if (fate === 'solved') {
            push(at + late * HOUR + rng.between(20, 80) * HOUR, 'neutral', { channel: ch, direction: 'outbound', initiatedBy: 'customer', handledBy: 'human', agent: { name: rng.pick(SUPPORT_AGENTS) }, topic, replyToId: msg.id, resolved: true, handoffs: 0, summary: neutralReply(rng, f) });
          } else if (reply && fate === 'resigned') {
            push(at + late * HOUR + rng.between(1, 20) * HOUR, style, { channel: ch, direction: 'inbound', initiatedBy: 'customer', handledBy: 'human', topic, replyToId: reply.id, summary: rng.pick(lang === 'nb' ? ['Takk for ingenting.', 'Glem det, vi ordner det selv.', 'Nok et standardsvar. Ingen hører etter.'] : ['Thanks for nothing.', 'Forget it, we will sort it out ourselves.', 'Another standard reply. Nobody listens.']) });
          }
        }
        if (rng.chance(0.25)) csat('bad', at);
      } else if (kind === 'unanswered') {
        const ch = rng.chance(0.5) ? 'support_ticket' : 'email';
        push(at, style, { channel: ch, direction: 'inbound', initiatedBy: 'customer', handledBy: 'human', topic, subject: subjectOf(rng, f), summary: customerMessage(rng, f, extra ?? (depth > 0 ? 'broken' : undefined)), resolved: false });
      } else {
        push(at, style, { channel: 'phone', direction: 'inbound', initiatedBy: 'customer', handledBy: 'human', agent, topic, resolved: false, handoffs: rng.int(1, 3), waitSeconds: rng.int(600, 2400), durationSeconds: rng.int(180, 600), transcript: transactionalCall(rng, f) });
        if (rng.chance(0.25)) csat('bad', at);
      }
    }
    // Not solved: the customer comes back about the same thing within days.
    if (unresolved && depth < 2 && rng.chance(c.story === 'churning' ? 0.35 : 0.15)) {
      const back = at + rng.between(1, 5) * DAY;
      if (back < latest) supportContact(workMoment(agoOf(back)), level(back), topic, 'repeat', depth + 1);
    }
  }

  // ---- NPS twice a year, answered from where the story stands.
  const npsFirst = rng.int(15, 170);
  for (const ago of [npsFirst, npsFirst + 182]) {
    const at = workMoment(ago);
    if (!alive(at) || !rng.chance(0.75)) continue;
    const L = level(at);
    const score = Math.round(clamp(1.5 + 9 * L + rng.noise() * 0.8, 0, 10));
    const tone = score >= 9 ? 'good' : score >= 7 ? 'mixed' : 'bad';
    push(at, 'broadcast', { channel: 'survey', direction: 'inbound', initiatedBy: 'company', handledBy: 'automation', topic: 'survey', survey: { kind: 'nps', score, ...opt(surveyComment(rng, lang, 'nps', tone, amName)) } });
  }

  out.sort((a, b) => a.tp.occurredAt.localeCompare(b.tp.occurredAt) || a.tp.id.localeCompare(b.tp.id));
  const styles: Record<Style, number> = { relational: 0, neutral: 0, transactional: 0, broadcast: 0 };
  for (const o of out) styles[o.style]++;
  return { touchpoints: out.map((o) => o.tp), styles, styleOf: new Map(out.map((o) => [o.tp.id, o.style])) };
}

const opt = (comment: string | undefined) => (comment ? { comment } : {});

const TOPIC_NB: Record<Topic, string> = {
  invoice: 'faktura', 'user access': 'brukertilgang', integration: 'integrasjon', reporting: 'rapportering', 'data export': 'dataeksport', onboarding: 'oppstart', outage: 'driftsavbrudd', training: 'opplæring', 'mobile app': 'mobilappen', delivery: 'levering',
};
export const topicName = (t: Topic, lang: 'en' | 'nb') => (lang === 'nb' ? TOPIC_NB[t] : t);

const englishDate = (ms: number) => new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(ms));
const norwegianDate = (ms: number) => {
  const d = new Date(ms);
  return `${d.getUTCDate()}. ${MONTHS.nb[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
};
