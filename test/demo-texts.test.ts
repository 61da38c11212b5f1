import { demoCustomer, STORIES, storyOf } from '../scripts/demo/stories.js';
import { allTexts, drawFacts, TOPICS, type Lang } from '../scripts/demo/texts.js';
import { generateTouchpoints, type DemoTouchpoint } from '../scripts/demo/touchpoints.js';
import { AM_NAMES, simulateCustomer } from '../scripts/demo/simulate.js';
import { Rng } from '../scripts/demo/stories.js';

// The demo's texts, checked like wording.spec.ts checks the product's sentences: a table of rules,
// each a pattern that must never match, with the language it applies to. They run over every
// alternative of every phrase bank and over what a full deck of customers actually receives.
const NOW = new Date('2026-12-02T12:00:00Z');

interface Rule {
  name: string;
  lang: Lang | 'both';
  bad: RegExp;
}

const RULES: Rule[] = [
  // Articles: "a" before a vowel sound, "an" before a consonant sound ("a automated newsletter").
  { name: 'a before a vowel', lang: 'en', bad: /\ba (?!u(?:s|ni|ni)|one\b|eu)[aeiou]\w*/i },
  { name: 'an before a consonant', lang: 'en', bad: /\ban (?!hour|honest|sms\b)[bcdfghjklmnpqrstvwxyz]\w*/i },
  // Plurals agree with their number.
  { name: 'singular noun after a plural number', lang: 'en', bad: /\b(?:[2-9]|\d{2,}) (?:day|hour|minute|week|month|licence|user|order|scanner|terminal|colleague|customer|delivery|team lead|row)\b(?!s| licen)/ },
  { name: 'plural noun after 1', lang: 'en', bad: /\b1 (?:days|hours|minutes|weeks|licences|users|orders|scanners|terminals|colleagues|customers|deliveries)\b/ },
  { name: 'plural noun after 1 (nb)', lang: 'nb', bad: /\b1 (?:dager|timer|minutter|uker|lisenser|brukere|ordrer|skannere|terminaler|kolleger|kunder|leveranser)\b/ },
  // Norwegian gender: neuter nouns take "et", common-gender ones "en".
  { name: 'en before a neuter noun', lang: 'nb', bad: /\ben (?:møte|nyhetsbrev|kurs|tilbud|uttrekk|menneske|filter|svar|dashbord|søk|innspilt)\b/i },
  { name: 'et before a common-gender noun', lang: 'nb', bad: /\bet (?:faktura|samtale|time|rapport|kollega|bestilling|lenke|feilmelding|terminal|konto)\b/i },
  // Channel names are words, never the API's enum values.
  { name: 'an enum value in the text', lang: 'both', bad: /\b(?:support_ticket|in_app|chat_human|no_reply|email_out)\b/ },
  { name: '"e-mail" spelled one way (en)', lang: 'en', bad: /\bemail\b/i },
  { name: '"e-post" spelled one way (nb)', lang: 'nb', bad: /\bepost\b/i },
  // One language per text.
  { name: 'Norwegian words in English', lang: 'en', bad: /\b(?:og|ikke|jeg|dere|vi|hei|takk|kunde|faktura)\b/i },
  { name: 'English words in Norwegian', lang: 'nb', bad: /\b(?:the|and|you|your|please|thanks|invoice|customer)\b/i },
  // Templates filled, sentences clean.
  { name: 'an unfilled slot', lang: 'both', bad: /\bundefined\b|\bNaN\b|\bnull\b|\[object|\$\{|\{\{|\}\}/ },
  { name: 'a doubled word', lang: 'both', bad: /\b(\p{L}+) \1\b/iu },
  { name: 'space before punctuation', lang: 'both', bad: / [,.;:!?]/ },
  { name: 'two spaces', lang: 'both', bad: / {2}/ },
  { name: 'two sentence ends', lang: 'both', bad: /[.!?][.!?]|,\./ },
];

/** Sentences (turns, bodies, comments) must start with a capital letter and end with punctuation. */
const SENTENCE = /^[\p{Lu}\d«"].*[.!?,]$/su;

function textsOf(tp: DemoTouchpoint): { text: string; sentence: boolean }[] {
  const out: { text: string; sentence: boolean }[] = [];
  if (tp.subject) out.push({ text: tp.subject, sentence: false });
  if (tp.summary) out.push({ text: tp.summary, sentence: true });
  for (const t of tp.transcript ?? []) out.push({ text: t.text, sentence: true });
  if (tp.survey?.comment) out.push({ text: tp.survey.comment, sentence: true });
  return out;
}

function violations(lang: Lang, text: string, sentence: boolean): string[] {
  const found: string[] = [];
  // A letter is paragraphs: greeting, body, sign-off ("Vennlig hilsen" takes no comma); the sender's name alone on the last line.
  for (const line of text.split(/\n+/)) {
    found.push(...RULES.filter((r) => (r.lang === 'both' || r.lang === lang) && r.bad.test(line)).map((r) => `${r.name}: ${JSON.stringify(line)}`));
    if (sentence && !SENTENCE.test(line) && !/^(?:\p{Lu}\p{Ll}+|(?:Vennlig )?hilsen|Hilsen)$/u.test(line)) found.push(`not a sentence: ${JSON.stringify(line)}`);
  }
  return found;
}

describe('demo texts: the grammar table', () => {
  // The table itself: each rule catches its example and lets the correct form through.
  it.each<[string, Lang, string, string]>([
    ['a before a vowel', 'en', 'We sent a automated newsletter.', 'We sent an automated newsletter.'],
    ['an before a consonant', 'en', 'It was an chatbot conversation.', 'It was an hour-long call and a user session.'],
    ['singular noun after a plural number', 'en', 'The invoice lists 14 licence.', 'The invoice lists 14 licences.'],
    ['plural noun after 1', 'en', 'It took 1 days.', 'It took 1 day.'],
    ['plural noun after 1 (nb)', 'nb', 'Det tok 1 dager.', 'Det tok 1 dag.'],
    ['en before a neuter noun', 'nb', 'Vi booker en møte.', 'Vi booker et møte.'],
    ['et before a common-gender noun', 'nb', 'Dere får et faktura.', 'Dere får en faktura.'],
    ['an enum value in the text', 'en', 'Your support_ticket was closed.', 'Your support ticket was closed.'],
    ['Norwegian words in English', 'en', 'Thanks og bye.', 'Thanks and bye.'],
    ['English words in Norwegian', 'nb', 'Takk for the hjelp.', 'Takk for hjelpen.'],
    ['an unfilled slot', 'en', 'Hi undefined,', 'Hi Sarah,'],
    ['a doubled word', 'en', 'We will will call.', 'We will call.'],
    ['space before punctuation', 'nb', 'Hei , Kari.', 'Hei, Kari.'],
    ['two sentence ends', 'en', 'Thanks..', 'Thanks.'],
  ])('rule "%s" (%s) catches %j and passes %j', (name, lang, bad, good) => {
    const rule = RULES.find((r) => r.name === name)!;
    expect(rule.lang === 'both' || rule.lang === lang).toBe(true);
    expect(rule.bad.test(bad)).toBe(true);
    expect(rule.bad.test(good)).toBe(false);
  });

  it.each<Lang>(['en', 'nb'])('given every phrase bank alternative for every topic (%s), then none breaks a rule', (lang) => {
    const problems: string[] = [];
    for (const topic of TOPICS) {
      for (let k = 0; k < 12; k++) {
        const f = drawFacts(new Rng('grammar', lang, topic, k), lang, topic, lang === 'nb' ? 'Kari' : 'Sarah', 'Ola Hansen', k);
        for (const t of allTexts(f)) problems.push(...violations(lang, t, !isSubjectLike(t)));
      }
    }
    expect([...new Set(problems)]).toEqual([]);
  });

  it('given a full deck of customers, when their year is drawn, then every text they receive passes the table', () => {
    const problems = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const c = demoCustomer(i);
      for (const tp of generateTouchpoints(c, 90, AM_NAMES[c.amIndex], NOW).touchpoints) {
        expect(tp.language).toBe(c.language);
        for (const { text, sentence } of textsOf(tp)) for (const p of violations(c.language, text, sentence)) problems.add(`${tp.channel}: ${p}`);
      }
    }
    expect([...problems]).toEqual([]);
  });
});

// Subject lines and sign-offs are not sentences.
const isSubjectLike = (t: string) => !/[.!?,]$/.test(t.split('\n')[0]);

const TOPIC_WORDS: Record<string, RegExp> = {
  invoice: /invoice|faktura/i,
  'user access': /sign in|locked|access|logge? inn|kommet seg inn|låst|tilgang/i,
  integration: /sync|synkronisering|SAP|Visma|Tripletex|Dynamics|Salesforce|HubSpot/,
  reporting: /report|rapport/i,
  'data export': /export|uttrekk/i,
  onboarding: /new colleagues|new users|nye kolleger|nye brukere|office|kontor/i,
  outage: /down|nede|dashboard|dashbord/i,
  training: /training|course|kurs/i,
  'mobile app': /app/i,
  delivery: /scanner|terminal|skanner/i,
};

describe('demo texts: coherent with channel, topic and thread', () => {
  const drawn = Array.from({ length: 40 }, (_, i) => {
    const c = demoCustomer(i);
    return { c, ...generateTouchpoints(c, 90, AM_NAMES[c.amIndex], NOW) };
  });

  it('given a support contact about a topic, then the customer talks about that topic (a chatbot about an invoice talks about the invoice)', () => {
    const off: string[] = [];
    for (const { touchpoints } of drawn) {
      for (const tp of touchpoints) {
        const words = TOPIC_WORDS[tp.topic ?? ''];
        if (!words || tp.initiatedBy !== 'customer' || tp.direction !== 'inbound' || tp.replyToId) continue;
        const said = [tp.summary ?? '', ...(tp.transcript ?? []).filter((t) => t.speaker === 'customer').map((t) => t.text)].join(' ');
        if (!words.test(said)) off.push(`${tp.channel} about ${tp.topic}: ${said}`);
      }
    }
    expect(off).toEqual([]);
  });

  it('given a relational reply, then it gives back the specifics of the message it answers (replyToId)', () => {
    const missed: string[] = [];
    let checked = 0;
    for (const { touchpoints, styleOf } of drawn) {
      const byId = new Map(touchpoints.map((t) => [t.id, t]));
      for (const tp of touchpoints) {
        if (!tp.replyToId || tp.direction !== 'outbound' || styleOf.get(tp.id) !== 'relational') continue;
        const original = byId.get(tp.replyToId)!;
        expect(original).toBeDefined();
        expect(Date.parse(tp.occurredAt)).toBeGreaterThan(Date.parse(original.occurredAt));
        const specifics = (original.summary ?? '').match(/\b(?:\d+|\p{Lu}\p{L}{2,})\b/gu)?.filter((w) => !/^(The|Our|We|Since|Hi|Thanks|Vi|Det|Siden|Takk|Mostly|Hei)$/.test(w)) ?? [];
        checked++;
        if (!specifics.some((w) => tp.summary!.toLowerCase().includes(w.toLowerCase()))) missed.push(`${original.summary} → ${tp.summary}`);
      }
    }
    expect(checked).toBeGreaterThan(50);
    expect(missed).toEqual([]);
  });

  it('given the monthly newsletter, then it goes out once a month, on the same day for every customer', () => {
    const days = new Map<string, Set<string>>();
    for (const { touchpoints } of drawn) {
      const months = touchpoints.filter((t) => t.channel === 'newsletter').map((t) => t.occurredAt.slice(0, 7));
      expect(new Set(months).size).toBe(months.length);
      for (const t of touchpoints.filter((x) => x.channel === 'newsletter')) {
        const m = t.occurredAt.slice(0, 7);
        if (!days.has(m)) days.set(m, new Set());
        days.get(m)!.add(t.occurredAt.slice(0, 10));
      }
    }
    for (const set of days.values()) expect(set.size).toBe(1);
  });
});

describe('demo stories: what the product makes of them (in-process, the product\'s own fold and health)', () => {
  const rows = Array.from({ length: 40 }, (_, i) => simulateCustomer(demoCustomer(i), 90, NOW));

  it('given a deck of 40, then the shares are the documented ones', () => {
    const count = (s: string) => rows.filter((r) => r.customer.story === s).length;
    expect(STORIES.map(count)).toEqual([22, 5, 6, 3, 4]);
    expect(rows.map((r) => r.customer.story)).toEqual(rows.map((_, i) => storyOf(i)));
  });

  it('given the stories, then churning customers end red, steady and warming ones mostly green, and nobody sits at 0 without having churned', () => {
    const of = (s: string) => rows.filter((r) => r.customer.story === s);
    expect(of('churning').every((r) => r.band === 'red')).toBe(true);
    expect(of('steady').filter((r) => r.band === 'green').length / of('steady').length).toBeGreaterThanOrEqual(0.75);
    expect(of('warming').some((r) => r.band === 'red')).toBe(false);
    // A drift that began recently may still show green: most, not all, have left it.
    expect(of('drifting').filter((r) => r.band !== 'green').length).toBeGreaterThanOrEqual(Math.ceil((2 / 3) * of('drifting').length));
    const zero = rows.filter((r) => r.score === 0 && !r.customer.outcomes.some((o) => o.type === 'churned'));
    expect(zero.map((r) => `${r.customer.externalId} (${r.customer.story})`)).toEqual([]);
  });
});
