// The web UI's day words, as the browser computes them (static/format.js is plain browser ESM
// without types, hence the untyped dynamic import).
const FORMAT = './static/format.js';
let f: any;
beforeAll(async () => {
  f = await import(FORMAT);
});

const at = (s: string) => Date.parse(s);

describe('fmtDue: by calendar day in the reader\'s time zone', () => {
  it.each([
    // [now, due, time zone, words]
    ['2026-12-03T10:00:00Z', '2026-12-04T08:47:00Z', 'Europe/Oslo', 'due tomorrow 09:47'], // under 24 h away, still tomorrow
    ['2026-12-03T22:30:00Z', '2026-12-04T08:47:00Z', 'Europe/Oslo', 'due tomorrow 09:47'], // 23:30 on the 3rd in Oslo, ten hours before
    ['2026-12-03T23:30:00Z', '2026-12-04T08:47:00Z', 'Europe/Oslo', 'due today 09:47'], // 00:30 on the 4th in Oslo: the same day now
    ['2026-12-03T08:00:00Z', '2026-12-03T15:00:00Z', 'Europe/Oslo', 'due today 16:00'],
    ['2026-12-03T08:00:00Z', '2026-12-05T07:00:00Z', 'Europe/Oslo', 'due 5 Dec 2026'], // 47 h: the day after tomorrow
    ['2026-12-03T08:00:00Z', '2026-12-04T22:59:00Z', 'Europe/Oslo', 'due tomorrow 23:59'],
    ['2026-12-03T08:00:00Z', '2026-12-04T23:01:00Z', 'Europe/Oslo', 'due 5 Dec 2026'], // 00:01 on the 5th in Oslo
    ['2026-12-03T15:00:00Z', '2026-12-04T02:00:00Z', 'America/New_York', 'due today 21:00'], // the 3rd in New York, the 4th in UTC
    ['2026-12-03T15:00:00Z', '2026-12-04T02:00:00Z', 'UTC', 'due tomorrow 02:00'],
    ['2026-12-03T10:00:00Z', '2026-12-03T08:00:00Z', 'Europe/Oslo', 'overdue since 09:00 today'],
    ['2026-12-03T10:00:00Z', '2026-12-02T16:30:00Z', 'Europe/Oslo', 'overdue since yesterday 17:30'],
    ['2026-12-03T10:00:00Z', '2026-11-28T16:30:00Z', 'Europe/Oslo', 'overdue since 28 Nov 2026'],
    // Summer time ends on 25 Oct 2026 in Oslo (a 25-hour day): still one calendar day.
    ['2026-10-24T20:00:00Z', '2026-10-25T22:30:00Z', 'Europe/Oslo', 'due tomorrow 23:30'],
  ])('at %s, a task due %s (%s) reads "%s"', (now, due, timeZone, words) => {
    expect(f.fmtDue(due, at(now), timeZone)).toBe(words);
  });

  it('given no or an unreadable due date, then it says so', () => {
    expect(f.fmtDue(null, at('2026-12-03T10:00:00Z'), 'UTC')).toBe('no due date');
    expect(f.fmtDue('soon', at('2026-12-03T10:00:00Z'), 'UTC')).toBe('no due date');
  });
});

describe('fmtAgo: by calendar day too', () => {
  it.each([
    ['2026-12-03T08:00:00Z', '2026-12-02T21:00:00Z', 'Europe/Oslo', 'yesterday'], // 11 h ago, but yesterday evening
    ['2026-12-03T08:00:00Z', '2026-12-03T00:30:00Z', 'Europe/Oslo', 'today'],
    ['2026-12-03T08:00:00Z', '2026-11-30T23:30:00Z', 'Europe/Oslo', '2 days ago'], // 00:30 on 1 Dec in Oslo
    ['2026-12-03T08:00:00Z', '2026-12-04T08:00:00Z', 'Europe/Oslo', 'in 1 day'],
  ])('at %s, %s (%s) reads "%s"', (now, then, timeZone, words) => {
    expect(f.fmtAgo(then, at(now), timeZone)).toBe(words);
  });
});

describe('splitSignals: the "Why" list of a relational score', () => {
  it('lists what moved the score, largest first, and sets apart what rounds to no effect', () => {
    const { counted, noticed } = f.splitSignals([
      { name: 'human_handled', effect: 0, detail: 'handled by a person' },
      { name: 'open_questions', effect: 4.2, detail: 'asked' },
      { name: 'templated_reply', effect: -9.1, detail: 'template' },
      { name: 'two_way', effect: 0.04, detail: 'a back-and-forth' },
    ]);
    expect(counted.map((s: any) => s.name)).toEqual(['templated_reply', 'open_questions']);
    expect(noticed.map((s: any) => s.name)).toEqual(['human_handled', 'two_way']);
  });
});

describe('handlerWords: who handled a touchpoint, on the timeline', () => {
  it('names the person, or automation when the record or the scorer says so', () => {
    expect(f.handlerWords({ handledBy: 'human', agent: { name: 'Helene Berg' } }, [{ name: 'human_handled' }])).toBe('Helene Berg');
    expect(f.handlerWords({ handledBy: 'human' }, [])).toBe('a colleague');
    expect(f.handlerWords({ handledBy: 'automation', agent: { name: 'no-reply' } }, [{ name: 'automated' }])).toBe('automation (no-reply)');
    // A template from "no-reply" recorded as a person's: the scorer read it as a system.
    expect(f.handlerWords({ handledBy: 'human', agent: { name: 'no-reply' } }, [{ name: 'automated' }])).toBe('automation (no-reply)');
    // A bot first, then a person took over: the person handled it.
    expect(f.handlerWords({ handledBy: 'human', agent: { name: 'Lars Moe' } }, [{ name: 'automated' }, { name: 'human_handled' }])).toBe('Lars Moe');
  });
});
