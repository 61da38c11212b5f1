import type { Touchpoint, TranscriptTurn } from '../touchpoint.js';
import { scoreTouchpoint } from './score.js';

/*
 * The contacts issue #21 names, each written once as a touchpoint by someone who did not write the
 * corpus, on 3 Dec 2026, before the f2 features were scored on them (f1 got 13 of 19 right with
 * one inversion; f2 15 with none). Not part of the fit or of the held-out figures: a check that
 * the kinds of contact the issue lists read as an account manager would read them. The ones f2
 * still calls neutral are listed as such; none may be inverted.
 */

const base = { id: 'x', customerId: 'c', occurredAt: '2026-12-01T10:00:00Z' };
const T = (speaker: TranscriptTurn['speaker'], text: string): TranscriptTurn => ({ speaker, text });
type Want = 'R' | 'T';
/** [what a careful reader says, language, what it is, the touchpoint, what answered it; and, for a known miss, what f2 says] */
const cases: [Want, 'en' | 'nb', string, Partial<Touchpoint>, { answeredBy: Partial<Touchpoint>[] }?][] = [
  ['T', 'en', 'polite agent reads policy', { channel: 'phone', direction: 'inbound', initiatedBy: 'customer', handledBy: 'human', durationSeconds: 420, transcript: [T('customer','My order arrived broken, this is the second time.'), T('agent','I understand your frustration. Unfortunately our policy states that damage claims must be filed within 48 hours of delivery.'), T('customer','It arrived yesterday.'), T('agent','As per our terms and conditions, please fill in the claim form on our website. Is there anything else I can help you with today?'), T('customer','No.')] }],
  ['T', 'en', 'long one-way pitch meeting', { channel: 'meeting', direction: 'outbound', initiatedBy: 'company', handledBy: 'human', durationSeconds: 3600, transcript: [T('agent','Thanks for joining. Let me walk you through our new premium tier, which includes advanced analytics, priority support and a dedicated dashboard. Our customers see a 30% uplift on average. The premium tier also includes single sign-on and audit logs, and we are offering a 15% discount if you sign before the end of the quarter.'), T('customer','Okay.'), T('agent','Next, the roadmap: in Q1 we ship the mobile app, in Q2 the integrations marketplace. I will send you the pricing sheet after this call.'), T('customer','Sure.')] }],
  ['T', 'en', 'fast agent never asks', { channel: 'chat', direction: 'inbound', initiatedBy: 'customer', handledBy: 'human', waitSeconds: 5, transcript: [T('customer','Hi, the export keeps failing for our team and we have an audit on Friday.'), T('agent','Please try clearing your cache.'), T('customer','We did that already.'), T('agent','Then please try another browser.'), T('customer','ok')] }],
  ['T', 'en', 'resolved with case number after transfers', { channel: 'support_ticket', direction: 'inbound', initiatedBy: 'customer', handledBy: 'human', handoffs: 3, resolved: true, summary: 'Your case #48213 has been resolved. Thank you for contacting support.', subject: 'Case #48213' }],
  ['T', 'en', 'personal email from template with merge field', { channel: 'email', direction: 'outbound', initiatedBy: 'company', handledBy: 'human', subject: 'Checking in', summary: 'Hi {{first_name}}, I hope this email finds you well! I just wanted to check in and see how things are going. Let me know if there is anything I can do. Best regards, Tom' }],
  ['T', 'en', 'help-centre link and closed', { channel: 'support_ticket', direction: 'outbound', initiatedBy: 'company', handledBy: 'human', resolved: true, summary: 'Hello, you can find the answer to your question in our help centre: https://help.example.com/articles/123. This ticket will now be closed.' }],
  ['T', 'nb', 'Vi beklager ulempen. Saken er videresendt.', { channel: 'email', direction: 'outbound', initiatedBy: 'company', handledBy: 'human', language: 'nb', summary: 'Hei. Vi beklager ulempen. Saken er videresendt til rette avdeling. Mvh Kundeservice' }],
  ['R', 'en', 'chatbot hands over to named person who calls back', { channel: 'chatbot', direction: 'inbound', initiatedBy: 'customer', handledBy: 'automation', transcript: [T('customer','This is the third time I am asking about the missing refund, I am really fed up.'), T('bot','I can hear this has been frustrating. I am passing you to Maria from our billing team, she will call you back today before 16:00.')] }, { answeredBy: [{ channel: 'phone', direction: 'outbound', initiatedBy: 'company', handledBy: 'human', agent: { name: 'Maria' }, durationSeconds: 600, transcript: [T('agent','Hi Jon, it is Maria from billing, I promised to call. I can see the refund for the returned jacket got stuck. I have pushed it through now, you will see it tomorrow. How have things been otherwise?'), T('customer','Oh thank you, that is a relief.')] }] }],
  ['R', 'en', 'two-minute call remembers and keeps promise', { channel: 'phone', direction: 'outbound', initiatedBy: 'company', handledBy: 'human', durationSeconds: 120, transcript: [T('agent','Hi Sara, last week you mentioned the invoices went to the wrong department. I have changed the address to finance as promised, the next one goes there.'), T('customer','Great, thanks for remembering!')] }],
  ['R', 'en', 'short email one good question', { channel: 'email', direction: 'outbound', initiatedBy: 'company', handledBy: 'human', summary: 'Hi Lars, before I send the proposal: what would make the new rollout a success for your warehouse team? Anna' }],
  ['R', 'nb', 'SMS from AM after outage', { channel: 'sms', direction: 'outbound', initiatedBy: 'company', handledBy: 'human', language: 'nb', summary: 'Hei Per, det er Kari. Jeg så at dere ble rammet av nedetiden i morges. Alt skal være oppe nå, men jeg ringer deg i ettermiddag for å høre hvordan det gikk med ordrene deres.' }],
  ['T', 'en', 'thanks for nothing', { channel: 'chat', direction: 'inbound', initiatedBy: 'customer', handledBy: 'human', transcript: [T('customer','Can you tell me why my account is locked?'), T('agent','Please contact your administrator.'), T('customer','Thanks for nothing.')] }],
  ['T', 'en', 'great, another automatic reply', { channel: 'email', direction: 'inbound', initiatedBy: 'customer', handledBy: 'human', summary: 'Great, another automatic reply. I have written three times now and nobody has actually read what I wrote.' }],
  ['T', 'nb', 'ikke akkurat det jeg hadde håpet på', { channel: 'chat', direction: 'inbound', initiatedBy: 'customer', handledBy: 'human', language: 'nb', transcript: [T('customer','Hvorfor er fakturaen dobbelt så høy denne måneden?'), T('agent','Prisene er justert i henhold til avtalen. Se Min side for detaljer.'), T('customer','Ikke akkurat det jeg hadde håpet på.')] }],
  ['T', 'nb', 'ingen hørte på meg', { channel: 'survey', direction: 'inbound', initiatedBy: 'customer', handledBy: 'automation', language: 'nb', survey: { kind: 'csat', score: 2, comment: 'Ingen hørte på meg, jeg ble bare satt over fra den ene til den andre.' } }],
  ['R', 'en', 'survey praises person, punishes product', { channel: 'survey', direction: 'inbound', initiatedBy: 'customer', handledBy: 'automation', survey: { kind: 'nps', score: 4, comment: 'The app is buggy and slow, but Jonas on your team always calls back and sorts things out for us.' } }],
  ['T', 'en', 'survey praises product, people bad', { channel: 'survey', direction: 'inbound', initiatedBy: 'customer', handledBy: 'automation', survey: { kind: 'nps', score: 9, comment: 'Great product, but support never listens and I had to explain my problem four times.' } }],
  ['T', 'nb', 'Trege svar, forklare på nytt', { channel: 'survey', direction: 'inbound', initiatedBy: 'customer', handledBy: 'automation', language: 'nb', survey: { kind: 'ces', score: 6, comment: 'Trege svar, og vi måtte forklare alt på nytt.' } }],
  ['R', 'nb', 'Kari kjenner oss godt', { channel: 'survey', direction: 'inbound', initiatedBy: 'customer', handledBy: 'automation', language: 'nb', survey: { kind: 'nps', score: 9, comment: 'Kari kjenner oss godt og følger alltid opp.' } }],
];

/** Known misses of f2: called neutral, not inverted (docs/relational-score.md, known weaknesses). */
const NEUTRAL_STILL = new Set(['fast agent never asks', 'help-centre link and closed', 'SMS from AM after outage', 'great, another automatic reply']);

describe('the contacts #21 names, written outside the corpus', () => {
  it.each(cases.map(([want, lang, name, tp, extra]) => ({ want, lang, name, tp, extra })))('$want ($lang): $name', ({ want, lang, name, tp, extra }) => {
    const t = { ...base, language: lang, ...tp } as Touchpoint;
    const answeredBy = extra?.answeredBy.map((a, i) => ({ ...base, id: `a${i}`, language: lang, ...a, occurredAt: '2026-12-01T12:00:00Z' }) as Touchpoint);
    const s = scoreTouchpoint(t, { history: [], ...(answeredBy ? { answeredBy } : {}) });
    const expected = NEUTRAL_STILL.has(name) ? 'neutral' : want === 'R' ? 'relational' : 'transactional';
    expect(s.class).toBe(expected);
  });
});
