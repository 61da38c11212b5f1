// Plain-words formatting shared by the pages.

const dateFmt = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
const dateTimeFmt = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
const DAY = 86_400_000;

export const fmtDate = (iso) => (iso ? dateFmt.format(new Date(iso)) : '—');
export const fmtDateTime = (iso) => (iso ? dateTimeFmt.format(new Date(iso)) : '—');

// Day words ("today", "tomorrow", "3 days ago") go by calendar day in the reader's time zone
// (the browser's unless one is passed), never by 24-hour spans: 09:47 tomorrow is tomorrow even
// when it is less than a day away.
const formatters = new Map();
const formatter = (key, timeZone, options) => {
  const k = `${key}|${timeZone || ''}`;
  if (!formatters.has(k)) formatters.set(k, new Intl.DateTimeFormat('en-GB', { ...options, ...(timeZone ? { timeZone } : {}) }));
  return formatters.get(k);
};
const numericDay = (timeZone) => formatter('day', timeZone, { year: 'numeric', month: 'numeric', day: 'numeric' });

/** The calendar day a moment falls on in a time zone, as a day count (days since 1970-01-01). */
export function calendarDay(ms, timeZone) {
  const p = Object.fromEntries(numericDay(timeZone).formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return Math.round(Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day)) / DAY);
}

/** Calendar days from `now` to `iso` in a time zone: 0 the same day, 1 tomorrow, −1 yesterday. */
export const daysBetween = (iso, now = Date.now(), timeZone) => calendarDay(Date.parse(iso), timeZone) - calendarDay(now, timeZone);

export function fmtAgo(iso, now = Date.now(), timeZone) {
  if (!iso || Number.isNaN(Date.parse(iso))) return 'never';
  const days = -daysBetween(iso, now, timeZone);
  if (days < 0) return `in ${-days} day${days === -1 ? '' : 's'}`;
  if (days === 0) return 'today';
  if (days === 1) return 'yesterday';
  if (days < 60) return `${days} days ago`;
  return `${Math.round(days / 30)} months ago`;
}

/**
 * A follow-up's due time in words, by calendar day in the reader's time zone: "due today 16:00",
 * "due tomorrow 09:47", "due 12 Dec 2026", "overdue since 09:00 today", "overdue since yesterday 17:30",
 * "overdue since 28 Nov 2026".
 */
export function fmtDue(iso, now = Date.now(), timeZone) {
  const at = iso ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(at)) return 'no due date';
  const days = daysBetween(iso, now, timeZone);
  const time = formatter('time', timeZone, { hour: '2-digit', minute: '2-digit' }).format(new Date(at));
  const date = formatter('date', timeZone, { day: 'numeric', month: 'short', year: 'numeric' }).format(new Date(at));
  if (at < now) {
    if (days === 0) return `overdue since ${time} today`;
    if (days === -1) return `overdue since yesterday ${time}`;
    return `overdue since ${date}`;
  }
  if (days === 0) return `due today ${time}`;
  if (days === 1) return `due tomorrow ${time}`;
  return `due ${date}`;
}

export const isOverdue = (iso, now = Date.now()) => !!iso && Date.parse(iso) < now;

export const pct = (p) => (p === null || p === undefined || Number.isNaN(Number(p)) ? '—' : `${Math.round(Number(p) * 100)}%`);

/** A churn probability in whole percent, truncated: a risk just under a level's line never reads as that line ("25% low"). */
export const riskPct = (p) => (p === null || p === undefined || Number.isNaN(Number(p)) ? '—' : `${Math.floor(Number(p) * 100 + 1e-9)}%`);

/** The churn probability without one driver: its contribution (log-odds) taken out of the model. */
export function riskWithout(p, effect) {
  const q = Math.min(Math.max(Number(p), 1e-6), 1 - 1e-6);
  return 1 / (1 + Math.exp(-(Math.log(q / (1 - q)) - Number(effect))));
}

export const signed = (n) => {
  const v = Math.round(Number(n) * 10) / 10;
  return v > 0 ? `+${v}` : v < 0 ? `−${Math.abs(v)}` : '±0';
};

/**
 * A score's signals as the "Why" list shows them: the ones that moved the score, largest first,
 * and the facts the model noticed but weighs at nothing (they explain the contact, not the
 * score). Effects are shown to one decimal, so an effect that rounds to 0 counts as none.
 */
export function splitSignals(signals) {
  const moved = (s) => Math.round(Number(s.effect) * 10) !== 0;
  return {
    counted: signals.filter(moved).sort((a, b) => Math.abs(b.effect) - Math.abs(a.effect)),
    noticed: signals.filter((s) => !moved(s)),
  };
}

/**
 * Who handled a touchpoint, for the timeline: automation when the record says so, or when the
 * scorer read a system where the record says a person (a "no-reply" sender of a template).
 */
export function handlerWords(t, signals = []) {
  const name = t.agent && t.agent.name;
  const read = new Set(signals.map((s) => s.name));
  const automated = t.handledBy === 'automation' || (read.has('automated') && !read.has('human_handled'));
  return automated ? `automation${name ? ` (${name})` : ''}` : name || 'a colleague';
}

const CHANNELS = {
  email: 'E-mail', phone: 'Phone call', meeting: 'Meeting', video: 'Video call', chat: 'Chat', chatbot: 'Chatbot', sms: 'SMS',
  support_ticket: 'Support ticket', return: 'Return', survey: 'Survey', newsletter: 'Newsletter', in_app: 'In-app message',
  social: 'Social media', letter: 'Letter', other: 'Other',
};
export const channelLabel = (c) => CHANNELS[c] || humanize(c);

export function humanize(s) {
  if (!s) return '';
  const words = String(s)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const SEGMENTS = { smb: 'SMB', mid_market: 'Mid-market', enterprise: 'Enterprise', public_sector: 'Public sector' };
export const segmentLabel = (s) => (s ? SEGMENTS[s] || humanize(s) : '');

export const bandLabel = (b) => (b ? b.charAt(0).toUpperCase() + b.slice(1) : 'Unknown');

export function trendWords(t) {
  if (t === null || t === undefined) return { arrow: '·', cls: 'flat', text: 'no trend yet' };
  if (t >= 3) return { arrow: '▲', cls: 'up', text: `up ${t} points in 30 days` };
  if (t <= -3) return { arrow: '▼', cls: 'down', text: `down ${-t} points in 30 days` };
  return { arrow: '▶', cls: 'flat', text: `steady (${signed(t)} in 30 days)` };
}

export const money = (v) => (v === null || v === undefined ? '—' : new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 }).format(v));

/** A yearly value in a table cell: "1.25M", "80k", "950"; the full figure goes in the title. */
export const moneyShort = (v) =>
  v === null || v === undefined ? '—' : new Intl.NumberFormat('en-GB', { notation: 'compact', maximumFractionDigits: v >= 1_000_000 ? 2 : 0 }).format(v);

// A calendar day (`YYYY-MM-DD`, e.g. renewalDate) has no time zone: read it as local midnight, never as UTC.
const localDay = (day) => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day || '');
  return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : null;
};

/** "31 Mar 2027" for a calendar day, "—" for none. */
export const fmtDay = (day) => {
  const d = localDay(day);
  return d ? dateFmt.format(d) : day ? String(day) : '—';
};

/** How far a renewal is from today: "in 12 days", "in 4 months", "today", "passed 3 days ago". */
export function renewalWords(day, now = Date.now()) {
  const d = localDay(day);
  if (!d) return '';
  const today = new Date(now);
  const days = Math.round((d.getTime() - new Date(today.getFullYear(), today.getMonth(), today.getDate()).getTime()) / DAY);
  if (days === 0) return 'today';
  const n = Math.abs(days);
  const span = n < 60 ? `${n} day${n === 1 ? '' : 's'}` : `${Math.round(n / 30.44)} months`;
  return days > 0 ? `in ${span}` : `passed ${span} ago`;
}

/** A renewal within 90 days (or passed), worth a look. */
export const renewalSoon = (day, now = Date.now()) => {
  const d = localDay(day);
  return !!d && d.getTime() - now < 90 * DAY;
};

/** `YYYY-MM-DD` of a date in local time, for `<input type="date">`. */
export function isoDay(d) {
  const z = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${z(d.getMonth() + 1)}-${z(d.getDate())}`;
}

// The follow-up rules (GET /rules ids) in an account manager's words.
const RULES = {
  high_value_transactional: 'Transactional contact with a high-value customer',
  transactional_streak: 'Several transactional contacts in a row',
  automation_without_relational: 'Only automated messages, no real conversation',
  unanswered_inbound: 'A message of theirs went unanswered',
  detractor_without_human_reply: 'Unhappy survey answer, no personal reply',
  return_automation_only: 'A return handled only by automation',
  repeat_contact: 'They came back about the same thing',
  health_band_drop: 'Relationship health dropped a band',
  win_back: 'A customer who left got in touch again',
};
export const ruleLabel = (rule) => RULES[rule] || humanize(rule);
