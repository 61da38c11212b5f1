import { ownTurns, readCaseNote } from './conversation.js';
import { features, touchpointMaker } from './spec-helpers.js';

// The case-note reader: a summary that narrates a contact in the third person is split into what
// the customer said, what the agent said, and what the note tells the company did (reported);
// a message body written by its author is left as it is. The notes here are made up for these
// specs, in the styles CRM and ticket systems write them.

const tp = touchpointMaker('n', 'phone');


const JADE_NOTE =
  "Jade (returns) phoned the customer the same morning, asked how she was managing in the meantime and which days she is home. Arranged a replacement for Thursday and promised to call on Wednesday to confirm the slot. Customer: 'Thank you for not making me box it up and wait.'";
const SARA_NOTE =
  'Kunden ringte fordi kortet var sperret etter et svindelforsøk. Sara satte seg ned med ham, spurte hva han bruker kortet til i hverdagen og hvilke trekk som må gå denne uka. Lovet å ringe når det nye kortet er sendt, senest fredag. Arvid: «Nå kan jeg sove i natt.»';

describe('readCaseNote', () => {
  it('given an English note, it gives the agent the narrated acts and the customer the quote', () => {
    const parts = readCaseNote(JADE_NOTE, { agent: 'Jade Wilson', customer: 'Maureen Hall', language: 'en' });
    expect(parts).toEqual([
      { speaker: 'agent', reported: true, text: expect.stringContaining('asked how she was managing') },
      { speaker: 'customer', reported: false, text: 'Thank you for not making me box it up and wait.' },
    ]);
    expect(parts?.[0].text).toContain('promised to call on Wednesday');
  });

  it('given a Norwegian note, the customer named by first name in a «» quote is the customer, the narration of the call about him is his', () => {
    const parts = readCaseNote(SARA_NOTE, { agent: 'Sara Lie', customer: 'Arvid Moe', language: 'nb' });
    expect(parts?.map((p) => [p.speaker, p.reported])).toEqual([
      ['customer', true],
      ['agent', true],
      ['customer', false],
    ]);
    expect(parts?.[0].text).toBe('Kunden ringte fordi kortet var sperret etter et svindelforsøk.');
    expect(parts?.[1].text).toMatch(/^Sara satte seg ned med ham, spurte hva han bruker kortet til .* Lovet å ringe når det nye kortet er sendt, senest fredag\.$/u);
    expect(parts?.[2].text).toBe('Nå kan jeg sove i natt.');
  });

  it("given the agent's own words after their name, they are the agent's speech, not the note's", () => {
    const parts = readCaseNote("Customer's router still drops at night. Holly: I'll ring you on Wednesday with a firm date.", { agent: 'Holly', language: 'en' });
    expect(parts).toEqual([
      { speaker: 'customer', reported: true, text: "Customer's router still drops at night." },
      { speaker: 'agent', reported: false, text: "I'll ring you on Wednesday with a firm date." },
    ]);
  });

  it("given a quote after 'said:', it is the speaker the sentence is about", () => {
    const parts = readCaseNote("Tenant reports the boiler is off. Bernadette checked the contractor's diary and said: 'I'll chase them myself today.'", { agent: 'Bernadette', language: 'en' });
    expect(parts?.[2]).toEqual({ speaker: 'agent', reported: false, text: "I'll chase them myself today." });
  });

  it('given a short quoted phrase inside the narration, it stays narration', () => {
    const parts = readCaseNote("Customer says the app shows 'payment pending' since Monday.", { language: 'en' });
    expect(parts).toEqual([{ speaker: 'customer', reported: true, text: "Customer says the app shows 'payment pending' since Monday." }]);
  });

  it('given clauses without a subject, each keeps the subject before it unless it opens with what the company did', () => {
    const parts = readCaseNote('Kunde melder at nettet faller ut om kvelden. Har byttet ruter selv. Anbefalt omstart. Lukket.', { language: 'nb' });
    expect(parts).toEqual([
      { speaker: 'customer', reported: true, text: 'Kunde melder at nettet faller ut om kvelden. Har byttet ruter selv.' },
      { speaker: 'agent', reported: true, text: 'Anbefalt omstart. Lukket.' },
    ]);
  });

  it('given a message written by its author (first or second person, a greeting), it is no note', () => {
    expect(readCaseNote('Hi Tom, I saw your pallets missed the truck. The customer desk has booked them for tomorrow.', { language: 'en' })).toBeUndefined();
    expect(readCaseNote('Hei, kunden vår har fått feil faktura. Kan dere sende en ny til meg?', { language: 'nb' })).toBeUndefined();
    // Norwegian "i" is "in", not "I".
    expect(readCaseNote('Kunden spurte om prisen. Hilde sender oversikt i morgen.', { agent: 'Hilde', language: 'nb' })).toBeDefined();
  });

  it('given a text with nothing that says it narrates a contact, it is no note', () => {
    expect(readCaseNote('Visit completed 19/11, seal replaced.', { language: 'en' })).toBeUndefined();
    expect(readCaseNote('', {})).toBeUndefined();
    expect(readCaseNote(undefined as unknown as string, {})).toBeUndefined();
  });

  it('never throws on odd text', () => {
    for (const odd of ["'", '«', 'Customer:', ': : :', "Kunden: «'»", '"""', 'Agent reply: "', '\u00ab\u00bb'.repeat(50), 'x'.repeat(5000)]) {
      expect(() => readCaseNote(odd, { agent: 'A', customer: 'B' })).not.toThrow();
    }
  });
});

describe('ownTurns on case notes', () => {
  it("given a phone call's summary, its note is read (it used to be ignored), the narration marked reported", () => {
    const turns = ownTurns(tp({ agent: { name: 'Jade' }, language: 'en', summary: JADE_NOTE }), 'self', 'Maureen Hall');
    expect(turns.map((t) => [t.speaker, t.reported ?? false])).toEqual([
      ['agent', true],
      ['customer', false],
    ]);
    expect(turns[0].sentences.every((s) => s.reported)).toBe(true);
    expect(turns[1].sentences.some((s) => s.reported)).toBe(false);
  });

  it("given an e-mail's body, it is still one turn by its author, not a note", () => {
    const turns = ownTurns(tp({ channel: 'email', direction: 'outbound', initiatedBy: 'company', summary: 'Hi Maureen, I have booked the replacement for Thursday. Jade' }), 'self');
    expect(turns).toHaveLength(1);
    expect(turns[0].speaker).toBe('agent');
    expect(turns[0].reported).toBeUndefined();
  });

  it('given a ticket whose summary is a note of an inbound message and its answer, the answer is the agent\'s', () => {
    const summary = 'Customer writes that the upload still fails after following the guide. Agent reply: "Please see our help centre: [link]. This ticket has now been resolved." Status set to Closed.';
    const turns = ownTurns(tp({ channel: 'support_ticket', language: 'en', summary }), 'self');
    expect(turns.map((t) => [t.speaker, t.reported ?? false])).toEqual([
      ['customer', true],
      ['agent', false],
      ['agent', true],
    ]);
  });
});

describe('features of case notes', () => {
  it('given a reported open question and a reported commitment with a time, both count, each quoting its sentence', () => {
    const f = features(tp({ agent: { name: 'Jade' }, language: 'en', summary: JADE_NOTE }), { customerName: 'Maureen Hall' });
    expect(f.get('open_questions')?.detail).toContain("'Jade (returns) phoned the customer the same morning, asked how she was");
    expect(f.get('ownership_commitment')).toMatchObject({ value: 1, detail: expect.stringContaining("'Arranged a replacement for Thursday and promised to call on Wednesday") });
    expect(f.names).not.toContain('no_open_questions');
  });

  it('given a Norwegian note, «spurte hva …» is an open question and «lovet å ringe … senest fredag» a commitment with a time', () => {
    const f = features(tp({ agent: { name: 'Sara' }, language: 'nb', summary: SARA_NOTE }), { customerName: 'Arvid Moe' });
    expect(f.get('open_questions')?.detail).toContain('spurte hva han bruker kortet til');
    expect(f.get('ownership_commitment')).toMatchObject({ value: 1, detail: expect.stringContaining('Lovet å ringe') });
  });

  it('given a note that tells of a link and a closed ticket, it is deflection and closing, and the narration reflects nothing', () => {
    const summary = 'Customer asked why her March invoice was charged twice. Sent her a link to the help centre and closed the ticket.';
    const f = features(tp({ channel: 'support_ticket', language: 'en', summary }));
    expect(f.get('deflection')?.detail).toContain("'Sent her a link to the help centre and closed the ticket.'");
    expect(f.get('closed_without_question')?.detail).toContain("'Sent her a link to the help centre and closed the ticket.'");
    expect(f.names).not.toContain('reflects_specifics');
    expect(f.names).not.toContain('ownership_commitment');
  });

  it("given a note's narration, it is not a template, not the agent using the customer's name, and no talk share", () => {
    const summary = 'Mrs Prewitt came in after a scam call. Rashid asked her what the caller said, blocked her cards and filed the claim, which usually takes up to 15 working days.';
    const f = features(tp({ channel: 'meeting', agent: { name: 'Rashid' }, language: 'en', summary }), { customerName: 'Edna Prewitt' });
    expect(f.names).not.toContain('templated_reply');
    expect(f.names).not.toContain('addressed_by_name');
    expect(f.names).not.toContain('agent_talked_most');
    expect(f.names).not.toContain('customer_talked_most');
    expect(f.get('open_questions')?.detail).toContain('Rashid asked her what the caller said');
  });

  it('given a call note in the history with a promise and a timely call-back, the promise counts as kept', () => {
    const earlier = tp({ id: 'h-1', occurredAt: '2026-03-09T09:00:00.000Z', agent: { name: 'Lena' }, language: 'en', summary: 'Customer charged twice for March. Lena confirmed the error and promised to call back tomorrow when the refund is through.' });
    const now = tp({ direction: 'outbound', initiatedBy: 'company', language: 'en', transcript: [{ speaker: 'agent', text: 'Hi, it is Lena. The refund went through this morning.' }, { speaker: 'customer', text: 'Lovely, thanks.' }] });
    expect(features(now, { history: [earlier] }).get('kept_promise')?.detail).toContain('promised to call back tomorrow');
  });

  it('given a note that says a promise would be looked into with nobody and no time, it is a vague promise', () => {
    const summary = 'Customer raised the failing connector again. Ethan said it was noted and would be picked up offline.';
    expect(features(tp({ channel: 'video', agent: { name: 'Ethan' }, language: 'en', summary })).get('vague_promise')?.detail).toContain("'Ethan said it was noted and would be picked up offline.'");
  });

  it("given the customer's relief told in the note, the contact ends relieved; narration words like 'noted' are no thanks", () => {
    const relieved = features(tp({ channel: 'meeting', agent: { name: 'Rashid' }, language: 'en', summary: 'Customer came in worried about the transfer. Rashid reassured her and blocked the cards. She said on leaving that she could sleep tonight.' }));
    expect(relieved.get('customer_relieved')?.detail).toContain('she could sleep tonight');
    const noted = features(tp({ channel: 'email', language: 'en', summary: 'Tenant writes that the mould is back. The GP has noted her son\u2019s cough.' }));
    expect(noted.names).not.toContain('customer_thanked');
  });
});

describe('hostile notes', () => {
  it('given a long summary of quote marks that never close, then it is read as narration and never throws', () => {
    for (const summary of ['«ab '.repeat(2500), " 'ab".repeat(2500), ' "ab'.repeat(2500)]) {
      const parts = readCaseNote(`Customer rang. The agent noted:${summary}`.slice(0, 10_000), { inbound: true });
      for (const p of parts ?? []) expect(p.reported).toBe(true);
    }
  });
});
