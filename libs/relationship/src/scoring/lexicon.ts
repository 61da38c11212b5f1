// The words the conversation features look for, English and Norwegian bokmål. Each family is
// one regular expression over normalised text (lower case, straight apostrophes, single
// spaces), matched on whole words. A family says what a phrase *does* (a formula, a
// commitment, a deflection); the features decide whether it counts (who said it, where, what
// else the turn does). Changing a list changes the model: refit and bump nothing by hand (the
// model version is a hash of the fitted file).

const L = '[\\p{L}\\p{N}]';

/** Texts up to this long have their answer kept; longer ones (a whole e-mail) are tested each time. */
const KEPT_TEXT = 240;
/** Answers a family keeps; past this many it starts over. */
const KEPT_ANSWERS = 4096;

/**
 * A phrase family: one whole-word regex over normalised text. It remembers its answer for a
 * short text: one touchpoint's sentences are tested by several features (a formula counts as a
 * template and also voids a commitment), and the same templated sentences come back on many
 * touchpoints. The regex is not global, so its answer depends on the text alone.
 */
export class Family {
  private readonly re: RegExp;
  private readonly answers = new Map<string, boolean>();

  constructor(readonly source: string) {
    this.re = new RegExp(source, 'u');
  }

  test(text: string): boolean {
    if (text.length > KEPT_TEXT) return this.re.test(text);
    let answer = this.answers.get(text);
    if (answer === undefined) {
      answer = this.re.test(text);
      if (this.answers.size >= KEPT_ANSWERS) this.answers.clear();
      this.answers.set(text, answer);
    }
    return answer;
  }

  exec(text: string): RegExpExecArray | null {
    return this.re.exec(text);
  }
}

/** One family from alternatives (regex source, lower case), each on whole words. */
export function family(alternatives: readonly string[]): Family {
  return new Family(`(?<!${L})(?:${alternatives.join('|')})(?!${L})`);
}

const DAYS_EN = '(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)';
const DAYS_NB = '(?:mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag)';

export const LEX = {
  /** Second person: the customer. */
  you: family(["you", "your", "yours", "you're", "you've", "you'd", "you'll", "yourself", "du", "deg", "din", "ditt", "dine", "dere", "deres", "dykk"]),

  /** A question opener that asks for an account, not a fact. */
  openStarter: family(['how', 'what', "what's", 'why', 'which', 'when did', 'where did', 'when (?:are|is|would|do|does|will|was)', 'where (?:are|is|would|do|does|was)', 'hvordan', 'hva', 'hvorfor', 'hvilke', 'hvilken', 'hvilket', 'når (?:begynte|skjedde|passer|er|var|kan|vil|pleier)', 'hvor (?:lenge|ofte|mye|er|var)']),
  /** Open prompts that invite the customer to talk, question mark or not. */
  openPrompt: family([
    'tell me (?:about|more|how|what|why|a bit)', '(?:could|can|would) you (?:describe|tell me|walk me through|explain what)', 'walk me through',
    'help me understand', 'what do you think', 'how do you feel', 'how did (?:you|that|it) feel', "i'd like to hear", 'i would like to hear',
    'fortell (?:meg )?(?:om|mer|hvordan|hva|litt)', 'kan du (?:beskrive|fortelle|forklare hva)', 'kunne du (?:beskrive|fortelle)', 'beskriv (?:hvordan|hva)',
    'hjelp meg å forstå', 'hva tenker du', 'hvordan opplevde du', 'jeg vil gjerne høre',
    // An open question wrapped in a polite frame: "can I ask what time suits you?", "kan jeg spørre hvordan …".
    '(?:can|may|could) i ask (?:you )?(?:what|how|why|when|where|which)', '(?:do you )?mind (?:me )?asking (?:what|how|why|when)', "i(?:'d| would) (?:like|love) to (?:know|understand|hear) (?:what|how|why|more)",
    '(?:could|can|would) you (?:let me know|tell me) (?:what|how|why|when|which)', 'i(?:\'m| am) (?:curious|wondering) (?:what|how|why|whether|if)',
    'kan jeg (?:få )?spørre (?:deg )?(?:hva|hvordan|hvorfor|når|hvor|hvilke\\p{L}*)', '(?:jeg )?lurer på (?:hva|hvordan|hvorfor|når|hvilke\\p{L}*)', 'kan du (?:si|fortelle) (?:meg )?(?:hva|hvordan|hvorfor|når|litt)', 'jeg vil gjerne (?:vite|forstå) (?:hva|hvordan|mer)',
  ]),
  /** Scripted openers: open in form, about nothing in particular. */
  scriptedQuestion: family([
    'how (?:can|may|could) (?:i|we) (?:help|assist)', 'what can (?:i|we) (?:do|help)', 'is there anything else', 'anything else (?:i|we) can',
    'how are you(?: today)?\\?', 'hva kan (?:jeg|vi) (?:hjelpe|gjøre)', 'hvordan kan (?:jeg|vi) (?:hjelpe|bistå)', 'er det noe (?:mer|annet)',
    'noe mer (?:jeg|vi) kan', 'any (?:other|more|further) questions', 'do you have any (?:other |more |further )?questions', 'was there anything else', 'anything else\\??$',
    '(?:har du )?(?:noen )?(?:flere|andre) spørsmål', 'var det noe mer', 'noe annet\\??$', 'is that (?:all|everything)', 'var det alt',
    // Offers dressed as questions: "how about our mobile broadband?", "hva med vårt nye abonnement?"
    'how about (?:our|a|an|the|upgrading|switching|adding|trying)', 'what about (?:our|a|an|upgrading|switching|adding)', 'would you (?:like|be interested in) (?:to )?(?:upgrade|our|a|an|hearing|trying|switching|adding)', 'have you (?:considered|thought about) (?:our|upgrading|switching|adding)',
    'hva med (?:vår|vårt|våre|et|en|å oppgradere|å bytte)', 'har du vurdert (?:vår|vårt|våre|å oppgradere|å bytte)', '(?:kunne du|vil du) (?:tenke deg|være interessert i) (?:vår|vårt|våre|et|en|å oppgradere)',
  ]),
  /** Asking for an identifier, not for the story. */
  factualQuestion: family([
    '(?:order|customer|account|phone|reference|case|ticket|tracking|invoice|membership|policy) number', 'e-?mail address', 'postcode', 'zip code',
    'date of birth', 'your (?:name|address)', '(?:ordre|kunde|konto|telefon|referanse|sak|faktura|medlems|sporings)nummer\\w*', 'e-postadresse\\w*',
    'postnummer\\w*', 'fødselsdato\\w*', 'personnummer\\w*',
  ]),

  /** First person singular: one person speaking for themselves. */
  firstPerson: family(["i", "i'll", "i've", "i'm", "i'd", 'me', 'my', 'jeg', 'meg', 'min', 'mitt', 'mine']),
  /** A concrete action someone takes on. */
  commitAction: family([
    "i'll (?:\\w+ )?(?:ask|speak|talk|find|stay|wait|let|post|raise|pop|drop|call|ring|phone|send|check|fix|sort|book|arrange|refund|order|follow|look|email|e-mail|write|update|come|be|make|get|take|personally|chase|escalate|transfer|reset|credit|ship|courier|visit|bring|text|confirm|keep|put)",
    'i will (?:\\w+ )?(?:ask|speak|talk|find|stay|wait|let|post|raise|call|ring|phone|send|check|fix|sort|book|arrange|refund|order|follow|look|email|e-mail|write|update|come|be|make|get|take|personally|chase|escalate|reset|credit|ship|visit|bring|text|confirm|keep|put)',
    "i(?:'m| am) (?:going to|booking|sending|calling|ordering|arranging|refunding|crediting|putting|taking|adding|fixing|checking)",
    "i(?:'ve| have) (?:just )?(?:booked|sent|ordered|arranged|refunded|credited|fixed|reset|escalated|added|put|reserved|cancelled|changed|updated|moved|raised|called|spoken|talked|checked|corrected|reversed|waived|issued|registered|scheduled)",
    "let me (?:call|check|fix|sort|book|arrange|look|send|find|see|get)",
    'jeg (?:skal|vil|kommer til å) (?:\\p{L}+ )?(?:spørre|snakke|finne|vente|bli|gi|poste|ringe|sende|sjekke|fikse|ordne|booke|bestille|refundere|følge|se|undersøke|skrive|oppdatere|komme|ta|rette|kreditere|gi|holde|sørge|legge|endre|purre|passe)',
    'jeg (?:spør|snakker|finner|venter|blir|ringer|sender|sjekker|fikser|ordner|booker|bestiller|refunderer|følger|undersøker|skriver|oppdaterer|tar|retter|krediterer|gir|holder|sørger|legger|endrer|purrer)',
    'jeg har (?:nå |akkurat |allerede )?(?:booket|sendt|bestilt|ordnet|refundert|kreditert|fikset|rettet|lagt|endret|registrert|snakket|ringt|sjekket|reservert|kansellert|flyttet|satt|tatt)',
    'la meg (?:sjekke|ringe|ordne|se|finne|fikse|sende)',
  ]),
  /** When: a concrete time. */
  commitTime: family([
    'today', 'tonight', 'tomorrow', 'this (?:morning|afternoon|evening|week)', 'within the hour', 'in (?:an|one|two|\\d+) hours?', 'in (?:\\d+|a few) minutes',
    `(?:by|on|before|next|this) ${DAYS_EN}`, DAYS_EN, 'by (?:the )?end of (?:the )?(?:day|week)', '(?:before|by|at|around) (?:noon|lunch|lunchtime|midday|\\d|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)', '(?:next|this) week', 'within (?:\\d+|a|one|two|three|24|48) (?:hours?|days?|working days)', 'end of (?:the )?(?:day|week)', 'at \\d{1,2}(?:[:.]\\d{2})?(?: ?[ap]m)?',
    'first thing', 'right (?:now|away)', 'straight away', 'now',
    'i dag', 'i kveld', 'i morgen(?:tidlig)?', 'i ettermiddag', 'i løpet av (?:dagen|timen|kvelden|uken|uka)', '(?:denne|neste) (?:uka|uken)', 'før (?:lunsj|tolv|elleve|ti|ni|åtte|ett|to|tre|fire|fem)', 'innen (?:\\d+|en|to|tre) (?:timer|dager|virkedager)', 'om (?:en|ei|to|tre|\\d+) timer?', 'om (?:\\d+|noen) minutter',
    `(?:innen|på|før|neste|til) ${DAYS_NB}`, DAYS_NB, 'innen (?:utgangen av )?(?:dagen|uken|uka)', 'før (?:lunsj|kl)', 'kl\\.? ?\\d{1,2}(?:[:.]\\d{2})?', 'nå', 'med en gang', 'straks',
  ]),
  /** A promise with nobody in it: "someone will be in touch". */
  vaguePromise: family([
    "(?:we|someone|somebody|a colleague|an agent|the team|a member of (?:our|the) team)(?: will|'ll) (?:be in touch|get back to you|contact you|look into|reply|respond|call you|pass (?:this|it) on|investigate)",
    'you will (?:be contacted|hear from us|receive (?:a|an) (?:reply|answer|response))', 'as soon as possible', 'in due course', 'at our earliest convenience',
    'vi (?:kommer tilbake|tar kontakt|vil kontakte|svarer deg|vil svare|ser på saken)', 'du vil bli kontaktet', 'du vil (?:høre|motta svar)', 'så snart som mulig', 'så fort (?:vi kan|som mulig)',
    'en (?:kollega|saksbehandler|rådgiver) (?:vil|kommer til å) (?:kontakte|ringe|ta kontakt)',
  ]),

  /** Formulas: the same sentence for everyone. */
  formula: family([
    'we apologi[sz]e for (?:any|the) inconvenience', 'sorry for (?:any|the) inconvenience', 'we regret (?:any|the) inconvenience', 'thank you for (?:contacting|reaching out to|your (?:patience|enquiry|inquiry|email|message|request))',
    'thanks for (?:contacting|reaching out|your patience)', 'your (?:case|ticket|reference|request) (?:number|id|#)', 'case (?:number|no\\.?|#|id)', 'ticket (?:number|no\\.?|#|id)', 'reference number',
    'please allow', 'business days', 'working days', 'dear (?:valued )?customer', 'valued customer', 'do not reply', "don't reply", 'please do not respond', 'this is an automated',
    'automated (?:message|reply|response|email)', 'this (?:e-?mail|message) was sent automatically', '(?:computer|system|automatically) generated', 'yours faithfully', 'dear (?:resident|patient|policyholder|member|customer|client|sir or madam|sir/madam|account holder)', 'if you have any (?:further |other )?questions', 'please find (?:attached|enclosed)', 'please (?:ensure|note) (?:that )?', 'no-?reply', 'we have received your (?:request|enquiry|inquiry|email|message)',
    'your (?:request|ticket|case|enquiry|inquiry) has been (?:received|registered|logged|forwarded|escalated|closed|resolved)', 'kind regards,? (?:the )?\\p{L}+ team', 'best regards,? (?:the )?customer',
    'we value your (?:feedback|business)', 'your (?:call|satisfaction) is important to us', 'i understand your frustration', 'we understand your frustration', 'i apologi[sz]e for any',
    'in accordance with our', 'as per our (?:policy|terms)', 'we are experiencing (?:a )?high', 'due to high (?:volume|demand)', 'is there anything else i can help',
    'vi beklager (?:ulempen|ulempene|eventuelle|dette)', 'beklager ulempen', 'takk for (?:din henvendelse|henvendelsen|at du kontaktet|tålmodigheten|din tålmodighet)', 'kjære kunde', 'kjære kunder',
    'saksnummer\\w*', 'referansenummer\\w*', 'ikke svar på denne', 'kan ikke besvares', 'dette er en automatisk', 'automatisk (?:generert|melding|svar)', 'vi har mottatt (?:din|henvendelsen|meldingen|e-posten|saken)',
    '(?:saken|henvendelsen) (?:din )?er (?:mottatt|registrert|videresendt|overført|sendt videre|lukket|avsluttet)', 'virkedager', 'arbeidsdager', 'med vennlig hilsen,? \\p{L}+ kundeservice',
    'vi forstår (?:din frustrasjon|at dette er frustrerende)', 'jeg forstår din frustrasjon', 'i henhold til (?:våre|vilkårene|retningslinjene)', 'høy pågang', 'stor pågang', 'vi setter pris på (?:din|tilbakemeldingen)', '(?:maskinelt|automatisk|system)generert', 'kjære (?:kunde|medlem|pasient|beboer|forsikringstaker)', 'har du (?:flere |andre )?spørsmål,? (?:kan du|er du velkommen|ta kontakt)', 'vedlagt (?:finner du|følger)', 'vi gjør oppmerksom på',
  ]),
  /** A merge field nobody filled. */
  mergeField: /\[(?:[A-ZÆØÅ][\p{L}]*)(?: [A-ZÆØÅa-zæøå][\p{L}]*){0,3}\]|<[A-Z_]{3,}>|\{\{[^}]*\}\}|\{\s*[a-z_]*name[a-z_]*\s*\}|\[(?:first ?name|name|customer(?: ?name)?|fornavn|navn|kunde(?:navn)?|agent(?: ?name)?)\]|%[a-zæøå_]+%|\*\|[a-z_]+\|\*|<(?:first_?name|name|fornavn)>|\$\{?(?:first_?name|fornavn|name)\}?/iu,

  /** Sending the customer elsewhere to serve themselves. */
  deflection: family([
    'https?://\\S+', 'www\\.\\S+', '\\p{L}+\\.\\p{L}{2,}/\\S*', '(?:the|our|your) (?:\\p{L}+ )?portal', '(?:can be|is) (?:started|done|found|managed|changed|tracked|booked) (?:from|in|on|via|through) (?:your|the|our) (?:account|app|website|portal)',
    'dm us', 'send us a (?:dm|direct message|private message|pm)', 'in a (?:dm|direct message|private message)', 'via dm', 'help ?cent(?:re|er)', 'our faq', 'the faq', 'faq', 'knowledge base', 'self-?service', 'my page', 'my account page',
    'log (?:in|on) to (?:your|the|our)', 'you can (?:do|find|change|update|track|manage|cancel|see) (?:this|it|that|your \\w+) (?:yourself|online|in the app|on our)', 'fill (?:in|out) (?:the|our|this) (?:form|web ?form)',
    'see (?:the )?(?:attached|our) (?:guide|article|instructions|terms|policy)', 'please (?:visit|refer to|see|check) (?:our|the) (?:website|web ?site|page|article|guide|guidance|help|support)', '\\[(?:link|lenke)\\]',
    'min side', 'mine sider', 'logg (?:inn|på) (?:på|i)', 'hjelpesid\\w*', 'ofte stilte spørsmål', 'kundesenter\\w* på nett', 'selvbetjening\\w*', 'fyll (?:ut|inn) (?:skjemaet|kontaktskjemaet)',
    'du (?:kan|finner) (?:selv|dette|det|svar|mer informasjon)[^.?!]{0,40}(?:på|i) (?:appen|nettsiden|våre sider|min side|nett)', 'se (?:vedlagt|vår|våre) (?:veiledning|guide|artikkel|vilkår)',
    'les mer (?:på|om)', 'besøk (?:vår|våre|nettsiden)', '(?:i|via) (?:vår|vårt) (?:\\p{L}+)?portal\\p{L}*', 'send oss en (?:dm|pm|privat melding|direktemelding)', 'på (?:dm|pm|privat melding)',
  ]),
  /** Passing the customer on to someone else. */
  passOn: family([
    "(?:i'll|i will|we will|we'll|i am going to|i'm going to) (?:transfer|pass|forward|put) you", '(?:transferring|forwarding|passing) you', 'forwarded (?:to|your)', 'another department', 'the (?:relevant|right|correct|appropriate) (?:department|team)',
    'you (?:need|have|will need) to (?:contact|call|speak to|talk to)', 'please contact (?:our|the|your)', 'not (?:our|my) department', 'outside (?:our|my) (?:area|scope)',
    'videresendt', 'sendt videre', 'overført til', 'sette deg over', 'setter deg over', 'en annen avdeling', '(?:riktig|rett|aktuell) avdeling', 'du (?:må|bør) (?:kontakte|ringe|ta kontakt med)',
    'ta kontakt med (?:\\p{L}+ )?(?:avdeling|kundeservice|support|forhandler|leverandør)', 'ikke (?:vår|min) avdeling',
  ]),
  /** The company closing the case. */
  closing: family([
    '(?:this|your|the) (?:ticket|case|request|conversation|chat) (?:is|has been|has now been|will be|will now be) (?:now )?(?:closed|resolved|marked)', '(?:ticket|case|job) closed', "i(?:'ll| will) (?:now )?close (?:this|the|your)", 'closing (?:this|the) (?:ticket|case|chat)',
    'marked as (?:resolved|solved|closed)', "i(?:'ve| have) (?:now )?(?:closed|resolved|marked) (?:this|the|your)", 'i consider (?:this|the) (?:\\p{L}+ )?(?:closed|resolved)', '(?:consider|treat) this (?:matter|case|complaint) (?:as )?closed', 'have a (?:nice|great|good) (?:day|evening|weekend)', 'thank you for (?:your time|choosing)', 'goodbye',
    '(?:saken|henvendelsen|chatten) (?:er|blir) (?:nå )?(?:lukket|avsluttet|løst|markert)', 'jeg (?:lukker|avslutter) (?:saken|chatten|henvendelsen)', 'jeg har (?:nå )?(?:lukket|avsluttet) (?:saken|chatten|henvendelsen|klagen)', '(?:anser|betrakter) (?:vi |jeg )?(?:saken|klagen) (?:som )?(?:avsluttet|lukket)', 'ha en (?:fin|god|strålende) (?:dag|kveld|helg)',
    'takk for (?:praten|samtalen)', 'saken avsluttes', '(?:saken|henvendelsen) anses (?:som )?(?:besvart|avsluttet|løst|lukket)',
  ]),
  /** Reading out the rules. */
  policy: family([
    'unfortunately', 'our policy', 'company policy', 'the policy', 'our terms', 'terms and conditions', 'not (?:able|possible|permitted|allowed) to', '(?:we are|i am|we\'re|i\'m) (?:unable|not able) to',
    "(?:we|i) (?:can't|cannot|can not) (?:make an exception|do that|offer|refund|change|help with that)", 'there is nothing (?:i|we) can do', 'it is not possible', "that's not possible", 'as stated in',
    'dessverre', 'våre (?:regler|retningslinjer|vilkår)', 'viser til (?:\\p{L}*regulativ\\p{L}*|vilkårene|reglene|retningslinjene|regelverket)', 'retningslinjene', 'vilkårene', 'det er ikke mulig', 'vi (?:kan|har) ikke (?:mulighet|anledning)', 'vi kan ikke', 'jeg kan ikke (?:gjøre|gi|endre|refundere)',
    'det er ingenting (?:vi|jeg) kan gjøre', 'ifølge (?:våre|vilkårene|reglene)',
    // Declining responsibility: the rules, or someone else's fault, instead of the customer's situation.
    'not applicable', '(?:has|have) been (?:declined|rejected|refused|denied)', '(?:we|i) (?:have|must|had to) (?:decline|reject|refuse)', 'does not (?:meet|qualify|fulfil)', '(?:do|does) not qualify', 'failure to (?:attend|pay|respond|comply|provide)', 'may result in',
    'avslått', 'avslag\\w*', 'oppfyller ikke', 'fyller ikke (?:vilkår|krav)\\w*', 'vilkåret', 'kan ikke innvilges', 'ikke innvilget', 'dersom du ikke (?:møter|betaler|svarer)', '(?:is|was) not (?:due to|caused by) (?:any )?(?:fault|error|mistake)', 'no fault (?:of ours|on our part)', 'not (?:our|the company\'s) (?:fault|responsibility)',
    '(?:is|are|was|were) not (?:eligible|covered|entitled)', 'outside (?:the|our) (?:warranty|policy|return window|returns window|terms)', 'we do not (?:offer|accept|cover|refund)',
    'ikke (?:aktuelt|dekket|omfattet)', 'utenfor (?:garantien|reklamasjonsfristen|angrefristen|vilkårene)', 'ikke (?:vår|vårt) (?:feil|ansvar)', 'har ikke (?:krav på|rett på)', 'skyldes ikke (?:feil|forhold) (?:hos|fra) oss',
  ]),
  /** Selling. */
  offer: family([
    '(?:special|exclusive|limited|great|fantastic|amazing|best|our|this|an|latest|new|black friday) offers?', 'offer (?:ends|expires|is valid|of the (?:week|month))', 'discount(?:s|ed)?', '\\d+ ?% (?:off|discount|rabatt)',
    'on sale', 'sale (?:ends|starts|now)', 'upgrade\\w*', '(?:a |great |good |best )deals?', 'promo(?:tion|code)?s?', 'campaign', 'limited time', 'buy now', 'order now', 'special price',
    '(?:i|we) can offer you', 'before you go', 'kan tilby (?:deg|dere)', 'før du går', 'black (?:friday|week)', 'premium (?:plan|tier|bundle|package)', 'half price', 'free (?:shipping|delivery|months?|trial)',
    '(?:\\p{L}+ )?(?:months?|weeks?) (?:for )?free', 'free for (?:the first )?(?:\\p{L}+ )?(?:months?|weeks?)', 'per (?:user|seat|licen[cs]e) per (?:month|year)', '(?:only|just) (?:[£$€]|kr\\.? ?)?\\d+[\\d.,]* (?:\\p{L}+ )?(?:more|extra|a month|per month)',
    '(?:our|the) new (?:\\p{L}+ )?(?:module|tier|plan|package|bundle|add-on|feature|platform|product)', 'free trial',
    '(?:\\p{L}+ )?(?:måneder?|uker?) gratis', 'gratis (?:i|de første) (?:\\p{L}+ )?(?:måneder?|uker?)', 'per (?:bruker|lisens) per (?:måned|år)', 'prøveperiode\\w*', 'tilleggsmodul\\w*', 'tilleggs(?:tjeneste|pakke)\\w*',
    '(?:vår|vårt|våre) nye? (?:\\p{L}+-)?(?:modul|løsning|tjeneste|produkt|pakke|abonnement)\\p{L}*',
    'tilbud (?:på|om rabatt)', '(?:gode|godt|spesial|eksklusivt|eksklusive|kampanje)tilbud\\w*', '(?:gode|godt|eksklusivt|fantastisk|et) tilbud', 'tilbudet gjelder', 'rabatt\\w*', 'kampanje\\w*', 'salg(?:et)? (?:starter|slutter)', 'oppgrader\\w*', 'kjøp nå',
    'bestill nå', 'spesialpris\\w*', 'gratis frakt', 'begrenset tid', 'halv pris',
  ]),
  /** Acknowledging the person. */
  acknowledgement: family([
    'i understand', 'i hear you', 'sorry to hear', "i'm (?:so |really |very )?sorry", 'i am (?:so |really |very )?sorry', 'i can imagine', 'that sounds (?:\\w+ )?(?:frustrating|stressful|awful|hard|difficult|annoying)',
    'that must (?:have been|be)', 'i see what you mean', 'thank you for (?:telling|letting me know|explaining)', 'thanks for (?:telling|letting me know|explaining)', 'that makes sense', 'you are right', "you're right",
    'jeg forstår', 'beklager', 'det skjønner jeg', 'jeg skjønner', 'leit å høre', 'så leit', 'det høres (?:\\p{L}+ )?(?:frustrerende|slitsomt|vanskelig|kjipt|irriterende) ut', 'det kan jeg (?:godt )?forstå', 'det forstår jeg',
    'takk for at du (?:sier ifra|forteller|forklarer)', 'forståelig', 'du har rett', 'du har helt rett',
  ]),
  /** The company owning its own mistake: "that was our error", "det var vår feil". */
  ownedMistake: family([
    'that (?:was|is|\'s) (?:our|my) (?:error|mistake|fault)', "that(?:'s| is| was) on (?:us|me)", '(?:we|i) (?:got (?:this|that|it) wrong|made (?:a|an) (?:mistake|error)|messed (?:this|that|it) up|dropped the ball)',
    '(?:our|my) (?:mistake|error|fault)', '(?:the|this) (?:mistake|error) (?:was|is) ours', '(?:we|i) should have (?:told|called|rung|let|warned|checked|caught|sent|flagged|noticed)', 'that should(?:n\'t| not) have happened',
    'det (?:var|er) (?:vår|min) feil', '(?:vi|jeg) (?:har )?(?:gjort|gjorde) (?:en )?feil', 'feilen (?:var|er|ligger hos) (?:vår|oss|meg)', '(?:vi|jeg) burde (?:ha )?(?:sagt|ringt|sjekket|varslet|sendt|fanget|oppdaget|gitt beskjed)', 'det skulle (?:ikke ha|aldri ha) skjedd', 'det (?:skal|skulle) ikke skje',
  ]),
  /** A way to reach one named person directly, not the queue. */
  directLine: family([
    'my direct (?:line|number|dial|phone|e-?mail|mobile)', 'call me (?:directly|direct|on|at)', 'ring me (?:directly|direct|on|at)', 'you can (?:reach|call|text|email|e-mail) me', 'reach me (?:directly|on|at)', 'my (?:mobile|cell) (?:is|number)',
    'here is my (?:number|mobile|direct)', 'text me', 'e-?mail me (?:directly|at)',
    'mitt direkte?nummer', 'direktenummeret mitt', 'ring meg (?:direkte|på)', 'du når meg', 'du kan (?:ringe|sende sms til|nå) meg', 'mobilnummeret mitt', 'mitt mobilnummer', 'send meg (?:en )?(?:sms|melding) (?:direkte|på)',
  ]),
  /** Talking about earlier contact. */
  historyPhrase: family([
    'last time', 'when we (?:spoke|talked|met)', 'as (?:we|i) (?:discussed|agreed|promised)', 'as promised', 'you (?:mentioned|told me|said)', 'following up on', 'follow(?:ing)? up (?:on|from) (?:our|your|my)',
    'your (?:previous|last|earlier) (?:call|email|e-mail|message|order|visit|contact|chat)', 'your order from', 'our (?:call|chat|conversation|meeting) (?:on|yesterday|last)', 'i promised', 'i said i would', "i said i'd", 'as i said i would', 'like i promised',
    'sist (?:vi|gang|du)', 'siden sist', 'forrige gang', 'som (?:vi|jeg) (?:snakket om|avtalte|lovet)', 'som lovet', 'du (?:nevnte|fortalte|sa)', 'jeg lovet', 'jeg sa (?:at )?jeg skulle', 'følger opp (?:samtalen|saken|praten|e-posten)',
    'bestillingen din fra', 'din (?:forrige|siste) (?:henvendelse|bestilling|samtale)', 'samtalen vår', 'da vi snakket',
  ]),

  /** Customer: relief, thanks, a plan. */
  relief: family([
    'thank you (?:so|very) much', 'thanks (?:a lot|so much|a million)', 'many thanks', "that's (?:a )?(?:relief|great|perfect|brilliant|wonderful|fantastic|lovely|helpful|amazing)", 'what a relief', 'perfect', 'brilliant', 'wonderful', 'lovely', 'excellent', 'amazing', 'fantastic',
    'appreciate (?:it|that|this|you)', "that(?:'s| is) (?:exactly |just )?what i (?:needed|wanted|hoped)", 'det var (?:akkurat |nettopp )?det jeg (?:trengte|ville|håpet)', 'i (?:really |truly )?appreciate', 'you(?:\'ve| have) been (?:very |so |really )?(?:helpful|kind|great)', 'really helpful', 'so helpful', 'much appreciated', 'see you (?:on )?(?:then|tomorrow|monday|tuesday|wednesday|thursday|friday|next)', 'sounds good', 'that works',
    "i'll (?:try|do) that", 'i feel (?:much )?better', 'glad (?:to hear|you)', '(?:that|this) (?:solves|saves|makes) my', 'you(?:\'ve| have) made my', 'above and beyond', 'made (?:all )?the difference',
    'tusen (?:hjertelig )?takk', 'takk skal du ha', 'takk så mye', 'så (?:bra|fint|flott|snilt|godt)', 'perfekt', 'herlig', 'kjempefint', 'kjempebra', 'kjempesnilt', 'det hjalp', 'til (?:god|stor) hjelp',
    'endelig noen som', 'lettet', 'da gjør vi det', 'høres (?:bra|fint|greit) ut', 'det passer (?:fint|bra)', 'vi snakkes', 'ses (?:på|i morgen|da)', '(?:det )?setter jeg (?:stor )?pris på', 'setter (?:stor )?pris på', 'du (?:reddet|har reddet)', 'nå (?:ble|blir) jeg glad',
  ]),
  /** Customer: a plain thanks or okay, politeness more than relief. */
  thanks: family([
    'thank you', 'thanks', 'thx', 'cheers', 'great', 'fine', 'ok(?:ay)?', 'alright', 'got it', 'noted', 'will do',
    'takk', 'tusen takk', 'flott', 'fint', 'supert?', 'greit', 'ok(?:ei)?', 'skjønner', 'oppfattet', 'notert', 'den er grei',
  ]),
  /** Customer: resignation, sarcasm, not heard. */
  resignation: family([
    'forget it', 'never mind', 'whatever', 'i give up', "don't bother", 'pointless', 'as usual', 'typical', '(?:nobody|no one|no-one) (?:listens|listened|cares|cared|called|answered|replied|gets back|got back|helps|helped)',
    'thanks for nothing', 'waste of (?:my )?time', '(?:take|taking) my business elsewhere', 'i(?:\'m| am) (?:done|fed up|tired of)', 'fed up', 'not (?:very |at all )?helpful', 'no help at all', 'useless',
    "you(?:'re| are) not listening", 'not listening', "didn't listen", 'nobody seems', 'talking to a (?:wall|robot|machine)', 'like talking to', 'still waiting', 'yet again', 'another automatic', 'another (?:automated|canned|standard)',
    'not good enough', 'not even (?:a|an|one)', 'i suppose (?:not|so)', 'if you say so', "so that's it", 'so that is it', 'i guess (?:not|so|that\'s it)', 'cancel (?:my|the) (?:subscription|contract|account|membership)', 'switch(?:ing)? (?:to another|provider|supplier)', 'not what i (?:was )?hoped', 'what a joke', 'not worth (?:the|my) time', '(?:thanks|thank you) anyway', 'takk (?:for hjelpen )?uansett', 'ridiculous', 'unbelievable',
    'glem det', 'samme det', 'driter i det', 'jeg gir opp', '(?:ingen|ingen av dere) (?:hørte|hører|lytter|lyttet|bryr seg|ringte|svarte|svarer|tok kontakt)', 'takk for ingenting', 'bortkastet tid', 'typisk', 'som vanlig',
    'ikke akkurat det jeg hadde håpet', 'ikke (?:særlig |noe )?(?:hjelpsom|hjelp)', 'til ingen hjelp', 'hjalp ingenting', 'lei av', 'går til (?:en annen|konkurrenten)', 'bytter (?:leverandør|selskap)', 'si opp (?:avtalen|abonnementet)',
    'ikke godt nok', 'ikke engang', 'ja vel', 'javel', 'hvis du sier det', 'så det var det', 'så det er alt', 'det får (?:vel )?(?:gå|holde)', 'venter fortsatt', 'venter ennå', 'enda et automatisk', 'nok et (?:automatisk|standard)', 'som å snakke (?:med|til) (?:en )?(?:vegg|robot|maskin)', 'latterlig', 'helt utrolig', 'hører ikke etter',
  ]),
  /** Customer: having to say it again. */
  repeatSelf: family([
    'as i (?:said|told you|mentioned|explained|wrote)', 'like i said', 'i already (?:told|said|explained|sent|gave)', 'i have already (?:told|said|explained|sent|given)', 'for the (?:second|third|fourth|fifth|\\d+(?:st|nd|rd|th)) time',
    'how many times', 'once again', 'again and again', 'i keep (?:having|telling|asking)', 'every time i (?:call|write|contact)',
    'som jeg (?:sa|skrev|nevnte|forklarte)', 'jeg har (?:allerede )?(?:sagt|forklart|skrevet|sendt) (?:dette|det)', 'jeg har allerede', 'for (?:andre|tredje|fjerde|femte) gang', 'hvor mange ganger', 'gang på gang', 'nok en gang',
  ]),
  /** A promise the company did not keep, as the customer tells it. */
  brokenPromiseText: family([
    '(?:you|they|he|she|someone|somebody|the agent) (?:promised|said (?:you|they|he|she) would|was supposed to)', '(?:nobody|no one|no-one) (?:called|rang|got back|came|replied|contacted)', 'never (?:called|rang|got back|heard back|came|replied|arrived)',
    "(?:didn't|did not|never) (?:call|ring|get back|hear back|reply)", 'still no (?:call|reply|answer|word)', 'no call back', 'no callback', 'promised (?:a )?call',
    '(?:dere|du|han|hun|de) (?:lovet|sa (?:at )?(?:dere|du|han|hun|de) skulle)', 'skulle (?:ringe|ha ringt|sende|ta kontakt)', 'ingen (?:ringte|har ringt|tok kontakt|har tatt kontakt|svarte|har svart|kom)', 'ringte (?:aldri|ikke)',
    'aldri (?:ringt|hørt|fått svar|kom)', 'fortsatt ikke (?:hørt|fått)', 'har ikke hørt noe', 'lovet å ringe',
  ]),
  /** Sarcasm: praise followed by the complaint it mocks. */
  sarcasm: family([
    '(?:great|wonderful|fantastic|brilliant|perfect|lovely|super|awesome|oh good|just great),? (?:another|more|yet another|again|now|so)',
    '(?:thanks|thank you)(?: (?:so|very) much)? for nothing', '(?:great|brilliant|excellent|perfect) (?:service|job|work|help),? (?:really|guys|as always|again)', 'yeah,? right', 'sure you (?:will|do|are)', 'oh (?:great|wonderful|brilliant|perfect|lovely),? (?:another|more|just what|so now|now i|a (?:survey|form|link|bot))', 'oh sure', 'keep (?:the|them|those|your) [\\p{L} ]{0,30}coming', 'not a single (?:human|person|reply|answer|call|word)',
    'really (?:helpful|great),? (?:thanks|not)', 'what (?:great|excellent|wonderful) service', 'love (?:waiting|being (?:put on hold|transferred|ignored))',
    '(?:flott|supert|fantastisk|herlig|strålende|topp|kjempebra),? (?:enda|nok|igjen|atter)', 'takk for (?:ingenting|ingen ting|null)', 'takk for (?:den|det),? (?:da|gitt)', 'så (?:utrolig |veldig )?hjelpsomt,? (?:gitt|da)',
    'strålende service', 'for en (?:service|hjelp)', 'ikke (?:et eneste|ett eneste|en eneste) (?:menneske|svar|ord|person)', 'ja,? sikkert', 'helt sikkert,? ja',
  ]),
  /** Words that turn a praise around within the next few words. */
  negator: family(["not", "never", "no", "hardly", "isn't", "wasn't", "don't", "didn't", "doesn't", "won't", "can't", "cannot", 'nothing', 'ikke', 'aldri', 'ingen', 'intet', 'ingenting', 'knapt', 'verken', 'neppe', "ikkje"]),

  /** Survey comments: about people. */
  people: family([
    'agent', 'advisor', 'adviser', 'staff', 'employee', 'representative', 'rep', 'person', 'people', 'lady', 'woman', 'man', 'guy', 'gentleman', 'colleague', 'consultant', 'technician', 'driver', 'she', 'he', 'her', 'him', 'they were',
    'engineer\\w*', 'installer\\w*', 'adjuster\\w*', 'nurse\\w*', 'doctor\\w*', 'pharmacist\\w*', 'receptionist\\w*', 'handler\\w*', 'secretary', 'courier\\w*', 'fitter\\w*', 'plumber\\w*', 'electrician\\w*', 'cashier\\w*', 'waiter\\w*', 'waitress\\w*', 'mechanic\\w*', 'teacher\\w*', 'human\\w*', 'operator\\w*', 'caller',
    'whoever', 'the team', 'customer service', 'front desk', 'reception', 'support team', 'account manager', 'manager',
    // What people do for a customer: "she calls every week", "kept us informed", "holdt oss oppdatert".
    'kept (?:me |us )?(?:in touch|informed|updated|posted)', 'keeps (?:me |us )?(?:in touch|informed|updated|posted)', '(?:calls|called|rang|rings|checks in) (?:me |us )?every', 'fights? for (?:me|us)',
    'holdt (?:meg|oss) (?:oppdatert|orientert|informert)', 'holder (?:meg|oss) (?:oppdatert|orientert|informert)', '(?:ringer|ringte) (?:meg |oss )?hver', 'kjempe[rt]? for (?:meg|oss)',
    'hun', 'han', 'henne', 'ham', 'damen', 'dama', 'mannen', 'fyren', 'rådgiver\\w*', 'ansatt\\w*', 'personal\\w*', 'kundebehandler\\w*', 'saksbehandler\\w*', 'kundeservice\\w*', 'kundeveileder\\w*',
    'sykepleier\\w*', 'lege\\w*', 'legen', 'resepsjon\\w*', 'håndverker\\w*', 'rørlegger\\w*', 'elektriker\\w*', 'ingeniør\\w*', 'installatør\\w*', 'kasserer\\w*', 'servitør\\w*', 'mekaniker\\w*', 'frisør\\w*', 'farmasøyt\\w*', 'menneske\\w*', 'behandler\\w*', 'sekretær\\w*',
    'montør\\w*', 'sjåfør\\w*', 'tekniker\\w*', 'den jeg snakket med', 'de jeg snakket med', 'selger\\w*', 'kundeansvarlig\\w*', 'konsulent\\w*', 'teamet',
    // People by what only people do, or by who they are not: "nobody listened", "de ringte aldri tilbake".
    'support', 'nobody', 'no one', 'no-one', 'someone', 'somebody', 'they', 'the script', 'listen\\w*', 'explained', 'took (?:the |their |his |her |some )?time', 'called (?:me )?back', 'rang (?:me )?back', 'cared', 'understood',
    'personer', 'folk', 'folka', 'ingen', 'noen', 'de', 'ekspeditør\\w*', 'betjening\\w*', 'lytt\\w*', 'forklarte', 'tok seg (?:\\p{L}+ )?tid', 'ringte (?:meg )?(?:tilbake|opp)', 'brydde seg', 'forsto', 'manus',
  ]),
  /**
   * Survey comments: what the people did well in the contact. Only a person does these, so a
   * clause with one is about the people even without a name ("kjenner oss godt og følger alltid opp").
   */
  contactPraise: family([
    '(?:called|rang|phoned|rung) (?:me |us )?back', 'got back to (?:me|us)', 'follow(?:s|ed)? (?:it |this |me |us )?up', 'following up', 'knows? (?:us|me|our|my|exactly)', 'knew (?:us|me|our|my|exactly)',
    'remember(?:s|ed)? (?:us|me|our|my|what)', 'asked (?:me |us )?(?:what|how|why|about|lots|a lot|the right)', 'took (?:the |their |his |her |some )?time', 'listened', 'explained', 'sorted (?:it|everything|out|the)', 'fixed (?:it|everything|the)',
    "(?:when|as|exactly when|just as|like) (?:he|she|they|you) said (?:he|she|they|you)(?:'d| would)", 'as promised', 'kept (?:me |us )?(?:informed|updated|posted|in the loop)', 'keeps (?:me |us )?(?:informed|updated|posted|in the loop)', 'checks? in', 'went (?:above|the extra)', 'got it (?:sorted|done|through)', 'on my side',
    'ringte (?:meg |oss )?(?:tilbake|opp)', 'følger (?:\\p{L}+ )?opp', 'fulgte (?:\\p{L}+ )?opp', 'kjenner (?:oss|meg|bedriften|behovene)', 'husket', 'husker', 'spurte', 'tok seg (?:\\p{L}+ )?tid', 'lyttet', 'hørte på (?:meg|oss)', 'forklarte (?:alt|meg|oss|det)', 'ordnet (?:alt|det|opp|saken)', 'fikset (?:alt|det|saken)',
    '(?:slik|som|akkurat når|når) (?:han|hun|de|du) (?:sa|lovet)', 'som lovet', 'holdt (?:meg|oss) (?:oppdatert|orientert|informert)', 'holder (?:meg|oss) (?:oppdatert|orientert|informert)', 'stiller opp', 'stilte opp',
    // The same in the present tense: what the person always does ("takes the time to understand us", "ringer alltid tilbake").
    '(?:calls|rings|phones) (?:me |us )?back', 'gets back to (?:me|us)', 'takes (?:the |their |his |her |some )?time', 'listens', 'explains', 'understands? (?:us|me|our|my|what)', 'asks (?:me |us )?(?:what|how|why|about|the right)',
    'ringer (?:meg |oss )?(?:alltid )?tilbake', 'tar seg (?:\\p{L}+ )?tid', 'lytter', 'hører på (?:meg|oss)', 'forklarer', 'forstår (?:oss|meg|hva)', 'å forstå (?:oss|meg|hva)', 'spør (?:oss |meg )?(?:om|hva|hvordan|alltid)', 'ordner (?:alt|det|opp)', 'fikser (?:alt|det)',
    '(?:phoned|called|rang|rung) (?:me|us) (?:herself|himself|themselves|personally|directly)', '(?:credit|kudos|hats off|shout-?out) to \\p{L}+', 'ringte (?:meg|oss) (?:selv|personlig|direkte)', '(?:honnør|ros) til \\p{L}+',
  ]),
  /**
   * Survey comments: how the contact treated the customer badly — the process the people ran,
   * not the product ("trege svar", "we had to explain everything again", "just a link").
   */
  contactComplaint: family([
    'transferred', 'put (?:me |us )?on hold', 'passed (?:me |us )?(?:around|on|between)', '(?:had|have|having) to (?:explain|repeat|call|ring|chase|start|tell|wait|send|fill|log|upload|find|figure|do it)', '(?:explain|repeat|tell|told|explained|repeated)\\p{L}* (?:it |it all |all |everything |the whole thing |my (?:story|case) )?(?:again|all over again|from scratch|from the start)',
    "(?:i|we) (?:had to )?(?:explain|explained|told|called|rang|wrote|chased)(?: \\p{L}+)? (?:two|three|four|five|several|many|\\d+) times", '(?:just|only) (?:a|the|sent (?:me )?a) link', 'sent (?:me |us )?(?:a link|to the (?:website|faq|help))', "(?:couldn't|could not|didn't|did not|wouldn't) (?:care less|help|be bothered)", 'shrugged', 'brushed (?:me |us )?off',
    '(?:automatic|automated|canned|standard) (?:repl\\p{L}*|answers?|responses?|e-?mails?)', '(?:slow|late) (?:repl\\p{L}*|answers?|responses?)', 'no (?:response|reply|answer|call ?back)', '(?:nobody|no one|no-one) (?:knew|called|answered|replied|got back|listened|cared)', 'talking to a (?:wall|robot|machine)', 'figured it out myself', 'sorted it (?:out )?myself',
    'satt (?:meg |oss )?over', 'sendt (?:meg |oss )?videre', 'sendte (?:meg |oss )?(?:bare )?videre', 'måtte (?:forklare|gjenta|ringe|purre|vente|sende|logge|fylle|starte|fortelle|finne|mase)', '(?:forklare|fortelle|gjenta|forklarte|fortalte)\\p{L}* (?:alt |det |saken |hele saken )?(?:på nytt|igjen|om igjen|fra start)',
    '(?:to|tre|fire|fem|flere|mange|\\d+) ganger (?:forklarte|sa|ringte|skrev|sendte|purret) (?:jeg|vi)', '(?:jeg|vi) (?:forklarte|ringte|skrev|purret)(?: \\p{L}+)? (?:to|tre|fire|fem|flere|mange|\\d+) ganger', 'bare (?:en|ei) lenke', 'kunne ikke hjelpe', 'ingen (?:visste|svarte|ringte|tok kontakt|lyttet|hørte)', 'tregt? (?:svar\\p{L}*|respons)', 'trege svar',
    // The contact did not get the customer anywhere (warmth without action): "nothing happened", "still not solved", "ikke løst".
    "(?:not|never|wasn't|isn't|hasn't been|haven't been) (?:\\p{L}+ )?(?:solved|fixed|resolved|sorted)", "(?:didn't|did not|couldn't|could not|can't|cannot|wouldn't|would not)(?: \\p{L}+)? (?:solve|fix|resolve|sort|help)", 'nothing (?:happened|was done|has happened|got done|came of it)', 'still waiting', 'no (?:solution|resolution)',
    'ikke (?:\\p{L}+ )?(?:løst|fikset|ordnet)', '(?:kunne|ville|har) ikke (?:\\p{L}+ )?(?:løse|fikse|ordne|hjelpe)', '(?:skjedde|har skjedd|skjer) (?:det )?ingenting', 'ingenting (?:skjedde|har skjedd|ble gjort|skjer)', 'venter (?:fortsatt|ennå|enda)', 'ingen løsning',
    '(?:automatisk|automatiske|standard)(?:e)? ?(?:svar\\p{L}*|e-post\\p{L}*)', 'ingen (?:svar|respons|tilbakemelding)', 'som å snakke (?:med|til) (?:en )?(?:vegg|robot|maskin)', 'fant ut av det selv', 'ordnet det selv',
  ]),
  /** Survey comments: the contact itself — replies, waits, calls, the service — rather than what was bought. */
  contactTopic: family([
    // Not "calls" or "telefonen": a phone or a dropped call is often what was bought.
    'repl(?:y|ies)', 'answers?', 'responses?', 'service', 'waits?', 'waiting', 'queue', 'on hold', 'e-?mails?', 'tickets?', 'front desk', 'reception', 'help ?desk', 'helpline',
    'svar(?:et|ene)?', 'respons\\p{L}*', 'service', 'ventetid\\p{L}*', 'kø(?:en)?', 'oppfølging\\p{L}*', 'henvendelse\\p{L}*', 'klage(?:n|r)?', 'e-post(?:en|er)?', 'samtale(?:n|r)?',
  ]),
  /** Survey comments: about the product, price or process. */
  product: family([
    'app', 'the app', 'product', 'products', 'price', 'prices', 'pricing', 'delivery', 'website', 'site', 'system', 'billing', 'invoice', 'bill', 'software', 'update', 'network', 'coverage', 'quality', 'package', 'parcel', 'item',
    'speed', 'line', 'router', 'connection', 'broadband', 'wifi', 'internet', 'signal', 'device', 'machine', 'store', 'shop', 'selection', 'range', 'stock', 'fees?', 'costs?', 'plan', 'tariff', 'menu', 'food',
    'hastighet\\w*', 'linje\\w*', 'ruter\\w*', 'forbindelse\\w*', 'bredbånd\\w*', 'internett\\w*', 'utvalg\\w*', 'butikk\\w*', 'gebyr\\w*', 'kostnad\\w*', 'tjeneste\\w*', 'sortiment\\w*', 'maten', 'lokal\\w*',
    'appen', 'app\\w*', 'produkt\\w*', 'pris\\w*', 'levering\\w*', 'nettsid\\w*', 'system\\w*', 'faktura\\w*', 'regning\\w*', 'nettbutikk\\w*', 'dekning\\w*', 'kvalitet\\w*', 'pakke\\w*', 'vare\\w*', 'oppdatering\\w*', 'abonnement\\w*',
  ]),
  positive: family([
    'good', 'great', 'excellent', 'helpful', 'kind', 'friendly', 'patient', 'lovely', 'wonderful', 'amazing', 'fantastic', 'brilliant', 'best', 'nice', 'polite', 'professional', 'listened', 'understood', 'cared', 'caring',
    'kept (?:me |us )?(?:in touch|informed|updated|posted)', 'keeps (?:me |us )?(?:in touch|informed|updated|posted)', '(?:calls|called|rang|rings|checks in) (?:me |us )?every', 'fights? for (?:me|us)', 'actually (?:listened|cared|called|helped|fixed)',
    'holdt (?:meg|oss) (?:oppdatert|orientert|informert)', 'holder (?:meg|oss) (?:oppdatert|orientert|informert)', '(?:ringer|ringte) (?:meg |oss )?hver', 'kjempe[rt]? for (?:meg|oss)', 'faktisk (?:lyttet|brydde|ringte|hjalp)',
    'quick', 'fast', 'easy', 'love', 'loved', 'happy', 'pleased', 'satisfied', 'superb', 'outstanding', 'thank', 'thanks', 'took the time', 'went above', 'sorted',
    'bra', 'god', 'godt', 'flott', 'hjelpsom\\w*', 'vennlig\\w*', 'snill\\w*', 'tålmodig\\w*', 'hyggelig\\w*', 'fantastisk\\w*', 'supert?', 'strålende', 'best', 'profesjonell\\w*', 'lyttet', 'forsto', 'brydde seg',
    'rask\\w*', 'enkel\\w*', 'fornøyd', 'glad', 'takk', 'utmerket', 'tok seg tid', 'imøtekommende', 'kjempe\\p{L}*',
  ]),
  negative: family([
    'bad', 'poor', 'terrible', 'awful', 'horrible', 'rude', 'unhelpful', 'useless', 'slow', 'worst', 'disappointed', 'disappointing', 'annoying', 'frustrating', 'broken', 'crash\\w*', 'bug\\w*', 'expensive', 'overpriced',
    'late', 'lost', 'damaged', 'wrong', 'confusing', 'complicated', 'impossible', 'ignored', 'dismissive', 'arrogant', 'incompetent', 'never', 'nobody', 'waste', 'hate', 'hated', 'angry', 'problem\\w*', 'fail\\w*', 'error\\w*',
    'dårlig\\w*', 'elendig\\w*', 'forferdelig\\w*', 'frekk\\w*', 'uhøflig\\w*', 'treg\\w*', 'verst\\w*', 'skuffet', 'skuffende', 'irriterende', 'frustrerende', 'ødelagt', 'krasj\\w*', 'feil\\w*', 'dyr\\w*', 'sen\\w*', 'forsinket',
    'script\\w*', 'robotic', 'canned', 'steep', 'manus', 'skyhøy\\w*', 'for høye?', 'no (?:response|reply|answer|call ?back|one)', 'left (?:a )?(?:mess|rubbish)', 'ingen (?:svar|respons|tilbakemelding)', 'fikk aldri', 'tapt', 'skadet', 'komplisert', 'umulig', 'ignorert\\w*', 'arrogant\\w*', 'inkompetent\\w*', 'aldri', 'ingen', 'bortkastet', 'hater', 'sint', 'problem\\w*', 'tungvint\\w*',
  ]),
} as const;

/**
 * Words that carry no specifics: function words and the vocabulary every support conversation
 * shares ("order", "help", "problem"). What is left when they go is what the customer said about
 * their own situation.
 */
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    "a about above after again against all also am an and any are aren't as at be because been before being below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each few for from further had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself let's me more most mustn't my myself no nor not of off on once only or other ought our ours ourselves out over own same shan't she she'd she'll she's should shouldn't so some such than that that's the their theirs them themselves then there there's these they they'd they'll they're they've this those through to too under until up very was wasn't we we'd we'll we're we've were weren't what what's when when's where where's which while who who's whom why why's with won't would wouldn't you you'd you'll you're you've your yours yourself yourselves " +
    'hi hello hey dear thanks thank please yes yeah ok okay sure just really still now today tomorrow yesterday get got going go know think see look need want like one two also back well good great sorry help helped helping problem problems issue issues thing things something anything everything nothing way time times day days week weeks month months customer customers service support team order orders account company email e-mail message call called phone number contact contacted reply regards kind best sincerely question questions information info able will would shall may might must let make made new old right wrong sent send receive received case ticket request ' +
    'og i jeg det at en et den til er som på de med han av ikke der så var meg seg men ett har om vi min mitt ha hadde hun nå over da ved fra du ut sin dem oss opp man kan hans hvor eller hva skal selv sjøl her alle vil bli ble blitt kunne inn når være kom noen noe ville dere deres kun ja etter ned skulle denne for deg si sine sitt mot å meget hvorfor dette disse uten hvordan ingen din ditt blir samme hvilken hvilke sånn inni mellom vår hver hvem vors hvis både bare enn fordi før mange også slik vært båe begge siden dykk dykkar dei deira deires deim di då eg ein eit eitt elles honom hjå ho hoe henne hennar hennes hoss hossen ikkje ingi inkje korleis korso kva kvar kvarhelst kven kvi kvifor me medan mi mine mykje no nokon noka nokor noko nokre si sia sidan so somt somme um upp vere vore verte vort varte vart hei hallo takk ok okei greit gjerne bra fint flott beklager hjelp hjelpe problem problemet sak saken kunde kunden kundeservice melding meldingen e-post e-posten ring ringe ringte nummer nummeret dag dager uke uker måned tid gang ganger litt mye mer mest helt veldig fortsatt igjen allerede trenger lurer spørsmål svar svare sendt sende fikk få får gjøre gjort gikk går'
  ).split(/\s+/),
);

const ASK = '(?:asked|asks|asking|ask|wanted to know|spurte|spør|spørre|spurt|ville vite|lurte på)';
const WHOM = '(?: (?:her|him|them|the customer|the caller|kunden|henne|ham|dem))?(?: (?:first|also|straight away|først|også|straks))?';

/**
 * What a case note narrates the company doing ("asked how she was managing", "lovet å ringe når
 * vedtaket kommer"): read only in the narrated sentences of a note (`Sentence.reported`), where the
 * families above, written for the speakers' own words, do not reach.
 */
export const REPORTED = {
  /** An open question, told: "asked how she was", "spurte hva han bruker kortet til", "ba dem vise hvordan". */
  openQuestion: family([
    `${ASK}${WHOM} (?:how|what|why|which|when|where|about|hva|hvordan|hvorfor|hvilke\\p{L}*|når|hvor|om (?:hvordan|hva|hvorfor|hvilke\\p{L}*))`,
    'asked (?:\\p{L}+ ){0,3}to (?:tell|describe|explain|walk|show|talk)', '(?:let|invited) (?:her|him|them) (?:to )?(?:tell|explain|talk|describe)',
    '(?:ba|be|bad) (?:\\p{L}+ ){1,4}(?:vise|fortelle|forklare|beskrive)', 'lot (?:henne|ham|dem) (?:fortelle|forklare)',
  ]),
  /** A closed question about the customer, told: "asked whether anyone was helping her". */
  closedQuestion: family([`${ASK}${WHOM} (?:whether|if|om (?!status))`]),
  /** A concrete act or commitment, told: "will ring customer back Friday", "lovet å ringe", "Hilde sender oversikt i morgen". */
  commitment: family([
    "(?:will|would|promised to|agreed to|offered to|undertook to|is going to|was going to|arranged to|said (?:she|he|they)(?:'d| would| will))(?: \\p{L}+)? (?:call|ring|phone|send|check|chase|visit|book|arrange|email|e-mail|write|text|confirm|follow|come|get|look|sort|fix|refund|credit|post|deliver|bring|update|keep|request|raise|contact)",
    'promised (?:a |to )', '(?:raised|issued|booked|arranged|refunded|credited|blocked|cancelled|replaced|reset|filed|ordered|set up|fixed|rebooked|reserved|waived|reversed|scheduled|corrected|reactivated|restored|refunded)',
    '(?:lovet|lovte|avtalte|tilbød seg) (?:å|at)', 'lovet (?:\\p{L}+ ){0,2}(?:dato|svar|tilbakemelding|oppringing)',
    '(?:skal|skulle|vil|ville|sa (?:hun|han|de) (?:skulle|ville|ringer|sender|tar|følger))(?: \\p{L}+)?(?: selv)? (?:ringe|ringer|sende|sender|sjekke|følge|ta kontakt|komme|ordne|booke|bestille|skrive|purre|oppdatere|gi|se)',
    '(?:ringer|sender|følger opp|tar kontakt|kommer tilbake|ordner|booker|bestiller|purrer|skriver)', 'bekreftet (?:\\p{L}+ )?(?:besøk|time|dato|levering)\\p{L}*',
    '(?:booket|bestilte|ordnet|refunderte|krediterte|fikset|sperret|opprettet|rettet|erstattet|reserverte|kansellerte|bestilt|kreditert|refundert|rettet|satte opp)',
  ]),
  /** A promise with nobody and no time in it, told: "said it was noted and would be picked up offline", "informert om at saken er under behandling". */
  vaguePromise: family([
    '(?:said|told (?:her|him|them|the customer)|informed|explained) (?:that )?(?:it|this|the (?:issue|matter|case|request|complaint))? ?(?:was|had been|would be|will be) (?:noted|logged|passed on|looked into|picked up|followed up|escalated|forwarded)',
    'would be (?:picked up|looked into|followed up|passed on)', 'under (?:investigation|review)', '(?:er|var) under behandling', 'informert om at', 'opplyst (?:om )?at', 'tatt til etterretning',
  ]),
  /** Self-service, told: "sent a link to the help centre", "henviste til nettsiden". */
  deflection: family([
    'sent (?:her |him |them |the customer )?(?:a |the )?link', '(?:closed|answered) (?:\\p{L}+ ){0,3}with (?:a |the )?link', '(?:referred|directed|pointed) (?:her|him|them|the customer) to', 'told (?:her|him|them|the customer) to (?:use|log|go|visit|check|fill)',
    'sendte (?:henne |ham |kunden )?(?:en |ei )?lenke', 'med (?:en )?lenke', 'henviste (?:til|kunden|henne|ham)', 'ba (?:henne|ham|kunden) (?:om å )?(?:logge|bruke|gå inn|fylle)'
  ]),
  /** Passing on, told: "transferred the call to billing", "saken sendt til fakturaavdelingen". */
  passOn: family([
    '(?:transferred|passed|referred|forwarded|handed|sent) (?:her |him |them |the customer |the call |the case |it |the ticket )?(?:on |over )?to (?:the |another |a )?(?:\\p{L}+ )?(?:team|department|desk|colleague|specialist|unit)',
    'sendt til \\p{L}*avdeling\\p{L}*', 'overførte', 'satte (?:henne|ham|kunden) over', 'sendte (?:saken|henvendelsen) (?:videre|til)',
  ]),
  /** The case closed, told: "closed the ticket", "Status: Lukket", "saken lukket dagen etter". */
  closing: family([
    '(?:closed|resolved) the (?:ticket|case|chat|request|complaint)', '(?:ticket|case|job|request|chat) (?:was )?(?:closed|marked (?:as )?(?:resolved|closed|solved))', '^closed', 'status(?: set to| changed to)?:? (?:closed|resolved|solved)',
    'status: (?:lukket|løst|avsluttet)', '(?:lukket|avsluttet) saken', 'saken (?:ble )?(?:lukket|avsluttet|avsluttes)', '^lukket',
  ]),
  /** The rules, told: "declined the claim", "viste til vilkårene". */
  policy: family([
    '(?:declined|refused|rejected|turned down) (?:the|her|his|their) (?:claim|request|refund|return|complaint|application)', 'explained (?:the|our) (?:policy|terms|rules)', '(?:read out|quoted|cited) the (?:policy|terms|rules)',
    '(?:avslo|avviste) (?:kravet|søknaden|klagen|reklamasjonen|refusjonen)', 'viste til (?:vilkårene|reglene|regelverket|retningslinjene|\\p{L}*regulativet)',
  ]),
  acknowledgement: family(['apologi[sz]ed', 'said sorry', 'reassured (?:her|him|them)', 'beklaget', 'ba om unnskyldning', 'beroliget']),
  ownedMistake: family([
    'confirmed (?:the |our |it was (?:an |our )?)?(?:error|mistake|fault)', 'admitted (?:the |our )?(?:error|mistake|fault)', '(?:owned|accepted) (?:the |our )?(?:mistake|error|responsibility)',
    'bekreftet (?:at det var )?(?:feil|feilen)', 'innrømmet (?:feil|feilen)', 'tok på seg (?:feilen|skylden|ansvaret)',
  ]),
  directLine: family([
    '(?:gave|left|sent) (?:her|him|them|the customer) (?:his|her|their|a) (?:direct|own|mobile) (?:number|line|phone)', 'direct (?:number|line|dial)', 'call (?:him|her) directly',
    '(?:ga|sendte) (?:henne|ham|kunden) (?:sitt|sin) (?:direkte)?(?:nummer|mobilnummer)', 'direktenummer\\p{L}*', 'ringe (?:ham|henne) direkte',
  ]),
  /** A plain thanks, told: "thanked the agent", "takket for hjelpen". */
  thanks: family(['thanked', 'said thanks', 'takket', 'sa takk']),
  /** Coming back as agreed: "called as arranged", "ringte som avtalt". */
  history: family([
    '(?:called|rang|phoned|came back|got back|rung|wrote)(?: \\p{L}+){0,2} as (?:arranged|agreed|promised)', '(?:ringte|kom tilbake|tok kontakt|skrev)(?: \\p{L}+){0,2} som (?:avtalt|lovet)',
  ]),
  /** The customer's relief, told: "said on leaving that she could sleep tonight", "var lettet". */
  relief: family([
    "(?:said|says)(?: \\p{L}+){0,3} (?:that )?(?:she|he|they) (?:could sleep|was relieved|felt (?:better|relieved|heard)|was (?:so |very )?(?:grateful|happy|pleased))", '(?:was|sounded|felt) (?:very |so )?relieved', 'thanked (?:her|him|them|us) (?:warmly|for)',
    'lettet', 'takket (?:for|varmt)', 'sa (?:at )?(?:hun|han|de) (?:var|ble) (?:glad|lettet|fornøyd|takknemlig)', 'kunne sove',
  ]),
} as const;
