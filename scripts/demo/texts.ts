// Phrase banks for the demo's conversations, English and Norwegian bokmål. Each bank is a list of
// alternatives for one *intent* (a customer's question about an invoice, an agent reflecting it
// back, a bot deflecting, ...), filled from the case's facts, so a reply talks about what the
// message it answers said and a chatbot about an invoice talks about the invoice. The relational
// scorer reads what each turn does (docs/relational-score.md): a relational contact here asks
// about the situation, reflects the specifics and commits with who/what/when; a transactional one
// recites formulas, deflects, transfers and closes.
import type { Rng } from './stories.js';

export type Lang = 'en' | 'nb';

export const TOPICS = ['invoice', 'user access', 'integration', 'reporting', 'data export', 'onboarding', 'outage', 'training', 'mobile app', 'delivery'] as const;
export type Topic = (typeof TOPICS)[number];

const WEEKDAYS: Record<Lang, string[]> = {
  en: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'],
  nb: ['mandag', 'tirsdag', 'onsdag', 'torsdag', 'fredag'],
};
export const MONTHS: Record<Lang, string[]> = {
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
  nb: ['januar', 'februar', 'mars', 'april', 'mai', 'juni', 'juli', 'august', 'september', 'oktober', 'november', 'desember'],
};
const DEPTS: Record<Lang, string[]> = {
  en: ['finance team', 'warehouse team', 'sales team', 'purchasing team', 'planning team'],
  nb: ['økonomiavdelingen', 'lageravdelingen', 'salgsavdelingen', 'innkjøpsavdelingen', 'planleggingsavdelingen'],
};
const SYSTEMS = ['SAP', 'Visma', 'Tripletex', 'Dynamics', 'Salesforce', 'HubSpot'];
const COLLEAGUES: Record<Lang, string[]> = {
  en: ['Mark', 'Julia', 'Sam', 'Nina', 'Chris', 'Anna'],
  nb: ['Per', 'Hilde', 'Mats', 'Lene', 'Espen', 'Guro'],
};
const CITIES: Record<Lang, string[]> = {
  en: ['Leeds', 'Bristol', 'Glasgow', 'Manchester', 'Cardiff'],
  nb: ['Bergen', 'Trondheim', 'Stavanger', 'Tromsø', 'Kristiansand'],
};

/** Everything a conversation may quote, drawn once per case so every turn agrees. */
export interface Facts {
  lang: Lang;
  topic: Topic;
  /** The customer's contact person's first name. */
  first: string;
  /** Who answers for the company (an account manager's or support agent's first name). */
  agent: string;
  colleague: string;
  dept: string;
  day: string;
  /** A later weekday for a promise ("I'll call you on Thursday"). */
  promiseDay: string;
  month: string;
  n: number;
  m: number;
  system: string;
  city: string;
  hour: number;
  caseNo: number;
  invoiceNo: number;
  /** Which variant of the case: the customer's message, its detail and the agent's reflection agree. */
  v: number;
}

export function drawFacts(rng: Rng, lang: Lang, topic: Topic, first: string, agent: string, monthIndex: number): Facts {
  const d = rng.int(0, 3);
  const n = rng.int(3, 14);
  return {
    lang,
    topic,
    first,
    agent: agent.split(' ')[0],
    colleague: rng.pick(COLLEAGUES[lang]),
    dept: rng.pick(DEPTS[lang]),
    day: WEEKDAYS[lang][d],
    promiseDay: WEEKDAYS[lang][rng.int(d + 1, 4)],
    month: MONTHS[lang][monthIndex],
    n,
    m: n + rng.int(2, 6),
    system: rng.pick(SYSTEMS),
    city: rng.pick(CITIES[lang]),
    hour: rng.int(9, 15),
    caseNo: rng.int(40_000, 99_999),
    invoiceNo: rng.int(200_000, 299_999),
    v: rng.int(0, 1),
  };
}

type Bank = (f: Facts) => string[];

interface TopicBank {
  /** The email subject of the customer's message. */
  subject: Bank;
  /** The customer raises it. */
  ask: Bank;
  /** The customer adds how it affects them (asked about it). */
  detail: Bank;
  /** A question about this situation (open, or specific to what was said). */
  question: Bank;
  /** The agent gives the specifics back. */
  reflect: Bank;
  /** The agent takes it on: first person, an action, a time. */
  own: Bank;
  /** The agent resolves it without asking anything (neutral). */
  fix: Bank;
  /** A bot or template that deflects it. */
  bot: Bank;
}

const EN: Record<Topic, TopicBank> = {
  invoice: {
    subject: (f) => [`Invoice ${f.invoiceNo}: wrong number of licences`, `Question about the ${f.month} invoice`],
    ask: (f) => [`The ${f.month} invoice lists ${f.m} licences, but we only have ${f.n} users.`, `Invoice ${f.invoiceNo} charges us for ${f.m} licences; we have ${f.n} active users.`],
    detail: (f) => [`Our ${f.dept} cannot approve the payment until the licence count is right.`, `${f.colleague} in our ${f.dept} has to close the books by ${f.day}.`],
    question: (f) => [`How did the count look when your ${f.dept} checked it?`, `What does your ${f.dept} need from us to approve it?`],
    reflect: (f) => [`So the ${f.month} invoice shows ${f.m} licences while you have ${f.n} users, and your ${f.dept} is waiting for it.`, `You are being charged for ${f.m} licences on invoice ${f.invoiceNo}, not the ${f.n} you use.`],
    own: (f) => [`I'll correct the invoice to ${f.n} licences today and send you the credit note before ${f.hour}:00.`, `I will fix invoice ${f.invoiceNo} myself and call ${f.colleague} on ${f.promiseDay} to confirm it is approved.`],
    fix: (f) => [`Invoice ${f.invoiceNo} has been corrected to ${f.n} licences. A credit note is attached.`, `The ${f.month} invoice now lists ${f.n} licences; the difference is credited on the next invoice.`],
    bot: () => ['I can help with invoices. Please enter your invoice number.', 'You can download copies of all invoices on My page.'],
  },
  'user access': {
    subject: (f) => [`${f.colleague} cannot log in`, 'Access for a new colleague'],
    ask: (f) => [`${f.colleague} in our ${f.dept} has not been able to sign in since ${f.day}.`, `We added ${f.colleague} last week, but the account is still locked.`],
    detail: (f) => [`Without access ${f.colleague} cannot register the orders, so the ${f.dept} is falling behind.`, `${f.colleague} is covering for two people this week, so it is urgent.`],
    question: (f) => [`What happens when ${f.colleague} tries to sign in?`, `Does ${f.colleague} see an error message, or does the page just reload?`],
    reflect: (f) => [`So ${f.colleague} has been locked out since ${f.day} and the ${f.dept} is falling behind on orders.`, `${f.colleague} is covering for two people and still cannot sign in.`],
    own: (f) => [`I'll reset ${f.colleague}'s access myself now and call you in an hour to check that it works.`, `I have reset the account; I'll call ${f.colleague} at ${f.hour}:00 today to walk through the first login.`],
    fix: (f) => [`The account for ${f.colleague} has been unlocked. A new password was sent by e-mail.`, `Access has been restored for ${f.colleague}.`],
    bot: () => ['To reset a password, use the "Forgot password" link on the sign-in page.', 'You can manage users yourself on My page under Settings.'],
  },
  integration: {
    subject: (f) => [`Sync with ${f.system} stopped`, `${f.system} integration errors`],
    ask: (f) => [`The sync with ${f.system} stopped on ${f.day}; ${f.m} orders are missing there.`, `Since ${f.day} nothing reaches ${f.system}, and our ${f.dept} is typing orders in by hand.`],
    detail: (f) => [`Our ${f.dept} has typed in ${f.n} orders by hand so far.`, `Month-end is coming and ${f.system} has to be complete by then.`],
    question: (f) => [`What changed on your side around ${f.day}?`, `How are you handling the missing orders in the meantime?`],
    reflect: (f) => [`So since ${f.day} the orders stop before ${f.system}, and your ${f.dept} has typed in ${f.n} of them by hand.`, `So since ${f.day} nothing reaches ${f.system}, and it has to be complete by month-end.`],
    own: (f) => [`I'll have our integration engineer replay the ${f.m} orders today and I'll call you at ${f.hour}:00 with the result.`, `I'll check the ${f.system} connection logs myself this afternoon and send you what I find before five.`],
    fix: (f) => [`The ${f.system} connector has been restarted and the queued orders were sent.`, `The integration token had expired. It has been renewed and the sync is running again.`],
    bot: () => ['Integration problems are described in our help centre under "Connectors".', 'Please fill out the integration support form and attach the error log.'],
  },
  reporting: {
    subject: () => ['Monthly report looks wrong', 'Numbers in the dashboard'],
    ask: (f) => [`The monthly report shows ${f.n} fewer active users than our own figures.`, `The ${f.month} report for the ${f.dept} is missing the last week of data.`],
    detail: (f) => [`We present these numbers to our board on ${f.promiseDay}.`, `${f.colleague} builds the quarterly forecast from this report.`],
    question: (f) => [`Which figures does your board look at first?`, `How does ${f.colleague} use the report when building the forecast?`],
    reflect: (f) => [`So the report is ${f.n} users short of your own figures, and it goes to the board on ${f.promiseDay}.`, `The ${f.month} report is missing a week, and ${f.colleague} builds the forecast from it.`],
    own: (f) => [`I'll rerun the report myself today and send it to you and ${f.colleague} before ${f.hour}:00.`, `I will check the figures against your export this afternoon and call you tomorrow morning.`],
    fix: (f) => [`The ${f.month} report has been regenerated with the missing data.`, 'A filter excluded inactive users. The corrected report is attached.'],
    bot: () => ['You can find an explanation of every report field in the help centre.', 'Reports can be customised on My page under Reports.'],
  },
  'data export': {
    subject: (f) => [`Export of data for the auditors`, `Full export before ${f.day}`],
    ask: (f) => [`Our auditors need an export of all transactions from ${f.month} by ${f.promiseDay}.`, `We need a full export for the ${f.dept} before the audit starts on ${f.promiseDay}.`],
    detail: (f) => [`The audit firm wants it as one file per month.`, `${f.colleague} has tried the export twice and it stops at about ${f.n} thousand rows.`],
    question: (f) => [`What format does the audit firm work with?`, `How far did ${f.colleague} get with the export before it stopped?`],
    reflect: (f) => [`So the auditors need every transaction from ${f.month}, one file per month, by ${f.promiseDay}.`, `${f.colleague}'s export stops at about ${f.n} thousand rows, and the audit starts on ${f.promiseDay}.`],
    own: (f) => [`I'll run the export on our side today and send ${f.colleague} a secure link before ${f.hour}:00.`, `I will split the export by month myself and have it to you by ${f.promiseDay} morning.`],
    fix: () => ['The export has been generated. You can download it for seven days.', 'Large exports are now split into files of 50,000 rows each.'],
    bot: () => ['Exports can be started on My page under Data.', 'See our guide on exporting data in the help centre.'],
  },
  onboarding: {
    subject: (f) => [`${f.n} new users starting in ${f.month}`, 'Setting up new colleagues'],
    ask: (f) => [`We have ${f.n} new colleagues starting in ${f.month} and need them set up.`, `Our new office in ${f.city} opens in ${f.month} with ${f.n} new users.`],
    detail: (f) => [`They start on a ${f.day}, and most of them have never used the system.`, `${f.colleague} is leading the ${f.city} office and wants them productive in the first week.`],
    question: (f) => [`What should the new colleagues be able to do in their first week?`, `How is the team in ${f.city} organised?`],
    reflect: (f) => [`So ${f.n} people start in ${f.month}, and most of them have never used the system.`, `The ${f.city} office opens in ${f.month} with ${f.n} new users, and ${f.colleague} wants them productive in the first week.`],
    own: (f) => [`I'll set up the ${f.n} accounts this week and book a welcome session with ${f.colleague} on ${f.promiseDay}.`, `I'll send you an onboarding plan for ${f.city} tomorrow and call you on ${f.promiseDay} to go through it.`],
    fix: (f) => [`${f.n} user licences have been added to your account.`, 'The new users can be invited from the Users page.'],
    bot: () => ['Our onboarding guide is available in the help centre.', 'You can invite new users yourself on My page.'],
  },
  outage: {
    subject: (f) => [`System down on ${f.day}`, 'Service unavailable this morning'],
    ask: (f) => [`The system was down for about ${f.m} minutes this morning, during our ${f.dept}'s busiest hour.`, `On ${f.day} nobody in the ${f.dept} could open the dashboard for almost an hour.`],
    detail: (f) => [`We had ${f.n} customers waiting on the phone while it was down.`, `${f.colleague} had to reschedule ${f.n} deliveries because of it.`],
    question: (f) => [`What did the outage mean for your customers on ${f.day}?`, `How did the ${f.dept} manage while it was down?`],
    reflect: (f) => [`So the ${f.dept} was without the system for ${f.m} minutes in its busiest hour, with ${f.n} customers waiting.`, `${f.colleague} had to move ${f.n} deliveries because the dashboard was down on ${f.day}.`],
    own: (f) => [`I'll send you the incident report myself by ${f.promiseDay} and call you to go through what we are changing.`, `I'm putting your account on our priority alert list today, and I'll call you on ${f.promiseDay} with the root cause.`],
    fix: () => ['The incident was caused by a failed database update and has been resolved.', 'Service was restored at 09:40. We apologise for any inconvenience.'],
    bot: () => ['Current service status is shown on our status page.', 'If the service is unavailable, please check the status page before contacting us.'],
  },
  training: {
    subject: (f) => [`Training for ${f.n} team leads`, 'Request for a training session'],
    ask: (f) => [`Could we get a training session for ${f.n} new team leads in the ${f.dept}?`, `Our ${f.dept} wants a refresher course before the busy season.`],
    detail: (f) => [`Most of them only use the basic screens today.`, `${f.colleague} would like the session in ${f.city}, not online.`],
    question: (f) => [`What do the team leads struggle with most today?`, `Which parts of the system does the ${f.dept} use most?`],
    reflect: (f) => [`So ${f.n} new team leads in the ${f.dept}, and most of them only use the basic screens.`, `The ${f.dept} wants a refresher before the busy season, and ${f.colleague} would like it in person in ${f.city}.`],
    own: (f) => [`I'll book our trainer for ${f.promiseDay} in ${f.city} and send you the agenda today.`, `I will put together a session on the reports they need and confirm a date with ${f.colleague} tomorrow.`],
    fix: () => ['Our next open training course is on the first Tuesday of the month. Registration is on the course page.', 'A recorded training course has been added to your account.'],
    bot: () => ['You can sign up for training courses in the help centre.', 'See our training videos on the Learning page.'],
  },
  'mobile app': {
    subject: () => ['The app crashes when uploading photos', 'Problem with the mobile app'],
    ask: (f) => [`The mobile app crashes when our field staff upload photos; ${f.n} of them have reported it.`, `Since the last update the app logs out ${f.colleague} and the field team every few minutes.`],
    detail: (f) => [`They end up taking notes on paper and typing them in at the office.`, `It happens mostly in ${f.city}, where the network is weak.`],
    question: () => ['What are the field staff doing when it crashes?', 'Does it happen on every phone, or only on some models?'],
    reflect: (f) => [`So ${f.n} people in the field are back on paper because the app crashes on photo uploads.`, `${f.colleague}'s team keeps getting logged out, mostly in ${f.city} where the network is weak.`],
    own: (f) => [`I'll get the crash logs to our app team today and call ${f.colleague} on ${f.promiseDay} with a fix date.`, `I will send you a test build myself by ${f.promiseDay} and check with the field team that it works.`],
    fix: () => ['Version 4.2 of the app fixes the upload crash. Please update from the app store.', 'The app has been updated. Please reinstall it.'],
    bot: () => ['Please make sure you have the latest version of the app installed.', 'Known app issues are listed in our help centre.'],
  },
  delivery: {
    subject: (f) => [`${f.m} scanners not delivered`, 'Where is our order?'],
    ask: (f) => [`The ${f.m} scanners we ordered for ${f.city} have not arrived.`, `We were promised the new terminals by ${f.day}, and the ${f.dept} is still waiting.`],
    detail: (f) => [`The new site in ${f.city} cannot open without them.`, `${f.colleague} has ${f.n} people starting who need a terminal.`],
    question: (f) => [`When does the ${f.city} site need them at the latest?`, `How many of the terminals does ${f.colleague} need first?`],
    reflect: (f) => [`So ${f.city} cannot open without the ${f.m} scanners, and they have not arrived.`, `${f.colleague} has ${f.n} new people and no terminals for them yet.`],
    own: (f) => [`I'll call the warehouse myself now and send the ${f.m} scanners by courier today; you'll have the tracking number before ${f.hour}:00.`, `I have reserved ${f.n} terminals for you and I'll drive them to ${f.city} on ${f.promiseDay} myself.`],
    fix: (f) => [`The order has been shipped. Tracking number ${f.caseNo}.`, `Your ${f.m} scanners are on their way and should arrive within two days.`],
    bot: () => ['You can track your order on My page under Orders.', 'Please enter your order number to see the delivery status.'],
  },
};

const NB: Record<Topic, TopicBank> = {
  invoice: {
    subject: (f) => [`Faktura ${f.invoiceNo}: feil antall lisenser`, `Spørsmål om fakturaen for ${f.month}`],
    ask: (f) => [`Fakturaen for ${f.month} viser ${f.m} lisenser, men vi har bare ${f.n} brukere.`, `Faktura ${f.invoiceNo} tar betalt for ${f.m} lisenser; vi har ${f.n} aktive brukere.`],
    detail: (f) => [`${capital(f.dept)} kan ikke godkjenne betalingen før antallet stemmer.`, `${f.colleague} i ${f.dept} må lukke regnskapet innen ${f.day}.`],
    question: (f) => [`Hvordan så antallet ut da ${f.dept} sjekket det?`, `Hva trenger ${f.dept} fra oss for å godkjenne den?`],
    reflect: (f) => [`Så fakturaen for ${f.month} viser ${f.m} lisenser mens dere har ${f.n} brukere, og ${f.dept} venter på den.`, `Dere får betale for ${f.m} lisenser på faktura ${f.invoiceNo}, ikke de ${f.n} dere bruker.`],
    own: (f) => [`Jeg retter fakturaen til ${f.n} lisenser i dag og sender deg kreditnotaen før kl. ${f.hour}.`, `Jeg skal rette faktura ${f.invoiceNo} selv og ringer ${f.colleague} på ${f.promiseDay} for å høre at den er godkjent.`],
    fix: (f) => [`Faktura ${f.invoiceNo} er rettet til ${f.n} lisenser. Kreditnota ligger vedlagt.`, `Fakturaen for ${f.month} viser nå ${f.n} lisenser; differansen krediteres på neste faktura.`],
    bot: () => ['Jeg kan hjelpe deg med fakturaer. Skriv inn fakturanummeret ditt.', 'Du finner kopi av alle fakturaer på Min side.'],
  },
  'user access': {
    subject: (f) => [`${f.colleague} kommer ikke inn`, 'Tilgang for en ny kollega'],
    ask: (f) => [`${f.colleague} i ${f.dept} har ikke kommet seg inn siden ${f.day}.`, `Vi la til ${f.colleague} forrige uke, men kontoen er fortsatt låst.`],
    detail: (f) => [`Uten tilgang kan ikke ${f.colleague} registrere ordrene, så ${f.dept} henger etter.`, `${f.colleague} dekker for to personer denne uken, så det haster.`],
    question: (f) => [`Hva skjer når ${f.colleague} prøver å logge inn?`, `Får ${f.colleague} en feilmelding, eller lastes bare siden på nytt?`],
    reflect: (f) => [`Så ${f.colleague} har vært utestengt siden ${f.day}, og ${f.dept} henger etter med ordrene.`, `${f.colleague} dekker for to personer og kommer fortsatt ikke inn.`],
    own: (f) => [`Jeg nullstiller tilgangen til ${f.colleague} selv nå og ringer deg om en time for å høre at det virker.`, `Jeg har nullstilt kontoen; jeg ringer ${f.colleague} kl. ${f.hour} i dag og går gjennom første innlogging.`],
    fix: (f) => [`Kontoen til ${f.colleague} er låst opp. Nytt passord er sendt på e-post.`, `Tilgangen til ${f.colleague} er gjenopprettet.`],
    bot: () => ['For å endre passord, bruk lenken «Glemt passord» på innloggingssiden.', 'Du kan administrere brukere selv på Min side under Innstillinger.'],
  },
  integration: {
    subject: (f) => [`Synkroniseringen med ${f.system} har stoppet`, `Feil i integrasjonen mot ${f.system}`],
    ask: (f) => [`Synkroniseringen med ${f.system} stoppet på ${f.day}; ${f.m} ordrer mangler der.`, `Siden ${f.day} kommer ingenting over til ${f.system}, og ${f.dept} taster ordrer for hånd.`],
    detail: (f) => [`${capital(f.dept)} har tastet inn ${f.n} ordrer for hånd så langt.`, `Det er snart månedsslutt, og ${f.system} må være komplett innen da.`],
    question: (f) => [`Hva ble endret hos dere rundt ${f.day}?`, `Hvordan håndterer dere ordrene som mangler i mellomtiden?`],
    reflect: (f) => [`Så siden ${f.day} stopper ordrene før ${f.system}, og ${f.dept} har tastet inn ${f.n} av dem for hånd.`, `Så siden ${f.day} kommer ingenting over til ${f.system}, og alt må være komplett innen månedsslutt.`],
    own: (f) => [`Jeg får integrasjonsteknikeren vår til å sende de ${f.m} ordrene på nytt i dag, og ringer deg kl. ${f.hour} med resultatet.`, `Jeg sjekker loggene for ${f.system}-koblingen selv i ettermiddag og sender deg det jeg finner før kl. 17.`],
    fix: (f) => [`Koblingen mot ${f.system} er startet på nytt, og ordrene i kø er sendt.`, 'Integrasjonsnøkkelen hadde gått ut. Den er fornyet, og synkroniseringen går igjen.'],
    bot: () => ['Integrasjonsproblemer er beskrevet på hjelpesidene våre under «Koblinger».', 'Fyll ut skjemaet for integrasjonsstøtte og legg ved feilloggen.'],
  },
  reporting: {
    subject: () => ['Månedsrapporten ser feil ut', 'Tallene i dashbordet'],
    ask: (f) => [`Månedsrapporten viser ${f.n} færre aktive brukere enn våre egne tall.`, `Rapporten for ${f.month} til ${f.dept} mangler data for siste uke.`],
    detail: (f) => [`Vi legger fram tallene for styret på ${f.promiseDay}.`, `${f.colleague} lager kvartalsprognosen ut fra denne rapporten.`],
    question: (f) => [`Hvilke tall ser styret på først?`, `Hvordan bruker ${f.colleague} rapporten når prognosen lages?`],
    reflect: (f) => [`Så rapporten mangler ${f.n} brukere sammenlignet med deres egne tall, og den skal til styret på ${f.promiseDay}.`, `Rapporten for ${f.month} mangler en uke, og ${f.colleague} lager prognosen ut fra den.`],
    own: (f) => [`Jeg kjører rapporten på nytt selv i dag og sender den til deg og ${f.colleague} før kl. ${f.hour}.`, `Jeg sjekker tallene mot uttrekket deres i ettermiddag og ringer deg i morgen tidlig.`],
    fix: (f) => [`Rapporten for ${f.month} er laget på nytt med dataene som manglet.`, 'Et filter utelot inaktive brukere. Den rettede rapporten ligger vedlagt.'],
    bot: () => ['Du finner en forklaring av alle rapportfeltene på hjelpesidene.', 'Rapporter kan tilpasses på Min side under Rapporter.'],
  },
  'data export': {
    subject: (f) => ['Uttrekk av data til revisor', `Fullt uttrekk før ${f.day}`],
    ask: (f) => [`Revisor trenger et uttrekk av alle transaksjoner fra ${f.month} innen ${f.promiseDay}.`, `Vi trenger et fullt uttrekk til ${f.dept} før revisjonen starter på ${f.promiseDay}.`],
    detail: () => ['Revisjonsfirmaet vil ha én fil per måned.', 'Uttrekket har stoppet to ganger underveis.'],
    question: () => ['Hvilket format jobber revisjonsfirmaet med?', 'Hvor langt kom uttrekket før det stoppet?'],
    reflect: (f) => [`Så revisor trenger alle transaksjonene fra ${f.month}, én fil per måned, innen ${f.promiseDay}.`, `Uttrekket stopper underveis, og revisjonen starter på ${f.promiseDay}.`],
    own: (f) => [`Jeg kjører uttrekket hos oss i dag og sender ${f.colleague} en sikker lenke før kl. ${f.hour}.`, `Jeg deler uttrekket per måned selv og sender det til deg innen ${f.promiseDay} morgen.`],
    fix: () => ['Uttrekket er laget. Du kan laste det ned i sju dager.', 'Store uttrekk deles nå i filer på 50 000 rader.'],
    bot: () => ['Uttrekk kan startes på Min side under Data.', 'Se veiledningen for uttrekk på hjelpesidene.'],
  },
  onboarding: {
    subject: (f) => [`${f.n} nye brukere starter i ${f.month}`, 'Oppsett for nye kolleger'],
    ask: (f) => [`Vi har ${f.n} nye kolleger som starter i ${f.month}, og de må settes opp.`, `Det nye kontoret vårt i ${f.city} åpner i ${f.month} med ${f.n} nye brukere.`],
    detail: (f) => [`De starter på en ${f.day}, og de fleste har aldri brukt systemet.`, `${f.colleague} leder kontoret i ${f.city} og vil at de skal komme raskt i gang.`],
    question: (f) => [`Hva bør de nye kollegene kunne den første uken?`, `Hvordan er teamet i ${f.city} organisert?`],
    reflect: (f) => [`Så ${f.n} personer starter i ${f.month}, og de fleste har aldri brukt systemet.`, `Kontoret i ${f.city} åpner i ${f.month} med ${f.n} nye brukere, og ${f.colleague} vil ha dem i gang første uke.`],
    own: (f) => [`Jeg setter opp de ${f.n} kontoene denne uken og booker en velkomstøkt med ${f.colleague} på ${f.promiseDay}.`, `Jeg sender deg en oppstartsplan for ${f.city} i morgen og ringer deg på ${f.promiseDay} for å gå gjennom den.`],
    fix: (f) => [`${f.n} brukerlisenser er lagt til på kontoen deres.`, 'De nye brukerne kan inviteres fra siden Brukere.'],
    bot: () => ['Veiledningen for oppstart finner du på hjelpesidene.', 'Du kan invitere nye brukere selv på Min side.'],
  },
  outage: {
    subject: (f) => [`Systemet var nede på ${f.day}`, 'Tjenesten var utilgjengelig i morges'],
    ask: (f) => [`Systemet var nede i omtrent ${f.m} minutter i morges, midt i travleste time for ${f.dept}.`, `På ${f.day} fikk ingen i ${f.dept} åpnet dashbordet på nesten en time.`],
    detail: (f) => [`Vi hadde ${f.n} kunder som ventet i telefonen mens det var nede.`, `${f.colleague} måtte flytte ${f.n} leveranser på grunn av det.`],
    question: (f) => [`Hva betydde avbruddet for kundene deres på ${f.day}?`, `Hvordan klarte ${f.dept} seg mens det var nede?`],
    reflect: (f) => [`Så ${f.dept} var uten systemet i ${f.m} minutter i travleste time, med ${f.n} kunder som ventet.`, `${f.colleague} måtte flytte ${f.n} leveranser fordi dashbordet var nede på ${f.day}.`],
    own: (f) => [`Jeg sender deg hendelsesrapporten selv innen ${f.promiseDay} og ringer deg for å gå gjennom hva vi endrer.`, `Jeg legger kontoen deres på prioritert varsling i dag, og ringer deg på ${f.promiseDay} med årsaken.`],
    fix: () => ['Hendelsen skyldtes en mislykket databaseoppdatering og er løst.', 'Tjenesten var tilbake kl. 09.40. Vi beklager ulempen.'],
    bot: () => ['Driftsstatus vises på statussiden vår.', 'Hvis tjenesten er utilgjengelig, sjekk statussiden før du kontakter oss.'],
  },
  training: {
    subject: (f) => [`Opplæring for ${f.n} teamledere`, 'Ønske om et kurs'],
    ask: (f) => [`Kan vi få et kurs for ${f.n} nye teamledere i ${f.dept}?`, `${capital(f.dept)} ønsker et oppfriskningskurs før høysesongen.`],
    detail: (f) => ['De fleste bruker bare de enkleste skjermbildene i dag.', `${f.colleague} vil gjerne ha kurset i ${f.city}, ikke på nett.`],
    question: () => ['Hva sliter teamlederne mest med i dag?', 'Hvilke deler av systemet bruker de mest?'],
    reflect: (f) => [`Så ${f.n} nye teamledere i ${f.dept}, og de fleste bruker bare de enkleste skjermbildene.`, `${capital(f.dept)} vil ha en oppfriskning før høysesongen, og ${f.colleague} vil ha kurset i ${f.city}.`],
    own: (f) => [`Jeg booker kurslederen vår til ${f.promiseDay} i ${f.city} og sender deg agendaen i dag.`, `Jeg setter sammen et kurs om rapportene de trenger, og avtaler dato med ${f.colleague} i morgen.`],
    fix: () => ['Neste åpne kurs er første tirsdag i måneden. Påmelding skjer på kurssiden.', 'Et innspilt kurs er lagt til på kontoen deres.'],
    bot: () => ['Du kan melde deg på kurs på hjelpesidene.', 'Se opplæringsvideoene våre på siden Læring.'],
  },
  'mobile app': {
    subject: () => ['Appen krasjer ved opplasting av bilder', 'Problem med mobilappen'],
    ask: (f) => [`Mobilappen krasjer når feltpersonellet laster opp bilder; ${f.n} av dem har meldt fra.`, `Etter siste oppdatering logger appen ut ${f.colleague} og feltteamet med noen minutters mellomrom.`],
    detail: (f) => ['De ender opp med å notere på papir og taste det inn på kontoret.', `Det skjer mest i ${f.city}, der nettet er svakt.`],
    question: () => ['Hva holder feltpersonellet på med når den krasjer?', 'Skjer det på alle telefoner, eller bare på noen modeller?'],
    reflect: (f) => [`Så ${f.n} personer i felten er tilbake på papir fordi appen krasjer ved bildeopplasting.`, `Teamet til ${f.colleague} blir logget ut hele tiden, mest i ${f.city} der nettet er svakt.`],
    own: (f) => [`Jeg sender krasjloggene til app-teamet vårt i dag og ringer ${f.colleague} på ${f.promiseDay} med en dato for rettingen.`, `Jeg sender deg en testversjon selv innen ${f.promiseDay} og sjekker med feltteamet at den virker.`],
    fix: () => ['Versjon 4.2 av appen retter krasjet ved opplasting. Oppdater fra appbutikken.', 'Appen er oppdatert. Installer den på nytt.'],
    bot: () => ['Sørg for at du har siste versjon av appen installert.', 'Kjente feil i appen står på hjelpesidene våre.'],
  },
  delivery: {
    subject: (f) => [`${f.m} skannere er ikke levert`, 'Hvor er bestillingen vår?'],
    ask: (f) => [`De ${f.m} skannerne vi bestilte til ${f.city}, har ikke kommet.`, `Vi fikk love de nye terminalene innen ${f.day}, og ${f.dept} venter fortsatt.`],
    detail: (f) => [`Det nye stedet i ${f.city} kan ikke åpne uten dem.`, `${f.colleague} har ${f.n} nye folk som trenger en terminal.`],
    question: (f) => [`Når trenger dere dem i ${f.city} senest?`, `Hvor mange av terminalene trenger ${f.colleague} først?`],
    reflect: (f) => [`Så ${f.city} kan ikke åpne uten de ${f.m} skannerne, og de har ikke kommet.`, `${f.colleague} har ${f.n} nye folk og ingen terminaler til dem ennå.`],
    own: (f) => [`Jeg ringer lageret selv nå og sender de ${f.m} skannerne med bud i dag; du får sporingsnummeret før kl. ${f.hour}.`, `Jeg har reservert ${f.n} terminaler til dere og kjører dem til ${f.city} på ${f.promiseDay} selv.`],
    fix: (f) => [`Bestillingen er sendt. Sporingsnummer ${f.caseNo}.`, `De ${f.m} skannerne er på vei og skal være framme innen to dager.`],
    bot: () => ['Du kan spore bestillingen på Min side under Ordrer.', 'Skriv inn ordrenummeret ditt for å se leveringsstatus.'],
  },
};

export const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

interface Generic {
  hello: (f: Facts) => string[];
  ack: Bank;
  openGeneric: Bank;
  relief: Bank;
  okay: Bank;
  resigned: Bank;
  repeat: Bank;
  broken: Bank;
  wantsHuman: Bank;
  botHello: Bank;
  botLost: Bank;
  botHandover: Bank;
  template: Bank;
  transfer: Bank;
  policy: Bank;
  vague: Bank;
  closing: Bank;
  signoff: (f: Facts) => string[];
}

const GEN: Record<Lang, Generic> = {
  en: {
    hello: (f) => [`Hi ${f.first},`, `Hello ${f.first},`],
    ack: () => ['Thanks for telling me, that sounds frustrating.', 'Sorry to hear that.', 'That sounds stressful, and it should not happen.'],
    openGeneric: () => ['How is this affecting your team day to day?', 'What would a good solution look like for you?', 'Tell me a bit more about how you work with it today.'],
    relief: () => ['Thank you, that is a relief.', 'Great, that works for us.', 'Thanks, much appreciated.', 'Perfect, sounds good.'],
    okay: () => ['OK.', 'Noted.', 'OK, received.'],
    resigned: () => ['Forget it, we will sort it out ourselves.', 'Thanks for nothing.', 'Nobody listens, as usual.', 'I give up.'],
    repeat: () => ['I am asking for the third time now.', 'As I said in my last message, this is still not solved.'],
    broken: () => ['You promised to call me back last week, and nobody called.', 'Still no reply, although you said someone would get back to me.'],
    wantsHuman: () => ['I would like to talk to a person.', 'Can I speak to someone, please?'],
    botHello: () => ['Hi! I am Ada, the virtual assistant.', 'Welcome! I am the virtual assistant.'],
    botLost: () => ['I did not understand that. Please choose one of the options below.', 'Sorry, I did not get that. Please rephrase your question.'],
    botHandover: () => ['I am transferring you to an agent. The expected wait time is 25 minutes.', 'Is there anything else I can help you with?'],
    template: (f) => [`Thank you for contacting us. Your case number is ${f.caseNo}.`, 'We have received your request and will get back to you as soon as possible.', 'Please allow 3–5 business days for a reply.'],
    transfer: () => ['Your request has been forwarded to the relevant department.', 'Please contact our billing team directly.'],
    policy: () => ['Unfortunately we are unable to make changes to this.', 'Unfortunately our policy does not allow exceptions.'],
    vague: () => ['Someone will be in touch.', 'A colleague will contact you.'],
    closing: () => ['This ticket is now closed.', 'Have a nice day.'],
    signoff: (f) => [`Best regards,\n${f.agent}`, `Kind regards,\n${f.agent}`],
  },
  nb: {
    hello: (f) => [`Hei ${f.first},`, `Hei, ${f.first}!`],
    ack: () => ['Takk for at du sier ifra, det høres frustrerende ut.', 'Det forstår jeg godt.', 'Leit å høre, det skal ikke skje.'],
    openGeneric: () => ['Hvordan påvirker dette hverdagen til teamet ditt?', 'Hva ville vært en god løsning for dere?', 'Fortell meg litt mer om hvordan dere jobber med det i dag.'],
    relief: () => ['Tusen takk, det hjelper.', 'Flott, det passer fint.', 'Så bra, takk for hjelpen.', 'Høres bra ut.'],
    okay: () => ['Ok.', 'Notert.', 'Ok, mottatt.'],
    resigned: () => ['Glem det, vi ordner det selv.', 'Takk for ingenting.', 'Ingen hører etter, som vanlig.', 'Jeg gir opp.'],
    repeat: () => ['Jeg spør nå for tredje gang.', 'Som jeg skrev i forrige melding, er dette fortsatt ikke løst.'],
    broken: () => ['Dere lovet å ringe meg tilbake forrige uke, men ingen ringte.', 'Fortsatt ikke hørt noe, selv om dere sa at noen skulle ta kontakt.'],
    wantsHuman: () => ['Jeg vil snakke med et menneske.', 'Kan jeg få snakke med noen?'],
    botHello: () => ['Hei! Jeg er Ada, den virtuelle assistenten.', 'Velkommen! Jeg er den virtuelle assistenten.'],
    botLost: () => ['Jeg forsto ikke det. Velg et av alternativene under.', 'Beklager, det forsto jeg ikke. Prøv å formulere spørsmålet på nytt.'],
    botHandover: () => ['Jeg setter deg over til en rådgiver. Forventet ventetid er 25 minutter.', 'Er det noe mer jeg kan hjelpe deg med?'],
    template: (f) => [`Takk for din henvendelse. Saksnummeret ditt er ${f.caseNo}.`, 'Vi har mottatt henvendelsen din og kommer tilbake til deg så snart som mulig.', 'Svar kan ta 3–5 virkedager.'],
    transfer: () => ['Saken er videresendt til riktig avdeling.', 'Du må kontakte fakturaavdelingen direkte.'],
    policy: () => ['Dessverre har vi ikke mulighet til å endre dette.', 'I henhold til vilkårene kan vi dessverre ikke gjøre unntak.'],
    vague: () => ['En saksbehandler vil kontakte deg.', 'Vi kommer tilbake til deg.'],
    closing: () => ['Saken er nå avsluttet.', 'Ha en fin dag.'],
    signoff: (f) => [`Hilsen\n${f.agent}`, `Vennlig hilsen\n${f.agent}`],
  },
};

/** Picks one alternative of a bank. */
const one = (rng: Rng, bank: Bank, f: Facts) => rng.pick(bank(f));
/** The case's own variant of a bank (message, detail and reflection of one case belong together). */
const own = (bank: Bank, f: Facts) => { const alts = bank(f); return alts[f.v % alts.length]; };
export const topicBank = (f: Facts): TopicBank => (f.lang === 'nb' ? NB : EN)[f.topic];
export const generic = (f: Facts): Generic => GEN[f.lang];

/** A personal e-mail: greeting, the body as one paragraph, sign-off with the sender's name. */
function letter(rng: Rng, f: Facts, body: string[]): string {
  const g = generic(f);
  return `${one(rng, g.hello, f)}\n\n${body.join(' ')}\n\n${one(rng, g.signoff, f)}`;
}

export type Turn = { speaker: 'customer' | 'agent' | 'bot'; text: string };
const say = (speaker: Turn['speaker'], text: string): Turn => ({ speaker, text });

/** The customer's first message about the case (the body of an inbound e-mail or ticket). */
export function customerMessage(rng: Rng, f: Facts, extra?: 'repeat' | 'broken'): string {
  const t = topicBank(f);
  const body = `${own(t.ask, f)} ${own(t.detail, f)}`;
  if (extra === 'repeat') return `${one(rng, generic(f).repeat, f)} ${body}`;
  if (extra === 'broken') return `${one(rng, generic(f).broken, f)} ${body}`;
  return body;
}

export const subjectOf = (rng: Rng, f: Facts) => one(rng, topicBank(f).subject, f);

/** A relational written reply: name, acknowledgement, the specifics back, a commitment, a question. */
export function relationalReply(rng: Rng, f: Facts): string {
  const g = generic(f);
  const t = topicBank(f);
  return letter(rng, f, [one(rng, g.ack, f), own(t.reflect, f), one(rng, t.own, f), one(rng, t.question, f)]);
}

/** A neutral written reply: solves it, asks nothing. */
export function neutralReply(rng: Rng, f: Facts): string {
  return letter(rng, f, [one(rng, topicBank(f).fix, f)]);
}

/** A transactional written reply: a formula, then a deflection, a policy, a transfer or a close. */
export function templatedReply(rng: Rng, f: Facts): string {
  const g = generic(f);
  const second = rng.weighted({ bot: 3, policy: 2, transfer: 2, vague: 2, closing: 1 });
  const tail = second === 'bot' ? one(rng, topicBank(f).bot, f) : one(rng, g[second], f);
  return `${f.lang === 'nb' ? 'Kjære kunde,' : 'Dear customer,'} ${one(rng, g.template, f)} ${tail}`;
}

/** A live conversation (chat or call) handled relationally: asks, listens, reflects, owns. */
export function relationalConversation(rng: Rng, f: Facts): Turn[] {
  const g = generic(f);
  const t = topicBank(f);
  return [
    say('customer', own(t.ask, f)),
    say('agent', `${one(rng, g.hello, f)} ${one(rng, g.ack, f)} ${one(rng, t.question, f)}`),
    say('customer', own(t.detail, f)),
    say('agent', `${own(t.reflect, f)} ${one(rng, t.own, f)}`),
    say('customer', one(rng, g.relief, f)),
  ];
}

/** A live conversation handled efficiently: answered and fixed, no question about the situation. */
export function neutralConversation(rng: Rng, f: Facts): Turn[] {
  const g = generic(f);
  const t = topicBank(f);
  return [say('customer', own(t.ask, f)), say('agent', one(rng, t.fix, f)), say('customer', one(rng, g.okay, f))];
}

/** A chatbot about the case's topic: deflects, misunderstands, hands over or closes. */
export function chatbotConversation(rng: Rng, f: Facts, ending: 'resigned' | 'okay' | 'none'): Turn[] {
  const g = generic(f);
  const t = topicBank(f);
  const turns = [
    say('bot', one(rng, g.botHello, f)),
    say('customer', own(t.ask, f)),
    say('bot', one(rng, t.bot, f)),
    say('customer', one(rng, g.wantsHuman, f)),
    say('bot', rng.chance(0.5) ? one(rng, g.botLost, f) : one(rng, g.botHandover, f)),
  ];
  if (ending === 'resigned') turns.push(say('customer', one(rng, g.resigned, f)));
  if (ending === 'okay') turns.push(say('customer', one(rng, g.okay, f)));
  return turns;
}

/** A phone call that recites and passes the customer on. */
export function transactionalCall(rng: Rng, f: Facts): Turn[] {
  const g = generic(f);
  const t = topicBank(f);
  return [
    say('agent', f.lang === 'nb' ? 'Kundeservice. Kan jeg få kundenummeret ditt?' : 'Customer service. Can I have your customer number, please?'),
    say('customer', own(t.ask, f)),
    say('agent', `${one(rng, g.policy, f)} ${one(rng, g.transfer, f)}`),
    say('customer', one(rng, g.resigned, f)),
  ];
}

// ---------------------------------------------------------------------------------------------
// The account manager's own outreach.

export interface Theme {
  en: string;
  nb: string;
}

/** What a customer's business is busy with, for the account manager to ask about. */
export const THEMES = (f: Facts): Theme[] => [
  { en: `the new site in ${f.city}`, nb: `det nye stedet i ${f.city}` },
  { en: `hiring for the ${DEPTS.en[DEPTS.nb.indexOf(f.dept)] ?? f.dept}`, nb: `ansettelsene i ${f.dept}` },
  { en: `the move to ${f.system}`, nb: `overgangen til ${f.system}` },
  { en: `the busy season in ${f.month}`, nb: `høysesongen i ${f.month}` },
];

/** A call or meeting where the account manager asks about the customer's situation and commits. */
export function checkInConversation(rng: Rng, f: Facts, theme: Theme, kept: boolean): Turn[] {
  const g = generic(f);
  const t = topicBank(f);
  const subject = theme[f.lang];
  const opener = f.lang === 'nb'
    ? rng.pick([`Hei ${f.first}, sist vi snakket nevnte du ${subject}. Hvordan går det med det?`, `Hei ${f.first}! Fortell meg litt om hvordan det går med ${subject}.`])
    : rng.pick([`Hi ${f.first}, last time we spoke you mentioned ${subject}. How is that going?`, `Hi ${f.first}! Tell me a bit about how ${subject} is going.`]);
  const keptLine = f.lang === 'nb' ? 'Som lovet har jeg sjekket det vi snakket om, og det er ordnet. ' : 'As promised, I looked into what we discussed, and it is sorted. ';
  return [
    say('agent', `${kept ? keptLine : ''}${opener}`),
    say('customer', f.lang === 'nb' ? `Det går stort sett bra. ${own(t.ask, f)}` : `Mostly well. ${own(t.ask, f)}`),
    say('agent', `${one(rng, g.ack, f)} ${one(rng, t.question, f)}`),
    say('customer', own(t.detail, f)),
    say('agent', `${own(t.reflect, f)} ${one(rng, t.own, f)}`),
    say('customer', one(rng, g.relief, f)),
  ];
}

/** The account manager's personal e-mail asking how things are going. */
export function checkInEmail(rng: Rng, f: Facts, theme: Theme): string {
  const subject = theme[f.lang];
  const body = f.lang === 'nb'
    ? rng.pick([`Sist vi snakket nevnte du ${subject}. Hvordan går det med det nå?`, `Jeg tenkte på ${subject}. Hva trenger dere fra oss de neste månedene?`])
    : rng.pick([`Last time we spoke you mentioned ${subject}. How is it going now?`, `I was thinking about ${subject}. What do you need from us in the coming months?`]);
  return letter(rng, f, [body]);
}

/** The customer's answer to a check-in e-mail: their situation, in their words. */
export function checkInAnswer(rng: Rng, f: Facts, warm: boolean): string {
  const t = topicBank(f);
  const thanks = f.lang === 'nb' ? `Takk for at du spør, ${f.agent}.` : `Thanks for asking, ${f.agent}.`;
  return warm ? `${thanks} ${own(t.ask, f)} ${own(t.detail, f)}` : own(t.ask, f);
}

/** A company push nobody asked for: the offer, no question. */
export function pushOffer(rng: Rng, f: Facts): { subject: string; body: string } {
  return f.lang === 'nb'
    ? rng.pick([
        { subject: 'Oppgrader til Premium', body: 'Kjære kunde, vår nye premium-pakke er tilgjengelig fra neste måned. Oppgrader nå og få 20 % rabatt det første året.' },
        { subject: 'Et tilbud til dere', body: 'Kjære kunde, som eksisterende kunde får dere et eksklusivt tilbud på ekstra lisenser ut måneden.' },
      ])
    : rng.pick([
        { subject: 'Upgrade to Premium', body: 'Dear customer, our new premium tier is available from next month. Upgrade now and get 20% off the first year.' },
        { subject: 'An offer for your team', body: 'Dear customer, as an existing customer you get an exclusive offer on extra licences until the end of the month.' },
      ]);
}

export function renewalReminder(f: Facts, date: string): { subject: string; body: string } {
  return f.lang === 'nb'
    ? { subject: 'Avtalen deres fornyes snart', body: `Kjære kunde, avtalen deres fornyes ${date}. Dette er en automatisk melding, ikke svar på denne e-posten.` }
    : { subject: 'Your contract renews soon', body: `Dear customer, your contract renews on ${date}. This is an automated message, please do not reply.` };
}

// ---------------------------------------------------------------------------------------------
// Broadcasts.

const FEATURES: Record<Lang, string[]> = {
  en: ['scheduled reports', 'a faster mobile app', 'single sign-on', 'the new planning view', 'two-factor login', 'bulk user import', 'an improved search', 'custom dashboards'],
  nb: ['planlagte rapporter', 'en raskere mobilapp', 'felles innlogging', 'den nye planleggingsvisningen', 'tofaktorinnlogging', 'import av mange brukere', 'et bedre søk', 'egne dashbord'],
};

export function newsletter(lang: Lang, monthIndex: number, year: number, k: number): { subject: string; summary: string } {
  const a = FEATURES[lang][(monthIndex + k) % FEATURES[lang].length];
  const b = FEATURES[lang][(monthIndex + k + 3) % FEATURES[lang].length];
  return lang === 'nb'
    ? { subject: `Nyhetsbrev for ${MONTHS.nb[monthIndex]} ${year}`, summary: `Nytt denne måneden: ${a} og ${b}. Les mer på nettsiden vår.` }
    : { subject: `Newsletter for ${MONTHS.en[monthIndex]} ${year}`, summary: `New this month: ${a} and ${b}. Read more on our website.` };
}

export function inAppTip(lang: Lang, k: number): { subject: string; summary: string } {
  const f = FEATURES[lang][k % FEATURES[lang].length];
  return lang === 'nb' ? { subject: `Tips: prøv ${f}`, summary: `Visste du at du nå kan bruke ${f}? Du finner det under Innstillinger.` } : { subject: `Tip: try ${f}`, summary: `Did you know you can now use ${f}? You will find it under Settings.` };
}

export function invoiceMail(lang: Lang, monthIndex: number, year: number, invoiceNo: number): { subject: string; summary: string } {
  return lang === 'nb'
    ? { subject: `Faktura for ${MONTHS.nb[monthIndex]} ${year}`, summary: `Faktura ${invoiceNo} for ${MONTHS.nb[monthIndex]} er klar. Dette er en automatisk melding, ikke svar på denne e-posten.` }
    : { subject: `Your invoice for ${MONTHS.en[monthIndex]} ${year}`, summary: `Invoice ${invoiceNo} for ${MONTHS.en[monthIndex]} is ready. This is an automated message, please do not reply.` };
}

export function paymentReminder(lang: Lang, invoiceNo: number, due: string): string {
  return lang === 'nb' ? `Påminnelse: faktura ${invoiceNo} forfalt ${due}. Dette er en automatisk melding.` : `Reminder: invoice ${invoiceNo} was due on ${due}. This is an automated message.`;
}

// ---------------------------------------------------------------------------------------------
// Surveys.

export function surveyComment(rng: Rng, lang: Lang, kind: 'nps' | 'csat' | 'ces', tone: 'good' | 'mixed' | 'bad', am: string): string | undefined {
  const first = am.split(' ')[0];
  const bank: Record<Lang, Record<typeof tone, string[]>> = {
    en: {
      good: [`${first} knows our business and always follows up.`, 'Quick, friendly help, and they listened.', `Our account manager ${first} takes the time to understand us.`],
      mixed: ['The product works, but replies could be quicker.', 'Fine overall, although the app is a bit slow.', ''],
      bad: ['Nobody listens. We only ever talk to bots.', 'We keep getting automated replies and no real help.', 'Slow answers, and we had to explain everything again.'],
    },
    nb: {
      good: [`${first} kjenner oss godt og følger alltid opp.`, 'Rask og vennlig hjelp, og de lyttet.', `Kundeansvarlig ${first} tar seg tid til å forstå oss.`],
      mixed: ['Produktet fungerer, men svarene kunne kommet raskere.', 'Greit nok, selv om appen er litt treg.', ''],
      bad: ['Ingen lytter. Vi snakker bare med roboter.', 'Vi får bare automatiske svar og ingen reell hjelp.', 'Trege svar, og vi måtte forklare alt på nytt.'],
    },
  };
  if (kind === 'ces' && tone === 'mixed') return undefined;
  const text = rng.pick(bank[lang][tone]);
  return text || undefined;
}

/** Every text a bank can produce for one case, for the grammar check. */
export function allTexts(f: Facts): string[] {
  const t = topicBank(f);
  const g = generic(f);
  const banks: Bank[] = [t.subject, t.ask, t.detail, t.question, t.reflect, t.own, t.fix, t.bot, g.ack, g.openGeneric, g.relief, g.okay, g.resigned, g.repeat, g.broken, g.wantsHuman, g.botHello, g.botLost, g.botHandover, g.template, g.transfer, g.policy, g.vague, g.closing];
  return [...banks.flatMap((b) => b(f)), ...g.hello(f), ...g.signoff(f)];
}
