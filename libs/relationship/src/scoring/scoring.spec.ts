import type { RelationalClass, Touchpoint, TranscriptTurn } from '../touchpoint.js';
import { SIGNAL_NAMES, type SignalName } from './config.js';
import { internScore, scoreTouchpoint, type ScoringContext } from './score.js';

// Hand-written touchpoints: given a touchpoint and its context, when scored, then the class and
// the named signals are as an account manager would expect.

const AT = '2026-11-10T12:00:00.000Z';
const hoursBefore = (h: number) => new Date(Date.parse(AT) - h * 3_600_000).toISOString();
const hoursAfter = (h: number) => new Date(Date.parse(AT) + h * 3_600_000).toISOString();
const daysBefore = (d: number) => hoursBefore(d * 24);

const C = (text: string): TranscriptTurn => ({ speaker: 'customer', text });
const A = (text: string): TranscriptTurn => ({ speaker: 'agent', text });
const B = (text: string): TranscriptTurn => ({ speaker: 'bot', text });

let seq = 0;
function tp(over: Partial<Touchpoint> = {}): Touchpoint {
  seq += 1;
  return {
    id: `tp-${seq}`,
    customerId: 'c-1',
    channel: 'email',
    direction: 'inbound',
    initiatedBy: 'customer',
    handledBy: 'human',
    occurredAt: AT,
    ...over,
  };
}

const inboundEmail = (id: string, hoursAgo: number, over: Partial<Touchpoint> = {}) => tp({ id, occurredAt: hoursBefore(hoursAgo), ...over });
const humanAnswer = (replyToId: string, at: string) => tp({ direction: 'outbound', replyToId, occurredAt: at });

interface Case {
  name: string;
  lang: 'en' | 'nb' | '-';
  tp: Touchpoint;
  ctx?: Partial<ScoringContext>;
  cls: RelationalClass;
  has: SignalName[];
  not?: SignalName[];
  detail?: RegExp;
  /** A known weakness of the learned model (docs/relational-score.md): the lean is not asserted, the signals are. */
  weakness?: string;
}

const TALK_SIGNALS: SignalName[] = ['customer_talked_most', 'agent_talked_most'];
const QUESTION_SIGNALS: SignalName[] = ['open_questions', 'no_open_questions'];

const cases: Case[] = [
  // ---- human vs automation, two-way vs one-way -------------------------------------------
  {
    name: 'a resolved phone call with one owner and a short wait', lang: '-',
    tp: tp({ channel: 'phone', resolved: true, handoffs: 0, waitSeconds: 40, agent: { name: 'Ole' } }),
    cls: 'relational', has: ['human_handled', 'two_way', 'customer_initiated', 'first_contact_resolution', 'single_owner', 'short_wait'],
    not: ['automated', 'one_way'], detail: /handled by a person \(Ole\)/,
  },
  {
    name: 'edge: a chatbot conversation with only bot turns that did not resolve', lang: 'en',
    tp: tp({ channel: 'chatbot', handledBy: 'automation', resolved: false, transcript: [C('I want to return my jacket'), B('I can help with returns! Please choose an option below.'), C('return'), B('Please visit our returns page.')] }),
    cls: 'transactional', has: ['automated', 'two_way', 'unresolved'],
    not: ['human_handled', 'acknowledgement', 'addressed_by_name', 'open_questions'], detail: /handled by a chatbot/,
  },
  {
    name: 'edge: an empty transcript counts as no transcript', lang: '-',
    tp: tp({ transcript: [] }),
    cls: 'neutral', has: ['human_handled', 'customer_initiated'],
    not: ['two_way', 'one_way', 'acknowledgement', 'templated_reply', ...QUESTION_SIGNALS, ...TALK_SIGNALS],
  },
  {
    name: 'edge: only bot turns in an outbound in-app message', lang: 'en',
    tp: tp({ channel: 'in_app', direction: 'outbound', initiatedBy: 'company', handledBy: 'automation', transcript: [B('Your invoice is ready. Log in to view it.')] }),
    cls: 'neutral', has: ['automated', 'one_way', 'company_initiated'], not: ['two_way', ...TALK_SIGNALS, ...QUESTION_SIGNALS],
  },
  {
    name: 'a promotional newsletter nobody answered', lang: 'en',
    tp: tp({ channel: 'newsletter', direction: 'outbound', initiatedBy: 'company', handledBy: 'automation', subject: 'Black Friday: 30% off everything', summary: 'Limited time offer' }),
    cls: 'transactional', has: ['automated', 'one_way', 'company_push_offer'], not: ['proactive_outreach'],
  },
  {
    name: 'a personal check-in e-mail not answered yet', lang: 'en',
    tp: tp({ direction: 'outbound', initiatedBy: 'company', transcript: [A('Hi Kari, how are things going with the new system? Tell me what works and what does not.')] }),
    ctx: { customerName: 'Kari Nordmann' },
    cls: 'neutral', has: ['human_handled', 'one_way', 'proactive_outreach', 'addressed_by_name', 'open_questions'], not: ['company_push_offer', 'no_open_questions'],
  },
  {
    name: 'a personal check-in e-mail the customer answered', lang: 'en',
    tp: tp({ id: 'checkin-1', direction: 'outbound', initiatedBy: 'company', transcript: [A('Hi Kari, how are things going with the new system?')] }),
    ctx: { customerName: 'Kari Nordmann', answeredBy: [tp({ replyToId: 'checkin-1', occurredAt: hoursAfter(5) })] },
    cls: 'relational', has: ['two_way', 'proactive_outreach', 'addressed_by_name'], not: ['one_way'],
  },
  {
    name: 'a pushy sales call where the agent talks and asks nothing', lang: 'en',
    tp: tp({ channel: 'phone', direction: 'outbound', initiatedBy: 'company', transcript: [
      A('Good morning. I am calling because we have a great upgrade for you. The premium plan gives you twice the storage and priority support. It is only ten euro more per month and this deal ends on Friday.'),
      C('Ok.'),
      A('I will send you the contract today so you can sign it.'),
    ] }),
    cls: 'transactional', has: ['company_push_offer', 'no_open_questions', 'agent_talked_most', 'two_way'], not: ['open_questions'],
  },
  {
    name: 'an offer made while asking what the customer needs', lang: 'en',
    tp: tp({ channel: 'phone', direction: 'outbound', initiatedBy: 'company', transcript: [
      A('We have an upgrade that might fit. What would make the premium plan worth it for you?'),
      C('Honestly we mostly need better reporting for the finance team, and the export is slow when we run month end.'),
    ] }),
    cls: 'relational', has: ['open_questions', 'customer_talked_most'], not: ['company_push_offer', 'no_open_questions'],
  },
  {
    name: 'a support chat with empathy and an open question', lang: 'en',
    tp: tp({ channel: 'chat', resolved: true, transcript: [
      C('I have been locked out of my account since yesterday and I have a deadline today, this is really stressful.'),
      A("I'm sorry to hear that. What happened when you tried to log in?"),
      C('It said my password was expired, but the reset link never arrives in my inbox.'),
      A('I have sent a new link now.'),
    ] }),
    cls: 'relational', has: ['acknowledgement', 'open_questions', 'customer_talked_most', 'first_contact_resolution', 'two_way'], not: ['no_open_questions'],
    detail: /acknowledged the customer: 'I'm sorry to hear that/,
  },
  {
    name: 'a support chat where the agent lectures and nothing is resolved', lang: 'en',
    tp: tp({ channel: 'chat', resolved: false, handoffs: 1, transcript: [
      C('Internet is down.'),
      A('Please restart your router first. Then unplug the fibre box for thirty seconds. If that does not work, reset the router to factory settings using the pin hole on the back and set it up again with the guide on our website.'),
    ] }),
    cls: 'transactional', has: ['no_open_questions', 'agent_talked_most', 'unresolved', 'transferred'], not: ['open_questions', 'acknowledgement'],
  },
  // ---- reply delay and unanswered inbound ------------------------------------------------
  {
    name: 'a human reply within the e-mail SLA', lang: '-',
    tp: tp({ direction: 'outbound', replyToId: 'in-1', occurredAt: AT }),
    ctx: { history: [inboundEmail('in-1', 3)] },
    cls: 'neutral', has: ['replied_in_time', 'two_way'], not: ['replied_late'], detail: /replied within 3 hours \(SLA 24 hours\)/,
  },
  {
    name: 'a reply the source marked company-initiated is still driven by the customer', lang: 'en', weakness: 'a reply in time with nothing else said barely moves the learned score',
    tp: tp({ direction: 'outbound', initiatedBy: 'company', replyToId: 'in-6', transcript: [A('Thanks for flagging this, the corrected invoice is attached.')] }),
    ctx: { history: [inboundEmail('in-6', 4)] },
    cls: 'relational', has: ['customer_initiated', 'replied_in_time'], not: ['company_initiated', 'one_way'], detail: /a reply to the customer's own message/,
  },
  {
    name: 'a reply sixty hours after the e-mail', lang: '-',
    tp: tp({ direction: 'outbound', replyToId: 'in-2' }),
    ctx: { history: [inboundEmail('in-2', 60)] },
    cls: 'neutral', has: ['replied_late'], not: ['replied_in_time'], detail: /replied after 60 hours, past the 24-hour SLA/,
  },
  {
    name: 'edge: a reply to an unknown touchpoint (delay cannot be observed)', lang: '-',
    tp: tp({ direction: 'outbound', replyToId: 'never-seen' }),
    ctx: { history: [inboundEmail('other', 2)] },
    cls: 'neutral', has: ['two_way'], not: ['replied_in_time', 'replied_late'],
  },
  {
    name: 'an inbound e-mail unanswered for 52 hours', lang: '-',
    tp: tp(), ctx: { unansweredHours: 52 },
    cls: 'transactional', has: ['inbound_unanswered'], detail: /inbound message unanswered for 52 hours/,
  },
  {
    name: 'an inbound e-mail just past its SLA', lang: '-',
    tp: tp(), ctx: { unansweredHours: 25 },
    cls: 'neutral', has: ['inbound_unanswered'],
  },
  {
    name: 'an inbound e-mail answered by a person within two hours', lang: '-',
    tp: tp({ id: 'in-3' }), ctx: { answeredBy: [humanAnswer('in-3', hoursAfter(2))] },
    cls: 'neutral', has: ['answered_in_time', 'two_way'], not: ['inbound_unanswered'], detail: /answered within 2 hours/,
  },
  {
    name: 'an inbound e-mail answered after 30 hours, after the unanswered check fired', lang: '-',
    tp: tp({ id: 'in-4' }), ctx: { answeredBy: [humanAnswer('in-4', hoursAfter(30))], unansweredHours: 25 },
    cls: 'neutral', has: ['answered_late'], not: ['inbound_unanswered', 'answered_in_time'],
  },
  {
    name: 'a templated automatic acknowledgement is not an answer', lang: 'en',
    tp: tp({ direction: 'outbound', handledBy: 'automation', replyToId: 'in-5', subject: 'Re: broken charger',
      transcript: [B('Dear customer, we have received your request. Do not reply to this email.')] }),
    ctx: { history: [inboundEmail('in-5', 0.1)] },
    cls: 'transactional', has: ['automated', 'templated_reply'], not: ['replied_in_time', 'replied_late', 'two_way'],
  },
  {
    name: "the customer's own reminder is not an answer", lang: 'en',
    tp: tp({ id: 'in-7' }), ctx: { answeredBy: [tp({ replyToId: 'in-7', occurredAt: hoursAfter(26) })], unansweredHours: 27 },
    cls: 'neutral', has: ['inbound_unanswered'], not: ['two_way', 'answered_in_time', 'answered_late'],
  },
  {
    name: 'a social post unanswered for 10 hours (4-hour SLA)', lang: 'en',
    tp: tp({ channel: 'social' }), ctx: { unansweredHours: 10 },
    cls: 'transactional', has: ['inbound_unanswered'], detail: /SLA 4 hours/,
  },
  // ---- handoffs and wait -----------------------------------------------------------------
  {
    name: 'transferred three times after a 20-minute wait, unresolved', lang: '-',
    tp: tp({ channel: 'phone', handoffs: 3, waitSeconds: 1200, resolved: false }),
    cls: 'transactional', has: ['transferred', 'long_wait', 'unresolved'], not: ['single_owner', 'short_wait'], detail: /transferred 3 times/,
  },
  {
    name: 'transferred once after a five-minute wait, resolved', lang: '-',
    tp: tp({ channel: 'phone', handoffs: 1, waitSeconds: 300, resolved: true }),
    cls: 'neutral', has: ['transferred', 'moderate_wait', 'first_contact_resolution'], detail: /waited 5 minutes/,
  },
  // ---- repeat contact and first-contact resolution --------------------------------------
  {
    name: 'a second contact about the same return within four days', lang: '-',
    tp: tp({ channel: 'support_ticket', topic: 'return', resolved: false }),
    ctx: { history: [tp({ channel: 'chat', topic: 'Return', occurredAt: daysBefore(4) })] },
    cls: 'neutral', has: ['repeat_contact', 'unresolved'], detail: /second contact about 'return' in 4 days/,
  },
  {
    name: 'a third contact about the same return, still unresolved', lang: '-',
    tp: tp({ channel: 'support_ticket', topic: 'return', resolved: false }),
    ctx: { history: [tp({ topic: 'return', occurredAt: daysBefore(6) }), tp({ channel: 'chatbot', handledBy: 'automation', topic: 'return', occurredAt: daysBefore(2) })] },
    cls: 'transactional', has: ['repeat_contact', 'unresolved'], detail: /third contact about 'return' in 6 days/,
  },
  {
    name: 'the same topic nine days ago is outside the repeat window', lang: '-',
    tp: tp({ topic: 'return', resolved: true }),
    ctx: { history: [tp({ topic: 'return', occurredAt: daysBefore(9) })] },
    cls: 'relational', has: ['first_contact_resolution'], not: ['repeat_contact', 'resolved'],
  },
  {
    name: 'a new e-mail with "Re:" in front of an earlier subject is a repeat contact', lang: 'en',
    tp: tp({ subject: 'RE: Invoice 1234 is wrong', resolved: true }),
    ctx: { history: [tp({ subject: 'Invoice 1234 is wrong', occurredAt: daysBefore(1) })] },
    cls: 'neutral', has: ['repeat_contact', 'resolved'], not: ['first_contact_resolution'], detail: /in 1 day/,
  },
  {
    name: 'a reply inside the same thread is not a repeat contact', lang: 'en',
    tp: tp({ subject: 'Re: Invoice 1234 is wrong', replyToId: 'out-9' }),
    ctx: { history: [tp({ id: 'out-9', direction: 'outbound', subject: 'Invoice 1234 is wrong', occurredAt: hoursBefore(5) }), tp({ subject: 'Invoice 1234 is wrong', occurredAt: hoursBefore(8) })] },
    cls: 'neutral', has: ['two_way'], not: ['repeat_contact'],
  },
  {
    name: 'a newsletter on the same subject does not count as the customer coming back', lang: 'en',
    tp: tp({ subject: 'Winter tyres' }),
    ctx: { history: [tp({ channel: 'newsletter', direction: 'outbound', initiatedBy: 'company', handledBy: 'automation', subject: 'Winter tyres', occurredAt: daysBefore(2) })] },
    cls: 'neutral', has: ['customer_initiated'], not: ['repeat_contact'],
  },
  // ---- surveys ---------------------------------------------------------------------------
  {
    name: 'an NPS detractor with a comment', lang: 'en',
    tp: tp({ channel: 'survey', initiatedBy: 'company', handledBy: 'automation', survey: { kind: 'nps', score: 3, comment: 'Nobody listened.' } }),
    cls: 'transactional', has: ['nps_detractor'], not: ['automated', 'human_handled'], detail: /NPS 3: a detractor/,
  },
  {
    name: 'edge: an NPS promoter with no comment', lang: '-',
    tp: tp({ channel: 'survey', initiatedBy: 'company', handledBy: 'automation', survey: { kind: 'nps', score: 10 } }),
    cls: 'relational', has: ['nps_promoter'], not: ['automated', 'proactive_outreach', 'company_initiated'],
  },
  {
    name: 'an NPS passive', lang: '-',
    tp: tp({ channel: 'survey', initiatedBy: 'company', handledBy: 'automation', survey: { kind: 'nps', score: 8 } }),
    cls: 'neutral', has: ['nps_passive'],
  },
  {
    name: 'a CSAT 5 after a call', lang: '-', weakness: 'a survey score without a comment carries almost no weight in the learned model',
    tp: tp({ channel: 'phone', survey: { kind: 'csat', score: 5 } }),
    cls: 'relational', has: ['csat_high', 'human_handled'],
  },
  {
    name: 'a CSAT 1 survey', lang: '-',
    tp: tp({ channel: 'survey', initiatedBy: 'company', handledBy: 'automation', survey: { kind: 'csat', score: 1 } }),
    cls: 'transactional', has: ['csat_low'],
  },
  {
    name: 'a CSAT 3 survey is neutral', lang: '-',
    tp: tp({ channel: 'survey', initiatedBy: 'company', handledBy: 'automation', survey: { kind: 'csat', score: 3 } }),
    cls: 'neutral', has: ['csat_neutral'],
  },
  {
    name: 'nb: CES 4 uten kommentar', lang: 'nb',
    tp: tp({ channel: 'survey', initiatedBy: 'company', handledBy: 'automation', language: 'nb', survey: { kind: 'ces', score: 4 } }),
    cls: 'neutral', has: ['ces_neutral'],
  },
  {
    name: 'a CES 6 (high effort) survey', lang: '-', weakness: 'a survey score without a comment carries almost no weight in the learned model',
    tp: tp({ channel: 'survey', initiatedBy: 'company', handledBy: 'automation', survey: { kind: 'ces', score: 6 } }),
    cls: 'transactional', has: ['ces_high_effort'], detail: /hard work for the customer/,
  },
  {
    name: 'a CES 2 (low effort) survey', lang: '-',
    tp: tp({ channel: 'survey', initiatedBy: 'company', handledBy: 'automation', survey: { kind: 'ces', score: 2 } }),
    cls: 'relational', has: ['ces_low_effort'],
  },
  {
    name: 'edge: an out-of-range NPS answer is left out, never counted as bad', lang: '-',
    tp: tp({ channel: 'survey', initiatedBy: 'company', handledBy: 'automation', survey: { kind: 'nps', score: 11 } }),
    cls: 'neutral', has: [], not: ['nps_detractor', 'nps_passive', 'nps_promoter', 'proactive_outreach'],
  },
  // ---- transcript analysis (English) -----------------------------------------------------
  {
    name: 'a bot hands over to a person', lang: 'en',
    tp: tp({ channel: 'chatbot', handledBy: 'automation', transcript: [B('Hi! What can I help you with?'), C('My delivery is late and I need it for a birthday on Saturday.'), A('Thanks for waiting. Could you describe what the tracking page shows?'), C('It has said "in transit" for six days now.')] }),
    // the person who took over asked and listened: that outweighs the bot at the door
    cls: 'relational', has: ['automated', 'human_handled', 'open_questions', 'two_way'], detail: /then a person took over/,
  },
  {
    name: 'handled by a person in the data, but only the bot spoke', lang: 'en',
    tp: tp({ channel: 'chat', transcript: [C('Where is my order?'), B('Your order is on its way.')] }),
    cls: 'transactional', has: ['automated', 'no_open_questions'], not: ['human_handled', 'open_questions'],
  },
  {
    name: 'an informational text message from a system', lang: 'en',
    tp: tp({ channel: 'sms', direction: 'outbound', initiatedBy: 'company', handledBy: 'automation', summary: 'Your appointment is on Monday at 10.' }),
    cls: 'neutral', has: ['automated', 'one_way', 'company_initiated'],
  },
  {
    name: 'balanced talk: the customer and the agent say as much', lang: 'en',
    tp: tp({ channel: 'chat', transcript: [C('The screen flickers sometimes.'), A('That happens after updates.')] }),
    cls: 'neutral', has: ['no_open_questions'],
  },
  {
    name: 'personal: reference to the order history without the name', lang: 'en',
    tp: tp({ channel: 'chat', resolved: true, transcript: [C('The shoes pinch at the heel and I would like another size.'), A('I see your order from March had the same model in 42. How did that size fit?'), C('That one was perfect, maybe the new batch is smaller.')] }),
    cls: 'relational', has: ['refers_to_history', 'reflects_specifics', 'open_questions', 'customer_talked_most'], detail: /your order from/,
  },
  {
    name: 'a customer meeting where the account manager asks about priorities', lang: 'en',
    tp: tp({ channel: 'meeting', direction: 'outbound', initiatedBy: 'company', agent: { name: 'Ingrid' }, transcript: [
      A('Thanks for making time. What are your priorities for next year?'),
      C('We are opening two new stores and the rollout of the tills has to be smoother than last year, the team was frustrated.'),
      A('Why was it hard last time?'),
      C('Training came too late and the support line was busy the week we opened.'),
    ] }),
    cls: 'relational', has: ['proactive_outreach', 'open_questions', 'customer_talked_most', 'two_way'], not: ['company_initiated'],
  },
  {
    name: 'a video call the customer booked, resolved', lang: '-',
    tp: tp({ channel: 'video', resolved: true, handoffs: 0 }),
    cls: 'relational', has: ['two_way', 'first_contact_resolution', 'single_owner'],
  },
  {
    name: 'a templated letter', lang: 'en',
    tp: tp({ channel: 'letter', direction: 'outbound', initiatedBy: 'company', handledBy: 'automation', summary: 'Dear valued customer, your terms have changed.' }),
    cls: 'transactional', has: ['templated_reply', 'automated', 'one_way'],
  },
  {
    name: 'closed questions only', lang: 'en',
    tp: tp({ channel: 'chat', transcript: [C('The app crashes when I open the camera, every single time since the update.'), A('Is it the latest version? Did you restart the phone?'), C('Yes and yes.')] }),
    cls: 'neutral', has: ['no_open_questions', 'customer_talked_most'], not: ['open_questions'],
  },
  {
    name: 'a "what" question asking for a fact is not an open question', lang: 'en',
    tp: tp({ channel: 'chat', transcript: [C('My parcel is missing.'), A('What is your order number?'), C('It is 55321.')] }),
    cls: 'neutral', has: ['no_open_questions'], not: ['open_questions'],
  },
  {
    name: 'three open questions in one chat', lang: 'en',
    tp: tp({ channel: 'chat', transcript: [C('We are thinking of moving the whole team to the new plan.'), A('Great. What made you consider it? How many people would use it? Walk me through a normal week for the team.'), C('Mostly the shared calendar. About twenty people, and most of them are out with customers four days a week.')] }),
    cls: 'relational', has: ['open_questions'], detail: /asked 3 open questions/,
  },
  {
    name: 'edge: odd transcript data does not throw and is ignored', lang: '-',
    tp: tp({ transcript: [{ speaker: 'robot', text: 'beep' } as unknown as TranscriptTurn, { speaker: 'agent', text: 42 } as unknown as TranscriptTurn, C('   ')] }),
    cls: 'neutral', has: ['human_handled'], not: ['two_way', 'automated', ...TALK_SIGNALS],
  },
  {
    name: 'a chat with no wait and one owner', lang: '-',
    tp: tp({ channel: 'chat', handoffs: 0, waitSeconds: 0 }),
    cls: 'neutral', has: ['single_owner', 'short_wait'],
  },
  // ---- Norwegian bokmål ------------------------------------------------------------------
  {
    name: 'nb: telefon med empati, åpent spørsmål og navn', lang: 'nb',
    tp: tp({ channel: 'phone', resolved: true, transcript: [
      A('Hei Kari, jeg forstår at dette har vært frustrerende. Hvordan har det gått med leveransen siden sist?'),
      C('Den kom til slutt, men pakken var skadet og jeg måtte hente den selv på postkontoret langt unna.'),
    ] }),
    ctx: { customerName: 'Kari Nordmann' },
    cls: 'relational', has: ['acknowledgement', 'open_questions', 'addressed_by_name', 'refers_to_history', 'customer_talked_most', 'first_contact_resolution'],
    detail: /jeg forstår/,
  },
  {
    name: 'nb: chatbot med bare bot-svar', lang: 'nb',
    tp: tp({ channel: 'chatbot', handledBy: 'automation', resolved: false, topic: 'retur', transcript: [B('Hei! Jeg er en chatbot. Velg et alternativ.'), C('retur'), B('Se returside.')] }),
    cls: 'transactional', has: ['automated', 'unresolved', 'no_open_questions'], not: ['human_handled', 'open_questions'],
  },
  {
    name: 'nb: nyhetsbrev med rabatt', lang: 'nb',
    tp: tp({ channel: 'newsletter', direction: 'outbound', initiatedBy: 'company', handledBy: 'automation', subject: 'Black week: 30 % rabatt på alt!' }),
    cls: 'transactional', has: ['company_push_offer', 'one_way', 'automated'], detail: /rabatt/,
  },
  {
    name: 'nb: automatisk kvittering med "Kjære kunde"', lang: 'nb',
    tp: tp({ direction: 'outbound', initiatedBy: 'company', handledBy: 'automation', transcript: [B('Kjære kunde, vi har mottatt din henvendelse. Ikke svar på denne e-posten.')] }),
    cls: 'transactional', has: ['templated_reply', 'automated', 'one_way'], detail: /Kjære kunde/,
  },
  {
    name: 'nb: "kan du beskrive" er et åpent spørsmål', lang: 'nb',
    tp: tp({ channel: 'chat', transcript: [C('Fakturaen stemmer ikke.'), A('Kan du beskrive hva som ser feil ut?'), C('Det står dobbelt opp med frakt, og rabatten vi avtalte er ikke trukket fra.')] }),
    cls: 'relational', has: ['open_questions', 'customer_talked_most'], not: ['no_open_questions'],
  },
  {
    name: 'nb: "Fortell meg mer" uten spørsmålstegn er et åpent spørsmål', lang: 'nb',
    tp: tp({ channel: 'phone', transcript: [C('Vi vurderer å bytte leverandør.'), A('Fortell meg mer om hva som ikke fungerer for dere.'), C('Responstiden er for lang, og vi får aldri snakke med samme person to ganger.')] }),
    cls: 'relational', has: ['open_questions', 'two_way'],
  },
  {
    name: 'nb: å spørre etter ordrenummer er ikke et åpent spørsmål', lang: 'nb',
    tp: tp({ channel: 'chat', transcript: [C('Pakken min har ikke kommet.'), A('Hva er ordrenummeret ditt?'), C('Det er 88213.')] }),
    cls: 'neutral', has: ['no_open_questions'], not: ['open_questions'],
  },
  {
    name: 'nb: lukket spørsmål', lang: 'nb',
    tp: tp({ channel: 'chat', transcript: [C('Takk, da fungerer det.'), A('Er det noe mer jeg kan hjelpe med?')] }),
    cls: 'neutral', has: ['no_open_questions'], not: ['open_questions'],
  },
  {
    name: 'nb: beklager og hvorfor', lang: 'nb',
    tp: tp({ channel: 'chat', resolved: true, transcript: [C('Jeg har ventet i tre uker på refusjonen.'), A('Det beklager jeg. Hvorfor tror du den ble stoppet?'), C('Jeg tror skjemaet ble sendt til feil avdeling.')] }),
    cls: 'relational', has: ['acknowledgement', 'open_questions'], detail: /beklager/,
  },
  {
    name: 'nb: "det skjønner jeg" er anerkjennelse', lang: 'nb',
    tp: tp({ channel: 'phone', transcript: [C('Det er tredje gang jeg ringer om dette, og jeg begynner å bli lei.'), A('Det skjønner jeg godt.')] }),
    // acknowledged, but asked nothing
    cls: 'neutral', has: ['acknowledgement', 'customer_talked_most', 'no_open_questions'], detail: /Det skjønner jeg/,
  },
  {
    name: 'nb: andre henvendelse om retur på tre dager', lang: 'nb',
    tp: tp({ channel: 'support_ticket', topic: 'retur', resolved: false }),
    ctx: { history: [tp({ channel: 'chat', topic: 'Retur', occurredAt: daysBefore(3) })] },
    cls: 'neutral', has: ['repeat_contact', 'unresolved'], detail: /second contact about 'retur' in 3 days/,
  },
  {
    name: 'nb: "Sv:" foran samme emne er samme sak', lang: 'nb',
    tp: tp({ subject: 'Sv: Faktura 2211', resolved: false }),
    ctx: { history: [tp({ subject: 'Faktura 2211', occurredAt: daysBefore(2) }), tp({ subject: 'SV: faktura 2211', occurredAt: daysBefore(1) })] },
    cls: 'transactional', has: ['repeat_contact', 'unresolved'], detail: /third contact/,
  },
  {
    name: 'nb: NPS 2 med kommentar', lang: 'nb',
    tp: tp({ channel: 'survey', initiatedBy: 'company', handledBy: 'automation', language: 'nb', survey: { kind: 'nps', score: 2, comment: 'Ingen lyttet til meg.' } }),
    cls: 'transactional', has: ['nps_detractor'],
  },
  {
    name: 'nb: CSAT 4 uten kommentar', lang: 'nb', weakness: 'a survey score without a comment carries almost no weight in the learned model',
    tp: tp({ channel: 'survey', initiatedBy: 'company', handledBy: 'automation', language: 'nb', survey: { kind: 'csat', score: 4 } }),
    cls: 'relational', has: ['csat_high'],
  },
  {
    name: 'nb: CES 7 (mye innsats)', lang: 'nb',
    tp: tp({ channel: 'survey', initiatedBy: 'company', handledBy: 'automation', language: 'nb', survey: { kind: 'ces', score: 7, comment: 'Måtte ringe fire ganger.' } }),
    cls: 'transactional', has: ['ces_high_effort'],
  },
  {
    name: 'nb: salgssamtale med tilbud og uten spørsmål', lang: 'nb',
    tp: tp({ channel: 'phone', direction: 'outbound', initiatedBy: 'company', transcript: [
      A('Hei, jeg ringer fordi vi har et tilbud på oppgradering til bedriftsavtalen. Den gir dere mer lagring og raskere støtte, og prisen gjelder bare denne uken.'),
      C('Jaha.'),
      A('Jeg sender over avtalen på e-post i dag.'),
    ] }),
    cls: 'transactional', has: ['company_push_offer', 'no_open_questions', 'agent_talked_most'], detail: /tilbud/,
  },
  {
    name: 'nb: tilbud, men også et åpent spørsmål', lang: 'nb',
    tp: tp({ channel: 'phone', direction: 'outbound', initiatedBy: 'company', transcript: [
      A('Vi har et tilbud på oppgradering. Hva tenker du om det, og hvilke behov har dere fremover?'),
      C('Vi trenger egentlig mest bedre rapporter, oppgraderingen er ikke så viktig for oss nå.'),
    ] }),
    cls: 'relational', has: ['open_questions'], not: ['company_push_offer'],
  },
  {
    name: 'nb: satt over to ganger etter 15 minutters kø', lang: 'nb',
    tp: tp({ channel: 'phone', handoffs: 2, waitSeconds: 900, resolved: false, language: 'nb' }),
    cls: 'transactional', has: ['transferred', 'long_wait', 'unresolved'], detail: /transferred twice/,
  },
  {
    name: 'nb: viser til historikken ("som vi snakket om forrige gang")', lang: 'nb',
    tp: tp({ channel: 'phone', direction: 'outbound', initiatedBy: 'company', transcript: [A('Som vi snakket om forrige gang: hvordan gikk opplæringen av de nye ansatte?'), C('Den gikk fint, men de savner en kort video om rapportene.')] }),
    cls: 'relational', has: ['refers_to_history', 'proactive_outreach', 'open_questions'], detail: /forrige gang/,
  },
  {
    name: 'nb: oppfølging på e-post som kunden svarte på', lang: 'nb',
    tp: tp({ id: 'nb-checkin', direction: 'outbound', initiatedBy: 'company', transcript: [A('Hei Ola! Hvordan går det med den nye løsningen?')] }),
    ctx: { customerName: 'Ola Hansen', answeredBy: [tp({ replyToId: 'nb-checkin', occurredAt: hoursAfter(20) })] },
    cls: 'relational', has: ['proactive_outreach', 'addressed_by_name', 'two_way'],
  },
  {
    name: 'nb: ubesvart e-post i 30 timer', lang: 'nb',
    tp: tp({ language: 'nb', subject: 'Spørsmål om faktura' }), ctx: { unansweredHours: 30 },
    cls: 'neutral', has: ['inbound_unanswered'], detail: /30 hours/,
  },
  {
    name: 'nb: svar innen fristen', lang: 'nb', weakness: 'a reply in time with nothing else said barely moves the learned score',
    tp: tp({ direction: 'outbound', replyToId: 'nb-in', transcript: [A('Hei! Takk for at du sier ifra. Vi har rettet fakturaen nå.')] }),
    ctx: { history: [inboundEmail('nb-in', 5)] },
    cls: 'relational', has: ['replied_in_time', 'acknowledgement'],
  },
  {
    name: 'nb: agenten snakker mest', lang: 'nb',
    tp: tp({ channel: 'phone', transcript: [C('Ja.'), A('Du må logge inn på Min side, velge innstillinger, deretter abonnement, og så trykke på endre. Der kan du velge ny pakke og bekrefte med BankID.')] }),
    cls: 'neutral', has: ['agent_talked_most', 'no_open_questions'],
  },
  {
    name: 'nb: chatbot setter over til et menneske', lang: 'nb',
    tp: tp({ channel: 'chatbot', handledBy: 'automation', transcript: [B('Hei! Hva kan jeg hjelpe deg med?'), C('Jeg vil snakke med et menneske om regningen min, den er altfor høy.'), A('Hei, jeg heter Per. Hva er det som ser feil ut på regningen?'), C('Strømprisen er dobbelt så høy som avtalt i kontrakten.')] }),
    cls: 'relational', has: ['automated', 'human_handled', 'open_questions'],
  },
  {
    name: 'nb: automatisk SMS', lang: 'nb',
    tp: tp({ channel: 'sms', direction: 'outbound', initiatedBy: 'company', handledBy: 'automation', summary: 'Dette er en automatisk melding. Din time er mandag kl. 10.' }),
    cls: 'transactional', has: ['templated_reply', 'automated', 'one_way', 'company_initiated'],
  },
  {
    name: 'nb: møte med "hvilke mål" og kunden som prater', lang: 'nb',
    tp: tp({ channel: 'meeting', direction: 'outbound', initiatedBy: 'company', transcript: [A('Hvilke mål har dere for neste år?'), C('Vi skal ekspandere til Sverige og trenger en partner som kan støtte oss på svensk også.')] }),
    cls: 'relational', has: ['open_questions', 'customer_talked_most', 'proactive_outreach'],
  },
  {
    name: 'nb: ubesvart melding i sosiale medier i et døgn', lang: 'nb',
    tp: tp({ channel: 'social', language: 'nb' }), ctx: { unansweredHours: 24 },
    cls: 'transactional', has: ['inbound_unanswered'],
  },
  {
    name: 'the agent owns the mistake and gives a direct line', lang: 'en',
    tp: tp({ channel: 'phone', transcript: [C('You charged me twice for March.'), A('You are right, that was our mistake and I am sorry. I have refunded it now. If anything else looks wrong, call me directly on 22 33 44 55.'), C('Thanks.')] }),
    cls: 'neutral', has: ['owned_mistake', 'direct_line', 'customer_thanked'],
  },
  {
    name: 'the customer asks for something and nothing is done', lang: 'en',
    tp: tp({ channel: 'email', transcript: [C('Can you please cancel my order 5521 before it ships tomorrow?'), A('Thank you for your email. We have received your message.')] }),
    cls: 'transactional', has: ['no_action'],
  },
];

describe('scoreTouchpoint: hand-written touchpoints', () => {
  it('has at least 60 cases, at least 20 in Norwegian, and covers every signal name of the facts and the transcript basics', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
    expect(cases.filter((c) => c.lang === 'nb').length).toBeGreaterThanOrEqual(20);
    const covered = new Set(cases.flatMap((c) => c.has));
    // The conversation signals added with the learned model are covered turn by turn in features.spec.ts.
    const conversation = new Set(['specific_question', 'reflects_specifics', 'ownership_commitment', 'vague_promise', 'kept_promise', 'broken_promise', 'unfilled_merge_field', 'deflection', 'passed_on', 'policy_recital', 'closed_without_question', 'talked_over', 'customer_relieved', 'customer_resigned', 'customer_frustrated', 'customer_had_to_repeat', 'survey_praises_people', 'survey_criticises_people', 'survey_praises_product', 'survey_criticises_product', 'survey_low_about_product', 'survey_high_about_product']);
    expect(SIGNAL_NAMES.filter((n) => !covered.has(n) && !conversation.has(n))).toEqual([]);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    // given the touchpoint and its context; when it is scored
    const result = scoreTouchpoint(c.tp, { history: [], ...c.ctx });
    const names = result.signals.map((s) => s.name);
    // then the score leans the expected way and the named signals are the expected ones. The
    // exact class (where the thresholds cut) is the learned model's call, checked on the corpus
    // (test/relational-score.test.ts); a hand-set class here would pin the old hand-set weights.
    if (c.cls === 'relational' && !c.weakness) expect({ score: result.score, names, leans: result.score > 50 }).toEqual(expect.objectContaining({ leans: true }));
    if (c.cls === 'transactional' && !c.weakness) expect({ score: result.score, names, leans: result.score < 50 }).toEqual(expect.objectContaining({ leans: true }));
    for (const n of c.has) expect(names).toContain(n);
    for (const n of c.not ?? []) expect(names).not.toContain(n);
    if (c.detail) expect(result.signals.map((s) => s.detail).join(' | ')).toMatch(c.detail);
    expect(Number.isInteger(result.score)).toBe(true);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('scoreTouchpoint: the score explains itself', () => {
  it('effects add up to score − 50 (within rounding) and carry the sign of their push', () => {
    for (const c of cases) {
      const r = scoreTouchpoint(c.tp, { history: [], ...c.ctx });
      const sum = r.signals.reduce((s, x) => s + x.effect, 0);
      expect(Math.abs(sum - (r.score - 50))).toBeLessThanOrEqual(1 + 0.05 * r.signals.length);
    }
    const bot = scoreTouchpoint(cases[1].tp, { history: [] });
    // Automation never pushes towards closeness (the learned weight may be 0: what the bot does counts).
    expect(bot.signals.find((s) => s.name === 'automated')!.effect).toBeLessThanOrEqual(0);
  });

  it('orders signals by the size of their effect', () => {
    const r = scoreTouchpoint(cases[0].tp, { history: [] });
    const sizes = r.signals.map((s) => Math.abs(s.effect));
    expect([...sizes].sort((a, b) => b - a)).toEqual(sizes);
  });

  it('given custom thresholds, when scored, then the class follows them', async () => {
    const { scoringConfig } = await import('./config.js');
    const strict = scoringConfig({ thresholds: { relational: 95, transactional: 90 } });
    expect(scoreTouchpoint(cases[0].tp, { history: [] }, strict).class).toBe('transactional');
  });
});

describe('shared scores', () => {
  it('gives equal scores one frozen object and different scores different ones', () => {
    const a = scoreTouchpoint(tp({ channel: 'chatbot', handledBy: 'automation' }));
    const b = scoreTouchpoint(tp({ channel: 'chatbot', handledBy: 'automation' }));
    const c = scoreTouchpoint(tp({ channel: 'phone', handledBy: 'human', transcript: [C('I need help with my order'), A('How can I help you today?')] }));
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(c).not.toEqual(a);
    expect(Object.isFrozen(a) && Object.isFrozen(a.signals) && a.signals.every(Object.isFrozen)).toBe(true);
    expect(() => (a.signals as unknown[]).push({})).toThrow(TypeError);
  });

  it('shares a stored score with an equal computed one, keeping its content', () => {
    const computed = scoreTouchpoint(tp({ channel: 'chatbot', handledBy: 'automation' }));
    const stored = JSON.parse(JSON.stringify(computed));
    expect(internScore(stored)).toBe(computed);
    const odd = { score: 12, class: 'transactional' as RelationalClass, signals: [{ name: 'automated', effect: -38, detail: 'a stored detail no scorer writes today' }] };
    expect(internScore(odd)).toEqual(odd);
    expect(internScore({ ...odd, signals: [...odd.signals] })).toBe(internScore(odd));
  });

  it('gives a score read back with its keys in another order (as jsonb returns them) the fold\'s key order', () => {
    const odd = { score: 13, class: 'transactional' as RelationalClass, signals: [{ name: 'automated', effect: -37, detail: 'stored before' }], model: 'm1' };
    // jsonb orders keys by length, then bytewise: what a restore from relational_scores hands in.
    const fromJsonb = { class: odd.class, model: odd.model, score: odd.score, signals: [{ name: 'automated', detail: 'stored before', effect: -37 }] };
    expect(JSON.stringify(internScore(fromJsonb))).toBe(JSON.stringify(odd));
  });
});

describe('surveys: the people and the product apart, scored', () => {
  const survey = (kind: 'nps' | 'csat' | 'ces', score: number, comment: string) => scoreTouchpoint(tp({ channel: 'survey', initiatedBy: 'company', handledBy: 'automation', language: 'nb', survey: { kind, score, comment } }), { history: [] });

  it('given "Trege svar, og vi måtte forklare alt på nytt" (CES 6), then it leans transactional, put down to the people', () => {
    const r = survey('ces', 6, 'Trege svar, og vi måtte forklare alt på nytt.');
    expect(r.score).toBeLessThan(50);
    expect(r.signals.find((s) => s.name === 'survey_criticises_people')?.effect).toBeLessThan(0);
    expect(r.signals.map((s) => s.name)).not.toContain('survey_criticises_product');
  });

  it('given "Kari kjenner oss godt og følger alltid opp" (NPS 9), then it leans relational, put down to the people', () => {
    const r = survey('nps', 9, 'Kari kjenner oss godt og følger alltid opp.');
    expect(r.score).toBeGreaterThan(50);
    expect(r.signals.find((s) => s.name === 'survey_praises_people')?.effect).toBeGreaterThan(0);
    expect(r.signals.map((s) => s.name)).not.toContain('survey_praises_product');
  });

  it('what the comment says of the product moves nothing: it is shown with effect 0', () => {
    for (const r of [survey('nps', 3, 'The app keeps crashing.'), survey('nps', 10, 'Appen er kjempebra.')]) {
      expect(r.score).toBe(50);
      expect(r.signals.filter((s) => s.name.includes('product')).length).toBeGreaterThan(0);
      for (const s of r.signals) expect(s.effect).toBe(0);
    }
  });

  it('the same comments in English lean the same way', () => {
    expect(survey('csat', 2, 'Slow replies, and we had to explain everything again.').score).toBeLessThan(50);
    expect(survey('nps', 10, 'Tom knows us well and always follows up.').score).toBeGreaterThan(50);
  });
});

describe('signal wording on messages machines send', () => {
  it('given an automated e-mail and an in-app message, then their signals say automation (not a chatbot) and take the right article', () => {
    for (const [channel, article] of [['email', 'an e-mail'], ['in_app', 'an in-app message'], ['newsletter', 'a newsletter'], ['sms', 'an SMS message'], ['support_ticket', 'a support ticket']] as const) {
      const s = scoreTouchpoint(tp({ channel, direction: 'outbound', initiatedBy: 'company', handledBy: 'automation', summary: 'Your invoice for December is ready.' }));
      const details = s.signals.map((x) => x.detail);
      expect(details.join(' | ')).not.toMatch(/chatbot/);
      expect(details).toContain(`one-way: the company sent ${article} and nobody has answered`);
    }
  });
});
